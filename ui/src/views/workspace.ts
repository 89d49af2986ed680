// The main screen: the conversation sidebar beside the chat area, the dialogs they open, and what the
// sidebar's actions do (rename, star, archive, export, delete with undo, search, app-wide shortcuts).
// With the tray (issue 6): the "Quick prompt" button and the "Quick prompts" section, a conversation the
// quick window asked to open (at start, or as an event), and the list refreshed when a quick prompt changed it.
import {
  deleteAllHistory,
  desktopAction,
  deleteConversation,
  exportHistory,
  getModelBrowserState,
  importHistory,
  listArchived,
  listConversationsPage,
  onDesktopEvents,
  openExternal,
  renameConversation,
  setArchived,
  setModelBrowserState,
  setStarred,
  shortcutStatus,
  takePendingOpen,
  takePlace,
  keepPlace,
  type AppStatus,
  type ConversationSummary,
  type ExportFormat,
  type Settings,
  type ShortcutStatus,
} from "../api";
import { ConversationPages, SIDEBAR_PAGE } from "../conversation-pages";
import { conversationTitle } from "../conversation-title";
import { exportResultText } from "../history-text";
import { ModelCatalog } from "../model-catalog";
import { PendingDelete } from "../pending-delete";
import { EMPTY_FILTERS, type SearchFilters } from "../search-query";
import { ArchivedSection } from "./archived";
import { openBilling, type BillingView } from "./billing";
import { ChatView } from "./chat";
import { el } from "./elements";
import { BrowserStateStore, openModelBrowser, type ModelBrowser } from "./model-browser";
import { Notices } from "./notices";
import { openSearch, type SearchDialog } from "./search";
import { openSettings } from "./settings";
import type { HistoryActions } from "./settings-history";
import { QuickPromptsSection, Sidebar } from "./sidebar";

/** How long "Undo" is offered after a delete. */
export const UNDO_DELETE_MS = 6000;

export interface WorkspaceOptions {
  status: AppStatus | null;
  settings: Settings;
  /** A problem with the key (or "Forget API key"): back to the first-run screen. */
  onNeedKey: () => void;
  /** An error found before the screen existed (e.g. loading the settings), shown once it does. */
  startupError?: unknown;
}

/** Stops the chat of the workspace on screen (its event listeners) when another screen replaces it. */
let disposeCurrent: (() => void) | null = null;

