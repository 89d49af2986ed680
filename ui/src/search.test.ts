// The search dialog through the real screen: shortcuts, results as you type (debounced, stale answers
// dropped), matched words in <mark> and never HTML, the filters sent to the core, opening a result.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SearchHit, SearchQuery } from "./api";
import { startApp } from "./app";
import { deferred, settleFake, type FakeCore } from "./test/fake-core";
import { conversation, historyCore, type HistoryCore } from "./test/history-core";
import { all, choose, get, press, type } from "./test/queries";
import { SEARCH_DEBOUNCE_MS } from "./views/search";

let history: HistoryCore;
let core: FakeCore;

function hit(partial: Partial<SearchHit> & Pick<SearchHit, "message_id" | "conversation_id">): SearchHit {
  return {
    conversation_title: "Trip planning",
    role: "assistant",
    model: "openai/gpt-4o-mini",
    created_at: new Date(2025, 2, 12, 15, 30).getTime(),
    snippet: [{ text: "plain", hit: false }],
    ...partial,
  };
}

function queries(): SearchQuery[] {
  return core.callsOf("search_messages").map((call) => call.args["query"] as SearchQuery);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  document.body.replaceChildren();
  history = historyCore([
    conversation(1, "Trip planning", 10, { starred: true }),
    conversation(2, "Rust help", 20, { model: "google/gemini-2.5-flash" }),
  ]);
  core = history.core;
});

