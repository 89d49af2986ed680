// A scrolling list that keeps only the items in and near the viewport in the DOM, for conversations of
// thousands of messages. Items have any height: each is measured once it is rendered (and again when it
// changes size), the ones never rendered count with an estimate, and two spacers stand in for everything
// above and below the rendered run.
//
// Where the reader is stays put: the list remembers which item is at the top of the viewport and how far
// into it, and after anything changes (older items put in above, heights measured, a reply growing) it
// scrolls so that item is back at the same spot. Or, when the reader was at the bottom, it stays at the
// bottom (a reply streaming in), until the reader scrolls up.
//
// Geometry comes from the list's own model (the sum of heights), not from scrollHeight, so it is the same
// in a browser and in a test with a faked layout.

export interface LogItem {
  /** Unique in the list; may change once (`rekey`: a new message gets its id). */
  key: string;
  /** Builds the element. Called when the item first comes near the viewport, again only if evicted. */
  build: () => HTMLElement;
  /** Height in px to assume until the item has been rendered and measured. */
  estimate: number;
}

export interface VirtualLogOptions {
  /** Near the top of what is loaded while `hasOlder`: load more above (the list may ask again). */
  onNearTop?: () => void;
  /** Near the bottom while `hasNewer`. */
  onNearBottom?: () => void;
  /** Elements kept built beyond those rendered, most recently used first (scrolling back is free). */
  cacheSize?: number;
}

interface Entry {
  item: LogItem;
  /** Measured height, margins included; null until rendered once. */
  height: number | null;
}

interface Anchor {
  key: string;
  /** Viewport top minus the item's top, px. */
  offset: number;
}

/** Rendered beyond the viewport on each side, in viewport heights. */
const OVERSCAN = 0.75;
/** Ask for more when what is loaded ends within this many viewport heights. */
const LOAD_AHEAD = 1.5;
/** Within this many px of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24;
/** Used while the list is not laid out (hidden, or in a test without layout). */
const FALLBACK_VIEWPORT_PX = 800;
const DEFAULT_CACHE = 300;

export class VirtualLog {
  /** Older items exist beyond the first one (the owner sets it as pages arrive). */
  hasOlder = false;
  /** Newer items exist beyond the last one. */
  hasNewer = false;
  private entries: Entry[] = [];
  private readonly indexOf = new Map<string, number>();
  /** Tops of the entries: tops[i] = sum of heights before i; tops[n] = total. */
  private tops: number[] = [0];
  private topsValid = true;
  private readonly topSpacer: HTMLElement;
  private readonly bottomSpacer: HTMLElement;
  /** Keys rendered between the spacers, in order. */
  private rendered: string[] = [];
  /** Built elements by key, least recently used first. */
  private readonly cache = new Map<string, HTMLElement>();
  private readonly cacheSize: number;
  private placeholder: HTMLElement | null = null;
  private stick = true;
  private anchor: Anchor | null = null;
  /** The list's own padding, read once per layout. */
  private pad = { top: 0, bottom: 0 };
  /** scrollTop as the list last saw or set it. */
  private seenScrollTop = 0;
  private laying = false;
  private readonly resizeObserver: ResizeObserver | null;

  constructor(readonly root: HTMLElement, private readonly options: VirtualLogOptions = {}) {
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE;
    this.topSpacer = spacer();
    this.bottomSpacer = spacer();
    root.style.overflowAnchor = "none"; // the list keeps its own anchor; the browser's would move it twice
    root.addEventListener("scroll", () => this.onScroll(), { passive: true });
    // Scrolling up by hand lets go of the bottom at once, before a streaming reply pulls it back down.
    root.addEventListener("wheel", (event) => {
      if (event.deltaY < 0) this.stick = false;
    }, { passive: true });
    root.addEventListener("touchmove", () => {
      this.stick = false;
    }, { passive: true });
    root.addEventListener("keydown", (event) => {
      if (["ArrowUp", "PageUp", "Home"].includes(event.key)) this.stick = false;
    });
    root.addEventListener("pointerdown", (event) => {
      if (event.target === root) this.stick = false; // the scroll bar
    });
    this.resizeObserver = typeof ResizeObserver === "function"
      ? new ResizeObserver((changes) => {
        if (this.laying) return;
        // A scroll whose event is still on its way counts first (see noteScroll).
        this.noteScroll();
        // The list itself resized (window, banner, composer): stay at the bottom or by the anchor.
        const resized = changes.some((change) => change.target === this.root);
        if (this.measureRendered() || resized) this.layout();
      })
      : null;
    this.resizeObserver?.observe(root);
  }

