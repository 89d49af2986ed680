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

mod catalogue {
    //! The model catalogue against the mock: the cached list, its refresh, endpoints and providers.

    use acceptance::mock;
    use openrouter_desktop::catalog::{ModelCatalogue, ModelEndpoint};
    use openrouter_desktop::history::HistoryStore;
    use openrouter_desktop::openrouter::ErrorKind;
    use serde_json::json;

    use super::{client, KEY};

    #[tokio::test]
    async fn a_refresh_caches_the_list_and_a_failed_one_keeps_it_and_says_why() {
        let server = mock::start().await;
        let client = client(&server.base_url());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite3");
        let history = HistoryStore::open(&path).expect("history");
        let catalogue = ModelCatalogue::default();

        let empty = catalogue.cached(&history).await.expect("cached");
        assert!(empty.models.is_empty() && empty.fetched_at.is_none());

        let fresh = catalogue.refresh(&client, &history).await;
        assert!(fresh.refresh_error.is_none(), "{:?}", fresh.refresh_error);
        assert_eq!(fresh.models.len(), 371);
        let fetched_at = fresh.fetched_at.expect("fetched_at");
        let names: Vec<String> = fresh.models.iter().map(|m| m.name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "sorted by name");

        server.fail_models(Some(503));
        let failed = catalogue.refresh(&client, &history).await;
        assert_eq!(failed.models, fresh.models, "the cached list is kept");
        assert_eq!(
            failed.fetched_at,
            Some(fetched_at),
            "and says how old it is"
        );
        let error = failed.refresh_error.expect("says why");
        assert_eq!(error.kind, ErrorKind::ProviderDown);
        assert!(!error.message.is_empty());
        // The error stays visible to the next `get_catalogue` of this run.
        let cached = catalogue.cached(&history).await.expect("cached");
        assert!(cached.refresh_error.is_some());

        // A restarted app opens the saved list without the network.
        drop(history);
        let reopened = HistoryStore::open(&path).expect("reopen");
        let offline = ModelCatalogue::default()
            .cached(&reopened)
            .await
            .expect("cached");
        assert_eq!(offline.models.len(), 371);
        assert_eq!(offline.fetched_at, Some(fetched_at));
        assert!(offline.refresh_error.is_none());

        // Offline: nothing listening. The list stays, the error says "offline".
        let nowhere = super::client("http://127.0.0.1:9/api/v1");
        let catalogue = ModelCatalogue::default();
        let result = catalogue.refresh(&nowhere, &reopened).await;
        assert_eq!(result.models.len(), 371);
        assert_eq!(
            result.refresh_error.map(|e| e.kind),
            Some(ErrorKind::Offline)
        );

        // Back online, the error clears.
        server.fail_models(None);
        let result = catalogue.refresh(&client, &reopened).await;
        assert!(result.refresh_error.is_none());
        assert!(result.fetched_at >= Some(fetched_at));
    }

    #[tokio::test]
    async fn one_malformed_entry_is_skipped_not_the_whole_list() {
        let server = mock::start().await;
        server.serve_models(Some(vec![
            json!({"id": "good/one", "name": "Good One", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}),
            json!({"name": "no id at all"}),
            json!("a string"),
            json!({"id": "odd/two", "pricing": "free", "context_length": "big", "architecture": [1], "future_field": {"x": 1}}),
        ]));
        let history = HistoryStore::open_in_memory().expect("memory");
        let catalogue = ModelCatalogue::default();
        let result = catalogue
            .refresh(&client(&server.base_url()), &history)
            .await;
        assert!(result.refresh_error.is_none());
        let ids: Vec<&str> = result.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["good/one", "odd/two"]);
        assert_eq!(result.models[0].prices.prompt.as_deref(), Some("1"));
        assert_eq!(result.models[1].context_length, None);
        // The cache holds exactly what was kept, as sent.
        let cached = history.model_cache().expect("read").expect("cached");
        assert_eq!(cached.models.len(), 2);
        assert!(cached.models[1].contains("future_field"));

        // An empty list never replaces a good one.
        server.serve_models(Some(vec![json!({"no": "id"})]));
        let result = catalogue
            .refresh(&client(&server.base_url()), &history)
            .await;
        assert_eq!(result.models.len(), 2);
        assert!(result.refresh_error.is_some());
    }

    #[tokio::test]
    async fn endpoints_are_read_per_model_and_a_free_variant_keeps_its_free_ones() {
        let server = mock::start().await;
        let client = client(&server.base_url());
        let catalogue = ModelCatalogue::default();
        let endpoints: Vec<ModelEndpoint> = catalogue
            .endpoints(&client, Some(KEY), "deepseek/deepseek-r1")
            .await
            .expect("endpoints");
        assert_eq!(endpoints.len(), 3);
        let first = &endpoints[0];
        assert_eq!(first.provider_name, "DeepSeek");
        assert!(first.latency_p50_ms.is_some_and(|ms| ms >= 100.0));
        assert!(first.throughput_p50.is_some());
        assert!(first.uptime_last_30m.is_some());
        assert!(first.prices.prompt.is_some());
        assert!(endpoints.iter().any(|e| e.tag == "deepinfra/bf16"));
        assert_eq!(endpoints[2].status, Some(-1));

        let anonymous = catalogue
            .endpoints(&client, None, "deepseek/deepseek-r1")
            .await
            .expect("endpoints");
        assert!(anonymous.iter().all(|e| e.throughput_p50.is_none()));

        let free = catalogue
            .endpoints(&client, Some(KEY), "meta-llama/llama-3.3-70b-instruct:free")
            .await
            .expect("endpoints");
        assert_eq!(free.len(), 1);
        assert_eq!(free[0].prices.prompt.as_deref(), Some("0"));
        let paid = catalogue
            .endpoints(&client, Some(KEY), "meta-llama/llama-3.3-70b-instruct")
            .await
            .expect("endpoints");
        assert!(paid.len() > free.len());
        let sent = server.requests();
        assert!(sent
            .iter()
            .any(|r| r.path == "/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints"));

        let missing = catalogue
            .endpoints(&client, Some(KEY), "nobody/nothing")
            .await
            .expect_err("404");
        let user = openrouter_desktop::user_error::UserError::from(missing);
        assert_eq!(user.kind, ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn providers_are_fetched_once_and_sorted_by_name() {
        let server = mock::start().await;
        let client = client(&server.base_url());
        let catalogue = ModelCatalogue::default();
        let providers = catalogue.providers(&client, None).await.expect("providers");
        assert!(providers.len() >= 10);
        let names: Vec<String> = providers.iter().map(|p| p.name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(providers.iter().any(|p| p.slug == "deepinfra"));
        let again = catalogue.providers(&client, None).await.expect("providers");
        assert_eq!(again, providers);
        let fetched = server
            .requests()
            .iter()
            .filter(|r| r.path == "/api/v1/providers")
            .count();
        assert_eq!(fetched, 1, "cached for the run");
    }
}
