// The conversation list: "New chat" (and "Quick prompt" where the core has the tray) and "Search", then
// one row per conversation (starred ones first, with a star, then newest first; quick prompts marked), each
// with an actions menu (rename, star, archive, export, delete), and the "Quick prompts" and "Archived"
// sections at the bottom. Keyboard: ↑/↓ move, F2 renames, Delete deletes.
// The list is loaded a page at a time: scrolling near its end (or ↓ on its last row) asks for the next.
import { toUserError, type ConversationCursor, type ConversationPage, type ConversationSummary, type ExportFormat } from "../api";
import { ConversationPages, listOrder, SIDEBAR_PAGE } from "../conversation-pages";
import { conversationTitle } from "../conversation-title";
import type { ArchivedSection } from "./archived";
import { button, el, markOpenConversation, uniqueId } from "./elements";
import { closeOpenMenu, openPopupMenu, type MenuItem } from "./menu";
import { TitleEditor } from "./title-editor";

export { conversationTitle };

export interface SidebarHandlers {
  onNewChat: () => void;
  onSearch: () => void;
  /** Opens the Models view. */
  onModels?: () => void;
  /** Opens the Billing view. */
  onBilling?: () => void;
  onSelect: (id: number) => void;
  onRename: (conversation: ConversationSummary, title: string) => void;
  onStar: (conversation: ConversationSummary, starred: boolean) => void;
  onArchive: (conversation: ConversationSummary) => void;
  onExport: (conversation: ConversationSummary, format: ExportFormat) => void;
  onDelete: (conversation: ConversationSummary) => void;
  /** The list was scrolled near its end and more conversations exist: load the next page. */
  onLoadMore?: () => void;
  /** Opens the quick-prompt window (the button shows once `showQuickPrompt` is called). */
  onQuickPrompt?: () => void;
}

/** Starred first, then the most recently updated. */
export function sidebarOrder(a: ConversationSummary, b: ConversationSummary): number {
  return listOrder(a, b);
}

/** Load the next page when the end of the list is this close (px). */
const LOAD_MORE_AHEAD_PX = 400;

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Where the keyboard was in the list before it was rebuilt. */
interface ListFocus {
  id: string | null;
  part: "conversation" | "actions";
  index: number;
}

export class Sidebar {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly newChat: HTMLButtonElement;
  private readonly quickPrompt: HTMLButtonElement;
  private conversations: ConversationSummary[] = [];
  private currentId: number | null = null;
  private editing: { id: number; editor: TitleEditor } | null = null;
  /** What the list shows now, to skip rebuilding it (and closing an open menu) when nothing changed. */
  private shown = "";
  /** More conversations exist after the last one listed. */
  private hasMore = false;
  /** ↓ on the last row asked for more: move on to the next row once it is there. */
  private focusAfter: number | null = null;

  constructor(private readonly handlers: SidebarHandlers, archived: ArchivedSection, quick?: QuickPromptsSection) {
    this.list = el("ul", { className: "conversation-list" });
    this.empty = el("p", { className: "sidebar-empty", text: "No conversations yet." });
    this.newChat = button("New chat", () => handlers.onNewChat(), { className: "new-chat" });
    // For desktops where the tray icon does not show; hidden until the core says it has a shortcut.
    this.quickPrompt = button("Quick", () => handlers.onQuickPrompt?.(), {
      className: "sidebar-quick",
      attrs: { "aria-label": "Quick prompt", title: "Open the quick prompt window" },
    });
    this.quickPrompt.hidden = true;
    const search = button("Search", () => handlers.onSearch(), {
      className: "sidebar-search",
      attrs: {
        "aria-haspopup": "dialog",
        "aria-keyshortcuts": IS_MAC ? "Meta+K" : "Control+K",
        title: IS_MAC ? "Search all conversations (\u2318K)" : "Search all conversations (Ctrl+K)",
      },
    });
    this.element = el(
      "nav",
      { className: "sidebar", attrs: { "aria-label": "Conversations" } },
      el("div", { className: "sidebar-top" }, el("div", { className: "sidebar-new" }, this.newChat, this.quickPrompt), search, button("Models", () => handlers.onModels?.(), {
        className: "sidebar-models",
        attrs: { "aria-haspopup": "dialog", title: "Browse, compare and star models" },
      }), button("Billing", () => handlers.onBilling?.(), {
        className: "sidebar-billing",
        attrs: { "aria-haspopup": "dialog", title: "What you spent, by day, model and conversation" },
      })),
      this.empty,
      this.list,
      ...(quick ? [quick.element] : []),
      archived.element,
    );
    this.list.addEventListener("keydown", (event) => this.onKeydown(event));
    this.list.addEventListener("scroll", () => this.checkEnd(), { passive: true });
    // A taller window may show the end of the list without any scrolling.
    if (typeof ResizeObserver === "function") new ResizeObserver(() => this.checkEnd()).observe(this.list);
  }

