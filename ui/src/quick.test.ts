// The quick-prompt window (quick.html) against the fake core: startup with and without a key, sending and
// streaming, Stop, Esc, opening in the main window, follow-ups, the fresh start on each showing, copying,
// attachments, hostile replies, errors, the focus benchmark's timestamps, and that the page calls nothing
// outside the quick window's capability.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Attachment, QuickStatus, StreamEvent, TurnStarted, Usage, UserError } from "./api";
import { deferred, FakeCore, settle } from "./test/fake-core";
import { all, choose, get, press, type } from "./test/queries";
import { answerText, LINKS_TEXT, NO_KEY_TEXT, startQuick, type QuickPage } from "./views/quick";

/** capabilities/quick-window.json: the only commands the quick window may call. */
const ALLOWED = new Set([
  "quick_status", "quick_send", "quick_retry", "quick_stop", "read_attachment", "copy_text", "quick_hide", "open_in_main",
]);
/** Every command the page called in any test of this file. */
const invoked = new Set<string>();

let core: FakeCore;
let page: QuickPage | null = null;
let status: QuickStatus;

const TURN: TurnStarted = { conversation_id: 7, user_message_id: 70, assistant_message_id: 71 };

function usage(partial: Partial<Usage> = {}): Usage {
  return { prompt_tokens: 12, completion_tokens: 9, reasoning_tokens: null, cached_tokens: null, cost_usd: 0.0000368, cost_nanos: 36_800, cost_source: "stream", ...partial };
}

function done(partial: Partial<Extract<StreamEvent, { type: "done" }>> = {}): StreamEvent {
  return { type: "done", status: "complete", finish_reason: "stop", error: null, ...partial };
}

function delta(content: string): StreamEvent {
  return { type: "delta", content, reasoning: "" };
}

beforeEach(() => {
  document.body.replaceChildren();
  status = { has_key: true, model: "openai/gpt-4o-mini", attach: "off", selection_supported: true, shortcut: "Ctrl+Shift+Space", theme: "system" };
  core = new FakeCore().install();
  core
    .on("quick_status", () => ({ ...status }))
    .on("quick_hide", () => null)
    .on("open_in_main", () => null)
    .on("quick_stop", () => null)
    .on("copy_text", () => null);
});

afterEach(() => {
  for (const call of core.calls) invoked.add(call.command);
  page?.dispose();
  page = null;
  delete (document as unknown as { visibilityState?: unknown }).visibilityState;
});

async function start(partial: Partial<QuickStatus> = {}, mac = false): Promise<void> {
  status = { ...status, ...partial };
  const root = document.createElement("div");
  document.body.append(root);
  page = startQuick(root, { mac });
  await settle();
}

function input(): HTMLTextAreaElement {
  return get("textbox", "Quick prompt") as HTMLTextAreaElement;
}

/** Types `text` and presses Enter; quick_send answers `turn` and the returned function streams its reply. */
async function send(text: string, turn: TurnStarted = TURN): Promise<(event: StreamEvent) => void> {
  let emit: ((event: StreamEvent) => void) | undefined;
  core.on("quick_send", (args) => {
    emit = core.channelOf(args);
    return turn;
  });
  type(input(), text);
  press(input(), "Enter");
  await settle();
  return (event) => {
    if (!emit) throw new Error("quick_send was not called");
    emit(event);
  };
}

function replies(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('article[data-role="assistant"]'));
}

function userTexts(): string[] {
  return Array.from(document.querySelectorAll(".quick-log .user-text")).map((node) => node.textContent ?? "");
}

function answer(article: HTMLElement | undefined): string {
  return (article?.querySelector(".answer")?.textContent ?? "").trim();
}

function meta(article: HTMLElement | undefined): string {
  return article?.querySelector(".message-meta")?.textContent ?? "";
}

/** The reply's own Copy buttons (code blocks have a "Copy" of their own). */
function turnButton(name: "Copy" | "Copy markdown", reply: HTMLElement | undefined = replies().at(-1)): HTMLButtonElement {
  const found = Array.from(reply?.closest(".quick-reply")?.querySelectorAll<HTMLButtonElement>(".quick-turn-actions button") ?? [])
    .filter((node) => node.textContent === name && !node.closest("[hidden]"));
  if (found.length !== 1) throw new Error(`expected one ${name} button, found ${found.length}`);
  return found[0] as HTMLButtonElement;
}

