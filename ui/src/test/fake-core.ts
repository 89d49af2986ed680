// Test-only stand-in for the Rust core behind @tauri-apps/api: records every invoke, answers from
// per-command handlers, and lets a test push StreamEvents into the Channel a command was given.
import type { ConversationCursor, ConversationPage, ConversationSummary, StreamEvent } from "../api";
import { listOrder } from "../conversation-pages";

type Callback = (message: unknown) => void;
type Handler = (args: Record<string, unknown>) => unknown;

export interface Call {
  command: string;
  args: Record<string, unknown>;
}

export class FakeCore {
  readonly calls: Call[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly callbacks = new Map<number, Callback>();
  private nextCallback = 1;

  install(): this {
    const internals = {
      transformCallback: (callback: Callback): number => {
        const id = this.nextCallback++;
        this.callbacks.set(id, callback);
        return id;
      },
      unregisterCallback: (id: number): void => {
        this.callbacks.delete(id);
      },
      invoke: async (command: string, args: Record<string, unknown> = {}): Promise<unknown> => {
        this.calls.push({ command, args });
        const handler = this.handlers.get(command);
        if (!handler) throw `command ${command} not found`;
        return handler(args);
      },
    };
    (window as unknown as { __TAURI_INTERNALS__: typeof internals }).__TAURI_INTERNALS__ = internals;
    return this;
  }

  /** Answers `command` with `handler(args)`; a thrown value becomes the rejection. */
  on(command: string, handler: Handler): this {
    this.handlers.set(command, handler);
    return this;
  }

  callsOf(command: string): Call[] {
    return this.calls.filter((call) => call.command === command);
  }

  /** A function that sends events, in order, to the Channel passed as `onEvent` in `args`. */
  channelOf(args: Record<string, unknown>): (event: StreamEvent) => void {
    const channel = args["onEvent"] as { id: number };
    let index = 0;
    return (event) => {
      const callback = this.callbacks.get(channel.id);
      if (!callback) throw new Error("channel is gone");
      callback({ index: index++, message: event });
    };
  }
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** settle() for tests on fake timers: lets promise callbacks run and fires timers that are due now. */
export async function settleFake(): Promise<void> {
  const { vi } = await import("vitest");
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
  }
}

/**
 * A `list_conversations_page` handler over `all()` (the list, archived ones left out by the caller): sorted
 * as the core sorts it and cut at the cursor, as the core does.
 */
export function conversationPages(all: () => ConversationSummary[]): (args: Record<string, unknown>) => ConversationPage {
  return (args) => {
    const list = all().slice().sort(listOrder);
    const before = args["before"] as ConversationCursor | null | undefined;
    const limit = Number(args["limit"] ?? 50);
    const after = before ? list.filter((c) => listOrder(c, before) > 0) : list;
    return { conversations: after.slice(0, limit).map((c) => ({ ...c })), has_more: after.length > limit, total: list.length };
  };
}

/**
 * Resolves once the page has listened for every event in `names` since its `from`-th listen call (a
 * screen built again listens again): it subscribes after a dynamic import of @tauri-apps/api/event, which
 * a loaded machine can make take longer than a settle().
 */
export async function listening(fake: FakeCore, from: number, ...names: string[]): Promise<void> {
  const { vi } = await import("vitest");
  await vi.waitFor(() => {
    const calls = fake.callsOf("plugin:event|listen").slice(from);
    const events = new Set(calls.map((call) => String(call.args["event"])));
    for (const name of names) if (!events.has(name)) throw new Error(`not listening for ${name} yet`);
  }, { timeout: 10_000 });
}

/**
 * Lets a test send Tauri app events (`listen` in @tauri-apps/api/event): records the callbacks the page
 * registers and which event each listens to.
 */
export function captureEvents(fake: FakeCore): (name: string, payload: unknown) => void {
  type Internals = { transformCallback: (callback: (message: unknown) => void, once?: boolean) => number };
  const internals = (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__;
  const original = internals.transformCallback;
  const callbacks = new Map<number, (message: unknown) => void>();
  internals.transformCallback = (callback, once) => {
    const id = original(callback, once);
    callbacks.set(id, callback);
    return id;
  };
  const listeners = new Map<string, number[]>();
  fake.on("plugin:event|listen", (args) => {
    const name = String(args["event"]);
    listeners.set(name, [...(listeners.get(name) ?? []), Number(args["handler"])]);
    return Number(args["handler"]);
  });
  fake.on("plugin:event|unlisten", () => null);
  // What @tauri-apps/api/event calls before plugin:event|unlisten (the real page has it from Tauri).
  (window as unknown as { __TAURI_EVENT_PLUGIN_INTERNALS__: unknown }).__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener: () => undefined,
  };
  return (name, payload) => {
    for (const id of listeners.get(name) ?? []) callbacks.get(id)?.({ event: name, id, payload });
  };
}
