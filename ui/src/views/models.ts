// The searchable model picker: a dialog with a search field and a listbox driven from the keyboard
// (arrow keys move, Enter picks, Esc closes) or the mouse.
import type { ModelSummary } from "../api";
import { formatContextLength, formatModelPrice } from "../format";
import type { ModelCatalog } from "../model-catalog";
import { filterModels } from "../model-search";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";

export interface ModelPickerOptions {
  catalog: ModelCatalog;
  /** The model in use now, kept when the dialog is closed without a choice. */
  current: string;
  /** Heading, e.g. "Choose a model" or "Choose the default model". */
  heading?: string;
}

/** Looks like an OpenRouter model id ("vendor/model", optional ":variant"). */
const MODEL_ID = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:-]*$/i;

/** Resolves with the chosen model id, or null when closed without a choice. */
export function openModelPicker(options: ModelPickerOptions): Promise<string | null> {
  const { catalog, current } = options;
  const modal = openDialog("Choose a model", "model-picker");
  const listId = uniqueId("models");
  let chosen: string | null = null;

  const search = el("input", {
    className: "model-search",
    attrs: {
      type: "search",
      "aria-label": "Search models",
      placeholder: "Search by name, id or description",
      autocomplete: "off",
      spellcheck: "false",
      role: "combobox",
      "aria-expanded": "true",
      "aria-controls": listId,
      "aria-autocomplete": "list",
    },
  });
  const status = el("p", { className: "picker-status", attrs: { role: "status" } });
  const list = el("ul", { className: "model-list", attrs: { role: "listbox", id: listId, "aria-label": "Models" } });
  const retry = button("Try again", () => {
    void catalog.load(true).catch(() => undefined);
  }, { className: "secondary" });
  retry.hidden = true;

  modal.dialog.append(
    el(
      "div",
      { className: "dialog-header" },
      el("h2", { text: options.heading ?? "Choose a model" }),
      button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close model picker" } }),
    ),
    search,
    el("div", { className: "picker-status-row" }, status, retry),
    list,
    el("p", { className: "picker-current" }, "In use now: ", el("strong", { text: catalog.nameOf(current) })),
  );

  let shown: string[] = [];
  let active = -1;

  function pick(id: string): void {
    chosen = id;
    modal.close();
  }

  function optionFor(model: ModelSummary, index: number): HTMLLIElement {
    const meta = [formatModelPrice(model), formatContextLength(model.context_length)].filter((part) => part !== "");
    if (meta.length > 1) meta[1] = `${meta[1]} context`;
    const option = el(
      "li",
      {
        className: "model-option",
        attrs: {
          role: "option",
          id: `${listId}-${index}`,
          "aria-selected": "false",
          "data-model-id": model.id,
        },
      },
      el("span", { className: "model-name", text: model.name }),
      el("span", { className: "model-id", text: model.id }),
      el("span", { className: "model-meta", text: meta.join(" · ") }),
    );
    if (model.id === current) option.classList.add("current");
    if (model.supports_reasoning) option.append(el("span", { className: "model-badge", text: "reasoning" }));
    option.addEventListener("click", () => pick(model.id));
    option.addEventListener("mousemove", () => setActive(index, false));
    return option;
  }

  function manualOption(id: string): HTMLLIElement {
    const option = el(
      "li",
      { className: "model-option", attrs: { role: "option", id: `${listId}-0`, "aria-selected": "false", "data-model-id": id } },
      el("span", { className: "model-name", text: `Use “${id}”` }),
      el("span", { className: "model-id", text: "Model id typed by hand" }),
    );
    option.addEventListener("click", () => pick(id));
    return option;
  }

  function setActive(index: number, scroll = true): void {
    const options = list.children;
    if (active >= 0) options[active]?.setAttribute("aria-selected", "false");
    active = shown.length === 0 ? -1 : Math.max(0, Math.min(index, shown.length - 1));
    const option = active >= 0 ? (options[active] as HTMLElement | undefined) : undefined;
    if (option) {
      option.setAttribute("aria-selected", "true");
      search.setAttribute("aria-activedescendant", option.id);
      if (scroll && typeof option.scrollIntoView === "function") option.scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function render(): void {
    const models = catalog.models;
    const query = search.value.trim();
    retry.hidden = true;
    if (models === null) {
      shown = [];
      list.replaceChildren();
      if (catalog.isLoading) {
        status.textContent = "Loading the model list…";
      } else {
        const reason = catalog.error?.message ?? "The model list is not available.";
        status.textContent = `Couldn't load the model list. ${reason} You can keep using ${catalog.nameOf(current)}.`;
        retry.hidden = false;
      }
      if (MODEL_ID.test(query)) {
        shown = [query];
        list.append(manualOption(query));
        setActive(0);
      }
      return;
    }
    const matches = filterModels(models, query);
    shown = matches.map((model) => model.id);
    list.replaceChildren(...matches.map(optionFor));
    if (matches.length === 0) {
      status.textContent = query === "" ? "No models are available." : `No models match “${query}”.`;
    } else {
      status.textContent = matches.length === 1 ? "1 model" : `${matches.length} models`;
    }
    const currentIndex = query === "" ? shown.indexOf(current) : -1;
    active = -1;
    setActive(currentIndex >= 0 ? currentIndex : 0);
  }

  search.addEventListener("input", render);
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active - 1);
    } else if (event.key === "PageDown") {
      event.preventDefault();
      setActive(active + 10);
    } else if (event.key === "PageUp") {
      event.preventDefault();
      setActive(active - 10);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const id = shown[active];
      if (id !== undefined) pick(id);
    }
  });

  const stopListening = catalog.onChange(render);
  render();
  if (catalog.models === null && !catalog.isLoading) void catalog.load().catch(() => undefined);
  search.focus();

  return modal.closed.then(() => {
    stopListening();
    return chosen;
  });
}
