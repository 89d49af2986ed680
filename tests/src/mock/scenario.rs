//! What the mock answers to the next `POST /chat/completions`.
//!
//! A scenario is queued from Rust ([`super::MockServer::push_scenario`]), over HTTP (`POST /__mock/scenario` with
//! the scenario's JSON form, e.g. `{"scenario":"http_error","status":429,"retry_after":2}`), or picked by the
//! prompt itself: a last user message `/mock slow chunks=5 delay_ms=300` selects that scenario for that request.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fixtures;

/// One scripted chat reply. The JSON form is internally tagged by `scenario` with snake_case names; fields with
/// defaults may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "scenario", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scenario {
    /// A realistic markdown reply (with a fenced code block) that quotes the last user message.
    /// JSON: `{"scenario":"default"}`.
    Default,
    /// Reply with exactly `text`, streamed in word-sized chunks. JSON: `{"scenario":"reply","text":"..."}`.
    Reply { text: String },
    /// Send a recorded `.sse` fixture byte for byte (whatever `stream` says). `chunk_size` re-chunks the body in
    /// N-byte pieces (1 = every byte in its own HTTP chunk); `crlf` turns every `\n` into `\r\n`.
    /// JSON: `{"scenario":"replay","fixture":"test_openrouter_stream_error","chunk_size":1,"crlf":false}`.
    Replay {
        fixture: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chunk_size: Option<usize>,
        #[serde(default, skip_serializing_if = "is_false")]
        crlf: bool,
    },
    /// `chunks` content chunks, `delay_ms` apart (a Stop button has time to act).
    /// JSON: `{"scenario":"slow","chunks":50,"delay_ms":200}`.
    Slow {
        #[serde(default = "default_slow_chunks")]
        chunks: usize,
        #[serde(default = "default_slow_delay_ms")]
        delay_ms: u64,
    },
    /// Reasoning deltas (`delta.reasoning` + `reasoning_details`, then a signature fragment), then content.
    /// JSON: `{"scenario":"reasoning"}`.
    Reasoning,
    /// Two parallel tool calls streamed as fragments per `index`, `finish_reason:"tool_calls"`.
    /// JSON: `{"scenario":"tool_calls"}`.
    ToolCalls,
    /// Some content, then a chunk with a top-level `error` and `usage` (HTTP status stays 200), then `[DONE]`.
    /// JSON: `{"scenario":"mid_stream_error","code":400,"message":"Token limit reached"}`.
    MidStreamError {
        #[serde(default = "default_mid_stream_code")]
        code: u16,
        #[serde(default = "default_mid_stream_message")]
        message: String,
    },
    /// `after_chunks` content chunks, then the TCP connection is cut (no terminating HTTP chunk, no `[DONE]`).
    /// JSON: `{"scenario":"drop","after_chunks":3}`.
    Drop {
        #[serde(default = "default_drop_after")]
        after_chunks: usize,
    },
    /// A normal reply whose HTTP body ends cleanly but without `data: [DONE]`.
    /// JSON: `{"scenario":"no_done"}`.
    NoDone,
    /// An HTTP error before the first token with OpenRouter's real body for `status`.
    /// JSON: `{"scenario":"http_error","status":429,"retry_after":2,"variant":"free_models_per_day"}`, or
    /// `{"scenario":"http_error","status":404,"variant":"free_variant_ended"}`.
    HttpError {
        status: u16,
        /// Seconds, sent as `Retry-After`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        variant: Option<ErrorVariant>,
    },
    /// A `data:` line that is not JSON between two valid chunks. JSON: `{"scenario":"invalid_json"}`.
    InvalidJson,
    /// A stream that finishes (`finish_reason:"stop"`, usage, `[DONE]`) without any content.
    /// JSON: `{"scenario":"empty"}`.
    Empty,
    /// A reply of about `bytes` bytes of text, in ~1 KiB chunks or as `single_event`.
    /// JSON: `{"scenario":"huge","bytes":4194304,"single_event":false}`.
    Huge {
        #[serde(default = "default_huge_bytes")]
        bytes: usize,
        #[serde(default, skip_serializing_if = "is_false")]
        single_event: bool,
    },
}

/// Alternative real error bodies for [`Scenario::HttpError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorVariant {
    /// 429 from the platform's free-model daily cap (`free-models-per-day`), with `X-RateLimit-*` headers.
    FreeModelsPerDay,
    /// 401 when no key was sent: "No cookie auth credentials found".
    NoCredentials,
    /// 404 for a `:free` model whose free promotion ended, with `error.availability` naming the paid slug
    /// in `fallback_models` (real message: "The free … period has ended. To continue using this model,
    /// please migrate to the paid slug: …").
    FreeVariantEnded,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn default_slow_chunks() -> usize {
    50
}
fn default_slow_delay_ms() -> u64 {
    200
}
fn default_mid_stream_code() -> u16 {
    400
}
fn default_mid_stream_message() -> String {
    "Token limit reached".to_owned()
}
fn default_drop_after() -> usize {
    3
}
fn default_huge_bytes() -> usize {
    4 * 1024 * 1024
}

/// Largest `huge` reply the mock agrees to build (the reply is held in memory).
pub const MAX_HUGE_BYTES: usize = 256 * 1024 * 1024;

impl Scenario {
    /// `replay` of a fixture sent as recorded.
    pub fn replay(fixture: &str) -> Self {
        Self::Replay {
            fixture: fixture.to_owned(),
            chunk_size: None,
            crlf: false,
        }
    }

