//! The app's OpenRouter client against the mock server: every scenario the real API can produce
//! reaches the app as the right typed event or error kind.

use std::time::Duration;

use acceptance::mock::{self, Scenario, StreamEnd};
use futures_util::StreamExt;
use openrouter_desktop::openrouter::{
    ApiError, ChatEvent, ChatMessage, ChatRequest, Client, ClientConfig, ErrorKind,
};

const KEY: &str = "sk-or-v1-contract";

fn client(base_url: &str) -> Client {
    Client::new(ClientConfig {
        base_url: base_url.to_owned(),
        ..ClientConfig::default()
    })
    .expect("client")
}

fn request(prompt: &str) -> ChatRequest {
    ChatRequest::streaming("openai/gpt-4o-mini", vec![ChatMessage::new("user", prompt)])
}

/// Every event of one streamed reply, and the error that ended it, if any.
async fn stream(client: &Client, prompt: &str) -> (Vec<ChatEvent>, Option<ApiError>) {
    let mut events = Vec::new();
    let mut stream = match client.stream_chat(KEY, &request(prompt)).await {
        Ok(s) => Box::pin(s),
        Err(e) => return (events, Some(e)),
    };
    while let Some(item) = stream.next().await {
        match item {
            Ok(e) => events.push(e),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

fn text(events: &[ChatEvent]) -> (String, String) {
    let mut content = String::new();
    let mut reasoning = String::new();
    for e in events {
        if let ChatEvent::Delta {
            content: c,
            reasoning: r,
        } = e
        {
            content.push_str(c);
            reasoning.push_str(r);
        }
    }
    (content, reasoning)
}

#[tokio::test]
async fn a_default_reply_streams_with_meta_usage_and_finish() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    let (events, error) = stream(&client, "What is Rust?").await;
    assert!(error.is_none(), "{error:?}");
    assert!(
        matches!(&events[0], ChatEvent::Meta { model: Some(m), .. } if m == "openai/gpt-4o-mini")
    );
    assert!(text(&events).0.contains("What is Rust?"));
    let usage = events
        .iter()
        .find_map(|e| match e {
            ChatEvent::Usage(u) => Some(u.clone()),
            _ => None,
        })
        .expect("usage");
    assert!(usage.cost.is_some_and(|c| c > 0.0));
    assert!(
        matches!(events.last(), Some(ChatEvent::Finished { finish_reason: Some(r), .. }) if r == "stop")
    );

    let sent = server.chat_requests().pop().expect("request recorded");
    let body = sent.body.expect("json body");
    assert_eq!(body["stream"], true);
    assert_eq!(body["usage"]["include"], true);
    assert_eq!(body["messages"][0]["content"], "What is Rust?");
    assert!(sent.has_bearer);
    assert!(sent.headers.contains_key("http-referer"));
    assert_eq!(
        sent.headers.get("x-openrouter-title").map(String::as_str),
        Some("OpenRouter Desktop")
    );
    assert_eq!(
        sent.headers.get("x-title").map(String::as_str),
        Some("OpenRouter Desktop")
    );
}

#[tokio::test]
async fn every_recorded_stream_replayed_through_http_at_one_byte_chunks() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    for fixture in [
        "test_prompt/01",
        "test_tool_calls/01",
        "test_openrouter_streaming_reasoning",
    ] {
        server.push_scenario(Scenario::replay_chunked(fixture, 1));
        let (events, error) = stream(&client, "replay").await;
        assert!(error.is_none(), "{fixture}: {error:?}");
        assert!(
            matches!(events.last(), Some(ChatEvent::Finished { .. })),
            "{fixture}"
        );
    }
}

#[tokio::test]
async fn reasoning_is_delivered_apart_from_content() {
    let server = mock::start().await;
    server.push_scenario(Scenario::Reasoning);
    let (events, error) = stream(&client(&server.base_url()), "think").await;
    assert!(error.is_none(), "{error:?}");
    let (content, reasoning) = text(&events);
    assert!(!reasoning.is_empty() && !content.is_empty());
    assert!(!content.contains(&reasoning));
}

#[tokio::test]
async fn http_errors_before_the_stream_map_to_kinds() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    let cases = [
        (401, ErrorKind::Unauthorized),
        (402, ErrorKind::NoCredits),
        (403, ErrorKind::Forbidden),
        (408, ErrorKind::Timeout),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::ServerError),
        (502, ErrorKind::ProviderDown),
        (503, ErrorKind::ProviderDown),
    ];
    for (status, kind) in cases {
        server.push_scenario(Scenario::http_error(status));
        let (events, error) = stream(&client, "x").await;
        assert!(events.is_empty());
        let error = error.expect("an error");
        assert_eq!(error.kind(), kind, "{status}");
        assert!(
            error.error_object().is_some_and(|e| !e.message.is_empty()),
            "{status} body parsed"
        );
    }
    server.push_scenario(Scenario::HttpError {
        status: 429,
        retry_after: Some(9),
        variant: None,
    });
    let (_, error) = stream(&client, "x").await;
    assert_eq!(
        error.and_then(|e| e.retry_after()),
        Some(Duration::from_secs(9))
    );
}

