// Building DOM with safe APIs only: text goes in through textContent, never through HTML strings.

export interface ElementOptions {
  className?: string;
  text?: string;
  /** Plain attributes; event handlers are attached with addEventListener, never as attributes. */
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className !== undefined) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (/^on/i.test(name)) throw new Error(`refusing inline handler attribute ${name}`);
    element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  options: ElementOptions = {},
): HTMLButtonElement {
  const element = el("button", { ...options, text: options.text ?? label });
  element.type = "button";
  element.addEventListener("click", onClick);
  return element;
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Marks the row of conversation `currentId` in a conversation list as the open one (class "open", and
 * aria-current on its button), and no other: the main list, Quick prompts and Archived all mark it alike.
 */
export function markOpenConversation(list: HTMLElement, currentId: number | null): void {
  for (const item of Array.from(list.children)) {
    const open = item.getAttribute("data-conversation-id") === String(currentId);
    item.classList.toggle("open", open);
    const select = item.querySelector(".conversation");
    if (open) select?.setAttribute("aria-current", "page");
    else select?.removeAttribute("aria-current");
  }
}
