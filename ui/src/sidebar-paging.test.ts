// The sidebar loads the conversation list a page at a time: the first page at start, the next as the list
// is scrolled near its end (or ↓ on its last row), in starred-first order, and the conversation actions keep
// working on a list that is only partly loaded. Also the merging rules of ConversationPages on their own.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationPage, ConversationSummary } from "./api";
import { startApp } from "./app";
import { ConversationPages, listOrder, SIDEBAR_PAGE } from "./conversation-pages";
import { conversationPages, settle, type FakeCore } from "./test/fake-core";
import { fakeLayout, type FakeLayout } from "./test/fake-layout";
import { conversation, historyCore, sidebarTitles, type HistoryCore } from "./test/history-core";
import { get, press } from "./test/queries";

const ROW_PX = 36;
const LIST_PX = 400;

let history: HistoryCore;
let core: FakeCore;
let layout: FakeLayout | null = null;

/** 300 conversations, newest first "Chat 300" … "Chat 1"; every 50th is starred. */
function many(): ConversationSummary[] {
  return Array.from({ length: 300 }, (_, i) =>
    conversation(i + 1, `Chat ${i + 1}`, 1000 + i, { starred: (i + 1) % 50 === 0 }));
}

function listElement(): HTMLElement {
  return document.querySelector<HTMLElement>("nav[aria-label='Conversations'] .conversation-list") as HTMLElement;
}

function pageCalls(): Record<string, unknown>[] {
  return core.callsOf("list_conversations_page").map((call) => call.args);
}

async function start(): Promise<void> {
  await startApp();
  await settle();
  layout = fakeLayout(listElement(), LIST_PX, () => ROW_PX);
}

/** Scrolls the list to its end, as a user does, and lets the page arrive. */
async function scrollToEnd(): Promise<void> {
  const fake = layout as FakeLayout;
  fake.scrollTo(fake.maxScroll);
  await settle();
}

beforeEach(() => {
  document.body.replaceChildren();
  history = historyCore(many());
  core = history.core;
});

afterEach(() => {
  layout?.restore();
  layout = null;
  for (const element of Array.from(document.querySelectorAll("dialog, .popup-menu"))) element.remove();
});

describe("sidebar paging", () => {
  it("starts with one page, loads the next ones as the list scrolls, starred first, down to the last", async () => {
    await start();
    expect(pageCalls()).toEqual([{ before: null, limit: SIDEBAR_PAGE }]);
    expect(sidebarTitles()).toHaveLength(SIDEBAR_PAGE);
    expect(sidebarTitles().slice(0, 7)).toEqual(["Chat 300", "Chat 250", "Chat 200", "Chat 150", "Chat 100", "Chat 50", "Chat 299"]);
    await scrollToEnd();
    expect(pageCalls()[1]).toEqual({ before: { starred: false, updated_at: 1000 + 255, id: 256 }, limit: SIDEBAR_PAGE });
    expect(sidebarTitles()).toHaveLength(2 * SIDEBAR_PAGE);
    for (let i = 0; i < 10 && sidebarTitles().length < 300; i++) await scrollToEnd();
    const titles = sidebarTitles();
    expect(titles).toHaveLength(300);
    expect(titles.at(-1)).toBe("Chat 1");
    expect(new Set(titles).size).toBe(300);
    const calls = pageCalls().length;
    await scrollToEnd();
    expect(pageCalls()).toHaveLength(calls); // the end was reached: nothing more to ask
  });

  it("does not load more while the end is far from view", async () => {
    await start();
    (layout as FakeLayout).scrollTo(100);
    await settle();
    expect(pageCalls()).toHaveLength(1);
  });

  it("↓ on the last row loads the next page and moves on to it", async () => {
    await start();
    const last = sidebarTitles().at(-1) as string;
    const button = get("button", last);
    button.focus();
    press(button, "ArrowDown");
    await settle();
    expect(sidebarTitles()).toHaveLength(2 * SIDEBAR_PAGE);
    expect(document.activeElement?.textContent).toBe(sidebarTitles()[SIDEBAR_PAGE]);
  });

  it("keeps the loaded pages through star, rename, archive and delete with undo", async () => {
    await start();
    await scrollToEnd();
    expect(sidebarTitles()).toHaveLength(100);

    // Star one from the second page: it moves up; the list stays as long.
    get("button", "Actions for Chat 230").click();
    get("menuitem", "Star").click();
    await settle();
    expect(sidebarTitles()[0]).toBe("Chat 300");
    expect(sidebarTitles().slice(0, 7)).toContain("Chat 230");
    expect(sidebarTitles()).toHaveLength(100);

    // Unstar one whose place is beyond what is loaded: it leaves, and comes back with its page.
    get("button", "Actions for Chat 50").click();
    get("menuitem", "Unstar").click();
    await settle();
    expect(sidebarTitles()).not.toContain("Chat 50");
    expect(sidebarTitles()).toHaveLength(99);

    // Rename one deep in the list.
    get("button", "Actions for Chat 215").click();
    get("menuitem", "Rename").click();
    const field = get("textbox", "Conversation title") as HTMLInputElement;
    field.value = "Renamed deep";
    press(field, "Enter");
    await settle();
    expect(sidebarTitles()).toContain("Renamed deep");
    expect(sidebarTitles()).toHaveLength(99);

    // Archive and delete (with undo) in the second page.
    get("button", "Actions for Chat 210").click();
    get("menuitem", "Archive").click();
    await settle();
    expect(sidebarTitles()).not.toContain("Chat 210");
    get("button", "Actions for Chat 209").click();
    get("menuitem", "Delete").click();
    await settle();
    expect(sidebarTitles()).not.toContain("Chat 209");
    get("button", "Undo").click();
    await settle();
    expect(sidebarTitles()).toContain("Chat 209");
    expect(sidebarTitles()).toHaveLength(98);

    for (let i = 0; i < 10 && sidebarTitles().length < 299; i++) await scrollToEnd();
    const titles = sidebarTitles();
    expect(titles).toHaveLength(299); // 300, one archived
    expect(titles).toContain("Chat 50");
    expect(new Set(titles).size).toBe(299);
    const order = titles.map((title) => history.store.find((c) => c.title === title) as ConversationSummary);
    expect(order).toEqual(order.slice().sort(listOrder));
  });

  it("a new conversation appears at the top of a partly loaded list", async () => {
    await start();
    await scrollToEnd();
    history.store.push(conversation(301, "Brand new", 5000));
    core.on("send_message", () => ({ conversation_id: 301, user_message_id: 1, assistant_message_id: 2 }));
    const box = get("textbox", "Message") as HTMLTextAreaElement;
    box.value = "Hello";
    box.dispatchEvent(new Event("input", { bubbles: true }));
    press(box, "Enter");
    await settle();
    const titles = sidebarTitles();
    expect(titles.slice(0, 7)).toContain("Brand new");
    expect(titles).toHaveLength(101);
  });
});

