// Markdown → sanitized DOM. Model output is hostile: marked does not sanitize, so every piece of HTML it
// produces goes through DOMPurify with a strict allowlist before it reaches the page. Remote images never
// load (they become a placeholder with the URL as a link), links only keep http(s)/mailto targets and are
// opened in the system browser by handleLinkClicks, never inside the webview.
import createDOMPurify from "dompurify";
import type { Config } from "dompurify";
import { Lexer, Marked, type Links, type Token, type Tokens } from "marked";
import { isExternalUrl, isInlineImageUrl } from "../safe-url";
import { decorateCodeBlocks } from "./code-blocks";
import { highlightCode, languageFor } from "./highlight";

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** False while a fenced code block is still waiting for its closing fence (it then renders plain). */
export function isClosedCodeBlock(token: Tokens.Code): boolean {
  if (token.codeBlockStyle === "indented") return true;
  const raw = token.raw;
  const opening = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
  if (!opening || opening[1] === undefined) return true;
  const fence = opening[1];
  const lines = raw.replace(/\n+$/, "").split("\n");
  if (lines.length < 2) return false;
  const last = lines[lines.length - 1] ?? "";
  const char = fence[0] === "`" ? "`" : "~";
  return new RegExp(`^ {0,3}${char}{${fence.length},}[ \\t]*$`).test(last);
}

const markdown = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code(token: Tokens.Code): string {
      const text = token.text.replace(/\n$/, "") + "\n";
      const language = isClosedCodeBlock(token) ? languageFor(token.lang) : null;
      const highlighted = highlightCode(text, language);
      if (highlighted !== null && language !== null) {
        return `<pre><code class="hljs language-${escapeHtml(language)}">${highlighted}</code></pre>\n`;
      }
      return `<pre><code>${escapeHtml(text)}</code></pre>\n`;
    },
    checkbox({ checked }: Tokens.Checkbox): string {
      return `<span class="md-task">${checked ? "\u2611" : "\u2610"}</span> `;
    },
  },
});

// ---------------------------------------------------------------------------
// Sanitizing

const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
  "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
  "thead", "tr", "u", "ul",
];

const ALLOWED_ATTR = ["href", "title", "alt", "src", "class", "start", "align", "colspan", "rowspan", "open"];

const FORBID_TAGS = [
  "script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet",
  "form", "input", "button", "textarea", "select", "option", "svg", "math", "video", "audio", "source",
  "track", "picture", "canvas", "template", "noscript", "portal", "dialog",
];

const FORBID_ATTR = ["style", "srcset", "target", "id", "name", "formaction", "action", "ping", "background", "poster"];

const SANITIZE_CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Only these schemes survive in href/src; attributes that are not URLs are listed as URI-safe.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/)/i,
  ADD_URI_SAFE_ATTR: ["align", "start", "colspan", "rowspan", "open"],
  RETURN_DOM: false,
  RETURN_DOM_FRAGMENT: false,
};

/** Classes that may survive: highlight.js token classes, code language classes and our own `md-` ones. */
const SAFE_CLASS = /^(?:hljs(?:-[a-z0-9_-]+)?|language-[a-z0-9_+#.-]+|md-[a-z-]+|[a-z]+_)$/i;

const purifier = createDOMPurify(window);

purifier.addHook("uponSanitizeElement", (node, data) => {
  if (data.tagName !== "img" || node.nodeType !== 1) return;
  const image = node as Element;
  const src = image.getAttribute("src") ?? "";
  if (isInlineImageUrl(src)) return;
  // Any other image would be fetched as soon as it is on the page (markdown-image exfiltration):
  // show what it is instead, with its URL as a link the user may choose to open in the browser.
  const doc = image.ownerDocument;
  const placeholder = doc.createElement("span");
  placeholder.setAttribute("class", "md-image-blocked");
  const label = doc.createElement("span");
  label.setAttribute("class", "md-image-label");
  const alt = (image.getAttribute("alt") ?? "").trim();
  label.textContent = alt === "" ? "Image not loaded" : `Image not loaded: ${alt}`;
  placeholder.appendChild(label);
  if (isExternalUrl(src)) {
    placeholder.appendChild(doc.createTextNode(" "));
    const link = doc.createElement("a");
    link.setAttribute("href", src.trim());
    link.setAttribute("class", "md-image-url");
    link.textContent = src.trim();
    placeholder.appendChild(link);
  }
  image.parentNode?.insertBefore(placeholder, image);
  image.parentNode?.removeChild(image);
});

purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.nodeType !== 1) return;
  const element = node as Element;
  const tag = element.tagName.toLowerCase();
  const classes = element.getAttribute("class");
  if (classes !== null) {
    const kept = classes.split(/\s+/).filter((name) => SAFE_CLASS.test(name));
    if (kept.length > 0) element.setAttribute("class", kept.join(" "));
    else element.removeAttribute("class");
  }
  if (tag === "a") {
    const href = element.getAttribute("href");
    if (href !== null && !isExternalUrl(href)) element.removeAttribute("href");
    const kept = element.getAttribute("href");
    if (kept !== null && element.getAttribute("title") === null) element.setAttribute("title", kept);
  } else if (tag === "img") {
    const src = element.getAttribute("src");
    if (src === null || !isInlineImageUrl(src)) element.remove();
  } else if (element.hasAttribute("src")) {
    element.removeAttribute("src");
  }
});

