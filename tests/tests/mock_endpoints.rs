//! The mock's account endpoints: `/models`, `/key`, `/credits`, `/generation`, `/auth/keys`, auth rules.

mod common;

use acceptance::mock::{self, Account};
use common::{client, read_fixture_json, BAD_KEY, KEY, MGMT_KEY};
use serde_json::{json, Value};

async fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = client().get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn base_url_is_loopback_api_v1() {
    let server = mock::start().await;
    let url = server.base_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/api/v1"), "{url}");
    assert_ne!(server.addr().port(), 0);
}

#[tokio::test]
async fn models_serves_the_recorded_list() {
    let server = mock::start().await;
    let (status, body) = get(&format!("{}/models", server.base_url()), None).await;
    assert_eq!(status, 200, "/models needs no key");
    let served = body["data"].as_array().expect("data array");
    let recorded = read_fixture_json("models-data-array-2026-05-01.json");
    let recorded = recorded.as_array().expect("fixture array");
    assert_eq!(served.len(), 371);
    assert_eq!(body["total_count"], 371);
    assert_eq!(body["links"]["next"], Value::Null);
    for (served, recorded) in served.iter().zip(recorded) {
        // Identical to the recording except the one field the current spec requires that it lacks.
        let mut served = served.clone();
        assert_eq!(served["supported_voices"], Value::Null, "{}", served["id"]);
        served
            .as_object_mut()
            .expect("object")
            .remove("supported_voices");
        assert_eq!(&served, recorded);
    }
    assert!(served
        .iter()
        .any(|m| m["id"] == "openrouter/auto" && m["pricing"]["prompt"] == "-1"));
}

#[tokio::test]
async fn models_pages_with_offset_and_limit() {
    let server = mock::start().await;
    let base = server.base_url();
    let (_, first) = get(&format!("{base}/models?offset=0&limit=100"), Some(KEY)).await;
    assert_eq!(first["data"].as_array().map(Vec::len), Some(100));
    assert_eq!(
        first["links"]["next"],
        "/api/v1/models?offset=100&limit=100"
    );
    let (_, last) = get(&format!("{base}/models?offset=300&limit=100"), Some(KEY)).await;
    assert_eq!(last["data"].as_array().map(Vec::len), Some(71));
    assert_eq!(last["links"]["next"], Value::Null);
    let (status, _) = get(&format!("{base}/models?limit=0"), None).await;
    assert_eq!(status, 400);
    let (status, body) = get(&format!("{base}/models"), Some(BAD_KEY)).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"error": {"code": 401, "message": "User not found."}})
        )
    );
}

#[tokio::test]
async fn key_requires_a_valid_key_with_the_real_401_bodies() {
    let server = mock::start().await;
    let url = format!("{}/key", server.base_url());
    assert_eq!(
        get(&url, None).await,
        (
            401,
            json!({"error": {"code": 401, "message": "No cookie auth credentials found"}})
        )
    );
    for rejected in [BAD_KEY, "sk-proj-openai-style", "sk-or-v2-x", "hello"] {
        assert_eq!(
            get(&url, Some(rejected)).await,
            (
                401,
                json!({"error": {"code": 401, "message": "User not found."}})
            ),
            "{rejected}"
        );
    }
}

#[tokio::test]
async fn key_has_the_spec_shape_with_a_masked_label() {
    let server = mock::start().await;
    let (status, body) = get(&format!("{}/key", server.base_url()), Some(KEY)).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["label"], "sk-or-v1-tes...567");
    assert!(
        !body.to_string().contains(&KEY[12..]),
        "the key must not be echoed"
    );
    let spec =
        mock::fixtures::openapi_example("GET /key 200 application/json").expect("spec example");
    for field in spec["data"].as_object().expect("object").keys() {
        assert!(
            data.get(field).is_some(),
            "/key lacks the spec's field {field}"
        );
    }
    assert_eq!(data["limit"], 100.0);
    assert_eq!(data["limit_remaining"], 74.5);
    assert_eq!(data["usage_daily"], 25.5);
    assert_eq!(data["is_free_tier"], false);
    assert_eq!(data["is_management_key"], false);
    // The old path still answers.
    let (status, alias) = get(&format!("{}/auth/key", server.base_url()), Some(KEY)).await;
    assert_eq!((status, &alias["data"]["label"]), (200, &data["label"]));
}

