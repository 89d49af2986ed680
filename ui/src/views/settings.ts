// The settings dialog: theme, default model, spending limits, the tray and the quick-prompt shortcut,
// forgetting the API key, the history, the app version.
import {
  desktopAction,
  forgetApiKey,
  setShortcut,
  shortcutStatus,
  toUserError,
  updateSettings,
  type AppStatus,
  type Attach,
  type QuickSettings,
  type Settings,
  type ShortcutStatus,
  type Theme,
} from "../api";
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
  /** The quick-prompt shortcut's status changed here (changed, resumed). */
  onShortcut?: (status: ShortcutStatus) => void;
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

  /**
   * Saves `next`; on a refusal puts the control back (`undo`), shows why (at the top, or where `problem`
   * says) and resolves false.
   */
  async function save(next: Settings, undo: () => void, problem: (reason: unknown) => void = showError): Promise<boolean> {
    errorSlot.replaceChildren();
    try {
      settings = await updateSettings(next);
      applyTheme(settings.theme);
      options.onChange(settings);
      return true;
    } catch (reason) {
      undo();
      problem(reason);
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
  );
  if (settings.quick !== undefined) {
    modal.dialog.append(trayAndShortcutSection({
      current: () => settings,
      save,
      catalog: options.catalog,
      closed: modal.closed,
      onStatus: (status) => {
        // What the tray or this section did to the shortcut: sent back as it is now with the next save.
        const quick = settings.quick;
        if (quick !== undefined && (status.state === "active" || status.state === "paused")) {
          const paused = status.state === "paused";
          if (quick.shortcut !== status.shortcut || quick.shortcut_paused !== paused) {
            settings = { ...settings, quick: { ...quick, shortcut: status.shortcut, shortcut_paused: paused } };
          }
        }
        options.onShortcut?.(status);
      },
    }));
  }
  modal.dialog.append(
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

// ---------------------------------------------------------------------------
// Tray and shortcut (issue 6)

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The keys of a keydown, as a shortcut sees them. */
export interface KeyCombination {
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/** `event.code` of keys a shortcut may end with, and their accelerator names (others: themselves). */
const NAMED_KEYS: ReadonlySet<string> = new Set([
  "Space", "Enter", "Tab", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown",
  "Comma", "Period", "Slash", "Semicolon", "Quote", "Backquote", "Minus", "Equal", "BracketLeft", "BracketRight",
  "Backslash",
]);
const ARROWS: Readonly<Record<string, string>> = { ArrowUp: "Up", ArrowDown: "Down", ArrowLeft: "Left", ArrowRight: "Right" };
const MODIFIER_CODE = /^(Shift|Control|Alt|Meta|OS|AltGraph)(Left|Right)?$/;

/** The accelerator name of the key `code` ("KeyK" → "K", "ArrowUp" → "Up"); null when it cannot be used. */
export function shortcutKey(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1] ?? null;
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit) return digit[1] ?? null;
  const fn = /^F([1-9][0-9]?)$/.exec(code);
  if (fn) return Number(fn[1]) <= 24 ? code : null;
  if (NAMED_KEYS.has(code)) return code;
  return ARROWS[code] ?? null;
}

/** What a pressed combination makes: an accelerator, a sentence saying why not, or nothing yet (a modifier alone). */
export type ShortcutCapture = { accelerator: string } | { problem: string } | null;

/**
 * The accelerator of a key combination, as set_shortcut takes it: "CommandOrControl" for Ctrl (Cmd on macOS),
 * "Control" for Ctrl on macOS, "Super" for the Windows or Meta key elsewhere, then "Alt", "Shift" and the key,
 * e.g. "CommandOrControl+Alt+K". A key alone or with only Shift is refused, as the core refuses it.
 */
export function shortcutFromKeys(keys: KeyCombination, mac: boolean = IS_MAC): ShortcutCapture {
  if (MODIFIER_CODE.test(keys.code)) return null;
  const key = shortcutKey(keys.code);
  if (key === null) {
    return { problem: "That key cannot be used in a shortcut. Use a letter, a digit, F1\u2013F24, Space or an arrow key." };
  }
  const parts: string[] = [];
  if (mac) {
    if (keys.metaKey) parts.push("CommandOrControl");
    if (keys.ctrlKey) parts.push("Control");
  } else {
    if (keys.ctrlKey) parts.push("CommandOrControl");
    if (keys.metaKey) parts.push("Super");
  }
  if (keys.altKey) parts.push("Alt");
  const withoutShift = parts.length;
  if (keys.shiftKey) parts.push("Shift");
  parts.push(key);
  if (withoutShift === 0) {
    const typed = readableShortcut(parts.join("+"), mac);
    const needed = mac ? "Cmd, Ctrl or Option" : "Ctrl, Alt or Super";
    return { problem: `${typed} cannot be a shortcut: it would take over typing. Press it together with ${needed}.` };
  }
  return { accelerator: parts.join("+") };
}

/** An accelerator as people read it: "CommandOrControl+Shift+Space" → "Ctrl+Shift+Space" ("Cmd+…" on macOS). */
export function readableShortcut(accelerator: string, mac: boolean = IS_MAC): string {
  const names: Record<string, string> = mac
    ? { CommandOrControl: "Cmd", CmdOrCtrl: "Cmd", Command: "Cmd", Super: "Cmd", Control: "Ctrl", Alt: "Option", Option: "Option" }
    : { CommandOrControl: "Ctrl", CmdOrCtrl: "Ctrl", Control: "Ctrl", Super: "Super", Alt: "Alt" };
  return accelerator.split("+").map((part) => names[part] ?? part).join("+");
}

const SHORTCUT_STATES: Record<ShortcutStatus["state"], string> = {
  active: "On",
  paused: "Paused from the tray",
  taken: "Not working",
  invalid: "Not working",
  unavailable: "Not available here",
};

const ATTACH_CHOICES: { value: Attach; label: string }[] = [
  { value: "off", label: "Off" },
  { value: "selection", label: "Selected text" },
  { value: "clipboard", label: "Clipboard" },
];

const IDLE_CHOICES: { value: number; label: string }[] = [
  { value: 60, label: "1 min" },
  { value: 300, label: "5 min" },
  { value: 1800, label: "30 min" },
  { value: 0, label: "Never" },
];

interface TraySectionOptions {
  current: () => Settings;
  save: (next: Settings, undo: () => void, problem?: (reason: unknown) => void) => Promise<boolean>;
  catalog: ModelCatalog;
  closed: Promise<void>;
  /** A shortcut status arrived (loaded, changed or resumed). */
  onStatus: (status: ShortcutStatus) => void;
}

/**
 * Tray and shortcut: the quick-prompt shortcut (shown, changed by pressing the new keys, resumed when paused
 * from the tray), keeping the app in the tray, starting at login, what a quick prompt attaches by default,
 * the quick window's model and when the hidden main window is closed. The shortcut part stays hidden when the
 * core cannot say how the shortcut is (shortcut_status rejects).
 */
function trayAndShortcutSection(options: TraySectionOptions): HTMLElement {
  const { current, save, catalog } = options;
  const quick = (): QuickSettings => current().quick as QuickSettings;
  const saveQuick = (change: Partial<QuickSettings>, undo: () => void): Promise<boolean> => {
    problem.hidden = true;
    return save({ ...current(), quick: { ...quick(), ...change } }, undo, (reason) => {
      problem.textContent = toUserError(reason).message;
      problem.hidden = false;
    });
  };
  /** Why a change here was refused, next to the controls. */
  const problem = el("p", { className: "form-alert", attrs: { role: "alert" } });
  problem.hidden = true;

  // The shortcut
  const labelId = uniqueId("shortcut-label");
  const keys = el("kbd", { className: "shortcut-keys" });
  const state = el("span", { className: "shortcut-state" });
  const captureHint = el("p", { className: "hint", attrs: { role: "status" } });
  const shortcutProblem = el("p", { className: "form-alert", attrs: { role: "alert" } });
  shortcutProblem.hidden = true;
  let capturing = false;
  let busy = false;

  const showShortcutProblem = (text: string | null): void => {
    shortcutProblem.textContent = text ?? "";
    shortcutProblem.hidden = text === null;
  };
  const showStatus = (status: ShortcutStatus): void => {
    shortcutRow.hidden = false;
    keys.textContent = status.readable;
    state.textContent = SHORTCUT_STATES[status.state] ?? "";
    resume.hidden = status.state !== "paused";
    showShortcutProblem(status.problem);
    options.onStatus(status);
  };
  const stopCapture = (): void => {
    capturing = false;
    change.textContent = "Change\u2026";
    change.removeAttribute("aria-describedby");
    captureHint.textContent = "";
  };

  const change = button("Change\u2026", () => {
    if (capturing || busy) return;
    capturing = true;
    showShortcutProblem(null);
    change.textContent = "Press the new shortcut\u2026";
    captureHint.textContent = "Press the keys of the new shortcut together, or Esc to keep the current one.";
    change.setAttribute("aria-describedby", captureHint.id);
    change.focus();
  }, { className: "secondary", attrs: { "aria-label": "Change the quick prompt shortcut" } });
  captureHint.id = uniqueId("shortcut-hint");
  change.addEventListener("keydown", (event) => {
    if (!capturing || event.isComposing) return;
    if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      stopCapture(); // the keyboard moves on as usual
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.key === "Escape" || event.code === "Escape") {
      stopCapture();
      return;
    }
    const captured = shortcutFromKeys(event);
    if (captured === null) return;
    if ("problem" in captured) {
      showShortcutProblem(captured.problem);
      return;
    }
    stopCapture();
    void apply(captured.accelerator);
  });
  change.addEventListener("blur", () => {
    if (capturing) stopCapture();
  });

  async function apply(accelerator: string): Promise<void> {
    busy = true;
    change.disabled = true;
    try {
      showStatus(await setShortcut(accelerator));
    } catch (reason) {
      showShortcutProblem(toUserError(reason).message);
    } finally {
      busy = false;
      change.disabled = false;
      change.focus();
    }
  }

  const resume = button("Resume", () => {
    resume.disabled = true;
    desktopAction("resume-shortcut")
      .then(() => shortcutStatus())
      .then(showStatus)
      .catch((reason: unknown) => showShortcutProblem(toUserError(reason).message))
      .finally(() => {
        resume.disabled = false;
      });
  }, { className: "secondary", attrs: { "aria-label": "Resume the quick prompt shortcut" } });
  resume.hidden = true;

  const shortcutRow = el("div", { className: "shortcut-row", attrs: { role: "group", "aria-labelledby": labelId } },
    el("p", { className: "settings-label", text: "Quick prompt shortcut", attrs: { id: labelId } }),
    el("p", { className: "shortcut-line" }, keys, state),
    el("div", { className: "button-row" }, change, resume),
    captureHint,
    shortcutProblem);
  shortcutRow.hidden = true;
  void shortcutStatus().then(showStatus, () => undefined); // an older core: no shortcut to show

  // Checkboxes
  const check = (label: string, key: "close_to_tray" | "start_at_login", hint?: string): { row: HTMLElement; box: HTMLInputElement } => {
    const id = uniqueId("tray-check");
    const box = el("input", { attrs: { type: "checkbox", id } });
    box.checked = quick()[key];
    box.addEventListener("change", () => {
      const value = box.checked;
      if (key === "close_to_tray") idle.disabled = !value;
      void saveQuick({ [key]: value }, () => {
        box.checked = !value;
        if (key === "close_to_tray") idle.disabled = value;
      });
    });
    const row = el("div", { className: "settings-check" }, box, el("label", { text: label, attrs: { for: id } }));
    if (hint !== undefined) {
      const hintId = uniqueId("tray-hint");
      box.setAttribute("aria-describedby", hintId);
      row.append(el("p", { className: "hint", text: hint, attrs: { id: hintId } }));
    }
    return { row, box };
  };

  const select = <T extends string | number>(
    label: string,
    choices: { value: T; label: string }[],
    value: T,
    onChange: (value: T, undo: () => void) => void,
    hint?: string,
  ): { row: HTMLElement; field: HTMLSelectElement } => {
    const id = uniqueId("tray-select");
    const field = el("select", { attrs: { id } });
    const all = choices.some((choice) => choice.value === value) ? choices : [...choices, { value, label: String(value) }];
    for (const choice of all) field.append(el("option", { text: choice.label, attrs: { value: String(choice.value) } }));
    field.value = String(value);
    let saved = field.value;
    field.addEventListener("change", () => {
      const previous = saved;
      const chosen = all.find((choice) => String(choice.value) === field.value);
      if (chosen === undefined) return;
      saved = field.value;
      onChange(chosen.value, () => {
        saved = previous;
        field.value = previous;
      });
    });
    const row = el("div", { className: "settings-field" }, el("label", { text: label, attrs: { for: id } }));
    if (hint !== undefined) {
      const hintId = uniqueId("tray-hint");
      field.setAttribute("aria-describedby", hintId);
      row.append(el("p", { className: "hint", text: hint, attrs: { id: hintId } }));
    }
    row.append(field);
    return { row, field };
  };

  const idleSecs = quick().main_idle_close_secs;
  const idleChoices = IDLE_CHOICES.some((choice) => choice.value === idleSecs)
    ? IDLE_CHOICES
    : [...IDLE_CHOICES, { value: idleSecs, label: idleSecs % 60 === 0 ? `${idleSecs / 60} min` : `${idleSecs} s` }];
  const { row: idleRow, field: idle } = select(
    "Close the hidden main window after",
    idleChoices,
    idleSecs,
    (value, undo) => void saveQuick({ main_idle_close_secs: value }, undo),
    "This saves memory while the app waits in the tray; the window opens again at once when you need it.",
  );
  const tray = check("Keep running in the tray when the main window is closed", "close_to_tray");
  idle.disabled = !tray.box.checked;
  const login = check("Start at login, in the tray", "start_at_login");
  const { row: attachRow } = select(
    "Attach to a quick prompt by default",
    ATTACH_CHOICES,
    quick().attach,
    (value, undo) => void saveQuick({ attach: value }, undo),
    "Read when the quick window opens, and only while this is on; the quick window can change it for each prompt.",
  );

  // The quick window's model
  const modelHintId = uniqueId("quick-model-hint");
  const modelName = el("span");
  const showModel = (): void => {
    const model = quick().model;
    modelName.textContent = model === null ? "Same as the default model" : catalog.nameOf(model);
    useDefault.hidden = model === null;
  };
  const modelButton = button("", () => {
    void openModelPicker({
      catalog,
      current: quick().model ?? current().default_model,
      heading: "Choose the quick window\u2019s model",
    }).then((chosen) => {
      if (chosen === null || chosen === quick().model) return;
      void saveQuick({ model: chosen }, () => undefined).then(showModel);
      showModelAs(chosen);
    });
  }, { className: "model-button", attrs: { "aria-label": "Quick window model", "aria-describedby": modelHintId } });
  modelButton.append(modelName, el("span", { className: "chevron", text: "\u25be", attrs: { "aria-hidden": "true" } }));
  const useDefault = button("Use the default model", () => {
    void saveQuick({ model: null }, () => undefined).then(showModel);
    showModelAs(null);
  }, { className: "secondary" });
  /** Shows `model` at once, before the core confirms (a refusal shows the saved one again). */
  const showModelAs = (model: string | null): void => {
    modelName.textContent = model === null ? "Same as the default model" : catalog.nameOf(model);
    useDefault.hidden = model === null;
  };
  showModel();
  const stop = catalog.onChange(showModel);
  void options.closed.then(stop);

  return el("section", { className: "settings-section tray-settings" },
    el("h3", { text: "Tray and shortcut" }),
    shortcutRow,
    tray.row,
    idleRow,
    login.row,
    attachRow,
    el("div", { className: "settings-field" },
      el("p", { className: "settings-label", text: "Quick window\u2019s model" }),
      el("p", { className: "hint", text: "Quick prompts are sent to this model.", attrs: { id: modelHintId } }),
      el("div", { className: "button-row" }, modelButton, useDefault)),
    problem);
}
