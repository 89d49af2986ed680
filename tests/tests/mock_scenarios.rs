//! Every chat scenario, checked on the wire.

mod common;

use std::time::{Duration, Instant};

use acceptance::mock::{self, fixtures, ErrorVariant, Scenario, StreamEnd};
use common::{
    chat_body, post_chat, raw_request, read_fixture, read_fixture_json, sse_events, sse_json,
    streamed_text, SseEvent, KEY,
};
use futures_util::StreamExt;
use serde_json::{json, Value};

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

async fn stream_body(server: &mock::MockServer, scenario: Scenario) -> String {
    server.push_scenario(scenario);
    let response = post_chat(&server.base_url(), &chat_body("scenario", true)).await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("body")
}

async fn non_stream_result(server: &mock::MockServer, scenario: Scenario) -> Value {
    server.push_scenario(scenario);
    let response = post_chat(&server.base_url(), &chat_body("scenario", false)).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn replay_is_byte_identical_for_every_fixture() {
    let server = mock::start().await;
    assert_eq!(fixtures::SSE_FIXTURES.len(), 11);
    for fixture in fixtures::SSE_FIXTURES {
        let on_disk = read_fixture(&format!("{}-response.sse", fixture.name));
        assert_eq!(
            fixture.body,
            &on_disk[..],
            "embedded copy of {}",
            fixture.name
        );
        let meta = read_fixture_json(&format!("{}-response-meta.json", fixture.name));
        server.push_scenario(Scenario::replay(fixture.name));
        let response = post_chat(&server.base_url(), &chat_body("replay", true)).await;
        assert_eq!(response.status().as_u16(), meta["status"]["code"]);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let body = response.bytes().await.expect("body");
        assert_eq!(&body[..], &on_disk[..], "replay of {}", fixture.name);
    }
}

#[tokio::test]
async fn replay_accepts_short_names() {
    assert!(fixtures::find_sse("test_openrouter_stream_error").is_ok());
    assert!(fixtures::find_sse("test_tool_calls/02").is_ok());
    assert!(
        fixtures::find_sse("test_tool_calls").is_err(),
        "two interactions: ambiguous"
    );
    assert!(fixtures::find_sse("nope").is_err());
}

#[tokio::test]
async fn replay_rechunked_at_every_byte_and_in_n_byte_pieces() {
    let server = mock::start().await;
    let name = "pydantic-ai-cassettes/test_openrouter_streaming_reasoning/00";
    let recorded = read_fixture(&format!("{name}-response.sse"));
    for size in [1usize, 7, 64, 1000] {
        server.push_scenario(Scenario::replay_chunked(name, size));
        let raw = raw_request(
            server.addr(),
            "POST",
            "/api/v1/chat/completions",
            Some(KEY),
            &chat_body("x", true),
        )
        .await;
        assert_eq!(raw.status, 200);
        assert!(raw.terminated);
        assert_eq!(raw.body(), recorded, "chunk size {size}");
        assert_eq!(
            raw.chunks.len(),
            recorded.len().div_ceil(size),
            "chunk size {size}"
        );
        assert!(raw.chunks.iter().all(|c| c.len() <= size));
    }
}

#[tokio::test]
async fn replay_with_crlf_line_endings() {
    let server = mock::start().await;
    server.push_scenario(Scenario::Replay {
        fixture: "test_prompt/01".into(),
        chunk_size: None,
        crlf: true,
    });
    let body = post_chat(&server.base_url(), &chat_body("x", true))
        .await
        .bytes()
        .await
        .expect("body");
    let recorded = read_fixture(
        "llm-openrouter-cassettes-2025-08-chat-completions/test_prompt/01-response.sse",
    );
    assert_eq!(
        String::from_utf8_lossy(&body),
        String::from_utf8_lossy(&recorded).replace('\n', "\r\n")
    );
}

#[tokio::test]
async fn slow_spaces_its_chunks() {
    let server = mock::start().await;
    server.push_scenario(Scenario::slow(5, 60));
    let started = Instant::now();
    let response = post_chat(&server.base_url(), &chat_body("x", true)).await;
    let mut stream = response.bytes_stream();
    let mut arrivals = Vec::new();
    let mut body = Vec::new();
    while let Some(frame) = stream.next().await {
        let frame = frame.expect("frame");
        if count(&frame, b"Slow chunk ") > 0 {
            arrivals.push(started.elapsed());
        }
        body.extend_from_slice(&frame);
    }
    let text = streamed_text(&sse_json(&String::from_utf8_lossy(&body)));
    assert_eq!(text, "Slow chunk 1 of 5. Slow chunk 2 of 5. Slow chunk 3 of 5. Slow chunk 4 of 5. Slow chunk 5 of 5. ");
    assert_eq!(arrivals.len(), 5, "each chunk is its own HTTP chunk");
    // The pauses are server-side, so the last chunk cannot arrive before 5 x 60 ms.
    assert!(arrivals[4] >= Duration::from_millis(290), "{arrivals:?}");
}

#[tokio::test]
async fn stopping_a_slow_stream_is_seen_by_the_server() {
    let server = mock::start().await;
    server.push_scenario(Scenario::slow(100, 50));
    let response = post_chat(&server.base_url(), &chat_body("x", true)).await;
    let mut stream = response.bytes_stream();
    let mut received = Vec::new();
    while count(&received, b"Slow chunk ") < 3 {
        received.extend_from_slice(&stream.next().await.expect("frame").expect("bytes"));
    }
    let stopped_at = Instant::now();
    drop(stream); // the Stop button: drop the connection
    let (log, ended) = server
        .wait_for(Duration::from_secs(5), |log| {
            log.iter().any(|r| r.stream_end.is_some())
        })
        .await;
    let detected = stopped_at.elapsed();
    assert!(ended, "the server never saw the disconnect: {log:?}");
    assert_eq!(log[0].stream_end, Some(StreamEnd::ClientGone));
    assert!(
        detected < Duration::from_millis(500),
        "disconnect seen after {detected:?}"
    );
    eprintln!("disconnect seen by the mock {detected:?} after the client dropped the stream");

    // `/generation` then reports the stream as cancelled.
    let received = String::from_utf8_lossy(&received);
    let id = received
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("generation id");
    let generation: Value = common::client()
        .get(format!("{}/generation?id={id}", server.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(generation["data"]["streamed"], true);
    assert_eq!(generation["data"]["cancelled"], true);
}

#[tokio::test]
async fn reasoning_streams_reasoning_then_content() {
    let server = mock::start().await;
    let body = stream_body(&server, Scenario::Reasoning).await;
    let chunks = sse_json(&body);
    let deltas: Vec<&Value> = chunks.iter().map(|c| &c["choices"][0]["delta"]).collect();
    let first_content = deltas
        .iter()
        .position(|d| d["content"].as_str().is_some_and(|c| !c.is_empty()))
        .expect("content");
    let last_reasoning = deltas
        .iter()
        .rposition(|d| d["reasoning"].is_string())
        .expect("reasoning");
    assert!(last_reasoning < first_content);
    let reasoning: String = deltas
        .iter()
        .filter_map(|d| d["reasoning"].as_str())
        .collect();
    assert!(reasoning.contains("2 + 2 equals 4"), "{reasoning}");
    let details: String = deltas
        .iter()
        .filter_map(|d| d["reasoning_details"].as_array())
        .flatten()
        .filter_map(|d| d["text"].as_str())
        .collect();
    assert_eq!(details, reasoning);
    assert!(deltas
        .iter()
        .any(|d| d["reasoning_details"][0]["signature"].is_string()
            && d["reasoning_details"][0].get("text").is_none()));
    assert!(streamed_text(&chunks).contains("```python"));
    let usage = &chunks.last().expect("usage chunk")["usage"];
    assert!(usage["completion_tokens_details"]["reasoning_tokens"]
        .as_u64()
        .is_some_and(|n| n > 0));

    let result = non_stream_result(&server, Scenario::Reasoning).await;
    let message = &result["choices"][0]["message"];
    assert!(message["reasoning"]
        .as_str()
        .is_some_and(|r| r.contains("2 + 2")));
    assert_eq!(message["reasoning_details"][0]["type"], "reasoning.text");
}

#[tokio::test]
async fn tool_calls_stream_fragments_per_index() {
    let server = mock::start().await;
    let chunks = sse_json(&stream_body(&server, Scenario::ToolCalls).await);
    let mut calls: Vec<(String, String, String)> = Vec::new();
    for chunk in &chunks {
        for call in chunk["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().expect("index") as usize;
            if calls.len() <= index {
                calls.resize(index + 1, Default::default());
            }
            if let Some(id) = call["id"].as_str() {
                calls[index].0 = id.to_owned();
            }
            if let Some(name) = call["function"]["name"].as_str() {
                calls[index].1 = name.to_owned();
            }
            calls[index].2 += call["function"]["arguments"].as_str().unwrap_or_default();
        }
    }
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].1, "get_weather");
    assert_eq!(
        serde_json::from_str::<Value>(&calls[0].2).ok(),
        Some(json!({"city": "Paris"}))
    );
    assert_eq!(calls[1].1, "get_time");
    assert_eq!(
        serde_json::from_str::<Value>(&calls[1].2).ok(),
        Some(json!({"timezone": "Europe/Paris"}))
    );
    assert!(calls.iter().all(|c| c.0.starts_with("call_")));
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "tool_calls"));
    assert!(chunks
        .iter()
        .filter(|c| c["choices"][0]["delta"]["tool_calls"].is_array())
        .all(|c| c["choices"][0]["delta"]["content"].is_null()));

    let result = non_stream_result(&server, Scenario::ToolCalls).await;
    assert_eq!(result["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(
        result["choices"][0]["message"]["tool_calls"][1]["function"]["arguments"],
        "{\"timezone\": \"Europe/Paris\"}"
    );
}

