// The Billing view against a fake core: the spend windows beside the key's figures, the report over a
// range of days (charts through a fake drawer, tables, export), the management key, and the way in from
// the sidebar.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountStatus, KeyStatus, SpendWindows } from "./api";
import { startApp } from "./app";
import type { StackedChart } from "./billing-data";
import { cell, report, totals } from "./test/billing-report";
import { deferred, FakeCore, settle } from "./test/fake-core";
import { conversation, historyCore } from "./test/history-core";
import { all, choose, get } from "./test/queries";
import { openBilling, type BillingOptions } from "./views/billing";
import type { ChartDrawer } from "./views/billing-chart";

const TODAY = "2026-03-09";

function windows(): SpendWindows {
  return {
    today: totals({ cost_nanos: 36_800, replies: 1 }),
    week: totals({ cost_nanos: 1_500_000_000, replies: 12 }),
    month: totals({ cost_nanos: 12_345_678_900, replies: 130 }),
    today_day: TODAY, week_start: "2026-03-09", month_start: "2026-03-01",
  };
}

function keyStatus(overrides: Partial<KeyStatus> = {}): KeyStatus {
  return {
    label: "sk-or-v1-abc…xyz", limit_nanos: 20_000_000_000, limit_remaining_nanos: 7_500_000_000, limit_reset: "monthly",
    usage_nanos: 40_000_000_000, usage_daily_nanos: 100_000_000, usage_weekly_nanos: 2_000_000_000, usage_monthly_nanos: 12_500_000_000,
    byok_usage_monthly_nanos: 0, include_byok_in_limit: false, is_free_tier: false, fetched_at: Date.now(), ...overrides,
  };
}

const NO_ACCOUNT: AccountStatus = { has_management_key: false, balance: null, activity: null, error: null, fetched_at: null };

const ACCOUNT: AccountStatus = {
  has_management_key: true,
  balance: { total_credits_nanos: 100_000_000_000, total_usage_nanos: 25_500_000_000, balance_nanos: 74_500_000_000 },
  activity: [
    { date: "2026-03-08", model: "anthropic/claude-sonnet-4.5", provider_name: "Anthropic", usage_nanos: 1_200_000_000, requests: 30, prompt_tokens: 90_000, completion_tokens: 10_000, reasoning_tokens: 0 },
    { date: "2026-03-08", model: "openai/gpt-4o-mini", provider_name: "OpenAI", usage_nanos: 36_800, requests: 2, prompt_tokens: 100, completion_tokens: 20, reasoning_tokens: 0 },
    { date: "2026-03-07", model: "openai/gpt-4o-mini", provider_name: "OpenAI", usage_nanos: 500_000_000, requests: 5, prompt_tokens: 1000, completion_tokens: 200, reasoning_tokens: 0 },
  ],
  error: null,
  fetched_at: Date.now(),
};

function sampleReport(from: string, to: string): ReturnType<typeof report> {
  return report(from, to, [
    cell("2026-03-02", "anthropic/claude-sonnet-4.5", 2_000_000_000, { prompt_tokens: 10_000, completion_tokens: 2_000 }),
    cell("2026-03-05", "openai/gpt-4o-mini", 36_800, { prompt_tokens: 120, completion_tokens: 30 }),
    cell("2026-03-05", "deepseek/deepseek-r1:free", 0, { replies: 3 }),
  ], [
    { conversation_id: 7, title: "Trip planning", cost_nanos: 2_000_000_000, replies: 1 },
    { conversation_id: 8, title: null, cost_nanos: 36_800, replies: 1 },
    { conversation_id: 9, title: "About to go", cost_nanos: 10, replies: 1 },
  ]);
}

let core: FakeCore;
let drawn: { host: HTMLElement; chart: StackedChart; onHover: (index: number | null) => void; destroyed: boolean }[];
const drawChart: ChartDrawer = (host, chart, onHover) => {
  const entry = { host, chart, onHover, destroyed: false };
  drawn.push(entry);
  return { destroy: () => (entry.destroyed = true) };
};