function preview(): string {
  return document.querySelector(".quick-attachment")?.textContent ?? "";
}

function attachSelect(): HTMLSelectElement {
  return get("combobox", "Attach") as HTMLSelectElement;
}

function setVisibility(state: "hidden" | "visible"): void {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

function sendArgs(index = 0): Record<string, unknown> {
  const call = core.callsOf("quick_send")[index];
  if (!call) throw new Error(`no quick_send #${index}`);
  const { onEvent: _channel, ...rest } = call.args;
  return rest;
}

describe("startup", () => {
  it("asks for the status, shows the model and the hint, and focuses the prompt", async () => {
    await start();
    expect(core.calls.map((call) => call.command)).toEqual(["quick_status"]);
    expect(document.querySelector(".quick-model")?.textContent).toBe("Model: openai/gpt-4o-mini");
    expect(document.querySelector(".quick-hint")?.textContent).toBe("Enter to send · Esc to hide · Ctrl+Enter opens in the main window");
    expect(document.activeElement).toBe(input());
    expect(input().getAttribute("aria-describedby")).toBe(document.querySelector(".quick-hint")?.id);
    expect(all("main")).toHaveLength(0); // <main> has no implicit role in queries.ts: look it up directly
    expect(document.querySelectorAll("main.quick")).toHaveLength(1);
    expect(get("button", "Send").hasAttribute("disabled")).toBe(false);
    expect(document.querySelector<HTMLElement>(".quick-notice")?.hidden).toBe(true);
    expect(Array.from(attachSelect().options).map((option) => option.text)).toEqual(["Off", "Selection", "Clipboard"]);
    expect(attachSelect().value).toBe("off");
    expect(all("button", "Open in main window")).toHaveLength(0);
    expect(document.querySelector(".quick-log")?.getAttribute("aria-live")).toBe("polite");
  });

  it("says Cmd on macOS", async () => {
    await start({}, true);
    expect(document.querySelector(".quick-hint")?.textContent).toBe("Enter to send · Esc to hide · Cmd+Enter opens in the main window");
  });

  it("without a key says to add one in the main window and does not send", async () => {
    await start({ has_key: false, attach: "clipboard" });
    const notice = document.querySelector<HTMLElement>(".quick-notice");
    expect(notice?.hidden).toBe(false);
    expect(notice?.textContent).toBe(NO_KEY_TEXT);
    expect(NO_KEY_TEXT).toBe("Add your OpenRouter key in the main window first (open it from the tray).");
    expect((get("button", "Send") as HTMLButtonElement).disabled).toBe(true);
    expect(attachSelect().disabled).toBe(true);
    type(input(), "Hello");
    press(input(), "Enter");
    await settle();
    expect(core.callsOf("quick_send")).toHaveLength(0);
    expect(core.callsOf("read_attachment")).toHaveLength(0);
    expect(input().value).toBe("Hello");
  });

  it("leaves out Selection where the system has none", async () => {
    await start({ selection_supported: false, attach: "selection" });
    expect(Array.from(attachSelect().options).map((option) => option.text)).toEqual(["Off", "Clipboard"]);
    expect(attachSelect().value).toBe("off");
    expect(core.callsOf("read_attachment")).toHaveLength(0);
  });

  it("takes the theme chosen in Settings, again at each showing", async () => {
    await start({ theme: "dark" });
    expect(document.documentElement.dataset["theme"]).toBe("dark");
    status = { ...status, theme: "light" };
    setVisibility("hidden");
    setVisibility("visible");
    await settle();
    expect(document.documentElement.dataset["theme"]).toBe("light");
  });

  it("shows a failed status as a banner", async () => {
    core.on("quick_status", () => {
      throw { kind: "storage", message: "The settings could not be read." };
    });
    await start();
    expect(get("alert").querySelector(".banner-message")?.textContent).toBe("The settings could not be read.");
  });
});

describe("sending", () => {
  it("streams the answer under the question and ends with the cost line", async () => {
    await start();
    const emit = await send("What is 2+2?");
    expect(sendArgs()).toEqual({ conversationId: null, text: "What is 2+2?", attachment: null });
    expect(userTexts()).toEqual(["What is 2+2?"]);
    expect(input().value).toBe("");
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.dataset["messageId"]).toBe("71");
    expect(replies()[0]?.getAttribute("aria-busy")).toBe("true");
    expect(replies()[0]?.querySelector(".message-status")?.textContent).toBe("Waiting for a reply…");
    expect(all("button", "Copy")).toHaveLength(0);

    emit({ type: "meta", model: "openai/gpt-4o-mini", provider: "OpenAI" });
    emit(delta("It is "));
    emit(delta("**4**."));
    emit({ type: "usage", usage: usage() });
    emit(done({ timing: { first_token_ms: 400, duration_ms: 1400 } }));
    await settle();

    const reply = replies()[0];
    expect(answer(reply)).toBe("It is 4.");
    expect(reply?.querySelector(".answer strong")?.textContent).toBe("4");
    expect(reply?.dataset["status"]).toBe("complete");
    expect(reply?.hasAttribute("aria-busy")).toBe(false);
    expect(meta(reply)).toBe("openai/gpt-4o-mini · OpenAI · 12 in / 9 out tokens · $0.0000368 · 0.4 s to first token · 9 tok/s");
    expect(all("button", "Copy")).toHaveLength(1);
    expect(all("button", "Copy markdown")).toHaveLength(1);
    expect(get("button", "Open in main window")).toBeTruthy();
  });

  it("keeps a second Enter from sending twice while a reply streams", async () => {
    await start();
    await send("One");
    type(input(), "Two");
    press(input(), "Enter");
    await settle();
    expect(core.callsOf("quick_send")).toHaveLength(1);
    expect(input().value).toBe("Two");
  });

  it("Shift+Enter does not send", async () => {
    await start();
    core.on("quick_send", () => TURN);
    type(input(), "line one");
    press(input(), "Enter", { shiftKey: true });
    await settle();
    expect(core.callsOf("quick_send")).toHaveLength(0);
  });

  it("a follow-up goes to the conversation the first send returned", async () => {
    await start();
    const first = await send("First");
    first(delta("One."));
    first(done());
    await settle();
    const second = await send("Second", { conversation_id: 7, user_message_id: 72, assistant_message_id: 73 });
    second(delta("Two."));
    second(done());
    await settle();
    expect(sendArgs(1)).toEqual({ conversationId: 7, text: "Second", attachment: null });
    expect(userTexts()).toEqual(["First", "Second"]);
    expect(replies().map(answer)).toEqual(["One.", "Two."]);
  });

  it("a rejected send shows a banner and keeps the typed text", async () => {
    await start();
    let fail = true;
    core.on("quick_send", (args) => {
      if (fail) throw { kind: "offline", message: "Could not reach OpenRouter. Check your internet connection.", action: { kind: "retry", label: "Try again" } };
      core.channelOf(args)(delta("Back."));
      return TURN;
    });
    type(input(), "Are you there?");
    press(input(), "Enter");
    await settle();
    const banner = get("alert");
    expect(banner.querySelector(".banner-message")?.textContent).toBe("Could not reach OpenRouter. Check your internet connection.");
    expect(input().value).toBe("Are you there?");
    expect(userTexts()).toEqual([]);
    expect(replies()).toHaveLength(0);
    expect((get("button", "Send") as HTMLButtonElement).disabled).toBe(false);

    fail = false;
    get("button", "Try again").click();
    await settle();
    expect(core.callsOf("quick_send")).toHaveLength(2);
    expect(sendArgs(1)).toEqual({ conversationId: null, text: "Are you there?", attachment: null });
    expect(all("alert")).toHaveLength(0);
    expect(userTexts()).toEqual(["Are you there?"]);
  });

  it("a no_key rejection says to add the key in the main window", async () => {
    await start();
    core.on("quick_send", () => {
      throw { kind: "no_key", message: "Add your OpenRouter API key first." };
    });
    type(input(), "Hi");
    press(input(), "Enter");
    await settle();
    expect(document.querySelector<HTMLElement>(".quick-notice")?.hidden).toBe(false);
    expect((get("button", "Send") as HTMLButtonElement).disabled).toBe(true);
    expect(input().value).toBe("Hi");
  });
});

