// Filtering the model catalogue by what the user types in the picker.
import type { ModelSummary } from "./api";

/** The lower-cased words of a query; punctuation inside a word ("gpt-4o", "anthropic/") is kept. */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((word) => word !== "");
}

const haystacks = new WeakMap<ModelSummary, { title: string; all: string }>();

function haystackOf(model: ModelSummary): { title: string; all: string } {
  let entry = haystacks.get(model);
  if (entry === undefined) {
    const title = `${model.id} ${model.name}`.toLowerCase();
    entry = { title, all: `${title} ${model.description}`.toLowerCase() };
    haystacks.set(model, entry);
  }
  return entry;
}

/**
 * Models whose id, name or description contain every word of the query (case-insensitive).
 * Models matching on id/name alone come before those that need the description; otherwise the input order is kept.
 */
export function filterModels(models: readonly ModelSummary[], query: string): ModelSummary[] {
  const words = queryWords(query);
  if (words.length === 0) return models.slice();
  const byTitle: ModelSummary[] = [];
  const byDescription: ModelSummary[] = [];
  for (const model of models) {
    const { title, all } = haystackOf(model);
    if (!words.every((word) => all.includes(word))) continue;
    if (words.every((word) => title.includes(word))) byTitle.push(model);
    else byDescription.push(model);
  }
  return byTitle.concat(byDescription);
}
