// The Billing view: what was spent today, this week and this month (this app's ledger beside the key's own
// figures from OpenRouter), a report over a range of days (spend and tokens by day, spend by model, the most
// expensive conversations, CSV export), and the management-key part (billing-account.ts).
// Every amount is formatted exactly from nano-dollars; every text from the core goes in as plain text.
import {
  budgetStatus,
  exportLedgerCsv,
  keyStatus,
  spendReport,
  spendWindows,
  toUserError,
  type KeyStatus,
  type SpendReport,
  type SpendTotals,
  type SpendWindows,
} from "../api";
import { chartSummary, dayReadout, formatAmount, modelLabel, spendChart, tokenChart, type StackedChart } from "../billing-data";
import { checkRange, localDay, presetRange, RANGE_CHOICES, rangeText, dayText, type DayRange, type RangeChoice } from "../billing-range";
import { budgetText, exportText, FREE_TIER_TEXT, keyLimitText, tokensText, totalsText } from "../billing-text";
import { conversationTitle } from "../conversation-title";
import { formatCount, formatNanos } from "../format";
import { accountSection, table } from "./billing-account";
import { drawWithUPlot, type ChartDrawer, type ChartHandle } from "./billing-chart";
import { openDialog } from "./dialog";
import { button, el, uniqueId } from "./elements";

export interface BillingOptions {
  openLink: (url: string) => void;
  /** Opens a conversation from the most expensive ones (the view closes first). */
  onOpenConversation: (id: number, title: string) => void;
  /** A conversation still waiting to be deleted (Undo is offered) shows as deleted. */
  isDeleted?: (id: number) => boolean;
  /** Draws the charts (tests pass a fake; the app draws with uPlot). */
  drawChart?: ChartDrawer;
  /** Today's local day, "YYYY-MM-DD" (tests). */
  today?: string;
}

export interface BillingView {
  closed: Promise<void>;
  close(): void;
}

export function openBilling(options: BillingOptions): BillingView {
  const modal = openDialog("Billing", "billing-dialog");
  const summary = spendingSummary();
  const report = reportSection({
    today: options.today ?? localDay(),
    draw: options.drawChart ?? drawWithUPlot,
    isDeleted: options.isDeleted ?? (() => false),
    onOpen: (id, title) => {
      modal.close();
      options.onOpenConversation(id, title);
    },
  });
  const account = accountSection(options.openLink);
  const close = button("\u00d7", () => modal.close(), { className: "icon-button", attrs: { "aria-label": "Close billing" } });
  modal.dialog.append(
    el("div", { className: "dialog-header billing-header" }, el("h2", { text: "Billing" }), close),
    el("div", { className: "billing-body" }, summary.element, report.element, account.element),
  );
  close.focus();
  void summary.load();
  void report.load();
  void account.load();
  const closed = modal.closed.then(() => report.dispose());
  return { closed, close: () => modal.close() };
}

// ------------------------------------------------------------------ today / this week / this month

const WINDOWS = ["Today", "This week", "This month"] as const;

