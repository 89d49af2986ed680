//! When the history file cannot be opened at start-up: what the page is told, and the two ways out it
//! offers (start a fresh history beside a damaged file, or try the file again). Until the user picks one,
//! the app runs on an in-memory history so nothing else breaks, and the file is left exactly as it was.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::State;

use super::state::AppState;
use crate::history::{set_aside_damaged, HistoryError, HistoryStore};
use crate::user_error::UserError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not a database, or a damaged one: a fresh history can be started beside it.
    Damaged,
    /// Written by a newer version of the app: only an update opens it.
    TooNew,
    /// Cannot be read now (permissions, disk, another program holds it): trying again may work.
    Unreadable,
}

/// `history_problem` in `AppStatus` (IPC.md).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryProblem {
    pub kind: ProblemKind,
    /// What happened, in a sentence.
    pub message: String,
    /// The file, so the user can find it (or send it to someone who can rescue it).
    pub path: String,
}

impl HistoryProblem {
    fn new(err: &HistoryError, path: &Path) -> Self {
        let (kind, message) = match err {
            HistoryError::Corrupt => (
                ProblemKind::Damaged,
                "Your chat history file is damaged and could not be opened. It has not been changed."
                    .to_owned(),
            ),
            HistoryError::TooNew { .. } => (
                ProblemKind::TooNew,
                "Your chat history was saved by a newer version of OpenRouter Desktop. Update the app \
                 to open it; the file has not been changed."
                    .to_owned(),
            ),
            other => (
                ProblemKind::Unreadable,
                format!("Your chat history could not be opened: {other}."),
            ),
        };
        Self {
            kind,
            message,
            path: path.display().to_string(),
        }
    }
}

/// Opens the history at `path`, or an in-memory one with the reason the file could not be used.
pub fn open_or_explain(
    path: &Path,
) -> Result<(HistoryStore, Option<HistoryProblem>), HistoryError> {
    match HistoryStore::open(path) {
        Ok(store) => Ok((store, None)),
        Err(e) => {
            log::error!("history database could not be opened: {e}");
            Ok((
                HistoryStore::open_in_memory()?,
                Some(HistoryProblem::new(&e, path)),
            ))
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FreshHistory {
    /// Where the damaged file now is.
    kept_at: String,
}

/// Moves a damaged history file aside (renamed, never deleted) and starts an empty one in its place.
#[tauri::command]
pub async fn start_fresh_history(state: State<'_, AppState>) -> Result<FreshHistory, UserError> {
    let path = damaged_path(&state)?;
    let (store, kept_at) = tokio::task::spawn_blocking(move || {
        let kept_at = set_aside_damaged(&path)?;
        Ok::<_, HistoryError>((HistoryStore::open(&path)?, kept_at))
    })
    .await
    .map_err(|e| HistoryError::Task(e.to_string()))??;
    state.chat.replace_history(store)?;
    set_problem(&state, None);
    Ok(FreshHistory {
        kept_at: kept_at.display().to_string(),
    })
}

/// Tries the history file again (it was locked, or its folder unreadable, and the user fixed that).
#[tauri::command]
pub async fn retry_open_history(
    state: State<'_, AppState>,
) -> Result<Option<HistoryProblem>, UserError> {
    let path = state.history_path.clone();
    let opened = tokio::task::spawn_blocking(move || HistoryStore::open(&path))
        .await
        .map_err(|e| HistoryError::Task(e.to_string()))?;
    match opened {
        Ok(store) => {
            state.chat.replace_history(store)?;
            set_problem(&state, None);
            Ok(None)
        }
        Err(e) => {
            let problem = HistoryProblem::new(&e, &state.history_path);
            set_problem(&state, Some(problem.clone()));
            Ok(Some(problem))
        }
    }
}

fn damaged_path(state: &AppState) -> Result<PathBuf, UserError> {
    let damaged = state
        .history_problem
        .lock()
        .map(|p| p.as_ref().map(|p| p.kind) == Some(ProblemKind::Damaged))
        .unwrap_or(false);
    if damaged {
        Ok(state.history_path.clone())
    } else {
        Err(UserError::invalid_input(
            "The history file is not damaged; it was left as it is.",
        ))
    }
}

fn set_problem(state: &AppState, problem: Option<HistoryProblem>) {
    match state.history_problem.lock() {
        Ok(mut p) => *p = problem,
        Err(poisoned) => *poisoned.into_inner() = problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_reads_as_its_kind() {
        let path = Path::new("/tmp/h.sqlite3");
        let too_new = HistoryError::TooNew {
            found: 9,
            supported: 2,
        };
        for (err, kind) in [
            (HistoryError::Corrupt, ProblemKind::Damaged),
            (too_new, ProblemKind::TooNew),
            (HistoryError::Busy, ProblemKind::Unreadable),
            (HistoryError::ReadOnly, ProblemKind::Unreadable),
        ] {
            let p = HistoryProblem::new(&err, path);
            assert_eq!(p.kind, kind);
            assert_eq!(p.path, "/tmp/h.sqlite3");
            assert!(p.message.ends_with('.'), "{}", p.message);
        }
    }

    #[test]
    fn a_damaged_file_opens_as_memory_and_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        let junk = vec![0x42u8; 4096];
        std::fs::write(&path, &junk).unwrap();
        let (store, problem) = open_or_explain(&path).unwrap();
        assert_eq!(problem.unwrap().kind, ProblemKind::Damaged);
        assert!(store.list_conversations().unwrap().is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), junk);

        let (_, problem) = open_or_explain(&dir.path().join("new.sqlite3")).unwrap();
        assert!(problem.is_none());
    }
}