#[tokio::test]
async fn mid_stream_error_matches_the_recorded_shape() {
    let server = mock::start().await;
    let body = stream_body(&server, Scenario::mid_stream_error()).await;
    assert_eq!(
        sse_events(&body).last(),
        Some(&SseEvent::Data("[DONE]".into()))
    );
    let chunks = sse_json(&body);
    let error_chunk = chunks.last().expect("error chunk");
    assert_eq!(
        error_chunk["error"],
        json!({"code": 400, "message": "Token limit reached"})
    );
    assert_eq!(error_chunk["choices"][0]["finish_reason"], Value::Null);
    assert!(error_chunk["usage"]["total_tokens"].is_u64());
    assert!(
        !streamed_text(&chunks).is_empty(),
        "some content comes before the error"
    );
    // The same fields as the recorded error chunk.
    let recorded = sse_json(&String::from_utf8_lossy(&read_fixture(
        "pydantic-ai-cassettes/test_openrouter_stream_error/00-response.sse",
    )));
    let recorded_error = recorded
        .iter()
        .find(|c| c.get("error").is_some())
        .expect("recorded error chunk");
    let field_names = |v: &Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<std::collections::BTreeSet<_>>())
    };
    assert_eq!(field_names(error_chunk), field_names(recorded_error));

    let body = stream_body(
        &server,
        Scenario::MidStreamError {
            code: 502,
            message: "Upstream went away".into(),
        },
    )
    .await;
    assert_eq!(
        sse_json(&body).last().map(|c| c["error"]["code"].clone()),
        Some(json!(502))
    );

    let result = non_stream_result(&server, Scenario::mid_stream_error()).await;
    assert_eq!(result["choices"][0]["finish_reason"], "error");
    assert_eq!(
        result["choices"][0]["error"]["message"],
        "Token limit reached"
    );
}

