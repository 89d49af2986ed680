//! Turns the bytes of a streamed chat completion into typed events.
//!
//! SSE framing (comments, CR/LF variants, chunks split anywhere, multi-line data) is `sse-stream`'s
//! job; this module applies OpenRouter's rules on top (OPENROUTER_API.md §2.5): `[DONE]` ends the
//! stream, usage comes once near the end with or without choices, a top-level `error` can arrive inside
//! a 200 stream, reasoning is kept apart from content, and a stream that stops without `[DONE]` broke.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sse_stream::SseByteStream;

use super::error::ApiError;
use super::types::{ErrorObject, StreamChunk, Usage};

/// Most bytes we accept without a complete event: a hostile or broken upstream must not make the
/// app buffer without bound. Real events are at most a few MB (an image data URL).
pub const MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// One thing that happened in a streamed reply.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// Who is answering; sent once, with the first chunk that names them.
    Meta {
        generation_id: Option<String>,
        model: Option<String>,
        provider: Option<String>,
    },
    /// New text. Either part may be empty.
    Delta {
        content: String,
        reasoning: String,
    },
    /// A tool call, complete (arguments concatenated over its fragments).
    ToolCall {
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    Usage(Usage),
    /// The stream ended properly (`[DONE]`).
    Finished {
        finish_reason: Option<String>,
        native_finish_reason: Option<String>,
    },
}

#[derive(Debug, Default)]
struct ToolCallParts {
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

/// Applies OpenRouter's chunk rules to the `data:` payloads of one stream.
#[derive(Debug, Default)]
pub struct ChunkDecoder {
    meta_sent: bool,
    finish_reason: Option<String>,
    native_finish_reason: Option<String>,
    tool_calls: Vec<ToolCallParts>,
    produced_output: bool,
    done: bool,
}

impl ChunkDecoder {
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes one `data:` payload into the events it carries, in order. An error ends the stream.
    pub fn decode(&mut self, data: &str) -> Vec<Result<ChatEvent, ApiError>> {
        let mut out = Vec::new();
        if self.done {
            return out;
        }
        if data.trim() == "[DONE]" {
            self.finish(&mut out);
            return out;
        }
        let chunk: StreamChunk = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(e) => {
                self.done = true;
                out.push(Err(ApiError::Decode(format!(
                    "a stream chunk was not valid JSON ({e})"
                ))));
                return out;
            }
        };
        self.push_meta(&chunk, &mut out);
        let mut failure: Option<ErrorObject> = chunk.error.clone();
        for choice in &chunk.choices {
            if let Some(delta) = &choice.delta {
                let content = delta.content.clone().unwrap_or_default();
                let reasoning = delta.reasoning.clone().unwrap_or_default();
                if !content.is_empty() || !reasoning.is_empty() {
                    self.produced_output = true;
                    out.push(Ok(ChatEvent::Delta { content, reasoning }));
                }
                for call in delta.tool_calls.iter().flatten() {
                    self.add_tool_fragment(call);
                }
            }
            // The usage chunk repeats `finish_reason: null`; it must not erase the real one.
            if choice.finish_reason.is_some() {
                self.finish_reason = choice.finish_reason.clone();
                self.native_finish_reason = choice.native_finish_reason.clone();
            }
            if failure.is_none() && choice.finish_reason.as_deref() == Some("error") {
                failure = Some(choice.error.clone().unwrap_or_else(|| ErrorObject {
                    code: None,
                    message: "The provider reported an error during the reply.".into(),
                    metadata: None,
                    availability: None,
                }));
            }
        }
        if let Some(usage) = chunk.usage {
            out.push(Ok(ChatEvent::Usage(usage)));
        }
        if let Some(error) = failure {
            self.done = true;
            out.push(Err(ApiError::InStream(Box::new(error))));
        }
        out
    }

    fn push_meta(&mut self, chunk: &StreamChunk, out: &mut Vec<Result<ChatEvent, ApiError>>) {
        if self.meta_sent || (chunk.model.is_none() && chunk.provider.is_none()) {
            return;
        }
        self.meta_sent = true;
        out.push(Ok(ChatEvent::Meta {
            generation_id: chunk.id.clone(),
            model: chunk.model.clone(),
            provider: chunk.provider.clone(),
        }));
    }

