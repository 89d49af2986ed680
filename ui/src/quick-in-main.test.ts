// Quick prompts in the main window (issue 6), on the real screen against the fake core: the "Quick" marker
// in the sidebar and in search results, the "Quick prompts" section paging with origin "quick", the
// "Quick prompt" button, a conversation handed over by the quick window (take_pending_open at start, the
// open-conversation event), and the list refreshed on conversations-changed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationCursor, ConversationPage, ConversationSummary, Message, SearchHit, ShortcutStatus } from "./api";
import { startApp } from "./app";
import { listOrder, SIDEBAR_PAGE } from "./conversation-pages";
import { captureEvents, listening, settle, type FakeCore } from "./test/fake-core";
import { fakeLayout } from "./test/fake-layout";
import { conversation, historyCore, message, sidebarTitles, type HistoryCore } from "./test/history-core";
import { all, get, type } from "./test/queries";

const ACTIVE: ShortcutStatus = { shortcut: "CommandOrControl+Shift+Space", readable: "Ctrl+Shift+Space", state: "active", problem: null };

let history: HistoryCore;
let core: FakeCore;
let emitEvent: (name: string, payload: unknown) => void;


/** list_conversations_page as the core answers it, `origin` included. */
function pagesByOrigin(all: () => ConversationSummary[]): (args: Record<string, unknown>) => ConversationPage {
  return (args) => {
    const origin = args["origin"];
    const list = all()
      .filter((c) => !c.archived && (origin === undefined || (c.origin ?? "chat") === origin))
      .sort(listOrder);
    const before = args["before"] as ConversationCursor | null | undefined;
    const limit = Number(args["limit"] ?? 50);
    const after = before ? list.filter((c) => listOrder(c, before) > 0) : list;
    return { conversations: after.slice(0, limit).map((c) => ({ ...c })), has_more: after.length > limit, total: list.length };
  };
}

function quick(id: number, title: string, updated: number): ConversationSummary {
  return conversation(id, title, updated, { origin: "quick" });
}

beforeEach(() => {
  document.body.replaceChildren();
  history = historyCore([
    conversation(1, "Trip plan", 10, { origin: "chat" }),
    quick(2, "Translate this", 20),
    conversation(3, "Older chat", 5),
  ]);
  core = history.core;
  core
    .on("list_conversations_page", pagesByOrigin(() => history.store))
    .on("shortcut_status", () => ({ ...ACTIVE }))
    .on("take_pending_open", () => null)
    .on("desktop_action", () => null);
  emitEvent = captureEvents(core);
});

afterEach(() => {
  for (const element of Array.from(document.querySelectorAll("dialog, .popup-menu"))) element.remove();
});

async function start(): Promise<void> {
  const listens = core.callsOf("plugin:event|listen").length;
  await startApp();
  await settle();
  await listening(core, listens, "open-conversation", "conversations-changed");
}

function pageCalls(): Record<string, unknown>[] {
  return core.callsOf("list_conversations_page").map((call) => call.args);
}

function quickPageCalls(): Record<string, unknown>[] {
  return pageCalls().filter((args) => args["origin"] === "quick");
}

function quickSectionTitles(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>(".quick-prompts-list .conversation"), (button) => button.textContent ?? "");
}

function markedRows(): string[] {
  return Array.from(
    document.querySelectorAll<HTMLElement>('nav[aria-label="Conversations"] > .conversation-list li'),
    (row) => row.querySelector('[role="img"][aria-label="Quick prompt"]') === null ? "" : row.dataset["conversationId"] ?? "",
  ).filter((id) => id !== "");
}

function focusedLog(): boolean {
  return document.activeElement?.getAttribute("role") === "log";
}

