// A long list of same-height rows where only the rows in view (and a few around them) are in the DOM: the
// model lists hold up to a thousand models, and rebuilding a thousand rows on every keystroke would cost
// far more than finding them. The list element keeps its full height, so the scrollbar reads true.
//
//   <div class="vlist" (scrolls)>  <ul role="listbox" style="height: n × rowHeight">  <li top=i × rowHeight>…
import { el } from "./elements";

export interface VirtualListOptions<T> {
  /** Height of every row in px (CSS gives the rows exactly this height). */
  rowHeight: number;
  /** Builds the row for an item; called again whenever the row comes back into view. */
  render: (item: T, index: number) => HTMLElement;
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
  private frame: number | null = null;

  constructor(list: HTMLUListElement, private readonly options: VirtualListOptions<T>) {
    this.list = list;
    this.list.classList.add("vlist-rows");
    this.viewport = el("div", { className: "vlist" }, this.list);
    this.viewport.addEventListener("scroll", () => this.schedule());
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
    if (!keepScroll) this.viewport.scrollTop = 0;
    this.clear();
    this.render();
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
    const scrollTop = this.viewport.scrollTop;
    if (top < scrollTop) this.viewport.scrollTop = top;
    else if (top + height > scrollTop + view) this.viewport.scrollTop = top + height - view;
    this.render();
    return this.rows.get(index);
  }

  private viewHeight(): number {
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

  /** Puts the rows in view (plus overscan) in the DOM and takes out the others. */
  private render(): void {
    const height = this.options.rowHeight;
    const overscan = this.options.overscan ?? 6;
    const count = this.items.length;
    const scrollTop = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(scrollTop / height) - overscan);
    const last = Math.min(count - 1, Math.ceil((scrollTop + this.viewHeight()) / height) + overscan);
    if (first === this.first && last === this.last) return;
    for (const [index, row] of this.rows) {
      if (index < first || index > last) {
        row.remove();
        this.rows.delete(index);
      }
    }
    const fragment = document.createDocumentFragment();
    for (let index = first; index <= last; index++) {
      if (this.rows.has(index)) continue;
      const item = this.items[index];
      if (item === undefined) continue;
      const row = this.options.render(item, index);
      row.style.top = `${index * height}px`;
      row.style.height = `${height}px`;
      row.setAttribute("aria-setsize", String(count));
      row.setAttribute("aria-posinset", String(index + 1));
      this.rows.set(index, row);
      fragment.append(row);
    }
    this.list.append(fragment);
    this.first = first;
    this.last = last;
  }
}
