//! A model as the model browser explains it (IPC.md `ModelCard`), made from the API's `Model` record.
//!
//! Prices are decimal strings computed with `rust_decimal`, never floats. Token prices read per million
//! tokens. Zero prices other than prompt and completion read as absent (`null`): 2025 lists send every key
//! as `"0"`, 2026 lists leave zero keys out, and both must look the same in the app.

use serde::Serialize;

use super::variant::{author, split_variant};
use crate::openrouter::{
    per_million, per_unit, ModelRecord, Pricing, PricingOverride, ReasoningRecord,
};

/// Prices as shown (IPC.md `ModelPrices`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelPrices {
    pub prompt: Option<String>,
    pub completion: Option<String>,
    pub internal_reasoning: Option<String>,
    pub input_cache_read: Option<String>,
    pub input_cache_write: Option<String>,
    pub audio: Option<String>,
    /// USD per request.
    pub request: Option<String>,
    /// USD per input image, as the API documents the key.
    pub image: Option<String>,
    /// USD per web search.
    pub web_search: Option<String>,
}

fn non_zero(price: Option<String>) -> Option<String> {
    price.filter(|p| p != "0")
}

impl ModelPrices {
    pub fn from_pricing(p: &Pricing) -> Self {
        let token = |price: &Option<String>| non_zero(per_million(price.as_deref()));
        let unit = |price: &Option<String>| non_zero(per_unit(price.as_deref()));
        Self {
            prompt: per_million(p.prompt.as_deref()),
            completion: per_million(p.completion.as_deref()),
            internal_reasoning: token(&p.internal_reasoning),
            input_cache_read: token(&p.input_cache_read),
            input_cache_write: token(&p.input_cache_write),
            audio: token(&p.audio),
            request: unit(&p.request),
            image: unit(&p.image),
            web_search: unit(&p.web_search),
        }
    }

    /// Whether any price is negative: a router whose price depends on the model it picks.
    pub fn varies(&self) -> bool {
        [
            &self.prompt,
            &self.completion,
            &self.request,
            &self.image,
            &self.web_search,
        ]
        .iter()
        .any(|p| p.as_deref() == Some("varies"))
    }

    /// Nothing to pay for tokens or requests: prompt and completion are zero or absent.
    pub fn costs_nothing(&self) -> bool {
        let free = |p: &Option<String>| p.as_deref().is_none_or(|p| p == "0");
        free(&self.prompt) && free(&self.completion) && self.request.is_none() && !self.varies()
    }
}

/// One `pricing.overrides` entry, explained (IPC.md `PriceTier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceTier {
    /// A plain sentence: "Prompts over 200,000 tokens".
    pub condition: String,
    /// Every price while the condition holds: the override's, and the base price for keys it leaves out.
    pub prices: ModelPrices,
}

impl PriceTier {
    fn from_override(base: &Pricing, tier: &PricingOverride) -> Self {
        let pick = |own: &Option<String>, inherited: &Option<String>| {
            own.clone().or_else(|| inherited.clone())
        };
        let o = &tier.prices;
        let merged = Pricing {
            prompt: pick(&o.prompt, &base.prompt),
            completion: pick(&o.completion, &base.completion),
            internal_reasoning: pick(&o.internal_reasoning, &base.internal_reasoning),
            input_cache_read: pick(&o.input_cache_read, &base.input_cache_read),
            input_cache_write: pick(&o.input_cache_write, &base.input_cache_write),
            audio: pick(&o.audio, &base.audio),
            request: pick(&o.request, &base.request),
            image: pick(&o.image, &base.image),
            web_search: pick(&o.web_search, &base.web_search),
            overrides: Vec::new(),
        };
        Self {
            condition: condition_sentence(tier),
            prices: ModelPrices::from_pricing(&merged),
        }
    }
}

/// "Prompts over 200,000 tokens", "Between 01:00 and 04:00 UTC", both joined, or a fallback for conditions
/// this version does not know.
fn condition_sentence(tier: &PricingOverride) -> String {
    let mut parts = Vec::new();
    if let Some(min) = tier
        .min_prompt_tokens
        .filter(|m| m.is_finite() && *m >= 0.0)
    {
        parts.push(format!(
            "prompts over {} tokens",
            thousands(min.round() as u64)
        ));
    }
    if let (Some(start), Some(end)) = (tier.utc_start.and_then(clock), tier.utc_end.and_then(clock))
    {
        parts.push(format!("between {start} and {end} UTC"));
    }
    let sentence = if parts.is_empty() {
        "under other conditions".to_owned()
    } else {
        parts.join(", ")
    };
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => sentence,
    }
}

/// An HHMM clock number (`100` = 01:00, `1030` = 10:30) as "01:00"; `None` when it is not a time of day.
fn clock(hhmm: f64) -> Option<String> {
    if !hhmm.is_finite() || !(0.0..=2400.0).contains(&hhmm) {
        return None;
    }
    let value = hhmm.round() as u32;
    let (hours, minutes) = (value / 100, value % 100);
    (hours <= 24 && minutes < 60).then(|| format!("{hours:02}:{minutes:02}"))
}

