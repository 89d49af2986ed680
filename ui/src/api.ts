// Typed wrappers over the Rust core's commands (src-tauri/src/app/IPC.md).
// This is the only file that imports @tauri-apps/api.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { Catalogue, ModelBrowserState, ModelEndpoint, ModelPicks, ProviderInfo, Routing } from "./model-types";
import type {
  AccountStatus,
  BudgetStatus,
  KeyStatus,
  LedgerExport,
  PromptEstimate,
  ReplyTiming,
  SpendReport,
  SpendTotals,
  SpendWindows,
  UsageCorrected,
} from "./money-types";
import { isExternalUrl } from "./safe-url";

export { isExternalUrl };
// The model catalogue's and routing's types (IPC.md "Models and routing").
export * from "./model-types";
export * from "./money-types";

// ---------------------------------------------------------------------------
// Shared types, exactly as serialized by the Rust core.

export type UserErrorKind =
  | "unauthorized"
  | "no_credits"
  | "rate_limited"
  | "forbidden"
  | "bad_request"
  | "not_found"
  | "timeout"
  | "provider_down"
  | "server_error"
  | "offline"
  | "interrupted"
  | "empty_reply"
  | "no_key"
  | "keyring_unavailable"
  | "storage"
  | "invalid_input"
  | "unknown";

export interface UserAction {
  kind: "open_url" | "retry" | "enter_key" | "switch_model" | "retry_shorter" | "send_anyway";
  label: string;
  url?: string | null;
  /** switch_model: the model to switch to. */
  model?: string | null;
  /** retry_shorter: the longest reply to ask for (what a 402 said the credits cover). */
  max_tokens?: number | null;
}

export interface UserError {
  kind: UserErrorKind;
  message: string;
  action?: UserAction | null;
  /** Another way out beside `action` (a 402: a shorter reply now, credits for later). */
  second_action?: UserAction | null;
  retry_after_secs?: number | null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  cost_usd: number | null;
  /** Exact cost in nano-dollars (USD × 1e9); absent from cores before issue 5. */
  cost_nanos?: number | null;
  /** "generation": looked up later with /generation (a stopped or cut-off reply). */
  cost_source?: "stream" | "generation";
}

export type MessageStatus = "complete" | "streaming" | "stopped" | "interrupted" | "error";

export interface Message {
  id: number;
  conversation_id: number;
  role: "user" | "assistant" | "system";
  content: string;
  reasoning: string | null;
  status: MessageStatus;
  model: string | null;
  provider: string | null;
  finish_reason: string | null;
  error: UserError | null;
  usage: Usage | null;
  created_at: number;
  /** Time to first token and total time of a reply; null for user messages and older replies. */
  timing?: ReplyTiming | null;
  /** The reply stopped before its usage; its real cost is still to be looked up. */
  cost_pending?: boolean;
}

export interface ConversationSummary {
  id: number;
  title: string;
  model: string;
  created_at: number;
  updated_at: number;
  message_count: number;
  /** Pinned: listed first. */
  starred: boolean;
  /** Hidden from the main list; shown by list_archived. */
  archived: boolean;
  /** Where it was started: the main window's chat, or a quick prompt (older cores leave it out: "chat"). */
  origin?: Origin;
}

/** Where a conversation was started. */
export type Origin = "chat" | "quick";

/** A piece of a search snippet; `hit` parts are the matched words (plain text, never HTML). */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

export type SearchOrder = "relevance" | "newest";

export interface SearchQuery {
  /** The words as typed; "quoted phrases" and a trailing * (prefix) work. */
  text: string;
  /** Only replies from this model id. */
  model: string | null;
  /** created_at >= from_ms */
  from_ms: number | null;
  /** created_at < to_ms */
  to_ms: number | null;
  starred_only: boolean;
  order: SearchOrder;
  /** At most 200. */
  limit: number;
}

export interface SearchHit {
  message_id: number;
  conversation_id: number;
  conversation_title: string;
  role: "user" | "assistant" | "system";
  model: string | null;
  created_at: number;
  snippet: SnippetPart[];
  /** The conversation's origin (older cores leave it out: "chat"). */
  origin?: Origin;
}

export type ExportFormat = "markdown" | "json";

export interface ExportResult {
  path: string;
  conversations: number;
}

export interface ImportReport {
  conversations_added: number;
  conversations_skipped: number;
  messages_added: number;
}