function spendingSummary(): { element: HTMLElement; load(): Promise<void> } {
  const headingId = uniqueId("billing-spending");
  const localCells = WINDOWS.map(() => el("td", { className: "num", text: "\u2026" }));
  const keyCells = WINDOWS.map(() => el("td", { className: "num", text: "\u2026" }));
  const localProblem = el("p", { className: "form-alert", attrs: { role: "alert" } });
  const keyLine = el("div", { className: "billing-key-line", attrs: { role: "status" } });
  const notes = el("div", { className: "billing-notes" });
  localProblem.hidden = true;
  const grid = el("table", { className: "billing-table billing-windows" },
    el("caption", { className: "billing-sr-only", text: "Spend today, this week and this month" }),
    el("thead", {}, el("tr", {}, el("td"), ...WINDOWS.map((text) => el("th", { text, attrs: { scope: "col" } })))),
    el("tbody", {},
      el("tr", {}, rowHead("In this app", "your computer\u2019s days"), ...localCells),
      el("tr", {}, rowHead("This key at OpenRouter", "UTC days, as OpenRouter counts them"), ...keyCells)),
  );
  const element = el("section", { className: "billing-section", attrs: { "aria-labelledby": headingId } },
    el("h3", { text: "Spending", attrs: { id: headingId } }),
    grid,
    el("p", { className: "hint", text: "OpenRouter counts this key\u2019s use everywhere, not only in this app, and its days start at midnight UTC." }),
    localProblem, keyLine, notes);

  async function loadLocal(): Promise<void> {
    try {
      const windows = await spendWindows();
      showLocal(windows);
    } catch (reason) {
      localCells.forEach((cell) => (cell.textContent = "\u2014"));
      localProblem.textContent = `Couldn't read this app's spending: ${toUserError(reason).message}`;
      localProblem.hidden = false;
    }
  }

  function showLocal(windows: SpendWindows): void {
    [windows.today, windows.week, windows.month].forEach((totals, i) => localCells[i]?.replaceChildren(...amountCell(totals)));
  }

  async function loadKey(): Promise<void> {
    keyCells.forEach((cell) => (cell.textContent = "\u2026"));
    keyLine.replaceChildren(el("p", { className: "hint", text: "Asking OpenRouter for this key\u2019s figures\u2026" }));
    try {
      showKey(await keyStatus());
    } catch (reason) {
      keyCells.forEach((cell) => (cell.textContent = "\u2014"));
      keyLine.replaceChildren(
        el("p", { className: "form-alert", text: `Couldn't get OpenRouter's figures: ${toUserError(reason).message} This app's own figures above are still up to date.` }),
        button("Try again", () => void loadKey(), { className: "secondary small" }),
      );
    }
  }

  function showKey(key: KeyStatus): void {
    [key.usage_daily_nanos, key.usage_weekly_nanos, key.usage_monthly_nanos].forEach((nanos, i) => keyCells[i]?.replaceChildren(formatNanos(nanos)));
    keyLine.replaceChildren(el("p", { text: keyLimitText(key) }));
    if (key.is_free_tier) keyLine.append(el("p", { className: "billing-free-tier", text: FREE_TIER_TEXT }));
  }

  async function loadBudget(): Promise<void> {
    try {
      const text = budgetText(await budgetStatus());
      notes.replaceChildren(...(text === "" ? [] : [el("p", { text })]));
    } catch {
      // The budget line is extra: the settings show the budget, and the chat warns when it is reached.
    }
  }

  return { element, load: () => Promise.all([loadLocal(), loadKey(), loadBudget()]).then(() => undefined) };
}

function rowHead(title: string, note: string): HTMLElement {
  return el("th", { attrs: { scope: "row" } }, title, " ", el("span", { className: "hint billing-row-note", text: note }));
}

function amountCell(totals: SpendTotals): Node[] {
  const count = totals.replies === 1 ? "1 reply" : `${formatCount(totals.replies)} replies`;
  return [formatNanos(totals.cost_nanos), " ", el("span", { className: "hint billing-row-note", text: count })].map((part) =>
    typeof part === "string" ? document.createTextNode(part) : part);
}

// ------------------------------------------------------------------ the report over a range of days

/**
 * How long each report took, as User Timing measures the benchmark reads in the real page
 * (tests/tests/billing_bench.rs): "billing-report" (asking the core until the answer is in the page),
 * "billing-view" (from the answer to the report's DOM, chart data included) and "billing-chart" (from the
 * answer until both charts are drawn). Only the latest few hundred are kept.
 */
const reportTimings = {
  count: 0,
  record(asking: number, arrived: number, shown: number, charts: ChartHandle[]): void {
    if (typeof performance.measure !== "function") return;
    try {
      if (++this.count > 300) {
        for (const name of ["billing-report", "billing-view", "billing-chart"]) performance.clearMeasures(name);
        this.count = 1;
      }
      performance.measure("billing-report", { start: asking, end: arrived });
      performance.measure("billing-view", { start: arrived, end: shown });
      void Promise.all(charts.map((chart) => chart.drawn)).then((drawn) => {
        if (drawn.every((done) => done !== false)) performance.measure("billing-chart", { start: arrived, end: performance.now() });
      });
    } catch {
      // An engine without measure options: no figures, nothing else changes.
    }
  },
};

interface ReportOptions {
  today: string;
  draw: ChartDrawer;
  isDeleted: (id: number) => boolean;
  onOpen: (id: number, title: string) => void;
}

