// The model catalogue as the page knows it, shared by the chat header, the model picker, the Models view,
// the routing dialog and the settings: the cached list at once (get_catalogue), then a fresh one in the
// background (refresh_catalogue); favourites and recently used models; providers per model, fetched lazily.
import {
  getCatalogue,
  listProviders,
  modelEndpoints,
  modelPicks,
  refreshCatalogue,
  setFavorite,
  toUserError,
  type UserError,
} from "./api";
import type { Catalogue, ModelCard, ModelEndpoint, ModelPicks, ProviderInfo } from "./model-types";

/** Where the catalogue comes from: the core's commands (tests pass their own). */
export interface CatalogueSource {
  getCatalogue(): Promise<Catalogue>;
  refreshCatalogue(): Promise<Catalogue>;
  modelPicks(): Promise<ModelPicks>;
  setFavorite(id: string, favorite: boolean): Promise<ModelPicks>;
  modelEndpoints(id: string): Promise<ModelEndpoint[]>;
  listProviders(): Promise<ProviderInfo[]>;
}

/** A card for a model known only by its id (typed by hand, or from an older list). */
export function unknownModelCard(id: string): ModelCard {
  const slash = id.indexOf("/");
  const colon = id.lastIndexOf(":");
  const variant = colon > slash && slash >= 0 ? id.slice(colon + 1) : null;
  return {
    id,
    base_id: variant === null ? id : id.slice(0, colon),
    variant,
    name: id,
    author: slash > 0 ? id.slice(0, slash).replace(/^~/, "") : "",
    description: "",
    created: null,
    context_length: null,
    max_output_tokens: null,
    input_modalities: [],
    output_modalities: [],
    prices: {
      prompt: null, completion: null, internal_reasoning: null, input_cache_read: null, input_cache_write: null,
      audio: null, request: null, image: null, web_search: null,
    },
    price_tiers: [],
    is_free: false,
    is_router: false,
    supports_tools: false,
    supports_structured_outputs: false,
    supports_reasoning: false,
    reasoning: null,
    supported_parameters: [],
    knowledge_cutoff: null,
    expiration_date: null,
    canonical_slug: null,
  };
}

/** The core's commands (IPC.md "Models and routing"). */
export const CORE_SOURCE: CatalogueSource = {
  getCatalogue,
  refreshCatalogue,
  modelPicks,
  setFavorite,
  modelEndpoints,
  listProviders,
};

