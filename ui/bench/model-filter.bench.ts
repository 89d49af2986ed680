// Model-browser benchmark in Node (`make bench-models` runs it with vite-node): filtering + sorting 1,000
// models per keystroke with the page's own module (src/model-filter.ts), over the recorded /models list
// (tests/fixtures/models-data-array-2026-05-01.json) repeated with new ids. The same measurement in the
// real WebKit page is tests/tests/model_bench.rs; this one needs no window and runs in a second.
//
// Cards are made from the raw records here the way src-tauri/src/catalog/card.rs makes them (ids, names,
// descriptions, modalities, prices per million, capabilities); only what filtering and sorting read matters.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultBrowserSettings, filterAndSort, IncrementalFilter, todayIso, type ModelFilters, type SortKey } from "../src/model-filter";
import type { ModelCard } from "../src/model-types";

const TARGET = Number(process.env["MODELS"] ?? 1000);
const ROUNDS = Number(process.env["ROUNDS"] ?? 20);

type Raw = Record<string, unknown> & { id: string };

function perMillion(price: unknown): string | null {
  if (typeof price !== "string" || price.trim() === "") return null;
  const value = Number(price);
  if (!Number.isFinite(value)) return null;
  if (value < 0) return "varies";
  return String(Number((value * 1_000_000).toPrecision(12)));
}

function toCard(raw: Raw, id: string): ModelCard {
  const arch = (raw["architecture"] ?? {}) as { input_modalities?: string[]; output_modalities?: string[] };
  const pricing = (raw["pricing"] ?? {}) as Record<string, unknown>;
  const params = (raw["supported_parameters"] ?? []) as string[];
  const top = (raw["top_provider"] ?? {}) as { max_completion_tokens?: number | null };
  const prompt = perMillion(pricing["prompt"]);
  const completion = perMillion(pricing["completion"]);
  const colon = id.lastIndexOf(":");
  const variant = colon > id.indexOf("/") ? id.slice(colon + 1) : null;
  return {
    id,
    base_id: variant === null ? id : id.slice(0, colon),
    variant,
    name: String(raw["name"] ?? id),
    author: id.split("/")[0] ?? "",
    description: String(raw["description"] ?? ""),
    created: typeof raw["created"] === "number" ? raw["created"] : null,
    context_length: typeof raw["context_length"] === "number" ? raw["context_length"] : null,
    max_output_tokens: top.max_completion_tokens ?? null,
    input_modalities: arch.input_modalities ?? [],
    output_modalities: arch.output_modalities ?? [],
    prices: {
      prompt, completion, internal_reasoning: null, input_cache_read: null, input_cache_write: null,
      audio: null, request: null, image: null, web_search: null,
    },
    price_tiers: [],
    is_free: (prompt ?? "0") === "0" && (completion ?? "0") === "0",
    is_router: prompt === "varies",
    supports_tools: params.includes("tools"),
    supports_structured_outputs: params.includes("structured_outputs") || params.includes("response_format"),
    supports_reasoning: params.includes("reasoning") || params.includes("include_reasoning"),
    reasoning: null,
    supported_parameters: params,
    knowledge_cutoff: (raw["knowledge_cutoff"] as string | null) ?? null,
    expiration_date: (raw["expiration_date"] as string | null) ?? null,
    canonical_slug: (raw["canonical_slug"] as string | null) ?? null,
  };
}

/** The fixture repeated until `target` models, each copy with new ids ("author/slug-copy2"). */
export function thousandModels(target: number): ModelCard[] {
  const path = fileURLToPath(new URL("../../tests/fixtures/models-data-array-2026-05-01.json", import.meta.url));
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Raw[] | { data: Raw[] };
  const raw = Array.isArray(parsed) ? parsed : parsed.data;
  const cards: ModelCard[] = [];
  for (let copy = 0; cards.length < target; copy++) {
    for (const model of raw) {
      if (cards.length >= target) break;
      const id = copy === 0 ? model.id : model.id.replace(/(:[a-z]+)?$/, (suffix) => `-copy${copy}${suffix}`);
      cards.push(toCard(model, id));
    }
  }
  return cards.sort((a, b) => a.name.localeCompare(b.name));
}

/** What a person types, one keystroke at a time. */
export const TYPED = ["claude sonnet", "gemini flash", "free", "llama 70b instruct", "reasoning", "gpt-4o mini", "qwen coder", "vision"];

const COMBOS: { name: string; sort: SortKey; filters: Partial<ModelFilters> }[] = [
  { name: "no filter, by name", sort: "name", filters: {} },
  { name: "free only, by input price", sort: "prompt_price", filters: { freeOnly: true } },
  { name: "reads images + tools, by context", sort: "context", filters: { input: ["image"], tools: true } },
  { name: "≤ $1/M in and ≤ $5/M out, newest", sort: "newest", filters: { maxPromptPrice: 1, maxCompletionPrice: 5, minContext: 32_000 } },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

type Run = (list: readonly ModelCard[], query: string, filters: ModelFilters, sort: SortKey, today: string) => ModelCard[];

function measure(label: string, models: ModelCard[], makeRun: () => Run): number[] {
  const today = todayIso();
  const lines: string[] = [];
  let everything: number[] = [];
  for (const combo of COMBOS) {
    const filters = { ...defaultBrowserSettings().filters, ...combo.filters };
    // A fresh list per combination: the sort orders are computed once per list, on the first keystroke.
    const list = models.slice();
    const run = makeRun();
    const times: number[] = [];
    let shown = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const text of TYPED) {
        for (let i = 0; i <= text.length; i++) {
          const start = performance.now();
          shown += run(list, text.slice(0, i), filters, combo.sort, today).length;
          times.push(performance.now() - start);
        }
      }
    }
    const first = times[0] ?? NaN;
    const sorted = times.slice().sort((a, b) => a - b);
    everything = everything.concat(times);
    lines.push(`${combo.name.padEnd(36)} keystrokes ${String(times.length).padStart(5)}  p50 ${percentile(sorted, 50).toFixed(3)} ms  p95 ${percentile(sorted, 95).toFixed(3)} ms  max ${(sorted[sorted.length - 1] ?? NaN).toFixed(3)} ms  (first, with the sort: ${first.toFixed(3)} ms; ${shown} rows)`);
  }
  console.log(`  ${label}:`);
  for (const line of lines) console.log(`    ${line}`);
  const all = everything.sort((a, b) => a - b);
  console.log(`    all ${all.length} keystrokes: p50 ${percentile(all, 50).toFixed(3)} ms, p95 ${percentile(all, 95).toFixed(3)} ms, max ${(all[all.length - 1] ?? NaN).toFixed(3)} ms`);
  return all;
}

function main(): void {
  const models = thousandModels(TARGET);
  console.log(`model filter+sort per keystroke, Node ${process.versions.node}, ${models.length} models, ${ROUNDS} rounds of typing ${TYPED.length} texts:`);
  measure("every keystroke a full pass (filterAndSort)", models, () => filterAndSort);
  const typed = measure("as the Models view runs it (IncrementalFilter: typing on looks only at the last matches)", models, () => {
    const finder = new IncrementalFilter();
    return (list, query, filters, sort, today) => finder.run(list, query, filters, sort, today);
  });
  if (percentile(typed, 95) > 4) console.log("  p95 is over the 4 ms budget (is the machine busy?)");
}

main();
