//! Commands of the money features (IPC.md "Money (issue 5)"): thin wrappers over `history::spend`,
//! `history::ledger` and `billing`.

use std::io::BufWriter;

use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use super::commands::keyring_error;
use super::history_commands::save_path;
use super::state::AppState;
use crate::billing::{self, AccountStatus, BudgetStatus, KeyStatus, PromptEstimate};
use crate::catalog::{base_id, ModelCard};
use crate::history::spend::{Day, SpendReport, SpendTotals, SpendWindows};
use crate::history::{now_ms, HistoryError};
use crate::openrouter::{ActivityItem, ApiError, Credits, ErrorKind};
use crate::secrets::clean_key;
use crate::settings::Settings;
use crate::user_error::UserError;

type CmdResult<T> = Result<T, UserError>;

#[tauri::command]
pub async fn conversation_spend(
    conversation_id: i64,
    state: State<'_, AppState>,
) -> CmdResult<SpendTotals> {
    state
        .chat
        .db(move |h| h.conversation_spend(conversation_id))
        .await
}

/// What the next prompt would cost: local only (history and cached catalogue), cheap enough per keystroke.
#[tauri::command]
pub async fn estimate_prompt(
    conversation_id: Option<i64>,
    model: String,
    draft: String,
    state: State<'_, AppState>,
) -> CmdResult<PromptEstimate> {
    let (basis, card) = state
        .chat
        .db(move |h| {
            let basis = match conversation_id {
                Some(id) => h.prompt_basis(id)?,
                None => Default::default(),
            };
            // A variant without a row of its own (`:nitro`…) is priced like its base model.
            let json = match h.cached_model(&model)? {
                Some(json) => Some(json),
                None => h.cached_model(base_id(&model))?,
            };
            let card = json
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
                .and_then(|v| ModelCard::from_value(&v));
            Ok((basis, card))
        })
        .await?;
    Ok(billing::estimate_prompt(basis, &draft, card.as_ref()))
}

#[tauri::command]
pub async fn spend_windows(state: State<'_, AppState>) -> CmdResult<SpendWindows> {
    state.chat.db(|h| h.spend_windows_now()).await
}

#[tauri::command]
pub async fn spend_report(
    from_day: String,
    to_day: String,
    state: State<'_, AppState>,
) -> CmdResult<SpendReport> {
    let (from, to) = (parse_day(&from_day)?, parse_day(&to_day)?);
    state
        .chat
        .db(move |h| h.spend_report(from, to))
        .await
        .map_err(|e| match e.kind {
            ErrorKind::InvalidInput => UserError::invalid_input(
                "Choose a range whose first day is not after its last, at most ten years long.",
            ),
            _ => e,
        })
}

fn parse_day(text: &str) -> CmdResult<Day> {
    Day::parse(text)
        .ok_or_else(|| UserError::invalid_input("That is not a date (it should read 2026-11-27)."))
}

/// `GET /key`; the figures are also kept for the low-balance warning.
#[tauri::command]
pub async fn key_status(state: State<'_, AppState>) -> CmdResult<KeyStatus> {
    state.keyring_problem().await;
    let key = state.vault.current().ok_or_else(UserError::no_key)?;
    let data = state.client.key_info(&key).await?;
    let status = KeyStatus::new(&data, now_ms());
    state.money.remember_key(&status);
    Ok(status)
}

#[tauri::command]
pub async fn save_management_key(
    key: String,
    state: State<'_, AppState>,
) -> CmdResult<AccountStatus> {
    let key = clean_key(&key).ok_or_else(|| {
        UserError::invalid_input(
            "That does not look like a key. Copy the whole management key from openrouter.ai/settings/management-keys.",
        )
    })?;
    // Checked before it is kept: an ordinary key is refused here with a sentence saying so.
    let credits = state.client.credits(&key).await.map_err(|e| {
        if e.kind() == ErrorKind::Forbidden {
            UserError::new(
                ErrorKind::Forbidden,
                "This is not a management key: OpenRouter only shows the account's balance to management keys. Create one at openrouter.ai/settings/management-keys.",
            )
        } else {
            UserError::from(e)
        }
    })?;
    state.money.load_management_key().await;
    state
        .money
        .management
        .save(key.clone(), false)
        .await
        .map_err(keyring_error)?;
    let status = account(&credits, state.client.activity(&key).await);
    state.money.remember_account(&status);
    Ok(status)
}

#[tauri::command]
pub async fn forget_management_key(state: State<'_, AppState>) -> CmdResult<()> {
    state
        .money
        .management
        .erase()
        .await
        .map_err(keyring_error)?;
    state.money.remember_account(&AccountStatus::without_key());
    Ok(())
}