/** A conversation as it opens: one page of its messages (oldest first), not all of them. */
export interface ConversationDetail {
  conversation: ConversationSummary;
  messages: Message[];
  /** Messages before the first one here exist (ask olderMessages). */
  has_older: boolean;
  /** Messages after the last one here exist (opened around a message; ask newerMessages). */
  has_newer: boolean;
}

export interface MessagePage {
  messages: Message[];
  has_older: boolean;
  has_newer: boolean;
}

/** A place in the conversation list: the last conversation already listed. */
export interface ConversationCursor {
  starred: boolean;
  updated_at: number;
  id: number;
}

export interface ConversationPage {
  /** Starred first, then the newest updated_at, then the highest id. */
  conversations: ConversationSummary[];
  /** More follow the last one here. */
  has_more: boolean;
  /** How many conversations the list (not archived) holds in all. */
  total: number;
}

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  context_length: number | null;
  prompt_price_per_million: string | null;
  completion_price_per_million: string | null;
  is_free: boolean;
  supports_reasoning: boolean;
}

export interface AppStatus {
  has_key: boolean;
  key_storage: "keyring" | "session" | "none";
  keyring_problem: string | null;
  /** Set when the history file could not be opened; the app then runs on an in-memory history. */
  history_problem?: HistoryProblem | null;
  version: string;
}

export interface HistoryProblem {
  /** damaged: a fresh file can be started beside it; too_new: only an update opens it; unreadable: retry. */
  kind: "damaged" | "too_new" | "unreadable";
  message: string;
  path: string;
}

export interface FreshHistory {
  /** Where the damaged file was moved to (it is kept, never deleted). */
  kept_at: string;
}

export interface KeyInfo {
  label: string;
  limit: number | null;
  limit_remaining: number | null;
  usage: number;
  is_free_tier: boolean;
  stored_in: "keyring" | "session";
}

export type Theme = "system" | "light" | "dark";

export interface Settings {
  default_model: string;
  theme: Theme;
  /** Monthly budget in US dollars as a decimal string ("20"); null = none. */
  monthly_budget_usd?: string | null;
  /** Warn when the key's remaining limit or the balance falls under this many dollars; null = off. */
  low_balance_usd?: string | null;
  /** The tray and the quick-prompt window (issue 6); kept as given when the page does not change it. */
  quick?: QuickSettings;
}

export interface QuickSettings {
  /** The global shortcut, e.g. "CommandOrControl+Shift+Space". */
  shortcut: string;
  shortcut_paused: boolean;
  close_to_tray: boolean;
  told_close_to_tray: boolean;
  /** Seconds the main window stays hidden before its web view is closed (0: never). */
  main_idle_close_secs: number;
  attach: "off" | "selection" | "clipboard";
  start_at_login: boolean;
  /** The quick window's own model; null: the default model. */
  model: string | null;
}

export interface TurnStarted {
  conversation_id: number;
  user_message_id: number;
  assistant_message_id: number;
}

export type StreamEvent =
  | { type: "meta"; model: string | null; provider: string | null }
  | { type: "delta"; content: string; reasoning: string }
  | { type: "usage"; usage: Usage }
  | {
      type: "done";
      status: MessageStatus;
      finish_reason: string | null;
      error: UserError | null;
      timing?: ReplyTiming | null;
      cost_pending?: boolean;
    };

// ---------------------------------------------------------------------------
// Errors

const USER_ERROR_KINDS: ReadonlySet<string> = new Set<UserErrorKind>([
  "unauthorized",
  "no_credits",
  "rate_limited",
  "forbidden",
  "bad_request",
  "not_found",
  "timeout",
  "provider_down",
  "server_error",
  "offline",
  "interrupted",
  "empty_reply",
  "no_key",
  "keyring_unavailable",
  "storage",
  "invalid_input",
  "unknown",
]);

const GENERIC_MESSAGE = "Something went wrong. Please try again.";

function normaliseAction(value: unknown): UserAction | null {
  if (typeof value !== "object" || value === null) return null;
  const raw = value as Record<string, unknown>;
  const kind = raw["kind"];
  const label = raw["label"];
  if (
    kind !== "open_url" && kind !== "retry" && kind !== "enter_key" && kind !== "switch_model" &&
    kind !== "retry_shorter" && kind !== "send_anyway"
  ) return null;
  if (typeof label !== "string" || label.trim() === "") return null;
  const url = typeof raw["url"] === "string" ? raw["url"] : null;
  if (kind === "open_url" && url === null) return null;
  if (kind === "switch_model") {
    const model = typeof raw["model"] === "string" ? raw["model"].trim() : "";
    return model === "" ? null : { kind, label, url: null, model };
  }
  if (kind === "retry_shorter") {
    const maxTokens = raw["max_tokens"];
    const valid = typeof maxTokens === "number" && Number.isInteger(maxTokens) && maxTokens > 0 && maxTokens <= 0xffffffff;
    return valid ? { kind, label, url: null, max_tokens: maxTokens } : null;
  }
  return { kind, label, url };
}