export function renderWorkspace(root: HTMLElement, options: WorkspaceOptions): void {
  disposeCurrent?.();
  let settings = options.settings;
  /** The conversation list as far as the sidebar has loaded it (a page at a time). */
  const pages = new ConversationPages();
  let searchFilters: SearchFilters = EMPTY_FILTERS;
  let search: SearchDialog | null = null;
  /** The deleted conversation was open: Undo opens it again. */
  let reopenOnUndo: number | null = null;
  const catalog = new ModelCatalog();
  void catalog.load().catch(() => undefined);
  const browserState = new BrowserStateStore({ load: getModelBrowserState, save: setModelBrowserState });
  let modelBrowser: ModelBrowser | null = null;
  let billing: BillingView | null = null;
  const notices = new Notices();
  /** The workspace was replaced: late answers and events are ignored. */
  let disposed = false;
  /** Stops the tray's and the quick window's events. */
  let stopDesktop: (() => void) | null = null;
  const pendingDelete = new PendingDelete<ConversationSummary>({
    delayMs: UNDO_DELETE_MS,
    commit: (conversation) => void commitDelete(conversation),
  });

  const openLink = (url: string): void => {
    openExternal(url).catch((reason: unknown) => chat.showError(reason));
  };

  const archived = new ArchivedSection({
    load: listArchived,
    onOpen: (conversation) => void chat.open(conversation.id, conversationTitle(conversation)),
    onUnarchive: (conversation) => void unarchive(conversation),
  });

  const quickPrompts = new QuickPromptsSection({
    load: (before, limit) => listConversationsPage(before, limit, "quick"),
    onOpen: (conversation) => void chat.open(conversation.id, conversationTitle(conversation)),
    onArchive: (conversation) => void archive(conversation),
    onExport: (conversation, format) => void exportOne(conversation, format),
    onDelete: (conversation) => remove(conversation),
    isHidden: (id) => pendingDelete.has(id),
  });

  const sidebar = new Sidebar({
    onNewChat: () => void chat.open(null),
    onQuickPrompt: () => {
      desktopAction("quick-prompt").catch((reason: unknown) => chat.showError(reason));
    },
    onSearch: () => openSearchDialog(),
    onModels: () => openModels(),
    onBilling: () => openBillingView(),
    onSelect: (id) => {
      const summary = pages.find(id);
      void chat.open(id, summary ? conversationTitle(summary) : "");
    },
    onRename: (conversation, title) => void rename(conversation, title),
    onStar: (conversation, starred) => void star(conversation, starred),
    onArchive: (conversation) => void archive(conversation),
    onExport: (conversation, format) => void exportOne(conversation, format),
    onDelete: (conversation) => remove(conversation),
    onLoadMore: () => void loadMore(),
  }, archived, quickPrompts);

  const history: HistoryActions = {
    exportAll: (format) => exportHistory(null, format),
    importHistory: async () => {
      const report = await importHistory();
      if (report !== null) {
        // Imported conversations may sort anywhere in the list: load it again from the top.
        void refresh(true);
        void archived.refresh();
      }
      return report;
    },
    counts: async () => {
      try {
        const [page, archivedList] = await Promise.all([listConversationsPage(null, 1), listArchived()]);
        const pending = pendingDelete.item;
        const hidden = pending !== null && !pending.archived ? 1 : 0;
        return { listed: Math.max(0, page.total - hidden), archived: archivedList.length };
      } catch {
        return null;
      }
    },
    deleteAll: async () => {
      pendingDelete.discard();
      notices.clearUndo();
      try {
        await deleteAllHistory();
        for (const conversation of pages.all) chat.forget(conversation.id);
        pages.clear();
        pageGeneration += 1;
        showList();
        void chat.open(null);
      } finally {
        void refresh();
        void archived.refresh();
      }
    },
  };

  const chat: ChatView = new ChatView({
    catalog,
    defaultModel: () => settings.default_model,
    onConversationsChanged: () => void refresh(),
    onOpened: (id) => {
      sidebar.select(id);
      archived.select(id);
      quickPrompts.select(id);
    },
    onNeedKey: () => {
      disposeCurrent?.();
      options.onNeedKey();
    },
    onOpenSettings: () =>
      void openSettings({
        settings,
        status: options.status,
        catalog,
        onChange: (next) => {
          settings = next;
          chat.defaultModelChanged();
        },
        onKeyForgotten: () => {
          disposeCurrent?.();
          options.onNeedKey();
        },
        history,
        onShortcut: (status) => showShortcut(status),
      }),
    onOpenModels: () => openModels(),
    openLink,
    notices: notices.element,
  });
  disposeCurrent = () => {
    disposed = true;
    chat.dispose();
    document.removeEventListener("visibilitychange", onHidden);
    stopDesktop?.();
    stopDesktop = null;
    disposeCurrent = null;
  };

  /** The shortcut as it is now: in the Quick prompt button's tooltip. */
  function showShortcut(status: ShortcutStatus): void {
    sidebar.showQuickPrompt(status.state === "active" ? status.readable : null);
  }

  /** Opens a conversation the quick window handed over, and puts the keyboard on its messages. */
  async function openFromOutside(id: number): Promise<void> {
    const summary = pages.find(id) ?? quickPrompts.find(id);
    await chat.open(id, summary ? conversationTitle(summary) : "");
    if (disposed || chat.openConversationId !== id) return;
    if (document.querySelector("dialog[open]") === null) {
      chat.element.querySelector<HTMLElement>('[role="log"]')?.focus({ preventScroll: true });
    }
    if (summary === undefined) void refresh(); // new since the list was loaded
  }

  /** The Models view; "Use in this chat" switches the open chat's model. */
  function openModels(): void {
    if (modelBrowser !== null) return;
    const browser = openModelBrowser({
      catalog,
      state: browserState,
      openLink,
      currentModel: () => chat.currentModel,
      onUse: (id) => chat.useModel(id),
    });
    modelBrowser = browser;
    void browser.closed.then(() => {
      if (modelBrowser === browser) modelBrowser = null;
    });
  }

  /** The Billing view; a conversation in its list opens the way the sidebar and search open one. */
  function openBillingView(): void {
    if (billing !== null) return;
    const view = openBilling({
      openLink,
      onOpenConversation: (id, title) => void chat.open(id, title),
      isDeleted: (id) => pendingDelete.has(id),
    });
    billing = view;
    void view.closed.then(() => {
      if (billing === view) billing = null;
    });
  }

  /** The main list: not archived, not waiting to be deleted. */
  function visible(): ConversationSummary[] {
    return pages.all.filter((conversation) => !conversation.archived && !pendingDelete.has(conversation.id));
  }

  function showList(): void {
    sidebar.update(visible(), chat.openConversationId, pages.hasMore);
  }

  let refreshing = 0;
  /** Bumped when the loaded list is thrown away: a page asked for before then is dropped. */
  let pageGeneration = 0;
  /**
   * Reloads the first page of the list (after a change), keeping what was loaded below it; `fromScratch`
   * drops that too (after an import, which may add conversations anywhere in the list).
   */
  async function refresh(fromScratch = false): Promise<void> {
    refreshing += 1;
    const request = refreshing;
    try {
      const page = await listConversationsPage(null, SIDEBAR_PAGE);
      if (request !== refreshing) return;
      if (fromScratch) {
        pages.clear();
        pageGeneration += 1;
      }
      pages.applyFirst(page);
      showList();
      chat.conversationsLoaded(pages.all);
    } catch (reason) {
      if (request === refreshing) chat.showError(reason, () => void refresh(fromScratch));
    }
    void quickPrompts.refresh(); // only while it is shown
  }

  let loadingMore = false;
  /** The next page of the list, as the sidebar scrolls near its end. */
  async function loadMore(): Promise<void> {
    if (loadingMore || !pages.hasMore) return;
    loadingMore = true;
    const generation = pageGeneration;
    try {
      const page = await listConversationsPage(pages.next, SIDEBAR_PAGE);
      if (generation !== pageGeneration) return;
      pages.applyNext(page);
    } catch (reason) {
      chat.showError(reason, () => void loadMore());
      return;
    } finally {
      loadingMore = false;
    }
    showList();
    chat.conversationsLoaded(pages.all);
  }

  /** Changes one conversation in the list at once, before the core confirms. */
  function patch(id: number, change: Partial<ConversationSummary>): void {
    pages.patch(id, change);
    showList();
    chat.conversationsLoaded(pages.all);
  }

  async function rename(conversation: ConversationSummary, title: string): Promise<void> {
    const before = pages.find(conversation.id)?.title ?? conversation.title;
    patch(conversation.id, { title });
    try {
      await renameConversation(conversation.id, title);
    } catch (reason) {
      patch(conversation.id, { title: before });
      chat.showError(reason, () => void rename(conversation, title));
      return;
    }
    void refresh();
  }

  async function star(conversation: ConversationSummary, starred: boolean): Promise<void> {
    patch(conversation.id, { starred });
    try {
      await setStarred(conversation.id, starred);
    } catch (reason) {
      patch(conversation.id, { starred: !starred });
      chat.showError(reason, () => void star(conversation, starred));
      return;
    }
    void refresh();
  }

  async function archive(conversation: ConversationSummary): Promise<void> {
    patch(conversation.id, { archived: true });
    try {
      await setArchived(conversation.id, true);
    } catch (reason) {
      patch(conversation.id, { archived: false });
      chat.showError(reason, () => void archive(conversation));
      return;
    }
    notices.say(`Archived \u201c${conversationTitle(conversation)}\u201d.`);
    void refresh();
    void archived.refresh();
  }

  async function unarchive(conversation: ConversationSummary): Promise<void> {
    archived.drop(conversation.id);
    try {
      await setArchived(conversation.id, false);
      // Listed at once where it belongs, if that part of the list is loaded.
      pages.insert({ ...conversation, archived: false });
      showList();
    } catch (reason) {
      chat.showError(reason, () => void unarchive(conversation));
    }
    void refresh();
    void archived.refresh();
  }

  async function exportOne(conversation: ConversationSummary, format: ExportFormat): Promise<void> {
    try {
      const result = await exportHistory([conversation.id], format);
      if (result !== null) notices.say(exportResultText(result));
    } catch (reason) {
      chat.showError(reason, () => void exportOne(conversation, format));
    }
  }

  // Delete with undo: gone from the list at once, deleted for real only when Undo is no longer offered.
  function remove(conversation: ConversationSummary): void {
    if (pendingDelete.has(conversation.id)) return;
    pendingDelete.start(conversation);
    reopenOnUndo = chat.openConversationId === conversation.id ? conversation.id : null;
    showList();
    quickPrompts.render();
    notices.showUndo(`Deleted \u201c${conversationTitle(conversation)}\u201d.`, () => undoDelete());
    if (reopenOnUndo !== null) void chat.open(null);
  }

  function undoDelete(): void {
    const conversation = pendingDelete.undo();
    notices.clearUndo();
    if (conversation === null) return;
    showList();
    quickPrompts.render();
    if (reopenOnUndo === conversation.id && chat.openConversationId === null) {
      void chat.open(conversation.id, conversationTitle(conversation));
    }
    reopenOnUndo = null;
    sidebar.focusConversation(conversation.id);
  }

  async function commitDelete(conversation: ConversationSummary): Promise<void> {
    notices.clearUndo();
    if (reopenOnUndo === conversation.id) reopenOnUndo = null;
    chat.forget(conversation.id);
    try {
      await deleteConversation(conversation.id);
      pages.remove(conversation.id);
      quickPrompts.drop(conversation.id);
    } catch (reason) {
      // It is back in the list after the refresh below; Retry deletes it without another undo.
      chat.showError(reason, () => void commitDelete(conversation));
    }
    await refresh();
  }

  function openSearchDialog(): void {
    if (search !== null && search.isOpen) {
      search.focus();
      return;
    }
    const models = Array.from(new Set(pages.all.map((conversation) => conversation.model).filter((model) => model !== "")));
    const dialog = openSearch({
      catalog,
      models,
      initial: searchFilters,
      isHidden: (id) => pendingDelete.has(id),
      onOpen: (hit) => void chat.openAt(hit.conversation_id, conversationTitle({ title: hit.conversation_title }), hit.message_id),
      onFiltersChange: (filters) => {
        searchFilters = filters;
      },
    });
    search = dialog;
    void dialog.closed.then(() => {
      if (search === dialog) search = null;
    });
  }

  // App-wide keys: Ctrl/Cmd+K or Ctrl/Cmd+F search; F2 renames the open conversation.
  const onKeydown = (event: KeyboardEvent): void => {
    if (!sidebar.element.isConnected) {
      document.removeEventListener("keydown", onKeydown);
      return;
    }
    if (event.defaultPrevented || event.isComposing) return;
    const modifier = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (modifier && !event.altKey && !event.shiftKey && (key === "k" || key === "f")) {
      if (document.querySelector("dialog[open]:not(.search-dialog)") !== null) return;
      event.preventDefault();
      openSearchDialog();
    } else if (event.key === "F2" && !modifier && !event.altKey && !isTextField(event.target)) {
      const id = chat.openConversationId;
      if (id !== null && document.querySelector("dialog[open]") === null && sidebar.startRename(id)) event.preventDefault();
    }
  };
  document.addEventListener("keydown", onKeydown);

  root.replaceChildren(el("div", { className: "workspace" }, sidebar.element, chat.element));
  chat.setReadOnly(options.status !== null && !options.status.has_key);
  void chat.open(null);
  void refresh();
  // The tray and the quick window (issue 6); an older core without them answers none of this: nothing shows.
  void shortcutStatus().then((status) => {
    if (disposed) return;
    showShortcut(status);
    quickPrompts.setAvailable(true);
  }, () => undefined);
  void onDesktopEvents({
    openConversation: (id) => {
      if (!disposed) void openFromOutside(id);
    },
    conversationsChanged: (id) => {
      if (disposed) return;
      void refresh();
      void chat.refreshBudget(); // a quick prompt spends too
      if (id !== null) void chat.reloadIfOpen(id);
    },
  })
    .then((stop) => {
      if (disposed) stop();
      else stopDesktop = stop;
    }, () => undefined)
    // Listening first: a conversation handed over from now on comes as an event, one before this is waiting.
    .then(() => takePendingOpen())
    .then(async (id) => {
      if (disposed) return;
      if (typeof id === "number") return openFromOutside(id);
      // A page re-created after the hidden window's idle close starts where the last one was.
      const place = await takePlace();
      if (disposed || place === null) return;
      if (typeof place.conversation_id === "number") await openFromOutside(place.conversation_id);
      if (!disposed && typeof place.draft === "string" && place.draft !== "" && chat.draft === "") chat.draft = place.draft;
    })
    .catch(() => undefined);
  // Hidden (closed to the tray): the core keeps where this page is, in case it is closed meanwhile.
  const onHidden = (): void => {
    if (disposed || document.visibilityState !== "hidden") return;
    void keepPlace(chat.openConversationId, chat.draft).catch(() => undefined);
  };
  document.addEventListener("visibilitychange", onHidden);
  if (options.startupError !== undefined) chat.showError(options.startupError);
  else if (options.status?.history_problem) {
    const message = `${options.status.history_problem.message} New conversations are kept only until the app closes.`;
    chat.showError({ kind: "storage", message });
  }
}

function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select") !== null);
}
