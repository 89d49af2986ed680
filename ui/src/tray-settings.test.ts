// Settings → "Tray and shortcut" (issue 6) through the real screen against the fake core: the quick-prompt
// shortcut shown, changed by pressing the new keys (set_shortcut), refused without a modifier, its problems
// shown, resumed when paused from the tray; the tray checkboxes and selects saved with update_settings as the
// whole settings object; and nothing of it with an older core. Also the key-to-accelerator rules on their own.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { QuickSettings, Settings, ShortcutStatus } from "./api";
import { startApp } from "./app";
import { settle, type FakeCore } from "./test/fake-core";
import { conversation, historyCore } from "./test/history-core";
import { all, choose, get, press, type } from "./test/queries";
import { readableShortcut, shortcutFromKeys, shortcutKey, type KeyCombination } from "./views/settings";

const QUICK: QuickSettings = {
  shortcut: "CommandOrControl+Shift+Space",
  shortcut_paused: false,
  close_to_tray: true,
  told_close_to_tray: true,
  main_idle_close_secs: 300,
  attach: "off",
  start_at_login: false,
  model: null,
};

const LOADED: Settings = {
  default_model: "openai/gpt-4o-mini",
  theme: "system",
  monthly_budget_usd: null,
  low_balance_usd: null,
  quick: QUICK,
};

const ACTIVE: ShortcutStatus = {
  shortcut: "CommandOrControl+Shift+Space",
  readable: "Ctrl+Shift+Space",
  state: "active",
  problem: null,
};

let core: FakeCore;
let stored: Settings;
let status: ShortcutStatus;

beforeEach(() => {
  document.body.replaceChildren();
  core = historyCore([conversation(1, "Alpha", 10)]).core;
  stored = structuredClone(LOADED);
  status = { ...ACTIVE };
  core
    .on("get_settings", () => structuredClone(stored))
    .on("update_settings", (args) => {
      stored = structuredClone(args["settings"] as Settings);
      return structuredClone(stored);
    })
    .on("shortcut_status", () => ({ ...status }))
    .on("desktop_action", () => null);
});