describe("the monthly budget", () => {
  it("at a reached budget the core asks first: Send anyway sends the same prompt again with the answer", async () => {
    await start();
    let calls = 0;
    core.on("quick_send", (args) => {
      calls += 1;
      if (calls === 1) {
        throw {
          kind: "invalid_input",
          message: "You have reached your monthly budget of $20.00 ($20.45 spent this month). Send anyway?",
          action: { kind: "send_anyway", label: "Send anyway", url: null },
        };
      }
      core.channelOf(args);
      return TURN;
    });
    type(input(), "Is it worth it?");
    press(input(), "Enter");
    await settle();
    expect(get("alert").textContent).toContain("You have reached your monthly budget of $20.00");
    expect(input().value).toBe("Is it worth it?");
    expect(sendArgs(0)).toEqual({ conversationId: null, text: "Is it worth it?", attachment: null });
    get("button", "Send anyway").click();
    await settle();
    expect(sendArgs(1)).toEqual({ conversationId: null, text: "Is it worth it?", attachment: null, sendAnyway: true });
    expect(userTexts()).toEqual(["Is it worth it?"]);
  });
});

describe("Stop, Esc and the main window", () => {
  it("Stop stops the streaming reply", async () => {
    await start();
    const emit = await send("Long story");
    emit(delta("Once upon"));
    expect(all("button", "Send")).toHaveLength(0);
    get("button", "Stop").click();
    await settle();
    expect(core.callsOf("quick_stop").map((call) => call.args)).toEqual([{ assistantMessageId: 71 }]);
    expect((get("button", "Stop") as HTMLButtonElement).disabled).toBe(true);
    emit(done({ status: "stopped", finish_reason: null }));
    await settle();
    expect(all("button", "Stop")).toHaveLength(0);
    expect(get("button", "Send")).toBeTruthy();
    expect(replies()[0]?.querySelector(".status-label")?.textContent).toBe("Stopped");
    expect(answer(replies()[0])).toBe("Once upon");
  });

  it("Stop before the core answered stops the reply once its id is known", async () => {
    await start();
    const started = deferred<TurnStarted>();
    core.on("quick_send", () => started.promise);
    type(input(), "Quick");
    press(input(), "Enter");
    await settle();
    get("button", "Stop").click();
    await settle();
    expect(core.callsOf("quick_stop")).toHaveLength(0);
    started.resolve(TURN);
    await settle();
    expect(core.callsOf("quick_stop").map((call) => call.args)).toEqual([{ assistantMessageId: 71 }]);
  });

  it("Esc hides the window, even while a reply streams (it goes on in the core)", async () => {
    await start();
    press(input(), "Escape");
    await settle();
    expect(core.callsOf("quick_hide")).toHaveLength(1);
    const emit = await send("Something");
    emit(delta("Partial"));
    press(input(), "Escape");
    await settle();
    expect(core.callsOf("quick_hide")).toHaveLength(2);
    expect(core.callsOf("quick_stop")).toHaveLength(0);
    expect(core.callsOf("quick_hide")[1]?.args).toEqual({});
  });

  it("Ctrl+Enter opens the conversation in the main window; before there is one it does nothing", async () => {
    await start();
    press(input(), "Enter", { ctrlKey: true });
    await settle();
    expect(core.callsOf("open_in_main")).toHaveLength(0);
    expect(core.callsOf("quick_send")).toHaveLength(0);

    const emit = await send("Explain");
    emit(delta("Sure."));
    // Not while the answer streams: the main window could not follow it there.
    press(input(), "Enter", { ctrlKey: true });
    await settle();
    expect(core.callsOf("open_in_main")).toHaveLength(0);
    expect((get("button", "Open in main window") as HTMLButtonElement).disabled).toBe(true);
    emit(done());
    await settle();
    press(input(), "Enter", { ctrlKey: true });
    await settle();
    expect(core.callsOf("open_in_main").map((call) => call.args)).toEqual([{ conversationId: 7 }]);
    expect(core.callsOf("quick_send")).toHaveLength(1);

    get("button", "Open in main window").click();
    await settle();
    expect(core.callsOf("open_in_main").map((call) => call.args)).toEqual([{ conversationId: 7 }, { conversationId: 7 }]);
  });

  it("on macOS it is Cmd+Enter", async () => {
    await start({}, true);
    const emit = await send("Explain");
    emit(done());
    press(input(), "Enter", { ctrlKey: true });
    await settle();
    expect(core.callsOf("open_in_main")).toHaveLength(0);
    press(input(), "Enter", { metaKey: true });
    await settle();
    expect(core.callsOf("open_in_main").map((call) => call.args)).toEqual([{ conversationId: 7 }]);
  });
});

