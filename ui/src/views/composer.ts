// The message box: Enter sends, Shift+Enter is a new line; while a reply streams, Send becomes Stop and
// the box stays usable for writing the next message.
import { el } from "./elements";

export interface ComposerHandlers {
  onSend: (text: string) => void;
  onStop: () => void;
}

const MAX_HEIGHT_PX = 240;

export class Composer {
  readonly element: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;
  private streaming = false;
  private readonly lockNotice: HTMLElement;
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
    this.element = el("form", { className: "composer" }, this.lockNotice, this.textarea, this.send, this.stop);

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
    this.textarea.addEventListener("input", () => this.fitHeight());
    this.stop.addEventListener("click", () => handlers.onStop());
  }

  get value(): string {
    return this.textarea.value;
  }

  set value(text: string) {
    this.textarea.value = text;
    this.fitHeight();
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
