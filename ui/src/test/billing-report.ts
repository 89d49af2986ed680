// Test and benchmark helper: a SpendReport built from (day, model, cost) cells the way the core builds it
// (every day of the range, models most expensive first, non-empty cells only).
import { addDays, rangeLength } from "../billing-range";
import type { ConversationCost, SpendDayModel, SpendReport, SpendTotals } from "../money-types";

export function totals(overrides: Partial<SpendTotals> = {}): SpendTotals {
  return {
    cost_nanos: 0, replies: 0, free_replies: 0, unpriced_replies: 0,
    prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cached_tokens: 0, ...overrides,
  };
}

function add(into: SpendTotals, cell: SpendDayModel): void {
  into.cost_nanos += cell.cost_nanos;
  into.replies += cell.replies;
  if (cell.cost_nanos === 0) into.free_replies += cell.replies;
  into.prompt_tokens += cell.prompt_tokens;
  into.completion_tokens += cell.completion_tokens;
}

export function cell(day: string, model: string, cost_nanos: number, extra: Partial<SpendDayModel> = {}): SpendDayModel {
  return { day, model, cost_nanos, prompt_tokens: 1000, completion_tokens: 200, replies: 1, ...extra };
}

export function report(from: string, to: string, cells: SpendDayModel[], top: ConversationCost[] = []): SpendReport {
  const days = Array.from({ length: rangeLength(from, to) }, (_, i) => ({ day: addDays(from, i), totals: totals() }));
  const byDay = new Map(days.map((d) => [d.day, d.totals]));
  const byModel = new Map<string, SpendTotals>();
  const all = totals();
  const kept = cells.filter((c) => byDay.has(c.day));
  for (const c of kept) {
    add(byDay.get(c.day) as SpendTotals, c);
    if (!byModel.has(c.model)) byModel.set(c.model, totals());
    add(byModel.get(c.model) as SpendTotals, c);
    add(all, c);
  }
  const models = Array.from(byModel, ([model, t]) => ({ model, totals: t })).sort((a, b) => b.totals.cost_nanos - a.totals.cost_nanos);
  return { from_day: from, to_day: to, totals: all, days, models, day_models: kept, top_conversations: top };
}

/** `days` days ending `to`, with `models` models each spending something on most days (a year of use). */
export function busyReport(to: string, days: number, models: number): SpendReport {
  const from = addDays(to, 1 - days);
  const cells: SpendDayModel[] = [];
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let d = 0; d < days; d++) {
    const day = addDays(from, d);
    for (let m = 0; m < models; m++) {
      if (random() < 0.15) continue;
      const weight = (models - m) / models;
      cells.push(cell(day, `maker${m}/model-${m}`, Math.round(random() * weight * 2e9), {
        prompt_tokens: Math.round(random() * 200_000),
        completion_tokens: Math.round(random() * 40_000),
        replies: 1 + Math.round(random() * 30),
      }));
    }
  }
  return report(from, to, cells);
}
