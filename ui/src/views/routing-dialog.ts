// The "Routing" dialog of a conversation: its model (and the variant of it), web search, thinking effort,
// up to three fallback models in order, and provider preferences. Saving hands the model and the Routing
// (IPC.md) to the chat, which stores it with set_routing, or keeps it for the first message of a new chat.
import { toUserError } from "../api";
import type { ModelCatalog } from "../model-catalog";
import { parsePriceInput } from "../model-filter";
import {
  baseIdOf,
  effortChoices,
  QUANTIZATIONS,
  quantizationWord,
  usdText,
  variantOf,
  variantOptions,
} from "../model-text";
import { DEFAULT_PROVIDER_PREFS, type ProviderInfo, type ProviderPrefs, type ProviderSort, type Routing } from "../model-types";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";

/** OpenRouter tries at most this many fallback models. */
export const MAX_FALLBACKS = 3;

export interface RoutingChoice {
  model: string;
  routing: Routing;
}

export interface RoutingDialogOptions {
  catalog: ModelCatalog;
  /** The conversation's model now. */
  model: string;
  routing: Routing;
  /** Opens the model picker; resolves with the chosen id or null. */
  pickModel: (heading: string, current: string, exclude: readonly string[]) => Promise<string | null>;
  /** Stores the choice; rejects with a UserError whose message the dialog shows. */
  save: (choice: RoutingChoice) => Promise<RoutingChoice>;
}

/** The routing as it is sent: provider preferences left out when they are OpenRouter's defaults. */
export function cleanRouting(routing: Routing): Routing {
  const provider = routing.provider === null ? null : cleanPrefs(routing.provider);
  return {
    fallback_models: routing.fallback_models.filter((id) => id.trim() !== "").slice(0, MAX_FALLBACKS),
    provider,
    reasoning_effort: routing.reasoning_effort,
    web_search: routing.web_search,
  };
}

function cleanPrefs(prefs: ProviderPrefs): ProviderPrefs | null {
  const clean: ProviderPrefs = {
    ...prefs,
    order: prefs.order.slice(),
    only: prefs.only.slice(),
    ignore: prefs.ignore.slice(),
    quantizations: prefs.quantizations.slice(),
    max_price_prompt: prefs.max_price_prompt?.trim() || null,
    max_price_completion: prefs.max_price_completion?.trim() || null,
  };
  const isDefault = (Object.keys(DEFAULT_PROVIDER_PREFS) as (keyof ProviderPrefs)[]).every((key) => {
    const a = clean[key];
    const b = DEFAULT_PROVIDER_PREFS[key];
    return Array.isArray(a) && Array.isArray(b) ? a.length === 0 && b.length === 0 : a === b;
  });
  return isDefault ? null : clean;
}

const SORTS: { value: ProviderSort | ""; label: string }[] = [
  { value: "", label: "OpenRouter's balance of price and uptime (default)" },
  { value: "price", label: "Lowest price" },
  { value: "throughput", label: "Fastest writing (throughput)" },
  { value: "latency", label: "Quickest to start (latency)" },
];

