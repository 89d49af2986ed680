//! The mock's model catalogue endpoints: `/models/{author}/{slug}/endpoints`, `/providers`, a `/models` that
//! fails or serves another list, and the 404 after a free promotion ended.

mod common;

use acceptance::mock::{self, ErrorVariant, Scenario};
use common::{chat_body, client, post_chat, KEY};
use serde_json::{json, Value};

async fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = client().get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

/// The fields the OpenAPI spec's `PublicEndpoint` requires.
const PUBLIC_ENDPOINT_REQUIRED: &[&str] = &[
    "name",
    "model_id",
    "model_name",
    "context_length",
    "pricing",
    "provider_name",
    "tag",
    "quantization",
    "max_completion_tokens",
    "max_prompt_tokens",
    "supported_parameters",
    "uptime_last_30m",
    "uptime_last_5m",
    "uptime_last_1d",
    "supports_implicit_caching",
    "latency_last_30m",
    "throughput_last_30m",
];

#[tokio::test]
async fn endpoints_have_the_spec_shape_with_stats_only_for_a_key() {
    let server = mock::start().await;
    let url = format!(
        "{}/models/deepseek/deepseek-r1/endpoints",
        server.base_url()
    );
    let (status, body) = get(&url, Some(KEY)).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["id"], "deepseek/deepseek-r1");
    for key in ["name", "created", "description", "architecture"] {
        assert!(data.get(key).is_some(), "data.{key}");
    }
    let endpoints = data["endpoints"].as_array().expect("endpoints");
    assert_eq!(endpoints.len(), 3);
    for e in endpoints {
        for key in PUBLIC_ENDPOINT_REQUIRED {
            assert!(e.get(*key).is_some(), "{key} missing in {e}");
        }
        assert!(e["pricing"]["prompt"].as_str().is_some());
        assert!(e["pricing"]["completion"].as_str().is_some());
        let latency = &e["latency_last_30m"];
        let p50 = latency["p50"].as_f64().expect("p50 ms");
        assert!(
            (100.0..5000.0).contains(&p50),
            "latency is in milliseconds: {p50}"
        );
        assert!(latency["p99"].as_f64() > latency["p50"].as_f64());
        let throughput = &e["throughput_last_30m"];
        assert!(throughput["p50"].as_f64() > throughput["p99"].as_f64());
        let tag = e["tag"].as_str().expect("tag");
        let slug = tag.split('/').next().expect("slug");
        assert!(
            ["deepseek", "deepinfra", "together"].contains(&slug),
            "{tag}"
        );
    }
    assert_eq!(endpoints[0]["provider_name"], "DeepSeek");
    assert_eq!(endpoints[0]["quantization"], Value::Null);
    assert_eq!(endpoints[1]["tag"], "deepinfra/bf16");
    assert_eq!(endpoints[2]["status"], -1, "one endpoint is degraded");

    let (_, anonymous) = get(&url, None).await;
    for e in anonymous["data"]["endpoints"]
        .as_array()
        .expect("endpoints")
    {
        assert_eq!(e["latency_last_30m"], Value::Null);
        assert_eq!(e["throughput_last_30m"], Value::Null);
    }
    let (_, again) = get(&url, Some(KEY)).await;
    assert_eq!(again, body, "the same model always gets the same endpoints");
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/api/v1/models/deepseek/deepseek-r1/endpoints" && r.has_bearer));
}

#[tokio::test]
async fn a_free_sibling_adds_a_free_endpoint_and_unknown_models_are_404() {
    let server = mock::start().await;
    let base = server.base_url();
    let (_, body) = get(
        &format!("{base}/models/meta-llama/llama-3.3-70b-instruct/endpoints"),
        Some(KEY),
    )
    .await;
    let endpoints = body["data"]["endpoints"].as_array().expect("endpoints");
    let free: Vec<&Value> = endpoints
        .iter()
        .filter(|e| e["pricing"]["prompt"] == "0" && e["pricing"]["completion"] == "0")
        .collect();
    assert_eq!(free.len(), 1, "{endpoints:?}");
    assert!(endpoints.len() >= 2);
    // By canonical slug (what `links.details` points at) too.
    let (status, _) = get(
        &format!("{base}/models/anthropic/claude-3-7-sonnet-20250219/endpoints"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = get(&format!("{base}/models/nobody/nothing/endpoints"), None).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], 404);
    let (_, router) = get(&format!("{base}/models/openrouter/auto/endpoints"), None).await;
    assert_eq!(router["data"]["endpoints"], json!([]));
}

