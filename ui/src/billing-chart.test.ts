import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spendChart, tokenChart } from "./billing-data";
import { busyReport, cell, report } from "./test/billing-report";
import { installFakeCanvas, type FakeCanvas } from "./test/fake-canvas";
import { buildChart, canDrawCharts, chartOptions, readPalette, stackedData } from "./views/billing-chart";

describe("stacked bars", () => {
  it("draws running sums, the top of the stack first", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-02", [
      cell("2026-03-01", "a/x", 3_000_000_000), cell("2026-03-01", "b/y", 1_000_000_000), cell("2026-03-02", "b/y", 500_000_000),
    ]));
    const [x, top, bottom] = stackedData(chart);
    expect(x).toEqual(chart.x);
    expect(bottom).toEqual([3, null]);
    expect(top).toEqual([4, 0.5]);
  });

  it("falls back to the light palette without a stylesheet, and reads the theme's variables", () => {
    expect(readPalette().series[0]).toBe("#4a48d4");
    document.documentElement.style.setProperty("--chart-1", "#123456");
    expect(readPalette().series[0]).toBe("#123456");
    document.documentElement.style.removeProperty("--chart-1");
  });

  it("knows jsdom cannot draw", () => {
    expect(canDrawCharts()).toBe(false);
  });
});

describe("uPlot", () => {
  let canvas: FakeCanvas;
  beforeEach(() => {
    canvas = installFakeCanvas();
  });
  afterEach(() => {
    canvas.restore();
    document.body.replaceChildren();
  });

  it("builds a chart of a year of ten models with the theme's colours and labelled axes", async () => {
    const { default: UPlot } = await import("uplot");
    expect(canDrawCharts()).toBe(true);
    const host = document.createElement("div");
    document.body.append(host);
    const chart = spendChart(busyReport("2026-03-09", 365, 10));
    const palette = { series: ["#111111", "#222222", "#333333", "#444444", "#555555", "#666666"], other: "#999999", axis: "#aaaaaa", grid: "#bbbbbb" };
    const hovered: (number | null)[] = [];
    const plot = buildChart(UPlot, host, chart, palette, (index) => hovered.push(index));
    expect(host.querySelector("canvas")).not.toBeNull();
    expect(plot.series).toHaveLength(1 + chart.series.length);
    // Drawn top first: "Other" (the whole stack) is the first series, the most expensive model the last.
    expect(plot.series[1]?.label).toBe("Other");
    expect(plot.series[chart.series.length]?.label).toBe("maker0/model-0");
    // uPlot draws in a microtask after it is made.
    expect(canvas.calls.get("fill") ?? 0).toBe(0);
    await Promise.resolve();
    expect(canvas.calls.get("fill") ?? 0).toBeGreaterThanOrEqual(chart.series.length);
    const options = chartOptions(UPlot, chart, palette, 600, () => undefined);
    expect(options.series[1]?.fill).toBe("#999999");
    expect(options.axes?.[0]?.stroke).toBe("#aaaaaa");
    const values = options.axes?.[1]?.values as (u: unknown, splits: number[]) => string[];
    expect(values(null, [0, 0.5, 1.25])).toEqual(["$0.00", "$0.50", "$1.25"]);
    const tokens = chartOptions(UPlot, tokenChart(busyReport("2026-03-09", 7, 2)), palette, 600, () => undefined);
    expect((tokens.axes?.[1]?.values as (u: unknown, splits: number[]) => string[])(null, [0, 1500, 2_000_000])).toEqual(["0", "1.5K", "2M"]);
    plot.setCursor({ left: 300, top: 50 });
    expect(hovered.some((index) => index !== null)).toBe(true);
    plot.destroy();
  });
});
