//! The ledger's other jobs: the real cost of replies that never received their usage (looked up later with
//! `/generation`), the ledger as CSV, and what an estimate of the next prompt starts from.

use std::io::Write;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::history::messages::{check_usage, upsert_usage};
use crate::history::money::format_usd;
use crate::history::spend::Day;
use crate::history::store::{now_ms, Result};
use crate::history::{CostSource, HistoryStore, MessageUsage, UsageRecord};

/// The first look-up waits this long: `/generation` answers 404 for a while after a reply.
pub const FIRST_CHECK_DELAY_MS: i64 = 2_000;
/// Each failed look-up doubles the wait, up to this many tries (about 2 h 16 min in all), then it gives up.
/// Tries made while OpenRouter cannot be reached at all do not count (see [`OFFLINE_RETRY_MS`]).
pub const MAX_CHECK_ATTEMPTS: i64 = 12;
/// While OpenRouter cannot be reached, a look-up is tried again this often, without counting as a try.
pub const OFFLINE_RETRY_MS: i64 = 60_000;

/// A reply whose cost must be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationCheck {
    pub generation_id: String,
    /// `None` when the reply has been deleted since (what it cost still goes into the ledger).
    pub message_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub attempts: i64,
}

/// A looked-up cost that reached the ledger: for the page's `usage-corrected` event.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectedUsage {
    pub message_id: i64,
    pub conversation_id: i64,
    pub usage: MessageUsage,
}

/// What the next request's prompt holds, for an estimate: the last reply's exact counts, and the characters
/// of what came after it (the new user messages) — or of the whole conversation when no reply has counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromptBasis {
    /// prompt + completion tokens of the last reply with usage: that reply's whole context, as the next
    /// prompt will resend it.
    pub last_reply_tokens: Option<i64>,
    /// Characters of the messages sent after that reply (or of all of them without one).
    pub chars_after: i64,
}

/// The CSV export's rows: ?1/?2 the local dates `from` and the day after `to` (or NULL), ?3/?4 unix ms
/// bounds a little wider than those dates, for the index.
pub(super) const LEDGER_CSV_SELECT: &str =
    "SELECT datetime(u.created_at / 1000, 'unixepoch', 'localtime') AS local, u.conversation_id,
            c.title, u.model, u.provider, u.generation_id, u.prompt_tokens, u.completion_tokens,
            u.reasoning_tokens, u.cached_tokens, u.cost_nanos, u.cost_source
     FROM usage_ledger u LEFT JOIN conversations c ON c.id = u.conversation_id
     WHERE u.created_at >= ?3 AND u.created_at < ?4
       AND (?1 IS NULL OR local >= ?1) AND (?2 IS NULL OR local < ?2)
     ORDER BY u.created_at, u.id";

