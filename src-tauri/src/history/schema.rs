//! The schema, as forward-only migrations. The database's `PRAGMA user_version` is the number of migrations
//! applied (rusqlite_migration's convention). Never edit a released migration: append a new one, and add a
//! test that upgrades a database of the previous version with data in it.
//!
//! Version 2 (issue 3) adds search, conversation flags and export identities; see [`V2`].
//! Version 3 (issue 4) adds per-conversation routing and the cached model list; see [`V3`].
//! Version 4 (issue 5) adds the spend summaries, reply timings and pending cost look-ups; see [`V4`].
//! Version 5 (issue 6) marks where a conversation was started (the main chat or a quick prompt); see [`V5`].
//!
//! Notes for the migrations to come:
//! - Money (issue 5): `usage_ledger` is the ledger. Its rows outlive their message (`ON DELETE SET NULL`)
//!   because a reply that was deleted or replaced by a retry was still paid for.
//! - Search indexes `messages.content` only, through the views `messages_fts_source` and
//!   `messages_fts_tri_source`. Change what is indexed by changing those views *and* the triggers in a new
//!   migration, then `INSERT INTO <table>(<table>) VALUES ('rebuild')` both FTS tables.

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

/// Version 2 (issue 3): conversation flags, stable export identities, and full-text search.
///
/// Search is two external-content FTS5 indexes over `messages.content`, each reading its text through a view,
/// so the index, `'rebuild'` and `'integrity-check'` all agree on what is indexed:
/// - `messages_fts`: words, `unicode61 remove_diacritics 2` ("cafe" finds "café", case-insensitive), with
///   prefix indexes for the 2- and 3-character prefixes a search-as-you-type query asks for.
/// - `messages_fts_tri`: `trigram` substrings, only for messages containing characters of scripts written
///   without spaces (CJK, Thai…), Hangul, or emoji, which unicode61 cannot split into words (it keeps a
///   whole Japanese sentence as one token and drops emoji). The text is indexed with two trailing spaces so
///   every character of the message starts at least one trigram: a one- or two-character search (東京, 猫,
///   🎉) is answered by looking up the trigrams that start with it (`messages_fts_tri_terms`).
///
/// Reasoning is not indexed: it is hidden behind a disclosure in the conversation, so a hit there would
/// jump to a message that seems not to contain the words; it is full of drafts the model discarded; and it
/// is often several times longer than the answer, which would multiply the index size and slow every search.
///
/// A message is indexed when it stops streaming: the views leave `streaming` rows out, and the triggers
/// only touch the indexes when a row enters, leaves or changes inside the views (never for a streamed batch).
/// Deletes and updates retract the old text through the views *before* the row changes, so the index is
/// always given exactly the text it indexed.
const V2: &str = r#"
ALTER TABLE conversations ADD COLUMN starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1));
ALTER TABLE conversations ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
-- A random 128-bit identity that survives export and import (ids are local row numbers). Filled by the
-- trigger below whenever an insert leaves it out.
ALTER TABLE conversations ADD COLUMN uid TEXT CHECK (uid IS NULL OR length(uid) BETWEEN 1 AND 128);
UPDATE conversations SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX conversations_by_uid ON conversations (uid);
CREATE TRIGGER conversations_give_uid AFTER INSERT ON conversations WHEN new.uid IS NULL BEGIN
    UPDATE conversations SET uid = lower(hex(randomblob(16))) WHERE id = new.id;
END;
-- The sidebar: not archived, starred first, then the most recently active, paged by keyset.
DROP INDEX conversations_by_updated;
CREATE INDEX conversations_by_list ON conversations (archived, starred, updated_at, id);
-- Import links a re-imported reply to the ledger row its earlier copy left behind.
CREATE INDEX usage_ledger_by_generation ON usage_ledger (generation_id) WHERE generation_id IS NOT NULL;