describe("the Quick marker", () => {
  it("marks quick prompts in the sidebar, and only them", async () => {
    await start();
    expect(sidebarTitles()).toEqual(["Translate this", "Trip plan", "Older chat"]);
    expect(markedRows()).toEqual(["2"]);
    const marker = document.querySelector('li[data-conversation-id="2"] .quick-marker');
    expect(marker?.textContent).toBe("Quick");
    const button = document.querySelector('li[data-conversation-id="2"] .conversation');
    expect(button?.getAttribute("aria-describedby")).toBe(marker?.id);
  });

  it("marks quick prompts in search results", async () => {
    const hit = (id: number, title: string, origin?: "chat" | "quick"): SearchHit => ({
      message_id: id * 10 + 1, conversation_id: id, conversation_title: title, role: "user", model: null, created_at: 0,
      snippet: [{ text: "words", hit: true }], ...(origin ? { origin } : {}),
    });
    core.on("search_messages", () => [hit(2, "Translate this", "quick"), hit(1, "Trip plan", "chat"), hit(3, "Older chat")]);
    await start();
    get("button", "Search").click();
    type(get("combobox", "Search messages"), "words");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
    const options = all("option");
    expect(options.map((option) => option.dataset["conversationId"])).toEqual(["2", "1", "3"]);
    expect(options.map((option) => option.querySelectorAll('[role="img"][aria-label="Quick prompt"]').length)).toEqual([1, 0, 0]);
  });
});

describe("the Quick prompts section", () => {
  it("lists only quick prompts, a page at a time, with origin quick", async () => {
    history.store = [
      ...Array.from({ length: 60 }, (_, i) => quick(i + 1, `Quick ${i + 1}`, 1000 + i)),
      conversation(100, "A chat", 5000),
    ];
    await start();
    expect(quickPageCalls()).toEqual([]); // nothing asked while it is closed
    const toggle = get("button", "Quick prompts");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    toggle.click();
    await settle();
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(quickPageCalls()).toEqual([{ before: null, limit: SIDEBAR_PAGE, origin: "quick" }]);
    expect(quickSectionTitles()).toHaveLength(SIDEBAR_PAGE);
    expect(quickSectionTitles().slice(0, 2)).toEqual(["Quick 60", "Quick 59"]);
    expect(quickSectionTitles()).not.toContain("A chat");
    get("button", "More quick prompts").click();
    await settle();
    expect(quickPageCalls()[1]).toEqual({
      before: { starred: false, updated_at: 1000 + 10, id: 11 },
      limit: SIDEBAR_PAGE,
      origin: "quick",
    });
    expect(quickSectionTitles()).toHaveLength(60);
    expect(quickSectionTitles().at(-1)).toBe("Quick 1");
    expect(all("button", "More quick prompts")).toHaveLength(0);
  });

  it("opens a quick prompt from the section and marks it open there", async () => {
    await start();
    get("button", "Quick prompts").click();
    await settle();
    expect(quickSectionTitles()).toEqual(["Translate this"]);
    (document.querySelector(".quick-prompts-list .conversation") as HTMLElement).click();
    await settle();
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 2 }]);
    expect(document.querySelector(".quick-prompts-list .conversation")?.getAttribute("aria-current")).toBe("page");
  });

  it("has an actions menu on each row: archive, export and delete (with undo)", async () => {
    core.on("export_history", () => null);
    await start();
    get("button", "Quick prompts").click();
    await settle();
    const sectionActions = (): HTMLButtonElement =>
      document.querySelector<HTMLButtonElement>('.quick-prompts-list button[aria-label="Actions for Translate this"]') as HTMLButtonElement;
    sectionActions().click();
    const menu = get("menu", "Actions for Translate this");
    expect(Array.from(menu.querySelectorAll("[role=menuitem]"), (item) => item.textContent)).toEqual(
      ["Archive", "Export as Markdown", "Export as JSON", "Delete"],
    );
    get("menuitem", "Export as Markdown").click();
    await settle();
    expect(core.callsOf("export_history").map((call) => call.args)).toEqual([{ conversationIds: [2], format: "markdown" }]);

    sectionActions().click();
    get("menuitem", "Delete").click();
    await settle();
    expect(quickSectionTitles()).toEqual([]);
    get("button", "Undo").click();
    await settle();
    expect(quickSectionTitles()).toEqual(["Translate this"]);

    sectionActions().click();
    get("menuitem", "Archive").click();
    await settle();
    expect(core.callsOf("set_archived").map((call) => call.args)).toEqual([{ id: 2, archived: true }]);
    expect(quickSectionTitles()).toEqual([]);
  });

  it("says when there are none yet", async () => {
    history.store = [conversation(1, "Trip plan", 10)];
    await start();
    get("button", "Quick prompts").click();
    await settle();
    expect(document.querySelector(".quick-prompts-body .sidebar-empty")?.textContent).toBe("No quick prompts yet.");
  });

  it("is not there, nor the Quick prompt button, with a core that has no tray", async () => {
    core.on("shortcut_status", () => {
      throw "command shortcut_status not found";
    });
    await start();
    expect(all("button", "Quick prompts")).toHaveLength(0);
    expect(all("button", "Quick prompt")).toHaveLength(0);
    expect(sidebarTitles()).toEqual(["Translate this", "Trip plan", "Older chat"]);
  });
});

