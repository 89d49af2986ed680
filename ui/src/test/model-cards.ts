// Test-only: model cards shaped as the core sends them (IPC.md ModelCard), and a small catalogue built
// from real entries of the recorded /models list (tests/fixtures/models-data-array-2026-05-01.json).
import type { Catalogue, ModelCard, ModelEndpoint, ModelPrices } from "../model-types";

export function prices(partial: Partial<ModelPrices> = {}): ModelPrices {
  return {
    prompt: null, completion: null, internal_reasoning: null, input_cache_read: null, input_cache_write: null,
    audio: null, request: null, image: null, web_search: null, ...partial,
  };
}

export function card(id: string, partial: Partial<ModelCard> = {}): ModelCard {
  const slash = id.indexOf("/");
  const colon = id.lastIndexOf(":");
  const variant = colon > slash ? id.slice(colon + 1) : null;
  return {
    id,
    base_id: variant === null ? id : id.slice(0, colon),
    variant,
    name: id,
    author: id.slice(0, slash),
    description: "",
    created: 1_700_000_000,
    context_length: 128_000,
    max_output_tokens: 8_192,
    input_modalities: ["text"],
    output_modalities: ["text"],
    prices: prices({ prompt: "1", completion: "2" }),
    price_tiers: [],
    is_free: false,
    is_router: false,
    supports_tools: false,
    supports_structured_outputs: false,
    supports_reasoning: false,
    reasoning: null,
    supported_parameters: ["max_tokens", "temperature"],
    knowledge_cutoff: null,
    expiration_date: null,
    canonical_slug: id,
    ...partial,
  };
}

