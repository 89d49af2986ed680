// The message box: Enter sends, Shift+Enter is a new line; while a reply streams, Send becomes Stop and
// the box stays usable for writing the next message. Above it a slot for notices (the budget), below it
// one quiet line of hint (the prompt estimate), which the box points to as its description.
import { el, uniqueId } from "./elements";

export interface ComposerHandlers {
  onSend: (text: string) => void;
  onStop: () => void;
  /** The draft changed (typed, or set from code). */
  onDraftChange?: () => void;
  /** Shown above the box (e.g. the budget notices). */
  notices?: HTMLElement;
}

/** The hint line's text and tooltip. */
export interface ComposerHint {
  text: string;
  title: string;
}

const MAX_HEIGHT_PX = 240;

export class Composer {
  readonly element: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;
  private streaming = false;
  private readonly lockNotice: HTMLElement;
  private readonly hint: HTMLElement;
  private locked = false;

  constructor(private readonly handlers: ComposerHandlers) {
    this.textarea = el("textarea", {
      className: "composer-input",
      attrs: { "aria-label": "Message", rows: "1", placeholder: "Write a message…", title: "Enter sends, Shift+Enter starts a new line" },
    });
    this.send = el("button", { className: "primary send", text: "Send", attrs: { type: "submit" } });
    this.stop = el("button", { className: "danger stop", text: "Stop", attrs: { type: "button" } });
    this.stop.hidden = true;
    this.lockNotice = el("p", { className: "composer-lock", attrs: { role: "status" } });
    this.lockNotice.hidden = true;
    // The hint keeps its line even when empty, so the box does not jump as estimates come and go.
    this.hint = el("p", { className: "composer-hint", attrs: { id: uniqueId("composer-hint") } });
    this.textarea.setAttribute("aria-describedby", this.hint.id);
    this.element = el("form", { className: "composer" });
    if (handlers.notices) this.element.append(handlers.notices);
    this.element.append(this.lockNotice, this.textarea, this.send, this.stop, this.hint);

    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        this.submit();
      }
    });
    this.textarea.addEventListener("input", () => {
      this.fitHeight();
      handlers.onDraftChange?.();
    });
    this.stop.addEventListener("click", () => handlers.onStop());
  }

  get value(): string {
    return this.textarea.value;
  }

  set value(text: string) {
    this.textarea.value = text;
    this.fitHeight();
    this.handlers.onDraftChange?.();
  }

  /** The line under the box; null empties it (its space stays). Unchanged text is left alone. */
  setHint(hint: ComposerHint | null): void {
    const text = hint?.text ?? "";
    if (this.hint.textContent !== text) this.hint.textContent = text;
    if (hint) this.hint.title = hint.title;
    else this.hint.removeAttribute("title");
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  /** Swaps Send for Stop while a reply streams. */
  setStreaming(streaming: boolean): void {
    if (this.streaming === streaming) return;
    const hadFocus = document.activeElement === this.send || document.activeElement === this.stop;
    this.streaming = streaming;
    this.send.hidden = streaming;
    this.stop.hidden = !streaming;
    this.stop.disabled = false;
    if (hadFocus) {
      if (streaming) this.stop.focus();
      else this.textarea.focus();
    }
  }

  /**
   * Sending is not possible (no API key): the box stays usable for drafting, Send is disabled and the
   * notice says why, with a button that fixes it. `null` unlocks.
   */
  setLocked(reason: { message: string; actionLabel: string; onAction: () => void } | null): void {
    this.locked = reason !== null;
    this.send.disabled = this.locked;
    this.lockNotice.hidden = !this.locked;
    if (!reason) {
      this.lockNotice.replaceChildren();
      return;
    }
    const action = el("button", { className: "secondary", text: reason.actionLabel, attrs: { type: "button" } });
    action.addEventListener("click", () => reason.onAction());
    this.lockNotice.replaceChildren(el("span", { text: reason.message }), action);
  }

  /** Stop was pressed: keep the button, but do not send twice. */
  setStopping(): void {
    this.stop.disabled = true;
  }

  focus(): void {
    this.textarea.focus();
  }

  private submit(): void {
    if (this.streaming || this.locked) return;
    const text = this.textarea.value;
    if (text.trim() === "") return;
    this.handlers.onSend(text);
  }

  private fitHeight(): void {
    const style = this.textarea.style;
    style.height = "auto";
    style.height = `${Math.min(this.textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
  }
}
