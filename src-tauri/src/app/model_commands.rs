//! Commands of the model browser and of per-conversation routing (IPC.md "Models and routing"): thin
//! wrappers over `catalog` and `routing`.

use serde_json::Value;
use tauri::State;

use super::state::AppState;
use crate::catalog::{
    browser_state, favorites, set_browser_state, set_favorite as save_favorite, Catalogue,
    ModelEndpoint, ModelPicks, ProviderInfo, RECENT_MODELS,
};
use crate::routing::Routing;
use crate::user_error::UserError;

type CmdResult<T> = Result<T, UserError>;

/// The cached list at once, without the network.
#[tauri::command]
pub async fn get_catalogue(state: State<'_, AppState>) -> CmdResult<Catalogue> {
    Ok(state.models.cached(&state.chat.history()).await?)
}

/// A fresh list; on failure the cached one with `refresh_error` set (never rejects for the network).
#[tauri::command]
pub async fn refresh_catalogue(state: State<'_, AppState>) -> CmdResult<Catalogue> {
    Ok(state
        .models
        .refresh(&state.client, &state.chat.history())
        .await)
}

#[tauri::command]
pub async fn model_endpoints(
    id: String,
    state: State<'_, AppState>,
) -> CmdResult<Vec<ModelEndpoint>> {
    // With a key the API adds throughput figures; without one the list still works.
    state.keyring_problem().await;
    let key = state.vault.current();
    Ok(state
        .models
        .endpoints(&state.client, key.as_deref(), &id)
        .await?)
}

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> CmdResult<Vec<ProviderInfo>> {
    state.keyring_problem().await;
    let key = state.vault.current();
    Ok(state
        .models
        .providers(&state.client, key.as_deref())
        .await?)
}

async fn picks(state: &AppState, favorites: Vec<String>) -> CmdResult<ModelPicks> {
    let recent = state.chat.db(|h| h.recent_models(RECENT_MODELS)).await?;
    Ok(ModelPicks { favorites, recent })
}

#[tauri::command]
pub async fn model_picks(state: State<'_, AppState>) -> CmdResult<ModelPicks> {
    picks(&state, favorites(&state.settings)).await
}

#[tauri::command]
pub async fn set_favorite(
    id: String,
    favorite: bool,
    state: State<'_, AppState>,
) -> CmdResult<ModelPicks> {
    let list = save_favorite(&state.settings, &id, favorite)
        .map_err(|e| UserError::invalid_input(e.to_string()))?;
    picks(&state, list).await
}

#[tauri::command]
pub async fn get_routing(conversation_id: i64, state: State<'_, AppState>) -> CmdResult<Routing> {
    let routing = state
        .chat
        .db(move |h| {
            if h.get_conversation(conversation_id)?.is_none() {
                return Err(crate::history::HistoryError::NotFound("conversation"));
            }
            h.conversation_routing(conversation_id)
        })
        .await?;
    Ok(routing.unwrap_or_default())
}

#[tauri::command]
pub async fn set_routing(
    conversation_id: i64,
    routing: Routing,
    state: State<'_, AppState>,
) -> CmdResult<Routing> {
    let routing = routing
        .checked()
        .map_err(|e| UserError::invalid_input(e.to_string()))?;
    let saved = routing.clone();
    state
        .chat
        .db(move |h| h.set_conversation_routing(conversation_id, &saved))
        .await?;
    Ok(routing)
}

#[tauri::command]
pub fn get_model_browser_state(app_state: State<'_, AppState>) -> Option<Value> {
    browser_state(&app_state.settings)
}

/// The page's own state (filters, sort), kept as given. The argument is named `state` in IPC.md, so the
/// app state goes by another name here.
#[tauri::command]
pub fn set_model_browser_state(state: Value, app_state: State<'_, AppState>) -> CmdResult<()> {
    set_browser_state(&app_state.settings, state).map_err(|e| match e {
        crate::catalog::PicksError::Save(_) => {
            UserError::new(crate::openrouter::ErrorKind::Storage, e.to_string())
        }
        other => UserError::invalid_input(other.to_string()),
    })
}
