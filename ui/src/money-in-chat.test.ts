// Money in the chat (issue 5) on the real screen against the fake core: the meta line under replies, the
// running total in the header, the estimate beside the composer, the budget notices and the confirmation
// before sending at a reached budget, corrected costs, and rate-limit and credit errors in a reply.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BudgetStatus, Message, PromptEstimate, SpendTotals, StreamEvent, Usage } from "./api";
import { startApp } from "./app";
import { captureEvents, listening, settle, settleFake, type FakeCore } from "./test/fake-core";
import { conversation, historyCore, message, MODELS } from "./test/history-core";
import { card, catalogue } from "./test/model-cards";
import { all, get, press, type } from "./test/queries";

let core: FakeCore;
let messages: Message[];
let spend: SpendTotals;
let budget: BudgetStatus;
let emitEvent: (name: string, payload: unknown) => void;

function usage(partial: Partial<Usage> = {}): Usage {
  return { prompt_tokens: 12, completion_tokens: 9, reasoning_tokens: null, cached_tokens: null, cost_usd: null, cost_nanos: null, cost_source: "stream", ...partial };
}

function totals(partial: Partial<SpendTotals> = {}): SpendTotals {
  return { cost_nanos: 0, replies: 0, free_replies: 0, unpriced_replies: 0, prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cached_tokens: 0, ...partial };
}

function okBudget(partial: Partial<BudgetStatus> = {}): BudgetStatus {
  return { budget_nanos: null, month_spent_nanos: 0, level: "none", low_balance: null, ...partial };
}


beforeEach(() => {
  document.body.replaceChildren();
  const history = historyCore([conversation(1, "Trip plan", 10), conversation(2, "Other", 5)]);
  core = history.core;
  messages = [
    message({ id: 11, role: "user", content: "Plan a trip" }),
    message({
      id: 12, role: "assistant", content: "Here is a plan.", model: "openai/gpt-4o-mini", provider: "OpenAI",
      usage: usage({ prompt_tokens: 1234, cached_tokens: 1000, completion_tokens: 520, reasoning_tokens: 120, cost_nanos: 36_800, cost_usd: 0.0000368 }),
      timing: { first_token_ms: 400, duration_ms: 10_400 },
    }),
    message({ id: 13, role: "user", content: "Shorter" }),
    message({
      id: 14, role: "assistant", content: "Sto", status: "stopped", model: "openai/gpt-4o-mini", provider: "OpenAI",
      usage: null, timing: { first_token_ms: 300, duration_ms: 800 },
    }),
  ];
  spend = totals({ cost_nanos: 12_300_000, replies: 12, prompt_tokens: 5000, completion_tokens: 900 });
  budget = okBudget();
  core
    .on("get_conversation", (args) => ({
      conversation: conversation(Number(args["id"]), args["id"] === 1 ? "Trip plan" : "Other", 10),
      messages: args["id"] === 1 ? messages : [],
      has_older: false,
      has_newer: false,
    }))
    .on("conversation_spend", () => spend)
    .on("budget_status", () => budget)
    .on("estimate_prompt", (): PromptEstimate => ({ prompt_tokens: 1234, cost_nanos: 3_702_000, free: false, basis: "last_reply" }));
  emitEvent = captureEvents(core);
});

afterEach(() => {
  vi.useRealTimers();
  for (const dialog of Array.from(document.querySelectorAll("dialog"))) dialog.remove();
});

async function start(): Promise<void> {
  const listens = core.callsOf("plugin:event|listen").length;
  await startApp();
  await settle();
  await listening(core, listens, "usage-corrected");
}

async function openTrip(): Promise<void> {
  get("button", "Trip plan").click();
  await settle();
}

function replies(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('article[data-role="assistant"]'));
}

function meta(article: HTMLElement | undefined): string {
  return article?.querySelector(".message-meta")?.textContent ?? "";
}

function spoken(article: HTMLElement | undefined): string {
  return article?.querySelector(".message-meta-spoken")?.textContent ?? "";
}

