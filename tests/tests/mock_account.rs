//! The mock's billing ("money") side: `/activity`, `/generation`'s early 404s and stopped replies, and the
//! `/key` windows, each driven through its `/__mock/*` control as another process would.

mod common;

use std::time::Duration;

use acceptance::mock::{self, Account, KeyWindows, LimitReset, MockConfig, Scenario, StreamEnd};
use common::{chat_body, client, post_chat, sse_json, BAD_KEY, KEY, MGMT_KEY};
use futures_util::StreamExt;
use serde_json::{json, Value};

const FORBIDDEN: &str = "Only management keys can perform this operation";

async fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = client().get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

/// `POST {origin}/__mock/{path}` with a JSON body.
async fn control(server: &mock::MockServer, path: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!("{}/__mock/{path}", server.origin()))
        .json(body)
        .send()
        .await
        .expect("control request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// The `"id":"gen-…"` of the first chunk in a stream body.
fn generation_id(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("generation id")
        .to_owned()
}

/// Streams `scenario` until `stop_after` occurrences of `marker` arrived, then drops the connection (the Stop
/// button) and waits until the mock saw it. Returns the generation id.
async fn stop_stream(
    server: &mock::MockServer,
    scenario: Scenario,
    marker: &[u8],
    stop_after: usize,
) -> String {
    server.push_scenario(scenario);
    let response = post_chat(&server.base_url(), &chat_body("x", true)).await;
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut received = Vec::new();
    while count(&received, marker) < stop_after {
        received.extend_from_slice(&stream.next().await.expect("frame").expect("bytes"));
    }
    drop(stream);
    let (log, gone) = server
        .wait_for(Duration::from_secs(5), |log| {
            log.iter()
                .any(|r| r.stream_end == Some(StreamEnd::ClientGone))
        })
        .await;
    assert!(gone, "the mock never saw the stop: {log:?}");
    generation_id(&received)
}

/// Streams `scenario` to the end; returns the generation id and the final `usage`.
async fn full_stream(server: &mock::MockServer, scenario: Scenario) -> (String, Value) {
    server.push_scenario(scenario);
    let body = post_chat(&server.base_url(), &chat_body("x", true))
        .await
        .text()
        .await
        .expect("body");
    let usage = sse_json(&body)
        .into_iter()
        .rev()
        .find_map(|c| c.get("usage").cloned())
        .expect("usage chunk");
    (generation_id(body.as_bytes()), usage)
}

// ---------------------------------------------------------------------------------------------- /activity

#[tokio::test]
async fn activity_is_forbidden_for_ordinary_keys_with_the_real_403() {
    let server = mock::start().await;
    let url = format!("{}/activity", server.base_url());
    assert_eq!(
        get(&url, Some(KEY)).await,
        (403, json!({"error": {"code": 403, "message": FORBIDDEN}}))
    );
    let spec = mock::fixtures::openapi_example("GET /activity 403 application/json")
        .expect("spec 403 example");
    assert_eq!(get(&url, Some(KEY)).await.1, spec);
    assert_eq!(
        get(&url, None).await,
        (
            401,
            json!({"error": {"code": 401, "message": "No cookie auth credentials found"}})
        )
    );
    assert_eq!(get(&url, Some(BAD_KEY)).await.0, 401);
    // Nothing is seeded by default.
    assert_eq!(get(&url, Some(MGMT_KEY)).await, (200, json!({"data": []})));
}

#[tokio::test]
async fn activity_serves_seeded_rows_grouped_in_the_30_day_window_with_a_date_filter() {
    let server = mock::start().await;
    let (status, seeded) = control(
        &server,
        "activity",
        &json!([
            {"days_ago": 1, "model": "openai/gpt-4.1", "model_permaslug": "openai/gpt-4.1-2025-04-14",
             "endpoint_id": "550e8400-e29b-41d4-a716-446655440000", "provider_name": "OpenAI",
             "usage": 0.015, "byok_usage_inference": 0.012, "requests": 5,
             "prompt_tokens": 50, "completion_tokens": 125, "reasoning_tokens": 25},
            {"days_ago": 2, "model": "anthropic/claude-sonnet-4.5", "usage": 0.5, "prompt_tokens": 100, "completion_tokens": 20},
            {"days_ago": 2, "model": "anthropic/claude-sonnet-4.5", "usage": 0.25, "prompt_tokens": 50, "completion_tokens": 10},
            {"days_ago": 30, "model": "openai/gpt-4o", "usage": 1.0},
            {"days_ago": 0, "model": "openai/gpt-4o", "usage": 7.0},
            {"days_ago": 31, "model": "openai/gpt-4o", "usage": 7.0},
            {"date": "2020-01-01", "model": "openai/gpt-4o", "usage": 7.0}
        ]),
    )
    .await;
    assert_eq!(status, 200, "{seeded}");
    assert_eq!((&seeded["rows"], &seeded["served"]), (&json!(7), &json!(3)));
    let yesterday = seeded["window"]["to"]
        .as_str()
        .expect("window.to")
        .to_owned();
    let first_day = seeded["window"]["from"]
        .as_str()
        .expect("window.from")
        .to_owned();

    let url = format!("{}/activity", server.base_url());
    let (status, body) = get(&url, Some(MGMT_KEY)).await;
    assert_eq!(status, 200);
    let rows = body["data"].as_array().expect("data array");
    assert_eq!(
        rows.len(),
        3,
        "today and older than 30 days are left out: {body}"
    );

    // Yesterday's row exactly as seeded, in the spec's shape (the spec example's values, re-dated).
    let mut expected = mock::fixtures::openapi_example("GET /activity 200 application/json")
        .expect("spec example")["data"][0]
        .clone();
    expected["date"] = json!(yesterday);
    assert_eq!(rows[0], expected);
    for row in rows {
        let fields = row.as_object().expect("object");
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "byok_usage_inference",
                "completion_tokens",
                "date",
                "endpoint_id",
                "model",
                "model_permaslug",
                "prompt_tokens",
                "provider_name",
                "reasoning_tokens",
                "requests",
                "usage"
            ]
        );
        for int in [
            "requests",
            "prompt_tokens",
            "completion_tokens",
            "reasoning_tokens",
        ] {
            assert!(row[int].is_u64(), "{int} is not an integer: {row}");
        }
        assert!(row["usage"].is_number() && row["byok_usage_inference"].is_number());
    }

    // Two seeded rows of one model, day and endpoint are one row; defaults fill in the rest.
    let claude = &rows[1];
    assert_eq!(claude["model"], "anthropic/claude-sonnet-4.5");
    assert_eq!(claude["model_permaslug"], "anthropic/claude-sonnet-4.5");
    assert_eq!(claude["provider_name"], "Anthropic");
    assert_eq!(claude["endpoint_id"].as_str().map(str::len), Some(36));
    assert_eq!(
        (
            &claude["usage"],
            &claude["requests"],
            &claude["prompt_tokens"],
            &claude["completion_tokens"]
        ),
        (&json!(0.75), &json!(2), &json!(150), &json!(30))
    );
    assert_eq!(claude["byok_usage_inference"], 0.0);
    assert!(claude["date"].as_str() < Some(yesterday.as_str()));
    // The oldest day in the window is still served.
    assert_eq!(rows[2]["date"], json!(first_day));

    // `date` keeps one day.
    let (status, one_day) = get(&format!("{url}?date={yesterday}"), Some(MGMT_KEY)).await;
    assert_eq!(status, 200);
    assert_eq!(one_day["data"], json!([expected]));
    let claude_day = claude["date"].as_str().expect("date");
    let (_, other_day) = get(&format!("{url}?date={claude_day}"), Some(MGMT_KEY)).await;
    assert_eq!(other_day["data"], json!([claude]));

    // A date that is not YYYY-MM-DD or outside the window: the spec's 400.
    let spec_400 = mock::fixtures::openapi_example("GET /activity 400 application/json")
        .expect("spec 400 example");
    for bad in ["2025-02-30", "yesterday", "2020-01-01"] {
        assert_eq!(
            get(&format!("{url}?date={bad}"), Some(MGMT_KEY)).await,
            (400, spec_400.clone()),
            "{bad}"
        );
    }
    // The filter does not get past the key check.
    assert_eq!(
        get(&format!("{url}?date={yesterday}"), Some(KEY)).await.0,
        403
    );

    // The control shows the same rows.
    let (_, shown) = get(&format!("{}/__mock/activity", server.origin()), None).await;
    assert_eq!(shown["data"], body["data"]);
}

