//! What can go wrong talking to OpenRouter, and which kind of failure each one is.

use std::time::Duration;

use super::types::{ErrorBody, ErrorObject};

/// The kind of failure the app branches on. Never branch on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Unauthorized,
    NoCredits,
    RateLimited,
    Forbidden,
    BadRequest,
    NotFound,
    Timeout,
    ProviderDown,
    ServerError,
    Offline,
    Interrupted,
    EmptyReply,
    NoKey,
    KeyringUnavailable,
    Storage,
    InvalidInput,
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No connection could be made (DNS, refused, TLS): the user is probably offline.
    #[error("could not reach OpenRouter: {0}")]
    Connect(String),
    /// No byte arrived within the connect or idle-read timeout.
    #[error("OpenRouter did not answer in time")]
    Timeout,
    /// A non-2xx answer before the stream started.
    #[error("OpenRouter answered {status}: {}", .error.as_ref().map(|e| e.message.as_str()).unwrap_or(""))]
    Http {
        status: u16,
        error: Option<Box<ErrorObject>>,
        retry_after: Option<Duration>,
    },
    /// A top-level `error` inside a 200 stream (or a choice with `finish_reason: "error"`).
    #[error("the model's provider failed during the reply: {}", .0.message)]
    InStream(Box<ErrorObject>),
    /// The connection broke after the reply started, or the stream ended without `[DONE]`.
    #[error("the reply was cut off: {0}")]
    StreamBroken(String),
    /// The stream ended properly but carried no text, reasoning or tool call.
    #[error("the model returned an empty reply")]
    EmptyReply,
    /// The answer was not in the expected format.
    #[error("OpenRouter sent something unexpected: {0}")]
    Decode(String),
}

impl ApiError {
    /// Builds an `Http` error from a status, its body (in the documented `{"error":…}` shape or not)
    /// and the `Retry-After` header.
    pub fn from_response(status: u16, body: &str, retry_after: Option<&str>) -> Self {
        let error = serde_json::from_str::<ErrorBody>(body)
            .ok()
            .map(|b| Box::new(b.error));
        ApiError::Http {
            status,
            error,
            retry_after: retry_after.and_then(parse_retry_after),
        }
    }

    pub fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            ApiError::Timeout
        } else if err.is_connect() {
            ApiError::Connect(err.to_string())
        } else if err.is_decode() {
            ApiError::Decode(err.to_string())
        } else {
            ApiError::StreamBroken(err.to_string())
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Connect(_) => ErrorKind::Offline,
            ApiError::Timeout => ErrorKind::Timeout,
            ApiError::Http { status, .. } => kind_for_status(*status),
            ApiError::InStream(_) | ApiError::StreamBroken(_) => ErrorKind::Interrupted,
            ApiError::EmptyReply => ErrorKind::EmptyReply,
            ApiError::Decode(_) => ErrorKind::ServerError,
        }
    }

    /// The API's own error object, when it sent one.
    pub fn error_object(&self) -> Option<&ErrorObject> {
        match self {
            ApiError::Http { error, .. } => error.as_deref(),
            ApiError::InStream(e) => Some(e),
            _ => None,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 | 413 | 422 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthorized,
        402 => ErrorKind::NoCredits,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        408 | 504 | 524 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        502 | 503 | 529 => ErrorKind::ProviderDown,
        _ => ErrorKind::ServerError,
    }
}

/// `Retry-After` is either delay-seconds or an HTTP date; only the seconds form is used by
/// OpenRouter in practice, and a date we cannot parse is better ignored than guessed.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.ceil()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (402, ErrorKind::NoCredits),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (408, ErrorKind::Timeout),
            (413, ErrorKind::BadRequest),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::ServerError),
            (502, ErrorKind::ProviderDown),
            (503, ErrorKind::ProviderDown),
            (524, ErrorKind::Timeout),
        ];
        for (status, kind) in cases {
            assert_eq!(
                ApiError::from_response(status, "", None).kind(),
                kind,
                "{status}"
            );
        }
    }

    #[test]
    fn parses_real_429_body_and_retry_after() {
        let body = r#"{"error":{"code":429,"message":"Provider returned error","metadata":{"provider_name":"Google","raw":"google/gemini-2.0-flash-exp:free is temporarily rate-limited upstream."}},"user_id":"user_2"}"#;
        let err = ApiError::from_response(429, body, Some("7"));
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        let obj = err.error_object().expect("error object");
        assert_eq!(obj.message, "Provider returned error");
        assert!(obj
            .raw()
            .unwrap_or_default()
            .contains("rate-limited upstream"));
    }

    #[test]
    fn string_codes_and_garbage_bodies_are_tolerated() {
        let err = ApiError::from_response(
            500,
            r#"{"error":{"code":"server_error","message":"x"}}"#,
            None,
        );
        assert_eq!(
            err.error_object().and_then(|e| e.code.clone()),
            Some(super::super::types::ErrorCode::Text("server_error".into()))
        );
        let err = ApiError::from_response(502, "<html>bad gateway</html>", Some("soon"));
        assert!(err.error_object().is_none());
        assert_eq!(err.retry_after(), None);
        assert_eq!(err.kind(), ErrorKind::ProviderDown);
    }
}
