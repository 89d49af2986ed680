// The "Archived" part of the sidebar: a toggle that shows the archived conversations (list_archived),
// each with a button to open it and one to bring it back to the main list.
import { toUserError, type ConversationSummary } from "../api";
import { conversationTitle } from "../conversation-title";
import { button, el, markOpenConversation, uniqueId } from "./elements";

export interface ArchivedHandlers {
  load: () => Promise<ConversationSummary[]>;
  onOpen: (conversation: ConversationSummary) => void;
  onUnarchive: (conversation: ConversationSummary) => void;
}

export class ArchivedSection {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly note: HTMLElement;
  private expanded = false;
  private loads = 0;
  private items: ConversationSummary[] = [];
  private currentId: number | null = null;

  constructor(private readonly handlers: ArchivedHandlers) {
    const bodyId = uniqueId("archived");
    this.toggle = button("Archived", () => this.setExpanded(!this.expanded), {
      className: "archived-toggle",
      attrs: { "aria-expanded": "false", "aria-controls": bodyId },
    });
    this.list = el("ul", { className: "conversation-list archived-list", attrs: { "aria-label": "Archived conversations" } });
    this.note = el("p", { className: "sidebar-empty" });
    this.body = el("div", { className: "archived-body", attrs: { id: bodyId } }, this.note, this.list);
    this.body.hidden = true;
    this.element = el("div", { className: "archived" }, this.toggle, this.body);
  }

  get isExpanded(): boolean {
    return this.expanded;
  }

  setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.toggle.setAttribute("aria-expanded", String(expanded));
    this.body.hidden = !expanded;
    if (expanded) void this.refresh();
  }

  /** Reloads the list when it is shown (after an archive, unarchive, import or delete). */
  async refresh(): Promise<void> {
    if (!this.expanded) return;
    this.loads += 1;
    const load = this.loads;
    if (this.items.length === 0) this.showNote("Loading…");
    try {
      const items = await this.handlers.load();
      if (load !== this.loads) return;
      this.render(items);
    } catch (reason) {
      if (load !== this.loads) return;
      this.items = [];
      this.list.replaceChildren();
      this.showNote(`Couldn't load the archived conversations. ${toUserError(reason).message}`);
    }
  }

  /** Takes one out of the list at once (it is being unarchived or deleted). */
  drop(id: number): void {
    this.render(this.items.filter((item) => item.id !== id));
  }

  select(currentId: number | null): void {
    this.currentId = currentId;
    markOpenConversation(this.list, currentId);
  }

  private render(items: ConversationSummary[]): void {
    this.items = items.slice().sort((a, b) => b.updated_at - a.updated_at || b.id - a.id);
    this.list.replaceChildren(...this.items.map((item) => this.item(item)));
    this.showNote(this.items.length === 0 ? "No archived conversations." : null);
    this.select(this.currentId);
  }

  private showNote(text: string | null): void {
    this.note.textContent = text ?? "";
    this.note.hidden = text === null;
  }

  private item(conversation: ConversationSummary): HTMLLIElement {
    const title = conversationTitle(conversation);
    return el(
      "li",
      { className: "conversation-item", attrs: { "data-conversation-id": String(conversation.id) } },
      button(title, () => this.handlers.onOpen(conversation), { className: "conversation", attrs: { title } }),
      button("Unarchive", () => this.handlers.onUnarchive(conversation), {
        className: "unarchive",
        attrs: { "aria-label": `Unarchive ${title}` },
      }),
    );
  }
}