  /** Shows the "Quick prompt" button; `shortcut` (readable, e.g. "Ctrl+Shift+Space") goes in its tooltip. */
  showQuickPrompt(shortcut: string | null): void {
    this.quickPrompt.hidden = false;
    this.quickPrompt.title = shortcut === null || shortcut === ""
      ? "Open the quick prompt window"
      : `Open the quick prompt window (${shortcut})`;
  }

  /**
   * Shows `conversations` (starred first, then newest), marking `currentId` as the open one; `hasMore`:
   * more follow the last one, to be loaded when the list is scrolled near its end.
   */
  update(conversations: readonly ConversationSummary[], currentId: number | null, hasMore = false): void {
    this.hasMore = hasMore;
    const sorted = conversations.slice().sort(sidebarOrder);
    const shown = JSON.stringify([currentId, sorted.map((c) => [c.id, c.title, c.starred === true, c.origin === "quick"])]);
    if (shown === this.shown && this.list.children.length === sorted.length) {
      this.checkEnd();
      return;
    }
    this.shown = shown;
    const focus = this.listFocus();
    const editorFocused = this.editing !== null && document.activeElement === this.editing.editor.input;
    closeOpenMenu();
    this.conversations = sorted;
    this.currentId = currentId;
    if (this.editing && !this.conversations.some((c) => c.id === this.editing?.id)) this.editing = null;
    this.list.replaceChildren(...this.conversations.map((conversation, index) => this.item(conversation, index)));
    this.empty.hidden = this.conversations.length > 0;
    if (editorFocused) this.editing?.editor.input.focus();
    else if (focus !== null) this.restoreFocus(focus);
    this.moveFocusAfterLoad();
    this.checkEnd();
  }