function headerTotal(): string | null {
  const element = document.querySelector<HTMLElement>(".chat-spend");
  return element === null || element.hidden ? null : element.querySelector("[aria-hidden]")?.textContent ?? "";
}

function hint(): string {
  return document.querySelector(".composer-hint")?.textContent ?? "";
}

/** Sends `text` from the composer and returns the reply's event sender once the turn has started. */
async function send(text: string): Promise<(event: StreamEvent) => void> {
  let emit: ((event: StreamEvent) => void) | undefined;
  core.on("send_message", (args) => {
    emit = core.channelOf(args);
    return { conversation_id: 1, user_message_id: 15, assistant_message_id: 16 };
  });
  const box = get("textbox", "Message");
  type(box, text);
  press(box, "Enter");
  await settle();
  return (event) => {
    if (!emit) throw new Error("send_message was not called");
    emit(event);
  };
}

describe("the line under each reply", () => {
  it("shows tokens, the exact cost, model, provider, time to first token and speed", async () => {
    await start();
    await openTrip();
    const [paid] = replies();
    expect(meta(paid)).toBe(
      "openai/gpt-4o-mini · OpenAI · 1,234 in (1,000 cached) / 520 out (120 reasoning) tokens · $0.0000368 · 0.4 s to first token · 52 tok/s",
    );
    expect(paid?.querySelector(".message-meta")?.getAttribute("aria-hidden")).toBe("true");
    expect(spoken(paid)).toBe(
      "Reply details: model openai/gpt-4o-mini, provider OpenAI, 1,234 tokens in (1,000 of them cached), 520 out (120 of them reasoning), " +
        "cost $0.0000368, first token after 0.4 seconds, 52 tokens per second.",
    );
  });

  it("says cost pending for a stopped reply, and billed cost once the real cost arrives", async () => {
    await start();
    await openTrip();
    const stopped = replies()[1];
    expect(meta(stopped)).toBe("openai/gpt-4o-mini · OpenAI · cost pending · 0.3 s to first token");
    expect(stopped?.querySelector(".meta-cost")?.getAttribute("title")).toContain("a little later");

    spend = totals({ cost_nanos: 12_720_000, replies: 12 });
    emitEvent("usage-corrected", { message_id: 14, conversation_id: 1, usage: usage({ prompt_tokens: 40, completion_tokens: 3, cost_nanos: 420_000, cost_source: "generation" }) });
    await settle();
    expect(meta(stopped)).toBe("openai/gpt-4o-mini · OpenAI · 40 in / 3 out tokens · $0.00042 (billed cost) · 0.3 s to first token · 6 tok/s");
    expect(stopped?.querySelector(".meta-cost")?.getAttribute("title")).toContain("looked up");
    expect(headerTotal()).toBe("$0.01272 · 12 replies");
  });

  it("ignores a corrected cost of another conversation", async () => {
    await start();
    await openTrip();
    const spendCalls = core.callsOf("conversation_spend").length;
    emitEvent("usage-corrected", { message_id: 14, conversation_id: 2, usage: usage({ cost_nanos: 1 }) });
    await settle();
    expect(meta(replies()[1])).toContain("cost pending");
    expect(core.callsOf("conversation_spend")).toHaveLength(spendCalls);
  });

  it("fills in a streamed reply: who served it, its cost, and its timing from done", async () => {
    await start();
    await openTrip();
    const emit = await send("And the hotel?");
    emit({ type: "meta", model: "openai/gpt-4o-mini", provider: "OpenAI" });
    emit({ type: "delta", content: "Book early.", reasoning: "" });
    emit({ type: "usage", usage: usage({ cost_nanos: 0, cost_usd: 0 }) });
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null, timing: { first_token_ms: 1250, duration_ms: 2250 } });
    await settle();
    expect(meta(replies().at(-1))).toBe("openai/gpt-4o-mini · OpenAI · 12 in / 9 out tokens · free · 1.3 s to first token · 9 tok/s");
  });
});

