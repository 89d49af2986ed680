// DOM queries for the screen tests, by role and accessible name like the WebDriver tests (a small,
// explicit subset of the ARIA rules: enough for the roles this app uses).

const IMPLICIT_ROLES: Record<string, string> = {
  BUTTON: "button",
  NAV: "navigation",
  ARTICLE: "article",
  TEXTAREA: "textbox",
  SELECT: "combobox",
  DIALOG: "dialog",
  A: "link",
  H1: "heading",
  H2: "heading",
  MARK: "mark",
};

const INPUT_ROLES: Record<string, string> = { search: "searchbox", checkbox: "checkbox", radio: "radio" };

export function accessibleName(element: Element): string {
  const label = element.getAttribute("aria-label");
  if (label !== null) return label;
  if (element.id) {
    const forLabel = document.querySelector(`label[for="${element.id}"]`);
    if (forLabel) return forLabel.textContent?.trim() ?? "";
  }
  return element.textContent?.trim() ?? "";
}

export function all(role: string, name?: string | RegExp): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("*")).filter((element) => {
    if (element.closest("[hidden]")) return false;
    const actual = element.getAttribute("role") ?? IMPLICIT_ROLES[element.tagName] ??
      (element.tagName === "INPUT" ? (INPUT_ROLES[element.getAttribute("type") ?? "text"] ?? "textbox") : "");
    if (actual !== role) return false;
    if (name === undefined) return true;
    const actualName = accessibleName(element);
    return typeof name === "string" ? actualName === name : name.test(actualName);
  });
}

export function get(role: string, name?: string | RegExp): HTMLElement {
  const found = all(role, name);
  if (found.length !== 1) throw new Error(`expected one ${role} named ${String(name)}, found ${found.length}`);
  return found[0] as HTMLElement;
}

export function type(field: HTMLElement, text: string): void {
  (field as HTMLInputElement).value = text;
  field.dispatchEvent(new Event("input", { bubbles: true }));
}

export function press(field: HTMLElement, key: string, init: KeyboardEventInit = {}): void {
  field.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }));
}


/** Sets a select's, date field's or checkbox's value the way a user does, with its change event. */
export function choose(field: HTMLElement, value: string | boolean): void {
  if (typeof value === "boolean") (field as HTMLInputElement).checked = value;
  else (field as HTMLInputElement | HTMLSelectElement).value = value;
  field.dispatchEvent(new Event("change", { bubbles: true }));
}
