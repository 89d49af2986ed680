//! The default chat reply: streamed and not, in the shape of the recorded captures.

mod common;

use std::collections::BTreeSet;

use acceptance::mock::{self, Scenario};
use common::{
    chat_body, post_chat, read_fixture, read_fixture_json, sse_events, sse_json, streamed_text,
    SseEvent, KEY,
};
use serde_json::{json, Value};

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The recorded usage object of a 2025-12 streamed reply (every sub-field present).
fn recorded_usage() -> Value {
    let body =
        read_fixture("pydantic-ai-cassettes/test_openrouter_streaming_reasoning/00-response.sse");
    let chunks = sse_json(&String::from_utf8_lossy(&body));
    chunks
        .iter()
        .rev()
        .find_map(|c| c.get("usage").cloned())
        .expect("recorded usage")
}

#[tokio::test]
async fn default_stream_has_the_real_shape() {
    let server = mock::start().await;
    let response = post_chat(
        &server.base_url(),
        &chat_body("What is a monad, in one line?", true),
    )
    .await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(content_type, "text/event-stream");
    let header_id = response.headers()["x-generation-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body = response.text().await.expect("body");

    let events = sse_events(&body);
    assert_eq!(
        events.first(),
        Some(&SseEvent::Comment("OPENROUTER PROCESSING".into()))
    );
    assert_eq!(events.last(), Some(&SseEvent::Data("[DONE]".into())));
    let chunks = sse_json(&body);
    assert!(chunks.len() > 10, "only {} chunks", chunks.len());

    let recorded = sse_json(&String::from_utf8_lossy(&read_fixture(
        "llm-openrouter-cassettes-2025-08-chat-completions/test_prompt/01-response.sse",
    )));
    let recorded_keys = keys(&recorded[1]);
    let id = chunks[0]["id"].as_str().expect("id");
    assert_eq!(id, header_id);
    let mut parts = id.splitn(3, '-');
    assert_eq!(parts.next(), Some("gen"));
    assert!(
        parts.next().is_some_and(|t| t.parse::<u64>().is_ok()),
        "{id}"
    );
    assert!(parts.next().is_some_and(|r| r.len() == 20), "{id}");
    for chunk in &chunks {
        assert_eq!(chunk["id"], id);
        assert_eq!(chunk["model"], "openai/gpt-4o");
        assert_eq!(chunk["provider"], "OpenAI");
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert!(chunk["created"].is_u64());
        assert_eq!(chunk["choices"][0]["delta"]["role"], "assistant");
        let chunk_keys = keys(chunk);
        let missing: Vec<_> = recorded_keys
            .difference(&chunk_keys)
            .filter(|k| *k != "system_fingerprint")
            .collect();
        assert!(
            missing.is_empty(),
            "chunk lacks recorded fields {missing:?}"
        );
        assert_eq!(keys(&chunk["choices"][0]), keys(&recorded[1]["choices"][0]));
    }
    let text = streamed_text(&chunks);
    assert!(text.contains("What is a monad, in one line?"), "{text}");
    assert!(text.contains("```rust\n"), "{text}");
    assert_eq!(
        text,
        mock::default_markdown("What is a monad, in one line?")
    );

    // finish_reason on the last content chunk, usage alone in the last chunk, as recorded.
    let (usage_chunk, rest) = chunks.split_last().expect("chunks");
    assert_eq!(
        rest.last().map(|c| &c["choices"][0]["finish_reason"]),
        Some(&json!("stop"))
    );
    assert_eq!(usage_chunk["choices"][0]["finish_reason"], Value::Null);
    assert!(rest.iter().all(|c| c.get("usage").is_none()));
    let usage = &usage_chunk["usage"];
    assert!(usage["cost"].as_f64().is_some_and(|c| c > 0.0), "{usage}");
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(
            usage["prompt_tokens"].as_u64().unwrap_or(0)
                + usage["completion_tokens"].as_u64().unwrap_or(0)
        )
    );
    assert_eq!(keys(usage), keys(&recorded_usage()));
    for detail in [
        "prompt_tokens_details",
        "cost_details",
        "completion_tokens_details",
    ] {
        assert_eq!(
            keys(&usage[detail]),
            keys(&recorded_usage()[detail]),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn default_non_streamed_reply_is_a_chat_result() {
    let server = mock::start().await;
    let response = post_chat(&server.base_url(), &chat_body("Tell me about Rust", false)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let result: Value = response.json().await.expect("json");
    let recorded =
        read_fixture_json("pydantic-ai-cassettes/test_openrouter_tool_calling/00-response.json");
    let missing: Vec<_> = keys(&recorded)
        .difference(&keys(&result))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "ChatResult lacks recorded fields {missing:?}"
    );
    let missing: Vec<_> = keys(&recorded["choices"][0])
        .difference(&keys(&result["choices"][0]))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "choice lacks recorded fields {missing:?}"
    );
    assert_eq!(result["object"], "chat.completion");
    assert_eq!(result["system_fingerprint"], Value::Null);
    assert_eq!(result["choices"][0]["finish_reason"], "stop");
    assert_eq!(result["choices"][0]["message"]["role"], "assistant");
    assert_eq!(
        result["choices"][0]["message"]["content"],
        mock::default_markdown("Tell me about Rust")
    );
    assert!(result["usage"]["cost"].as_f64().is_some_and(|c| c > 0.0));
}

#[tokio::test]
async fn the_reply_echoes_the_requested_model() {
    let server = mock::start().await;
    let base = server.base_url();
    let mut body = chat_body("x", false);
    body["model"] = json!("anthropic/claude-sonnet-4.5");
    let result: Value = post_chat(&base, &body).await.json().await.expect("json");
    assert_eq!(
        (result["model"].as_str(), result["provider"].as_str()),
        (Some("anthropic/claude-sonnet-4.5"), Some("Anthropic"))
    );
    let body = json!({"models": ["mistralai/mistral-small", "openai/gpt-4o"], "messages": [{"role": "user", "content": "x"}]});
    let result: Value = post_chat(&base, &body).await.json().await.expect("json");
    assert_eq!(result["model"], "mistralai/mistral-small");
}

#[tokio::test]
async fn the_prompt_can_be_array_content() {
    let server = mock::start().await;
    let body = json!({
        "model": "openai/gpt-4o",
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "Describe this picture"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
        ]}]
    });
    let result: Value = post_chat(&server.base_url(), &body)
        .await
        .json()
        .await
        .expect("json");
    assert!(result["choices"][0]["message"]["content"]
        .as_str()
        .is_some_and(|t| t.contains("Describe this picture")));
}

