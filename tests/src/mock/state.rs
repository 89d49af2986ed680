//! The mock's shared state: queued scenarios, the request log, served generations, the account numbers and the
//! seeded activity.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::activity::ActivitySeed;
use super::chunks::Usage;
use super::scenario::Scenario;

/// Settings fixed when the server starts.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Pause between the data events of generated (non-replay) streams. Zero keeps tests fast; the binary uses a
    /// few tens of milliseconds so a demo visibly streams.
    pub chunk_delay: Duration,
    /// Answer when nothing is queued and the prompt is not a `/mock` command.
    pub default_scenario: Scenario,
    /// Print one line per request on stderr.
    pub log_requests: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            port: 0,
            chunk_delay: Duration::ZERO,
            default_scenario: Scenario::Default,
            log_requests: false,
        }
    }
}

/// Numbers behind `/key` and `/credits`. Defaults are the OpenAPI spec's examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Account {
    /// `/credits` `total_credits` (USD).
    pub total_credits: f64,
    /// `/credits` `total_usage` (USD).
    pub total_usage: f64,
    /// `/key` `limit`: the per-key cap, `None` = unlimited.
    pub key_limit: Option<f64>,
    /// `/key` `usage` (and the daily/weekly/monthly windows, unless [`KeyWindows`] sets them).
    pub key_usage: f64,
    /// `/key` `is_free_tier`.
    pub is_free_tier: bool,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            total_credits: 100.5,
            total_usage: 25.75,
            key_limit: Some(100.0),
            key_usage: 25.5,
            is_free_tier: false,
        }
    }
}

/// A per-key spending limit's reset period (`/key` `limit_reset`; the spec's enum without its `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitReset {
    Daily,
    Weekly,
    Monthly,
}

impl LimitReset {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
        }
    }
}

/// What `/key` reports beyond [`Account`], each set independently. A field left `None` follows the rule in its
/// doc, which is what the mock always did; set through `POST /__mock/account` (same flat JSON object as
/// [`Account`]) or [`crate::mock::MockServer::set_key_windows`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyWindows {
    /// `usage_daily` (USD, current UTC day); `None`: [`Account::key_usage`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_daily: Option<f64>,
    /// `usage_weekly` (USD, UTC week starting Monday); `None`: [`Account::key_usage`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_weekly: Option<f64>,
    /// `usage_monthly` (USD, current UTC month); `None`: [`Account::key_usage`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_monthly: Option<f64>,
    /// `limit_reset`: `None` = `"monthly"` when [`Account::key_limit`] is set, else `null`; `Some(None)` = `null`
    /// (JSON `"limit_reset": null`); `Some(Some(r))` = that period. `limit_remaining` is the limit minus the
    /// usage of that period's window (`null` reset: minus `usage`).
    #[serde(
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit_reset: Option<Option<LimitReset>>,
    /// `byok_usage` (USD); `None`: 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byok_usage: Option<f64>,
    /// `byok_usage_daily`; `None`: `byok_usage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byok_usage_daily: Option<f64>,
    /// `byok_usage_weekly`; `None`: `byok_usage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byok_usage_weekly: Option<f64>,
    /// `byok_usage_monthly`; `None`: `byok_usage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byok_usage_monthly: Option<f64>,
}

/// A field that is present (`Some`), possibly as `null` (`Some(None)`); absent fields take `None` from
/// `#[serde(default)]`.
fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The body of `POST /__mock/account`: [`Account`] and [`KeyWindows`] in one flat object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSettings {
    #[serde(flatten)]
    pub account: Account,
    #[serde(flatten)]
    pub key: KeyWindows,
}

/// How a streamed chat response ended, as the server saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamEnd {
    /// Every byte was handed to the connection.
    Completed,
    /// The mock cut the connection on purpose (`drop` scenario).
    CutByMock,
    /// The body was dropped before the end: the client went away (Stop button) or the server shut down.
    ClientGone,
}

/// One request the mock received. The API key is never stored: only whether a bearer header was present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Sequence number, unique for the server's lifetime.
    pub id: u64,
    pub method: String,
    /// Path without the query, e.g. `/api/v1/chat/completions`.
    pub path: String,
    pub query: Option<String>,
    /// The body parsed as JSON; `None` when empty or not JSON.
    pub body: Option<Value>,
    /// Whether an `Authorization: Bearer …` header was present.
    pub has_bearer: bool,
    /// Request headers (lower-case names) except `authorization`, `cookie` and `proxy-authorization`.
    pub headers: BTreeMap<String, String>,
    /// Milliseconds since the server started.
    pub received_ms: u64,
    /// Response status, once the handler has produced it.
    pub status: Option<u16>,
    /// Name of the scenario used (chat requests only).
    pub scenario: Option<String>,
    /// For streamed bodies: how the stream ended, and when (ms since start).
    pub stream_end: Option<StreamEnd>,
    pub stream_end_ms: Option<u64>,
}

/// What the mock remembers about a chat reply it served, for `/generation?id=`.
#[derive(Debug, Clone)]
pub struct ServedGeneration {
    pub request_id: u64,
    pub model: String,
    pub provider: String,
    pub streamed: bool,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
    pub cost: f64,
    pub finish_reason: Option<String>,
    /// The client went away before the reply was finished; tokens and cost then count only what was sent.
    pub cancelled: bool,
}

/// How much of a reply's body had been handed to the connection: completion tokens (reasoning included) and
/// reasoning tokens sent, and whether the generation had finished (finish and usage chunks sent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
    pub finished: bool,
}

