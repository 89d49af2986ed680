// Models explained in plain words: prices, what a model accepts and produces, its settings, its variants
// and its providers' figures. Pure functions over the catalogue's types (model-types.ts).
import { formatCount, formatUsd } from "./format";
import type { ModelCard, ModelEndpoint, ModelPrices, ReasoningInfo } from "./model-types";

// ---------------------------------------------------------------------------
// Prices

/** "$3", "$0.075", "$0.0000368": a USD amount from a decimal string; null when it is not a number. */
export function usdText(price: string): string | null {
  const value = Number(price);
  if (!Number.isFinite(value)) return null;
  if (value === 0) return "$0";
  return formatUsd(value, Number.isInteger(value) ? 0 : 2);
}

/** Short price of a token kind for a list row: "free", "$3/M", "varies", "–" (unknown). */
export function shortPrice(price: string | null, isFree: boolean): string {
  if (price === null) return isFree ? "free" : "–";
  if (price === "varies") return "varies";
  const value = Number(price);
  if (!Number.isFinite(value)) return "–";
  if (value === 0) return "free";
  return `${formatUsd(value, 0)}/M`;
}

/** A list row's price: "Free", "Price varies", "$3 in · $15 out per million tokens". */
export function priceSummary(model: ModelCard): string {
  if (model.is_router) return "Price varies";
  if (model.is_free) return "Free";
  const input = shortPrice(model.prices.prompt, false);
  const output = shortPrice(model.prices.completion, false);
  return `${input} in · ${output} out`;
}

/** The prices of a model (or of one tier), each as a sentence: "$3 per million input tokens". */
export function priceLines(prices: ModelPrices, options: { isFree?: boolean; isRouter?: boolean } = {}): string[] {
  if (options.isRouter) {
    return ["The price varies: you pay for the model it picks for each message."];
  }
  const lines: string[] = [];
  const token = (price: string | null, what: string): void => {
    if (price === null) return;
    if (price === "varies") {
      lines.push(`${capitalize(what)}: the price varies`);
      return;
    }
    const usd = usdText(price);
    if (usd === null) return;
    lines.push(usd === "$0" ? `Free ${what}` : `${usd} per million ${what}`);
  };
  const unit = (price: string | null, what: string): void => {
    if (price === null) return;
    const usd = usdText(price);
    if (usd !== null && usd !== "$0") lines.push(`${usd} ${what}`);
  };
  const noTokenPrice = prices.prompt === null && prices.completion === null;
  if (options.isFree && noTokenPrice) lines.push("Free input and output tokens");
  token(prices.prompt, "input tokens");
  token(prices.completion, "output tokens");
  token(prices.internal_reasoning, "reasoning tokens");
  token(prices.input_cache_read, "input tokens read from the cache");
  token(prices.input_cache_write, "input tokens written to the cache");
  token(prices.audio, "audio input tokens");
  unit(prices.request, "per request");
  unit(prices.image, "per input image");
  unit(prices.web_search, "per web search");
  return lines;
}

// ---------------------------------------------------------------------------
// What it accepts and produces

const MODALITY_WORDS: Record<string, string> = {
  text: "text",
  image: "images",
  file: "files (like PDFs)",
  audio: "audio",
  video: "video",
  embeddings: "embeddings",
};

export function modalityWord(modality: string): string {
  return MODALITY_WORDS[modality] ?? modality;
}

