// Delete with undo, on fake timers: the conversation leaves the list at once, "Undo" is offered for six
// seconds, and delete_conversation is sent only when that time is up (once), when another delete starts,
// or when the page goes away. Undo sends nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startApp } from "./app";
import type { FakeCore } from "./test/fake-core";
import { settleFake } from "./test/fake-core";
import { conversation, historyCore, sidebarTitles, type HistoryCore } from "./test/history-core";
import { all, get, press } from "./test/queries";
import { UNDO_DELETE_MS } from "./views/workspace";

let history: HistoryCore;
let core: FakeCore;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  document.body.replaceChildren();
  history = historyCore([conversation(1, "Alpha", 10), conversation(2, "Beta", 20), conversation(3, "Gamma", 30)]);
  core = history.core;
});

afterEach(() => {
  // Whatever is still waiting is committed by the page going away; nothing must leak into the next test.
  window.dispatchEvent(new Event("pagehide"));
  vi.useRealTimers();
  for (const dialog of Array.from(document.querySelectorAll("dialog, .popup-menu"))) dialog.remove();
});

async function start(): Promise<void> {
  await startApp();
  await settleFake();
}

function deleteFromMenu(title: string): void {
  get("button", `Actions for ${title}`).click();
  get("menuitem", "Delete").click();
}

function undoToast(): HTMLElement | undefined {
  return all("status").find((status) => status.textContent?.startsWith("Deleted"));
}

describe("delete with undo", () => {
  it("takes the conversation out at once, without a confirmation, and offers Undo", async () => {
    await start();
    deleteFromMenu("Beta");
    expect(all("alertdialog")).toHaveLength(0);
    expect(sidebarTitles()).toEqual(["Gamma", "Alpha"]);
    const toast = undoToast();
    expect(toast?.querySelector(".notice-text")?.textContent).toBe("Deleted \u201cBeta\u201d.");
    expect(toast?.querySelector("button")?.textContent).toBe("Undo");
    await settleFake();
    expect(core.callsOf("delete_conversation")).toHaveLength(0);
  });

  it("deletes for real only when the six seconds are up, once, and the toast goes", async () => {
    await start();
    deleteFromMenu("Beta");
    expect(UNDO_DELETE_MS).toBe(6000);
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS - 1);
    expect(core.callsOf("delete_conversation")).toHaveLength(0);
    expect(undoToast()).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    await settleFake();
    expect(core.callsOf("delete_conversation")).toEqual([{ command: "delete_conversation", args: { id: 2 } }]);
    expect(undoToast()).toBeUndefined();
    expect(sidebarTitles()).toEqual(["Gamma", "Alpha"]);
    await vi.advanceTimersByTimeAsync(60_000);
    window.dispatchEvent(new Event("pagehide"));
    await settleFake();
    expect(core.callsOf("delete_conversation")).toHaveLength(1);
  });

  it("Undo puts it back where it was and never calls the core", async () => {
    await start();
    deleteFromMenu("Beta");
    await vi.advanceTimersByTimeAsync(3000);
    get("button", "Undo").click();
    await settleFake();
    expect(sidebarTitles()).toEqual(["Gamma", "Beta", "Alpha"]);
    expect(undoToast()).toBeUndefined();
    expect(document.activeElement).toBe(get("button", "Beta"));
    await vi.advanceTimersByTimeAsync(60_000);
    window.dispatchEvent(new Event("pagehide"));
    await settleFake();
    expect(core.callsOf("delete_conversation")).toHaveLength(0);
  });

  it("commits the first delete at once when a second one starts", async () => {
    await start();
    deleteFromMenu("Beta");
    await vi.advanceTimersByTimeAsync(2000);
    deleteFromMenu("Alpha");
    await settleFake();
    expect(core.callsOf("delete_conversation").map((call) => call.args)).toEqual([{ id: 2 }]);
    expect(undoToast()?.textContent).toContain("Deleted \u201cAlpha\u201d.");
    expect(sidebarTitles()).toEqual(["Gamma"]);
    // The second one gets its own full six seconds.
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS - 1);
    expect(core.callsOf("delete_conversation")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settleFake();
    expect(core.callsOf("delete_conversation").map((call) => call.args)).toEqual([{ id: 2 }, { id: 1 }]);
  });

  it("Undo after a second delete brings back only the second", async () => {
    await start();
    deleteFromMenu("Beta");
    deleteFromMenu("Alpha");
    get("button", "Undo").click();
    await settleFake();
    expect(sidebarTitles()).toEqual(["Gamma", "Alpha"]);
    expect(core.callsOf("delete_conversation").map((call) => call.args)).toEqual([{ id: 2 }]);
  });

  for (const event of ["pagehide", "beforeunload"]) {
    it(`commits a waiting delete on ${event}, exactly once`, async () => {
      await start();
      deleteFromMenu("Beta");
      window.dispatchEvent(new Event(event));
      expect(core.callsOf("delete_conversation")).toEqual([{ command: "delete_conversation", args: { id: 2 } }]);
      window.dispatchEvent(new Event("beforeunload"));
      window.dispatchEvent(new Event("pagehide"));
      await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS * 2);
      await settleFake();
      expect(core.callsOf("delete_conversation")).toHaveLength(1);
      expect(undoToast()).toBeUndefined();
    });
  }

  it("keeps a waiting delete out of the list when the list is refreshed meanwhile", async () => {
    await start();
    deleteFromMenu("Beta");
    get("button", "Actions for Gamma").click();
    get("menuitem", "Star").click();
    await settleFake();
    expect(core.callsOf("list_conversations_page").length).toBeGreaterThan(1);
    expect(sidebarTitles()).toEqual(["Gamma", "Alpha"]);
  });

  it("the Delete key deletes the focused conversation and moves the keyboard to the next one", async () => {
    await start();
    const beta = get("button", "Beta");
    beta.focus();
    press(beta, "Delete");
    expect(sidebarTitles()).toEqual(["Gamma", "Alpha"]);
    expect(document.activeElement).toBe(get("button", "Alpha"));
    expect(undoToast()?.textContent).toContain("Beta");
  });

  it("deleting the open conversation shows a new chat; Undo opens it again", async () => {
    await start();
    get("button", "Beta").click();
    await settleFake();
    expect(document.querySelector('article[data-message-id="21"]')).not.toBeNull();
    deleteFromMenu("Beta");
    await settleFake();
    expect(get("heading", "New chat")).toBeTruthy();
    get("button", "Undo").click();
    await settleFake();
    expect(get("heading", "Beta")).toBeTruthy();
    expect(get("button", "Beta").getAttribute("aria-current")).toBe("page");
  });

  it("brings the conversation back and says why when the core cannot delete it", async () => {
    core.on("delete_conversation", () => {
      throw { kind: "storage", message: "The history database could not be written." };
    });
    await start();
    deleteFromMenu("Beta");
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS);
    await settleFake();
    expect(get("alert").textContent).toContain("The history database could not be written.");
    expect(sidebarTitles()).toEqual(["Gamma", "Beta", "Alpha"]);
  });
});
