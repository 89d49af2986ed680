//! The store handle, its connections, and the conversation queries.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use crate::history::open::{open_file, open_memory};
use crate::history::schema::migrations;
use crate::history::{
    ConversationCursor, ConversationPage, ConversationSummary, HistoryError, Origin,
};

pub(crate) type Result<T> = std::result::Result<T, HistoryError>;

/// The chat history. Cheap to clone; all clones share the same connections.
#[derive(Clone)]
pub struct HistoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// Every write goes through this one connection, so writes never contend with each other.
    writer: Mutex<Connection>,
    /// Read-only connections. Empty for an in-memory store, whose reads use the writer.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    interrupted_on_open: usize,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // SQLite's advice for long-lived connections: let it refresh its statistics when closing.
        let writer = self
            .writer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = writer.execute_batch("PRAGMA optimize") {
            log::warn!("PRAGMA optimize on close failed: {e}");
        }
    }
}

const CONVERSATION_SELECT: &str = "
    SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), c.starred, c.archived,
           c.origin
    FROM conversations c";

/// The list order: starred first, then the most recently active (`conversations_by_list` serves it).
const LIST_ORDER: &str = "ORDER BY c.starred DESC, c.updated_at DESC, c.id DESC";

impl HistoryStore {
    /// Opens (or creates) the history at `path`, creating its folder. Refuses a damaged file
    /// ([`HistoryError::Corrupt`]) or one from a newer app ([`HistoryError::TooNew`]) without changing it.
    /// Replies left `streaming` by a killed app are marked `interrupted` (see [`Self::interrupted_on_open`]).
    pub fn open(path: &Path) -> Result<Self> {
        let opened = open_file(path, &migrations())?;
        let readers = opened.readers.into_iter().map(Mutex::new).collect();
        Self::start(opened.writer, readers)
    }

    /// A history that lives only as long as the process: for tests, and for a run whose file could not be
    /// opened.
    pub fn open_in_memory() -> Result<Self> {
        Self::start(open_memory(&migrations())?, Vec::new())
    }