/** Turns anything a command rejected with into a UserError. */
export function toUserError(reason: unknown): UserError {
  if (typeof reason === "object" && reason !== null && !(reason instanceof Error)) {
    const raw = reason as Record<string, unknown>;
    const message = raw["message"];
    if (typeof message === "string" && message.trim() !== "") {
      const kind = typeof raw["kind"] === "string" && USER_ERROR_KINDS.has(raw["kind"])
        ? (raw["kind"] as UserErrorKind)
        : "unknown";
      const retryAfter = raw["retry_after_secs"];
      const second = normaliseAction(raw["second_action"]);
      return {
        kind,
        message,
        action: normaliseAction(raw["action"]),
        ...(second === null ? {} : { second_action: second }),
        retry_after_secs: typeof retryAfter === "number" && Number.isFinite(retryAfter) ? retryAfter : null,
      };
    }
    return { kind: "unknown", message: GENERIC_MESSAGE, action: null, retry_after_secs: null };
  }
  if (reason instanceof Error && reason.message.trim() !== "") {
    return { kind: "unknown", message: reason.message, action: null, retry_after_secs: null };
  }
  if (typeof reason === "string" && reason.trim() !== "") {
    return { kind: "unknown", message: reason, action: null, retry_after_secs: null };
  }
  return { kind: "unknown", message: GENERIC_MESSAGE, action: null, retry_after_secs: null };
}

export function isUserError(value: unknown): value is UserError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { message?: unknown }).message === "string" &&
    typeof (value as { kind?: unknown }).kind === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toUserError(reason);
  }
}

function streamChannel(onEvent: (event: StreamEvent) => void): Channel<StreamEvent> {
  const channel = new Channel<StreamEvent>();
  channel.onmessage = onEvent;
  return channel;
}

// ---------------------------------------------------------------------------
// Commands

export function appStatus(): Promise<AppStatus> {
  return call<AppStatus>("app_status");
}

export function saveApiKey(key: string, sessionOnly: boolean): Promise<KeyInfo> {
  return call<KeyInfo>("save_api_key", { key, sessionOnly });
}

export function forgetApiKey(): Promise<null> {
  return call<null>("forget_api_key");
}

export function listModels(): Promise<ModelSummary[]> {
  return call<ModelSummary[]>("list_models");
}

// ---------------------------------------------------------------------------
// Models and routing

/** The cached catalogue, at once (no network). */
export function getCatalogue(): Promise<Catalogue> {
  return call<Catalogue>("get_catalogue");
}

/** A fresh catalogue; on failure the cached one with `refresh_error` set. */
export function refreshCatalogue(): Promise<Catalogue> {
  return call<Catalogue>("refresh_catalogue");
}

/** The providers serving a model. */
export function modelEndpoints(id: string): Promise<ModelEndpoint[]> {
  return call<ModelEndpoint[]>("model_endpoints", { id });
}

export function listProviders(): Promise<ProviderInfo[]> {
  return call<ProviderInfo[]>("list_providers");
}

/** Favourite models and the models of the most recent conversations. */
export function modelPicks(): Promise<ModelPicks> {
  return call<ModelPicks>("model_picks");
}

export function setFavorite(id: string, favorite: boolean): Promise<ModelPicks> {
  return call<ModelPicks>("set_favorite", { id, favorite });
}

/** A conversation's routing (the defaults when none was set). */
export function getRouting(conversationId: number): Promise<Routing> {
  return call<Routing>("get_routing", { conversationId });
}

/** Saves a conversation's routing; resolves with it as saved, rejects with a sentence when it is refused. */
export function setRouting(conversationId: number, routing: Routing): Promise<Routing> {
  return call<Routing>("set_routing", { conversationId, routing });
}

export function getModelBrowserState(): Promise<ModelBrowserState | null> {
  return call<ModelBrowserState | null>("get_model_browser_state");
}

export function setModelBrowserState(state: ModelBrowserState): Promise<null> {
  return call<null>("set_model_browser_state", { state });
}

