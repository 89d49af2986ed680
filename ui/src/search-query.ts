// The search dialog's fields → the SearchQuery of IPC.md. Dates are the user's local days: "From" is
// inclusive from that day's midnight, "To" is inclusive up to the end of its day.
import type { SearchOrder, SearchQuery } from "./api";

export interface SearchFilters {
  text: string;
  /** A model id, or "" for any model. */
  model: string;
  /** "yyyy-mm-dd" as <input type="date"> gives it, or "". */
  from: string;
  to: string;
  starredOnly: boolean;
  order: SearchOrder;
}

export const EMPTY_FILTERS: SearchFilters = { text: "", model: "", from: "", to: "", starredOnly: false, order: "relevance" };

export const SEARCH_LIMIT = 50;

/** Local midnight at the start of `value` ("yyyy-mm-dd"), `dayOffset` days later; null when not a real date. */
export function localDayStart(value: string, dayOffset = 0): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  const day = Number(match[3]);
  const date = new Date(year, month, day);
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) return null;
  return new Date(year, month, day + dayOffset).getTime();
}

/** Whether there is anything to search for (the core answers [] for blank text anyway). */
export function hasSearchText(text: string): boolean {
  return text.trim() !== "";
}

/** The query for these filters, or null when there is nothing to search for. */
export function buildSearchQuery(filters: SearchFilters, limit = SEARCH_LIMIT): SearchQuery | null {
  if (!hasSearchText(filters.text)) return null;
  return {
    text: filters.text.trim(),
    model: filters.model === "" ? null : filters.model,
    from_ms: localDayStart(filters.from),
    to_ms: localDayStart(filters.to, 1),
    starred_only: filters.starredOnly,
    order: filters.order,
    limit: Math.max(1, Math.min(limit, 200)),
  };
}