    fn start(writer: Connection, readers: Vec<Mutex<Connection>>) -> Result<Self> {
        let mut store = Self {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                interrupted_on_open: 0,
            }),
        };
        let interrupted = store.recover_interrupted()?;
        if let Some(inner) = Arc::get_mut(&mut store.inner) {
            inner.interrupted_on_open = interrupted;
        }
        // Only the Billing view's days depend on it: a failure (disk full) must not keep the history shut.
        if let Err(e) = store.follow_time_zone() {
            log::warn!("spend summaries not brought to this time zone: {e}");
        }
        Ok(store)
    }

    /// How many replies were found cut off (still `streaming`) when the store opened.
    pub fn interrupted_on_open(&self) -> usize {
        self.inner.interrupted_on_open
    }

    /// Runs `f` on tokio's blocking pool, so SQLite never blocks the async runtime.
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&HistoryStore) -> Result<R> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| HistoryError::Task(e.to_string()))?
    }

    /// `PRAGMA quick_check`: `Ok` when the file is sound, [`HistoryError::Corrupt`] when it is not.
    /// It reads the whole file, so run it in the background, not on every start.
    pub fn quick_check(&self) -> Result<()> {
        let verdict: String =
            self.read(|c| Ok(c.query_row("PRAGMA quick_check", [], |r| r.get(0))?))?;
        if verdict == "ok" {
            Ok(())
        } else {
            log::error!("history quick_check: {verdict}");
            Err(HistoryError::Corrupt)
        }
    }

    // ---- conversations ----

    pub fn create_conversation(&self, title: &str, model: &str) -> Result<ConversationSummary> {
        self.create_conversation_from(title, model, Origin::Chat)
    }

    /// [`Self::create_conversation`] started from `origin` (a quick prompt is `Origin::Quick`).
    pub fn create_conversation_from(
        &self,
        title: &str,
        model: &str,
        origin: Origin,
    ) -> Result<ConversationSummary> {
        let now = now_ms();
        self.write_durably(|tx| {
            tx.execute(
                "INSERT INTO conversations (title, model, created_at, updated_at, origin)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
                params![title, model, now, origin],
            )?;
            Ok(ConversationSummary {
                id: tx.last_insert_rowid(),
                title: title.to_owned(),
                model: model.to_owned(),
                created_at: now,
                updated_at: now,
                message_count: 0,
                starred: false,
                archived: false,
                origin,
            })
        })
    }

    /// Every conversation that is not archived: starred first, then the most recently active.
    pub fn list_conversations(&self) -> Result<Vec<ConversationSummary>> {
        self.list_where(false)
    }

    /// The archived conversations, in the same order as [`Self::list_conversations`].
    pub fn list_archived(&self) -> Result<Vec<ConversationSummary>> {
        self.list_where(true)
    }

    fn list_where(&self, archived: bool) -> Result<Vec<ConversationSummary>> {
        self.read(|conn| {
            let sql = format!("{CONVERSATION_SELECT} WHERE c.archived = ?1 {LIST_ORDER}");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([archived], conversation_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// One page of [`Self::list_conversations`] for a sidebar that loads as it scrolls: up to `limit`
    /// conversations listed below `before` (from the top when `None`; pass the last one's
    /// [`ConversationSummary::cursor`] for the next page). Keyset paging: each page is one index range, however
    /// deep, and a conversation that moves to the top meanwhile is not listed twice.
    /// With `origin`, only the conversations started there (the sidebar's "Quick prompts").
    pub fn list_conversations_page(
        &self,
        before: Option<ConversationCursor>,
        limit: usize,
        origin: Option<Origin>,
    ) -> Result<Vec<ConversationSummary>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // (2, MAX, MAX) sorts above every row: starred is 0 or 1.
        let (starred, updated_at, id) = before.map_or((2, i64::MAX, i64::MAX), |c| {
            (i64::from(c.starred), c.updated_at, c.id)
        });
        // The origin is written into the SQL (it is one of two fixed words, never user text): one statement
        // per filter, each with its own plan through `conversations_by_origin`.
        let only = origin.map_or(String::new(), |o| {
            format!("AND c.origin = '{}'", o.as_str())
        });
        self.read(|conn| {
            let sql = format!(
                "{CONVERSATION_SELECT}
                 WHERE c.archived = 0 {only} AND (c.starred, c.updated_at, c.id) < (?1, ?2, ?3)
                 {LIST_ORDER} LIMIT ?4"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![starred, updated_at, id, limit],
                conversation_from_row,
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// [`Self::list_conversations_page`] with whether more follow and how many the list holds in all: what
    /// the sidebar asks for as it scrolls.
    pub fn conversation_page(
        &self,
        before: Option<ConversationCursor>,
        limit: usize,
        origin: Option<Origin>,
    ) -> Result<ConversationPage> {
        let mut conversations =
            self.list_conversations_page(before, limit.saturating_add(1), origin)?;
        let has_more = conversations.len() > limit;
        conversations.truncate(limit);
        // Two statements rather than `?1 IS NULL OR …`, which would keep SQLite from using an index.
        let total = self.read(|conn| {
            Ok(match origin {
                None => conn
                    .prepare_cached("SELECT count(*) FROM conversations WHERE archived = 0")?
                    .query_row([], |r| r.get(0))?,
                Some(origin) => conn
                    .prepare_cached(
                        "SELECT count(*) FROM conversations WHERE origin = ?1 AND archived = 0",
                    )?
                    .query_row([origin], |r| r.get(0))?,
            })
        })?;
        Ok(ConversationPage {
            conversations,
            has_more,
            total,
        })
    }

    pub fn get_conversation(&self, id: i64) -> Result<Option<ConversationSummary>> {
        self.read(|conn| {
            let sql = format!("{CONVERSATION_SELECT} WHERE c.id = ?1");
            let mut stmt = conn.prepare_cached(&sql)?;
            Ok(stmt.query_row([id], conversation_from_row).optional()?)
        })
    }

    /// Renaming does not move the conversation up the list: only new messages do.
    pub fn rename_conversation(&self, id: i64, title: &str) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET title = ?2 WHERE id = ?1",
                params![id, title],
            )?;
            found(changed, "conversation")
        })
    }

    /// The model the next message in this conversation will ask for.
    pub fn set_conversation_model(&self, id: i64, model: &str) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET model = ?2 WHERE id = ?1",
                params![id, model],
            )?;
            found(changed, "conversation")
        })
    }

    /// Stars (pins) or unstars a conversation. Like renaming, it does not change `updated_at`.
    pub fn set_starred(&self, id: i64, starred: bool) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET starred = ?2 WHERE id = ?1",
                params![id, starred],
            )?;
            found(changed, "conversation")
        })
    }

    /// Archives a conversation (hidden from the main list, still searchable and exportable) or brings it
    /// back. A new message in an archived conversation brings it back too.
    pub fn set_archived(&self, id: i64, archived: bool) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET archived = ?2 WHERE id = ?1",
                params![id, archived],
            )?;
            found(changed, "conversation")
        })
    }

    /// Deletes the conversation and its messages. Their spend stays in the usage ledger.
    pub fn delete_conversation(&self, id: i64) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute("DELETE FROM conversations WHERE id = ?1", [id])?;
            found(changed, "conversation")
        })
    }

    /// Deletes every conversation and message in one transaction (all or nothing). The usage ledger stays,
    /// as it does for single deletes: that money was really spent.
    ///
    /// The search triggers would re-read and re-tokenize every message only to retract it from indexes that
    /// are about to be emptied, so they are set aside for the transaction and the indexes emptied at once.
    pub fn delete_all_history(&self) -> Result<()> {
        self.write_durably(|tx| {
            let triggers: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT name, sql FROM sqlite_schema
                     WHERE type = 'trigger' AND tbl_name = 'messages' AND name LIKE 'messages\\_fts\\_%' ESCAPE '\\'",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (name, _) in &triggers {
                tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
            }
            tx.execute("DELETE FROM messages", [])?;
            tx.execute("DELETE FROM conversations", [])?;
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
                 INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('delete-all');",
            )?;
            for (_, sql) in &triggers {
                tx.execute_batch(sql)?;
            }
            Ok(())
        })
    }

    // ---- connections ----

    /// Runs `f` on a read-only connection (the writer, for an in-memory store).
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        if self.inner.readers.is_empty() {
            return f(&self.writer());
        }
        f(&self.reader())
    }

    /// A free reader if there is one, else the next in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        let readers = &self.inner.readers;
        if let Some(free) = readers.iter().find_map(|r| r.try_lock().ok()) {
            return free;
        }
        let turn = self.inner.next_reader.fetch_add(1, Ordering::Relaxed) % readers.len();
        lock(&readers[turn])
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.inner.writer)
    }

    /// One transaction on the writer, committed with `synchronous=NORMAL`: survives an app crash, may be
    /// lost on power loss. For the streaming batches only, which come every ~200 ms.
    pub(crate) fn write<R>(&self, f: impl FnOnce(&Transaction) -> Result<R>) -> Result<R> {
        let mut conn = self.writer();
        in_transaction(&mut conn, f)
    }

    /// One transaction on the writer, committed with `synchronous=FULL` (the WAL is synced): a message the
    /// user has seen complete, or a conversation they created, survives a power loss too.
    pub(crate) fn write_durably<R>(&self, f: impl FnOnce(&Transaction) -> Result<R>) -> Result<R> {
        let mut conn = self.writer();
        conn.pragma_update(None, "synchronous", "FULL")?;
        let result = in_transaction(&mut conn, f);
        let restored = conn.pragma_update(None, "synchronous", "NORMAL");
        let value = result?;
        restored?;
        Ok(value)
    }
}

/// IMMEDIATE takes the write lock at the start, so a transaction never fails half-way on a lock upgrade
/// when another process (a second copy of the app) also writes.
fn in_transaction<R>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction) -> Result<R>,
) -> Result<R> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// A panic while a connection was held left no transaction open (rusqlite rolls back on drop), so the
/// connection is still good to use.
fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn found(changed: usize, what: &'static str) -> Result<()> {
    if changed == 0 {
        Err(HistoryError::NotFound(what))
    } else {
        Ok(())
    }
}

fn conversation_from_row(row: &Row) -> rusqlite::Result<ConversationSummary> {
    Ok(ConversationSummary {
        id: row.get(0)?,
        title: row.get(1)?,
        model: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        message_count: row.get(5)?,
        starred: row.get(6)?,
        archived: row.get(7)?,
        origin: row.get(8)?,
    })
}

/// Unix milliseconds. A clock before 1970 gives 0 rather than failing a write.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
