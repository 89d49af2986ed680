//! Typed settings. Stored by tauri-plugin-store (a plain JSON file) through `SettingsBackend`, so this
//! module stays free of `tauri`. Never put secrets or conversation text here.

use serde::{Deserialize, Serialize};

/// A good first model: capable, cheap, fast, and widely available.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o-mini";
const KEY: &str = "settings";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub default_model: String,
    pub theme: Theme,
    /// A monthly budget in US dollars ("20"); `None`: no budget.
    pub monthly_budget_usd: Option<String>,
    /// Warn when the key's remaining limit or the account's balance falls under this many dollars.
    pub low_balance_usd: Option<String>,
    /// The tray and the quick-prompt window (issue 6).
    pub quick: QuickSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_model: DEFAULT_MODEL.to_owned(),
            theme: Theme::System,
            monthly_budget_usd: None,
            low_balance_usd: None,
            quick: QuickSettings::default(),
        }
    }
}

/// What the quick-prompt window may read along with the question, only when the user asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuickAttach {
    #[default]
    Off,
    /// The text selected in another program (the PRIMARY selection on Linux).
    Selection,
    Clipboard,
}

/// The longest the main window may stay hidden before its web view is closed to save memory.
pub const MAX_IDLE_CLOSE_SECS: u32 = 86_400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuickSettings {
    /// The global shortcut that opens the quick window (`CommandOrControl+Shift+Space`).
    pub shortcut: String,
    /// Paused from the tray menu: not registered until resumed.
    pub shortcut_paused: bool,
    /// Closing the main window keeps the app in the tray.
    pub close_to_tray: bool,
    /// The user has been told once that closing keeps the app in the tray.
    pub told_close_to_tray: bool,
    /// Seconds the main window stays hidden before its web view is closed (0: never).
    pub main_idle_close_secs: u32,
    pub attach: QuickAttach,
    pub start_at_login: bool,
    /// The quick window's own model; `None`: the default model.
    pub model: Option<String>,
}

impl Default for QuickSettings {
    fn default() -> Self {
        Self {
            shortcut: crate::desktop::DEFAULT_SHORTCUT.to_owned(),
            shortcut_paused: false,
            close_to_tray: true,
            told_close_to_tray: false,
            main_idle_close_secs: 300,
            attach: QuickAttach::Off,
            start_at_login: false,
            model: None,
        }
    }
}

impl QuickSettings {
    /// Fields that do not read as valid take their defaults (a hand-edited file must not stop the app).
    fn repaired(mut self) -> Self {
        if !crate::desktop::valid_shortcut(&self.shortcut) {
            self.shortcut = crate::desktop::DEFAULT_SHORTCUT.to_owned();
        }
        if self.model.as_deref().is_some_and(|m| !valid_model_id(m)) {
            self.model = None;
        }
        self.main_idle_close_secs = self.main_idle_close_secs.min(MAX_IDLE_CLOSE_SECS);
        self
    }