export function listConversations(): Promise<ConversationSummary[]> {
  return call<ConversationSummary[]>("list_conversations");
}

/**
 * Opens conversation `id` on its newest messages, or, with `around` (a message id), on the messages
 * around that one.
 */
export function getConversation(id: number, around: number | null = null): Promise<ConversationDetail> {
  return call<ConversationDetail>("get_conversation", around === null ? { id } : { id, around });
}

/** Up to `limit` messages before `beforeId`, oldest first. */
export function olderMessages(conversationId: number, beforeId: number, limit: number): Promise<MessagePage> {
  return call<MessagePage>("older_messages", { conversationId, beforeId, limit });
}

/** Up to `limit` messages after `afterId`, oldest first. */
export function newerMessages(conversationId: number, afterId: number, limit: number): Promise<MessagePage> {
  return call<MessagePage>("newer_messages", { conversationId, afterId, limit });
}

/** One page of the conversation list: from the top (null), or after the conversation `before`. */
export function listConversationsPage(
  before: ConversationCursor | null,
  limit: number,
  origin: Origin | null = null,
): Promise<ConversationPage> {
  return call<ConversationPage>("list_conversations_page", { before, limit, ...(origin === null ? {} : { origin }) });
}

export function deleteConversation(id: number): Promise<null> {
  return call<null>("delete_conversation", { id });
}

/**
 * Starts a turn; the reply streams to `onEvent` and always ends with one `done`. A `routing` (for a new
 * chat) is checked and saved on the conversation first; null uses the conversation's saved routing.
 */
export function sendMessage(
  conversationId: number | null,
  text: string,
  model: string,
  onEvent: (event: StreamEvent) => void,
  routing: Routing | null = null,
): Promise<TurnStarted> {
  return call<TurnStarted>("send_message", {
    conversationId,
    text,
    model,
    routing,
    onEvent: streamChannel(onEvent),
  });
}

/** How a retry differs from asking the same model again (an error's action). */
export interface RetryWith {
  /** This model becomes the conversation's first (an error's "Switch to …"). */
  model?: string | null;
  /** Caps this reply's length (a 402's "Try a shorter reply"); later turns are not capped. */
  maxTokens?: number | null;
}

/** Replaces the reply `assistantMessageId` with a new one streamed to `onEvent`, changed as `with` says. */
export function retryReply(
  assistantMessageId: number,
  onEvent: (event: StreamEvent) => void,
  with_: RetryWith = {},
): Promise<TurnStarted> {
  const model = with_.model ?? null;
  const maxTokens = with_.maxTokens ?? null;
  return call<TurnStarted>("retry_reply", {
    assistantMessageId,
    ...(model === null ? {} : { model }),
    ...(maxTokens === null ? {} : { maxTokens }),
    onEvent: streamChannel(onEvent),
  });
}

export function stopReply(assistantMessageId: number): Promise<null> {
  return call<null>("stop_reply", { assistantMessageId });
}

export function getSettings(): Promise<Settings> {
  return call<Settings>("get_settings");
}

export function updateSettings(settings: Settings): Promise<Settings> {
  return call<Settings>("update_settings", { settings });
}

/** Opens an http(s) or mailto URL in the system browser; anything else is refused here too. */
export function openExternal(url: string): Promise<null> {
  if (!isExternalUrl(url)) {
    return Promise.reject(toUserError({ kind: "invalid_input", message: "That link cannot be opened." }));
  }
  return call<null>("open_external", { url });
}

// ---------------------------------------------------------------------------
// History: search, titles, stars, archive, export and import

/** Full-text search over every message; an empty or punctuation-only text gives []. */
export function searchMessages(query: SearchQuery): Promise<SearchHit[]> {
  return call<SearchHit[]>("search_messages", { query });
}

/** The core trims the title and accepts 1–200 characters. */
export function renameConversation(id: number, title: string): Promise<null> {
  return call<null>("rename_conversation", { id, title });
}

export function setStarred(id: number, starred: boolean): Promise<null> {
  return call<null>("set_starred", { id, starred });
}

export function setArchived(id: number, archived: boolean): Promise<null> {
  return call<null>("set_archived", { id, archived });
}

export function listArchived(): Promise<ConversationSummary[]> {
  return call<ConversationSummary[]>("list_archived");
}

/** Deletes every conversation; the spending ledger is kept. */
export function deleteAllHistory(): Promise<null> {
  return call<null>("delete_all_history");
}