afterEach(() => {
  vi.useRealTimers();
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

async function start(): Promise<void> {
  await startApp();
  await settleFake();
}

function ctrl(key: string, init: KeyboardEventInit = { ctrlKey: true }): void {
  press(document.body, key, init);
}

async function typeAndWait(text: string): Promise<void> {
  type(get("combobox", "Search messages"), text);
  await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
  await settleFake();
}

describe("opening the search", () => {
  it("opens with Ctrl+K, Cmd+F and the sidebar's Search button, with a hint and no call", async () => {
    await start();
    ctrl("k");
    const dialog = get("dialog", "Search conversations");
    const input = get("combobox", "Search messages");
    expect(document.activeElement).toBe(input);
    await settleFake();
    expect(get("status").textContent).toContain("Type to search every message");
    expect(core.callsOf("search_messages")).toHaveLength(0);
    press(input, "Escape");
    expect(dialog.isConnected).toBe(false);

    const cmdF = new KeyboardEvent("keydown", { key: "f", metaKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(cmdF);
    expect(cmdF.defaultPrevented).toBe(true);
    expect(get("dialog", "Search conversations")).toBeTruthy();
    press(get("combobox", "Search messages"), "Escape");

    get("button", "Search").click();
    expect(get("dialog", "Search conversations")).toBeTruthy();
    // Pressed again while open: still one dialog, keyboard back in the box.
    ctrl("K");
    expect(all("dialog", "Search conversations")).toHaveLength(1);
  });

  it("offers the filters: models seen in the list, From/To dates, Only starred, Best match/Newest", async () => {
    await start();
    ctrl("k");
    const model = get("combobox", "Model") as HTMLSelectElement;
    expect(Array.from(model.options).map((o) => [o.value, o.textContent])).toEqual([
      ["", "Any model"],
      ["google/gemini-2.5-flash", "Google: Gemini 2.5 Flash"],
      ["openai/gpt-4o-mini", "OpenAI: GPT-4o-mini"],
    ]);
    expect((get("textbox", "From") as HTMLInputElement).type).toBe("date");
    expect((get("textbox", "To") as HTMLInputElement).type).toBe("date");
    expect((get("checkbox", "Only starred") as HTMLInputElement).checked).toBe(false);
    const order = get("combobox", "Order") as HTMLSelectElement;
    expect(Array.from(order.options).map((o) => o.textContent)).toEqual(["Best match", "Newest"]);
  });
});

describe("results as you type", () => {
  it("waits for a pause in typing and asks once, with the latest text", async () => {
    await start();
    ctrl("k");
    await settleFake();
    const input = get("combobox", "Search messages");
    type(input, "l");
    await vi.advanceTimersByTimeAsync(100);
    type(input, "li");
    await vi.advanceTimersByTimeAsync(100);
    type(input, "lis");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(core.callsOf("search_messages")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await settleFake();
    expect(queries().map((q) => q.text)).toEqual(["lis"]);
  });

  it("drops an answer that arrives after a newer question", async () => {
    const slow = deferred<SearchHit[]>();
    core.on("search_messages", (args) =>
      (args["query"] as SearchQuery).text === "old"
        ? slow.promise
        : [hit({ message_id: 22, conversation_id: 2, conversation_title: "Rust help", snippet: [{ text: "new", hit: true }] })],
    );
    await start();
    ctrl("k");
    await typeAndWait("old");
    await typeAndWait("new");
    expect(all("option").map((o) => o.dataset["messageId"])).toEqual(["22"]);
    slow.resolve([hit({ message_id: 11, conversation_id: 1, snippet: [{ text: "old", hit: true }] })]);
    await settleFake();
    expect(all("option").map((o) => o.dataset["messageId"])).toEqual(["22"]);
    expect(get("status").textContent).toBe("1 message");
  });

  it("clearing the box shows the hint and a late answer does not bring results back", async () => {
    const slow = deferred<SearchHit[]>();
    core.on("search_messages", () => slow.promise);
    await start();
    ctrl("k");
    await typeAndWait("trip");
    await typeAndWait("   ");
    slow.resolve([hit({ message_id: 11, conversation_id: 1 })]);
    await settleFake();
    expect(all("option")).toHaveLength(0);
    expect(get("status").textContent).toContain("Type to search");
    expect(queries()).toHaveLength(1);
  });

  it("says so when nothing matches", async () => {
    await start();
    ctrl("k");
    await typeAndWait("zebra");
    expect(get("status").textContent).toBe("No messages match \u201czebra\u201d.");
    expect(all("option")).toHaveLength(0);
  });

  it("shows a failed search's reason", async () => {
    core.on("search_messages", () => {
      throw { kind: "storage", message: "The history file could not be read." };
    });
    await start();
    ctrl("k");
    await typeAndWait("trip");
    expect(get("status").textContent).toBe("Search failed. The history file could not be read.");
  });
});

describe("a result", () => {
  it("shows title, date, model and the snippet with the matched words in <mark>, never as HTML", async () => {
    core.on("search_messages", () => [
      hit({
        message_id: 12,
        conversation_id: 1,
        conversation_title: "Trip <i>planning</i>",
        snippet: [
          { text: "\u2026before <img src=x onerror=alert(1)> the ", hit: false },
          { text: "Lisbon", hit: true },
          { text: " plan and ", hit: false },
          { text: "<b>lisbon</b>", hit: true },
          { text: "\u2026", hit: false },
        ],
      }),
      hit({ message_id: 21, conversation_id: 2, conversation_title: "Rust help", role: "user", model: null, snippet: [{ text: "Lisbon?", hit: true }] }),
    ]);
    await start();
    ctrl("k");
    await typeAndWait("lisbon");
    const [first, second] = all("option");
    expect(first?.querySelector(".search-result-title")?.textContent).toBe("Trip <i>planning</i>");
    expect(first?.querySelector(".search-result-meta")?.textContent).toBe("Mar 12, 2025 \u00b7 OpenAI: GPT-4o-mini");
    expect(Array.from(first?.querySelectorAll("mark") ?? []).map((m) => m.textContent)).toEqual(["Lisbon", "<b>lisbon</b>"]);
    expect(first?.querySelector(".search-result-snippet")?.textContent).toBe(
      "\u2026before <img src=x onerror=alert(1)> the Lisbon plan and <b>lisbon</b>\u2026",
    );
    const dialog = get("dialog", "Search conversations");
    expect(dialog.querySelector("img, b, i, script")).toBeNull();
    expect(second?.querySelector(".search-result-meta")?.textContent).toBe("Mar 12, 2025 \u00b7 You");
    expect(get("status").textContent).toBe("2 messages");
  });

  it("Enter opens the highlighted result: the conversation, scrolled to the message, briefly marked", async () => {
    core.on("search_messages", () => [
      hit({ message_id: 12, conversation_id: 1 }),
      hit({ message_id: 21, conversation_id: 2, conversation_title: "Rust help" }),
    ]);
    await start();
    ctrl("k");
    await typeAndWait("answer");
    const input = get("combobox", "Search messages");
    expect(all("option")[0]?.getAttribute("aria-selected")).toBe("true");
    press(input, "ArrowDown");
    expect(all("option")[1]?.getAttribute("aria-selected")).toBe("true");
    expect(input.getAttribute("aria-activedescendant")).toBe(all("option")[1]?.id);
    press(input, "Enter");
    await settleFake();
    expect(all("dialog")).toHaveLength(0);
    expect(core.callsOf("get_conversation").at(-1)?.args).toEqual({ id: 2, around: 21 });
    expect(get("heading", "Rust help")).toBeTruthy();
    const found = document.querySelector<HTMLElement>('article[data-message-id="21"]');
    expect(found?.classList.contains("found")).toBe(true);
    expect(document.activeElement).toBe(found);
    expect(get("button", "Rust help").getAttribute("aria-current")).toBe("page");
    await vi.advanceTimersByTimeAsync(3000);
    expect(found?.classList.contains("found")).toBe(false);
  });

  it("a click opens a result too", async () => {
    core.on("search_messages", () => [hit({ message_id: 12, conversation_id: 1 })]);
    await start();
    ctrl("k");
    await typeAndWait("question");
    all("option")[0]?.click();
    await settleFake();
    expect(all("dialog")).toHaveLength(0);
    expect(document.querySelector('article[data-message-id="12"]')?.classList.contains("found")).toBe(true);
  });

  it("Enter pressed before the answer opens the best result once it arrives", async () => {
    core.on("search_messages", () => [hit({ message_id: 12, conversation_id: 1 })]);
    await start();
    ctrl("k");
    const input = get("combobox", "Search messages");
    type(input, "question");
    press(input, "Enter");
    await settleFake();
    expect(core.callsOf("search_messages")).toHaveLength(1);
    expect(all("dialog")).toHaveLength(0);
    expect(document.querySelector('article[data-message-id="12"]')?.classList.contains("found")).toBe(true);
  });
});

describe("filters", () => {
  it("sends model, date range (local days, To inclusive), only starred and order in the query", async () => {
    await start();
    ctrl("k");
    await typeAndWait("  \"exact phrase\" rust*  ");
    expect(queries()[0]).toEqual({
      text: "\"exact phrase\" rust*",
      model: null,
      from_ms: null,
      to_ms: null,
      starred_only: false,
      order: "relevance",
      limit: 50,
    });
    choose(get("combobox", "Model"), "google/gemini-2.5-flash");
    choose(get("textbox", "From"), "2025-03-01");
    choose(get("textbox", "To"), "2025-03-31");
    choose(get("checkbox", "Only starred"), true);
    choose(get("combobox", "Order"), "newest");
    await settleFake();
    expect(queries().at(-1)).toEqual({
      text: "\"exact phrase\" rust*",
      model: "google/gemini-2.5-flash",
      from_ms: new Date(2025, 2, 1).getTime(),
      to_ms: new Date(2025, 3, 1).getTime(),
      starred_only: true,
      order: "newest",
      limit: 50,
    });
  });

  it("remembers the text and filters when opened again", async () => {
    await start();
    ctrl("k");
    await typeAndWait("rust");
    choose(get("combobox", "Order"), "newest");
    await settleFake();
    press(get("combobox", "Search messages"), "Escape");
    ctrl("k");
    await settleFake();
    expect((get("combobox", "Search messages") as HTMLInputElement).value).toBe("rust");
    expect((get("combobox", "Order") as HTMLSelectElement).value).toBe("newest");
    expect(queries().at(-1)?.order).toBe("newest");
  });
});
