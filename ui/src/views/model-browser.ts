// The Models view: every model in the catalogue, searched as you type, filtered and sorted (both kept between
// runs), in a list that only renders its visible rows, beside the details of the model chosen in it.
//
// Keyboard: the search field drives the list (↑/↓, Page Up/Down, Home/End move; Enter uses the model in
// the open chat); Tab reaches the sort, the filters and the details.
import { formatContextLength } from "../format";
import type { ModelCatalog } from "../model-catalog";
import {
  activeFilterCount,
  authorsOf,
  browserSettingsFrom,
  browserStateJson,
  defaultBrowserSettings,
  IncrementalFilter,
  isExpired,
  MODALITIES,
  parsePriceInput,
  todayIso,
  type BrowserSettings,
  type Modality,
  type SortKey,
} from "../model-filter";
import { priceSummary, updatedText } from "../model-text";
import type { ModelBrowserState, ModelCard } from "../model-types";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";
import { modelDetails } from "./model-details";
import { VirtualList } from "./virtual-list";

/** Height of a row (CSS .models-dialog .model-row matches it). */
export const BROWSER_ROW_HEIGHT = 64;

/** The details panel follows the list once it stops changing for this long. */
const DETAILS_DELAY_MS = 90;

/**
 * How long each update of the list took, as User Timing measures the benchmark reads in the real page
 * (tests/tests/model_bench.rs): "models-filter" (filtering and sorting) and "models-update" (that and
 * putting the visible rows in the DOM). Only the latest few hundred are kept.
 */
const timings = {
  count: 0,
  record(start: number, filtered: number, end: number): void {
    if (typeof performance.measure !== "function") return;
    try {
      if (++this.count > 500) {
        performance.clearMeasures("models-filter");
        performance.clearMeasures("models-update");
        this.count = 1;
      }
      performance.measure("models-filter", { start, end: filtered });
      performance.measure("models-update", { start, end });
    } catch {
      // An engine without measure options: no figures, nothing else changes.
    }
  },
};

/** Saving the filters waits for the user to stop changing them. */
const SAVE_DELAY_MS = 400;

/** Where the filters and sort are kept between runs (get/set_model_browser_state). */
export interface BrowserStateStorage {
  load: () => Promise<ModelBrowserState | null>;
  save: (state: ModelBrowserState) => Promise<unknown>;
}

