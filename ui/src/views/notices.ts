// Short messages above the composer: the undo offer after a delete, and one line of news ("Saved 1
// conversation to …") that goes away after a while. The area is a polite live region that is always
// there, so what appears in it is read out; each message is a role="status" of its own while shown.
import { button, el } from "./elements";

const NEWS_MS = 12_000;

export class Notices {
  readonly element: HTMLElement;
  private readonly undoSlot: HTMLElement;
  private readonly newsSlot: HTMLElement;
  private newsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    this.undoSlot = el("div", { className: "notice-slot" });
    this.newsSlot = el("div", { className: "notice-slot" });
    this.element = el("div", { className: "notices", attrs: { "aria-live": "polite" } }, this.undoSlot, this.newsSlot);
  }

  /** "Deleted “…”." with an Undo button, until clearUndo(). */
  showUndo(message: string, onUndo: () => void): void {
    const undo = button("Undo", () => onUndo(), { className: "secondary undo" });
    this.undoSlot.replaceChildren(
      el("div", { className: "notice undo-notice", attrs: { role: "status" } }, el("span", { className: "notice-text", text: message }), undo),
    );
  }

  clearUndo(): void {
    this.undoSlot.replaceChildren();
  }

  /** One line of news; replaces the previous one. */
  say(message: string): void {
    this.clearNews();
    this.newsSlot.replaceChildren(
      el(
        "div",
        { className: "notice news-notice", attrs: { role: "status" } },
        el("span", { className: "notice-text", text: message }),
        button("\u00d7", () => this.clearNews(), { className: "icon-button", attrs: { "aria-label": "Dismiss notice" } }),
      ),
    );
    this.newsTimer = setTimeout(() => this.clearNews(), NEWS_MS);
  }

  clearNews(): void {
    if (this.newsTimer !== null) clearTimeout(this.newsTimer);
    this.newsTimer = null;
    this.newsSlot.replaceChildren();
  }
}
