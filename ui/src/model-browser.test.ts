import { afterEach, describe, expect, it, vi } from "vitest";
import { ModelCatalog } from "./model-catalog";
import { browserStateJson, defaultBrowserSettings } from "./model-filter";
import type { ModelBrowserState, ModelCard } from "./model-types";
import { settle } from "./test/fake-core";
import { fakeSource, type FakeSource } from "./test/catalogue-source";
import { CARDS, card, catalogue } from "./test/model-cards";
import { choose, get, press, type } from "./test/queries";
import { BrowserStateStore, openModelBrowser } from "./views/model-browser";

interface Setup {
  source: FakeSource;
  catalog: ModelCatalog;
  saved: ModelBrowserState[];
  onUse: ReturnType<typeof vi.fn>;
  store: BrowserStateStore;
}

async function open(options: { models?: ModelCard[]; saved?: ModelBrowserState | null; source?: Partial<FakeSource> } = {}): Promise<Setup> {
  const source = fakeSource({ cached: catalogue(options.models), fresh: catalogue(options.models), ...options.source });
  const catalog = new ModelCatalog(source);
  const saved: ModelBrowserState[] = [];
  const store = new BrowserStateStore({
    load: async () => options.saved ?? null,
    save: async (state) => {
      saved.push(state);
      return null;
    },
  });
  const onUse = vi.fn();
  openModelBrowser({ catalog, state: store, openLink: vi.fn(), currentModel: () => "openai/gpt-oss-120b", onUse, providersDelayMs: 0, detailsDelayMs: 0 });
  await settle();
  return { source, catalog, saved, onUse, store };
}

function listed(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>(".browser-list [role='option']"))
    .sort((a, b) => Number(a.getAttribute("aria-posinset")) - Number(b.getAttribute("aria-posinset")))
    .map((option) => option.dataset["modelId"] ?? "");
}

/** A filter checkbox inside the fieldset with `legend`. */
function inGroup(legend: string, label: string): HTMLInputElement {
  const fieldset = Array.from(document.querySelectorAll("fieldset")).find((f) => f.querySelector("legend")?.textContent === legend);
  const found = Array.from(fieldset?.querySelectorAll("label") ?? []).find((l) => l.textContent === label);
  return document.getElementById(found?.htmlFor ?? "") as HTMLInputElement;
}

function count(): string {
  return document.querySelector(".models-count")?.textContent ?? "";
}

afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe("the Models view", () => {
  it("lists the cached catalogue at once, refreshes it in the background and says when", async () => {
    const { source } = await open();
    expect(source.calls.indexOf("get_catalogue")).toBe(0);
    expect(source.calls.indexOf("refresh_catalogue")).toBeGreaterThan(0);
    // The retired model is hidden by default.
    expect(count()).toBe("8 of 9 models");
    expect(listed()).toHaveLength(8);
    expect(document.querySelector(".models-updated")?.textContent).toMatch(/^Updated /);
  });

  it("says the list is old, and why, when the refresh failed", async () => {
    await open({ source: { fresh: { ...catalogue(), refresh_error: { kind: "offline", message: "You seem to be offline." } } } });
    const updated = document.querySelector(".models-updated")!;
    expect(updated.textContent).toMatch(/^Couldn't update the list: You seem to be offline\. Showing the list from .+\.$/);
    expect(updated.classList.contains("stale")).toBe(true);
  });

  it("searches as you type, and shows the first match's details", async () => {
    await open();
    type(get("combobox", "Search models"), "gemma");
    expect(listed()).toEqual(["google/gemma-3-27b-it", "google/gemma-3-27b-it:free"]);
    expect(count()).toBe("2 of 9 models");
    expect(document.querySelector(".model-details h3")?.textContent).toBe("Google: Gemma 3 27B");
    press(get("combobox", "Search models"), "ArrowDown");
    expect(document.querySelector(".model-details h3")?.textContent).toBe("Google: Gemma 3 27B (free)");
    type(get("combobox", "Search models"), "nothing like this");
    expect(listed()).toEqual([]);
    expect(document.querySelector(".models-empty")?.textContent).toContain("No model matches \u201cnothing like this\u201d.");
  });

  it("filters and sorts, and keeps both for next time", async () => {
    const { saved } = await open();
    choose(get("checkbox", "Free models only"), true);
    expect(listed()).toEqual(["google/gemma-3-27b-it:free", "z-ai/glm-4.5-air:free"]);
    choose(get("checkbox", "Free models only"), false);
    const images = document.querySelectorAll<HTMLInputElement>(".filter-group input[type='checkbox']");
    expect(images.length).toBeGreaterThan(10);
    choose(get("checkbox", "Use tools"), true);
    type(get("textbox", "Highest input price"), "2");
    expect(listed()).toEqual(["ai21/jamba-large-1.7", "openai/gpt-oss-120b", "z-ai/glm-4.5-air:free"]);
    choose(get("combobox", "Sort by"), "prompt_price");
    expect(listed()).toEqual(["z-ai/glm-4.5-air:free", "openai/gpt-oss-120b", "ai21/jamba-large-1.7"]);
    expect(saved).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ sort: "prompt_price", tools: true, max_prompt_price: 2, free_only: false });
  });

  it("saves a change at once when the view closes", async () => {
    const { saved } = await open();
    choose(get("checkbox", "Use tools"), true);
    expect(saved).toEqual([]);
    press(get("combobox", "Search models"), "Escape");
    await settle();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ tools: true });
  });

  it("opens with the saved filters and sort", async () => {
    const settings = defaultBrowserSettings();
    settings.sort = "context";
    settings.filters.input = ["image"];
    await open({ saved: browserStateJson(settings) });
    expect(listed()).toEqual(["anthropic/claude-sonnet-4.5", "google/gemma-3-27b-it", "google/gemma-3-27b-it:free"]);
    expect(inGroup("It can read", "Images").checked).toBe(true);
    expect(inGroup("It can write", "Images").checked).toBe(false);
    expect((get("combobox", "Sort by") as HTMLSelectElement).value).toBe("context");
    get("button", "Clear filters").click();
    expect(listed()).toHaveLength(8);
    expect(inGroup("It can read", "Images").checked).toBe(false);
  });

  it("rejects a price that is not one, without losing the list", async () => {
    await open();
    type(get("textbox", "Highest output price"), "cheap");
    expect(document.querySelector(".filter-problem")?.textContent).toBe("Type a price in dollars, like 0.5 or 3.");
    expect(listed()).toHaveLength(8);
  });

  it("uses a model in the chat with Enter or the button", async () => {
    const { onUse } = await open();
    type(get("combobox", "Search models"), "jamba");
    press(get("combobox", "Search models"), "Enter");
    expect(onUse).toHaveBeenCalledWith("ai21/jamba-large-1.7");
    expect(document.querySelector("dialog")).toBeNull();
  });

  it("stars a favourite from the details; the row shows the star", async () => {
    const { source } = await open();
    type(get("combobox", "Search models"), "jamba");
    get("button", "\u2606 Add to favourites").click();
    await settle();
    expect(source.calls).toContain("set_favorite ai21/jamba-large-1.7 true");
    expect(document.querySelector(".browser-list [role='option'] .star-mark")).not.toBeNull();
  });

  it("renders only the rows in view of a thousand models", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => card(`maker${i % 40}/model-${String(i).padStart(4, "0")}`, { name: `Model ${String(i).padStart(4, "0")}` }));
    await open({ models: many });
    expect(count()).toBe("1000 models");
    const rendered = document.querySelectorAll(".browser-list [role='option']").length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    const option = document.querySelector(".browser-list [role='option']")!;
    expect(option.getAttribute("aria-setsize")).toBe("1000");
    // Paging down far keeps the DOM small and the active row rendered.
    for (let i = 0; i < 30; i++) press(get("combobox", "Search models"), "PageDown");
    const active = document.getElementById(get("combobox", "Search models").getAttribute("aria-activedescendant") ?? "");
    expect(active?.getAttribute("aria-selected")).toBe("true");
    expect(document.querySelectorAll(".browser-list [role='option']").length).toBeLessThan(40);
  });

  it("explains that nothing could be loaded, with a way to try again", async () => {
    let fail = true;
    const empty = { models: [], fetched_at: null, refresh_error: { kind: "offline" as const, message: "You seem to be offline." } };
    await open({ source: { cached: { models: [], fetched_at: null, refresh_error: null }, fresh: async () => (fail ? empty : catalogue()) } });
    expect(document.querySelector(".models-empty")?.textContent).toContain("Couldn't load the model list. You seem to be offline.");
    fail = false;
    get("button", "Try again").click();
    await settle();
    expect(listed()).toHaveLength(8);
  });

  it("keeps every model card once: the fixture list is complete", () => {
    expect(new Set(CARDS.map((m) => m.id)).size).toBe(CARDS.length);
  });
});
