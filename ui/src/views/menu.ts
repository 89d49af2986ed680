// A small popup menu under a button (role="menu" of "menuitem" buttons): arrow keys and Home/End move,
// Esc, Tab or a click outside close it, focus goes back to the button that opened it.
import { button, el } from "./elements";

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

let current: { close: (restoreFocus: boolean) => void } | null = null;

/** Closes the open menu, if any (e.g. before the list it belongs to is rebuilt). */
export function closeOpenMenu(): void {
  current?.close(false);
}

export function openPopupMenu(anchor: HTMLButtonElement, label: string, items: readonly MenuItem[]): void {
  closeOpenMenu();
  const menu = el("div", { className: "popup-menu", attrs: { role: "menu", "aria-label": label } });
  const entries = items.map((item) =>
    button(item.label, () => {
      close(true);
      item.onSelect();
    }, { className: item.danger ? "menu-item danger-item" : "menu-item", attrs: { role: "menuitem", tabindex: "-1" } }),
  );
  menu.append(...entries);

  const onOutside = (event: MouseEvent): void => {
    if (event.target instanceof Node && (menu.contains(event.target) || anchor.contains(event.target))) return;
    close(false);
  };
  const onResize = (): void => place(menu, anchor);

  function close(restoreFocus: boolean): void {
    if (current !== handle) return;
    current = null;
    menu.remove();
    anchor.setAttribute("aria-expanded", "false");
    document.removeEventListener("mousedown", onOutside, true);
    window.removeEventListener("resize", onResize);
    if (restoreFocus && anchor.isConnected) anchor.focus();
  }
  const handle = { close };

  function focusAt(index: number): void {
    const count = entries.length;
    entries[((index % count) + count) % count]?.focus();
  }

  menu.addEventListener("keydown", (event) => {
    const index = entries.indexOf(document.activeElement as HTMLButtonElement);
    switch (event.key) {
      case "ArrowDown":
        focusAt(index + 1);
        break;
      case "ArrowUp":
        focusAt(index < 0 ? -1 : index - 1);
        break;
      case "Home":
        focusAt(0);
        break;
      case "End":
        focusAt(-1);
        break;
      case "Escape":
        close(true);
        break;
      case "Tab":
        close(true);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  document.body.append(menu);
  place(menu, anchor);
  anchor.setAttribute("aria-expanded", "true");
  current = handle;
  document.addEventListener("mousedown", onOutside, true);
  window.addEventListener("resize", onResize);
  focusAt(0);
}

/** Below the button, right-aligned with it; above it when there is no room below. */
function place(menu: HTMLElement, anchor: HTMLElement): void {
  const box = anchor.getBoundingClientRect();
  const height = menu.offsetHeight;
  const below = box.bottom + 4;
  const top = below + height > window.innerHeight && box.top - 4 - height > 0 ? box.top - 4 - height : below;
  menu.style.top = `${Math.max(4, top)}px`;
  menu.style.left = `${Math.max(4, box.right - menu.offsetWidth)}px`;
}