  /** Asks for the next page when the list is scrolled (or short enough to be) near its end. */
  private checkEnd(): void {
    const list = this.list;
    if (!this.hasMore || !list.isConnected || list.clientHeight <= 0) return;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - LOAD_MORE_AHEAD_PX) this.handlers.onLoadMore?.();
  }

  private moveFocusAfterLoad(): void {
    const after = this.focusAfter;
    if (after === null) return;
    const index = this.conversations.findIndex((c) => c.id === after);
    const next = this.conversations[index + 1];
    if (index < 0 || (next === undefined && this.hasMore)) return; // still waiting for the page
    this.focusAfter = null;
    if (next !== undefined && document.activeElement === this.buttonOf(after)) this.focusConversation(next.id);
  }

  /** Moves the "open" mark without rebuilding the list. */
  select(currentId: number | null): void {
    this.currentId = currentId;
    markOpenConversation(this.list, currentId);
  }

  /** Opens the title field of conversation `id`; false when it is not in the list. */
  startRename(id: number): boolean {
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) return false;
    closeOpenMenu();
    const editor = new TitleEditor(conversationTitle(conversation), {
      save: (title) => {
        this.stopRename(id);
        this.handlers.onRename(conversation, title);
      },
      cancel: () => this.stopRename(id),
    });
    this.editing = { id, editor };
    this.rebuildItem(id);
    editor.focus();
    return true;
  }

  /** Puts the keyboard on conversation `id`'s button. */
  focusConversation(id: number): void {
    this.buttonOf(id)?.focus();
  }

  private stopRename(id: number): void {
    if (this.editing?.id !== id) return;
    const hadFocus = document.activeElement === this.editing.editor.input;
    this.editing = null;
    this.rebuildItem(id);
    if (hadFocus) this.focusConversation(id);
  }

  private rebuildItem(id: number): void {
    const index = this.conversations.findIndex((c) => c.id === id);
    const conversation = this.conversations[index];
    const old = this.itemOf(id);
    if (conversation === undefined || old === null) return;
    old.replaceWith(this.item(conversation, index));
  }

  private item(conversation: ConversationSummary, index: number): HTMLLIElement {
    const title = conversationTitle(conversation);
    const open = conversation.id === this.currentId;
    const classes = ["conversation-item"];
    if (open) classes.push("open");
    if (conversation.starred) classes.push("starred");
    const next = this.conversations[index + 1];
    if (conversation.starred && next !== undefined && !next.starred) classes.push("last-starred");
    const item = el("li", { className: classes.join(" "), attrs: { "data-conversation-id": String(conversation.id) } });
    if (conversation.starred) {
      item.append(el("span", { className: "star-marker", text: "\u2605", attrs: { role: "img", "aria-label": "Starred", title: "Starred" } }));
    }
    if (this.editing?.id === conversation.id) {
      item.classList.add("editing");
      item.append(this.editing.editor.element);
      return item;
    }
    const select = button(title, () => this.handlers.onSelect(conversation.id), {
      className: "conversation",
      attrs: { title },
    });
    if (open) select.setAttribute("aria-current", "page");
    const actions = actionsButton(title, () => this.actionItems(conversation));
    item.append(select);
    if (conversation.origin === "quick") {
      const marker = quickMarker();
      select.setAttribute("aria-describedby", marker.id);
      item.append(marker);
    }
    item.append(actions);
    return item;
  }

  private actionItems(conversation: ConversationSummary): MenuItem[] {
    return [
      { label: "Rename", onSelect: () => this.startRename(conversation.id) },
      {
        label: conversation.starred ? "Unstar" : "Star",
        onSelect: () => this.handlers.onStar(conversation, !conversation.starred),
      },
      { label: "Archive", onSelect: () => this.handlers.onArchive(conversation) },
      { label: "Export as Markdown", onSelect: () => this.handlers.onExport(conversation, "markdown") },
      { label: "Export as JSON", onSelect: () => this.handlers.onExport(conversation, "json") },
      { label: "Delete", onSelect: () => this.handlers.onDelete(conversation), danger: true },
    ];
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || !(event.target instanceof HTMLElement)) return;
    if (event.target.closest("input, textarea")) return;
    const id = Number(event.target.closest("li[data-conversation-id]")?.getAttribute("data-conversation-id"));
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) return;
    const onButton = event.target.classList.contains("conversation");
    const deleteKey = event.key === "Delete" || (IS_MAC && event.metaKey && event.key === "Backspace");
    if (event.key === "F2" && !event.ctrlKey && !event.metaKey) {
      this.startRename(conversation.id);
    } else if (deleteKey) {
      this.handlers.onDelete(conversation);
    } else if (onButton && (event.key === "ArrowDown" || event.key === "ArrowUp") && !event.ctrlKey && !event.metaKey) {
      const index = this.conversations.indexOf(conversation) + (event.key === "ArrowDown" ? 1 : -1);
      const target = this.conversations[index];
      if (target) this.focusConversation(target.id);
      else if (event.key === "ArrowDown" && this.hasMore) {
        this.focusAfter = conversation.id;
        this.handlers.onLoadMore?.();
      }
    } else if (onButton && (event.key === "ContextMenu" || (event.shiftKey && event.key === "F10"))) {
      const actions = this.itemOf(conversation.id)?.querySelector<HTMLButtonElement>(".conversation-actions");
      if (actions) toggleActions(actions, conversationTitle(conversation), this.actionItems(conversation));
    } else {
      return;
    }
    event.preventDefault();
  }

  private itemOf(id: number): HTMLLIElement | null {
    return this.list.querySelector<HTMLLIElement>(`li[data-conversation-id="${id}"]`);
  }

  private buttonOf(id: number): HTMLButtonElement | null {
    return this.itemOf(id)?.querySelector<HTMLButtonElement>(".conversation") ?? null;
  }

  private listFocus(): ListFocus | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return null;
    const item = active.closest("li");
    if (item === null) return null;
    return {
      id: item.getAttribute("data-conversation-id"),
      part: active.classList.contains("conversation-actions") ? "actions" : "conversation",
      index: Array.from(this.list.children).indexOf(item),
    };
  }

  /** Back where it was; when that row is gone (deleted, archived), on the row now in its place. */
  private restoreFocus(focus: ListFocus): void {
    const selector = focus.part === "actions" ? ".conversation-actions" : ".conversation";
    const same = focus.id === null ? null : this.list.querySelector<HTMLElement>(`[data-conversation-id="${focus.id}"] ${selector}`);
    if (same) {
      same.focus();
      return;
    }
    const rows = Array.from(this.list.children);
    const row = rows[Math.min(focus.index, rows.length - 1)];
    const target = row?.querySelector<HTMLElement>(".conversation") ?? this.newChat;
    target.focus();
  }
}

