// The model lists' virtual list: only rows in view are in the DOM, in list order, and a search that keeps a
// model in view keeps its row.
import { describe, expect, it } from "vitest";
import { el } from "./views/elements";
import { VirtualList } from "./views/virtual-list";

interface Item {
  id: string;
}

function setup(rowHeight = 50, fallbackHeight = 200) {
  let built = 0;
  const list = new VirtualList<Item>(el("ul"), {
    rowHeight,
    fallbackHeight,
    overscan: 2,
    idPrefix: "row",
    key: (item) => item.id,
    render: (item) => {
      built += 1;
      return el("li", { text: item.id });
    },
  });
  document.body.append(list.viewport);
  return { list, built: () => built };
}

const items = (ids: string[]): Item[] => ids.map((id) => ({ id }));
const texts = (list: VirtualList<Item>): string[] => Array.from(list.list.children, (li) => li.textContent ?? "");

describe("the virtual model list", () => {
  it("renders the rows in view plus a few, numbered for assistive technology", () => {
    const { list } = setup();
    list.setItems(items(Array.from({ length: 1000 }, (_, i) => `m${i}`)));
    // 200 px of 50 px rows: rows 0–4, and 2 more below.
    expect(texts(list)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);
    expect(list.list.style.height).toBe("50000px");
    const first = list.list.firstElementChild as HTMLElement;
    expect(first.id).toBe("row-0");
    expect(first.getAttribute("aria-posinset")).toBe("1");
    expect(first.getAttribute("aria-setsize")).toBe("1000");
  });

  it("scrolls a row into view and keeps the DOM in list order", () => {
    const { list } = setup();
    list.setItems(items(Array.from({ length: 1000 }, (_, i) => `m${i}`)));
    const row = list.scrollToIndex(500);
    expect(row?.textContent).toBe("m500");
    expect(row?.style.top).toBe("25000px");
    const shown = texts(list);
    expect(shown).toEqual(shown.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    expect(shown.length).toBeLessThan(12);
  });

  it("keeps the rows of models still in view when the list changes, and moves them to their new place", () => {
    const { list, built } = setup();
    list.setItems(items(["a", "b", "c", "d", "e"]));
    const b = list.rowAt(1);
    const before = built();
    list.setItems(items(["b", "d", "x"]));
    expect(list.rowAt(0)).toBe(b);
    expect(b?.style.top).toBe("0px");
    expect(b?.id).toBe("row-0");
    expect(texts(list)).toEqual(["b", "d", "x"]);
    expect(built() - before).toBe(1);
  });
});
