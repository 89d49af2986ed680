// The settings dialog: theme, default model, forgetting the API key, the history, the app version.
import { forgetApiKey, toUserError, updateSettings, type AppStatus, type Settings, type Theme } from "../api";
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

  async function save(next: Settings, undo: () => void): Promise<void> {
    errorSlot.replaceChildren();
    try {
      settings = await updateSettings(next);
      applyTheme(settings.theme);
      options.onChange(settings);
    } catch (reason) {
      undo();
      showError(reason);
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
