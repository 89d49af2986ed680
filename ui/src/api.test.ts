import { beforeEach, describe, expect, it } from "vitest";
import {
  defaultRouting,
  deleteAllHistory,
  deleteConversation,
  exportHistory,
  getCatalogue,
  getModelBrowserState,
  getRouting,
  importHistory,
  listArchived,
  listProviders,
  modelEndpoints,
  modelPicks,
  openExternal,
  refreshCatalogue,
  renameConversation,
  retryReply,
  saveApiKey,
  searchMessages,
  sendMessage,
  setArchived,
  setFavorite,
  setModelBrowserState,
  setRouting,
  setStarred,
  toUserError,
  type SearchQuery,
  type StreamEvent,
} from "./api";
import { FakeCore, settle } from "./test/fake-core";

describe("toUserError", () => {
  it("keeps a UserError from the core", () => {
    const error = {
      kind: "no_credits",
      message: "Your OpenRouter credits are used up.",
      action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" },
      retry_after_secs: null,
    };
    expect(toUserError(error)).toEqual(error);
  });

  it("maps unknown kinds and odd actions to safe values", () => {
    expect(toUserError({ kind: "bogus", message: "Hm.", action: { kind: "rm -rf", label: "x" }, retry_after_secs: "5" })).toEqual({
      kind: "unknown",
      message: "Hm.",
      action: null,
      retry_after_secs: null,
    });
    expect(toUserError({ kind: "rate_limited", message: "Slow down.", action: { kind: "open_url", label: "Open" } }).action).toBeNull();
  });

  it("keeps a switch_model action with its model, and drops one without a model", () => {
    const action = { kind: "switch_model", label: "Switch to allenai/molmo-2-8b", url: null, model: "allenai/molmo-2-8b" };
    expect(toUserError({ kind: "not_found", message: "The free period has ended.", action }).action).toEqual(action);
    expect(toUserError({ kind: "not_found", message: "Gone.", action: { kind: "switch_model", label: "Switch" } }).action).toBeNull();
    expect(toUserError({ kind: "not_found", message: "Gone.", action: { kind: "switch_model", label: "Switch", model: 7 } }).action).toBeNull();
  });

  it("keeps a 402's shorter-reply action with its length, and its second action", () => {
    const shorter = { kind: "retry_shorter", label: "Try a shorter reply (up to 2,666 tokens)", url: null, max_tokens: 2666 };
    const credits = { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" };
    const error = toUserError({ kind: "no_credits", message: "Your credits do not cover this reply.", action: shorter, second_action: credits });
    expect(error.action).toEqual(shorter);
    expect(error.second_action).toEqual(credits);
    for (const max_tokens of [undefined, 0, -5, 1.5, "2666", 2 ** 40]) {
      expect(toUserError({ kind: "no_credits", message: "No.", action: { ...shorter, max_tokens } }).action).toBeNull();
    }
    expect(toUserError({ kind: "no_credits", message: "No.", second_action: { kind: "rm -rf", label: "x" } }).second_action).toBeUndefined();
  });

  it("turns strings, Errors and junk into an unknown UserError", () => {
    expect(toUserError("command send_message not found")).toMatchObject({ kind: "unknown", message: "command send_message not found" });
    expect(toUserError(new Error("boom"))).toMatchObject({ kind: "unknown", message: "boom" });
    for (const junk of [undefined, null, 42, {}, { message: "" }, { kind: "offline" }, ""]) {
      const error = toUserError(junk);
      expect(error.kind).toBe("unknown");
      expect(error.message).toBe("Something went wrong. Please try again.");
    }
  });
});

describe("commands", () => {
  let core: FakeCore;
  beforeEach(() => {
    core = new FakeCore().install();
  });

  it("passes camelCase arguments as IPC.md says", async () => {
    core.on("save_api_key", () => ({})).on("delete_conversation", () => null);
    await saveApiKey("sk-or-1", true);
    await deleteConversation(5);
    expect(core.calls).toEqual([
      { command: "save_api_key", args: { key: "sk-or-1", sessionOnly: true } },
      { command: "delete_conversation", args: { id: 5 } },
    ]);
  });

  it("streams send_message events in order to the callback", async () => {
    const seen: StreamEvent[] = [];
    core.on("send_message", (args) => {
      const emit = core.channelOf(args);
      emit({ type: "meta", model: "m", provider: "p" });
      emit({ type: "delta", content: "a", reasoning: "" });
      emit({ type: "done", status: "complete", finish_reason: "stop", error: null });
      return { conversation_id: 1, user_message_id: 2, assistant_message_id: 3 };
    });
    const started = await sendMessage(null, "hi", "m", (event) => seen.push(event));
    await settle();
    expect(started.assistant_message_id).toBe(3);
    expect(seen.map((event) => event.type)).toEqual(["meta", "delta", "done"]);
    const args = core.callsOf("send_message")[0]?.args ?? {};
    expect(Object.keys(args).sort()).toEqual(["conversationId", "model", "onEvent", "routing", "text"]);
    expect(args["conversationId"]).toBeNull();
    expect(args["routing"]).toBeNull();
  });

  it("sends the model and routing commands with the argument names of IPC.md", async () => {
    const empty = { models: [], fetched_at: null, refresh_error: null };
    const picks = { favorites: [], recent: [] };
    core
      .on("get_catalogue", () => empty)
      .on("refresh_catalogue", () => empty)
      .on("model_endpoints", () => [])
      .on("list_providers", () => [])
      .on("model_picks", () => picks)
      .on("set_favorite", () => picks)
      .on("get_routing", () => defaultRouting())
      .on("set_routing", (args) => args["routing"])
      .on("get_model_browser_state", () => null)
      .on("set_model_browser_state", () => null)
      .on("send_message", () => ({ conversation_id: 1, user_message_id: 2, assistant_message_id: 3 }))
      .on("retry_reply", () => ({ conversation_id: 1, user_message_id: 2, assistant_message_id: 4 }));
    const routing = { ...defaultRouting(), fallback_models: ["a/b"], web_search: true };
    await getCatalogue();
    await refreshCatalogue();
    await modelEndpoints("x/y:free");
    await listProviders();
    await modelPicks();
    await setFavorite("x/y", true);
    await getRouting(7);
    await setRouting(7, routing);
    await getModelBrowserState();
    await setModelBrowserState({ version: 1, sort: "name" });
    await sendMessage(null, "hi", "x/y", () => undefined, routing);
    await retryReply(3, () => undefined);
    await retryReply(3, () => undefined, { model: "x/z" });
    await retryReply(3, () => undefined, { maxTokens: 2666 });
    const plain = core.calls.map(({ command, args }) => {
      const { onEvent: _channel, ...rest } = args;
      return { command, args: rest };
    });
    expect(plain).toEqual([
      { command: "get_catalogue", args: {} },
      { command: "refresh_catalogue", args: {} },
      { command: "model_endpoints", args: { id: "x/y:free" } },
      { command: "list_providers", args: {} },
      { command: "model_picks", args: {} },
      { command: "set_favorite", args: { id: "x/y", favorite: true } },
      { command: "get_routing", args: { conversationId: 7 } },
      { command: "set_routing", args: { conversationId: 7, routing } },
      { command: "get_model_browser_state", args: {} },
      { command: "set_model_browser_state", args: { state: { version: 1, sort: "name" } } },
      { command: "send_message", args: { conversationId: null, text: "hi", model: "x/y", routing } },
      { command: "retry_reply", args: { assistantMessageId: 3 } },
      { command: "retry_reply", args: { assistantMessageId: 3, model: "x/z" } },
      { command: "retry_reply", args: { assistantMessageId: 3, maxTokens: 2666 } },
    ]);
  });

  it("rejects with a UserError, also for a core that throws a plain string", async () => {
    await expect(deleteConversation(1)).rejects.toMatchObject({ kind: "unknown", message: "command delete_conversation not found" });
    core.on("delete_conversation", () => {
      throw { kind: "storage", message: "The history database could not be written." };
    });
    await expect(deleteConversation(1)).rejects.toMatchObject({ kind: "storage" });
  });

  it("never asks the core to open anything but http(s)/mailto", async () => {
    core.on("open_external", () => null);
    await expect(openExternal("javascript:alert(1)")).rejects.toMatchObject({ kind: "invalid_input" });
    await expect(openExternal("file:///etc/passwd")).rejects.toMatchObject({ kind: "invalid_input" });
    await openExternal("https://openrouter.ai/keys");
    expect(core.callsOf("open_external")).toHaveLength(1);
  });

  it("sends the history commands with the argument names of IPC.md", async () => {
    for (const command of ["search_messages", "rename_conversation", "set_starred", "set_archived", "list_archived", "delete_all_history"]) {
      core.on(command, () => (command === "search_messages" || command === "list_archived" ? [] : null));
    }
    core.on("export_history", () => null).on("import_history", () => ({ conversations_added: 1, conversations_skipped: 0, messages_added: 2 }));
    const query: SearchQuery = { text: "rust", model: null, from_ms: 1, to_ms: 2, starred_only: true, order: "newest", limit: 50 };
    await searchMessages(query);
    await renameConversation(3, "New title");
    await setStarred(3, true);
    await setArchived(3, false);
    await listArchived();
    await deleteAllHistory();
    expect(await exportHistory([3], "markdown")).toBeNull();
    await exportHistory(null, "json");
    expect(await importHistory()).toEqual({ conversations_added: 1, conversations_skipped: 0, messages_added: 2 });
    expect(core.calls).toEqual([
      { command: "search_messages", args: { query } },
      { command: "rename_conversation", args: { id: 3, title: "New title" } },
      { command: "set_starred", args: { id: 3, starred: true } },
      { command: "set_archived", args: { id: 3, archived: false } },
      { command: "list_archived", args: {} },
      { command: "delete_all_history", args: {} },
      { command: "export_history", args: { conversationIds: [3], format: "markdown" } },
      { command: "export_history", args: { conversationIds: null, format: "json" } },
      { command: "import_history", args: {} },
    ]);
  });
});
