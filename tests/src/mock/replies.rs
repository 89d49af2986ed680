//! The content of generated replies and the order of their stream events, modelled on the recorded captures.

use std::time::Duration;

use serde_json::{json, Value};

use super::body::Plan;
use super::chunks::{random_alnum, Generation, Usage};

/// The keep-alive comment OpenRouter sends while waiting for the provider.
pub const PROCESSING: &str = "OPENROUTER PROCESSING";

/// How a generated text stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Finish chunk, usage chunk, `[DONE]`.
    Done,
    /// Finish chunk and usage chunk, but the body ends without `[DONE]`.
    UsageWithoutDone,
    /// Nothing after the content (the caller appends its own ending).
    Open,
}

/// `tokens` scaled by `sent / total` (rounded down; all of them once everything is sent): the tokens a stopped
/// reply is billed for.
pub fn share(tokens: u64, sent: usize, total: usize) -> u64 {
    if sent >= total {
        return tokens;
    }
    let scaled = u128::from(tokens) * sent as u128 / total as u128;
    u64::try_from(scaled).unwrap_or(tokens)
}

/// `: OPENROUTER PROCESSING`, an empty first delta, one chunk per piece (`delay` apart), then the ending. After
/// each piece, the share of `usage`'s completion tokens sent so far (by bytes) is marked for billing a stop.
pub fn text_stream(
    generation: &Generation,
    pieces: &[String],
    delay: Duration,
    usage: &Usage,
    ending: Ending,
) -> Plan {
    let mut plan = Plan::new();
    plan.comment(PROCESSING)
        .event(&generation.chunk(content_delta(""), None));
    let total: usize = pieces.iter().map(String::len).sum();
    let mut sent = 0;
    for piece in pieces {
        sent += piece.len();
        plan.pause(delay)
            .event(&generation.chunk(content_delta(piece), None))
            .progress(share(usage.completion_tokens, sent, total), 0);
    }
    if ending != Ending::Open {
        plan.pause(delay)
            .event(&generation.chunk(content_delta(""), Some("stop")))
            .event(&generation.usage_chunk(usage))
            .finished();
        if ending == Ending::Done {
            plan.done();
        }
    }
    plan
}

fn content_delta(content: &str) -> Value {
    json!({"role": "assistant", "content": content})
}

/// The assistant message of a non-streamed text reply.
pub fn text_message(text: &str) -> Value {
    json!({"role": "assistant", "content": text, "reasoning": null, "refusal": null})
}

/// The default reply: markdown with a heading, a list and a fenced code block, quoting the prompt.
pub fn default_markdown(prompt: &str) -> String {
    let prompt = if prompt.trim().is_empty() {
        "(an empty message)"
    } else {
        prompt
    };
    format!(
        "This is the **mock OpenRouter server**. You wrote: {prompt}\n\n\
         ## A short example\n\n\
         Streaming replies arrive in small chunks:\n\n\
         - the first chunk sets the role\n\
         - the last chunk carries `usage` with `cost`\n\n\
         ```rust\n\
         fn main() {{\n    println!(\"Hello from the mock\");\n}}\n\
         ```\n\n\
         That is all for now."
    )
}

/// The `slow` scenario's pieces: `Slow chunk i of n. `
pub fn slow_pieces(chunks: usize) -> Vec<String> {
    (1..=chunks)
        .map(|i| format!("Slow chunk {i} of {chunks}. "))
        .collect()
}

/// The `drop` scenario's pieces: `Partial chunk i. `
pub fn partial_pieces(chunks: usize) -> Vec<String> {
    (1..=chunks)
        .map(|i| format!("Partial chunk {i}. "))
        .collect()
}

/// What the `mid_stream_error` scenario says before failing.
pub const PARTIAL_BEFORE_ERROR: &str = "Here is the beginning of an answer that will not";

