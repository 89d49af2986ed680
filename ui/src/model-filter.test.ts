import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  authorsOf,
  browserSettingsFrom,
  browserStateJson,
  defaultBrowserSettings,
  filterAndSort,
  IncrementalFilter,
  isExpired,
  parsePriceInput,
  passesFilters,
  priceNumber,
  sortedModels,
  todayIso,
  type ModelFilters,
} from "./model-filter";
import { CARDS, card, ids } from "./test/model-cards";

const TODAY = "2026-05-10";

function filters(partial: Partial<ModelFilters>): ModelFilters {
  return { ...defaultBrowserSettings().filters, ...partial };
}

const list = (query: string, f: Partial<ModelFilters> = {}, sort: Parameters<typeof filterAndSort>[3] = "name"): string[] =>
  ids(filterAndSort(CARDS, query, filters(f), sort, TODAY));

describe("filters", () => {
  it("hide retired models by default, and show them when asked", () => {
    expect(list("")).not.toContain("anthropic/claude-3.7-sonnet:thinking");
    expect(list("", { hideExpired: false })).toContain("anthropic/claude-3.7-sonnet:thinking");
    expect(isExpired(CARDS[1]!, "2026-05-05")).toBe(false);
    expect(isExpired(CARDS[1]!, "2026-05-06")).toBe(true);
  });

  it("keep only free models", () => {
    expect(list("", { freeOnly: true })).toEqual(["google/gemma-3-27b-it:free", "z-ai/glm-4.5-air:free"]);
  });

  it("keep models that read every chosen input and write every chosen output", () => {
    expect(list("", { input: ["image"] })).toEqual(["anthropic/claude-sonnet-4.5", "google/gemma-3-27b-it", "google/gemma-3-27b-it:free"]);
    expect(list("", { input: ["image", "file"] })).toEqual(["anthropic/claude-sonnet-4.5"]);
    expect(list("", { output: ["audio"] })).toEqual(["openai/gpt-4o-audio-preview"]);
    expect(list("", { input: ["video"] })).toEqual([]);
  });

  it("keep models with tools, structured outputs or reasoning", () => {
    expect(list("", { tools: true, structuredOutputs: true })).toEqual(["ai21/jamba-large-1.7", "anthropic/claude-sonnet-4.5"]);
    expect(list("", { reasoning: true })).toEqual(["anthropic/claude-sonnet-4.5", "openai/gpt-oss-120b", "z-ai/glm-4.5-air:free"]);
  });

  it("keep models with at least the context asked for", () => {
    expect(list("", { minContext: 200_000 })).toEqual(["ai21/jamba-large-1.7", "anthropic/claude-sonnet-4.5", "openrouter/auto"]);
    expect(passesFilters(card("x/no-context", { context_length: null }), filters({ minContext: 1 }), TODAY)).toBe(false);
  });

  it("keep models at or under the highest prices per million tokens; a router's varying price never passes", () => {
    expect(list("", { maxPromptPrice: 0.1 })).toEqual(["google/gemma-3-27b-it", "google/gemma-3-27b-it:free", "openai/gpt-oss-120b", "z-ai/glm-4.5-air:free"]);
    expect(list("", { maxPromptPrice: 3, maxCompletionPrice: 8 })).toEqual([
      "ai21/jamba-large-1.7", "google/gemma-3-27b-it", "google/gemma-3-27b-it:free", "openai/gpt-oss-120b", "z-ai/glm-4.5-air:free",
    ]);
    expect(list("auto", { maxPromptPrice: 1000 })).toEqual([]);
  });

  it("keep models by their maker", () => {
    expect(list("", { authors: ["google"] })).toEqual(["google/gemma-3-27b-it", "google/gemma-3-27b-it:free"]);
    expect(authorsOf(CARDS).map((a) => `${a.author}:${a.count}`)).toEqual([
      "ai21:1", "anthropic:2", "google:2", "openai:2", "openrouter:1", "z-ai:1",
    ]);
  });

  it("combine with the search: free models that read images, found by a description word", () => {
    expect(list("vision", { freeOnly: true, input: ["image"] })).toEqual(["google/gemma-3-27b-it:free"]);
    expect(list("gemma", { freeOnly: false, maxPromptPrice: 0 })).toEqual(["google/gemma-3-27b-it:free"]);
  });

  it("count the filters that are on", () => {
    expect(activeFilterCount(defaultBrowserSettings().filters)).toBe(0);
    expect(activeFilterCount(filters({ freeOnly: true, input: ["image", "file"], hideExpired: false, authors: ["x"] }))).toBe(5);
  });
});

