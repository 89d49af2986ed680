//! `POST /api/v1/chat/completions`: picks the scenario and writes the reply in the real wire format.

use std::time::Duration;

use axum::extract::{Extension, State as AxumState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{json, Value};

use super::auth::{self, Caller};
use super::body::Plan;
use super::chunks::{Generation, Usage};
use super::errors::{self, ErrorReply};
use super::fixtures;
use super::replies::{self, Ending};
use super::request;
use super::routes::RequestId;
use super::scenario::Scenario;
use super::state::{ServedGeneration, State};

pub async fn chat_completions(
    AxumState(state): AxumState<State>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match auth::caller(&headers) {
        Caller::Anonymous => return ErrorReply::no_credentials().into_response(),
        Caller::Rejected => return ErrorReply::user_not_found().into_response(),
        Caller::Key { .. } => {}
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => return bad_request("Request body must be a JSON object"),
        Err(e) => return bad_request(&format!("Invalid JSON in request body: {e}")),
    };
    let scenario = pick_scenario(&state, &request);
    state.update_request(request_id, |r| {
        r.scenario = Some(scenario.name().to_owned())
    });
    if state.config.log_requests {
        eprintln!(
            "mock-openrouter: chat model={} stream={} scenario={scenario:?}",
            request::model(&request),
            request::wants_stream(&request)
        );
    }
    let turn = Turn::new(&state, request_id, &request);
    match turn.reply(&scenario) {
        Reply::Body {
            content_type,
            plan,
            generation_id,
        } => body_response(state, request_id, content_type, plan, generation_id),
        Reply::Error(error) => error.into_response(),
    }
}

fn bad_request(message: &str) -> Response {
    ErrorReply::new(StatusCode::BAD_REQUEST, message).into_response()
}

/// Queued scenario first, then a `/mock` command in the prompt, then the configured default.
fn pick_scenario(state: &State, request: &Value) -> Scenario {
    if let Some(queued) = state.pop_scenario() {
        return queued;
    }
    match Scenario::from_prompt(&request::last_user_text(request)) {
        Some(Ok(scenario)) => scenario,
        Some(Err(problem)) => Scenario::Reply {
            text: format!("**mock-openrouter:** {problem}"),
        },
        None => state.config.default_scenario.clone(),
    }
}

/// What to send.
enum Reply {
    Body {
        content_type: &'static str,
        plan: Plan,
        generation_id: Option<String>,
    },
    Error(ErrorReply),
}

const SSE: &str = "text/event-stream";
const JSON: &str = "application/json";

fn body_response(
    state: State,
    request_id: u64,
    content_type: &'static str,
    plan: Plan,
    generation_id: Option<String>,
) -> Response {
    let mut response = Response::new(plan.into_body(state, request_id));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if content_type == SSE {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if let Some(id) = generation_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert("x-generation-id", id);
    }
    response
}

/// One chat request being answered.
struct Turn<'a> {
    state: &'a State,
    request_id: u64,
    request: &'a Value,
    stream: bool,
    generation: Generation,
    delay: Duration,
}

impl<'a> Turn<'a> {
    fn new(state: &'a State, request_id: u64, request: &'a Value) -> Self {
        Self {
            state,
            request_id,
            request,
            stream: request::wants_stream(request),
            generation: Generation::new(&request::model(request)),
            delay: state.config.chunk_delay,
        }
    }

    fn prompt(&self) -> String {
        request::last_user_text(self.request)
    }

    /// The reply's usage, remembered for `/generation`.
    fn usage(&self, completion_chars: usize, reasoning_tokens: u64, finish: Option<&str>) -> Usage {
        let prompt_tokens = request::prompt_tokens(self.request);
        let completion_tokens = request::tokens_for(completion_chars) + reasoning_tokens;
        let usage = Usage::new(prompt_tokens, completion_tokens, reasoning_tokens);
        self.state.record_generation(
            &self.generation.id,
            ServedGeneration {
                request_id: self.request_id,
                model: self.generation.model.clone(),
                provider: self.generation.provider.clone(),
                streamed: self.stream,
                prompt_tokens,
                completion_tokens,
                reasoning_tokens,
                cost: usage.cost,
                finish_reason: finish.map(str::to_owned),
                cancelled: false,
            },
        );
        usage
    }