describe("fresh start", () => {
  async function exchange(): Promise<void> {
    const emit = await send("First question");
    emit(delta("First answer."));
    emit(done());
    await settle();
  }

  it("showing the window again clears the exchange and starts a new conversation", async () => {
    await start();
    await exchange();
    setVisibility("hidden");
    setVisibility("visible");
    await settle();
    expect(userTexts()).toEqual([]);
    expect(replies()).toHaveLength(0);
    expect(all("button", "Open in main window")).toHaveLength(0);
    expect(core.callsOf("quick_status")).toHaveLength(2);
    expect(document.activeElement).toBe(input());
    const emit = await send("New question", { conversation_id: 8, user_message_id: 80, assistant_message_id: 81 });
    emit(done());
    expect(sendArgs(1)).toEqual({ conversationId: null, text: "New question", attachment: null });
  });

  it("after Esc, the next focus starts fresh even without visibility events", async () => {
    await start();
    await exchange();
    press(input(), "Escape");
    await settle();
    window.dispatchEvent(new Event("focus"));
    await settle();
    expect(replies()).toHaveLength(0);
    expect(core.callsOf("quick_status")).toHaveLength(2);
    // Being shown once starts fresh once.
    setVisibility("visible");
    await settle();
    expect(core.callsOf("quick_status")).toHaveLength(2);
  });

  it("a reply still streaming when the window shows again stays", async () => {
    await start();
    const emit = await send("Still going");
    emit(delta("Half"));
    setVisibility("hidden");
    setVisibility("visible");
    await settle();
    expect(userTexts()).toEqual(["Still going"]);
    expect(replies()).toHaveLength(1);
    expect(core.callsOf("quick_status")).toHaveLength(1);
    emit(delta(" done"));
    emit(done());
    await settle();
    expect(answer(replies()[0])).toBe("Half done");
  });

  it("New and Ctrl+N start fresh", async () => {
    await start();
    await exchange();
    get("button", "New").click();
    await settle();
    expect(replies()).toHaveLength(0);
    expect(all("button", "Open in main window")).toHaveLength(0);
    await exchange();
    expect(replies()).toHaveLength(1);
    press(input(), "n", { ctrlKey: true });
    await settle();
    expect(replies()).toHaveLength(0);
    const emit = await send("Third");
    emit(done());
    expect(core.callsOf("quick_send").map((call) => call.args["conversationId"])).toEqual([null, null, null]);
  });
});

