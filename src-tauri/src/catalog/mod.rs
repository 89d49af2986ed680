//! The model catalogue as the app shows it: model cards, variants, provider endpoints, favourites, and the
//! cached list. No `tauri` here.

mod card;
mod catalogue;
mod endpoints;
mod picks;
mod variant;

pub use card::{reasoning_of, ModelCard, ModelPrices, PriceTier, ReasoningInfo};
pub use catalogue::{Catalogue, CatalogueError, ModelCatalogue};
pub use endpoints::{ModelEndpoint, ProviderInfo};
pub use picks::{
    browser_state, favorites, set_browser_state, set_favorite, ModelPicks, PicksError,
    MAX_BROWSER_STATE_BYTES, MAX_FAVORITES, RECENT_MODELS,
};
pub use variant::{author, base_id, split_variant, strip_online, ONLINE, VARIANTS};

use std::sync::Mutex;

use serde::Serialize;

use crate::openrouter::{per_million, ApiError, Client, ModelInfo};

/// A model as the picker shows it (IPC.md `ModelSummary`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub context_length: Option<u64>,
    pub prompt_price_per_million: Option<String>,
    pub completion_price_per_million: Option<String>,
    pub is_free: bool,
    pub supports_reasoning: bool,
}

impl From<ModelInfo> for ModelSummary {
    fn from(m: ModelInfo) -> Self {
        let pricing = m.pricing.unwrap_or_default();
        let prompt = per_million(pricing.prompt.as_deref());
        let completion = per_million(pricing.completion.as_deref());
        // 2026 lists omit zero-valued keys, so a missing price on a `:free` id is zero too.
        let is_zero = |p: &Option<String>| p.as_deref() == Some("0");
        let is_free = (is_zero(&prompt) && is_zero(&completion))
            || (m.id.ends_with(":free") && prompt.is_none() && completion.is_none());
        let supports_reasoning = m
            .supported_parameters
            .iter()
            .flatten()
            .any(|p| p == "reasoning" || p == "include_reasoning");
        Self {
            name: if m.name.is_empty() {
                m.id.clone()
            } else {
                m.name
            },
            id: m.id,
            description: m.description.unwrap_or_default(),
            context_length: m.context_length,
            prompt_price_per_million: prompt,
            completion_price_per_million: completion,
            is_free,
            supports_reasoning,
        }
    }
}

/// The model list of the old picker (`list_models`), fetched once per run and kept in memory. The model
/// browser uses [`ModelCatalogue`] instead.
#[derive(Default)]
pub struct Catalog {
    cache: Mutex<Option<Vec<ModelSummary>>>,
}

impl Catalog {
    pub async fn models(&self, client: &Client) -> Result<Vec<ModelSummary>, ApiError> {
        if let Some(cached) = self.cache.lock().ok().and_then(|c| c.clone()) {
            return Ok(cached);
        }
        let mut models: Vec<ModelSummary> =
            client.models().await?.into_iter().map(Into::into).collect();
        models.sort_by_key(|m| m.name.to_lowercase());
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some(models.clone());
        }
        Ok(models)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openrouter::ModelPricing;

    fn model(id: &str, prompt: Option<&str>, completion: Option<&str>) -> ModelInfo {
        ModelInfo {
            id: id.into(),
            name: String::new(),
            pricing: Some(ModelPricing {
                prompt: prompt.map(str::to_owned),
                completion: completion.map(str::to_owned),
            }),
            ..ModelInfo::default()
        }
    }

    #[test]
    fn prices_free_and_routers() {
        let paid = ModelSummary::from(model("a/b", Some("0.000003"), Some("0.000015")));
        assert_eq!(paid.prompt_price_per_million.as_deref(), Some("3"));
        assert_eq!(paid.completion_price_per_million.as_deref(), Some("15"));
        assert!(!paid.is_free);
        assert_eq!(paid.name, "a/b", "a missing name falls back to the id");
        assert!(ModelSummary::from(model("a/b:free", Some("0"), Some("0"))).is_free);
        assert!(ModelSummary::from(model("a/b:free", None, None)).is_free);
        let router = ModelSummary::from(model("openrouter/auto", Some("-1"), Some("-1")));
        assert_eq!(router.prompt_price_per_million.as_deref(), Some("varies"));
        assert!(!router.is_free);
    }

    #[test]
    fn the_recorded_model_list_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/models-data-array-2026-05-01.json");
        let text = std::fs::read_to_string(&path).expect("recorded model list in tests/fixtures");
        let models: Vec<ModelInfo> = serde_json::from_str(&text).expect("parses");
        assert!(models.len() > 300);
        let summaries: Vec<ModelSummary> = models.into_iter().map(Into::into).collect();
        assert!(summaries.iter().any(|m| m.is_free));
        assert!(summaries.iter().any(|m| m.supports_reasoning));
        assert!(summaries
            .iter()
            .any(|m| m.prompt_price_per_million.as_deref() == Some("varies")));
    }
}