/** Resolves with what was saved, or null when the dialog was closed without saving. */
export function openRoutingDialog(options: RoutingDialogOptions): Promise<RoutingChoice | null> {
  const { catalog } = options;
  const modal = openDialog("Routing", "routing-dialog");
  let result: RoutingChoice | null = null;
  let model = options.model;
  const routing: Routing = {
    fallback_models: options.routing.fallback_models.slice(),
    provider: null,
    reasoning_effort: options.routing.reasoning_effort,
    web_search: options.routing.web_search,
  };
  const prefs: ProviderPrefs = {
    ...DEFAULT_PROVIDER_PREFS,
    ...(options.routing.provider ?? {}),
    order: options.routing.provider?.order.slice() ?? [],
    only: options.routing.provider?.only.slice() ?? [],
    ignore: options.routing.provider?.ignore.slice() ?? [],
    quantizations: options.routing.provider?.quantizations.slice() ?? [],
  };

  const errorSlot = el("div", { className: "routing-error" });
  const showError = (reason: unknown): void => {
    errorSlot.replaceChildren(el("p", { className: "form-alert", text: toUserError(reason).message, attrs: { role: "alert" } }));
  };

  // ---------------------------------------------------------------- model and its variant
  const modelName = el("strong", { className: "routing-model-name" });
  const modelId = el("code", { className: "routing-model-id" });
  const changeModel = button("Change model\u2026", () => {
    void options.pickModel("Choose the model for this chat", model, []).then((chosen) => {
      if (chosen !== null) setModel(chosen);
    });
  }, { className: "secondary", attrs: { "aria-haspopup": "dialog" } });
  const variants = el("div", { className: "variant-choices", attrs: { role: "radiogroup", "aria-label": "Version of the model" } });
  const variantHint = el("p", { className: "hint variant-hint" });
  const modelSection = el("section", { className: "routing-section" },
    el("h3", { text: "Model" }),
    el("div", { className: "routing-model" }, el("span", {}, modelName, el("br"), modelId), changeModel),
    variants,
    variantHint,
  );

  function setModel(id: string): void {
    model = id;
    renderModel();
    renderEffort();
    renderWebSearch();
    renderFallbacks();
  }

  function renderModel(): void {
    const card = catalog.cardOf(model);
    modelName.textContent = card.name;
    modelId.textContent = model;
    // The versions of the base model: the standard one (when listed) and its variants.
    const base = baseIdOf(model);
    const baseCard = catalog.find(base) ?? { ...catalog.cardOf(model), id: base, base_id: base, variant: null };
    const choices: { id: string; label: string; explanation: string }[] = [];
    if (catalog.has(base) || variantOf(model) === null) {
      choices.push({ id: base, label: "Standard", explanation: "The model as its providers serve it." });
    }
    for (const option of variantOptions(baseCard, (id) => catalog.has(id))) {
      choices.push({ id: option.id, label: option.label, explanation: option.explanation });
    }
    if (!choices.some((choice) => choice.id === model)) {
      choices.push({ id: model, label: `:${variantOf(model) ?? ""}`, explanation: "The version chosen for this chat." });
    }
    const name = uniqueId("variant");
    variants.replaceChildren();
    for (const choice of choices) {
      const id = uniqueId("variant-choice");
      const radio = el("input", { attrs: { type: "radio", name, id, value: choice.id } });
      radio.checked = choice.id === model;
      radio.addEventListener("change", () => {
        if (radio.checked) setModel(choice.id);
      });
      variants.append(el("span", { className: "variant-choice" }, radio, el("label", { text: choice.label, attrs: { for: id, title: choice.explanation } })));
    }
    variantHint.textContent = choices.find((choice) => choice.id === model)?.explanation ?? "";
    variants.hidden = choices.length <= 1;
  }

  // ---------------------------------------------------------------- web search
  const webSearchId = uniqueId("web-search");
  const webSearch = el("input", { attrs: { type: "checkbox", id: webSearchId } });
  webSearch.checked = routing.web_search;
  webSearch.addEventListener("change", () => {
    routing.web_search = webSearch.checked;
  });
  const webSearchHint = el("span", { className: "hint" });
  const webSection = el("section", { className: "routing-section" },
    el("h3", { text: "Web search" }),
    el("div", { className: "filter-check" }, webSearch, el("label", { text: "Search the web before answering", attrs: { for: webSearchId } })),
    webSearchHint,
  );
  function renderWebSearch(): void {
    const price = catalog.cardOf(model).prices.web_search;
    const usd = price === null ? null : usdText(price);
    webSearchHint.textContent = usd === null
      ? "The reply cites the pages it used. Each search costs extra."
      : `The reply cites the pages it used. Each search costs ${usd}.`;
  }

  // ---------------------------------------------------------------- thinking effort
  const effortId = uniqueId("effort");
  const effort = el("select", { attrs: { id: effortId } });
  const effortNote = el("p", { className: "hint" });
  const effortField = el("div", { className: "filter-field" }, el("label", { text: "Thinking effort", attrs: { for: effortId } }), effort);
  const effortSection = el("section", { className: "routing-section" }, el("h3", { text: "Thinking" }), effortField, effortNote);
  effort.addEventListener("change", () => {
    routing.reasoning_effort = effort.value === "" ? null : effort.value;
  });
  function renderEffort(): void {
    const card = catalog.cardOf(model);
    const choices = effortChoices(card);
    effortField.hidden = choices.length === 0;
    effort.replaceChildren(...choices.map((choice) => el("option", { text: choice.label, attrs: { value: choice.value ?? "" } })));
    if (!choices.some((choice) => choice.value === routing.reasoning_effort)) routing.reasoning_effort = null;
    effort.value = routing.reasoning_effort ?? "";
    if (choices.length === 0) {
      effortNote.textContent = catalog.has(model) ? "This model does not think before answering." : "The model list does not say whether this model thinks before answering.";
    } else {
      effortNote.textContent = card.reasoning?.mandatory
        ? "More effort gives better answers to hard questions, but is slower and costs more. This model always thinks: it cannot be turned off."
        : "More effort gives better answers to hard questions, but is slower and costs more.";
    }
  }

  // ---------------------------------------------------------------- fallback models
  const fallbackList = el("ol", { className: "routing-list", attrs: { "aria-label": "Fallback models" } });
  const addFallback = button("Add a fallback model\u2026", () => {
    const exclude = [model, ...routing.fallback_models];
    void options.pickModel("Add a fallback model", "", exclude).then((chosen) => {
      if (chosen === null || exclude.includes(chosen) || routing.fallback_models.length >= MAX_FALLBACKS) return;
      routing.fallback_models.push(chosen);
      renderFallbacks();
      fallbackList.querySelector<HTMLButtonElement>("li:last-child button")?.focus();
    });
  }, { className: "secondary", attrs: { "aria-haspopup": "dialog" } });
  const fallbackSection = el("section", { className: "routing-section" },
    el("h3", { text: "Fallback models" }),
    el("p", { className: "hint", text: "If the model fails, is busy or refuses, OpenRouter tries these in order. You pay for the model that answers." }),
    fallbackList,
    addFallback,
  );
  function renderFallbacks(): void {
    routing.fallback_models = routing.fallback_models.filter((id) => id !== model);
    renderOrderedList(fallbackList, routing.fallback_models, (id) => catalog.nameOf(id), (id) => id, renderFallbacks, "fallback");
    addFallback.disabled = routing.fallback_models.length >= MAX_FALLBACKS;
    addFallback.textContent = addFallback.disabled ? `Up to ${MAX_FALLBACKS} fallback models` : "Add a fallback model\u2026";
  }

  // ---------------------------------------------------------------- providers
  let providerNames = new Map<string, string>();
  const sortId = uniqueId("provider-sort");
  const sort = el("select", { attrs: { id: sortId } }, ...SORTS.map((s) => el("option", { text: s.label, attrs: { value: s.value } })));
  sort.value = prefs.sort ?? "";
  sort.addEventListener("change", () => {
    prefs.sort = sort.value === "" ? null : (sort.value as ProviderSort);
  });

  const providerName = (slug: string): string => providerNames.get(slug) ?? slug;
  const slugEditors: (() => void)[] = [];
  function slugEditor(label: string, hint: string, list: string[], ordered: boolean): HTMLElement {
    const heading = uniqueId("slug-heading");
    const items = el(ordered ? "ol" : "ul", { className: "routing-list", attrs: { "aria-labelledby": heading } });
    const addId = uniqueId("slug-add");
    const add = el("select", { attrs: { id: addId } });
    const typed = el("input", { attrs: { type: "text", "aria-label": `${label}: provider id`, placeholder: "provider id, like deepinfra", autocomplete: "off", spellcheck: "false" } });
    const addTyped = button("Add", () => {
      const slug = typed.value.trim().toLowerCase();
      if (slug !== "" && !list.includes(slug)) list.push(slug);
      typed.value = "";
      render();
    }, { className: "secondary", attrs: { "aria-label": `Add to ${label.toLowerCase()}` } });
    const manual = el("span", { className: "slug-manual" }, typed, addTyped);
    manual.hidden = true;
    add.addEventListener("change", () => {
      if (add.value !== "" && !list.includes(add.value)) list.push(add.value);
      render();
      add.focus();
    });
    function render(): void {
      renderOrderedList(items, list, providerName, (slug) => slug, render, ordered ? "provider" : null);
      add.replaceChildren(el("option", { text: "Add a provider\u2026", attrs: { value: "" } }));
      const names = Array.from(providerNames).filter(([slug]) => !list.includes(slug)).sort((a, b) => a[1].localeCompare(b[1]));
      for (const [slug, name] of names) add.append(el("option", { text: name, attrs: { value: slug } }));
      add.value = "";
      add.hidden = providerNames.size === 0;
      manual.hidden = providerNames.size > 0;
    }
    slugEditors.push(render);
    render();
    return el("div", { className: "slug-editor" },
      el("h4", { text: label, attrs: { id: heading } }),
      el("p", { className: "hint", text: hint }),
      items,
      el("label", { className: "offscreen", text: `Add to ${label.toLowerCase()}`, attrs: { for: addId } }),
      add,
      manual,
    );
  }

  const checkbox = (label: string, checked: boolean, onChange: (checked: boolean) => void, hint?: string): HTMLElement => {
    const id = uniqueId("pref");
    const input = el("input", { attrs: { type: "checkbox", id } });
    input.checked = checked;
    input.addEventListener("change", () => onChange(input.checked));
    const row = el("div", { className: "filter-check" }, input, el("label", { text: label, attrs: { for: id } }));
    if (hint) row.append(el("span", { className: "hint", text: hint }));
    return row;
  };

  const quantizations = el("fieldset", { className: "quantizations" }, el("legend", { text: "Precision (quantization)" }),
    el("p", { className: "hint", text: "Lower precision can be cheaper and faster but may answer worse. Leave all unticked to allow any." }));
  for (const q of QUANTIZATIONS) {
    quantizations.append(checkbox(quantizationWord(q), prefs.quantizations.includes(q), (on) => {
      prefs.quantizations = on ? [...prefs.quantizations, q] : prefs.quantizations.filter((x) => x !== q);
    }));
  }

  const priceProblem = el("p", { className: "filter-problem", attrs: { role: "alert" } });
  priceProblem.hidden = true;
  const maxPrice = (label: string, value: string | null, set: (value: string | null) => void): HTMLElement => {
    const id = uniqueId("max-price");
    const input = el("input", { className: "price-input", attrs: { type: "text", id, inputmode: "decimal", placeholder: "any", autocomplete: "off" } });
    input.value = value ?? "";
    input.addEventListener("input", () => {
      const parsed = parsePriceInput(input.value);
      input.setAttribute("aria-invalid", String(parsed === undefined));
      set(parsed === undefined ? input.value : parsed === null ? null : String(parsed));
    });
    return el("div", { className: "filter-field" }, el("label", { text: label, attrs: { for: id } }),
      el("span", { className: "price-field" }, el("span", { text: "$", attrs: { "aria-hidden": "true" } }), input,
        el("span", { className: "hint", text: "per million tokens", attrs: { "aria-hidden": "true" } })));
  };

  const providerBody = el("div", { className: "provider-prefs" },
    el("div", { className: "filter-field" }, el("label", { text: "Choose providers by", attrs: { for: sortId } }), sort),
    slugEditor("Try these providers first", "In this order; others may answer if they fail.", prefs.order, true),
    slugEditor("Only use these providers", "No other provider will answer.", prefs.only, false),
    slugEditor("Never use these providers", "These providers will not answer.", prefs.ignore, false),
    checkbox("Let other providers answer when these fail", prefs.allow_fallbacks, (on) => {
      prefs.allow_fallbacks = on;
    }, "Untick to use only the providers listed above."),
    checkbox("Skip providers that may keep or train on my messages", prefs.data_collection_deny, (on) => {
      prefs.data_collection_deny = on;
    }),
    checkbox("Only providers that keep nothing (zero data retention)", prefs.zdr, (on) => {
      prefs.zdr = on;
    }),
    quantizations,
    el("fieldset", { className: "max-prices" }, el("legend", { text: "Highest price to pay" }),
      maxPrice("Input", prefs.max_price_prompt, (v) => {
        prefs.max_price_prompt = v;
      }),
      maxPrice("Output", prefs.max_price_completion, (v) => {
        prefs.max_price_completion = v;
      }),
      priceProblem),
  );
  const providerSection = el("details", { className: "routing-section provider-section" },
    el("summary", { text: "Provider preferences" }),
    el("p", { className: "hint", text: "Several providers serve most models. These choices decide which ones answer this chat." }),
    providerBody,
  );
  providerSection.open = cleanPrefs(prefs) !== null;
  const providersNote = el("p", { className: "hint" });
  providerBody.prepend(providersNote);
  void catalog.providers().then(
    (list: ProviderInfo[]) => {
      providerNames = new Map(list.map((p) => [p.slug, p.name]));
      providersNote.textContent = "";
      for (const render of slugEditors) render();
    },
    (reason: unknown) => {
      providersNote.textContent = `Couldn't load the provider list (${toUserError(reason).message}). Type provider ids instead.`;
    },
  );

  // ---------------------------------------------------------------- actions
  const saveButton = button("Save", () => void save(), { className: "primary" });

  async function save(): Promise<void> {
    errorSlot.replaceChildren();
    for (const value of [prefs.max_price_prompt, prefs.max_price_completion]) {
      if (value !== null && parsePriceInput(value) === undefined) {
        priceProblem.hidden = false;
        priceProblem.textContent = "Type a price in dollars, like 0.5 or 3.";
        providerSection.open = true;
        return;
      }
    }
    priceProblem.hidden = true;
    const choice: RoutingChoice = { model, routing: cleanRouting({ ...routing, provider: prefs }) };
    saveButton.disabled = true;
    try {
      result = await options.save(choice);
      modal.close();
    } catch (reason) {
      showError(reason);
    } finally {
      saveButton.disabled = false;
    }
  }

  modal.dialog.append(
    el("div", { className: "dialog-header" },
      el("h2", { text: "Routing" }),
      button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close routing" } })),
    el("p", { className: "hint routing-intro", text: "How this chat's messages reach a model: which model, what to try if it fails, and which providers may answer." }),
    errorSlot,
    el("div", { className: "routing-body" }, modelSection, webSection, effortSection, fallbackSection, providerSection),
    el("div", { className: "dialog-actions" }, button("Cancel", () => modal.close(), { className: "secondary" }), saveButton),
  );

  // Slug editors were rendered when built (needs the lists above); the rest now.
  setModel(model);
  changeModel.focus();
  return modal.closed.then(() => result);
}

/**
 * An ordered list with Move up / Move down / Remove buttons per item (`moveNoun` null: no moving), rebuilt
 * by `rerender` after each change. Focus stays on the same kind of button of the moved item.
 */
function renderOrderedList(
  list: HTMLElement,
  items: string[],
  label: (item: string) => string,
  detail: (item: string) => string,
  rerender: () => void,
  moveNoun: string | null,
): void {
  list.replaceChildren();
  items.forEach((item, index) => {
    const name = label(item);
    const row = el("li", { className: "routing-item" }, el("span", { className: "routing-item-name" },
      el("span", { text: name }), name !== detail(item) ? el("code", { text: ` ${detail(item)}` }) : ""));
    const act = (text: string, aria: string, disabled: boolean, run: () => number): HTMLButtonElement => {
      const b = button(text, () => {
        const focusIndex = run();
        rerender();
        // The same button of the moved item (or of the item now in the removed one's place).
        const row = list.children[Math.min(focusIndex, list.children.length - 1)];
        const target = row?.querySelector<HTMLButtonElement>(`button[data-act="${text}"]:not(:disabled)`)
          ?? row?.querySelector<HTMLButtonElement>("button:not(:disabled)");
        target?.focus();
      }, { className: "icon-button", attrs: { "aria-label": aria, title: aria, "data-act": text } });
      b.disabled = disabled;
      return b;
    };
    const buttons = el("span", { className: "routing-item-actions" });
    if (moveNoun !== null) {
      buttons.append(
        act("\u2191", `Move ${name} up`, index === 0, () => {
          items.splice(index - 1, 0, ...items.splice(index, 1));
          return index - 1;
        }),
        act("\u2193", `Move ${name} down`, index === items.length - 1, () => {
          items.splice(index + 1, 0, ...items.splice(index, 1));
          return index + 1;
        }),
      );
    }
    buttons.append(act("\u00d7", `Remove ${name}`, false, () => {
      items.splice(index, 1);
      return index;
    }));
    row.append(buttons);
    list.append(row);
  });
}
