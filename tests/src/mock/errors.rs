//! OpenRouter's error bodies: `{"error":{"code":N,"message":"...","metadata":{...}},"user_id":"user_..."}`.
//!
//! Real bodies where one was captured or reported (the 401 messages, 402, the recorded 429, the
//! free-models-per-day 429); the documented moderation shape for 403 (`metadata.reasons`, `flagged_input`,
//! `provider_name`, `model_slug`); an upstream-error shape for 502; the OpenAPI spec's examples for the rest.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::fixtures;
use super::request::last_user_text;
use super::scenario::ErrorVariant;

/// The `user_id` the mock puts in 4xx bodies (real bodies carry the account's id).
pub const MOCK_USER_ID: &str = "user_2mockOpenRouterDesktop0000";

/// An HTTP error response in OpenRouter's shape.
#[derive(Debug, Clone)]
pub struct ErrorReply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: Vec<(&'static str, String)>,
}

impl ErrorReply {
    /// `{"error":{"code":status,"message":message}}`.
    pub fn new(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            body: json!({"error": {"code": status.as_u16(), "message": message}}),
            headers: Vec::new(),
        }
    }

    /// No `Authorization` header: the real API's message.
    pub fn no_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "No cookie auth credentials found")
    }

    /// A key the API does not know: the real API's message.
    pub fn user_not_found() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "User not found.")
    }

    fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

impl IntoResponse for ErrorReply {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}

/// The body and headers of the `http_error` scenario for a chat request.
pub fn chat_error(
    status: u16,
    retry_after: Option<u64>,
    variant: Option<ErrorVariant>,
    request: &Value,
) -> ErrorReply {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("openai/gpt-4o");
    let mut reply = match (status, variant) {
        (401, Some(ErrorVariant::NoCredentials)) => ErrorReply::no_credentials(),
        (401, _) => ErrorReply::user_not_found(),
        (402, _) => {
            let requested = request
                .get("max_tokens")
                .or_else(|| request.get("max_completion_tokens"))
                .and_then(Value::as_u64)
                .unwrap_or(64000);
            let affordable = (requested / 24).max(1);
            let message = format!(
                "This request requires more credits, or fewer max_tokens. You requested up to {requested} tokens, \
                 but can only afford {affordable}. To increase, visit https://openrouter.ai/settings/credits and \
                 upgrade to a paid account"
            );
            ErrorReply {
                status: code,
                body: json!({"error": {"code": 402, "message": message}, "user_id": MOCK_USER_ID}),
                headers: Vec::new(),
            }
        }
        (403, _) => {
            let flagged = last_user_text(request)
                .chars()
                .take(100)
                .collect::<String>();
            ErrorReply {
                status: code,
                body: json!({
                    "error": {
                        "code": 403,
                        "message": format!("{model} requires moderation on OpenAI. Your input was flagged for \"harassment\". No credits were charged."),
                        "metadata": {"reasons": ["harassment"], "flagged_input": flagged, "provider_name": "OpenAI", "model_slug": model}
                    },
                    "user_id": MOCK_USER_ID
                }),
                headers: Vec::new(),
            }
        }
        (429, Some(ErrorVariant::FreeModelsPerDay)) => free_models_per_day(),
        (404, Some(ErrorVariant::FreeVariantEnded)) => free_variant_ended(request),
        (429, _) => ErrorReply {
            status: code,
            body: fixtures::rate_limited_429(),
            headers: Vec::new(),
        },
        (502, _) => ErrorReply {
            status: code,
            body: json!({
                "error": {"code": 502, "message": "Provider returned error", "metadata": {"provider_name": "OpenAI", "raw": "upstream connect error or disconnect/reset before headers"}},
                "user_id": MOCK_USER_ID
            }),
            headers: Vec::new(),
        },
        _ => {
            let key = format!("POST /chat/completions {status} application/json");
            match fixtures::openapi_example(&key) {
                Some(body) => ErrorReply {
                    status: code,
                    body,
                    headers: Vec::new(),
                },
                None => ErrorReply::new(code, code.canonical_reason().unwrap_or("Error")),
            }
        }
    };
    if let Some(seconds) = retry_after {
        reply = reply.with_header("retry-after", seconds.to_string());
    }
    reply
}

/// The 404 after a free promotion ended, for the requested model (or the first of `models`), with the
/// paid slug suggested in `error.availability.fallback_models`.
fn free_variant_ended(request: &Value) -> ErrorReply {
    let requested = super::request::model(request);
    let paid = requested
        .strip_suffix(":free")
        .unwrap_or(&requested)
        .to_owned();
    let display = fixtures::models()
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(requested.as_str()))
        .and_then(|m| m.get("name").and_then(Value::as_str))
        .map(|name| {
            let name = name.split_once(": ").map_or(name, |(_, n)| n);
            name.trim_end_matches(" (free)").to_owned()
        })
        .unwrap_or_else(|| paid.clone());
    ErrorReply {
        status: StatusCode::NOT_FOUND,
        body: json!({
            "error": {
                "code": 404,
                "message": format!(
                    "The free {display} period has ended. To continue using this model, please migrate to the paid slug: {paid}"
                ),
                "availability": {
                    "code": "free_variant_ended",
                    "retryable": false,
                    "requested_models": [requested],
                    "fallback_models": [paid],
                    "docs_url": "https://openrouter.ai/docs/guides/routing/model-variants/free"
                }
            },
            "user_id": MOCK_USER_ID
        }),
        headers: Vec::new(),
    }
}

fn free_models_per_day() -> ErrorReply {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let day_ms = 86_400_000u128;
    let reset = (now_ms / day_ms + 1) * day_ms;
    let body = json!({
        "error": {
            "message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
            "code": 429,
            "metadata": {"headers": {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.to_string()}, "provider_name": null}
        },
        "user_id": MOCK_USER_ID
    });
    ErrorReply {
        status: StatusCode::TOO_MANY_REQUESTS,
        body,
        headers: Vec::new(),
    }
    .with_header("x-ratelimit-limit", "50".into())
    .with_header("x-ratelimit-remaining", "0".into())
    .with_header("x-ratelimit-reset", reset.to_string())
}
