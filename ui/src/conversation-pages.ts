// The part of the conversation list the sidebar has loaded, a page at a time, in list order (starred first,
// then the most recently active, then the highest id). Pure data: workspace.ts fetches, this merges.
//
// The "frontier" is the place in that order down to which the list is known: the last conversation of the
// deepest page loaded. The next page starts there. Changes made in this window (a rename, a star, a new
// message) are patched in at once and confirmed by reloading the first page, which replaces the top of the
// list; what was loaded below it stays. A conversation that moves below the frontier (unstarred) leaves the
// loaded list until the page that holds it is loaded, so a page is never skipped.
import type { ConversationCursor, ConversationPage, ConversationSummary } from "./api";

/** Conversations per page of the sidebar. */
export const SIDEBAR_PAGE = 50;

type Ordered = Pick<ConversationSummary, "starred" | "updated_at" | "id">;

/** Negative when `a` is listed before `b`: starred first, then the newest, then the highest id. */
export function listOrder(a: Ordered, b: Ordered): number {
  return Number(b.starred === true) - Number(a.starred === true) || b.updated_at - a.updated_at || b.id - a.id;
}

function cursorOf(conversation: Ordered): ConversationCursor {
  return { starred: conversation.starred === true, updated_at: conversation.updated_at, id: conversation.id };
}

export class ConversationPages {
  private items: ConversationSummary[] = [];
  /** Where the next page starts; null: nothing loaded yet, or everything is (see `hasMore`). */
  private frontier: ConversationCursor | null = null;
  /** A page has been applied since the start (or `clear`). */
  private loaded = false;
  /** More conversations follow the frontier. */
  hasMore = false;
  /** How many conversations the list holds in all, as the core last said. */
  total = 0;

  /** The loaded conversations, in list order. */
  get all(): readonly ConversationSummary[] {
    return this.items;
  }

  /** Where the next page starts (null: from the top). */
  get next(): ConversationCursor | null {
    return this.frontier;
  }

  /** Forgets everything loaded (delete all, import): the next first page starts afresh. */
  clear(): void {
    this.items = [];
    this.frontier = null;
    this.hasMore = false;
    this.total = 0;
    this.loaded = false;
  }

  /** A fresh first page: it replaces the top of the list; what was loaded below it stays. */
  applyFirst(page: ConversationPage): void {
    const wasLoaded = this.loaded;
    this.loaded = true;
    this.total = page.total;
    const fresh = page.conversations.slice().sort(listOrder);
    const last = fresh[fresh.length - 1];
    if (!page.has_more || last === undefined) {
      this.items = fresh;
      this.frontier = null;
      this.hasMore = false;
      return;
    }
    const ids = new Set(fresh.map((conversation) => conversation.id));
    // Loaded further than this page reaches: to the end, or to a frontier below its last conversation.
    const deeper = wasLoaded && (!this.hasMore || (this.frontier !== null && listOrder(this.frontier, last) > 0));
    if (deeper) {
      const below = this.items.filter((c) => !ids.has(c.id) && listOrder(c, last) > 0);
      this.items = fresh.concat(below);
      this.trim();
    } else {
      this.items = fresh;
      this.frontier = cursorOf(last);
      this.hasMore = true;
    }
  }

  /** The page that follows the frontier. */
  applyNext(page: ConversationPage): void {
    this.loaded = true;
    this.total = page.total;
    const known = new Set(this.items.map((conversation) => conversation.id));
    const fresh = page.conversations.filter((conversation) => !known.has(conversation.id));
    const last = page.conversations[page.conversations.length - 1];
    this.items = this.items.concat(fresh).sort(listOrder);
    this.hasMore = page.has_more && last !== undefined;
    this.frontier = this.hasMore && last !== undefined ? cursorOf(last) : null;
  }

  /** Changes one loaded conversation at once (before the core confirms); it may move. */
  patch(id: number, change: Partial<ConversationSummary>): void {
    this.items = this.items.map((c) => (c.id === id ? { ...c, ...change } : c)).sort(listOrder);
    this.trim();
  }

  /** Adds a conversation known from elsewhere (unarchived), if it falls within what is loaded. */
  insert(conversation: ConversationSummary): void {
    this.items = this.items.filter((c) => c.id !== conversation.id).concat(conversation).sort(listOrder);
    this.trim();
  }

  remove(id: number): void {
    this.items = this.items.filter((conversation) => conversation.id !== id);
  }

  find(id: number): ConversationSummary | undefined {
    return this.items.find((conversation) => conversation.id === id);
  }

  /** Drops what is listed after the frontier: the page that holds it will bring it. */
  private trim(): void {
    const frontier = this.frontier;
    if (!this.hasMore || frontier === null) return;
    this.items = this.items.filter((conversation) => listOrder(conversation, frontier) <= 0);
  }
}