/** Nine models, sorted by name as the core sends them. */
export const CARDS: ModelCard[] = [
  card("ai21/jamba-large-1.7", {
    name: "AI21: Jamba Large 1.7",
    description: "Jamba Large 1.7 is the latest model in the Jamba open family, offering improvements in grounding.",
    created: 1_754_669_020,
    context_length: 256_000,
    max_output_tokens: 4_096,
    prices: prices({ prompt: "2", completion: "8" }),
    supports_tools: true,
    supports_structured_outputs: true,
    supported_parameters: ["max_tokens", "response_format", "stop", "temperature", "tool_choice", "tools", "top_p"],
    knowledge_cutoff: "2024-08-31",
  }),
  card("anthropic/claude-3.7-sonnet:thinking", {
    name: "Anthropic: Claude 3.7 Sonnet (thinking)",
    description: "Claude 3.7 Sonnet with **extended thinking** for hard problems.",
    created: 1_740_422_110,
    context_length: 200_000,
    max_output_tokens: 64_000,
    input_modalities: ["text", "image", "file"],
    prices: prices({ prompt: "3", completion: "15", input_cache_read: "0.3", input_cache_write: "3.75", image: "0.0048" }),
    supports_tools: true,
    supports_reasoning: true,
    reasoning: { efforts: [], default_effort: null, mandatory: true, default_enabled: true, supports_max_tokens: true },
    supported_parameters: ["include_reasoning", "max_tokens", "reasoning", "stop", "temperature", "tool_choice", "tools"],
    expiration_date: "2026-05-05",
  }),
  card("anthropic/claude-sonnet-4.5", {
    name: "Anthropic: Claude Sonnet 4.5",
    description: "Best for coding and agents. See [the docs](https://docs.anthropic.com).",
    created: 1_759_161_676,
    context_length: 1_000_000,
    max_output_tokens: 64_000,
    input_modalities: ["text", "image", "file"],
    prices: prices({ prompt: "3", completion: "15", input_cache_read: "0.3", input_cache_write: "3.75", web_search: "0.01" }),
    price_tiers: [{ condition: "Prompts over 200,000 tokens", prices: prices({ prompt: "6", completion: "22.5" }) }],
    supports_tools: true,
    supports_structured_outputs: true,
    supports_reasoning: true,
    reasoning: { efforts: ["high", "medium", "low"], default_effort: "medium", mandatory: false, default_enabled: false, supports_max_tokens: true },
    supported_parameters: ["include_reasoning", "max_tokens", "reasoning", "response_format", "stop", "structured_outputs", "temperature", "tool_choice", "tools", "top_k", "top_p"],
    knowledge_cutoff: "2025-03-31",
  }),
  card("openrouter/auto", {
    name: "Auto Router",
    description: "Picks a model for each prompt.",
    created: 1_699_401_600,
    context_length: 2_000_000,
    prices: prices({ prompt: "varies", completion: "varies" }),
    is_router: true,
  }),
  card("google/gemma-3-27b-it", {
    name: "Google: Gemma 3 27B",
    description: "Gemma 3 introduces multimodality, supporting vision-language input and text outputs.",
    created: 1_741_756_359,
    context_length: 131_072,
    input_modalities: ["text", "image"],
    prices: prices({ prompt: "0.08", completion: "0.16" }),
    supports_structured_outputs: true,
    supported_parameters: ["frequency_penalty", "max_tokens", "response_format", "seed", "stop", "temperature", "top_p"],
  }),
  card("google/gemma-3-27b-it:free", {
    name: "Google: Gemma 3 27B (free)",
    description: "Gemma 3 introduces multimodality, supporting vision-language input and text outputs.",
    created: 1_741_756_359,
    context_length: 131_072,
    input_modalities: ["text", "image"],
    prices: prices(),
    is_free: true,
    supported_parameters: ["max_tokens", "stop", "temperature"],
  }),
  card("openai/gpt-4o-audio-preview", {
    name: "OpenAI: GPT-4o Audio",
    description: "Audio in and out.",
    created: 1_755_000_000,
    context_length: 128_000,
    input_modalities: ["text", "audio"],
    output_modalities: ["text", "audio"],
    prices: prices({ prompt: "2.5", completion: "10", audio: "40" }),
    supports_tools: true,
  }),
  card("openai/gpt-oss-120b", {
    name: "OpenAI: gpt-oss-120b",
    description: "Open-weight reasoning model. Reasoning is always on.",
    created: 1_754_414_231,
    context_length: 131_072,
    prices: prices({ prompt: "0.039", completion: "0.19" }),
    supports_tools: true,
    supports_reasoning: true,
    reasoning: { efforts: ["high", "medium", "low"], default_effort: "medium", mandatory: true, default_enabled: true, supports_max_tokens: false },
    supported_parameters: ["include_reasoning", "reasoning", "tools", "max_tokens"],
  }),
  card("z-ai/glm-4.5-air:free", {
    name: "Z.ai: GLM 4.5 Air (free)",
    description: "Lightweight variant of the GLM-4.5 family, for agent-centric applications.",
    created: 1_753_471_347,
    context_length: 131_072,
    prices: prices(),
    is_free: true,
    supports_tools: true,
    supports_reasoning: true,
    supported_parameters: ["include_reasoning", "reasoning", "tools", "max_tokens"],
  }),
];

export function catalogue(models: ModelCard[] = CARDS, fetchedAt = Date.UTC(2026, 4, 1, 12, 0)): Catalogue {
  return { models, fetched_at: fetchedAt, refresh_error: null };
}

export function endpoint(provider: string, tag: string, partial: Partial<ModelEndpoint> = {}): ModelEndpoint {
  return {
    provider_name: provider,
    tag,
    quantization: null,
    context_length: 200_000,
    max_output_tokens: 64_000,
    prices: prices({ prompt: "3", completion: "15" }),
    status: 0,
    uptime_last_30m: 99.9,
    uptime_last_1d: 99.5,
    latency_p50_ms: 450,
    throughput_p50: 85,
    supports_implicit_caching: false,
    ...partial,
  };
}

export const ids = (models: readonly { id: string }[]): string[] => models.map((m) => m.id);
