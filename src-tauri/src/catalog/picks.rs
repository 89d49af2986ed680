//! Favourite models and the model browser's own state, kept in the settings file (not in the history).
//!
//! Why the settings file: favourites are preferences like the default model. They must survive what happens
//! to the history database: "delete all history", a damaged file set aside for a fresh one, or a run on an
//! in-memory history when the file cannot be opened. Recently used models, on the other hand, are read from
//! the history itself (`HistoryStore::recent_models`), so they can never disagree with it.

use serde::Serialize;
use serde_json::Value;

use crate::settings::{valid_model_id, SettingsBackend};

const FAVORITES_KEY: &str = "model_favorites";
const BROWSER_STATE_KEY: &str = "model_browser_state";
/// More favourites than this is a list, not a choice; it also bounds the settings file.
pub const MAX_FAVORITES: usize = 500;
/// The browser state is small (filters, sort, a search text); a large one is a bug in the page.
pub const MAX_BROWSER_STATE_BYTES: usize = 16 * 1024;
/// How many recently used models the picker shows.
pub const RECENT_MODELS: usize = 10;

/// IPC.md `ModelPicks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelPicks {
    /// In the order they were starred.
    pub favorites: Vec<String>,
    /// Most recent first.
    pub recent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PicksError {
    #[error("“{0}” is not a model id.")]
    InvalidModel(String),
    #[error("You can keep at most {MAX_FAVORITES} favourite models.")]
    TooManyFavorites,
    #[error("The model browser's settings are too large to keep (over 16 KB).")]
    StateTooLarge,
    #[error("The model browser's settings must be an object.")]
    StateNotAnObject,
    #[error("Your settings could not be saved ({0}).")]
    Save(String),
}

/// The favourites as saved; unreadable or invalid entries are dropped rather than failing.
pub fn favorites(backend: &dyn SettingsBackend) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(Value::Array(items)) = backend.get(FAVORITES_KEY) {
        for item in items {
            if let Value::String(id) = item {
                if valid_model_id(&id) && !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
    out
}

/// Stars or unstars a model; returns the favourites after the change.
pub fn set_favorite(
    backend: &dyn SettingsBackend,
    id: &str,
    favorite: bool,
) -> Result<Vec<String>, PicksError> {
    let id = id.trim();
    if !valid_model_id(id) {
        return Err(PicksError::InvalidModel(id.to_owned()));
    }
    let mut list = favorites(backend);
    let present = list.iter().any(|f| f == id);
    match (favorite, present) {
        (true, false) => {
            if list.len() >= MAX_FAVORITES {
                return Err(PicksError::TooManyFavorites);
            }
            list.push(id.to_owned());
        }
        (false, true) => list.retain(|f| f != id),
        _ => return Ok(list),
    }
    backend
        .set(FAVORITES_KEY, Value::from(list.clone()))
        .map_err(PicksError::Save)?;
    Ok(list)
}

/// The browser state as the page last saved it.
pub fn browser_state(backend: &dyn SettingsBackend) -> Option<Value> {
    backend.get(BROWSER_STATE_KEY).filter(Value::is_object)
}

/// Keeps the page's browser state as given (an object of at most 16 KB of JSON).
pub fn set_browser_state(backend: &dyn SettingsBackend, state: Value) -> Result<(), PicksError> {
    if !state.is_object() {
        return Err(PicksError::StateNotAnObject);
    }
    if state.to_string().len() > MAX_BROWSER_STATE_BYTES {
        return Err(PicksError::StateTooLarge);
    }
    backend
        .set(BROWSER_STATE_KEY, state)
        .map_err(PicksError::Save)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::memory::MapBackend;
    use serde_json::json;

    #[test]
    fn favorites_are_added_once_removed_and_kept_in_order() {
        let backend = MapBackend::default();
        assert!(favorites(&backend).is_empty());
        set_favorite(&backend, "b/two", true).expect("add");
        set_favorite(&backend, "a/one:free", true).expect("add");
        let list = set_favorite(&backend, "b/two", true).expect("again");
        assert_eq!(list, ["b/two", "a/one:free"]);
        let list = set_favorite(&backend, "b/two", false).expect("remove");
        assert_eq!(list, ["a/one:free"]);
        assert_eq!(favorites(&backend), ["a/one:free"]);
        assert!(set_favorite(&backend, "x/never", false).is_ok());
        assert_eq!(
            set_favorite(&backend, "not a model", true),
            Err(PicksError::InvalidModel("not a model".into()))
        );
    }

    #[test]
    fn a_damaged_favorites_entry_reads_as_what_can_be_used() {
        let backend = MapBackend::default();
        backend
            .set(FAVORITES_KEY, json!(["a/b", 3, "<script>", "a/b", "c/d"]))
            .expect("set");
        assert_eq!(favorites(&backend), ["a/b", "c/d"]);
        backend.set(FAVORITES_KEY, json!("a/b")).expect("set");
        assert!(favorites(&backend).is_empty());
    }

    #[test]
    fn there_is_a_limit_to_favorites() {
        let backend = MapBackend::default();
        let many: Vec<String> = (0..MAX_FAVORITES).map(|i| format!("a/m{i}")).collect();
        backend.set(FAVORITES_KEY, json!(many)).expect("set");
        assert_eq!(
            set_favorite(&backend, "a/one-more", true),
            Err(PicksError::TooManyFavorites)
        );
    }

    #[test]
    fn the_browser_state_is_kept_as_given_within_limits() {
        let backend = MapBackend::default();
        assert_eq!(browser_state(&backend), None);
        let state = json!({"free_only": true, "sort": "price", "search": "claude", "x": [1, 2]});
        set_browser_state(&backend, state.clone()).expect("saved");
        assert_eq!(browser_state(&backend), Some(state));
        assert_eq!(
            set_browser_state(&backend, json!([1])),
            Err(PicksError::StateNotAnObject)
        );
        let huge = json!({"search": "x".repeat(MAX_BROWSER_STATE_BYTES)});
        assert_eq!(
            set_browser_state(&backend, huge),
            Err(PicksError::StateTooLarge)
        );
    }
}
