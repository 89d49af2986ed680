// The main screen: the conversation sidebar beside the chat area, and the dialogs they open.
import {
  deleteConversation,
  listConversations,
  openExternal,
  type AppStatus,
  type ConversationSummary,
  type Settings,
} from "../api";
import { ModelCatalog } from "../model-catalog";
import { ChatView } from "./chat";
import { confirmDialog } from "./dialog";
import { el } from "./elements";
import { openSettings } from "./settings";
import { conversationTitle, Sidebar } from "./sidebar";

export interface WorkspaceOptions {
  status: AppStatus | null;
  settings: Settings;
  /** A problem with the key (or "Forget API key"): back to the first-run screen. */
  onNeedKey: () => void;
  /** An error found before the screen existed (e.g. loading the settings), shown once it does. */
  startupError?: unknown;
}

export function renderWorkspace(root: HTMLElement, options: WorkspaceOptions): void {
  let settings = options.settings;
  let conversations: ConversationSummary[] = [];
  const catalog = new ModelCatalog();
  void catalog.load().catch(() => undefined);

  const openLink = (url: string): void => {
    openExternal(url).catch((reason: unknown) => chat.showError(reason));
  };

  const sidebar = new Sidebar({
    onNewChat: () => void chat.open(null),
    onSelect: (id) => {
      const summary = conversations.find((conversation) => conversation.id === id);
      void chat.open(id, summary ? conversationTitle(summary) : "");
    },
    onDelete: (conversation) => void remove(conversation),
  });

  const chat: ChatView = new ChatView({
    catalog,
    defaultModel: () => settings.default_model,
    onConversationsChanged: () => void refresh(),
    onOpened: (id) => sidebar.select(id),
    onNeedKey: options.onNeedKey,
    onOpenSettings: () =>
      void openSettings({
        settings,
        status: options.status,
        catalog,
        onChange: (next) => {
          settings = next;
          chat.defaultModelChanged();
        },
        onKeyForgotten: options.onNeedKey,
      }),
    openLink,
  });

  let refreshing = 0;
  async function refresh(): Promise<void> {
    refreshing += 1;
    const request = refreshing;
    try {
      const list = await listConversations();
      if (request !== refreshing) return;
      conversations = list;
      sidebar.update(list, chat.openConversationId);
      chat.conversationsLoaded(list);
    } catch (reason) {
      if (request === refreshing) chat.showError(reason, () => void refresh());
    }
  }

  async function remove(conversation: ConversationSummary): Promise<void> {
    const title = conversationTitle(conversation);
    const confirmed = await confirmDialog(
      "Delete conversation",
      `Delete “${title}”? Its messages are removed from this computer. This cannot be undone.`,
      "Delete",
    );
    if (!confirmed) return;
    try {
      chat.forget(conversation.id);
      await deleteConversation(conversation.id);
    } catch (reason) {
      chat.showError(reason, () => void remove(conversation));
      return;
    }
    if (chat.openConversationId === conversation.id) void chat.open(null);
    await refresh();
  }

  root.replaceChildren(el("div", { className: "workspace" }, sidebar.element, chat.element));
  chat.setReadOnly(options.status !== null && !options.status.has_key);
  void chat.open(null);
  void refresh();
  if (options.startupError !== undefined) chat.showError(options.startupError);
  else if (options.status?.history_problem) chat.showError({ kind: "storage", message: options.status.history_problem });
}