  // -------------------------------------------------------------------------
  // Content

  get size(): number {
    return this.entries.length;
  }

  has(key: string): boolean {
    return this.indexOf.has(key);
  }

  /** Keys in order (for the owner's bookkeeping and tests). */
  keys(): string[] {
    return this.entries.map((entry) => entry.item.key);
  }

  /** The element of `key` if it is built (rendered or cached). */
  elementOf(key: string): HTMLElement | null {
    return this.cache.get(key) ?? null;
  }

  /**
   * Replaces everything: a conversation was opened. The view goes to the bottom, or with `at` to that
   * item, centred.
   */
  reset(items: readonly LogItem[], flags: { hasOlder?: boolean; hasNewer?: boolean; at?: string } = {}): void {
    for (const key of this.rendered) this.cache.get(key)?.remove();
    this.rendered = [];
    this.cache.clear();
    this.resizeObserver?.disconnect();
    this.resizeObserver?.observe(this.root);
    this.entries = items.map((item) => ({ item, height: null }));
    this.reindex();
    this.hasOlder = flags.hasOlder ?? false;
    this.hasNewer = flags.hasNewer ?? false;
    this.placeholder = null;
    this.stick = !this.hasNewer;
    this.anchor = null;
    this.root.replaceChildren(this.topSpacer, this.bottomSpacer);
    this.root.scrollTop = 0;
    if (flags.at !== undefined && this.indexOf.has(flags.at)) this.scrollToItem(flags.at);
    else this.layout();
  }

  /** Shows `element` instead of the items (an empty state, a loading note); null puts the items back. */
  setPlaceholder(element: HTMLElement | null): void {
    this.placeholder = element;
    if (element !== null) {
      this.rendered = [];
      this.resizeObserver?.disconnect();
      this.resizeObserver?.observe(this.root);
      this.root.replaceChildren(element);
      return;
    }
    this.root.replaceChildren(this.topSpacer, this.bottomSpacer);
    this.layout();
  }

  get showsPlaceholder(): boolean {
    return this.placeholder !== null;
  }

  /** Older items, put in above without moving what the reader sees. */
  prepend(items: readonly LogItem[]): void {
    this.noteScroll();
    const fresh = items.filter((item) => !this.indexOf.has(item.key));
    if (fresh.length === 0) {
      this.layout();
      return;
    }
    this.entries.splice(0, 0, ...fresh.map((item) => ({ item, height: null })));
    this.reindex();
    this.layout();
  }

  /** Newer items at the end. A reader at the bottom stays at the bottom. */
  append(items: readonly LogItem[]): void {
    this.noteScroll();
    const fresh = items.filter((item) => !this.indexOf.has(item.key));
    this.entries.push(...fresh.map((item) => ({ item, height: null })));
    this.reindex();
    this.layout();
  }

  /** Puts `item` where `key` was (a retried reply); its height is measured afresh. */
  replace(key: string, item: LogItem): void {
    const index = this.indexOf.get(key);
    if (index === undefined) return;
    this.noteScroll();
    const old = this.cache.get(key);
    const wasRendered = this.rendered.indexOf(key);
    this.cache.delete(key);
    this.entries[index] = { item, height: null };
    this.reindex();
    if (this.anchor?.key === key) this.anchor.key = item.key;
    if (wasRendered >= 0 && old) {
      const element = this.elementFor(item);
      if (old !== element) {
        this.resizeObserver?.unobserve(old);
        old.replaceWith(element);
        this.resizeObserver?.observe(element);
      }
      this.rendered[wasRendered] = item.key;
    }
    this.layout();
  }