describe("the running total in the header", () => {
  it("shows the conversation's total when it opens and after each reply", async () => {
    await start();
    expect(headerTotal()).toBeNull();
    await openTrip();
    expect(core.callsOf("conversation_spend").at(-1)?.args).toEqual({ conversationId: 1 });
    expect(headerTotal()).toBe("$0.0123 · 12 replies");
    const header = document.querySelector<HTMLElement>(".chat-spend");
    expect(header?.querySelector(".visually-hidden")?.textContent).toBe("Spent in this chat: $0.0123, 12 replies");
    expect(header?.title).toContain("5,000 prompt and 900 completion tokens");

    const emit = await send("More");
    spend = totals({ cost_nanos: 12_400_000, replies: 13, unpriced_replies: 2 });
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null, timing: null });
    await settle();
    expect(headerTotal()).toBe("$0.0124 · 13 replies · 2 not priced yet");
  });

  it("says free so far, and nothing for a new chat", async () => {
    spend = totals({ replies: 3, free_replies: 3 });
    await start();
    await openTrip();
    expect(headerTotal()).toBe("Free so far");
    get("button", "New chat").click();
    await settle();
    expect(headerTotal()).toBeNull();
  });

  it("hides the total quietly when it cannot be read", async () => {
    core.on("conversation_spend", () => {
      throw { kind: "storage", message: "The history could not be read." };
    });
    await start();
    await openTrip();
    expect(headerTotal()).toBeNull();
    expect(all("alert")).toHaveLength(0);
  });
});

describe("the estimate before sending", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });

  async function startFake(): Promise<void> {
    await startApp();
    await settleFake();
    get("button", "Trip plan").click();
    await settleFake();
    await vi.advanceTimersByTimeAsync(300);
  }

  it("asks once typing pauses, and says it is an estimate", async () => {
    await startFake();
    const before = core.callsOf("estimate_prompt").length;
    const box = get("textbox", "Message");
    type(box, "H");
    await vi.advanceTimersByTimeAsync(100);
    type(box, "Hi");
    await vi.advanceTimersByTimeAsync(100);
    type(box, "Hi there");
    await vi.advanceTimersByTimeAsync(200);
    expect(core.callsOf("estimate_prompt")).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(60);
    await settleFake();
    expect(core.callsOf("estimate_prompt").slice(before).map((call) => call.args)).toEqual([
      { conversationId: 1, model: "openai/gpt-4o-mini", draft: "Hi there" },
    ]);
    expect(hint()).toBe("About 1,234 prompt tokens \u2248 $0.003702 (estimate)");
    expect(box.getAttribute("aria-describedby")).toBe(document.querySelector(".composer-hint")?.id);
  });

  it("keeps the old estimate while the next one is on its way, and asks again when the model changes", async () => {
    await startFake();
    const box = get("textbox", "Message");
    type(box, "Hi");
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    const element = document.querySelector(".composer-hint");
    const text = element?.firstChild;
    type(box, "Hi again");
    await vi.advanceTimersByTimeAsync(100);
    expect(hint()).toBe("About 1,234 prompt tokens \u2248 $0.003702 (estimate)");
    await vi.advanceTimersByTimeAsync(200);
    await settleFake();
    expect(element?.firstChild).toBe(text); // the same text was not written again

    core.on("estimate_prompt", () => ({ prompt_tokens: 1300, cost_nanos: 0, free: true, basis: "characters" }));
    get("button", "Model").click();
    await settleFake();
    const option = all("option").find((o) => o.dataset["modelId"] === "google/gemini-2.5-flash");
    option?.click();
    await settleFake();
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    expect(core.callsOf("estimate_prompt").at(-1)?.args["model"]).toBe("google/gemini-2.5-flash");
    expect(hint()).toBe("Free model");
  });

  it("shows nothing when the price is unknown, the draft is empty or the estimate fails", async () => {
    await startFake();
    const box = get("textbox", "Message");
    type(box, "Hi");
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    expect(hint()).not.toBe("");
    core.on("estimate_prompt", () => ({ prompt_tokens: 10, cost_nanos: null, free: false, basis: "characters" }));
    type(box, "Hi you");
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    expect(hint()).toBe("");
    core.on("estimate_prompt", () => {
      throw { kind: "invalid_input", message: "No." };
    });
    type(box, "Hi you there");
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    expect(hint()).toBe("");
    expect(all("alert")).toHaveLength(0);
    const calls = core.callsOf("estimate_prompt").length;
    type(box, "  ");
    await vi.advanceTimersByTimeAsync(260);
    await settleFake();
    expect(core.callsOf("estimate_prompt")).toHaveLength(calls);
  });
});