#[tokio::test]
async fn chat_needs_a_valid_key_and_json() {
    let server = mock::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    let client = common::client();
    let response = client
        .post(&url)
        .json(&chat_body("x", true))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.ok(),
        Some(json!({"error": {"code": 401, "message": "No cookie auth credentials found"}}))
    );
    let response = client
        .post(&url)
        .bearer_auth(common::BAD_KEY)
        .json(&chat_body("x", true))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.ok(),
        Some(json!({"error": {"code": 401, "message": "User not found."}}))
    );
    let response = client
        .post(&url)
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json error");
    assert_eq!(body["error"]["code"], 400);
    // Rejected requests do not consume a queued scenario.
    server.push_scenario(Scenario::Empty);
    let _ = client
        .post(&url)
        .json(&chat_body("x", true))
        .send()
        .await
        .expect("send");
    assert_eq!(server.queued(), vec![Scenario::Empty]);
}

#[tokio::test]
async fn a_mock_command_in_the_prompt_picks_the_scenario() {
    let server = mock::start().await;
    let base = server.base_url();

    let response = post_chat(
        &base,
        &chat_body("/mock http_error 429 retry_after=7", true),
    )
    .await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");

    let response = post_chat(&base, &chat_body("/mock replay test_tool_calls/01", true)).await;
    let body = response.bytes().await.expect("body");
    assert_eq!(
        &body[..],
        &read_fixture(
            "llm-openrouter-cassettes-2025-08-chat-completions/test_tool_calls/01-response.sse"
        )[..]
    );

    let text = streamed_text(&sse_json(
        &post_chat(&base, &chat_body("/mock slow 3 delay_ms=1", true))
            .await
            .text()
            .await
            .expect("body"),
    ));
    assert_eq!(
        text,
        "Slow chunk 1 of 3. Slow chunk 2 of 3. Slow chunk 3 of 3. "
    );

    let reply = "# Title\n\n<img src=x onerror=alert(1)>\n\n[link](javascript:alert(1))";
    let text = streamed_text(&sse_json(
        &post_chat(&base, &chat_body(&format!("/mock reply {reply}"), true))
            .await
            .text()
            .await
            .expect("body"),
    ));
    assert_eq!(text, reply);

    let text = streamed_text(&sse_json(
        &post_chat(&base, &chat_body("/mock nonsense", true))
            .await
            .text()
            .await
            .expect("body"),
    ));
    assert!(
        text.contains("mock-openrouter") && text.contains("nonsense"),
        "{text}"
    );

    // A queued scenario wins over the prompt; `/mockery` is not a command.
    server.push_scenario(Scenario::Empty);
    let text = streamed_text(&sse_json(
        &post_chat(&base, &chat_body("/mock slow", true))
            .await
            .text()
            .await
            .expect("body"),
    ));
    assert_eq!(text, "");
    let text = streamed_text(&sse_json(
        &post_chat(&base, &chat_body("/mockery", true))
            .await
            .text()
            .await
            .expect("body"),
    ));
    assert_eq!(text, mock::default_markdown("/mockery"));

    let names: Vec<_> = server
        .chat_requests()
        .into_iter()
        .map(|r| r.scenario.unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "http_error",
            "replay",
            "slow",
            "reply",
            "reply",
            "empty",
            "default"
        ]
    );
}

