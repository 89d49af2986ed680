// The chat area: header (model picker, settings), the message log, the error banner and the composer.
// It runs turns (send, retry, stop) and routes each stream's events to its message view.
//
// Money (issue 5): the header shows the conversation's running total, the composer an estimate of the
// next prompt and the budget notices; sending at a reached budget asks first, and a reply whose real cost
// arrives later (`usage-corrected`) is updated in place.
//
// The log is a VirtualLog: a conversation opens on its newest page of messages (or on the page around a
// search result), only the messages near the viewport are in the DOM, and older (or newer) pages are
// fetched as the reader scrolls towards them.
import {
  budgetStatus,
  conversationSpend,
  defaultRouting,
  estimatePrompt,
  getConversation,
  getRouting,
  newerMessages,
  olderMessages,
  onUsageCorrected,
  retryReply,
  sendMessage,
  setRouting,
  stopReply,
  toUserError,
  type BudgetStatus,
  type ConversationDetail,
  type ConversationSummary,
  type Message,
  type MessagePage,
  type RetryWith,
  type Routing,
  type StreamEvent,
  type TurnStarted,
  type Usage,
  type UsageCorrected,
} from "../api";
import type { ModelCatalog } from "../model-catalog";
import { budgetQuestion, estimateLine, spendLine } from "../money-text";
import { handleLinkClicks } from "../render/markdown";
import { BannerArea, type ErrorHandlers } from "./alert";
import { Composer } from "./composer";
import { confirmDialog } from "./dialog";
import { button, el } from "./elements";
import { AssistantMessage, estimatedHeight, userMessageElement, type AssistantHandlers } from "./message";
import { openModelPicker } from "./models";
import { MoneyNotices } from "./notices";
import { openRoutingDialog } from "./routing-dialog";
import { VirtualLog, type LogItem } from "./virtual-log";

export interface ChatOptions {
  catalog: ModelCatalog;
  defaultModel: () => string;
  /** The conversation list changed (new conversation, new title, new order): refresh it. */
  onConversationsChanged: () => void;
  /** The open conversation changed (null: a new chat). */
  onOpened: (id: number | null) => void;
  onNeedKey: () => void;
  onOpenSettings: () => void;
  /** Opens the Models view (from the model picker's "Browse all models…"). */
  onOpenModels?: () => void;
  openLink: (url: string) => void;
  /** Shown between the error banner and the composer (the workspace's notices). */
  notices?: HTMLElement;
}

/** One reply being streamed. */
interface LiveTurn {
  conversationId: number | null;
  assistantId: number | null;
  view: AssistantMessage;
  done: boolean;
  stopRequested: boolean;
  /** Which opening of the chat view started it (tells apart two new chats). */
  visit: number;
  /** Its reply's key in the log (a local one until the core gives the message its id). */
  key: string;
}

/** How long a message found by search stays highlighted. */
const FOUND_HIGHLIGHT_MS = 2500;
/** Messages fetched per page when scrolling up (or down, from a search result). */
export const MESSAGE_PAGE = 100;
/** Height assumed for a reply that has only just started. */
const NEW_REPLY_ESTIMATE = 80;
/** The prompt estimate waits this long after the last keystroke. */
export const ESTIMATE_DEBOUNCE_MS = 250;
/** A budget check that takes longer than this lets the message go (it must never block sending). */
const BUDGET_WAIT_MS = 1500;

/** A stored message's key in the log. */
export function messageKey(id: number): string {
  return `m${id}`;
}

