//! `/__mock/*`: scripting the mock from another process (end-to-end tests, demos).

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::activity;
use super::fixtures;
use super::scenario::Scenario;
use super::state::{AccountSettings, State};

/// `POST /__mock/scenario`: queue one scenario (`{"scenario":"slow",...}`) or several (a JSON array of them).
pub async fn push_scenario(
    AxumState(state): AxumState<State>,
    Json(body): Json<Value>,
) -> Response {
    let items = match body {
        Value::Array(items) => items,
        single => vec![single],
    };
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        match Scenario::from_json(item) {
            Ok(scenario) => parsed.push(scenario),
            Err(problem) => {
                return (StatusCode::BAD_REQUEST, Json(json!({"error": problem}))).into_response()
            }
        }
    }
    for scenario in parsed {
        state.push_scenario(scenario);
    }
    Json(json!({"queued": state.queued()})).into_response()
}

/// `GET /__mock/scenario`: what is queued.
pub async fn queued(AxumState(state): AxumState<State>) -> Response {
    Json(json!({"queued": state.queued()})).into_response()
}

/// `GET /__mock/requests`: every API request received so far (no keys).
pub async fn requests(AxumState(state): AxumState<State>) -> Response {
    Json(state.requests()).into_response()
}

/// `POST /__mock/reset`: forget requests, queue, generations and seeded activity; default account, `/key`
/// windows and `/generation` answers.
pub async fn reset(AxumState(state): AxumState<State>) -> Response {
    state.reset();
    Json(json!({"reset": true})).into_response()
}

/// `POST /__mock/account`: set the numbers `/key` and `/credits` report, one flat object of [`Account`] and
/// [`KeyWindows`](super::state::KeyWindows) fields (missing fields take defaults; unset windows follow
/// `key_usage`). Answers with what was set.
pub async fn set_account(
    AxumState(state): AxumState<State>,
    Json(settings): Json<AccountSettings>,
) -> Response {
    state.set_account(settings.account.clone());
    state.set_key_windows(settings.key.clone());
    Json(settings).into_response()
}

/// `POST /__mock/activity`: replace the rows `/activity` serves with a JSON array of rows (`[]` clears them);
/// 400 with a reason if a row is invalid. Answers with how many were stored, how many `/activity` serves today
/// and today's window.
pub async fn set_activity(AxumState(state): AxumState<State>, Json(body): Json<Value>) -> Response {
    let seeds = match activity::parse_seeds(body) {
        Ok(seeds) => seeds,
        Err(problem) => {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": problem}))).into_response()
        }
    };
    let today = activity::today();
    let served = activity::served_rows(&seeds, today).len();
    let stored = seeds.len();
    state.set_activity(seeds);
    Json(json!({"rows": stored, "served": served, "window": activity::window_json(today)}))
        .into_response()
}

/// `GET /__mock/activity`: what `/activity` serves a management key today, and the window.
pub async fn served_activity(AxumState(state): AxumState<State>) -> Response {
    let today = activity::today();
    Json(json!({
        "data": activity::served_rows(&state.activity(), today),
        "window": activity::window_json(today)
    }))
    .into_response()
}

/// `POST /__mock/generation`: `{"not_found_lookups": N}` makes the first N `/generation` lookups of each id
/// answer 404 (counting restarts now); `{}` or 0 restores answering at once.
pub async fn set_generation(
    AxumState(state): AxumState<State>,
    Json(body): Json<Value>,
) -> Response {
    let lookups = match body.get("not_found_lookups") {
        None | Some(Value::Null) => 0,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "not_found_lookups must be a non-negative integer"})),
                )
                    .into_response()
            }
        },
    };
    state.set_generation_not_found_lookups(lookups);
    Json(json!({"not_found_lookups": lookups})).into_response()
}

/// `GET /__mock/fixtures`: names `replay` accepts.
pub async fn fixtures() -> Response {
    Json(json!({"fixtures": fixtures::sse_names()})).into_response()
}

/// `POST /__mock/models`: `{"fail_status": 503}` makes `/models` fail; `{"models": [...]}` serves that list
/// instead of the recorded one; `{}` restores both.
pub async fn set_models(AxumState(state): AxumState<State>, Json(body): Json<Value>) -> Response {
    let fail_status =
        match body.get("fail_status") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().and_then(|s| u16::try_from(s).ok()) {
                Some(status) if (400..=599).contains(&status) => Some(status),
                _ => return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "fail_status must be an HTTP error status (400..=599)"})),
                )
                    .into_response(),
            },
        };
    let models = match body.get("models") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => Some(list.clone()),
        Some(_) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "models must be an array"})),
            )
                .into_response()
        }
    };
    state.set_models_failure(fail_status);
    state.set_models(models);
    Json(json!({"fail_status": fail_status, "models": state.models().len()})).into_response()
}
