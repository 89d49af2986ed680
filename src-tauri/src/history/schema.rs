//! The schema, as forward-only migrations. The database's `PRAGMA user_version` is the number of migrations
//! applied (rusqlite_migration's convention). Never edit a released migration: append a new one, and add a
//! test that upgrades a database of the previous version with data in it.
//!
//! Notes for the migrations to come:
//! - Full-text search (issue 3): an external-content FTS5 table over `messages(content)` with
//!   `content_rowid='id'`. Index a message when it stops streaming, not on every appended batch: gate the
//!   triggers with `WHEN new.status <> 'streaming'` / `WHEN old.status <> 'streaming'` (the streaming path only
//!   ever updates `content`, `reasoning`, `updated_at` of rows in status `streaming`).
//! - Money (issue 5): `usage_ledger` is the ledger. Its rows outlive their message (`ON DELETE SET NULL`)
//!   because a reply that was deleted or replaced by a retry was still paid for.

use rusqlite_migration::{Migrations, M};

/// Tables are STRICT so a cost is always an exact INTEGER and a timestamp never turns into text.
/// AUTOINCREMENT so an id is never reused after a delete: the page, an undo, an export or the ledger may still
/// hold it.
const V1: &str = r#"
CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT NOT NULL,
    model       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,   -- unix ms
    updated_at  INTEGER NOT NULL    -- unix ms; a new message moves the conversation to the top
) STRICT;
CREATE INDEX conversations_by_updated ON conversations (updated_at, id);

CREATE TABLE messages (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id       INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role                  TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content               TEXT NOT NULL DEFAULT '',
    reasoning             TEXT,
    status                TEXT NOT NULL
                          CHECK (status IN ('complete', 'streaming', 'stopped', 'interrupted', 'error')),
    model                 TEXT,
    provider              TEXT,
    generation_id         TEXT,
    finish_reason         TEXT,
    native_finish_reason  TEXT,
    error_json            TEXT CHECK (error_json IS NULL OR json_valid(error_json)),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
-- Start-up recovery looks for replies left streaming; this keeps that from scanning every message.
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

-- One row per paid generation. message_id is NULL once the message is gone; the spend stays.
CREATE TABLE usage_ledger (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id         INTEGER UNIQUE REFERENCES messages (id) ON DELETE SET NULL,
    model              TEXT,
    provider           TEXT,
    generation_id      TEXT,
    prompt_tokens      INTEGER NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens  INTEGER NOT NULL CHECK (completion_tokens >= 0),
    reasoning_tokens   INTEGER CHECK (reasoning_tokens >= 0),
    cached_tokens      INTEGER CHECK (cached_tokens >= 0),
    cost_nanos         INTEGER,         -- USD × 1e9, exact; NULL when the API gave no cost
    usage_json         TEXT CHECK (usage_json IS NULL OR json_valid(usage_json)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX usage_ledger_by_time ON usage_ledger (created_at);
"#;

const MIGRATION_LIST: &[M<'static>] = &[M::up(V1)];

/// The schema version this build writes. A database with a higher `user_version` is refused.
pub const LATEST_VERSION: usize = MIGRATION_LIST.len();

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATION_LIST)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn migrations_are_valid() {
        migrations()
            .validate()
            .expect("migrations apply to an empty database");
    }

    #[test]
    fn empty_database_migrates_to_latest() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST_VERSION as i64);
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(tables, ["conversations", "messages", "usage_ledger"]);
    }

    #[test]
    fn strict_tables_refuse_a_cost_that_is_not_an_integer() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let err = conn
            .execute(
                "INSERT INTO usage_ledger (prompt_tokens, completion_tokens, cost_nanos, created_at, updated_at)
                 VALUES (1, 1, 0.5, 0, 0)",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("cannot store REAL"), "{err}");
    }

    #[test]
    fn unknown_status_and_role_are_refused_by_the_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO conversations (title, model, created_at, updated_at) VALUES ('t', 'm', 0, 0)",
            [],
        )
        .unwrap();
        let insert = |role: &str, status: &str| {
            conn.execute(
                "INSERT INTO messages (conversation_id, role, status, created_at, updated_at)
                 VALUES (1, ?1, ?2, 0, 0)",
                [role, status],
            )
        };
        assert!(insert("user", "complete").is_ok());
        assert!(insert("robot", "complete").is_err());
        assert!(insert("assistant", "cancelled").is_err());
    }
}