    fn check(&self) -> Result<(), SettingsError> {
        if !crate::desktop::valid_shortcut(&self.shortcut) {
            return Err(SettingsError::InvalidShortcut(
                self.shortcut.chars().take(64).collect(),
            ));
        }
        if let Some(model) = self.model.as_deref().filter(|m| !valid_model_id(m)) {
            return Err(SettingsError::InvalidModel(model.to_owned()));
        }
        if self.main_idle_close_secs > MAX_IDLE_CLOSE_SECS {
            return Err(SettingsError::InvalidIdle);
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the model id “{0}” is not valid")]
    InvalidModel(String),
    #[error("“{0}” is not an amount in dollars: use a number like 20 or 2.50, at most 1,000,000.")]
    InvalidAmount(String),
    #[error("“{0}” cannot be the quick-prompt shortcut: use a key with Ctrl, Alt or Cmd, such as Ctrl+Shift+Space.")]
    InvalidShortcut(String),
    #[error("The main window can stay open in the background for at most a day.")]
    InvalidIdle,
    #[error("the settings could not be saved: {0}")]
    Save(String),
}

/// Where settings live: a key-value store of JSON values.
pub trait SettingsBackend: Send + Sync {
    fn get(&self, key: &str) -> Option<serde_json::Value>;
    fn set(&self, key: &str, value: serde_json::Value) -> Result<(), String>;
}

/// Model ids are `author/slug[:variant]` made of a small alphabet; anything else is refused before it
/// can reach a request or the settings file.
pub fn valid_model_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:~@".contains(c))
}

impl Settings {
    /// Reads settings; a missing or damaged entry gives the defaults rather than an error, since a
    /// broken settings file must not keep the app from starting.
    pub fn load(backend: &dyn SettingsBackend) -> Settings {
        let mut settings: Settings = backend
            .get(KEY)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        if !valid_model_id(&settings.default_model) {
            settings.default_model = DEFAULT_MODEL.to_owned();
        }
        for amount in [
            &mut settings.monthly_budget_usd,
            &mut settings.low_balance_usd,
        ] {
            *amount = amount
                .take()
                .and_then(|a| normalized_amount(&a).ok().flatten());
        }
        settings.quick = settings.quick.repaired();
        settings
    }

    /// Saves, after checking the model id and the dollar amounts (trimmed; an empty amount is "off").
    pub fn save(&self, backend: &dyn SettingsBackend) -> Result<(), SettingsError> {
        if !valid_model_id(&self.default_model) {
            return Err(SettingsError::InvalidModel(self.default_model.clone()));
        }
        self.quick.check()?;
        let mut checked = self.clone();
        for amount in [
            &mut checked.monthly_budget_usd,
            &mut checked.low_balance_usd,
        ] {
            if let Some(text) = amount.take() {
                *amount = normalized_amount(&text)?;
            }
        }
        let value =
            serde_json::to_value(&checked).map_err(|e| SettingsError::Save(e.to_string()))?;
        backend.set(KEY, value).map_err(SettingsError::Save)
    }

    /// The monthly budget in nano-dollars.
    pub fn monthly_budget_nanos(&self) -> Option<i64> {
        self.monthly_budget_usd
            .as_deref()
            .and_then(crate::billing::setting_usd_to_nanos)
    }

