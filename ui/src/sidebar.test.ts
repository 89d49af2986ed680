// The sidebar's conversation actions, through the real screen against the fake core: star ordering,
// the actions menu, renaming in place (and its validation), archive/unarchive, export of one.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StreamEvent } from "./api";
import { startApp } from "./app";
import type { FakeCore } from "./test/fake-core";
import { settle } from "./test/fake-core";
import { conversation, historyCore, sidebarTitles, type HistoryCore } from "./test/history-core";
import { all, get, press, type } from "./test/queries";

let history: HistoryCore;
let core: FakeCore;

beforeEach(() => {
  document.body.replaceChildren();
  history = historyCore([
    conversation(1, "Pinned plan", 10, { starred: true }),
    conversation(2, "Middle", 20),
    conversation(3, "Newest", 30),
  ]);
  core = history.core;
});

afterEach(() => {
  for (const dialog of Array.from(document.querySelectorAll("dialog, .popup-menu"))) dialog.remove();
});

async function start(): Promise<void> {
  await startApp();
  await settle();
}

function menuItems(): string[] {
  return all("menuitem").map((item) => item.textContent ?? "");
}

async function act(title: string, item: string): Promise<void> {
  get("button", `Actions for ${title}`).click();
  get("menuitem", item).click();
  await settle();
}

describe("starred conversations", () => {
  it("lists starred ones first with a star, then the newest, whatever order the core sends", async () => {
    await start();
    expect(sidebarTitles()).toEqual(["Pinned plan", "Newest", "Middle"]);
    const stars = document.querySelectorAll('nav[aria-label="Conversations"] .star-marker');
    expect(stars).toHaveLength(1);
    expect(stars[0]?.closest("li")?.dataset["conversationId"]).toBe("1");
    expect(stars[0]?.getAttribute("aria-label")).toBe("Starred");
  });

  it("stars and unstars from the actions menu, moving the conversation at once", async () => {
    await start();
    await act("Middle", "Star");
    expect(core.callsOf("set_starred")[0]?.args).toEqual({ id: 2, starred: true });
    expect(sidebarTitles()).toEqual(["Middle", "Pinned plan", "Newest"]);
    expect(document.querySelectorAll(".star-marker")).toHaveLength(2);

    get("button", "Actions for Pinned plan").click();
    expect(menuItems()).toContain("Unstar");
    get("menuitem", "Unstar").click();
    await settle();
    expect(core.callsOf("set_starred")[1]?.args).toEqual({ id: 1, starred: false });
    expect(sidebarTitles()).toEqual(["Middle", "Newest", "Pinned plan"]);
  });

  it("puts the star back and says why when the core refuses", async () => {
    core.on("set_starred", () => {
      throw { kind: "storage", message: "The history database could not be written." };
    });
    await start();
    await act("Middle", "Star");
    expect(sidebarTitles()).toEqual(["Pinned plan", "Newest", "Middle"]);
    expect(get("alert").textContent).toContain("The history database could not be written.");
  });
});

describe("the actions menu", () => {
  it("offers every action, moves with the arrow keys and closes with Escape back on its button", async () => {
    await start();
    const actions = get("button", "Actions for Newest");
    expect(actions.getAttribute("aria-expanded")).toBe("false");
    actions.click();
    expect(actions.getAttribute("aria-expanded")).toBe("true");
    expect(get("menu", "Actions for Newest")).toBeTruthy();
    expect(menuItems()).toEqual(["Rename", "Star", "Archive", "Export as Markdown", "Export as JSON", "Delete"]);
    expect(document.activeElement?.textContent).toBe("Rename");
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement?.textContent).toBe("Star");
    press(document.activeElement as HTMLElement, "ArrowUp");
    press(document.activeElement as HTMLElement, "ArrowUp");
    expect(document.activeElement?.textContent).toBe("Delete");
    press(document.activeElement as HTMLElement, "Escape");
    expect(all("menu")).toHaveLength(0);
    expect(actions.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(actions);
  });

  it("closes on a click elsewhere", async () => {
    await start();
    get("button", "Actions for Newest").click();
    document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    expect(all("menu")).toHaveLength(0);
  });
});