    /// `replay` of a fixture re-chunked in `chunk_size`-byte HTTP chunks.
    pub fn replay_chunked(fixture: &str, chunk_size: usize) -> Self {
        Self::Replay {
            fixture: fixture.to_owned(),
            chunk_size: Some(chunk_size),
            crlf: false,
        }
    }

    /// `http_error` with the default real body for `status`.
    pub fn http_error(status: u16) -> Self {
        Self::HttpError {
            status,
            retry_after: None,
            variant: None,
        }
    }

    /// `mid_stream_error` as recorded by pydantic-ai (code 400, "Token limit reached").
    pub fn mid_stream_error() -> Self {
        Self::MidStreamError {
            code: default_mid_stream_code(),
            message: default_mid_stream_message(),
        }
    }

    /// `slow` with the given number of chunks and delay between them.
    pub fn slow(chunks: usize, delay_ms: u64) -> Self {
        Self::Slow { chunks, delay_ms }
    }

    /// The scenario's name as used in JSON and in `/mock <name>`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Reply { .. } => "reply",
            Self::Replay { .. } => "replay",
            Self::Slow { .. } => "slow",
            Self::Reasoning => "reasoning",
            Self::ToolCalls => "tool_calls",
            Self::MidStreamError { .. } => "mid_stream_error",
            Self::Drop { .. } => "drop",
            Self::NoDone => "no_done",
            Self::HttpError { .. } => "http_error",
            Self::InvalidJson => "invalid_json",
            Self::Empty => "empty",
            Self::Huge { .. } => "huge",
        }
    }

    /// Checks parameters that serde cannot (fixture names, status range, sizes).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::Replay {
                fixture,
                chunk_size,
                ..
            } => {
                fixtures::find_sse(fixture)?;
                if *chunk_size == Some(0) {
                    return Err("replay: chunk_size must be at least 1".into());
                }
            }
            Self::HttpError { status, .. } if !(400..=599).contains(status) => {
                return Err(format!(
                    "http_error: status {status} is not an HTTP error status (400..=599)"
                ));
            }
            Self::HttpError {
                status,
                variant: Some(ErrorVariant::FreeVariantEnded),
                ..
            } if *status != 404 => {
                return Err(format!(
                    "http_error: variant free_variant_ended is a 404, not {status}"
                ));
            }
            Self::MidStreamError { code, .. } if !(400..=599).contains(code) => {
                return Err(format!(
                    "mid_stream_error: code {code} is not an error code (400..=599)"
                ));
            }
            Self::Huge { bytes, .. } if *bytes > MAX_HUGE_BYTES => {
                return Err(format!(
                    "huge: bytes {bytes} is above the mock's limit of {MAX_HUGE_BYTES}"
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Parses the JSON form and validates it.
    pub fn from_json(value: Value) -> Result<Self, String> {
        let scenario: Self =
            serde_json::from_value(value).map_err(|e| format!("invalid scenario: {e}"))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a `/mock <scenario> [positional] [key=value ...]` command from a prompt. Returns `None` when the
    /// prompt is not a `/mock` command, `Some(Err)` when it is one but cannot be understood.
    ///
    /// The positional argument fills the scenario's main field: `http_error 429`, `replay test_prompt/01`,
    /// `slow 20`, `drop 5`, `huge 10000000`, `mid_stream_error 502`. `/mock reply <text>` replies with the rest
    /// of the prompt verbatim (newlines included).
    pub fn from_prompt(prompt: &str) -> Option<Result<Self, String>> {
        let rest = prompt.trim_start().strip_prefix("/mock")?;
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let rest = rest.trim_start();
        let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if name.is_empty() {
            return Some(Err(format!(
                "usage: /mock <scenario> [args]; scenarios: {}",
                NAMES.join(", ")
            )));
        }
        if name == "reply" {
            return Some(Ok(Self::Reply {
                text: args.trim_start().to_owned(),
            }));
        }
        let mut obj = Map::new();
        obj.insert("scenario".into(), Value::String(name.to_owned()));
        for (i, arg) in args.split_whitespace().enumerate() {
            match arg.split_once('=') {
                Some((key, value)) => {
                    obj.insert(key.to_owned(), arg_value(value));
                }
                None if i == 0 => match positional_field(name) {
                    Some(field) => {
                        obj.insert(field.to_owned(), arg_value(arg));
                    }
                    None => {
                        return Some(Err(format!(
                            "/mock {name} takes no positional argument (got `{arg}`)"
                        )))
                    }
                },
                None => {
                    return Some(Err(format!(
                        "/mock {name}: expected key=value, got `{arg}`"
                    )))
                }
            }
        }
        Some(Self::from_json(Value::Object(obj)))
    }
}

/// Every scenario name, for help texts.
pub const NAMES: &[&str] = &[
    "default",
    "reply",
    "replay",
    "slow",
    "reasoning",
    "tool_calls",
    "mid_stream_error",
    "drop",
    "no_done",
    "http_error",
    "invalid_json",
    "empty",
    "huge",
];

fn positional_field(name: &str) -> Option<&'static str> {
    match name {
        "http_error" => Some("status"),
        "replay" => Some("fixture"),
        "slow" => Some("chunks"),
        "drop" => Some("after_chunks"),
        "huge" => Some("bytes"),
        "mid_stream_error" => Some("code"),
        _ => None,
    }
}

fn arg_value(raw: &str) -> Value {
    if let Ok(n) = raw.parse::<u64>() {
        return Value::from(n);
    }
    match raw {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(raw.to_owned()),
    }
}