export class ModelCatalog {
  private list: ModelCard[] | null = null;
  private byId = new Map<string, ModelCard>();
  private fetched: number | null = null;
  private failure: UserError | null = null;
  private refreshFailure: UserError | null = null;
  private pending: Promise<ModelCard[]> | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshedOnce = false;
  private picks: ModelPicks = { favorites: [], recent: [] };
  private favoriteSet = new Set<string>();
  private picksLoaded: Promise<void> | null = null;
  private readonly endpointCache = new Map<string, Promise<ModelEndpoint[]>>();
  private providerList: Promise<ProviderInfo[]> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly source: CatalogueSource = CORE_SOURCE) {}

  /** Every model, sorted by name; null until a list is known. */
  get models(): ModelCard[] | null {
    return this.list;
  }

  /** No list could be loaded at all (nothing cached and the refresh failed). */
  get error(): UserError | null {
    return this.failure;
  }

  /** When the list shown was fetched (ms since the epoch). */
  get fetchedAt(): number | null {
    return this.fetched;
  }

  /** The last refresh failed while an older list is shown: why. */
  get refreshError(): UserError | null {
    return this.refreshFailure;
  }

  get isLoading(): boolean {
    return this.pending !== null;
  }

  get isRefreshing(): boolean {
    return this.refreshing !== null;
  }

  /**
   * Shows the cached list at once, then fetches a fresh one in the background (once; `force` asks again).
   * Resolves with the first list there is; rejects with a UserError when there is none.
   */
  load(force = false): Promise<ModelCard[]> {
    if (this.list !== null && !force) {
      if (!this.refreshedOnce) void this.refresh();
      return Promise.resolve(this.list);
    }
    if (force && this.list !== null) return this.refresh().then(() => this.list ?? []);
    if (this.pending !== null) return this.pending;
    this.failure = null;
    this.pending = this.source
      .getCatalogue()
      .then(async (cached) => {
        if (cached.models.length > 0) {
          this.apply(cached);
          void this.refresh();
          return cached.models;
        }
        // Nothing cached yet: this first list has to come from the network.
        await this.refresh();
        if (this.list === null) throw this.refreshFailure ?? toUserError("The model list is not available.");
        return this.list;
      })
      .catch((reason: unknown) => {
        this.failure = toUserError(reason);
        throw this.failure;
      })
      .finally(() => {
        this.pending = null;
        this.notify();
      });
    this.notify();
    return this.pending;
  }

  /** Fetches a fresh list; a failure keeps the list shown and sets `refreshError`. Never rejects. */
  refresh(): Promise<void> {
    if (this.refreshing !== null) return this.refreshing;
    this.refreshedOnce = true;
    this.refreshing = this.source
      .refreshCatalogue()
      .then((fresh) => {
        if (fresh.models.length > 0 || (this.list === null && fresh.refresh_error === null)) {
          this.apply(fresh);
          this.failure = null;
        } else {
          // The core keeps its cached list on failure; with none, there is nothing to show yet.
          this.refreshFailure = fresh.refresh_error;
          if (this.list === null) this.failure = fresh.refresh_error;
        }
      })
      .catch((reason: unknown) => {
        this.refreshFailure = toUserError(reason);
        if (this.list === null) this.failure = this.refreshFailure;
      })
      .finally(() => {
        this.refreshing = null;
        this.notify();
      });
    this.notify();
    return this.refreshing;
  }

  find(id: string): ModelCard | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The model's card, or one made from its id when the list does not have it. */
  cardOf(id: string): ModelCard {
    return this.byId.get(id) ?? unknownModelCard(id);
  }

  /** The model's display name, or its id while the list is unknown. */
  nameOf(id: string): string {
    return this.byId.get(id)?.name ?? id;
  }

  // -------------------------------------------------------------------------
  // Favourites and recently used

  get favorites(): readonly string[] {
    return this.picks.favorites;
  }

  /** Models of the most recently active conversations, newest first. */
  get recent(): readonly string[] {
    return this.picks.recent;
  }

  isFavorite(id: string): boolean {
    return this.favoriteSet.has(id);
  }

  /** Loads favourites and recent models (again with `force`, e.g. after a conversation changed model). */
  loadPicks(force = false): Promise<void> {
    if (this.picksLoaded !== null && !force) return this.picksLoaded;
    this.picksLoaded = this.source
      .modelPicks()
      .then((picks) => this.applyPicks(picks))
      .catch(() => undefined);
    return this.picksLoaded;
  }

  /** Stars or unstars a model at once; the core's answer is the truth, and a failure undoes it. */
  async setFavorite(id: string, favorite: boolean): Promise<void> {
    const before = this.picks;
    const favorites = before.favorites.filter((f) => f !== id);
    if (favorite) favorites.push(id);
    this.applyPicks({ favorites, recent: before.recent });
    try {
      this.applyPicks(await this.source.setFavorite(id, favorite));
    } catch (reason) {
      this.applyPicks(before);
      throw toUserError(reason);
    }
  }

  // -------------------------------------------------------------------------
  // Providers

  /** The providers serving a model (asked once per model; asked again after a failure). */
  endpoints(id: string): Promise<ModelEndpoint[]> {
    let pending = this.endpointCache.get(id);
    if (pending === undefined) {
      pending = this.source.modelEndpoints(id).catch((reason: unknown) => {
        this.endpointCache.delete(id);
        throw toUserError(reason);
      });
      this.endpointCache.set(id, pending);
    }
    return pending;
  }

  /** Every provider OpenRouter routes to, for provider preferences. */
  providers(): Promise<ProviderInfo[]> {
    if (this.providerList === null) {
      this.providerList = this.source.listProviders().catch((reason: unknown) => {
        this.providerList = null;
        throw toUserError(reason);
      });
    }
    return this.providerList;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(catalogue: Catalogue): void {
    this.list = catalogue.models;
    this.byId = new Map(catalogue.models.map((model) => [model.id, model]));
    this.fetched = catalogue.fetched_at;
    this.refreshFailure = catalogue.refresh_error;
  }

  private applyPicks(picks: ModelPicks): void {
    this.picks = { favorites: picks.favorites.slice(), recent: picks.recent.slice() };
    this.favoriteSet = new Set(picks.favorites);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
