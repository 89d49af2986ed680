// A conversation of 5,000 messages through the real screen, against a fake core that pages like the real
// one, over a faked layout: it opens on its newest page with a few dozen articles in the DOM, scrolling up
// fetches older pages without moving what is on screen, a streaming reply is followed at the bottom (and
// not when the reader scrolled up), and a search result deep inside opens around its message.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Message, SearchHit, StreamEvent } from "./api";
import { startApp } from "./app";
import { markdownCacheHits } from "./render/markdown";
import { settleFake, type FakeCore } from "./test/fake-core";
import { fakeLayout, type FakeLayout } from "./test/fake-layout";
import { conversation, historyCore, message } from "./test/history-core";
import { get, press, type } from "./test/queries";
import { MESSAGE_PAGE } from "./views/chat";
import { SEARCH_DEBOUNCE_MS } from "./views/search";

const TOTAL = 5000;
const VIEWPORT = 700;
/** The open page of get_conversation, and the page on each side of a search result (as the core). */
const OPEN_PAGE = 100;
const AROUND = 50;

let core: FakeCore;
let layout: FakeLayout | null = null;
let stored: Message[];

function longMessage(id: number): Message {
  const user = id % 2 === 1;
  const lines = 1 + (id % 7);
  let content = Array.from({ length: lines }, (_, i) => `Line ${i} of message ${id}.`).join("\n\n");
  if (!user && id % 10 === 0) content += `\n\n\`\`\`js\nconsole.log(${id});\n\`\`\``;
  return message({
    id,
    conversation_id: 1,
    role: user ? "user" : "assistant",
    content,
    model: user ? null : "openai/gpt-4o-mini",
    created_at: id,
  });
}

/** Messages with ids in [from, to], as the core would give them. */
function range(from: number, to: number): Message[] {
  return stored.filter((m) => m.id >= from && m.id <= to);
}

function flags(messages: Message[]): { has_older: boolean; has_newer: boolean } {
  const first = messages[0]?.id ?? 0;
  const last = messages[messages.length - 1]?.id ?? 0;
  const maxId = stored[stored.length - 1]?.id ?? 0;
  return { has_older: first > 1, has_newer: last < maxId };
}

/** An article's height follows its text, so a streaming reply grows. */
function heightOf(child: HTMLElement): number {
  if (child.tagName !== "ARTICLE") return 40;
  return 40 + Math.ceil((child.textContent ?? "").length / 50) * 24;
}

function log(): HTMLElement {
  return get("log", "Messages");
}

function articles(): HTMLElement[] {
  return Array.from(log().querySelectorAll<HTMLElement>("article"));
}

function article(id: number): HTMLElement | null {
  return log().querySelector<HTMLElement>(`article[data-message-id="${id}"]`);
}

function onScreen(element: HTMLElement): boolean {
  const top = (layout as FakeLayout).viewportTopOf(element);
  return top + heightOf(element) > 0 && top < VIEWPORT;
}

async function start(): Promise<void> {
  await startApp();
  await settleFake();
  layout = fakeLayout(log(), VIEWPORT, heightOf);
}

async function openLong(): Promise<void> {
  get("button", "Five thousand").click();
  await settleFake();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  document.body.replaceChildren();
  stored = Array.from({ length: TOTAL }, (_, i) => longMessage(i + 1));
  const history = historyCore([conversation(1, "Five thousand", 10, { message_count: TOTAL }), conversation(2, "Short", 5)]);
  core = history.core;
  core
    .on("get_conversation", (args) => {
      const around = args["around"] as number | undefined;
      const found = history.store.find((c) => c.id === args["id"]);
      if (args["id"] !== 1) {
        return { conversation: found, messages: [message({ id: 90, conversation_id: 2, role: "user", content: "Hi" })], has_older: false, has_newer: false };
      }
      const messages = around === undefined
        ? stored.slice(-OPEN_PAGE)
        : range(around - AROUND, around + AROUND);
      return { conversation: found, messages, ...flags(messages) };
    })
    .on("older_messages", (args) => {
      const before = Number(args["beforeId"]);
      const messages = stored.filter((m) => m.id < before).slice(-Number(args["limit"]));
      return { messages, ...flags(messages), has_newer: true };
    })
    .on("newer_messages", (args) => {
      const after = Number(args["afterId"]);
      const messages = stored.filter((m) => m.id > after).slice(0, Number(args["limit"]));
      return { messages, ...flags(messages), has_older: true };
    });
});

