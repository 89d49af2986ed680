// Streaming markdown: a reply arrives in small deltas. Re-parsing the whole text on every delta costs
// quadratic time, so the text is split into top-level blocks: blocks followed by another block are
// finished — rendered once, their DOM kept — and only the last, unfinished block is parsed again, at most
// once per animation frame. An open code fence (the common long block) just has its text node extended.
import type { Links, Token, Tokens } from "marked";
import {
  createBlockElement,
  isClosedCodeBlock,
  isInvisibleToken,
  lexBlocks,
  renderBlockInto,
} from "./markdown";

export interface StreamingMarkdownOptions {
  /** Runs `render` later; defaults to requestAnimationFrame. Tests pass their own and call flush(). */
  schedule?: (render: () => void) => void;
  /** Called after each DOM update (e.g. to keep the view scrolled to the bottom). */
  onRender?: () => void;
}

interface FrozenBlock {
  element: HTMLElement;
  raw: string;
  linksKnown: number;
}

interface OpenFence {
  char: "`" | "~";
  text: Text;
}

/** Blocks that a line after a blank line may still belong to. */
const CONTINUES_AFTER_BLANK_LINE: ReadonlySet<string> = new Set(["list", "code", "html", "def"]);

function defaultSchedule(render: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(render);
  else setTimeout(render, 16);
}

export class StreamingMarkdown {
  readonly container: HTMLElement;
  private readonly schedule: (render: () => void) => void;
  private readonly onRender: (() => void) | undefined;
  /** Text of the finished blocks, kept in pieces so appending never copies the whole reply. */
  private readonly frozenText: string[] = [];
  private readonly frozen: FrozenBlock[] = [];
  /** Link definitions found in finished blocks. */
  private links: Links = Object.create(null) as Links;
  /** Text after the last finished block: parsed again on every render. */
  private tail = "";
  /** How much of `tail` the DOM shows. */
  private renderedTailLength = 0;
  /** The elements showing the unfinished blocks (usually one), after the finished ones. */
  private live: HTMLElement[] = [];
  /** Held back when a delta ends with "\r": the next may start with "\n". */
  private carriageReturn = false;
  private openFence: OpenFence | null = null;
  private scheduled = false;
  private finished = false;
  /** Characters handed to the markdown parser so far: grows linearly with the reply, not quadratically. */
  parsedChars = 0;

  constructor(container: HTMLElement, options: StreamingMarkdownOptions = {}) {
    this.container = container;
    this.schedule = options.schedule ?? defaultSchedule;
    this.onRender = options.onRender;
  }

