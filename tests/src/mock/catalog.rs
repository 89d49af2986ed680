//! `GET /models/{author}/{slug}/endpoints` and `GET /providers`.
//!
//! No real capture of either exists in `tests/fixtures/`, so both are built to the OpenAPI spec's shapes
//! (`ListEndpointsResponse` with `PublicEndpoint`s, and the `/providers` example), plus what the official SDK
//! requires beyond the spec (`supports_tool_choice`). Endpoints are made up per model from the recorded model
//! list, deterministically: the same model always gets the same providers, tags, quantizations and figures.
//! Latency percentiles are milliseconds to the first token and throughput is tokens per second; both are
//! `null` without a key, as the spec says.

use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::{self, Caller};
use super::errors::ErrorReply;
use super::state::State;

/// One provider as `/providers` lists it.
struct Provider {
    name: &'static str,
    slug: &'static str,
    headquarters: &'static str,
    datacenters: &'static [&'static str],
    privacy_policy_url: &'static str,
    terms_of_service_url: &'static str,
    status_page_url: Option<&'static str>,
    /// Serves models it trains itself (no quantization reported, implicit prompt caching).
    first_party: bool,
}

const PROVIDERS: &[Provider] = &[
    Provider {
        name: "OpenAI",
        slug: "openai",
        headquarters: "US",
        datacenters: &["US", "IE"],
        privacy_policy_url: "https://openai.com/policies/privacy-policy",
        terms_of_service_url: "https://openai.com/policies/terms-of-use",
        status_page_url: Some("https://status.openai.com"),
        first_party: true,
    },
    Provider {
        name: "Azure",
        slug: "azure",
        headquarters: "US",
        datacenters: &["US", "SE", "NL"],
        privacy_policy_url: "https://privacy.microsoft.com/en-us/privacystatement",
        terms_of_service_url: "https://www.microsoft.com/en-us/legal/terms-of-use",
        status_page_url: Some("https://azure.status.microsoft"),
        first_party: true,
    },
    Provider {
        name: "Anthropic",
        slug: "anthropic",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://www.anthropic.com/legal/privacy",
        terms_of_service_url: "https://www.anthropic.com/legal/commercial-terms",
        status_page_url: Some("https://status.anthropic.com"),
        first_party: true,
    },
    Provider {
        name: "Amazon Bedrock",
        slug: "amazon-bedrock",
        headquarters: "US",
        datacenters: &["US", "DE", "JP"],
        privacy_policy_url: "https://aws.amazon.com/privacy/",
        terms_of_service_url: "https://aws.amazon.com/service-terms/",
        status_page_url: Some("https://health.aws.amazon.com/health/status"),
        first_party: true,
    },
    Provider {
        name: "Google",
        slug: "google-vertex",
        headquarters: "US",
        datacenters: &["US", "BE", "NL"],
        privacy_policy_url: "https://cloud.google.com/terms/cloud-privacy-notice",
        terms_of_service_url: "https://cloud.google.com/terms",
        status_page_url: Some("https://status.cloud.google.com"),
        first_party: true,
    },
    Provider {
        name: "Google AI Studio",
        slug: "google-ai-studio",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://policies.google.com/privacy",
        terms_of_service_url: "https://ai.google.dev/gemini-api/terms",
        status_page_url: Some("https://aistudio.google.com/status"),
        first_party: true,
    },
    Provider {
        name: "Mistral",
        slug: "mistral",
        headquarters: "FR",
        datacenters: &["FR", "SE"],
        privacy_policy_url: "https://mistral.ai/terms#privacy-policy",
        terms_of_service_url: "https://mistral.ai/terms",
        status_page_url: Some("https://status.mistral.ai"),
        first_party: true,
    },
    Provider {
        name: "DeepSeek",
        slug: "deepseek",
        headquarters: "CN",
        datacenters: &["CN"],
        privacy_policy_url: "https://cdn.deepseek.com/policies/en-US/deepseek-privacy-policy.html",
        terms_of_service_url:
            "https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html",
        status_page_url: Some("https://status.deepseek.com"),
        first_party: true,
    },
    Provider {
        name: "DeepInfra",
        slug: "deepinfra",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://deepinfra.com/privacy",
        terms_of_service_url: "https://deepinfra.com/terms",
        status_page_url: None,
        first_party: false,
    },
    Provider {
        name: "Together",
        slug: "together",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://www.together.ai/privacy",
        terms_of_service_url: "https://www.together.ai/terms-of-service",
        status_page_url: Some("https://status.together.ai"),
        first_party: false,
    },
    Provider {
        name: "Fireworks",
        slug: "fireworks",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://fireworks.ai/privacy-policy",
        terms_of_service_url: "https://fireworks.ai/terms-of-service",
        status_page_url: Some("https://status.fireworks.ai"),
        first_party: false,
    },
    Provider {
        name: "Groq",
        slug: "groq",
        headquarters: "US",
        datacenters: &["US", "FI"],
        privacy_policy_url: "https://groq.com/privacy-policy/",
        terms_of_service_url: "https://groq.com/terms-of-use/",
        status_page_url: Some("https://groqstatus.com"),
        first_party: false,
    },
    Provider {
        name: "Novita",
        slug: "novita",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://novita.ai/legal/privacy-policy",
        terms_of_service_url: "https://novita.ai/legal/terms-of-service",
        status_page_url: None,
        first_party: false,
    },
    Provider {
        name: "Chutes",
        slug: "chutes",
        headquarters: "US",
        datacenters: &["US"],
        privacy_policy_url: "https://chutes.ai/privacy",
        terms_of_service_url: "https://chutes.ai/terms",
        status_page_url: None,
        first_party: false,
    },
];