afterEach(() => {
  layout?.restore();
  layout = null;
  vi.useRealTimers();
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

describe("a conversation of 5,000 messages", () => {
  it("opens on its newest page with only what is near the viewport in the DOM", async () => {
    await start();
    await openLong();
    expect(core.callsOf("get_conversation").at(-1)?.args).toEqual({ id: 1 });
    const newest = article(TOTAL) as HTMLElement;
    expect(newest).not.toBeNull();
    expect((layout as FakeLayout).viewportTopOf(newest) + heightOf(newest)).toBe(VIEWPORT);
    expect(articles().length).toBeGreaterThan(3);
    expect(articles().length).toBeLessThan(40);
    expect(core.callsOf("older_messages")).toHaveLength(0);
  });

  it("fetches older pages as the reader scrolls up, keeping what is on screen in place, up to the first message", async () => {
    await start();
    await openLong();
    const fake = layout as FakeLayout;
    const oldest = article(TOTAL - OPEN_PAGE + 1);
    expect(oldest).toBeNull(); // loaded, but far from the viewport: not in the DOM
    fake.scrollTo(0);
    const top = article(TOTAL - OPEN_PAGE + 1) as HTMLElement;
    expect(onScreen(top)).toBe(true);
    const before = fake.viewportTopOf(top);
    await settleFake();
    expect(core.callsOf("older_messages")[0]?.args).toEqual({ conversationId: 1, beforeId: TOTAL - OPEN_PAGE + 1, limit: MESSAGE_PAGE });
    expect(article(TOTAL - OPEN_PAGE + 1)).toBe(top);
    expect(fake.viewportTopOf(top)).toBe(before);
    expect(log().scrollTop).toBeGreaterThan(0);

    let rounds = 0;
    while (article(1) === null && rounds < 200) {
      fake.scrollTo(0);
      await settleFake();
      expect(articles().length).toBeLessThan(40);
      rounds += 1;
    }
    const first = article(1) as HTMLElement;
    expect(first).not.toBeNull();
    fake.scrollTo(0);
    await settleFake();
    expect(fake.viewportTopOf(first)).toBe(0);
    expect(first.textContent).toContain("Line 0 of message 1.");
    expect(core.callsOf("older_messages")).toHaveLength(TOTAL / MESSAGE_PAGE - 1);
  }, 60_000); // 49 pages, each rendered as markdown in jsdom

  it("keeps Copy buttons working and does not render a message twice when scrolled away and back", async () => {
    await start();
    await openLong();
    const fake = layout as FakeLayout;
    const writes: string[] = [];
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: async (text: string) => void writes.push(text) },
    });
    const withCode = article(TOTAL) as HTMLElement;
    for (let i = 0; i < 5; i++) {
      fake.scrollTo(0);
      await settleFake();
    }
    expect(article(TOTAL)).toBeNull();
    const hits = markdownCacheHits();
    fake.scrollTo(fake.maxScroll);
    expect(article(TOTAL)).toBe(withCode);
    expect(markdownCacheHits()).toBe(hits); // the very element came back: nothing rendered again
    (withCode.querySelector(".md-code-copy") as HTMLButtonElement).click();
    await settleFake();
    expect(writes).toEqual([`console.log(${TOTAL});`]);
    delete (navigator as unknown as Record<string, unknown>)["clipboard"];
  });

  it("follows a streaming reply at the bottom, and leaves a reader who scrolled up where they are", async () => {
    await start();
    await openLong();
    const fake = layout as FakeLayout;
    let emit: (event: StreamEvent) => void = () => undefined;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      return { conversation_id: 1, user_message_id: TOTAL + 1, assistant_message_id: TOTAL + 2 };
    });
    const box = get("textbox", "Message");
    type(box, "One more question");
    press(box, "Enter");
    await settleFake();
    const reply = article(TOTAL + 2) as HTMLElement;
    expect(reply).not.toBeNull();
    for (let i = 0; i < 10; i++) {
      emit({ type: "delta", content: `Paragraph ${i} of a long streamed answer that keeps going.\n\n`, reasoning: "" });
      await settleFake();
      expect(log().scrollTop).toBe(fake.maxScroll);
    }
    fake.scrollTo(log().scrollTop - 900);
    const shown = articles().find(onScreen) as HTMLElement;
    const at = fake.viewportTopOf(shown);
    for (let i = 10; i < 20; i++) {
      emit({ type: "delta", content: `Paragraph ${i} of a long streamed answer that keeps going.\n\n`, reasoning: "" });
      await settleFake();
    }
    expect(fake.viewportTopOf(shown)).toBe(at);
    expect(log().scrollTop).toBeLessThan(fake.maxScroll);
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settleFake();
    expect(reply.dataset["status"]).toBe("complete");
    expect(articles().length).toBeLessThan(40);
  });

  it("opens a search result deep inside around its message, highlighted, and loads newer pages below it", async () => {
    core.on("search_messages", (): SearchHit[] => [{
      message_id: 1234, conversation_id: 1, conversation_title: "Five thousand", role: "assistant",
      model: "openai/gpt-4o-mini", created_at: 1234, snippet: [{ text: "message 1234", hit: true }],
    }]);
    await start();
    const fake = layout as FakeLayout;
    press(document.body, "k", { ctrlKey: true });
    type(get("combobox", "Search messages"), "1234");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    await settleFake();
    press(get("combobox", "Search messages"), "Enter");
    await settleFake();
    expect(core.callsOf("get_conversation").at(-1)?.args).toEqual({ id: 1, around: 1234 });
    const found = article(1234) as HTMLElement;
    expect(found.classList.contains("found")).toBe(true);
    expect(document.activeElement).toBe(found);
    const middle = fake.viewportTopOf(found) + heightOf(found) / 2;
    expect(Math.abs(middle - VIEWPORT / 2)).toBeLessThan(1);
    expect(articles().length).toBeLessThan(40);
    expect(core.callsOf("older_messages")).toHaveLength(0);
    expect(core.callsOf("newer_messages")).toHaveLength(0);

    fake.scrollTo(fake.maxScroll);
    await settleFake();
    expect(core.callsOf("newer_messages")[0]?.args).toEqual({ conversationId: 1, afterId: 1234 + AROUND, limit: MESSAGE_PAGE });
    fake.scrollTo(0);
    await settleFake();
    expect(core.callsOf("older_messages")[0]?.args).toEqual({ conversationId: 1, beforeId: 1234 - AROUND, limit: MESSAGE_PAGE });
    await vi.advanceTimersByTimeAsync(3000);
    expect(found.classList.contains("found")).toBe(false);

    // Sending from the middle goes back to the newest page first, so the turn lands after the last message.
    core.on("send_message", () => ({ conversation_id: 1, user_message_id: TOTAL + 1, assistant_message_id: TOTAL + 2 }));
    const box = get("textbox", "Message");
    type(box, "Back to the end");
    press(box, "Enter");
    await settleFake();
    expect(core.callsOf("get_conversation").at(-1)?.args).toEqual({ id: 1 });
    expect(article(TOTAL)).not.toBeNull();
    expect(article(TOTAL + 2)).not.toBeNull();
    expect(log().scrollTop).toBe(fake.maxScroll);
  });

  it("jumps to a message already loaded without fetching again, and opens at the newest when the result's message is gone", async () => {
    core.on("search_messages", (): SearchHit[] => [{
      message_id: TOTAL - 60, conversation_id: 1, conversation_title: "Five thousand", role: "user",
      model: null, created_at: 1, snippet: [{ text: "x", hit: true }],
    }]);
    await start();
    await openLong();
    const calls = core.callsOf("get_conversation").length;
    press(document.body, "k", { ctrlKey: true });
    type(get("combobox", "Search messages"), "x");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    await settleFake();
    press(get("combobox", "Search messages"), "Enter");
    await settleFake();
    expect(core.callsOf("get_conversation")).toHaveLength(calls);
    const found = article(TOTAL - 60) as HTMLElement;
    expect(found.classList.contains("found")).toBe(true);
    expect(onScreen(found)).toBe(true);

    // A result whose message was deleted since: the conversation opens anyway, with a plain note.
    get("button", "Short").click();
    await settleFake();
    const getConversation = core.callsOf("get_conversation").length;
    core.on("get_conversation", (args) => {
      if (args["around"] !== undefined) throw { kind: "invalid_input", message: "That message is no longer in this conversation." };
      return { conversation: conversation(1, "Five thousand", 10), messages: stored.slice(-OPEN_PAGE), has_older: true, has_newer: false };
    });
    core.on("search_messages", (): SearchHit[] => [{
      message_id: 77, conversation_id: 1, conversation_title: "Five thousand", role: "user",
      model: null, created_at: 1, snippet: [{ text: "y", hit: true }],
    }]);
    press(document.body, "k", { ctrlKey: true });
    type(get("combobox", "Search messages"), "y");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    await settleFake();
    press(get("combobox", "Search messages"), "Enter");
    await settleFake();
    expect(core.callsOf("get_conversation").slice(getConversation).map((c) => c.args)).toEqual([{ id: 1, around: 77 }, { id: 1 }]);
    expect(article(TOTAL)).not.toBeNull();
    expect(get("alert").textContent).toContain("no longer in this conversation");
  });
});