  /** The item `from` is now called `to` (its element and height stay). */
  rekey(from: string, to: string): void {
    const index = this.indexOf.get(from);
    const entry = index === undefined ? undefined : this.entries[index];
    if (index === undefined || entry === undefined || this.indexOf.has(to)) return;
    entry.item = { ...entry.item, key: to };
    this.indexOf.delete(from);
    this.indexOf.set(to, index);
    const element = this.cache.get(from);
    if (element) {
      this.cache.delete(from);
      this.cache.set(to, element);
    }
    this.rendered = this.rendered.map((key) => (key === from ? to : key));
    if (this.anchor?.key === from) this.anchor.key = to;
  }

  remove(keys: readonly string[]): void {
    const gone = new Set(keys.filter((key) => this.indexOf.has(key)));
    if (gone.size === 0) return;
    this.noteScroll();
    for (const key of gone) {
      const element = this.cache.get(key);
      if (element) {
        this.resizeObserver?.unobserve(element);
        element.remove();
      }
      this.cache.delete(key);
    }
    this.rendered = this.rendered.filter((key) => !gone.has(key));
    this.entries = this.entries.filter((entry) => !gone.has(entry.item.key));
    if (this.anchor !== null && gone.has(this.anchor.key)) this.anchor = null;
    this.reindex();
    this.layout();
  }

  // -------------------------------------------------------------------------
  // Scrolling

  /** True while the view follows the bottom (new text scrolls into view). */
  get atBottom(): boolean {
    return this.stick;
  }

  /** To the end, and stay there as items grow. */
  scrollToBottom(): void {
    this.stick = true;
    this.layout();
  }

  /**
   * Brings `key` into view (centred, or at the top) and renders it; returns its element, or null when it is
   * not in the list.
   */
  scrollToItem(key: string, block: "center" | "start" = "center"): HTMLElement | null {
    if (!this.indexOf.has(key) || this.placeholder !== null) return null;
    this.stick = false;
    // Twice: the first pass renders and measures it, the second places it by its real height.
    for (let pass = 0; pass < 2; pass++) {
      const index = this.indexOf.get(key) ?? 0;
      const height = this.heightAt(index);
      const viewport = this.viewportHeight();
      const offset = block === "center" ? -Math.max(0, (viewport - height) / 2) : 0;
      this.anchor = { key, offset };
      this.layout();
    }
    return this.cache.get(key) ?? null;
  }

  /** Something inside the rendered items changed size (a streaming reply): measure and keep the place. */
  refresh(): void {
    this.noteScroll();
    this.layout();
  }

  // -------------------------------------------------------------------------
  // Layout

  private onScroll(): void {
    if (this.laying || this.placeholder !== null) return;
    this.noteScroll();
    this.layout();
  }

  /**
   * Takes in where the reader scrolled to, if that changed since the list last looked: the scroll event
   * may still be on its way when a page arrives or a reply grows, and the list must not put the reader
   * back where they were a moment ago. Called before the model changes, while it still matches the DOM.
   */
  private noteScroll(): void {
    if (this.placeholder !== null) return;
    const scrollTop = this.root.scrollTop;
    if (Math.abs(scrollTop - this.seenScrollTop) < 0.5) return;
    this.pad = this.readPadding();
    // Any move up lets go of the bottom; reaching it (going down) holds on again. The end of what is
    // loaded is not the end while newer items exist: nothing to follow there.
    const up = scrollTop < this.seenScrollTop;
    this.stick = !up && !this.hasNewer && this.distanceFromBottom(scrollTop) <= BOTTOM_SLACK_PX;
    this.captureAnchor(scrollTop);
    this.seenScrollTop = scrollTop;
  }

  private layout(): void {
    if (this.placeholder !== null || this.laying) return;
    this.laying = true;
    this.pad = this.readPadding();
    try {
      this.measureRendered();
      // Spacers first, so the scroll height is already right where the place is restored.
      this.syncSpacers();
      this.restoreScroll();
      // Rendering measures new items, which may move the place; a few rounds settle it.
      for (let round = 0; round < 4; round++) {
        const changedDom = this.renderRange(this.rangeFor(this.root.scrollTop));
        const changedHeights = this.measureRendered();
        if (!changedDom && !changedHeights) break;
        this.syncSpacers();
        this.restoreScroll();
      }
      this.seenScrollTop = this.root.scrollTop;
      this.captureAnchor(this.seenScrollTop);
      this.evict();
    } finally {
      this.laying = false;
    }
    this.checkEdges();
  }

