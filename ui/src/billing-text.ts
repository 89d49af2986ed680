// Sentences of the Billing view: key limits and reset periods in words, totals, the free tier, OpenRouter's
// /activity rows grouped by day and model, export results. Money is always formatted from nano-dollars.
import { formatCount, formatNanos } from "./format";
import type { ActivityRow, AccountBalance, BudgetStatus, KeyStatus, LedgerExport, SpendTotals } from "./money-types";

import { replies } from "./money-text";

export { CREDITS_URL } from "./money-text";

export const FREE_TIER_TEXT =
  "You have never bought credits: free models allow 50 requests a day; buying 10 credits raises it to 1,000.";

/** The key's limit reset period in words (OpenRouter counts in UTC). */
export function resetText(reset: string | null): string {
  switch (reset) {
    case null:
      return "it never resets";
    case "daily":
      return "it resets every day at midnight UTC";
    case "weekly":
      return "it resets every Monday at midnight UTC";
    case "monthly":
      return "it resets on the 1st of every month at midnight UTC";
    default:
      return `it resets ${reset}`;
  }
}

/** "This key's limit is $20.00; $12.34 of it is left, and it resets …" or that it has none. */
export function keyLimitText(key: KeyStatus): string {
  if (key.limit_nanos === null) return "This key has no spending limit of its own.";
  const left = key.limit_remaining_nanos === null ? "" : `; ${formatNanos(key.limit_remaining_nanos)} of it is left`;
  return `This key's limit is ${formatNanos(key.limit_nanos)}${left}, and ${resetText(key.limit_reset)}.`;
}

/** "$1.23 over 45 replies (3 free, 1 cost not known yet)". */
export function totalsText(totals: SpendTotals): string {
  const notes: string[] = [];
  if (totals.free_replies > 0) notes.push(`${formatCount(totals.free_replies)} free`);
  if (totals.unpriced_replies > 0) notes.push(`${formatCount(totals.unpriced_replies)} cost not known yet`);
  const extra = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  return `${formatNanos(totals.cost_nanos)} over ${replies(totals.replies)}${extra}`;
}

/** "1,234 tokens in (100 cached), 567 out (12 reasoning)". */
export function tokensText(totals: SpendTotals): string {
  const cached = totals.cached_tokens > 0 ? ` (${formatCount(totals.cached_tokens)} cached)` : "";
  const reasoning = totals.reasoning_tokens > 0 ? ` (${formatCount(totals.reasoning_tokens)} reasoning)` : "";
  return `${formatCount(totals.prompt_tokens)} tokens in${cached}, ${formatCount(totals.completion_tokens)} out${reasoning}`;
}

/** "Credit balance $74.50 ($100.00 bought, $25.50 used)". */
export function balanceText(balance: AccountBalance): string {
  return `${formatNanos(balance.balance_nanos)} (${formatNanos(balance.total_credits_nanos)} bought, ${formatNanos(balance.total_usage_nanos)} used)`;
}

/** The monthly budget line, or "" when no budget is set. */
export function budgetText(budget: BudgetStatus): string {
  if (budget.budget_nanos === null) return "";
  const spent = `${formatNanos(budget.month_spent_nanos)} of your monthly budget of ${formatNanos(budget.budget_nanos)} is spent`;
  if (budget.level === "reached") return `${spent}: the budget is reached.`;
  if (budget.level === "warning") return `${spent}: over 80 % of it.`;
  return `${spent}.`;
}

/** "Saved 120 rows to /home/…/spending.csv." or "Export cancelled." */
export function exportText(result: LedgerExport | null): string {
  if (result === null) return "Export cancelled.";
  return `Saved ${result.rows === 1 ? "1 row" : `${formatCount(result.rows)} rows`} to ${result.path}.`;
}

export interface ActivityDay {
  date: string;
  usage_nanos: number;
  requests: number;
  tokens: number;
}

export interface ActivityModel {
  model: string;
  usage_nanos: number;
  requests: number;
}

/** /activity rows (day × model × provider) summed per UTC day, newest first. */
export function activityByDay(rows: readonly ActivityRow[]): ActivityDay[] {
  const days = new Map<string, ActivityDay>();
  for (const row of rows) {
    const day = days.get(row.date) ?? { date: row.date, usage_nanos: 0, requests: 0, tokens: 0 };
    day.usage_nanos += row.usage_nanos;
    day.requests += row.requests;
    day.tokens += row.prompt_tokens + row.completion_tokens;
    days.set(row.date, day);
  }
  return Array.from(days.values()).sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** /activity rows summed per model, most expensive first (then most requests). */
export function activityByModel(rows: readonly ActivityRow[]): ActivityModel[] {
  const models = new Map<string, ActivityModel>();
  for (const row of rows) {
    const model = models.get(row.model) ?? { model: row.model, usage_nanos: 0, requests: 0 };
    model.usage_nanos += row.usage_nanos;
    model.requests += row.requests;
    models.set(row.model, model);
  }
  return Array.from(models.values()).sort((a, b) => b.usage_nanos - a.usage_nanos || b.requests - a.requests);
}

/** "12:03" (local), for "as of". */
export function timeText(unixMs: number): string {
  return new Date(unixMs).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}
