// Dev-only: the money commands of IPC.md "Money (issue 5)" for the mock core (`npm run dev:mock`), over an
// in-memory ledger seeded with four months of believable use and added to by every mock reply.
//   Management key: any key containing "mgmt" (e.g. sk-or-v1-mgmt) is accepted; another sk-or- key is
//   "not a management key"; one containing "revoked" is accepted but its account cannot be read.
//   `mock.html?freetier` makes the key a free-tier one (never bought credits); `?offline` makes key_status
//   and account_status fail as if offline (the local figures still show).
//   Export CSV asks with a browser confirm() in place of the native save dialog (Cancel = cancelled).
import { addDays, checkRange, localDay } from "../billing-range";
import type {
  AccountStatus,
  ActivityRow,
  BudgetStatus,
  ConversationCost,
  KeyStatus,
  Message,
  ModelCard,
  PromptEstimate,
  Settings,
  SpendReport,
  SpendTotals,
  SpendWindows,
  UserError,
} from "../api";

export interface LedgerRow {
  at: number;
  conversation_id: number;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  /** null: not known yet (a stopped reply before /generation answered). */
  cost_nanos: number | null;
}

export interface MoneyWorld {
  models: ModelCard[];
  settings(): Settings;
  /** null: the conversation is gone (its spend stays in the ledger). */
  titleOf(conversationId: number): string | null;
  messagesOf(conversationId: number): Message[];
}

type Handler = (args: Record<string, unknown>) => unknown;

const DAY_MS = 86_400_000;

function fail(kind: UserError["kind"], message: string): never {
  throw { kind, message, action: null, retry_after_secs: null } satisfies UserError;
}

function flag(name: string): boolean {
  return typeof location !== "undefined" && new URLSearchParams(location.search).has(name);
}

/** USD per million tokens (a decimal string) × tokens → nano-dollars (1 $/M = 1,000 nano-dollars a token). */
export function tokenCost(pricePerMillion: string | null, tokens: number): number | null {
  if (pricePerMillion === null) return 0;
  const price = Number(pricePerMillion);
  return Number.isFinite(price) ? Math.round(price * 1000 * tokens) : null;
}

export function replyCost(model: ModelCard | undefined, prompt: number, completion: number): number | null {
  if (model === undefined) return null;
  const input = tokenCost(model.prices.prompt, prompt);
  const output = tokenCost(model.prices.completion, completion);
  return input === null || output === null ? null : input + output;
}

function emptyTotals(): SpendTotals {
  return { cost_nanos: 0, replies: 0, free_replies: 0, unpriced_replies: 0, prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cached_tokens: 0 };
}

function addRow(totals: SpendTotals, row: LedgerRow): SpendTotals {
  totals.replies += 1;
  if (row.cost_nanos === null) totals.unpriced_replies += 1;
  else if (row.cost_nanos === 0) totals.free_replies += 1;
  totals.cost_nanos += row.cost_nanos ?? 0;
  totals.prompt_tokens += row.prompt_tokens;
  totals.completion_tokens += row.completion_tokens;
  totals.reasoning_tokens += row.reasoning_tokens;
  totals.cached_tokens += row.cached_tokens;
  return totals;
}

function totalsOf(rows: readonly LedgerRow[]): SpendTotals {
  return rows.reduce(addRow, emptyTotals());
}

const dayOf = (row: LedgerRow): string => localDay(new Date(row.at));
const utcDayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Four months of use: most days a few replies, more on weekdays, mostly cheap models, some free ones. */
function seedLedger(world: MoneyWorld, conversationIds: number[]): LedgerRow[] {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const usable = world.models.filter((m) => !m.is_router);
  const rows: LedgerRow[] = [];
  const today = new Date();
  for (let back = 120; back >= 0; back--) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() - back);
    const weekend = day.getDay() === 0 || day.getDay() === 6;
    const replies = Math.floor(random() * (weekend ? 3 : 9));
    for (let i = 0; i < replies; i++) {
      const model = usable[Math.floor(Math.pow(random(), 1.6) * usable.length)] ?? usable[0];
      if (model === undefined) continue;
      const prompt = 200 + Math.floor(random() * 12_000);
      const completion = 50 + Math.floor(random() * 1_500);
      const at = day.getTime() + (8 + random() * 14) * 3_600_000;
      if (at > Date.now()) continue;
      rows.push({
        at, conversation_id: conversationIds[Math.floor(random() * conversationIds.length)] ?? 0, model: model.id,
        prompt_tokens: prompt, completion_tokens: completion, reasoning_tokens: model.supports_reasoning ? Math.floor(completion / 3) : 0,
        cached_tokens: random() < 0.3 ? Math.floor(prompt / 2) : 0, cost_nanos: replyCost(model, prompt, completion),
      });
    }
  }
  return rows;
}

export class MockMoney {
  readonly ledger: LedgerRow[];
  private managementKey: "none" | "ok" | "revoked" = "none";
  /** The last key figures "fetched" this run, for the low-balance check (as the core keeps them). */
  private lastKey: KeyStatus | null = null;

