import { describe, expect, it } from "vitest";
import { matchRank, queryWords, searchModels } from "./model-search";
import { card, ids } from "./test/model-cards";

const MODELS = [
  card("anthropic/claude-sonnet-4.5", { name: "Anthropic: Claude Sonnet 4.5", description: "Best for coding and agents." }),
  card("deepseek/deepseek-r1:free", { name: "DeepSeek: R1 (free)", description: "Open reasoning model. Free variant." }),
  card("google/gemini-2.5-flash", { name: "Google: Gemini 2.5 Flash", description: "Fast multimodal model with reasoning." }),
  card("meta-llama/llama-3.3-70b-instruct", { name: "Meta: Llama 3.3 70B Instruct", description: "Multilingual chat model." }),
  card("openai/gpt-4o", { name: "OpenAI: GPT-4o", description: "Omni model: text, image and audio, with strong coding." }),
  card("~moonshotai/kimi-latest", { name: "Kimi (latest)", author: "moonshotai", description: "Follows the newest Kimi." }),
];

describe("searchModels", () => {
  it("returns everything for an empty or blank query", () => {
    expect(ids(searchModels(MODELS, ""))).toEqual(ids(MODELS));
    expect(ids(searchModels(MODELS, "   \t "))).toEqual(ids(MODELS));
  });

  it("matches the id, case-insensitively", () => {
    expect(ids(searchModels(MODELS, "GPT-4O"))).toEqual(["openai/gpt-4o"]);
    expect(ids(searchModels(MODELS, "deepseek/"))).toEqual(["deepseek/deepseek-r1:free"]);
  });

  it("matches the name", () => {
    expect(ids(searchModels(MODELS, "sonnet"))).toEqual(["anthropic/claude-sonnet-4.5"]);
  });

  it("matches the author, also for an alias whose id starts with ~", () => {
    expect(ids(searchModels(MODELS, "moonshotai"))).toEqual(["~moonshotai/kimi-latest"]);
  });

  it("matches description words", () => {
    expect(ids(searchModels(MODELS, "multilingual"))).toEqual(["meta-llama/llama-3.3-70b-instruct"]);
  });

  it("requires every word to match somewhere", () => {
    expect(ids(searchModels(MODELS, "reasoning free"))).toEqual(["deepseek/deepseek-r1:free"]);
    expect(ids(searchModels(MODELS, "google reasoning"))).toEqual(["google/gemini-2.5-flash"]);
    expect(searchModels(MODELS, "google claude")).toEqual([]);
  });

  it("lists id/name/author matches before description-only matches", () => {
    const coding = [card("x/coder", { name: "X: Coder" }), ...MODELS];
    expect(ids(searchModels(coding, "coding"))).toEqual(["anthropic/claude-sonnet-4.5", "openai/gpt-4o"]);
    const withReasoningName = [...MODELS, card("z/reasoning-1", { name: "Z: Reasoning One" })];
    expect(ids(searchModels(withReasoningName, "reasoning"))[0]).toBe("z/reasoning-1");
    expect(matchRank(MODELS[0]!, ["anthropic", "coding"])).toBe(2);
    expect(matchRank(MODELS[0]!, ["anthropic", "sonnet"])).toBe(1);
    expect(matchRank(MODELS[0]!, ["anthropic", "poetry"])).toBe(0);
  });

  it("does not change the input list", () => {
    const copy = MODELS.slice();
    searchModels(MODELS, "model");
    expect(MODELS).toEqual(copy);
  });

  it("splits a query into lower-case words", () => {
    expect(queryWords("  Claude   SONNET ")).toEqual(["claude", "sonnet"]);
  });
});
