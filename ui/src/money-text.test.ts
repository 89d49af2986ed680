import { describe, expect, it } from "vitest";
import type { BudgetStatus, SpendTotals, Usage } from "./api";
import {
  budgetQuestion,
  budgetSentence,
  estimateLine,
  formatSeconds,
  lowBalanceNotice,
  replyMetaParts,
  replyMetaSpoken,
  spendLine,
  tokensPerSecond,
  type ReplyFacts,
} from "./money-text";

function usage(partial: Partial<Usage> = {}): Usage {
  return { prompt_tokens: 12, completion_tokens: 9, reasoning_tokens: null, cached_tokens: null, cost_usd: null, cost_nanos: null, cost_source: "stream", ...partial };
}

function facts(partial: Partial<ReplyFacts> = {}): ReplyFacts {
  return { model: "openai/gpt-4o-mini", provider: "OpenAI", usage: usage(), timing: null, status: "complete", ...partial };
}

function line(partial: Partial<ReplyFacts> = {}): string {
  return replyMetaParts(facts(partial)).map((part) => part.text).join(" · ");
}

function totals(partial: Partial<SpendTotals> = {}): SpendTotals {
  return {
    cost_nanos: 0, replies: 0, free_replies: 0, unpriced_replies: 0,
    prompt_tokens: 100, completion_tokens: 50, reasoning_tokens: 0, cached_tokens: 0, ...partial,
  };
}

function budget(partial: Partial<BudgetStatus> = {}): BudgetStatus {
  return { budget_nanos: 20_000_000_000, month_spent_nanos: 16_200_000_000, level: "warning", low_balance: null, ...partial };
}

describe("the line under a reply", () => {
  it("shows a paid reply's exact cost from cost_nanos", () => {
    expect(line({ usage: usage({ cost_nanos: 36_800, cost_usd: 0.0000368 }) }))
      .toBe("openai/gpt-4o-mini · OpenAI · 12 in / 9 out tokens · $0.0000368");
  });

  it("prefers cost_nanos over the float, and falls back to cost_usd for old replies", () => {
    expect(line({ usage: usage({ cost_nanos: 1_500_000_000, cost_usd: 1.4999999 }) })).toContain("· $1.50");
    const old: Usage = { prompt_tokens: 5, completion_tokens: 6, reasoning_tokens: null, cached_tokens: null, cost_usd: 0.0123 };
    expect(line({ usage: old })).toBe("openai/gpt-4o-mini · OpenAI · 5 in / 6 out tokens · $0.0123");
  });

  it("says free for a zero cost", () => {
    expect(line({ usage: usage({ cost_nanos: 0, cost_usd: 0 }) })).toBe("openai/gpt-4o-mini · OpenAI · 12 in / 9 out tokens · free");
  });

  it("shows cached and reasoning tokens when present", () => {
    const text = line({ usage: usage({ prompt_tokens: 1234, cached_tokens: 1000, completion_tokens: 567, reasoning_tokens: 120, cost_nanos: 2_000_000 }) });
    expect(text).toBe("openai/gpt-4o-mini · OpenAI · 1,234 in (1,000 cached) / 567 out (120 reasoning) tokens · $0.002");
  });

  it("says a looked-up cost is the billed one, with a tooltip", () => {
    const parts = replyMetaParts(facts({ status: "stopped", usage: usage({ cost_nanos: 420_000, cost_source: "generation" }) }));
    const cost = parts.find((part) => part.kind === "cost");
    expect(cost?.text).toBe("$0.00042 (billed cost)");
    expect(cost?.title).toContain("looked up");
  });

  it("says cost pending for a stopped or cut-off reply whose cost is not known yet", () => {
    const timing = { first_token_ms: 500, duration_ms: 900 };
    expect(line({ status: "stopped", usage: null, timing })).toBe("openai/gpt-4o-mini · OpenAI · cost pending · 0.5 s to first token");
    expect(line({ status: "interrupted", usage: usage(), timing })).toContain("· cost pending ·");
    // A complete reply without a cost, or a stopped one saved by an older version, says nothing.
    expect(line({ status: "complete", usage: null, timing })).not.toContain("pending");
    expect(line({ status: "stopped", usage: null, timing: null })).toBe("openai/gpt-4o-mini · OpenAI");
  });

  it("follows the core's word on a pending cost when it gives one", () => {
    const timing = { first_token_ms: 500, duration_ms: 900 };
    // Stopped before anything was billed (no generation id): nothing will come, so nothing is pending.
    expect(line({ status: "stopped", usage: null, timing, costPending: false })).toBe("openai/gpt-4o-mini · OpenAI · 0.5 s to first token");
    expect(line({ status: "stopped", usage: null, timing: null, costPending: true })).toContain("cost pending");
  });

  it("shows time to first token and tokens per second", () => {
    const text = line({ usage: usage({ completion_tokens: 520, cost_nanos: 0 }), timing: { first_token_ms: 400, duration_ms: 10_400 } });
    expect(text).toBe("openai/gpt-4o-mini · OpenAI · 12 in / 520 out tokens · free · 0.4 s to first token · 52 tok/s");
  });

  it("leaves out a speed it cannot work out", () => {
    expect(tokensPerSecond({ first_token_ms: 400, duration_ms: 400 }, usage())).toBeNull();
    expect(tokensPerSecond({ first_token_ms: null, duration_ms: 900 }, usage())).toBeNull();
    expect(tokensPerSecond({ first_token_ms: 100, duration_ms: 1100 }, null)).toBeNull();
    expect(tokensPerSecond({ first_token_ms: 100, duration_ms: 1100 }, usage({ completion_tokens: 0 }))).toBeNull();
    expect(tokensPerSecond({ first_token_ms: 100, duration_ms: 2100 }, usage({ completion_tokens: 15 }))).toBe(7.5);
    expect(line({ timing: { first_token_ms: 100, duration_ms: 2100 }, usage: usage({ completion_tokens: 15 }) })).toContain("7.5 tok/s");
  });

  it("rounds seconds sensibly", () => {
    expect(formatSeconds(400)).toBe("0.4");
    expect(formatSeconds(1250)).toBe("1.3");
    expect(formatSeconds(12_345)).toBe("12");
  });

  it("has a sentence for screen readers", () => {
    const parts = replyMetaParts(facts({
      usage: usage({ cached_tokens: 4, reasoning_tokens: 3, cost_nanos: 36_800 }),
      timing: { first_token_ms: 400, duration_ms: 1400 },
    }));
    expect(replyMetaSpoken(parts)).toBe(
      "Reply details: model openai/gpt-4o-mini, provider OpenAI, 12 tokens in (4 of them cached), 9 out (3 of them reasoning), " +
        "cost $0.0000368, first token after 0.4 seconds, 9 tokens per second.",
    );
    expect(replyMetaSpoken([])).toBe("");
  });

  it("is empty while nothing is known", () => {
    expect(replyMetaParts({ model: null, provider: null, usage: null, timing: null, status: "streaming" })).toEqual([]);
  });
});

