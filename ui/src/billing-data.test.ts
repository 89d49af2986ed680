import { describe, expect, it } from "vitest";
import { chartSummary, compactCount, dayReadout, modelLabel, peakDay, spendChart, tokenChart } from "./billing-data";
import { busyReport, cell, report } from "./test/billing-report";

describe("spend chart data", () => {
  it("has one value per day of the range, empty days included", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-05", [cell("2026-03-02", "a/x", 1_500_000_000)]));
    expect(chart.days).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]);
    expect(chart.x).toHaveLength(5);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]?.exact).toEqual([0, 1_500_000_000, 0, 0, 0]);
    expect(chart.series[0]?.values).toEqual([0, 1.5, 0, 0, 0]);
    expect(chart.dayTotals).toEqual([0, 1_500_000_000, 0, 0, 0]);
  });

  it("stacks the most expensive models and sums the rest as Other", () => {
    const cells = Array.from({ length: 9 }, (_, i) => cell("2026-03-01", `m/${i}`, (10 - i) * 1_000_000));
    const chart = spendChart(report("2026-03-01", "2026-03-01", cells), 3);
    expect(chart.series.map((s) => s.label)).toEqual(["m/0", "m/1", "m/2", "Other"]);
    expect(chart.series.map((s) => s.color)).toEqual([0, 1, 2, -1]);
    expect(chart.series[3]?.total).toBe((7 + 6 + 5 + 4 + 3 + 2) * 1_000_000);
    expect(chart.dayTotals).toEqual([54 * 1_000_000]);
  });

  it("names a single leftover model rather than calling it Other", () => {
    const cells = Array.from({ length: 4 }, (_, i) => cell("2026-03-01", `m/${i}`, (10 - i) * 1_000_000));
    expect(spendChart(report("2026-03-01", "2026-03-01", cells), 3).series.map((s) => s.label)).toEqual(["m/0", "m/1", "m/2", "m/3"]);
  });

  it("gives a named leftover model Other's colour, never the first model's", () => {
    const cells = Array.from({ length: 7 }, (_, i) => cell("2026-03-01", `m/${i}`, (10 - i) * 1_000_000));
    const colors = spendChart(report("2026-03-01", "2026-03-01", cells)).series.map((s) => s.color);
    expect(colors).toEqual([0, 1, 2, 3, 4, 5, -1]);
  });

  it("leaves out free models and names the unknown one", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-01", [cell("2026-03-01", "free/model:free", 0), cell("2026-03-01", "", 5)]));
    expect(chart.series.map((s) => s.label)).toEqual(["Unknown model"]);
    expect(modelLabel("a/b")).toBe("a/b");
  });

  it("keeps amounts exact where the heights are not", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-01", [
      cell("2026-03-01", "a/x", 100_000_000), cell("2026-03-01", "a/x", 200_000_000, { prompt_tokens: 1 }),
    ]));
    expect(chart.series[0]?.exact).toEqual([300_000_000]);
    expect(dayReadout(chart, 0)).toBe("Mar 1, 2026: $0.30 \u2014 a/x $0.30");
  });
});

describe("token chart data", () => {
  it("stacks prompt and completion tokens per day", () => {
    const chart = tokenChart(report("2026-03-01", "2026-03-02", [
      cell("2026-03-01", "a/x", 1, { prompt_tokens: 1200, completion_tokens: 300 }),
      cell("2026-03-02", "b/y", 1, { prompt_tokens: 10, completion_tokens: 5 }),
    ]));
    expect(chart.series.map((s) => [s.label, s.exact])).toEqual([["Prompt tokens", [1200, 10]], ["Completion tokens", [300, 5]]]);
    expect(chart.dayTotals).toEqual([1500, 15]);
    expect(compactCount(1500)).toBe("1.5K");
    expect(compactCount(3_400_000)).toBe("3.4M");
    expect(compactCount(12)).toBe("12");
  });
});

describe("chart text", () => {
  it("sums a chart up for screen readers", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-03", [
      cell("2026-03-01", "a/x", 1_000_000_000), cell("2026-03-02", "a/x", 2_000_000_000), cell("2026-03-02", "b/y", 36_800),
    ]));
    expect(chartSummary("Spend by day", chart)).toBe(
      "Spend by day from Mar 1 \u2013 Mar 3, 2026: $3.0000368 in all. Highest day: Mar 2, 2026, $2.0000368. a/x $3.00; b/y $0.0000368.",
    );
    expect(peakDay(chart)).toEqual({ day: "2026-03-02", total: 2_000_036_800 });
    expect(dayReadout(chart, 1)).toBe("Mar 2, 2026: $2.0000368 \u2014 b/y $0.0000368, a/x $2.00");
    expect(dayReadout(chart, 2)).toBe("Mar 3, 2026: $0.00");
  });

  it("says so when nothing was spent", () => {
    const chart = spendChart(report("2026-03-01", "2026-03-02", []));
    expect(chart.series).toEqual([]);
    expect(chartSummary("Spend by day", chart)).toBe("Spend by day from Mar 1 \u2013 Mar 2, 2026: nothing.");
    expect(peakDay(chart)).toBeNull();
  });

  it("handles a year of ten models", () => {
    const busy = busyReport("2026-03-09", 365, 10);
    const chart = spendChart(busy);
    expect(chart.days).toHaveLength(365);
    expect(chart.series.map((s) => s.label).slice(-1)).toEqual(["Other"]);
    expect(chart.series).toHaveLength(7);
    const sum = chart.series.reduce((total, s) => total + s.total, 0);
    expect(sum).toBe(busy.totals.cost_nanos);
  });
});
