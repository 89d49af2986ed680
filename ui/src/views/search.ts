// The search dialog: one box over every conversation, results as you type (debounced; an answer that
// arrives after a newer question is dropped), matched words marked in each snippet, filters by model,
// date range and star, best match or newest first. Enter or a click opens the message. Results from quick
// prompts carry the sidebar's "Quick" marker.
import { searchMessages, toUserError, type SearchHit } from "../api";
import { conversationTitle } from "../conversation-title";
import { formatDate } from "../format";
import type { ModelCatalog } from "../model-catalog";
import { buildSearchQuery, type SearchFilters } from "../search-query";
import { openDialog, type ModalDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";
import { quickMarker } from "./sidebar";
import { snippetElement } from "./snippet";

export const SEARCH_DEBOUNCE_MS = 120;

export interface SearchOptions {
  catalog: ModelCatalog;
  /** Model ids to offer in the model filter (those seen in the conversation list). */
  models: readonly string[];
  /** Filters and text to start from (the last search of this session). */
  initial: SearchFilters;
  /** Results of conversations that should not be offered (being deleted). */
  isHidden: (conversationId: number) => boolean;
  /** The user picked a result; the dialog is already closed. */
  onOpen: (hit: SearchHit) => void;
  /** Remembers the filters for next time. */
  onFiltersChange: (filters: SearchFilters) => void;
}

export interface SearchDialog {
  /** Puts the keyboard back in the search box (Ctrl+K while open). */
  focus(): void;
  /** Still on screen (turns false the moment it closes). */
  readonly isOpen: boolean;
  closed: Promise<void>;
}

const HINT = "Type to search every message. Use \u201cquotes\u201d for a phrase and a trailing * for the start of a word.";

export function openSearch(options: SearchOptions): SearchDialog {
  const modal: ModalDialog = openDialog("Search conversations", "search-dialog");
  const listId = uniqueId("search-results");

  const input = el("input", {
    className: "search-input",
    attrs: {
      type: "search",
      "aria-label": "Search messages",
      placeholder: "Search messages",
      autocomplete: "off",
      spellcheck: "false",
      role: "combobox",
      "aria-expanded": "true",
      "aria-controls": listId,
      "aria-autocomplete": "list",
    },
  });
  input.value = options.initial.text;

  // Filters
  const modelId = uniqueId("search-model");
  const model = el("select", { attrs: { id: modelId } }, el("option", { text: "Any model", attrs: { value: "" } }));
  const modelIds = new Set(options.models);
  if (options.initial.model !== "") modelIds.add(options.initial.model);
  const named = Array.from(modelIds, (id) => ({ id, name: options.catalog.nameOf(id) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of named) model.append(el("option", { text: entry.name, attrs: { value: entry.id } }));
  model.value = options.initial.model;

  const fromId = uniqueId("search-from");
  const toId = uniqueId("search-to");
  // The placeholder only shows where a date field falls back to plain text.
  const from = el("input", { attrs: { type: "date", id: fromId, placeholder: "yyyy-mm-dd" } });
  const to = el("input", { attrs: { type: "date", id: toId, placeholder: "yyyy-mm-dd" } });
  from.value = options.initial.from;
  to.value = options.initial.to;

  const starredId = uniqueId("search-starred");
  const starred = el("input", { attrs: { type: "checkbox", id: starredId } });
  starred.checked = options.initial.starredOnly;

  const orderId = uniqueId("search-order");
  const order = el(
    "select",
    { attrs: { id: orderId } },
    el("option", { text: "Best match", attrs: { value: "relevance" } }),
    el("option", { text: "Newest", attrs: { value: "newest" } }),
  );
  order.value = options.initial.order;

  const filters = el(
    "div",
    { className: "search-filters", attrs: { role: "group", "aria-label": "Filters" } },
    el("div", { className: "search-filter" }, el("label", { text: "Model", attrs: { for: modelId } }), model),
    el("div", { className: "search-filter" }, el("label", { text: "From", attrs: { for: fromId } }), from),
    el("div", { className: "search-filter" }, el("label", { text: "To", attrs: { for: toId } }), to),
    el("div", { className: "search-filter" }, el("label", { text: "Order", attrs: { for: orderId } }), order),
    el("div", { className: "search-filter search-check" }, starred, el("label", { text: "Only starred", attrs: { for: starredId } })),
  );

  const status = el("p", { className: "search-status", attrs: { role: "status" } });
  const list = el("ul", { className: "search-results", attrs: { role: "listbox", id: listId, "aria-label": "Search results" } });

  modal.dialog.append(
    el(
      "div",
      { className: "dialog-header" },
      el("h2", { text: "Search" }),
      button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close search" } }),
    ),
    input,
    filters,
    status,
    list,
  );

  let shown: SearchHit[] = [];
  let active = -1;
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let inFlight = false;
  /** Enter came before the answer: open the best result once it is there. */
  let openWhenAnswered = false;

  function current(): SearchFilters {
    return {
      text: input.value,
      model: model.value,
      from: from.value,
      to: to.value,
      starredOnly: starred.checked,
      order: order.value === "newest" ? "newest" : "relevance",
    };
  }

  function schedule(delayMs: number): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    options.onFiltersChange(current());
    if (delayMs <= 0) void run();
    else timer = setTimeout(() => void run(), delayMs);
  }

  async function run(): Promise<void> {
    timer = null;
    asked += 1;
    const question = asked;
    const filtersNow = current();
    const query = buildSearchQuery(filtersNow);
    if (query === null) {
      inFlight = false;
      openWhenAnswered = false;
      show([]);
      status.textContent = HINT;
      list.removeAttribute("aria-busy");
      return;
    }
    list.setAttribute("aria-busy", "true");
    inFlight = true;
    let hits: SearchHit[];
    try {
      hits = await searchMessages(query);
    } catch (reason) {
      if (question !== asked || closed) return;
      inFlight = false;
      openWhenAnswered = false;
      list.removeAttribute("aria-busy");
      show([]);
      status.textContent = `Search failed. ${toUserError(reason).message}`;
      return;
    }
    if (question !== asked || closed) return;
    inFlight = false;
    list.removeAttribute("aria-busy");
    const visible = hits.filter((hit) => !options.isHidden(hit.conversation_id));
    show(visible);
    status.textContent = visible.length === 0
      ? `No messages match \u201c${query.text}\u201d.`
      : visible.length === 1 ? "1 message" : `${visible.length} messages`;
    if (openWhenAnswered) {
      openWhenAnswered = false;
      pick(active);
    }
  }

  function show(hits: SearchHit[]): void {
    shown = hits;
    active = -1;
    list.replaceChildren(...hits.map(optionFor));
    setActive(0);
  }

  function optionFor(hit: SearchHit, index: number): HTMLLIElement {
    const who = hit.role === "user" ? "You" : hit.model ? options.catalog.nameOf(hit.model) : "Assistant";
    const meta = [formatDate(hit.created_at), who].filter((part) => part !== "").join(" \u00b7 ");
    const option = el(
      "li",
      {
        className: "search-result",
        attrs: {
          role: "option",
          id: `${listId}-${index}`,
          "aria-selected": "false",
          "data-message-id": String(hit.message_id),
          "data-conversation-id": String(hit.conversation_id),
        },
      },
      el(
        "div",
        { className: "search-result-head" },
        el("span", { className: "search-result-title", text: conversationTitle({ title: hit.conversation_title }) }),
        ...(hit.origin === "quick" ? [quickMarker()] : []),
        el("span", { className: "search-result-meta", text: meta }),
      ),
      snippetElement(hit.snippet, "search-result-snippet"),
    );
    option.addEventListener("click", () => pick(index));
    option.addEventListener("mousemove", () => setActive(index, false));
    return option;
  }

  function setActive(index: number, scroll = true): void {
    const rows = list.children;
    if (active >= 0) rows[active]?.setAttribute("aria-selected", "false");
    active = shown.length === 0 ? -1 : Math.max(0, Math.min(index, shown.length - 1));
    const option = active >= 0 ? (rows[active] as HTMLElement | undefined) : undefined;
    if (option) {
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      if (scroll && typeof option.scrollIntoView === "function") option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(index: number): void {
    const hit = shown[index];
    if (hit === undefined) return;
    modal.close();
    options.onOpen(hit);
  }

  input.addEventListener("input", () => {
    openWhenAnswered = false;
    schedule(SEARCH_DEBOUNCE_MS);
  });
  for (const control of [model, from, to, starred, order]) control.addEventListener("change", () => schedule(0));
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "ArrowDown") setActive(active + 1);
    else if (event.key === "ArrowUp") setActive(active - 1);
    else if (event.key === "PageDown") setActive(active + 10);
    else if (event.key === "PageUp") setActive(active - 10);
    else if (event.key === "Enter") {
      // Typed and pressed Enter before the answer came: open the best result when it does.
      if (timer !== null || inFlight) {
        openWhenAnswered = true;
        if (timer !== null) schedule(0);
      } else pick(active);
    } else return;
    event.preventDefault();
  });

  void modal.closed.then(() => {
    closed = true;
    if (timer !== null) clearTimeout(timer);
  });

  function focus(): void {
    input.focus();
    input.select();
  }
  focus();
  schedule(0);
  return {
    focus,
    get isOpen() {
      return modal.dialog.isConnected;
    },
    closed: modal.closed,
  };
}
