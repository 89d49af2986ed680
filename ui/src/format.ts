// Plain-text formatting of money, token counts, prices and context sizes.
import type { ModelSummary, Usage } from "./api";

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * US dollars with enough digits to show fractions of a cent:
 * 12.5 → "$12.50", 0.0123 → "$0.0123", 0.0000368 → "$0.0000368".
 * Three significant digits below one dollar, never exponent notation.
 */
export function formatUsd(value: number, minDecimals = 2): string {
  if (!Number.isFinite(value)) return "";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  if (abs === 0) return `${sign}$0${minDecimals > 0 ? "." + "0".repeat(minDecimals) : ""}`;
  const magnitude = Math.floor(Math.log10(abs));
  let decimals = Math.max(minDecimals, 2 - magnitude);
  decimals = Math.min(decimals, 12);
  let text = abs.toFixed(decimals);
  if (Number(text) === 0) return `${sign}<$${(10 ** -12).toFixed(12)}`;
  if (text.includes(".")) {
    text = text.replace(/0+$/, "");
    const [whole = "0", fraction = ""] = text.split(".");
    const padded = fraction.padEnd(minDecimals, "0");
    text = padded === "" ? whole : `${whole}.${padded}`;
  }
  const [whole = "0", fraction] = text.split(".");
  const grouped = integer.format(Number(whole));
  return `${sign}$${fraction === undefined ? grouped : `${grouped}.${fraction}`}`;
}

const NANOS_PER_DOLLAR = 1_000_000_000n;

/**
 * An exact amount of nano-dollars (USD × 1e9, as the core sends money) in dollars, with every significant
 * digit so fractions of a cent stay visible: 36800 → "$0.0000368", 1_500_000_000 → "$1.50", 0 → "$0.00",
 * 1_234_500_000_000 → "$1,234.50". Integer arithmetic (BigInt), never floating-point dollars; a
 * non-integer is rounded to the nearest nano-dollar, and a non-finite number gives "".
 */
export function formatNanos(n: number): string {
  if (!Number.isFinite(n)) return "";
  const nanos = BigInt(Math.round(n));
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = integer.format(abs / NANOS_PER_DOLLAR);
  const fraction = (abs % NANOS_PER_DOLLAR).toString().padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}$${whole}.${fraction}`;
}

/** The cost of one reply: "free" for 0, "" when unknown. */
export function formatCost(costUsd: number | null | undefined): string {
  if (costUsd === null || costUsd === undefined || !Number.isFinite(costUsd)) return "";
  if (costUsd === 0) return "free";
  return formatUsd(costUsd);
}

export function formatCount(n: number): string {
  return integer.format(n);
}

/** "1,234 in (1,000 cached) / 567 out (120 reasoning) tokens". */
export function formatTokens(usage: Usage): string {
  let input = `${formatCount(usage.prompt_tokens)} in`;
  if (usage.cached_tokens) input += ` (${formatCount(usage.cached_tokens)} cached)`;
  let output = `${formatCount(usage.completion_tokens)} out`;
  if (usage.reasoning_tokens) output += ` (${formatCount(usage.reasoning_tokens)} reasoning)`;
  return `${input} / ${output} tokens`;
}

/** One price per million tokens as the API gave it: "3" → "$3", "0.075" → "$0.075", "varies", "?" when unknown. */
export function formatPricePerMillion(price: string | null): string {
  if (price === null || price.trim() === "") return "?";
  const value = Number(price);
  if (!Number.isFinite(value)) return price.trim().toLowerCase() === "varies" ? "varies" : "?";
  if (value === 0) return "free";
  return formatUsd(value, 0);
}

/** "free", or "$3/M in · $15/M out". */
export function formatModelPrice(model: ModelSummary): string {
  const input = formatPricePerMillion(model.prompt_price_per_million);
  const output = formatPricePerMillion(model.completion_price_per_million);
  if (model.is_free || (input === "free" && output === "free")) return "free";
  const part = (p: string): string => (p === "free" || p === "varies" || p === "?" ? p : `${p}/M`);
  return `${part(input)} in · ${part(output)} out`;
}

/** 128000 → "128K", 1048576 → "1.05M", null → "". */
export function formatContextLength(tokens: number | null): string {
  if (tokens === null || !Number.isFinite(tokens) || tokens <= 0) return "";
  if (tokens >= 1_000_000) return `${trimNumber(tokens / 1_000_000, 2)}M`;
  if (tokens >= 1_000) return `${Math.round(tokens / 1_000)}K`;
  return String(tokens);
}

function trimNumber(value: number, decimals: number): string {
  return value.toFixed(decimals).replace(/\.?0+$/, "");
}

/** A calendar date in the user's locale: "Mar 12, 2025"; "" for a missing or bad time. */
export function formatDate(unixMs: number): string {
  if (!Number.isFinite(unixMs) || unixMs <= 0) return "";
  return new Date(unixMs).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
