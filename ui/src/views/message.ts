// One message as an <article>: the user's text as plain text; the assistant's answer as sanitized
// markdown (streamed or finished), its reasoning in a collapsible block, its status and a line with
// model · provider · tokens · cost · time to first token · tokens per second.
import {
  toUserError,
  type Message,
  type MessageStatus,
  type ReplyTiming,
  type StreamEvent,
  type Usage,
  type UserAction,
  type UserError,
} from "../api";
import { replyMetaParts, replyMetaSpoken } from "../money-text";
import { renderMarkdownInto } from "../render/markdown";
import { StreamingMarkdown } from "../render/stream";
import { actionButtons, type ErrorHandlers } from "./alert";
import { button, el } from "./elements";

export function userMessageElement(text: string, id: number | null): HTMLElement {
  const article = el(
    "article",
    { className: "message user", attrs: { "data-role": "user", "data-status": "complete" } },
    el("div", { className: "user-text", text }),
  );
  if (id !== null) article.dataset["messageId"] = String(id);
  return article;
}

export interface AssistantHandlers {
  /** Asks for a new reply in place of this one. */
  retry: (view: AssistantMessage) => void;
  /** Asks for a new reply in place of this one from `model` (an error's "Switch to …"). */
  switchModel?: (view: AssistantMessage, model: string) => void;
  /** Asks for a new reply in place of this one, at most `maxTokens` long (a 402's "Try a shorter reply"). */
  retryShorter?: (view: AssistantMessage, maxTokens: number) => void;
  /** Error actions that leave the conversation ("enter_key"). */
  errorHandlers: ErrorHandlers;
  /** After each DOM update while streaming (keeps the log scrolled). */
  onRender: () => void;
}

export class AssistantMessage {
  readonly element: HTMLElement;
  private readonly reasoningBlock: HTMLDetailsElement;
  private readonly reasoningBody: HTMLElement;
  private readonly answer: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly metaLine: HTMLElement;
  /** The meta line as one sentence for screen readers (the short visible line is hidden from them). */
  private readonly metaSpoken: HTMLElement;
  private answerStream: StreamingMarkdown | null = null;
  private reasoningStream: StreamingMarkdown | null = null;
  private model: string | null = null;
  private provider: string | null = null;
  private usage: Usage | null = null;
  private timing: ReplyTiming | null = null;
  /** From the core: the real cost is still to be looked up (undefined from cores before it said so). */
  private costPending: boolean | undefined = undefined;
  private status: MessageStatus = "streaming";
  /** When the reply was asked for or ended (unix ms): where a Retry-After wait counts from. */
  private endedAt = Date.now();
  private receivedText = false;
  id: number | null = null;

  constructor(private readonly handlers: AssistantHandlers) {
    this.reasoningBody = el("div", { className: "reasoning-body markdown" });
    this.reasoningBlock = el(
      "details",
      { className: "reasoning" },
      el("summary", { text: "Reasoning" }),
      this.reasoningBody,
    );
    this.reasoningBlock.hidden = true;
    this.answer = el("div", { className: "answer markdown" });
    this.statusLine = el("div", { className: "message-status" });
    this.metaLine = el("p", { className: "message-meta", attrs: { "aria-hidden": "true" } });
    this.metaLine.hidden = true;
    this.metaSpoken = el("p", { className: "visually-hidden message-meta-spoken" });
    this.metaSpoken.hidden = true;
    this.element = el(
      "article",
      { className: "message assistant", attrs: { "data-role": "assistant", "data-status": "streaming" } },
      this.reasoningBlock,
      this.answer,
      this.statusLine,
      this.metaLine,
      this.metaSpoken,
    );
  }

  /** A reply about to stream: empty, with a waiting indicator. */
  static streaming(handlers: AssistantHandlers): AssistantMessage {
    const view = new AssistantMessage(handlers);
    view.answerStream = new StreamingMarkdown(view.answer, { onRender: handlers.onRender });
    view.reasoningStream = new StreamingMarkdown(view.reasoningBody, { onRender: handlers.onRender });
    view.element.setAttribute("aria-busy", "true");
    view.showWaiting();
    return view;
  }