describe("a conversation's running total", () => {
  it("shows nothing for a chat without replies", () => {
    expect(spendLine(totals())).toBeNull();
  });

  it("sums the cost and counts the replies", () => {
    const spend = spendLine(totals({ cost_nanos: 12_300_000, replies: 12 }));
    expect(spend?.text).toBe("$0.0123 · 12 replies");
    expect(spend?.spoken).toBe("Spent in this chat: $0.0123, 12 replies");
    expect(spend?.title).toContain("100 prompt and 50 completion tokens");
    expect(spendLine(totals({ cost_nanos: 1_000_000, replies: 1 }))?.text).toBe("$0.001 · 1 reply");
  });

  it("says free so far when every reply was free", () => {
    expect(spendLine(totals({ replies: 3, free_replies: 3 }))?.text).toBe("Free so far");
  });

  it("mentions replies not priced yet", () => {
    expect(spendLine(totals({ cost_nanos: 12_300_000, replies: 12, unpriced_replies: 2 }))?.text).toBe("$0.0123 · 12 replies · 2 not priced yet");
    expect(spendLine(totals({ replies: 2, unpriced_replies: 2 }))?.text).toBe("2 replies not priced yet");
    expect(spendLine(totals({ replies: 3, free_replies: 2, unpriced_replies: 1 }))?.text).toBe("Free so far · 1 not priced yet");
  });
});

describe("the estimate before sending", () => {
  it("says the prompt tokens and their price, and that it is an estimate", () => {
    const estimate = estimateLine({ prompt_tokens: 1234, cost_nanos: 3_702_000, free: false, basis: "last_reply" });
    expect(estimate?.text).toBe("About 1,234 prompt tokens \u2248 $0.003702 (estimate)");
    expect(estimate?.title).toContain("last reply");
  });

  it("says free model for a free one, and nothing when the price is unknown", () => {
    expect(estimateLine({ prompt_tokens: 10, cost_nanos: 0, free: true, basis: "characters" })?.text).toBe("Free model");
    expect(estimateLine({ prompt_tokens: 10, cost_nanos: null, free: false, basis: "characters" })).toBeNull();
  });
});

describe("the budget", () => {
  it("warns with what was spent of the budget", () => {
    expect(budgetSentence(budget())).toBe("You have spent $16.20 of your $20.00 monthly budget (81%).");
  });

  it("says when the budget is reached, and asks before sending", () => {
    const reached = budget({ level: "reached", month_spent_nanos: 20_450_000_000 });
    expect(budgetSentence(reached)).toBe("You have reached your monthly budget of $20.00 ($20.45 spent this month).");
    expect(budgetQuestion(reached)).toBe("You have reached your monthly budget of $20.00 ($20.45 spent this month). Send anyway?");
  });

  it("says nothing under the warning level or without a budget", () => {
    expect(budgetSentence(budget({ level: "ok" }))).toBeNull();
    expect(budgetSentence(budget({ level: "none", budget_nanos: null }))).toBeNull();
  });

  it("words a low balance by where it comes from", () => {
    expect(lowBalanceNotice({ remaining_nanos: 800_000_000, threshold_nanos: 1_000_000_000, source: "key_limit" }))
      .toEqual({ text: "Your key has $0.80 left of its limit.", actionLabel: "Raise the key's limit", url: "https://openrouter.ai/settings/keys" });
    expect(lowBalanceNotice({ remaining_nanos: 800_000_000, threshold_nanos: 1_000_000_000, source: "credits" }))
      .toEqual({ text: "Your account balance is $0.80.", actionLabel: "Add credits", url: "https://openrouter.ai/settings/credits" });
  });
});