describe("copying", () => {
  const MARKDOWN = "Hello **world**.\n\n- one\n- two\n\n```js\nlet a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

  it("Copy puts the answer's text on the clipboard and Copy markdown the markdown as streamed", async () => {
    await start();
    const emit = await send("Format it");
    emit({ type: "meta", model: "openai/gpt-4o-mini", provider: "OpenAI" });
    for (const piece of ["Hello **wor", "ld**.\n\n- one\n- t", "wo\n\n```js\nlet a", " = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"]) emit(delta(piece));
    emit({ type: "usage", usage: usage() });
    emit(done());
    await settle();

    turnButton("Copy").click();
    await settle();
    expect(core.callsOf("copy_text").map((call) => call.args)).toEqual([{ text: "Hello world.\n\n• one\n• two\n\nlet a = 1;\n\na\tb\n1\t2" }]);
    expect(get("status", "Copied")).toBeTruthy();

    turnButton("Copy markdown").click();
    await settle();
    expect(core.callsOf("copy_text")[1]?.args).toEqual({ text: MARKDOWN });
  });

  it("answerText numbers ordered lists, keeps line breaks and leaves out code toolbars", () => {
    const root = document.createElement("div");
    root.innerHTML =
      '<div class="md-block"><h2>Title</h2></div><div class="md-block"><ol start="3"><li>three</li><li>four <em>x</em></li></ol></div>' +
      '<div class="md-block"><p>a<br>b   c</p></div><div class="md-block"><div class="md-code"><div class="md-code-bar"><span>js</span><button>Copy</button></div><pre><code>  x\n  y\n</code></pre></div></div>';
    expect(answerText(root)).toBe("Title\n\n3. three\n4. four x\n\na\nb c\n\n  x\n  y");
  });
});