describe("renaming", () => {
  it("renames in place: Enter saves the trimmed title and the list shows it at once", async () => {
    await start();
    await act("Middle", "Rename");
    const field = get("textbox", "Conversation title") as HTMLInputElement;
    expect(field.value).toBe("Middle");
    expect(document.activeElement).toBe(field);
    type(field, "  Trip to Lisbon  ");
    press(field, "Enter");
    expect(sidebarTitles()).toContain("Trip to Lisbon");
    await settle();
    expect(core.callsOf("rename_conversation")).toEqual([{ command: "rename_conversation", args: { id: 2, title: "Trip to Lisbon" } }]);
    expect(all("textbox", "Conversation title")).toHaveLength(0);
    expect(document.activeElement).toBe(get("button", "Trip to Lisbon"));
  });

  it("refuses an empty or too long title on the spot and sends nothing", async () => {
    await start();
    await act("Middle", "Rename");
    const field = get("textbox", "Conversation title") as HTMLInputElement;
    type(field, "   ");
    press(field, "Enter");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(get("alert").textContent).toBe("A title cannot be empty.");
    type(field, "x".repeat(201));
    expect(field.hasAttribute("aria-invalid")).toBe(false);
    press(field, "Enter");
    expect(get("alert").textContent).toContain("at most 200 characters");
    await settle();
    expect(core.callsOf("rename_conversation")).toHaveLength(0);
    expect(field.isConnected).toBe(true);

    type(field, "\u{1F600}".repeat(200));
    press(field, "Enter");
    await settle();
    expect(core.callsOf("rename_conversation")[0]?.args["title"]).toBe("\u{1F600}".repeat(200));
  });

  it("Escape cancels without a call; an unchanged title sends nothing either", async () => {
    await start();
    await act("Middle", "Rename");
    let field = get("textbox", "Conversation title");
    type(field, "Something else");
    press(field, "Escape");
    await settle();
    expect(sidebarTitles()).toEqual(["Pinned plan", "Newest", "Middle"]);
    expect(document.activeElement).toBe(get("button", "Middle"));

    press(get("button", "Middle"), "F2");
    field = get("textbox", "Conversation title");
    press(field, "Enter");
    await settle();
    expect(core.callsOf("rename_conversation")).toHaveLength(0);
    expect(all("textbox", "Conversation title")).toHaveLength(0);
  });

  it("F2 renames the focused conversation; F2 elsewhere renames the open one", async () => {
    await start();
    press(get("button", "Newest"), "F2");
    expect((get("textbox", "Conversation title") as HTMLInputElement).value).toBe("Newest");
    press(get("textbox", "Conversation title"), "Escape");

    get("button", "Pinned plan").click();
    await settle();
    press(get("log", "Messages"), "F2");
    expect((get("textbox", "Conversation title") as HTMLInputElement).value).toBe("Pinned plan");
    // Typing Delete inside the field edits text; it never deletes the conversation.
    press(get("textbox", "Conversation title"), "Delete");
    expect(sidebarTitles()).toHaveLength(2);
    expect(all("status").filter((s) => s.textContent?.includes("Deleted"))).toHaveLength(0);
  });

  it("keeps the field, its text and the keyboard through a list refresh", async () => {
    let emit: ((event: StreamEvent) => void) | undefined;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      history.store.push(conversation(4, "Fresh chat", 40));
      return { conversation_id: 4, user_message_id: 41, assistant_message_id: 42 };
    });
    await start();
    const box = get("textbox", "Message");
    type(box, "Hello");
    press(box, "Enter");
    await settle();
    await act("Middle", "Rename");
    const field = get("textbox", "Conversation title") as HTMLInputElement;
    type(field, "Half typed");
    history.store.find((c) => c.id === 4)!.title = "Fresh chat, titled";
    emit?.({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    expect(sidebarTitles()).toContain("Fresh chat, titled");
    const again = get("textbox", "Conversation title") as HTMLInputElement;
    expect(again.value).toBe("Half typed");
    expect(document.activeElement).toBe(again);
    expect(core.callsOf("rename_conversation")).toHaveLength(0);
  });

  it("shows the old title again when the core refuses the new one", async () => {
    core.on("rename_conversation", () => {
      throw { kind: "invalid_input", message: "A title needs 1 to 200 characters." };
    });
    await start();
    await act("Middle", "Rename");
    const field = get("textbox", "Conversation title");
    type(field, "Fine here");
    press(field, "Enter");
    await settle();
    expect(sidebarTitles()).toContain("Middle");
    expect(sidebarTitles()).not.toContain("Fine here");
    expect(get("alert").textContent).toContain("A title needs 1 to 200 characters.");
  });

  it("shows the new title in the chat header of the open conversation", async () => {
    await start();
    get("button", "Newest").click();
    await settle();
    await act("Newest", "Rename");
    const field = get("textbox", "Conversation title");
    type(field, "Renamed");
    press(field, "Enter");
    await settle();
    expect(get("heading", "Renamed")).toBeTruthy();
  });
});