impl HistoryStore {
    /// Replies due for a cost look-up at `now`, oldest first.
    pub fn due_generation_checks(&self, now: i64, limit: usize) -> Result<Vec<GenerationCheck>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT generation_id, message_id, conversation_id, attempts FROM generation_checks
                 WHERE next_at <= ?1 ORDER BY next_at, generation_id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now, limit], |r| {
                Ok(GenerationCheck {
                    generation_id: r.get(0)?,
                    message_id: r.get(1)?,
                    conversation_id: r.get(2)?,
                    attempts: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// When the next look-up is due (unix ms), if any is pending.
    pub fn next_generation_check_at(&self) -> Result<Option<i64>> {
        self.read(|conn| {
            Ok(
                conn.query_row("SELECT min(next_at) FROM generation_checks", [], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    /// A look-up failed: try again later. An answer from OpenRouter (404 while it finishes its accounting, a
    /// refused key…) doubles the wait each time and gives up after [`MAX_CHECK_ATTEMPTS`]; no answer at all
    /// (`offline`: no network) waits [`OFFLINE_RETRY_MS`] and does not count. Returns whether it will be
    /// tried again.
    pub fn generation_check_failed(
        &self,
        generation_id: &str,
        now: i64,
        offline: bool,
    ) -> Result<bool> {
        self.write(|tx| {
            if offline {
                tx.execute(
                    "UPDATE generation_checks SET next_at = ?2 WHERE generation_id = ?1",
                    params![generation_id, now + OFFLINE_RETRY_MS],
                )?;
                return Ok(true);
            }
            let attempts: Option<i64> = tx
                .query_row(
                    "SELECT attempts + 1 FROM generation_checks WHERE generation_id = ?1",
                    [generation_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(attempts) = attempts else {
                return Ok(false);
            };
            if attempts >= MAX_CHECK_ATTEMPTS {
                tx.execute(
                    "DELETE FROM generation_checks WHERE generation_id = ?1",
                    [generation_id],
                )?;
                log::warn!("gave up looking up the cost of generation {generation_id}");
                return Ok(false);
            }
            let wait = FIRST_CHECK_DELAY_MS << attempts.min(20);
            tx.execute(
                "UPDATE generation_checks SET attempts = ?2, next_at = ?3 WHERE generation_id = ?1",
                params![generation_id, attempts, now + wait],
            )?;
            Ok(true)
        })
    }

    /// Puts a looked-up cost into the ledger (replacing whatever the reply had), dated when the reply
    /// ended, and closes the check. `served_by` is the model and provider `/generation` names, kept for a
    /// reply deleted meanwhile. Returns what changed, for the page: the reply's usage (message id 0 when the
    /// reply is gone, so only the totals are refreshed).
    pub fn record_generation_cost(
        &self,
        check: &GenerationCheck,
        usage: &UsageRecord,
        served_by: (Option<&str>, Option<&str>),
    ) -> Result<Option<CorrectedUsage>> {
        check_usage(usage)?;
        let usage = UsageRecord {
            source: CostSource::Generation,
            ..usage.clone()
        };
        let corrected = |message_id: i64, conversation_id: Option<i64>| CorrectedUsage {
            message_id,
            conversation_id: conversation_id.unwrap_or(0),
            usage: MessageUsage::new(
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.reasoning_tokens,
                usage.cached_tokens,
                usage.cost_nanos,
                usage.source,
            ),
        };
        self.write_durably(|tx| {
            // When the money was spent: the reply's end, or when its look-up was queued (at that end).
            let queued_at: Option<i64> = tx
                .query_row(
                    "DELETE FROM generation_checks WHERE generation_id = ?1 RETURNING created_at",
                    [&check.generation_id],
                    |r| r.get(0),
                )
                .optional()?;
            let message = match check.message_id {
                Some(id) => tx
                    .query_row(
                        "SELECT conversation_id, updated_at FROM messages WHERE id = ?1",
                        [id],
                        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
                    )
                    .optional()?
                    .map(|(conversation, ended)| (id, conversation, ended)),
                None => None,
            };
            match message {
                Some((message_id, conversation_id, ended)) => {
                    upsert_usage(tx, message_id, &usage, ended)?;
                    Ok(Some(corrected(message_id, Some(conversation_id))))
                }
                None => {
                    let spent_at = queued_at.unwrap_or_else(now_ms);
                    insert_orphan_usage(tx, check, &usage, served_by, spent_at)?;
                    Ok(check.conversation_id.map(|c| corrected(0, Some(c))))
                }
            }
        })
    }

    /// The ledger as CSV (IPC.md `export_ledger_csv`), oldest first, for the local days `from..=to` (every
    /// row when `None`). Streams row by row. Returns the number of rows written.
    pub fn export_ledger_csv_to<W: Write>(
        &self,
        from: Option<Day>,
        to: Option<Day>,
        mut out: W,
    ) -> Result<usize> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(LEDGER_CSV_SELECT)?;
            // The ms bounds let `usage_ledger_by_time` skip the rows far outside the range (the last 30
            // days of a long ledger); the local date then cuts exactly.
            let low = from.map_or(i64::MIN, |d| d.wide_bound(true));
            let high = to.map_or(i64::MAX, |d| d.next().wide_bound(false));
            let from = from.map(|d| d.to_string());
            let until = to.map(|d| d.next().to_string());
            let mut rows = stmt.query(params![from, until, low, high])?;
            write!(out, "{CSV_HEADER}\r\n")?;
            let mut count = 0;
            while let Some(r) = rows.next()? {
                let local: String = r.get(0)?;
                let (date, time) = local.split_once(' ').unwrap_or((&local, ""));
                let text = |i: usize| -> rusqlite::Result<String> {
                    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
                };
                let number = |i: usize| -> rusqlite::Result<String> {
                    Ok(r.get::<_, Option<i64>>(i)?
                        .map(|n| n.to_string())
                        .unwrap_or_default())
                };
                let cost = r
                    .get::<_, Option<i64>>(10)?
                    .map(|n| format_usd(n).replacen('$', "", 1))
                    .unwrap_or_default();
                let cells = [
                    date.to_owned(),
                    time.to_owned(),
                    number(1)?,
                    text(2)?,
                    text(3)?,
                    text(4)?,
                    text(5)?,
                    number(6)?,
                    number(7)?,
                    number(8)?,
                    number(9)?,
                    cost,
                    text(11)?,
                ];
                let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                write!(out, "{}\r\n", line.join(","))?;
                count += 1;
            }
            out.flush()?;
            Ok(count)
        })
    }

    /// What [`PromptBasis`] says of this conversation.
    pub fn prompt_basis(&self, conversation_id: i64) -> Result<PromptBasis> {
        self.read(|conn| {
            let last: Option<(i64, i64)> = conn
                .prepare_cached(
                    "SELECT m.id, u.prompt_tokens + u.completion_tokens
                     FROM messages m JOIN usage_ledger u ON u.message_id = m.id
                     WHERE m.conversation_id = ?1 ORDER BY m.id DESC LIMIT 1",
                )?
                .query_row([conversation_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let after = last.map_or(0, |(id, _)| id);
            let chars_after: i64 = conn
                .prepare_cached(
                    "SELECT coalesce(sum(length(content)), 0) FROM messages
                     WHERE conversation_id = ?1 AND id > ?2",
                )?
                .query_row(params![conversation_id, after], |r| r.get(0))?;
            Ok(PromptBasis {
                last_reply_tokens: last.map(|(_, tokens)| tokens),
                chars_after,
            })
        })
    }
}

/// A reply that was deleted before its cost arrived: the spend goes into the ledger on its own.
fn insert_orphan_usage(
    tx: &Transaction,
    check: &GenerationCheck,
    usage: &UsageRecord,
    (model, provider): (Option<&str>, Option<&str>),
    spent_at: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO usage_ledger (message_id, conversation_id, generation_id, prompt_tokens,
             completion_tokens, reasoning_tokens, cached_tokens, cost_nanos, usage_json, cost_source,
             created_at, updated_at, model, provider)
         VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12)",
    )?
    .execute(params![
        check.conversation_id,
        check.generation_id,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.reasoning_tokens,
        usage.cached_tokens,
        usage.cost_nanos,
        usage.raw_json,
        usage.source,
        spent_at,
        model,
        provider
    ])?;
    Ok(())
}

const CSV_HEADER: &str =
    "date,time,conversation_id,conversation_title,model,provider,generation_id,\
prompt_tokens,completion_tokens,reasoning_tokens,cached_tokens,cost_usd,cost_source";

/// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Text a spreadsheet would run
/// as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`: a conversation title
/// comes from what a model or a user typed.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests;
