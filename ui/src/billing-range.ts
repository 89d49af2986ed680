// The Billing view's range of days: presets (last 7/30/90 days, this month) and a custom from–to, as the
// "YYYY-MM-DD" local calendar days spend_report takes. Day arithmetic runs on UTC dates so a daylight-saving
// change never shifts a day.

export type RangeChoice = "7" | "30" | "90" | "month" | "custom";

export interface DayRange {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/** The core refuses longer ranges (IPC.md spend_report). */
export const MAX_RANGE_DAYS = 3700;

export const RANGE_CHOICES: { value: RangeChoice; label: string }[] = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "month", label: "This month" },
  { value: "custom", label: "Choose dates" },
];

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** The local calendar day of `date`: "2026-03-09". */
export function localDay(date: Date = new Date()): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Milliseconds of `day` at UTC midnight, or null when it is not a real "YYYY-MM-DD" date. */
function utcMs(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return null;
  return ms;
}

export function isDay(day: string): boolean {
  return utcMs(day) !== null;
}

function fromUtcMs(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** `day` moved by `n` days (negative: back). */
export function addDays(day: string, n: number): string {
  const ms = utcMs(day);
  if (ms === null) throw new Error(`not a day: ${day}`);
  return fromUtcMs(ms + n * DAY_MS);
}

/** How many days `from`..=`to` holds (0 when `to` is before `from`). */
export function rangeLength(from: string, to: string): number {
  const a = utcMs(from);
  const b = utcMs(to);
  if (a === null || b === null || b < a) return 0;
  return Math.round((b - a) / DAY_MS) + 1;
}

/** The days a preset stands for, ending today. */
export function presetRange(choice: Exclude<RangeChoice, "custom">, today: string): DayRange {
  if (choice === "month") return { from: `${today.slice(0, 8)}01`, to: today };
  return { from: addDays(today, 1 - Number(choice)), to: today };
}

/** The custom from–to fields checked: the range, or a sentence saying what to change. */
export function checkRange(from: string, to: string): { range: DayRange } | { problem: string } {
  if (from.trim() === "" || to.trim() === "") return { problem: "Choose both a first and a last day." };
  if (!isDay(from) || !isDay(to)) return { problem: "Type the days as year-month-day, like 2026-03-01." };
  if (from > to) return { problem: "The first day is after the last day." };
  if (rangeLength(from, to) > MAX_RANGE_DAYS) return { problem: "Choose at most 3,700 days (about ten years)." };
  return { range: { from, to } };
}

/** Local midnight of `day` in unix seconds (the charts' x values). */
export function dayStartSeconds(day: string): number {
  const ms = utcMs(day);
  if (ms === null) return Number.NaN;
  const date = new Date(ms);
  return new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()).getTime() / 1000;
}

const SHORT = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const LONG = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** "Mar 9, 2026" (or "Mar 9" with `short`); the day itself when it is not a date. */
export function dayText(day: string, short = false): string {
  const ms = utcMs(day);
  return ms === null ? day : (short ? SHORT : LONG).format(ms);
}

/** "Mar 1 – Mar 30, 2026", "Dec 20, 2025 – Jan 5, 2026", or one day. */
export function rangeText(range: DayRange): string {
  if (range.from === range.to) return dayText(range.from);
  const sameYear = range.from.slice(0, 4) === range.to.slice(0, 4);
  return `${dayText(range.from, sameYear)} \u2013 ${dayText(range.to)}`;
}