describe("keyboard in the list", () => {
  it("moves between conversations with the arrow keys", async () => {
    await start();
    const first = get("button", "Pinned plan");
    first.focus();
    press(first, "ArrowDown");
    expect(document.activeElement).toBe(get("button", "Newest"));
    press(document.activeElement as HTMLElement, "ArrowDown");
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement).toBe(get("button", "Middle"));
    press(document.activeElement as HTMLElement, "ArrowUp");
    expect(document.activeElement).toBe(get("button", "Newest"));
  });
});

describe("archive", () => {
  it("archives from the menu, lists it under Archived and brings it back with Unarchive", async () => {
    await start();
    await act("Middle", "Archive");
    expect(core.callsOf("set_archived")[0]?.args).toEqual({ id: 2, archived: true });
    expect(sidebarTitles()).toEqual(["Pinned plan", "Newest"]);
    expect(all("status").some((s) => s.textContent?.includes("Archived \u201cMiddle\u201d."))).toBe(true);

    const toggle = get("button", "Archived");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    toggle.click();
    await settle();
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(core.callsOf("list_archived").length).toBeGreaterThan(0);
    const archivedList = document.getElementById(toggle.getAttribute("aria-controls") ?? "") as HTMLElement;
    expect(archivedList.textContent).toContain("Middle");

    get("button", "Unarchive Middle").click();
    await settle();
    expect(core.callsOf("set_archived")[1]?.args).toEqual({ id: 2, archived: false });
    expect(sidebarTitles()).toEqual(["Pinned plan", "Newest", "Middle"]);
    expect(archivedList.textContent).toContain("No archived conversations.");
  });

  it("opens an archived conversation to read it", async () => {
    history.store.push(conversation(9, "Old project", 5, { archived: true }));
    await start();
    expect(sidebarTitles()).not.toContain("Old project");
    get("button", "Archived").click();
    await settle();
    get("button", "Old project").click();
    await settle();
    expect(core.callsOf("get_conversation").at(-1)?.args).toEqual({ id: 9 });
    expect(get("button", "Old project").getAttribute("aria-current")).toBe("page");
  });
});

describe("export one conversation", () => {
  it("saves it as Markdown or JSON and says where, with the path as text", async () => {
    core.on("export_history", (args) => ({
      path: args["format"] === "json" ? "/home/me/<b>odd</b>.json" : "/home/me/Middle.md",
      conversations: 1,
    }));
    await start();
    await act("Middle", "Export as Markdown");
    expect(core.callsOf("export_history")[0]?.args).toEqual({ conversationIds: [2], format: "markdown" });
    const saved = all("status").find((s) => s.textContent?.startsWith("Saved"));
    expect(saved?.querySelector(".notice-text")?.textContent).toBe("Saved 1 conversation to /home/me/Middle.md");

    await act("Middle", "Export as JSON");
    expect(core.callsOf("export_history")[1]?.args).toEqual({ conversationIds: [2], format: "json" });
    const json = all("status").find((s) => s.textContent?.startsWith("Saved"));
    expect(json?.querySelector(".notice-text")?.textContent).toBe("Saved 1 conversation to /home/me/<b>odd</b>.json");
    expect(json?.querySelector("b")).toBeNull();
  });

  it("shows nothing when the user cancels the save dialog", async () => {
    core.on("export_history", () => null);
    await start();
    await act("Middle", "Export as JSON");
    expect(core.callsOf("export_history")).toHaveLength(1);
    expect(all("status").filter((s) => s.textContent?.includes("Saved"))).toHaveLength(0);
    expect(all("alert")).toHaveLength(0);
  });
});
