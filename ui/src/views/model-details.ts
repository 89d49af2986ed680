// One model explained in plain words: what it reads and writes, how much it holds, what it costs, what it
// knows, when it retires, what it can be asked to do, its variants and the providers that serve it
// (fetched when the panel has been showing the model for a moment).
import { toUserError } from "../api";
import { formatCount } from "../format";
import type { ModelCatalog } from "../model-catalog";
import {
  dayText,
  latencyText,
  modalitiesSentence,
  parameterSentences,
  priceLines,
  quantizationWord,
  reasoningSentence,
  retirementText,
  shortPrice,
  throughputText,
  tokensText,
  uptimeText,
  variantOptions,
} from "../model-text";
import type { ModelCard, ModelEndpoint } from "../model-types";
import { handleLinkClicks, renderMarkdownInto } from "../render/markdown";
import { button, el } from "./elements";

export interface ModelDetailsOptions {
  catalog: ModelCatalog;
  openLink: (url: string) => void;
  /** "YYYY-MM-DD", for retirement dates. */
  today: string;
  /** The model the open chat uses (its "Use" button reads "In use"). */
  currentModel?: string;
  /** "Use in this chat" (also for a variant); without it the buttons are left out. */
  onUse?: (id: string) => void;
  /** Wait before asking for the providers (the reader may only be passing by). */
  providersDelayMs?: number;
}

/** Time the panel shows a model before its providers are fetched. */
const PROVIDERS_DELAY_MS = 250;

function section(title: string, ...content: (Node | string)[]): HTMLElement {
  return el("section", { className: "details-section" }, el("h4", { text: title }), ...content);
}

function lines(items: readonly string[], className = "details-lines"): HTMLUListElement {
  return el("ul", { className }, ...items.map((item) => el("li", { text: item })));
}

/** The details of `model`, ready to put in a panel. */
export function modelDetails(model: ModelCard, options: ModelDetailsOptions): HTMLElement {
  const { catalog } = options;
  const root = el("article", { className: "model-details", attrs: { "aria-label": `About ${model.name}` } });

  // Heading, id, favourite and use.
  const star = button("", () => {
    const next = !catalog.isFavorite(model.id);
    void catalog.setFavorite(model.id, next).catch(() => undefined);
  }, { className: "secondary favorite-toggle" });
  const syncStar = (): void => {
    const on = catalog.isFavorite(model.id);
    star.textContent = on ? "\u2605 Favourite" : "\u2606 Add to favourites";
    star.setAttribute("aria-pressed", String(on));
  };
  syncStar();
  const stop = catalog.onChange(() => {
    if (!root.isConnected) {
      stop();
      return;
    }
    syncStar();
  });
  const actions = el("div", { className: "details-actions" }, star);
  if (options.onUse) {
    const onUse = options.onUse;
    const inUse = options.currentModel === model.id;
    const use = button(inUse ? "In use in this chat" : "Use in this chat", () => onUse(model.id), { className: "primary" });
    use.disabled = inUse;
    actions.prepend(use);
  }
  root.append(
    el("h3", { className: "details-name", text: model.name }),
    el("p", { className: "details-id" }, el("code", { text: model.id }), ` · made by ${model.author}`),
    actions,
  );

  // Warnings first: retirement.
  if (model.expiration_date !== null) {
    root.append(el("p", { className: "note details-retirement", attrs: { role: "note" }, text: retirementText(model.expiration_date, options.today) }));
  }

  // Description: markdown from the API, sanitized by the app's renderer.
  if (model.description.trim() !== "") {
    const description = el("div", { className: "details-description markdown" });
    renderMarkdownInto(description, model.description);
    handleLinkClicks(description, options.openLink);
    root.append(description);
  }

  // What it works with, and how much.
  const abilities: string[] = [];
  const modalities = modalitiesSentence(model);
  if (modalities !== "") abilities.push(modalities);
  if (model.context_length !== null) abilities.push(`Reads up to ${tokensText(model.context_length)} at once (context).`);
  if (model.max_output_tokens !== null) abilities.push(`Writes up to ${formatCount(model.max_output_tokens)} tokens in one reply.`);
  if (model.knowledge_cutoff !== null) abilities.push(`Knows about the world up to ${dayText(model.knowledge_cutoff)}.`);
  const reasoning = reasoningSentence(model);
  if (reasoning !== "") abilities.push(reasoning);
  if (abilities.length > 0) root.append(section("What it works with", lines(abilities)));

  // Prices.
  const prices = priceLines(model.prices, { isFree: model.is_free, isRouter: model.is_router });
  const priceSection = section("Price", lines(prices.length > 0 ? prices : ["No price is listed."]));
  if (model.is_free) {
    priceSection.append(el("p", { className: "hint", text: "Free models have daily and per-minute request limits." }));
  }
  for (const tier of model.price_tiers) {
    priceSection.append(el("p", { className: "details-tier", text: `${tier.condition}:` }), lines(priceLines(tier.prices)));
  }
  root.append(priceSection);

  // Settings it accepts.
  const parameters = parameterSentences(model.supported_parameters);
  if (parameters.length > 0) root.append(section("What you can adjust", lines(parameters)));

  // Variants.
  const variants = variantOptions(model, (id) => catalog.has(id));
  if (variants.length > 0) {
    const list = el("ul", { className: "variant-list" });
    for (const variant of variants) {
      const item = el("li", { className: "variant" },
        el("span", { className: "variant-text" },
          el("strong", { text: variant.label }), " ", el("code", { text: `:${variant.variant}` }),
          el("span", { className: "hint", text: ` \u2014 ${variant.explanation}` }),
        ),
      );
      if (options.onUse) {
        const onUse = options.onUse;
        item.append(button(`Use ${variant.label.toLowerCase()}`, () => onUse(variant.id), {
          className: "secondary",
          attrs: { "aria-label": `Use ${model.name}, ${variant.label.toLowerCase()} (${variant.id})` },
        }));
      }
      list.append(item);
    }
    root.append(section("Ways to run it", list,
      el("p", { className: "hint", text: "Web search can be turned on for any model in a chat's Routing settings." })));
  }

  // Providers, fetched lazily.
  const providers = el("div", { className: "details-providers", attrs: { "aria-live": "polite" } },
    el("p", { className: "hint", text: "Looking up the providers\u2026" }));
  root.append(section("Providers", providers));
  const load = (): void => {
    if (!root.isConnected && options.providersDelayMs !== 0) return;
    void catalog.endpoints(model.id).then(
      (endpoints) => providers.replaceChildren(endpointTable(endpoints, model.is_free)),
      (reason: unknown) => {
        const retry = button("Try again", () => {
          providers.replaceChildren(el("p", { className: "hint", text: "Looking up the providers\u2026" }));
          load();
        }, { className: "secondary" });
        providers.replaceChildren(el("p", { className: "hint", text: `Couldn't look up the providers. ${toUserError(reason).message}` }), retry);
      },
    );
  };
  const delay = options.providersDelayMs ?? PROVIDERS_DELAY_MS;
  if (delay <= 0) load();
  else setTimeout(load, delay);

  return root;
}

