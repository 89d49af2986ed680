// The order of the chat's model picker: favourites, then recently used models, then every other model, each
// group searched with the same search as the Models view.
import { matchRank, queryWords } from "./model-search";
import type { ModelCard } from "./model-types";

export type PickTag = "favorite" | "recent" | null;

export interface PickerEntry {
  model: ModelCard;
  tag: PickTag;
}

/**
 * The models matching `query`, favourites first (in list order), then recently used ones (most recent
 * first), then the rest (in list order); models found only through their description come after every model
 * whose id, name or author matches, in the same groups.
 */
export function pickerEntries(
  models: readonly ModelCard[],
  query: string,
  favorites: readonly string[],
  recent: readonly string[],
): PickerEntry[] {
  const words = queryWords(query);
  const favoriteSet = new Set(favorites);
  const recentRank = new Map<string, number>();
  recent.forEach((id, index) => {
    if (!favoriteSet.has(id) && !recentRank.has(id)) recentRank.set(id, index);
  });
  // [rank 1 | rank 2] × [favourite, recent, other]
  const groups: ModelCard[][] = [[], [], [], [], [], []];
  for (const model of models) {
    const rank = matchRank(model, words);
    if (rank === 0) continue;
    const group = favoriteSet.has(model.id) ? 0 : recentRank.has(model.id) ? 1 : 2;
    groups[(rank - 1) * 3 + group]?.push(model);
  }
  const byRecency = (a: ModelCard, b: ModelCard): number => (recentRank.get(a.id) ?? 0) - (recentRank.get(b.id) ?? 0);
  groups[1]?.sort(byRecency);
  groups[4]?.sort(byRecency);
  const entries: PickerEntry[] = [];
  groups.forEach((group, index) => {
    const tag: PickTag = index % 3 === 0 ? "favorite" : index % 3 === 1 ? "recent" : null;
    for (const model of group) entries.push({ model, tag });
  });
  return entries;
}
