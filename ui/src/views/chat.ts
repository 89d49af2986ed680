// The chat area: header (model picker, settings), the message log, the error banner and the composer.
// It runs turns (send, retry, stop) and routes each stream's events to its message view.
import {
  getConversation,
  retryReply,
  sendMessage,
  stopReply,
  toUserError,
  type ConversationDetail,
  type ConversationSummary,
  type StreamEvent,
  type TurnStarted,
} from "../api";
import type { ModelCatalog } from "../model-catalog";
import { handleLinkClicks } from "../render/markdown";
import { BannerArea, type ErrorHandlers } from "./alert";
import { Composer } from "./composer";
import { button, el } from "./elements";
import { AssistantMessage, userMessageElement, type AssistantHandlers } from "./message";
import { openModelPicker } from "./models";

export interface ChatOptions {
  catalog: ModelCatalog;
  defaultModel: () => string;
  /** The conversation list changed (new conversation, new title, new order): refresh it. */
  onConversationsChanged: () => void;
  /** The open conversation changed (null: a new chat). */
  onOpened: (id: number | null) => void;
  onNeedKey: () => void;
  onOpenSettings: () => void;
  openLink: (url: string) => void;
  /** Shown between the error banner and the composer (the workspace's notices). */
  notices?: HTMLElement;
}

/** One reply being streamed. */
interface LiveTurn {
  conversationId: number | null;
  assistantId: number | null;
  view: AssistantMessage;
  done: boolean;
  stopRequested: boolean;
  /** Which opening of the chat view started it (tells apart two new chats). */
  visit: number;
}

const BOTTOM_SLACK_PX = 48;
/** How long a message found by search stays highlighted. */
const FOUND_HIGHLIGHT_MS = 2500;