function moneyCore(fake: FakeCore): FakeCore {
  return fake
    .on("spend_windows", () => windows())
    .on("key_status", () => keyStatus())
    .on("budget_status", () => ({ budget_nanos: null, month_spent_nanos: 0, level: "none", low_balance: null }))
    .on("spend_report", (args) => sampleReport(String(args["fromDay"]), String(args["toDay"])))
    .on("account_status", () => NO_ACCOUNT)
    .on("export_ledger_csv", () => ({ path: "/home/me/spending.csv", rows: 42 }))
    .on("open_external", () => null);
}

async function open(overrides: Partial<BillingOptions> = {}): Promise<BillingOptions> {
  const options: BillingOptions = {
    openLink: vi.fn(),
    onOpenConversation: vi.fn(),
    isDeleted: (id) => id === 9,
    drawChart,
    today: TODAY,
    ...overrides,
  };
  openBilling(options);
  await settle();
  return options;
}

function reportCalls(): [unknown, unknown][] {
  return core.callsOf("spend_report").map((call) => [call.args["fromDay"], call.args["toDay"]]);
}

function rowCells(table: Element | null, header: string): string[] {
  const row = Array.from(table?.querySelectorAll("tr") ?? []).find((tr) => tr.querySelector("th")?.textContent?.startsWith(header));
  return Array.from(row?.querySelectorAll("td") ?? []).map((td) => td.textContent ?? "");
}

function text(): string {
  return document.querySelector(".billing-dialog")?.textContent ?? "";
}

beforeEach(() => {
  drawn = [];
  core = moneyCore(new FakeCore().install());
});

afterEach(() => {
  document.body.replaceChildren();
});

describe("spending today, this week and this month", () => {
  it("shows this app's figures beside the key's, in UTC days, with the key's limit", async () => {
    await open();
    const grid = document.querySelector(".billing-windows");
    expect(rowCells(grid, "In this app")).toEqual(["$0.0000368 1 reply", "$1.50 12 replies", "$12.3456789 130 replies"]);
    expect(rowCells(grid, "This key at OpenRouter")).toEqual(["$0.10", "$2.00", "$12.50"]);
    expect(grid?.textContent).toContain("UTC days, as OpenRouter counts them");
    expect(text()).toContain("This key's limit is $20.00; $7.50 of it is left, and it resets on the 1st of every month at midnight UTC.");
    expect(text()).not.toContain("never bought credits");
  });

  it("explains the free tier in plain words", async () => {
    core.on("key_status", () => keyStatus({ is_free_tier: true, limit_nanos: null }));
    await open();
    expect(text()).toContain("This key has no spending limit of its own.");
    expect(document.querySelector(".billing-free-tier")?.textContent).toBe(
      "You have never bought credits: free models allow 50 requests a day; buying 10 credits raises it to 1,000.",
    );
  });

  it("keeps the local figures when OpenRouter cannot be reached, and tries again", async () => {
    core.on("key_status", () => {
      throw { kind: "offline", message: "Could not reach OpenRouter." };
    });
    await open();
    const grid = document.querySelector(".billing-windows");
    expect(rowCells(grid, "In this app")[1]).toBe("$1.50 12 replies");
    expect(rowCells(grid, "This key at OpenRouter")).toEqual(["\u2014", "\u2014", "\u2014"]);
    expect(text()).toContain("Couldn't get OpenRouter's figures: Could not reach OpenRouter. This app's own figures above are still up to date.");
    core.on("key_status", () => keyStatus());
    get("button", "Try again").click();
    await settle();
    expect(rowCells(grid, "This key at OpenRouter")).toEqual(["$0.10", "$2.00", "$12.50"]);
  });

  it("says when the local ledger cannot be read, and shows the budget", async () => {
    core.on("spend_windows", () => {
      throw { kind: "storage", message: "The history file could not be read." };
    });
    core.on("budget_status", () => ({ budget_nanos: 20_000_000_000, month_spent_nanos: 21_000_000_000, level: "reached", low_balance: null }));
    await open();
    expect(get("alert", /^Couldn't read this app's spending/).textContent).toBe("Couldn't read this app's spending: The history file could not be read.");
    expect(text()).toContain("$21.00 of your monthly budget of $20.00 is spent: the budget is reached.");
  });
});

