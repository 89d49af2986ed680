//! `GET /activity` (management key only): the rows a test seeded through `POST /__mock/activity`, as the real
//! API serves them: only the last 30 completed UTC days (yesterday back to 30 days ago, never today), one row per
//! date × model × endpoint (seeded rows sharing those three are added up), newest date first. Nothing is seeded
//! by default, so a fresh mock answers `{"data":[]}`.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::account::require_management;
use super::chunks::{provider_for, round_usd};
use super::errors::ErrorReply;
use super::fixtures;
use super::state::State;

/// How many completed days `/activity` covers.
const WINDOW_DAYS: i64 = 30;

/// One row as a test seeds it (`POST /__mock/activity`). Only `model` is required; the day is `date`
/// (`YYYY-MM-DD`) or `days_ago` (1 = yesterday, resolved when served), yesterday when neither is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivitySeed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_ago: Option<u32>,
    pub model: String,
    /// Default: `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_permaslug: Option<String>,
    /// Default: a UUID derived from the model and provider (stable, so rows of one model group together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    /// Default: the provider the mock's chat replies name for that model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub usage: f64,
    #[serde(default)]
    pub byok_usage_inference: f64,
    #[serde(default = "one")]
    pub requests: u64,
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub reasoning_tokens: u64,
}

fn one() -> u64 {
    1
}

/// One `ActivityItem` of the spec, fields in the order the spec lists them as required.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRow {
    pub date: String,
    pub model: String,
    pub model_permaslug: String,
    pub endpoint_id: String,
    pub provider_name: String,
    pub usage: f64,
    pub byok_usage_inference: f64,
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
}

#[derive(Serialize)]
struct ActivityResponse {
    data: Vec<ActivityRow>,
}

/// Parses the body of `POST /__mock/activity`: a JSON array of rows (or one row object).
pub fn parse_seeds(body: Value) -> Result<Vec<ActivitySeed>, String> {
    let items = match body {
        Value::Array(items) => items,
        single @ Value::Object(_) => vec![single],
        _ => return Err("expected a JSON array of activity rows".into()),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let seed: ActivitySeed =
                serde_json::from_value(item).map_err(|e| format!("row {i}: {e}"))?;
            validate(&seed).map_err(|problem| format!("row {i}: {problem}"))?;
            Ok(seed)
        })
        .collect()
}

fn validate(seed: &ActivitySeed) -> Result<(), String> {
    if seed.model.trim().is_empty() {
        return Err("model must not be empty".into());
    }
    match (&seed.date, seed.days_ago) {
        (Some(_), Some(_)) => return Err("give date or days_ago, not both".into()),
        (Some(date), None) if parse_date(date).is_none() => {
            return Err(format!("date `{date}` is not a YYYY-MM-DD calendar date"))
        }
        _ => {}
    }
    for (name, value) in [
        ("usage", seed.usage),
        ("byok_usage_inference", seed.byok_usage_inference),
    ] {
        if !value.is_finite() || value < 0.0 {
            return Err(format!("{name} must be a non-negative number"));
        }
    }
    Ok(())
}

/// What `/activity` serves on UTC day `today` (days since 1970-01-01): rows inside the window, grouped,
/// newest date first, then by model and endpoint.
pub fn served_rows(seeds: &[ActivitySeed], today: i64) -> Vec<ActivityRow> {
    let (first, last) = window(today);
    let mut grouped: Vec<(i64, ActivityRow)> = Vec::new();
    let mut index: HashMap<(i64, String, String), usize> = HashMap::new();
    for seed in seeds {
        let day = match (&seed.date, seed.days_ago) {
            (Some(date), _) => match parse_date(date) {
                Some(day) => day,
                None => continue,
            },
            (None, days_ago) => today - i64::from(days_ago.unwrap_or(1)),
        };
        if day < first || day > last {
            continue;
        }
        let provider_name = seed
            .provider_name
            .clone()
            .unwrap_or_else(|| provider_for(&seed.model));
        let endpoint_id = seed
            .endpoint_id
            .clone()
            .unwrap_or_else(|| endpoint_uuid(&seed.model, &provider_name));
        let key = (day, seed.model.clone(), endpoint_id.clone());
        if let Some(&at) = index.get(&key) {
            let row = &mut grouped[at].1;
            row.usage = round_usd(row.usage + seed.usage);
            row.byok_usage_inference =
                round_usd(row.byok_usage_inference + seed.byok_usage_inference);
            row.requests += seed.requests;
            row.prompt_tokens += seed.prompt_tokens;
            row.completion_tokens += seed.completion_tokens;
            row.reasoning_tokens += seed.reasoning_tokens;
            continue;
        }
        index.insert(key, grouped.len());
        grouped.push((
            day,
            ActivityRow {
                date: format_date(day),
                model: seed.model.clone(),
                model_permaslug: seed
                    .model_permaslug
                    .clone()
                    .unwrap_or_else(|| seed.model.clone()),
                endpoint_id,
                provider_name,
                usage: round_usd(seed.usage),
                byok_usage_inference: round_usd(seed.byok_usage_inference),
                requests: seed.requests,
                prompt_tokens: seed.prompt_tokens,
                completion_tokens: seed.completion_tokens,
                reasoning_tokens: seed.reasoning_tokens,
            },
        ));
    }
    grouped.sort_by(|(a_day, a), (b_day, b)| {
        b_day
            .cmp(a_day)
            .then_with(|| a.model.cmp(&b.model))
            .then_with(|| a.endpoint_id.cmp(&b.endpoint_id))
    });
    grouped.into_iter().map(|(_, row)| row).collect()
}

