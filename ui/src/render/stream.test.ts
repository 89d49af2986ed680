import { describe, expect, it } from "vitest";
import { renderMarkdownInto } from "./markdown";
import { StreamingMarkdown } from "./stream";

/** Small deterministic PRNG (mulberry32) so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOCUMENTS: Record<string, string> = {
  prose: "Hello **world**, this is *markdown*.\n\nSecond paragraph\nwith a soft break.\n\n\nThird after two blank lines.",
  headings: "# One\n\nSetext heading\n===\n\n## Two ##\n\nText\n---\n\n***\n\nafter rule",
  lists:
    "- a\n- b\n  - nested\n  - nested 2\n- c\n\n1. one\n2. two\n\n   continued para\n3. three\n\nParagraph after.\n\n- loose\n\n- list\n",
  codeFences:
    "Intro:\n\n```js\nconst s = `template ${x}`;\nconsole.log('~~~');\n```\n\n~~~python\nprint('```')\n~~~\n\n````md\n```\ninner\n```\n````\n\nDone.",
  unclosedFence: "Text\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n",
  indentedCode: "Para\n\n    code line 1\n\n    code line 2\n\nafter",
  blockquote: "> quote line\nlazy continuation\n\n> second\n> > nested\n\nout",
  table: "| a | b |\n|---|:-:|\n| 1 | `|` |\n| 2 | **x** |\n\nafter table\n\nx | y\n--|--\n3 | 4",
  html: "<div>\nraw *html*\n</div>\n\n<details><summary>More</summary>\n\nInside details.\n\n</details>\n\n<pre>\na\n\nb\n</pre>\n\ntext <b>bold</b>",
  references:
    "See [the docs][docs] and [home].\n\nMore text [docs].\n\n[docs]: https://openrouter.ai/docs \"Docs\"\n[home]: https://example.com\n\nAfter defs [home].",
  images: "![x](https://evil.example/?q=secret)\n\nText ![inline](data:image/png;base64,AAAA) here.",
  mixed:
    "## Plan\n\n1. Install:\n   ```bash\n   npm install\n   ```\n2. Run `npm test`.\n\n> **Note**\n> It works.\n\n| k | v |\n|---|---|\n| a | 1 |\n\nDone ~~not~~ really.\n",
  trailing: "para\n\n\n\n   \n",
  crlf: "line one\r\nline two\r\n\r\n```\r\ncode\r\n```\r\nend",
  emphasisAcrossChunks: "***bold italic*** and __under__ and `a``b` and <https://example.com> and www.example.com.",
};

function oneShot(text: string): HTMLElement {
  const container = document.createElement("div");
  renderMarkdownInto(container, text);
  return container;
}

/** Streams `text` split at random points, flushing after every delta; checks finished blocks keep their nodes. */
function streamed(text: string, rand: () => number, maxChunk: number): HTMLElement {
  const container = document.createElement("div");
  const stream = new StreamingMarkdown(container, { schedule: () => undefined });
  const finishedSeen: Element[][] = [];
  let at = 0;
  while (at < text.length) {
    const size = 1 + Math.floor(rand() * maxChunk);
    stream.append(text.slice(at, at + size));
    at += size;
    stream.flush();
    // Record the finished blocks to check they are never replaced.
    expect(stream.frozenCount).toBeLessThanOrEqual(container.children.length);
    finishedSeen.push(Array.from(container.children).slice(0, stream.frozenCount));
  }
  stream.finish();
  const final = Array.from(container.children);
  for (const snapshot of finishedSeen) {
    snapshot.forEach((element, index) => {
      // Compared as a boolean: a failing toBe() on DOM nodes prints whole trees.
      expect(final[index] === element, `finished block ${index} was replaced`).toBe(true);
    });
  }
  expect(stream.text).toBe(text.replace(/\r\n?/g, "\n"));
  return container;
}