/** The filters and sort: read once per run, then kept here and saved as they change. */
export class BrowserStateStore {
  private settings: BrowserSettings | null = null;
  private loading: Promise<BrowserSettings> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly storage: BrowserStateStorage) {}

  get(): Promise<BrowserSettings> {
    if (this.settings !== null) return Promise.resolve(this.settings);
    if (this.loading === null) {
      this.loading = this.storage
        .load()
        .then((raw) => browserSettingsFrom(raw))
        .catch(() => defaultBrowserSettings())
        .then((settings) => {
          this.settings ??= settings;
          return this.settings;
        });
    }
    return this.loading;
  }

  set(settings: BrowserSettings): void {
    this.settings = settings;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Saves a change still waiting for its delay at once (the view is closing). */
  flush(): void {
    if (this.timer === null || this.settings === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    void this.storage.save(browserStateJson(this.settings)).catch(() => undefined);
  }
}

export interface ModelBrowserOptions {
  catalog: ModelCatalog;
  state: BrowserStateStore;
  openLink: (url: string) => void;
  /** The model the open chat uses. */
  currentModel: () => string;
  /** "Use in this chat": the open chat switches to this model (the view then closes). */
  onUse: (id: string) => void;
  /** Model whose details show first (default: the one in use). */
  initialId?: string;
  /** Details panel wait before fetching providers (tests pass 0). */
  providersDelayMs?: number;
  /** Wait before the details follow the list (tests pass 0). */
  detailsDelayMs?: number;
}

export interface ModelBrowser {
  closed: Promise<void>;
  close(): void;
}

const SORT_LABELS: Record<SortKey, string> = {
  name: "Name",
  newest: "Newest first",
  prompt_price: "Input price, lowest first",
  completion_price: "Output price, lowest first",
  context: "Context, largest first",
};

const CONTEXT_CHOICES: { value: number | null; label: string }[] = [
  { value: null, label: "Any size" },
  { value: 8_000, label: "8K tokens or more" },
  { value: 32_000, label: "32K tokens or more" },
  { value: 128_000, label: "128K tokens or more" },
  { value: 200_000, label: "200K tokens or more" },
  { value: 1_000_000, label: "1M tokens or more" },
];

const MODALITY_LABELS: Record<Modality, string> = {
  text: "Text",
  image: "Images",
  file: "Files (PDF)",
  audio: "Audio",
  video: "Video",
};

export function openModelBrowser(options: ModelBrowserOptions): ModelBrowser {
  const { catalog } = options;
  const modal = openDialog("Models", "models-dialog");
  const today = todayIso();
  let settings: BrowserSettings = defaultBrowserSettings();
  let shown: ModelCard[] = [];
  /** Searching as the user types only looks again at what the last keystroke found. */
  const finder = new IncrementalFilter();
  let active = -1;
  let selectedId: string | null = options.initialId ?? options.currentModel();
  /** The model whose details show (undefined: none shown yet). */
  let detailsFor: string | null | undefined = undefined;

  // ---------------------------------------------------------------- header
  const updated = el("p", { className: "models-updated", attrs: { role: "status" } });
  const refreshButton = button("Check for new models", () => void catalog.refresh(), { className: "secondary small" });
  const header = el(
    "div",
    { className: "dialog-header models-header" },
    el("div", { className: "models-title" }, el("h2", { text: "Models" }), updated),
    el("div", { className: "models-header-actions" },
      refreshButton,
      button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close models" } })),
  );

  // ---------------------------------------------------------------- search and sort
  const listId = uniqueId("browser-models");
  const search = el("input", {
    className: "model-search",
    attrs: {
      type: "search",
      "aria-label": "Search models",
      placeholder: "Search by name, maker, id or description",
      autocomplete: "off",
      spellcheck: "false",
      role: "combobox",
      "aria-expanded": "true",
      "aria-controls": listId,
      "aria-autocomplete": "list",
    },
  });
  const sortId = uniqueId("sort");
  const sort = el("select", { className: "models-sort-select", attrs: { id: sortId } });
  for (const key of Object.keys(SORT_LABELS) as SortKey[]) sort.append(el("option", { text: SORT_LABELS[key], attrs: { value: key } }));
  const count = el("p", { className: "models-count", attrs: { role: "status", "aria-live": "polite" } });
  const toolbar = el("div", { className: "models-toolbar" },
    search,
    el("div", { className: "models-sort" }, el("label", { text: "Sort by", attrs: { for: sortId } }), sort),
  );

  // ---------------------------------------------------------------- filters
  const filters = el("form", { className: "models-filters", attrs: { "aria-label": "Filters" } });
  filters.addEventListener("submit", (event) => event.preventDefault());

  const checkbox = (label: string, hint?: string): HTMLInputElement => {
    const id = uniqueId("filter");
    const input = el("input", { attrs: { type: "checkbox", id } });
    const row = el("div", { className: "filter-check" }, input, el("label", { text: label, attrs: { for: id } }));
    if (hint) {
      const hintId = uniqueId("filter-hint");
      input.setAttribute("aria-describedby", hintId);
      row.append(el("span", { className: "hint", text: hint, attrs: { id: hintId } }));
    }
    currentGroup.append(row);
    return input;
  };
  let currentGroup: HTMLElement = filters;
  const group = (legend: string): HTMLFieldSetElement => {
    const fieldset = el("fieldset", { className: "filter-group" }, el("legend", { text: legend }));
    filters.append(fieldset);
    currentGroup = fieldset;
    return fieldset;
  };

  group("Price");
  const freeOnly = checkbox("Free models only");
  const priceField = (label: string): HTMLInputElement => {
    const id = uniqueId("filter-price");
    const input = el("input", { className: "price-input", attrs: { type: "text", id, inputmode: "decimal", placeholder: "any", autocomplete: "off" } });
    currentGroup.append(el("div", { className: "filter-field" }, el("label", { text: label, attrs: { for: id } }),
      el("span", { className: "price-field" }, el("span", { text: "$", attrs: { "aria-hidden": "true" } }), input,
        el("span", { className: "hint", text: "per million tokens", attrs: { "aria-hidden": "true" } }))));
    return input;
  };
  const maxPrompt = priceField("Highest input price");
  const maxCompletion = priceField("Highest output price");
  const priceProblem = el("p", { className: "filter-problem", attrs: { role: "alert" } });
  priceProblem.hidden = true;
  currentGroup.append(priceProblem);

  group("It can read");
  const inputBoxes = new Map<Modality, HTMLInputElement>();
  for (const modality of MODALITIES) inputBoxes.set(modality, checkbox(MODALITY_LABELS[modality]));
  group("It can write");
  const outputBoxes = new Map<Modality, HTMLInputElement>();
  for (const modality of MODALITIES) outputBoxes.set(modality, checkbox(MODALITY_LABELS[modality]));

  group("It can");
  const tools = checkbox("Use tools");
  const structured = checkbox("Answer in a fixed format (JSON)");
  const reasoning = checkbox("Think before answering");

  group("Size and maker");
  const contextId = uniqueId("filter-context");
  const context = el("select", { attrs: { id: contextId } });
  CONTEXT_CHOICES.forEach((choice, index) => context.append(el("option", { text: choice.label, attrs: { value: String(index) } })));
  currentGroup.append(el("div", { className: "filter-field" }, el("label", { text: "Context", attrs: { for: contextId } }), context));
  const authorId = uniqueId("filter-author");
  const author = el("select", { attrs: { id: authorId } });
  currentGroup.append(el("div", { className: "filter-field" }, el("label", { text: "Made by", attrs: { for: authorId } }), author));
  const hideExpired = checkbox("Hide retired models");

  const clear = button("Clear filters", () => {
    settings = { ...settings, filters: defaultBrowserSettings().filters };
    showSettings();
    changed();
  }, { className: "secondary small" });
  filters.prepend(el("div", { className: "filters-head" }, el("h3", { text: "Filters" }), clear));

  // ---------------------------------------------------------------- list and details
  const listElement = el("ul", { className: "model-list browser-list", attrs: { role: "listbox", id: listId, "aria-label": "Models" } });
  const list = new VirtualList<ModelCard>(listElement, {
    rowHeight: BROWSER_ROW_HEIGHT,
    idPrefix: listId,
    render: (model, index) => rowElement(model, index),
    update: (row, _model, index) => row.setAttribute("aria-selected", String(index === active)),
  });
  list.viewport.classList.add("model-list-box");
  const empty = el("div", { className: "models-empty" });
  empty.hidden = true;
  const details = el("div", { className: "models-details", attrs: { tabindex: "-1" } });

  modal.dialog.append(
    header,
    el("div", { className: "models-body" },
      el("aside", { className: "models-filter-column" }, filters),
      el("div", { className: "models-list-column" }, toolbar, count, list.viewport, empty),
      details,
    ),
  );

  // ---------------------------------------------------------------- behaviour

  function rowElement(model: ModelCard, index: number): HTMLElement {
    const option = el("li", {
      className: "model-option model-row",
      attrs: { role: "option", "aria-selected": String(index === active) },
    });
    option.dataset["modelId"] = model.id;
    const name = el("span", { className: "model-name", text: model.name });
    if (catalog.isFavorite(model.id)) name.prepend(el("span", { className: "star-mark", text: "\u2605 ", attrs: { "aria-label": "Favourite: " } }));
    const size = formatContextLength(model.context_length);
    const extra = el("span", { className: "model-extra" });
    if (model.id === options.currentModel()) extra.append(el("span", { className: "model-badge", text: "in use" }));
    if (model.expiration_date !== null) {
      extra.append(el("span", { className: "model-badge warn", text: isExpired(model, today) ? "retired" : "retiring" }));
    }
    if (size !== "") extra.append(`${size} context`);
    option.append(
      name,
      el("span", { className: "model-price model-meta", text: priceSummary(model) }),
      el("span", { className: "model-id", text: model.id }),
      extra,
    );
    option.addEventListener("click", () => setActive(Number(option.dataset["index"]), false));
    option.addEventListener("dblclick", () => use(model.id));
    return option;
  }

  function use(id: string): void {
    modal.close();
    options.onUse(id);
  }

  function setActive(index: number, scroll = true): void {
    list.rowAt(active)?.setAttribute("aria-selected", "false");
    active = list.length === 0 ? -1 : Math.max(0, Math.min(index, list.length - 1));
    const option = active < 0 ? undefined : scroll ? list.scrollToIndex(active) : list.rowAt(active);
    if (option) {
      option.setAttribute("aria-selected", "true");
      search.setAttribute("aria-activedescendant", option.id);
    } else {
      search.removeAttribute("aria-activedescendant");
    }
    const model = active < 0 ? undefined : shown[active];
    if (model !== undefined) selectedId = model.id;
    showDetails(model);
  }

  let detailsTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Shows the details of `model` once the list has stopped changing for a moment (typing or arrowing
   * through the list does not render a panel per keystroke); at once the first time.
   */
  function showDetails(model: ModelCard | undefined): void {
    if (detailsTimer !== null) clearTimeout(detailsTimer);
    detailsTimer = null;
    const delay = options.detailsDelayMs ?? DETAILS_DELAY_MS;
    if (detailsFor === undefined || delay <= 0) {
      renderDetails(model);
      return;
    }
    detailsTimer = setTimeout(() => {
      detailsTimer = null;
      renderDetails(model);
    }, delay);
  }

  function renderDetails(model: ModelCard | undefined): void {
    const id = model?.id ?? null;
    if (id === detailsFor) return;
    detailsFor = id;
    if (model === undefined) {
      details.replaceChildren(el("p", { className: "hint details-empty", text: "Choose a model in the list to read about it." }));
      return;
    }
    details.replaceChildren(modelDetails(model, {
      catalog,
      openLink: options.openLink,
      today,
      currentModel: options.currentModel(),
      onUse: use,
      ...(options.providersDelayMs === undefined ? {} : { providersDelayMs: options.providersDelayMs }),
    }));
    details.scrollTop = 0;
  }

  /** Filters, search and sort → the list. */
  function update(): void {
    const models = catalog.models;
    if (models === null) {
      shown = [];
      list.setItems(shown);
      count.textContent = "";
      empty.hidden = false;
      if (catalog.isLoading || catalog.isRefreshing) {
        empty.replaceChildren(el("p", { text: "Loading the model list\u2026" }));
      } else {
        const reason = catalog.error?.message ?? "The model list is not available.";
        empty.replaceChildren(el("p", { text: `Couldn't load the model list. ${reason}` }),
          button("Try again", () => void catalog.load(true).catch(() => undefined), { className: "secondary" }));
      }
      showDetails(undefined);
      return;
    }
    const start = performance.now();
    shown = finder.run(models, search.value, settings.filters, settings.sort, today);
    const filtered = performance.now();
    list.setItems(shown);
    timings.record(start, filtered, performance.now());
    const filterCount = activeFilterCount(settings.filters);
    count.textContent = shown.length === models.length
      ? `${formatModels(models.length)}`
      : `${shown.length} of ${formatModels(models.length)}`;
    empty.hidden = shown.length > 0;
    if (shown.length === 0) {
      const why = search.value.trim() !== "" ? `No model matches \u201c${search.value.trim()}\u201d` : "No model matches";
      empty.replaceChildren(el("p", { text: filterCount > 0 ? `${why} with these filters.` : `${why}.` }));
      if (filterCount > 0) empty.append(button("Clear filters", () => clear.click(), { className: "secondary" }));
    }
    const keep = selectedId === null ? -1 : shown.findIndex((model) => model.id === selectedId);
    active = -1;
    setActive(keep >= 0 ? keep : 0);
  }

  function formatModels(n: number): string {
    return n === 1 ? "1 model" : `${n} models`;
  }

  function showUpdated(): void {
    refreshButton.disabled = catalog.isRefreshing;
    refreshButton.textContent = catalog.isRefreshing ? "Checking\u2026" : "Check for new models";
    const fetched = catalog.fetchedAt;
    const failure = catalog.refreshError;
    updated.classList.toggle("stale", failure !== null && fetched !== null);
    if (fetched === null) {
      updated.textContent = catalog.isLoading || catalog.isRefreshing ? "Loading the list\u2026" : "";
    } else if (failure !== null) {
      updated.textContent = `Couldn't update the list: ${failure.message} Showing the list from ${updatedText(fetched)}.`;
    } else {
      updated.textContent = `Updated ${updatedText(fetched)}`;
    }
  }

  /** Puts `settings` into the controls. */
  function showSettings(): void {
    const f = settings.filters;
    sort.value = settings.sort;
    freeOnly.checked = f.freeOnly;
    maxPrompt.value = f.maxPromptPrice === null ? "" : String(f.maxPromptPrice);
    maxCompletion.value = f.maxCompletionPrice === null ? "" : String(f.maxCompletionPrice);
    priceProblem.hidden = true;
    for (const [modality, box] of inputBoxes) box.checked = f.input.includes(modality);
    for (const [modality, box] of outputBoxes) box.checked = f.output.includes(modality);
    tools.checked = f.tools;
    structured.checked = f.structuredOutputs;
    reasoning.checked = f.reasoning;
    context.value = String(Math.max(0, CONTEXT_CHOICES.findIndex((choice) => choice.value === f.minContext)));
    fillAuthors();
    hideExpired.checked = f.hideExpired;
    syncClear();
  }

  function fillAuthors(): void {
    const chosen = settings.filters.authors[0] ?? "";
    const authors = catalog.models === null ? [] : authorsOf(catalog.models);
    author.replaceChildren(el("option", { text: "Anyone", attrs: { value: "" } }));
    for (const entry of authors) author.append(el("option", { text: `${entry.author} (${entry.count})`, attrs: { value: entry.author } }));
    if (chosen !== "" && !authors.some((entry) => entry.author === chosen)) {
      author.append(el("option", { text: chosen, attrs: { value: chosen } }));
    }
    author.value = chosen;
  }

  function syncClear(): void {
    const n = activeFilterCount(settings.filters);
    clear.disabled = n === 0;
    filters.setAttribute("aria-label", n === 0 ? "Filters" : `Filters (${n} on)`);
  }

  /** Reads the controls into `settings`, shows the result and saves it. */
  function readControls(): void {
    const f = settings.filters;
    const prompt = parsePriceInput(maxPrompt.value);
    const completion = parsePriceInput(maxCompletion.value);
    const bad = prompt === undefined || completion === undefined;
    priceProblem.hidden = !bad;
    priceProblem.textContent = bad ? "Type a price in dollars, like 0.5 or 3." : "";
    maxPrompt.setAttribute("aria-invalid", String(prompt === undefined));
    maxCompletion.setAttribute("aria-invalid", String(completion === undefined));
    settings = {
      sort: sort.value as SortKey,
      filters: {
        freeOnly: freeOnly.checked,
        input: MODALITIES.filter((m) => inputBoxes.get(m)?.checked === true),
        output: MODALITIES.filter((m) => outputBoxes.get(m)?.checked === true),
        tools: tools.checked,
        structuredOutputs: structured.checked,
        reasoning: reasoning.checked,
        minContext: CONTEXT_CHOICES[Number(context.value)]?.value ?? null,
        maxPromptPrice: prompt === undefined ? f.maxPromptPrice : prompt,
        maxCompletionPrice: completion === undefined ? f.maxCompletionPrice : completion,
        authors: author.value === "" ? [] : [author.value],
        hideExpired: hideExpired.checked,
      },
    };
    syncClear();
    changed();
  }

  function changed(): void {
    options.state.set(settings);
    update();
  }

  filters.addEventListener("change", readControls);
  maxPrompt.addEventListener("input", readControls);
  maxCompletion.addEventListener("input", readControls);
  sort.addEventListener("change", readControls);
  search.addEventListener("input", update);
  search.addEventListener("keydown", (event) => {
    const page = Math.max(1, Math.floor(list.viewport.clientHeight / BROWSER_ROW_HEIGHT) - 1) || 8;
    const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const step = keys[event.key];
    if (step !== undefined) {
      event.preventDefault();
      setActive(active + step);
    } else if ((event.key === "Home" || event.key === "End") && event.ctrlKey) {
      event.preventDefault();
      setActive(event.key === "Home" ? 0 : list.length - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const model = shown[active];
      if (model !== undefined) use(model.id);
    }
  });

  const stopListening = catalog.onChange(() => {
    showUpdated();
    if (author.options.length <= 1) fillAuthors();
    // A new list, or favourites changed: the rows show stars.
    if (catalog.models !== lastModels || catalog.models === null) {
      lastModels = catalog.models;
      fillAuthors();
      update();
    } else {
      list.refresh();
      setActive(active, false);
    }
  });
  let lastModels = catalog.models;

  showSettings();
  showUpdated();
  update();
  search.focus();
  void options.state.get().then((saved) => {
    if (!modal.dialog.isConnected) return;
    settings = saved;
    showSettings();
    update();
  });
  // The cached list at once; a fresh one is fetched in the background once per run.
  void catalog.load().catch(() => undefined);
  void catalog.loadPicks();

  const closed = modal.closed.then(() => {
    stopListening();
    list.dispose();
    options.state.flush();
    if (detailsTimer !== null) clearTimeout(detailsTimer);
  });
  return { closed, close: () => modal.close() };
}
