// Test-only: a tiny layout engine for one scrolling element in jsdom (which lays nothing out). Its
// children stack top to bottom: an element with an inline height (a spacer) takes that height, any other
// takes `heightOf(child)`. clientHeight, scrollHeight and a clamped scrollTop follow from that, and
// getBoundingClientRect() of a child gives its place in the viewport.

export interface FakeLayout {
  /** The child's top within the scrolled content. */
  topOf(child: Element): number;
  /** The child's top relative to the viewport (0 = at the top edge of the visible area). */
  viewportTopOf(child: Element): number;
  /** Scrolls as a user does: sets scrollTop and fires scroll (after a wheel event when going up). */
  scrollTo(top: number): void;
  readonly maxScroll: number;
  restore(): void;
}

const patched = new Map<Element, (child: HTMLElement) => number>();
let originalRect: typeof HTMLElement.prototype.getBoundingClientRect | null = null;

function heightOfChild(child: Element, heightOf: (child: HTMLElement) => number): number {
  if (!(child instanceof HTMLElement)) return 0;
  if (child.style.height !== "") return parseFloat(child.style.height) || 0;
  return child.hidden ? 0 : heightOf(child);
}

function contentHeight(root: Element, heightOf: (child: HTMLElement) => number): number {
  let sum = 0;
  for (const child of Array.from(root.children)) sum += heightOfChild(child, heightOf);
  return sum;
}

export function fakeLayout(root: HTMLElement, viewport: number, heightOf: (child: HTMLElement) => number): FakeLayout {
  let scrollTop = 0;
  const max = (): number => Math.max(0, contentHeight(root, heightOf) - viewport);
  Object.defineProperty(root, "clientHeight", { configurable: true, get: () => viewport });
  Object.defineProperty(root, "scrollHeight", { configurable: true, get: () => Math.max(viewport, contentHeight(root, heightOf)) });
  Object.defineProperty(root, "scrollTop", {
    configurable: true,
    get: () => scrollTop,
    set: (value: number) => {
      scrollTop = Math.max(0, Math.min(Number(value) || 0, max()));
    },
  });
  patched.set(root, heightOf);
  if (originalRect === null) {
    originalRect = HTMLElement.prototype.getBoundingClientRect;
    HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement): DOMRect {
      const parent = this.parentElement;
      const measure = parent ? patched.get(parent) : undefined;
      if (parent === null || measure === undefined) return (originalRect as () => DOMRect).call(this);
      const height = heightOfChild(this, measure);
      const top = topWithin(parent, this, measure) - parent.scrollTop;
      return { x: 0, y: top, top, left: 0, right: 600, bottom: top + height, width: 600, height, toJSON: () => ({}) } as DOMRect;
    };
  }

  function topWithin(parent: Element, child: Element, measure: (child: HTMLElement) => number): number {
    let top = 0;
    for (const sibling of Array.from(parent.children)) {
      if (sibling === child) return top;
      top += heightOfChild(sibling, measure);
    }
    return top;
  }

  return {
    topOf: (child) => topWithin(root, child, heightOf),
    viewportTopOf: (child) => topWithin(root, child, heightOf) - root.scrollTop,
    scrollTo(top: number): void {
      if (top < root.scrollTop) root.dispatchEvent(new WheelEvent("wheel", { deltaY: -100 }));
      root.scrollTop = top;
      root.dispatchEvent(new Event("scroll"));
    },
    get maxScroll() {
      return max();
    },
    restore(): void {
      patched.delete(root);
      for (const name of ["clientHeight", "scrollHeight", "scrollTop"]) delete (root as unknown as Record<string, unknown>)[name];
      if (patched.size === 0 && originalRect !== null) {
        HTMLElement.prototype.getBoundingClientRect = originalRect;
        originalRect = null;
      }
    },
  };
}
