// Types of the model catalogue and of per-conversation routing, exactly as the Rust core serializes them
// (src-tauri/src/app/IPC.md, "Models and routing"). api.ts re-exports them beside the commands.
import type { UserError } from "./api";

/**
 * Prices as shown: token prices in USD per million tokens; `request`, `image` and `web_search` per unit.
 * null: not priced (on a free model, 0). "varies": a router, whose price depends on the model it picks.
 */
export interface ModelPrices {
  prompt: string | null;
  completion: string | null;
  internal_reasoning: string | null;
  input_cache_read: string | null;
  input_cache_write: string | null;
  audio: string | null;
  /** USD per request. */
  request: string | null;
  /** USD per input image. */
  image: string | null;
  /** USD per web search. */
  web_search: string | null;
}

/** A price that applies under a condition ("Prompts over 200,000 tokens"); `prices` are complete. */
export interface PriceTier {
  condition: string;
  prices: ModelPrices;
}

export interface ReasoningInfo {
  /** e.g. ["high", "medium", "low"]; [] when the API does not say. */
  efforts: string[];
  default_effort: string | null;
  /** Reasoning cannot be turned off: never offer "off". */
  mandatory: boolean;
  default_enabled: boolean | null;
  supports_max_tokens: boolean;
}

export interface ModelCard {
  /** Routable id, e.g. "deepseek/deepseek-r1:free". */
  id: string;
  /** Without the ":variant" suffix. */
  base_id: string;
  variant: string | null;
  name: string;
  /** The id's first part: "deepseek". */
  author: string;
  /** Markdown as sent: render it sanitized. */
  description: string;
  /** Unix seconds. */
  created: number | null;
  context_length: number | null;
  max_output_tokens: number | null;
  input_modalities: string[];
  output_modalities: string[];
  prices: ModelPrices;
  price_tiers: PriceTier[];
  is_free: boolean;
  is_router: boolean;
  supports_tools: boolean;
  supports_structured_outputs: boolean;
  supports_reasoning: boolean;
  reasoning: ReasoningInfo | null;
  supported_parameters: string[];
  /** "YYYY-MM-DD" */
  knowledge_cutoff: string | null;
  /** "YYYY-MM-DD": retired after this day. */
  expiration_date: string | null;
  canonical_slug: string | null;
}

export interface Catalogue {
  /** Sorted by name; [] before the first successful fetch. */
  models: ModelCard[];
  /** ms since the epoch of the list shown. */
  fetched_at: number | null;
  /** The last refresh failed: the cached list is shown, and this says why. */
  refresh_error: UserError | null;
}

export interface ModelEndpoint {
  provider_name: string;
  /** "deepinfra/fp8": usable in a provider order or only/ignore list. */
  tag: string;
  quantization: string | null;
  context_length: number | null;
  max_output_tokens: number | null;
  prices: ModelPrices;
  /** 0 ok, negative degraded. */
  status: number | null;
  /** Percent. */
  uptime_last_30m: number | null;
  uptime_last_1d: number | null;
  /** Median time to the first token. */
  latency_p50_ms: number | null;
  /** Median tokens per second. */
  throughput_p50: number | null;
  supports_implicit_caching: boolean;
}

export interface ProviderInfo {
  slug: string;
  name: string;
}

export interface ModelPicks {
  favorites: string[];
  /** Most recent first. */
  recent: string[];
}

export type ProviderSort = "price" | "throughput" | "latency";

export interface ProviderPrefs {
  sort: ProviderSort | null;
  /** Provider slugs, tried in this order. */
  order: string[];
  only: string[];
  ignore: string[];
  /** Default true. */
  allow_fallbacks: boolean;
  data_collection_deny: boolean;
  zdr: boolean;
  quantizations: string[];
  /** USD per million tokens. */
  max_price_prompt: string | null;
  max_price_completion: string | null;
}

/** How one conversation's requests are routed. */
export interface Routing {
  /** Tried in order after the chosen model (at most 3). */
  fallback_models: string[];
  provider: ProviderPrefs | null;
  /** "none" turns reasoning off. */
  reasoning_effort: string | null;
  web_search: boolean;
}

/** The Models view's own state (filters, sort), stored by the core as given. */
export type ModelBrowserState = Record<string, unknown>;

export const DEFAULT_PROVIDER_PREFS: Readonly<ProviderPrefs> = Object.freeze({
  sort: null,
  order: [],
  only: [],
  ignore: [],
  allow_fallbacks: true,
  data_collection_deny: false,
  zdr: false,
  quantizations: [],
  max_price_prompt: null,
  max_price_completion: null,
});

export function defaultRouting(): Routing {
  return { fallback_models: [], provider: null, reasoning_effort: null, web_search: false };
}