#[tokio::test]
async fn drop_cuts_the_connection_without_done() {
    let server = mock::start().await;
    server.push_scenario(Scenario::Drop { after_chunks: 2 });
    let raw = raw_request(
        server.addr(),
        "POST",
        "/api/v1/chat/completions",
        Some(KEY),
        &chat_body("x", true),
    )
    .await;
    assert_eq!(raw.status, 200);
    assert!(!raw.terminated, "the body must not end cleanly");
    let body = String::from_utf8(raw.body()).expect("utf8");
    assert!(!body.contains("[DONE]"));
    assert_eq!(
        streamed_text(&sse_json(&body)),
        "Partial chunk 1. Partial chunk 2. "
    );

    server.push_scenario(Scenario::Drop { after_chunks: 2 });
    let response = post_chat(&server.base_url(), &chat_body("x", true)).await;
    let mut stream = response.bytes_stream();
    let mut failed = false;
    while let Some(frame) = stream.next().await {
        failed |= frame.is_err();
    }
    assert!(failed, "reqwest must see an error, not a clean end");
    let ends: Vec<_> = server
        .chat_requests()
        .iter()
        .map(|r| r.stream_end)
        .collect();
    assert_eq!(
        ends,
        [Some(StreamEnd::CutByMock), Some(StreamEnd::CutByMock)]
    );

    server.push_scenario(Scenario::Drop { after_chunks: 2 });
    let response = post_chat(&server.base_url(), &chat_body("x", false)).await;
    assert!(
        response.bytes().await.is_err(),
        "non-streamed body is cut too"
    );
}