/** "text, images and files (like PDFs)". */
export function listWords(words: readonly string[]): string {
  if (words.length === 0) return "";
  if (words.length === 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}

/** "Reads text and images. Writes text." */
export function modalitiesSentence(model: ModelCard): string {
  const parts: string[] = [];
  if (model.input_modalities.length > 0) parts.push(`Reads ${listWords(model.input_modalities.map(modalityWord))}.`);
  if (model.output_modalities.length > 0) parts.push(`Writes ${listWords(model.output_modalities.map(modalityWord))}.`);
  return parts.join(" ");
}

/** "128,000 tokens (about 96,000 words)". */
export function tokensText(tokens: number): string {
  const words = Math.round((tokens * 0.75) / 1000) * 1000;
  return words >= 1000 ? `${formatCount(tokens)} tokens (about ${formatCount(words)} words)` : `${formatCount(tokens)} tokens`;
}

// ---------------------------------------------------------------------------
// Dates

/** "2025-03-31" → "March 31, 2025" (UTC calendar day, as the API means it); the text itself if not a date. */
export function dayText(isoDay: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!match) return isoDay;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return isoDay;
  return date.toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

/** "Retired on May 7, 2026" when past, "Will be retired on …" when not. */
export function retirementText(expiration: string, today: string): string {
  return expiration < today ? `Retired on ${dayText(expiration)}: it may no longer answer.` : `Will be retired on ${dayText(expiration)}.`;
}

/** A time for "Updated …": "today at 14:05", "yesterday at 09:12", "Mar 3 at 10:00". */
export function updatedText(fetchedAtMs: number, now: Date = new Date()): string {
  const at = new Date(fetchedAtMs);
  const time = at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  if (fetchedAtMs >= startOfToday) return `today at ${time}`;
  if (fetchedAtMs >= startOfToday - 86_400_000) return `yesterday at ${time}`;
  const day = at.toLocaleDateString(undefined, { month: "short", day: "numeric", year: at.getFullYear() === now.getFullYear() ? undefined : "numeric" });
  return `${day} at ${time}`;
}

// ---------------------------------------------------------------------------
// Settings (supported_parameters) in plain words

/** Groups of API parameters, each one plain sentence; the first matching group wins per parameter. */
const PARAMETER_GROUPS: { params: string[]; text: string }[] = [
  { params: ["tools", "tool_choice", "parallel_tool_calls"], text: "Can use tools (functions your app offers it)" },
  { params: ["structured_outputs", "response_format"], text: "Can answer in a fixed format (JSON)" },
  { params: ["reasoning", "include_reasoning", "reasoning_effort"], text: "Can think before it answers, with adjustable effort" },
  { params: ["web_search_options"], text: "Has its own web search settings" },
  { params: ["temperature"], text: "Creativity can be turned up or down (temperature)" },
  { params: ["top_p", "top_k", "min_p", "top_a"], text: "Fine control over word choice (top-p, top-k and similar)" },
  { params: ["frequency_penalty", "presence_penalty", "repetition_penalty"], text: "Can be told to repeat itself less" },
  { params: ["max_tokens", "max_completion_tokens"], text: "Reply length can be limited" },
  { params: ["stop"], text: "Can stop at words you choose" },
  { params: ["seed"], text: "Can repeat the same answer for the same question (seed)" },
  { params: ["logprobs", "top_logprobs"], text: "Can show how sure it was of each word (log probabilities)" },
  { params: ["logit_bias"], text: "Certain words can be made more or less likely" },
  { params: ["prediction"], text: "Faster edits when you predict the output" },
  { params: ["verbosity"], text: "Answer length can be set (verbosity)" },
];

/** The settings a model supports, as plain sentences; unknown parameters are listed by name at the end. */
export function parameterSentences(parameters: readonly string[]): string[] {
  const present = new Set(parameters);
  const used = new Set<string>();
  const sentences: string[] = [];
  for (const group of PARAMETER_GROUPS) {
    const matched = group.params.filter((p) => present.has(p));
    if (matched.length === 0) continue;
    sentences.push(group.text);
    for (const p of matched) used.add(p);
  }
  const others = parameters.filter((p) => !used.has(p));
  if (others.length > 0) sentences.push(`Also: ${others.join(", ")}`);
  return sentences;
}

// ---------------------------------------------------------------------------
// Reasoning effort

const EFFORT_WORDS: Record<string, string> = {
  max: "Maximum",
  xhigh: "Very high",
  high: "High",
  medium: "Medium",
  low: "Low",
  minimal: "Minimal",
  none: "Off",
};

/** Efforts from most to least. */
const EFFORT_ORDER = ["max", "xhigh", "high", "medium", "low", "minimal"];

export function effortWord(effort: string): string {
  return EFFORT_WORDS[effort] ?? capitalize(effort);
}

export interface EffortChoice {
  /** null: the model's default (nothing sent). */
  value: string | null;
  label: string;
}

/**
 * The reasoning efforts to offer for a model: its default, the efforts it supports (or the common ones when it
 * does not say), and "Off" unless its reasoning is mandatory. [] when it does not reason.
 */
export function effortChoices(model: Pick<ModelCard, "supports_reasoning" | "reasoning"> | null): EffortChoice[] {
  if (model === null || !model.supports_reasoning) return [];
  const info: ReasoningInfo | null = model.reasoning;
  const listed = info && info.efforts.length > 0 ? info.efforts.filter((e) => e !== "none") : ["high", "medium", "low"];
  const efforts = EFFORT_ORDER.filter((e) => listed.includes(e)).concat(listed.filter((e) => !EFFORT_ORDER.includes(e)));
  const fallback = info?.default_effort ? ` (${effortWord(info.default_effort).toLowerCase()})` : "";
  const choices: EffortChoice[] = [{ value: null, label: `The model's default${fallback}` }];
  for (const effort of efforts) choices.push({ value: effort, label: effortWord(effort) });
  if (!info?.mandatory) choices.push({ value: "none", label: "Off (no thinking)" });
  return choices;
}

/** "Thinks before answering. Effort: high, medium or low (medium unless you choose). It cannot be turned off." */
export function reasoningSentence(model: ModelCard): string {
  if (!model.supports_reasoning) return "";
  const info = model.reasoning;
  const parts = ["Thinks before it answers."];
  if (info && info.efforts.length > 0) {
    const efforts = info.efforts.filter((e) => e !== "none").map((e) => effortWord(e).toLowerCase());
    if (efforts.length > 0) parts.push(`Thinking effort: ${listWords(efforts).replace(/ and ([^ ]+)$/, " or $1")}.`);
    if (info.default_effort) parts.push(`The default is ${effortWord(info.default_effort).toLowerCase()}.`);
  }
  if (info?.mandatory) parts.push("Thinking cannot be turned off.");
  return parts.join(" ");
}

// ---------------------------------------------------------------------------
// Variants

export interface VariantInfo {
  variant: string;
  label: string;
  explanation: string;
}

/** The variants OpenRouter documents, in the order they are offered. `:online` is left out (web search is a toggle). */
export const VARIANTS: readonly VariantInfo[] = [
  { variant: "free", label: "Free", explanation: "Free of charge, with a limited number of requests a day and a minute." },
  { variant: "nitro", label: "Fastest", explanation: "Sent to the providers with the highest speed first (may cost more)." },
  { variant: "floor", label: "Cheapest", explanation: "Sent to the cheapest providers first (may be slower)." },
  { variant: "thinking", label: "Thinking", explanation: "A version that thinks longer before it answers." },
  { variant: "extended", label: "Longer context", explanation: "A version that reads longer conversations and documents." },
  { variant: "exacto", label: "Exacto", explanation: "Only providers OpenRouter checked for reliable tool use and answers." },
];

/** Variants that apply to any model (provider sorting), without their own catalogue entry. */
const ANY_MODEL_VARIANTS = new Set(["nitro", "floor"]);

export interface VariantOption extends VariantInfo {
  /** The routable id: "deepseek/deepseek-r1:free". */
  id: string;
}

/**
 * The variants of `model` one can switch to: those listed in the catalogue for its base model, and
 * `:nitro`/`:floor`, which apply to any model (not to routers, whose provider is the model they pick).
 */
export function variantOptions(model: ModelCard, has: (id: string) => boolean): VariantOption[] {
  const options: VariantOption[] = [];
  for (const info of VARIANTS) {
    const id = `${model.base_id}:${info.variant}`;
    if (ANY_MODEL_VARIANTS.has(info.variant) ? !model.is_router : has(id)) options.push({ ...info, id });
  }
  return options;
}

/** The variant suffix of an id ("free" for "x/y:free"), or null. */
export function variantOf(id: string): string | null {
  const slash = id.indexOf("/");
  const colon = id.lastIndexOf(":");
  if (slash < 0 || colon < slash) return null;
  const variant = id.slice(colon + 1);
  return /^[a-z0-9-]+$/.test(variant) ? variant : null;
}

/** The id without its variant. */
export function baseIdOf(id: string): string {
  const variant = variantOf(id);
  return variant === null ? id : id.slice(0, id.length - variant.length - 1);
}

// ---------------------------------------------------------------------------
// Providers

/** "99.5%" uptime, "0.45 s" to the first word, "85 tokens/s". */
export function uptimeText(percent: number | null): string {
  if (percent === null) return "–";
  return `${percent >= 99.95 ? "100" : percent.toFixed(1).replace(/\.0$/, "")}%`;
}

export function latencyText(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 1000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function throughputText(tokensPerSecond: number | null): string {
  if (tokensPerSecond === null) return "–";
  return `${Math.round(tokensPerSecond)} tokens/s`;
}

/** Provider slug of an endpoint tag: "deepinfra" for "deepinfra/fp8". */
export function providerSlugOf(endpoint: Pick<ModelEndpoint, "tag">): string {
  return endpoint.tag.split("/")[0] ?? endpoint.tag;
}

const QUANTIZATION_WORDS: Record<string, string> = {
  int4: "4-bit (int4)",
  int8: "8-bit (int8)",
  fp4: "4-bit (fp4)",
  mxfp4: "4-bit (mxfp4)",
  nvfp4: "4-bit (nvfp4)",
  fp6: "6-bit (fp6)",
  fp8: "8-bit (fp8)",
  mxfp8: "8-bit (mxfp8)",
  fp16: "16-bit (fp16)",
  bf16: "16-bit (bf16)",
  fp32: "32-bit (fp32)",
  unknown: "Not stated",
};

/** Every quantization the API knows, in the order to offer them. */
export const QUANTIZATIONS = Object.keys(QUANTIZATION_WORDS);

export function quantizationWord(quantization: string | null): string {
  if (quantization === null) return "Not stated";
  return QUANTIZATION_WORDS[quantization] ?? quantization;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
