// One message as an <article>: the user's text as plain text; the assistant's answer as sanitized
// markdown (streamed or finished), its reasoning in a collapsible block, its status and a line with
// model · provider · tokens · cost.
import { toUserError, type Message, type MessageStatus, type StreamEvent, type Usage, type UserError } from "../api";
import { formatCost, formatTokens } from "../format";
import { renderMarkdownInto } from "../render/markdown";
import { StreamingMarkdown } from "../render/stream";
import { actionButton, type ErrorHandlers } from "./alert";
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
  private answerStream: StreamingMarkdown | null = null;
  private reasoningStream: StreamingMarkdown | null = null;
  private model: string | null = null;
  private provider: string | null = null;
  private usage: Usage | null = null;
  private status: MessageStatus = "streaming";
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
    this.metaLine = el("p", { className: "message-meta" });
    this.metaLine.hidden = true;
    this.element = el(
      "article",
      { className: "message assistant", attrs: { "data-role": "assistant", "data-status": "streaming" } },
      this.reasoningBlock,
      this.answer,
      this.statusLine,
      this.metaLine,
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
    const retry = (label = "Retry"): HTMLButtonElement =>
      button(label, () => this.handlers.retry(this), { className: "secondary retry" });
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
        const action = error ? actionButton(error, this.errorHandlers()) : null;
        if (action && error?.action?.kind !== "retry") parts.push(action);
        parts.push(retry());
        break;
      }
      case "error": {
        const shown = error ?? { kind: "unknown", message: "The reply failed." };
        parts.push(el("span", { className: "status-error", text: shown.message }));
        const action = actionButton(shown, this.errorHandlers());
        if (action) parts.push(action);
        if (shown.action?.kind !== "retry" && shown.action?.kind !== "enter_key") parts.push(retry());
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
    this.renderMeta();
  }

  private errorHandlers(): ErrorHandlers {
    const switchModel = this.handlers.switchModel;
    return {
      ...this.handlers.errorHandlers,
      retry: () => this.handlers.retry(this),
      ...(switchModel ? { switchModel: (model: string) => switchModel(this, model) } : {}),
    };
  }

  private renderMeta(): void {
    const parts: string[] = [];
    if (this.model) parts.push(this.model);
    if (this.provider) parts.push(this.provider);
    if (this.usage) {
      parts.push(formatTokens(this.usage));
      const cost = formatCost(this.usage.cost_usd);
      if (cost !== "") parts.push(cost);
    }
    this.metaLine.textContent = parts.join(" · ");
    this.metaLine.hidden = parts.length === 0;
  }
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
