import { describe, expect, it } from "vitest";
import { buildSearchQuery, EMPTY_FILTERS, localDayStart } from "./search-query";

describe("localDayStart", () => {
  it("is local midnight of the day, or of a later day", () => {
    expect(localDayStart("2025-03-09")).toBe(new Date(2025, 2, 9).getTime());
    expect(localDayStart("2025-03-31", 1)).toBe(new Date(2025, 3, 1).getTime());
    expect(localDayStart("2024-12-31", 1)).toBe(new Date(2025, 0, 1).getTime());
  });

  it("refuses what is not a real date", () => {
    for (const bad of ["", "2025-3-9", "2025-02-30", "2025-13-01", "yesterday", "2025-03-09T10:00"]) {
      expect(localDayStart(bad)).toBeNull();
    }
  });
});

describe("buildSearchQuery", () => {
  it("is null without words to search for", () => {
    expect(buildSearchQuery({ ...EMPTY_FILTERS, text: "  \n " })).toBeNull();
  });

  it("trims the text, maps the filters and makes To inclusive", () => {
    expect(
      buildSearchQuery({ text: " tokio ", model: "x/y", from: "2025-01-02", to: "2025-01-02", starredOnly: true, order: "newest" }, 20),
    ).toEqual({
      text: "tokio",
      model: "x/y",
      from_ms: new Date(2025, 0, 2).getTime(),
      to_ms: new Date(2025, 0, 3).getTime(),
      starred_only: true,
      order: "newest",
      limit: 20,
    });
  });

  it("leaves out unset filters and keeps the limit within what the core accepts", () => {
    const query = buildSearchQuery({ ...EMPTY_FILTERS, text: "a", from: "not a date" }, 5000);
    expect(query).toMatchObject({ model: null, from_ms: null, to_ms: null, starred_only: false, order: "relevance", limit: 200 });
  });
});
