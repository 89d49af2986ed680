// A toolbar with the language and a Copy button above every code block.

const COPIED_FOR_MS = 1500;

/** Wraps each `<pre>` inside `root` in a `.md-code` box with a "Copy" button. */
export function decorateCodeBlocks(root: HTMLElement): void {
  const doc = root.ownerDocument;
  for (const pre of Array.from(root.querySelectorAll("pre"))) {
    if (pre.parentElement?.classList.contains("md-code")) continue;
    const box = doc.createElement("div");
    box.className = "md-code";
    const bar = doc.createElement("div");
    bar.className = "md-code-bar";
    const language = doc.createElement("span");
    language.className = "md-code-lang";
    language.textContent = codeLanguage(pre);
    const copy = doc.createElement("button");
    copy.type = "button";
    copy.className = "md-code-copy";
    copy.textContent = "Copy";
    copy.addEventListener("click", () => {
      void copyCode(copy, pre);
    });
    bar.append(language, copy);
    pre.replaceWith(box);
    box.append(bar, pre);
  }
}

function codeLanguage(pre: HTMLElement): string {
  const code = pre.querySelector("code");
  for (const name of Array.from(code?.classList ?? [])) {
    if (name.startsWith("language-")) return name.slice("language-".length);
  }
  return "";
}

async function copyCode(button: HTMLButtonElement, pre: HTMLElement): Promise<void> {
  const text = (pre.textContent ?? "").replace(/\n$/, "");
  const ok = await copyText(text, pre.ownerDocument);
  button.textContent = ok ? "Copied" : "Copy failed";
  setTimeout(() => {
    button.textContent = "Copy";
  }, COPIED_FOR_MS);
}

/** Puts `text` on the clipboard; falls back to a hidden textarea where the Clipboard API is missing. */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  try {
    if (doc.defaultView?.navigator.clipboard) {
      await doc.defaultView.navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the older way
  }
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  doc.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = doc.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