CREATE VIEW messages_fts_source AS
    SELECT id, content FROM messages WHERE status <> 'streaming';
CREATE VIEW messages_fts_tri_source AS
    SELECT id, content || '  ' AS content FROM messages
    WHERE status <> 'streaming'
      AND content GLOB ('*[' || char(0x0E00, 0x2D, 0x0EFF)
             || char(0x1000, 0x2D, 0x109F)
             || char(0x1100, 0x2D, 0x11FF)
             || char(0x1780, 0x2D, 0x17FF)
             || char(0x2300, 0x2D, 0x23FF)
             || char(0x2600, 0x2D, 0x27BF)
             || char(0x2B00, 0x2D, 0x2BFF)
             || char(0x2E80, 0x2D, 0x9FFF)
             || char(0xA960, 0x2D, 0xA97F)
             || char(0xAC00, 0x2D, 0xD7FF)
             || char(0xF900, 0x2D, 0xFAFF)
             || char(0xFE30, 0x2D, 0xFE4F)
             || char(0xFF00, 0x2D, 0xFFEF)
             || char(0x1F000, 0x2D, 0x1FAFF)
             || char(0x20000, 0x2D, 0x3FFFD) || ']*');

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages_fts_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE messages_fts_tri USING fts5 (
    content, content = 'messages_fts_tri_source', content_rowid = 'id',
    tokenize = 'trigram remove_diacritics 1'
);
CREATE VIRTUAL TABLE messages_fts_tri_terms USING fts5vocab (messages_fts_tri, 'row');

CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
    INSERT INTO messages_fts (rowid, content)
        SELECT id, content FROM messages_fts_source WHERE id = new.id;
    INSERT INTO messages_fts_tri (rowid, content)
        SELECT id, content FROM messages_fts_tri_source WHERE id = new.id;
END;
CREATE TRIGGER messages_fts_before_delete BEFORE DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', id, content FROM messages_fts_source WHERE id = old.id;
    INSERT INTO messages_fts_tri (messages_fts_tri, rowid, content)
        SELECT 'delete', id, content FROM messages_fts_tri_source WHERE id = old.id;
END;
CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF id, content, status ON messages
WHEN old.status <> 'streaming'
 AND (new.status = 'streaming' OR new.content IS NOT old.content OR new.id IS NOT old.id) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', id, content FROM messages_fts_source WHERE id = old.id;
    INSERT INTO messages_fts_tri (messages_fts_tri, rowid, content)
        SELECT 'delete', id, content FROM messages_fts_tri_source WHERE id = old.id;
END;
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF id, content, status ON messages
WHEN new.status <> 'streaming'
 AND (old.status = 'streaming' OR new.content IS NOT old.content OR new.id IS NOT old.id) BEGIN
    INSERT INTO messages_fts (rowid, content)
        SELECT id, content FROM messages_fts_source WHERE id = new.id;
    INSERT INTO messages_fts_tri (rowid, content)
        SELECT id, content FROM messages_fts_tri_source WHERE id = new.id;
END;

-- Index what a version-1 database already holds (replies left streaming are indexed when they are marked
-- interrupted, right after this migration).
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('rebuild');
"#;

