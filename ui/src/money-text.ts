// The words of money in the chat (issue 5), as pure functions: the line under a reply, a conversation's
// running total, the estimate beside the composer and the budget sentences. Amounts come from the core as
// integer nano-dollars and are formatted exactly with formatNanos, never through floating-point dollars.
import type { BudgetStatus, LowBalance, MessageStatus, PromptEstimate, ReplyTiming, SpendTotals, Usage } from "./api";
import { formatCount, formatNanos, formatUsd } from "./format";

/** Where OpenRouter sells credits, and where a key's own limit is set. */
export const CREDITS_URL = "https://openrouter.ai/settings/credits";
export const KEYS_URL = "https://openrouter.ai/settings/keys";

// ---------------------------------------------------------------------------
// The line under a reply

/** One piece of the meta line: what is shown, a tooltip, and how a screen reader should say it. */
export interface MetaPart {
  kind: "model" | "provider" | "tokens" | "cost" | "ttft" | "speed";
  text: string;
  spoken: string;
  title?: string;
}

export interface ReplyFacts {
  model: string | null;
  provider: string | null;
  usage: Usage | null;
  timing: ReplyTiming | null | undefined;
  status: MessageStatus;
  /** The core's word that the cost is still to be looked up; undefined from cores before it said so. */
  costPending?: boolean | undefined;
}

/** model · provider · tokens · cost · time to first token · tokens per second, as far as they are known. */
export function replyMetaParts(facts: ReplyFacts): MetaPart[] {
  const parts: MetaPart[] = [];
  if (facts.model) parts.push({ kind: "model", text: facts.model, spoken: `model ${facts.model}` });
  if (facts.provider) parts.push({ kind: "provider", text: facts.provider, spoken: `provider ${facts.provider}` });
  if (facts.usage) parts.push(tokensPart(facts.usage));
  const cost = costPart(facts);
  if (cost) parts.push(cost);
  parts.push(...timingParts(facts.timing, facts.usage));
  return parts;
}

/** The sentence a screen reader says for the meta line. */
export function replyMetaSpoken(parts: readonly MetaPart[]): string {
  return parts.length === 0 ? "" : `Reply details: ${parts.map((part) => part.spoken).join(", ")}.`;
}

function tokensPart(usage: Usage): MetaPart {
  let text = `${formatCount(usage.prompt_tokens)} in`;
  let spoken = `${formatCount(usage.prompt_tokens)} tokens in`;
  if (usage.cached_tokens) {
    text += ` (${formatCount(usage.cached_tokens)} cached)`;
    spoken += ` (${formatCount(usage.cached_tokens)} of them cached)`;
  }
  text += ` / ${formatCount(usage.completion_tokens)} out`;
  spoken += `, ${formatCount(usage.completion_tokens)} out`;
  if (usage.reasoning_tokens) {
    text += ` (${formatCount(usage.reasoning_tokens)} reasoning)`;
    spoken += ` (${formatCount(usage.reasoning_tokens)} of them reasoning)`;
  }
  return { kind: "tokens", text: `${text} tokens`, spoken };
}

/** The exact amount, from cost_nanos; cost_usd only for replies saved before costs were exact. */
export function usageCostText(usage: Usage): string | null {
  if (typeof usage.cost_nanos === "number" && Number.isFinite(usage.cost_nanos)) {
    return usage.cost_nanos === 0 ? "free" : formatNanos(usage.cost_nanos);
  }
  if (typeof usage.cost_usd === "number" && Number.isFinite(usage.cost_usd)) {
    return usage.cost_usd === 0 ? "free" : formatUsd(usage.cost_usd);
  }
  return null;
}

const BILLED_TITLE = "Billed cost, looked up from OpenRouter after the reply stopped";
const PENDING_TITLE = "This reply stopped early, so its cost comes from OpenRouter a little later";

function costPart(facts: ReplyFacts): MetaPart | null {
  const amount = facts.usage ? usageCostText(facts.usage) : null;
  if (amount !== null) {
    const spokenAmount = amount === "free" ? "free" : `cost ${amount}`;
    if (facts.usage?.cost_source === "generation") {
      return { kind: "cost", text: `${amount} (billed cost)`, spoken: `${spokenAmount}, billed cost looked up after the reply stopped`, title: BILLED_TITLE };
    }
    return { kind: "cost", text: amount, spoken: spokenAmount };
  }
  return costPending(facts) ? { kind: "cost", text: "cost pending", spoken: "cost pending", title: PENDING_TITLE } : null;
}

/**
 * A stopped or cut-off reply's cost is looked up later by the core, which says so (`cost_pending`). Without
 * that word (an older core), only replies that carry a timing were saved by a core that does the look-up:
 * older ones would say "pending" for ever.
 */
function costPending(facts: ReplyFacts): boolean {
  if (facts.costPending !== undefined) return facts.costPending;
  if (facts.status !== "stopped" && facts.status !== "interrupted") return false;
  return facts.timing !== null && facts.timing !== undefined;
}

