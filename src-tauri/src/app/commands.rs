//! Tauri commands: thin wrappers that check input, call the domain code and map errors (IPC.md).

use std::sync::Arc;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use super::history_start::HistoryProblem;
use super::state::AppState;
use crate::catalog::ModelSummary;
use crate::chat::{EventSink, RetryWith, StreamEvent, TurnStarted};
use crate::history::ConversationSummary;
use crate::openrouter::ErrorKind;
use crate::routing::Routing;
use crate::secrets::{clean_key, KeyStorage, SecretError};
use crate::settings::Settings;
use crate::user_error::UserError;

type CmdResult<T> = Result<T, UserError>;

impl EventSink for Channel<StreamEvent> {
    fn send(&self, event: StreamEvent) {
        // The page may have gone (window closed); the reply is still saved.
        if let Err(e) = Channel::send(self, event) {
            log::debug!("stream event not delivered: {e}");
        }
    }
}

#[derive(Serialize)]
pub struct AppStatus {
    has_key: bool,
    key_storage: KeyStorage,
    keyring_problem: Option<String>,
    history_problem: Option<HistoryProblem>,
    version: &'static str,
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let keyring_problem = state.keyring_problem().await;
    Ok(AppStatus {
        has_key: state.vault.current().is_some(),
        key_storage: state.vault.storage(),
        keyring_problem,
        history_problem: state.history_problem.lock().ok().and_then(|p| p.clone()),
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Serialize)]
pub struct KeyInfo {
    label: String,
    limit: Option<f64>,
    limit_remaining: Option<f64>,
    usage: f64,
    is_free_tier: bool,
    stored_in: KeyStorage,
}

#[tauri::command]
pub async fn save_api_key(
    key: String,
    session_only: bool,
    state: State<'_, AppState>,
) -> CmdResult<KeyInfo> {
    let key = clean_key(&key).ok_or_else(|| {
        UserError::invalid_input(
            "That does not look like an API key. Copy the whole key from openrouter.ai/keys.",
        )
    })?;
    let data = state.client.key_info(&key).await?;
    let stored_in = state
        .vault
        .save(key, session_only)
        .await
        .map_err(keyring_error)?;
    Ok(KeyInfo {
        label: data.label,
        limit: data.limit,
        limit_remaining: data.limit_remaining,
        usage: data.usage,
        is_free_tier: data.is_free_tier,
        stored_in,
    })
}

pub(super) fn keyring_error(err: SecretError) -> UserError {
    let mut user = UserError::new(ErrorKind::KeyringUnavailable, err.to_string());
    if matches!(err, SecretError::Failed(_)) {
        user.message = format!("The key could not be saved in the system keyring ({err}). You can use it for this session only.");
    }
    user
}

#[tauri::command]
pub async fn forget_api_key(state: State<'_, AppState>) -> CmdResult<()> {
    state.vault.forget().await.map_err(keyring_error)
}

#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> CmdResult<Vec<ModelSummary>> {
    Ok(state.catalog.models(&state.client).await?)
}

#[tauri::command]
pub async fn list_conversations(state: State<'_, AppState>) -> CmdResult<Vec<ConversationSummary>> {
    state.chat.db(|h| h.list_conversations()).await
}

#[tauri::command]
pub async fn delete_conversation(id: i64, state: State<'_, AppState>) -> CmdResult<()> {
    state.chat.db(move |h| h.delete_conversation(id)).await
}

#[tauri::command]
pub async fn send_message(
    conversation_id: Option<i64>,
    text: String,
    model: String,
    routing: Option<Routing>,
    on_event: Channel<StreamEvent>,
    state: State<'_, AppState>,
) -> CmdResult<TurnStarted> {
    state.keyring_problem().await;
    let sink: Arc<dyn EventSink> = Arc::new(on_event);
    state
        .chat
        .send_message(conversation_id, text, model, routing, sink)
        .await
}

#[tauri::command]
pub async fn retry_reply(
    assistant_message_id: i64,
    model: Option<String>,
    max_tokens: Option<u32>,
    on_event: Channel<StreamEvent>,
    state: State<'_, AppState>,
) -> CmdResult<TurnStarted> {
    state.keyring_problem().await;
    let sink: Arc<dyn EventSink> = Arc::new(on_event);
    let with = RetryWith { model, max_tokens };
    state
        .chat
        .retry_reply_with(assistant_message_id, with, sink)
        .await
}

#[tauri::command]
pub fn stop_reply(assistant_message_id: i64, state: State<'_, AppState>) {
    state.chat.stop(assistant_message_id);
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    Settings::load(&state.settings)
}

/// Saves the page's settings. The shortcut, its pause and "told about the tray" belong to the core (see
/// `set_shortcut`), so the stored ones are kept; a change of "start at login" is applied first, and refused
/// with a sentence when the system does not take it.
#[tauri::command]
pub fn update_settings(
    mut settings: Settings,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Settings> {
    let stored = Settings::load(&state.settings);
    settings.quick.shortcut = stored.quick.shortcut;
    settings.quick.shortcut_paused = stored.quick.shortcut_paused;
    settings.quick.told_close_to_tray = stored.quick.told_close_to_tray;
    if settings.quick.start_at_login != stored.quick.start_at_login {
        set_login_item(&app, settings.quick.start_at_login)?;
    }
    settings
        .save(&state.settings)
        .map_err(|e| UserError::invalid_input(e.to_string()))?;
    Ok(Settings::load(&state.settings))
}

fn set_login_item(app: &AppHandle, on: bool) -> CmdResult<()> {
    use tauri_plugin_autostart::ManagerExt;
    let spaced_data_dir = arg_data_dir().is_some_and(|d| d.contains(char::is_whitespace));
    if on && spaced_data_dir {
        return Err(UserError::invalid_input(
            "Start at login cannot be set up for a data folder whose path has spaces.",
        ));
    }
    let manager = app.autolaunch();
    let result = if on {
        manager.enable()
    } else {
        manager.disable()
    };
    result.map_err(|e| {
        log::warn!("login item: {e}");
        UserError::invalid_input(if on {
            "Start at login could not be set up on this computer."
        } else {
            "Start at login could not be turned off on this computer."
        })
    })
}

fn arg_data_dir() -> Option<String> {
    let mut args = std::env::args_os()
        .skip(1)
        .filter_map(|a| a.into_string().ok());
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next();
        }
    }
    None
}

/// Opens a link in the system browser. Only web and mail links: a link from a model's reply must not
/// be able to open a local file or another program's URL scheme.
#[tauri::command]
pub fn open_external(url: String, app: AppHandle) -> CmdResult<()> {
    let parsed = url::Url::parse(&url)
        .map_err(|_| UserError::invalid_input("That link is not a valid address."))?;
    let allowed = matches!(parsed.scheme(), "https" | "http" | "mailto")
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if !allowed {
        return Err(UserError::invalid_input(
            "Only web and e-mail links can be opened.",
        ));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| {
            UserError::new(
                ErrorKind::Unknown,
                format!("The link could not be opened ({e})."),
            )
        })
}