afterEach(() => {
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

async function openSettings(): Promise<void> {
  await startApp();
  await settle();
  get("button", "Settings").click();
  await settle();
}

function changeButton(): HTMLButtonElement {
  return get("button", "Change the quick prompt shortcut") as HTMLButtonElement;
}

function shownShortcut(): [string, string] {
  return [
    document.querySelector(".settings-dialog .shortcut-keys")?.textContent ?? "",
    document.querySelector(".settings-dialog .shortcut-state")?.textContent ?? "",
  ];
}

function keys(code: string, init: Partial<KeyCombination> = {}): KeyboardEventInit & { code: string } {
  return { code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...init };
}

/** Presses a key combination on the Change… button while it listens. */
function pressKeys(key: string, init: KeyboardEventInit & { code: string }): void {
  press(changeButton(), key, init);
}

function saved(): Settings[] {
  return core.callsOf("update_settings").map((call) => call.args["settings"] as Settings);
}

describe("settings: the quick-prompt shortcut", () => {
  it("shows the shortcut as people read it and that it is on", async () => {
    await openSettings();
    expect(document.querySelector(".settings-dialog .tray-settings h3")?.textContent).toBe("Tray and shortcut");
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "On"]);
    expect(all("button", "Resume the quick prompt shortcut")).toHaveLength(0);
    expect(all("alert")).toHaveLength(0);
  });

  it("captures Ctrl+Alt+K and sets exactly that accelerator, then shows the new status", async () => {
    core.on("set_shortcut", (args) => {
      status = { shortcut: String(args["shortcut"]), readable: "Ctrl+Alt+K", state: "active", problem: null };
      return { ...status };
    });
    await openSettings();
    const change = changeButton();
    change.click();
    expect(change.textContent).toBe("Press the new shortcut\u2026");
    expect(get("status", "Press the keys of the new shortcut together, or Esc to keep the current one.")).toBeTruthy();
    // The modifiers go down first: nothing is sent for them alone.
    pressKeys("Control", keys("ControlLeft", { ctrlKey: true }));
    pressKeys("Alt", keys("AltLeft", { ctrlKey: true, altKey: true }));
    expect(core.callsOf("set_shortcut")).toHaveLength(0);
    pressKeys("k", keys("KeyK", { ctrlKey: true, altKey: true }));
    await settle();
    expect(core.callsOf("set_shortcut").map((call) => call.args)).toEqual([{ shortcut: "CommandOrControl+Alt+K" }]);
    expect(shownShortcut()).toEqual(["Ctrl+Alt+K", "On"]);
    expect(change.textContent).toBe("Change\u2026");
    // Listening has stopped: another key press changes nothing.
    pressKeys("j", keys("KeyJ", { ctrlKey: true, altKey: true }));
    await settle();
    expect(core.callsOf("set_shortcut")).toHaveLength(1);
  });

  it("refuses Shift+K with a sentence and sends nothing; Esc stops listening and leaves the dialog open", async () => {
    core.on("set_shortcut", () => ({ ...status }));
    await openSettings();
    changeButton().click();
    pressKeys("K", keys("KeyK", { shiftKey: true }));
    await settle();
    expect(get("alert").textContent).toBe(
      "Shift+K cannot be a shortcut: it would take over typing. Press it together with Ctrl, Alt or Super.",
    );
    pressKeys("k", keys("KeyK"));
    expect(get("alert").textContent).toBe("K cannot be a shortcut: it would take over typing. Press it together with Ctrl, Alt or Super.");
    pressKeys("Escape", keys("Escape"));
    await settle();
    expect(changeButton().textContent).toBe("Change\u2026");
    expect(get("dialog", "Settings")).toBeTruthy();
    pressKeys("k", keys("KeyK", { ctrlKey: true, altKey: true }));
    await settle();
    expect(core.callsOf("set_shortcut")).toHaveLength(0);
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "On"]);
  });

  it("shows why a shortcut taken by another program could not be had", async () => {
    core.on("set_shortcut", () => ({
      shortcut: "CommandOrControl+Shift+Space",
      readable: "Ctrl+Shift+Space",
      state: "taken",
      problem: "Ctrl+Alt+K is used by another program. Choose another shortcut.",
    }));
    await openSettings();
    changeButton().click();
    pressKeys("k", keys("KeyK", { ctrlKey: true, altKey: true }));
    await settle();
    expect(core.callsOf("set_shortcut")[0]?.args).toEqual({ shortcut: "CommandOrControl+Alt+K" });
    expect(get("alert").textContent).toBe("Ctrl+Alt+K is used by another program. Choose another shortcut.");
    expect(shownShortcut()[0]).toBe("Ctrl+Shift+Space");
  });

  it("shows the core's sentence when it rejects the shortcut", async () => {
    core.on("set_shortcut", () => {
      throw { kind: "invalid_input", message: "That is not a shortcut." };
    });
    await openSettings();
    changeButton().click();
    pressKeys("F13", keys("F13", { altKey: true }));
    await settle();
    expect(core.callsOf("set_shortcut")[0]?.args).toEqual({ shortcut: "Alt+F13" });
    expect(get("alert").textContent).toBe("That is not a shortcut.");
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "On"]);
  });

  it("says when the shortcut is paused from the tray, and Resume turns it back on", async () => {
    status = { ...ACTIVE, state: "paused" };
    core.on("desktop_action", () => {
      status = { ...ACTIVE };
      return null;
    });
    await openSettings();
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "Paused from the tray"]);
    get("button", "Resume the quick prompt shortcut").click();
    await settle();
    expect(core.callsOf("desktop_action").map((call) => call.args)).toEqual([{ action: "resume-shortcut" }]);
    expect(core.callsOf("shortcut_status").length).toBeGreaterThanOrEqual(3); // workspace, dialog, after resuming
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "On"]);
    expect(all("button", "Resume the quick prompt shortcut")).toHaveLength(0);
  });

  it("shows the core's note where global shortcuts cannot work", async () => {
    const wayland = "Global shortcuts do not work in Wayland sessions. Use the tray icon, or set a shortcut in your desktop's settings.";
    status = { ...ACTIVE, state: "unavailable", problem: wayland };
    await openSettings();
    expect(get("alert").textContent).toBe(wayland);
    expect(shownShortcut()).toEqual(["Ctrl+Shift+Space", "Not available here"]);
  });

  it("keeps the rest of the section when the core cannot say how the shortcut is", async () => {
    core.on("shortcut_status", () => {
      throw "command shortcut_status not found";
    });
    await openSettings();
    expect(all("button", "Change the quick prompt shortcut")).toHaveLength(0);
    expect(get("checkbox", "Keep running in the tray when the main window is closed")).toBeTruthy();
  });

  it("is not there at all with a core that has no tray settings", async () => {
    const { quick: _ignored, ...older } = LOADED;
    stored = older;
    core.on("shortcut_status", () => {
      throw "command shortcut_status not found";
    });
    await openSettings();
    expect(document.querySelector(".tray-settings")).toBeNull();
    expect(all("checkbox")).toHaveLength(0);
    expect(get("dialog", "Settings").textContent).not.toContain("Tray and shortcut");
  });
});

