//! The app's `Chat` with a real SQLite history and an in-memory key, against the mock server: shared by
//! the tests that drive a turn of conversation without a window.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use acceptance::mock::{self, MockServer};
use openrouter_desktop::chat::{Chat, EventSink, StreamEvent};
use openrouter_desktop::history::HistoryStore;
use openrouter_desktop::openrouter::{Client, ClientConfig};
use openrouter_desktop::secrets::{KeyVault, MemoryStore};
use tokio::sync::mpsc;

pub const MODEL: &str = "openai/gpt-4o-mini";

/// Forwards the stream's events to a channel the test reads.
pub struct Sink(Mutex<mpsc::UnboundedSender<StreamEvent>>);

impl EventSink for Sink {
    fn send(&self, event: StreamEvent) {
        if let Ok(tx) = self.0.lock() {
            let _ = tx.send(event);
        }
    }
}

pub struct Setup {
    pub server: MockServer,
    pub chat: Arc<Chat>,
    pub client: Client,
    pub db_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A mock server, and a `Chat` on a fresh history file whose key is `key`.
pub async fn setup(key: &str) -> Setup {
    let server = mock::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("history.sqlite3");
    let history = HistoryStore::open(&db_path).expect("history");
    let vault = Arc::new(KeyVault::new(Arc::new(MemoryStore::default())));
    vault.save(key.into(), true).await.expect("key");
    let client = Client::new(ClientConfig {
        base_url: server.base_url(),
        ..ClientConfig::default()
    })
    .expect("client");
    Setup {
        chat: Chat::new(client.clone(), history, vault),
        client,
        server,
        db_path,
        _dir: dir,
    }
}

pub fn channel() -> (Arc<dyn EventSink>, mpsc::UnboundedReceiver<StreamEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Arc::new(Sink(Mutex::new(tx))), rx)
}

/// The next event, failing the test when none comes within 20 s.
pub async fn next_event(rx: &mut mpsc::UnboundedReceiver<StreamEvent>) -> StreamEvent {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("events keep coming")
        .expect("channel open")
}

/// Events until `Done`, which comes last.
pub async fn until_done(rx: &mut mpsc::UnboundedReceiver<StreamEvent>) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    loop {
        let event = next_event(rx).await;
        let done = matches!(event, StreamEvent::Done { .. });
        events.push(event);
        if done {
            return events;
        }
    }
}
