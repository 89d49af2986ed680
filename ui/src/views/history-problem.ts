// The screen shown before anything else when the history file could not be opened. It says what happened,
// names the file (which has not been touched), and offers the way out that fits: a fresh history beside a
// damaged file, another try for an unreadable one, or going on without saving for this session.
import { retryOpenHistory, startFreshHistory, toUserError, type HistoryProblem } from "../api";
import { button, el } from "./elements";

export interface HistoryProblemOptions {
  problem: HistoryProblem;
  /** The history is usable again (a fresh file, or the file opened on retry). */
  onResolved: () => void;
  /** The user goes on with an in-memory history for this session. */
  onContinue: () => void;
}

const HEADINGS: Record<HistoryProblem["kind"], string> = {
  damaged: "Your chat history could not be opened",
  too_new: "This chat history needs a newer version of the app",
  unreadable: "Your chat history could not be opened",
};

const ADVICE: Record<HistoryProblem["kind"], string> = {
  damaged:
    "You can start a fresh, empty history. The damaged file is renamed and kept in the same folder, so it " +
    "can still be rescued later; nothing is deleted.",
  too_new: "Install the latest version of OpenRouter Desktop to open it. Until then it stays as it is.",
  unreadable:
    "Check that the file's folder exists and that no other program (or a second copy of this app) is " +
    "using it, then try again.",
};

export function renderHistoryProblem(root: HTMLElement, options: HistoryProblemOptions): void {
  let problem = options.problem;
  const alert = el("div", { className: "form-alert", attrs: { role: "alert" } });
  const advice = el("p");
  const file = el("p", { className: "hint" });
  const actions = el("div", { className: "problem-actions" });
  const status = el("div", { attrs: { "aria-live": "polite" } });
  const heading = el("h1");
  const card = el("div", { className: "onboarding-card history-problem" }, heading, alert, advice, file, actions, status);

  const busy = (on: boolean): void => {
    for (const b of actions.querySelectorAll("button")) b.disabled = on;
  };
  const fail = (reason: unknown): void => {
    busy(false);
    status.replaceChildren(el("div", { className: "form-alert", attrs: { role: "alert" } }, el("p", { text: toUserError(reason).message })));
  };

  const startFresh = (): void => {
    busy(true);
    startFreshHistory()
      .then((fresh) => showFresh(fresh.kept_at))
      .catch(fail);
  };
  const retry = (): void => {
    busy(true);
    retryOpenHistory()
      .then((still) => {
        if (still === null) options.onResolved();
        else {
          problem = still;
          show();
          status.replaceChildren(el("p", { className: "note", text: "It still could not be opened." }));
        }
      })
      .catch(fail);
  };
  const goOn = button("Continue without saving", () => options.onContinue());

  const show = (): void => {
    heading.textContent = HEADINGS[problem.kind];
    alert.replaceChildren(el("p", { text: problem.message }));
    advice.textContent = ADVICE[problem.kind];
    file.replaceChildren("The file: ", el("code", { text: problem.path }));
    const main =
      problem.kind === "damaged"
        ? button("Start a fresh history", startFresh, { className: "primary" })
        : problem.kind === "unreadable"
          ? button("Try again", retry, { className: "primary" })
          : null;
    actions.replaceChildren(...(main ? [main] : []), goOn);
    busy(false);
  };

  const showFresh = (keptAt: string): void => {
    heading.textContent = "A fresh history was started";
    alert.remove();
    advice.textContent = "Your old history file was kept, renamed, in the same folder:";
    file.replaceChildren(el("code", { text: keptAt }));
    const go = button("Continue", () => options.onResolved(), { className: "primary" });
    actions.replaceChildren(go);
    status.replaceChildren();
    go.focus();
  };

  show();
  root.replaceChildren(el("main", { className: "onboarding" }, card));
  actions.querySelector("button")?.focus();
}