describe("settings: the tray", () => {
  it("saves each checkbox and select as the whole settings object, the rest as loaded", async () => {
    await openSettings();
    const tray = get("checkbox", "Keep running in the tray when the main window is closed") as HTMLInputElement;
    const login = get("checkbox", "Start at login, in the tray") as HTMLInputElement;
    const attach = get("combobox", "Attach to a quick prompt by default") as HTMLSelectElement;
    const idle = get("combobox", "Close the hidden main window after") as HTMLSelectElement;
    expect([tray.checked, login.checked, attach.value, idle.value]).toEqual([true, false, "off", "300"]);
    expect(Array.from(attach.options, (option) => option.textContent)).toEqual(["Off", "Selected text", "Clipboard"]);
    expect(Array.from(idle.options, (option) => [option.value, option.textContent])).toEqual([
      ["60", "1 min"], ["300", "5 min"], ["1800", "30 min"], ["0", "Never"],
    ]);

    choose(login, true);
    await settle();
    choose(attach, "clipboard");
    await settle();
    choose(idle, "1800");
    await settle();
    choose(idle, "0");
    await settle();
    choose(tray, false);
    await settle();
    const base = { default_model: "openai/gpt-4o-mini", theme: "system", monthly_budget_usd: null, low_balance_usd: null };
    expect(saved()).toEqual([
      { ...base, quick: { ...QUICK, start_at_login: true } },
      { ...base, quick: { ...QUICK, start_at_login: true, attach: "clipboard" } },
      { ...base, quick: { ...QUICK, start_at_login: true, attach: "clipboard", main_idle_close_secs: 1800 } },
      { ...base, quick: { ...QUICK, start_at_login: true, attach: "clipboard", main_idle_close_secs: 0 } },
      { ...base, quick: { ...QUICK, start_at_login: true, attach: "clipboard", main_idle_close_secs: 0, close_to_tray: false } },
    ]);
    // Without the tray, a hidden main window never waits: its timer has nothing to say.
    expect(idle.disabled).toBe(true);
  });

  it("unticks start at login and says why when the system refuses it", async () => {
    core.on("update_settings", () => {
      throw { kind: "invalid_input", message: "The login item could not be written." };
    });
    await openSettings();
    const login = get("checkbox", "Start at login, in the tray") as HTMLInputElement;
    choose(login, true);
    await settle();
    expect(saved()).toEqual([{ ...LOADED, quick: { ...QUICK, start_at_login: true } }]);
    expect(login.checked).toBe(false);
    expect(get("alert").textContent).toBe("The login item could not be written.");
  });

  it("picks the quick window's model, and goes back to the default model", async () => {
    await openSettings();
    const model = get("button", "Quick window model");
    expect(model.textContent).toContain("Same as the default model");
    expect(all("button", "Use the default model")).toHaveLength(0);
    model.click();
    await settle();
    expect(get("dialog", "Choose the quick window\u2019s model")).toBeTruthy();
    type(get("combobox", "Search models"), "gemini");
    press(get("combobox", "Search models"), "Enter");
    await settle();
    expect(model.textContent).toContain("Google: Gemini 2.5 Flash");
    get("button", "Use the default model").click();
    await settle();
    expect(model.textContent).toContain("Same as the default model");
    expect(saved().map((s) => s.quick?.model)).toEqual(["google/gemini-2.5-flash", null]);
    expect(saved()[0]).toEqual({ ...LOADED, quick: { ...QUICK, model: "google/gemini-2.5-flash" } });
  });
});

