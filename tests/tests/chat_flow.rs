//! One turn of conversation end to end, without a window: the app's `Chat` with a real SQLite
//! history and an in-memory key, against the mock server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use acceptance::mock::{self, MockServer, Scenario, StreamEnd};
use openrouter_desktop::chat::{Chat, EventSink, StreamEvent};
use openrouter_desktop::history::{HistoryStore, MessageStatus, Role};
use openrouter_desktop::openrouter::{Client, ClientConfig, ErrorKind};
use openrouter_desktop::secrets::{KeyVault, MemoryStore};
use tokio::sync::mpsc;

const MODEL: &str = "openai/gpt-4o-mini";

struct Sink(Mutex<mpsc::UnboundedSender<StreamEvent>>);
impl EventSink for Sink {
    fn send(&self, event: StreamEvent) {
        if let Ok(tx) = self.0.lock() {
            let _ = tx.send(event);
        }
    }
}

struct Setup {
    server: MockServer,
    chat: Arc<Chat>,
    _dir: tempfile::TempDir,
    db_path: std::path::PathBuf,
}

async fn setup() -> Setup {
    let server = mock::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("history.sqlite3");
    let history = HistoryStore::open(&db_path).expect("history");
    let vault = Arc::new(KeyVault::new(Arc::new(MemoryStore::default())));
    vault.save("sk-or-v1-flow".into(), true).await.expect("key");
    let client = Client::new(ClientConfig {
        base_url: server.base_url(),
        ..ClientConfig::default()
    })
    .expect("client");
    Setup {
        chat: Chat::new(client, history, vault),
        server,
        _dir: dir,
        db_path,
    }
}

fn channel() -> (Arc<dyn EventSink>, mpsc::UnboundedReceiver<StreamEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Arc::new(Sink(Mutex::new(tx))), rx)
}

/// Events until `Done`, which comes last.
async fn until_done(rx: &mut mpsc::UnboundedReceiver<StreamEvent>) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("events keep coming")
            .expect("channel open");
        let done = matches!(event, StreamEvent::Done { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}

fn streamed_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { content, .. } => Some(content.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_reply_is_streamed_saved_and_costed() {
    let s = setup().await;
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "  Explain SQLite WAL  ".into(), MODEL.into(), sink)
        .await
        .expect("started");
    let events = until_done(&mut rx).await;
    assert!(matches!(events[0], StreamEvent::Meta { .. }));
    assert!(events
        .iter()
        .any(|e| matches!(e, StreamEvent::Usage { .. })));
    let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Complete);
    assert!(error.is_none());

    let history = s.chat.history();
    let conversation = history
        .get_conversation(turn.conversation_id)
        .expect("read")
        .expect("exists");
    assert_eq!(conversation.title, "Explain SQLite WAL");
    let messages = history.messages(turn.conversation_id).expect("messages");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].role, Role::User);
    assert_eq!(messages[1].status, MessageStatus::Complete);
    assert_eq!(
        messages[1].content,
        streamed_text(&events),
        "what was shown is what was saved"
    );
    let json = serde_json::to_value(&messages[1]).expect("json");
    assert!(json["usage"]["cost_usd"].as_f64().is_some_and(|c| c > 0.0));
    assert_eq!(json["provider"].as_str().map(str::is_empty), Some(false));

    // The next turn sends the whole conversation.
    let (sink, mut rx) = channel();
    s.chat
        .send_message(
            Some(turn.conversation_id),
            "And rollback journals?".into(),
            MODEL.into(),
            sink,
        )
        .await
        .expect("second turn");
    until_done(&mut rx).await;
    let body = s
        .server
        .chat_requests()
        .pop()
        .and_then(|r| r.body)
        .expect("body");
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
}

#[tokio::test]
async fn stop_keeps_the_partial_reply_and_closes_the_connection() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(200, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "long".into(), MODEL.into(), sink)
        .await
        .expect("started");
    loop {
        if let Some(StreamEvent::Delta { .. }) = rx.recv().await {
            break;
        }
    }
    assert!(s.chat.stop(turn.assistant_message_id));
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { status, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Stopped);
    let saved = s
        .chat
        .history()
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert_eq!(saved.status, MessageStatus::Stopped);
    assert!(!saved.content.is_empty());
    let (_, gone) = s
        .server
        .wait_for(Duration::from_secs(5), |r| {
            r.iter()
                .any(|r| r.stream_end == Some(StreamEnd::ClientGone))
        })
        .await;
    assert!(gone, "stopping drops the HTTP connection");
}