#[tokio::test]
async fn account_numbers_can_be_changed() {
    let server = mock::start().await;
    server.set_account(Account {
        key_limit: None,
        key_usage: 3.25,
        is_free_tier: true,
        total_credits: 5.0,
        total_usage: 4.5,
    });
    let (_, key) = get(&format!("{}/key", server.base_url()), Some(KEY)).await;
    assert_eq!(key["data"]["limit"], Value::Null);
    assert_eq!(key["data"]["limit_remaining"], Value::Null);
    assert_eq!(key["data"]["usage_monthly"], 3.25);
    assert_eq!(key["data"]["is_free_tier"], true);
    let (_, credits) = get(&format!("{}/credits", server.base_url()), Some(MGMT_KEY)).await;
    assert_eq!(
        credits,
        json!({"data": {"total_credits": 5.0, "total_usage": 4.5}})
    );
    server.reset();
    let (_, credits) = get(&format!("{}/credits", server.base_url()), Some(MGMT_KEY)).await;
    assert_eq!(
        credits,
        json!({"data": {"total_credits": 100.5, "total_usage": 25.75}})
    );
}

#[tokio::test]
async fn credits_is_forbidden_for_ordinary_keys() {
    let server = mock::start().await;
    let url = format!("{}/credits", server.base_url());
    assert_eq!(
        get(&url, Some(KEY)).await,
        (
            403,
            json!({"error": {"code": 403, "message": "Only management keys can perform this operation"}})
        )
    );
    assert_eq!(
        get(&url, Some(MGMT_KEY)).await,
        (
            200,
            json!({"data": {"total_credits": 100.5, "total_usage": 25.75}})
        )
    );
    assert_eq!(get(&url, None).await.0, 401);
    assert_eq!(get(&url, Some(BAD_KEY)).await.0, 401);
}

#[tokio::test]
async fn generation_echoes_the_id_in_the_recorded_shape() {
    let server = mock::start().await;
    let base = server.base_url();
    let (status, body) = get(&format!("{base}/generation?id=gen-123-abc"), Some(KEY)).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["id"], "gen-123-abc");
    let recorded =
        read_fixture_json("account-endpoints/generation-cancelled-stream-2026-02-24.json");
    for (field, value) in recorded["data"].as_object().expect("object") {
        if field != "id" {
            assert_eq!(&data[field], value, "{field} differs from the recording");
        }
    }
    for field in [
        "data_region",
        "http_referer",
        "num_fetches",
        "web_search_engine",
        "workspace_id",
    ] {
        assert!(data.get(field).is_some(), "missing {field}");
    }
    assert_eq!(get(&format!("{base}/generation"), Some(KEY)).await.0, 400);
    assert_eq!(
        get(&format!("{base}/generation?id=gen-1"), None).await.0,
        401
    );
}

#[tokio::test]
async fn generation_reports_a_reply_the_mock_served() {
    let server = mock::start().await;
    let base = server.base_url();
    let reply: Value = common::post_chat(&base, &common::chat_body("hi", false))
        .await
        .json()
        .await
        .expect("json");
    let id = reply["id"].as_str().expect("id");
    let (_, body) = get(&format!("{base}/generation?id={id}"), Some(KEY)).await;
    let data = &body["data"];
    assert_eq!(data["id"], id);
    assert_eq!(data["model"], "openai/gpt-4o");
    assert_eq!(data["streamed"], false);
    assert_eq!(data["cancelled"], false);
    assert_eq!(data["total_cost"], reply["usage"]["cost"]);
    assert_eq!(
        data["tokens_completion"],
        reply["usage"]["completion_tokens"]
    );
}

#[tokio::test]
async fn auth_keys_exchanges_any_code_for_a_key() {
    let server = mock::start().await;
    let response = client()
        .post(format!("{}/auth/keys", server.base_url()))
        .json(&json!({"code": "anything", "code_verifier": "v", "code_challenge_method": "S256"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let key = body["key"].as_str().expect("key");
    assert!(key.starts_with("sk-or-v1-") && key.len() == 9 + 64, "{key}");
    assert!(key[9..].chars().all(|c| c.is_ascii_hexdigit()));
    assert!(body["user_id"]
        .as_str()
        .is_some_and(|u| u.starts_with("user_")));
}

#[tokio::test]
async fn unknown_paths_get_a_json_404() {
    let server = mock::start().await;
    let (status, body) = get(&format!("{}/no/such/thing", server.base_url()), Some(KEY)).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": {"code": 404, "message": "Not Found"}}))
    );
}

#[test]
fn starts_from_synchronous_code_and_stops_on_drop() {
    let server = mock::start_blocking();
    let addr = server.addr();
    assert!(std::net::TcpStream::connect(addr).is_ok());
    drop(server);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port still accepts after drop"
    );
}