  /** The whole text received so far (line endings normalised to "\n"). */
  get text(): string {
    return this.frozenText.join("") + this.tail;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Number of finished blocks: the first `frozenCount` children of the container never change again. */
  get frozenCount(): number {
    return this.frozen.length;
  }

  append(delta: string): void {
    if (this.finished || delta === "") return;
    let text = (this.carriageReturn ? "\r" : "") + delta;
    this.carriageReturn = text.endsWith("\r");
    if (this.carriageReturn) text = text.slice(0, -1);
    // Line endings as the markdown lexer sees them, so offsets into the text match its tokens.
    this.tail += text.replace(/\r\n?/g, "\n");
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Brings the DOM up to date now. */
  flush(): void {
    this.scheduled = false;
    if (this.renderedTailLength === this.tail.length) return;
    this.render();
    this.onRender?.();
  }

  /** The reply is complete: final render, and link references resolved across all blocks. */
  finish(): void {
    if (this.finished) return;
    if (this.carriageReturn) {
      this.carriageReturn = false;
      this.tail += "\n";
    }
    this.flush();
    this.finished = true;
    this.openFence = null;
    const { links } = lexBlocks(this.tail, this.links);
    const linkCount = Object.keys(links).length;
    for (const block of this.frozen) {
      // A reference defined after a block was finished: render that block again with all definitions.
      if (block.linksKnown < linkCount && block.raw.includes("[")) {
        const token = lexBlocks(block.raw, links).tokens.find((t) => !isInvisibleToken(t));
        if (token) renderBlockInto(block.element, token);
      }
    }
    this.onRender?.();
  }

  private render(): void {
    const added = this.tail.slice(this.renderedTailLength);
    if (this.openFence !== null && !added.includes(this.openFence.char)) {
      // Still inside the same open code fence: nothing but its text can change.
      this.openFence.text.appendData(added);
      this.renderedTailLength = this.tail.length;
      return;
    }
    this.openFence = null;

    this.parsedChars += this.tail.length;
    const { tokens, links } = lexBlocks(this.tail, this.links);
    const linksKnown = Object.keys(links).length;
    const last = lastVisibleIndex(tokens, tokens.length - 1);
    // A block is finished once another block follows it, except when that one is still on its first
    // line and might yet join it: "2" right after a list may become "2. item".
    let liveStart = last;
    const lastToken = tokens[last];
    if (lastToken !== undefined && !lastToken.raw.includes("\n")) {
      const previous = lastVisibleIndex(tokens, last - 1);
      const previousToken = tokens[previous];
      if (previousToken !== undefined && (previous === last - 1 || CONTINUES_AFTER_BLANK_LINE.has(previousToken.type))) {
        liveStart = previous;
      }
    }

    let consumed = 0;
    for (let i = 0; i < liveStart; i++) {
      const token = tokens[i] as Token;
      consumed += token.raw.length;
      this.freeze(token, linksKnown);
    }
    if (consumed > 0) {
      this.frozenText.push(this.tail.slice(0, consumed));
      this.tail = this.tail.slice(consumed);
    }

    let used = 0;
    for (let i = Math.max(liveStart, 0); i <= last; i++) {
      const token = tokens[i] as Token;
      if (isInvisibleToken(token)) continue;
      let element = this.live[used];
      if (element === undefined) {
        element = createBlockElement(this.container.ownerDocument);
        this.container.appendChild(element);
        this.live.push(element);
      }
      used++;
      renderBlockInto(element, token);
      if (i === last && token.type === "code") this.openFence = this.trackOpenFence(token as Tokens.Code, element);
    }
    for (const extra of this.live.splice(used)) extra.remove();
    this.renderedTailLength = this.tail.length;
  }

  private freeze(token: Token, linksKnown: number): void {
    if (token.type === "def") {
      const def = token as Tokens.Def;
      if (!(def.tag in this.links)) this.links[def.tag] = { href: def.href, title: def.title };
      return;
    }
    if (token.type === "space") return;
    // The element that showed this block while it was unfinished becomes its final element.
    let element = this.live.shift();
    if (element === undefined) {
      element = createBlockElement(this.container.ownerDocument);
      this.container.appendChild(element);
    }
    renderBlockInto(element, token);
    this.frozen.push({ element, raw: token.raw, linksKnown });
  }

  /** For an unclosed top-level fence, the text node its later deltas can simply be appended to. */
  private trackOpenFence(token: Tokens.Code, element: HTMLElement): OpenFence | null {
    if (token.codeBlockStyle === "indented" || isClosedCodeBlock(token)) return null;
    const raw = token.raw;
    const char = raw[0];
    if ((char !== "`" && char !== "~") || raw.length !== this.tail.length) return null;
    const newline = raw.indexOf("\n");
    if (newline < 0) return null;
    const code = element.querySelector("pre > code");
    if (code === null) return null;
    const text = element.ownerDocument.createTextNode(raw.slice(newline + 1));
    code.replaceChildren(text);
    return { char, text };
  }
}

function lastVisibleIndex(tokens: Token[], from: number): number {
  let index = from;
  while (index >= 0 && tokens[index]?.type === "space") index--;
  return index;
}

/** The finished DOM of `text` without streaming, for messages loaded from history. */
export { renderMarkdownInto } from "./markdown";
