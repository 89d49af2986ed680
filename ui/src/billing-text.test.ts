import { describe, expect, it } from "vitest";
import { parseDollars } from "./billing-budget";
import {
  activityByDay,
  activityByModel,
  balanceText,
  budgetText,
  exportText,
  keyLimitText,
  resetText,
  tokensText,
  totalsText,
} from "./billing-text";
import type { ActivityRow, KeyStatus } from "./money-types";
import { totals } from "./test/billing-report";

function key(overrides: Partial<KeyStatus> = {}): KeyStatus {
  return {
    label: "sk-or-v1-abc…xyz", limit_nanos: null, limit_remaining_nanos: null, limit_reset: null,
    usage_nanos: 0, usage_daily_nanos: 0, usage_weekly_nanos: 0, usage_monthly_nanos: 0,
    byok_usage_monthly_nanos: 0, include_byok_in_limit: false, is_free_tier: false, fetched_at: 0, ...overrides,
  };
}

describe("key figures in words", () => {
  it("says the reset period in words", () => {
    expect(resetText("daily")).toBe("it resets every day at midnight UTC");
    expect(resetText("weekly")).toBe("it resets every Monday at midnight UTC");
    expect(resetText("monthly")).toBe("it resets on the 1st of every month at midnight UTC");
    expect(resetText(null)).toBe("it never resets");
    expect(resetText("hourly")).toBe("it resets hourly");
  });

  it("says the key's limit and what is left", () => {
    expect(keyLimitText(key())).toBe("This key has no spending limit of its own.");
    expect(keyLimitText(key({ limit_nanos: 20_000_000_000, limit_remaining_nanos: 12_345_000_000, limit_reset: "monthly" }))).toBe(
      "This key's limit is $20.00; $12.345 of it is left, and it resets on the 1st of every month at midnight UTC.",
    );
    expect(keyLimitText(key({ limit_nanos: 5_000_000_000 }))).toBe("This key's limit is $5.00, and it never resets.");
  });
});

describe("totals in words", () => {
  it("counts replies, free ones and those whose cost is not known yet", () => {
    expect(totalsText(totals({ cost_nanos: 1_230_000_000, replies: 45, free_replies: 3, unpriced_replies: 1 }))).toBe(
      "$1.23 over 45 replies (3 free, 1 cost not known yet)",
    );
    expect(totalsText(totals({ cost_nanos: 36_800, replies: 1 }))).toBe("$0.0000368 over 1 reply");
    expect(totalsText(totals())).toBe("$0.00 over 0 replies");
  });

  it("counts tokens", () => {
    expect(tokensText(totals({ prompt_tokens: 1234, completion_tokens: 567 }))).toBe("1,234 tokens in, 567 out");
    expect(tokensText(totals({ prompt_tokens: 1234, completion_tokens: 567, cached_tokens: 100, reasoning_tokens: 12 }))).toBe(
      "1,234 tokens in (100 cached), 567 out (12 reasoning)",
    );
  });

  it("says the balance, the budget and the export", () => {
    expect(balanceText({ total_credits_nanos: 100_000_000_000, total_usage_nanos: 25_500_000_000, balance_nanos: 74_500_000_000 })).toBe(
      "$74.50 ($100.00 bought, $25.50 used)",
    );
    expect(budgetText({ budget_nanos: null, month_spent_nanos: 5, level: "none", low_balance: null })).toBe("");
    expect(budgetText({ budget_nanos: 20_000_000_000, month_spent_nanos: 17_000_000_000, level: "warning", low_balance: null })).toBe(
      "$17.00 of your monthly budget of $20.00 is spent: over 80 % of it.",
    );
    expect(exportText(null)).toBe("Export cancelled.");
    expect(exportText({ path: "/home/me/spend.csv", rows: 1200 })).toBe("Saved 1,200 rows to /home/me/spend.csv.");
    expect(exportText({ path: "/tmp/a.csv", rows: 1 })).toBe("Saved 1 row to /tmp/a.csv.");
  });
});

describe("OpenRouter activity", () => {
  const row = (date: string, model: string, usage_nanos: number, requests: number): ActivityRow => ({
    date, model, provider_name: "P", usage_nanos, requests, prompt_tokens: 10, completion_tokens: 5, reasoning_tokens: 0,
  });
  const rows = [row("2026-03-01", "a/x", 100, 2), row("2026-03-02", "a/x", 50, 1), row("2026-03-01", "b/y", 300, 1), row("2026-03-01", "a/x", 1, 1)];

  it("sums rows per UTC day, newest first", () => {
    expect(activityByDay(rows)).toEqual([
      { date: "2026-03-02", usage_nanos: 50, requests: 1, tokens: 15 },
      { date: "2026-03-01", usage_nanos: 401, requests: 4, tokens: 45 },
    ]);
  });

  it("sums rows per model, most expensive first", () => {
    expect(activityByModel(rows)).toEqual([
      { model: "b/y", usage_nanos: 300, requests: 1 },
      { model: "a/x", usage_nanos: 151, requests: 4 },
    ]);
  });
});

describe("dollar settings", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["20", "20"],
    ["$20", "20"],
    ["2.50", "2.50"],
    [".5", "0.5"],
    ["007", "7"],
    ["0", "0"],
    ["1,250.75", "1250.75"],
    ["1000000", "1000000"],
    ["1000000.00", "1000000.00"],
  ])("%j is %j", (text, value) => {
    expect(parseDollars(text)).toEqual({ value });
  });

  it.each([
    ["-5", "Use an amount of zero or more."],
    ["abc", "Type an amount in dollars, like 20 or 2.50."],
    ["12,50", "Type an amount in dollars, like 20 or 2.50."],
    ["1e3", "Type an amount in dollars, like 20 or 2.50."],
    [".", "Type an amount in dollars, like 20 or 2.50."],
    ["1.0000000001", "Type an amount in dollars, like 20 or 2.50."],
    ["1000000.01", "Use an amount of at most $1,000,000."],
    ["1000000.000000001", "Use an amount of at most $1,000,000."],
    ["2,000,000", "Use an amount of at most $1,000,000."],
    ["99999999999", "Use an amount of at most $1,000,000."],
  ])("%j is refused: %s", (text, problem) => {
    expect(parseDollars(text)).toEqual({ problem });
  });
});