describe("the Quick prompt button", () => {
  it("opens the quick window as the tray does, its tooltip naming the shortcut", async () => {
    await start();
    const button = get("button", "Quick prompt");
    expect(button.textContent).toBe("Quick");
    expect(button.title).toBe("Open the quick prompt window (Ctrl+Shift+Space)");
    button.click();
    await settle();
    expect(core.callsOf("desktop_action").map((call) => call.args)).toEqual([{ action: "quick-prompt" }]);
  });

  it("shows the core's refusal", async () => {
    core.on("desktop_action", () => {
      throw { kind: "unknown", message: "The quick window could not be opened." };
    });
    await start();
    get("button", "Quick prompt").click();
    await settle();
    expect(get("alert").textContent).toContain("The quick window could not be opened.");
  });
});

describe("a conversation handed over by the quick window", () => {
  it("opens the pending conversation at start and puts the keyboard on its messages", async () => {
    core.on("take_pending_open", () => 2);
    await start();
    expect(core.callsOf("take_pending_open")).toHaveLength(1);
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 2 }]);
    expect(document.querySelector(".chat-title")?.textContent).toBe("Translate this");
    expect(focusedLog()).toBe(true);
  });

  it("opens nothing when none is pending, and starts when the core does not know the command", async () => {
    await start();
    expect(core.callsOf("get_conversation")).toHaveLength(0);
    document.body.replaceChildren();
    core.on("take_pending_open", () => {
      throw "command take_pending_open not found";
    });
    await start();
    expect(core.callsOf("get_conversation")).toHaveLength(0);
    expect(sidebarTitles()).toEqual(["Translate this", "Trip plan", "Older chat"]);
  });

  it("a page re-created after the idle close starts where the last one was: conversation and draft", async () => {
    core.on("take_place", () => ({ conversation_id: 1, draft: "half a thought" }));
    await start();
    expect(core.callsOf("take_place")).toHaveLength(1);
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 1 }]);
    expect((get("textbox", "Message") as HTMLTextAreaElement).value).toBe("half a thought");
    // Hidden again: the core is told where the page is now.
    core.on("keep_place", () => null);
    (get("textbox", "Message") as HTMLTextAreaElement).value = "a new draft";
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    try {
      document.dispatchEvent(new Event("visibilitychange"));
      await settle();
    } finally {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    }
    expect(core.callsOf("keep_place").map((call) => call.args)).toEqual([{ conversationId: 1, draft: "a new draft" }]);
  });

  it("opens the conversation an open-conversation event names, a new one included", async () => {
    await start();
    emitEvent("open-conversation", { id: 3 });
    await settle();
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 3 }]);
    expect(document.querySelector(".chat-title")?.textContent).toBe("Older chat");
    expect(focusedLog()).toBe(true);

    history.store.push(quick(4, "Just asked", 50));
    const before = pageCalls().length;
    emitEvent("open-conversation", { id: 4 });
    await settle();
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 3 }, { id: 4 }]);
    expect(document.querySelector(".chat-title")?.textContent).toBe("Just asked");
    expect(pageCalls().slice(before)).toEqual([{ before: null, limit: SIDEBAR_PAGE }]);
    expect(sidebarTitles()).toEqual(["Just asked", "Translate this", "Trip plan", "Older chat"]);
    expect(document.querySelector('li[data-conversation-id="4"] .conversation')?.getAttribute("aria-current")).toBe("page");
  });

  it("ignores an open-conversation event without a conversation id", async () => {
    await start();
    emitEvent("open-conversation", { id: "2" });
    emitEvent("open-conversation", null);
    await settle();
    expect(core.callsOf("get_conversation")).toHaveLength(0);
  });
});

