// Test-only: a fake core for the main screen with a small in-memory history, so the sidebar's actions
// (rename, star, archive, delete) change what the next list_conversations returns, as the real core does.
// Tests replace any handler with core.on(...).
import type { ConversationSummary, Message } from "../api";
import { conversationPages, FakeCore } from "./fake-core";
import { card, catalogue, prices } from "./model-cards";

export const MODELS = [
  card("openai/gpt-4o-mini", { name: "OpenAI: GPT-4o-mini", description: "Small and cheap.", prices: prices({ prompt: "0.15", completion: "0.6" }) }),
  card("google/gemini-2.5-flash", { name: "Google: Gemini 2.5 Flash", description: "Fast.", context_length: 1048576, prices: prices({ prompt: "0.3", completion: "2.5" }), supports_reasoning: true }),
];

export function conversation(id: number, title: string, updated: number, extra: Partial<ConversationSummary> = {}): ConversationSummary {
  return { id, title, model: "openai/gpt-4o-mini", created_at: updated, updated_at: updated, message_count: 2, starred: false, archived: false, ...extra };
}

export function message(partial: Partial<Message> & Pick<Message, "id" | "role" | "content">): Message {
  return {
    conversation_id: 1, reasoning: null, status: "complete", model: null, provider: null, finish_reason: null,
    error: null, usage: null, created_at: 0, ...partial,
  };
}

export interface HistoryCore {
  core: FakeCore;
  /** Every stored conversation, archived ones included; tests may read and change it. */
  store: ConversationSummary[];
}

export function historyCore(initial: ConversationSummary[]): HistoryCore {
  const state: HistoryCore = { core: new FakeCore(), store: initial.map((c) => ({ ...c })) };
  const find = (args: Record<string, unknown>): ConversationSummary => {
    const found = state.store.find((c) => c.id === args["id"]);
    if (!found) throw { kind: "invalid_input", message: "That conversation no longer exists." };
    return found;
  };
  const byNewest = (a: ConversationSummary, b: ConversationSummary): number => b.updated_at - a.updated_at;
  state.core
    .install()
    .on("app_status", () => ({ has_key: true, key_storage: "keyring", keyring_problem: null, version: "1.2.3" }))
    .on("get_settings", () => ({ default_model: "openai/gpt-4o-mini", theme: "system" }))
    .on("get_catalogue", () => catalogue(MODELS))
    .on("refresh_catalogue", () => catalogue(MODELS))
    .on("model_picks", () => ({ favorites: [], recent: [] }))
    .on("list_conversations", () => state.store.filter((c) => !c.archived).sort(byNewest).map((c) => ({ ...c })))
    .on("list_conversations_page", conversationPages(() => state.store.filter((c) => !c.archived)))
    .on("list_archived", () => state.store.filter((c) => c.archived).sort(byNewest).map((c) => ({ ...c })))
    .on("get_conversation", (args) => {
      const found = find(args);
      return {
        conversation: { ...found },
        messages: [
          message({ id: found.id * 10 + 1, conversation_id: found.id, role: "user", content: `Question in ${found.title}` }),
          message({ id: found.id * 10 + 2, conversation_id: found.id, role: "assistant", content: `Answer in ${found.title}`, model: found.model }),
        ],
      };
    })
    .on("rename_conversation", (args) => {
      find(args).title = String(args["title"]).trim();
      return null;
    })
    .on("set_starred", (args) => {
      find(args).starred = Boolean(args["starred"]);
      return null;
    })
    .on("set_archived", (args) => {
      find(args).archived = Boolean(args["archived"]);
      return null;
    })
    .on("delete_conversation", (args) => {
      find(args);
      state.store = state.store.filter((c) => c.id !== args["id"]);
      return null;
    })
    .on("delete_all_history", () => {
      state.store = [];
      return null;
    })
    .on("search_messages", () => [])
    .on("stop_reply", () => null)
    .on("open_external", () => null);
  return state;
}

/** The sidebar's conversation buttons, top to bottom. */
export function sidebarTitles(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>('nav[aria-label="Conversations"] > .conversation-list .conversation')).map(
    (button) => button.textContent ?? "",
  );
}
