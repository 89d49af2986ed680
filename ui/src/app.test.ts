// The screens end to end in jsdom, against a fake core behind the real api.ts and Channels.
// Queries go by role and accessible name, like the WebDriver tests will.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationSummary, Message, StreamEvent, UserError } from "./api";
import { startApp } from "./app";
import { conversationPages, deferred, FakeCore, settle } from "./test/fake-core";
import { card, catalogue, prices } from "./test/model-cards";
import { all, get, press, type } from "./test/queries";

const MODELS = [
  card("openai/gpt-4o-mini", { name: "OpenAI: GPT-4o-mini", description: "Small and cheap.", prices: prices({ prompt: "0.15", completion: "0.6" }) }),
  card("google/gemini-2.5-flash", { name: "Google: Gemini 2.5 Flash", description: "Fast multimodal reasoning model.", context_length: 1048576, prices: prices({ prompt: "0.3", completion: "2.5" }), supports_reasoning: true }),
  card("deepseek/deepseek-r1:free", { name: "DeepSeek: R1 (free)", description: "Open reasoning.", context_length: 163840, prices: prices({ prompt: "0", completion: "0" }), is_free: true, supports_reasoning: true }),
];

function summary(id: number, title: string, updated: number): ConversationSummary {
  return { id, title, model: "openai/gpt-4o-mini", created_at: updated, updated_at: updated, message_count: 2, starred: false, archived: false };
}

function message(partial: Partial<Message> & Pick<Message, "id" | "role" | "content">): Message {
  return {
    conversation_id: 1, reasoning: null, status: "complete", model: null, provider: null, finish_reason: null,
    error: null, usage: null, created_at: 0, ...partial,
  };
}

let core: FakeCore;
let conversations: ConversationSummary[];

function mainScreenCore(): FakeCore {
  conversations = [];
  return new FakeCore()
    .install()
    .on("app_status", () => ({ has_key: true, key_storage: "keyring", keyring_problem: null, version: "1.2.3" }))
    .on("get_settings", () => ({ default_model: "openai/gpt-4o-mini", theme: "system" }))
    .on("get_catalogue", () => catalogue(MODELS))
    .on("refresh_catalogue", () => catalogue(MODELS))
    .on("model_picks", () => ({ favorites: [], recent: [] }))
    .on("list_conversations", () => conversations)
    .on("list_conversations_page", conversationPages(() => conversations))
    .on("open_external", () => null)
    .on("stop_reply", () => null);
}

beforeEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute("data-theme");
});