describe("keys to an accelerator", () => {
  const combo = (code: string, init: Partial<KeyCombination> = {}): KeyCombination => ({
    code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...init,
  });

  it("names the keys as the core reads them", () => {
    expect(["KeyA", "Digit1", "F1", "F24", "F25", "Space", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Comma",
      "BracketLeft", "Backslash", "PageDown", "Numpad1", "IntlBackslash"].map(shortcutKey)).toEqual(
      ["A", "1", "F1", "F24", null, "Space", "Up", "Down", "Left", "Right", "Comma", "BracketLeft", "Backslash", "PageDown", null, null],
    );
  });

  it("builds Linux and Windows accelerators", () => {
    expect(shortcutFromKeys(combo("KeyK", { ctrlKey: true, altKey: true }), false)).toEqual({ accelerator: "CommandOrControl+Alt+K" });
    expect(shortcutFromKeys(combo("Space", { ctrlKey: true, shiftKey: true }), false)).toEqual({ accelerator: "CommandOrControl+Shift+Space" });
    expect(shortcutFromKeys(combo("KeyK", { metaKey: true }), false)).toEqual({ accelerator: "Super+K" });
    expect(shortcutFromKeys(combo("ArrowUp", { altKey: true, shiftKey: true }), false)).toEqual({ accelerator: "Alt+Shift+Up" });
    expect(shortcutFromKeys(combo("ShiftLeft", { shiftKey: true }), false)).toBeNull();
    expect(shortcutFromKeys(combo("Numpad1", { ctrlKey: true }), false)).toEqual({
      problem: "That key cannot be used in a shortcut. Use a letter, a digit, F1\u2013F24, Space or an arrow key.",
    });
  });

  it("builds macOS accelerators: Cmd is CommandOrControl, Ctrl is Control", () => {
    expect(shortcutFromKeys(combo("KeyK", { metaKey: true, shiftKey: true }), true)).toEqual({ accelerator: "CommandOrControl+Shift+K" });
    expect(shortcutFromKeys(combo("KeyK", { ctrlKey: true, altKey: true }), true)).toEqual({ accelerator: "Control+Alt+K" });
    expect(shortcutFromKeys(combo("KeyK", { shiftKey: true }), true)).toEqual({
      problem: "Shift+K cannot be a shortcut: it would take over typing. Press it together with Cmd, Ctrl or Option.",
    });
  });

  it("reads accelerators as people do", () => {
    expect(readableShortcut("CommandOrControl+Shift+Space", false)).toBe("Ctrl+Shift+Space");
    expect(readableShortcut("CommandOrControl+Alt+K", true)).toBe("Cmd+Option+K");
    expect(readableShortcut("Super+K", false)).toBe("Super+K");
  });
});
