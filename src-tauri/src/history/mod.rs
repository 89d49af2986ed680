//! The local chat history: one SQLite file holding conversations, messages and the usage ledger.
//!
//! Plain Rust, no `tauri`. One writer connection (behind a mutex) does every write; reads go to their own
//! read-only connections, so a long read never waits for a streaming reply being saved, and the other way round.
//! All methods block: from async code use [`HistoryStore::call`], which runs them on tokio's blocking pool.
//!
//! The file is never overwritten when it cannot be understood: a damaged file is reported as
//! [`HistoryError::Corrupt`], a file from a newer app as [`HistoryError::TooNew`], and both are left untouched.
//! Before an existing database is migrated to a newer schema, a copy is written beside it (`<name>.bak-v<old>`).
//!
//! Search (`search.rs`) is SQLite FTS5, kept in sync by triggers; export and import are in `export.rs`.

mod export;
pub mod ledger;
mod messages;
pub mod models;
mod money;
mod open;
mod schema;
mod search;
pub mod spend;
mod store;
mod types;

pub use export::{ImportReport, EXPORT_FORMAT, EXPORT_VERSION};
pub use money::{
    format_usd, nanos_to_usd, reply_cost_nanos, thousands, usd_to_nanos, MAX_REPLY_COST_NANOS,
};
pub use open::set_aside_damaged;
pub use schema::LATEST_VERSION;
pub use search::{
    SearchHit, SearchOrder, SearchQuery, SnippetPart, MAX_SEARCH_LIMIT, RELEVANCE_WINDOW,
};
pub(crate) use store::now_ms;
pub use store::HistoryStore;
pub use types::{
    ConversationCursor, ConversationPage, ConversationSummary, CostSource, Message, MessageEnd,
    MessagePage, MessageStatus, MessageUsage, Origin, ReplyTiming, Role, UsageRecord,
};

use rusqlite::ErrorCode;

/// Why a history operation failed. The `Display` text is a plain fragment the app can put in a sentence
/// ("Your chat history could not be saved or read (the disk is full).").
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("the history file is damaged or is not a history database")]
    Corrupt,
    #[error(
        "the history file was written by a newer version of this app (schema version {found}, \
         this version knows up to {supported}); update the app to open it"
    )]
    TooNew { found: i64, supported: usize },
    #[error("the disk is full")]
    DiskFull,
    #[error("the history file or its folder cannot be written to")]
    ReadOnly,
    #[error("the history file cannot be opened (check that its folder exists and can be read)")]
    CannotOpen,
    #[error("the history file is in use by another program, maybe a second copy of this app")]
    Busy,
    #[error("that {0} does not exist (any more)")]
    NotFound(&'static str),
    #[error("{0}")]
    InvalidInput(&'static str),
    #[error("the file is not a history export this app can read: {0}")]
    BadImport(String),
    #[error("a file operation failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the history could not be upgraded to the new format: {0}")]
    Migration(String),
    #[error("the history task stopped unexpectedly: {0}")]
    Task(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for HistoryError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Self::Corrupt,
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => Self::ReadOnly,
            Some(ErrorCode::CannotOpen) => Self::CannotOpen,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            _ => Self::Sqlite(err),
        }
    }
}

impl From<rusqlite_migration::Error> for HistoryError {
    fn from(err: rusqlite_migration::Error) -> Self {
        match err {
            // The SQLite cause (disk full, corrupt…) says more to the user than "migration failed".
            rusqlite_migration::Error::RusqliteError { err, .. } => Self::from(err),
            other => Self::Migration(other.to_string()),
        }
    }
}

impl HistoryError {
    /// True when the file itself is the problem and starting a fresh history beside it is the way out
    /// (see [`set_aside_damaged`]).
    pub fn is_damaged_file(&self) -> bool {
        matches!(self, Self::Corrupt)
    }
}
