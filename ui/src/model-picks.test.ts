import { describe, expect, it } from "vitest";
import { pickerEntries } from "./model-picks";
import { CARDS } from "./test/model-cards";

const entries = (query: string, favorites: string[], recent: string[]): string[] =>
  pickerEntries(CARDS, query, favorites, recent).map((e) => `${e.tag === null ? "" : e.tag[0] + ":"}${e.model.id}`);

describe("the picker's order", () => {
  it("is favourites, then recently used (most recent first), then the rest by name", () => {
    expect(entries("", ["z-ai/glm-4.5-air:free", "ai21/jamba-large-1.7"], ["openai/gpt-oss-120b", "z-ai/glm-4.5-air:free", "google/gemma-3-27b-it"])).toEqual([
      "f:ai21/jamba-large-1.7",
      "f:z-ai/glm-4.5-air:free",
      "r:openai/gpt-oss-120b",
      "r:google/gemma-3-27b-it",
      "anthropic/claude-3.7-sonnet:thinking",
      "anthropic/claude-sonnet-4.5",
      "openrouter/auto",
      "google/gemma-3-27b-it:free",
      "openai/gpt-4o-audio-preview",
    ]);
  });

  it("keeps that order inside the search results, name matches before description matches", () => {
    // "open": the OpenAI models and Auto Router (openrouter/…) by their id, Jamba ("open family") by its description.
    expect(entries("open", ["ai21/jamba-large-1.7"], ["openai/gpt-oss-120b"])).toEqual([
      "r:openai/gpt-oss-120b",
      "openrouter/auto",
      "openai/gpt-4o-audio-preview",
      "f:ai21/jamba-large-1.7",
    ]);
  });

  it("ignores favourites and recent models that are not in the list", () => {
    expect(entries("gemma", ["gone/model"], ["also/gone"])).toEqual(["google/gemma-3-27b-it", "google/gemma-3-27b-it:free"]);
  });
});