  constructor(private readonly world: MoneyWorld, seededConversations: number[]) {
    this.ledger = seedLedger(world, seededConversations);
  }

  /** A finished mock reply's row (cost null until /generation "answers"). */
  record(row: LedgerRow): LedgerRow {
    this.ledger.push(row);
    return row;
  }

  private rowsBetween(from: string, to: string): LedgerRow[] {
    return this.ledger.filter((row) => {
      const day = dayOf(row);
      return day >= from && day <= to;
    });
  }

  windows(): SpendWindows {
    const now = new Date();
    const today = localDay(now);
    const weekStart = addDays(today, -((now.getDay() + 6) % 7));
    const monthStart = `${today.slice(0, 8)}01`;
    return {
      today: totalsOf(this.rowsBetween(today, today)),
      week: totalsOf(this.rowsBetween(weekStart, today)),
      month: totalsOf(this.rowsBetween(monthStart, today)),
      today_day: today, week_start: weekStart, month_start: monthStart,
    };
  }

  report(fromDay: string, toDay: string): SpendReport {
    const checked = checkRange(fromDay, toDay);
    if ("problem" in checked) fail("invalid_input", checked.problem);
    const rows = this.rowsBetween(fromDay, toDay);
    const days = new Map<string, SpendTotals>();
    for (let day = fromDay; day <= toDay; day = addDays(day, 1)) days.set(day, emptyTotals());
    const models = new Map<string, SpendTotals>();
    const cells = new Map<string, { day: string; model: string; cost_nanos: number; prompt_tokens: number; completion_tokens: number; replies: number }>();
    const conversations = new Map<number, ConversationCost>();
    for (const row of rows) {
      const day = dayOf(row);
      addRow(days.get(day) ?? emptyTotals(), row);
      if (!models.has(row.model)) models.set(row.model, emptyTotals());
      addRow(models.get(row.model) as SpendTotals, row);
      const key = `${day} ${row.model}`;
      const cell = cells.get(key) ?? { day, model: row.model, cost_nanos: 0, prompt_tokens: 0, completion_tokens: 0, replies: 0 };
      cell.cost_nanos += row.cost_nanos ?? 0;
      cell.prompt_tokens += row.prompt_tokens;
      cell.completion_tokens += row.completion_tokens;
      cell.replies += 1;
      cells.set(key, cell);
      const conversation = conversations.get(row.conversation_id) ??
        { conversation_id: row.conversation_id, title: this.world.titleOf(row.conversation_id), cost_nanos: 0, replies: 0 };
      conversation.cost_nanos += row.cost_nanos ?? 0;
      conversation.replies += 1;
      conversations.set(row.conversation_id, conversation);
    }
    return {
      from_day: fromDay, to_day: toDay, totals: totalsOf(rows),
      days: Array.from(days, ([day, totals]) => ({ day, totals })),
      models: Array.from(models, ([model, totals]) => ({ model, totals })).sort((a, b) => b.totals.cost_nanos - a.totals.cost_nanos),
      day_models: Array.from(cells.values()).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)),
      top_conversations: Array.from(conversations.values()).filter((c) => c.cost_nanos > 0).sort((a, b) => b.cost_nanos - a.cost_nanos).slice(0, 10),
    };
  }

  /** OpenRouter's /key: this ledger in UTC windows, plus a little use of the key elsewhere. */
  keyStatus(): KeyStatus {
    if (flag("offline")) fail("offline", "Could not reach OpenRouter. Check your internet connection.");
    const now = new Date();
    const today = utcDayOf(now.getTime());
    const since = (day: string): number =>
      Math.round(this.ledger.filter((row) => utcDayOf(row.at) >= day).reduce((sum, row) => sum + (row.cost_nanos ?? 0), 0) * 1.05);
    const weekStart = utcDayOf(now.getTime() - ((now.getUTCDay() + 6) % 7) * DAY_MS);
    const monthly = since(`${today.slice(0, 8)}01`);
    const limit = 50_000_000_000;
    this.lastKey = {
      label: "sk-or-v1-abc\u2026xyz", limit_nanos: limit, limit_remaining_nanos: Math.max(0, limit - monthly), limit_reset: "monthly",
      usage_nanos: since("2000-01-01"), usage_daily_nanos: since(today), usage_weekly_nanos: since(weekStart), usage_monthly_nanos: monthly,
      byok_usage_monthly_nanos: 0, include_byok_in_limit: false, is_free_tier: flag("freetier"), fetched_at: Date.now(),
    };
    return this.lastKey;
  }

  accountStatus(): AccountStatus {
    const none: AccountStatus = { has_management_key: false, balance: null, activity: null, error: null, fetched_at: null };
    if (this.managementKey === "none") return none;
    if (this.managementKey === "revoked" || flag("offline")) {
      const error: UserError = flag("offline")
        ? { kind: "offline", message: "Could not reach OpenRouter. Check your internet connection." }
        : { kind: "unauthorized", message: "OpenRouter no longer accepts this management key. Remove it and paste a new one." };
      return { ...none, has_management_key: true, error };
    }
    const used = Math.round(this.ledger.reduce((sum, row) => sum + (row.cost_nanos ?? 0), 0) * 1.05);
    const credits = 100_000_000_000;
    return {
      has_management_key: true,
      balance: { total_credits_nanos: credits, total_usage_nanos: used, balance_nanos: credits - used },
      activity: this.activity(), error: null, fetched_at: Date.now(),
    };
  }

  /** /activity: the last 30 completed UTC days, day × model, newest first. */
  private activity(): ActivityRow[] {
    const today = utcDayOf(Date.now());
    const first = utcDayOf(Date.now() - 30 * DAY_MS);
    const rows = new Map<string, ActivityRow>();
    for (const row of this.ledger) {
      const date = utcDayOf(row.at);
      if (date < first || date >= today) continue;
      const key = `${date} ${row.model}`;
      const entry = rows.get(key) ?? { date, model: row.model, provider_name: "MockProvider", usage_nanos: 0, requests: 0, prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0 };
      entry.usage_nanos += row.cost_nanos ?? 0;
      entry.requests += 1;
      entry.prompt_tokens += row.prompt_tokens;
      entry.completion_tokens += row.completion_tokens;
      entry.reasoning_tokens += row.reasoning_tokens;
      rows.set(key, entry);
    }
    return Array.from(rows.values()).sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.usage_nanos - a.usage_nanos));
  }

  budget(): BudgetStatus {
    const settings = this.world.settings();
    const month = this.windows().month.cost_nanos;
    const budget = dollarsToNanos(settings.monthly_budget_usd ?? null);
    const ratio = budget === null || budget === 0 ? null : month / budget;
    const level = budget === null ? "none" : budget === 0 || (ratio ?? 0) >= 1 ? "reached" : (ratio ?? 0) >= 0.8 ? "warning" : "ok";
    const threshold = dollarsToNanos(settings.low_balance_usd ?? null);
    const remaining = this.lastKey?.limit_remaining_nanos ?? null;
    const low = threshold !== null && remaining !== null && remaining < threshold
      ? { remaining_nanos: remaining, threshold_nanos: threshold, source: "key_limit" as const }
      : null;
    return { budget_nanos: budget, month_spent_nanos: month, level, low_balance: low };
  }

  estimate(conversationId: number | null, modelId: string, draft: string): PromptEstimate {
    const model = this.world.models.find((m) => m.id === modelId);
    const history = conversationId === null ? [] : this.world.messagesOf(conversationId);
    const last = history.slice().reverse().find((m) => m.role === "assistant" && m.usage !== null);
    const draftTokens = Math.ceil(draft.length / 4);
    const prompt = last?.usage
      ? last.usage.prompt_tokens + last.usage.completion_tokens + draftTokens
      : Math.ceil(history.reduce((sum, m) => sum + m.content.length, 0) / 4) + draftTokens;
    const free = model?.is_free ?? false;
    const cost = model === undefined || model.is_router ? null : tokenCost(model.prices.prompt, prompt);
    return { prompt_tokens: prompt, cost_nanos: free ? 0 : cost, free, basis: last?.usage ? "last_reply" : "characters" };
  }

  handlers(): Record<string, Handler> {
    return {
      conversation_spend: (args) => totalsOf(this.ledger.filter((row) => row.conversation_id === Number(args["conversationId"]))),
      estimate_prompt: (args) => this.estimate(args["conversationId"] as number | null, String(args["model"]), String(args["draft"] ?? "")),
      spend_windows: () => this.windows(),
      spend_report: (args) => this.report(String(args["fromDay"]), String(args["toDay"])),
      key_status: () => this.keyStatus(),
      account_status: () => this.accountStatus(),
      save_management_key: (args) => {
        const key = String(args["key"] ?? "").trim();
        if (!key.startsWith("sk-or-")) fail("unauthorized", "OpenRouter did not accept this key. Check that you copied all of it.");
        if (!key.includes("mgmt") && !key.includes("revoked")) {
          fail("forbidden", "This is not a management key. Create one on openrouter.ai under Settings \u2192 Management keys.");
        }
        this.managementKey = key.includes("revoked") ? "revoked" : "ok";
        return this.accountStatus();
      },
      forget_management_key: () => {
        this.managementKey = "none";
        return null;
      },
      budget_status: () => this.budget(),
      export_ledger_csv: (args) => {
        const from = (args["fromDay"] as string | null) ?? "0000-01-01";
        const to = (args["toDay"] as string | null) ?? "9999-12-31";
        const name = `openrouter-spending-${from === "0000-01-01" ? "all" : `${from}-to-${to}`}.csv`;
        if (!window.confirm(`Mock save dialog: save ${name} in your Documents folder?`)) return null;
        return { path: `/home/you/Documents/${name}`, rows: this.rowsBetween(from, to).length };
      },
    };
  }
}

/** "20", "2.50" → nano-dollars (exact for up to 9 decimals); null stays null. */
export function dollarsToNanos(dollars: string | null): number | null {
  if (dollars === null || dollars.trim() === "") return null;
  const [whole = "0", fraction = ""] = dollars.trim().split(".");
  return Number(whole) * 1_000_000_000 + Number(fraction.padEnd(9, "0").slice(0, 9));
}
