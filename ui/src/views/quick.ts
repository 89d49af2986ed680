// The quick-prompt window (quick.html): a small always-on-top window the global shortcut or the tray opens.
// Ask, read the streamed answer, copy it, hide. Each showing starts a fresh quick conversation (the last one
// is in the main window's history); follow-ups stay within one showing.
//
// The window's capability allows only quick_status, quick_send, quick_retry, quick_stop, read_attachment,
// copy_text, quick_hide and open_in_main: no settings, no events, no open_external. Links in answers
// therefore do nothing here, and error actions that would open a web page are left out (the main window,
// one Ctrl+Enter away, has them).
import {
  copyText,
  openInMain,
  quickHide,
  quickRetry,
  quickSend,
  quickStatus,
  quickStop,
  readAttachment,
  toUserError,
  type Attach,
  type Attachment,
  type QuickStatus,
  type StreamEvent,
  type TurnStarted,
  type UserAction,
  type UserError,
} from "../api";
import { formatCount } from "../format";
import { applyTheme } from "../theme";
import { BannerArea } from "./alert";
import { button, el, uniqueId } from "./elements";
import { AssistantMessage, userMessageElement, type AssistantHandlers } from "./message";

declare global {
  interface Window {
    /** When the quick input got focus while the window had it (epoch ms): read by the focus benchmark. */
    __quickFocusTimes?: number[];
  }
}

export const NO_KEY_TEXT = "Add your OpenRouter key in the main window first (open it from the tray).";
export const LINKS_TEXT = "Links open from the main window.";
/** Characters of an attachment shown in its preview. */
export const PREVIEW_CHARS = 160;
const COPIED_FOR_MS = 1500;
const MAX_INPUT_PX = 120;

export interface QuickOptions {
  /** Cmd instead of Ctrl for the shortcuts (macOS). */
  mac: boolean;
}

export interface QuickPage {
  readonly element: HTMLElement;
  /** Removes the page and its window and document listeners (tests). */
  dispose(): void;
}

/** True on macOS (Cmd is the shortcut modifier there). */
export function isMacPlatform(nav: Pick<Navigator, "platform" | "userAgent"> = navigator): boolean {
  return /Mac|iPhone|iPad/i.test(nav.platform || nav.userAgent);
}

/** Builds the quick page into `root` and starts it (asks the core for its status). */
export function startQuick(root: HTMLElement, options: QuickOptions = { mac: isMacPlatform() }): QuickPage {
  const page = new QuickWindow(options);
  root.replaceChildren(page.element);
  page.start();
  return { element: page.element, dispose: () => page.dispose() };
}

/** One reply on screen, with what it streamed. */
interface Turn {
  view: AssistantMessage;
  /** The reply and its Copy buttons. */
  element: HTMLElement;
  actions: HTMLElement;
  assistantId: number | null;
  done: boolean;
  stopRequested: boolean;
  /** The answer as streamed (markdown). */
  markdown: string;
}

/** An error without the actions this window cannot do (opening a web page). */
export function quickError(reason: unknown): UserError {
  const error = toUserError(reason);
  const keep = (action: UserAction | null | undefined): UserAction | null =>
    action && action.kind !== "open_url" ? action : null;
  const action = keep(error.action);
  const second = keep(error.second_action);
  return { ...error, action: action ?? second, second_action: action === null ? null : second };
}

/** A stream event as this window shows it: errors without the actions it cannot do. */
function quickEvent(event: StreamEvent): StreamEvent {
  return event.type === "done" && event.error !== null ? { ...event, error: quickError(event.error) } : event;
}

/** "1 character", "1,234 characters". */
function characters(count: number): string {
  return count === 1 ? "1 character" : `${formatCount(count)} characters`;
}

/** The first `PREVIEW_CHARS` characters of `text` on one line. */
export function previewText(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= PREVIEW_CHARS ? line : `${chars.slice(0, PREVIEW_CHARS).join("").trimEnd()}\u2026`;
}

// ---------------------------------------------------------------------------
// The answer as plain text: what the reader sees (like innerText, which needs layout), with list markers,
// paragraphs apart, table cells tab-separated, and without the code blocks' toolbars.

type TextItem = { text: string; collapsible: boolean } | number;

const PARAGRAPH_TAGS: ReadonlySet<string> = new Set([
  "P", "H1", "H2", "H3", "H4", "H5", "H6", "PRE", "UL", "OL", "BLOCKQUOTE", "TABLE", "HR", "DL", "DETAILS",
]);
const LINE_TAGS: ReadonlySet<string> = new Set(["DIV", "LI", "TR", "DT", "DD", "SUMMARY", "THEAD", "TBODY", "TFOOT"]);

