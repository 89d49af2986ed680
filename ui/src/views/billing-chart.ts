// The Billing view's bar charts, drawn with uPlot (small, fast canvas charts). Stacks are drawn as
// cumulative bars, the tallest first, so each model's part shows as the band above the one below it.
// Colours come from the theme's CSS variables and follow a theme change. uPlot is loaded only when a chart
// is drawn (it is not needed for the rest of the app), and not at all where canvas is missing: the text
// summary and table beside each chart carry the same figures.
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { compactCount, type StackedChart } from "../billing-data";
import { formatUsd } from "../format";

export const CHART_HEIGHT = 200;

export interface ChartPalette {
  series: string[];
  other: string;
  axis: string;
  grid: string;
}

export interface ChartHandle {
  destroy(): void;
  /** Settles once the chart is first drawn (true), or once it will not be (false: no canvas, destroyed first). */
  drawn?: Promise<boolean>;
}

/** Draws `chart` into `host`; `onHover` gets the day index under the pointer (null when it leaves). */
export type ChartDrawer = (host: HTMLElement, chart: StackedChart, onHover: (index: number | null) => void) => ChartHandle;

type UPlotClass = typeof uPlot;

// Used when the stylesheet is not there (tests): the light theme's palette.
const FALLBACK: ChartPalette = {
  series: ["#4a48d4", "#d9822b", "#2f9e6e", "#c2417a", "#2f8fd0", "#8a6d1f"],
  other: "#9aa2ad",
  axis: "#5c636e",
  grid: "#dfe2e7",
};

/** The chart colours of the theme in use (--chart-1 … --chart-6, --chart-other, --text-muted, --border). */
export function readPalette(root: Element = document.documentElement): ChartPalette {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    series: FALLBACK.series.map((colour, i) => read(`--chart-${i + 1}`, colour)),
    other: read("--chart-other", FALLBACK.other),
    axis: read("--text-muted", FALLBACK.axis),
    grid: read("--border", FALLBACK.grid),
  };
}

/** Canvas drawing is possible here (jsdom, for one, has no Path2D). */
export function canDrawCharts(): boolean {
  return typeof Path2D === "function" && typeof window.matchMedia === "function";
}

/**
 * x, then the running sums of the series from the top of the stack down (the order they are drawn in).
 * An empty day is null, not 0: uPlot would draw a hairline bar for 0.
 */
export function stackedData(chart: StackedChart): uPlot.AlignedData {
  const sums: (number | null)[][] = [];
  let below: number[] = chart.x.map(() => 0);
  for (const series of chart.series) {
    below = series.values.map((v, i) => v + (below[i] ?? 0));
    sums.push(below.map((sum) => (sum > 0 ? sum : null)));
  }
  return [chart.x, ...sums.reverse()];
}

function colourOf(palette: ChartPalette, index: number): string {
  return index < 0 ? palette.other : (palette.series[index % palette.series.length] ?? palette.other);
}

export function chartOptions(
  UPlot: UPlotClass,
  chart: StackedChart,
  palette: ChartPalette,
  width: number,
  onHover: (index: number | null) => void,
  onDrawn?: () => void,
): uPlot.Options {
  const bars = UPlot.paths.bars?.({ size: [0.8, 48], gap: chart.days.length > 120 ? 0 : 1 });
  const axis = { stroke: palette.axis, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid, width: 1 } };
  const label = chart.unit === "usd" ? (v: number): string => formatUsd(v) : compactCount;
  return {
    width,
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      // Half a day either side, so the first and last bars are whole.
      x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [{ ...axis, space: 60 }, { ...axis, size: 64, values: (_u, splits) => splits.map(label) }],
    series: [
      {},
      ...chart.series
        .slice()
        .reverse()
        .map((s) => {
          const colour = colourOf(palette, s.color);
          return { label: s.label, fill: colour, stroke: colour, width: 1, points: { show: false }, ...(bars ? { paths: bars } : {}) };
        }),
    ],
    // Each series holds the running total up to it, drawn from the top of the stack down: a band fills a
    // bar only down to the next series, instead of every bar from zero overlapping (87 ms → 6 ms for a
    // year of seven models in WebKit).
    bands: chart.series.slice(1).map((_, i): uPlot.Band => ({ series: [i + 1, i + 2] })),
    // uPlot draws in a microtask after it is made; "ready" follows the first draw.
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)], ...(onDrawn ? { ready: [() => onDrawn()] } : {}) },
  };
}

/** Builds the uPlot chart at once (the benchmark and tests call this with uPlot already loaded). */
export function buildChart(
  UPlot: UPlotClass,
  host: HTMLElement,
  chart: StackedChart,
  palette: ChartPalette,
  onHover: (index: number | null) => void,
  onDrawn?: () => void,
): uPlot {
  const width = Math.max(240, host.clientWidth || 640);
  return new UPlot(chartOptions(UPlot, chart, palette, width, onHover, onDrawn), stackedData(chart), host);
}

let loading: Promise<UPlotClass> | null = null;
function loadUPlot(): Promise<UPlotClass> {
  loading ??= withValidLanguage(() => import("uplot")).then((module) => module.default);
  return loading;
}

/**
 * uPlot's module makes `new Intl.NumberFormat(navigator.language)` as it loads, which throws where that is
 * not a language tag: WebKitGTK says "C" under the C/POSIX locale (LANG=C.UTF-8), and no chart was ever
 * drawn. There, the page's language reads "en-US" while the module loads (uPlot's own number format is not
 * shown: the axes use this app's labels).
 */
function withValidLanguage<T>(load: () => Promise<T>): Promise<T> {
  if (formatsNumbers(navigator.language)) return load();
  try {
    Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  } catch {
    return load();
  }
  return load().finally(() => Reflect.deleteProperty(navigator, "language"));
}

function formatsNumbers(language: string): boolean {
  try {
    return new Intl.NumberFormat(language).resolvedOptions().locale !== "";
  } catch {
    return false;
  }
}

/** The app's drawer: uPlot, loaded on first use; redrawn on a theme change, resized with its box. */
export const drawWithUPlot: ChartDrawer = (host, chart, onHover) => {
  let plot: uPlot | null = null;
  let gone = false;
  const observers: { disconnect(): void }[] = [];
  if (!canDrawCharts()) return { destroy: () => undefined, drawn: Promise.resolve(false) };
  let settle = (_drawn: boolean): void => undefined;
  const drawn = new Promise<boolean>((resolve) => (settle = resolve));
  void loadUPlot().then((UPlot) => {
    if (gone) return;
    const draw = (): void => {
      plot?.destroy();
      plot = buildChart(UPlot, host, chart, readPalette(), onHover, () => settle(true));
    };
    draw();
    const theme = new MutationObserver(draw);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    observers.push(theme);
    if (typeof ResizeObserver === "function") {
      const resize = new ResizeObserver(() => {
        const width = host.clientWidth;
        if (plot !== null && width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height: CHART_HEIGHT });
      });
      resize.observe(host);
      observers.push(resize);
    }
  }).catch(() => undefined).finally(() => {
    if (plot === null) settle(false);
  });
  return {
    drawn,
    destroy: () => {
      settle(false);
      gone = true;
      for (const observer of observers) observer.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
};
