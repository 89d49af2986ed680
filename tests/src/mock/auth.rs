//! The mock's key rules: a key is valid when it starts with `sk-or-v1-` and not with `sk-or-v1-bad`; keys starting
//! with `sk-or-v1-mgmt` are management keys.

use axum::http::{header, HeaderMap};

/// What the `Authorization` header carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No `Authorization: Bearer` header.
    Anonymous,
    /// A bearer token the mock rejects.
    Rejected,
    /// A valid key.
    Key { key: String, management: bool },
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub fn caller(headers: &HeaderMap) -> Caller {
    match bearer(headers) {
        None => Caller::Anonymous,
        Some(key) if key.starts_with("sk-or-v1-") && !key.starts_with("sk-or-v1-bad") => {
            Caller::Key {
                key: key.to_owned(),
                management: key.starts_with("sk-or-v1-mgmt"),
            }
        }
        Some(_) => Caller::Rejected,
    }
}

/// The label `/key` shows: `sk-or-v1-` plus the next 3 characters, `...`, and the last 3, like the real API.
pub fn masked_label(key: &str) -> String {
    let secret = key.strip_prefix("sk-or-v1-").unwrap_or(key);
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 6 {
        return "sk-or-v1-...".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("sk-or-v1-{head}...{tail}")
}
