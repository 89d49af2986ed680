//! Commands of the quick-prompt window (its capability allows only those marked so in IPC.md) and the main
//! window's tray and shortcut commands. Thin: the decisions are in `crate::desktop` and `crate::chat`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager, State};

use super::desktop_shell::{self, DesktopState, Place};
use super::shortcut;
use super::state::AppState;
use super::windows::{self, MAIN};
use crate::chat::{EventSink, RetryWith, StreamEvent, TurnStarted};
use crate::desktop::{
    cap_text, readable_shortcut, valid_shortcut, ShortcutStatus, TrayAction, MAX_ATTACHMENT_BYTES,
};
use crate::settings::{QuickAttach, Settings, Theme};
use crate::user_error::UserError;

type CmdResult<T> = Result<T, UserError>;

/// The most text "Copy" puts on the clipboard.
const MAX_COPY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Serialize)]
pub struct QuickStatus {
    has_key: bool,
    model: String,
    attach: QuickAttach,
    selection_supported: bool,
    shortcut: String,
    /// The theme chosen in Settings, so the quick window looks like the main one.
    theme: Theme,
}

#[tauri::command]
pub async fn quick_status(state: State<'_, AppState>) -> CmdResult<QuickStatus> {
    state.keyring_problem().await;
    let settings = Settings::load(&state.settings);
    Ok(QuickStatus {
        has_key: state.vault.current().is_some(),
        model: quick_model(&settings),
        attach: settings.quick.attach,
        selection_supported: SELECTION_SUPPORTED,
        shortcut: readable_shortcut(&settings.quick.shortcut),
        theme: settings.theme,
    })
}

/// At a reached monthly budget a paid prompt is not sent without asking (`budget_reached`, whose "Send
/// anyway" sends again with `sendAnyway`), as the chat asks before sending.
async fn budget_allows(state: &AppState, settings: &Settings) -> CmdResult<()> {
    let Some(budget) = settings.monthly_budget_nanos() else {
        return Ok(());
    };
    let spent = state
        .chat
        .db(|h| h.spend_windows_now())
        .await?
        .month
        .cost_nanos;
    let status = crate::billing::budget_status(Some(budget), spent, None, None, None);
    if status.level == crate::billing::BudgetLevel::Reached {
        return Err(UserError::budget_reached(budget, spent));
    }
    Ok(())
}

fn quick_model(settings: &Settings) -> String {
    settings
        .quick
        .model
        .clone()
        .unwrap_or_else(|| settings.default_model.clone())
}