export class ChatView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly modelButton: HTMLButtonElement;
  private readonly modelName: HTMLElement;
  private readonly log: HTMLElement;
  private readonly list: VirtualLog;
  private readonly banner = new BannerArea();
  private readonly composer: Composer;
  /** The open conversation's running total, in the header. */
  private readonly spend: HTMLElement;
  private readonly spendText: HTMLElement;
  private readonly spendSpoken: HTMLElement;
  private readonly moneyNotices: MoneyNotices;
  /** Reply views by their element, to update one the log has built (usage-corrected). */
  private readonly views = new WeakMap<HTMLElement, AssistantMessage>();
  /** Costs that arrived for replies of the open conversation after its pages were fetched. */
  private readonly corrections = new Map<number, Usage>();
  private spendRequest = 0;
  private estimateRequest = 0;
  private estimateTimer: ReturnType<typeof setTimeout> | null = null;
  private budgetRequest = 0;
  /** Between Send and the turn starting (the budget check): a second Send waits. */
  private sending = false;
  private stopListening: (() => void) | null = null;
  private disposed = false;
  private conversationId: number | null = null;
  private model: string;
  private visit = 0;
  private readonly turns = new Set<LiveTurn>();
  /** The first and last stored messages in the log: where the next pages start. */
  private firstId: number | null = null;
  private lastId: number | null = null;
  private loadingOlder = false;
  private loadingNewer = false;
  /** A page failed to load: no more automatic tries until the user asks (the banner's Retry). */
  private pagingFailed = false;
  private pagesLoading = 0;
  private localKeys = 0;
  /** Models picked in this session, per conversation; a new chat's pick waits in `newChatModel`. */
  private readonly modelChoice = new Map<number, string>();
  private newChatModel: string | null = null;
  /** Routing chosen for a new chat before its first message (sent with it, then saved by the core). */
  private newChatRouting: Routing | null = null;

  constructor(private readonly options: ChatOptions) {
    this.model = options.defaultModel();
    this.modelName = el("span", { className: "model-button-name" });
    this.modelButton = button("", () => void this.pickModel(), {
      className: "model-button",
      attrs: { "aria-label": "Model", "aria-haspopup": "dialog" },
    });
    this.modelButton.append(this.modelName, el("span", { className: "chevron", text: "\u25be", attrs: { "aria-hidden": "true" } }));
    this.title = el("h1", { className: "chat-title" });
    // Visible short text for the eye, a sentence for screen readers.
    this.spendText = el("span", { attrs: { "aria-hidden": "true" } });
    this.spendSpoken = el("span", { className: "visually-hidden" });
    this.spend = el("span", { className: "chat-spend" }, this.spendText, this.spendSpoken);
    this.spend.hidden = true;
    const routing = button("Routing", () => void this.openRouting(), {
      className: "secondary routing-button",
      attrs: { "aria-haspopup": "dialog", title: "Fallback models, providers, thinking and web search for this chat" },
    });
    const header = el(
      "header",
      { className: "chat-header" },
      this.modelButton,
      routing,
      this.title,
      this.spend,
      button("Settings", () => options.onOpenSettings(), { className: "secondary settings-button", attrs: { "aria-haspopup": "dialog" } }),
    );
    this.log = el("div", {
      className: "messages",
      attrs: { role: "log", "aria-label": "Messages", "aria-live": "polite", tabindex: "0" },
    });
    this.list = new VirtualLog(this.log, {
      onNearTop: () => void this.loadOlder(),
      onNearBottom: () => void this.loadNewer(),
    });
    handleLinkClicks(this.log, options.openLink);
    this.moneyNotices = new MoneyNotices(options.openLink);
    this.composer = new Composer({
      onSend: (text) => void this.send(text),
      onStop: () => this.stop(),
      onDraftChange: () => this.scheduleEstimate(),
      notices: this.moneyNotices.element,
    });
    this.element = el("main", { className: "chat" }, header, this.log, this.banner.element);
    if (options.notices) this.element.append(options.notices);
    else this.element.append(el("div"));
    this.element.append(this.composer.element);
    options.catalog.onChange(() => this.renderModel());
    this.renderModel();
    void this.refreshBudget();
    onUsageCorrected((event) => this.usageCorrected(event)).then(
      (stop) => {
        if (this.disposed) stop();
        else this.stopListening = stop;
      },
      () => undefined, // no event system (tests, or the core without it): costs still come with each reply
    );
  }

  /** Stops listening for corrected costs (the workspace is going away). */
  dispose(): void {
    this.disposed = true;
    this.stopListening?.();
    this.stopListening = null;
    if (this.estimateTimer !== null) clearTimeout(this.estimateTimer);
  }

  /** The composer's unsent text (kept across the idle close of a hidden main window). */
  get draft(): string {
    return this.composer.value;
  }

  set draft(text: string) {
    this.composer.value = text;
  }

  get openConversationId(): number | null {
    return this.conversationId;
  }

  /** The model the open chat sends to. */
  get currentModel(): string {
    return this.model;
  }

  /** Uses `id` for the open chat from its next message (the Models view's "Use in this chat"). */
  useModel(id: string): void {
    this.setModel(id);
    this.composer.focus();
  }

  /** Shows an error from anywhere in the main screen as a banner above the composer. */
  showError(reason: unknown, retry?: () => void): void {
    this.banner.show(reason, { ...this.errorHandlers(), ...(retry ? { retry } : {}) });
  }

  /** No API key: history stays readable, sending waits for a key. */
  setReadOnly(readOnly: boolean): void {
    this.composer.setLocked(
      readOnly
        ? {
            message: "Add your OpenRouter API key to send messages. Your conversations are all here to read.",
            actionLabel: "Add key",
            onAction: () => this.options.onNeedKey(),
          }
        : null,
    );
  }

  focusComposer(): void {
    this.composer.focus();
  }

  /**
   * The settings changed (the workspace calls this after every change): a new chat without its own pick
   * follows the default model, and the budget notices follow a new budget or low-balance threshold.
   */
  defaultModelChanged(): void {
    void this.refreshBudget();
    if (this.conversationId === null && this.newChatModel === null) {
      this.model = this.options.defaultModel();
      this.renderModel();
      this.scheduleEstimate();
    }
  }

  /**
   * Opens a stored conversation on its newest messages, or on the messages around `around` (a message
   * id); null opens a new chat.
   */
  async open(id: number | null, title = "", around: number | null = null): Promise<void> {
    this.visit += 1;
    const visit = this.visit;
    this.conversationId = id;
    this.banner.clear();
    this.forgetEstimate(); // an answer for the previous chat must not show under this one
    this.firstId = null;
    this.lastId = null;
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.pagingFailed = false;
    this.corrections.clear();
    this.showSpend(null);
    this.options.onOpened(id);
    if (id === null) {
      this.model = this.newChatModel ?? this.options.defaultModel();
      this.title.textContent = "New chat";
      this.renderModel();
      this.showEmptyState();
      this.syncComposer();
      this.scheduleEstimate();
      this.composer.focus();
      return;
    }
    this.title.textContent = title;
    this.model = this.modelChoice.get(id) ?? this.model;
    this.renderModel();
    this.list.reset([]);
    this.list.setPlaceholder(el("p", { className: "log-note", text: "Loading conversation…" }));
    this.syncComposer();
    let detail: ConversationDetail;
    let missing: unknown = null;
    try {
      detail = await getConversation(id, around);
    } catch (reason) {
      if (visit !== this.visit) return;
      if (around === null) {
        this.list.reset([]);
        this.showError(reason, () => void this.open(id, title));
        return;
      }
      // The message is gone (deleted, or a reply retried since): open the conversation anyway.
      missing = reason;
      try {
        detail = await getConversation(id);
      } catch (again) {
        if (visit !== this.visit) return;
        this.list.reset([]);
        this.showError(again, () => void this.open(id, title, around));
        return;
      }
      if (visit !== this.visit) return;
    }
    if (visit !== this.visit) return;
    this.title.textContent = detail.conversation.title;
    this.model = this.modelChoice.get(id) ?? (detail.conversation.model || this.options.defaultModel());
    this.renderModel();
    this.showDetail(detail, missing === null ? around : null);
    this.syncComposer();
    void this.refreshSpend();
    this.scheduleEstimate();
    if (missing !== null) this.showError(missing);
  }

  /**
   * Conversation `id` changed elsewhere (the quick window added to it): shows its newest messages if it is
   * the one open here. Replies streaming here keep their live views; the draft stays.
   */
  async reloadIfOpen(id: number): Promise<void> {
    if (this.conversationId === id) await this.open(id, this.title.textContent ?? "");
  }

  /**
   * Opens conversation `id` and brings message `messageId` into view, briefly highlighted (a search
   * result). Resolves false when the conversation or the message could not be shown.
   */
  async openAt(id: number, title: string, messageId: number): Promise<boolean> {
    const key = messageKey(messageId);
    if (this.conversationId !== id || !this.list.has(key) || this.list.showsPlaceholder) {
      await this.open(id, title, messageId);
      if (this.conversationId !== id) return false;
    }
    const article = this.list.scrollToItem(key);
    if (article === null) return false;
    for (const old of Array.from(this.log.querySelectorAll(".found"))) old.classList.remove("found");
    article.classList.add("found");
    article.tabIndex = -1;
    article.focus({ preventScroll: true });
    setTimeout(() => article.classList.remove("found"), FOUND_HIGHLIGHT_MS);
    return true;
  }

  /** The sidebar's list was refreshed: pick up the open conversation's (possibly new) title. */
  conversationsLoaded(conversations: readonly ConversationSummary[]): void {
    if (this.conversationId === null) return;
    const open = conversations.find((conversation) => conversation.id === this.conversationId);
    if (open) this.title.textContent = open.title;
  }

  /** The conversation was deleted elsewhere (sidebar): stop its reply. */
  forget(id: number): void {
    this.modelChoice.delete(id);
    for (const turn of this.turns) {
      if (turn.conversationId === id && turn.assistantId !== null) void stopReply(turn.assistantId).catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------
  // Turns

  private async send(text: string): Promise<void> {
    if (text.trim() === "" || this.currentTurn() !== undefined || this.sending) return;
    const checkVisit = this.visit;
    const allowed = await this.spendAllowedWhileSending();
    // Cancel keeps the draft in the composer; a chat switched meanwhile does not get this message.
    if (!allowed || checkVisit !== this.visit) {
      this.composer.focus();
      return;
    }
    this.banner.clear();
    // Opened on an older message (a search result): the new turn goes after the newest one.
    if (this.list.hasNewer && !(await this.showLatest())) return;
    const visit = this.visit;
    const conversationId = this.conversationId;
    const model = this.model;
    if (this.list.showsPlaceholder) this.list.setPlaceholder(null);
    const userElement = userMessageElement(text, null);
    const view = this.track(AssistantMessage.streaming(this.assistantHandlers()));
    const userKey = this.localKey("sent");
    const turn: LiveTurn = {
      conversationId, assistantId: null, view, done: false, stopRequested: false, visit, key: this.localKey("reply"),
    };
    this.list.append([
      { key: userKey, build: () => userElement, estimate: estimatedHeight({ role: "user", content: text, reasoning: null }) },
      this.liveItem(turn.key, view),
    ]);
    this.list.scrollToBottom();

    let started: TurnStarted;
    try {
      const routing = conversationId === null ? this.newChatRouting : null;
      started = await this.startTurn(turn, (onEvent) => sendMessage(conversationId, text, model, onEvent, routing));
    } catch (reason) {
      this.list.remove([userKey, turn.key]);
      userElement.remove();
      view.element.remove();
      if (visit !== this.visit) return;
      if (this.list.size === 0) this.showEmptyState();
      // The typed text is still in the composer: nothing is lost.
      this.showError(reason, () => void this.send(this.composer.value));
      return;
    }
    userElement.dataset["messageId"] = String(started.user_message_id);
    if (visit === this.visit) this.list.rekey(userKey, messageKey(started.user_message_id));
    if (visit === this.visit && this.composer.value === text) this.composer.value = "";
    if (conversationId === null) {
      this.modelChoice.set(started.conversation_id, model);
      if (visit === this.visit) {
        this.conversationId = started.conversation_id;
        this.newChatModel = null;
        this.newChatRouting = null;
        this.options.onOpened(started.conversation_id);
      }
    }
    this.options.onConversationsChanged();
  }

  private async retry(old: AssistantMessage, with_: RetryWith = {}): Promise<void> {
    if (old.id === null || this.currentTurn() !== undefined || this.sending) return;
    const visit = this.visit;
    const allowed = await this.spendAllowedWhileSending();
    const oldId = old.id;
    if (!allowed || visit !== this.visit || oldId === null || this.currentTurn() !== undefined) return;
    this.banner.clear();
    const view = this.track(AssistantMessage.streaming(this.assistantHandlers()));
    const oldKey = messageKey(oldId);
    const turn: LiveTurn = {
      conversationId: this.conversationId,
      assistantId: null,
      view,
      done: false,
      stopRequested: false,
      visit,
      key: this.localKey("reply"),
    };
    this.list.replace(oldKey, this.liveItem(turn.key, view));
    try {
      await this.startTurn(turn, (onEvent) => retryReply(oldId, onEvent, with_));
    } catch (reason) {
      this.list.replace(turn.key, this.liveItem(oldKey, old));
      if (visit === this.visit) this.showError(reason, () => void this.retry(old, with_));
    }
  }

  private async startTurn(
    turn: LiveTurn,
    start: (onEvent: (event: StreamEvent) => void) => Promise<TurnStarted>,
  ): Promise<TurnStarted> {
    this.turns.add(turn);
    this.syncComposer();
    let started: TurnStarted;
    try {
      started = await start((event) => this.onEvent(turn, event));
    } catch (reason) {
      this.turns.delete(turn);
      this.syncComposer();
      throw toUserError(reason);
    }
    turn.conversationId = started.conversation_id;
    turn.assistantId = started.assistant_message_id;
    turn.view.setId(started.assistant_message_id);
    const key = messageKey(started.assistant_message_id);
    this.list.rekey(turn.key, key);
    turn.key = key;
    if (turn.stopRequested && !turn.done) this.stopTurn(turn);
    return started;
  }

  private onEvent(turn: LiveTurn, event: StreamEvent): void {
    if (turn.done) return;
    turn.view.apply(event);
    if (event.type === "done") {
      turn.done = true;
      this.turns.delete(turn);
      this.syncComposer();
      this.options.onConversationsChanged();
      // The reply is in the ledger now: the total, the month's spend and the next prompt changed.
      if (turn.conversationId === this.conversationId) {
        void this.refreshSpend();
        this.scheduleEstimate();
      }
      void this.refreshBudget();
    }
  }

  private stop(): void {
    const turn = this.currentTurn();
    if (turn === undefined) return;
    this.composer.setStopping();
    if (turn.assistantId === null) turn.stopRequested = true;
    else this.stopTurn(turn);
  }

  private stopTurn(turn: LiveTurn): void {
    if (turn.assistantId === null) return;
    stopReply(turn.assistantId).catch((reason: unknown) => {
      this.syncComposer(true);
      this.showError(reason);
    });
  }

  /** The streaming turn of the conversation on screen, if any. */
  private currentTurn(): LiveTurn | undefined {
    for (const turn of this.turns) {
      if (turn.done) continue;
      if (this.conversationId === null ? turn.conversationId === null && turn.visit === this.visit : turn.conversationId === this.conversationId) {
        return turn;
      }
    }
    return undefined;
  }

  private syncComposer(reset = false): void {
    const streaming = this.currentTurn() !== undefined;
    if (reset) this.composer.setStreaming(false);
    this.composer.setStreaming(streaming);
  }

  // -------------------------------------------------------------------------
  // Rendering

  /** Puts an opened conversation's page in the log: at the bottom, or centred on `around`. */
  private showDetail(detail: ConversationDetail, around: number | null): void {
    const messages = detail.messages;
    this.firstId = messages[0]?.id ?? null;
    this.lastId = messages[messages.length - 1]?.id ?? null;
    const items = this.itemsFor(messages);
    if (items.length === 0 && detail.has_older !== true && detail.has_newer !== true) {
      this.showEmptyState();
      return;
    }
    const at = around !== null && messages.some((message) => message.id === around) ? messageKey(around) : undefined;
    this.list.reset(items, { hasOlder: detail.has_older === true, hasNewer: detail.has_newer === true, at });
  }

  /** Back to the newest page of the open conversation (before sending from the middle of it). */
  private async showLatest(): Promise<boolean> {
    const id = this.conversationId;
    if (id === null) return true;
    const visit = this.visit;
    let detail: ConversationDetail;
    try {
      detail = await getConversation(id);
    } catch (reason) {
      if (visit === this.visit) this.showError(reason);
      return false;
    }
    if (visit !== this.visit) return false;
    this.loadingNewer = false;
    this.showDetail(detail, null);
    return true;
  }

  private async loadOlder(): Promise<void> {
    const id = this.conversationId;
    const before = this.firstId;
    if (this.loadingOlder || this.pagingFailed || id === null || before === null) return;
    const visit = this.visit;
    this.loadingOlder = true;
    const page = await this.fetchPage(() => olderMessages(id, before, MESSAGE_PAGE));
    if (visit !== this.visit) return;
    this.loadingOlder = false;
    if (page === null) return;
    this.firstId = page.messages[0]?.id ?? this.firstId;
    this.list.hasOlder = page.has_older;
    this.list.prepend(this.itemsFor(page.messages));
  }

  private async loadNewer(): Promise<void> {
    const id = this.conversationId;
    const after = this.lastId;
    if (this.loadingNewer || this.pagingFailed || id === null || after === null) return;
    const visit = this.visit;
    this.loadingNewer = true;
    const page = await this.fetchPage(() => newerMessages(id, after, MESSAGE_PAGE));
    if (visit !== this.visit) return;
    this.loadingNewer = false;
    if (page === null) return;
    this.lastId = page.messages[page.messages.length - 1]?.id ?? this.lastId;
    this.list.hasNewer = page.has_newer;
    this.list.append(this.itemsFor(page.messages));
  }

  /** One page; on failure a banner whose Retry lets the log ask again. */
  private async fetchPage(fetch: () => Promise<MessagePage>): Promise<MessagePage | null> {
    const visit = this.visit;
    this.pagesLoading += 1;
    this.log.setAttribute("aria-busy", "true");
    try {
      return await fetch();
    } catch (reason) {
      if (visit === this.visit) {
        this.pagingFailed = true;
        this.showError(reason, () => {
          this.pagingFailed = false;
          this.list.refresh();
        });
      }
      return null;
    } finally {
      this.pagesLoading -= 1;
      if (this.pagesLoading === 0) this.log.removeAttribute("aria-busy");
    }
  }

  private itemsFor(messages: readonly Message[]): LogItem[] {
    const items: LogItem[] = [];
    for (const message of messages) {
      if (message.role === "user") {
        items.push({
          key: messageKey(message.id),
          build: () => userMessageElement(message.content, message.id),
          estimate: estimatedHeight(message),
        });
      } else if (message.role === "assistant") {
        // A reply still streaming here keeps its live view (whenever it is built, even after it ends).
        const live = this.liveView(message.id);
        items.push({
          key: messageKey(message.id),
          build: () => (live ?? this.storedView(message)).element,
          estimate: estimatedHeight(message),
        });
      }
    }
    return items;
  }

  /** A stored reply's view, with a cost that arrived since the page was fetched. */
  private storedView(message: Message): AssistantMessage {
    const usage = this.corrections.get(message.id);
    return this.track(AssistantMessage.fromMessage(usage ? { ...message, usage } : message, this.assistantHandlers()));
  }

  private track(view: AssistantMessage): AssistantMessage {
    this.views.set(view.element, view);
    return view;
  }

  private liveView(messageId: number): AssistantMessage | undefined {
    for (const turn of this.turns) if (turn.assistantId === messageId) return turn.view;
    return undefined;
  }

  private liveItem(key: string, view: AssistantMessage): LogItem {
    return { key, build: () => view.element, estimate: NEW_REPLY_ESTIMATE };
  }

  private localKey(kind: string): string {
    this.localKeys += 1;
    return `${kind}-${this.localKeys}`;
  }

  private showEmptyState(): void {
    this.list.reset([]);
    this.list.setPlaceholder(
      el(
        "div",
        { className: "empty-state" },
        el("p", { className: "empty-title", text: "Start a conversation" }),
        el("p", { text: `Replies come from ${this.options.catalog.nameOf(this.model)}. Change the model with the button at the top.` }),
      ),
    );
  }

  private renderModel(): void {
    const name = this.options.catalog.nameOf(this.model);
    this.modelName.textContent = name;
    this.modelButton.title = `Model: ${this.model}`;
    const empty = this.log.querySelector(".empty-state");
    if (empty) this.showEmptyState();
  }

  private async pickModel(): Promise<void> {
    const onOpenModels = this.options.onOpenModels;
    const chosen = await openModelPicker({
      catalog: this.options.catalog,
      current: this.model,
      ...(onOpenModels ? { onBrowse: onOpenModels } : {}),
    });
    if (chosen === null || chosen === this.model) return;
    this.setModel(chosen);
    this.composer.focus();
  }

  /** The open chat's model from now on (kept per conversation until its next message saves it). */
  private setModel(id: string): void {
    this.model = id;
    if (this.conversationId === null) this.newChatModel = id;
    else this.modelChoice.set(this.conversationId, id);
    this.renderModel();
    this.scheduleEstimate();
  }

  /** The Routing dialog: model, fallbacks, providers, thinking, web search of the open chat. */
  private async openRouting(): Promise<void> {
    const id = this.conversationId;
    const visit = this.visit;
    let routing: Routing;
    if (id === null) {
      routing = this.newChatRouting ?? defaultRouting();
    } else {
      try {
        routing = await getRouting(id);
      } catch (reason) {
        if (visit === this.visit) this.showError(reason);
        return;
      }
      if (visit !== this.visit) return;
    }
    const catalog = this.options.catalog;
    const choice = await openRoutingDialog({
      catalog,
      model: this.model,
      routing,
      pickModel: (heading, current, exclude) => openModelPicker({ catalog, current, heading, exclude }),
      save: async (chosen) => {
        if (id === null) {
          this.newChatRouting = chosen.routing;
          return chosen;
        }
        return { model: chosen.model, routing: await setRouting(id, chosen.routing) };
      },
    });
    if (choice === null || visit !== this.visit) return;
    if (choice.model !== this.model) this.setModel(choice.model);
    this.composer.focus();
  }

  /** An error suggested another model: use it for this chat and ask again. */
  private switchModel(view: AssistantMessage, model: string): void {
    this.setModel(model);
    void this.retry(view, { model });
  }

  // -------------------------------------------------------------------------
  // Money

  /** Asks the core for the budget and shows its notices; null when it failed or took too long. */
  async refreshBudget(): Promise<BudgetStatus | null> {
    this.budgetRequest += 1;
    const request = this.budgetRequest;
    let status: BudgetStatus | null;
    try {
      status = await within(budgetStatus(), BUDGET_WAIT_MS);
    } catch {
      return null; // the notices stay as they were; sending goes on
    }
    if (status !== null && request === this.budgetRequest) this.moneyNotices.show(status);
    return status;
  }

  /** At a reached budget, asks before a request that may cost money. A failed check never blocks. */
  /** `spendAllowed`, with sending blocked meanwhile (a second Enter must not send twice). */
  private async spendAllowedWhileSending(): Promise<boolean> {
    this.sending = true;
    try {
      return await this.spendAllowed();
    } finally {
      this.sending = false;
    }
  }

  private async spendAllowed(): Promise<boolean> {
    const status = await this.refreshBudget();
    if (status?.level !== "reached") return true;
    if (await this.allFree()) return true;
    return confirmDialog("Monthly budget reached", budgetQuestion(status), "Send anyway");
  }

  /** Whether the model and every fallback the chat's routing may try are free (unknown ones are not). */
  private async allFree(): Promise<boolean> {
    const isFree = (id: string): boolean => this.options.catalog.find(id)?.is_free === true;
    if (!isFree(this.model)) return false;
    const id = this.conversationId;
    let fallbacks: string[];
    try {
      fallbacks = (id === null ? this.newChatRouting : await getRouting(id))?.fallback_models ?? [];
    } catch {
      return false; // the routing cannot be read: a paid fallback may answer
    }
    return fallbacks.every(isFree);
  }

  /** The header's running total of the open conversation. */
  private async refreshSpend(): Promise<void> {
    this.spendRequest += 1;
    const request = this.spendRequest;
    const id = this.conversationId;
    if (id === null) return;
    try {
      const totals = await conversationSpend(id);
      if (request === this.spendRequest && id === this.conversationId) this.showSpend(spendLine(totals));
    } catch {
      if (request === this.spendRequest && id === this.conversationId) this.showSpend(null);
    }
  }

  private showSpend(line: { text: string; spoken: string; title: string } | null): void {
    this.spend.hidden = line === null;
    this.spendText.textContent = line?.text ?? "";
    this.spendSpoken.textContent = line?.spoken ?? "";
    if (line) this.spend.title = line.title;
    else this.spend.removeAttribute("title");
  }

  /** The prompt estimate, once typing pauses. */
  private scheduleEstimate(): void {
    if (this.estimateTimer !== null) clearTimeout(this.estimateTimer);
    this.estimateTimer = setTimeout(() => {
      this.estimateTimer = null;
      void this.estimate();
    }, ESTIMATE_DEBOUNCE_MS);
  }

  /** Drops the estimate shown and any on its way. */
  private forgetEstimate(): void {
    this.estimateRequest += 1;
    if (this.estimateTimer !== null) clearTimeout(this.estimateTimer);
    this.estimateTimer = null;
    this.composer.setHint(null);
  }

  /** The old estimate stays until the new one arrives (no flicker); a failure empties it quietly. */
  private async estimate(): Promise<void> {
    this.estimateRequest += 1;
    const request = this.estimateRequest;
    const draft = this.composer.value;
    if (draft.trim() === "") {
      this.composer.setHint(null);
      return;
    }
    try {
      const estimate = await estimatePrompt(this.conversationId, this.model, draft);
      if (request === this.estimateRequest) this.composer.setHint(estimateLine(estimate));
    } catch {
      if (request === this.estimateRequest) this.composer.setHint(null);
    }
  }

  /** A stopped or cut-off reply's real cost arrived: update it if it is built, and the totals. */
  private usageCorrected(event: UsageCorrected): void {
    void this.refreshBudget();
    if (event.conversation_id !== this.conversationId) return;
    this.corrections.set(event.message_id, event.usage);
    const element = this.list.elementOf(messageKey(event.message_id));
    const view = (element ? this.views.get(element) : undefined) ?? this.liveView(event.message_id);
    view?.correctUsage(event.usage);
    void this.refreshSpend();
  }

  private errorHandlers(): ErrorHandlers {
    return {
      enterKey: () => this.options.onNeedKey(),
      // A send refused before anything was saved: the text is still in the composer, send it with the model.
      switchModel: (model) => {
        this.setModel(model);
        if (this.composer.value.trim() !== "") void this.send(this.composer.value);
      },
    };
  }

  private assistantHandlers(): AssistantHandlers {
    return {
      retry: (view) => void this.retry(view),
      switchModel: (view, model) => this.switchModel(view, model),
      // Only this reply is capped: the chat's next message asks for the model's full length again.
      retryShorter: (view, maxTokens) => void this.retry(view, { maxTokens }),
      errorHandlers: this.errorHandlers(),
      // A streaming reply grew: measure it, and follow it if the reader is at the bottom.
      onRender: () => this.list.refresh(),
    };
  }
}

/** `promise`, or null when it has not settled after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (reason: unknown) => {
        clearTimeout(timer);
        reject(reason);
      },
    );
  });
}
