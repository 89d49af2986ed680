// A long list of same-height rows where only the rows in view (and a few around them) are in the DOM: the
// model lists hold up to a thousand models, and rebuilding a thousand rows on every keystroke would cost
// far more than finding them. The list element keeps its full height, so the scrollbar reads true.
//
//   <div class="vlist" (scrolls)>  <ul role="listbox" style="height: n × rowHeight">  <li top=i × rowHeight>…
import { el } from "./elements";

export interface VirtualListOptions<T> {
  /** Height of every row in px (CSS gives the rows exactly this height). */
  rowHeight: number;
  /**
   * Builds the row for an item; called again whenever the row comes back into view. The list sets the
   * row's place: `top`, `height`, `id` (`idPrefix-index`), `data-index`, `aria-posinset`, `aria-setsize`.
   */
  render: (item: T, index: number) => HTMLElement;
  /** Prefix of the rows' ids. */
  idPrefix: string;
  /**
   * What identifies an item across setItems calls (default: the item itself): a row still in view for the
   * same key is moved, not built again.
   */
  key?: (item: T) => unknown;
  /** Brings a kept row up to date for its new place (e.g. whether it is selected). */
  update?: (row: HTMLElement, item: T, index: number) => void;
  /** Rows kept above and below the view. */
  overscan?: number;
  /** Height assumed before layout (jsdom, or a hidden list). */
  fallbackHeight?: number;
}

export class VirtualList<T> {
  /** The scrolling box. */
  readonly viewport: HTMLElement;
  /** The list inside it, full height; its children are the rendered rows. */
  readonly list: HTMLUListElement;
  private items: readonly T[] = [];
  private first = 0;
  private last = -1;
  private readonly rows = new Map<number, HTMLElement>();
  private readonly itemOf = new WeakMap<HTMLElement, T>();
  private frame: number | null = null;
  /**
   * The viewport's height and scroll position as last seen (ResizeObserver, scroll events, our own
   * scrolling): rendering after a change to the list never has to wait for a layout to read them.
   */
  private height = 0;
  private top = 0;
  private readonly resize: ResizeObserver | null = null;

  constructor(list: HTMLUListElement, private readonly options: VirtualListOptions<T>) {
    this.list = list;
    this.list.classList.add("vlist-rows");
    this.viewport = el("div", { className: "vlist" }, this.list);
    this.viewport.addEventListener("scroll", () => {
      this.top = this.viewport.scrollTop;
      this.schedule();
    });
    if (typeof ResizeObserver === "function") {
      this.resize = new ResizeObserver((entries) => {
        const height = entries[entries.length - 1]?.contentRect.height ?? 0;
        if (height === this.height) return;
        this.height = height;
        this.schedule();
      });
      this.resize.observe(this.viewport);
    }
  }

  /** Stops watching the viewport's size (the list is gone). */
  dispose(): void {
    this.resize?.disconnect();
    if (this.frame !== null && typeof cancelAnimationFrame === "function") cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  get length(): number {
    return this.items.length;
  }

  itemAt(index: number): T | undefined {
    return this.items[index];
  }

  /** The row of `index` when it is in the DOM. */
  rowAt(index: number): HTMLElement | undefined {
    return this.rows.get(index);
  }

  /** How many rows are in the DOM (for tests and the benchmark). */
  get renderedCount(): number {
    return this.rows.size;
  }

  /** Shows `items`; `keepScroll` false goes back to the top. */
  setItems(items: readonly T[], keepScroll = false): void {
    this.items = items;
    this.list.style.height = `${items.length * this.options.rowHeight}px`;
    if (!keepScroll) this.scrollTo(0);
    else this.top = Math.min(this.top, this.maxScroll());
    // Rows in view for an item still listed are kept (typing into a search mostly keeps the top rows).
    const key = this.options.key ?? ((item: T): unknown => item);
    const kept = new Map<unknown, HTMLElement>();
    for (const row of this.rows.values()) {
      const item = this.itemOf.get(row);
      if (item !== undefined) kept.set(key(item), row);
    }
    this.rows.clear();
    this.first = 0;
    this.last = -1;
    this.render(kept);
    for (const row of kept.values()) {
      row.remove();
      this.itemOf.delete(row);
    }
  }

  /** Builds every visible row again (their content changed, e.g. a favourite star). */
  refresh(): void {
    this.clear();
    this.render();
  }

  /** Scrolls just enough for row `index` to be in view, and returns the row. */
  scrollToIndex(index: number): HTMLElement | undefined {
    if (index < 0 || index >= this.items.length) return undefined;
    const height = this.options.rowHeight;
    const top = index * height;
    const view = this.viewHeight();
    if (top < this.top) this.scrollTo(top);
    else if (top + height > this.top + view) this.scrollTo(top + height - view);
    this.render();
    return this.rows.get(index);
  }

  private scrollTo(top: number): void {
    const clamped = Math.max(0, Math.min(top, this.maxScroll()));
    if (clamped === this.top) return;
    this.top = clamped;
    this.viewport.scrollTop = clamped;
  }

  private maxScroll(): number {
    return Math.max(0, this.items.length * this.options.rowHeight - this.viewHeight());
  }

  private viewHeight(): number {
    if (this.height > 0) return this.height;
    // Before the first size report (or where there is none): ask once the layout has it.
    const height = this.viewport.clientHeight;
    return height > 0 ? height : (this.options.fallbackHeight ?? 600);
  }

  private schedule(): void {
    if (this.frame !== null) return;
    if (typeof requestAnimationFrame !== "function") {
      this.render();
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  private clear(): void {
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.first = 0;
    this.last = -1;
  }

  /** Puts the rows in view (plus overscan) in the DOM and takes out the others; `kept` rows are reused. */
  private render(kept?: Map<unknown, HTMLElement>): void {
    const height = this.options.rowHeight;
    const overscan = this.options.overscan ?? 6;
    const count = this.items.length;
    const scrollTop = this.top;
    const first = Math.max(0, Math.floor(scrollTop / height) - overscan);
    const last = Math.min(count - 1, Math.ceil((scrollTop + this.viewHeight()) / height) + overscan);
    if (first === this.first && last === this.last) return;
    for (const [index, row] of this.rows) {
      if (index < first || index > last) {
        row.remove();
        this.rows.delete(index);
      }
    }
    for (let index = first; index <= last; index++) {
      if (this.rows.has(index)) continue;
      const item = this.items[index];
      if (item === undefined) continue;
      const key = kept === undefined ? undefined : (this.options.key ?? ((i: T): unknown => i))(item);
      const reused = key === undefined ? undefined : kept?.get(key);
      let row: HTMLElement;
      if (reused !== undefined) {
        kept?.delete(key);
        row = reused;
        this.options.update?.(row, item, index);
      } else {
        row = this.options.render(item, index);
      }
      this.itemOf.set(row, item);
      row.id = `${this.options.idPrefix}-${index}`;
      row.dataset["index"] = String(index);
      row.style.top = `${index * height}px`;
      row.style.height = `${height}px`;
      row.setAttribute("aria-setsize", String(count));
      row.setAttribute("aria-posinset", String(index + 1));
      this.rows.set(index, row);
    }
    // In the DOM in list order (screen readers and keyboard order follow it), moving only what is out of place.
    let cursor: ChildNode | null = this.list.firstChild;
    for (let index = first; index <= last; index++) {
      const row = this.rows.get(index);
      if (row === undefined) continue;
      if (row === cursor) cursor = cursor.nextSibling;
      else this.list.insertBefore(row, cursor);
    }
    this.first = first;
    this.last = last;
  }
}
