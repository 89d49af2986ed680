//! What the mock reads from a chat request: the model, the prompt, whether to stream, a token estimate.

use serde_json::Value;

/// The model the reply claims to come from: `model`, else the first of `models`, else `openrouter/auto`.
pub fn model(request: &Value) -> String {
    request
        .get("model")
        .and_then(Value::as_str)
        .or_else(|| {
            request
                .get("models")
                .and_then(|m| m.get(0))
                .and_then(Value::as_str)
        })
        .unwrap_or("openrouter/auto")
        .to_owned()
}

pub fn wants_stream(request: &Value) -> bool {
    request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Text of the last `user` message (string content, or the text parts of an array content).
pub fn last_user_text(request: &Value) -> String {
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return request
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
    };
    let Some(last_user) = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
    else {
        return String::new();
    };
    match last_user.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// A rough prompt token count: a quarter of the message text's characters plus 4 per message.
pub fn prompt_tokens(request: &Value) -> u64 {
    let messages = request
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let chars: usize = messages
        .iter()
        .map(|m| match m.get("content") {
            Some(Value::String(s)) => s.chars().count(),
            Some(other) => other.to_string().len(),
            None => 0,
        })
        .sum();
    tokens_for(chars) + 4 * messages.len() as u64
}

/// A rough token count for `chars` characters of text.
pub fn tokens_for(chars: usize) -> u64 {
    (chars as u64).div_ceil(4)
}
