// The "History" part of the settings: export everything (Markdown or JSON), import a JSON export, and
// delete all history behind a confirmation that says what goes and what stays.
import { toUserError, type ExportFormat, type ExportResult, type ImportReport } from "../api";
import { deleteAllText, exportResultText, importReportText } from "../history-text";
import { confirmDialog } from "./dialog";
import { button, el } from "./elements";

export interface HistoryActions {
  /** null: the user cancelled the save dialog. */
  exportAll: (format: ExportFormat) => Promise<ExportResult | null>;
  /** null: the user cancelled the open dialog. */
  importHistory: () => Promise<ImportReport | null>;
  /** How many conversations "delete all" would remove; null when unknown. */
  counts: () => Promise<{ listed: number; archived: number } | null>;
  deleteAll: () => Promise<void>;
}

export function historySection(actions: HistoryActions): HTMLElement {
  const status = el("p", { className: "history-status", attrs: { role: "status" } });
  const alert = el("div", { className: "history-alert" });
  const buttons: HTMLButtonElement[] = [];

  /** Runs one history operation at a time; its outcome goes in the status line or the alert. */
  async function run(work: () => Promise<string | null>): Promise<void> {
    status.textContent = "";
    alert.replaceChildren();
    for (const b of buttons) b.disabled = true;
    try {
      const outcome = await work();
      if (outcome !== null) status.textContent = outcome;
    } catch (reason) {
      alert.replaceChildren(el("p", { className: "form-alert", text: toUserError(reason).message, attrs: { role: "alert" } }));
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  const exportAs = (format: ExportFormat) => () =>
    void run(async () => {
      const result = await actions.exportAll(format);
      return result === null ? null : exportResultText(result);
    });

  const exportMarkdown = button("Export all history as Markdown", exportAs("markdown"), { className: "secondary" });
  const exportJson = button("Export all history as JSON", exportAs("json"), { className: "secondary" });
  const importButton = button("Import history\u2026", () =>
    void run(async () => {
      const report = await actions.importHistory();
      return report === null ? null : importReportText(report);
    }), { className: "secondary" });
  const deleteAll = button("Delete all history\u2026", () => void confirmDeleteAll(), { className: "danger" });
  async function confirmDeleteAll(): Promise<void> {
    const counts = await actions.counts().catch(() => null);
    const confirmed = await confirmDialog("Delete all history", deleteAllText(counts), "Delete all history");
    if (!confirmed) return;
    await run(async () => {
      await actions.deleteAll();
      return "All conversations were deleted. Your spending records are kept.";
    });
    deleteAll.focus();
  }
  buttons.push(exportMarkdown, exportJson, importButton, deleteAll);

  return el(
    "section",
    { className: "settings-section history-section" },
    el("h3", { text: "History" }),
    el("p", {
      className: "hint",
      text: "Markdown is easy to read; JSON keeps every detail and can be imported again, here or on another computer.",
    }),
    el("div", { className: "button-row" }, exportMarkdown, exportJson),
    el("div", { className: "button-row" }, importButton, deleteAll),
    status,
    alert,
  );
}
