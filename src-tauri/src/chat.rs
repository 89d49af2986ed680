//! One turn of conversation: the one place that ties the API client, the history and the key together.
//!
//! The user's message and an empty assistant message (status `streaming`) are saved before anything
//! goes on the network. The reply streams to the page at once (coalesced to ~30 ms) and into the
//! database in batches (~200 ms), so a crash loses at most the last batch and the message stays,
//! later marked `interrupted`. Stop cancels a token: the HTTP body is dropped, which closes the
//! connection, and the partial reply is kept as `stopped`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::catalog::{base_id, reasoning_of};
use crate::history::{
    CostSource, HistoryError, HistoryStore, Message, MessageEnd, MessageStatus, MessageUsage,
    Origin, ReplyTiming, Role, UsageRecord,
};
use crate::openrouter::{ApiError, ChatEvent, ChatMessage, ChatRequest, Client, ErrorKind, Usage};
use crate::routing::Routing;
use crate::secrets::KeyVault;
use crate::settings::valid_model_id;
use crate::user_error::UserError;

const UI_FLUSH: Duration = Duration::from_millis(30);
const DB_FLUSH: Duration = Duration::from_millis(200);
/// A message longer than this is almost certainly a paste gone wrong, and would fail upstream anyway.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
const TITLE_CHARS: usize = 60;

/// What the page receives while a reply streams, in order; always ends with one `Done`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    Meta {
        model: Option<String>,
        provider: Option<String>,
    },
    Delta {
        content: String,
        reasoning: String,
    },
    Usage {
        usage: MessageUsage,
    },
    Done {
        status: MessageStatus,
        finish_reason: Option<String>,
        error: Option<UserError>,
        timing: Option<ReplyTiming>,
        /// No usage came, but OpenRouter billed the reply: its cost is looked up later.
        cost_pending: bool,
    },
}

/// Where stream events go: a Tauri channel in the app, a vector in tests.
pub trait EventSink: Send + Sync + 'static {
    fn send(&self, event: StreamEvent);
}

/// What [`Chat::send`] needs to start a turn.
struct NewTurn {
    conversation_id: Option<i64>,
    text: String,
    /// For a new conversation.
    title: String,
    model: String,
    routing: Option<Routing>,
    origin: Origin,
}

/// How a retry differs from asking the same model again, each from an error's action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryWith {
    /// "Switch to …": made the conversation's model first (the error suggested it).
    pub model: Option<String>,
    /// "Try a shorter reply": this retry alone caps the reply's length, so a 402 that said the credits
    /// cover N tokens is not refused again. Later turns ask for the model's full length as before.
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TurnStarted {
    pub conversation_id: i64,
    pub user_message_id: i64,
    pub assistant_message_id: i64,
}

pub struct Chat {
    client: Client,
    /// Replaced only by [`Self::replace_history`] (a fresh or reopened file after a start-up problem).
    history: RwLock<HistoryStore>,
    vault: Arc<KeyVault>,
    active: Mutex<HashMap<i64, CancellationToken>>,
    /// Signalled whenever a reply has been saved as finished (the cost look-ups wait on it).
    reply_ended: Arc<Notify>,
}

impl From<HistoryError> for UserError {
    fn from(err: HistoryError) -> Self {
        match err {
            HistoryError::NotFound(_) => {
                UserError::invalid_input("That conversation or message no longer exists.")
            }
            other => UserError::new(
                ErrorKind::Storage,
                format!("Your chat history could not be saved or read ({other})."),
            ),
        }
    }
}

impl Chat {
    pub fn new(client: Client, history: HistoryStore, vault: Arc<KeyVault>) -> Arc<Self> {
        Arc::new(Self {
            client,
            history: RwLock::new(history),
            vault,
            active: Mutex::new(HashMap::new()),
            reply_ended: Arc::new(Notify::new()),
        })
    }

    /// Notified each time a reply has been saved as finished.
    pub fn reply_ended(&self) -> Arc<Notify> {
        self.reply_ended.clone()
    }

