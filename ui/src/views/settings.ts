// The settings dialog: theme, default model, spending limits, forgetting the API key, the history, the
// app version.
import { forgetApiKey, toUserError, updateSettings, type AppStatus, type Settings, type Theme } from "../api";
import { parseDollars } from "../billing-budget";
import type { ModelCatalog } from "../model-catalog";
import { applyTheme } from "../theme";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";
import { openModelPicker } from "./models";
import { historySection, type HistoryActions } from "./settings-history";

export interface SettingsOptions {
  settings: Settings;
  status: AppStatus | null;
  catalog: ModelCatalog;
  /** The saved settings changed. */
  onChange: (settings: Settings) => void;
  /** The key was forgotten: back to the first-run screen. */
  onKeyForgotten: () => void;
  /** Export, import and delete all history. */
  history: HistoryActions;
}

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "Same as the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

function storageText(status: AppStatus | null): string {
  switch (status?.key_storage) {
    case "keyring":
      return "Your API key is stored in the system keyring.";
    case "session":
      return "Your API key is kept for this session only; you will be asked for it again next time.";
    default:
      return "No API key is stored.";
  }
}

export function openSettings(options: SettingsOptions): Promise<void> {
  const modal = openDialog("Settings", "settings-dialog");
  let settings = options.settings;
  const errorSlot = el("div", { className: "settings-error" });

  function showError(reason: unknown): void {
    errorSlot.replaceChildren(el("p", { className: "form-alert", text: toUserError(reason).message, attrs: { role: "alert" } }));
  }

  /** Saves `next`; on a refusal puts the control back (`undo`), shows why and resolves false. */
  async function save(next: Settings, undo: () => void): Promise<boolean> {
    errorSlot.replaceChildren();
    try {
      settings = await updateSettings(next);
      applyTheme(settings.theme);
      options.onChange(settings);
      return true;
    } catch (reason) {
      undo();
      showError(reason);
      return false;
    }
  }

  // Theme
  const themeId = uniqueId("theme");
  const theme = el("select", { attrs: { id: themeId } });
  for (const option of THEMES) {
    const element = el("option", { text: option.label, attrs: { value: option.value } });
    element.selected = option.value === settings.theme;
    theme.append(element);
  }
  theme.addEventListener("change", () => {
    const previous = settings.theme;
    const value = theme.value as Theme;
    applyTheme(value);
    void save({ ...settings, theme: value }, () => {
      theme.value = previous;
      applyTheme(previous);
    });
  });

  // Default model
  const modelLabelId = uniqueId("default-model");
  const modelName = el("span", { text: options.catalog.nameOf(settings.default_model) });
  const modelButton = button("", () => {
    void openModelPicker({
      catalog: options.catalog,
      current: settings.default_model,
      heading: "Choose the default model",
    }).then((chosen) => {
      if (chosen === null || chosen === settings.default_model) return;
      const previous = settings.default_model;
      modelName.textContent = options.catalog.nameOf(chosen);
      void save({ ...settings, default_model: chosen }, () => {
        modelName.textContent = options.catalog.nameOf(previous);
      });
    });
  }, { className: "model-button", attrs: { "aria-label": "Default model", "aria-describedby": modelLabelId } });
  modelButton.append(modelName, el("span", { className: "chevron", text: "\u25be", attrs: { "aria-hidden": "true" } }));

  // Key
  const forget = button("Forget API key", () => {
    forget.disabled = true;
    errorSlot.replaceChildren();
    forgetApiKey()
      .then(() => {
        modal.close();
        options.onKeyForgotten();
      })
      .catch((reason: unknown) => {
        forget.disabled = false;
        showError(reason);
      });
  }, { className: "danger" });

  const keySection = el("section", { className: "settings-section" }, el("h3", { text: "API key" }), el("p", { text: storageText(options.status) }));
  if (options.status?.keyring_problem) keySection.append(el("p", { className: "note", text: options.status.keyring_problem }));
  keySection.append(forget);

  modal.dialog.append(
    el("div", { className: "dialog-header" }, el("h2", { text: "Settings" })),
    errorSlot,
    el(
      "section",
      { className: "settings-section" },
      el("label", { text: "Theme", attrs: { for: themeId } }),
      theme,
    ),
    el(
      "section",
      { className: "settings-section" },
      el("h3", { text: "Default model" }),
      el("p", { className: "hint", text: "New chats start with this model.", attrs: { id: modelLabelId } }),
      modelButton,
    ),
    spendingSection(() => settings, save),
    keySection,
    historySection(options.history),
    el("p", { className: "version", text: `OpenRouter Desktop ${options.status?.version ?? ""}`.trim() }),
    el("div", { className: "dialog-actions" }, button("Close", () => modal.close(), { className: "secondary" })),
  );
  theme.focus();
  if (options.catalog.models === null && !options.catalog.isLoading) void options.catalog.load().catch(() => undefined);
  const stop = options.catalog.onChange(() => {
    modelName.textContent = options.catalog.nameOf(settings.default_model);
  });
  return modal.closed.then(() => {
    stop();
  });
}

type DollarKey = "monthly_budget_usd" | "low_balance_usd";

/**
 * Spending: the monthly budget and the low-balance warning, in dollars (empty = off). Checked here as typed
 * (a number from 0 to 1,000,000) and saved when the field is left or Enter is pressed.
 */
function spendingSection(current: () => Settings, save: (next: Settings, undo: () => void) => Promise<boolean>): HTMLElement {
  const status = el("p", { className: "hint", attrs: { role: "status" } });
  const field = (key: DollarKey, label: string, hint: string): HTMLElement => {
    const id = uniqueId("spending");
    const hintId = uniqueId("spending-hint");
    const problemId = uniqueId("spending-problem");
    const input = el("input", {
      attrs: { id, type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "off", "aria-describedby": `${hintId} ${problemId}` },
    });
    input.value = current()[key] ?? "";
    /** The value last sent: Enter and then leaving the field save once. */
    let sent = current()[key] ?? null;
    const problem = el("p", { className: "form-alert", attrs: { id: problemId, role: "alert" } });
    problem.hidden = true;
    const commit = (): void => {
      const parsed = parseDollars(input.value);
      problem.hidden = !("problem" in parsed);
      problem.textContent = "problem" in parsed ? parsed.problem : "";
      input.setAttribute("aria-invalid", String("problem" in parsed));
      status.textContent = "";
      if ("problem" in parsed || parsed.value === sent) return;
      const previous = sent;
      sent = parsed.value;
      void save({ ...current(), [key]: parsed.value }, () => {
        sent = previous;
        input.value = previous ?? "";
      }).then((saved) => {
        if (saved) status.textContent = parsed.value === null ? `${label}: off.` : `${label}: $${parsed.value} saved.`;
      });
    };
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") commit();
    });
    return el("div", { className: "spending-row" },
      el("label", { text: label, attrs: { for: id } }),
      el("p", { className: "hint", text: hint, attrs: { id: hintId } }),
      el("div", { className: "spending-field" }, el("span", { text: "$", attrs: { "aria-hidden": "true" } }), input),
      problem);
  };
  return el("section", { className: "settings-section" },
    el("h3", { text: "Spending" }),
    field("monthly_budget_usd", "Monthly budget", "You are warned at 80 % of it and when it is reached, by this app\u2019s own count of the month. Leave it empty for none."),
    field("low_balance_usd", "Low balance warning", "You are warned when the key\u2019s remaining limit or your credit balance falls under this. Leave it empty for none."),
    status);
}