/**
 * Writes the conversations `conversationIds` (null: all of them) to a file the user picks in a native
 * save dialog. Resolves with null when the user cancels that dialog.
 */
export function exportHistory(conversationIds: number[] | null, format: ExportFormat): Promise<ExportResult | null> {
  return call<ExportResult | null>("export_history", { conversationIds, format });
}

/** Imports a JSON export the user picks in a native open dialog; null when the user cancels it. */
export function importHistory(): Promise<ImportReport | null> {
  return call<ImportReport | null>("import_history");
}

/** Renames the damaged history file beside itself and starts an empty one (only for a damaged file). */
export function startFreshHistory(): Promise<FreshHistory> {
  return call<FreshHistory>("start_fresh_history");
}

/** Tries the history file again; resolves null when it opened, else the problem as it is now. */
export function retryOpenHistory(): Promise<HistoryProblem | null> {
  return call<HistoryProblem | null>("retry_open_history");
}

// ---------------------------------------------------------------------------
// Money: spend, estimates, key and account figures, budget (IPC.md "Money (issue 5)")

export function conversationSpend(conversationId: number): Promise<SpendTotals> {
  return call<SpendTotals>("conversation_spend", { conversationId });
}

/** What the next request would cost in prompt tokens with `model`; local, no network. */
export function estimatePrompt(conversationId: number | null, model: string, draft: string): Promise<PromptEstimate> {
  return call<PromptEstimate>("estimate_prompt", { conversationId, model, draft });
}

export function spendWindows(): Promise<SpendWindows> {
  return call<SpendWindows>("spend_windows");
}

/** Spend by day, model and conversation over local days `fromDay`..=`toDay` ("YYYY-MM-DD"). */
export function spendReport(fromDay: string, toDay: string): Promise<SpendReport> {
  return call<SpendReport>("spend_report", { fromDay, toDay });
}

export function keyStatus(): Promise<KeyStatus> {
  return call<KeyStatus>("key_status");
}

export function saveManagementKey(key: string): Promise<AccountStatus> {
  return call<AccountStatus>("save_management_key", { key });
}

export function forgetManagementKey(): Promise<null> {
  return call<null>("forget_management_key");
}

export function accountStatus(): Promise<AccountStatus> {
  return call<AccountStatus>("account_status");
}

export function budgetStatus(): Promise<BudgetStatus> {
  return call<BudgetStatus>("budget_status");
}

/** Saves the ledger as CSV where the user picks; null when the user cancels (null days = everything). */
export function exportLedgerCsv(fromDay: string | null, toDay: string | null): Promise<LedgerExport | null> {
  return call<LedgerExport | null>("export_ledger_csv", { fromDay, toDay });
}

/** Calls `handler` whenever a stopped or cut-off reply's real cost arrives; resolves to an unsubscribe. */
export async function onUsageCorrected(handler: (event: UsageCorrected) => void): Promise<() => void> {
  const { listen } = await import("@tauri-apps/api/event");
  const unlisten = await listen<UsageCorrected>("usage-corrected", (event) => handler(event.payload));
  // Removing a listener is asynchronous and may fail (the window is closing): nothing to do about it then.
  return () => {
    void Promise.resolve()
      .then(unlisten)
      .catch(() => undefined);
  };
}

// ---------------------------------------------------------------------------
// Tray and quick prompts (issue 6). The quick window may call only quick_status, quick_send, quick_retry,
// quick_stop, read_attachment, copy_text, quick_hide and open_in_main (its capability file).

export type Attach = "off" | "selection" | "clipboard";

export interface QuickStatus {
  /** False: the window says to open the main window and add a key. */
  has_key: boolean;
  /** The quick model (settings.quick.model, else the default model). */
  model: string;
  /** The default of the attach toggle. */
  attach: Attach;
  /** "selection" exists here (X11/Wayland); false on Windows and macOS. */
  selection_supported: boolean;
  /** The shortcut as people read it, e.g. "Ctrl+Shift+Space". */
  shortcut: string;
  /** The theme chosen in Settings (an older core sends none: the system's). */
  theme?: Theme;
}

export interface Attachment {
  kind: "selection" | "clipboard";
  /** At most 32 KiB. */
  text: string;
  truncated: boolean;
}

export type ShortcutState = "active" | "paused" | "taken" | "invalid" | "unavailable";

export interface ShortcutStatus {
  shortcut: string;
  readable: string;
  state: ShortcutState;
  /** A sentence when taken, invalid or unavailable. */
  problem: string | null;
}