describe("the monthly budget", () => {
  const warning = okBudget({ budget_nanos: 20_000_000_000, month_spent_nanos: 16_200_000_000, level: "warning" });
  const reached = okBudget({ budget_nanos: 20_000_000_000, month_spent_nanos: 20_450_000_000, level: "reached" });

  function budgetNotice(): HTMLElement | undefined {
    return all("status").find((status) => status.classList.contains("money-notice") && status.dataset["key"]?.startsWith("budget"));
  }

  it("shows a warning when the workspace opens, which can be dismissed for the session", async () => {
    budget = warning;
    await start();
    expect(core.callsOf("budget_status").length).toBeGreaterThan(0);
    expect(budgetNotice()?.textContent).toContain("You have spent $16.20 of your $20.00 monthly budget (81%).");
    get("button", "Dismiss budget notice").click();
    expect(budgetNotice()).toBeUndefined();
    await openTrip();
    const emit = await send("More");
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    expect(budgetNotice()).toBeUndefined();
  });

  it("checks after each reply, and before each send", async () => {
    await start();
    await openTrip();
    const before = core.callsOf("budget_status").length;
    const emit = await send("More");
    expect(core.callsOf("budget_status")).toHaveLength(before + 1);
    budget = warning;
    emit({ type: "done", status: "complete", finish_reason: "stop", error: null });
    await settle();
    expect(core.callsOf("budget_status")).toHaveLength(before + 2);
    expect(budgetNotice()?.textContent).toContain("(81%)");
  });

  it("asks before sending at a reached budget: Cancel keeps the draft", async () => {
    budget = reached;
    await start();
    await openTrip();
    const box = get("textbox", "Message") as HTMLTextAreaElement;
    type(box, "One more question");
    press(box, "Enter");
    await settle();
    const dialog = get("alertdialog", "Monthly budget reached");
    expect(dialog.textContent).toContain("You have reached your monthly budget of $20.00 ($20.45 spent this month). Send anyway?");
    get("button", "Cancel").click();
    await settle();
    expect(all("alertdialog")).toHaveLength(0);
    expect(core.callsOf("send_message")).toHaveLength(0);
    expect(box.value).toBe("One more question");
  });

  it("sends after Send anyway", async () => {
    budget = reached;
    core.on("send_message", () => ({ conversation_id: 1, user_message_id: 15, assistant_message_id: 16 }));
    await start();
    await openTrip();
    const box = get("textbox", "Message") as HTMLTextAreaElement;
    type(box, "One more question");
    press(box, "Enter");
    await settle();
    press(box, "Enter"); // a second Enter while the question is open sends nothing more
    await settle();
    get("button", "Send anyway").click();
    await settle();
    expect(core.callsOf("send_message")).toHaveLength(1);
    expect(core.callsOf("send_message")[0]?.args["text"]).toBe("One more question");
    expect(box.value).toBe("");
  });

  /** The open chat uses a free model, with these fallbacks; the budget is reached. */
  function freeModelAtReachedBudget(fallbacks: string[]): void {
    budget = reached;
    core.on("get_conversation", () => ({ conversation: conversation(1, "Trip plan", 10, { model: "deepseek/deepseek-r1:free" }), messages: [], has_older: false, has_newer: false }));
    const withFree = catalogue([...MODELS, card("deepseek/deepseek-r1:free", { name: "DeepSeek: R1 (free)", is_free: true })]);
    core
      .on("get_catalogue", () => withFree)
      .on("refresh_catalogue", () => withFree)
      .on("get_routing", () => ({ fallback_models: fallbacks, provider: null, reasoning_effort: null, web_search: false }));
  }

  it("does not ask for a free model", async () => {
    freeModelAtReachedBudget([]);
    await start();
    await openTrip();
    await send("Hi");
    expect(all("alertdialog")).toHaveLength(0);
    expect(core.callsOf("send_message")).toHaveLength(1);
  });

  it("asks for a free model whose routing falls back to a paid one", async () => {
    freeModelAtReachedBudget(["openai/gpt-4o-mini"]);
    await start();
    await openTrip();
    const box = get("textbox", "Message") as HTMLTextAreaElement;
    type(box, "Hi");
    press(box, "Enter");
    await settle();
    expect(get("alertdialog", "Monthly budget reached")).toBeTruthy();
    expect(core.callsOf("get_routing").map((call) => call.args)).toEqual([{ conversationId: 1 }]);
    expect(core.callsOf("send_message")).toHaveLength(0);
  });

  it("never blocks sending when the budget cannot be read", async () => {
    core.on("budget_status", () => {
      throw { kind: "storage", message: "The history could not be read." };
    });
    await start();
    await openTrip();
    await send("Hi");
    expect(core.callsOf("send_message")).toHaveLength(1);
    expect(all("alert")).toHaveLength(0);
  });

  it("shows a low balance with a link to add credits", async () => {
    budget = okBudget({ low_balance: { remaining_nanos: 800_000_000, threshold_nanos: 1_000_000_000, source: "credits" } });
    await start();
    const notice = all("status").find((status) => status.dataset["key"] === "balance:credits");
    expect(notice?.textContent).toContain("Your account balance is $0.80.");
    get("button", "Add credits").click();
    await settle();
    expect(core.callsOf("open_external").at(-1)?.args).toEqual({ url: "https://openrouter.ai/settings/credits" });
  });

  it("shows a key near its own limit with a link to the key's settings", async () => {
    budget = okBudget({ low_balance: { remaining_nanos: 800_000_000, threshold_nanos: 1_000_000_000, source: "key_limit" } });
    await start();
    const notice = all("status").find((status) => status.dataset["key"] === "balance:key_limit");
    expect(notice?.textContent).toContain("Your key has $0.80 left of its limit.");
    get("button", "Raise the key's limit").click();
    await settle();
    expect(core.callsOf("open_external").at(-1)?.args).toEqual({ url: "https://openrouter.ai/settings/keys" });
  });
});

