// The model picker, the Models view, the Routing dialog and the "Switch to …" action in the real screen,
// against the fake core: what the chat sends (send_message, retry_reply, set_routing) after each.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Routing, StreamEvent, UserError } from "./api";
import { startApp } from "./app";
import { settle, type FakeCore } from "./test/fake-core";
import { conversation, historyCore, type HistoryCore } from "./test/history-core";
import { CARDS, catalogue } from "./test/model-cards";
import { PROVIDERS } from "./test/catalogue-source";
import { all, choose, get, press, type } from "./test/queries";

let history: HistoryCore;
let core: FakeCore;
let routings: Map<number, Routing>;

const MODELS = [...CARDS];

beforeEach(() => {
  document.body.replaceChildren();
  history = historyCore([conversation(1, "Trip plan", 10, { model: "anthropic/claude-sonnet-4.5" })]);
  core = history.core;
  routings = new Map();
  core
    .on("get_catalogue", () => catalogue(MODELS))
    .on("refresh_catalogue", () => catalogue(MODELS))
    .on("model_picks", () => ({ favorites: ["z-ai/glm-4.5-air:free", "ai21/jamba-large-1.7"], recent: ["openai/gpt-oss-120b", "z-ai/glm-4.5-air:free"] }))
    .on("list_providers", () => PROVIDERS)
    .on("model_endpoints", () => [])
    .on("get_model_browser_state", () => null)
    .on("set_model_browser_state", () => null)
    .on("get_routing", (args) => routings.get(Number(args["conversationId"])) ?? { fallback_models: [], provider: null, reasoning_effort: null, web_search: false })
    .on("set_routing", (args) => {
      routings.set(Number(args["conversationId"]), args["routing"] as Routing);
      return args["routing"];
    })
    .on("send_message", () => ({ conversation_id: 5, user_message_id: 51, assistant_message_id: 52 }));
});