describe("the report", () => {
  it("asks for the last 30 days first, then the range chosen", async () => {
    await open();
    expect(reportCalls()).toEqual([["2026-02-08", TODAY]]);
    choose(get("combobox", "Days"), "7");
    await settle();
    choose(get("combobox", "Days"), "month");
    await settle();
    expect(reportCalls().slice(1)).toEqual([["2026-03-03", TODAY], ["2026-03-01", TODAY]]);
  });

  it("takes a custom range, and says what is wrong with a bad one without asking", async () => {
    await open();
    choose(get("combobox", "Days"), "custom");
    await settle();
    // The fields start at the range shown.
    expect((get("textbox", "First day") as HTMLInputElement).value).toBe("2026-02-08");
    expect((get("textbox", "Last day") as HTMLInputElement).value).toBe(TODAY);
    choose(get("textbox", "First day"), "2026-01-01");
    await settle();
    expect(reportCalls().at(-1)).toEqual(["2026-01-01", TODAY]);
    const before = reportCalls().length;
    choose(get("textbox", "Last day"), "2025-12-01");
    await settle();
    expect(get("alert", "The first day is after the last day.")).toBeTruthy();
    expect(reportCalls()).toHaveLength(before);
    expect((get("button", "Export CSV") as HTMLButtonElement).disabled).toBe(true);
    choose(get("textbox", "Last day"), "2026-01-31");
    await settle();
    expect(all("alert", "The first day is after the last day.")).toHaveLength(0);
    expect(reportCalls().at(-1)).toEqual(["2026-01-01", "2026-01-31"]);
  });

  it("drops an answer for a range no longer chosen", async () => {
    const slow = deferred<unknown>();
    core.on("spend_report", () => slow.promise);
    await open();
    core.on("spend_report", (args) => sampleReport(String(args["fromDay"]), String(args["toDay"])));
    choose(get("combobox", "Days"), "7");
    await settle();
    slow.resolve(sampleReport("2026-02-08", TODAY));
    await settle();
    expect(document.querySelector(".billing-totals")?.textContent).toMatch(/^Mar 3 \u2013 Mar 9, 2026: /);
  });

  it("shows the totals, the charts with their text, spend by model", async () => {
    await open();
    expect(document.querySelector(".billing-totals")?.textContent).toBe(
      "Feb 8 \u2013 Mar 9, 2026: $2.0000368 over 5 replies (3 free); 11,120 tokens in, 2,230 out.",
    );
    expect(drawn.map((d) => d.chart.unit)).toEqual(["usd", "tokens"]);
    const spend = drawn[0]!;
    expect(spend.chart.series.map((s) => s.label)).toEqual(["anthropic/claude-sonnet-4.5", "openai/gpt-4o-mini"]);
    expect(spend.host.getAttribute("role")).toBe("img");
    expect(spend.host.getAttribute("aria-label")).toBe(
      "Spend by day from Feb 8 \u2013 Mar 9, 2026: $2.0000368 in all. Highest day: Mar 2, 2026, $2.00. anthropic/claude-sonnet-4.5 $2.00; openai/gpt-4o-mini $0.0000368.",
    );
    spend.onHover(spend.chart.days.indexOf("2026-03-05"));
    expect(spend.host.parentElement?.querySelector(".billing-readout")?.textContent).toBe("Mar 5, 2026: $0.0000368 \u2014 openai/gpt-4o-mini $0.0000368");
    const models = document.querySelector(".billing-models");
    expect(rowCells(models, "deepseek/deepseek-r1:free").slice(0, 3)).toEqual(["3", "1,200", "$0.00"]);
    expect(rowCells(models, "anthropic/claude-sonnet-4.5").slice(0, 3)).toEqual(["1", "12,000", "$2.00"]);
  });

  it("builds a chart's table only when it is opened, leaving empty days out", async () => {
    await open();
    const details = document.querySelector<HTMLDetailsElement>(".billing-details")!;
    expect(details.querySelector("table")).toBeNull();
    details.open = true;
    details.dispatchEvent(new Event("toggle"));
    const rows = Array.from(details.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.children).map((c) => c.textContent));
    expect(rows).toEqual([["Mar 2, 2026", "$2.00", "$2.00", "$0.00"], ["Mar 5, 2026", "$0.0000368", "$0.00", "$0.0000368"]]);
  });

  it("opens an expensive conversation, and never a deleted one", async () => {
    const options = await open();
    get("button", "Trip planning").click();
    expect(options.onOpenConversation).toHaveBeenCalledWith(7, "Trip planning");
    expect(document.querySelector(".billing-dialog")).toBeNull();
    document.body.replaceChildren();
    await open();
    expect(all("button", "About to go")).toHaveLength(0);
    expect(Array.from(document.querySelectorAll(".billing-deleted")).map((e) => e.textContent)).toEqual(["Deleted conversation", "Deleted conversation"]);
  });

  it("says so when nothing was spent", async () => {
    core.on("spend_report", (args) => report(String(args["fromDay"]), String(args["toDay"]), []));
    await open();
    expect(drawn).toEqual([]);
    expect(text()).toContain("Nothing was spent on these days.");
    expect(text()).toContain("No conversation cost anything on these days.");
  });

  it("says why the report failed, and tries again", async () => {
    core.on("spend_report", () => {
      throw { kind: "invalid_input", message: "That range is too long." };
    });
    await open();
    expect(get("alert", "Couldn't make the report: That range is too long.")).toBeTruthy();
    core.on("spend_report", (args) => sampleReport(String(args["fromDay"]), String(args["toDay"])));
    get("button", "Try again").click();
    await settle();
    expect(drawn).toHaveLength(2);
  });

  it("takes its charts down when the range changes and when it closes", async () => {
    await open();
    choose(get("combobox", "Days"), "7");
    await settle();
    expect(drawn.map((d) => d.destroyed)).toEqual([true, true, false, false]);
    get("button", "Close billing").click();
    await settle();
    expect(drawn.every((d) => d.destroyed)).toBe(true);
  });
});