function collectText(node: Node, items: TextItem[], depth: number): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = (node.nodeValue ?? "").replace(/[ \t\n\r\f]+/g, " ");
    if (text !== "") items.push({ text, collapsible: true });
    return;
  }
  if (!(node instanceof Element)) return;
  const tag = node.tagName;
  if (tag === "BUTTON" || node.classList.contains("md-code-bar") || node.hasAttribute("hidden")) return;
  if (tag === "BR") {
    items.push({ text: "\n", collapsible: false });
    return;
  }
  const inList = (node.parentElement?.closest("li") ?? null) !== null;
  const breaks = PARAGRAPH_TAGS.has(tag) ? (inList ? 1 : 2) : LINE_TAGS.has(tag) ? 1 : 0;
  if (breaks > 0) items.push(breaks);
  if (tag === "PRE") {
    items.push({ text: (node.textContent ?? "").replace(/\n$/, ""), collapsible: false });
  } else if (tag === "HR") {
    items.push({ text: "\u2014\u2014\u2014", collapsible: false });
  } else {
    if (tag === "LI") items.push({ text: listMarker(node, depth), collapsible: false });
    const childDepth = tag === "UL" || tag === "OL" ? depth + 1 : depth;
    const cells = tag === "TR" ? Array.from(node.children) : [];
    for (const child of Array.from(node.childNodes)) {
      collectText(child, items, childDepth);
      if (child instanceof Element && cells.includes(child) && child !== cells[cells.length - 1]) {
        items.push({ text: "\t", collapsible: false });
      }
    }
  }
  if (breaks > 0) items.push(breaks);
}

function listMarker(item: Element, depth: number): string {
  const indent = "  ".repeat(Math.max(0, depth - 1));
  const list = item.parentElement;
  if (list?.tagName !== "OL") return `${indent}\u2022 `;
  const start = Number.parseInt(list.getAttribute("start") ?? "1", 10);
  const index = Array.from(list.children).filter((child) => child.tagName === "LI").indexOf(item);
  return `${indent}${(Number.isFinite(start) ? start : 1) + index}. `;
}

/** The text of a rendered answer as a person reads it. */
export function answerText(root: Element): string {
  const items: TextItem[] = [];
  for (const child of Array.from(root.childNodes)) collectText(child, items, 0);
  let out = "";
  let pending = 0;
  for (const item of items) {
    if (typeof item === "number") {
      pending = Math.max(pending, item);
      continue;
    }
    let text = item.text;
    // Spaces at the start of a line or after a tab or space are not seen (nor are they a line's content).
    if (item.collapsible && (pending > 0 || out === "" || /[\n\t ]$/.test(out))) text = text.replace(/^ /, "");
    if (text === "") continue;
    if (pending > 0 && out !== "") out = out.replace(/ +$/, "") + "\n".repeat(pending);
    pending = 0;
    if (text === "\n" || text === "\t") out = out.replace(/ +$/, "");
    out += text;
  }
  return out.replace(/\s+$/, "");
}

// ---------------------------------------------------------------------------

class QuickWindow {
  readonly element: HTMLElement;
  private readonly model: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly banner = new BannerArea("banner-area quick-banner-area");
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly openButton: HTMLButtonElement;
  private readonly attachSelect: HTMLSelectElement;
  private readonly selectionOption: HTMLOptionElement;
  private readonly attachPreview: HTMLElement;
  private readonly log: HTMLElement;
  private readonly copied: HTMLElement;
  private readonly cleanups: (() => void)[] = [];