/// Hosts of open-weight models, from which each such model gets up to three.
const OPEN_WEIGHT_HOSTS: &[&str] = &["deepinfra", "together", "fireworks", "groq", "novita"];
/// Quantizations open-weight hosts report, by position.
const QUANTIZATIONS: &[&str] = &["fp8", "bf16", "fp4"];

fn provider(slug: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.slug == slug)
}

/// `GET /providers`: the spec's example shape.
pub async fn providers(headers: HeaderMap) -> Response {
    if matches!(auth::caller(&headers), Caller::Rejected) {
        return ErrorReply::user_not_found().into_response();
    }
    let data: Vec<Value> = PROVIDERS
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "slug": p.slug,
                "privacy_policy_url": p.privacy_policy_url,
                "terms_of_service_url": p.terms_of_service_url,
                "status_page_url": p.status_page_url,
                "headquarters": p.headquarters,
                "datacenters": p.datacenters,
            })
        })
        .collect();
    Json(json!({ "data": data })).into_response()
}

/// `GET /models/{author}/{slug}/endpoints`: the model (by id or by canonical slug) and its endpoints; a paid
/// model whose `:free` sibling is listed also gets that free endpoint. 404 for a model not in the list.
pub async fn endpoints(
    AxumState(state): AxumState<State>,
    headers: HeaderMap,
    Path((author, slug)): Path<(String, String)>,
) -> Response {
    let with_stats = match auth::caller(&headers) {
        Caller::Rejected => return ErrorReply::user_not_found().into_response(),
        Caller::Anonymous => false,
        Caller::Key { .. } => true,
    };
    let wanted = format!("{author}/{slug}");
    let models = state.models();
    let id_of = |m: &Value| m.get("id").and_then(Value::as_str).map(str::to_owned);
    let paid = models.iter().find(|m| {
        id_of(m).as_deref() == Some(wanted.as_str())
            || m.get("canonical_slug").and_then(Value::as_str) == Some(wanted.as_str())
    });
    let base = paid.and_then(id_of).unwrap_or_else(|| wanted.clone());
    let free = models
        .iter()
        .find(|m| id_of(m).as_deref() == Some(format!("{base}:free").as_str()));
    let Some(model) = paid.or(free) else {
        return ErrorReply::new(StatusCode::NOT_FOUND, "Resource not found").into_response();
    };
    let mut list = Vec::new();
    if let Some(paid) = paid {
        let hosts = hosts_for(&base);
        for (i, host) in hosts.iter().enumerate() {
            list.push(endpoint(paid, host, i, false, with_stats));
        }
    }
    if let Some(free) = free {
        let taken: Vec<&str> = list
            .iter()
            .filter_map(|e| e.get("provider_name").and_then(Value::as_str))
            .collect();
        let host = ["chutes", "google-ai-studio", "deepinfra", "novita"]
            .into_iter()
            .filter_map(provider)
            .find(|p| !taken.contains(&p.name))
            .or_else(|| provider("chutes"));
        if let Some(host) = host {
            list.push(endpoint(free, host, list.len(), true, with_stats));
        }
    }
    let pick = |key: &str| model.get(key).cloned().unwrap_or(Value::Null);
    let architecture = model.get("architecture").cloned().unwrap_or_else(|| {
        json!({"input_modalities": ["text"], "output_modalities": ["text"], "modality": "text->text", "tokenizer": "Other", "instruct_type": null})
    });
    Json(json!({
        "data": {
            "id": base,
            "name": model.get("name").and_then(Value::as_str).unwrap_or(&base).trim_end_matches(" (free)"),
            "created": pick("created"),
            "description": model.get("description").and_then(Value::as_str).unwrap_or_default(),
            "architecture": architecture,
            "endpoints": list,
        }
    }))
    .into_response()
}