describe("exporting the ledger", () => {
  it("exports the chosen days and says where the file went", async () => {
    await open();
    choose(get("combobox", "Days"), "90");
    await settle();
    get("button", "Export CSV").click();
    await settle();
    expect(core.callsOf("export_ledger_csv")[0]?.args).toEqual({ fromDay: "2025-12-10", toDay: TODAY });
    expect(document.querySelector(".billing-export-status")?.textContent).toBe("Saved 42 rows to /home/me/spending.csv.");
  });

  it("says when the save was cancelled or failed", async () => {
    core.on("export_ledger_csv", () => null);
    await open();
    get("button", "Export CSV").click();
    await settle();
    expect(document.querySelector(".billing-export-status")?.textContent).toBe("Export cancelled.");
    core.on("export_ledger_csv", () => {
      throw { kind: "storage", message: "The file could not be written." };
    });
    get("button", "Export CSV").click();
    await settle();
    expect(document.querySelector(".billing-export-status")?.textContent).toBe("Couldn't export: The file could not be written.");
  });
});

describe("the management key", () => {
  it("explains what one adds, links to the credits page, and saves one without keeping it", async () => {
    const saving = deferred<AccountStatus>();
    core.on("save_management_key", () => saving.promise);
    const options = await open();
    expect(text()).toContain("the balance (from /credits) and the last 30 days of OpenRouter\u2019s activity");
    get("link", "Open the credits page").click();
    expect(options.openLink).toHaveBeenCalledWith("https://openrouter.ai/settings/credits");
    const field = get("textbox", "Management key") as HTMLInputElement;
    expect(field.type).toBe("password");
    field.value = "  sk-or-v1-management  ";
    get("button", "Save").click();
    // Emptied as soon as the call is made, before the core answers.
    expect(field.value).toBe("");
    expect(core.callsOf("save_management_key")[0]?.args).toEqual({ key: "sk-or-v1-management" });
    expect(get("button", "Checking\u2026")).toBeTruthy();
    saving.resolve(ACCOUNT);
    await settle();
    expect(document.querySelector(".billing-balance")?.textContent).toMatch(/^Credit balance: \$74\.50 \(\$100\.00 bought, \$25\.50 used\) \(as of .+\)$/);
    expect(text()).not.toContain("sk-or-v1-management");
    expect(document.body.innerHTML).not.toContain("sk-or-v1-management");
  });

  it("refuses an empty field and shows the core's reason for a wrong key", async () => {
    core.on("save_management_key", () => {
      throw { kind: "forbidden", message: "This is not a management key." };
    });
    await open();
    get("button", "Save").click();
    await settle();
    expect(get("alert", "Paste a management key first.")).toBeTruthy();
    expect(core.callsOf("save_management_key")).toHaveLength(0);
    const field = get("textbox", "Management key") as HTMLInputElement;
    field.value = "sk-or-v1-regular";
    get("button", "Save").click();
    await settle();
    expect(get("alert", "This is not a management key.")).toBeTruthy();
    expect(field.value).toBe("");
    expect((get("button", "Save") as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows the balance and OpenRouter's activity by UTC day and model, and removes the key", async () => {
    core.on("account_status", () => ACCOUNT).on("forget_management_key", () => null);
    await open();
    expect(text()).toContain("OpenRouter\u2019s activity, last 30 days (UTC days)");
    expect(text()).toContain("$1.7000368 over 37 requests, counted by OpenRouter for the whole account.");
    const byDay = Array.from(document.querySelectorAll(".billing-account table")).find((t) => t.querySelector("caption")?.textContent === "Activity by UTC day");
    expect(rowCells(byDay ?? null, "Mar 8, 2026")).toEqual(["32", "100,120", "$1.2000368"]);
    expect(rowCells(byDay ?? null, "Mar 7, 2026")).toEqual(["5", "1,200", "$0.50"]);
    get("button", "Remove management key").click();
    await settle();
    expect(core.callsOf("forget_management_key")).toHaveLength(1);
    expect(get("textbox", "Management key")).toBeTruthy();
  });

  it("says why the account could not be read, and keeps Remove", async () => {
    core.on("account_status", () => ({ ...ACCOUNT, balance: null, activity: null, error: { kind: "unauthorized", message: "OpenRouter did not accept the management key." } }));
    await open();
    expect(get("alert", "Couldn't read the account: OpenRouter did not accept the management key.")).toBeTruthy();
    expect(get("button", "Remove management key")).toBeTruthy();
  });
});

describe("the way in", () => {
  it("opens from the sidebar's Billing button, and a conversation opens in the chat", async () => {
    const history = historyCore([conversation(7, "Trip planning", 10), conversation(3, "Other", 5)]);
    core = moneyCore(history.core);
    await startApp();
    await settle();
    get("button", "Billing").click();
    await settle();
    expect(get("dialog", "Billing")).toBeTruthy();
    expect(reportCalls()).toHaveLength(1);
    const inBilling = Array.from(get("dialog", "Billing").querySelectorAll("button")).find((b) => b.textContent === "Trip planning");
    inBilling?.click();
    await settle();
    expect(all("dialog", "Billing")).toHaveLength(0);
    expect(history.core.callsOf("get_conversation").at(-1)?.args).toMatchObject({ id: 7 });
  });
});