    /// The history in use (a cheap handle on the same connections).
    pub fn history(&self) -> HistoryStore {
        match self.history.read() {
            Ok(h) => h.clone(),
            // Nothing can be left half-done under this lock (one assignment): the value is sound.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Switches to another history file: the one opened after the user chose to start afresh or to try
    /// again. Refused while a reply streams, since its writes belong to the current file.
    pub fn replace_history(&self, store: HistoryStore) -> Result<(), UserError> {
        // A poisoned map still lists the replies that were streaming.
        let active = self.active.lock().unwrap_or_else(|p| p.into_inner());
        if !active.is_empty() {
            return Err(UserError::invalid_input(
                "A reply is still arriving; stop it first.",
            ));
        }
        match self.history.write() {
            Ok(mut h) => *h = store,
            Err(poisoned) => *poisoned.into_inner() = store,
        }
        drop(active);
        Ok(())
    }

    /// Runs a history call on a blocking thread: SQLite never blocks the async runtime.
    pub async fn db<R: Send + 'static>(
        &self,
        f: impl FnOnce(&HistoryStore) -> Result<R, HistoryError> + Send + 'static,
    ) -> Result<R, UserError> {
        self.history().call(f).await.map_err(UserError::from)
    }

    /// Saves the user's message, starts the reply and returns at once; the reply streams to `sink`.
    /// A `routing` is checked and saved on the conversation first; without one the conversation's saved
    /// routing applies.
    pub async fn send_message(
        self: &Arc<Self>,
        conversation_id: Option<i64>,
        text: String,
        model: String,
        routing: Option<Routing>,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        let title = title_from(text.trim());
        let turn = NewTurn {
            conversation_id,
            text,
            title,
            model,
            routing,
            origin: Origin::Chat,
        };
        self.send(turn, sink).await
    }

    /// A quick prompt from the tray's window: a new conversation marked `quick` (titled from what was typed,
    /// not from the attachment), or a follow-up in one. Any other conversation is refused, so the quick
    /// window cannot write into the user's chats.
    pub async fn send_quick(
        self: &Arc<Self>,
        conversation_id: Option<i64>,
        text: String,
        attachment: Option<String>,
        model: String,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        if text.trim().is_empty() {
            return Err(UserError::invalid_input("Type a message first."));
        }
        let title = title_from(text.trim());
        let text = crate::desktop::compose_quick_prompt(&text, attachment.as_deref());
        let turn = NewTurn {
            conversation_id,
            text,
            title,
            model,
            routing: None,
            origin: Origin::Quick,
        };
        self.send(turn, sink).await
    }

    /// Asks again for a reply of a quick conversation; see [`Chat::send_quick`] for why only those.
    pub async fn retry_quick(
        self: &Arc<Self>,
        assistant_message_id: i64,
        with: RetryWith,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        if self.origin_of_reply(assistant_message_id).await? != Some(Origin::Quick) {
            return Err(UserError::invalid_input(
                "The quick window can only retry its own replies.",
            ));
        }
        self.retry_reply_with(assistant_message_id, with, sink)
            .await
    }

    /// Stops a reply of a quick conversation; see [`Chat::send_quick`] for why only those (a reply
    /// streaming in the main window is not the quick window's to stop).
    pub async fn stop_quick(&self, assistant_message_id: i64) -> Result<bool, UserError> {
        if self.origin_of_reply(assistant_message_id).await? != Some(Origin::Quick) {
            return Err(UserError::invalid_input(
                "The quick window can only stop its own replies.",
            ));
        }
        Ok(self.stop(assistant_message_id))
    }

    /// Where the conversation holding a message came from (`None` for a conversation gone meanwhile).
    async fn origin_of_reply(&self, message_id: i64) -> Result<Option<Origin>, UserError> {
        self.db(move |h| {
            let message = h
                .get_message(message_id)?
                .ok_or(HistoryError::NotFound("message"))?;
            Ok(h.get_conversation(message.conversation_id)?
                .map(|c| c.origin))
        })
        .await
    }

    async fn send(
        self: &Arc<Self>,
        turn: NewTurn,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        let NewTurn {
            conversation_id,
            text,
            title,
            model,
            routing,
            origin,
        } = turn;
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(UserError::invalid_input("Type a message first."));
        }
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(UserError::invalid_input(
                "This message is too long to send (over 1 MB).",
            ));
        }
        if !valid_model_id(&model) {
            return Err(UserError::invalid_input("Choose a model first."));
        }
        let routing = routing
            .map(Routing::checked)
            .transpose()
            .map_err(|e| UserError::invalid_input(e.to_string()))?;
        let key = self.vault.current().ok_or_else(UserError::no_key)?;
        let model_for_db = model.clone();
        let (conversation_id, user, assistant) = self
            .db(move |h| {
                let conversation_id = match conversation_id {
                    Some(id) => {
                        let found = h
                            .get_conversation(id)?
                            .ok_or(HistoryError::NotFound("conversation"))?;
                        if origin == Origin::Quick && found.origin != Origin::Quick {
                            return Err(HistoryError::NotFound("conversation"));
                        }
                        h.set_conversation_model(id, &model_for_db)?;
                        id
                    }
                    None => {
                        h.create_conversation_from(&title, &model_for_db, origin)?
                            .id
                    }
                };
                if let Some(routing) = &routing {
                    h.set_conversation_routing(conversation_id, routing)?;
                }
                let user = h.add_user_message(conversation_id, &text)?;
                let assistant = h.start_assistant_message(conversation_id, &model_for_db)?;
                Ok((conversation_id, user, assistant))
            })
            .await?;
        self.start_reply(key, conversation_id, assistant.id, model, None, sink)
            .await?;
        Ok(TurnStarted {
            conversation_id,
            user_message_id: user.id,
            assistant_message_id: assistant.id,
        })
    }

    /// Replaces an assistant reply with a new one for the same question.
    pub async fn retry_reply(
        self: &Arc<Self>,
        assistant_message_id: i64,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        self.retry_reply_with(assistant_message_id, RetryWith::default(), sink)
            .await
    }

    /// [`Chat::retry_reply`] changed as `with` says: see [`RetryWith`].
    pub async fn retry_reply_with(
        self: &Arc<Self>,
        assistant_message_id: i64,
        with: RetryWith,
        sink: Arc<dyn EventSink>,
    ) -> Result<TurnStarted, UserError> {
        let RetryWith { model, max_tokens } = with;
        if model.as_deref().is_some_and(|m| !valid_model_id(m)) {
            return Err(UserError::invalid_input("Choose a model first."));
        }
        if max_tokens == Some(0) {
            return Err(UserError::invalid_input(
                "A reply needs room for at least one token.",
            ));
        }
        let key = self.vault.current().ok_or_else(UserError::no_key)?;
        if self.is_active(assistant_message_id) {
            return Err(UserError::invalid_input(
                "This reply is still arriving; stop it first.",
            ));
        }
        let (conversation_id, user_id, assistant, model) = self
            .db(move |h| {
                let old = h
                    .get_message(assistant_message_id)?
                    .filter(|m| m.role == Role::Assistant)
                    .ok_or(HistoryError::NotFound("message"))?;
                let conversation = h
                    .get_conversation(old.conversation_id)?
                    .ok_or(HistoryError::NotFound("conversation"))?;
                let user_id = h
                    .messages(old.conversation_id)?
                    .iter()
                    .take_while(|m| m.id != old.id)
                    .filter(|m| m.role == Role::User)
                    .map(|m| m.id)
                    .last()
                    .ok_or(HistoryError::NotFound("message"))?;
                let model = match model {
                    Some(model) => {
                        h.set_conversation_model(conversation.id, &model)?;
                        model
                    }
                    None => conversation.model,
                };
                h.delete_message(old.id)?;
                let assistant = h.start_assistant_message(conversation.id, &model)?;
                Ok((conversation.id, user_id, assistant, model))
            })
            .await?;
        self.start_reply(key, conversation_id, assistant.id, model, max_tokens, sink)
            .await?;
        Ok(TurnStarted {
            conversation_id,
            user_message_id: user_id,
            assistant_message_id: assistant.id,
        })
    }

    /// Stops a streaming reply. Returns false when it was not streaming (already finished).
    pub fn stop(&self, assistant_message_id: i64) -> bool {
        let token = self
            .active
            .lock()
            .ok()
            .and_then(|mut a| a.remove(&assistant_message_id));
        token.map(|t| t.cancel()).is_some()
    }

    /// Cancels every reply (app exit): each is saved as stopped.
    pub fn stop_all(&self) {
        if let Ok(mut active) = self.active.lock() {
            for (_, token) in active.drain() {
                token.cancel();
            }
        }
    }

    /// Whether any reply is streaming now (the hidden main window is not closed under one).
    pub fn any_streaming(&self) -> bool {
        self.active.lock().map(|a| !a.is_empty()).unwrap_or(true)
    }

    fn is_active(&self, id: i64) -> bool {
        self.active
            .lock()
            .map(|a| a.contains_key(&id))
            .unwrap_or(false)
    }

    async fn start_reply(
        self: &Arc<Self>,
        key: String,
        conversation_id: i64,
        assistant_id: i64,
        model: String,
        max_tokens: Option<u32>,
        sink: Arc<dyn EventSink>,
    ) -> Result<(), UserError> {
        let lookup = model.clone();
        let (messages, routing, cached_model) = self
            .db(move |h| {
                let messages = h.messages(conversation_id)?;
                let routing = h.conversation_routing(conversation_id)?.unwrap_or_default();
                // A variant without a row of its own (`:online`, `:nitro`…) reasons like its base model.
                let cached = match h.cached_model(&lookup)? {
                    Some(json) => Some(json),
                    None => h.cached_model(base_id(&lookup))?,
                };
                Ok((messages, routing, cached))
            })
            .await?;
        let reasoning = cached_model.as_deref().and_then(reasoning_of);
        let mut request = ChatRequest::streaming(model, request_messages(&messages, assistant_id));
        request.max_tokens = max_tokens;
        crate::routing::apply(&mut request, &routing, reasoning.as_ref());
        let token = CancellationToken::new();
        if let Ok(mut active) = self.active.lock() {
            active.insert(assistant_id, token.clone());
        }
        let this = self.clone();
        tokio::spawn(async move {
            let mut reply = Reply::new(assistant_id, sink);
            this.stream_reply(&key, &request, &token, &mut reply).await;
            if let Ok(mut active) = this.active.lock() {
                active.remove(&assistant_id);
            }
            this.finish(reply).await;
        });
        Ok(())
    }

    async fn stream_reply(
        &self,
        key: &str,
        request: &ChatRequest,
        token: &CancellationToken,
        reply: &mut Reply,
    ) {
        let started = tokio::select! {
            _ = token.cancelled() => return reply.stopped(),
            started = self.client.stream_chat(key, request) => started,
        };
        let mut events = match started {
            Ok(events) => Box::pin(events),
            Err(err) => return reply.failed(&err),
        };
        let mut ui_tick = tokio::time::interval(UI_FLUSH);
        let mut db_tick = tokio::time::interval(DB_FLUSH);
        loop {
            tokio::select! {
                _ = token.cancelled() => return reply.stopped(),
                _ = ui_tick.tick() => reply.flush_ui(),
                _ = db_tick.tick() => self.flush_db(reply).await,
                event = events.next() => match event {
                    Some(Ok(event)) => reply.apply(event),
                    Some(Err(err)) => return reply.failed(&err),
                    None => return,
                },
            }
        }
    }

    async fn flush_db(&self, reply: &mut Reply) {
        if let Some(generation) = reply.unsaved_generation_id() {
            let id = reply.id;
            match self
                .db(move |h| h.note_generation_id(id, &generation))
                .await
            {
                Ok(()) => reply.generation_id_saved = true,
                Err(e) => log::error!("could not save a reply's generation id: {e}"),
            }
        }
        let (content, reasoning) = reply.take_unsaved();
        if content.is_empty() && reasoning.is_empty() {
            return;
        }
        let id = reply.id;
        if let Err(e) = self
            .db(move |h| h.append_to_message(id, &content, &reasoning))
            .await
        {
            log::error!("could not save part of a reply: {e}");
        }
    }

    async fn finish(&self, mut reply: Reply) {
        reply.flush_ui();
        self.flush_db(&mut reply).await;
        let end = reply.end();
        let timing = end.timing;
        // The same rule as `finish_assistant_message` uses to queue the look-up.
        let cost_pending = end.usage.is_none() && end.generation_id.is_some();
        let id = reply.id;
        let saved = self.db(move |h| h.finish_assistant_message(id, end)).await;
        self.reply_ended.notify_one();
        let error = match saved {
            Err(e) => Some(e),
            Ok(()) => reply.error.clone(),
        };
        reply.sink.send(StreamEvent::Done {
            status: reply.status,
            finish_reason: reply.finish_reason.clone(),
            error,
            timing: Some(timing),
            cost_pending,
        });
    }
}