#[tokio::test]
async fn activity_control_refuses_bad_rows_and_reset_clears_them() {
    let server = mock::start().await;
    let url = format!("{}/activity", server.base_url());
    assert_eq!(
        server.set_activity(json!([{"model": "openai/gpt-4o", "usage": 0.5}])),
        Ok(1)
    );
    for (bad, reason) in [
        (json!([{"usage": 0.5}]), "model"),
        (json!([{"model": "openai/gpt-4o", "cost": 0.5}]), "cost"),
        (
            json!([{"model": "openai/gpt-4o", "date": "2026-1-1"}]),
            "YYYY-MM-DD",
        ),
        (
            json!([{"model": "openai/gpt-4o", "date": "2026-01-01", "days_ago": 3}]),
            "not both",
        ),
        (json!(42), "array"),
    ] {
        let (status, body) = control(&server, "activity", &bad).await;
        assert_eq!(status, 400, "{bad}");
        let problem = body["error"].as_str().expect("error text");
        assert!(problem.contains(reason), "{problem}");
    }
    // Refused rows change nothing; the default day is yesterday.
    let (_, body) = get(&url, Some(MGMT_KEY)).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["data"][0]["requests"], 1);

    assert_eq!(control(&server, "activity", &json!([])).await.0, 200);
    assert_eq!(get(&url, Some(MGMT_KEY)).await.1, json!({"data": []}));

    assert!(server
        .set_activity(json!([{"model": "openai/gpt-4o", "usage": 0.5}]))
        .is_ok());
    assert_eq!(control(&server, "reset", &json!({})).await.0, 200);
    assert_eq!(get(&url, Some(MGMT_KEY)).await.1, json!({"data": []}));
}

