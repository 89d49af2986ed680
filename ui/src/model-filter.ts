// The Models view's filters and sort orders, as pure functions over the catalogue, and their saved form.
// All of it runs in the page on every keystroke over the whole catalogue (hundreds to a thousand models):
// sort orders are computed once per catalogue and reused, so a keystroke costs one pass over the list.
import type { ModelBrowserState, ModelCard } from "./model-types";
import { matchRank, queryWords } from "./model-search";

export const MODALITIES = ["text", "image", "file", "audio", "video"] as const;
export type Modality = (typeof MODALITIES)[number];

export const SORT_KEYS = ["name", "newest", "prompt_price", "completion_price", "context"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ModelFilters {
  freeOnly: boolean;
  /** The model must accept every one of these. */
  input: Modality[];
  /** The model must produce every one of these. */
  output: Modality[];
  tools: boolean;
  structuredOutputs: boolean;
  reasoning: boolean;
  /** Tokens; null: any. */
  minContext: number | null;
  /** USD per million tokens; null: any. */
  maxPromptPrice: number | null;
  maxCompletionPrice: number | null;
  /** Model authors ("anthropic"); empty: any. */
  authors: string[];
  /** Leave out models past their retirement date. */
  hideExpired: boolean;
}

export const DEFAULT_FILTERS: Readonly<ModelFilters> = Object.freeze({
  freeOnly: false,
  input: [],
  output: [],
  tools: false,
  structuredOutputs: false,
  reasoning: false,
  minContext: null,
  maxPromptPrice: null,
  maxCompletionPrice: null,
  authors: [],
  hideExpired: true,
});

export interface BrowserSettings {
  filters: ModelFilters;
  sort: SortKey;
}

export function defaultBrowserSettings(): BrowserSettings {
  return { filters: { ...DEFAULT_FILTERS, input: [], output: [], authors: [] }, sort: "name" };
}

// ---------------------------------------------------------------------------
// Prices and dates

/** A price string from the core as a number (USD per million tokens): null → 0, "varies" → Infinity. */
export function priceNumber(price: string | null): number {
  if (price === null) return 0;
  const value = Number(price);
  if (Number.isFinite(value)) return value;
  return Infinity;
}

/**
 * A maximum price as typed ("3", "$0.50", "1,5"): the number, null for an empty field, undefined when it is
 * not a price.
 */
export function parsePriceInput(text: string): number | null | undefined {
  const cleaned = text.trim().replace(/^\$\s*/, "").replace(",", ".");
  if (cleaned === "") return null;
  if (!/^\d*\.?\d+$|^\d+\.$/.test(cleaned)) return undefined;
  const value = Number(cleaned);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Today as "YYYY-MM-DD" in the user's time zone (expiration dates are calendar days). */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Past its retirement date: the date has gone by (the model works until the end of that day). */
export function isExpired(model: ModelCard, today: string): boolean {
  return model.expiration_date !== null && model.expiration_date < today;
}

// ---------------------------------------------------------------------------
// Filtering

export function passesFilters(model: ModelCard, filters: ModelFilters, today: string): boolean {
  if (filters.freeOnly && !model.is_free) return false;
  if (filters.tools && !model.supports_tools) return false;
  if (filters.structuredOutputs && !model.supports_structured_outputs) return false;
  if (filters.reasoning && !model.supports_reasoning) return false;
  if (filters.hideExpired && isExpired(model, today)) return false;
  for (const modality of filters.input) if (!model.input_modalities.includes(modality)) return false;
  for (const modality of filters.output) if (!model.output_modalities.includes(modality)) return false;
  if (filters.minContext !== null && (model.context_length ?? 0) < filters.minContext) return false;
  if (filters.maxPromptPrice !== null && !(priceNumber(model.prices.prompt) <= filters.maxPromptPrice)) return false;
  if (filters.maxCompletionPrice !== null && !(priceNumber(model.prices.completion) <= filters.maxCompletionPrice)) {
    return false;
  }
  if (filters.authors.length > 0 && !filters.authors.includes(model.author)) return false;
  return true;
}

/** How many filters differ from the defaults (for a "Filters (3)" label and "Clear filters"). */
export function activeFilterCount(filters: ModelFilters): number {
  let count = 0;
  if (filters.freeOnly) count += 1;
  if (filters.tools) count += 1;
  if (filters.structuredOutputs) count += 1;
  if (filters.reasoning) count += 1;
  if (!filters.hideExpired) count += 1;
  count += filters.input.length + filters.output.length;
  if (filters.minContext !== null) count += 1;
  if (filters.maxPromptPrice !== null) count += 1;
  if (filters.maxCompletionPrice !== null) count += 1;
  if (filters.authors.length > 0) count += 1;
  return count;
}

// ---------------------------------------------------------------------------
// Sorting

interface SortKeys {
  name: string;
  created: number;
  prompt: number;
  completion: number;
  context: number;
}

const sortKeys = new WeakMap<ModelCard, SortKeys>();

function keysOf(model: ModelCard): SortKeys {
  let keys = sortKeys.get(model);
  if (keys === undefined) {
    keys = {
      name: model.name.toLowerCase(),
      created: model.created ?? -Infinity,
      prompt: priceNumber(model.prices.prompt),
      completion: priceNumber(model.prices.completion),
      context: model.context_length ?? -Infinity,
    };
    sortKeys.set(model, keys);
  }
  return keys;
}

function byName(a: ModelCard, b: ModelCard): number {
  const ka = keysOf(a).name;
  const kb = keysOf(b).name;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const COMPARE: Record<SortKey, (a: ModelCard, b: ModelCard) => number> = {
  name: byName,
  // Newest first; models without a date last.
  newest: (a, b) => keysOf(b).created - keysOf(a).created || byName(a, b),
  // Cheapest first; "varies" (routers) last.
  prompt_price: (a, b) => compareNumbers(keysOf(a).prompt, keysOf(b).prompt) || byName(a, b),
  completion_price: (a, b) => compareNumbers(keysOf(a).completion, keysOf(b).completion) || byName(a, b),
  // Largest first.
  context: (a, b) => compareNumbers(keysOf(b).context, keysOf(a).context) || byName(a, b),
};

function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

const sortedLists = new WeakMap<readonly ModelCard[], Map<SortKey, ModelCard[]>>();

/** `models` in `sort` order, computed once per catalogue list and sort key (do not change the result). */
export function sortedModels(models: readonly ModelCard[], sort: SortKey): readonly ModelCard[] {
  let bySort = sortedLists.get(models);
  if (bySort === undefined) {
    bySort = new Map();
    sortedLists.set(models, bySort);
  }
  let sorted = bySort.get(sort);
  if (sorted === undefined) {
    sorted = models.slice().sort(COMPARE[sort]);
    bySort.set(sort, sorted);
  }
  return sorted;
}

/**
 * What the Models view lists: the models passing `filters` that match `query`, in `sort` order, with the
 * models whose id, name or author match every word before those found through their description.
 */
export function filterAndSort(
  models: readonly ModelCard[],
  query: string,
  filters: ModelFilters,
  sort: SortKey,
  today: string = todayIso(),
): ModelCard[] {
  const words = queryWords(query);
  const byTitle: ModelCard[] = [];
  const byDescription: ModelCard[] = [];
  for (const model of sortedModels(models, sort)) {
    const rank = matchRank(model, words);
    if (rank === 0 || !passesFilters(model, filters, today)) continue;
    if (rank === 1) byTitle.push(model);
    else byDescription.push(model);
  }
  return byDescription.length === 0 ? byTitle : byTitle.concat(byDescription);
}

/**
 * filterAndSort for a list searched as the user types: when the new query only adds to the last one
 * ("clau" → "claude"), every model it finds was found last time, so only those are looked at again. The
 * result is always exactly filterAndSort's.
 */
export class IncrementalFilter {
  private last: {
    models: readonly ModelCard[];
    filters: ModelFilters;
    sort: SortKey;
    today: string;
    query: string;
    /** Places (in `sort` order) of the models found, ascending. */
    found: number[];
  } | null = null;

  run(models: readonly ModelCard[], query: string, filters: ModelFilters, sort: SortKey, today: string = todayIso()): ModelCard[] {
    const lower = query.toLowerCase();
    const last = this.last;
    const narrowing = last !== null && last.models === models && last.filters === filters && last.sort === sort &&
      last.today === today && lower.startsWith(last.query);
    const words = queryWords(query);
    const sorted = sortedModels(models, sort);
    const byTitle: ModelCard[] = [];
    const byDescription: ModelCard[] = [];
    const found: number[] = [];
    const look = (place: number, filtered: boolean): void => {
      const model = sorted[place];
      if (model === undefined) return;
      const rank = matchRank(model, words);
      if (rank === 0 || (!filtered && !passesFilters(model, filters, today))) return;
      found.push(place);
      if (rank === 1) byTitle.push(model);
      else byDescription.push(model);
    };
    // Typing on: only what the last keystroke found can match (it passed the same filters).
    if (narrowing) for (const place of last.found) look(place, true);
    else for (let place = 0; place < sorted.length; place++) look(place, false);
    this.last = { models, filters, sort, today, query: lower, found };
    return byDescription.length === 0 ? byTitle : byTitle.concat(byDescription);
  }
}

export interface AuthorCount {
  author: string;
  count: number;
}

const authorLists = new WeakMap<readonly ModelCard[], AuthorCount[]>();

/** Every author in the catalogue with how many models it has, by name. */
export function authorsOf(models: readonly ModelCard[]): AuthorCount[] {
  let list = authorLists.get(models);
  if (list === undefined) {
    const counts = new Map<string, number>();
    for (const model of models) counts.set(model.author, (counts.get(model.author) ?? 0) + 1);
    list = Array.from(counts, ([author, count]) => ({ author, count })).sort((a, b) =>
      a.author < b.author ? -1 : a.author > b.author ? 1 : 0,
    );
    authorLists.set(models, list);
  }
  return list;
}

// ---------------------------------------------------------------------------
// Saved state (get_model_browser_state / set_model_browser_state)

const STATE_VERSION = 1;

export function browserStateJson(settings: BrowserSettings): ModelBrowserState {
  const f = settings.filters;
  return {
    version: STATE_VERSION,
    sort: settings.sort,
    free_only: f.freeOnly,
    input: f.input.slice(),
    output: f.output.slice(),
    tools: f.tools,
    structured_outputs: f.structuredOutputs,
    reasoning: f.reasoning,
    min_context: f.minContext,
    max_prompt_price: f.maxPromptPrice,
    max_completion_price: f.maxCompletionPrice,
    authors: f.authors.slice(),
    hide_expired: f.hideExpired,
  };
}

/** Reads a saved state; anything missing or not understood takes its default. */
export function browserSettingsFrom(raw: unknown): BrowserSettings {
  const settings = defaultBrowserSettings();
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return settings;
  // Own keys only: nothing inherited (a "__proto__" in hand-edited JSON) is read as a setting.
  const own = raw as Record<string, unknown>;
  const state: Record<string, unknown> = {};
  for (const key of Object.keys(own)) state[key] = own[key];
  const bool = (key: string, fallback: boolean): boolean => (typeof state[key] === "boolean" ? (state[key] as boolean) : fallback);
  const amount = (key: string): number | null => {
    const value = state[key];
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
  };
  const modalities = (key: string): Modality[] => {
    const value = state[key];
    if (!Array.isArray(value)) return [];
    return MODALITIES.filter((m) => value.includes(m));
  };
  const sort = state["sort"];
  if (typeof sort === "string" && (SORT_KEYS as readonly string[]).includes(sort)) settings.sort = sort as SortKey;
  const f = settings.filters;
  f.freeOnly = bool("free_only", f.freeOnly);
  f.input = modalities("input");
  f.output = modalities("output");
  f.tools = bool("tools", f.tools);
  f.structuredOutputs = bool("structured_outputs", f.structuredOutputs);
  f.reasoning = bool("reasoning", f.reasoning);
  f.minContext = amount("min_context");
  f.maxPromptPrice = amount("max_prompt_price");
  f.maxCompletionPrice = amount("max_completion_price");
  const authors = state["authors"];
  f.authors = Array.isArray(authors)
    ? Array.from(new Set(authors.filter((a): a is string => typeof a === "string" && a !== ""))).slice(0, 200)
    : [];
  f.hideExpired = bool("hide_expired", f.hideExpired);
  return settings;
}