describe("conversations-changed", () => {
  it("reloads the sidebar's first page and the open Quick prompts section", async () => {
    await start();
    get("button", "Quick prompts").click();
    await settle();
    const before = pageCalls().length;
    history.store.push(quick(5, "Another quick one", 60));
    emitEvent("conversations-changed", null);
    await settle();
    expect(pageCalls().slice(before)).toEqual([
      { before: null, limit: SIDEBAR_PAGE },
      { before: null, limit: SIDEBAR_PAGE, origin: "quick" },
    ]);
    expect(sidebarTitles()).toEqual(["Another quick one", "Translate this", "Trip plan", "Older chat"]);
    expect(quickSectionTitles()).toEqual(["Another quick one", "Translate this"]);
    expect(markedRows()).toEqual(["5", "2"]);
  });

  it("keeps what was loaded below the first page", async () => {
    history.store = Array.from({ length: 120 }, (_, i) => conversation(i + 1, `Chat ${i + 1}`, 1000 + i));
    core.on("list_conversations_page", pagesByOrigin(() => history.store));
    await start();
    // Load the second page the way the sidebar does when scrolled to its end.
    const list = document.querySelector<HTMLElement>("nav[aria-label='Conversations'] > .conversation-list") as HTMLElement;
    const layout = fakeLayout(list, 400, () => 36);
    try {
      layout.scrollTo(layout.maxScroll);
      await settle();
      expect(sidebarTitles()).toHaveLength(2 * SIDEBAR_PAGE);
    } finally {
      layout.restore();
    }
    history.store.push(quick(200, "New quick one", 9000));
    emitEvent("conversations-changed", null);
    await settle();
    expect(sidebarTitles()).toHaveLength(2 * SIDEBAR_PAGE + 1);
    expect(sidebarTitles()[0]).toBe("New quick one");
    expect(sidebarTitles().at(-1)).toBe("Chat 21");
  });
});

describe("a quick prompt in the conversation open here", () => {
  function answers(): string[] {
    return all("article").map((article) => article.textContent ?? "");
  }

  it("shows the new exchange when the quick window tells of it, and keeps the draft", async () => {
    let messages: Message[] = [message({ id: 21, conversation_id: 2, role: "user", content: "Translate this" })];
    core.on("get_conversation", (args) => ({
      conversation: quick(Number(args["id"]), "Translate this", 20),
      messages: args["id"] === 2 ? messages : [],
      has_older: false,
      has_newer: false,
    }));
    await start();
    get("button", "Translate this").click();
    await settle();
    type(get("textbox", "Message"), "my own half-typed note");
    messages = [...messages, message({ id: 22, conversation_id: 2, role: "assistant", content: "Voici." })];
    const opened = core.callsOf("get_conversation").length;

    emitEvent("conversations-changed", { id: 3 }); // another conversation: nothing to reload here
    await settle();
    expect(core.callsOf("get_conversation")).toHaveLength(opened);

    emitEvent("conversations-changed", { id: 2 });
    await settle();
    expect(core.callsOf("get_conversation")).toHaveLength(opened + 1);
    expect(answers().some((text) => text.includes("Voici."))).toBe(true);
    expect((get("textbox", "Message") as HTMLTextAreaElement).value).toBe("my own half-typed note");
  });
});

describe("listening", () => {
  it("listens for the two events and stops when the screen is replaced", async () => {
    await start();
    const listened = core.callsOf("plugin:event|listen").map((call) => call.args["event"]);
    expect(listened).toEqual(expect.arrayContaining(["open-conversation", "conversations-changed"]));
    // (What an earlier test's screen let go of when this one replaced it is not counted.)
    const before = core.callsOf("plugin:event|unlisten").length;
    await start(); // the screen is built again (as after saving a key)
    const unlistened = core.callsOf("plugin:event|unlisten").slice(before).map((call) => call.args["event"]);
    expect(unlistened.filter((event) => event !== "usage-corrected").sort()).toEqual(
      ["conversations-changed", "open-conversation"],
    );
    // Only the new screen acts on an event now.
    emitEvent("open-conversation", { id: 1 });
    await settle();
    expect(core.callsOf("get_conversation").map((call) => call.args)).toEqual([{ id: 1 }]);
  });
});