// -------------------------------------------------------------------------------------------- /generation

#[tokio::test]
async fn generation_answers_404_to_the_first_lookups_then_the_served_generation() {
    let server = mock::start().await;
    let base = server.base_url();
    assert_eq!(
        control(&server, "generation", &json!({"not_found_lookups": 2})).await,
        (200, json!({"not_found_lookups": 2}))
    );
    let reply: Value = post_chat(&base, &chat_body("what does it cost?", false))
        .await
        .json()
        .await
        .expect("json");
    let id = reply["id"].as_str().expect("id");
    let url = format!("{base}/generation?id={id}");
    let not_found = mock::fixtures::openapi_example("GET /generation 404 application/json")
        .expect("spec 404 example");
    assert_eq!(
        not_found,
        json!({"error": {"code": 404, "message": "Resource not found"}})
    );
    for _ in 0..2 {
        assert_eq!(get(&url, Some(KEY)).await, (404, not_found.clone()));
    }
    let (status, body) = get(&url, Some(KEY)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], id);
    assert_eq!(body["data"]["total_cost"], reply["usage"]["cost"]);
    assert_eq!(body["data"]["usage"], reply["usage"]["cost"]);
    assert_eq!(body["data"]["cancelled"], false);
    assert_eq!(get(&url, Some(KEY)).await.0, 200, "and from then on");

    // Each id counts its own lookups; a lookup without a valid key is not one.
    let other = format!("{base}/generation?id=gen-other");
    assert_eq!(get(&other, None).await.0, 401);
    assert_eq!(get(&other, Some(KEY)).await.0, 404);
    assert_eq!(get(&other, Some(KEY)).await.0, 404);
    assert_eq!(get(&other, Some(KEY)).await.0, 200);

    // Setting it again restarts the counts; 0 (the default) answers at once.
    server.set_generation_not_found_lookups(1);
    assert_eq!(get(&url, Some(KEY)).await.0, 404);
    assert_eq!(get(&url, Some(KEY)).await.0, 200);
    assert_eq!(
        control(&server, "generation", &json!({})).await.1["not_found_lookups"],
        0
    );
    assert_eq!(
        get(&format!("{base}/generation?id=gen-new"), Some(KEY))
            .await
            .0,
        200
    );
    assert_eq!(
        control(&server, "generation", &json!({"not_found_lookups": -1}))
            .await
            .0,
        400
    );
    server.set_generation_not_found_lookups(5);
    server.reset();
    assert_eq!(
        get(&format!("{base}/generation?id=gen-after-reset"), Some(KEY))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn a_stopped_stream_stays_in_generation_cancelled_and_billed_for_what_was_sent() {
    let server = mock::start().await;
    let base = server.base_url();
    // The same reply to the end, for comparison.
    let (full_id, full_usage) = full_stream(&server, Scenario::slow(40, 0)).await;
    let (_, full) = get(&format!("{base}/generation?id={full_id}"), Some(KEY)).await;
    let full = &full["data"];
    assert_eq!(full["cancelled"], false);
    assert_eq!(full["finish_reason"], "stop");
    assert_eq!(full["total_cost"], full_usage["cost"]);
    let full_cost = full["total_cost"].as_f64().expect("cost");
    let full_tokens = full["tokens_completion"].as_u64().expect("tokens");

    let id = stop_stream(&server, Scenario::slow(40, 40), b"Slow chunk ", 3).await;
    let (status, body) = get(&format!("{base}/generation?id={id}"), Some(KEY)).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["id"], id.as_str());
    assert_eq!(data["streamed"], true);
    assert_eq!(data["cancelled"], true);
    assert_eq!(
        data["finish_reason"],
        Value::Null,
        "as in the recorded cancelled stream"
    );
    assert_eq!(data["tokens_prompt"], full["tokens_prompt"]);
    let cost = data["total_cost"].as_f64().expect("cost");
    assert!(cost > 0.0 && cost < full_cost, "{cost} vs full {full_cost}");
    assert_eq!(data["usage"], data["total_cost"]);
    let tokens = data["tokens_completion"].as_u64().expect("tokens");
    assert!(
        tokens > 0 && tokens < full_tokens / 2,
        "{tokens} of {full_tokens}"
    );
    assert_eq!(data["native_tokens_completion"], tokens);
    // Billed at the same rates as the whole reply: the prompt, plus what was sent.
    let prompt_cost = full_usage["cost_details"]["upstream_inference_prompt_cost"]
        .as_f64()
        .expect("prompt cost");
    let per_token = (full_cost - prompt_cost) / full_tokens as f64;
    let expected = prompt_cost + per_token * tokens as f64;
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");
}

