import { afterEach, describe, expect, it, vi } from "vitest";
import { ModelCatalog } from "./model-catalog";
import { settle } from "./test/fake-core";
import { fakeSource } from "./test/catalogue-source";
import { CARDS, card } from "./test/model-cards";
import { all, get } from "./test/queries";
import { modelDetails } from "./views/model-details";

const byId = (id: string) => CARDS.find((m) => m.id === id)!;

async function show(id: string, extra: Partial<Parameters<typeof modelDetails>[1]> = {}) {
  const source = fakeSource();
  const catalog = new ModelCatalog(source);
  await catalog.load();
  const openLink = vi.fn();
  const onUse = vi.fn();
  const panel = modelDetails(catalog.find(id) ?? card(id), { catalog, openLink, today: "2026-05-01", onUse, providersDelayMs: 0, ...extra });
  document.body.append(panel);
  await settle();
  return { panel, source, catalog, openLink, onUse };
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("the details panel", () => {
  it("explains a model in plain words", async () => {
    const { panel } = await show("anthropic/claude-sonnet-4.5");
    const text = panel.textContent ?? "";
    expect(panel.querySelector("h3")?.textContent).toBe("Anthropic: Claude Sonnet 4.5");
    expect(text).toContain("Reads text, images and files (like PDFs). Writes text.");
    expect(text).toContain("Reads up to 1,000,000 tokens (about 750,000 words) at once (context).");
    expect(text).toContain("Writes up to 64,000 tokens in one reply.");
    expect(text).toContain("Knows about the world up to March 31, 2025.");
    expect(text).toContain("$3 per million input tokens");
    expect(text).toContain("$15 per million output tokens");
    expect(text).toContain("$0.01 per web search");
    expect(text).toContain("Prompts over 200,000 tokens:");
    expect(text).toContain("$22.50 per million output tokens");
    expect(text).toContain("Can use tools (functions your app offers it)");
    expect(text).toContain("Thinking effort: high, medium or low.");
  });

  it("renders the description as sanitized markdown whose links open outside", async () => {
    const hostile = card("evil/model", { description: "**Bold** <img src=x onerror=alert(1)><script>alert(2)</script> [docs](https://example.com) [js](javascript:alert(3))" });
    const { panel, openLink } = await show("evil/model", {});
    panel.replaceWith(modelDetails(hostile, { catalog: new ModelCatalog(fakeSource()), openLink, today: "2026-05-01", providersDelayMs: 0 }));
    await settle();
    const description = document.querySelector(".details-description")!;
    expect(description.querySelector("strong")?.textContent).toBe("Bold");
    expect(description.querySelector("script")).toBeNull();
    expect(description.innerHTML).not.toMatch(/onerror|javascript:/);
    description.querySelector<HTMLAnchorElement>("a[href='https://example.com']")!.click();
    expect(openLink).toHaveBeenCalledWith("https://example.com");
  });

  it("says when a model retires, and that a router's price varies", async () => {
    const { panel } = await show("anthropic/claude-3.7-sonnet:thinking");
    expect(panel.textContent).toContain("Will be retired on May 5, 2026.");
    expect(panel.textContent).toContain("Thinking cannot be turned off.");
    document.body.replaceChildren();
    const router = await show("openrouter/auto");
    expect(router.panel.textContent).toContain("The price varies: you pay for the model it picks for each message.");
  });

  it("stars and unstars the model", async () => {
    const { source } = await show("google/gemma-3-27b-it");
    const star = get("button", "\u2606 Add to favourites");
    expect(star.getAttribute("aria-pressed")).toBe("false");
    star.click();
    await settle();
    expect(source.calls).toContain("set_favorite google/gemma-3-27b-it true");
    expect(get("button", "\u2605 Favourite").getAttribute("aria-pressed")).toBe("true");
    get("button", "\u2605 Favourite").click();
    await settle();
    expect(source.calls).toContain("set_favorite google/gemma-3-27b-it false");
  });

  it("offers the variants that exist, one click each", async () => {
    const { onUse } = await show("google/gemma-3-27b-it");
    const labels = all("button", /^Use Google: Gemma 3 27B, /).map((b) => b.getAttribute("aria-label"));
    expect(labels).toEqual([
      "Use Google: Gemma 3 27B, free (google/gemma-3-27b-it:free)",
      "Use Google: Gemma 3 27B, fastest (google/gemma-3-27b-it:nitro)",
      "Use Google: Gemma 3 27B, cheapest (google/gemma-3-27b-it:floor)",
    ]);
    get("button", "Use Google: Gemma 3 27B, free (google/gemma-3-27b-it:free)").click();
    expect(onUse).toHaveBeenCalledWith("google/gemma-3-27b-it:free");
    get("button", "Use in this chat").click();
    expect(onUse).toHaveBeenLastCalledWith("google/gemma-3-27b-it");
  });

  it("loads the providers lazily into a table", async () => {
    const { source, panel } = await show("anthropic/claude-sonnet-4.5");
    expect(source.calls.filter((c) => c.startsWith("model_endpoints"))).toEqual(["model_endpoints anthropic/claude-sonnet-4.5"]);
    const rows = Array.from(panel.querySelectorAll(".endpoint-table tbody tr")).map((tr) =>
      Array.from(tr.children).map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["Anthropic", "Not stated", "200,000", "$3/M", "$15/M", "99.5%", "0.45 s", "85 tokens/s"],
      ["Google Vertex (having problems)", "16-bit (bf16)", "200,000", "$3/M", "$15/M", "99.5%", "0.45 s", "85 tokens/s"],
    ]);
  });

  it("waits before asking for providers, and skips it when the reader has moved on", async () => {
    vi.useFakeTimers();
    try {
      const source = fakeSource();
      const catalog = new ModelCatalog(source);
      await catalog.load();
      const first = modelDetails(byId("openai/gpt-oss-120b"), { catalog, openLink: vi.fn(), today: "2026-05-01" });
      document.body.append(first);
      first.remove();
      const second = modelDetails(byId("ai21/jamba-large-1.7"), { catalog, openLink: vi.fn(), today: "2026-05-01" });
      document.body.append(second);
      await vi.advanceTimersByTimeAsync(1000);
      expect(source.calls.filter((c) => c.startsWith("model_endpoints"))).toEqual(["model_endpoints ai21/jamba-large-1.7"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("offers to try again when the providers cannot be looked up", async () => {
    let fail = true;
    const source = fakeSource({
      endpointsOf: async () => {
        if (fail) throw { kind: "offline", message: "You seem to be offline." };
        return [];
      },
    });
    const catalog = new ModelCatalog(source);
    await catalog.load();
    document.body.append(modelDetails(byId("ai21/jamba-large-1.7"), { catalog, openLink: vi.fn(), today: "2026-05-01", providersDelayMs: 0 }));
    await settle();
    expect(document.body.textContent).toContain("Couldn't look up the providers. You seem to be offline.");
    fail = false;
    get("button", "Try again").click();
    await settle();
    expect(document.body.textContent).toContain("No provider serves this model right now.");
  });
});
