// Errors as a person reads them: a role="alert" banner with the core's message and its action button.
import { openExternal, toUserError, type UserError } from "../api";
import { isExternalUrl } from "../safe-url";
import { button, el } from "./elements";

export interface ErrorHandlers {
  /** What "retry" means where the error happened; without it a retry action is not offered. */
  retry?: () => void;
  /** Back to the first-run screen to enter a key. */
  enterKey?: () => void;
  /** Use `model` instead and try again (an error that suggested another model). */
  switchModel?: (model: string) => void;
}

/** The button for an error's suggested action, or null when there is none that can be done here. */
export function actionButton(error: UserError, handlers: ErrorHandlers): HTMLButtonElement | null {
  const action = error.action;
  if (!action) return null;
  switch (action.kind) {
    case "open_url": {
      const url = action.url ?? "";
      if (!isExternalUrl(url)) return null;
      return button(action.label, () => {
        void openExternal(url).catch(() => undefined);
      }, { className: "action" });
    }
    case "retry":
      return handlers.retry ? button(action.label, () => handlers.retry?.(), { className: "action" }) : null;
    case "enter_key":
      return handlers.enterKey ? button(action.label, () => handlers.enterKey?.(), { className: "action" }) : null;
    case "switch_model": {
      const model = action.model ?? "";
      if (!handlers.switchModel || model === "") return null;
      return button(action.label, () => handlers.switchModel?.(model), { className: "action" });
    }
    default:
      return null;
  }
}

function retryAfterText(error: UserError): string | null {
  const seconds = error.retry_after_secs;
  if (typeof seconds !== "number" || seconds <= 0) return null;
  return seconds === 1 ? "You can try again in 1 second." : `You can try again in ${Math.ceil(seconds)} seconds.`;
}

/** A dismissible banner; `onDismiss` runs when the user closes it. */
export function errorBanner(reason: unknown, handlers: ErrorHandlers, onDismiss: () => void): HTMLElement {
  const error = toUserError(reason);
  const banner = el("div", { className: "banner", attrs: { role: "alert", "data-error-kind": error.kind } });
  const text = el("div", { className: "banner-text" }, el("p", { className: "banner-message", text: error.message }));
  const after = retryAfterText(error);
  if (after !== null) text.append(el("p", { className: "banner-detail", text: after }));
  const actions = el("div", { className: "banner-actions" });
  const action = actionButton(error, handlers);
  if (action) actions.append(action);
  actions.append(
    button("Dismiss", () => {
      banner.remove();
      onDismiss();
    }, { className: "icon-button dismiss", attrs: { "aria-label": "Dismiss" }, text: "\u00d7" }),
  );
  banner.append(text, actions);
  return banner;
}

/** One place that shows at most one banner at a time. */
export class BannerArea {
  readonly element: HTMLElement;

  constructor(className = "banner-area") {
    this.element = el("div", { className });
  }

  show(reason: unknown, handlers: ErrorHandlers = {}): void {
    this.element.replaceChildren(errorBanner(reason, handlers, () => undefined));
  }

  clear(): void {
    this.element.replaceChildren();
  }
}