#[tokio::test]
async fn a_stream_stopped_during_reasoning_bills_only_reasoning_sent() {
    let server = mock::start_with(MockConfig {
        chunk_delay: Duration::from_millis(40),
        ..MockConfig::default()
    })
    .await;
    let base = server.base_url();
    let id = stop_stream(&server, Scenario::Reasoning, b"\"reasoning\":\"", 2).await;
    let (_, body) = get(&format!("{base}/generation?id={id}"), Some(KEY)).await;
    let data = &body["data"];
    assert_eq!(data["cancelled"], true);
    let reasoning = data["native_tokens_reasoning"].as_u64().expect("reasoning");
    let completion = data["tokens_completion"].as_u64().expect("completion");
    assert!(reasoning > 0, "{data}");
    assert_eq!(completion, reasoning, "no answer text was sent yet");
    assert!(data["total_cost"].as_f64().expect("cost") > 0.0);
}

#[tokio::test]
async fn a_finished_stream_is_not_cancelled() {
    let server = mock::start().await;
    let (id, usage) = full_stream(&server, Scenario::Reasoning).await;
    let (_, body) = get(
        &format!("{}/generation?id={id}", server.base_url()),
        Some(KEY),
    )
    .await;
    assert_eq!(body["data"]["cancelled"], false);
    assert_eq!(body["data"]["total_cost"], usage["cost"]);
    assert_eq!(
        body["data"]["native_tokens_reasoning"],
        usage["completion_tokens_details"]["reasoning_tokens"]
    );
}

// --------------------------------------------------------------------------------------------------- /key

