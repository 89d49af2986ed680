// The dev mock's money commands (npm run dev:mock) answer in the contract's shapes, with figures that add up.
import { afterEach, describe, expect, it, vi } from "vitest";
import { accountStatus, budgetStatus, onUsageCorrected, conversationSpend, estimatePrompt, exportLedgerCsv, forgetManagementKey, keyStatus, saveManagementKey, spendReport, spendWindows, updateSettings } from "./api";
import { addDays, localDay } from "./billing-range";
import { installMockCore } from "./dev/mock-core";
import { dollarsToNanos, tokenCost } from "./dev/mock-money";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("the dev mock's money", () => {
  it("answers every money command", async () => {
    installMockCore();
    const today = localDay();
    const windows = await spendWindows();
    expect(windows.today_day).toBe(today);
    expect(windows.month.cost_nanos).toBeGreaterThanOrEqual(windows.today.cost_nanos);
    const report = await spendReport(addDays(today, -89), today);
    expect(report.days).toHaveLength(90);
    expect(report.totals.replies).toBeGreaterThan(50);
    const byDay = report.days.reduce((sum, day) => sum + day.totals.cost_nanos, 0);
    const byCell = report.day_models.reduce((sum, cell) => sum + cell.cost_nanos, 0);
    expect(byDay).toBe(report.totals.cost_nanos);
    expect(byCell).toBe(report.totals.cost_nanos);
    expect(report.models.map((m) => m.totals.cost_nanos)).toEqual(report.models.map((m) => m.totals.cost_nanos).sort((a, b) => b - a));
    expect(report.top_conversations.some((c) => c.title === null)).toBe(true);
    await expect(spendReport(today, addDays(today, -1))).rejects.toMatchObject({ kind: "invalid_input" });

    const key = await keyStatus();
    expect(key.limit_reset).toBe("monthly");
    expect(key.usage_monthly_nanos).toBeGreaterThanOrEqual(key.usage_daily_nanos);

    expect(await accountStatus()).toMatchObject({ has_management_key: false });
    await expect(saveManagementKey("sk-or-v1-plain")).rejects.toMatchObject({ kind: "forbidden" });
    const account = await saveManagementKey("sk-or-v1-mgmt");
    expect(account.balance?.balance_nanos).toBe((account.balance?.total_credits_nanos ?? 0) - (account.balance?.total_usage_nanos ?? 0));
    expect(account.activity?.length).toBeGreaterThan(0);
    expect(await forgetManagementKey()).toBeNull();

    expect((await conversationSpend(1)).replies).toBeGreaterThan(0);
    const estimate = await estimatePrompt(1, "anthropic/claude-sonnet-4.5", "hello there");
    expect(estimate).toMatchObject({ basis: "last_reply", free: false });
    expect(estimate.cost_nanos).toBe(estimate.prompt_tokens * 3000);
    expect(await estimatePrompt(null, "deepseek/deepseek-r1:free", "hi")).toMatchObject({ free: true, cost_nanos: 0, basis: "characters" });

    await updateSettings({ default_model: "openai/gpt-4o-mini", theme: "system", monthly_budget_usd: "0.01", low_balance_usd: null });
    expect(await budgetStatus()).toMatchObject({ budget_nanos: 10_000_000, level: "reached" });
    await expect(updateSettings({ default_model: "x/y", theme: "system", monthly_budget_usd: "-1", low_balance_usd: null })).rejects.toMatchObject({ kind: "invalid_input" });

    vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    expect(await exportLedgerCsv(today, today)).toBeNull();
    expect((await exportLedgerCsv(null, null))?.path).toMatch(/openrouter-spending-all\.csv$/);

    // The chat listens for corrected costs through Tauri's event plugin.
    const stop = await onUsageCorrected(() => undefined);
    await stop();
  });

  it("prices tokens exactly", () => {
    expect(tokenCost("3", 1_000_000)).toBe(3_000_000_000);
    expect(tokenCost("0.039", 1000)).toBe(39_000);
    expect(tokenCost("varies", 10)).toBeNull();
    expect(dollarsToNanos("2.50")).toBe(2_500_000_000);
    expect(dollarsToNanos(null)).toBeNull();
  });
});