/// 200000 → "200,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a model says about reasoning (IPC.md `ReasoningInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReasoningInfo {
    /// Supported efforts, e.g. `["high", "medium", "low"]`; empty when the API does not say.
    pub efforts: Vec<String>,
    pub default_effort: Option<String>,
    /// Reasoning cannot be turned off: never send effort `"none"`.
    pub mandatory: bool,
    pub default_enabled: Option<bool>,
    pub supports_max_tokens: bool,
}

impl From<&ReasoningRecord> for ReasoningInfo {
    fn from(r: &ReasoningRecord) -> Self {
        Self {
            efforts: r
                .supported_efforts
                .iter()
                .map(|e| e.trim().to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
            default_effort: r.default_effort.clone(),
            mandatory: r.mandatory.unwrap_or(false),
            default_enabled: r.default_enabled,
            supports_max_tokens: r.supports_max_tokens.unwrap_or(false),
        }
    }
}

/// A model in the catalogue (IPC.md `ModelCard`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelCard {
    pub id: String,
    pub base_id: String,
    pub variant: Option<String>,
    pub name: String,
    pub author: String,
    pub description: String,
    pub created: Option<u64>,
    pub context_length: Option<u64>,
    pub max_output_tokens: Option<u64>,
    pub input_modalities: Vec<String>,
    pub output_modalities: Vec<String>,
    pub prices: ModelPrices,
    pub price_tiers: Vec<PriceTier>,
    pub is_free: bool,
    pub is_router: bool,
    pub supports_tools: bool,
    pub supports_structured_outputs: bool,
    pub supports_reasoning: bool,
    pub reasoning: Option<ReasoningInfo>,
    pub supported_parameters: Vec<String>,
    pub knowledge_cutoff: Option<String>,
    pub expiration_date: Option<String>,
    pub canonical_slug: Option<String>,
}

impl From<&ModelRecord> for ModelCard {
    fn from(m: &ModelRecord) -> Self {
        let id = m.id.trim().to_owned();
        let (base, variant) = split_variant(&id);
        let pricing = m.pricing.clone().unwrap_or_default();
        let prices = ModelPrices::from_pricing(&pricing);
        let price_tiers = pricing
            .overrides
            .iter()
            .map(|tier| PriceTier::from_override(&pricing, tier))
            .collect();
        let is_router = prices.varies();
        // A missing pricing object says nothing, except on a `:free` id.
        let is_free = if m.pricing.is_some() {
            prices.costs_nothing()
        } else {
            variant == Some("free")
        };
        let has = |name: &str| m.supported_parameters.iter().any(|p| p == name);
        let reasoning = m.reasoning.as_ref().map(ReasoningInfo::from);
        let supports_reasoning = has("reasoning")
            || has("include_reasoning")
            || has("reasoning_effort")
            || reasoning
                .as_ref()
                .is_some_and(|r| r.mandatory || !r.efforts.is_empty());
        let (input_modalities, output_modalities) = modalities(m);
        let top = m.top_provider.clone().unwrap_or_default();
        let name = m
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&id)
            .to_owned();
        Self {
            base_id: base.to_owned(),
            variant: variant.map(str::to_owned),
            author: author(&id).to_owned(),
            name,
            description: m.description.clone().unwrap_or_default(),
            created: m.created,
            context_length: m.context_length.or(top.context_length),
            max_output_tokens: top.max_completion_tokens,
            input_modalities,
            output_modalities,
            prices,
            price_tiers,
            is_free,
            is_router,
            supports_tools: has("tools"),
            supports_structured_outputs: has("structured_outputs") || has("response_format"),
            supports_reasoning,
            reasoning,
            supported_parameters: m.supported_parameters.clone(),
            knowledge_cutoff: non_empty(&m.knowledge_cutoff),
            expiration_date: non_empty(&m.expiration_date),
            canonical_slug: non_empty(&m.canonical_slug),
            id,
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The modality lists, or, in rows that only have `"text+image->text"`, that string read apart.
fn modalities(m: &ModelRecord) -> (Vec<String>, Vec<String>) {
    let arch = m.architecture.clone().unwrap_or_default();
    if !arch.input_modalities.is_empty() || !arch.output_modalities.is_empty() {
        return (arch.input_modalities, arch.output_modalities);
    }
    let Some((input, output)) = arch.modality.as_deref().and_then(|m| m.split_once("->")) else {
        return (Vec::new(), Vec::new());
    };
    let list = |side: &str| {
        side.split('+')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    (list(input), list(output))
}

impl ModelCard {
    /// A card from one raw list entry; `None` when the entry has no id.
    pub fn from_value(value: &serde_json::Value) -> Option<Self> {
        ModelRecord::from_value(value).map(|r| ModelCard::from(&r))
    }
}

/// The reasoning metadata of a cached raw entry, for building a request.
pub fn reasoning_of(raw_json: &str) -> Option<ReasoningInfo> {
    let value: serde_json::Value = serde_json::from_str(raw_json).ok()?;
    ModelRecord::from_value(&value)?
        .reasoning
        .as_ref()
        .map(ReasoningInfo::from)
}

#[cfg(test)]
mod tests;