  private status: QuickStatus | null = null;
  private hasKey = true;
  private conversationId: number | null = null;
  private turns: Turn[] = [];
  /** The reply streaming in this showing, if any. */
  private live: Turn | null = null;
  /** Between Enter and the core's answer to quick_send (no second send meanwhile). */
  private sending = false;
  /** Which showing this is: a send that resolves after a fresh start leaves the new exchange alone. */
  private showing = 0;
  /** The window was hidden (Esc, open in main, or the page became hidden): its next showing starts fresh. */
  private wasHidden = false;
  private attachment: Attachment | null = null;
  private attachRequest = 0;
  private attachReading: Promise<void> | null = null;
  private stickToBottom = true;
  private copiedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: QuickOptions) {
    const mod = options.mac ? "Cmd" : "Ctrl";
    this.model = el("p", { className: "quick-model" });
    this.openButton = button("Open in main window", () => this.openMain(), {
      className: "secondary quick-open",
      attrs: { title: `Open this conversation in the main window (${mod}+Enter)` },
    });
    this.openButton.hidden = true;
    const newButton = button("New", () => void this.freshStart(false), {
      className: "secondary quick-new",
      attrs: { title: `Start a new quick prompt (${mod}+N)` },
    });
    const header = el(
      "header",
      { className: "quick-header" },
      this.model,
      el("div", { className: "quick-header-actions" }, this.openButton, newButton),
    );

    this.notice = el("p", { className: "note quick-notice", text: NO_KEY_TEXT, attrs: { role: "status" } });
    this.notice.hidden = true;

    const hint = el("p", {
      className: "hint quick-hint",
      text: `Enter to send \u00b7 Esc to hide \u00b7 ${mod}+Enter opens in the main window`,
      attrs: { id: uniqueId("quick-hint") },
    });
    this.input = el("textarea", {
      className: "quick-input",
      attrs: {
        "aria-label": "Quick prompt",
        "aria-describedby": hint.id,
        rows: "2",
        autofocus: "",
        placeholder: "Ask anything\u2026",
      },
    });
    this.sendButton = el("button", { className: "primary quick-send", text: "Send", attrs: { type: "submit" } });
    this.stopButton = button("Stop", () => this.stop(), { className: "danger quick-stop" });
    this.stopButton.hidden = true;
    const form = el("form", { className: "quick-form" }, this.input, this.sendButton, this.stopButton);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.send();
    });

    const selectId = uniqueId("quick-attach");
    this.selectionOption = el("option", { text: "Selection", attrs: { value: "selection" } });
    this.attachSelect = el(
      "select",
      { className: "quick-attach-select", attrs: { id: selectId } },
      el("option", { text: "Off", attrs: { value: "off" } }),
      this.selectionOption,
      el("option", { text: "Clipboard", attrs: { value: "clipboard" } }),
    );
    this.attachSelect.addEventListener("change", () => this.chooseAttach(this.attachSelect.value as Attach));
    this.attachPreview = el("div", { className: "quick-attachment", attrs: { "aria-live": "polite" } });
    const tools = el(
      "div",
      { className: "quick-tools" },
      el("label", { className: "quick-attach-label", text: "Attach", attrs: { for: selectId } }),
      this.attachSelect,
      this.attachPreview,
    );

    this.log = el("section", {
      className: "quick-log",
      attrs: { role: "log", "aria-label": "Answer", "aria-live": "polite", tabindex: "0" },
    });
    this.log.addEventListener("scroll", () => {
      this.stickToBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 32;
    });
    this.copied = el("p", { className: "quick-copied", attrs: { role: "status" } });
    const footer = el("footer", { className: "quick-footer" }, hint, this.copied);

    this.element = el(
      "main",
      { className: "quick", attrs: { "aria-label": "Quick prompt" } },
      header,
      this.notice,
      this.banner.element,
      form,
      tools,
      this.log,
      footer,
    );

    this.input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
      event.preventDefault();
      void this.send();
    });
    this.input.addEventListener("input", () => this.fitInput());
    this.input.addEventListener("focus", () => {
      if (document.hasFocus()) window.__quickFocusTimes?.push(performance.timeOrigin + performance.now());
    });
  }

  start(): void {
    window.__quickFocusTimes = [];
    this.listen(document, "keydown", (event) => this.onKey(event as KeyboardEvent));
    this.listen(window, "focus", (event) => {
      // The window itself (focus events of elements do not bubble up to here).
      if (event.target instanceof Node) return;
      if (this.wasHidden) this.shown();
      else this.focusInput();
    });
    this.listen(document, "visibilitychange", () => {
      if (document.visibilityState === "hidden") this.wasHidden = true;
      else if (document.visibilityState === "visible") this.shown();
    });
    // Links never navigate here and cannot open the browser (no open_external in this window).
    const stopLink = (event: Event): void => {
      if (!(event.target instanceof Element) || event.target.closest("a") === null) return;
      event.preventDefault();
      if (event.type === "click") this.flash(LINKS_TEXT);
    };
    this.listen(document, "click", stopLink);
    this.listen(document, "auxclick", stopLink);
    this.listen(document, "dragover", (event) => event.preventDefault());
    this.listen(document, "drop", (event) => event.preventDefault());
    this.sync();
    this.focusInput();
    // A window created hidden reads nothing until it is shown (attachments are read only when asked).
    void this.loadStatus(document.visibilityState !== "hidden");
    if (document.visibilityState === "hidden") this.wasHidden = true;
  }

  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.copiedTimer !== null) clearTimeout(this.copiedTimer);
    this.element.remove();
  }

  private listen(target: EventTarget, type: string, handler: (event: Event) => void): void {
    target.addEventListener(type, handler);
    this.cleanups.push(() => target.removeEventListener(type, handler));
  }

  // -------------------------------------------------------------------------
  // Status, showing, fresh start

  private async loadStatus(readAttachments = true): Promise<void> {
    let status: QuickStatus;
    try {
      status = await quickStatus();
    } catch (reason) {
      this.showError(reason);
      return;
    }
    this.status = status;
    applyTheme(status.theme ?? "system");
    this.model.replaceChildren(el("span", { className: "visually-hidden", text: "Model: " }), status.model);
    this.model.title = status.model;
    this.selectionOption.disabled = !status.selection_supported;
    if (status.selection_supported) {
      if (this.selectionOption.parentElement === null) this.attachSelect.insertBefore(this.selectionOption, this.attachSelect.options[1] ?? null);
    } else {
      this.selectionOption.remove();
    }
    this.setHasKey(status.has_key);
    this.resetAttach(readAttachments);
  }

  private setHasKey(hasKey: boolean): void {
    this.hasKey = hasKey;
    this.notice.hidden = hasKey;
    this.attachSelect.disabled = !hasKey;
    if (!hasKey) this.chooseAttach("off");
    this.sync();
  }

  /** The attach toggle back to its default, read now when that is not "off". */
  private resetAttach(read: boolean): void {
    const wanted = this.status?.attach ?? "off";
    const allowed = this.hasKey && read && (wanted !== "selection" || this.status?.selection_supported === true);
    this.chooseAttach(allowed ? wanted : "off");
  }

  /** The window is on screen again: a fresh prompt, unless a reply is still streaming. */
  private shown(): void {
    if (!this.wasHidden) {
      this.focusInput();
      return;
    }
    this.wasHidden = false;
    if (this.isBusy) {
      this.focusInput();
      return;
    }
    void this.freshStart(true);
  }

  /** Clears the exchange and starts a new quick conversation (the last one is saved in the history). */
  private async freshStart(refreshStatus: boolean): Promise<void> {
    this.showing += 1;
    this.conversationId = null;
    this.turns = [];
    this.live = null;
    this.sending = false;
    this.log.replaceChildren();
    this.banner.clear();
    this.clearCopied();
    this.sync();
    // No select() of a leftover draft: on X11 selecting text claims the selection the attach toggle reads.
    this.focusInput();
    if (refreshStatus) await this.loadStatus();
    else this.resetAttach(true);
  }

  private focusInput(): void {
    if (document.activeElement !== this.input) this.input.focus();
  }

  // -------------------------------------------------------------------------
  // Keys

  private onKey(event: KeyboardEvent): void {
    if (event.isComposing) return;
    const mod = this.options.mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
    if (event.key === "Escape" && !mod && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      this.hide();
    } else if (event.key === "Enter" && mod && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      this.openMain();
    } else if ((event.key === "n" || event.key === "N") && mod && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      void this.freshStart(false);
    }
  }

  /** Esc: the window hides; a streaming reply goes on in the core and is saved. */
  private hide(): void {
    quickHide().then(
      () => {
        this.wasHidden = true;
      },
      (reason: unknown) => this.showError(reason),
    );
  }

  private openMain(): void {
    const id = this.conversationId;
    // While the answer streams, the main window could not follow it: it opens once the answer is in.
    if (id === null || (this.live !== null && !this.live.done)) return;
    openInMain(id).then(
      () => {
        this.wasHidden = true;
      },
      (reason: unknown) => this.showError(reason),
    );
  }

  // -------------------------------------------------------------------------
  // Turns

  private get isBusy(): boolean {
    return this.sending || (this.live !== null && !this.live.done);
  }

  /** `sendAnyway`: the user answered the budget's "Send anyway?". */
  private async send(sendAnyway = false): Promise<void> {
    if (!this.hasKey || this.isBusy) return;
    const text = this.input.value;
    if (text.trim() === "") return;
    this.sending = true;
    this.sync();
    const showing = this.showing;
    // An attachment still being read goes with this message.
    if (this.attachReading !== null) await this.attachReading;
    if (showing !== this.showing) return;
    const conversationId = this.conversationId;
    const attachment = this.attachment;
    this.banner.clear();
    const userElement = userMessageElement(text, null);
    if (attachment !== null) {
      userElement.querySelector(".user-text")?.append(
        el("span", {
          className: "quick-sent-attachment",
          text: `With the ${attachment.kind === "selection" ? "selected text" : "clipboard text"} (${characters(Array.from(attachment.text).length)})`,
        }),
      );
    }
    const turn = this.newTurn();
    this.turns.push(turn);
    this.stickToBottom = true;
    this.log.append(userElement, turn.element);
    this.scrollDown();
    let started: TurnStarted;
    try {
      started = await this.startTurn(turn, (onEvent) =>
        quickSend(conversationId, text, attachment?.text ?? null, onEvent, sendAnyway),
      );
    } catch (reason) {
      if (showing !== this.showing) return;
      this.sending = false;
      userElement.remove();
      turn.element.remove();
      this.turns = this.turns.filter((kept) => kept !== turn);
      // The typed text (and the attachment) are still there: nothing is lost.
      this.showError(reason, () => void this.send(), () => void this.send(true));
      this.sync();
      return;
    }
    if (showing !== this.showing) return;
    this.sending = false;
    userElement.dataset["messageId"] = String(started.user_message_id);
    this.conversationId = started.conversation_id;
    if (this.input.value === text) {
      this.input.value = "";
      this.fitInput();
    }
    if (attachment !== null && this.attachment === attachment) this.chooseAttach("off");
    this.sync();
  }

  private newTurn(): Turn {
    const view = AssistantMessage.streaming(this.assistantHandlers());
    const actions = el("div", { className: "quick-turn-actions" });
    actions.hidden = true;
    const turn: Turn = {
      view,
      element: el("div", { className: "quick-reply" }, view.element, actions),
      actions,
      assistantId: null,
      done: false,
      stopRequested: false,
      markdown: "",
    };
    actions.append(
      button("Copy", () => this.copy(answerText(view.element.querySelector(".answer") ?? view.element)), {
        className: "secondary quick-copy",
      }),
      button("Copy markdown", () => this.copy(turn.markdown), { className: "secondary quick-copy-markdown" }),
    );
    return turn;
  }

  private assistantHandlers(): AssistantHandlers {
    return {
      retry: (view) => void this.retry(view, null),
      retryShorter: (view, maxTokens) => void this.retry(view, maxTokens),
      errorHandlers: { enterKey: () => this.showNoKey() },
      onRender: () => this.scrollDown(),
    };
  }

  private async startTurn(
    turn: Turn,
    start: (onEvent: (event: StreamEvent) => void) => Promise<TurnStarted>,
  ): Promise<TurnStarted> {
    this.live = turn;
    this.sync();
    let started: TurnStarted;
    try {
      started = await start((event) => this.onEvent(turn, event));
    } catch (reason) {
      if (this.live === turn) this.live = null;
      this.sync();
      throw toUserError(reason);
    }
    turn.assistantId = started.assistant_message_id;
    turn.view.setId(started.assistant_message_id);
    if (turn.stopRequested && !turn.done) this.stopTurn(turn);
    return started;
  }

  private onEvent(turn: Turn, event: StreamEvent): void {
    if (turn.done) return;
    if (event.type === "delta" && event.content) turn.markdown += event.content;
    turn.view.apply(quickEvent(event));
    if (event.type === "done") {
      turn.done = true;
      turn.actions.hidden = turn.markdown === "";
      if (this.live === turn) this.live = null;
      this.sync();
      this.scrollDown();
    }
  }

  /** Asks again for `old`'s reply (an error's Retry, or a shorter reply at most `maxTokens` long). */
  private async retry(old: AssistantMessage, maxTokens: number | null): Promise<void> {
    const oldId = old.id;
    const index = this.turns.findIndex((turn) => turn.view === old);
    const oldTurn = this.turns[index];
    if (oldId === null || oldTurn === undefined || this.isBusy) return;
    const showing = this.showing;
    this.banner.clear();
    const turn = this.newTurn();
    this.turns[index] = turn;
    oldTurn.element.replaceWith(turn.element);
    try {
      await this.startTurn(turn, (onEvent) => quickRetry(oldId, onEvent, maxTokens));
    } catch (reason) {
      if (showing !== this.showing) return;
      turn.element.replaceWith(oldTurn.element);
      this.turns[index] = oldTurn;
      this.showError(reason, () => void this.retry(old, maxTokens));
    }
  }

  private stop(): void {
    const turn = this.live;
    if (turn === null || turn.done) return;
    this.stopButton.disabled = true;
    if (turn.assistantId === null) turn.stopRequested = true;
    else this.stopTurn(turn);
  }

  private stopTurn(turn: Turn): void {
    if (turn.assistantId === null) return;
    quickStop(turn.assistantId).catch((reason: unknown) => {
      this.stopButton.disabled = false;
      this.showError(reason);
    });
  }

  // -------------------------------------------------------------------------
  // Attachments

  /** The attach toggle was set to `kind`: read it now (only now), or drop what was attached. */
  private chooseAttach(kind: Attach): void {
    this.attachSelect.value = kind;
    this.attachRequest += 1;
    this.attachment = null;
    this.attachReading = null;
    if (kind === "off") {
      this.attachPreview.replaceChildren();
      return;
    }
    const request = this.attachRequest;
    this.attachPreview.replaceChildren(
      el("span", { className: "quick-attachment-reading", text: kind === "selection" ? "Reading the selection\u2026" : "Reading the clipboard\u2026" }),
    );
    this.attachReading = readAttachment(kind).then(
      (attachment) => {
        if (request !== this.attachRequest) return;
        this.attachment = attachment;
        this.attachReading = null;
        this.showAttachment(attachment);
      },
      (reason: unknown) => {
        if (request !== this.attachRequest) return;
        this.attachReading = null;
        this.attachPreview.replaceChildren(
          el("span", { className: "quick-attachment-error", text: toUserError(reason).message }),
          this.dropButton(),
        );
      },
    );
  }

  private showAttachment(attachment: Attachment): void {
    const size = characters(Array.from(attachment.text).length) + (attachment.truncated ? " (cut to 32 KB)" : "");
    this.attachPreview.replaceChildren(
      el("span", { className: "quick-attachment-text", text: previewText(attachment.text), attrs: { title: attachment.kind === "selection" ? "Selected text" : "Clipboard text" } }),
      el("span", { className: "quick-attachment-size", text: size }),
      this.dropButton(),
    );
  }

  private dropButton(): HTMLButtonElement {
    return button("Drop attachment", () => {
      this.chooseAttach("off");
      this.input.focus();
    }, { className: "icon-button quick-attachment-drop", text: "\u00d7", attrs: { "aria-label": "Drop attachment" } });
  }

  // -------------------------------------------------------------------------
  // Copy, messages, state

  private copy(text: string): void {
    copyText(text).then(
      () => this.flash("Copied"),
      (reason: unknown) => this.showError(reason),
    );
  }

  /** A short word in the status line ("Copied"), gone after a moment. */
  private flash(text: string): void {
    this.copied.textContent = text;
    if (this.copiedTimer !== null) clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => this.clearCopied(), COPIED_FOR_MS);
  }

  private clearCopied(): void {
    if (this.copiedTimer !== null) clearTimeout(this.copiedTimer);
    this.copiedTimer = null;
    this.copied.textContent = "";
  }

  private showNoKey(): void {
    this.notice.hidden = false;
  }

  private showError(reason: unknown, retry?: () => void, sendAnyway?: () => void): void {
    const error = quickError(reason);
    if (error.kind === "no_key") this.setHasKey(false);
    this.banner.show(error, {
      enterKey: () => this.showNoKey(),
      ...(retry ? { retry } : {}),
      ...(sendAnyway ? { sendAnyway } : {}),
    });
  }

  private sync(): void {
    const streaming = this.live !== null && !this.live.done;
    const focused = document.activeElement;
    this.sendButton.hidden = streaming;
    this.sendButton.disabled = !this.hasKey || this.sending;
    this.stopButton.hidden = !streaming;
    if (!streaming) this.stopButton.disabled = false;
    this.openButton.hidden = this.conversationId === null;
    this.openButton.disabled = streaming;
    this.openButton.title = streaming ? "Available once the answer has arrived" : "";
    // Send and Stop take each other's place: so does the focus (Stop done: back to the prompt).
    if (focused === this.sendButton && streaming) this.stopButton.focus();
    else if (focused === this.stopButton && !streaming) this.input.focus();
    else if (focused === this.openButton && this.openButton.hidden) this.input.focus();
  }

  private scrollDown(): void {
    if (this.stickToBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  private fitInput(): void {
    const style = this.input.style;
    style.height = "auto";
    style.height = `${Math.min(Math.max(this.input.scrollHeight, 0), MAX_INPUT_PX)}px`;
  }
}
