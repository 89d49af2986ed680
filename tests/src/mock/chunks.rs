//! The JSON text of one generated reply (field order as recorded, so it is serialized from structs): stream chunks (`chat.completion.chunk`), the non-streamed `ChatResult`, and
//! `usage`, in the field order and shape of the recorded captures.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{json, Value};

/// USD per prompt / completion token the mock bills ($3 / $15 per million, a mid-range price).
const PROMPT_PRICE: f64 = 0.000_003;
const COMPLETION_PRICE: f64 = 0.000_015;

/// The identity shared by every chunk of one reply.
#[derive(Debug, Clone)]
pub struct Generation {
    pub id: String,
    pub provider: String,
    pub model: String,
    pub created: u64,
}

#[derive(Serialize)]
struct Chunk<'a> {
    id: &'a str,
    provider: &'a str,
    model: &'a str,
    object: &'static str,
    created: u64,
    choices: [StreamChoice<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<&'a Usage>,
}

#[derive(Serialize)]
struct StreamChoice<'a> {
    index: u32,
    delta: Value,
    finish_reason: Option<&'a str>,
    native_finish_reason: Option<&'a str>,
    logprobs: Option<()>,
}

#[derive(Serialize)]
struct ChatResult<'a> {
    id: &'a str,
    provider: &'a str,
    model: &'a str,
    object: &'static str,
    created: u64,
    choices: Vec<Value>,
    system_fingerprint: Option<&'a str>,
    usage: &'a Usage,
}

/// `usage` as the 2026 API sends it (every sub-object present).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub cost: f64,
    pub is_byok: bool,
    pub prompt_tokens_details: Value,
    pub cost_details: Value,
    pub completion_tokens_details: Value,
}

impl Usage {
    /// Usage for a reply, priced at the mock's fixed per-token rates.
    pub fn new(prompt_tokens: u64, completion_tokens: u64, reasoning_tokens: u64) -> Self {
        let prompt_cost = round_usd(prompt_tokens as f64 * PROMPT_PRICE);
        let completion_cost = round_usd(completion_tokens as f64 * COMPLETION_PRICE);
        Self {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
            cost: round_usd(prompt_cost + completion_cost),
            is_byok: false,
            prompt_tokens_details: json!({"cached_tokens": 0, "audio_tokens": 0, "video_tokens": 0}),
            cost_details: json!({
                "upstream_inference_cost": null,
                "upstream_inference_prompt_cost": prompt_cost,
                "upstream_inference_completions_cost": completion_cost
            }),
            completion_tokens_details: json!({"reasoning_tokens": reasoning_tokens, "image_tokens": 0}),
        }
    }
}

impl Usage {
    /// `completion_tokens_details.reasoning_tokens`.
    pub fn reasoning_tokens(&self) -> u64 {
        self.completion_tokens_details
            .get("reasoning_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    }
}

pub fn round_usd(value: f64) -> f64 {
    (value * 1e10).round() / 1e10
}

impl Generation {
    pub fn new(model: &str) -> Self {
        let created = unix_now();
        Self {
            id: format!("gen-{created}-{}", random_alnum(20)),
            provider: provider_for(model),
            model: model.to_owned(),
            created,
        }
    }

    /// A `chat.completion.chunk` with one choice.
    pub fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> String {
        self.chunk_with(delta, finish_reason, None, None)
    }

    /// The usage chunk that ends a stream (the real API sends one choice with an empty delta).
    pub fn usage_chunk(&self, usage: &Usage) -> String {
        self.chunk_with(
            json!({"role": "assistant", "content": ""}),
            None,
            None,
            Some(usage),
        )
    }

    /// The mid-stream error chunk as recorded: top-level `error`, `finish_reason: null`, and `usage`.
    pub fn error_chunk(&self, code: u16, message: &str, usage: &Usage) -> String {
        self.chunk_with(
            json!({"role": "assistant", "content": ""}),
            None,
            Some(json!({"code": code, "message": message})),
            Some(usage),
        )
    }

    fn chunk_with(
        &self,
        delta: Value,
        finish_reason: Option<&str>,
        error: Option<Value>,
        usage: Option<&Usage>,
    ) -> String {
        let chunk = Chunk {
            id: &self.id,
            provider: &self.provider,
            model: &self.model,
            object: "chat.completion.chunk",
            created: self.created,
            choices: [StreamChoice {
                index: 0,
                delta,
                finish_reason,
                native_finish_reason: finish_reason,
                logprobs: None,
            }],
            error,
            usage,
        };
        serde_json::to_string(&chunk).unwrap_or_default()
    }

    /// The non-streamed `ChatResult` with one choice carrying `message`.
    pub fn result(&self, message: Value, finish_reason: &str, usage: &Usage) -> String {
        self.result_with_choice(
            json!({
                "index": 0,
                "finish_reason": finish_reason,
                "native_finish_reason": finish_reason,
                "logprobs": null,
                "message": message
            }),
            usage,
        )
    }

    /// The non-streamed `ChatResult` around a prepared choice object.
    pub fn result_with_choice(&self, choice: Value, usage: &Usage) -> String {
        let result = ChatResult {
            id: &self.id,
            provider: &self.provider,
            model: &self.model,
            object: "chat.completion",
            created: self.created,
            choices: vec![choice],
            system_fingerprint: None,
            usage,
        };
        serde_json::to_string(&result).unwrap_or_default()
    }
}

/// A plausible upstream provider name for a model slug.
pub fn provider_for(model: &str) -> String {
    let author = model.split('/').next().unwrap_or_default();
    match author {
        "anthropic" => "Anthropic",
        "google" => "Google AI Studio",
        "meta-llama" => "DeepInfra",
        "mistralai" => "Mistral",
        "deepseek" => "DeepSeek",
        "x-ai" => "xAI",
        "minimax" => "Minimax",
        "qwen" => "Alibaba",
        "moonshotai" => "Moonshot AI",
        _ => "OpenAI",
    }
    .to_owned()
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Non-cryptographic randomness (SplitMix64 over time and a counter): enough for unique-looking ids.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut z = nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| ALPHABET[(random_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

pub fn random_hex(len: usize) -> String {
    (0..len)
        .map(|_| char::from_digit((random_u64() % 16) as u32, 16).unwrap_or('0'))
        .collect()
}