  /** Scrolls to the bottom when sticking, else to the anchor's place. */
  private restoreScroll(): void {
    const padTop = this.pad.top;
    let target: number | null = null;
    if (this.stick) {
      // The real scroll height where there is one (a browser), so the very end shows.
      const end = Math.max(this.contentHeight(), this.root.scrollHeight);
      target = Math.max(0, end - this.viewportHeight());
    } else if (this.anchor !== null) {
      const index = this.indexOf.get(this.anchor.key);
      if (index !== undefined) target = Math.max(0, padTop + this.top(index) + this.anchor.offset);
    }
    if (target !== null && Math.abs(this.root.scrollTop - target) >= 0.5) this.root.scrollTop = target;
  }

  private captureAnchor(scrollTop: number): void {
    if (this.entries.length === 0) {
      this.anchor = null;
      return;
    }
    const y = scrollTop - this.pad.top;
    let index = Math.min(this.entries.length - 1, this.indexAt(Math.max(0, y)));
    // The first item in view that has been measured: its place on screen is real, while an estimated
    // one (scrolled to in one jump, its scroll events coalesced) moves once it is rendered and measured.
    const bottom = y + this.viewportHeight();
    for (let i = index; i < this.entries.length && this.top(i) < bottom; i++) {
      if (this.entries[i]?.height !== null) {
        index = i;
        break;
      }
    }
    const entry = this.entries[index];
    if (entry) this.anchor = { key: entry.item.key, offset: y - this.top(index) };
  }

  private rangeFor(scrollTop: number): { start: number; end: number } {
    const n = this.entries.length;
    if (n === 0) return { start: 0, end: 0 };
    const viewport = this.viewportHeight();
    const y = scrollTop - this.pad.top;
    const from = Math.max(0, y - viewport * OVERSCAN);
    const to = y + viewport * (1 + OVERSCAN);
    const start = Math.min(n - 1, this.indexAt(from));
    let end = start + 1;
    while (end < n && this.top(end) < to) end++;
    return { start, end };
  }

  /** Makes the DOM hold exactly the items start..end, moving as few nodes as it can. Returns true if it changed. */
  private renderRange(range: { start: number; end: number }): boolean {
    const wanted = this.entries.slice(range.start, range.end);
    const wantedKeys = new Set(wanted.map((entry) => entry.item.key));
    let changed = false;
    for (const key of this.rendered) {
      if (wantedKeys.has(key)) continue;
      const element = this.cache.get(key);
      if (element) {
        this.resizeObserver?.unobserve(element);
        element.remove();
      }
      changed = true;
    }
    let previous: Node = this.topSpacer;
    for (const entry of wanted) {
      const element = this.elementFor(entry.item);
      if (previous.nextSibling !== element) {
        this.root.insertBefore(element, previous.nextSibling);
        this.resizeObserver?.observe(element);
        changed = true;
      }
      previous = element;
    }
    this.rendered = wanted.map((entry) => entry.item.key);
    this.setSpacers(range.start, range.end);
    return changed;
  }

  /** Spacer heights for the rendered run as the model now has it (after heights or items changed). */
  private syncSpacers(): void {
    const first = this.rendered[0];
    const last = this.rendered[this.rendered.length - 1];
    const start = first === undefined ? undefined : this.indexOf.get(first);
    const end = last === undefined ? undefined : this.indexOf.get(last);
    if (start === undefined || end === undefined) this.setSpacers(this.entries.length, this.entries.length);
    else this.setSpacers(start, end + 1);
  }

  private setSpacers(start: number, end: number): void {
    this.topSpacer.style.height = `${this.top(start)}px`;
    this.bottomSpacer.style.height = `${Math.max(0, this.contentTotal() - this.top(end))}px`;
  }