/// Version 3 (issue 4): per-conversation routing and the cached model list.
///
/// - `conversation_routing`: the routing of a conversation as JSON (its shape is `crate::routing::Routing`,
///   whose fields all have defaults, so JSON written by an older or newer app still reads). One row per
///   conversation that has non-default routing; it goes with its conversation.
/// - `model_cache`: the last model list fetched from `/models`, one row per model, each entry exactly as the
///   API sent it, so the catalogue opens at once and offline, and a newer app can read fields this one
///   ignores. `model_cache_state` holds when it was fetched. A refresh replaces both in one transaction.
/// - `conversations_by_model`: "recently used models" groups conversations by model and takes the newest
///   `updated_at` of each; this index answers that without reading the table.
const V3: &str = r#"
CREATE TABLE conversation_routing (
    conversation_id  INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    routing_json     TEXT NOT NULL CHECK (json_valid(routing_json)),
    updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE model_cache (
    id          TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,   -- order in the API's list
    model_json  TEXT NOT NULL CHECK (json_valid(model_json))
) STRICT, WITHOUT ROWID;

CREATE TABLE model_cache_state (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    fetched_at  INTEGER NOT NULL    -- unix ms
) STRICT;

CREATE INDEX conversations_by_model ON conversations (model, updated_at);
"#;

/// The per-day spend summaries computed from the whole ledger: migration 4 fills them with it, and
/// `history::spend` runs it again when the computer's time zone changes (the days are local).
macro_rules! spend_days_backfill {
    () => {
        "
INSERT INTO spend_days (day, model, replies, free_replies, unpriced_replies, cost_nanos, prompt_tokens,
                        completion_tokens, reasoning_tokens, cached_tokens)
SELECT date(created_at / 1000, 'unixepoch', 'localtime'), coalesce(model, ''), count(*),
       sum(cost_nanos IS 0), sum(cost_nanos IS NULL), coalesce(sum(cost_nanos), 0), sum(prompt_tokens),
       sum(completion_tokens), coalesce(sum(reasoning_tokens), 0), coalesce(sum(cached_tokens), 0)
FROM usage_ledger GROUP BY 1, 2;
INSERT INTO spend_conversation_days (day, conversation_id, replies, cost_nanos)
SELECT date(created_at / 1000, 'unixepoch', 'localtime'), coalesce(conversation_id, 0), count(*),
       coalesce(sum(cost_nanos), 0)
FROM usage_ledger GROUP BY 1, 2;
"
    };
}

/// [`spend_days_backfill`] over empty tables.
pub(crate) const REBUILD_SPEND_DAYS: &str = concat!(
    "DELETE FROM spend_days; DELETE FROM spend_conversation_days;",
    spend_days_backfill!()
);

/// Version 4 (issue 5): money.
///
/// - `usage_ledger.conversation_id`: which conversation a spend belongs to, kept when the conversation is
///   deleted (no foreign key: the money was spent), so "most expensive conversations" and a conversation's
///   running total are one indexed read. `cost_source` says whether the figures came with the stream or were
///   looked up later with `/generation`.
/// - `messages.first_token_ms` / `duration_ms`: time to first token and total time of a reply, from sending.
/// - `spend_days` (day × model) and `spend_conversation_days` (day × conversation): the ledger summed per
///   local calendar day, kept by triggers on the ledger, so the Billing view reads a few thousand rows
///   instead of a million. Days are the computer's local days (`'localtime'`: daylight saving included).
///   The zone they were computed in is recorded in `app_meta` (`spend_days_zone`); when the computer's time
///   zone changes, `history::spend` recomputes both tables from the ledger.
/// - `generation_checks`: replies whose real cost must be looked up later with `/generation` (a stopped or
///   cut-off stream never receives its usage), with their retry schedule. Keyed by generation id, without a
///   foreign key: a deleted reply was still paid for.
const V4: &str = concat!(
    r#"
ALTER TABLE usage_ledger ADD COLUMN conversation_id INTEGER;
UPDATE usage_ledger SET conversation_id = (SELECT conversation_id FROM messages WHERE id = message_id);
CREATE INDEX usage_ledger_by_conversation ON usage_ledger (conversation_id) WHERE conversation_id IS NOT NULL;
ALTER TABLE usage_ledger ADD COLUMN cost_source TEXT NOT NULL DEFAULT 'stream'
    CHECK (cost_source IN ('stream', 'generation'));

ALTER TABLE messages ADD COLUMN first_token_ms INTEGER CHECK (first_token_ms >= 0);
ALTER TABLE messages ADD COLUMN duration_ms INTEGER CHECK (duration_ms >= 0);

CREATE TABLE app_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE spend_days (
    day                TEXT NOT NULL,      -- local YYYY-MM-DD
    model              TEXT NOT NULL,      -- '' when not known
    replies            INTEGER NOT NULL,
    free_replies       INTEGER NOT NULL,
    unpriced_replies   INTEGER NOT NULL,
    cost_nanos         INTEGER NOT NULL,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    reasoning_tokens   INTEGER NOT NULL,
    cached_tokens      INTEGER NOT NULL,
    PRIMARY KEY (day, model)
) STRICT, WITHOUT ROWID;

CREATE TABLE spend_conversation_days (
    day              TEXT NOT NULL,
    conversation_id  INTEGER NOT NULL,     -- 0 when not known
    replies          INTEGER NOT NULL,
    cost_nanos       INTEGER NOT NULL,
    PRIMARY KEY (day, conversation_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER usage_ledger_spend_insert AFTER INSERT ON usage_ledger BEGIN
    INSERT INTO spend_days (day, model, replies, free_replies, unpriced_replies, cost_nanos,
                            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens)
    VALUES (date(new.created_at / 1000, 'unixepoch', 'localtime'), coalesce(new.model, ''), 1,
            (new.cost_nanos IS 0), (new.cost_nanos IS NULL), coalesce(new.cost_nanos, 0),
            new.prompt_tokens, new.completion_tokens, coalesce(new.reasoning_tokens, 0),
            coalesce(new.cached_tokens, 0))
    ON CONFLICT (day, model) DO UPDATE SET
        replies = replies + excluded.replies, free_replies = free_replies + excluded.free_replies,
        unpriced_replies = unpriced_replies + excluded.unpriced_replies,
        cost_nanos = cost_nanos + excluded.cost_nanos, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
        completion_tokens = completion_tokens + excluded.completion_tokens,
        reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = cached_tokens + excluded.cached_tokens;
    INSERT INTO spend_conversation_days (day, conversation_id, replies, cost_nanos)
    VALUES (date(new.created_at / 1000, 'unixepoch', 'localtime'), coalesce(new.conversation_id, 0), 1,
            coalesce(new.cost_nanos, 0))
    ON CONFLICT (day, conversation_id) DO UPDATE SET
        replies = replies + excluded.replies, cost_nanos = cost_nanos + excluded.cost_nanos;
END;
CREATE TRIGGER usage_ledger_spend_delete AFTER DELETE ON usage_ledger BEGIN
    INSERT INTO spend_days (day, model, replies, free_replies, unpriced_replies, cost_nanos,
                            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens)
    VALUES (date(old.created_at / 1000, 'unixepoch', 'localtime'), coalesce(old.model, ''), -1,
            -(old.cost_nanos IS 0), -(old.cost_nanos IS NULL), -coalesce(old.cost_nanos, 0),
            -old.prompt_tokens, -old.completion_tokens, -coalesce(old.reasoning_tokens, 0),
            -coalesce(old.cached_tokens, 0))
    ON CONFLICT (day, model) DO UPDATE SET
        replies = replies + excluded.replies, free_replies = free_replies + excluded.free_replies,
        unpriced_replies = unpriced_replies + excluded.unpriced_replies,
        cost_nanos = cost_nanos + excluded.cost_nanos, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
        completion_tokens = completion_tokens + excluded.completion_tokens,
        reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = cached_tokens + excluded.cached_tokens;
    INSERT INTO spend_conversation_days (day, conversation_id, replies, cost_nanos)
    VALUES (date(old.created_at / 1000, 'unixepoch', 'localtime'), coalesce(old.conversation_id, 0), -1,
            -coalesce(old.cost_nanos, 0))
    ON CONFLICT (day, conversation_id) DO UPDATE SET
        replies = replies + excluded.replies, cost_nanos = cost_nanos + excluded.cost_nanos;
END;
CREATE TRIGGER usage_ledger_spend_update AFTER UPDATE OF created_at, model, conversation_id, prompt_tokens,
    completion_tokens, reasoning_tokens, cached_tokens, cost_nanos ON usage_ledger BEGIN
    INSERT INTO spend_days (day, model, replies, free_replies, unpriced_replies, cost_nanos,
                            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens)
    VALUES (date(old.created_at / 1000, 'unixepoch', 'localtime'), coalesce(old.model, ''), -1,
            -(old.cost_nanos IS 0), -(old.cost_nanos IS NULL), -coalesce(old.cost_nanos, 0),
            -old.prompt_tokens, -old.completion_tokens, -coalesce(old.reasoning_tokens, 0),
            -coalesce(old.cached_tokens, 0))
    ON CONFLICT (day, model) DO UPDATE SET
        replies = replies + excluded.replies, free_replies = free_replies + excluded.free_replies,
        unpriced_replies = unpriced_replies + excluded.unpriced_replies,
        cost_nanos = cost_nanos + excluded.cost_nanos, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
        completion_tokens = completion_tokens + excluded.completion_tokens,
        reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = cached_tokens + excluded.cached_tokens;
    INSERT INTO spend_conversation_days (day, conversation_id, replies, cost_nanos)
    VALUES (date(old.created_at / 1000, 'unixepoch', 'localtime'), coalesce(old.conversation_id, 0), -1,
            -coalesce(old.cost_nanos, 0))
    ON CONFLICT (day, conversation_id) DO UPDATE SET
        replies = replies + excluded.replies, cost_nanos = cost_nanos + excluded.cost_nanos;
    INSERT INTO spend_days (day, model, replies, free_replies, unpriced_replies, cost_nanos,
                            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens)
    VALUES (date(new.created_at / 1000, 'unixepoch', 'localtime'), coalesce(new.model, ''), 1,
            (new.cost_nanos IS 0), (new.cost_nanos IS NULL), coalesce(new.cost_nanos, 0),
            new.prompt_tokens, new.completion_tokens, coalesce(new.reasoning_tokens, 0),
            coalesce(new.cached_tokens, 0))
    ON CONFLICT (day, model) DO UPDATE SET
        replies = replies + excluded.replies, free_replies = free_replies + excluded.free_replies,
        unpriced_replies = unpriced_replies + excluded.unpriced_replies,
        cost_nanos = cost_nanos + excluded.cost_nanos, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
        completion_tokens = completion_tokens + excluded.completion_tokens,
        reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = cached_tokens + excluded.cached_tokens;
    INSERT INTO spend_conversation_days (day, conversation_id, replies, cost_nanos)
    VALUES (date(new.created_at / 1000, 'unixepoch', 'localtime'), coalesce(new.conversation_id, 0), 1,
            coalesce(new.cost_nanos, 0))
    ON CONFLICT (day, conversation_id) DO UPDATE SET
        replies = replies + excluded.replies, cost_nanos = cost_nanos + excluded.cost_nanos;
END;

"#,
    spend_days_backfill!(),
    r#"
CREATE TABLE generation_checks (
    generation_id    TEXT PRIMARY KEY,
    message_id       INTEGER,
    conversation_id  INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          INTEGER NOT NULL,   -- unix ms: not before
    created_at       INTEGER NOT NULL
) STRICT;
"#
);

/// Quick prompts (the tray's small window) are ordinary conversations with `origin = 'quick'`: the same
/// search, export and ledger, listed apart through this index (the list's order after the origin). Every older conversation was started in the chat.
const V5: &str = r#"
ALTER TABLE conversations ADD COLUMN origin TEXT NOT NULL DEFAULT 'chat' CHECK (origin IN ('chat', 'quick'));
CREATE INDEX conversations_by_origin ON conversations (origin, archived, starred, updated_at, id);
"#;

const MIGRATION_LIST: &[M<'static>] = &[M::up(V1), M::up(V2), M::up(V3), M::up(V4), M::up(V5)];

/// The characters that send a message to the trigram index, and a search term to it: exactly the ranges of
/// the `GLOB` in `messages_fts_tri_source` (a test checks every boundary against SQLite).
pub(crate) const TRIGRAM_RANGES: &[(char, char)] = &[
    ('\u{0E00}', '\u{0EFF}'),
    ('\u{1000}', '\u{109F}'),
    ('\u{1100}', '\u{11FF}'),
    ('\u{1780}', '\u{17FF}'),
    ('\u{2300}', '\u{23FF}'),
    ('\u{2600}', '\u{27BF}'),
    ('\u{2B00}', '\u{2BFF}'),
    ('\u{2E80}', '\u{9FFF}'),
    ('\u{A960}', '\u{A97F}'),
    ('\u{AC00}', '\u{D7FF}'),
    ('\u{F900}', '\u{FAFF}'),
    ('\u{FE30}', '\u{FE4F}'),
    ('\u{FF00}', '\u{FFEF}'),
    ('\u{1F000}', '\u{1FAFF}'),
    ('\u{20000}', '\u{3FFFD}'),
];

/// The schema version this build writes. A database with a higher `user_version` is refused.
pub const LATEST_VERSION: usize = MIGRATION_LIST.len();

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATION_LIST)
}

/// The schema as an earlier release had it: its first `version` migrations. For upgrade tests.
#[cfg(test)]
pub(crate) fn migrations_up_to(version: usize) -> Migrations<'static> {
    Migrations::from_slice(&MIGRATION_LIST[..version])
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
        assert_eq!(
            tables,
            [
                "app_meta",
                "conversation_routing",
                "conversations",
                "generation_checks",
                "messages",
                "messages_fts",
                "messages_fts_config",
                "messages_fts_data",
                "messages_fts_docsize",
                "messages_fts_idx",
                "messages_fts_tri",
                "messages_fts_tri_config",
                "messages_fts_tri_data",
                "messages_fts_tri_docsize",
                "messages_fts_tri_idx",
                "messages_fts_tri_terms",
                "model_cache",
                "model_cache_state",
                "spend_conversation_days",
                "spend_days",
                "usage_ledger"
            ]
        );
    }

    fn in_rust_ranges(c: char) -> bool {
        TRIGRAM_RANGES.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }

    /// The search code decides which index a term goes to with `TRIGRAM_RANGES`; the trigram index holds the
    /// messages the view's GLOB selects. They must agree at every boundary, or a term would be looked up in
    /// an index that does not hold the messages containing it.
    #[test]
    fn the_trigram_view_and_the_rust_ranges_agree_at_every_boundary() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO conversations (title, model, created_at, updated_at) VALUES ('t', 'm', 0, 0)",
            [],
        )
        .unwrap();
        let mut probes = vec!['a', 'é', '1', ' ', '\u{10FFFF}'];
        for &(lo, hi) in TRIGRAM_RANGES {
            assert!(lo <= hi);
            for c in [lo as u32 - 1, lo as u32, hi as u32, hi as u32 + 1] {
                probes.extend(char::from_u32(c));
            }
        }
        for c in probes {
            let id: i64 = conn
                .query_row(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
                     VALUES (1, 'user', ?1, 'complete', 0, 0) RETURNING id",
                    [format!("x{c}y")],
                    |r| r.get(0),
                )
                .unwrap();
            let in_view: bool = conn
                .query_row(
                    "SELECT count(*) FROM messages_fts_tri_source WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(in_view, in_rust_ranges(c), "U+{:04X}", c as u32);
        }
        for (sample, expected) in [
            ("東京", true),
            ("🎉", true),
            ("한국어", true),
            ("ไทย", true),
            ("café", false),
            ("Привет", false),
        ] {
            assert_eq!(sample.chars().any(in_rust_ranges), expected, "{sample}");
        }
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