/// `/credits` and `/activity` with the management key, when one is kept. A failure is part of the answer
/// (`error`), so the view can still show what it has.
#[tauri::command]
pub async fn account_status(state: State<'_, AppState>) -> CmdResult<AccountStatus> {
    state.money.load_management_key().await;
    let Some(key) = state.money.management.current() else {
        return Ok(AccountStatus::without_key());
    };
    let (credits, activity) = tokio::join!(state.client.credits(&key), state.client.activity(&key));
    let status = match credits {
        Ok(credits) => account(&credits, activity),
        Err(e) => AccountStatus::failed(UserError::from(e)),
    };
    state.money.remember_account(&status);
    Ok(status)
}

/// The balance, and the activity or why it is missing (rather than an empty list that reads as none).
fn account(credits: &Credits, activity: Result<Vec<ActivityItem>, ApiError>) -> AccountStatus {
    match activity {
        Ok(activity) => AccountStatus::fetched(credits, &activity, now_ms()),
        Err(e) => AccountStatus {
            activity: None,
            error: Some(UserError::new(
                e.kind(),
                format!(
                    "OpenRouter's activity could not be read: {}",
                    UserError::from(e).message
                ),
            )),
            ..AccountStatus::fetched(credits, &[], now_ms())
        },
    }
}

/// The month's spend against the budget, and the low-balance warning from the last figures fetched. Never
/// waits for the network: with a threshold set and figures older than [`FIGURES_MAX_AGE`], fresh ones are
/// fetched in the background for the next call.
#[tauri::command]
pub async fn budget_status(app: AppHandle, state: State<'_, AppState>) -> CmdResult<BudgetStatus> {
    let settings = Settings::load(&state.settings);
    if settings.low_balance_nanos().is_some() && state.money.claim_refresh(FIGURES_MAX_AGE) {
        tauri::async_runtime::spawn(refresh_figures(app));
    }
    let month = state.chat.db(|h| h.spend_windows_now()).await?.month;
    let (key_remaining, balance) = state.money.last_figures();
    Ok(billing::budget_status(
        settings.monthly_budget_nanos(),
        month.cost_nanos,
        settings.low_balance_nanos(),
        key_remaining,
        balance,
    ))
}

/// How old the key's and the account's figures may be before the low-balance warning asks for new ones.
const FIGURES_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);

/// [`refresh_figures`] when the figures are over [`FIGURES_MAX_AGE`] old and there is a key (the tray's
/// remaining-limit line).
pub(super) async fn refresh_if_stale(app: &AppHandle) {
    let state = app.state::<AppState>();
    state.keyring_problem().await;
    if state.vault.current().is_some() && state.money.claim_refresh(FIGURES_MAX_AGE) {
        refresh_figures(app.clone()).await;
    }
}

/// Fetches `/key` (and `/credits` with a management key) and keeps the figures. Failures are only logged:
/// the warning then keeps using what it had.
async fn refresh_figures(app: AppHandle) {
    let state = app.state::<AppState>();
    state.keyring_problem().await;
    if let Some(key) = state.vault.current() {
        match state.client.key_info(&key).await {
            Ok(data) => state.money.remember_key(&KeyStatus::new(&data, now_ms())),
            Err(e) => log::info!("key figures not refreshed: {e}"),
        }
    }
    state.money.load_management_key().await;
    if let Some(key) = state.money.management.current() {
        match state.client.credits(&key).await {
            Ok(credits) => {
                state
                    .money
                    .remember_account(&AccountStatus::fetched(&credits, &[], now_ms()))
            }
            Err(e) => log::info!("account balance not refreshed: {e}"),
        }
    }
}

#[derive(Serialize)]
pub struct LedgerExport {
    path: String,
    rows: usize,
}

#[tauri::command]
pub async fn export_ledger_csv(
    from_day: Option<String>,
    to_day: Option<String>,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<LedgerExport>> {
    let from = from_day.as_deref().map(parse_day).transpose()?;
    let to = to_day.as_deref().map(parse_day).transpose()?;
    let name = match (from, to) {
        (Some(f), Some(t)) => format!("openrouter-spend-{f}-to-{t}.csv"),
        _ => "openrouter-spend.csv".to_owned(),
    };
    let Some(path) = save_path(&app, &state, &name, ("CSV", "csv")).await else {
        return Ok(None);
    };
    let target = path.clone();
    let rows = state
        .chat
        .db(move |h| {
            let file = std::fs::File::create(&target).map_err(HistoryError::from)?;
            h.export_ledger_csv_to(from, to, BufWriter::new(file))
        })
        .await
        .map_err(|e| {
            UserError::new(
                ErrorKind::Storage,
                format!(
                    "The spending could not be saved to {}. {}",
                    path.display(),
                    e.message
                ),
            )
        })?;
    Ok(Some(LedgerExport {
        path: path.display().to_string(),
        rows,
    }))
}