    /// The low-balance threshold in nano-dollars.
    pub fn low_balance_nanos(&self) -> Option<i64> {
        self.low_balance_usd
            .as_deref()
            .and_then(crate::billing::setting_usd_to_nanos)
    }
}

/// A dollar amount as kept: trimmed, `None` when empty; refused when it is not a plain amount.
fn normalized_amount(text: &str) -> Result<Option<String>, SettingsError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match crate::billing::setting_usd_to_nanos(text) {
        Some(_) => Ok(Some(text.to_owned())),
        None => Err(SettingsError::InvalidAmount(
            text.chars().take(40).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use memory::MapBackend;

    #[test]
    fn defaults_then_round_trip() {
        let backend = MapBackend::default();
        assert_eq!(Settings::load(&backend), Settings::default());
        let s = Settings {
            default_model: "anthropic/claude-sonnet-4.5:thinking".into(),
            theme: Theme::Dark,
            monthly_budget_usd: Some("20".into()),
            low_balance_usd: Some("2.50".into()),
            quick: QuickSettings {
                shortcut: "Alt+Space".into(),
                attach: QuickAttach::Selection,
                model: Some("google/gemini-2.5-flash".into()),
                ..QuickSettings::default()
            },
        };
        s.save(&backend).expect("save");
        assert_eq!(Settings::load(&backend), s);
        assert_eq!(s.monthly_budget_nanos(), Some(20_000_000_000));
        assert_eq!(s.low_balance_nanos(), Some(2_500_000_000));
    }

    #[test]
    fn quick_settings_default_check_and_repair() {
        let backend = MapBackend::default();
        let quick = Settings::load(&backend).quick;
        assert_eq!(quick.shortcut, "CommandOrControl+Shift+Space");
        assert!(quick.close_to_tray && !quick.told_close_to_tray && !quick.start_at_login);
        assert_eq!(
            (quick.main_idle_close_secs, quick.attach),
            (300, QuickAttach::Off)
        );
        let refused = |quick: QuickSettings| {
            Settings {
                quick,
                ..Settings::default()
            }
            .save(&backend)
            .is_err()
        };
        for shortcut in ["Space", "Shift+A", "Ctrl+", "Ctrl+Hyper+K", "Ctrl+Banana"] {
            let quick = QuickSettings {
                shortcut: shortcut.into(),
                ..QuickSettings::default()
            };
            assert!(refused(quick), "{shortcut}");
        }
        assert!(refused(QuickSettings {
            model: Some("not a model".into()),
            ..QuickSettings::default()
        }));
        assert!(refused(QuickSettings {
            main_idle_close_secs: MAX_IDLE_CLOSE_SECS + 1,
            ..QuickSettings::default()
        }));
        // A hand-edited file with nonsense falls back field by field.
        backend
            .set(
                KEY,
                serde_json::json!({"theme": "dark", "quick": {"shortcut": "Q", "close_to_tray": false, "model": "<x>", "main_idle_close_secs": 999999}}),
            )
            .expect("set");
        let loaded = Settings::load(&backend);
        assert_eq!(loaded.theme, Theme::Dark);
        assert_eq!(loaded.quick.shortcut, "CommandOrControl+Shift+Space");
        assert!(!loaded.quick.close_to_tray, "the valid field is kept");
        assert_eq!(loaded.quick.model, None);
        assert_eq!(loaded.quick.main_idle_close_secs, MAX_IDLE_CLOSE_SECS);
    }

    #[test]
    fn amounts_are_trimmed_checked_and_empty_means_off() {
        let backend = MapBackend::default();
        let mut s = Settings {
            monthly_budget_usd: Some(" 15 ".into()),
            low_balance_usd: Some("".into()),
            ..Settings::default()
        };
        s.save(&backend).expect("save");
        let loaded = Settings::load(&backend);
        assert_eq!(loaded.monthly_budget_usd.as_deref(), Some("15"));
        assert_eq!(loaded.low_balance_usd, None);
        for bad in ["-5", "ten", "1e9", "2000000"] {
            s.monthly_budget_usd = Some(bad.into());
            let err = s.save(&backend).unwrap_err();
            assert!(err.to_string().contains("not an amount"), "{bad}: {err}");
        }
        assert_eq!(
            Settings::load(&backend),
            loaded,
            "a refused save changes nothing"
        );
        backend
            .set(KEY, serde_json::json!({"monthly_budget_usd": "lots"}))
            .expect("set");
        assert_eq!(Settings::load(&backend).monthly_budget_usd, None);
    }

    #[test]
    fn damaged_or_hostile_values_fall_back() {
        let backend = MapBackend::default();
        backend
            .set(
                KEY,
                serde_json::json!({"theme": "neon", "default_model": 3}),
            )
            .expect("set");
        assert_eq!(Settings::load(&backend), Settings::default());
        backend
            .set(KEY, serde_json::json!({"default_model": "<script>"}))
            .expect("set");
        assert_eq!(Settings::load(&backend).default_model, DEFAULT_MODEL);
        let bad = Settings {
            default_model: "a b".into(),
            ..Settings::default()
        };
        assert!(bad.save(&backend).is_err());
    }
}

/// Settings kept in a map, for the tests of every module that reads or writes settings.
#[cfg(test)]
pub(crate) mod memory {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::SettingsBackend;

    #[derive(Default)]
    pub(crate) struct MapBackend(Mutex<HashMap<String, serde_json::Value>>);

    impl SettingsBackend for MapBackend {
        fn get(&self, key: &str) -> Option<serde_json::Value> {
            self.0.lock().ok()?.get(key).cloned()
        }
        fn set(&self, key: &str, value: serde_json::Value) -> Result<(), String> {
            self.0
                .lock()
                .map_err(|e| e.to_string())?
                .insert(key.into(), value);
            Ok(())
        }
    }
}
