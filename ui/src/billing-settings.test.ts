// The settings' Spending section through the real screen: the monthly budget and the low-balance warning
// in dollars, checked as typed and saved with update_settings; a refusal puts the old value back.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Settings } from "./api";
import { startApp } from "./app";
import { settle, type FakeCore } from "./test/fake-core";
import { conversation, historyCore } from "./test/history-core";
import { all, get, press } from "./test/queries";

let core: FakeCore;
let stored: Settings;

beforeEach(() => {
  document.body.replaceChildren();
  core = historyCore([conversation(1, "Alpha", 10)]).core;
  stored = { default_model: "openai/gpt-4o-mini", theme: "system", monthly_budget_usd: "20", low_balance_usd: null };
  core.on("get_settings", () => ({ ...stored }));
  core.on("update_settings", (args) => {
    stored = { ...(args["settings"] as Settings) };
    return { ...stored };
  });
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

function change(label: string, value: string): HTMLInputElement {
  const input = get("textbox", label) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  return input;
}

function saved(): Settings[] {
  return core.callsOf("update_settings").map((call) => call.args["settings"] as Settings);
}

describe("settings: spending", () => {
  it("shows the saved amounts, empty when off", async () => {
    await openSettings();
    expect((get("textbox", "Monthly budget") as HTMLInputElement).value).toBe("20");
    expect((get("textbox", "Low balance warning") as HTMLInputElement).value).toBe("");
  });

  it("saves a budget and a threshold as decimal strings, and empty as off", async () => {
    await openSettings();
    change("Monthly budget", "$1,250.50");
    await settle();
    change("Low balance warning", "2.5");
    await settle();
    change("Monthly budget", "");
    await settle();
    expect(saved().map((s) => [s.monthly_budget_usd, s.low_balance_usd])).toEqual([["1250.50", null], ["1250.50", "2.5"], [null, "2.5"]]);
    expect(saved()[0]).toMatchObject({ default_model: "openai/gpt-4o-mini", theme: "system" });
    expect(get("status", "Monthly budget: off.")).toBeTruthy();
  });

  it("says what is wrong with a bad amount and sends nothing", async () => {
    await openSettings();
    const input = change("Monthly budget", "-5");
    await settle();
    expect(get("alert", "Use an amount of zero or more.")).toBeTruthy();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    change("Monthly budget", "2000000");
    await settle();
    expect(get("alert", "Use an amount of at most $1,000,000.")).toBeTruthy();
    change("Low balance warning", "five");
    await settle();
    expect(get("alert", "Type an amount in dollars, like 20 or 2.50.")).toBeTruthy();
    expect(saved()).toEqual([]);
    change("Monthly budget", "30");
    await settle();
    expect(all("alert", /at most/)).toHaveLength(0);
    expect(input.getAttribute("aria-invalid")).toBe("false");
    expect(saved()).toHaveLength(1);
  });

  it("saves once for Enter followed by leaving the field", async () => {
    await openSettings();
    const input = get("textbox", "Monthly budget") as HTMLInputElement;
    input.value = "45";
    press(input, "Enter");
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect(saved().map((s) => s.monthly_budget_usd)).toEqual(["45"]);
  });

  it("puts the old value back and shows the core's reason when it refuses", async () => {
    core.on("update_settings", () => {
      throw { kind: "invalid_input", message: "The budget must be at most 1,000,000 dollars." };
    });
    await openSettings();
    const input = change("Monthly budget", "999999.999");
    await settle();
    expect(input.value).toBe("20");
    expect(get("alert", "The budget must be at most 1,000,000 dollars.")).toBeTruthy();
  });
});