describe("credit and rate-limit errors in a reply", () => {
  it("shows 402 with its Add credits action and never retries it by itself", async () => {
    await start();
    await openTrip();
    const emit = await send("Hi");
    emit({
      type: "done", status: "error", finish_reason: null, timing: null,
      error: { kind: "no_credits", message: "Your OpenRouter credits are used up.", action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" } },
    });
    await settle();
    const reply = replies().at(-1);
    expect(reply?.textContent).toContain("Your OpenRouter credits are used up.");
    expect(get("button", "Add credits")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(core.callsOf("retry_reply")).toHaveLength(0);
  });

  it("offers a shorter reply when the credits cover part of one: only that retry is capped", async () => {
    await start();
    await openTrip();
    const emit = await send("Write me a long essay");
    emit({
      type: "done", status: "error", finish_reason: null, timing: null,
      error: {
        kind: "no_credits",
        message: "Your credits do not cover this reply: OpenRouter sets aside room for up to 64,000 tokens of answer, and what is left pays for about 2,666.",
        action: { kind: "retry_shorter", label: "Try a shorter reply (up to 2,666 tokens)", url: null, max_tokens: 2666 },
        second_action: { kind: "open_url", label: "Add credits", url: "https://openrouter.ai/settings/credits" },
      },
    });
    await settle();
    const reply = replies().at(-1)!;
    const labels = Array.from(reply.querySelectorAll("button")).map((b) => b.textContent);
    expect(labels).toEqual(["Try a shorter reply (up to 2,666 tokens)", "Add credits", "Retry"]);
    get("button", "Add credits").click();
    await settle();
    expect(core.callsOf("open_external").at(-1)?.args).toEqual({ url: "https://openrouter.ai/settings/credits" });
    expect(core.callsOf("retry_reply")).toHaveLength(0);
    let again: ((event: StreamEvent) => void) | undefined;
    core.on("retry_reply", (args) => {
      again = core.channelOf(args);
      return { conversation_id: 1, user_message_id: 15, assistant_message_id: 17 };
    });
    get("button", "Try a shorter reply (up to 2,666 tokens)").click();
    await settle();
    const { onEvent: _channel, ...args } = core.callsOf("retry_reply")[0]!.args;
    expect(args).toEqual({ assistantMessageId: 16, maxTokens: 2666 });
    again?.({ type: "delta", content: "A short essay.", reasoning: "" });
    again?.({ type: "done", status: "complete", finish_reason: "length", error: null, timing: null });
    await settle();
    expect(replies().at(-1)?.textContent).toContain("The reply was cut off at its length limit.");
    // A plain Retry on the next error asks for the full length again.
    core.on("send_message", () => ({ conversation_id: 1, user_message_id: 18, assistant_message_id: 19 }));
    await send("More");
    expect(core.callsOf("send_message").at(-1)?.args).not.toHaveProperty("maxTokens");
  });

  it("drops error actions it cannot do safely: no length to ask for, a link that is not a web page", async () => {
    await start();
    await openTrip();
    const emit = await send("Hi");
    emit({
      type: "done", status: "error", finish_reason: null, timing: null,
      error: {
        kind: "no_credits", message: "Your credits do not cover this reply.",
        action: { kind: "retry_shorter", label: "Try a shorter reply", url: null, max_tokens: 0 },
        second_action: { kind: "open_url", label: "Add credits", url: "javascript:alert(1)" },
      },
    });
    await settle();
    const labels = Array.from(replies().at(-1)!.querySelectorAll("button")).map((b) => b.textContent);
    expect(labels).toEqual(["Retry"]);
  });

  it("holds Try again back until the Retry-After wait is over, counting down", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    core.on("retry_reply", () => ({ conversation_id: 1, user_message_id: 15, assistant_message_id: 17 }));
    await startApp();
    await settleFake();
    get("button", "Trip plan").click();
    await settleFake();
    let emit: ((event: StreamEvent) => void) | undefined;
    core.on("send_message", (args) => {
      emit = core.channelOf(args);
      return { conversation_id: 1, user_message_id: 15, assistant_message_id: 16 };
    });
    const box = get("textbox", "Message");
    type(box, "Hi");
    press(box, "Enter");
    await settleFake();
    emit?.({
      type: "done", status: "error", finish_reason: null, timing: null,
      error: {
        kind: "rate_limited", message: "This model is rate-limited right now. Wait 3 seconds and try again, or choose another model.",
        action: { kind: "retry", label: "Try again" }, retry_after_secs: 3,
      },
    });
    await settleFake();
    const held = get("button", "Try again (3 s)") as HTMLButtonElement;
    expect(held.disabled).toBe(true);
    expect(held.getAttribute("aria-live")).toBe("off");
    await vi.advanceTimersByTimeAsync(1000);
    expect(held.textContent).toBe("Try again (2 s)");
    await vi.advanceTimersByTimeAsync(2000);
    expect(held.textContent).toBe("Try again");
    expect(held.disabled).toBe(false);
    expect(core.callsOf("retry_reply")).toHaveLength(0);
    held.click();
    await settleFake();
    expect(core.callsOf("retry_reply")).toHaveLength(1);
  });
});