describe("search", () => {
  it("matches name, id, author and description words, name/id/author matches first", () => {
    expect(list("sonnet")).toEqual(["anthropic/claude-sonnet-4.5"]);
    expect(list("z-ai")).toEqual(["z-ai/glm-4.5-air:free"]);
    expect(list("anthropic coding")).toEqual(["anthropic/claude-sonnet-4.5"]);
    // "openai" is the author of two models and a word nowhere else.
    expect(list("OPENAI")).toEqual(["openai/gpt-4o-audio-preview", "openai/gpt-oss-120b"]);
    // "reasoning": gpt-oss by its description only; nothing by its name.
    expect(list("reasoning")).toEqual(["openai/gpt-oss-120b"]);
    const named = [...CARDS, card("x/reasoning-one", { name: "X: Reasoning One" })];
    expect(ids(filterAndSort(named, "reasoning", filters({}), "name", TODAY))).toEqual(["x/reasoning-one", "openai/gpt-oss-120b"]);
  });

  it("keeps the chosen sort inside each group", () => {
    expect(list("google", {}, "prompt_price")).toEqual(["google/gemma-3-27b-it:free", "google/gemma-3-27b-it"]);
  });
});

describe("sorting", () => {
  it("by name, newest, input price, output price and context", () => {
    const all = { hideExpired: false };
    expect(list("", all, "name")).toEqual([
      "ai21/jamba-large-1.7", "anthropic/claude-3.7-sonnet:thinking", "anthropic/claude-sonnet-4.5", "openrouter/auto",
      "google/gemma-3-27b-it", "google/gemma-3-27b-it:free", "openai/gpt-4o-audio-preview", "openai/gpt-oss-120b",
      "z-ai/glm-4.5-air:free",
    ]);
    expect(list("", all, "newest").slice(0, 3)).toEqual(["anthropic/claude-sonnet-4.5", "openai/gpt-4o-audio-preview", "ai21/jamba-large-1.7"]);
    expect(list("", all, "prompt_price")).toEqual([
      "google/gemma-3-27b-it:free", "z-ai/glm-4.5-air:free", "openai/gpt-oss-120b", "google/gemma-3-27b-it",
      "ai21/jamba-large-1.7", "openai/gpt-4o-audio-preview", "anthropic/claude-3.7-sonnet:thinking", "anthropic/claude-sonnet-4.5",
      "openrouter/auto",
    ]);
    expect(list("", all, "completion_price").slice(-2)).toEqual(["anthropic/claude-sonnet-4.5", "openrouter/auto"]);
    expect(list("", all, "context").slice(0, 3)).toEqual(["openrouter/auto", "anthropic/claude-sonnet-4.5", "ai21/jamba-large-1.7"]);
  });

  it("puts models without a date or context last", () => {
    const models = [card("a/undated", { created: null, context_length: null }), card("b/dated")];
    expect(ids(sortedModels(models, "newest"))).toEqual(["b/dated", "a/undated"]);
    expect(ids(sortedModels(models, "context"))).toEqual(["b/dated", "a/undated"]);
  });

  it("is computed once per list and sort, without changing the list", () => {
    const copy = CARDS.slice();
    expect(sortedModels(CARDS, "newest")).toBe(sortedModels(CARDS, "newest"));
    expect(CARDS).toEqual(copy);
  });
});

