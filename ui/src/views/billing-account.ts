// The Billing view's management-key part. Without a management key: what one adds, a link to the credits
// page, and a field to paste one. With one: the account's credit balance (/credits) and OpenRouter's own
// activity of the last 30 UTC days (/activity), and "Remove". The pasted key goes straight into the save
// call and the field is emptied right after: the page keeps no copy of it.
import { accountStatus, forgetManagementKey, saveManagementKey, toUserError, type AccountStatus } from "../api";
import { activityByDay, activityByModel, balanceText, CREDITS_URL, timeText } from "../billing-text";
import { dayText } from "../billing-range";
import { formatCount, formatNanos } from "../format";
import { handleLinkClicks } from "../render/markdown";
import { button, el, uniqueId } from "./elements";

export interface AccountSection {
  element: HTMLElement;
  load(): Promise<void>;
}

/** Rows of the activity tables shown at most (30 days × a few models stays short anyway). */
const MODEL_ROWS = 10;

export function accountSection(openLink: (url: string) => void): AccountSection {
  const headingId = uniqueId("billing-account");
  const body = el("div", { className: "billing-account-body" });
  const problem = el("p", { className: "form-alert", attrs: { role: "alert" } });
  problem.hidden = true;
  const element = el("section", { className: "billing-section billing-account", attrs: { "aria-labelledby": headingId } },
    el("h3", { text: "OpenRouter account", attrs: { id: headingId } }), problem, body);
  handleLinkClicks(element, openLink);

  function showProblem(reason: unknown): void {
    problem.textContent = toUserError(reason).message;
    problem.hidden = false;
  }

  function clearProblem(): void {
    problem.hidden = true;
    problem.textContent = "";
  }

  async function load(): Promise<void> {
    body.replaceChildren(el("p", { className: "hint", text: "Loading the account\u2026", attrs: { role: "status" } }));
    try {
      show(await accountStatus());
    } catch (reason) {
      body.replaceChildren(button("Try again", () => void load(), { className: "secondary" }));
      showProblem(reason);
    }
  }

  function show(status: AccountStatus): void {
    if (!status.has_management_key) {
      body.replaceChildren(...withoutKey());
      return;
    }
    const parts: Node[] = [];
    if (status.error !== null) {
      parts.push(el("p", { className: "form-alert", text: `Couldn't read the account: ${status.error.message}`, attrs: { role: "alert" } }),
        button("Try again", () => void load(), { className: "secondary" }));
    }
    if (status.balance !== null) {
      const asOf = status.fetched_at === null ? "" : ` (as of ${timeText(status.fetched_at)})`;
      parts.push(el("p", { className: "billing-balance" }, el("strong", { text: "Credit balance: " }), `${balanceText(status.balance)}${asOf}`));
    }
    if (status.activity !== null) parts.push(...activity(status));
    parts.push(el("div", { className: "billing-actions" }, button("Remove management key", () => void remove(), { className: "secondary" })));
    body.replaceChildren(...parts);
  }

  function withoutKey(): Node[] {
    const fieldId = uniqueId("management-key");
    const input = el("input", {
      className: "billing-key-input",
      attrs: { id: fieldId, type: "password", autocomplete: "off", spellcheck: "false", placeholder: "sk-or-v1-\u2026" },
    });
    const save = el("button", { text: "Save", attrs: { type: "submit" } });
    const form = el("form", { className: "billing-key-form" },
      el("label", { text: "Management key", attrs: { for: fieldId } }),
      el("div", { className: "billing-key-row" }, input, save));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submit(input, save);
    });
    return [
      el("p", { text: "Your API key cannot read your account\u2019s credit balance or OpenRouter\u2019s own activity records; a management key can. With one, this view also shows the balance (from /credits) and the last 30 days of OpenRouter\u2019s activity." }),
      el("p", {}, el("a", { text: "Open the credits page", attrs: { href: CREDITS_URL } })),
      form,
    ];
  }

  async function submit(input: HTMLInputElement, save: HTMLButtonElement): Promise<void> {
    clearProblem();
    if (input.value.trim() === "") {
      showProblem("Paste a management key first.");
      input.focus();
      return;
    }
    save.disabled = true;
    save.textContent = "Checking\u2026";
    // The key goes straight into the call and out of the page: no variable keeps it, the field is emptied.
    const saving = saveManagementKey(input.value.trim());
    input.value = "";
    try {
      show(await saving);
    } catch (reason) {
      save.disabled = false;
      save.textContent = "Save";
      showProblem(reason);
      input.focus();
    }
  }

  async function remove(): Promise<void> {
    clearProblem();
    try {
      await forgetManagementKey();
      show({ has_management_key: false, balance: null, activity: null, error: null, fetched_at: null });
    } catch (reason) {
      showProblem(reason);
    }
  }

  return { element, load };
}

function activity(status: AccountStatus): Node[] {
  const rows = status.activity ?? [];
  if (rows.length === 0) return [el("p", { className: "hint", text: "OpenRouter has no activity for this account in the last 30 days." })];
  const days = activityByDay(rows);
  const models = activityByModel(rows).slice(0, MODEL_ROWS);
  const total = days.reduce((sum, day) => sum + day.usage_nanos, 0);
  const requests = days.reduce((sum, day) => sum + day.requests, 0);
  return [
    el("h4", { text: "OpenRouter\u2019s activity, last 30 days (UTC days)" }),
    el("p", { text: `${formatNanos(total)} over ${formatCount(requests)} ${requests === 1 ? "request" : "requests"}, counted by OpenRouter for the whole account.` }),
    // Thirty rows: scrolled in a box of their own, so the by-model table stays in sight.
    el("div", { className: "billing-scroll", attrs: { tabindex: "0", role: "region", "aria-label": "Activity by UTC day" } },
      table("Activity by UTC day", ["Day (UTC)", "Requests", "Tokens", "Spend"],
        days.map((day) => [dayText(day.date), formatCount(day.requests), formatCount(day.tokens), formatNanos(day.usage_nanos)]))),
    table("Activity by model", ["Model", "Requests", "Spend"],
      models.map((model) => [model.model, formatCount(model.requests), formatNanos(model.usage_nanos)])),
  ];
}

/** A plain table: the first column names the row, the others are figures. */
export function table(caption: string, head: string[], rows: string[][]): HTMLTableElement {
  return el("table", { className: "billing-table" },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, ...head.map((text) => el("th", { text, attrs: { scope: "col" } })))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((text, i) =>
      i === 0 ? el("th", { text, attrs: { scope: "row" } }) : el("td", { text, className: "num" }))))),
  );
}
