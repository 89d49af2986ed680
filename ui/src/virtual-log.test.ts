// The virtual list on its own, over a faked layout: only what is near the viewport is in the DOM, the
// reader's place holds when older items come in above or heights turn out different from the guess, the
// bottom is followed while at it, and any item can be brought into view.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeLayout, type FakeLayout } from "./test/fake-layout";
import { VirtualLog, type LogItem } from "./views/virtual-log";

const VIEWPORT = 600;

/** Real heights vary from 40 to 400 px; the estimate is always 100. */
function realHeight(index: number): number {
  return 40 + ((index * 37) % 361);
}

let root: HTMLElement;
let layout: FakeLayout;
let built: number;
/** Heights of the items by key, changeable (a growing reply). */
const heights = new Map<string, number>();

function item(index: number): LogItem {
  const key = `i${index}`;
  heights.set(key, realHeight(index));
  return {
    key,
    estimate: 100,
    build: () => {
      built += 1;
      const element = document.createElement("article");
      element.dataset["key"] = key;
      element.textContent = `Item ${index}`;
      return element;
    },
  };
}

function items(from: number, to: number): LogItem[] {
  const list: LogItem[] = [];
  for (let i = from; i < to; i++) list.push(item(i));
  return list;
}

function articles(): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>("article"));
}

function articleOf(index: number): HTMLElement | null {
  return root.querySelector<HTMLElement>(`article[data-key="i${index}"]`);
}

/** The items visible in the viewport, by index. */
function visible(): number[] {
  return articles()
    .filter((article) => {
      const top = layout.viewportTopOf(article);
      return top + (heights.get(article.dataset["key"] ?? "") ?? 0) > 0 && top < VIEWPORT;
    })
    .map((article) => Number(article.dataset["key"]?.slice(1)));
}

beforeEach(() => {
  document.body.replaceChildren();
  heights.clear();
  built = 0;
  root = document.createElement("div");
  document.body.append(root);
  layout = fakeLayout(root, VIEWPORT, (child) => heights.get(child.dataset["key"] ?? "") ?? 30);
});

afterEach(() => layout.restore());

