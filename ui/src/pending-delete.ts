// Delete with undo: a conversation leaves the list at once, but is only deleted for real when the undo
// time runs out, when another delete starts, or when the page goes away (pagehide/beforeunload). The
// real delete is one command, so it happens whole or not at all; it is never sent twice.

export interface PendingDeleteOptions<T> {
  /** How long Undo is offered. */
  delayMs: number;
  /** Deletes `item` for real. Called once per item, never after undo(). */
  commit: (item: T) => void;
  /** Where page-lifecycle events arrive (window). */
  target?: Pick<Window, "addEventListener" | "removeEventListener">;
}

export class PendingDelete<T extends { id: number }> {
  private current: { item: T; timer: ReturnType<typeof setTimeout> } | null = null;
  private readonly target: Pick<Window, "addEventListener" | "removeEventListener">;
  private readonly onPageGone = (): void => this.flush();

  constructor(private readonly options: PendingDeleteOptions<T>) {
    this.target = options.target ?? window;
  }

  /** The item waiting to be deleted, if any. */
  get item(): T | null {
    return this.current?.item ?? null;
  }

  has(id: number): boolean {
    return this.current?.item.id === id;
  }

  /** Starts the undo time for `item`; a delete still waiting is committed first. */
  start(item: T): void {
    this.flush();
    const timer = setTimeout(() => this.flush(), this.options.delayMs);
    this.current = { item, timer };
    this.target.addEventListener("pagehide", this.onPageGone);
    this.target.addEventListener("beforeunload", this.onPageGone);
  }

  /** Takes the waiting item back without deleting it. */
  undo(): T | null {
    const current = this.release();
    return current?.item ?? null;
  }

  /** Deletes the waiting item now. */
  flush(): void {
    const current = this.release();
    if (current) this.options.commit(current.item);
  }

  /** Forgets the waiting item without deleting it (it is gone some other way, e.g. "Delete all history"). */
  discard(): void {
    this.release();
  }

  private release(): { item: T } | null {
    const current = this.current;
    if (current === null) return null;
    this.current = null;
    clearTimeout(current.timer);
    this.target.removeEventListener("pagehide", this.onPageGone);
    this.target.removeEventListener("beforeunload", this.onPageGone);
    return current;
  }
}
