// Sentences about the history: what an export saved, what an import added, what "delete all" removes; and
// the word that the app keeps running in the tray when its window is closed.
import type { ExportResult, ImportReport } from "./api";

/** "1 conversation", "3 conversations". */
export function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Saved 1 conversation to /home/me/chat.md" (the path exactly as the core gave it). */
export function exportResultText(result: ExportResult): string {
  return `Saved ${countOf(result.conversations, "conversation", "conversations")} to ${result.path}`;
}

/** "Imported 3 conversations (41 messages); 2 were already here." */
export function importReportText(report: ImportReport): string {
  const added = report.conversations_added;
  const skipped = report.conversations_skipped;
  if (added === 0 && skipped === 0) return "The file held no conversations to import.";
  if (added === 0) {
    return skipped === 1
      ? "Nothing new to import: that conversation was already here."
      : `Nothing new to import: all ${skipped} conversations were already here.`;
  }
  const imported = `Imported ${countOf(added, "conversation", "conversations")} (${countOf(report.messages_added, "message", "messages")})`;
  if (skipped === 0) return `${imported}.`;
  return `${imported}; ${skipped} ${skipped === 1 ? "was" : "were"} already here.`;
}

/** What "Delete all history" removes, for its confirmation; `counts` null when unknown. */
export function deleteAllText(counts: { listed: number; archived: number } | null): string {
  const kept = "Your spending records are kept. This cannot be undone.";
  if (counts === null) {
    return `Every conversation, archived ones included, and every message in them will be deleted from this computer. ${kept}`;
  }
  const total = counts.listed + counts.archived;
  if (total === 0) return `There are no conversations to delete. ${kept}`;
  const what = total === 1 ? "Your 1 conversation" : `All ${total} conversations`;
  const archived = counts.archived === 0 ? "" : counts.archived === total ? " (archived)" : ` (${counts.archived} of them archived)`;
  const them = total === 1 ? "it" : "them";
  return `${what}${archived} and every message in ${them} will be deleted from this computer. ${kept}`;
}