function reportSection(options: ReportOptions): { element: HTMLElement; load(): Promise<void>; dispose(): void } {
  const headingId = uniqueId("billing-report");
  let choice: RangeChoice = "30";
  let range: DayRange | null = presetRange("30", options.today);
  let charts: ChartHandle[] = [];
  /** Bumped per request: an answer for a range no longer chosen is dropped. */
  let generation = 0;

  const choiceId = uniqueId("billing-range");
  const select = el("select", { attrs: { id: choiceId } });
  for (const option of RANGE_CHOICES) select.append(el("option", { text: option.label, attrs: { value: option.value } }));
  select.value = choice;
  const from = dateField("First day");
  const to = dateField("Last day");
  const custom = el("div", { className: "billing-custom" }, from.wrapper, to.wrapper);
  custom.hidden = true;
  const exportButton = button("Export CSV", () => void exportCsv(), { className: "secondary" });
  const rangeProblem = el("p", { className: "form-alert", attrs: { role: "alert" } });
  rangeProblem.hidden = true;
  const exportStatus = el("p", { className: "billing-export-status", attrs: { role: "status" } });
  const content = el("div", { className: "billing-report" });
  const element = el("section", { className: "billing-section", attrs: { "aria-labelledby": headingId } },
    el("h3", { text: "Report", attrs: { id: headingId } }),
    el("div", { className: "billing-range" },
      el("div", { className: "billing-field" }, el("label", { text: "Days", attrs: { for: choiceId } }), select),
      custom, exportButton),
    rangeProblem, exportStatus, content);

  select.addEventListener("change", () => {
    choice = select.value as RangeChoice;
    if (choice === "custom") {
      from.input.value = range?.from ?? options.today;
      to.input.value = range?.to ?? options.today;
    }
    custom.hidden = choice !== "custom";
    readRange();
  });
  from.input.addEventListener("change", readRange);
  to.input.addEventListener("change", readRange);

  function readRange(): void {
    const checked = choice === "custom" ? checkRange(from.input.value, to.input.value) : { range: presetRange(choice, options.today) };
    rangeProblem.hidden = "range" in checked;
    rangeProblem.textContent = "problem" in checked ? checked.problem : "";
    range = "range" in checked ? checked.range : null;
    exportButton.disabled = range === null;
    if (range !== null) void load();
  }

  async function load(): Promise<void> {
    if (range === null) return;
    const asked = range;
    const request = ++generation;
    content.setAttribute("aria-busy", "true");
    if (content.childElementCount === 0) content.append(el("p", { className: "hint", text: "Loading the report\u2026" }));
    try {
      const asking = performance.now();
      const answer = await spendReport(asked.from, asked.to);
      if (request !== generation) return;
      const arrived = performance.now();
      show(answer);
      reportTimings.record(asking, arrived, performance.now(), charts);
    } catch (reason) {
      if (request !== generation) return;
      clearCharts();
      content.replaceChildren(
        el("p", { className: "form-alert", text: `Couldn't make the report: ${toUserError(reason).message}`, attrs: { role: "alert" } }),
        button("Try again", () => void load(), { className: "secondary small" }),
      );
    } finally {
      if (request === generation) content.removeAttribute("aria-busy");
    }
  }

  function show(answer: SpendReport): void {
    clearCharts();
    const days = { from: answer.from_day, to: answer.to_day };
    content.replaceChildren(
      el("p", { className: "billing-totals" }, el("strong", { text: `${rangeText(days)}: ` }),
        `${totalsText(answer.totals)}; ${tokensText(answer.totals)}.`),
      figure("Spend by day", spendChart(answer), "Nothing was spent on these days."),
      figure("Tokens by day", tokenChart(answer), "No tokens were used on these days."),
      modelTable(answer),
      conversationTable(answer),
    );
  }

  function figure(title: string, chart: StackedChart, empty: string): HTMLElement {
    const caption = el("figcaption", { text: title });
    if (chart.series.length === 0) return el("figure", { className: "billing-figure" }, caption, el("p", { className: "hint", text: empty }));
    const host = el("div", { className: "billing-chart", attrs: { role: "img", "aria-label": chartSummary(title, chart) } });
    const readout = el("p", { className: "billing-readout", attrs: { "aria-hidden": "true" } });
    charts.push(options.draw(host, chart, (index) => {
      readout.textContent = index === null ? "" : dayReadout(chart, index);
    }));
    return el("figure", { className: "billing-figure" }, caption, host, readout, legend(chart), figureTable(title, chart));
  }

  function conversationTable(answer: SpendReport): HTMLElement {
    const section = el("div", { className: "billing-block" }, el("h4", { text: "Most expensive conversations" }));
    if (answer.top_conversations.length === 0) {
      section.append(el("p", { className: "hint", text: "No conversation cost anything on these days." }));
      return section;
    }
    const rows = answer.top_conversations.map((conversation) => {
      const gone = conversation.title === null || options.isDeleted(conversation.conversation_id);
      const title = conversationTitle({ title: conversation.title ?? "" });
      const name = gone
        ? el("span", { className: "billing-deleted", text: "Deleted conversation" })
        : button(title, () => options.onOpen(conversation.conversation_id, title), { className: "link-button" });
      return el("tr", {}, el("th", { attrs: { scope: "row" } }, name),
        el("td", { className: "num", text: formatCount(conversation.replies) }),
        el("td", { className: "num", text: formatNanos(conversation.cost_nanos) }));
    });
    section.append(el("table", { className: "billing-table" },
      el("caption", { className: "billing-sr-only", text: "Most expensive conversations" }),
      el("thead", {}, el("tr", {}, ...["Conversation", "Replies", "Cost"].map((text) => el("th", { text, attrs: { scope: "col" } })))),
      el("tbody", {}, ...rows)));
    return section;
  }

  async function exportCsv(): Promise<void> {
    if (range === null) return;
    exportButton.disabled = true;
    exportStatus.textContent = "Choose where to save the CSV file\u2026";
    try {
      exportStatus.textContent = exportText(await exportLedgerCsv(range.from, range.to));
    } catch (reason) {
      exportStatus.textContent = `Couldn't export: ${toUserError(reason).message}`;
    } finally {
      exportButton.disabled = range === null;
    }
  }

  function clearCharts(): void {
    for (const chart of charts) chart.destroy();
    charts = [];
  }

  return { element, load, dispose: clearCharts };
}