  /** A stored reply, rendered once. */
  static fromMessage(message: Message, handlers: AssistantHandlers): AssistantMessage {
    const view = new AssistantMessage(handlers);
    view.setId(message.id);
    if (message.reasoning) {
      renderMarkdownInto(view.reasoningBody, message.reasoning);
      view.reasoningBlock.hidden = false;
    }
    renderMarkdownInto(view.answer, message.content);
    view.receivedText = message.content !== "";
    view.model = message.model;
    view.provider = message.provider;
    view.usage = message.usage;
    view.timing = message.timing ?? null;
    view.costPending = message.cost_pending;
    view.endedAt = message.created_at;
    view.setStatus(message.status, message.error, message.finish_reason);
    return view;
  }

  setId(id: number): void {
    this.id = id;
    this.element.dataset["messageId"] = String(id);
  }

  get isStreaming(): boolean {
    return this.status === "streaming";
  }

  /** The real cost of a stopped or cut-off reply arrived later (the `usage-corrected` event). */
  correctUsage(usage: Usage): void {
    this.usage = usage;
    this.costPending = false;
    this.renderMeta();
  }

  apply(event: StreamEvent): void {
    switch (event.type) {
      case "meta":
        this.model = event.model ?? this.model;
        this.provider = event.provider ?? this.provider;
        this.renderMeta();
        break;
      case "delta":
        if (event.reasoning) {
          this.reasoningBlock.hidden = false;
          this.reasoningStream?.append(event.reasoning);
        }
        if (event.content) {
          if (!this.receivedText) {
            this.receivedText = true;
            this.statusLine.replaceChildren();
          }
          this.answerStream?.append(event.content);
        }
        break;
      case "usage":
        this.usage = event.usage;
        this.renderMeta();
        break;
      case "done":
        this.answerStream?.finish();
        this.reasoningStream?.finish();
        this.element.removeAttribute("aria-busy");
        this.timing = event.timing ?? null;
        this.costPending = event.cost_pending;
        this.endedAt = Date.now();
        this.setStatus(event.status, event.error === null ? null : toUserError(event.error), event.finish_reason);
        break;
    }
  }

  /** The stream ended without a `done` (the command failed after starting): show what we have. */
  abandon(error: UserError): void {
    if (!this.isStreaming) return;
    this.apply({ type: "done", status: "interrupted", finish_reason: null, error });
  }

  private showWaiting(): void {
    this.statusLine.replaceChildren(el("span", { className: "waiting", text: "Waiting for a reply…" }));
  }

  private setStatus(status: MessageStatus, error: UserError | null, finishReason: string | null): void {
    this.status = status;
    this.element.dataset["status"] = status;
    const parts: Node[] = [];
    /** Buttons that ask again: held back while OpenRouter asked to wait (Retry-After). */
    const retries: HTMLButtonElement[] = [];
    const retry = (label = "Retry"): HTMLButtonElement => {
      const made = button(label, () => this.handlers.retry(this), { className: "secondary retry" });
      retries.push(made);
      return made;
    };
    /** The error's own actions (those `keep` lets through); the ones that ask again wait out Retry-After too. */
    const errorActions = (shown: UserError, keep: (action: UserAction) => boolean = () => true): HTMLButtonElement[] =>
      actionButtons(shown, this.errorHandlers())
        .filter(({ action }) => keep(action))
        .map(({ action, button: made }) => {
          if (action.kind === "retry" || action.kind === "retry_shorter") retries.push(made);
          return made;
        });
    switch (status) {
      case "streaming":
        if (!this.receivedText) this.showWaiting();
        this.renderMeta();
        return;
      case "stopped":
        parts.push(el("span", { className: "status-label", text: "Stopped" }));
        break;
      case "interrupted": {
        parts.push(el("span", { className: "status-label", text: "Interrupted" }));
        if (error && error.message) parts.push(el("span", { className: "status-detail", text: error.message }));
        if (error) parts.push(...errorActions(error, (action) => action.kind !== "retry"));
        parts.push(retry());
        break;
      }
      case "error": {
        const shown = error ?? { kind: "unknown", message: "The reply failed." };
        parts.push(el("span", { className: "status-error", text: shown.message }));
        parts.push(...errorActions(shown));
        const kinds = [shown.action?.kind, shown.second_action?.kind];
        if (!kinds.includes("retry") && !kinds.includes("enter_key")) parts.push(retry());
        break;
      }
      case "complete":
        if (finishReason === "length") {
          parts.push(el("span", { className: "status-detail", text: "The reply was cut off at its length limit." }));
        } else if (!this.receivedText && !this.reasoningStream?.text && this.reasoningBody.childElementCount === 0) {
          parts.push(el("span", { className: "status-detail", text: "The model sent an empty reply." }));
          parts.push(retry());
        }
        break;
    }
    this.statusLine.replaceChildren(...parts);
    const wait = error?.retry_after_secs;
    if (typeof wait === "number" && wait > 0) {
      for (const held of retries) holdUntil(held, this.endedAt + wait * 1000);
    }
    this.renderMeta();
  }

