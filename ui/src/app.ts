// The app's two screens: the first-run screen until a key is stored, then the main screen. Without a
// key but with saved conversations (key forgotten, keyring unavailable), the main screen opens read-only:
// history never depends on the key or the network.
import { appStatus, getSettings, listConversationsPage, toUserError, type AppStatus, type Settings } from "./api";
import { applyTheme } from "./theme";
import { button, el } from "./views/elements";
import { renderHistoryProblem } from "./views/history-problem";
import { renderOnboarding } from "./views/onboarding";
import { renderWorkspace } from "./views/workspace";

const FALLBACK_SETTINGS: Settings = { default_model: "openrouter/auto", theme: "system" };

/** The user chose to go on without saving while the history file cannot be opened (this run only). */
let historyProblemAccepted = false;

function appRoot(): HTMLElement {
  const existing = document.getElementById("app");
  if (existing) return existing;
  const created = el("div", { attrs: { id: "app" } });
  document.body.append(created);
  return created;
}

function renderStartupFailure(root: HTMLElement, reason: unknown): void {
  const error = toUserError(reason);
  root.replaceChildren(
    el(
      "main",
      { className: "onboarding" },
      el(
        "div",
        { className: "onboarding-card" },
        el("h1", { text: "OpenRouter Desktop could not start" }),
        el("div", { className: "form-alert", attrs: { role: "alert" } }, el("p", { text: error.message })),
        button("Try again", () => void startApp(), { className: "primary" }),
      ),
    ),
  );
}

/** Shows the right screen for the core's state; called again after the key is saved. */
export async function startApp(): Promise<void> {
  const root = appRoot();
  let status: AppStatus;
  try {
    status = await appStatus();
  } catch (reason) {
    renderStartupFailure(root, reason);
    return;
  }
  let settings = FALLBACK_SETTINGS;
  let startupError: unknown;
  try {
    settings = await getSettings();
  } catch (reason) {
    startupError = reason;
  }
  applyTheme(settings.theme);
  const problem = status.history_problem;
  if (problem && !historyProblemAccepted) {
    renderHistoryProblem(root, {
      problem,
      onResolved: () => void startApp(),
      onContinue: () => {
        historyProblemAccepted = true;
        void startApp();
      },
    });
    return;
  }
  if (status.has_key || (await hasHistory())) showWorkspace(root, status, settings, startupError);
  else showOnboarding(root, status);
}

async function hasHistory(): Promise<boolean> {
  try {
    // One row is enough to know; the sidebar pages in the rest.
    return (await listConversationsPage(null, 1)).total > 0;
  } catch {
    return false;
  }
}

function showOnboarding(root: HTMLElement, status: AppStatus | null): void {
  renderOnboarding(root, {
    status,
    onDone: () => void startApp(),
  });
}

function showWorkspace(root: HTMLElement, status: AppStatus, settings: Settings, startupError: unknown): void {
  renderWorkspace(root, {
    status,
    settings,
    startupError,
    onNeedKey: () => {
      appStatus()
        .then((fresh) => showOnboarding(root, fresh))
        .catch(() => showOnboarding(root, null));
    },
  });
}