describe("attachments", () => {
  function attachment(partial: Partial<Attachment> = {}): Attachment {
    return { kind: "selection", text: "x".repeat(1234), truncated: false, ...partial };
  }

  it("reads the default attachment at startup and shows a preview", async () => {
    const text = `${"word ".repeat(40)}\n${"a".repeat(1034)}`;
    core.on("read_attachment", () => attachment({ text }));
    await start({ attach: "selection" });
    expect(core.callsOf("read_attachment").map((call) => call.args)).toEqual([{ kind: "selection" }]);
    expect(attachSelect().value).toBe("selection");
    const shown = document.querySelector(".quick-attachment-text")?.textContent ?? "";
    expect(shown).toBe(`${"word ".repeat(32).trimEnd()}…`);
    expect(Array.from(shown.slice(0, -1))).toHaveLength(159);
    expect(document.querySelector(".quick-attachment-size")?.textContent).toBe("1,235 characters");
    expect(get("button", "Drop attachment")).toBeTruthy();
  });

  it("says when the text was cut", async () => {
    core.on("read_attachment", () => attachment({ kind: "clipboard", text: "short", truncated: true }));
    await start({ attach: "clipboard" });
    expect(document.querySelector(".quick-attachment-text")?.textContent).toBe("short");
    expect(document.querySelector(".quick-attachment-size")?.textContent).toBe("5 characters (cut to 32 KB)");
  });

  it("shows why nothing could be read in place of the preview", async () => {
    core.on("read_attachment", () => {
      throw { kind: "invalid_input", message: "Nothing is selected." };
    });
    await start({ attach: "selection" });
    expect(preview()).toBe("Nothing is selected.×");
    expect(document.querySelector(".quick-attachment-error")?.textContent).toBe("Nothing is selected.");
    const emit = await send("No context");
    emit(done());
    expect(sendArgs()).toEqual({ conversationId: null, text: "No context", attachment: null });
  });

  it("reads only when asked: switching the toggle reads then; Off and × drop it", async () => {
    core.on("read_attachment", (args) => attachment({ kind: args["kind"] as Attachment["kind"], text: `the ${String(args["kind"])}` }));
    await start();
    expect(core.callsOf("read_attachment")).toHaveLength(0);
    choose(attachSelect(), "clipboard");
    await settle();
    expect(core.callsOf("read_attachment").map((call) => call.args)).toEqual([{ kind: "clipboard" }]);
    expect(document.querySelector(".quick-attachment-text")?.textContent).toBe("the clipboard");
    choose(attachSelect(), "off");
    await settle();
    expect(preview()).toBe("");
    choose(attachSelect(), "selection");
    await settle();
    expect(document.querySelector(".quick-attachment-text")?.textContent).toBe("the selection");
    get("button", "Drop attachment").click();
    expect(preview()).toBe("");
    expect(attachSelect().value).toBe("off");
    const emit = await send("Plain");
    emit(done());
    expect(sendArgs()).toEqual({ conversationId: null, text: "Plain", attachment: null });
    expect(core.callsOf("read_attachment")).toHaveLength(2);
  });

  it("goes with the next send only, then the preview clears", async () => {
    core.on("read_attachment", () => attachment({ kind: "clipboard", text: "fn main() {}" }));
    await start({ attach: "clipboard" });
    const first = await send("Explain this");
    expect(sendArgs()).toEqual({ conversationId: null, text: "Explain this", attachment: "fn main() {}" });
    expect(preview()).toBe("");
    expect(attachSelect().value).toBe("off");
    expect(document.querySelector(".quick-sent-attachment")?.textContent).toBe("With the clipboard text (12 characters)");
    first(done());
    await settle();
    const second = await send("And more");
    second(done());
    expect(sendArgs(1)).toEqual({ conversationId: 7, text: "And more", attachment: null });
    expect(core.callsOf("read_attachment")).toHaveLength(1);
  });

  it("a send waits for an attachment still being read", async () => {
    const read = deferred<Attachment>();
    core.on("read_attachment", () => read.promise);
    core.on("quick_send", () => TURN);
    await start({ attach: "clipboard" });
    expect(preview()).toBe("Reading the clipboard…");
    type(input(), "With it");
    press(input(), "Enter");
    await settle();
    expect(core.callsOf("quick_send")).toHaveLength(0);
    read.resolve(attachment({ kind: "clipboard", text: "late" }));
    await settle();
    expect(sendArgs()).toEqual({ conversationId: null, text: "With it", attachment: "late" });
  });

  it("is read again, at that moment, when the window is shown fresh", async () => {
    let n = 0;
    core.on("read_attachment", () => attachment({ kind: "clipboard", text: `clip ${++n}` }));
    await start({ attach: "clipboard" });
    const emit = await send("Use it");
    emit(done());
    await settle();
    expect(preview()).toBe("");
    setVisibility("hidden");
    setVisibility("visible");
    await settle();
    expect(core.callsOf("read_attachment")).toHaveLength(2);
    expect(document.querySelector(".quick-attachment-text")?.textContent).toBe("clip 2");
  });

  it("a window created hidden reads nothing until it is shown", async () => {
    core.on("read_attachment", () => attachment({ kind: "clipboard", text: "clip" }));
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    await start({ attach: "clipboard" });
    expect(core.callsOf("read_attachment")).toHaveLength(0);
    setVisibility("visible");
    await settle();
    expect(core.callsOf("read_attachment")).toHaveLength(1);
  });
});

