// The settings' History section through the real screen: export all, import with its report as a
// sentence, and "Delete all history" behind a confirmation that says what is lost and what is kept.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp } from "./app";
import { settle, type FakeCore } from "./test/fake-core";
import { conversation, historyCore, sidebarTitles, type HistoryCore } from "./test/history-core";
import { all, get } from "./test/queries";

let history: HistoryCore;
let core: FakeCore;

beforeEach(() => {
  document.body.replaceChildren();
  history = historyCore([conversation(1, "Alpha", 10), conversation(2, "Beta", 20), conversation(3, "Old", 5, { archived: true })]);
  core = history.core;
});

afterEach(() => {
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

async function openSettings(): Promise<HTMLElement> {
  await startApp();
  await settle();
  get("button", "Settings").click();
  await settle();
  return get("dialog", "Settings");
}

function historyStatus(dialog: HTMLElement): string {
  return dialog.querySelector('.history-section [role="status"]')?.textContent ?? "";
}

describe("settings: history", () => {
  it("exports all history as Markdown or JSON and says where it went", async () => {
    core.on("export_history", (args) => ({ path: `/home/me/all.${args["format"] === "json" ? "json" : "md"}`, conversations: 3 }));
    const dialog = await openSettings();
    get("button", "Export all history as JSON").click();
    await settle();
    expect(core.callsOf("export_history")[0]?.args).toEqual({ conversationIds: null, format: "json" });
    expect(historyStatus(dialog)).toBe("Saved 3 conversations to /home/me/all.json");
    get("button", "Export all history as Markdown").click();
    await settle();
    expect(core.callsOf("export_history")[1]?.args).toEqual({ conversationIds: null, format: "markdown" });
    expect(historyStatus(dialog)).toBe("Saved 3 conversations to /home/me/all.md");
  });

  it("says nothing when the save dialog is cancelled, and shows a failure's reason", async () => {
    core.on("export_history", () => null);
    const dialog = await openSettings();
    get("button", "Export all history as Markdown").click();
    await settle();
    expect(historyStatus(dialog)).toBe("");
    expect(all("alert")).toHaveLength(0);
    core.on("export_history", () => {
      throw { kind: "storage", message: "The file could not be written." };
    });
    get("button", "Export all history as Markdown").click();
    await settle();
    expect(get("alert").textContent).toBe("The file could not be written.");
  });

  it("imports and reports it as a sentence; the new conversations show up in the list", async () => {
    core.on("import_history", () => {
      history.store.push(conversation(7, "Imported one", 50));
      return { conversations_added: 3, conversations_skipped: 2, messages_added: 41 };
    });
    const dialog = await openSettings();
    get("button", "Import history\u2026").click();
    await settle();
    expect(historyStatus(dialog)).toBe("Imported 3 conversations (41 messages); 2 were already here.");
    expect(sidebarTitles()).toContain("Imported one");
  });

  it("shows nothing when the open dialog is cancelled", async () => {
    core.on("import_history", () => null);
    const dialog = await openSettings();
    get("button", "Import history\u2026").click();
    await settle();
    expect(historyStatus(dialog)).toBe("");
    expect(all("alert")).toHaveLength(0);
  });

  it("deletes all history only after a confirmation naming what goes and what stays", async () => {
    const dialog = await openSettings();
    get("button", "Delete all history\u2026").click();
    await settle();
    const confirm = get("alertdialog", "Delete all history");
    expect(confirm.textContent).toContain("All 3 conversations (1 of them archived) and every message in them will be deleted");
    expect(confirm.textContent).toContain("Your spending records are kept.");
    get("button", "Cancel").click();
    await settle();
    expect(core.callsOf("delete_all_history")).toHaveLength(0);
    expect(sidebarTitles()).toEqual(["Beta", "Alpha"]);

    get("button", "Delete all history\u2026").click();
    await settle();
    get("button", "Delete all history").click();
    await settle();
    expect(core.callsOf("delete_all_history")).toHaveLength(1);
    expect(historyStatus(dialog)).toBe("All conversations were deleted. Your spending records are kept.");
    expect(sidebarTitles()).toEqual([]);
    expect(get("navigation", "Conversations").textContent).toContain("No conversations yet.");
  });

  it("keeps everything and says why when deleting all fails", async () => {
    core.on("delete_all_history", () => {
      throw { kind: "storage", message: "The history database could not be written." };
    });
    await openSettings();
    get("button", "Delete all history\u2026").click();
    await settle();
    get("button", "Delete all history").click();
    await settle();
    expect(get("alert").textContent).toBe("The history database could not be written.");
    expect(sidebarTitles()).toEqual(["Beta", "Alpha"]);
  });
});
