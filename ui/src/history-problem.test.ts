// The screen for a history file that cannot be opened, through startApp and the real api.ts.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { HistoryProblem } from "./api";
import { FakeCore, settle } from "./test/fake-core";
import { all, get } from "./test/queries";

const DAMAGED: HistoryProblem = {
  kind: "damaged",
  message: "Your chat history file is damaged and could not be opened. It has not been changed.",
  path: "/home/a/.local/share/app/history.sqlite3",
};

let core: FakeCore;
let problem: HistoryProblem | null;

/** A fresh copy of app.ts: "continue without saving" is remembered per page load. */
async function start(): Promise<void> {
  vi.resetModules();
  const { startApp } = await import("./app");
  await startApp();
  await settle();
}

beforeEach(() => {
  document.body.replaceChildren();
  problem = DAMAGED;
  core = new FakeCore()
    .install()
    .on("app_status", () => ({ has_key: true, key_storage: "keyring", keyring_problem: null, history_problem: problem, version: "1" }))
    .on("get_settings", () => ({ default_model: "openai/gpt-4o-mini", theme: "system" }))
    .on("get_catalogue", () => ({ models: [], fetched_at: null, refresh_error: null }))
    .on("list_conversations", () => [])
    .on("list_conversations_page", () => ({ conversations: [], has_more: false, total: 0 }));
});

describe("a damaged history file", () => {
  it("is explained before anything else, and a fresh history keeps the old file", async () => {
    core.on("start_fresh_history", () => {
      problem = null;
      return { kept_at: "/home/a/.local/share/app/history.sqlite3.damaged-1700000000000" };
    });
    await start();
    expect(get("heading", "Your chat history could not be opened")).toBeTruthy();
    expect(get("alert").textContent).toContain("damaged");
    expect(document.body.textContent).toContain(DAMAGED.path);
    expect(all("button", "Try again")).toHaveLength(0);
    get("button", "Start a fresh history").click();
    await settle();
    expect(core.callsOf("start_fresh_history")).toHaveLength(1);
    expect(get("heading", "A fresh history was started")).toBeTruthy();
    expect(document.body.textContent).toContain("history.sqlite3.damaged-1700000000000");
    get("button", "Continue").click();
    await settle();
    expect(all("heading", /could not be opened|fresh history/)).toHaveLength(0);
    expect(get("button", "New chat")).toBeTruthy();
  });

  it("says so when the fresh start fails, and the buttons work again", async () => {
    core.on("start_fresh_history", () => {
      throw { kind: "storage", message: "Your chat history could not be saved or read (the disk is full)." };
    });
    await start();
    const fresh = get("button", "Start a fresh history") as HTMLButtonElement;
    fresh.click();
    await settle();
    expect(all("alert").map((a) => a.textContent).join(" ")).toContain("the disk is full");
    expect(fresh.disabled).toBe(false);
  });

  it("can be set aside for this session: the app opens with a warning that nothing is saved", async () => {
    await start();
    get("button", "Continue without saving").click();
    await settle();
    expect(get("button", "New chat")).toBeTruthy();
    expect(all("alert").map((a) => a.textContent).join(" ")).toContain("kept only until the app closes");
    expect(core.callsOf("start_fresh_history")).toHaveLength(0);
  });
});

describe("other problems", () => {
  it("a file from a newer app offers no fresh start, only going on", async () => {
    problem = { kind: "too_new", message: "Your chat history was saved by a newer version.", path: "/h.sqlite3" };
    await start();
    expect(get("heading", "This chat history needs a newer version of the app")).toBeTruthy();
    expect(all("button", "Start a fresh history")).toHaveLength(0);
    expect(all("button", "Try again")).toHaveLength(0);
    get("button", "Continue without saving").click();
    await settle();
    expect(get("button", "New chat")).toBeTruthy();
  });

  it("an unreadable file can be tried again until it opens", async () => {
    problem = { kind: "unreadable", message: "Your chat history could not be opened: it is in use.", path: "/h.sqlite3" };
    let attempts = 0;
    core.on("retry_open_history", () => {
      attempts += 1;
      if (attempts === 1) return problem;
      problem = null;
      return null;
    });
    await start();
    get("button", "Try again").click();
    await settle();
    expect(document.body.textContent).toContain("It still could not be opened.");
    get("button", "Try again").click();
    await settle();
    expect(attempts).toBe(2);
    expect(get("button", "New chat")).toBeTruthy();
  });
});