#[tokio::test]
async fn no_done_ends_cleanly_without_done() {
    let server = mock::start().await;
    server.push_scenario(Scenario::NoDone);
    let raw = raw_request(
        server.addr(),
        "POST",
        "/api/v1/chat/completions",
        Some(KEY),
        &chat_body("x", true),
    )
    .await;
    assert!(raw.terminated);
    let body = String::from_utf8(raw.body()).expect("utf8");
    assert!(!body.contains("[DONE]"));
    assert!(sse_json(&body)
        .last()
        .is_some_and(|c| c["usage"].is_object()));
}

#[tokio::test]
async fn http_errors_have_the_real_bodies() {
    let server = mock::start().await;
    let base = server.base_url();
    let check = |status: u16, retry_after: Option<u64>, variant: Option<ErrorVariant>| {
        server.push_scenario(Scenario::HttpError {
            status,
            retry_after,
            variant,
        });
        let base = base.clone();
        async move {
            let response = post_chat(&base, &json!({"model": "openai/gpt-4o", "max_tokens": 64000, "stream": true, "messages": [{"role": "user", "content": "flag me"}]})).await;
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(response.headers()["content-type"], "application/json");
            let headers = response.headers().clone();
            let body: Value = response.json().await.expect("json body");
            assert_eq!(body["error"]["code"], status, "{body}");
            assert!(body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            (headers, body)
        }
    };
    let (_, body) = check(401, None, None).await;
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": "User not found."}})
    );
    let (_, body) = check(401, None, Some(ErrorVariant::NoCredentials)).await;
    assert_eq!(body["error"]["message"], "No cookie auth credentials found");
    let (_, body) = check(402, None, None).await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("This request requires more credits, or fewer max_tokens. You requested up to 64000 tokens"), "{message}");
    assert!(body["user_id"]
        .as_str()
        .is_some_and(|u| u.starts_with("user_")));
    let (_, body) = check(403, None, None).await;
    assert_eq!(body["error"]["metadata"]["flagged_input"], "flag me");
    assert_eq!(body["error"]["metadata"]["reasons"], json!(["harassment"]));
    let (_, body) = check(408, None, None).await;
    assert_eq!(
        body["error"]["message"],
        "Operation timed out. Please try again later."
    );
    let (headers, body) = check(429, Some(2), None).await;
    assert_eq!(
        body,
        read_fixture_json("pydantic-ai-cassettes/test_openrouter_errors_raised/00-response.json")
    );
    assert_eq!(headers["retry-after"], "2");
    let (headers, body) = check(429, None, Some(ErrorVariant::FreeModelsPerDay)).await;
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Rate limit exceeded: free-models-per-day")));
    assert_eq!(headers["x-ratelimit-limit"], "50");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(headers["x-ratelimit-reset"]
        .to_str()
        .ok()
        .and_then(|r| r.parse::<u64>().ok())
        .is_some());
    assert!(headers.get("retry-after").is_none());
    for status in [500, 502, 503] {
        let (headers, body) = check(status, Some(1), None).await;
        assert_eq!(headers["retry-after"], "1");
        assert!(body["error"]["message"].is_string());
    }
    let (_, body) = check(413, None, None).await;
    assert_eq!(body["error"]["message"], "Request payload too large");
}

