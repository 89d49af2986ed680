//! The values the store takes and gives. `Message` and `ConversationSummary` serialize to the shapes in
//! `app/IPC.md`; fields the page does not see are `#[serde(skip)]`.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::history::money::nanos_to_usd;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
    System,
}

impl Role {
    /// The name used both in the database and in the OpenRouter API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::System => "system",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::User, Self::Assistant, Self::System]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Complete,
    /// Still arriving. A message found in this state when the store opens was cut off by a crash.
    Streaming,
    /// The user pressed stop; the text so far is kept.
    Stopped,
    /// The stream broke, or the app was killed while it streamed.
    Interrupted,
    Error,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Streaming => "streaming",
            Self::Stopped => "stopped",
            Self::Interrupted => "interrupted",
            Self::Error => "error",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Complete,
            Self::Streaming,
            Self::Stopped,
            Self::Interrupted,
            Self::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Stored as their names, so the database stays readable with any SQLite tool.
macro_rules! sql_as_name {
    ($type:ty) => {
        impl ToSql for $type {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $type {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                <$type>::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("unknown {} {text:?}", stringify!($type)).into())
                })
            }
        }
    };
}
sql_as_name!(Role);
sql_as_name!(MessageStatus);
sql_as_name!(Origin);

/// Where a conversation was started: the main window's chat, or the tray's quick-prompt window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Chat,
    Quick,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Quick => "quick",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Chat, Self::Quick]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// Token counts and cost of one reply, as the page sees them (`Usage` in IPC.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageUsage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub reasoning_tokens: Option<i64>,
    pub cached_tokens: Option<i64>,
    /// Derived from `cost_nanos` for the page; sums in Rust use `cost_nanos`.
    pub cost_usd: Option<f64>,
    /// USD × 10⁹, exact.
    pub cost_nanos: Option<i64>,
    pub cost_source: CostSource,
}

/// Where a ledger row's figures came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The `usage` the streamed reply ended with.
    #[default]
    Stream,
    /// Looked up afterwards with `/generation` (a stopped or cut-off reply never gets its usage).
    Generation,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stream => "stream",
            Self::Generation => "generation",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Stream, Self::Generation]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}
sql_as_name!(CostSource);

/// Time to first token and total time of a reply, both from sending the request (`ReplyTiming` in IPC.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReplyTiming {
    pub first_token_ms: Option<i64>,
    pub duration_ms: Option<i64>,
}

impl MessageUsage {
    pub(crate) fn new(
        prompt_tokens: i64,
        completion_tokens: i64,
        reasoning_tokens: Option<i64>,
        cached_tokens: Option<i64>,
        cost_nanos: Option<i64>,
        cost_source: CostSource,
    ) -> Self {
        Self {
            prompt_tokens,
            completion_tokens,
            reasoning_tokens,
            cached_tokens,
            cost_usd: cost_nanos.map(nanos_to_usd),
            cost_nanos,
            cost_source,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub role: Role,
    pub content: String,
    pub reasoning: Option<String>,
    pub status: MessageStatus,
    /// The model that served it (assistant); until the reply says, the model that was asked.
    pub model: Option<String>,
    pub provider: Option<String>,
    pub finish_reason: Option<String>,
    /// The `UserError` the app stored when the reply ended in error or was interrupted, as it was given.
    pub error: Option<serde_json::Value>,
    pub usage: Option<MessageUsage>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// A reply's time to first token and total time; `None` for user messages and older replies.
    pub timing: Option<ReplyTiming>,
    /// The reply's real cost is still to be looked up with `/generation` (it stopped before its usage).
    pub cost_pending: bool,
    #[serde(skip)]
    pub native_finish_reason: Option<String>,
    /// OpenRouter's generation id, to look the real cost up later (`/generation`).
    #[serde(skip)]
    pub generation_id: Option<String>,
    #[serde(skip)]
    pub updated_at: i64,
}

/// One page of a conversation's messages, oldest first, and whether there are more on either side of it:
/// a long conversation reaches the page a piece at a time (`MessagePage` in IPC.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// The conversation has messages before the first one here.
    pub has_older: bool,
    /// The conversation has messages after the last one here.
    pub has_newer: bool,
}

/// One page of the conversation list and how far it goes (`ConversationPage` in IPC.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationPage {
    pub conversations: Vec<ConversationSummary>,
    /// More conversations are listed after the last one here.
    pub has_more: bool,
    /// How many conversations the list holds in all (archived ones are not in it).
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationSummary {
    pub id: i64,
    pub title: String,
    /// The model the conversation last asked for.
    pub model: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub message_count: i64,
    /// Pinned: listed before the others.
    pub starred: bool,
    /// Hidden from [`crate::history::HistoryStore::list_conversations`]; shown by `list_archived`.
    pub archived: bool,
    pub origin: Origin,
}

impl ConversationSummary {
    /// Where the next page of the list starts: pass it to
    /// [`crate::history::HistoryStore::list_conversations_page`] to get the conversations listed below this one.
    pub fn cursor(&self) -> ConversationCursor {
        ConversationCursor {
            starred: self.starred,
            updated_at: self.updated_at,
            id: self.id,
        }
    }
}

/// A position in the conversation list (starred first, then the most recently active, then the highest id):
/// the page can hold it and hand it back for the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCursor {
    pub starred: bool,
    pub updated_at: i64,
    pub id: i64,
}

/// Token counts and cost as one reply reported them; goes into the usage ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageRecord {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub reasoning_tokens: Option<i64>,
    pub cached_tokens: Option<i64>,
    /// USD × 10⁹ (see [`crate::history::usd_to_nanos`]); `None` when the API gave no cost.
    pub cost_nanos: Option<i64>,
    /// The raw `usage` object as JSON, kept for full fidelity (export, later corrections).
    pub raw_json: Option<String>,
    pub source: CostSource,
}

impl UsageRecord {
    /// A token count from the network as stored: capped at the bound the store accepts, so an absurd figure
    /// never keeps a reply from being saved.
    pub fn tokens(n: u64) -> i64 {
        i64::try_from(n)
            .unwrap_or(i64::MAX)
            .min(crate::history::messages::MAX_TOKENS)
    }
}

/// How a streamed reply ended.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageEnd {
    /// Anything but `Streaming`.
    pub status: MessageStatus,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    /// The model that served it; `None` keeps the model the reply was started with.
    pub model: Option<String>,
    pub provider: Option<String>,
    pub generation_id: Option<String>,
    pub usage: Option<UsageRecord>,
    /// The serialized `UserError`, stored as given and handed back to the page as JSON.
    pub error_json: Option<String>,
    pub timing: ReplyTiming,
}

#[cfg(test)]
impl MessageEnd {
    /// An end with nothing but a status, for tests.
    pub(crate) fn plain(status: MessageStatus) -> Self {
        Self {
            status,
            finish_reason: None,
            native_finish_reason: None,
            model: None,
            provider: None,
            generation_id: None,
            usage: None,
            error_json: None,
            timing: ReplyTiming::default(),
        }
    }
}