describe("hostile replies and errors", () => {
  it("renders an injected image and a javascript: link inert, and links never navigate", async () => {
    await start();
    const before = window.location.href;
    const emit = await send("Be evil");
    emit(delta('<img src=x onerror=alert(1)> [click me](javascript:alert(1)) [docs](https://openrouter.ai/docs)\n\n<script>alert(2)</script>'));
    emit(done());
    await settle();
    const reply = replies()[0] as HTMLElement;
    expect(reply.querySelectorAll("img, script, iframe")).toHaveLength(0);
    const attributes = Array.from(reply.querySelectorAll("*")).flatMap((node) => Array.from(node.attributes).map((attr) => attr.name));
    expect(attributes.filter((name) => name.startsWith("on"))).toEqual([]);
    const links = Array.from(reply.querySelectorAll("a"));
    expect(links.map((link) => [link.textContent, link.getAttribute("href")])).toEqual([["click me", null], ["docs", "https://openrouter.ai/docs"]]);

    for (const link of links) {
      const click = new MouseEvent("click", { bubbles: true, cancelable: true });
      link.dispatchEvent(click);
      expect(click.defaultPrevented).toBe(true);
    }
    await settle();
    expect(window.location.href).toBe(before);
    expect(core.calls.map((call) => call.command).filter((command) => command === "open_external")).toEqual([]);
    expect(get("status", LINKS_TEXT)).toBeTruthy();
  });

  it("a 402 offers the shorter reply (quick_retry with maxTokens) but not the web page", async () => {
    await start();
    const emit = await send("Write a novel");
    const error: UserError = {
      kind: "no_credits",
      message: "Your credits do not cover this reply.",
      action: { kind: "retry_shorter", label: "Try a shorter reply (up to 2,666 tokens)", url: null, max_tokens: 2666 },
      second_action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" },
      retry_after_secs: null,
    };
    emit(done({ status: "error", finish_reason: null, error }));
    await settle();
    expect(all("button", "Add credits")).toHaveLength(0);
    expect(replies()[0]?.querySelector(".status-error")?.textContent).toBe("Your credits do not cover this reply.");
    let retried: ((event: StreamEvent) => void) | undefined;
    core.on("quick_retry", (args) => {
      retried = core.channelOf(args);
      return { conversation_id: 7, user_message_id: 70, assistant_message_id: 72 };
    });
    get("button", "Try a shorter reply (up to 2,666 tokens)").click();
    await settle();
    expect(core.callsOf("quick_retry").map(({ args: { onEvent: _channel, ...rest } }) => rest)).toEqual([{ assistantMessageId: 71, maxTokens: 2666 }]);
    retried?.(delta("A short novel."));
    retried?.(done());
    await settle();
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.dataset["messageId"]).toBe("72");
    expect(answer(replies()[0])).toBe("A short novel.");
  });

  it("Retry on a failed reply asks quick_retry for it", async () => {
    await start();
    const emit = await send("Try");
    emit(done({ status: "error", finish_reason: null, error: { kind: "provider_down", message: "The provider is down.", action: null, retry_after_secs: null } }));
    await settle();
    core.on("quick_retry", () => ({ conversation_id: 7, user_message_id: 70, assistant_message_id: 72 }));
    get("button", "Retry").click();
    await settle();
    expect(core.callsOf("quick_retry").map(({ args: { onEvent: _channel, ...rest } }) => rest)).toEqual([{ assistantMessageId: 71 }]);
    expect(get("button", "Stop")).toBeTruthy();
  });

  it("a rejected key's action says to add the key in the main window", async () => {
    await start();
    const emit = await send("Hi");
    emit(done({
      status: "error", finish_reason: null,
      error: { kind: "unauthorized", message: "OpenRouter did not accept your API key.", action: { kind: "enter_key", label: "Enter a new key" }, retry_after_secs: null },
    }));
    await settle();
    expect(document.querySelector<HTMLElement>(".quick-notice")?.hidden).toBe(true);
    get("button", "Enter a new key").click();
    expect(document.querySelector<HTMLElement>(".quick-notice")?.hidden).toBe(false);
    expect(document.querySelector(".quick-notice")?.textContent).toBe(NO_KEY_TEXT);
  });
});