/// The providers that serve a model: its maker (and a cloud reseller) for closed models, up to three
/// open-weight hosts for the rest, none for routers.
fn hosts_for(id: &str) -> Vec<&'static Provider> {
    let author = id
        .split('/')
        .next()
        .unwrap_or_default()
        .trim_start_matches('~');
    let slugs: Vec<&str> = match author {
        "openrouter" => Vec::new(),
        "openai" if !id.contains("gpt-oss") => vec!["openai", "azure"],
        "anthropic" => vec!["anthropic", "amazon-bedrock", "google-vertex"],
        "google" if !id.contains("gemma") => vec!["google-vertex", "google-ai-studio"],
        "mistralai" => vec!["mistral", "deepinfra"],
        "deepseek" => vec!["deepseek", "deepinfra", "together"],
        _ => {
            let start = (stable_hash(id) % OPEN_WEIGHT_HOSTS.len() as u64) as usize;
            let count = 1 + (stable_hash(&format!("{id}#n")) % 3) as usize;
            (0..count)
                .map(|i| OPEN_WEIGHT_HOSTS[(start + i) % OPEN_WEIGHT_HOSTS.len()])
                .collect()
        }
    };
    slugs.into_iter().filter_map(provider).collect()
}

/// FNV-1a: the same id always gets the same providers and figures.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A decimal price string times `factor`, written without an exponent (`"0.00000345"`).
fn scaled(price: &str, factor: f64) -> Option<String> {
    let value: f64 = price.parse().ok()?;
    if value <= 0.0 || (factor - 1.0).abs() < f64::EPSILON {
        return Some(price.to_owned());
    }
    let scaled = (value * factor * 1e12).round() / 1e12;
    Some(format!("{scaled}"))
}