/// The conversation as sent upstream: every user message, and every assistant reply that has text.
/// Failed or empty replies are left out: they carry nothing the model said.
fn request_messages(messages: &[Message], current_reply: i64) -> Vec<ChatMessage> {
    messages
        .iter()
        .filter(|m| m.id != current_reply)
        .filter(|m| m.role != Role::Assistant || !m.content.is_empty())
        .map(|m| ChatMessage::new(m.role.as_str(), m.content.clone()))
        .collect()
}

fn title_from(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("New chat")
        .trim();
    let mut title: String = line.chars().take(TITLE_CHARS).collect();
    if line.chars().count() > TITLE_CHARS {
        title.push('…');
    }
    title
}

/// The state of one reply while it streams.
struct Reply {
    id: i64,
    sink: Arc<dyn EventSink>,
    ui_content: String,
    ui_reasoning: String,
    db_content: String,
    db_reasoning: String,
    has_text: bool,
    status: MessageStatus,
    finish_reason: Option<String>,
    native_finish_reason: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    generation_id: Option<String>,
    usage: Option<Usage>,
    error: Option<UserError>,
    /// When the request was sent, and when the first token (text or reasoning) arrived.
    sent_at: Instant,
    first_token_at: Option<Instant>,
    generation_id_saved: bool,
}

