// Types of the money commands (IPC.md "Money (issue 5)"). Amounts are integer nano-dollars (USD × 1e9):
// format them with formatNanos, never through floating-point dollars.

import type { UserError } from "./api";

export interface ReplyTiming {
  /** From sending the request to the first token. */
  first_token_ms: number | null;
  /** From sending the request to the end of the reply. */
  duration_ms: number | null;
}

export interface SpendTotals {
  cost_nanos: number;
  replies: number;
  free_replies: number;
  unpriced_replies: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
}

export interface PromptEstimate {
  prompt_tokens: number;
  cost_nanos: number | null;
  free: boolean;
  basis: "last_reply" | "characters";
}

export interface SpendWindows {
  today: SpendTotals;
  week: SpendTotals;
  month: SpendTotals;
  today_day: string;
  week_start: string;
  month_start: string;
}

export interface SpendDay {
  day: string;
  totals: SpendTotals;
}

export interface SpendByModel {
  model: string;
  totals: SpendTotals;
}

export interface SpendDayModel {
  day: string;
  model: string;
  cost_nanos: number;
  prompt_tokens: number;
  completion_tokens: number;
  replies: number;
}

export interface ConversationCost {
  conversation_id: number;
  /** null: the conversation was deleted (its spend stays in the ledger). */
  title: string | null;
  cost_nanos: number;
  replies: number;
}

export interface SpendReport {
  from_day: string;
  to_day: string;
  totals: SpendTotals;
  days: SpendDay[];
  models: SpendByModel[];
  day_models: SpendDayModel[];
  top_conversations: ConversationCost[];
}

export interface KeyStatus {
  label: string;
  limit_nanos: number | null;
  limit_remaining_nanos: number | null;
  limit_reset: string | null;
  usage_nanos: number;
  usage_daily_nanos: number;
  usage_weekly_nanos: number;
  usage_monthly_nanos: number;
  byok_usage_monthly_nanos: number;
  include_byok_in_limit: boolean;
  is_free_tier: boolean;
  fetched_at: number;
}

export interface ActivityRow {
  date: string;
  model: string;
  provider_name: string | null;
  usage_nanos: number;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

export interface AccountBalance {
  total_credits_nanos: number;
  total_usage_nanos: number;
  balance_nanos: number;
}

export interface AccountStatus {
  has_management_key: boolean;
  balance: AccountBalance | null;
  activity: ActivityRow[] | null;
  error: UserError | null;
  fetched_at: number | null;
}

export interface LowBalance {
  remaining_nanos: number;
  threshold_nanos: number;
  source: "key_limit" | "credits";
}

export interface BudgetStatus {
  budget_nanos: number | null;
  month_spent_nanos: number;
  level: "none" | "ok" | "warning" | "reached";
  low_balance: LowBalance | null;
}

export interface LedgerExport {
  path: string;
  rows: number;
}

/** Payload of the `usage-corrected` event. */
export interface UsageCorrected {
  message_id: number;
  conversation_id: number;
  usage: import("./api").Usage;
}