/// One `PublicEndpoint` for `model` at `host`, the `index`-th in the list.
fn endpoint(model: &Value, host: &Provider, index: usize, free: bool, with_stats: bool) -> Value {
    let id = model.get("id").and_then(Value::as_str).unwrap_or_default();
    let seed = stable_hash(&format!("{id}@{}", host.slug));
    let context = model
        .get("context_length")
        .and_then(Value::as_u64)
        .unwrap_or(32_768);
    // Hosts after the first often serve a shorter window.
    let context = if index == 0 {
        context
    } else {
        context.min(131_072)
    };
    let max_completion = model
        .pointer("/top_provider/max_completion_tokens")
        .and_then(Value::as_u64)
        .map_or(Value::Null, |m| json!(m.min(context)));
    let factor = [1.0, 1.15, 1.3][index.min(2)];
    let mut pricing = Map::new();
    if let Some(prices) = model.get("pricing").and_then(Value::as_object) {
        for (key, value) in prices {
            let Some(text) = value.as_str() else { continue };
            let value = match key.as_str() {
                "prompt" | "completion" => scaled(text, factor),
                _ => Some(text.to_owned()),
            };
            if let Some(value) = value {
                pricing.insert(key.clone(), Value::String(value));
            }
        }
    }
    if free {
        pricing.insert("prompt".into(), json!("0"));
        pricing.insert("completion".into(), json!("0"));
    }
    pricing.entry("prompt").or_insert(json!("0"));
    pricing.entry("completion").or_insert(json!("0"));
    let quantization = if host.first_party {
        Value::Null
    } else {
        json!(QUANTIZATIONS[index % QUANTIZATIONS.len()])
    };
    let tag = match quantization.as_str() {
        Some(q) if !free => format!("{}/{q}", host.slug),
        _ => host.slug.to_owned(),
    };
    // The third endpoint of a list is having a bad day: lower uptime and a degraded status.
    let degraded = index == 2;
    let uptime = if degraded {
        91.3
    } else {
        99.0 + (seed % 100) as f64 / 100.0
    };
    let latency_p50 = 250.0 + (seed % 900) as f64 + if degraded { 1200.0 } else { 0.0 };
    let throughput_p50 = 20.0 + ((seed >> 8) % 180) as f64;
    let percentiles = |p50: f64, rising: bool| {
        let step = |k: f64| {
            let v = if rising { p50 * k } else { p50 / k };
            (v * 10.0).round() / 10.0
        };
        json!({"p50": p50, "p75": step(1.3), "p90": step(1.8), "p99": step(3.2)})
    };
    let parameters = model
        .get("supported_parameters")
        .cloned()
        .unwrap_or_else(|| json!([]));
    let tools = parameters
        .as_array()
        .is_some_and(|p| p.iter().any(|v| v == "tools"));
    json!({
        "name": format!("{} | {id}", host.name),
        "model_id": model.get("canonical_slug").and_then(Value::as_str).unwrap_or(id),
        "model_name": model.get("name").and_then(Value::as_str).unwrap_or(id),
        "context_length": context,
        "max_completion_tokens": max_completion,
        "max_prompt_tokens": Value::Null,
        "pricing": pricing,
        "provider_name": host.name,
        "tag": tag,
        "quantization": quantization,
        "status": if degraded { -1 } else { 0 },
        "supported_parameters": parameters,
        "supports_implicit_caching": host.first_party,
        "supports_tool_choice": {"auto": tools, "function": tools, "none": true, "required": tools},
        "uptime_last_5m": if degraded { 84.0 } else { 100.0 },
        "uptime_last_30m": uptime,
        "uptime_last_1d": if degraded { 96.2 } else { 99.7 },
        "latency_last_30m": if with_stats { percentiles(latency_p50, true) } else { Value::Null },
        "throughput_last_30m": if with_stats { percentiles(throughput_p50, false) } else { Value::Null },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_prices_stay_plain_decimals() {
        assert_eq!(scaled("0.000003", 1.0).as_deref(), Some("0.000003"));
        assert_eq!(scaled("0.000003", 1.15).as_deref(), Some("0.00000345"));
        assert_eq!(scaled("0", 1.3).as_deref(), Some("0"));
        assert_eq!(scaled("-1", 1.3).as_deref(), Some("-1"));
    }

    #[test]
    fn every_host_is_a_listed_provider() {
        for id in [
            "openai/gpt-4o",
            "anthropic/claude-sonnet-4.5",
            "qwen/qwen3-coder",
            "z-ai/glm-4.6",
        ] {
            let hosts = hosts_for(id);
            assert!(!hosts.is_empty(), "{id}");
            assert!(hosts.iter().all(|h| provider(h.slug).is_some()));
        }
        assert!(hosts_for("openrouter/auto").is_empty());
        let slugs = |id: &str| hosts_for(id).iter().map(|h| h.slug).collect::<Vec<_>>();
        assert_eq!(
            slugs("qwen/qwen3-coder"),
            slugs("qwen/qwen3-coder"),
            "deterministic"
        );
    }
}