    fn add_tool_fragment(&mut self, call: &super::types::ToolCallDelta) {
        let index = call.index.unwrap_or(0) as usize;
        // Indexes come from the network: cap them rather than allocate whatever a chunk claims.
        if index > 255 {
            return;
        }
        if self.tool_calls.len() <= index {
            self.tool_calls
                .resize_with(index + 1, ToolCallParts::default);
        }
        let parts = &mut self.tool_calls[index];
        if call.id.is_some() {
            parts.id = call.id.clone();
        }
        if let Some(function) = &call.function {
            if function.name.is_some() {
                parts.name = function.name.clone();
            }
            parts
                .arguments
                .push_str(function.arguments.as_deref().unwrap_or(""));
        }
        self.produced_output = true;
    }

    fn finish(&mut self, out: &mut Vec<Result<ChatEvent, ApiError>>) {
        self.done = true;
        for call in self.tool_calls.drain(..) {
            // Providers send "" for tools without arguments; "{}" is what they mean.
            let arguments = if call.arguments.trim().is_empty() {
                "{}".to_owned()
            } else {
                call.arguments
            };
            out.push(Ok(ChatEvent::ToolCall {
                id: call.id,
                name: call.name,
                arguments,
            }));
        }
        if self.native_finish_reason.as_deref() == Some("network_error") {
            out.push(Err(ApiError::StreamBroken(
                "the provider's connection failed".into(),
            )));
            return;
        }
        if !self.produced_output {
            out.push(Err(ApiError::EmptyReply));
            return;
        }
        out.push(Ok(ChatEvent::Finished {
            finish_reason: self.finish_reason.clone(),
            native_finish_reason: self.native_finish_reason.clone(),
        }));
    }
}

/// Decodes a byte stream (an HTTP body) into chat events. The stream ends after `[DONE]` or after the
/// first error; a body that ends before `[DONE]` yields `ApiError::StreamBroken`.
pub fn chat_events<S>(bytes: S) -> impl Stream<Item = Result<ChatEvent, ApiError>> + Send
where
    S: Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
{
    let since_event = Arc::new(AtomicUsize::new(0));
    let counter = since_event.clone();
    let guarded = bytes.map(move |item| {
        let chunk = item.map_err(BodyError::Http)?;
        if counter.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len() > MAX_EVENT_BYTES {
            return Err(BodyError::TooLarge);
        }
        Ok(chunk)
    });
    let state = DecodeState {
        sse: Box::pin(SseByteStream::new(guarded)),
        decoder: ChunkDecoder::default(),
        queue: VecDeque::new(),
        since_event,
        ended: false,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        let item = state.next_item().await?;
        Some((item, state))
    })
}

#[derive(Debug, thiserror::Error)]
enum BodyError {
    #[error(transparent)]
    Http(reqwest::Error),
    #[error("a single stream event was larger than {MAX_EVENT_BYTES} bytes")]
    TooLarge,
}

type SseStream =
    std::pin::Pin<Box<dyn Stream<Item = Result<sse_stream::Sse, sse_stream::Error>> + Send>>;

struct DecodeState {
    sse: SseStream,
    decoder: ChunkDecoder,
    queue: VecDeque<Result<ChatEvent, ApiError>>,
    since_event: Arc<AtomicUsize>,
    ended: bool,
}

impl DecodeState {
    async fn next_item(&mut self) -> Option<Result<ChatEvent, ApiError>> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                if item.is_err() {
                    self.ended = true;
                    self.queue.clear();
                }
                return Some(item);
            }
            if self.ended || self.decoder.is_done() {
                return None;
            }
            match self.sse.next().await {
                Some(Ok(event)) => {
                    self.since_event.store(0, Ordering::Relaxed);
                    if let Some(data) = event.data {
                        self.queue.extend(self.decoder.decode(&data));
                    }
                }
                Some(Err(e)) => {
                    self.ended = true;
                    return Some(Err(body_error(e)));
                }
                None => {
                    self.ended = true;
                    return Some(Err(ApiError::StreamBroken(
                        "the connection closed before the reply was complete".into(),
                    )));
                }
            }
        }
    }
}

fn body_error(err: sse_stream::Error) -> ApiError {
    match err {
        sse_stream::Error::Body(inner) => match inner.downcast::<BodyError>() {
            Ok(body) => match *body {
                BodyError::Http(e) if e.is_timeout() => ApiError::Timeout,
                BodyError::Http(e) => ApiError::StreamBroken(e.to_string()),
                BodyError::TooLarge => ApiError::Decode(BodyError::TooLarge.to_string()),
            },
            Err(other) => ApiError::StreamBroken(other.to_string()),
        },
        other => ApiError::Decode(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
