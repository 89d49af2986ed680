// Short messages above the composer: the undo offer after a delete, and one line of news ("Saved 1
// conversation to …") that goes away after a while. The area is a polite live region that is always
// there, so what appears in it is read out; each message is a role="status" of its own while shown.
// The money notices (budget, low balance) work the same way in the composer's own slot.
import type { BudgetStatus } from "../api";
import { budgetSentence, lowBalanceNotice } from "../money-text";
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

/**
 * The money notices above the composer: the monthly budget nearly or fully spent, and a low balance with
 * a link to fix it. Each can be dismissed for the rest of the session; a notice at a new level (warning
 * → reached) or from a new source shows again.
 */
export class MoneyNotices {
  readonly element: HTMLElement;
  private readonly budgetSlot: HTMLElement;
  private readonly balanceSlot: HTMLElement;
  private readonly dismissed = new Set<string>();

  constructor(private readonly openLink: (url: string) => void) {
    this.budgetSlot = el("div", { className: "notice-slot" });
    this.balanceSlot = el("div", { className: "notice-slot" });
    this.element = el("div", { className: "money-notices", attrs: { "aria-live": "polite" } }, this.budgetSlot, this.balanceSlot);
  }

  /** Shows what `status` calls for; the same notice again is left as it is (no flicker, no re-reading). */
  show(status: BudgetStatus): void {
    const sentence = budgetSentence(status);
    this.fill(this.budgetSlot, sentence === null ? null : { key: `budget:${status.level}`, text: sentence });
    const low = status.low_balance;
    if (low === null) {
      this.fill(this.balanceSlot, null);
      return;
    }
    const notice = lowBalanceNotice(low);
    this.fill(this.balanceSlot, { key: `balance:${low.source}`, text: notice.text, action: { label: notice.actionLabel, url: notice.url } });
  }

  private fill(slot: HTMLElement, notice: { key: string; text: string; action?: { label: string; url: string } } | null): void {
    if (notice === null || this.dismissed.has(notice.key)) {
      slot.replaceChildren();
      return;
    }
    const shown = slot.firstElementChild as HTMLElement | null;
    if (shown?.dataset["key"] === notice.key && shown.dataset["text"] === notice.text) return;
    const parts: Node[] = [el("span", { className: "notice-text", text: notice.text })];
    const action = notice.action;
    if (action) parts.push(button(action.label, () => this.openLink(action.url), { className: "secondary notice-action" }));
    const dismiss = button("\u00d7", () => {
      this.dismissed.add(notice.key);
      slot.replaceChildren();
    }, { className: "icon-button", attrs: { "aria-label": `Dismiss ${notice.key.startsWith("budget") ? "budget" : "balance"} notice` } });
    slot.replaceChildren(
      el("div", { className: "notice money-notice", attrs: { role: "status", "data-key": notice.key, "data-text": notice.text } }, ...parts, dismiss),
    );
  }
}