function dateField(label: string): { wrapper: HTMLElement; input: HTMLInputElement } {
  const id = uniqueId("billing-day");
  const input = el("input", { attrs: { id, type: "date" } });
  return { wrapper: el("div", { className: "billing-field" }, el("label", { text: label, attrs: { for: id } }), input), input };
}

/** Colour keys of a chart, matching its bars (bottom of the stack first). */
function legend(chart: StackedChart): HTMLElement {
  return el("ul", { className: "billing-legend", attrs: { "aria-hidden": "true" } }, ...chart.series.map((series) =>
    el("li", {},
      el("span", { className: `billing-swatch billing-colour-${series.color < 0 ? "other" : series.color + 1}` }),
      `${series.label} ${formatAmount(chart, series.total)}`)));
}

/** The chart's figures as a table, made only when opened (a year is 365 rows): days with nothing are left out. */
function figureTable(title: string, chart: StackedChart): HTMLElement {
  const details = el("details", { className: "billing-details" }, el("summary", { text: "Show as a table" }));
  details.addEventListener("toggle", () => {
    if (!details.open || details.querySelector("table") !== null) return;
    const rows = chart.days.flatMap((day, i) => (chart.dayTotals[i] ?? 0) > 0
      ? [[dayText(day), formatAmount(chart, chart.dayTotals[i] ?? 0), ...chart.series.map((s) => formatAmount(chart, s.exact[i] ?? 0))]]
      : []);
    details.append(table(`${title} (days with nothing are left out)`, ["Day", "Total", ...chart.series.map((s) => s.label)], rows));
  });
  return details;
}

function modelTable(answer: SpendReport): HTMLElement {
  const section = el("div", { className: "billing-block" }, el("h4", { text: "Spend by model" }));
  if (answer.models.length === 0) {
    section.append(el("p", { className: "hint", text: "No replies on these days." }));
    return section;
  }
  const total = answer.totals.cost_nanos;
  const rows = answer.models.map((model) => {
    const share = total > 0 ? model.totals.cost_nanos / total : 0;
    const bar = el("span", { className: "billing-share-bar" });
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    bar.hidden = share === 0;
    return el("tr", {},
      el("th", { text: modelLabel(model.model), attrs: { scope: "row" } }),
      el("td", { className: "num", text: formatCount(model.totals.replies) }),
      el("td", { className: "num", text: formatCount(model.totals.prompt_tokens + model.totals.completion_tokens) }),
      el("td", { className: "num", text: formatNanos(model.totals.cost_nanos) }),
      el("td", { className: "billing-share", attrs: { "aria-label": `${Math.round(share * 100)} %` } }, bar));
  });
  section.append(el("table", { className: "billing-table billing-models" },
    el("caption", { className: "billing-sr-only", text: "Spend by model" }),
    el("thead", {}, el("tr", {}, ...["Model", "Replies", "Tokens", "Cost", "Share"].map((text) => el("th", { text, attrs: { scope: "col" } })))),
    el("tbody", {}, ...rows)));
  return section;
}
