// The chat's model picker: a dialog with a search field and a listbox driven from the keyboard (arrow keys
// move, Enter picks, Esc closes) or the mouse. Favourites and recently used models come first; the list is
// the same catalogue, searched the same way, as the Models view, and only its visible rows are in the DOM.
import { formatContextLength } from "../format";
import type { ModelCatalog } from "../model-catalog";
import { pickerEntries, type PickerEntry } from "../model-picks";
import { priceSummary } from "../model-text";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";
import { VirtualList } from "./virtual-list";

export interface ModelPickerOptions {
  catalog: ModelCatalog;
  /** The model in use now, kept when the dialog is closed without a choice. */
  current: string;
  /** Heading, e.g. "Choose a model" or "Choose the default model". */
  heading?: string;
  /** Models not to offer (e.g. those already in a fallback list). */
  exclude?: readonly string[];
  /** Shows "Browse all models…", which closes the picker and opens the Models view. */
  onBrowse?: () => void;
}

/** Looks like an OpenRouter model id ("vendor/model", optional ":variant"). */
const MODEL_ID = /^~?[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:-]*$/i;

/** Height of a row (CSS .model-picker .model-option matches it). */
export const PICKER_ROW_HEIGHT = 60;

type Row = PickerEntry | { manual: string };

/** Resolves with the chosen model id, or null when closed without a choice. */
export function openModelPicker(options: ModelPickerOptions): Promise<string | null> {
  const { catalog, current } = options;
  const heading = options.heading ?? "Choose a model";
  const modal = openDialog(heading, "model-picker");
  const listId = uniqueId("models");
  const exclude = new Set(options.exclude ?? []);
  let chosen: string | null = null;

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
  const status = el("p", { className: "picker-status", attrs: { role: "status" } });
  const listElement = el("ul", { className: "model-list", attrs: { role: "listbox", id: listId, "aria-label": "Models" } });
  const list = new VirtualList<Row>(listElement, {
    rowHeight: PICKER_ROW_HEIGHT,
    idPrefix: listId,
    render: (row, index) => rowElement(row, index),
    key: (row) => `${"manual" in row ? "manual" : row.tag}:${idOf(row) ?? ""}`,
    update: (element, _row, index) => element.setAttribute("aria-selected", String(index === active)),
  });
  list.viewport.classList.add("model-list-box");
  const retry = button("Try again", () => {
    void catalog.load(true).catch(() => undefined);
  }, { className: "secondary" });
  retry.hidden = true;

  const footer = el("div", { className: "picker-footer" },
    el("p", { className: "picker-current" }, "In use now: ", el("strong", { text: catalog.nameOf(current) })),
  );
  if (options.onBrowse) {
    const onBrowse = options.onBrowse;
    footer.append(button("Browse all models\u2026", () => {
      modal.close();
      onBrowse();
    }, { className: "secondary", attrs: { "aria-haspopup": "dialog" } }));
  }

  modal.dialog.append(
    el(
      "div",
      { className: "dialog-header" },
      el("h2", { text: heading }),
      button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close model picker" } }),
    ),
    search,
    el("div", { className: "picker-status-row" }, status, retry),
    list.viewport,
    footer,
  );

  let active = -1;

  function idOf(row: Row | undefined): string | undefined {
    if (row === undefined) return undefined;
    return "manual" in row ? row.manual : row.model.id;
  }

  function pick(id: string): void {
    chosen = id;
    modal.close();
  }

  function rowElement(row: Row, index: number): HTMLElement {
    const option = el("li", {
      className: "model-option",
      attrs: { role: "option", "aria-selected": String(index === active) },
    });
    const id = idOf(row) ?? "";
    option.dataset["modelId"] = id;
    if ("manual" in row) {
      option.append(
        el("span", { className: "model-name", text: `Use \u201c${row.manual}\u201d` }),
        el("span", { className: "model-id", text: "Model id typed by hand" }),
      );
    } else {
      const model = row.model;
      const meta = [priceSummary(model)];
      const context = formatContextLength(model.context_length);
      if (context !== "") meta.push(`${context} context`);
      const name = el("span", { className: "model-name", text: model.name });
      if (row.tag === "favorite") name.prepend(el("span", { className: "star-mark", text: "\u2605 ", attrs: { "aria-label": "Favourite: " } }));
      option.append(name, el("span", { className: "model-id", text: model.id }), el("span", { className: "model-meta", text: meta.join(" · ") }));
      const badges = el("span", { className: "model-badges" });
      if (row.tag === "recent") badges.append(el("span", { className: "model-badge muted", text: "recent" }));
      if (model.supports_reasoning) badges.append(el("span", { className: "model-badge", text: "reasoning" }));
      if (badges.childElementCount > 0) option.append(badges);
    }
    if (id === current) option.classList.add("current");
    option.addEventListener("click", () => pick(id));
    option.addEventListener("mousemove", () => {
      const at = Number(option.dataset["index"]);
      if (active !== at) setActive(at, false);
    });
    return option;
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
  }

  function render(): void {
    const models = catalog.models;
    const query = search.value.trim();
    retry.hidden = true;
    active = -1;
    if (models === null) {
      const rows: Row[] = MODEL_ID.test(query) ? [{ manual: query }] : [];
      list.setItems(rows);
      if (catalog.isLoading) {
        status.textContent = "Loading the model list…";
      } else {
        const reason = catalog.error?.message ?? "The model list is not available.";
        status.textContent = `Couldn't load the model list. ${reason} You can keep using ${catalog.nameOf(current)}, or type a model id.`;
        retry.hidden = false;
      }
      setActive(0);
      return;
    }
    const visible = exclude.size === 0 ? models : models.filter((model) => !exclude.has(model.id));
    const rows: Row[] = pickerEntries(visible, query, catalog.favorites, catalog.recent);
    if (rows.length === 0 && MODEL_ID.test(query) && !exclude.has(query)) rows.push({ manual: query });
    list.setItems(rows);
    if (rows.length === 0) {
      status.textContent = query === "" ? "No models are available." : `No models match \u201c${query}\u201d.`;
    } else {
      status.textContent = rows.length === 1 ? "1 model" : `${rows.length} models`;
    }
    // With favourites or recent models listed, the list opens at the top (on the model in use when it is one
    // of them); otherwise on the model in use.
    const currentIndex = query === "" ? rows.findIndex((row) => idOf(row) === current) : -1;
    const picked = rows.findIndex((row) => "manual" in row || row.tag === null);
    const tagged = picked < 0 ? rows.length : picked;
    setActive(currentIndex >= 0 && (tagged === 0 || currentIndex < tagged) ? currentIndex : 0);
  }

  search.addEventListener("input", render);
  search.addEventListener("keydown", (event) => {
    const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
    const step = keys[event.key];
    if (step !== undefined) {
      event.preventDefault();
      setActive(active + step);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const id = idOf(list.itemAt(active));
      if (id !== undefined) pick(id);
    }
  });

  const stopListening = catalog.onChange(render);
  render();
  if (catalog.models === null && !catalog.isLoading) void catalog.load().catch(() => undefined);
  // Recently used models change with every conversation: ask again each time.
  void catalog.loadPicks(true);
  search.focus();

  return modal.closed.then(() => {
    stopListening();
    list.dispose();
    return chosen;
  });
}