/// Splits `text` after every `words` words; the pieces concatenate back to `text`.
pub fn word_pieces(text: &str, words: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut count = 0;
    for word in text.split_inclusive([' ', '\n']) {
        current.push_str(word);
        count += 1;
        if count >= words.max(1) {
            pieces.push(std::mem::take(&mut current));
            count = 0;
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Splits `text` into pieces of about `size` bytes without cutting a UTF-8 character.
pub fn byte_pieces(text: &str, size: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = size.clamp(1, rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece.to_owned());
        rest = tail;
    }
    pieces
}

/// Exactly `bytes` bytes of numbered lines.
pub fn huge_text(bytes: usize) -> String {
    let tag = random_alnum(6);
    let mut text = String::with_capacity(bytes + 128);
    let mut line = 0u64;
    while text.len() < bytes {
        line += 1;
        text.push_str(&format!(
            "Line {line} of a very long mock reply ({tag}): the quick brown fox jumps over the lazy dog.\n"
        ));
    }
    text.truncate(bytes);
    text
}

const SIGNATURE: &str =
    "EqQBCkgIChACGAIqQMockSignatureOnlyForTestsAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
const REASONING_FORMAT: &str = "anthropic-claude-v1";

/// The `reasoning` scenario's answer after its reasoning.
pub const REASONED_ANSWER: &str = "Four. Here it is in code:\n\n```python\nprint(2 + 2)\n```\n";

pub fn reasoning_text(prompt: &str) -> String {
    let topic: String = prompt.chars().take(60).collect();
    format!(
        "The user asks: \"{topic}\". This is a simple question. 2 + 2 equals 4. \
         I will answer briefly and show it in code."
    )
}

/// As in the recorded Claude capture: reasoning deltas with `reasoning_details`, a late fragment carrying only
/// the signature, then content.
pub fn reasoning_stream(
    generation: &Generation,
    reasoning: &str,
    answer: &str,
    delay: Duration,
    usage: &Usage,
) -> Plan {
    let reasoning_tokens = usage.reasoning_tokens();
    let answer_tokens = usage.completion_tokens.saturating_sub(reasoning_tokens);
    let mut plan = Plan::new();
    plan.comment(PROCESSING)
        .event(&generation.chunk(reasoning_delta("", None, json!([])), None));
    let mut sent = 0;
    for piece in word_pieces(reasoning, 3) {
        sent += piece.len();
        let thought = share(reasoning_tokens, sent, reasoning.len());
        let detail = json!([{"type": "reasoning.text", "text": piece, "format": REASONING_FORMAT, "index": 0}]);
        plan.pause(delay)
            .event(&generation.chunk(reasoning_delta("", Some(&piece), detail), None))
            .progress(thought, thought);
    }
    let signature = json!([{"type": "reasoning.text", "signature": SIGNATURE, "format": REASONING_FORMAT, "index": 0}]);
    plan.comment(PROCESSING)
        .event(&generation.chunk(reasoning_delta("", None, signature), None));
    let mut sent = 0;
    for piece in word_pieces(answer, 2) {
        sent += piece.len();
        let said = share(answer_tokens, sent, answer.len());
        plan.pause(delay)
            .event(&generation.chunk(reasoning_delta(&piece, None, json!([])), None))
            .progress(reasoning_tokens + said, reasoning_tokens);
    }
    plan.event(&generation.chunk(reasoning_delta("", None, json!([])), Some("stop")))
        .event(&generation.usage_chunk(usage))
        .finished()
        .done();
    plan
}

fn reasoning_delta(content: &str, reasoning: Option<&str>, details: Value) -> Value {
    json!({"role": "assistant", "content": content, "reasoning": reasoning, "reasoning_details": details})
}

/// The assistant message of a non-streamed reasoning reply.
pub fn reasoning_message(reasoning: &str, answer: &str) -> Value {
    json!({
        "role": "assistant",
        "content": answer,
        "reasoning": reasoning,
        "reasoning_details": [{
            "type": "reasoning.text", "text": reasoning, "signature": SIGNATURE, "format": REASONING_FORMAT, "index": 0
        }],
        "refusal": null
    })
}

/// Two parallel calls: (id, name, argument fragments).
const TOOL_CALLS: &[(&str, &str, &[&str])] = &[
    (
        "call_mockWeather0000000000001",
        "get_weather",
        &["{\"ci", "ty\": \"Par", "is\"}"],
    ),
    (
        "call_mockTime000000000000002",
        "get_time",
        &["", "{\"timezone\": ", "\"Europe/Paris\"}"],
    ),
];

/// As in the recorded OpenAI capture: `id`, `type` and `name` on each call's first fragment, then argument
/// fragments per `index`, `content: null` meanwhile, `finish_reason: "tool_calls"`.
pub fn tool_call_stream(generation: &Generation, delay: Duration, usage: &Usage) -> Plan {
    let mut plan = Plan::new();
    plan.comment(PROCESSING);
    let total: usize = TOOL_CALLS.iter().map(|(_, _, f)| f.len()).sum();
    let mut sent = 0;
    for (index, (id, name, fragments)) in TOOL_CALLS.iter().enumerate() {
        for (n, fragment) in fragments.iter().enumerate() {
            sent += 1;
            let call = if n == 0 {
                json!({"index": index, "id": id, "type": "function", "function": {"name": name, "arguments": fragment}})
            } else {
                json!({"index": index, "function": {"arguments": fragment}, "type": "function"})
            };
            let delta = json!({"role": "assistant", "content": null, "tool_calls": [call]});
            plan.pause(delay)
                .event(&generation.chunk(delta, None))
                .progress(share(usage.completion_tokens, sent, total), 0);
        }
    }
    plan.event(&generation.chunk(content_delta(""), Some("tool_calls")))
        .event(&generation.usage_chunk(usage))
        .finished()
        .done();
    plan
}

/// The assistant message of a non-streamed tool-call reply.
pub fn tool_call_message() -> Value {
    let calls: Vec<Value> = TOOL_CALLS
        .iter()
        .enumerate()
        .map(|(index, (id, name, fragments))| {
            json!({"id": id, "index": index, "type": "function",
                   "function": {"name": name, "arguments": fragments.concat()}})
        })
        .collect();
    json!({"role": "assistant", "content": "", "reasoning": null, "refusal": null, "tool_calls": calls})
}

/// Every `\n` preceded by `\r`.
pub fn to_crlf(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 8);
    for &byte in body {
        if byte == b'\n' {
            out.push(b'\r');
        }
        out.push(byte);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_concatenate_back_to_the_text() {
        let text = "héllo wörld, ünïcode 🎉 text\nwith lines";
        assert_eq!(word_pieces(text, 2).concat(), text);
        for size in 1..8 {
            let pieces = byte_pieces(text, size);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|p| !p.is_empty()));
        }
        assert_eq!(huge_text(1000).len(), 1000);
    }

    #[test]
    fn share_scales_down_and_ends_at_the_whole() {
        assert_eq!(share(100, 0, 50), 0);
        assert_eq!(share(100, 25, 50), 50);
        assert_eq!(share(100, 49, 50), 98);
        assert_eq!(share(100, 50, 50), 100);
        assert_eq!(share(7, 0, 0), 7);
    }
}
