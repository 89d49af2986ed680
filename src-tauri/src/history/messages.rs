//! Messages: saving a turn, streaming a reply into its row, finishing it, and the usage ledger.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::history::ledger::FIRST_CHECK_DELAY_MS;
use crate::history::money::MAX_REPLY_COST_NANOS;
use crate::history::store::{found, now_ms, Result};
use crate::history::{
    HistoryError, HistoryStore, Message, MessageEnd, MessagePage, MessageStatus, MessageUsage,
    ReplyTiming, Role, UsageRecord,
};

/// One message with its usage; the ledger row is joined in, so the cost is stored once.
const MESSAGE_SELECT: &str = "
    SELECT m.id, m.conversation_id, m.role, m.content, m.reasoning, m.status, m.model, m.provider,
           m.finish_reason, m.error_json, m.created_at, m.native_finish_reason, m.generation_id,
           m.updated_at,
           u.prompt_tokens, u.completion_tokens, u.reasoning_tokens, u.cached_tokens, u.cost_nanos,
           u.cost_source, m.first_token_ms, m.duration_ms,
           EXISTS (SELECT 1 FROM generation_checks g WHERE g.message_id = m.id)
    FROM messages m LEFT JOIN usage_ledger u ON u.message_id = m.id";

impl HistoryStore {
    /// The messages of a conversation, oldest first (empty if there is no such conversation).
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<Message>> {
        self.read(|conn| {
            let sql = format!("{MESSAGE_SELECT} WHERE m.conversation_id = ?1 ORDER BY m.id");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([conversation_id], message_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Up to `limit` messages before the message `before_id` (or the newest), oldest first: one page of a
    /// long conversation, read from the end.
    pub fn recent_messages(
        &self,
        conversation_id: i64,
        before_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Message>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let before_id = before_id.unwrap_or(i64::MAX);
        self.read(|conn| {
            let sql = format!(
                "{MESSAGE_SELECT} WHERE m.conversation_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![conversation_id, before_id, limit], message_from_row)?;
            let mut page = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            page.reverse();
            Ok(page)
        })
    }

    /// Up to `limit` messages after the message `after_id`, oldest first: the next page down, for a
    /// conversation opened in the middle (at a search result).
    pub fn newer_messages(
        &self,
        conversation_id: i64,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Message>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let sql = format!(
                "{MESSAGE_SELECT} WHERE m.conversation_id = ?1 AND m.id > ?2 ORDER BY m.id LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows =
                stmt.query_map(params![conversation_id, after_id, limit], message_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The message `message_id` with up to `before` messages before it and up to `after` after it, oldest
    /// first: the page a search result opens on. [`HistoryError::NotFound`] when that message is not in
    /// that conversation.
    pub fn messages_around(
        &self,
        conversation_id: i64,
        message_id: i64,
        before: usize,
        after: usize,
    ) -> Result<MessagePage> {
        let before = i64::try_from(before).unwrap_or(i64::MAX);
        let after = i64::try_from(after).unwrap_or(i64::MAX).saturating_add(1);
        self.read(|conn| {
            let older_sql = format!(
                "{MESSAGE_SELECT} WHERE m.conversation_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&older_sql)?;
            let rows = stmt.query_map(params![conversation_id, message_id, before], message_from_row)?;
            let mut messages = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            messages.reverse();
            let newer_sql = format!(
                "{MESSAGE_SELECT} WHERE m.conversation_id = ?1 AND m.id >= ?2 ORDER BY m.id LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&newer_sql)?;
            let rows = stmt.query_map(params![conversation_id, message_id, after], message_from_row)?;
            let newer = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            if newer.first().map(|m| m.id) != Some(message_id) {
                return Err(HistoryError::NotFound("message"));
            }
            messages.extend(newer);
            page_of(conn, conversation_id, messages, PageEdge::None)
        })
    }

    /// The newest `limit` messages of a conversation (how it opens), with whether older ones exist.
    pub fn latest_page(&self, conversation_id: i64, limit: usize) -> Result<MessagePage> {
        let messages = self.recent_messages(conversation_id, None, limit)?;
        self.read(|conn| page_of(conn, conversation_id, messages, PageEdge::None))
    }

    /// [`Self::recent_messages`] before `before_id` as a [`MessagePage`] (scrolling up).
    pub fn older_page(
        &self,
        conversation_id: i64,
        before_id: i64,
        limit: usize,
    ) -> Result<MessagePage> {
        let messages = self.recent_messages(conversation_id, Some(before_id), limit)?;
        self.read(|conn| page_of(conn, conversation_id, messages, PageEdge::Before(before_id)))
    }

    /// [`Self::newer_messages`] after `after_id` as a [`MessagePage`] (scrolling down from a search result).
    pub fn newer_page(
        &self,
        conversation_id: i64,
        after_id: i64,
        limit: usize,
    ) -> Result<MessagePage> {
        let messages = self.newer_messages(conversation_id, after_id, limit)?;
        self.read(|conn| page_of(conn, conversation_id, messages, PageEdge::After(after_id)))
    }

    pub fn get_message(&self, id: i64) -> Result<Option<Message>> {
        self.read(|conn| select_message(conn, id))
    }

    pub fn add_user_message(&self, conversation_id: i64, content: &str) -> Result<Message> {
        self.add_message(conversation_id, Role::User, content)
    }

    /// A finished message of any role (a user message, a system prompt, an imported reply).
    pub fn add_message(&self, conversation_id: i64, role: Role, content: &str) -> Result<Message> {
        let new = NewMessage {
            conversation_id,
            role,
            content,
            status: MessageStatus::Complete,
            model: None,
        };
        self.write_durably(|tx| insert_message(tx, &new))
    }

    /// An empty assistant reply in status `streaming`, to be filled by [`Self::append_to_message`] and closed
    /// by [`Self::finish_assistant_message`].
    pub fn start_assistant_message(&self, conversation_id: i64, model: &str) -> Result<Message> {
        let new = NewMessage {
            conversation_id,
            role: Role::Assistant,
            content: "",
            status: MessageStatus::Streaming,
            model: Some(model),
        };
        self.write_durably(|tx| insert_message(tx, &new))
    }

    /// Appends one batch of streamed text to a reply that is still streaming. One small UPDATE: SQLite
    /// concatenates in place, the text so far never travels back to Rust.
    pub fn append_to_message(&self, id: i64, content: &str, reasoning: &str) -> Result<()> {
        if content.is_empty() && reasoning.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE messages
                 SET content = content || ?2,
                     reasoning = CASE WHEN ?3 = '' THEN reasoning ELSE coalesce(reasoning, '') || ?3 END,
                     updated_at = ?4
                 WHERE id = ?1 AND status = 'streaming'",
                params![id, content, reasoning, now_ms()],
            )?;
            if changed == 0 {
                return Err(not_streaming(tx, id));
            }
            Ok(())
        })
    }

    /// Closes a reply: its final status, who served it, why it ended, and what it cost (into the ledger).
    /// Committed durably, and moves the conversation to the top of the list.
    pub fn finish_assistant_message(&self, id: i64, end: MessageEnd) -> Result<()> {
        if end.status == MessageStatus::Streaming {
            return Err(HistoryError::InvalidInput(
                "a finished reply cannot still be streaming",
            ));
        }
        check_json(end.error_json.as_deref())?;
        if let Some(usage) = &end.usage {
            check_usage(usage)?;
        }
        let now = now_ms();
        self.write_durably(|tx| {
            update_end(tx, id, &end, now)?;
            match (&end.usage, &end.generation_id) {
                (Some(usage), _) => upsert_usage(tx, id, usage, now)?,
                // Billed but never told what (stopped, cut off): look it up later with /generation.
                (None, Some(generation)) => queue_generation_check(tx, id, generation, now)?,
                (None, None) => {}
            }
            touch_conversation_of(tx, id, now)
        })
    }

    /// Records (or corrects) what a reply cost, e.g. from `/generation` after a stopped reply.
    pub fn record_usage(&self, message_id: i64, usage: &UsageRecord) -> Result<()> {
        check_usage(usage)?;
        self.write_durably(|tx| upsert_usage(tx, message_id, usage, now_ms()))
    }

    /// Deletes one message. Its spend, if any, stays in the ledger.
    pub fn delete_message(&self, id: i64) -> Result<()> {
        self.write_durably(|tx| {
            let changed = tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
            found(changed, "message")
        })
    }

    /// Marks every reply still `streaming` as `interrupted` and returns how many. Runs on open: a reply can
    /// only be streaming in the database while this process streams it, so at start-up it was cut off.
    pub fn recover_interrupted(&self) -> Result<usize> {
        let now = now_ms();
        self.write_durably(|tx| {
            // A reply cut off by a crash was billed for what was generated: once its generation id is
            // known, its real cost is looked up like a stopped reply's.
            tx.execute(
                "INSERT INTO generation_checks (generation_id, message_id, conversation_id, next_at, created_at)
                 SELECT generation_id, id, conversation_id, ?1, ?2 FROM messages
                 WHERE status = 'streaming' AND generation_id IS NOT NULL
                 ON CONFLICT (generation_id) DO NOTHING",
                params![now + FIRST_CHECK_DELAY_MS, now],
            )?;
            Ok(tx.execute(
                "UPDATE messages SET status = 'interrupted', updated_at = ?1 WHERE status = 'streaming'",
                [now],
            )?)
        })
    }

    /// Keeps a streaming reply's generation id as soon as it is known, so a crash before the reply ends
    /// still leaves what is needed to look its cost up.
    pub fn note_generation_id(&self, id: i64, generation_id: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET generation_id = ?2 WHERE id = ?1 AND status = 'streaming'",
                params![id, generation_id],
            )?;
            Ok(())
        })
    }
}

/// Where an empty page was asked for, to tell what lies beyond it.
enum PageEdge {
    None,
    Before(i64),
    After(i64),
}

/// `messages` (one page, oldest first) with whether the conversation goes on above and below it. The first
/// and last ids of the conversation come from one index lookup each, however long it is.
fn page_of(
    conn: &Connection,
    conversation_id: i64,
    messages: Vec<Message>,
    edge: PageEdge,
) -> Result<MessagePage> {
    let (first, last): (Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT min(id), max(id) FROM messages WHERE conversation_id = ?1")?
        .query_row([conversation_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (has_older, has_newer) = match (messages.first(), messages.last()) {
        (Some(top), Some(bottom)) => (
            first.is_some_and(|id| id < top.id),
            last.is_some_and(|id| id > bottom.id),
        ),
        // Nothing on this side of the edge; the other side is whatever is left of it.
        _ => match edge {
            PageEdge::None => (false, false),
            PageEdge::Before(id) => (false, last.is_some_and(|last| last >= id)),
            PageEdge::After(id) => (first.is_some_and(|first| first <= id), false),
        },
    };
    Ok(MessagePage {
        messages,
        has_older,
        has_newer,
    })
}

struct NewMessage<'a> {
    conversation_id: i64,
    role: Role,
    content: &'a str,
    status: MessageStatus,
    model: Option<&'a str>,
}

fn insert_message(tx: &Transaction, new: &NewMessage) -> Result<Message> {
    let now = now_ms();
    // Touching first doubles as the existence check, with a plain NotFound instead of an FK error.
    // A new message brings an archived conversation back to the list: it is in use again.
    let touched = tx.execute(
        "UPDATE conversations SET updated_at = ?2, archived = 0 WHERE id = ?1",
        params![new.conversation_id, now],
    )?;
    found(touched, "conversation")?;
    tx.execute(
        "INSERT INTO messages (conversation_id, role, content, status, model, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            new.conversation_id,
            new.role,
            new.content,
            new.status,
            new.model,
            now
        ],
    )?;
    select_message(tx, tx.last_insert_rowid())?.ok_or(HistoryError::NotFound("message"))
}

fn update_end(tx: &Transaction, id: i64, end: &MessageEnd, now: i64) -> Result<()> {
    let changed = tx.execute(
        "UPDATE messages
         SET status = ?2, finish_reason = ?3, native_finish_reason = ?4,
             model = coalesce(?5, model), provider = coalesce(?6, provider),
             generation_id = coalesce(?7, generation_id), error_json = ?8, updated_at = ?9,
             first_token_ms = ?10, duration_ms = ?11
         WHERE id = ?1 AND role = 'assistant'",
        params![
            id,
            end.status,
            end.finish_reason,
            end.native_finish_reason,
            end.model,
            end.provider,
            end.generation_id,
            end.error_json,
            now,
            end.timing.first_token_ms.map(|ms| ms.max(0)),
            end.timing.duration_ms.map(|ms| ms.max(0))
        ],
    )?;
    found(changed, "reply")
}

fn queue_generation_check(tx: &Transaction, id: i64, generation: &str, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO generation_checks (generation_id, message_id, conversation_id, next_at, created_at)
         SELECT ?2, id, conversation_id, ?3, ?4 FROM messages WHERE id = ?1
         ON CONFLICT (generation_id) DO NOTHING",
        params![id, generation, now + FIRST_CHECK_DELAY_MS, now],
    )?;
    Ok(())
}

/// One ledger row per message: a later correction replaces the figures but keeps when it was first spent.
pub(crate) fn upsert_usage(
    tx: &Transaction,
    message_id: i64,
    usage: &UsageRecord,
    now: i64,
) -> Result<()> {
    let changed = tx.execute(
        "INSERT INTO usage_ledger (message_id, conversation_id, model, provider, generation_id,
             prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_nanos, usage_json,
             cost_source, created_at, updated_at)
         SELECT id, conversation_id, model, provider, generation_id, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8, ?8
         FROM messages WHERE id = ?1
         ON CONFLICT (message_id) DO UPDATE SET
             model = excluded.model, provider = excluded.provider, generation_id = excluded.generation_id,
             prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
             reasoning_tokens = excluded.reasoning_tokens, cached_tokens = excluded.cached_tokens,
             cost_nanos = excluded.cost_nanos, usage_json = excluded.usage_json,
             cost_source = excluded.cost_source, updated_at = excluded.updated_at",
        params![
            message_id,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.reasoning_tokens,
            usage.cached_tokens,
            usage.cost_nanos,
            usage.raw_json,
            now,
            usage.source
        ],
    )?;
    found(changed, "message")
}

fn touch_conversation_of(tx: &Transaction, message_id: i64, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE conversations SET updated_at = ?2
         WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)",
        params![message_id, now],
    )?;
    Ok(())
}

/// Why an append changed nothing: the message is gone, or it is no longer streaming.
fn not_streaming(conn: &Connection, id: i64) -> HistoryError {
    match conn.query_row("SELECT 1 FROM messages WHERE id = ?1", [id], |_| Ok(())) {
        Ok(()) => HistoryError::InvalidInput("this reply has already ended"),
        Err(rusqlite::Error::QueryReturnedNoRows) => HistoryError::NotFound("message"),
        Err(e) => e.into(),
    }
}

pub(crate) fn check_json(text: Option<&str>) -> Result<()> {
    match text.map(serde_json::from_str::<serde_json::Value>) {
        Some(Err(_)) => Err(HistoryError::InvalidInput(
            "the stored error is not valid JSON",
        )),
        _ => Ok(()),
    }
}

/// More tokens than any reply has: a bound that keeps the day's sums far from overflowing.
pub const MAX_TOKENS: i64 = 1_000_000_000_000;

/// Refuses figures no real reply has (the stream and `/generation` are bounded before they get here, so
/// this refuses hand-made import files).
pub(crate) fn check_usage(usage: &UsageRecord) -> Result<()> {
    let counts = [
        Some(usage.prompt_tokens),
        Some(usage.completion_tokens),
        usage.reasoning_tokens,
        usage.cached_tokens,
    ];
    if counts
        .into_iter()
        .flatten()
        .any(|n| !(0..=MAX_TOKENS).contains(&n))
    {
        return Err(HistoryError::InvalidInput(
            "token counts must be between zero and a trillion",
        ));
    }
    if usage
        .cost_nanos
        .is_some_and(|c| !(0..=MAX_REPLY_COST_NANOS).contains(&c))
    {
        return Err(HistoryError::InvalidInput(
            "a reply's cost must be between zero and $10,000",
        ));
    }
    check_json(usage.raw_json.as_deref())
}

fn select_message(conn: &Connection, id: i64) -> Result<Option<Message>> {
    let sql = format!("{MESSAGE_SELECT} WHERE m.id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row([id], message_from_row).optional()?)
}

fn message_from_row(row: &Row) -> rusqlite::Result<Message> {
    let id = row.get(0)?;
    Ok(Message {
        id,
        conversation_id: row.get(1)?,
        role: row.get(2)?,
        content: row.get(3)?,
        reasoning: row.get(4)?,
        status: row.get(5)?,
        model: row.get(6)?,
        provider: row.get(7)?,
        finish_reason: row.get(8)?,
        error: parse_error(id, row.get(9)?),
        created_at: row.get(10)?,
        native_finish_reason: row.get(11)?,
        generation_id: row.get(12)?,
        updated_at: row.get(13)?,
        usage: usage_from_row(row)?,
        timing: timing_from_row(row)?,
        cost_pending: row.get(22)?,
    })
}

fn usage_from_row(row: &Row) -> rusqlite::Result<Option<MessageUsage>> {
    let Some(prompt_tokens) = row.get::<_, Option<i64>>(14)? else {
        return Ok(None); // no ledger row
    };
    Ok(Some(MessageUsage::new(
        prompt_tokens,
        row.get(15)?,
        row.get(16)?,
        row.get(17)?,
        row.get(18)?,
        row.get(19)?,
    )))
}

fn timing_from_row(row: &Row) -> rusqlite::Result<Option<ReplyTiming>> {
    let timing = ReplyTiming {
        first_token_ms: row.get(20)?,
        duration_ms: row.get(21)?,
    };
    Ok((timing != ReplyTiming::default()).then_some(timing))
}

/// The schema only admits valid JSON; should something else get in, the message still loads.
fn parse_error(id: i64, text: Option<String>) -> Option<serde_json::Value> {
    let text = text?;
    serde_json::from_str(&text)
        .map_err(|e| log::warn!("message {id}: stored error is not JSON: {e}"))
        .ok()
}

#[cfg(test)]
mod tests;
