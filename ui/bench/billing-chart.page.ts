// The billing chart benchmark in a real browser (`npx vite --open /bench/billing-chart.html`): a year of
// 10 models drawn with uPlot on a real canvas, painting included. Figures go into the page (#result).
import "../src/styles.css";
import UPlot from "uplot";
import { spendChart } from "../src/billing-data";
import { busyReport } from "../src/test/billing-report";
import { chartOptions, readPalette, stackedData } from "../src/views/billing-chart";

const ROUNDS = 30;
const report = busyReport("2026-03-09", 365, 10);
const host = document.getElementById("charts") as HTMLElement;
const out = document.getElementById("result") as HTMLElement;

async function round(): Promise<number> {
  const box = document.createElement("div");
  host.replaceChildren(box);
  const start = performance.now();
  const chart = spendChart(report);
  const options = chartOptions(UPlot, chart, readPalette(), 900, () => undefined);
  const ready = new Promise<void>((resolve) => {
    options.hooks = { ...options.hooks, ready: [() => resolve()] };
  });
  new UPlot(options, stackedData(chart), box);
  await ready;
  return performance.now() - start;
}

const times: number[] = [];
for (let i = 0; i < ROUNDS; i++) times.push(await round());
const sorted = times.slice().sort((a, b) => a - b);
const at = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(1);
out.textContent = `billing chart in ${navigator.userAgent.match(/(Chrome|Version)\/[\d.]+/)?.[0] ?? "this browser"}: 365 days × 10 models, data + uPlot drawn on canvas, ${ROUNDS} rounds: first ${times[0]?.toFixed(1)} ms, p50 ${at(50)} ms, p95 ${at(95)} ms, max ${at(100)} ms`;
document.title = "done";
