// Errors as a person reads them: a role="alert" banner with the core's message and its action button.
import { openExternal, toUserError, type UserAction, type UserError } from "../api";
import { isExternalUrl } from "../safe-url";
import { button, el } from "./elements";

export interface ErrorHandlers {
  /** What "retry" means where the error happened; without it a retry action is not offered. */
  retry?: () => void;
  /** Back to the first-run screen to enter a key. */
  enterKey?: () => void;
  /** Use `model` instead and try again (an error that suggested another model). */
  switchModel?: (model: string) => void;
  /** Ask again for a reply of at most `maxTokens` (a 402 that said what the credits cover). */
  retryShorter?: (maxTokens: number) => void;
  /** Send the refused message past the monthly budget (the user's answer to "Send anyway?"). */
  sendAnyway?: () => void;
}

/** The button for one of an error's actions, or null when it cannot be done here. */
function buttonFor(action: UserAction, handlers: ErrorHandlers): HTMLButtonElement | null {
  const make = (run: () => void): HTMLButtonElement => button(action.label, run, { className: "action" });
  switch (action.kind) {
    case "open_url": {
      const url = action.url ?? "";
      if (!isExternalUrl(url)) return null;
      return make(() => void openExternal(url).catch(() => undefined));
    }
    case "retry": {
      const retry = handlers.retry;
      return retry ? make(retry) : null;
    }
    case "enter_key": {
      const enterKey = handlers.enterKey;
      return enterKey ? make(enterKey) : null;
    }
    case "switch_model": {
      const model = action.model ?? "";
      const switchModel = handlers.switchModel;
      return switchModel && model !== "" ? make(() => switchModel(model)) : null;
    }
    case "retry_shorter": {
      const maxTokens = action.max_tokens;
      const retryShorter = handlers.retryShorter;
      const valid = typeof maxTokens === "number" && Number.isInteger(maxTokens) && maxTokens > 0;
      return retryShorter && valid ? make(() => retryShorter(maxTokens)) : null;
    }
    case "send_anyway": {
      const sendAnyway = handlers.sendAnyway;
      return sendAnyway ? make(sendAnyway) : null;
    }
    default:
      return null;
  }
}

/** A button for each of an error's actions that can be done here, the main one first. */
export function actionButtons(error: UserError, handlers: ErrorHandlers): { action: UserAction; button: HTMLButtonElement }[] {
  const made: { action: UserAction; button: HTMLButtonElement }[] = [];
  for (const action of [error.action, error.second_action]) {
    if (!action) continue;
    const shown = buttonFor(action, handlers);
    if (shown) made.push({ action, button: shown });
  }
  return made;
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
  for (const made of actionButtons(error, handlers)) actions.append(made.button);
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