describe("focus", () => {
  it("records when the prompt gets focus while the window has it, and refocuses it on window focus", async () => {
    await start();
    expect(Array.isArray(window.__quickFocusTimes)).toBe(true);
    get("button", "New").focus();
    window.__quickFocusTimes = [];
    const from = performance.timeOrigin + performance.now();
    window.dispatchEvent(new Event("focus"));
    const to = performance.timeOrigin + performance.now();
    expect(document.activeElement).toBe(input());
    expect(window.__quickFocusTimes).toHaveLength(1);
    const at = window.__quickFocusTimes[0] as number;
    expect(at).toBeGreaterThanOrEqual(from);
    expect(at).toBeLessThanOrEqual(to);
    expect(at).toBeGreaterThan(1_600_000_000_000); // epoch ms
  });

  it("does not record focus while the document does not have it", async () => {
    await start();
    get("button", "New").focus();
    window.__quickFocusTimes = [];
    const hasFocus = document.hasFocus;
    document.hasFocus = () => false;
    try {
      input().focus();
    } finally {
      document.hasFocus = hasFocus;
    }
    expect(window.__quickFocusTimes).toEqual([]);
  });
});

describe("capability", () => {
  it("every command the page called, here and in every test above, is one the quick window may call", async () => {
    // One showing that uses all eight (so this holds when run alone too).
    core.on("read_attachment", () => ({ kind: "clipboard", text: "context", truncated: false }));
    await start({ attach: "clipboard" });
    const emit = await send("Everything");
    get("button", "Stop").click();
    emit(done({ status: "error", finish_reason: null, error: { kind: "server_error", message: "Server error.", action: null, retry_after_secs: null } }));
    await settle();
    let retried: ((event: StreamEvent) => void) | undefined;
    core.on("quick_retry", (args) => {
      retried = core.channelOf(args);
      return { conversation_id: 7, user_message_id: 70, assistant_message_id: 72 };
    });
    get("button", "Retry").click();
    await settle();
    retried?.(delta("Done."));
    retried?.(done());
    await settle();
    turnButton("Copy").click();
    press(input(), "Enter", { ctrlKey: true });
    press(input(), "Escape");
    await settle();
    for (const call of core.calls) invoked.add(call.command);
    expect([...invoked].sort()).toEqual([...ALLOWED].sort());
  });
});

afterAll(() => {
  for (const command of invoked) expect(ALLOWED.has(command), `${command} is not allowed in the quick window`).toBe(true);
});