#[tokio::test]
async fn broken_streams_keep_what_arrived_and_end_in_an_error() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    let cases = [
        (Scenario::mid_stream_error(), ErrorKind::Interrupted),
        (Scenario::Drop { after_chunks: 3 }, ErrorKind::Interrupted),
        (Scenario::NoDone, ErrorKind::Interrupted),
        (Scenario::InvalidJson, ErrorKind::ServerError),
    ];
    for (scenario, kind) in cases {
        let name = scenario.name();
        server.push_scenario(scenario);
        let (events, error) = stream(&client, "x").await;
        assert_eq!(error.map(|e| e.kind()), Some(kind), "{name}");
        assert!(
            !text(&events).0.is_empty(),
            "{name}: partial text delivered"
        );
    }
    server.push_scenario(Scenario::Empty);
    let (_, error) = stream(&client, "x").await;
    assert_eq!(error.map(|e| e.kind()), Some(ErrorKind::EmptyReply));
}

#[tokio::test]
async fn a_huge_reply_arrives_whole() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    for single_event in [false, true] {
        server.push_scenario(Scenario::Huge {
            bytes: 4 * 1024 * 1024,
            single_event,
        });
        let (events, error) = stream(&client, "x").await;
        assert!(error.is_none(), "{error:?}");
        assert!(text(&events).0.len() >= 4 * 1024 * 1024 - 1024);
    }
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let server = mock::start().await;
    server.push_scenario(Scenario::slow(100, 50));
    let client = client(&server.base_url());
    let mut events = Box::pin(
        client
            .stream_chat(KEY, &request("x"))
            .await
            .expect("stream"),
    );
    while !matches!(events.next().await, Some(Ok(ChatEvent::Delta { .. }))) {}
    drop(events);
    let (requests, seen) = server
        .wait_for(Duration::from_secs(5), |r| {
            r.iter()
                .any(|r| r.stream_end == Some(StreamEnd::ClientGone))
        })
        .await;
    assert!(seen, "the mock saw the client go: {requests:?}");
}

#[tokio::test]
async fn a_silent_server_hits_the_idle_read_timeout() {
    let server = mock::start().await;
    server.push_scenario(Scenario::slow(3, 3_000));
    let client = Client::new(ClientConfig {
        base_url: server.base_url(),
        read_timeout: Duration::from_millis(500),
        ..ClientConfig::default()
    })
    .expect("client");
    let (_, error) = stream(&client, "x").await;
    assert_eq!(error.map(|e| e.kind()), Some(ErrorKind::Timeout));
}

#[tokio::test]
async fn key_and_models() {
    let server = mock::start().await;
    let client = client(&server.base_url());
    let key = client.key_info(KEY).await.expect("key info");
    assert!(!key.label.is_empty());
    let bad = client.key_info("sk-or-v1-bad").await.expect_err("rejected");
    assert_eq!(bad.kind(), ErrorKind::Unauthorized);
    let models = client.models().await.expect("models");
    assert!(models.len() > 300);
}

#[tokio::test]
async fn nothing_listening_is_offline() {
    let client = client("http://127.0.0.1:9/api/v1");
    let err = client.key_info(KEY).await.expect_err("no server");
    assert_eq!(err.kind(), ErrorKind::Offline);
}