#[test]
fn prompt_commands_parse_to_scenarios() {
    assert_eq!(Scenario::from_prompt("hello"), None);
    assert_eq!(
        Scenario::from_prompt("/mock slow"),
        Some(Ok(Scenario::slow(50, 200)))
    );
    assert_eq!(
        Scenario::from_prompt("  /mock slow 5 delay_ms=10"),
        Some(Ok(Scenario::slow(5, 10)))
    );
    assert_eq!(
        Scenario::from_prompt("/mock http_error 429 variant=free_models_per_day"),
        Some(Ok(Scenario::HttpError {
            status: 429,
            retry_after: None,
            variant: Some(mock::ErrorVariant::FreeModelsPerDay)
        }))
    );
    assert_eq!(
        Scenario::from_prompt("/mock replay test_prompt/01 chunk_size=1 crlf=true"),
        Some(Ok(Scenario::Replay {
            fixture: "test_prompt/01".into(),
            chunk_size: Some(1),
            crlf: true
        }))
    );
    assert_eq!(
        Scenario::from_prompt("/mock huge single_event=true"),
        Some(Ok(Scenario::Huge {
            bytes: 4 * 1024 * 1024,
            single_event: true
        }))
    );
    assert!(matches!(
        Scenario::from_prompt("/mock replay nope"),
        Some(Err(_))
    ));
    assert!(matches!(
        Scenario::from_prompt("/mock http_error 200"),
        Some(Err(_))
    ));
    assert!(matches!(
        Scenario::from_prompt("/mock reasoning 5"),
        Some(Err(_))
    ));
    assert!(matches!(
        Scenario::from_prompt("/mock slow typo=1"),
        Some(Err(_))
    ));
    assert!(matches!(Scenario::from_prompt("/mock"), Some(Err(_))));
}