export class ChatView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly modelButton: HTMLButtonElement;
  private readonly modelName: HTMLElement;
  private readonly log: HTMLElement;
  private readonly banner = new BannerArea();
  private readonly composer: Composer;
  private conversationId: number | null = null;
  private model: string;
  private visit = 0;
  private atBottom = true;
  private readonly turns = new Set<LiveTurn>();
  /** Models picked in this session, per conversation; a new chat's pick waits in `newChatModel`. */
  private readonly modelChoice = new Map<number, string>();
  private newChatModel: string | null = null;

  constructor(private readonly options: ChatOptions) {
    this.model = options.defaultModel();
    this.modelName = el("span", { className: "model-button-name" });
    this.modelButton = button("", () => void this.pickModel(), {
      className: "model-button",
      attrs: { "aria-label": "Model", "aria-haspopup": "dialog" },
    });
    this.modelButton.append(this.modelName, el("span", { className: "chevron", text: "\u25be", attrs: { "aria-hidden": "true" } }));
    this.title = el("h1", { className: "chat-title" });
    const header = el(
      "header",
      { className: "chat-header" },
      this.modelButton,
      this.title,
      button("Settings", () => options.onOpenSettings(), { className: "secondary settings-button", attrs: { "aria-haspopup": "dialog" } }),
    );
    this.log = el("div", {
      className: "messages",
      attrs: { role: "log", "aria-label": "Messages", "aria-live": "polite", tabindex: "0" },
    });
    this.log.addEventListener("scroll", () => {
      this.atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < BOTTOM_SLACK_PX;
    }, { passive: true });
    handleLinkClicks(this.log, options.openLink);
    this.composer = new Composer({
      onSend: (text) => void this.send(text),
      onStop: () => this.stop(),
    });
    this.element = el("main", { className: "chat" }, header, this.log, this.banner.element);
    if (options.notices) this.element.append(options.notices);
    else this.element.append(el("div"));
    this.element.append(this.composer.element);
    options.catalog.onChange(() => this.renderModel());
    this.renderModel();
  }

  get openConversationId(): number | null {
    return this.conversationId;
  }

  /** Shows an error from anywhere in the main screen as a banner above the composer. */
  showError(reason: unknown, retry?: () => void): void {
    this.banner.show(reason, { ...this.errorHandlers(), ...(retry ? { retry } : {}) });
  }

  /** No API key: history stays readable, sending waits for a key. */
  setReadOnly(readOnly: boolean): void {
    this.composer.setLocked(
      readOnly
        ? {
            message: "Add your OpenRouter API key to send messages. Your conversations are all here to read.",
            actionLabel: "Add key",
            onAction: () => this.options.onNeedKey(),
          }
        : null,
    );
  }

  focusComposer(): void {
    this.composer.focus();
  }

  /** The default model changed in the settings: a new chat without its own pick follows it. */
  defaultModelChanged(): void {
    if (this.conversationId === null && this.newChatModel === null) {
      this.model = this.options.defaultModel();
      this.renderModel();
    }
  }

  /** Opens a stored conversation, or a new chat for null. */
  async open(id: number | null, title = ""): Promise<void> {
    this.visit += 1;
    const visit = this.visit;
    this.conversationId = id;
    this.banner.clear();
    this.atBottom = true;
    this.options.onOpened(id);
    if (id === null) {
      this.model = this.newChatModel ?? this.options.defaultModel();
      this.title.textContent = "New chat";
      this.renderModel();
      this.showEmptyState();
      this.syncComposer();
      this.composer.focus();
      return;
    }
    this.title.textContent = title;
    this.model = this.modelChoice.get(id) ?? this.model;
    this.renderModel();
    this.log.replaceChildren(el("p", { className: "log-note", text: "Loading conversation…" }));
    this.syncComposer();
    let detail: ConversationDetail;
    try {
      detail = await getConversation(id);
    } catch (reason) {
      if (visit !== this.visit) return;
      this.log.replaceChildren();
      this.showError(reason, () => void this.open(id, title));
      return;
    }
    if (visit !== this.visit) return;
    this.title.textContent = detail.conversation.title;
    this.model = this.modelChoice.get(id) ?? (detail.conversation.model || this.options.defaultModel());
    this.renderModel();
    this.renderMessages(detail);
    this.syncComposer();
    this.scrollToBottom(true);
  }

  /**
   * Opens conversation `id` and brings message `messageId` into view, briefly highlighted (a search
   * result). Resolves false when the conversation or the message could not be shown.
   */
  async openAt(id: number, title: string, messageId: number): Promise<boolean> {
    await this.open(id, title);
    if (this.conversationId !== id) return false;
    const article = this.log.querySelector<HTMLElement>(`article[data-message-id="${messageId}"]`);
    if (article === null) return false;
    for (const old of Array.from(this.log.querySelectorAll(".found"))) old.classList.remove("found");
    article.classList.add("found");
    article.tabIndex = -1;
    if (typeof article.scrollIntoView === "function") article.scrollIntoView({ block: "center" });
    article.focus({ preventScroll: true });
    this.atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < BOTTOM_SLACK_PX;
    setTimeout(() => article.classList.remove("found"), FOUND_HIGHLIGHT_MS);
    return true;
  }

  /** The sidebar's list was refreshed: pick up the open conversation's (possibly new) title. */
  conversationsLoaded(conversations: readonly ConversationSummary[]): void {
    if (this.conversationId === null) return;
    const open = conversations.find((conversation) => conversation.id === this.conversationId);
    if (open) this.title.textContent = open.title;
  }

  /** The conversation was deleted elsewhere (sidebar): stop its reply. */
  forget(id: number): void {
    this.modelChoice.delete(id);
    for (const turn of this.turns) {
      if (turn.conversationId === id && turn.assistantId !== null) void stopReply(turn.assistantId).catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------
  // Turns

  private async send(text: string): Promise<void> {
    if (text.trim() === "" || this.currentTurn() !== undefined) return;
    this.banner.clear();
    const visit = this.visit;
    const conversationId = this.conversationId;
    const model = this.model;
    this.log.querySelector(".empty-state")?.remove();
    const userElement = userMessageElement(text, null);
    const view = AssistantMessage.streaming(this.assistantHandlers());
    this.log.append(userElement, view.element);
    this.scrollToBottom(true);
    const turn: LiveTurn = { conversationId, assistantId: null, view, done: false, stopRequested: false, visit };

    let started: TurnStarted;
    try {
      started = await this.startTurn(turn, (onEvent) => sendMessage(conversationId, text, model, onEvent));
    } catch (reason) {
      userElement.remove();
      view.element.remove();
      if (visit !== this.visit) return;
      if (this.log.querySelector("article") === null) this.showEmptyState();
      // The typed text is still in the composer: nothing is lost.
      this.showError(reason, () => void this.send(this.composer.value));
      return;
    }
    userElement.dataset["messageId"] = String(started.user_message_id);
    if (visit === this.visit && this.composer.value === text) this.composer.value = "";
    if (conversationId === null) {
      this.modelChoice.set(started.conversation_id, model);
      if (visit === this.visit) {
        this.conversationId = started.conversation_id;
        this.newChatModel = null;
        this.options.onOpened(started.conversation_id);
      }
    }
    this.options.onConversationsChanged();
  }

  private async retry(old: AssistantMessage): Promise<void> {
    const oldId = old.id;
    if (oldId === null || this.currentTurn() !== undefined) return;
    this.banner.clear();
    const visit = this.visit;
    const view = AssistantMessage.streaming(this.assistantHandlers());
    old.element.replaceWith(view.element);
    const turn: LiveTurn = {
      conversationId: this.conversationId,
      assistantId: null,
      view,
      done: false,
      stopRequested: false,
      visit,
    };
    try {
      await this.startTurn(turn, (onEvent) => retryReply(oldId, onEvent));
    } catch (reason) {
      view.element.replaceWith(old.element);
      if (visit === this.visit) this.showError(reason, () => void this.retry(old));
    }
  }

  private async startTurn(
    turn: LiveTurn,
    start: (onEvent: (event: StreamEvent) => void) => Promise<TurnStarted>,
  ): Promise<TurnStarted> {
    this.turns.add(turn);
    this.syncComposer();
    let started: TurnStarted;
    try {
      started = await start((event) => this.onEvent(turn, event));
    } catch (reason) {
      this.turns.delete(turn);
      this.syncComposer();
      throw toUserError(reason);
    }
    turn.conversationId = started.conversation_id;
    turn.assistantId = started.assistant_message_id;
    turn.view.setId(started.assistant_message_id);
    if (turn.stopRequested && !turn.done) this.stopTurn(turn);
    return started;
  }

  private onEvent(turn: LiveTurn, event: StreamEvent): void {
    if (turn.done) return;
    turn.view.apply(event);
    if (event.type === "done") {
      turn.done = true;
      this.turns.delete(turn);
      this.syncComposer();
      this.options.onConversationsChanged();
    }
  }

  private stop(): void {
    const turn = this.currentTurn();
    if (turn === undefined) return;
    this.composer.setStopping();
    if (turn.assistantId === null) turn.stopRequested = true;
    else this.stopTurn(turn);
  }

  private stopTurn(turn: LiveTurn): void {
    if (turn.assistantId === null) return;
    stopReply(turn.assistantId).catch((reason: unknown) => {
      this.syncComposer(true);
      this.showError(reason);
    });
  }

  /** The streaming turn of the conversation on screen, if any. */
  private currentTurn(): LiveTurn | undefined {
    for (const turn of this.turns) {
      if (turn.done) continue;
      if (this.conversationId === null ? turn.conversationId === null && turn.visit === this.visit : turn.conversationId === this.conversationId) {
        return turn;
      }
    }
    return undefined;
  }

  private syncComposer(reset = false): void {
    const streaming = this.currentTurn() !== undefined;
    if (reset) this.composer.setStreaming(false);
    this.composer.setStreaming(streaming);
  }

  // -------------------------------------------------------------------------
  // Rendering

  private renderMessages(detail: ConversationDetail): void {
    const live = new Map<number, AssistantMessage>();
    for (const turn of this.turns) if (turn.assistantId !== null) live.set(turn.assistantId, turn.view);
    const articles: HTMLElement[] = [];
    for (const message of detail.messages) {
      if (message.role === "user") articles.push(userMessageElement(message.content, message.id));
      else if (message.role === "assistant") {
        const view = live.get(message.id) ?? AssistantMessage.fromMessage(message, this.assistantHandlers());
        articles.push(view.element);
      }
    }
    this.log.replaceChildren(...articles);
    if (articles.length === 0) this.showEmptyState();
  }

  private showEmptyState(): void {
    this.log.replaceChildren(
      el(
        "div",
        { className: "empty-state" },
        el("p", { className: "empty-title", text: "Start a conversation" }),
        el("p", { text: `Replies come from ${this.options.catalog.nameOf(this.model)}. Change the model with the button at the top.` }),
      ),
    );
  }

  private renderModel(): void {
    const name = this.options.catalog.nameOf(this.model);
    this.modelName.textContent = name;
    this.modelButton.title = `Model: ${this.model}`;
    const empty = this.log.querySelector(".empty-state");
    if (empty) this.showEmptyState();
  }

  private async pickModel(): Promise<void> {
    const chosen = await openModelPicker({ catalog: this.options.catalog, current: this.model });
    if (chosen === null || chosen === this.model) return;
    this.model = chosen;
    if (this.conversationId === null) this.newChatModel = chosen;
    else this.modelChoice.set(this.conversationId, chosen);
    this.renderModel();
    this.composer.focus();
  }

  private scrollToBottom(force: boolean): void {
    if (!force && !this.atBottom) return;
    this.log.scrollTop = this.log.scrollHeight;
    this.atBottom = true;
  }

  private errorHandlers(): ErrorHandlers {
    return { enterKey: () => this.options.onNeedKey() };
  }

  private assistantHandlers(): AssistantHandlers {
    return {
      retry: (view) => void this.retry(view),
      errorHandlers: this.errorHandlers(),
      onRender: () => this.scrollToBottom(false),
    };
  }
}