/** The tray menu's actions, by their menu ids, and the Settings' own "resume-shortcut"/"pause-shortcut". */
export type DesktopAction = "quick-prompt" | "open-main" | "toggle-shortcut" | "quit" | "resume-shortcut" | "pause-shortcut";

export function quickStatus(): Promise<QuickStatus> {
  return call<QuickStatus>("quick_status");
}

/**
 * Sends a quick prompt: a new quick conversation (null) or a follow-up in one. `attachment` (the selection or
 * clipboard text the user chose to attach) goes before the text as context. At a reached monthly budget the
 * core refuses a paid prompt with a "send_anyway" action; `sendAnyway` is the user's answer.
 */
export function quickSend(
  conversationId: number | null,
  text: string,
  attachment: string | null,
  onEvent: (event: StreamEvent) => void,
  sendAnyway = false,
): Promise<TurnStarted> {
  return call<TurnStarted>("quick_send", {
    conversationId,
    text,
    attachment,
    ...(sendAnyway ? { sendAnyway } : {}),
    onEvent: streamChannel(onEvent),
  });
}

/** Asks again for a quick conversation's reply; `maxTokens` caps this one reply (a 402's shorter reply). */
export function quickRetry(
  assistantMessageId: number,
  onEvent: (event: StreamEvent) => void,
  maxTokens: number | null = null,
): Promise<TurnStarted> {
  return call<TurnStarted>("quick_retry", {
    assistantMessageId,
    ...(maxTokens === null ? {} : { maxTokens }),
    onEvent: streamChannel(onEvent),
  });
}

/** Stops a quick conversation's reply (the quick window cannot stop a chat's: it has no stop_reply). */
export function quickStop(assistantMessageId: number): Promise<null> {
  return call<null>("quick_stop", { assistantMessageId });
}

/** Reads the selected text or the clipboard, only when the user asked for it. */
export function readAttachment(kind: "selection" | "clipboard"): Promise<Attachment> {
  return call<Attachment>("read_attachment", { kind });
}

export function copyText(text: string): Promise<null> {
  return call<null>("copy_text", { text });
}

export function quickHide(): Promise<null> {
  return call<null>("quick_hide");
}

/** Hides the quick window and shows the conversation in the main window. */
export function openInMain(conversationId: number): Promise<null> {
  return call<null>("open_in_main", { conversationId });
}

/** Does what the tray menu item does. */
export function desktopAction(action: DesktopAction): Promise<null> {
  return call<null>("desktop_action", { action });
}

/** A conversation the main window should open (set by the quick window's "Open in main window"), once. */
export function takePendingOpen(): Promise<number | null> {
  return call<number | null>("take_pending_open");
}

/** Where the main window's page was when hidden: its open conversation and unsent draft. */
export interface Place {
  conversation_id: number | null;
  draft: string;
}

/** The page is being hidden: keep where it is for a page that replaces it (the idle close). */
export function keepPlace(conversationId: number | null, draft: string): Promise<null> {
  return call<null>("keep_place", { conversationId, draft });
}

/** Where the page before this one was, once; null at a normal start. */
export function takePlace(): Promise<Place | null> {
  return call<Place | null>("take_place");
}

export function shortcutStatus(): Promise<ShortcutStatus> {
  return call<ShortcutStatus>("shortcut_status");
}

/** Registers `shortcut` in place of the current one; the old one stays when the new one cannot be had. */
export function setShortcut(shortcut: string): Promise<ShortcutStatus> {
  return call<ShortcutStatus>("set_shortcut", { shortcut });
}

/** Main-window events from the tray and the quick window; resolves to an unsubscribe. */
export async function onDesktopEvents(handlers: {
  openConversation: (id: number) => void;
  /** `id`: the conversation a quick prompt started or finished a reply in. */
  conversationsChanged: (id: number | null) => void;
}): Promise<() => void> {
  const { listen } = await import("@tauri-apps/api/event");
  const stops = await Promise.all([
    listen<{ id?: unknown }>("open-conversation", (event) => {
      const id = event.payload?.id;
      if (typeof id === "number" && Number.isSafeInteger(id)) handlers.openConversation(id);
    }),
    listen<{ id?: unknown } | null>("conversations-changed", (event) => {
      const id = event.payload?.id;
      handlers.conversationsChanged(typeof id === "number" && Number.isSafeInteger(id) ? id : null);
    }),
  ]);
  return () => {
    for (const stop of stops) {
      void Promise.resolve()
        .then(stop)
        .catch(() => undefined);
    }
  };
}