#[tokio::test]
async fn key_windows_limit_reset_and_byok_are_set_independently() {
    let server = mock::start().await;
    let url = format!("{}/key", server.base_url());
    let settings = json!({
        "key_limit": 10.0, "key_usage": 7.5,
        "usage_daily": 0.5, "usage_weekly": 2.25, "usage_monthly": 6.0,
        "limit_reset": "weekly",
        "byok_usage": 3.0, "byok_usage_daily": 1.0
    });
    let (status, echoed) = control(&server, "account", &settings).await;
    assert_eq!(status, 200, "{echoed}");
    for (field, value) in settings.as_object().expect("object") {
        assert_eq!(&echoed[field], value, "{field}");
    }
    let (_, key) = get(&url, Some(KEY)).await;
    let data = &key["data"];
    let got: Vec<(&str, &Value)> = [
        "usage",
        "usage_daily",
        "usage_weekly",
        "usage_monthly",
        "limit",
        "limit_reset",
        "limit_remaining",
        "byok_usage",
        "byok_usage_daily",
        "byok_usage_weekly",
        "byok_usage_monthly",
    ]
    .into_iter()
    .map(|f| (f, &data[f]))
    .collect();
    assert_eq!(
        got,
        [
            ("usage", &json!(7.5)),
            ("usage_daily", &json!(0.5)),
            ("usage_weekly", &json!(2.25)),
            ("usage_monthly", &json!(6.0)),
            ("limit", &json!(10.0)),
            ("limit_reset", &json!("weekly")),
            // The limit counts the usage of its reset period.
            ("limit_remaining", &json!(7.75)),
            ("byok_usage", &json!(3.0)),
            ("byok_usage_daily", &json!(1.0)),
            ("byok_usage_weekly", &json!(3.0)),
            ("byok_usage_monthly", &json!(3.0)),
        ]
    );

    // An explicit null reset: the limit counts all-time usage; unset windows follow key_usage.
    control(
        &server,
        "account",
        &json!({"key_limit": 10.0, "key_usage": 4.0, "limit_reset": null}),
    )
    .await;
    let (_, key) = get(&url, Some(KEY)).await;
    let data = &key["data"];
    assert_eq!(data["limit_reset"], Value::Null);
    assert!(data.get("limit_reset").is_some());
    assert_eq!(data["limit_remaining"], 6.0);
    assert_eq!(
        (
            &data["usage_daily"],
            &data["usage_weekly"],
            &data["usage_monthly"]
        ),
        (&json!(4.0), &json!(4.0), &json!(4.0))
    );
    assert_eq!(data["byok_usage_monthly"], 0.0);

    // `{}`: the defaults, exactly as before these controls existed.
    control(&server, "account", &json!({})).await;
    let (_, key) = get(&url, Some(KEY)).await;
    let data = &key["data"];
    assert_eq!(data["limit_reset"], "monthly");
    assert_eq!(data["limit_remaining"], 74.5);
    assert_eq!(data["usage_weekly"], 25.5);
    assert_eq!(data["byok_usage"], 0.0);

    // Only the spec's periods are accepted.
    let (status, _) = control(&server, "account", &json!({"limit_reset": "yearly"})).await;
    assert!((400..500).contains(&status), "{status}");
    assert_eq!(
        get(&url, Some(KEY)).await.1["data"]["limit_reset"],
        "monthly"
    );
}

#[tokio::test]
async fn key_windows_from_rust_survive_set_account_and_go_on_reset() {
    let server = mock::start().await;
    let url = format!("{}/key", server.base_url());
    server.set_key_windows(KeyWindows {
        usage_daily: Some(1.25),
        limit_reset: Some(Some(LimitReset::Daily)),
        byok_usage_weekly: Some(0.5),
        ..KeyWindows::default()
    });
    server.set_account(Account {
        key_limit: Some(5.0),
        key_usage: 3.0,
        ..Account::default()
    });
    let (_, key) = get(&url, Some(KEY)).await;
    let data = &key["data"];
    assert_eq!(data["usage"], 3.0);
    assert_eq!(data["usage_daily"], 1.25);
    assert_eq!(data["usage_monthly"], 3.0);
    assert_eq!(data["limit_reset"], "daily");
    assert_eq!(data["limit_remaining"], 3.75);
    assert_eq!(data["byok_usage_weekly"], 0.5);
    assert_eq!(data["byok_usage"], 0.0);

    // No limit: no reset period unless one is set.
    server.set_account(Account {
        key_limit: None,
        ..Account::default()
    });
    server.set_key_windows(KeyWindows::default());
    let (_, key) = get(&url, Some(KEY)).await;
    assert_eq!(key["data"]["limit_reset"], Value::Null);
    assert_eq!(key["data"]["limit_remaining"], Value::Null);

    server.set_key_windows(KeyWindows {
        usage_monthly: Some(9.0),
        ..KeyWindows::default()
    });
    server.reset();
    let (_, key) = get(&url, Some(KEY)).await;
    assert_eq!(key["data"]["usage_monthly"], 25.5);
    assert_eq!(key["data"]["limit_reset"], "monthly");
}
