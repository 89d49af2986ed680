//! Export to JSON (everything stored, to be imported again) and to Markdown (to be read), and import of the
//! JSON export without duplicates.
//!
//! JSON format, version 1:
//! ```json
//! { "format": "openrouter-desktop-history", "version": 1, "exported_at": <unix ms>, "app_version": "0.1.0",
//!   "conversations": [ { "uid", "title", "model", "created_at", "updated_at", "starred", "archived",
//!     "routing": absent | { "value": <Routing, as IPC.md>, "updated_at" },
//!     "messages": [ { "role", "content", "reasoning", "status", "model", "provider", "generation_id",
//!       "finish_reason", "native_finish_reason", "error": <JSON or null>, "created_at", "updated_at",
//!       "usage": null | { "model", "provider", "generation_id", "prompt_tokens", "completion_tokens",
//!         "reasoning_tokens", "cached_tokens", "cost_nanos", "cost_usd": "0.0000368", "raw": <JSON or null>,
//!         "cost_source": "stream" | "generation", "created_at", "updated_at" },
//!       "first_token_ms", "duration_ms" } ] } ] }
//! ```
//! Local row ids are not exported: they mean nothing in another database. A conversation is identified by
//! its `uid` (random, given when it was created); importing a conversation whose `uid` is already there
//! skips it, so importing the same file twice adds nothing. `cost_nanos` (USD × 10⁹) is the exact cost;
//! `cost_usd` is the same amount as text for people and is ignored on import. Spend rows of deleted messages
//! stay in the ledger and are not part of any conversation, so they are not exported.

use std::io::Write;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::history::messages::{check_json, check_usage};
use crate::history::models::save_routing;
use crate::history::money::{format_usd, thousands};
use crate::history::spend::civil_from_days;
use crate::history::store::{now_ms, Result};
use crate::history::{
    CostSource, HistoryError, HistoryStore, MessageStatus, Origin, Role, UsageRecord,
};

fn is_chat(origin: &Origin) -> bool {
    *origin == Origin::Chat
}
use crate::routing::Routing;

pub const EXPORT_FORMAT: &str = "openrouter-desktop-history";
pub const EXPORT_VERSION: u32 = 1;
/// Imported conversations are written in transactions of about this many messages: big enough to be fast,
/// small enough that a streaming reply is never kept waiting for long.
const IMPORT_BATCH_MESSAGES: usize = 2000;

/// What an import did (`ImportReport` in IPC.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub conversations_added: usize,
    /// Already in the history (same `uid`): left as they are.
    pub conversations_skipped: usize,
    pub messages_added: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u32,
    exported_at: i64,
    #[serde(default)]
    app_version: Option<String>,
    conversations: Vec<ExportConversation>,
}