describe("ConversationPages", () => {
  const all = many();
  const serve = conversationPages(() => all);
  const page = (before: ConversationPage["conversations"][number] | null, limit = 10): ConversationPage =>
    serve({ before: before === null ? null : { starred: before.starred, updated_at: before.updated_at, id: before.id }, limit });

  it("puts pages together into the whole list, in order", () => {
    const pages = new ConversationPages();
    pages.applyFirst(page(null));
    while (pages.hasMore) pages.applyNext(serve({ before: pages.next, limit: 10 }));
    expect(pages.all.map((c) => c.id)).toEqual(all.slice().sort(listOrder).map((c) => c.id));
    expect(pages.total).toBe(300);
  });

  it("a fresh first page replaces the top and keeps what was loaded below it", () => {
    const pages = new ConversationPages();
    pages.applyFirst(page(null));
    pages.applyNext(serve({ before: pages.next, limit: 10 }));
    expect(pages.all).toHaveLength(20);
    const renamed = { ...(pages.all[2] as ConversationSummary), title: "Renamed" };
    const fresh = page(null);
    fresh.conversations[2] = renamed;
    pages.applyFirst(fresh);
    expect(pages.all).toHaveLength(20);
    expect(pages.all[2]?.title).toBe("Renamed");
    expect(pages.hasMore).toBe(true);
  });

  it("a fully loaded list stays whole when the first page is loaded again", () => {
    const pages = new ConversationPages();
    const small = conversationPages(() => all.slice(0, 25));
    pages.applyFirst(small({ before: null, limit: 10 }));
    while (pages.hasMore) pages.applyNext(small({ before: pages.next, limit: 10 }));
    expect(pages.all).toHaveLength(25);
    pages.applyFirst(small({ before: null, limit: 10 }));
    expect(pages.all).toHaveLength(25);
    expect(pages.hasMore).toBe(false);
  });

  it("drops what moves beyond the frontier, and takes in what falls within it", () => {
    const pages = new ConversationPages();
    pages.applyFirst(page(null));
    // "Chat 50" is starred, but the oldest of all: unstarred, its place is far below this page.
    const starred = pages.find(50) as ConversationSummary;
    pages.patch(starred.id, { starred: false });
    expect(pages.find(starred.id)).toBeUndefined();
    pages.insert({ ...starred, starred: true });
    expect(pages.all.slice(0, 6).map((c) => c.id)).toContain(starred.id);
    // The newest one unstarred stays: its place is still within the page.
    pages.patch(300, { starred: false });
    expect(pages.find(300)?.starred).toBe(false);
    pages.insert(conversation(999, "Old", 1));
    expect(pages.find(999)).toBeUndefined();
    pages.clear();
    expect(pages.all).toHaveLength(0);
    expect(pages.next).toBeNull();
  });
});