afterEach(() => {
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

describe("first run", () => {
  beforeEach(() => {
    core = new FakeCore()
      .install()
      .on("app_status", () => ({ has_key: false, key_storage: "none", keyring_problem: null, version: "1.2.3" }))
      .on("get_settings", () => ({ default_model: "openai/gpt-4o-mini", theme: "dark" }))
      .on("open_external", () => null);
  });

  it("shows the welcome screen, checks the key, clears it and moves on", async () => {
    const check = deferred<unknown>();
    core.on("save_api_key", () => check.promise);
    await startApp();
    expect(get("heading", "Welcome to OpenRouter Desktop")).toBeTruthy();
    expect(document.documentElement.dataset["theme"]).toBe("dark");
    const input = get("textbox", "OpenRouter API key") as HTMLInputElement;
    expect(input.type).toBe("password");
    type(input, "  sk-or-v1-secret  ");
    get("button", "Save key").click();
    await settle();
    const checking = get("button", "Checking…") as HTMLButtonElement;
    expect(checking.disabled).toBe(true);
    expect(core.callsOf("save_api_key")[0]?.args).toEqual({ key: "sk-or-v1-secret", sessionOnly: false });

    core.on("app_status", () => ({ has_key: true, key_storage: "keyring", keyring_problem: null, version: "1.2.3" }))
      .on("get_catalogue", () => catalogue(MODELS))
      .on("list_conversations", () => []);
    check.resolve({ label: "sk-or-v1-sec…", limit: null, limit_remaining: null, usage: 0, is_free_tier: false, stored_in: "keyring" });
    await settle();
    expect(input.value).toBe("");
    expect(input.isConnected).toBe(false);
    expect(document.body.innerHTML).not.toContain("sk-or-v1-secret");
    expect(get("navigation", "Conversations")).toBeTruthy();
  });

  it("shows a wrong key's error in an alert and lets the user try again", async () => {
    core.on("save_api_key", () => {
      throw { kind: "unauthorized", message: "OpenRouter did not accept this key.", action: null } satisfies UserError;
    });
    await startApp();
    type(get("textbox", "OpenRouter API key"), "sk-or-bad");
    get("button", "Save key").click();
    await settle();
    expect(get("alert").textContent).toContain("OpenRouter did not accept this key.");
    expect((get("button", "Save key") as HTMLButtonElement).disabled).toBe(false);
    expect(all("button", "Use this key for this session only")).toHaveLength(0);
  });

  it("offers a session-only key when the keyring is unavailable", async () => {
    core.on("save_api_key", (args) => {
      if (!args["sessionOnly"]) {
        throw { kind: "keyring_unavailable", message: "Your system keyring cannot be used." } satisfies UserError;
      }
      return { label: "x", limit: null, limit_remaining: null, usage: 0, is_free_tier: false, stored_in: "session" };
    });
    await startApp();
    type(get("textbox", "OpenRouter API key"), "sk-or-v1-k");
    get("button", "Save key").click();
    await settle();
    expect(get("alert").textContent).toContain("Your system keyring cannot be used.");
    core.on("app_status", () => ({ has_key: true, key_storage: "session", keyring_problem: null, version: "1" }))
      .on("get_catalogue", () => catalogue(MODELS))
      .on("list_conversations", () => []);
    get("button", "Use this key for this session only").click();
    await settle();
    expect(core.callsOf("save_api_key")[1]?.args).toEqual({ key: "sk-or-v1-k", sessionOnly: true });
    expect(get("navigation", "Conversations")).toBeTruthy();
  });

  it("opens the key page in the system browser", async () => {
    await startApp();
    const link = get("link", "Get a key");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await settle();
    expect(core.callsOf("open_external")[0]?.args).toEqual({ url: "https://openrouter.ai/keys" });
  });
});

describe("chatting", () => {
  beforeEach(() => {
    core = mainScreenCore();
  });

  async function sendFirstMessage(text: string): Promise<(event: StreamEvent) => void> {
    let emit: ((event: StreamEvent) => void) | undefined;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      conversations = [summary(7, "Hello there", 2), summary(3, "Older chat", 1)];
      return { conversation_id: 7, user_message_id: 70, assistant_message_id: 71 };
    });
    await startApp();
    await settle();
    const box = get("textbox", "Message");
    type(box, text);
    press(box, "Enter");
    await settle();
    if (!emit) throw new Error("send_message was not called");
    return emit;
  }

  it("sends with Enter, streams the reply and shows the new conversation selected", async () => {
    const emit = await sendFirstMessage("Hello there");
    expect(core.callsOf("send_message")[0]?.args).toMatchObject({ conversationId: null, text: "Hello there", model: "openai/gpt-4o-mini" });
    expect((get("textbox", "Message") as HTMLTextAreaElement).value).toBe("");
    const log = get("log", "Messages");
    expect(log.getAttribute("aria-live")).toBe("polite");
    const [user, assistant] = Array.from(log.querySelectorAll("article"));
    expect(user?.dataset["role"]).toBe("user");
    expect(user?.textContent).toBe("Hello there");
    expect(assistant?.dataset["role"]).toBe("assistant");
    expect(assistant?.dataset["status"]).toBe("streaming");
    expect(get("button", "Stop")).toBeTruthy();
    expect(all("button", "Send")).toHaveLength(0);

    const nav = get("navigation", "Conversations");
    const items = Array.from(nav.querySelectorAll<HTMLButtonElement>("button.conversation"));
    expect(items.map((b) => b.textContent)).toEqual(["Hello there", "Older chat"]);
    expect(items[0]?.getAttribute("aria-current")).toBe("page");
    expect(items[1]?.hasAttribute("aria-current")).toBe(false);
    expect(get("button", "Actions for Hello there").getAttribute("aria-haspopup")).toBe("menu");

    emit({ type: "meta", model: "openai/gpt-4o-mini", provider: "OpenAI" });
    emit({ type: "delta", content: "", reasoning: "Thinking it over." });
    emit({ type: "delta", content: "Hi! Here is **bold** and ", reasoning: "" });
    emit({ type: "delta", content: "a [link](https://example.com).", reasoning: "" });
    emit({ type: "usage", usage: { prompt_tokens: 12, completion_tokens: 9, reasoning_tokens: 4, cached_tokens: null, cost_usd: 0.0000368 } });
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    expect(assistant?.dataset["status"]).toBe("complete");
    const answer = assistant?.querySelector(".answer");
    expect(answer?.querySelector("strong")?.textContent).toBe("bold");
    const reasoning = assistant?.querySelector("details");
    expect(reasoning?.querySelector("summary")?.textContent).toBe("Reasoning");
    expect(reasoning?.textContent).toContain("Thinking it over.");
    expect(answer?.textContent).not.toContain("Thinking");
    expect(assistant?.querySelector(".message-meta")?.textContent).toBe(
      "openai/gpt-4o-mini · OpenAI · 12 in / 9 out (4 reasoning) tokens · $0.0000368",
    );
    expect(get("button", "Send")).toBeTruthy();

    const link = answer?.querySelector("a") as HTMLAnchorElement;
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await settle();
    expect(core.callsOf("open_external").at(-1)?.args).toEqual({ url: "https://example.com" });
  });

  it("does not send empty or whitespace-only messages; Shift+Enter does not send", async () => {
    core.on("send_message", () => ({ conversation_id: 1, user_message_id: 1, assistant_message_id: 2 }));
    await startApp();
    await settle();
    const box = get("textbox", "Message");
    type(box, "   \n\t ");
    press(box, "Enter");
    get("button", "Send").click();
    type(box, "line one");
    press(box, "Enter", { shiftKey: true });
    await settle();
    expect(core.callsOf("send_message")).toHaveLength(0);
  });

  it("stops a streaming reply and shows it as stopped", async () => {
    const emit = await sendFirstMessage("Tell me a story");
    get("button", "Stop").click();
    await settle();
    expect(core.callsOf("stop_reply")[0]?.args).toEqual({ assistantMessageId: 71 });
    emit({ type: "delta", content: "Once upon", reasoning: "" });
    emit({ type: "done", status: "stopped", finish_reason: null, error: null });
    await settle();
    const assistant = document.querySelector<HTMLElement>('article[data-role="assistant"]');
    expect(assistant?.dataset["status"]).toBe("stopped");
    expect(assistant?.textContent).toContain("Stopped");
    expect(assistant?.textContent).toContain("Once upon");
  });

  it("keeps the text and shows an alert banner with its action when send_message is rejected", async () => {
    core.on("send_message", () => {
      throw { kind: "offline", message: "Could not reach OpenRouter.", action: { kind: "retry", label: "Try again" } } satisfies UserError;
    });
    await startApp();
    await settle();
    const box = get("textbox", "Message");
    type(box, "Keep me");
    press(box, "Enter");
    await settle();
    const alert = get("alert");
    expect(alert.textContent).toContain("Could not reach OpenRouter.");
    expect(alert.textContent).not.toContain("{");
    expect((box as HTMLTextAreaElement).value).toBe("Keep me");
    expect(document.querySelectorAll("article")).toHaveLength(0);
    core.on("send_message", () => ({ conversation_id: 4, user_message_id: 1, assistant_message_id: 2 }));
    get("button", "Try again").click();
    await settle();
    expect(core.callsOf("send_message")).toHaveLength(2);
    expect(core.callsOf("send_message")[1]?.args["text"]).toBe("Keep me");
    expect(all("alert")).toHaveLength(0);
  });

  it("turns an unexpected rejection into a plain message", async () => {
    core.on("list_conversations_page", () => {
      throw { weird: true };
    });
    await startApp();
    await settle();
    const alert = get("alert");
    expect(alert.textContent).toContain("Something went wrong");
    get("button", "Dismiss").click();
    expect(all("alert")).toHaveLength(0);
  });

  it("shows an error reply with its action button", async () => {
    const emit = await sendFirstMessage("Hi");
    emit({
      type: "done",
      status: "error",
      finish_reason: null,
      error: { kind: "no_credits", message: "Your OpenRouter credits are used up.", action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" } },
    });
    await settle();
    const assistant = document.querySelector<HTMLElement>('article[data-role="assistant"]');
    expect(assistant?.dataset["status"]).toBe("error");
    expect(assistant?.textContent).toContain("Your OpenRouter credits are used up.");
    get("button", "Add credits").click();
    await settle();
    expect(core.callsOf("open_external").at(-1)?.args).toEqual({ url: "https://openrouter.ai/settings/credits" });
  });

  it("goes back to the first-run screen from an enter_key action", async () => {
    const emit = await sendFirstMessage("Hi");
    core.on("app_status", () => ({ has_key: false, key_storage: "none", keyring_problem: null, version: "1" }));
    emit({
      type: "done",
      status: "error",
      finish_reason: null,
      error: { kind: "unauthorized", message: "Your key was refused.", action: { kind: "enter_key", label: "Enter a new key" } },
    });
    await settle();
    get("button", "Enter a new key").click();
    await settle();
    expect(get("heading", "Welcome to OpenRouter Desktop")).toBeTruthy();
  });

  it("retries an interrupted reply", async () => {
    const emit = await sendFirstMessage("Hi");
    emit({ type: "delta", content: "Partial", reasoning: "" });
    emit({ type: "done", status: "interrupted", finish_reason: null, error: { kind: "interrupted", message: "The connection dropped." } });
    await settle();
    const old = document.querySelector<HTMLElement>('article[data-role="assistant"]');
    expect(old?.dataset["status"]).toBe("interrupted");
    expect(old?.textContent).toContain("Interrupted");
    let emitRetry: ((event: StreamEvent) => void) | undefined;
    core.on("retry_reply", (args) => {
      emitRetry = core.channelOf(args);
      return { conversation_id: 7, user_message_id: 70, assistant_message_id: 72 };
    });
    get("button", "Retry").click();
    await settle();
    expect(core.callsOf("retry_reply")[0]?.args).toMatchObject({ assistantMessageId: 71 });
    emitRetry?.({ type: "delta", content: "Complete answer", reasoning: "" });
    emitRetry?.({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    const articles = document.querySelectorAll<HTMLElement>('article[data-role="assistant"]');
    expect(articles).toHaveLength(1);
    expect(articles[0]?.dataset["status"]).toBe("complete");
    expect(articles[0]?.dataset["messageId"]).toBe("72");
    expect(articles[0]?.textContent).toContain("Complete answer");
  });
});

describe("conversations", () => {
  beforeEach(() => {
    core = mainScreenCore();
    conversations = [summary(1, "Older", 10), summary(2, "Newest", 20)];
    core.on("get_conversation", (args) => ({
      conversation: conversations.find((c) => c.id === args["id"]),
      messages: [
        message({ id: 11, role: "user", content: "Question <b>raw</b>" }),
        message({
          id: 12, role: "assistant", content: "Answer with ![img](https://evil.example/?q=s)", reasoning: "Because.",
          model: "openai/gpt-4o-mini", provider: "OpenAI",
          usage: { prompt_tokens: 5, completion_tokens: 6, reasoning_tokens: null, cached_tokens: null, cost_usd: 0 },
        }),
        message({ id: 13, role: "user", content: "Again" }),
        message({ id: 14, role: "assistant", content: "Half", status: "interrupted", error: { kind: "interrupted", message: "Dropped." } }),
      ],
    }));
  });

  it("lists newest first and opens a conversation from history", async () => {
    await startApp();
    await settle();
    const buttons = Array.from(get("navigation", "Conversations").querySelectorAll<HTMLButtonElement>("button.conversation"));
    expect(buttons.map((b) => b.textContent)).toEqual(["Newest", "Older"]);
    buttons[1]?.click();
    await settle();
    expect(buttons[1]?.getAttribute("aria-current")).toBe("page");
    const articles = Array.from(get("log", "Messages").querySelectorAll<HTMLElement>("article"));
    expect(articles.map((a) => [a.dataset["role"], a.dataset["status"]])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "interrupted"],
    ]);
    expect(articles[0]?.querySelector("b")).toBeNull();
    expect(articles[1]?.querySelector("img")).toBeNull();
    expect(articles[1]?.querySelector(".message-meta")?.textContent).toBe("openai/gpt-4o-mini · OpenAI · 5 in / 6 out tokens · free");
    expect(articles[1]?.querySelector("details summary")?.textContent).toBe("Reasoning");
    expect(articles[3]?.textContent).toContain("Interrupted");
    expect(articles[3]?.querySelector("button")?.textContent).toBe("Retry");
  });
});

describe("model picker and settings", () => {
  beforeEach(() => {
    core = mainScreenCore();
  });

  it("filters models as you type, picks with the keyboard and uses the pick for the next message", async () => {
    core.on("send_message", () => ({ conversation_id: 9, user_message_id: 1, assistant_message_id: 2 }));
    await startApp();
    await settle();
    const modelButton = get("button", "Model");
    expect(modelButton.textContent).toContain("OpenAI: GPT-4o-mini");
    modelButton.click();
    await settle();
    const dialog = get("dialog", "Choose a model");
    const search = get("combobox", "Search models");
    expect(all("option")).toHaveLength(3);
    type(search, "REASONING");
    expect(all("option").map((o) => o.dataset["modelId"])).toEqual(["google/gemini-2.5-flash", "deepseek/deepseek-r1:free"]);
    const free = all("option")[1];
    expect(free?.textContent).toContain("free");
    expect(free?.textContent).toContain("164K context");
    expect(all("option")[0]?.textContent).toContain("$0.3/M in · $2.5/M out");
    press(search, "ArrowDown");
    expect(all("option")[1]?.getAttribute("aria-selected")).toBe("true");
    press(search, "Enter");
    await settle();
    expect(dialog.isConnected).toBe(false);
    expect(get("button", "Model").textContent).toContain("DeepSeek: R1 (free)");
    const box = get("textbox", "Message");
    type(box, "Hi");
    press(box, "Enter");
    await settle();
    expect(core.callsOf("send_message")[0]?.args["model"]).toBe("deepseek/deepseek-r1:free");
  });

  it("closes with Escape and keeps the current model", async () => {
    await startApp();
    await settle();
    get("button", "Model").click();
    await settle();
    press(get("combobox", "Search models"), "Escape");
    await settle();
    expect(all("dialog")).toHaveLength(0);
    expect(get("button", "Model").textContent).toContain("OpenAI: GPT-4o-mini");
  });

  it("says plainly when the model list cannot be loaded", async () => {
    const offline: UserError = { kind: "offline", message: "Could not reach OpenRouter." };
    core.on("get_catalogue", () => ({ models: [], fetched_at: null, refresh_error: null }));
    core.on("refresh_catalogue", () => ({ models: [], fetched_at: null, refresh_error: offline }));
    await startApp();
    await settle();
    get("button", "Model").click();
    await settle();
    const status = get("status");
    expect(status.textContent).toContain("Couldn't load the model list.");
    expect(status.textContent).toContain("Could not reach OpenRouter.");
    expect(get("button", "Try again")).toBeTruthy();
    expect(all("option")).toHaveLength(0);
  });

  it("changes the theme at once, shows the version and forgets the key", async () => {
    core.on("update_settings", (args) => args["settings"]).on("forget_api_key", () => null);
    await startApp();
    await settle();
    get("button", "Settings").click();
    await settle();
    const dialog = get("dialog", "Settings");
    expect(dialog.textContent).toContain("1.2.3");
    const theme = get("combobox", "Theme") as HTMLSelectElement;
    theme.value = "dark";
    theme.dispatchEvent(new Event("change", { bubbles: true }));
    expect(document.documentElement.dataset["theme"]).toBe("dark");
    await settle();
    expect(core.callsOf("update_settings")[0]?.args).toEqual({ settings: { default_model: "openai/gpt-4o-mini", theme: "dark" } });
    expect(get("button", "Default model").textContent).toContain("OpenAI: GPT-4o-mini");
    core.on("app_status", () => ({ has_key: false, key_storage: "none", keyring_problem: null, version: "1.2.3" }));
    get("button", "Forget API key").click();
    await settle();
    expect(core.callsOf("forget_api_key")).toHaveLength(1);
    expect(get("heading", "Welcome to OpenRouter Desktop")).toBeTruthy();
  });
});

describe("no key, saved history", () => {
  it("opens the conversations read-only, with sending locked and a way to add a key", async () => {
    core = mainScreenCore().on("app_status", () => ({
      has_key: false,
      key_storage: "none",
      keyring_problem: null,
      version: "1.2.3",
    }));
    conversations = [summary(1, "Kept offline", 1_000)];
    await startApp();
    await settle();
    expect(get("navigation", "Conversations").textContent).toContain("Kept offline");
    expect((get("button", "Send") as HTMLButtonElement).disabled).toBe(true);
    const field = get("textbox", "Message") as HTMLTextAreaElement;
    type(field, "draft");
    press(field, "Enter");
    await settle();
    expect(core.callsOf("send_message")).toHaveLength(0);
    expect(get("status").textContent).toContain("Add your OpenRouter API key");
    get("button", "Add key").click();
    await settle();
    expect(get("heading", "Welcome to OpenRouter Desktop")).toBeTruthy();
  });
});