/// The header written before the conversations, which are streamed one by one.
#[derive(Serialize)]
struct ExportHeader<'a> {
    format: &'a str,
    version: u32,
    exported_at: i64,
    app_version: &'a str,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ExportConversation {
    uid: String,
    title: String,
    model: String,
    created_at: i64,
    updated_at: i64,
    #[serde(default)]
    starred: bool,
    #[serde(default)]
    archived: bool,
    /// Where it was started; files from before quick prompts have none, and were all chats. Written only
    /// for quick prompts, so a chat exports exactly as before.
    #[serde(default, skip_serializing_if = "is_chat")]
    origin: Origin,
    /// The conversation's own routing; absent when it uses the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    routing: Option<ExportRouting>,
    messages: Vec<ExportMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ExportRouting {
    /// As stored, so fields a newer app wrote survive an export from this one.
    value: serde_json::Value,
    updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ExportMessage {
    role: Role,
    content: String,
    #[serde(default)]
    reasoning: Option<String>,
    status: MessageStatus,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    generation_id: Option<String>,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    native_finish_reason: Option<String>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    created_at: i64,
    updated_at: i64,
    #[serde(default)]
    usage: Option<ExportUsage>,
    /// Time to first token and total time of a reply, from sending (ms).
    #[serde(default)]
    first_token_ms: Option<i64>,
    #[serde(default)]
    duration_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ExportUsage {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    generation_id: Option<String>,
    prompt_tokens: i64,
    completion_tokens: i64,
    #[serde(default)]
    reasoning_tokens: Option<i64>,
    #[serde(default)]
    cached_tokens: Option<i64>,
    #[serde(default)]
    cost_nanos: Option<i64>,
    /// For people; import reads `cost_nanos`.
    #[serde(default, skip_deserializing)]
    cost_usd: Option<String>,
    /// The `usage` object as the API sent it.
    #[serde(default)]
    raw: Option<serde_json::Value>,
    /// `generation`: the figures were looked up after the reply stopped.
    #[serde(default)]
    cost_source: CostSource,
    created_at: i64,
    updated_at: i64,
}

impl HistoryStore {
    /// The conversations `conversation_ids` (in that order), or every conversation with the archived ones
    /// (oldest first) when `None`, as the JSON export. See [`Self::export_json_to`] to stream to a file.
    pub fn export_json(&self, conversation_ids: Option<&[i64]>) -> Result<String> {
        let mut out = Vec::new();
        self.export_json_to(conversation_ids, &mut out)?;
        String::from_utf8(out)
            .map_err(|_| HistoryError::InvalidInput("the export is not valid text"))
    }

    /// Writes the JSON export to `out` one conversation at a time, so exporting a large history never holds
    /// it all in memory. Everything comes from one snapshot: a reply streaming meanwhile is exported as it
    /// was. Returns the number of conversations written.
    pub fn export_json_to<W: Write>(
        &self,
        conversation_ids: Option<&[i64]>,
        mut out: W,
    ) -> Result<usize> {
        self.read(|conn| {
            let tx = conn.unchecked_transaction()?;
            let ids = match conversation_ids {
                Some(ids) => ids.to_vec(),
                None => all_conversation_ids(&tx)?,
            };
            let header = serde_json::to_string(&ExportHeader {
                format: EXPORT_FORMAT,
                version: EXPORT_VERSION,
                exported_at: now_ms(),
                app_version: env!("CARGO_PKG_VERSION"),
            })
            .map_err(std::io::Error::from)?;
            // `{"format":…,"app_version":"…"` then the conversations.
            let open = header.strip_suffix('}').unwrap_or(&header);
            write!(out, "{open},\n\"conversations\": [")?;
            for (n, id) in ids.iter().enumerate() {
                let conversation = read_conversation(&tx, *id)?;
                out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(&mut out, &conversation)
                    .map_err(std::io::Error::from)?;
            }
            out.write_all(b"\n]}\n")?;
            out.flush()?;
            Ok(ids.len())
        })
    }

    /// Imports a JSON export. Conversations already here (same `uid`) are skipped, so importing the same file
    /// twice adds nothing. The whole file is read and checked before anything is written: a file that is not
    /// an export, or has an invalid entry, is refused as [`HistoryError::BadImport`] and changes nothing.
    /// Replies exported while streaming are imported as `interrupted`.
    pub fn import_json(&self, json: &str) -> Result<ImportReport> {
        let file: ExportFile =
            serde_json::from_str(json).map_err(|e| HistoryError::BadImport(e.to_string()))?;
        if file.format != EXPORT_FORMAT {
            return Err(HistoryError::BadImport(format!(
                "its format is {:?}, not {EXPORT_FORMAT:?}",
                file.format
            )));
        }
        if file.version > EXPORT_VERSION {
            return Err(HistoryError::BadImport(format!(
                "it was made by a newer version of the app (export version {}); update the app to import it",
                file.version
            )));
        }
        for conversation in &file.conversations {
            check_conversation(conversation)?;
        }

        let mut report = ImportReport::default();
        let mut batches: Vec<&[ExportConversation]> = Vec::new();
        let (mut start, mut size) = (0, 0);
        for (i, conversation) in file.conversations.iter().enumerate() {
            size += conversation.messages.len() + 1;
            if size >= IMPORT_BATCH_MESSAGES {
                batches.push(&file.conversations[start..=i]);
                (start, size) = (i + 1, 0);
            }
        }
        if start < file.conversations.len() {
            batches.push(&file.conversations[start..]);
        }
        let last = batches.len().saturating_sub(1);
        for (n, batch) in batches.into_iter().enumerate() {
            let import = |tx: &Transaction| {
                let mut added = ImportReport::default();
                for conversation in batch {
                    match import_conversation(tx, conversation)? {
                        Some(messages) => {
                            added.conversations_added += 1;
                            added.messages_added += messages;
                        }
                        None => added.conversations_skipped += 1,
                    }
                }
                Ok(added)
            };
            // The WAL is synced at the last commit, which makes every batch before it durable too.
            let added = if n == last {
                self.write_durably(import)?
            } else {
                self.write(import)?
            };
            report.conversations_added += added.conversations_added;
            report.conversations_skipped += added.conversations_skipped;
            report.messages_added += added.messages_added;
        }
        Ok(report)
    }

    /// One conversation as Markdown, for reading: title, model and dates, then each message with its
    /// author and time, and for each reply the model, provider, tokens and cost.
    pub fn export_markdown(&self, conversation_id: i64) -> Result<String> {
        let conversation = self.read(|conn| {
            let tx = conn.unchecked_transaction()?;
            read_conversation(&tx, conversation_id)
        })?;
        Ok(markdown(&conversation))
    }
}

fn all_conversation_ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM conversations ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn read_conversation(conn: &Connection, id: i64) -> Result<ExportConversation> {
    let mut stmt = conn.prepare_cached(
        "SELECT uid, title, model, created_at, updated_at, starred, archived, origin
         FROM conversations WHERE id = ?1",
    )?;
    let conversation = stmt
        .query_row([id], |r| {
            Ok(ExportConversation {
                uid: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                title: r.get(1)?,
                model: r.get(2)?,
                created_at: r.get(3)?,
                updated_at: r.get(4)?,
                starred: r.get(5)?,
                archived: r.get(6)?,
                origin: r.get(7)?,
                routing: None,
                messages: Vec::new(),
            })
        })
        .optional()?
        .ok_or(HistoryError::NotFound("conversation"))?;
    let routing = conn
        .prepare_cached(
            "SELECT routing_json, updated_at FROM conversation_routing WHERE conversation_id = ?1",
        )?
        .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
        .optional()?
        .and_then(|(json, updated_at)| {
            Some(ExportRouting {
                value: json_value(Some(json))?,
                updated_at,
            })
        });
    let mut stmt = conn.prepare_cached(
        "SELECT m.role, m.content, m.reasoning, m.status, m.model, m.provider, m.generation_id,
                m.finish_reason, m.native_finish_reason, m.error_json, m.created_at, m.updated_at,
                u.id, u.model, u.provider, u.generation_id, u.prompt_tokens, u.completion_tokens,
                u.reasoning_tokens, u.cached_tokens, u.cost_nanos, u.usage_json, u.created_at, u.updated_at,
                u.cost_source, m.first_token_ms, m.duration_ms
         FROM messages m LEFT JOIN usage_ledger u ON u.message_id = m.id
         WHERE m.conversation_id = ?1 ORDER BY m.id",
    )?;
    let messages = stmt
        .query_map([id], |r| {
            let usage = match r.get::<_, Option<i64>>(12)? {
                None => None,
                Some(_) => {
                    let cost_nanos: Option<i64> = r.get(20)?;
                    Some(ExportUsage {
                        model: r.get(13)?,
                        provider: r.get(14)?,
                        generation_id: r.get(15)?,
                        prompt_tokens: r.get(16)?,
                        completion_tokens: r.get(17)?,
                        reasoning_tokens: r.get(18)?,
                        cached_tokens: r.get(19)?,
                        cost_nanos,
                        cost_usd: cost_nanos.map(|n| format_usd(n).replacen('$', "", 1)),
                        raw: json_value(r.get(21)?),
                        created_at: r.get(22)?,
                        updated_at: r.get(23)?,
                        cost_source: r.get(24)?,
                    })
                }
            };
            Ok(ExportMessage {
                role: r.get(0)?,
                content: r.get(1)?,
                reasoning: r.get(2)?,
                status: r.get(3)?,
                model: r.get(4)?,
                provider: r.get(5)?,
                generation_id: r.get(6)?,
                finish_reason: r.get(7)?,
                native_finish_reason: r.get(8)?,
                error: json_value(r.get(9)?),
                created_at: r.get(10)?,
                updated_at: r.get(11)?,
                usage,
                first_token_ms: r.get(25)?,
                duration_ms: r.get(26)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ExportConversation {
        routing,
        messages,
        ..conversation
    })
}

/// Stored JSON (the schema only admits valid JSON) as a value; text that somehow is not JSON stays text.
fn json_value(text: Option<String>) -> Option<serde_json::Value> {
    let text = text?;
    Some(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

fn check_conversation(c: &ExportConversation) -> Result<()> {
    if c.uid.is_empty() || c.uid.chars().count() > 128 {
        return Err(HistoryError::BadImport(format!(
            "the conversation {:?} has no valid uid",
            c.title
        )));
    }
    if let Some(routing) = &c.routing {
        checked_routing(routing)
            .map_err(|e| HistoryError::BadImport(format!("the routing of {:?} {e}", c.title)))?;
    }
    for m in &c.messages {
        if let Some(u) = &m.usage {
            let record = usage_record(u);
            check_usage(&record).map_err(|e| {
                HistoryError::BadImport(format!(
                    "a message of {:?} has invalid usage: {e}",
                    c.title
                ))
            })?;
        }
        let error = m.error.as_ref().map(serde_json::Value::to_string);
        check_json(error.as_deref())?;
    }
    Ok(())
}

/// The routing to store: read as this app reads it, and checked as if the user had saved it.
fn checked_routing(routing: &ExportRouting) -> std::result::Result<Routing, String> {
    let value: Routing =
        serde_json::from_value(routing.value.clone()).map_err(|e| format!("does not read: {e}"))?;
    value.checked().map_err(|e| format!("is refused: {e}"))
}

fn usage_record(u: &ExportUsage) -> UsageRecord {
    UsageRecord {
        prompt_tokens: u.prompt_tokens,
        completion_tokens: u.completion_tokens,
        reasoning_tokens: u.reasoning_tokens,
        cached_tokens: u.cached_tokens,
        cost_nanos: u.cost_nanos,
        raw_json: u.raw.as_ref().map(serde_json::Value::to_string),
        source: u.cost_source,
    }
}

/// Adds one conversation unless its uid is already here. Returns the number of messages added, `None` when
/// skipped.
fn import_conversation(tx: &Transaction, c: &ExportConversation) -> Result<Option<usize>> {
    let exists = tx
        .prepare_cached("SELECT 1 FROM conversations WHERE uid = ?1")?
        .query_row([&c.uid], |_| Ok(()))
        .optional()?
        .is_some();
    if exists {
        return Ok(None);
    }
    tx.prepare_cached(
        "INSERT INTO conversations (uid, title, model, created_at, updated_at, starred, archived, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        c.uid,
        c.title,
        c.model,
        c.created_at,
        c.updated_at,
        c.starred,
        c.archived,
        c.origin
    ])?;
    let conversation_id = tx.last_insert_rowid();
    if let Some(routing) = &c.routing {
        let checked = checked_routing(routing).map_err(HistoryError::BadImport)?;
        if !checked.is_default() {
            let json = serde_json::to_string(&checked)
                .map_err(|_| HistoryError::InvalidInput("the routing could not be written"))?;
            save_routing(tx, conversation_id, &json, routing.updated_at)?;
        }
    }
    for m in &c.messages {
        // A reply can only be streaming while this app streams it; an imported one was cut off.
        let status = match m.status {
            MessageStatus::Streaming => MessageStatus::Interrupted,
            other => other,
        };
        tx.prepare_cached(
            "INSERT INTO messages (conversation_id, role, content, reasoning, status, model, provider,
                 generation_id, finish_reason, native_finish_reason, error_json, created_at, updated_at,
                 first_token_ms, duration_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            conversation_id,
            m.role,
            m.content,
            m.reasoning,
            status,
            m.model,
            m.provider,
            m.generation_id,
            m.finish_reason,
            m.native_finish_reason,
            m.error.as_ref().map(serde_json::Value::to_string),
            m.created_at,
            m.updated_at,
            m.first_token_ms.map(|ms| ms.max(0)),
            m.duration_ms.map(|ms| ms.max(0))
        ])?;
        let message_id = tx.last_insert_rowid();
        if let Some(u) = &m.usage {
            import_usage(tx, message_id, conversation_id, u)?;
        }
    }
    Ok(Some(c.messages.len()))
}

/// Links the reply to its spend. When this generation's ledger row is still here from an earlier copy of
/// the message (deleted since, the row kept because the money was spent), that row is linked again rather
/// than a second one added: the ledger never counts one generation twice.
fn import_usage(
    tx: &Transaction,
    message_id: i64,
    conversation_id: i64,
    u: &ExportUsage,
) -> Result<()> {
    if let Some(generation) = &u.generation_id {
        let relinked = tx
            .prepare_cached(
                "UPDATE usage_ledger SET message_id = ?1, conversation_id = ?3
                 WHERE id = (SELECT id FROM usage_ledger
                             WHERE generation_id = ?2 AND message_id IS NULL ORDER BY id LIMIT 1)",
            )?
            .execute(params![message_id, generation, conversation_id])?;
        if relinked > 0 {
            return Ok(());
        }
    }
    tx.prepare_cached(
        "INSERT INTO usage_ledger (message_id, model, provider, generation_id, prompt_tokens,
             completion_tokens, reasoning_tokens, cached_tokens, cost_nanos, usage_json, created_at, updated_at,
             conversation_id, cost_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        message_id,
        u.model,
        u.provider,
        u.generation_id,
        u.prompt_tokens,
        u.completion_tokens,
        u.reasoning_tokens,
        u.cached_tokens,
        u.cost_nanos,
        u.raw.as_ref().map(serde_json::Value::to_string),
        u.created_at,
        u.updated_at,
        conversation_id,
        u.cost_source
    ])?;
    Ok(())
}

// ---- Markdown ----

fn markdown(c: &ExportConversation) -> String {
    let mut md = String::new();
    md.push_str(&format!("# {}\n\n", one_line(&c.title)));
    md.push_str(&format!("- Model: `{}`\n", one_line(&c.model)));
    md.push_str(&format!("- Started: {}\n", format_utc(c.created_at)));
    md.push_str(&format!("- Last activity: {}\n", format_utc(c.updated_at)));
    md.push_str(&format!("- Messages: {}\n", c.messages.len()));
    let costs: Vec<i64> = c
        .messages
        .iter()
        .filter_map(|m| m.usage.as_ref()?.cost_nanos)
        .collect();
    if !costs.is_empty() {
        let total = costs.iter().fold(0_i64, |sum, n| sum.saturating_add(*n));
        md.push_str(&format!("- Cost: {}\n", format_usd(total)));
    }
    for m in &c.messages {
        md.push_str("\n---\n\n");
        let who = match m.role {
            Role::User => "You",
            Role::Assistant => "Assistant",
            Role::System => "System prompt",
        };
        md.push_str(&format!("## {who} · {}\n\n", format_utc(m.created_at)));
        if m.role == Role::Assistant {
            md.push_str(&format!("*{}*\n\n", reply_details(m)));
        }
        if let Some(reasoning) = m.reasoning.as_deref().filter(|r| !r.trim().is_empty()) {
            md.push_str("> **Reasoning**\n>\n");
            for line in reasoning.trim_end().lines() {
                md.push_str(&format!("> {line}\n").replace("> \n", ">\n"));
            }
            md.push('\n');
        }
        if m.content.is_empty() {
            md.push_str("*(no text)*\n");
        } else {
            md.push_str(m.content.trim_end());
            md.push('\n');
        }
        if let Some(note) = status_note(m) {
            md.push_str(&format!("\n*{note}*\n"));
        }
    }
    md
}

/// "model `x` · provider Y · 1,200 prompt + 300 completion tokens (120 reasoning, 1,000 cached) · $0.0000368"
fn reply_details(m: &ExportMessage) -> String {
    let mut details = Vec::new();
    let model = m
        .model
        .as_ref()
        .or(m.usage.as_ref().and_then(|u| u.model.as_ref()));
    if let Some(model) = model {
        details.push(format!("model `{}`", one_line(model)));
    }
    let provider = m
        .provider
        .as_ref()
        .or(m.usage.as_ref().and_then(|u| u.provider.as_ref()));
    if let Some(provider) = provider {
        details.push(format!("provider {}", one_line(provider)));
    }
    match &m.usage {
        Some(u) => {
            let mut tokens = format!(
                "{} prompt + {} completion tokens",
                thousands(u.prompt_tokens),
                thousands(u.completion_tokens)
            );
            let extra: Vec<String> = [
                (u.reasoning_tokens, "reasoning"),
                (u.cached_tokens, "cached"),
            ]
            .into_iter()
            .filter_map(|(n, what)| Some(format!("{} {what}", thousands(n?))))
            .collect();
            if !extra.is_empty() {
                tokens.push_str(&format!(" ({})", extra.join(", ")));
            }
            details.push(tokens);
            details.push(
                u.cost_nanos
                    .map_or_else(|| "cost unknown".to_owned(), format_usd),
            );
        }
        None => details.push("tokens and cost unknown".to_owned()),
    }
    details.join(" · ")
}

fn status_note(m: &ExportMessage) -> Option<String> {
    let reason = m
        .error
        .as_ref()
        .and_then(|e| e.get("message"))
        .and_then(serde_json::Value::as_str)
        .map(one_line);
    let note = match m.status {
        MessageStatus::Complete => return None,
        MessageStatus::Stopped => "Stopped before the end.".to_owned(),
        MessageStatus::Streaming => "Still being written when exported.".to_owned(),
        MessageStatus::Interrupted => "Interrupted before the end.".to_owned(),
        MessageStatus::Error => "Ended with an error.".to_owned(),
    };
    Some(match reason {
        Some(reason) => format!("{note} {reason}"),
        None => note,
    })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Unix milliseconds as "2024-11-26 23:21 UTC" (the proleptic Gregorian calendar, any year).
fn format_utc(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests;
