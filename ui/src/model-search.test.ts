import { describe, expect, it } from "vitest";
import type { ModelSummary } from "./api";
import { filterModels, queryWords } from "./model-search";

function model(id: string, name: string, description = ""): ModelSummary {
  return {
    id,
    name,
    description,
    context_length: 128000,
    prompt_price_per_million: "1",
    completion_price_per_million: "2",
    is_free: false,
    supports_reasoning: false,
  };
}

const MODELS = [
  model("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", "Best for coding and agents."),
  model("deepseek/deepseek-r1:free", "DeepSeek: R1 (free)", "Open reasoning model. Free variant."),
  model("google/gemini-2.5-flash", "Google: Gemini 2.5 Flash", "Fast multimodal model with reasoning."),
  model("meta-llama/llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct", "Multilingual chat model."),
  model("openai/gpt-4o", "OpenAI: GPT-4o", "Omni model: text, image and audio, with strong coding."),
];

const ids = (models: ModelSummary[]): string[] => models.map((m) => m.id);

describe("filterModels", () => {
  it("returns everything for an empty or blank query", () => {
    expect(ids(filterModels(MODELS, ""))).toEqual(ids(MODELS));
    expect(ids(filterModels(MODELS, "   \t "))).toEqual(ids(MODELS));
  });

  it("matches the id, case-insensitively", () => {
    expect(ids(filterModels(MODELS, "GPT-4O"))).toEqual(["openai/gpt-4o"]);
    expect(ids(filterModels(MODELS, "deepseek/"))).toEqual(["deepseek/deepseek-r1:free"]);
  });

  it("matches the name", () => {
    expect(ids(filterModels(MODELS, "sonnet"))).toEqual(["anthropic/claude-sonnet-4.5"]);
  });

  it("matches description words", () => {
    expect(ids(filterModels(MODELS, "multilingual"))).toEqual(["meta-llama/llama-3.3-70b-instruct"]);
  });

  it("requires every word to match somewhere", () => {
    expect(ids(filterModels(MODELS, "reasoning free"))).toEqual(["deepseek/deepseek-r1:free"]);
    expect(ids(filterModels(MODELS, "google reasoning"))).toEqual(["google/gemini-2.5-flash"]);
    expect(filterModels(MODELS, "google claude")).toEqual([]);
  });

  it("lists id/name matches before description-only matches", () => {
    const coding = [model("x/coder", "X: Coder"), ...MODELS];
    expect(ids(filterModels(coding, "coding"))).toEqual(["anthropic/claude-sonnet-4.5", "openai/gpt-4o"]);
    const withReasoningName = [...MODELS, model("z/reasoning-1", "Z: Reasoning One")];
    expect(ids(filterModels(withReasoningName, "reasoning"))[0]).toBe("z/reasoning-1");
  });

  it("does not change the input list", () => {
    const copy = MODELS.slice();
    filterModels(MODELS, "model");
    expect(MODELS).toEqual(copy);
  });

  it("splits a query into lower-case words", () => {
    expect(queryWords("  Claude   SONNET ")).toEqual(["claude", "sonnet"]);
  });
});
