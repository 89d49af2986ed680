import { describe, expect, it } from "vitest";
import type { ModelSummary } from "./api";
import {
  formatContextLength,
  formatCost,
  formatModelPrice,
  formatNanos,
  formatPricePerMillion,
  formatTokens,
  formatUsd,
} from "./format";

describe("formatCost", () => {
  it.each([
    [0.0000368, "$0.0000368"],
    [0.00003684, "$0.0000368"],
    [0.000001, "$0.000001"],
    [0.0123, "$0.0123"],
    [0.01, "$0.01"],
    [0.5, "$0.50"],
    [1, "$1.00"],
    [12.5, "$12.50"],
    [1234.567, "$1,234.57"],
  ])("%f → %s", (value, expected) => {
    expect(formatCost(value)).toBe(expected);
  });

  it("says free for zero and nothing when unknown", () => {
    expect(formatCost(0)).toBe("free");
    expect(formatCost(null)).toBe("");
    expect(formatCost(undefined)).toBe("");
    expect(formatCost(Number.NaN)).toBe("");
  });

  it("never uses exponent notation", () => {
    for (let exponent = -12; exponent <= 3; exponent++) {
      const text = formatCost(3.7 * 10 ** exponent);
      expect(text).not.toMatch(/e/i);
      expect(text).toMatch(/^<?\$[\d,]+(\.\d+)?$/);
    }
  });

  it("keeps three significant digits below a dollar", () => {
    expect(formatUsd(0.000123456)).toBe("$0.000123");
    expect(formatUsd(0.987654)).toBe("$0.988");
  });
});

describe("formatTokens", () => {
  it("shows input and output counts", () => {
    expect(
      formatTokens({ prompt_tokens: 1234, completion_tokens: 56, reasoning_tokens: null, cached_tokens: null, cost_usd: null }),
    ).toBe("1,234 in / 56 out tokens");
  });

  it("adds cached and reasoning tokens when present", () => {
    expect(
      formatTokens({ prompt_tokens: 2000, completion_tokens: 700, reasoning_tokens: 500, cached_tokens: 1024, cost_usd: 0.01 }),
    ).toBe("2,000 in (1,024 cached) / 700 out (500 reasoning) tokens");
  });

  it("leaves out zero cached/reasoning counts", () => {
    expect(
      formatTokens({ prompt_tokens: 1, completion_tokens: 2, reasoning_tokens: 0, cached_tokens: 0, cost_usd: 0 }),
    ).toBe("1 in / 2 out tokens");
  });
});

function model(overrides: Partial<ModelSummary>): ModelSummary {
  return {
    id: "a/b",
    name: "A: B",
    description: "",
    context_length: 8192,
    prompt_price_per_million: "1",
    completion_price_per_million: "2",
    is_free: false,
    supports_reasoning: false,
    ...overrides,
  };
}

describe("prices", () => {
  it("formats prices per million tokens as the API gives them", () => {
    expect(formatPricePerMillion("3")).toBe("$3");
    expect(formatPricePerMillion("15")).toBe("$15");
    expect(formatPricePerMillion("0.075")).toBe("$0.075");
    expect(formatPricePerMillion("0.15")).toBe("$0.15");
    expect(formatPricePerMillion("0")).toBe("free");
    expect(formatPricePerMillion("varies")).toBe("varies");
    expect(formatPricePerMillion(null)).toBe("?");
    expect(formatPricePerMillion("garbage")).toBe("?");
  });

  it("formats a model's price pair, free when free", () => {
    expect(formatModelPrice(model({ prompt_price_per_million: "3", completion_price_per_million: "15" }))).toBe(
      "$3/M in · $15/M out",
    );
    expect(formatModelPrice(model({ is_free: true, prompt_price_per_million: "0", completion_price_per_million: "0" }))).toBe(
      "free",
    );
    expect(formatModelPrice(model({ prompt_price_per_million: "0", completion_price_per_million: "0" }))).toBe("free");
    expect(formatModelPrice(model({ prompt_price_per_million: "varies", completion_price_per_million: null }))).toBe(
      "varies in · ? out",
    );
  });

  it("formats context lengths", () => {
    expect(formatContextLength(8192)).toBe("8K");
    expect(formatContextLength(128000)).toBe("128K");
    expect(formatContextLength(1048576)).toBe("1.05M");
    expect(formatContextLength(2000000)).toBe("2M");
    expect(formatContextLength(512)).toBe("512");
    expect(formatContextLength(null)).toBe("");
  });
});

describe("formatNanos", () => {
  it.each([
    [0, "$0.00"],
    [1, "$0.000000001"],
    [36_800, "$0.0000368"],
    [10_000_000, "$0.01"],
    [12_345_678, "$0.012345678"],
    [500_000_000, "$0.50"],
    [1_000_000_000, "$1.00"],
    [1_500_000_000, "$1.50"],
    [999_999_999_999, "$999.999999999"],
    [1_000_000_000_000, "$1,000.00"],
    [1_234_567_891_234, "$1,234.567891234"],
    [9_000_000_000_000_000, "$9,000,000.00"],
  ])("%d → %s", (nanos, expected) => {
    expect(formatNanos(nanos)).toBe(expected);
  });

  it("is exact where floating-point dollars are not", () => {
    // 0.1 + 0.2 dollars as nano-dollars: no 0.30000000000000004.
    expect(formatNanos(100_000_000 + 200_000_000)).toBe("$0.30");
    // Near the largest exact integer: every digit kept.
    expect(formatNanos(9_007_199_254_740_991)).toBe("$9,007,199.254740991");
  });

  it("shows a minus sign for negative amounts (a refund or a balance below zero)", () => {
    expect(formatNanos(-1_500_000_000)).toBe("-$1.50");
    expect(formatNanos(-36_800)).toBe("-$0.0000368");
  });

  it("rounds a stray fraction to the nearest nano-dollar and gives nothing for a non-number", () => {
    expect(formatNanos(36_800.4)).toBe("$0.0000368");
    expect(formatNanos(Number.NaN)).toBe("");
    expect(formatNanos(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("never uses exponent notation", () => {
    for (let exponent = 0; exponent <= 15; exponent++) {
      expect(formatNanos(37 * 10 ** exponent)).toMatch(/^\$[\d,]+\.\d{2,9}$/);
    }
  });
});