/// First and last day `/activity` covers on `today`: 30 days ago through yesterday.
pub fn window(today: i64) -> (i64, i64) {
    (today - WINDOW_DAYS, today - 1)
}

/// `{"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}` for today's window (what the control endpoints report).
pub fn window_json(today: i64) -> Value {
    let (first, last) = window(today);
    json!({"from": format_date(first), "to": format_date(last)})
}

/// `GET /activity?date=`: 401 without a valid key, 403 for an ordinary key (the real body), 400 (the spec's
/// body) for a `date` that is not `YYYY-MM-DD` or not in the window. Other filters (`api_key_hash`, `user_id`,
/// `workspace_id`, `group_by`) are accepted and ignored.
pub async fn activity(
    AxumState(state): AxumState<State>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(error) = require_management(&headers) {
        return error.into_response();
    }
    let today = today();
    let mut rows = served_rows(&state.activity(), today);
    if let Some(date) = query.get("date") {
        let (first, last) = window(today);
        match parse_date(date) {
            Some(day) if (first..=last).contains(&day) => {
                let wanted = format_date(day);
                rows.retain(|row| row.date == wanted);
            }
            _ => return bad_request(),
        }
    }
    Json(ActivityResponse { data: rows }).into_response()
}

fn bad_request() -> Response {
    match fixtures::openapi_example("GET /activity 400 application/json") {
        Some(body) => (StatusCode::BAD_REQUEST, Json(body)).into_response(),
        None => {
            ErrorReply::new(StatusCode::BAD_REQUEST, "Invalid request parameters").into_response()
        }
    }
}

/// The current UTC day, in days since 1970-01-01.
pub fn today() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    i64::try_from(secs / 86_400).unwrap_or(0)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` calendar date (exactly that form).
pub fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(i64::from(year), month, day))
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01.
pub fn format_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil` (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// A stable UUID-shaped endpoint id for a model at a provider (FNV-1a, two seeds).
fn endpoint_uuid(model: &str, provider: &str) -> String {
    let fnv = |seed: u64| {
        let mut hash = seed;
        for byte in model.bytes().chain([0]).chain(provider.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash
    };
    let hex = format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    );
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2025-08-24"), Some(20_324));
        assert_eq!(format_date(20_324), "2025-08-24");
        assert_eq!(
            format_date(parse_date("2024-02-29").unwrap_or(0)),
            "2024-02-29"
        );
        for day in 19_000..21_000 {
            assert_eq!(parse_date(&format_date(day)), Some(day));
        }
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-01",
            "2025/01/01",
            "20250101",
            "2025-01-00",
            "+025-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn rows_are_grouped_windowed_and_newest_first() {
        let today = parse_date("2026-03-10").unwrap_or(0);
        let seeds = parse_seeds(json!([
            {"days_ago": 2, "model": "openai/gpt-4o", "usage": 0.5, "prompt_tokens": 10},
            {"date": "2026-03-08", "model": "openai/gpt-4o", "usage": 0.25, "prompt_tokens": 5},
            {"days_ago": 1, "model": "anthropic/claude-sonnet-4.5", "usage": 1.0},
            {"days_ago": 0, "model": "openai/gpt-4o", "usage": 9.0},
            {"days_ago": 31, "model": "openai/gpt-4o", "usage": 9.0},
            {"days_ago": 30, "model": "openai/gpt-4o", "usage": 0.125}
        ]))
        .unwrap_or_default();
        let rows = served_rows(&seeds, today);
        let summary: Vec<(&str, &str, f64, u64)> = rows
            .iter()
            .map(|r| (r.date.as_str(), r.model.as_str(), r.usage, r.requests))
            .collect();
        assert_eq!(
            summary,
            [
                ("2026-03-09", "anthropic/claude-sonnet-4.5", 1.0, 1),
                ("2026-03-08", "openai/gpt-4o", 0.75, 2),
                ("2026-02-08", "openai/gpt-4o", 0.125, 1),
            ]
        );
        assert_eq!(rows[1].prompt_tokens, 15);
        assert_eq!(rows[0].provider_name, "Anthropic");
        assert_eq!(rows[0].endpoint_id.len(), 36);
    }

    #[test]
    fn bad_seeds_are_refused_with_a_reason() {
        for (body, expected) in [
            (json!([{"usage": 1.0}]), "row 0"),
            (json!([{"model": "a/b", "date": "yesterday"}]), "YYYY-MM-DD"),
            (
                json!([{"model": "a/b", "date": "2026-01-01", "days_ago": 1}]),
                "not both",
            ),
            (json!([{"model": "a/b", "usage_usd": 1.0}]), "usage_usd"),
            (json!([{"model": "a/b", "usage": -1.0}]), "non-negative"),
            (json!("rows"), "array"),
        ] {
            match parse_seeds(body) {
                Err(problem) => assert!(problem.contains(expected), "{problem}"),
                Ok(seeds) => panic!("accepted {seeds:?}"),
            }
        }
    }
}