/** The providers of a model as a table: who, precision, context, prices, uptime and speed. */
export function endpointTable(endpoints: readonly ModelEndpoint[], isFree: boolean): HTMLElement {
  if (endpoints.length === 0) return el("p", { className: "hint", text: "No provider serves this model right now." });
  const head = el("tr", {}, ...["Provider", "Precision", "Context", "Input", "Output", "Uptime (1 day)", "First word", "Speed"].map((h) =>
    el("th", { text: h, attrs: { scope: "col" } })));
  const body = el("tbody");
  for (const endpoint of endpoints) {
    const name = el("th", { attrs: { scope: "row" } }, endpoint.provider_name);
    if (endpoint.status !== null && endpoint.status < 0) name.append(el("span", { className: "endpoint-degraded", text: " (having problems)" }));
    body.append(el("tr", {},
      name,
      el("td", { text: quantizationWord(endpoint.quantization) }),
      el("td", { text: endpoint.context_length === null ? "–" : formatCount(endpoint.context_length) }),
      el("td", { text: shortPrice(endpoint.prices.prompt, isFree) }),
      el("td", { text: shortPrice(endpoint.prices.completion, isFree) }),
      el("td", { text: uptimeText(endpoint.uptime_last_1d ?? endpoint.uptime_last_30m) }),
      el("td", { text: latencyText(endpoint.latency_p50_ms) }),
      el("td", { text: throughputText(endpoint.throughput_p50) }),
    ));
  }
  return el("div", { className: "table-scroll" },
    el("table", { className: "endpoint-table" }, el("caption", { className: "offscreen", text: "Providers serving this model" }), el("thead", {}, head), body),
    el("p", { className: "hint", text: "Prices per million tokens. First word: typical wait before the reply starts. Speed: typical tokens per second." }),
  );
}