impl Reply {
    fn new(id: i64, sink: Arc<dyn EventSink>) -> Self {
        Self {
            sent_at: Instant::now(),
            first_token_at: None,
            generation_id_saved: false,
            id,
            sink,
            ui_content: String::new(),
            ui_reasoning: String::new(),
            db_content: String::new(),
            db_reasoning: String::new(),
            has_text: false,
            // Until `[DONE]` arrives, a reply that ends is one that broke.
            status: MessageStatus::Interrupted,
            finish_reason: None,
            native_finish_reason: None,
            model: None,
            provider: None,
            generation_id: None,
            usage: None,
            error: None,
        }
    }

    fn apply(&mut self, event: ChatEvent) {
        match event {
            ChatEvent::Meta {
                generation_id,
                model,
                provider,
            } => {
                self.generation_id = generation_id;
                self.model = model.clone();
                self.provider = provider.clone();
                self.sink.send(StreamEvent::Meta { model, provider });
            }
            ChatEvent::Delta { content, reasoning } => {
                let has_text = !content.is_empty() || !reasoning.is_empty();
                if has_text && self.first_token_at.is_none() {
                    self.first_token_at = Some(Instant::now());
                }
                self.has_text |= has_text;
                self.ui_content.push_str(&content);
                self.ui_reasoning.push_str(&reasoning);
                self.db_content.push_str(&content);
                self.db_reasoning.push_str(&reasoning);
            }
            ChatEvent::Usage(usage) => {
                self.flush_ui();
                // The same figures, rounded the same way, as the page gets when it reloads the message.
                let record = usage_record(&usage);
                self.sink.send(StreamEvent::Usage {
                    usage: MessageUsage::new(
                        record.prompt_tokens,
                        record.completion_tokens,
                        record.reasoning_tokens,
                        record.cached_tokens,
                        record.cost_nanos,
                        record.source,
                    ),
                });
                self.usage = Some(usage);
            }
            // The app does not offer tools yet; a tool call from a model is not shown.
            ChatEvent::ToolCall { .. } => {}
            ChatEvent::Finished {
                finish_reason,
                native_finish_reason,
            } => {
                self.status = MessageStatus::Complete;
                self.finish_reason = finish_reason;
                self.native_finish_reason = native_finish_reason;
            }
        }
    }

