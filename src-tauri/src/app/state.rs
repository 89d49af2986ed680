//! What the commands share: built once at start-up.

use std::sync::{Arc, Mutex};

use tauri::Wry;
use tauri_plugin_store::Store;
use tokio::sync::OnceCell;

use super::history_start::HistoryProblem;
use crate::billing::{AccountStatus, KeyStatus};
use crate::catalog::{Catalog, ModelCatalogue};
use crate::chat::Chat;
use crate::openrouter::Client;
use crate::secrets::KeyVault;
use crate::settings::SettingsBackend;

pub struct AppState {
    pub client: Client,
    pub chat: Arc<Chat>,
    pub vault: Arc<KeyVault>,
    pub catalog: Catalog,
    /// The model browser's catalogue (cached list, endpoints, providers).
    pub models: ModelCatalogue,
    pub settings: StoreBackend,
    /// Set once the keyring has been read; holds the keyring's problem in plain words, if any.
    key_loaded: OnceCell<Option<String>>,
    /// The history database file.
    pub history_path: std::path::PathBuf,
    /// Why the history database could not be opened, if it could not (the app then runs on memory).
    pub history_problem: Mutex<Option<HistoryProblem>>,
    /// `--export-dir`: exports go there without a save dialog.
    pub export_dir: Option<std::path::PathBuf>,
    /// The management key and the last money figures fetched.
    pub money: MoneyState,
}

/// The optional management key (its own keyring entry), and the last remaining-limit and balance figures
/// fetched this run, which the low-balance warning compares with the user's threshold without asking the
/// network again.
pub struct MoneyState {
    pub management: Arc<KeyVault>,
    management_loaded: OnceCell<()>,
    last_key_remaining: Mutex<Option<i64>>,
    last_balance: Mutex<Option<i64>>,
    /// When the figures were last fetched (or a fetch was started).
    last_fetch: Mutex<Option<std::time::Instant>>,
}

impl MoneyState {
    pub fn new(management: Arc<KeyVault>) -> Self {
        Self {
            management,
            management_loaded: OnceCell::new(),
            last_key_remaining: Mutex::new(None),
            last_balance: Mutex::new(None),
            last_fetch: Mutex::new(None),
        }
    }

    /// Reads the management key from the keyring on first use. A keyring that cannot be read counts as
    /// no key for now, and is read again next time (it may have been locked).
    pub async fn load_management_key(&self) {
        if self.management_loaded.initialized() {
            return;
        }
        match self.management.load().await {
            Ok(_) => {
                let _ = self.management_loaded.set(());
            }
            Err(e) => log::warn!("management key not read from the keyring: {e}"),
        }
    }

    pub fn remember_key(&self, status: &KeyStatus) {
        if let Ok(mut last) = self.last_key_remaining.lock() {
            *last = status.limit_remaining_nanos;
        }
    }

    pub fn remember_account(&self, status: &AccountStatus) {
        if let Ok(mut last) = self.last_balance.lock() {
            *last = status.balance.map(|b| b.balance_nanos);
        }
    }

    /// True when the figures are older than `max_age` (or were never fetched); it then counts as fetched
    /// from now, so a caller that gets `true` is the one that fetches.
    pub fn claim_refresh(&self, max_age: std::time::Duration) -> bool {
        let Ok(mut last) = self.last_fetch.lock() else {
            return false;
        };
        match *last {
            Some(at) if at.elapsed() < max_age => false,
            _ => {
                *last = Some(std::time::Instant::now());
                true
            }
        }
    }

    /// The key's remaining limit and the account's balance, as last fetched.
    pub fn last_figures(&self) -> (Option<i64>, Option<i64>) {
        let read = |m: &Mutex<Option<i64>>| m.lock().ok().and_then(|v| *v);
        (read(&self.last_key_remaining), read(&self.last_balance))
    }
}

impl AppState {
    pub fn new(
        client: Client,
        chat: Arc<Chat>,
        vault: Arc<KeyVault>,
        money: MoneyState,
        settings: StoreBackend,
        history_path: std::path::PathBuf,
    ) -> Self {
        Self {
            client,
            chat,
            vault,
            catalog: Catalog::default(),
            models: ModelCatalogue::default(),
            settings,
            key_loaded: OnceCell::new(),
            history_path,
            history_problem: Mutex::new(None),
            export_dir: None,
            money,
        }
    }

    /// Whether the keyring has been read already (by a window or a reply).
    pub fn key_read(&self) -> bool {
        self.key_loaded.initialized()
    }

    /// Reads the key from the keyring on first use (not at start-up: the window should not wait for
    /// a slow or locked keyring). Returns the keyring's problem, if any.
    pub async fn keyring_problem(&self) -> Option<String> {
        self.key_loaded
            .get_or_init(|| async {
                match self.vault.load().await {
                    Ok(_) => None,
                    Err(e) => Some(e.to_string()),
                }
            })
            .await
            .clone()
    }
}

/// Settings in tauri-plugin-store's JSON file.
pub struct StoreBackend(pub Arc<Store<Wry>>);

impl SettingsBackend for StoreBackend {
    fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: serde_json::Value) -> Result<(), String> {
        self.0.set(key, value);
        self.0.save().map_err(|e| e.to_string())
    }
}
