import { describe, expect, it } from "vitest";
import { addDays, checkRange, dayStartSeconds, dayText, isDay, localDay, presetRange, rangeLength, rangeText } from "./billing-range";

describe("billing ranges", () => {
  it("gives the local calendar day", () => {
    expect(localDay(new Date(2026, 2, 9, 23, 59))).toBe("2026-03-09");
    expect(localDay(new Date(2026, 0, 1, 0, 0))).toBe("2026-01-01");
  });

  it("moves days across months, years and leap days", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30"); // a daylight-saving weekend in Europe
    expect(() => addDays("2026-02-30", 1)).toThrow();
  });

  it("makes the presets end today", () => {
    expect(presetRange("7", "2026-03-09")).toEqual({ from: "2026-03-03", to: "2026-03-09" });
    expect(presetRange("30", "2026-03-09")).toEqual({ from: "2026-02-08", to: "2026-03-09" });
    expect(presetRange("90", "2026-03-09")).toEqual({ from: "2025-12-10", to: "2026-03-09" });
    expect(presetRange("month", "2026-03-09")).toEqual({ from: "2026-03-01", to: "2026-03-09" });
    expect(rangeLength("2026-03-03", "2026-03-09")).toBe(7);
    expect(rangeLength("2025-12-10", "2026-03-09")).toBe(90);
  });

  it("checks a custom range and says what is wrong", () => {
    expect(checkRange("2026-01-01", "2026-01-31")).toEqual({ range: { from: "2026-01-01", to: "2026-01-31" } });
    expect(checkRange("2026-01-05", "2026-01-05")).toEqual({ range: { from: "2026-01-05", to: "2026-01-05" } });
    expect(checkRange("", "2026-01-31")).toEqual({ problem: "Choose both a first and a last day." });
    expect(checkRange("2026-02-30", "2026-03-01")).toEqual({ problem: "Type the days as year-month-day, like 2026-03-01." });
    expect(checkRange("2026-02-01", "2026-01-01")).toEqual({ problem: "The first day is after the last day." });
    expect(checkRange("2000-01-01", "2026-01-01")).toEqual({ problem: "Choose at most 3,700 days (about ten years)." });
    expect("range" in checkRange("2016-01-01", addDays("2016-01-01", 3699))).toBe(true);
  });

  it("knows a real day from a look-alike", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-2-28")).toBe(false);
  });

  it("puts each day at its local midnight on the chart", () => {
    const seconds = dayStartSeconds("2026-03-09");
    const date = new Date(seconds * 1000);
    expect([date.getFullYear(), date.getMonth(), date.getDate(), date.getHours()]).toEqual([2026, 2, 9, 0]);
  });

  it("writes days and ranges in words", () => {
    expect(dayText("2026-03-09")).toBe("Mar 9, 2026");
    expect(dayText("2026-03-09", true)).toBe("Mar 9");
    expect(rangeText({ from: "2026-03-01", to: "2026-03-30" })).toBe("Mar 1 \u2013 Mar 30, 2026");
    expect(rangeText({ from: "2025-12-20", to: "2026-01-05" })).toBe("Dec 20, 2025 \u2013 Jan 5, 2026");
    expect(rangeText({ from: "2026-03-09", to: "2026-03-09" })).toBe("Mar 9, 2026");
  });
});