    fn flush_ui(&mut self) {
        if self.ui_content.is_empty() && self.ui_reasoning.is_empty() {
            return;
        }
        self.sink.send(StreamEvent::Delta {
            content: std::mem::take(&mut self.ui_content),
            reasoning: std::mem::take(&mut self.ui_reasoning),
        });
    }

    /// The generation id, until it has been saved.
    fn unsaved_generation_id(&self) -> Option<String> {
        if self.generation_id_saved {
            return None;
        }
        self.generation_id.clone()
    }

    fn take_unsaved(&mut self) -> (String, String) {
        (
            std::mem::take(&mut self.db_content),
            std::mem::take(&mut self.db_reasoning),
        )
    }

    fn stopped(&mut self) {
        self.status = MessageStatus::Stopped;
    }

    fn failed(&mut self, err: &ApiError) {
        self.status = if self.has_text {
            MessageStatus::Interrupted
        } else {
            MessageStatus::Error
        };
        self.error = Some(UserError::from(err));
    }

    fn end(&self) -> MessageEnd {
        MessageEnd {
            status: self.status,
            finish_reason: self.finish_reason.clone(),
            native_finish_reason: self.native_finish_reason.clone(),
            model: self.model.clone(),
            provider: self.provider.clone(),
            generation_id: self.generation_id.clone(),
            usage: self.usage.as_ref().map(usage_record),
            error_json: self
                .error
                .as_ref()
                .and_then(|e| serde_json::to_string(e).ok()),
            timing: self.timing(),
        }
    }