/** DOMPurify with the app's allowlist; the result is safe for innerHTML. */
export function sanitizeHtml(html: string): string {
  return purifier.sanitize(html, SANITIZE_CONFIG) as string;
}

// ---------------------------------------------------------------------------
// Blocks

/** Top-level tokens of `src`; link definitions found earlier (`links`) resolve references in it. */
export function lexBlocks(src: string, links?: Links): { tokens: Token[]; links: Links } {
  const lexer = new Lexer(markdown.defaults);
  if (links) Object.assign(lexer.tokens.links, links);
  const tokens = lexer.lex(src);
  return { tokens: Array.from(tokens), links: tokens.links };
}

/** Tokens that produce no element of their own. */
export function isInvisibleToken(token: Token): boolean {
  return token.type === "space" || token.type === "def";
}

export function renderTokensHtml(tokens: Token[]): string {
  return sanitizeHtml(markdown.parser(tokens));
}

/** Fills a block element with one top-level token, sanitized, code blocks decorated. */
export function renderBlockInto(element: HTMLElement, token: Token): void {
  element.innerHTML = renderTokensHtml([token]);
  decorateCodeBlocks(element);
}

export function createBlockElement(doc: Document): HTMLElement {
  const element = doc.createElement("div");
  element.className = "md-block";
  return element;
}

/**
 * Sanitized HTML of each block of recently rendered messages, by text: a message that scrolls out of a
 * long conversation and back is not parsed, highlighted and sanitized again. Least recently used first.
 */
const renderedBlocks = new Map<string, string[]>();
const RENDERED_CACHE_ENTRIES = 2000;
/** Longer texts are not kept (they are rare, and would hold on to a lot of memory). */
const RENDERED_CACHE_MAX_CHARS = 200_000;
let renderedCacheHits = 0;

/** How many renders the cache has answered (for tests). */
export function markdownCacheHits(): number {
  return renderedCacheHits;
}

function blocksHtml(text: string): string[] {
  const cached = renderedBlocks.get(text);
  if (cached !== undefined) {
    renderedCacheHits += 1;
    renderedBlocks.delete(text);
    renderedBlocks.set(text, cached);
    return cached;
  }
  const { tokens } = lexBlocks(text);
  const blocks = tokens.filter((token) => !isInvisibleToken(token)).map((token) => renderTokensHtml([token]));
  if (text.length <= RENDERED_CACHE_MAX_CHARS) {
    renderedBlocks.set(text, blocks);
    if (renderedBlocks.size > RENDERED_CACHE_ENTRIES) {
      const oldest = renderedBlocks.keys().next();
      if (!oldest.done) renderedBlocks.delete(oldest.value);
    }
  }
  return blocks;
}

/** One-shot render of a whole message: one `.md-block` per top-level block. */
export function renderMarkdownInto(container: HTMLElement, text: string): void {
  container.replaceChildren();
  for (const html of blocksHtml(text)) {
    const block = createBlockElement(container.ownerDocument);
    // Already through DOMPurify (renderTokensHtml), as renderBlockInto does.
    block.innerHTML = html;
    decorateCodeBlocks(block);
    container.appendChild(block);
  }
}

/** The whole message as one sanitized HTML string (no code-block decoration). */
export function renderMarkdownHtml(text: string): string {
  return renderTokensHtml(lexBlocks(text).tokens);
}

// ---------------------------------------------------------------------------
// Links

/**
 * Clicking a link inside `root` never navigates the webview: http(s)/mailto links are handed to `open`
 * (the system browser), anything else does nothing. Returns a function that removes the handler.
 */
export function handleLinkClicks(root: HTMLElement, open: (url: string) => void): () => void {
  const onClick = (event: MouseEvent): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const link = target.closest("a");
    if (link === null || !root.contains(link)) return;
    event.preventDefault();
    if (event.type === "auxclick" && event.button !== 1) return;
    const href = link.getAttribute("href");
    if (href !== null && isExternalUrl(href)) open(href);
  };
  root.addEventListener("click", onClick);
  root.addEventListener("auxclick", onClick);
  return () => {
    root.removeEventListener("click", onClick);
    root.removeEventListener("auxclick", onClick);
  };
}