describe("streaming renderer", () => {
  for (const [name, text] of Object.entries(DOCUMENTS)) {
    it(`ends with the one-shot DOM for ${name}, at random split points`, () => {
      const expected = oneShot(text).innerHTML;
      for (let seed = 1; seed <= 24; seed++) {
        const rand = random(seed * 7919 + text.length);
        const maxChunk = seed <= 6 ? 1 : seed <= 15 ? 4 : 24;
        expect(streamed(text, rand, maxChunk).innerHTML, `seed ${seed}`).toBe(expected);
      }
    }, 60_000);
  }

  it("ends with the one-shot DOM for all documents joined, split at every possible single point", () => {
    const text = Object.values(DOCUMENTS).join("\n\n");
    const expected = oneShot(text).innerHTML;
    for (let split = 0; split <= text.length; split += 11) {
      const container = document.createElement("div");
      const stream = new StreamingMarkdown(container, { schedule: () => undefined });
      stream.append(text.slice(0, split));
      stream.flush();
      stream.append(text.slice(split));
      stream.finish();
      expect(container.innerHTML, `split at ${split}`).toBe(expected);
    }
  }, 60_000);

  it("keeps finished blocks as the same nodes and only changes the last one", () => {
    const container = document.createElement("div");
    const stream = new StreamingMarkdown(container, { schedule: () => undefined });
    stream.append("First paragraph.\n\nSecond");
    stream.flush();
    const first = container.children[0];
    const second = container.children[1];
    expect(container.children).toHaveLength(2);
    expect(first?.textContent).toBe("First paragraph.\n");
    stream.append(" paragraph grows");
    stream.flush();
    expect(container.children[0] === first, "first block kept").toBe(true);
    expect(container.children[1] === second, "second block kept").toBe(true);
    expect(second?.textContent).toBe("Second paragraph grows\n");
    stream.append("\n\n```py\nx = 1\n");
    stream.flush();
    expect(container.children[0] === first, "first block kept").toBe(true);
    expect(container.children[1] === second, "second block kept").toBe(true);
    const code = container.children[2]?.querySelector("code");
    expect(code?.textContent).toBe("x = 1\n");
    expect(code?.className).toBe("");
    stream.append("y = 2\n");
    stream.flush();
    expect(container.children[2]?.querySelector("code") === code, "open fence kept").toBe(true);
    expect(code?.textContent).toBe("x = 1\ny = 2\n");
    stream.append("```\n\nEnd.");
    stream.finish();
    expect(container.children[2]?.querySelector("code")?.className).toBe("hljs language-py");
    expect(container.innerHTML).toBe(oneShot(stream.text).innerHTML);
  });

  it("renders once per scheduled frame, coalescing deltas", () => {
    const container = document.createElement("div");
    const frames: (() => void)[] = [];
    let renders = 0;
    const stream = new StreamingMarkdown(container, {
      schedule: (render) => frames.push(render),
      onRender: () => renders++,
    });
    stream.append("a");
    stream.append("b");
    stream.append("c");
    expect(frames).toHaveLength(1);
    expect(container.textContent).toBe("");
    frames[0]?.();
    expect(renders).toBe(1);
    expect(container.textContent).toBe("abc\n");
  });

  it("parses a linear amount of text: cost per character does not grow with the reply", () => {
    const block = "A paragraph with some **bold** text, a [link](https://example.com) and `code` in it.\n\n";
    const cost = (blocks: number): number => {
      const container = document.createElement("div");
      const stream = new StreamingMarkdown(container, { schedule: () => undefined });
      const text = block.repeat(blocks);
      for (let i = 0; i < text.length; i += 5) {
        stream.append(text.slice(i, i + 5));
        stream.flush();
        // A quadratic renderer would take minutes here: stop early, the assertion below fails anyway.
        if (stream.parsedChars > 2 * block.length * text.length) break;
      }
      stream.finish();
      return stream.parsedChars / text.length;
    };
    const small = cost(10);
    const large = cost(100);
    expect(large).toBeLessThan(small * 1.5);
    expect(large).toBeLessThan(block.length);
  }, 60_000);

  it("appends to an open code fence without parsing it again", () => {
    const container = document.createElement("div");
    const stream = new StreamingMarkdown(container, { schedule: () => undefined });
    stream.append("```\n");
    stream.flush();
    const before = stream.parsedChars;
    for (let i = 0; i < 500; i++) {
      stream.append(`line ${i}\n`);
      stream.flush();
    }
    expect(stream.parsedChars).toBe(before);
    expect(container.querySelector("code")?.textContent?.split("\n")).toHaveLength(501);
    stream.append("```");
    stream.finish();
    expect(container.innerHTML).toBe(oneShot(stream.text).innerHTML);
  });
});
