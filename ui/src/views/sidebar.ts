// The conversation list: "New chat", one button per conversation (newest first), a delete button each.
import type { ConversationSummary } from "../api";
import { button, el } from "./elements";

export interface SidebarHandlers {
  onNewChat: () => void;
  onSelect: (id: number) => void;
  onDelete: (conversation: ConversationSummary) => void;
}

export function conversationTitle(conversation: ConversationSummary): string {
  const title = conversation.title.trim();
  return title === "" ? "Untitled conversation" : title;
}

export class Sidebar {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;

  constructor(private readonly handlers: SidebarHandlers) {
    this.list = el("ul", { className: "conversation-list" });
    this.empty = el("p", { className: "sidebar-empty", text: "No conversations yet." });
    this.element = el(
      "nav",
      { className: "sidebar", attrs: { "aria-label": "Conversations" } },
      el("div", { className: "sidebar-top" }, button("New chat", () => handlers.onNewChat(), { className: "new-chat" })),
      this.empty,
      this.list,
    );
  }

  /** Shows `conversations` newest first, marking `currentId` as the open one. */
  update(conversations: readonly ConversationSummary[], currentId: number | null): void {
    const sorted = conversations.slice().sort((a, b) => b.updated_at - a.updated_at || b.id - a.id);
    const focusedId = this.focusedConversationId();
    this.list.replaceChildren(...sorted.map((conversation) => this.item(conversation, currentId)));
    this.empty.hidden = sorted.length > 0;
    if (focusedId !== null) {
      this.list.querySelector<HTMLButtonElement>(`[data-conversation-id="${focusedId}"] .conversation`)?.focus();
    }
  }

  /** Moves the "open" mark without rebuilding the list. */
  select(currentId: number | null): void {
    for (const item of Array.from(this.list.children)) {
      const open = item.getAttribute("data-conversation-id") === String(currentId);
      const select = item.querySelector(".conversation");
      item.classList.toggle("open", open);
      if (open) select?.setAttribute("aria-current", "page");
      else select?.removeAttribute("aria-current");
    }
  }

  private item(conversation: ConversationSummary, currentId: number | null): HTMLLIElement {
    const title = conversationTitle(conversation);
    const open = conversation.id === currentId;
    const select = button(title, () => this.handlers.onSelect(conversation.id), {
      className: "conversation",
      attrs: { title },
    });
    if (open) select.setAttribute("aria-current", "page");
    const remove = button("\u00d7", () => this.handlers.onDelete(conversation), {
      className: "icon-button delete-conversation",
      attrs: { "aria-label": `Delete conversation ${title}`, title: "Delete" },
    });
    const item = el(
      "li",
      { className: open ? "conversation-item open" : "conversation-item", attrs: { "data-conversation-id": String(conversation.id) } },
      select,
      remove,
    );
    return item;
  }

  private focusedConversationId(): string | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return null;
    if (!active.classList.contains("conversation")) return null;
    return active.closest("li")?.getAttribute("data-conversation-id") ?? null;
  }
}
