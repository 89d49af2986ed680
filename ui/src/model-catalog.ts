// The model list, fetched once from the core and shared by the header, the picker and the settings.
import { listModels, toUserError, type ModelSummary, type UserError } from "./api";

export class ModelCatalog {
  private list: ModelSummary[] | null = null;
  private byId = new Map<string, ModelSummary>();
  private pending: Promise<ModelSummary[]> | null = null;
  private failure: UserError | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly fetchModels: () => Promise<ModelSummary[]> = listModels) {}

  get models(): ModelSummary[] | null {
    return this.list;
  }

  get error(): UserError | null {
    return this.failure;
  }

  get isLoading(): boolean {
    return this.pending !== null;
  }

  /** Loads the list (once, unless `force`); rejects with a UserError. */
  load(force = false): Promise<ModelSummary[]> {
    if (this.list !== null && !force) return Promise.resolve(this.list);
    if (this.pending !== null) return this.pending;
    this.failure = null;
    this.pending = this.fetchModels()
      .then((models) => {
        this.list = models;
        this.byId = new Map(models.map((model) => [model.id, model]));
        return models;
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

  find(id: string): ModelSummary | undefined {
    return this.byId.get(id);
  }

  /** The model's display name, or its id while the list is unknown. */
  nameOf(id: string): string {
    return this.byId.get(id)?.name ?? id;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