    fn sse(&self, plan: Plan) -> Reply {
        Reply::Body {
            content_type: SSE,
            plan,
            generation_id: Some(self.generation.id.clone()),
        }
    }

    fn json(&self, plan: Plan) -> Reply {
        Reply::Body {
            content_type: JSON,
            plan,
            generation_id: Some(self.generation.id.clone()),
        }
    }

    /// A whole non-streamed body: once it is handed over, the generation is complete.
    fn json_text(&self, text: String) -> Reply {
        let mut plan = Plan::new();
        plan.raw(text).finished();
        self.json(plan)
    }

    /// A plain text reply streamed in `pieces`, `delay` apart (non-streamed: the whole wait, then the result).
    fn text(&self, text: &str, pieces: &[String], delay: Duration) -> Reply {
        let usage = self.usage(text.len(), 0, Some("stop"));
        if self.stream {
            return self.sse(replies::text_stream(
                &self.generation,
                pieces,
                delay,
                &usage,
                Ending::Done,
            ));
        }
        let mut plan = Plan::new();
        let waited = delay.saturating_mul(u32::try_from(pieces.len()).unwrap_or(u32::MAX));
        plan.pause(waited)
            .raw(
                self.generation
                    .result(replies::text_message(text), "stop", &usage),
            )
            .finished();
        self.json(plan)
    }

    fn reply(&self, scenario: &Scenario) -> Reply {
        let generation = &self.generation;
        match scenario {
            Scenario::Default => {
                let text = replies::default_markdown(&self.prompt());
                self.text(&text, &replies::word_pieces(&text, 2), self.delay)
            }
            Scenario::Reply { text } => self.text(text, &replies::word_pieces(text, 2), self.delay),
            Scenario::Slow { chunks, delay_ms } => {
                let pieces = replies::slow_pieces(*chunks);
                self.text(&pieces.concat(), &pieces, Duration::from_millis(*delay_ms))
            }
            Scenario::Huge {
                bytes,
                single_event,
            } => {
                let text = replies::huge_text(*bytes);
                let pieces = if *single_event {
                    vec![text.clone()]
                } else {
                    replies::byte_pieces(&text, 1024)
                };
                self.text(&text, &pieces, Duration::ZERO)
            }
            Scenario::Reasoning => {
                let reasoning = replies::reasoning_text(&self.prompt());
                let answer = replies::REASONED_ANSWER;
                let usage = self.usage(
                    answer.len(),
                    request::tokens_for(reasoning.len()),
                    Some("stop"),
                );
                if self.stream {
                    self.sse(replies::reasoning_stream(
                        generation, &reasoning, answer, self.delay, &usage,
                    ))
                } else {
                    let message = replies::reasoning_message(&reasoning, answer);
                    self.json_text(generation.result(message, "stop", &usage))
                }
            }
            Scenario::ToolCalls => {
                let usage = self.usage(40, 0, Some("tool_calls"));
                if self.stream {
                    self.sse(replies::tool_call_stream(generation, self.delay, &usage))
                } else {
                    self.json_text(generation.result(
                        replies::tool_call_message(),
                        "tool_calls",
                        &usage,
                    ))
                }
            }
            Scenario::MidStreamError { code, message } => {
                let partial = replies::PARTIAL_BEFORE_ERROR;
                let usage = self.usage(partial.len(), 0, Some("error"));
                if self.stream {
                    let pieces = replies::word_pieces(partial, 2);
                    let mut plan =
                        replies::text_stream(generation, &pieces, self.delay, &usage, Ending::Open);
                    plan.event(&generation.error_chunk(*code, message, &usage))
                        .finished()
                        .done();
                    self.sse(plan)
                } else {
                    // Non-streamed, a provider error after generation started is a choice with an `error`.
                    let choice = json!({
                        "index": 0,
                        "finish_reason": "error",
                        "native_finish_reason": "error",
                        "logprobs": null,
                        "message": replies::text_message(partial),
                        "error": {"code": code, "message": message, "metadata": {"error_type": "server"}}
                    });
                    self.json_text(generation.result_with_choice(choice, &usage))
                }
            }
            Scenario::Drop { after_chunks } => {
                let pieces = replies::partial_pieces(*after_chunks);
                let usage = self.usage(pieces.concat().len(), 0, None);
                if self.stream {
                    let mut plan =
                        replies::text_stream(generation, &pieces, self.delay, &usage, Ending::Open);
                    plan.cut();
                    self.sse(plan)
                } else {
                    let full =
                        generation.result(replies::text_message(&pieces.concat()), "stop", &usage);
                    let mut plan = Plan::new();
                    plan.raw(full[..full.len() / 2].to_owned()).cut();
                    self.json(plan)
                }
            }
            Scenario::NoDone => {
                let text = replies::default_markdown(&self.prompt());
                let usage = self.usage(text.len(), 0, Some("stop"));
                if self.stream {
                    let pieces = replies::word_pieces(&text, 2);
                    self.sse(replies::text_stream(
                        generation,
                        &pieces,
                        self.delay,
                        &usage,
                        Ending::UsageWithoutDone,
                    ))
                } else {
                    self.json_text(generation.result(replies::text_message(&text), "stop", &usage))
                }
            }
            Scenario::InvalidJson => self.invalid_json(),
            Scenario::Empty => {
                let usage = self.usage(0, 0, Some("stop"));
                if self.stream {
                    self.sse(replies::text_stream(
                        generation,
                        &[],
                        self.delay,
                        &usage,
                        Ending::Done,
                    ))
                } else {
                    self.json_text(generation.result(replies::text_message(""), "stop", &usage))
                }
            }
            Scenario::HttpError {
                status,
                retry_after,
                variant,
            } => Reply::Error(errors::chat_error(
                *status,
                *retry_after,
                *variant,
                self.request,
            )),
            Scenario::Replay {
                fixture,
                chunk_size,
                crlf,
            } => replay(fixture, *chunk_size, *crlf),
        }
    }

