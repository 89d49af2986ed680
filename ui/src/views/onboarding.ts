// First run: paste an OpenRouter API key. The key goes to the Rust core once and is never read back.
import { openExternal, saveApiKey, toUserError, type AppStatus, type UserError } from "../api";
import { button, el, uniqueId } from "./elements";

const KEYS_URL = "https://openrouter.ai/keys";

export interface OnboardingOptions {
  status: AppStatus | null;
  /** Called once a key has been saved and checked. */
  onDone: () => void;
}

export function renderOnboarding(root: HTMLElement, options: OnboardingOptions): void {
  const inputId = uniqueId("api-key");
  const input = el("input", {
    className: "key-input",
    attrs: {
      id: inputId,
      type: "password",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      placeholder: "sk-or-v1-…",
    },
  });
  const save = el("button", { className: "primary", text: "Save key", attrs: { type: "submit" } });
  const errorSlot = el("div", { className: "onboarding-error" });

  const getKey = el("a", { text: "Get a key", attrs: { href: KEYS_URL } });
  getKey.addEventListener("click", (event) => {
    event.preventDefault();
    void openExternal(KEYS_URL).catch((reason: unknown) => showError(toUserError(reason)));
  });

  const form = el(
    "form",
    { className: "key-form", attrs: { novalidate: "" } },
    el("label", { text: "OpenRouter API key", attrs: { for: inputId } }),
    el("div", { className: "key-row" }, input, save),
  );

  const intro = el(
    "div",
    { className: "onboarding-card" },
    el("h1", { text: "Welcome to OpenRouter Desktop" }),
    el("p", {
      text:
        "Chat with hundreds of AI models through your OpenRouter account. Paste your API key below: " +
        "it is checked with OpenRouter, then kept in your system's keyring. It never leaves this computer " +
        "except to talk to OpenRouter.",
    }),
    form,
    errorSlot,
    el("p", { className: "hint" }, "No key yet? ", getKey, " on openrouter.ai, then paste it here."),
  );
  if (options.status?.keyring_problem) {
    intro.append(el("p", { className: "note", text: options.status.keyring_problem }));
  }

  let busy = false;

  function setBusy(value: boolean, activeButton: HTMLButtonElement, idleText: string): void {
    busy = value;
    save.disabled = value;
    activeButton.disabled = value;
    activeButton.textContent = value ? "Checking…" : idleText;
    input.readOnly = value;
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  function showError(error: UserError, offerSessionOnly = false): void {
    const alert = el("div", { className: "form-alert", attrs: { role: "alert", "data-error-kind": error.kind } });
    alert.append(el("p", { text: error.message }));
    if (offerSessionOnly) {
      const sessionOnly = button("Use this key for this session only", () => {
        void submit(true, sessionOnly, "Use this key for this session only");
      }, { className: "secondary" });
      alert.append(sessionOnly);
    }
    errorSlot.replaceChildren(alert);
  }

  async function submit(sessionOnly: boolean, activeButton: HTMLButtonElement, idleText: string): Promise<void> {
    if (busy) return;
    if (input.value.trim() === "") {
      showError({ kind: "invalid_input", message: "Paste your OpenRouter API key first." });
      input.focus();
      return;
    }
    if (!errorSlot.contains(activeButton)) errorSlot.replaceChildren();
    setBusy(true, activeButton, idleText);
    try {
      // Read straight from the field into the call: no other copy is kept in a variable.
      await saveApiKey(input.value.trim(), sessionOnly);
      input.value = "";
      input.remove();
      options.onDone();
    } catch (reason) {
      const error = toUserError(reason);
      setBusy(false, activeButton, idleText);
      showError(error, error.kind === "keyring_unavailable" && !sessionOnly);
      if (error.kind !== "keyring_unavailable") input.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit(false, save, "Save key");
  });

  const main = el("main", { className: "onboarding" }, intro);
  root.replaceChildren(main);
  input.focus();
}