  /** Measures the rendered items; true when a height changed. */
  private measureRendered(): boolean {
    let changed = false;
    for (const key of this.rendered) {
      const element = this.cache.get(key);
      const index = this.indexOf.get(key);
      const entry = index === undefined ? undefined : this.entries[index];
      if (!element || !entry || !element.isConnected) continue;
      const height = outerHeight(element);
      // An element not laid out (display: none, or no layout engine) keeps its estimate.
      if (height <= 0) continue;
      if (entry.height === null || Math.abs(entry.height - height) >= 0.5) {
        entry.height = height;
        this.topsValid = false;
        changed = true;
      }
    }
    return changed;
  }

  private checkEdges(): void {
    if (this.placeholder !== null) return;
    const scrollTop = this.root.scrollTop;
    const ahead = this.viewportHeight() * LOAD_AHEAD;
    if (this.hasOlder && scrollTop - this.pad.top < ahead) this.options.onNearTop?.();
    if (this.hasNewer && this.distanceFromBottom(scrollTop) < ahead) this.options.onNearBottom?.();
  }

  private evict(): void {
    if (this.cache.size <= this.cacheSize + this.rendered.length) return;
    const rendered = new Set(this.rendered);
    for (const key of Array.from(this.cache.keys())) {
      if (this.cache.size <= this.cacheSize + rendered.size) break;
      if (!rendered.has(key)) this.cache.delete(key);
    }
  }

  private elementFor(item: LogItem): HTMLElement {
    let element = this.cache.get(item.key);
    if (element) {
      this.cache.delete(item.key); // most recently used goes last
    } else {
      element = item.build();
    }
    this.cache.set(item.key, element);
    return element;
  }

  // -------------------------------------------------------------------------
  // Geometry of the model

  private reindex(): void {
    this.indexOf.clear();
    this.entries.forEach((entry, index) => this.indexOf.set(entry.item.key, index));
    this.topsValid = false;
  }

  private heightAt(index: number): number {
    const entry = this.entries[index];
    if (!entry) return 0;
    return entry.height ?? entry.item.estimate;
  }

  private top(index: number): number {
    if (!this.topsValid) {
      const tops = new Array<number>(this.entries.length + 1);
      tops[0] = 0;
      for (let i = 0; i < this.entries.length; i++) tops[i + 1] = (tops[i] ?? 0) + this.heightAt(i);
      this.tops = tops;
      this.topsValid = true;
    }
    return this.tops[Math.max(0, Math.min(index, this.entries.length))] ?? 0;
  }

  private contentTotal(): number {
    return this.top(this.entries.length);
  }

  /** The scrollable height: items and the list's padding. */
  private contentHeight(): number {
    return this.pad.top + this.contentTotal() + this.pad.bottom;
  }

  /** The entry at model offset `y` (the last one whose top is at or above it). */
  private indexAt(y: number): number {
    this.top(0);
    let low = 0;
    let high = this.entries.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.tops[middle] ?? 0) <= y) low = middle;
      else high = middle - 1;
    }
    return Math.max(0, low);
  }

  private distanceFromBottom(scrollTop: number): number {
    return this.contentHeight() - (scrollTop + this.viewportHeight());
  }

  private viewportHeight(): number {
    const height = this.root.clientHeight;
    return height > 0 ? height : FALLBACK_VIEWPORT_PX;
  }

  private readPadding(): { top: number; bottom: number } {
    const style = this.root.ownerDocument.defaultView?.getComputedStyle(this.root);
    return { top: px(style?.paddingTop), bottom: px(style?.paddingBottom) };
  }
}

function spacer(): HTMLElement {
  const element = document.createElement("div");
  element.className = "log-spacer";
  element.setAttribute("aria-hidden", "true");
  return element;
}

/** Border-box height plus vertical margins: the space the element takes in the list. */
function outerHeight(element: HTMLElement): number {
  const height = element.getBoundingClientRect().height;
  if (height <= 0) return 0;
  const style = element.ownerDocument.defaultView?.getComputedStyle(element);
  return height + px(style?.marginTop) + px(style?.marginBottom);
}

function px(value: string | undefined): number {
  const parsed = parseFloat(value ?? "");
  return Number.isFinite(parsed) ? parsed : 0;
}