  private errorHandlers(): ErrorHandlers {
    const { switchModel, retryShorter } = this.handlers;
    return {
      ...this.handlers.errorHandlers,
      retry: () => this.handlers.retry(this),
      ...(switchModel ? { switchModel: (model: string) => switchModel(this, model) } : {}),
      ...(retryShorter ? { retryShorter: (maxTokens: number) => retryShorter(this, maxTokens) } : {}),
    };
  }

  private renderMeta(): void {
    const parts = replyMetaParts({
      model: this.model,
      provider: this.provider,
      usage: this.usage,
      timing: this.timing,
      status: this.status,
      costPending: this.costPending,
    });
    const nodes: (Node | string)[] = [];
    for (const part of parts) {
      if (nodes.length > 0) nodes.push(" \u00b7 ");
      nodes.push(el("span", { className: `meta-${part.kind}`, text: part.text, attrs: part.title ? { title: part.title } : {} }));
    }
    this.metaLine.replaceChildren(...nodes);
    this.metaLine.hidden = parts.length === 0;
    this.metaSpoken.textContent = replyMetaSpoken(parts);
    this.metaSpoken.hidden = parts.length === 0;
  }
}

/** Longer waits than this (a daily cap) are left to the error's own sentence, without a countdown. */
const MAX_COUNTDOWN_MS = 60 * 60 * 1000;

/**
 * Keeps a retry button disabled until `until` (unix ms), counting the seconds down in its label, so a
 * rate-limited request is not sent again before OpenRouter said it may be. Its label changes are not
 * read out every second (aria-live off inside the log's live region).
 */
function holdUntil(retry: HTMLButtonElement, until: number): void {
  const label = retry.textContent ?? "";
  if (until - Date.now() > MAX_COUNTDOWN_MS) return;
  retry.setAttribute("aria-live", "off");
  const tick = (): void => {
    // A button that left the page (scrolled out, rebuilt) needs no countdown.
    if (!retry.isConnected) return;
    const leftMs = until - Date.now();
    if (leftMs <= 0) {
      retry.disabled = false;
      retry.textContent = label;
      retry.removeAttribute("title");
      return;
    }
    const seconds = Math.ceil(leftMs / 1000);
    retry.disabled = true;
    retry.textContent = `${label} (${seconds} s)`;
    retry.title = `OpenRouter asked to wait ${seconds === 1 ? "1 second" : `${seconds} seconds`} before trying again`;
    // Wake when the shown number of seconds goes down by one.
    setTimeout(tick, leftMs - (seconds - 1) * 1000);
  };
  tick();
}

const LINE_PX = 24;
/** Characters on a line of the message column, roughly (780 px of text). */
const CHARS_PER_LINE = 90;

/** A guess at a message's height in the log before it is rendered, from the length of its text. */
export function estimatedHeight(message: Pick<Message, "role" | "content" | "reasoning">): number {
  const lines = (text: string): number =>
    text.split("\n").reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / CHARS_PER_LINE)), 0);
  if (message.role === "user") return 40 + LINE_PX * lines(message.content);
  // Paragraph gaps, the status and meta lines; a collapsed reasoning block.
  return 60 + LINE_PX * lines(message.content) + (message.reasoning ? 40 : 0);
}