#[tauri::command]
pub async fn quick_send(
    conversation_id: Option<i64>,
    text: String,
    attachment: Option<String>,
    send_anyway: Option<bool>,
    on_event: Channel<StreamEvent>,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<TurnStarted> {
    state.keyring_problem().await;
    let settings = Settings::load(&state.settings);
    let model = quick_model(&settings);
    let free = state.models.is_free(&state.chat.history(), &model).await;
    if send_anyway != Some(true) && !free {
        budget_allows(&state, &settings).await?;
    }
    let sink = QuickSink::new(on_event, app.clone());
    let started = state
        .chat
        .send_quick(conversation_id, text, attachment, model, sink.clone())
        .await?;
    sink.started(started.conversation_id);
    Ok(started)
}

#[tauri::command]
pub async fn quick_retry(
    assistant_message_id: i64,
    max_tokens: Option<u32>,
    on_event: Channel<StreamEvent>,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<TurnStarted> {
    state.keyring_problem().await;
    let sink = QuickSink::new(on_event, app);
    let with = RetryWith {
        model: None,
        max_tokens,
    };
    let started = state
        .chat
        .retry_quick(assistant_message_id, with, sink.clone())
        .await?;
    sink.started(started.conversation_id);
    Ok(started)
}

/// A quick reply's events go to the quick window; the main window is told (`conversations-changed`) when
/// the turn starts and again when the reply ends: its sidebar lists quick prompts, and it may have the
/// conversation open. The reply can end before the turn's conversation id is known (an early error): then
/// only the start's message goes.
struct QuickSink {
    page: Channel<StreamEvent>,
    app: AppHandle,
    /// The conversation, once known.
    turn: std::sync::Mutex<Option<i64>>,
}

impl QuickSink {
    fn new(page: Channel<StreamEvent>, app: AppHandle) -> Arc<Self> {
        Arc::new(Self {
            page,
            app,
            turn: std::sync::Mutex::new(None),
        })
    }

    /// Tells the main window once: a reply that already ended is in the conversation it reloads.
    fn started(&self, conversation_id: i64) {
        if let Ok(mut turn) = self.turn.lock() {
            *turn = Some(conversation_id);
        }
        self.tell_main(conversation_id);
    }

    fn tell_main(&self, conversation_id: i64) {
        let payload = serde_json::json!({ "id": conversation_id });
        if let Err(e) = self.app.emit_to(MAIN, "conversations-changed", payload) {
            log::debug!("main window not told of a quick prompt: {e}");
        }
    }
}

impl EventSink for QuickSink {
    fn send(&self, event: StreamEvent) {
        let ended = matches!(event, StreamEvent::Done { .. });
        EventSink::send(&self.page, event);
        if !ended {
            return;
        }
        // Before the id is known, `started` has yet to tell the main window, and will.
        let known = self.turn.lock().ok().and_then(|turn| *turn);
        if let Some(id) = known {
            self.tell_main(id);
        }
    }
}

/// Stops a quick conversation's reply; the quick window has no `stop_reply`, which could stop the main
/// window's.
#[tauri::command]
pub async fn quick_stop(assistant_message_id: i64, state: State<'_, AppState>) -> CmdResult<()> {
    state.chat.stop_quick(assistant_message_id).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Selection,
    Clipboard,
}

#[derive(Serialize)]
pub struct Attachment {
    kind: AttachmentKind,
    text: String,
    truncated: bool,
}

/// "Selected text" is the X11/Wayland PRIMARY selection; Windows and macOS have none.
const SELECTION_SUPPORTED: bool = cfg!(all(unix, not(target_os = "macos")));

/// Reads the selection or the clipboard: only when the user asked for it (the quick window's attach
/// toggle), off the main thread (clipboard reads can wait on other programs).
#[tauri::command]
pub async fn read_attachment(kind: AttachmentKind, app: AppHandle) -> CmdResult<Attachment> {
    let text = with_clipboard(app, move |clipboard| read(clipboard, kind)).await?;
    let (text, truncated) = cap_text(&text, MAX_ATTACHMENT_BYTES);
    if text.trim().is_empty() {
        return Err(nothing_to_attach(kind));
    }
    Ok(Attachment {
        kind,
        text: text.to_owned(),
        truncated,
    })
}

fn nothing_to_attach(kind: AttachmentKind) -> UserError {
    UserError::invalid_input(match kind {
        AttachmentKind::Selection => "Nothing is selected.",
        AttachmentKind::Clipboard => "The clipboard has no text.",
    })
}

fn read(clipboard: &mut arboard::Clipboard, kind: AttachmentKind) -> Result<String, UserError> {
    let text = match kind {
        AttachmentKind::Clipboard => clipboard.get_text(),
        AttachmentKind::Selection => read_selection(clipboard)?,
    };
    text.map_err(|e| match e {
        arboard::Error::ContentNotAvailable => nothing_to_attach(kind),
        other => {
            log::warn!("clipboard not read: {other}");
            UserError::invalid_input("The clipboard could not be read.")
        }
    })
}

#[cfg(all(unix, not(target_os = "macos")))]
fn read_selection(
    clipboard: &mut arboard::Clipboard,
) -> Result<Result<String, arboard::Error>, UserError> {
    use arboard::{GetExtLinux, LinuxClipboardKind};
    Ok(clipboard
        .get()
        .clipboard(LinuxClipboardKind::Primary)
        .text())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn read_selection(
    _clipboard: &mut arboard::Clipboard,
) -> Result<Result<String, arboard::Error>, UserError> {
    Err(UserError::invalid_input(
        "Reading the selection is not supported here; copy the text and attach the clipboard instead.",
    ))
}

#[tauri::command]
pub async fn copy_text(text: String, app: AppHandle) -> CmdResult<()> {
    if text.len() > MAX_COPY_BYTES {
        return Err(UserError::invalid_input("This is too long to copy."));
    }
    with_clipboard(app, move |clipboard| {
        clipboard.set_text(text).map_err(|e| {
            log::warn!("clipboard not written: {e}");
            UserError::invalid_input("The text could not be copied.")
        })
    })
    .await
}

/// Runs `f` on the app's one clipboard, created on first use and kept: on X11 the app itself serves what
/// it copied for as long as the clipboard lives.
async fn with_clipboard<R: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut arboard::Clipboard) -> Result<R, UserError> + Send + 'static,
) -> Result<R, UserError> {
    let unavailable = || UserError::invalid_input("The clipboard cannot be used right now.");
    tauri::async_runtime::spawn_blocking(move || {
        let desktop = app.try_state::<DesktopState>().ok_or_else(unavailable)?;
        let mut slot = desktop.clipboard.lock().map_err(|_| unavailable())?;
        if slot.is_none() {
            let made = arboard::Clipboard::new().map_err(|e| {
                log::warn!("no clipboard: {e}");
                unavailable()
            })?;
            *slot = Some(made);
        }
        let clipboard = slot.as_mut().ok_or_else(unavailable)?;
        f(clipboard)
    })
    .await
    .map_err(|_| unavailable())?
}

#[tauri::command]
pub fn quick_hide(app: AppHandle) -> CmdResult<()> {
    windows::hide_quick(&app).map_err(window_error)
}

/// Hides the quick window and shows the conversation in the main window: at once when the main window's
/// page is loaded (`open-conversation`), or when it starts (`take_pending_open`) if it was closed.
#[tauri::command]
pub async fn open_in_main(
    conversation_id: i64,
    app: AppHandle,
    state: State<'_, AppState>,
    desktop: State<'_, DesktopState>,
) -> CmdResult<()> {
    // The quick window opens its own conversations only.
    let origin = state
        .chat
        .db(move |h| Ok(h.get_conversation(conversation_id)?.map(|c| c.origin)))
        .await?;
    if origin != Some(crate::history::Origin::Quick) {
        return Err(UserError::invalid_input(
            "The quick window can only open its own conversations.",
        ));
    }
    windows::hide_quick(&app).map_err(window_error)?;
    if app.get_webview_window(MAIN).is_some() {
        app.emit_to(
            MAIN,
            "open-conversation",
            serde_json::json!({ "id": conversation_id }),
        )
        .map_err(window_error)?;
    } else if let Ok(mut pending) = desktop.pending_open.lock() {
        *pending = Some(conversation_id);
    }
    desktop_shell::perform(&app, TrayAction::OpenMain);
    Ok(())
}

#[tauri::command]
pub fn take_pending_open(desktop: State<'_, DesktopState>) -> Option<i64> {
    desktop.pending_open.lock().ok().and_then(|mut p| p.take())
}

/// The main window's page is being hidden: where it is, so the page that replaces it after the idle close
/// starts there (the draft is kept in memory only, never written anywhere).
#[tauri::command]
pub fn keep_place(
    conversation_id: Option<i64>,
    draft: String,
    desktop: State<'_, DesktopState>,
) -> CmdResult<()> {
    let (draft, _) = cap_text(&draft, MAX_DRAFT_BYTES);
    if let Ok(mut place) = desktop.place.lock() {
        *place = Some(Place {
            conversation_id,
            draft: draft.to_owned(),
        });
    }
    Ok(())
}

/// The place kept by the page before this one, once.
#[tauri::command]
pub fn take_place(desktop: State<'_, DesktopState>) -> Option<Place> {
    desktop.place.lock().ok().and_then(|mut p| p.take())
}

/// A message longer than this could not be sent anyway.
const MAX_DRAFT_BYTES: usize = 1024 * 1024;

/// What a tray menu item does, for the main window's "Quick prompt" button (and tests); also
/// "pause-shortcut" and "resume-shortcut", which unlike the tray's toggle say which state they want.
#[tauri::command]
pub async fn desktop_action(action: String, app: AppHandle) -> CmdResult<()> {
    let to = match action.as_str() {
        "pause-shortcut" => Some(true),
        "resume-shortcut" => Some(false),
        _ => None,
    };
    if let Some(paused) = to {
        tauri::async_runtime::spawn_blocking(move || {
            desktop_shell::toggle_shortcut(&app, Some(paused))
        })
        .await
        .map_err(window_error)?;
        return Ok(());
    }
    let action = TrayAction::from_id(&action)
        .ok_or_else(|| UserError::invalid_input("There is no such action."))?;
    desktop_shell::perform(&app, action);
    Ok(())
}

#[derive(Serialize)]
pub struct ShortcutView {
    shortcut: String,
    readable: String,
    state: &'static str,
    problem: Option<String>,
}

impl ShortcutView {
    fn new(shortcut: &str, status: &ShortcutStatus) -> Self {
        let state = match status {
            ShortcutStatus::Active => "active",
            ShortcutStatus::Paused => "paused",
            ShortcutStatus::Taken(_) => "taken",
            ShortcutStatus::Invalid(_) => "invalid",
            ShortcutStatus::Unavailable(_) => "unavailable",
        };
        Self {
            shortcut: shortcut.to_owned(),
            readable: readable_shortcut(shortcut),
            state,
            problem: status.problem().map(str::to_owned),
        }
    }
}

#[tauri::command]
pub fn shortcut_status(
    state: State<'_, AppState>,
    desktop: State<'_, DesktopState>,
) -> ShortcutView {
    let settings = Settings::load(&state.settings);
    ShortcutView::new(&settings.quick.shortcut, &desktop.shortcut.status())
}

/// Takes `shortcut` in place of the current one, saved only once it is registered; a refused one is an
/// `invalid_input` error saying why, and the current shortcut keeps working.
#[tauri::command]
pub async fn set_shortcut(
    shortcut: String,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<ShortcutView> {
    let shortcut = shortcut.trim().to_owned();
    if !valid_shortcut(&shortcut) {
        return Err(UserError::invalid_input(
            "A shortcut is one key pressed with Ctrl, Alt or the system key (Shift alone is not enough), for example Ctrl+Shift+Space.",
        ));
    }
    let handle = app.clone();
    let wanted = shortcut.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let unavailable =
            || ShortcutStatus::Unavailable("The shortcut cannot be changed now.".into());
        let desktop = handle.try_state::<DesktopState>().ok_or_else(unavailable)?;
        shortcut::register(&handle, &desktop.shortcut, &wanted)
    })
    .await
    .map_err(window_error)?;
    match result {
        Ok(status) => {
            let mut settings = Settings::load(&state.settings);
            settings.quick.shortcut = shortcut.clone();
            settings.quick.shortcut_paused = false;
            settings
                .save(&state.settings)
                .map_err(|e| UserError::invalid_input(e.to_string()))?;
            if let Some(tray) = app
                .try_state::<DesktopState>()
                .as_ref()
                .and_then(|d| d.tray.as_ref())
            {
                tray.show_paused(false);
            }
            Ok(ShortcutView::new(&shortcut, &status))
        }
        Err(why) => Err(UserError::invalid_input(why.problem().unwrap_or(
            "That shortcut cannot be used. Choose another one, such as Ctrl+Shift+Space.",
        ))),
    }
}

fn window_error(e: impl std::fmt::Display) -> UserError {
    log::error!("window: {e}");
    UserError::new(
        crate::openrouter::ErrorKind::Unknown,
        "The window could not be shown. Try again, or restart the app.",
    )
}