describe("prices and dates", () => {
  it("reads prices", () => {
    expect(priceNumber(null)).toBe(0);
    expect(priceNumber("0.15")).toBe(0.15);
    expect(priceNumber("varies")).toBe(Infinity);
  });

  it("reads a typed maximum price", () => {
    expect(parsePriceInput("")).toBeNull();
    expect(parsePriceInput(" $3 ")).toBe(3);
    expect(parsePriceInput("0.5")).toBe(0.5);
    expect(parsePriceInput(".5")).toBe(0.5);
    expect(parsePriceInput("1,5")).toBe(1.5);
    expect(parsePriceInput("3.")).toBe(3);
    expect(parsePriceInput("-1")).toBeUndefined();
    expect(parsePriceInput("cheap")).toBeUndefined();
    expect(parsePriceInput("1e3")).toBeUndefined();
  });

  it("gives today as a calendar day", () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });
});

describe("saved state", () => {
  it("round-trips through the JSON the core stores", () => {
    const settings = defaultBrowserSettings();
    settings.sort = "prompt_price";
    settings.filters = filters({ freeOnly: true, input: ["image"], output: ["text"], tools: true, minContext: 128_000, maxPromptPrice: 0.5, authors: ["google"], hideExpired: false });
    const json = JSON.parse(JSON.stringify(browserStateJson(settings))) as unknown;
    expect(browserSettingsFrom(json)).toEqual(settings);
  });

  it("falls back to defaults for anything missing, odd or hostile", () => {
    expect(browserSettingsFrom(null)).toEqual(defaultBrowserSettings());
    expect(browserSettingsFrom([1, 2])).toEqual(defaultBrowserSettings());
    const odd = browserSettingsFrom({
      sort: "popularity", free_only: "yes", input: ["image", "smell", 3], min_context: -5, max_prompt_price: "3",
      authors: ["a", "a", 7, ""], hide_expired: false, __proto__: { tools: true },
    });
    expect(odd.sort).toBe("name");
    expect(odd.filters.freeOnly).toBe(false);
    expect(odd.filters.input).toEqual(["image"]);
    expect(odd.filters.minContext).toBeNull();
    expect(odd.filters.maxPromptPrice).toBeNull();
    expect(odd.filters.authors).toEqual(["a"]);
    expect(odd.filters.hideExpired).toBe(false);
    expect(odd.filters.tools).toBe(false);
  });
});

describe("the filter used while typing", () => {
  it("gives exactly filterAndSort's result, typing forward, deleting and changing filters or sort", () => {
    const many = Array.from({ length: 300 }, (_, i) => {
      const base = CARDS[i % CARDS.length]!;
      return { ...base, id: `${base.id}-${i}`, name: `${base.name} ${i}`, created: (base.created ?? 0) + i };
    });
    const incremental = new IncrementalFilter();
    const combos: [Partial<ModelFilters>, Parameters<typeof filterAndSort>[3]][] = [
      [{}, "name"], [{ freeOnly: true }, "prompt_price"], [{ input: ["image"] }, "context"], [{ hideExpired: false }, "newest"],
    ];
    let checked = 0;
    for (const [partial, sort] of combos) {
      const f = filters(partial);
      for (const text of ["anthropic coding", "gemma 3 vision", "open family", "z-ai glm", "claude 1", "nothing here"]) {
        const typed: string[] = [];
        for (let i = 0; i <= text.length; i++) typed.push(text.slice(0, i));
        // Then delete back to half, and type on differently.
        for (let i = text.length - 1; i >= text.length / 2; i--) typed.push(text.slice(0, i));
        typed.push(`${text.slice(0, Math.floor(text.length / 2))} x`, "", "Gemma 3");
        for (const query of typed) {
          expect(ids(incremental.run(many, query, f, sort, TODAY)), `${query} ${sort}`).toEqual(ids(filterAndSort(many, query, f, sort, TODAY)));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
