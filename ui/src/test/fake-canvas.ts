// Test and benchmark helper: just enough canvas for uPlot to run in jsdom (which has no 2D context, no
// Path2D and no matchMedia). Nothing is painted; every context call is counted, so a test can see that
// bars were filled. Timings taken with it cover uPlot's own work (scales, ticks, paths), not painting.

export interface FakeCanvas {
  /** Calls per context method, e.g. calls.get("fill"). */
  calls: Map<string, number>;
  restore(): void;
}

class FakePath2D {
  constructor(_path?: unknown) {}
  moveTo(): void {}
  lineTo(): void {}
  rect(): void {}
  arc(): void {}
  closePath(): void {}
  addPath(): void {}
  bezierCurveTo(): void {}
  quadraticCurveTo(): void {}
}

export function installFakeCanvas(): FakeCanvas {
  const calls = new Map<string, number>();
  const state: Record<string | symbol, unknown> = {};
  const context = new Proxy(state, {
    get(target, name) {
      if (name in target) return target[name];
      return (...args: unknown[]): unknown => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        if (name === "measureText") return { width: String(args[0] ?? "").length * 6, actualBoundingBoxAscent: 9, actualBoundingBoxDescent: 3 };
        return undefined;
      };
    },
    set(target, name, value) {
      target[name] = value;
      return true;
    },
  });
  const proto = HTMLCanvasElement.prototype as unknown as { getContext: unknown };
  const before = { getContext: proto.getContext, Path2D: (globalThis as Record<string, unknown>)["Path2D"], matchMedia: window.matchMedia };
  proto.getContext = function getContext(): unknown {
    return context;
  };
  (globalThis as Record<string, unknown>)["Path2D"] = FakePath2D;
  const matchMedia = ((query: string) => ({
    matches: false, media: query, onchange: null,
    addEventListener: () => undefined, removeEventListener: () => undefined,
    addListener: () => undefined, removeListener: () => undefined, dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
  // uPlot reads the bare global; the page reads window's (the same object in a browser, not under vitest).
  window.matchMedia = matchMedia;
  (globalThis as Record<string, unknown>)["matchMedia"] = matchMedia;
  return {
    calls,
    restore: () => {
      proto.getContext = before.getContext;
      (globalThis as Record<string, unknown>)["Path2D"] = before.Path2D;
      window.matchMedia = before.matchMedia;
      (globalThis as Record<string, unknown>)["matchMedia"] = before.matchMedia;
    },
  };
}
