//! `/models`, `/key`, `/credits`, `/generation` and the OAuth code exchange `/auth/keys` (`/activity` is in
//! `activity.rs`).

use std::collections::HashMap;

use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::auth::{self, Caller};
use super::chunks::{random_alnum, random_hex};
use super::errors::ErrorReply;
use super::fixtures;
use super::state::{LimitReset, State};

/// Largest page `/models` serves (the real API's cap).
const MAX_MODELS_PAGE: usize = 1000;

/// The key, or the 401 the real API sends.
fn require_key(headers: &HeaderMap) -> Result<(String, bool), ErrorReply> {
    match auth::caller(headers) {
        Caller::Key { key, management } => Ok((key, management)),
        Caller::Anonymous => Err(ErrorReply::no_credentials()),
        Caller::Rejected => Err(ErrorReply::user_not_found()),
    }
}

/// A management key, or the 401 / 403 the real API sends (`/credits`, `/activity`).
pub fn require_management(headers: &HeaderMap) -> Result<String, ErrorReply> {
    match require_key(headers)? {
        (key, true) => Ok(key),
        (_, false) => Err(ErrorReply::new(
            StatusCode::FORBIDDEN,
            "Only management keys can perform this operation",
        )),
    }
}

/// `GET /models`: the recorded list (or the one a test put in its place); `offset`/`limit` page it like the
/// real API (omitted = everything). A test can make it fail with a given status.
pub async fn models(
    AxumState(state): AxumState<State>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if matches!(auth::caller(&headers), Caller::Rejected) {
        return ErrorReply::user_not_found().into_response();
    }
    if let Some(status) = state.models_failure() {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return match fixtures::openapi_example(&format!("GET /models {status} application/json")) {
            Some(body) => (code, Json(body)).into_response(),
            None => {
                ErrorReply::new(code, code.canonical_reason().unwrap_or("Error")).into_response()
            }
        };
    }
    let all = state.models();
    let parse = |name: &str| query.get(name).map(|v| v.parse::<usize>());
    let offset = match parse("offset") {
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return ErrorReply::new(StatusCode::BAD_REQUEST, "Invalid offset").into_response()
        }
        None => 0,
    };
    let limit = match parse("limit") {
        Some(Ok(n)) if (1..=MAX_MODELS_PAGE).contains(&n) => Some(n),
        Some(_) => {
            return ErrorReply::new(StatusCode::BAD_REQUEST, "Invalid limit").into_response()
        }
        None => None,
    };
    let start = offset.min(all.len());
    let end = limit.map_or(all.len(), |l| (start + l).min(all.len()));
    let next = (end < all.len() && limit.is_some()).then(|| {
        format!(
            "/api/v1/models?offset={end}&limit={}",
            limit.unwrap_or(MAX_MODELS_PAGE)
        )
    });
    Json(json!({"data": &all[start..end], "links": {"next": next}, "total_count": all.len()}))
        .into_response()
}

