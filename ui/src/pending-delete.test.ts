import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PendingDelete } from "./pending-delete";

type Item = { id: number };

let committed: number[];
let target: EventTarget;
let pending: PendingDelete<Item>;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  committed = [];
  target = new EventTarget();
  pending = new PendingDelete<Item>({ delayMs: 6000, commit: (item) => committed.push(item.id), target: target as Window });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("PendingDelete", () => {
  it("commits once when the time is up", () => {
    pending.start({ id: 1 });
    expect(pending.has(1)).toBe(true);
    vi.advanceTimersByTime(5999);
    expect(committed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(committed).toEqual([1]);
    expect(pending.item).toBeNull();
    target.dispatchEvent(new Event("pagehide"));
    vi.advanceTimersByTime(60_000);
    expect(committed).toEqual([1]);
  });

  it("undo gives the item back and nothing is ever committed", () => {
    pending.start({ id: 1 });
    expect(pending.undo()).toEqual({ id: 1 });
    expect(pending.undo()).toBeNull();
    target.dispatchEvent(new Event("pagehide"));
    vi.advanceTimersByTime(60_000);
    expect(committed).toEqual([]);
  });

  it("a second delete commits the first at once", () => {
    pending.start({ id: 1 });
    pending.start({ id: 2 });
    expect(committed).toEqual([1]);
    expect(pending.has(2)).toBe(true);
    vi.advanceTimersByTime(6000);
    expect(committed).toEqual([1, 2]);
  });

  it("commits when the page goes away, and only then", () => {
    pending.start({ id: 3 });
    target.dispatchEvent(new Event("beforeunload"));
    target.dispatchEvent(new Event("pagehide"));
    vi.advanceTimersByTime(60_000);
    expect(committed).toEqual([3]);
  });

  it("discard forgets without committing", () => {
    pending.start({ id: 4 });
    pending.discard();
    vi.advanceTimersByTime(60_000);
    target.dispatchEvent(new Event("pagehide"));
    expect(committed).toEqual([]);
  });
});
