// Test-only: a CatalogueSource answering from memory and recording what it was asked.
import type { CatalogueSource } from "../model-catalog";
import type { Catalogue, ModelEndpoint, ModelPicks, ProviderInfo } from "../model-types";
import { catalogue, endpoint } from "./model-cards";

export interface FakeSource extends CatalogueSource {
  calls: string[];
  picks: ModelPicks;
  cached: Catalogue;
  fresh: Catalogue | (() => Promise<Catalogue>);
  endpointsOf: (id: string) => Promise<ModelEndpoint[]>;
  providerList: ProviderInfo[];
}

export const PROVIDERS: ProviderInfo[] = [
  { slug: "anthropic", name: "Anthropic" },
  { slug: "deepinfra", name: "DeepInfra" },
  { slug: "google-vertex", name: "Google Vertex" },
  { slug: "together", name: "Together" },
];

export function fakeSource(partial: Partial<FakeSource> = {}): FakeSource {
  const source: FakeSource = {
    calls: [],
    picks: { favorites: [], recent: [] },
    cached: catalogue(),
    fresh: catalogue(),
    endpointsOf: async () => [endpoint("Anthropic", "anthropic"), endpoint("Google Vertex", "google-vertex/us-east5", { quantization: "bf16", status: -1 })],
    providerList: PROVIDERS,
    async getCatalogue() {
      source.calls.push("get_catalogue");
      return source.cached;
    },
    async refreshCatalogue() {
      source.calls.push("refresh_catalogue");
      return typeof source.fresh === "function" ? source.fresh() : source.fresh;
    },
    async modelPicks() {
      source.calls.push("model_picks");
      return source.picks;
    },
    async setFavorite(id, favorite) {
      source.calls.push(`set_favorite ${id} ${favorite}`);
      const favorites = source.picks.favorites.filter((f) => f !== id);
      if (favorite) favorites.push(id);
      source.picks = { ...source.picks, favorites };
      return source.picks;
    },
    async modelEndpoints(id) {
      source.calls.push(`model_endpoints ${id}`);
      return source.endpointsOf(id);
    },
    async listProviders() {
      source.calls.push("list_providers");
      return source.providerList;
    },
    ...partial,
  };
  return source;
}