/** The "Quick" badge of a conversation started as a quick prompt (sidebar rows, search results). */
export function quickMarker(): HTMLElement {
  return el("span", {
    className: "quick-marker",
    text: "Quick",
    attrs: { id: uniqueId("quick-marker"), role: "img", "aria-label": "Quick prompt", title: "Started as a quick prompt" },
  });
}

export interface QuickPromptsHandlers {
  /** One page of the quick prompts (list_conversations_page with origin "quick"). */
  load: (before: ConversationCursor | null, limit: number) => Promise<ConversationPage>;
  onOpen: (conversation: ConversationSummary) => void;
  /** A row's actions menu (the main list's own actions, less Rename and Star, which it keeps). */
  onArchive?: (conversation: ConversationSummary) => void;
  onExport?: (conversation: ConversationSummary, format: ExportFormat) => void;
  onDelete?: (conversation: ConversationSummary) => void;
  /** Conversations not to list (waiting to be deleted). */
  isHidden?: (id: number) => boolean;
}

/** Load the next page when the end of the section's list is this close (px). */
const QUICK_MORE_AHEAD_PX = 200;

/**
 * The "Quick prompts" part of the sidebar, above "Archived": a toggle that shows only the conversations
 * started as quick prompts, a page at a time (as the list scrolls near its end, or "More quick prompts").
 * Hidden until the core says it has quick prompts (`setAvailable`).
 */
export class QuickPromptsSection {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly note: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly pages = new ConversationPages();
  private expanded = false;
  /** Bumped by every first-page load: an older answer is dropped. */
  private refreshes = 0;
  /** Bumped when what is loaded is thrown away: a next page asked for before then is dropped. */
  private generation = 0;
  private loadingMore = false;
  private currentId: number | null = null;

  constructor(private readonly handlers: QuickPromptsHandlers) {
    const bodyId = uniqueId("quick-prompts");
    this.toggle = button("Quick prompts", () => this.setExpanded(!this.expanded), {
      className: "archived-toggle quick-prompts-toggle",
      attrs: { "aria-expanded": "false", "aria-controls": bodyId },
    });
    this.list = el("ul", { className: "conversation-list archived-list quick-prompts-list", attrs: { "aria-label": "Quick prompts" } });
    this.note = el("p", { className: "sidebar-empty" });
    this.more = button("More quick prompts", () => void this.loadMore(), { className: "secondary quick-prompts-more" });
    this.more.hidden = true;
    this.body = el("div", { className: "archived-body quick-prompts-body", attrs: { id: bodyId } }, this.note, this.list, this.more);
    this.body.hidden = true;
    this.body.addEventListener("scroll", () => this.checkEnd(), { passive: true });
    this.element = el("div", { className: "archived quick-prompts" }, this.toggle, this.body);
    this.element.hidden = true;
  }

  get isExpanded(): boolean {
    return this.expanded;
  }

  /** Shows the section (the core has quick prompts) or hides it. */
  setAvailable(available: boolean): void {
    this.element.hidden = !available;
    if (!available && this.expanded) this.setExpanded(false);
  }

  setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.toggle.setAttribute("aria-expanded", String(expanded));
    this.body.hidden = !expanded;
    if (expanded) void this.refresh();
  }

  /** Reloads the first page when shown (after a change), keeping what was loaded below it. */
  async refresh(): Promise<void> {
    if (!this.expanded) return;
    this.refreshes += 1;
    const request = this.refreshes;
    if (this.pages.all.length === 0) this.showNote("Loading\u2026");
    try {
      const page = await this.handlers.load(null, SIDEBAR_PAGE);
      if (request !== this.refreshes) return;
      this.pages.applyFirst(page);
      this.render();
    } catch (reason) {
      if (request !== this.refreshes) return;
      this.pages.clear();
      this.generation += 1;
      this.list.replaceChildren();
      this.more.hidden = true;
      this.showNote(`Couldn't load the quick prompts. ${toUserError(reason).message}`);
    }
  }

  /** The next page, after the last quick prompt listed. */
  async loadMore(): Promise<void> {
    if (this.loadingMore || !this.pages.hasMore || !this.expanded) return;
    this.loadingMore = true;
    this.more.disabled = true;
    const generation = this.generation;
    try {
      const page = await this.handlers.load(this.pages.next, SIDEBAR_PAGE);
      if (generation !== this.generation) return;
      this.pages.applyNext(page);
      this.render();
    } catch (reason) {
      if (generation === this.generation) this.showNote(`Couldn't load more quick prompts. ${toUserError(reason).message}`);
    } finally {
      this.loadingMore = false;
      this.more.disabled = false;
    }
  }

  /** A loaded quick prompt. */
  find(id: number): ConversationSummary | undefined {
    return this.pages.find(id);
  }

  /** Takes one out of the list at once (deleted, archived). */
  drop(id: number): void {
    this.pages.remove(id);
    if (this.expanded) this.render();
  }

  select(currentId: number | null): void {
    this.currentId = currentId;
    markOpenConversation(this.list, currentId);
  }

  /** Rebuilds the list from what is loaded (after a delete is undone, say). */
  render(): void {
    const hidden = this.handlers.isHidden ?? (() => false);
    const items = this.pages.all.filter((conversation) => !conversation.archived && !hidden(conversation.id));
    this.list.replaceChildren(...items.map((item) => this.item(item)));
    this.more.hidden = !this.pages.hasMore;
    this.showNote(items.length === 0 && !this.pages.hasMore ? "No quick prompts yet." : null);
    this.select(this.currentId);
    this.checkEnd();
  }

  private checkEnd(): void {
    const body = this.body;
    if (!this.pages.hasMore || !body.isConnected || body.clientHeight <= 0) return;
    if (body.scrollTop + body.clientHeight >= body.scrollHeight - QUICK_MORE_AHEAD_PX) void this.loadMore();
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
      ...this.actionsButton(conversation, title),
    );
  }

  private actionsButton(conversation: ConversationSummary, title: string): HTMLButtonElement[] {
    const { onArchive, onExport, onDelete } = this.handlers;
    const items: MenuItem[] = [];
    if (onArchive) items.push({ label: "Archive", onSelect: () => onArchive(conversation) });
    if (onExport) {
      items.push({ label: "Export as Markdown", onSelect: () => onExport(conversation, "markdown") });
      items.push({ label: "Export as JSON", onSelect: () => onExport(conversation, "json") });
    }
    if (onDelete) items.push({ label: "Delete", onSelect: () => onDelete(conversation), danger: true });
    return items.length === 0 ? [] : [actionsButton(title, () => items)];
  }
}

/** A row's "⋯" button, which opens (or closes) the row's actions menu. */
function actionsButton(title: string, items: () => MenuItem[]): HTMLButtonElement {
  const actions = button("\u22ef", () => toggleActions(actions, title, items()), {
    className: "icon-button conversation-actions",
    attrs: { "aria-label": `Actions for ${title}`, "aria-haspopup": "menu", "aria-expanded": "false", title: "Actions" },
  });
  return actions;
}

function toggleActions(anchor: HTMLButtonElement, title: string, items: readonly MenuItem[]): void {
  if (anchor.getAttribute("aria-expanded") === "true") closeOpenMenu();
  else openPopupMenu(anchor, `Actions for ${title}`, items);
}