#[tokio::test]
async fn a_mid_stream_error_is_saved_as_interrupted_with_its_reason_and_retry_replaces_it() {
    let s = setup().await;
    s.server.push_scenario(Scenario::mid_stream_error());
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "fail midway".into(), MODEL.into(), sink)
        .await
        .expect("started");
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Interrupted);
    assert_eq!(error.as_ref().map(|e| e.kind), Some(ErrorKind::Interrupted));
    let saved = s
        .chat
        .history()
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert!(!saved.content.is_empty(), "partial text kept");
    let json = serde_json::to_value(&saved).expect("json");
    assert_eq!(json["error"]["kind"], "interrupted");
    assert!(
        json["usage"].is_object(),
        "usage in the error chunk is recorded"
    );

    let (sink, mut rx) = channel();
    let retried = s
        .chat
        .retry_reply(turn.assistant_message_id, sink)
        .await
        .expect("retry");
    assert_eq!(retried.user_message_id, turn.user_message_id);
    let events = until_done(&mut rx).await;
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Done {
            status: MessageStatus::Complete,
            ..
        })
    ));
    let messages = s
        .chat
        .history()
        .messages(turn.conversation_id)
        .expect("messages");
    assert_eq!(messages.len(), 2, "the old reply was replaced");
    assert_eq!(messages[1].id, retried.assistant_message_id);
}

#[tokio::test]
async fn a_402_is_saved_as_an_error_with_the_credits_action() {
    let s = setup().await;
    s.server.push_scenario(Scenario::http_error(402));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "pay".into(), MODEL.into(), sink)
        .await
        .expect("started");
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Error);
    let error = error.clone().expect("error");
    assert_eq!(error.kind, ErrorKind::NoCredits);
    assert_eq!(
        error.action.and_then(|a| a.url).as_deref(),
        Some("https://openrouter.ai/settings/credits")
    );
    let saved = s
        .chat
        .history()
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert_eq!(saved.status, MessageStatus::Error);
}

#[tokio::test]
async fn a_killed_app_leaves_a_reply_that_reopens_as_interrupted() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(100, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "crash".into(), MODEL.into(), sink)
        .await
        .expect("started");
    // Let a few batches reach the database, then open the file as a restarted app would.
    let mut deltas = 0;
    while deltas < 10 {
        if let Some(StreamEvent::Delta { .. }) = rx.recv().await {
            deltas += 1;
        }
    }
    tokio::time::sleep(Duration::from_millis(450)).await;
    let reopened = HistoryStore::open(&s.db_path).expect("reopen");
    let saved = reopened
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert_eq!(saved.status, MessageStatus::Interrupted);
    assert!(
        !saved.content.is_empty(),
        "batches written while streaming survive"
    );
    s.chat.stop(turn.assistant_message_id);
}

#[tokio::test]
async fn no_key_and_bad_input_are_refused_before_anything_is_saved() {
    let s = setup().await;
    let (sink_a, _rx) = channel();
    let err = s
        .chat
        .send_message(None, "   ".into(), MODEL.into(), sink_a)
        .await
        .expect_err("empty");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    let (sink_b, _rx) = channel();
    let err = s
        .chat
        .send_message(None, "hi".into(), "bad model".into(), sink_b)
        .await
        .expect_err("model");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(s
        .chat
        .history()
        .list_conversations()
        .expect("list")
        .is_empty());
}

#[tokio::test]
async fn the_history_is_replaced_only_when_no_reply_streams() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(200, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "a slow one".into(), MODEL.into(), sink)
        .await
        .expect("started");
    let other = HistoryStore::open_in_memory().expect("memory");
    let refused = s.chat.replace_history(other.clone());
    assert!(refused.is_err(), "a streaming reply keeps its file");
    assert!(s
        .chat
        .history()
        .get_conversation(turn.conversation_id)
        .expect("read")
        .is_some());
    s.chat.stop(turn.assistant_message_id);
    until_done(&mut rx).await;

    s.chat.replace_history(other).expect("replaced once idle");
    assert!(s
        .chat
        .history()
        .list_conversations()
        .expect("list")
        .is_empty());
    let (sink, mut rx) = channel();
    let next = s
        .chat
        .send_message(None, "into the new one".into(), MODEL.into(), sink)
        .await
        .expect("started");
    until_done(&mut rx).await;
    let listed = s.chat.history().list_conversations().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, next.conversation_id);
    let old = HistoryStore::open(&s.db_path).expect("old file");
    assert_eq!(
        old.list_conversations().expect("list").len(),
        1,
        "the old file is as it was"
    );
}