    /// One valid chunk, a `data:` line cut off mid-JSON, then a normal ending.
    fn invalid_json(&self) -> Reply {
        let generation = &self.generation;
        let usage = self.usage(13, 0, Some("stop"));
        if !self.stream {
            return self.json_text(format!(
                "{{\"id\":\"{}\",\"choices\":[{{\"message\":",
                generation.id
            ));
        }
        let mut plan = Plan::new();
        plan.comment(replies::PROCESSING)
            .event(&generation.chunk(json!({"role": "assistant", "content": "Before "}), None))
            .progress(replies::share(usage.completion_tokens, 7, 13), 0)
            .raw(format!(
                "data: {{\"id\":\"{}\",\"choices\":[{{\"delta\":{{\"content\":\"broken\n\n",
                generation.id
            ))
            .event(&generation.chunk(json!({"role": "assistant", "content": "after."}), None))
            .progress(usage.completion_tokens, 0)
            .event(&generation.chunk(json!({"role": "assistant", "content": ""}), Some("stop")))
            .event(&generation.usage_chunk(&usage))
            .finished()
            .done();
        self.sse(plan)
    }
}

/// A recorded body as is (whatever `stream` said), optionally re-chunked or with CRLF line ends. No
/// `X-Generation-Id`: the ids inside the recording are the real ones.
fn replay(fixture: &str, chunk_size: Option<usize>, crlf: bool) -> Reply {
    let found = match fixtures::find_sse(fixture) {
        Ok(found) => found,
        Err(problem) => {
            return Reply::Error(ErrorReply::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("mock: {problem}"),
            ))
        }
    };
    let body = if crlf {
        replies::to_crlf(found.body)
    } else {
        found.body.to_vec()
    };
    let mut plan = Plan::new();
    match chunk_size {
        Some(size) if size > 0 => {
            for piece in body.chunks(size) {
                plan.raw(Bytes::copy_from_slice(piece));
            }
        }
        _ => {
            plan.raw(body);
        }
    }
    Reply::Body {
        content_type: SSE,
        plan,
        generation_id: None,
    }
}
