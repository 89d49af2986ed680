import { describe, expect, it } from "vitest";
import { deleteAllText, exportResultText, importReportText } from "./history-text";

describe("exportResultText", () => {
  it("counts conversations and gives the path as is", () => {
    expect(exportResultText({ path: "/home/me/chat.md", conversations: 1 })).toBe("Saved 1 conversation to /home/me/chat.md");
    expect(exportResultText({ path: "C:\\Users\\me\\all.json", conversations: 12 })).toBe("Saved 12 conversations to C:\\Users\\me\\all.json");
  });
});

describe("importReportText", () => {
  it("says what was added and what was already here", () => {
    expect(importReportText({ conversations_added: 3, conversations_skipped: 2, messages_added: 41 })).toBe(
      "Imported 3 conversations (41 messages); 2 were already here.",
    );
    expect(importReportText({ conversations_added: 1, conversations_skipped: 1, messages_added: 1 })).toBe(
      "Imported 1 conversation (1 message); 1 was already here.",
    );
    expect(importReportText({ conversations_added: 2, conversations_skipped: 0, messages_added: 9 })).toBe("Imported 2 conversations (9 messages).");
  });

  it("says plainly when nothing was new", () => {
    expect(importReportText({ conversations_added: 0, conversations_skipped: 4, messages_added: 0 })).toBe(
      "Nothing new to import: all 4 conversations were already here.",
    );
    expect(importReportText({ conversations_added: 0, conversations_skipped: 1, messages_added: 0 })).toBe(
      "Nothing new to import: that conversation was already here.",
    );
    expect(importReportText({ conversations_added: 0, conversations_skipped: 0, messages_added: 0 })).toBe("The file held no conversations to import.");
  });
});

describe("deleteAllText", () => {
  it("names how many go, archived ones included, and that spending records stay", () => {
    expect(deleteAllText({ listed: 2, archived: 1 })).toBe(
      "All 3 conversations (1 of them archived) and every message in them will be deleted from this computer. Your spending records are kept. This cannot be undone.",
    );
    expect(deleteAllText({ listed: 1, archived: 0 })).toMatch(/^Your 1 conversation and every message in it will be deleted/);
    expect(deleteAllText({ listed: 0, archived: 2 })).toMatch(/^All 2 conversations \(archived\)/);
    expect(deleteAllText(null)).toContain("Your spending records are kept.");
  });
});
