// Finding models by what the user types: the one search used by the Models view and the chat's model
// picker. Every word must appear in the model's id, name, author or description (case-insensitive);
// models whose id, name or author match every word come before those that need the description.

/** What search looks at in a model (a ModelCard has all of it). */
export interface Searchable {
  id: string;
  name: string;
  description: string;
  author?: string;
}

/** The lower-cased words of a query; punctuation inside a word ("gpt-4o", "anthropic/") is kept. */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((word) => word !== "");
}

interface Haystack {
  /** id, name and author. */
  title: string;
  /** The title and the description. */
  all: string;
}

const haystacks = new WeakMap<Searchable, Haystack>();

function haystackOf(model: Searchable): Haystack {
  let entry = haystacks.get(model);
  if (entry === undefined) {
    const title = `${model.id} ${model.name} ${model.author ?? ""}`.toLowerCase();
    entry = { title, all: `${title} ${model.description}`.toLowerCase() };
    haystacks.set(model, entry);
  }
  return entry;
}

/** How a model matches `words`: 0 not at all, 1 on its id/name/author, 2 only with its description. */
export function matchRank(model: Searchable, words: readonly string[]): 0 | 1 | 2 {
  if (words.length === 0) return 1;
  const { title, all } = haystackOf(model);
  let needsDescription = false;
  for (const word of words) {
    if (title.includes(word)) continue;
    if (!all.includes(word)) return 0;
    needsDescription = true;
  }
  return needsDescription ? 2 : 1;
}

/** The models matching `query`, id/name/author matches first; otherwise in the order given. */
export function searchModels<T extends Searchable>(models: readonly T[], query: string): T[] {
  const words = queryWords(query);
  if (words.length === 0) return models.slice();
  const byTitle: T[] = [];
  const byDescription: T[] = [];
  for (const model of models) {
    const rank = matchRank(model, words);
    if (rank === 1) byTitle.push(model);
    else if (rank === 2) byDescription.push(model);
  }
  return byTitle.concat(byDescription);
}

/** The same search under the name the picker and its tests use. */
export const filterModels = searchModels;