afterEach(() => {
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

async function start(): Promise<void> {
  await startApp();
  await settle();
}

async function openConversation(title: string): Promise<void> {
  get("button", title).click();
  await settle();
}

function options(): string[] {
  return all("option").sort((a, b) => Number(a.getAttribute("aria-posinset")) - Number(b.getAttribute("aria-posinset")))
    .map((o) => o.dataset["modelId"] ?? "");
}

async function send(text: string): Promise<void> {
  const box = get("textbox", "Message");
  type(box, text);
  press(box, "Enter");
  await settle();
}

describe("the chat's model picker", () => {
  it("lists favourites, then recently used models, then the rest, from the catalogue", async () => {
    await start();
    get("button", "Model").click();
    await settle();
    expect(core.callsOf("list_models")).toHaveLength(0);
    expect(options().slice(0, 4)).toEqual(["ai21/jamba-large-1.7", "z-ai/glm-4.5-air:free", "openai/gpt-oss-120b", "anthropic/claude-3.7-sonnet:thinking"]);
    expect(all("option")[0]?.querySelector(".star-mark")).not.toBeNull();
    type(get("combobox", "Search models"), "free");
    expect(options()).toEqual(["z-ai/glm-4.5-air:free", "google/gemma-3-27b-it:free"]);
  });

  it("opens at the top, or on the model in use when it is a favourite or recent one", async () => {
    await start();
    get("button", "Model").click();
    await settle();
    expect(all("option").find((o) => o.getAttribute("aria-selected") === "true")?.dataset["modelId"]).toBe("ai21/jamba-large-1.7");
    press(get("combobox", "Search models"), "Escape");
    await settle();
    core.on("model_picks", () => ({ favorites: ["ai21/jamba-large-1.7"], recent: ["anthropic/claude-sonnet-4.5"] }));
    await openConversation("Trip plan");
    get("button", "Model").click();
    await settle();
    expect(all("option").find((o) => o.getAttribute("aria-selected") === "true")?.dataset["modelId"]).toBe("anthropic/claude-sonnet-4.5");
  });

  it("opens the Models view from \u201cBrowse all models\u201d", async () => {
    await start();
    get("button", "Model").click();
    await settle();
    get("button", "Browse all models\u2026").click();
    await settle();
    expect(get("dialog", "Models")).toBeTruthy();
  });
});

describe("the Models view", () => {
  it("opens from the sidebar, and uses a model in the open chat", async () => {
    await start();
    get("button", "Models").click();
    await settle();
    type(get("combobox", "Search models"), "jamba");
    await settle();
    get("button", "Use in this chat").click();
    await settle();
    expect(all("dialog")).toHaveLength(0);
    expect(get("button", "Model").textContent).toContain("AI21: Jamba Large 1.7");
    await send("Hello");
    expect(core.callsOf("send_message")[0]?.args).toMatchObject({ model: "ai21/jamba-large-1.7", routing: null });
  });
});

describe("the Routing dialog", () => {
  it("saves a conversation's fallbacks and provider sort with set_routing", async () => {
    await start();
    await openConversation("Trip plan");
    get("button", "Routing").click();
    await settle();
    expect(core.callsOf("get_routing")[0]?.args).toEqual({ conversationId: 1 });
    get("button", "Add a fallback model\u2026").click();
    await settle();
    // The picker opens over the dialog; pick the first favourite with the keyboard.
    expect(get("dialog", "Add a fallback model")).toBeTruthy();
    press(get("combobox", "Search models"), "Enter");
    await settle();
    choose(get("combobox", "Choose providers by"), "price");
    get("button", "Save").click();
    await settle();
    expect(core.callsOf("set_routing")[0]?.args).toEqual({
      conversationId: 1,
      routing: {
        fallback_models: ["ai21/jamba-large-1.7"],
        provider: {
          sort: "price", order: [], only: [], ignore: [], allow_fallbacks: true, data_collection_deny: false, zdr: false,
          quantizations: [], max_price_prompt: null, max_price_completion: null,
        },
        reasoning_effort: null,
        web_search: false,
      },
    });
    expect(all("dialog")).toHaveLength(0);
    // Opened again: what was saved.
    get("button", "Routing").click();
    await settle();
    expect(document.querySelector("ol[aria-label='Fallback models']")?.textContent).toContain("AI21: Jamba Large 1.7");
  });

  it("keeps a new chat's routing for its first message, sent with send_message", async () => {
    let emit: ((event: StreamEvent) => void) | null = null;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      return { conversation_id: 5, user_message_id: 51, assistant_message_id: 52 };
    });
    await start();
    get("button", "Routing").click();
    await settle();
    choose(get("checkbox", "Search the web before answering"), true);
    get("button", "Save").click();
    await settle();
    expect(core.callsOf("set_routing")).toHaveLength(0);
    await send("Find me a train");
    expect(core.callsOf("send_message")[0]?.args).toMatchObject({
      conversationId: null,
      routing: { fallback_models: [], provider: null, reasoning_effort: null, web_search: true },
    });
    emit!({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    await send("And a hotel");
    expect(core.callsOf("send_message")[1]?.args).toMatchObject({ conversationId: 5, routing: null });
  });

  it("switches the chat's model to a variant", async () => {
    await start();
    await openConversation("Trip plan");
    get("button", "Routing").click();
    await settle();
    const fastest = all("radio").find((radio) => document.querySelector(`label[for="${radio.id}"]`)?.textContent === "Fastest")!;
    choose(fastest, true);
    get("button", "Save").click();
    await settle();
    await send("Quick question");
    expect(core.callsOf("send_message")[0]?.args).toMatchObject({ conversationId: 1, model: "anthropic/claude-sonnet-4.5:nitro" });
  });
});

describe("an error that suggests another model", () => {
  const ended: UserError = {
    kind: "not_found",
    message: "The free period of this model has ended.",
    action: { kind: "switch_model", label: "Switch to z-ai/glm-4.5-air", url: null, model: "z-ai/glm-4.5-air" },
  };

  it("offers one click that switches the model and asks again", async () => {
    let emit: ((event: StreamEvent) => void) | null = null;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      return { conversation_id: 5, user_message_id: 51, assistant_message_id: 52 };
    });
    await start();
    await send("Hi");
    emit!({ type: "done", status: "error", finish_reason: null, error: ended });
    await settle();
    const reply = document.querySelector("article[data-role='assistant']")!;
    expect(reply.textContent).toContain("The free period of this model has ended.");
    core.on("retry_reply", (args) => {
      emit = core.channelOf(args);
      return { conversation_id: 5, user_message_id: 51, assistant_message_id: 53 };
    });
    get("button", "Switch to z-ai/glm-4.5-air").click();
    await settle();
    expect(core.callsOf("retry_reply")[0]?.args).toMatchObject({ assistantMessageId: 52, model: "z-ai/glm-4.5-air" });
    expect(get("button", "Model").textContent).toContain("z-ai/glm-4.5-air");
    emit!({ type: "delta", content: "Hello from the paid model", reasoning: "" });
    emit!({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    expect(document.querySelector("article[data-role='assistant']")?.textContent).toContain("Hello from the paid model");
    // The next message goes to the new model too.
    core.on("send_message", () => ({ conversation_id: 5, user_message_id: 54, assistant_message_id: 55 }));
    await send("Thanks");
    expect(core.callsOf("send_message").at(-1)?.args).toMatchObject({ conversationId: 5, model: "z-ai/glm-4.5-air" });
  });

  it("resends a message the core refused, with the suggested model", async () => {
    let calls = 0;
    core.on("send_message", () => {
      calls += 1;
      if (calls === 1) throw ended;
      return { conversation_id: 5, user_message_id: 51, assistant_message_id: 52 };
    });
    await start();
    await send("Hi there");
    expect(get("alert").textContent).toContain("The free period of this model has ended.");
    get("button", "Switch to z-ai/glm-4.5-air").click();
    await settle();
    expect(core.callsOf("send_message")[1]?.args).toMatchObject({ text: "Hi there", model: "z-ai/glm-4.5-air" });
  });
});