#[tokio::test]
async fn providers_list_a_dozen_with_their_slugs() {
    let server = mock::start().await;
    let (status, body) = get(&format!("{}/providers", server.base_url()), None).await;
    assert_eq!(status, 200);
    let list = body["data"].as_array().expect("data");
    assert!(list.len() >= 10);
    for p in list {
        for key in ["name", "slug", "privacy_policy_url"] {
            assert!(p.get(key).is_some_and(|v| !v.is_null()), "{key} in {p}");
        }
        let slug = p["slug"].as_str().expect("slug");
        assert_eq!(slug, slug.to_lowercase());
    }
    // Every endpoint tag starts with a listed slug.
    let slugs: Vec<&str> = list.iter().filter_map(|p| p["slug"].as_str()).collect();
    for model in [
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4.5",
        "qwen/qwen3-coder",
        "google/gemini-2.5-flash",
    ] {
        let (_, body) = get(
            &format!("{}/models/{model}/endpoints", server.base_url()),
            None,
        )
        .await;
        for e in body["data"]["endpoints"].as_array().expect("endpoints") {
            let tag = e["tag"].as_str().expect("tag");
            assert!(
                slugs.contains(&tag.split('/').next().unwrap_or_default()),
                "{model}: {tag}"
            );
        }
    }
}

#[tokio::test]
async fn models_can_be_made_to_fail_or_replaced_from_rust_and_over_http() {
    let server = mock::start().await;
    let url = format!("{}/models", server.base_url());
    server.fail_models(Some(503));
    let (status, body) = get(&url, None).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], 503);
    server.fail_models(None);
    server.serve_models(Some(vec![json!({"id": "a/b"}), json!({"bad": true})]));
    let (status, body) = get(&url, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(2));

    let control = format!("{}/__mock/models", server.origin());
    let response = client()
        .post(&control)
        .json(&json!({"fail_status": 500}))
        .send()
        .await
        .expect("control");
    assert_eq!(response.status(), 200);
    assert_eq!(get(&url, None).await.0, 500);
    let response = client()
        .post(&control)
        .json(&json!({"fail_status": 200}))
        .send()
        .await
        .expect("control");
    assert_eq!(response.status(), 400);
    client()
        .post(&control)
        .json(&json!({}))
        .send()
        .await
        .expect("control");
    let (status, body) = get(&url, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(371));
    server.fail_models(Some(502));
    server.reset();
    assert_eq!(get(&url, None).await.0, 200, "reset restores /models");
}

#[tokio::test]
async fn an_ended_free_promotion_is_a_404_naming_the_paid_slug() {
    let server = mock::start().await;
    server.push_scenario(Scenario::HttpError {
        status: 404,
        retry_after: None,
        variant: Some(ErrorVariant::FreeVariantEnded),
    });
    let mut body = chat_body("hello", true);
    body["model"] = json!("openai/gpt-oss-120b:free");
    let response = post_chat(&server.base_url(), &body).await;
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.expect("json");
    let availability = &error["error"]["availability"];
    assert_eq!(availability["code"], "free_variant_ended");
    assert_eq!(availability["retryable"], false);
    assert_eq!(
        availability["requested_models"],
        json!(["openai/gpt-oss-120b:free"])
    );
    assert_eq!(
        availability["fallback_models"],
        json!(["openai/gpt-oss-120b"])
    );
    let message = error["error"]["message"].as_str().expect("message");
    assert!(
        message.starts_with("The free gpt-oss-120b period has ended."),
        "{message}"
    );
    assert!(message.ends_with("migrate to the paid slug: openai/gpt-oss-120b"));
    // The same from a prompt, and a wrong status is refused.
    let prompt = chat_body("/mock http_error 404 variant=free_variant_ended", true);
    assert_eq!(post_chat(&server.base_url(), &prompt).await.status(), 404);
    assert!(Scenario::from_json(
        json!({"scenario": "http_error", "status": 429, "variant": "free_variant_ended"})
    )
    .is_err());
}
