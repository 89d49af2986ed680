//! A mock OpenRouter server on 127.0.0.1 that speaks the real wire format (recorded in `tests/fixtures/`).
//!
//! ```no_run
//! # async fn demo() {
//! use acceptance::mock::{self, Scenario};
//! let server = mock::start().await;
//! server.push_scenario(Scenario::http_error(429));
//! let url = format!("{}/chat/completions", server.base_url());
//! // ... point the client at server.base_url(), then inspect server.requests()
//! # }
//! ```
//!
//! The server runs on its own thread with its own Tokio runtime, so it keeps answering whatever the caller does
//! (a current-thread test runtime, blocking calls, a child process). Dropping the [`MockServer`] stops it and
//! closes every connection.
//!
//! Billing ("money") controls, each also reachable over HTTP under `/__mock/` (documented in `tests/README.md`):
//! - [`MockServer::set_account`] / [`MockServer::set_key_windows`] (`POST /__mock/account`): what `/key` and
//!   `/credits` report, including `usage_daily/weekly/monthly`, `limit_reset` and `byok_usage*`.
//! - [`MockServer::set_activity`] (`POST /__mock/activity`): the rows `GET /activity` serves a management key
//!   (none by default; only the last 30 completed UTC days are served).
//! - [`MockServer::set_generation_not_found_lookups`] (`POST /__mock/generation`): the first N lookups of each
//!   generation id get 404, as the real API does right after a generation.
//!
//! A reply the client stops mid-stream stays in `/generation` with `cancelled: true` and the tokens and cost of
//! what had been sent.

mod account;
mod activity;
mod auth;
mod body;
mod catalog;
mod chat;
mod chunks;
mod control;
mod errors;
pub mod fixtures;
mod replies;
mod request;
mod routes;
pub mod scenario;
mod state;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;

use axum::serve::ListenerExt;
use tokio::sync::oneshot;

pub use errors::MOCK_USER_ID;
pub use replies::default_markdown;
pub use scenario::{ErrorVariant, Scenario};
pub use state::{Account, KeyWindows, LimitReset, MockConfig, RecordedRequest, StreamEnd};

use state::{SharedState, State};

/// A running mock server. Stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: State,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a mock on a free port with the default configuration.
///
/// # Panics
/// If no loopback port can be bound (see [`try_start_with`]).
pub async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

/// Starts a mock with `config`.
///
/// # Panics
/// If the port cannot be bound (see [`try_start_with`]).
pub async fn start_with(config: MockConfig) -> MockServer {
    start_blocking_with(config)
}

/// Starts a mock from synchronous code.
///
/// # Panics
/// If no loopback port can be bound.
pub fn start_blocking() -> MockServer {
    start_blocking_with(MockConfig::default())
}

/// Starts a mock with `config` from synchronous code.
///
/// # Panics
/// If the port cannot be bound.
pub fn start_blocking_with(config: MockConfig) -> MockServer {
    let port = config.port;
    try_start_with(config)
        .unwrap_or_else(|e| panic!("mock OpenRouter: cannot listen on 127.0.0.1:{port}: {e}"))
}

/// Starts a mock with `config`, reporting bind and runtime errors instead of panicking.
pub fn try_start_with(config: MockConfig) -> io::Result<MockServer> {
    let listener = TcpListener::bind(("127.0.0.1", config.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = SharedState::new(config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (shutdown, stop) = oneshot::channel::<()>();
    let app = routes::router(state.clone());
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name(format!("mock-openrouter-{}", addr.port()))
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let listener = listener.tap_io(|tcp| {
                    // Small SSE chunks must leave at once, not wait for Nagle's algorithm.
                    let _ = tcp.set_nodelay(true);
                });
                tokio::select! {
                    result = axum::serve(listener, app) => {
                        if let Err(e) = result {
                            eprintln!("mock OpenRouter stopped: {e}");
                        }
                    }
                    _ = stop => {}
                }
            });
            // Dropping the runtime cancels every connection task, which closes their sockets.
            drop(runtime);
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            return Err(io::Error::other(
                "mock OpenRouter thread ended before it was ready",
            ))
        }
    }
    Ok(MockServer {
        addr,
        state,
        shutdown: Some(shutdown),
        thread: Some(thread),
    })
}

impl MockServer {
    /// The API base URL, e.g. `http://127.0.0.1:41234/api/v1` (what `OPENROUTER_BASE_URL` should be).
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT`, the root the `/__mock/*` control endpoints live under.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues the answer to a coming chat request (first in, first out; one scenario per request).
    pub fn push_scenario(&self, scenario: Scenario) {
        self.state.push_scenario(scenario);
    }

    /// Scenarios still waiting for a chat request.
    pub fn queued(&self) -> Vec<Scenario> {
        self.state.queued()
    }

    /// Every `/api/v1` request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// Only the `POST /api/v1/chat/completions` requests.
    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == "/api/v1/chat/completions")
            .collect()
    }

    /// Sets what `/key` and `/credits` report (the `/key` windows set by [`Self::set_key_windows`] stay).
    pub fn set_account(&self, account: Account) {
        self.state.set_account(account);
    }

    /// Sets `/key`'s usage windows, `limit_reset` and BYOK usage independently of [`Account`] (`None` fields
    /// follow it as before).
    pub fn set_key_windows(&self, windows: KeyWindows) {
        self.state.set_key_windows(windows);
    }

    /// Replaces the rows `/activity` serves with `rows`, the JSON array `POST /__mock/activity` takes; returns
    /// how many were stored, or why they were refused.
    pub fn set_activity(&self, rows: serde_json::Value) -> Result<usize, String> {
        let seeds = activity::parse_seeds(rows)?;
        let stored = seeds.len();
        self.state.set_activity(seeds);
        Ok(stored)
    }

    /// From now on the first `lookups` `/generation` lookups of each id answer 404 (0: answer at once, the
    /// default).
    pub fn set_generation_not_found_lookups(&self, lookups: u32) {
        self.state.set_generation_not_found_lookups(lookups);
    }

    /// Makes `/models` answer with this HTTP error status (`None`: answer normally again).
    pub fn fail_models(&self, status: Option<u16>) {
        self.state.set_models_failure(status);
    }

    /// Makes `/models` (and the endpoints built from it) serve `models` instead of the recorded list
    /// (`None`: the recorded list again).
    pub fn serve_models(&self, models: Option<Vec<serde_json::Value>>) {
        self.state.set_models(models);
    }

    /// Forgets requests, queued scenarios, generations and seeded activity; restores the default account, `/key`
    /// windows, `/generation` answers and model list.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Waits (polling every 5 ms, inside a Tokio runtime) until `done` holds for the request log or `timeout`
    /// passes; returns the last log seen and whether `done` held.
    pub async fn wait_for(
        &self,
        timeout: std::time::Duration,
        done: impl Fn(&[RecordedRequest]) -> bool,
    ) -> (Vec<RecordedRequest>, bool) {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let log = self.requests();
            if done(&log) {
                return (log, true);
            }
            if std::time::Instant::now() >= deadline {
                return (log, false);
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
