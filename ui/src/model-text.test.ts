import { describe, expect, it } from "vitest";
import {
  baseIdOf,
  dayText,
  effortChoices,
  latencyText,
  modalitiesSentence,
  parameterSentences,
  priceLines,
  priceSummary,
  reasoningSentence,
  retirementText,
  shortPrice,
  tokensText,
  uptimeText,
  variantOf,
  variantOptions,
} from "./model-text";
import { CARDS, card, prices } from "./test/model-cards";

const byId = (id: string) => CARDS.find((m) => m.id === id)!;
const has = (id: string): boolean => CARDS.some((m) => m.id === id);

describe("prices in plain words", () => {
  it("reads per million tokens, and per unit for requests, images and searches", () => {
    expect(priceLines(byId("anthropic/claude-sonnet-4.5").prices)).toEqual([
      "$3 per million input tokens",
      "$15 per million output tokens",
      "$0.30 per million input tokens read from the cache",
      "$3.75 per million input tokens written to the cache",
      "$0.01 per web search",
    ]);
    expect(priceLines(prices({ prompt: "0.075", completion: "0.3", request: "0.005", image: "0.0048" }))).toEqual([
      "$0.075 per million input tokens",
      "$0.30 per million output tokens",
      "$0.005 per request",
      "$0.0048 per input image",
    ]);
  });

  it("says free, and varies for a router", () => {
    expect(priceLines(prices(), { isFree: true })).toEqual(["Free input and output tokens"]);
    expect(priceLines(prices({ prompt: "0", completion: "0" }), { isFree: true })).toEqual(["Free input tokens", "Free output tokens"]);
    expect(priceLines(prices({ prompt: "varies" }), { isRouter: true })[0]).toMatch(/varies/);
    expect(priceSummary(byId("openrouter/auto"))).toBe("Price varies");
    expect(priceSummary(byId("z-ai/glm-4.5-air:free"))).toBe("Free");
    expect(priceSummary(byId("google/gemma-3-27b-it"))).toBe("$0.08/M in · $0.16/M out");
    expect(shortPrice(null, false)).toBe("–");
    expect(shortPrice("0", false)).toBe("free");
  });
});

describe("what a model works with", () => {
  it("reads and writes", () => {
    expect(modalitiesSentence(byId("anthropic/claude-sonnet-4.5"))).toBe("Reads text, images and files (like PDFs). Writes text.");
    expect(modalitiesSentence(byId("openai/gpt-4o-audio-preview"))).toBe("Reads text and audio. Writes text and audio.");
  });

  it("sizes and dates", () => {
    expect(tokensText(200_000)).toBe("200,000 tokens (about 150,000 words)");
    expect(dayText("2025-03-31")).toBe("March 31, 2025");
    expect(dayText("soon")).toBe("soon");
    expect(retirementText("2026-05-05", "2026-05-01")).toBe("Will be retired on May 5, 2026.");
    expect(retirementText("2026-05-05", "2026-05-06")).toMatch(/^Retired on May 5, 2026/);
  });

  it("settings in plain words, unknown ones by name", () => {
    expect(parameterSentences(["tools", "tool_choice", "temperature", "top_p", "top_k", "response_format", "seed", "mystery_knob"])).toEqual([
      "Can use tools (functions your app offers it)",
      "Can answer in a fixed format (JSON)",
      "Creativity can be turned up or down (temperature)",
      "Fine control over word choice (top-p, top-k and similar)",
      "Can repeat the same answer for the same question (seed)",
      "Also: mystery_knob",
    ]);
  });

  it("reasoning", () => {
    expect(reasoningSentence(byId("anthropic/claude-sonnet-4.5"))).toBe(
      "Thinks before it answers. Thinking effort: high, medium or low. The default is medium.",
    );
    expect(reasoningSentence(byId("openai/gpt-oss-120b"))).toMatch(/cannot be turned off/);
    expect(reasoningSentence(byId("google/gemma-3-27b-it"))).toBe("");
  });
});

describe("reasoning effort choices", () => {
  it("offer the model's efforts and Off", () => {
    expect(effortChoices(byId("anthropic/claude-sonnet-4.5")).map((c) => c.value)).toEqual([null, "high", "medium", "low", "none"]);
    expect(effortChoices(byId("anthropic/claude-sonnet-4.5"))[0]?.label).toBe("The model's default (medium)");
  });

  it("never offer Off when reasoning is mandatory", () => {
    expect(effortChoices(byId("openai/gpt-oss-120b")).map((c) => c.value)).toEqual([null, "high", "medium", "low"]);
    expect(effortChoices(byId("anthropic/claude-3.7-sonnet:thinking")).map((c) => c.value)).toEqual([null, "high", "medium", "low"]);
  });

  it("offer the common efforts when the model does not list them, and nothing when it does not reason", () => {
    expect(effortChoices(byId("z-ai/glm-4.5-air:free")).map((c) => c.value)).toEqual([null, "high", "medium", "low", "none"]);
    expect(effortChoices(byId("google/gemma-3-27b-it"))).toEqual([]);
    expect(effortChoices(null)).toEqual([]);
  });

  it("sort efforts from most to least", () => {
    const model = card("x/y", { supports_reasoning: true, reasoning: { efforts: ["low", "xhigh", "minimal", "none"], default_effort: null, mandatory: false, default_enabled: null, supports_max_tokens: false } });
    expect(effortChoices(model).map((c) => c.label)).toEqual(["The model's default", "Very high", "Low", "Minimal", "Off (no thinking)"]);
  });
});

describe("variants", () => {
  it("offer only variants listed for the base model, and fastest/cheapest for any model", () => {
    expect(variantOptions(byId("google/gemma-3-27b-it"), has).map((v) => v.id)).toEqual([
      "google/gemma-3-27b-it:free", "google/gemma-3-27b-it:nitro", "google/gemma-3-27b-it:floor",
    ]);
    expect(variantOptions(byId("anthropic/claude-sonnet-4.5"), has).map((v) => v.variant)).toEqual(["nitro", "floor"]);
    // The thinking variant is its own listed model: from the base id it is offered when listed.
    const thinkingBase = card("anthropic/claude-3.7-sonnet");
    expect(variantOptions(thinkingBase, has).map((v) => v.variant)).toEqual(["nitro", "floor", "thinking"]);
    expect(variantOptions(byId("openrouter/auto"), has)).toEqual([]);
  });

  it("split ids", () => {
    expect(variantOf("deepseek/deepseek-r1:free")).toBe("free");
    expect(variantOf("openai/gpt-4o")).toBeNull();
    expect(variantOf("a:b/c")).toBeNull();
    expect(baseIdOf("x/y:nitro")).toBe("x/y");
    expect(baseIdOf("x/y")).toBe("x/y");
  });
});

describe("provider figures", () => {
  it("read plainly", () => {
    expect(uptimeText(99.51)).toBe("99.5%");
    expect(uptimeText(99.99)).toBe("100%");
    expect(uptimeText(null)).toBe("–");
    expect(latencyText(450)).toBe("0.45 s");
    expect(latencyText(2345)).toBe("2.3 s");
  });
});