#[tokio::test]
async fn invalid_json_sends_a_data_line_that_is_not_json() {
    let server = mock::start().await;
    let body = stream_body(&server, Scenario::InvalidJson).await;
    let data: Vec<String> = sse_events(&body)
        .into_iter()
        .filter_map(|e| match e {
            SseEvent::Data(d) => Some(d),
            SseEvent::Comment(_) => None,
        })
        .collect();
    let invalid: Vec<&String> = data
        .iter()
        .filter(|d| *d != "[DONE]" && serde_json::from_str::<Value>(d).is_err())
        .collect();
    assert_eq!(invalid.len(), 1, "{data:?}");
    assert!(
        data.iter()
            .filter(|d| serde_json::from_str::<Value>(d).is_ok())
            .count()
            >= 3
    );
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));

    server.push_scenario(Scenario::InvalidJson);
    let response = post_chat(&server.base_url(), &chat_body("x", false)).await;
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.is_err());
}

#[tokio::test]
async fn empty_finishes_without_content() {
    let server = mock::start().await;
    let body = stream_body(&server, Scenario::Empty).await;
    let chunks = sse_json(&body);
    assert_eq!(streamed_text(&chunks), "");
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "stop"));
    assert_eq!(
        chunks
            .last()
            .map(|c| c["usage"]["completion_tokens"].clone()),
        Some(json!(0))
    );
    assert!(body.ends_with("data: [DONE]\n\n"));
    let result = non_stream_result(&server, Scenario::Empty).await;
    assert_eq!(result["choices"][0]["message"]["content"], "");
}

#[tokio::test]
async fn huge_replies_in_many_chunks_or_one_event() {
    let server = mock::start().await;
    let body = stream_body(
        &server,
        Scenario::Huge {
            bytes: 4 * 1024 * 1024,
            single_event: false,
        },
    )
    .await;
    let chunks = sse_json(&body);
    assert_eq!(streamed_text(&chunks).len(), 4 * 1024 * 1024);
    assert!(chunks.len() > 4000);

    let body = stream_body(
        &server,
        Scenario::Huge {
            bytes: 10 * 1024 * 1024,
            single_event: true,
        },
    )
    .await;
    let chunks = sse_json(&body);
    let biggest = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .map(str::len)
        .max();
    assert_eq!(
        biggest,
        Some(10 * 1024 * 1024),
        "one event carries everything"
    );
    assert!(body.len() > 10 * 1024 * 1024);

    let result = non_stream_result(
        &server,
        Scenario::Huge {
            bytes: 3_000_000,
            single_event: false,
        },
    )
    .await;
    assert_eq!(
        result["choices"][0]["message"]["content"]
            .as_str()
            .map(str::len),
        Some(3_000_000)
    );
}

#[tokio::test]
async fn scenarios_are_used_once_in_order() {
    let server = mock::start().await;
    server.push_scenario(Scenario::http_error(503));
    server.push_scenario(Scenario::http_error(429));
    let base = server.base_url();
    assert_eq!(post_chat(&base, &chat_body("x", true)).await.status(), 503);
    assert_eq!(post_chat(&base, &chat_body("x", true)).await.status(), 429);
    assert_eq!(post_chat(&base, &chat_body("x", true)).await.status(), 200);
}
