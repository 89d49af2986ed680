//! Wire types of the model endpoints: `GET /models`, `GET /models/{author}/{slug}/endpoints`, `GET /providers`.
//!
//! Decoded leniently, field by field: a field of an unexpected type reads as absent instead of failing its
//! model, and a list entry without an id is skipped by the caller. The list changes shape often (2025 rows
//! carry every price as `"0"`, 2026 rows omit zero prices and add `overrides`, `reasoning`, `benchmarks`…),
//! and one odd row must never cost the user the whole catalogue.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Any value that does not decode as `T` reads as `None`.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// The strings of an array; anything else in it (or a non-array) is dropped.
fn lenient_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// The entries of an array that decode as `T`; the others are dropped.
fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A price: documented as a decimal string, tolerated as a JSON number, which is turned into the decimal
/// string it stands for (JSON numbers print as `3e-6`, which no price parser reads).
fn lenient_price<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => {
            let text = n.to_string();
            Decimal::from_str(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .ok()
                .map(|d| d.normalize().to_string())
        }
        _ => None,
    })
}

/// A count (tokens, seconds since the epoch) sent as an integer or, by some encoders, as a float.
fn lenient_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f.round() as u64)
        }),
        _ => None,
    })
}

/// One model of `GET /models` (the `Model` schema), reduced to what the catalogue explains.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ModelRecord {
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub canonical_slug: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub created: Option<u64>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub context_length: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub architecture: Option<Architecture>,
    #[serde(default, deserialize_with = "lenient")]
    pub pricing: Option<Pricing>,
    #[serde(default, deserialize_with = "lenient")]
    pub top_provider: Option<TopProvider>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub supported_parameters: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub reasoning: Option<ReasoningRecord>,
    #[serde(default, deserialize_with = "lenient")]
    pub knowledge_cutoff: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub expiration_date: Option<String>,
}

impl ModelRecord {
    /// Decodes one list entry; `None` when it has no string `id` (the only field a model cannot do without).
    pub fn from_value(value: &Value) -> Option<Self> {
        let record = Self::deserialize(value).ok()?;
        (!record.id.trim().is_empty()).then_some(record)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Architecture {
    /// `"text+image->text"`: the only modality field in some older rows.
    #[serde(default, deserialize_with = "lenient")]
    pub modality: Option<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub input_modalities: Vec<String>,
    #[serde(default, deserialize_with = "lenient_strings")]
    pub output_modalities: Vec<String>,
}

/// Prices as the API sends them: USD per token for token kinds; per request, image or search for those keys.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Pricing {
    #[serde(default, deserialize_with = "lenient_price")]
    pub prompt: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub completion: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub internal_reasoning: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub input_cache_read: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub input_cache_write: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub audio: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub request: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub image: Option<String>,
    #[serde(default, deserialize_with = "lenient_price")]
    pub web_search: Option<String>,
    /// Conditional prices (long-context tiers, time windows); later entries win, absent keys inherit.
    #[serde(default, deserialize_with = "lenient_list")]
    pub overrides: Vec<PricingOverride>,
}

/// One `pricing.overrides` entry: its conditions and the prices it changes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PricingOverride {
    /// Applies when the prompt has strictly more tokens than this.
    #[serde(default, deserialize_with = "lenient")]
    pub min_prompt_tokens: Option<f64>,
    /// A daily UTC window `[utc_start, utc_end)` as HHMM clock numbers (may wrap past midnight).
    #[serde(default, deserialize_with = "lenient")]
    pub utc_start: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub utc_end: Option<f64>,
    #[serde(flatten)]
    pub prices: Pricing,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TopProvider {
    #[serde(default, deserialize_with = "lenient_count")]
    pub context_length: Option<u64>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub max_completion_tokens: Option<u64>,
}

/// `reasoning` of a model: which efforts it takes and whether reasoning can be turned off.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ReasoningRecord {
    #[serde(default, deserialize_with = "lenient_strings")]
    pub supported_efforts: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub default_effort: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub default_enabled: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub mandatory: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub supports_max_tokens: Option<bool>,
}

/// Latency (milliseconds to the first token) or throughput (tokens per second) percentiles.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PercentileStats {
    #[serde(default, deserialize_with = "lenient")]
    pub p50: Option<f64>,
}

/// One provider endpoint of a model (`PublicEndpoint`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EndpointRecord {
    #[serde(default, deserialize_with = "lenient")]
    pub provider_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub tag: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub quantization: Option<String>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub context_length: Option<u64>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub max_completion_tokens: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub pricing: Option<Pricing>,
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub uptime_last_30m: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub uptime_last_1d: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub latency_last_30m: Option<PercentileStats>,
    #[serde(default, deserialize_with = "lenient")]
    pub throughput_last_30m: Option<PercentileStats>,
    #[serde(default, deserialize_with = "lenient")]
    pub supports_implicit_caching: Option<bool>,
}

/// `data` of `GET /models/{author}/{slug}/endpoints`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EndpointList {
    #[serde(default, deserialize_with = "lenient_list")]
    pub endpoints: Vec<EndpointRecord>,
}

/// One entry of `GET /providers`. `slug` is what `provider.order/only/ignore` take.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProviderRecord {
    pub slug: String,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_of_the_wrong_type_reads_as_absent_not_as_a_failure() {
        let record = ModelRecord::from_value(&json!({
            "id": "a/b",
            "name": 7,
            "context_length": "lots",
            "created": 1.7e9,
            "architecture": {"input_modalities": ["text", 3, "image"]},
            "pricing": {"prompt": 0.000003, "completion": "0.000015", "request": 2, "image": null, "overrides": [7, {"min_prompt_tokens": 1000}]},
            "top_provider": "none",
            "supported_parameters": "tools",
            "reasoning": {"mandatory": "yes", "supported_efforts": ["high"]},
            "something_new": {"nested": true}
        }))
        .expect("decodes");
        assert_eq!(record.id, "a/b");
        assert_eq!(record.name, None);
        assert_eq!(record.context_length, None);
        assert_eq!(record.created, Some(1_700_000_000));
        let arch = record.architecture.expect("architecture");
        assert_eq!(arch.input_modalities, ["text", "image"]);
        let pricing = record.pricing.expect("pricing");
        assert_eq!(pricing.prompt.as_deref(), Some("0.000003"));
        assert_eq!(pricing.request.as_deref(), Some("2"));
        assert_eq!(pricing.image, None);
        assert_eq!(pricing.overrides.len(), 1);
        assert_eq!(pricing.overrides[0].min_prompt_tokens, Some(1000.0));
        assert!(record.top_provider.is_none());
        assert!(record.supported_parameters.is_empty());
        let reasoning = record.reasoning.expect("reasoning");
        assert_eq!(reasoning.mandatory, None);
        assert_eq!(reasoning.supported_efforts, ["high"]);
    }

    #[test]
    fn an_entry_without_an_id_is_refused() {
        assert!(ModelRecord::from_value(&json!({"name": "x"})).is_none());
        assert!(ModelRecord::from_value(&json!({"id": "  "})).is_none());
        assert!(ModelRecord::from_value(&json!("a/b")).is_none());
        assert!(ModelRecord::from_value(&json!({"id": 5})).is_none());
    }
}
