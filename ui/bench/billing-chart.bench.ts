// Billing chart benchmark in Node (`npm run bench:billing`, with vite-node): a year of spend (365 days ×
// 10 models, the Billing view's largest common case) turned into chart data by the page's own module
// (src/billing-data.ts), then drawn by uPlot in jsdom.
//
// jsdom has no canvas: uPlot runs against a context that counts calls and paints nothing
// (src/test/fake-canvas.ts). So "draw" below is uPlot's own work (scales, ticks, bar paths, DOM) without
// the pixels; the painting itself is measured in the real window (WebDriver), not here. The budget for the
// whole chart is 100 ms.
import { JSDOM } from "jsdom";
import { chartSummary, spendChart, tokenChart } from "../src/billing-data";
import { busyReport } from "../src/test/billing-report";

const DAYS = Number(process.env["DAYS"] ?? 365);
const MODELS = Number(process.env["MODELS"] ?? 10);
const ROUNDS = Number(process.env["ROUNDS"] ?? 50);
const BUDGET_MS = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function line(label: string, times: number[]): string {
  const sorted = times.slice().sort((a, b) => a - b);
  return `  ${label.padEnd(44)} p50 ${percentile(sorted, 50).toFixed(2)} ms  p95 ${percentile(sorted, 95).toFixed(2)} ms  max ${(sorted[sorted.length - 1] ?? NaN).toFixed(2)} ms  (first ${(times[0] ?? NaN).toFixed(2)} ms)`;
}

/** The globals uPlot and the page's modules read, from one jsdom window. */
function installDom(): void {
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  const win = dom.window as unknown as Record<string, unknown>;
  for (const name of ["window", "document", "navigator", "HTMLElement", "HTMLCanvasElement", "Element", "Node", "CustomEvent", "Event", "MutationObserver", "getComputedStyle", "devicePixelRatio"]) {
    Object.defineProperty(globalThis, name, { value: name === "window" ? dom.window : win[name], configurable: true, writable: true });
  }
}

async function main(): Promise<void> {
  const report = busyReport("2026-03-09", DAYS, MODELS);
  console.log(`billing chart, Node ${process.versions.node}: ${report.days.length} days × ${report.models.length} models (${report.day_models.length} day-model cells), ${ROUNDS} rounds`);

  const prepare: number[] = [];
  let series = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const spend = spendChart(report);
    const tokens = tokenChart(report);
    series += chartSummary("Spend by day", spend).length + chartSummary("Tokens by day", tokens).length + spend.series.length;
    prepare.push(performance.now() - start);
  }
  console.log(line("chart data (both charts + their summaries)", prepare));

  installDom();
  const { installFakeCanvas } = await import("../src/test/fake-canvas");
  const canvas = installFakeCanvas();
  const { default: UPlot } = await import("uplot");
  const { chartOptions, readPalette, stackedData } = await import("../src/views/billing-chart");
  // jsdom's first getComputedStyle builds its style machinery (about 100 ms a browser does not spend):
  // done once here so the rounds time uPlot, not jsdom. The first round is still uPlot's cold start.
  readPalette();
  const draw: number[] = [];
  const whole: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const host = document.createElement("div");
    document.body.append(host);
    const start = performance.now();
    const chart = spendChart(report);
    const prepared = performance.now();
    const options = chartOptions(UPlot, chart, readPalette(), 900, () => undefined);
    // uPlot draws in a microtask after it is made: the chart is done when its "ready" hook runs.
    const ready = new Promise<void>((resolve) => {
      options.hooks = { ...options.hooks, ready: [() => resolve()] };
    });
    const plot = new UPlot(options, stackedData(chart), host);
    await ready;
    const end = performance.now();
    draw.push(end - prepared);
    whole.push(end - start);
    plot.destroy();
    host.remove();
  }
  console.log(line("uPlot in jsdom, no painting (spend chart)", draw));
  console.log(line("data + uPlot (spend chart)", whole));
  console.log(`  (canvas calls over all rounds: ${canvas.calls.get("fill") ?? 0} fill, ${canvas.calls.get("fillText") ?? 0} fillText; check ${series})`);
  const p95 = percentile(whole.slice().sort((a, b) => a - b), 95);
  console.log(p95 <= BUDGET_MS ? `  within the ${BUDGET_MS} ms budget` : `  p95 ${p95.toFixed(1)} ms is over the ${BUDGET_MS} ms budget (is the machine busy?)`);
}

await main();