impl ServedGeneration {
    /// The client stopped the reply after `sent`: bill only that (never more than the whole reply).
    fn cancel(&mut self, sent: Sent) {
        self.cancelled = true;
        self.completion_tokens = sent.completion_tokens.min(self.completion_tokens);
        self.reasoning_tokens = sent.reasoning_tokens.min(self.reasoning_tokens);
        self.cost = Usage::new(
            self.prompt_tokens,
            self.completion_tokens,
            self.reasoning_tokens,
        )
        .cost;
        self.finish_reason = None;
    }
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<Scenario>,
    requests: Vec<RecordedRequest>,
    generations: HashMap<String, ServedGeneration>,
    account: Account,
    key_windows: KeyWindows,
    /// Rows `/activity` serves (those in its 30-day window).
    activity: Vec<ActivitySeed>,
    /// `/generation` answers 404 to the first this-many lookups of each id.
    generation_not_found_lookups: u32,
    /// Lookups of each id since `generation_not_found_lookups` was set.
    generation_lookups: HashMap<String, u32>,
    next_id: u64,
    /// `/models` answers this list instead of the recorded one (tests of odd or changed lists).
    models_override: Option<Vec<Value>>,
    /// `/models` fails with this status (tests of a refresh that fails).
    models_failure: Option<u16>,
}

/// State shared by every handler.
#[derive(Debug)]
pub struct SharedState {
    pub config: MockConfig,
    started: Instant,
    inner: Mutex<Inner>,
}

pub type State = Arc<SharedState>;

impl SharedState {
    pub fn new(config: MockConfig) -> State {
        Arc::new(Self {
            config,
            started: Instant::now(),
            inner: Mutex::new(Inner::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave `Inner` half-updated in a way that matters to a mock.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn push_scenario(&self, scenario: Scenario) {
        self.lock().queue.push_back(scenario);
    }

    pub fn pop_scenario(&self) -> Option<Scenario> {
        self.lock().queue.pop_front()
    }

    pub fn queued(&self) -> Vec<Scenario> {
        self.lock().queue.iter().cloned().collect()
    }

    /// Stores a request and returns its id.
    pub fn record(&self, mut request: RecordedRequest) -> u64 {
        let mut inner = self.lock();
        inner.next_id += 1;
        request.id = inner.next_id;
        inner.requests.push(request);
        inner.next_id
    }

    pub fn update_request(&self, id: u64, update: impl FnOnce(&mut RecordedRequest)) {
        let mut inner = self.lock();
        if let Some(request) = inner.requests.iter_mut().find(|r| r.id == id) {
            update(request);
        }
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub fn record_generation(&self, id: &str, generation: ServedGeneration) {
        self.lock().generations.insert(id.to_owned(), generation);
    }

    pub fn generation(&self, id: &str) -> Option<ServedGeneration> {
        self.lock().generations.get(id).cloned()
    }

    /// The reply to request `request_id` was stopped by the client after `sent` (nothing happens when it had
    /// finished).
    pub fn cancel_generation(&self, request_id: u64, sent: Sent) {
        if sent.finished {
            return;
        }
        let mut inner = self.lock();
        for generation in inner.generations.values_mut() {
            if generation.request_id == request_id {
                generation.cancel(sent);
            }
        }
    }

    /// Counts one `/generation` lookup of `id`; true while it is among the first
    /// `generation_not_found_lookups` (the real API's 404 right after a generation).
    pub fn generation_lookup_hidden(&self, id: &str) -> bool {
        let mut inner = self.lock();
        let hidden = inner.generation_not_found_lookups;
        if hidden == 0 {
            return false;
        }
        let seen = inner.generation_lookups.entry(id.to_owned()).or_insert(0);
        *seen = seen.saturating_add(1);
        *seen <= hidden
    }

    /// From now on the first `lookups` lookups of each generation id get 404 (0: none); restarts the counts.
    pub fn set_generation_not_found_lookups(&self, lookups: u32) {
        let mut inner = self.lock();
        inner.generation_not_found_lookups = lookups;
        inner.generation_lookups.clear();
    }

    pub fn activity(&self) -> Vec<ActivitySeed> {
        self.lock().activity.clone()
    }

    pub fn set_activity(&self, rows: Vec<ActivitySeed>) {
        self.lock().activity = rows;
    }

    pub fn account(&self) -> Account {
        self.lock().account.clone()
    }

    pub fn set_account(&self, account: Account) {
        self.lock().account = account;
    }

    pub fn key_windows(&self) -> KeyWindows {
        self.lock().key_windows.clone()
    }

    pub fn set_key_windows(&self, windows: KeyWindows) {
        self.lock().key_windows = windows;
    }

    /// The model list `/models` serves (and `/endpoints` builds on): the recorded one unless replaced.
    pub fn models(&self) -> Vec<Value> {
        match &self.lock().models_override {
            Some(list) => list.clone(),
            None => super::fixtures::models().to_vec(),
        }
    }

    pub fn set_models(&self, models: Option<Vec<Value>>) {
        self.lock().models_override = models;
    }

    pub fn models_failure(&self) -> Option<u16> {
        self.lock().models_failure
    }

    pub fn set_models_failure(&self, status: Option<u16>) {
        self.lock().models_failure = status;
    }

    /// Forgets requests, queued scenarios, served generations and seeded activity; restores the default account,
    /// `/key` windows, `/generation` answers and the recorded model list.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.queue.clear();
        inner.requests.clear();
        inner.generations.clear();
        inner.account = Account::default();
        inner.key_windows = KeyWindows::default();
        inner.activity.clear();
        inner.generation_not_found_lookups = 0;
        inner.generation_lookups.clear();
        inner.models_override = None;
        inner.models_failure = None;
    }
}
