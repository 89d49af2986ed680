import { afterEach, describe, expect, it, vi } from "vitest";
import { ModelCatalog } from "./model-catalog";
import { defaultRouting, type Routing } from "./model-types";
import { settle } from "./test/fake-core";
import { fakeSource } from "./test/catalogue-source";
import { all, choose, get, type } from "./test/queries";
import { cleanRouting, openRoutingDialog, type RoutingChoice } from "./views/routing-dialog";

async function open(model: string, routing: Routing = defaultRouting(), picks: (string | null)[] = []) {
  const catalog = new ModelCatalog(fakeSource());
  await catalog.load();
  const pickModel = vi.fn(async () => picks.shift() ?? null);
  const save = vi.fn(async (choice: RoutingChoice) => choice);
  const result = openRoutingDialog({ catalog, model, routing, pickModel, save });
  await settle();
  return { result, pickModel, save, catalog };
}

function select(name: string): HTMLSelectElement {
  return get("combobox", name) as HTMLSelectElement;
}

function options(name: string): string[] {
  return Array.from(select(name).options).map((o) => o.textContent ?? "");
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("the routing dialog", () => {
  it("builds the set_routing payload: fallbacks in order, provider sort and lists, privacy, effort, web search", async () => {
    const { result, save, pickModel } = await open("anthropic/claude-sonnet-4.5", defaultRouting(), [
      "openai/gpt-oss-120b", "google/gemma-3-27b-it", "ai21/jamba-large-1.7",
    ]);
    for (let i = 0; i < 3; i++) {
      get("button", "Add a fallback model\u2026").click();
      await settle();
    }
    expect(pickModel).toHaveBeenLastCalledWith("Add a fallback model", "", ["anthropic/claude-sonnet-4.5", "openai/gpt-oss-120b", "google/gemma-3-27b-it"]);
    expect((get("button", "Up to 3 fallback models") as HTMLButtonElement).disabled).toBe(true);
    get("button", "Move Google: Gemma 3 27B up").click();
    get("button", "Remove AI21: Jamba Large 1.7").click();
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Remove OpenAI: gpt-oss-120b");

    choose(select("Thinking effort"), "high");
    choose(get("checkbox", "Search the web before answering"), true);
    choose(select("Choose providers by"), "price");
    choose(select("Add to try these providers first"), "deepinfra");
    choose(select("Add to try these providers first"), "together");
    get("button", "Move Together up").click();
    choose(select("Add to never use these providers"), "google-vertex");
    choose(get("checkbox", "Skip providers that may keep or train on my messages"), true);
    choose(get("checkbox", "Let other providers answer when these fail"), false);
    choose(get("checkbox", "8-bit (fp8)"), true);
    type(get("textbox", "Input"), "$1.50");
    get("button", "Save").click();
    await settle();

    expect(save).toHaveBeenCalledWith({
      model: "anthropic/claude-sonnet-4.5",
      routing: {
        fallback_models: ["google/gemma-3-27b-it", "openai/gpt-oss-120b"],
        provider: {
          sort: "price",
          order: ["together", "deepinfra"],
          only: [],
          ignore: ["google-vertex"],
          allow_fallbacks: false,
          data_collection_deny: true,
          zdr: false,
          quantizations: ["fp8"],
          max_price_prompt: "1.5",
          max_price_completion: null,
        },
        reasoning_effort: "high",
        web_search: true,
      },
    });
    expect(await result).toEqual(save.mock.calls[0]?.[0]);
    expect(document.querySelector("dialog")).toBeNull();
  });

  it("sends no provider preferences while they are OpenRouter's defaults", async () => {
    const { save } = await open("openai/gpt-oss-120b");
    get("button", "Save").click();
    await settle();
    expect(save).toHaveBeenCalledWith({ model: "openai/gpt-oss-120b", routing: defaultRouting() });
    expect(cleanRouting({ ...defaultRouting(), provider: { sort: null, order: [], only: [], ignore: [], allow_fallbacks: true, data_collection_deny: false, zdr: false, quantizations: [], max_price_prompt: " ", max_price_completion: null } }).provider).toBeNull();
  });

  it("shows the saved routing, and keeps what was not touched", async () => {
    const saved: Routing = {
      fallback_models: ["google/gemma-3-27b-it"],
      provider: { sort: "throughput", order: [], only: ["anthropic"], ignore: [], allow_fallbacks: true, data_collection_deny: false, zdr: true, quantizations: [], max_price_prompt: null, max_price_completion: "20" },
      reasoning_effort: "low",
      web_search: false,
    };
    const { save } = await open("anthropic/claude-sonnet-4.5", saved);
    expect(select("Thinking effort").value).toBe("low");
    expect(select("Choose providers by").value).toBe("throughput");
    expect((document.querySelector("details.provider-section") as HTMLDetailsElement).open).toBe(true);
    expect(all("button", "Remove Anthropic")).toHaveLength(1);
    get("button", "Save").click();
    await settle();
    expect(save.mock.calls[0]?.[0]).toEqual({ model: "anthropic/claude-sonnet-4.5", routing: saved });
  });

  it("never offers Off for a model whose reasoning is mandatory, and no effort for one that does not reason", async () => {
    await open("openai/gpt-oss-120b");
    expect(options("Thinking effort")).toEqual(["The model's default (medium)", "High", "Medium", "Low"]);
    document.body.replaceChildren();
    await open("anthropic/claude-sonnet-4.5");
    expect(options("Thinking effort")).toContain("Off (no thinking)");
    document.body.replaceChildren();
    await open("google/gemma-3-27b-it");
    expect(document.body.textContent).toContain("This model does not think before answering.");
  });

  it("switches to a variant with one click, and to another model through the picker", async () => {
    const { save } = await open("google/gemma-3-27b-it", defaultRouting(), ["openai/gpt-oss-120b"]);
    const labels = all("radio").map((radio) => document.querySelector(`label[for="${radio.id}"]`)?.textContent);
    expect(labels).toEqual(["Standard", "Free", "Fastest", "Cheapest"]);
    choose(all("radio")[2]!, true);
    expect(document.querySelector(".routing-model-id")?.textContent).toBe("google/gemma-3-27b-it:nitro");
    expect(document.querySelector(".variant-hint")?.textContent).toMatch(/highest speed/);
    get("button", "Change model\u2026").click();
    await settle();
    expect(document.querySelector(".routing-model-id")?.textContent).toBe("openai/gpt-oss-120b");
    get("button", "Save").click();
    await settle();
    expect(save.mock.calls[0]?.[0].model).toBe("openai/gpt-oss-120b");
  });

  it("drops a fallback that became the chosen model, and an effort the new model does not have", async () => {
    const { save } = await open("anthropic/claude-sonnet-4.5", { ...defaultRouting(), fallback_models: ["openai/gpt-oss-120b"], reasoning_effort: "none" }, ["openai/gpt-oss-120b"]);
    get("button", "Change model\u2026").click();
    await settle();
    get("button", "Save").click();
    await settle();
    expect(save.mock.calls[0]?.[0]).toEqual({ model: "openai/gpt-oss-120b", routing: defaultRouting() });
  });

  it("shows why the core refused, and stays open", async () => {
    const catalog = new ModelCatalog(fakeSource());
    await catalog.load();
    const save = vi.fn(async () => {
      throw { kind: "invalid_input", message: "“x” is not a provider name (use the short names from the provider list, like deepinfra)." };
    });
    void openRoutingDialog({ catalog, model: "openai/gpt-oss-120b", routing: defaultRouting(), pickModel: async () => null, save });
    await settle();
    get("button", "Save").click();
    await settle();
    expect(get("alert").textContent).toMatch(/is not a provider name/);
    expect(document.querySelector("dialog")).not.toBeNull();
  });

  it("refuses a maximum price that is not a number before saving", async () => {
    const { save } = await open("openai/gpt-oss-120b");
    type(get("textbox", "Output"), "a lot");
    get("button", "Save").click();
    await settle();
    expect(save).not.toHaveBeenCalled();
    expect(get("alert").textContent).toBe("Type a price in dollars, like 0.5 or 3.");
  });

  it("lets provider ids be typed when the provider list cannot be loaded", async () => {
    const catalog = new ModelCatalog(fakeSource({ listProviders: async () => { throw { kind: "offline", message: "You seem to be offline." }; } }));
    await catalog.load();
    const save = vi.fn(async (choice: RoutingChoice) => choice);
    void openRoutingDialog({ catalog, model: "openai/gpt-oss-120b", routing: defaultRouting(), pickModel: async () => null, save });
    await settle();
    expect(document.body.textContent).toContain("Couldn't load the provider list (You seem to be offline.). Type provider ids instead.");
    type(get("textbox", "Only use these providers: provider id"), " DeepInfra ");
    get("button", "Add to only use these providers").click();
    get("button", "Save").click();
    await settle();
    expect(save.mock.calls[0]?.[0].routing.provider?.only).toEqual(["deepinfra"]);
  });
});
