// A SpendReport turned into what the Billing view's charts draw: one x value per day, stacked series
// (the most expensive models, then "Other"), and the same figures as text for screen readers.
// Exact amounts stay in nano-dollars; only the plotted heights are floating-point dollars.
import { formatCount, formatNanos } from "./format";
import { dayStartSeconds, dayText, rangeText } from "./billing-range";
import type { SpendReport } from "./money-types";

/** Models drawn on their own; the rest are summed as "Other". */
export const TOP_MODELS = 6;

export interface StackSeries {
  label: string;
  /** Index into the chart palette (0..TOP_MODELS-1); -1: the "Other" colour. */
  color: number;
  /** Height per day, in plotting units (dollars for spend, tokens for tokens). */
  values: number[];
  /** Exact amount per day: nano-dollars for spend, tokens for tokens. */
  exact: number[];
  /** Sum of `exact`. */
  total: number;
}

export interface StackedChart {
  /** "YYYY-MM-DD", oldest first. */
  days: string[];
  /** Local midnight of each day, unix seconds. */
  x: number[];
  /** Bottom of the stack first. */
  series: StackSeries[];
  /** Exact total per day (sum over the series). */
  dayTotals: number[];
  unit: "usd" | "tokens";
}

/** "" is a reply whose model is not known. */
export function modelLabel(model: string): string {
  return model === "" ? "Unknown model" : model;
}

function emptyChart(report: SpendReport, unit: StackedChart["unit"]): StackedChart {
  const days = report.days.map((d) => d.day);
  return { days, x: days.map(dayStartSeconds), series: [], dayTotals: days.map(() => 0), unit };
}

function finish(chart: StackedChart, scale: number): StackedChart {
  for (const series of chart.series) {
    series.values = series.exact.map((n) => n / scale);
    series.total = series.exact.reduce((sum, n) => sum + n, 0);
    series.exact.forEach((n, i) => (chart.dayTotals[i] = (chart.dayTotals[i] ?? 0) + n));
  }
  chart.series = chart.series.filter((series) => series.total > 0);
  return chart;
}

/** Spend by day, stacked by model: the `top` most expensive models, the rest as "Other". */
export function spendChart(report: SpendReport, top = TOP_MODELS): StackedChart {
  const chart = emptyChart(report, "usd");
  const paid = report.models.filter((m) => m.totals.cost_nanos > 0);
  // A lone "Other" of one model says less than its name: name it instead.
  const named = paid.length <= top + 1 ? paid : paid.slice(0, top);
  const index = new Map<string, number>(named.map((m, i) => [m.model, i]));
  const dayIndex = new Map<string, number>(chart.days.map((day, i) => [day, i]));
  const zeros = (): number[] => chart.days.map(() => 0);
  // A named 7th model (when it would be the only "Other") takes Other's colour, not the first model's.
  chart.series = named.map((m, i) => ({ label: modelLabel(m.model), color: i < TOP_MODELS ? i : -1, values: [], exact: zeros(), total: 0 }));
  const other: StackSeries = { label: "Other", color: -1, values: [], exact: zeros(), total: 0 };
  for (const cell of report.day_models) {
    const day = dayIndex.get(cell.day);
    if (day === undefined || cell.cost_nanos === 0) continue;
    const series = chart.series[index.get(cell.model) ?? -1] ?? other;
    series.exact[day] = (series.exact[day] ?? 0) + cell.cost_nanos;
  }
  chart.series.push(other);
  return finish(chart, 1e9);
}

/** Tokens by day: prompt tokens below, completion tokens above. */
export function tokenChart(report: SpendReport): StackedChart {
  const chart = emptyChart(report, "tokens");
  chart.series = [
    { label: "Prompt tokens", color: 0, values: [], exact: report.days.map((d) => d.totals.prompt_tokens), total: 0 },
    { label: "Completion tokens", color: 1, values: [], exact: report.days.map((d) => d.totals.completion_tokens), total: 0 },
  ];
  return finish(chart, 1);
}

/** One exact amount as shown: dollars for spend, a count for tokens. */
export function formatAmount(chart: StackedChart, value: number): string {
  return chart.unit === "usd" ? formatNanos(value) : formatCount(value);
}

/** 1234 → "1.2K", 3_400_000 → "3.4M": the token axis's labels. */
export function compactCount(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}B`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}K`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toFixed(1)));
}

/** The day with the largest total, or null when every day is empty. */
export function peakDay(chart: StackedChart): { day: string; total: number } | null {
  let best = -1;
  chart.dayTotals.forEach((total, i) => {
    if (total > 0 && (best < 0 || total > (chart.dayTotals[best] ?? 0))) best = i;
  });
  return best < 0 ? null : { day: chart.days[best] ?? "", total: chart.dayTotals[best] ?? 0 };
}

/**
 * The chart in a few sentences (its accessible name): what it shows, the total, the highest day and
 * the total of each series.
 */
export function chartSummary(title: string, chart: StackedChart): string {
  const first = chart.days[0];
  const last = chart.days[chart.days.length - 1];
  const range = first === undefined || last === undefined ? "" : ` from ${rangeText({ from: first, to: last })}`;
  const total = chart.dayTotals.reduce((sum, n) => sum + n, 0);
  if (total === 0) return `${title}${range}: nothing.`;
  const peak = peakDay(chart);
  const parts = chart.series.map((s) => `${s.label} ${formatAmount(chart, s.total)}`);
  const highest = peak === null ? "" : ` Highest day: ${dayText(peak.day)}, ${formatAmount(chart, peak.total)}.`;
  return `${title}${range}: ${formatAmount(chart, total)} in all.${highest} ${parts.join("; ")}.`;
}

/** What the pointer is over: "Mar 9: $1.20 — model a $1.00, Other $0.20". */
export function dayReadout(chart: StackedChart, index: number): string {
  const day = chart.days[index];
  if (day === undefined) return "";
  const total = chart.dayTotals[index] ?? 0;
  const parts = chart.series
    .filter((s) => (s.exact[index] ?? 0) > 0)
    .slice()
    .reverse()
    .map((s) => `${s.label} ${formatAmount(chart, s.exact[index] ?? 0)}`);
  return `${dayText(day)}: ${formatAmount(chart, total)}${parts.length > 0 ? ` \u2014 ${parts.join(", ")}` : ""}`;
}
