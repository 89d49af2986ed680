// Modal dialogs on the native <dialog> element: focus is kept inside, Esc closes, focus returns after.
import { button, el } from "./elements";

export interface ModalDialog {
  dialog: HTMLDialogElement;
  close(): void;
  /** Resolves once the dialog has closed, however that happened. */
  closed: Promise<void>;
}

export function openDialog(label: string, className: string, role: "dialog" | "alertdialog" = "dialog"): ModalDialog {
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const dialog = el("dialog", { className: `modal ${className}`, attrs: { role, "aria-label": label } });
  document.body.appendChild(dialog);
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let isClosed = false;
  const finish = (): void => {
    if (isClosed) return;
    isClosed = true;
    dialog.remove();
    if (previousFocus?.isConnected) previousFocus.focus();
    resolveClosed();
  };
  dialog.addEventListener("close", finish);
  // Esc: the browser fires "cancel" and closes a modal dialog; jsdom and old engines may not.
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      close();
    }
  });
  // A click on the backdrop (the dialog element itself, outside its content box) closes it.
  dialog.addEventListener("mousedown", (event) => {
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside && box.width > 0) close();
  });
  function close(): void {
    if (typeof dialog.close === "function" && dialog.open) dialog.close();
    finish();
  }
  if (typeof dialog.showModal === "function") dialog.showModal();
  else dialog.setAttribute("open", "");
  return { dialog, close, closed };
}

/** Asks a yes/no question; resolves true when the user confirms. */
export function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  const modal = openDialog(title, "confirm-dialog", "alertdialog");
  let confirmed = false;
  const cancel = button("Cancel", () => modal.close(), { className: "secondary" });
  const confirm = button(confirmLabel, () => {
    confirmed = true;
    modal.close();
  }, { className: "danger" });
  modal.dialog.append(
    el("h2", { text: title }),
    el("p", { text: message }),
    el("div", { className: "dialog-actions" }, cancel, confirm),
  );
  cancel.focus();
  return modal.closed.then(() => confirmed);
}