/// `GET /key`: the spec's example shape, with the caller's masked key as label. The usage windows follow
/// `key_usage` and the BYOK ones `byok_usage` (0) unless a test set them; `limit_remaining` is the limit minus
/// the usage of the `limit_reset` period (all-time `usage` when it is `null`).
pub async fn key(AxumState(state): AxumState<State>, headers: HeaderMap) -> Response {
    let (key, management) = match require_key(&headers) {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let account = state.account();
    let windows = state.key_windows();
    let usage = account.key_usage;
    let usage_daily = windows.usage_daily.unwrap_or(usage);
    let usage_weekly = windows.usage_weekly.unwrap_or(usage);
    let usage_monthly = windows.usage_monthly.unwrap_or(usage);
    let byok_usage = windows.byok_usage.unwrap_or(0.0);
    let limit_reset = windows
        .limit_reset
        .unwrap_or(account.key_limit.map(|_| LimitReset::Monthly));
    let counted = match limit_reset {
        Some(LimitReset::Daily) => usage_daily,
        Some(LimitReset::Weekly) => usage_weekly,
        Some(LimitReset::Monthly) => usage_monthly,
        None => usage,
    };
    let limit_remaining = account
        .key_limit
        .map(|limit| ((limit - counted) * 1e6).round() / 1e6);
    Json(json!({
        "data": {
            "label": auth::masked_label(&key),
            "limit": account.key_limit,
            "limit_remaining": limit_remaining,
            "limit_reset": limit_reset.map(LimitReset::as_str),
            "include_byok_in_limit": false,
            "usage": usage,
            "usage_daily": usage_daily,
            "usage_weekly": usage_weekly,
            "usage_monthly": usage_monthly,
            "byok_usage": byok_usage,
            "byok_usage_daily": windows.byok_usage_daily.unwrap_or(byok_usage),
            "byok_usage_weekly": windows.byok_usage_weekly.unwrap_or(byok_usage),
            "byok_usage_monthly": windows.byok_usage_monthly.unwrap_or(byok_usage),
            "is_free_tier": account.is_free_tier,
            "is_management_key": management,
            "is_provisioning_key": management,
            "free_model_daily_requests": if account.is_free_tier {
                json!({"limit": 50, "remaining": 50, "used": 0})
            } else {
                json!({"limit": 1000, "remaining": 1000, "used": 0})
            },
            "allowed_data_regions": ["global"],
            "expires_at": null,
            "creator_user_id": super::errors::MOCK_USER_ID,
            "organization_id": null,
            "workspace_id": null,
            "rate_limit": {"requests": 1000, "interval": "1h", "note": "This field is deprecated and safe to ignore."}
        }
    }))
    .into_response()
}

/// `GET /credits`: 403 for an ordinary key, as the real API does now; totals for a management key.
pub async fn credits(AxumState(state): AxumState<State>, headers: HeaderMap) -> Response {
    match require_management(&headers) {
        Err(error) => error.into_response(),
        Ok(_) => {
            let account = state.account();
            Json(json!({"data": {"total_credits": account.total_credits, "total_usage": account.total_usage}}))
                .into_response()
        }
    }
}

/// `GET /generation?id=`: the recorded body with `id` echoed; for a reply this mock served, its model, tokens,
/// cost, and `cancelled` when the client went away before it finished (tokens and cost then of what was sent).
/// While a test asks for it, the first N lookups of each id get the spec's 404, like the real API right after
/// a generation.
pub async fn generation(
    AxumState(state): AxumState<State>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(error) = require_key(&headers) {
        return error.into_response();
    }
    let Some(id) = query.get("id").filter(|id| !id.is_empty()) else {
        return ErrorReply::new(
            StatusCode::BAD_REQUEST,
            "Missing required query parameter: id",
        )
        .into_response();
    };
    if state.generation_lookup_hidden(id) {
        return match fixtures::openapi_example("GET /generation 404 application/json") {
            Some(body) => (StatusCode::NOT_FOUND, Json(body)).into_response(),
            None => ErrorReply::new(StatusCode::NOT_FOUND, "Resource not found").into_response(),
        };
    }
    let mut body = fixtures::generation();
    let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) else {
        return ErrorReply::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            .into_response();
    };
    data.insert("id".into(), Value::String(id.clone()));
    if let Some(served) = state.generation(id) {
        let set = |data: &mut serde_json::Map<String, Value>, key: &str, value: Value| {
            data.insert(key.to_owned(), value);
        };
        set(data, "model", json!(served.model));
        set(data, "provider_name", json!(served.provider));
        set(data, "streamed", json!(served.streamed));
        set(data, "cancelled", json!(served.cancelled));
        set(data, "finish_reason", json!(served.finish_reason));
        set(data, "native_finish_reason", json!(served.finish_reason));
        set(data, "tokens_prompt", json!(served.prompt_tokens));
        set(data, "tokens_completion", json!(served.completion_tokens));
        set(data, "native_tokens_prompt", json!(served.prompt_tokens));
        set(
            data,
            "native_tokens_completion",
            json!(served.completion_tokens),
        );
        set(
            data,
            "native_tokens_reasoning",
            json!(served.reasoning_tokens),
        );
        set(data, "usage", json!(served.cost));
        set(data, "total_cost", json!(served.cost));
        let upstream_id = format!("chatcmpl-{}", random_alnum(24));
        set(data, "upstream_id", json!(upstream_id));
        set(
            data,
            "provider_responses",
            json!([{
                "endpoint_id": format!("{}-{}-{}-{}-{}", random_hex(8), random_hex(4), random_hex(4), random_hex(4), random_hex(12)),
                "id": upstream_id,
                "is_byok": false,
                "latency": 420,
                "model_permaslug": served.model,
                "provider_name": served.provider,
                "status": 200
            }]),
        );
    }
    Json(body).into_response()
}

/// `POST /auth/keys`: any code becomes a fresh key (OAuth PKCE exchange; no auth header needed).
pub async fn exchange_code() -> Response {
    Json(json!({"key": format!("sk-or-v1-{}", random_hex(64)), "user_id": super::errors::MOCK_USER_ID})).into_response()
}