    /// Milliseconds from sending to the first token and to now (the end).
    fn timing(&self) -> ReplyTiming {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        ReplyTiming {
            first_token_ms: self.first_token_at.map(|t| ms(t - self.sent_at)),
            duration_ms: Some(ms(self.sent_at.elapsed())),
        }
    }
}

fn usage_record(u: &Usage) -> UsageRecord {
    UsageRecord {
        prompt_tokens: UsageRecord::tokens(u.prompt_tokens),
        completion_tokens: UsageRecord::tokens(u.completion_tokens),
        reasoning_tokens: u.reasoning_tokens().map(UsageRecord::tokens),
        cached_tokens: u.cached_tokens().map(UsageRecord::tokens),
        cost_nanos: u.cost.and_then(crate::history::reply_cost_nanos),
        raw_json: serde_json::to_string(u).ok(),
        source: CostSource::Stream,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_line_shortened() {
        assert_eq!(title_from("\n  Hello there \nsecond"), "Hello there");
        let long = "word ".repeat(30);
        let title = title_from(&long);
        assert!(title.ends_with('…'));
        assert_eq!(title.chars().count(), TITLE_CHARS + 1);
    }

    #[test]
    fn events_serialize_in_the_ipc_shape() {
        let json = serde_json::to_value(StreamEvent::Delta {
            content: "a".into(),
            reasoning: String::new(),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"type": "delta", "content": "a", "reasoning": ""})
        );
        let done = serde_json::to_value(StreamEvent::Done {
            status: MessageStatus::Stopped,
            finish_reason: None,
            error: None,
            timing: None,
            cost_pending: false,
        })
        .expect("json");
        assert_eq!(done["type"], "done");
        assert_eq!(done["status"], "stopped");
    }
}
