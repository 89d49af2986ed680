// The settings' dollar amounts (monthly budget, low-balance threshold) as typed → the decimal string the
// core keeps ("20", "2.5"), or null for off. Checked here with the core's own rule (a non-negative number
// of at most 1,000,000 dollars) so the user reads what to change before anything is sent.

export const MAX_DOLLARS = 1_000_000;

export type DollarInput = { value: string | null } | { problem: string };

/** "" → off; "$1,250.50" → "1250.50"; "-3", "abc", "2000000" → a sentence saying what is wrong. */
export function parseDollars(text: string): DollarInput {
  const cleaned = text.trim().replace(/^\$\s*/, "");
  if (cleaned === "") return { value: null };
  if (cleaned.startsWith("-")) return { problem: "Use an amount of zero or more." };
  // Thousands separators are allowed only in their right places ("1,250" but not "12,50").
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d{1,9}))?$/.exec(cleaned);
  if (match === null || (match[1] === "" && match[2] === undefined)) {
    return { problem: "Type an amount in dollars, like 20 or 2.50." };
  }
  const whole = (match[1] ?? "").replace(/,/g, "").replace(/^0+(?=\d)/, "") || "0";
  const fraction = match[2] ?? "";
  // Compared as text: "1000000.000000001" is over the limit though it rounds to it as a number.
  const over = whole.length > 7 || Number(whole) > MAX_DOLLARS || (Number(whole) === MAX_DOLLARS && /[1-9]/.test(fraction));
  if (over) return { problem: "Use an amount of at most $1,000,000." };
  return { value: fraction === "" ? whole : `${whole}.${fraction}` };
}