function timingParts(timing: ReplyTiming | null | undefined, usage: Usage | null): MetaPart[] {
  if (!timing) return [];
  const parts: MetaPart[] = [];
  const first = timing.first_token_ms;
  if (first !== null && first >= 0) {
    const seconds = formatSeconds(first);
    parts.push({
      kind: "ttft",
      text: `${seconds} s to first token`,
      spoken: `first token after ${seconds} seconds`,
      title: "Time from sending the request to the first token",
    });
  }
  const speed = tokensPerSecond(timing, usage);
  if (speed !== null) {
    const rate = formatRate(speed);
    parts.push({
      kind: "speed",
      text: `${rate} tok/s`,
      spoken: `${rate} tokens per second`,
      title: "Output tokens per second after the first token",
    });
  }
  return parts;
}

/** completion_tokens / ((duration − first token) / 1000), when that span is longer than zero. */
export function tokensPerSecond(timing: ReplyTiming, usage: Usage | null): number | null {
  if (!usage || usage.completion_tokens <= 0) return null;
  const { first_token_ms: first, duration_ms: duration } = timing;
  if (first === null || duration === null) return null;
  const span = duration - first;
  return span > 0 ? usage.completion_tokens / (span / 1000) : null;
}

/** 400 → "0.4", 12345 → "12": a tenth of a second is worth showing only under ten seconds. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
}

/** 7.46 → "7.5", 6 → "6", 52.4 → "52". */
function formatRate(rate: number): string {
  return rate < 10 ? String(Number(rate.toFixed(1))) : formatCount(Math.round(rate));
}

// ---------------------------------------------------------------------------
// A conversation's running total

export interface SpendLine {
  text: string;
  spoken: string;
  title: string;
}

/** "1 reply", "1,234 replies". */
export function replies(n: number): string {
  return n === 1 ? "1 reply" : `${formatCount(n)} replies`;
}

/** "$0.0123 · 12 replies", "Free so far", "… · 2 not priced yet"; null for a chat with no replies yet. */
export function spendLine(totals: SpendTotals): SpendLine | null {
  if (totals.replies <= 0) return null;
  const unpriced = Math.min(totals.unpriced_replies, totals.replies);
  const priced = totals.replies - unpriced;
  const parts: string[] = [];
  if (priced > 0) {
    if (totals.cost_nanos === 0) parts.push("Free so far");
    else parts.push(formatNanos(totals.cost_nanos), replies(totals.replies));
  }
  if (unpriced > 0) parts.push(priced > 0 ? `${formatCount(unpriced)} not priced yet` : `${replies(unpriced)} not priced yet`);
  const text = parts.join(" · ");
  const tokens = `${formatCount(totals.prompt_tokens)} prompt and ${formatCount(totals.completion_tokens)} completion tokens`;
  return {
    text,
    spoken: `Spent in this chat: ${parts.join(", ")}`,
    title: `Spent in this chat over ${replies(totals.replies)}: ${tokens}`,
  };
}

// ---------------------------------------------------------------------------
// The estimate beside the composer

export interface EstimateLine {
  text: string;
  title: string;
}

/** "About 1,234 prompt tokens ≈ $0.0037 (estimate)", "Free model", or null when the price is unknown. */
export function estimateLine(estimate: PromptEstimate): EstimateLine | null {
  const tokens = formatCount(estimate.prompt_tokens);
  const how = estimate.basis === "last_reply"
    ? "the last reply's exact count plus your draft"
    : "the length of the text";
  const title = `Estimated from ${how}: about ${tokens} prompt tokens. The reply's own tokens cost extra.`;
  if (estimate.free) return { text: "Free model", title };
  if (estimate.cost_nanos === null) return null;
  return { text: `About ${tokens} prompt tokens \u2248 ${formatNanos(estimate.cost_nanos)} (estimate)`, title };
}

// ---------------------------------------------------------------------------
// The monthly budget and a low balance

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.floor((part / whole) * 100) : 0;
}

/** The notice for a budget at "warning" or "reached"; null otherwise (or without a budget). */
export function budgetSentence(status: BudgetStatus): string | null {
  const budget = status.budget_nanos;
  if (budget === null) return null;
  const spent = formatNanos(status.month_spent_nanos);
  if (status.level === "warning") {
    return `You have spent ${spent} of your ${formatNanos(budget)} monthly budget (${percent(status.month_spent_nanos, budget)}%).`;
  }
  if (status.level === "reached") return `You have reached your monthly budget of ${formatNanos(budget)} (${spent} spent this month).`;
  return null;
}

/** The question asked before sending once the budget is reached. */
export function budgetQuestion(status: BudgetStatus): string {
  return `${budgetSentence(status) ?? "You have reached your monthly budget."} Send anyway?`;
}

export interface LowBalanceNotice {
  text: string;
  actionLabel: string;
  url: string;
}

/** A key near its own limit is raised in the key's settings; an account runs low on credits. */
export function lowBalanceNotice(low: LowBalance): LowBalanceNotice {
  const left = formatNanos(low.remaining_nanos);
  if (low.source === "key_limit") {
    return { text: `Your key has ${left} left of its limit.`, actionLabel: "Raise the key's limit", url: KEYS_URL };
  }
  return { text: `Your account balance is ${left}.`, actionLabel: "Add credits", url: CREDITS_URL };
}
