//! Scripting the mock over HTTP (`/__mock/*`), the request log, and the `mock-openrouter` binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use acceptance::mock::{self, RecordedRequest, Scenario};
use common::{chat_body, client, post_chat, read_fixture, KEY};
use serde_json::{json, Value};

async fn control(server: &mock::MockServer, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/__mock/{path}", server.origin());
    let request = match body {
        Some(body) => client().post(url).json(&body),
        None => client().get(url),
    };
    let response = request.send().await.expect("control request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn scenarios_can_be_queued_over_http() {
    let server = mock::start().await;
    let (status, queued) = control(
        &server,
        "scenario",
        Some(json!({"scenario": "http_error", "status": 402})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        queued["queued"],
        json!([{"scenario": "http_error", "status": 402}])
    );
    let (status, _) = control(
        &server,
        "scenario",
        Some(json!([{"scenario": "replay", "fixture": "test_openrouter_stream_error", "chunk_size": 3}, {"scenario": "slow", "chunks": 2, "delay_ms": 1}])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        server.queued(),
        vec![
            Scenario::http_error(402),
            Scenario::replay_chunked("test_openrouter_stream_error", 3),
            Scenario::slow(2, 1)
        ]
    );
    let (_, listed) = control(&server, "scenario", None).await;
    assert_eq!(listed["queued"].as_array().map(Vec::len), Some(3));

    let base = server.base_url();
    assert_eq!(post_chat(&base, &chat_body("x", true)).await.status(), 402);
    let replayed = post_chat(&base, &chat_body("x", true))
        .await
        .bytes()
        .await
        .expect("body");
    assert_eq!(
        &replayed[..],
        &read_fixture("pydantic-ai-cassettes/test_openrouter_stream_error/00-response.sse")[..]
    );
    let slow = post_chat(&base, &chat_body("x", true))
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(
        common::streamed_text(&common::sse_json(&slow)),
        "Slow chunk 1 of 2. Slow chunk 2 of 2. "
    );
    assert!(server.queued().is_empty());
}

#[tokio::test]
async fn every_scenario_has_a_json_form() {
    let all = [
        Scenario::Default,
        Scenario::Reply { text: "hi".into() },
        Scenario::replay("test_prompt/01"),
        Scenario::Replay {
            fixture: "test_prompt/01".into(),
            chunk_size: Some(1),
            crlf: true,
        },
        Scenario::slow(3, 10),
        Scenario::Reasoning,
        Scenario::ToolCalls,
        Scenario::mid_stream_error(),
        Scenario::Drop { after_chunks: 1 },
        Scenario::NoDone,
        Scenario::HttpError {
            status: 429,
            retry_after: Some(3),
            variant: Some(mock::ErrorVariant::FreeModelsPerDay),
        },
        Scenario::InvalidJson,
        Scenario::Empty,
        Scenario::Huge {
            bytes: 10,
            single_event: true,
        },
    ];
    let server = mock::start().await;
    for scenario in &all {
        let as_json = serde_json::to_value(scenario).expect("serialize");
        assert_eq!(as_json["scenario"], scenario.name());
        assert_eq!(
            Scenario::from_json(as_json.clone()).as_ref(),
            Ok(scenario),
            "{as_json}"
        );
        assert_eq!(control(&server, "scenario", Some(as_json)).await.0, 200);
    }
    assert_eq!(server.queued(), all);
    // Defaults fill missing fields.
    assert_eq!(
        Scenario::from_json(json!({"scenario": "slow"})),
        Ok(Scenario::slow(50, 200))
    );
    assert_eq!(
        Scenario::from_json(json!({"scenario": "drop"})),
        Ok(Scenario::Drop { after_chunks: 3 })
    );
}

#[tokio::test]
async fn invalid_scenarios_are_refused_with_a_reason() {
    let server = mock::start().await;
    for bad in [
        json!({"scenario": "nope"}),
        json!({"scenario": "slow", "chunk": 3}),
        json!({"scenario": "http_error"}),
        json!({"scenario": "http_error", "status": 200}),
        json!({"scenario": "replay", "fixture": "missing"}),
        json!({"scenario": "replay", "fixture": "test_prompt/01", "chunk_size": 0}),
        json!([{"scenario": "empty"}, {"scenario": "bogus"}]),
    ] {
        let (status, body) = control(&server, "scenario", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
    }
    assert!(
        server.queued().is_empty(),
        "nothing from a refused batch is queued"
    );
}

#[tokio::test]
async fn requests_are_recorded_without_the_key() {
    let server = mock::start().await;
    let base = server.base_url();
    let body = chat_body("remember me", true);
    let _ = client()
        .post(format!("{base}/chat/completions"))
        .bearer_auth(KEY)
        .header("HTTP-Referer", "https://github.com/openrouter-desktop")
        .header("X-OpenRouter-Title", "OpenRouter Desktop")
        .header("Cookie", "session=secret")
        .json(&body)
        .send()
        .await
        .expect("chat")
        .text()
        .await;
    let _ = client()
        .get(format!("{base}/models?limit=1"))
        .send()
        .await
        .expect("models")
        .text()
        .await;

    let log: Vec<RecordedRequest> = server.requests();
    assert_eq!(log.len(), 2);
    let chat = &log[0];
    assert_eq!(
        (chat.method.as_str(), chat.path.as_str()),
        ("POST", "/api/v1/chat/completions")
    );
    assert_eq!(chat.body.as_ref(), Some(&body));
    assert!(chat.has_bearer);
    assert_eq!(chat.status, Some(200));
    assert_eq!(chat.scenario.as_deref(), Some("default"));
    assert_eq!(chat.stream_end, Some(mock::StreamEnd::Completed));
    assert_eq!(
        chat.headers.get("http-referer").map(String::as_str),
        Some("https://github.com/openrouter-desktop")
    );
    assert_eq!(
        chat.headers.get("x-openrouter-title").map(String::as_str),
        Some("OpenRouter Desktop")
    );
    assert!(!chat.headers.contains_key("authorization") && !chat.headers.contains_key("cookie"));
    let models = &log[1];
    assert_eq!(
        (
            models.method.as_str(),
            models.path.as_str(),
            models.query.as_deref()
        ),
        ("GET", "/api/v1/models", Some("limit=1"))
    );
    assert!(!models.has_bearer);
    assert_eq!(models.body, None);

    let (status, over_http) = control(&server, "requests", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<Vec<RecordedRequest>>(over_http.clone()).ok(),
        Some(log)
    );
    let text = over_http.to_string();
    assert!(
        !text.contains(KEY) && !text.contains(&KEY[9..]) && !text.contains("session=secret"),
        "a secret leaked: {text}"
    );
    assert_eq!(
        control(&server, "requests", None)
            .await
            .1
            .as_array()
            .map(Vec::len),
        Some(2),
        "/__mock calls are not logged"
    );
}

#[tokio::test]
async fn reset_forgets_everything() {
    let server = mock::start().await;
    let _ = post_chat(&server.base_url(), &chat_body("x", false))
        .await
        .text()
        .await;
    server.push_scenario(Scenario::Empty);
    let (status, _) = control(&server, "reset", Some(json!({}))).await;
    assert_eq!(status, 200);
    assert!(server.requests().is_empty());
    assert!(server.queued().is_empty());
    server.push_scenario(Scenario::Empty);
    server.reset();
    assert!(server.queued().is_empty());
}

#[tokio::test]
async fn account_and_fixture_list_over_http() {
    let server = mock::start().await;
    let (status, _) = control(
        &server,
        "account",
        Some(json!({"total_credits": 1.0, "total_usage": 0.99})),
    )
    .await;
    assert_eq!(status, 200);
    let credits: Value = client()
        .get(format!("{}/credits", server.base_url()))
        .bearer_auth(common::MGMT_KEY)
        .send()
        .await
        .expect("credits")
        .json()
        .await
        .expect("json");
    assert_eq!(
        credits,
        json!({"data": {"total_credits": 1.0, "total_usage": 0.99}})
    );
    let (_, listed) = control(&server, "fixtures", None).await;
    assert_eq!(
        listed["fixtures"].as_array().map(Vec::len),
        Some(mock::fixtures::SSE_FIXTURES.len())
    );
}

/// Kills the child on drop so a failing assertion does not leave a server running.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_one_url_line_and_serves() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_mock-openrouter"))
            .args(["--port", "0", "--quiet", "--chunk-delay-ms", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn mock-openrouter"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next().expect("a line").expect("utf8 line");
    let url = line
        .strip_prefix("MOCK_URL=")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api/v1"),
        "{url}"
    );

    let models: Value = client()
        .get(format!("{url}/models"))
        .send()
        .await
        .expect("models")
        .json()
        .await
        .expect("json");
    assert_eq!(models["data"].as_array().map(Vec::len), Some(371));
    let origin = url.trim_end_matches("/api/v1");
    let queued = client()
        .post(format!("{origin}/__mock/scenario"))
        .json(&json!({"scenario": "http_error", "status": 503}))
        .send()
        .await
        .expect("queue");
    assert_eq!(queued.status(), 200);
    assert_eq!(post_chat(url, &chat_body("x", true)).await.status(), 503);
    let text = post_chat(url, &chat_body("from the binary", true))
        .await
        .text()
        .await
        .expect("body");
    assert!(common::streamed_text(&common::sse_json(&text)).contains("from the binary"));

    let _ = child.0.kill();
    let _ = child.0.wait();
    assert!(lines.next().is_none(), "exactly one line on stdout");
}

#[test]
fn the_binary_rejects_bad_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_mock-openrouter"))
        .arg("--port")
        .arg("nope")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let output = Command::new(env!("CARGO_BIN_EXE_mock-openrouter"))
        .arg("--help")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("usage: mock-openrouter"));
}
