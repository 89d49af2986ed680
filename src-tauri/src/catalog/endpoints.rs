//! The providers behind a model (IPC.md `ModelEndpoint`) and the provider list (`ProviderInfo`).

use serde::Serialize;

use super::card::ModelPrices;
use crate::openrouter::{EndpointRecord, ProviderRecord};

/// One provider serving a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEndpoint {
    pub provider_name: String,
    /// `"deepinfra/fp8"`: what `provider.order/only/ignore` take to pick exactly this endpoint.
    pub tag: String,
    pub quantization: Option<String>,
    pub context_length: Option<u64>,
    pub max_output_tokens: Option<u64>,
    pub prices: ModelPrices,
    /// 0 ok; negative: degraded.
    pub status: Option<i64>,
    /// Percent of requests that succeeded.
    pub uptime_last_30m: Option<f64>,
    pub uptime_last_1d: Option<f64>,
    /// Median time to the first token, in milliseconds.
    pub latency_p50_ms: Option<f64>,
    /// Median tokens per second (only reported to callers with a key).
    pub throughput_p50: Option<f64>,
    pub supports_implicit_caching: bool,
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

impl From<&EndpointRecord> for ModelEndpoint {
    fn from(e: &EndpointRecord) -> Self {
        let provider_name = e
            .provider_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Unknown provider".to_owned());
        Self {
            tag: e
                .tag
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| provider_name.to_lowercase().replace(' ', "-")),
            provider_name,
            quantization: e.quantization.clone().filter(|q| !q.trim().is_empty()),
            context_length: e.context_length,
            max_output_tokens: e.max_completion_tokens,
            prices: e
                .pricing
                .as_ref()
                .map(ModelPrices::from_pricing)
                .unwrap_or_default(),
            status: e.status,
            uptime_last_30m: finite(e.uptime_last_30m),
            uptime_last_1d: finite(e.uptime_last_1d),
            latency_p50_ms: finite(e.latency_last_30m.as_ref().and_then(|l| l.p50)),
            throughput_p50: finite(e.throughput_last_30m.as_ref().and_then(|t| t.p50)),
            supports_implicit_caching: e.supports_implicit_caching.unwrap_or(false),
        }
    }
}

/// A provider and the slug routing preferences use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderInfo {
    pub slug: String,
    pub name: String,
}

impl From<&ProviderRecord> for ProviderInfo {
    fn from(p: &ProviderRecord) -> Self {
        let slug = p.slug.trim().to_owned();
        Self {
            name: p
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| slug.clone()),
            slug,
        }
    }
}

/// The endpoints of a `:free` variant are the base model's endpoints that cost nothing (the API lists a
/// model's endpoints by its `author/slug`, which has no variant). When none is free the list is kept whole
/// rather than shown empty.
pub fn for_variant(endpoints: Vec<ModelEndpoint>, variant: Option<&str>) -> Vec<ModelEndpoint> {
    if variant != Some("free") {
        return endpoints;
    }
    let free: Vec<ModelEndpoint> = endpoints
        .iter()
        .filter(|e| e.prices.costs_nothing())
        .cloned()
        .collect();
    if free.is_empty() {
        endpoints
    } else {
        free
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openrouter::EndpointList;
    use serde::Deserialize;
    use serde_json::json;

    fn endpoints(value: serde_json::Value) -> Vec<ModelEndpoint> {
        EndpointList::deserialize(&value)
            .expect("list")
            .endpoints
            .iter()
            .map(ModelEndpoint::from)
            .collect()
    }

    #[test]
    fn the_spec_example_reads_with_milliseconds_and_prices_per_million() {
        let list = endpoints(json!({
            "id": "openai/gpt-4", "name": "GPT-4", "created": 1692901234, "description": "",
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "endpoints": [{
                "context_length": 8192,
                "latency_last_30m": {"p50": 250.5, "p75": 350, "p90": 480, "p99": 850},
                "max_completion_tokens": 4096, "max_prompt_tokens": 8192,
                "model_id": "openai/gpt-4", "model_name": "GPT-4", "name": "OpenAI: GPT-4",
                "pricing": {"completion": "0.00006", "image": "0", "prompt": "0.00003", "request": "0"},
                "provider_name": "OpenAI", "quantization": "fp16", "status": 0,
                "supported_parameters": ["temperature"], "supports_implicit_caching": true,
                "tag": "openai",
                "throughput_last_30m": {"p50": 45.2, "p75": 38.5, "p90": 28.3, "p99": 15.1},
                "uptime_last_1d": 99.8, "uptime_last_30m": 99.5, "uptime_last_5m": 100
            }, "not an endpoint"]
        }));
        assert_eq!(list.len(), 1, "a malformed entry is skipped");
        let e = &list[0];
        assert_eq!(e.provider_name, "OpenAI");
        assert_eq!(e.tag, "openai");
        assert_eq!(e.quantization.as_deref(), Some("fp16"));
        assert_eq!(e.prices.prompt.as_deref(), Some("30"));
        assert_eq!(e.prices.completion.as_deref(), Some("60"));
        assert_eq!(e.prices.image, None);
        assert_eq!(e.latency_p50_ms, Some(250.5));
        assert_eq!(e.throughput_p50, Some(45.2));
        assert_eq!(e.uptime_last_30m, Some(99.5));
        assert!(e.supports_implicit_caching);
    }

    #[test]
    fn stats_hidden_without_a_key_read_as_unknown() {
        let list = endpoints(json!({"endpoints": [{
            "provider_name": "DeepInfra", "tag": "deepinfra/fp8", "quantization": null,
            "latency_last_30m": null, "throughput_last_30m": null, "uptime_last_30m": null,
            "pricing": {"prompt": "0", "completion": "0"}
        }, {"provider_name": "Together", "pricing": {"prompt": "0.0000002", "completion": "0.0000002"}}]}));
        assert_eq!(list[0].latency_p50_ms, None);
        assert_eq!(list[0].throughput_p50, None);
        assert_eq!(list[0].quantization, None);
        assert_eq!(
            list[1].tag, "together",
            "a missing tag falls back to the provider"
        );
        let free = for_variant(list.clone(), Some("free"));
        assert_eq!(free.len(), 1);
        assert_eq!(free[0].provider_name, "DeepInfra");
        assert_eq!(for_variant(list.clone(), None).len(), 2);
        assert_eq!(for_variant(list[1..].to_vec(), Some("free")).len(), 1);
    }
}
