//! The router: `/api/v1/*` (the OpenRouter API) and `/__mock/*` (test control), plus the request log.

use std::collections::BTreeMap;

use axum::body::{to_bytes, Body};
use axum::extract::{DefaultBodyLimit, Request, State as AxumState};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::account;
use super::activity;
use super::auth;
use super::catalog;
use super::chat;
use super::control;
use super::errors::ErrorReply;
use super::state::{RecordedRequest, State};

/// Largest request body the mock reads (images and PDFs travel as data URIs).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// The request-log id of the current request, for handlers that report back (status, stream end).
#[derive(Debug, Clone, Copy)]
pub struct RequestId(pub u64);

pub fn router(state: State) -> Router {
    let api = Router::new()
        .route("/models", get(account::models))
        .route("/models/{author}/{slug}/endpoints", get(catalog::endpoints))
        .route("/providers", get(catalog::providers))
        .route("/key", get(account::key))
        .route("/auth/key", get(account::key))
        .route("/credits", get(account::credits))
        .route("/activity", get(activity::activity))
        .route("/generation", get(account::generation))
        .route("/auth/keys", post(account::exchange_code))
        .route("/chat/completions", post(chat::chat_completions));
    let control = Router::new()
        .route(
            "/scenario",
            post(control::push_scenario).get(control::queued),
        )
        .route("/requests", get(control::requests))
        .route("/reset", post(control::reset))
        .route("/account", post(control::set_account))
        .route(
            "/activity",
            post(control::set_activity).get(control::served_activity),
        )
        .route("/generation", post(control::set_generation))
        .route("/models", post(control::set_models))
        .route("/fixtures", get(control::fixtures));
    Router::new()
        .nest("/api/v1", api)
        .nest("/__mock", control)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

async fn not_found() -> Response {
    ErrorReply::new(StatusCode::NOT_FOUND, "Not Found").into_response()
}

/// Logs every API request (not `/__mock/*`), then its response status.
async fn record(AxumState(state): AxumState<State>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/__mock") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ErrorReply::new(StatusCode::PAYLOAD_TOO_LARGE, "Request payload too large")
                .into_response()
        }
    };
    let headers: BTreeMap<String, String> = parts
        .headers
        .iter()
        .filter(|(name, _)| {
            *name != header::AUTHORIZATION
                && *name != header::COOKIE
                && *name != header::PROXY_AUTHORIZATION
        })
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let recorded = RecordedRequest {
        id: 0,
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        body: serde_json::from_slice(&bytes).ok(),
        has_bearer: auth::bearer(&parts.headers).is_some(),
        headers,
        received_ms: state.elapsed_ms(),
        status: None,
        scenario: None,
        stream_end: None,
        stream_end_ms: None,
    };
    let id = state.record(recorded);
    if state.config.log_requests {
        eprintln!("mock-openrouter: #{id} {} {path}", parts.method);
    }
    parts.extensions.insert(RequestId(id));
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status().as_u16();
    state.update_request(id, |r| r.status = Some(status));
    response
}