describe("the virtual log", () => {
  it("keeps the DOM small with 5,000 items, wherever the reader scrolls", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 5000));
    expect(log.size).toBe(5000);
    expect(articles().length).toBeGreaterThan(0);
    expect(articles().length).toBeLessThan(40);
    expect(visible()).toContain(4999);
    expect(root.scrollTop).toBe(layout.maxScroll);
    const counts: number[] = [];
    for (const fraction of [0.9, 0.5, 0.25, 0, 0.75]) {
      layout.scrollTo(layout.maxScroll * fraction);
      counts.push(articles().length);
      expect(visible().length).toBeGreaterThan(0);
    }
    expect(Math.max(...counts)).toBeLessThan(40);
    layout.scrollTo(0);
    expect(visible()[0]).toBe(0);
    expect(layout.viewportTopOf(articleOf(0) as HTMLElement)).toBe(0);
    // The rendered run is contiguous and in order, between its two spacers.
    const keys = articles().map((article) => Number(article.dataset["key"]?.slice(1)));
    expect(keys).toEqual(keys.map((_, i) => (keys[0] ?? 0) + i));
  });

  it("measures what it renders: the scroll height ends up the real one at the bottom", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 300));
    let real = 0;
    for (let i = 0; i < 300; i++) real += realHeight(i);
    // Scroll through everything once: every item has been measured.
    for (let top = 0; top <= layout.maxScroll; top += 400) layout.scrollTo(top);
    layout.scrollTo(layout.maxScroll);
    expect(root.scrollHeight).toBe(real);
  });

  it("keeps the reader's place when older items are put in above", () => {
    let nearTop = 0;
    const log = new VirtualLog(root, { onNearTop: () => (nearTop += 1) });
    log.reset(items(1000, 1100), { hasOlder: true });
    layout.scrollTo(0);
    expect(nearTop).toBeGreaterThan(0);
    const anchor = articleOf(1000) as HTMLElement;
    const before = layout.viewportTopOf(anchor);
    log.prepend(items(900, 1000));
    expect(articleOf(1000)).toBe(anchor);
    expect(layout.viewportTopOf(anchor)).toBe(before);
    expect(root.scrollTop).toBeGreaterThan(0);
    // Scrolling up into the new items measures them (their real heights differ from the estimate);
    // what is on screen stays on screen.
    for (let step = 0; step < 20; step++) {
      const shown = visible()[0] as number;
      const element = articleOf(shown) as HTMLElement;
      const top = layout.viewportTopOf(element);
      layout.scrollTo(root.scrollTop - 150);
      expect(layout.viewportTopOf(element)).toBeCloseTo(top + 150, 0);
    }
  });

  it("keeps a scroll whose event has not arrived yet when older items come in", () => {
    const log = new VirtualLog(root);
    log.reset(items(1000, 1100), { hasOlder: true });
    layout.scrollTo(2000);
    const shown = articleOf(visible()[0] as number) as HTMLElement;
    const top = layout.viewportTopOf(shown);
    root.scrollTop = root.scrollTop - 300; // scrolled, its scroll event still queued
    log.prepend(items(900, 1000));
    expect(layout.viewportTopOf(shown)).toBe(top + 300);
    root.dispatchEvent(new Event("scroll"));
    expect(layout.viewportTopOf(shown)).toBe(top + 300);
  });

  it("keeps what was on screen in place after a jump past the rendered items (coalesced scroll events)", () => {
    const log = new VirtualLog(root);
    const list = items(0, 400);
    // Exactly as estimated, except the five just above where the view will be: much shorter.
    for (let i = 0; i < 400; i++) heights.set(`i${i}`, i >= 170 && i < 175 ? 40 : 100);
    log.reset(list);
    log.scrollToItem("i180", "start");
    const shown = articleOf(180) as HTMLElement;
    const top = layout.viewportTopOf(shown);
    expect(articleOf(174)).toBeNull(); // never rendered, never measured
    // 580 px up in two moves with one scroll event: the new top lies among items never measured.
    root.scrollTop = root.scrollTop - 290;
    layout.scrollTo(root.scrollTop - 290);
    expect(articleOf(174)).not.toBeNull();
    expect(layout.viewportTopOf(shown)).toBe(top + 580);
  });

  it("lets go of the bottom on the smallest scroll up", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 200));
    root.scrollTop = root.scrollTop - 5;
    root.dispatchEvent(new Event("scroll"));
    expect(log.atBottom).toBe(false);
    heights.set("i199", (heights.get("i199") ?? 0) + 300);
    log.refresh();
    expect(root.scrollTop).toBeLessThan(layout.maxScroll);
    layout.scrollTo(layout.maxScroll);
    expect(log.atBottom).toBe(true);
  });

  it("follows the bottom while an item grows, unless the reader scrolled up", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 200));
    const last = articleOf(199) as HTMLElement;
    for (let i = 0; i < 5; i++) {
      heights.set("i199", (heights.get("i199") ?? 0) + 300);
      log.refresh();
      expect(root.scrollTop).toBe(layout.maxScroll);
      expect(layout.viewportTopOf(last) + (heights.get("i199") ?? 0)).toBe(VIEWPORT);
    }
    expect(log.atBottom).toBe(true);
    layout.scrollTo(root.scrollTop - 500);
    expect(log.atBottom).toBe(false);
    const shown = articleOf(visible()[0] as number) as HTMLElement;
    const top = layout.viewportTopOf(shown);
    for (let i = 0; i < 5; i++) {
      heights.set("i199", (heights.get("i199") ?? 0) + 300);
      log.refresh();
    }
    expect(layout.viewportTopOf(shown)).toBe(top);
    expect(root.scrollTop).toBeLessThan(layout.maxScroll);
    // Back at the bottom: followed again.
    layout.scrollTo(layout.maxScroll);
    heights.set("i199", (heights.get("i199") ?? 0) + 300);
    log.refresh();
    expect(root.scrollTop).toBe(layout.maxScroll);
  });

  it("brings any item into view, centred, rendering it and its neighbours only", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 5000));
    const element = log.scrollToItem("i2500");
    expect(element).toBe(articleOf(2500));
    const top = layout.viewportTopOf(element as HTMLElement);
    expect(Math.abs(top + realHeight(2500) / 2 - VIEWPORT / 2)).toBeLessThan(1);
    expect(articles().length).toBeLessThan(40);
    expect(log.atBottom).toBe(false);
    expect(log.scrollToItem("nope")).toBeNull();
  });

  it("opens at an item, and asks for newer items near the bottom but never sticks there while they exist", () => {
    let nearBottom = 0;
    const log = new VirtualLog(root, { onNearBottom: () => (nearBottom += 1) });
    log.reset(items(0, 101), { hasOlder: true, hasNewer: true, at: "i50" });
    expect(visible()).toContain(50);
    expect(nearBottom).toBe(0);
    layout.scrollTo(layout.maxScroll);
    expect(nearBottom).toBeGreaterThan(0);
    expect(log.atBottom).toBe(false);
    const shown = articleOf(visible()[0] as number) as HTMLElement;
    const top = layout.viewportTopOf(shown);
    log.append(items(101, 200));
    expect(layout.viewportTopOf(shown)).toBe(top);
  });

  it("reuses built elements when the reader scrolls back, up to its cache size", () => {
    const log = new VirtualLog(root, { cacheSize: 1000 });
    log.reset(items(0, 2000));
    const first = built;
    const bottom = articleOf(1999);
    layout.scrollTo(0);
    const afterTop = built;
    expect(afterTop).toBeGreaterThan(first);
    layout.scrollTo(layout.maxScroll);
    expect(built).toBe(afterTop);
    expect(articleOf(1999)).toBe(bottom);

    const small = new VirtualLog(root, { cacheSize: 0 });
    small.reset(items(0, 2000));
    const bottomAgain = articleOf(1999);
    layout.scrollTo(0);
    layout.scrollTo(layout.maxScroll);
    expect(articleOf(1999)).not.toBe(bottomAgain);
  });

  it("replaces, renames and removes items in place", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 10));
    const other = document.createElement("article");
    other.dataset["key"] = "x";
    heights.set("x", 77);
    log.replace("i9", { key: "x", estimate: 50, build: () => other });
    expect(articles().at(-1)).toBe(other);
    log.rekey("x", "y");
    expect(log.has("y") && !log.has("x")).toBe(true);
    expect(log.elementOf("y")).toBe(other);
    log.remove(["y", "i8"]);
    expect(log.keys()).toEqual(items(0, 8).map((i) => i.key));
    expect(articles().at(-1)?.dataset["key"]).toBe("i7");
    expect(articles().length).toBeLessThanOrEqual(8);
    expect(root.scrollTop).toBe(layout.maxScroll);
  });

  it("shows a placeholder instead of the items, and the items again after", () => {
    const log = new VirtualLog(root);
    log.reset(items(0, 3));
    const note = document.createElement("p");
    log.setPlaceholder(note);
    expect(Array.from(root.children)).toEqual([note]);
    expect(log.showsPlaceholder).toBe(true);
    log.setPlaceholder(null);
    expect(articles()).toHaveLength(3);
  });
});
