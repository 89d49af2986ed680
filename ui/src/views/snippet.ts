// A search snippet as DOM: plain text nodes, the matched words in <mark>. Never parsed as HTML.
import type { SnippetPart } from "../api";

export function snippetElement(parts: readonly SnippetPart[], className = "snippet"): HTMLElement {
  const element = document.createElement("p");
  element.className = className;
  for (const part of parts) {
    if (part.text === "") continue;
    if (part.hit) {
      const mark = document.createElement("mark");
      mark.textContent = part.text;
      element.append(mark);
    } else {
      element.append(document.createTextNode(part.text));
    }
  }
  return element;
}
