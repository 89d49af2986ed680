//! Per-conversation routing (IPC.md `Routing`): fallback models, provider preferences, reasoning effort and
//! web search, and how they become fields of the chat request. No `tauri` here.
//!
//! The same JSON is what the page sends, what the history stores, and what is read back; every field has a
//! default so a routing saved by an older or newer app still reads.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{strip_online, ReasoningInfo};
use crate::openrouter::{ChatRequest, MaxPrice, ProviderPreferences, ReasoningOption, ServerTool};
use crate::settings::valid_model_id;

/// OpenRouter tries at most this many fallback models after the chosen one.
pub const MAX_FALLBACK_MODELS: usize = 3;
/// Provider lists longer than this are a mistake (OpenRouter has fewer than a hundred providers).
const MAX_PROVIDER_SLUGS: usize = 64;
const MAX_SLUG_LEN: usize = 100;
/// `reasoning.effort` values the API documents; `"none"` turns reasoning off.
pub const EFFORTS: &[&str] = &["max", "xhigh", "high", "medium", "low", "minimal", "none"];
/// `provider.quantizations` values the API documents.
pub const QUANTIZATIONS: &[&str] = &[
    "int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8", "mxfp8", "fp16", "bf16", "fp32",
    "unknown",
];

/// How the requests of one conversation are routed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Routing {
    /// Tried in order after the chosen model (sent as `models`).
    pub fallback_models: Vec<String>,
    pub provider: Option<ProviderPrefs>,
    /// Sent as `reasoning.effort`; `"none"` turns reasoning off where the model allows it.
    pub reasoning_effort: Option<String>,
    /// Adds the `openrouter:web_search` server tool.
    pub web_search: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderSort {
    Price,
    Throughput,
    Latency,
}

impl ProviderSort {
    fn as_str(self) -> &'static str {
        match self {
            Self::Price => "price",
            Self::Throughput => "throughput",
            Self::Latency => "latency",
        }
    }
}

/// Provider preferences (IPC.md `ProviderPrefs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderPrefs {
    pub sort: Option<ProviderSort>,
    /// Provider slugs to try first, in order.
    pub order: Vec<String>,
    /// Only these providers.
    pub only: Vec<String>,
    /// Never these providers.
    pub ignore: Vec<String>,
    /// False: only the providers in `order`/`only`, no others as backup.
    pub allow_fallbacks: bool,
    /// Skip providers that store or train on prompts.
    pub data_collection_deny: bool,
    /// Zero-data-retention endpoints only.
    pub zdr: bool,
    pub quantizations: Vec<String>,
    /// USD per million prompt tokens.
    pub max_price_prompt: Option<String>,
    /// USD per million completion tokens.
    pub max_price_completion: Option<String>,
}

impl Default for ProviderPrefs {
    fn default() -> Self {
        Self {
            sort: None,
            order: Vec::new(),
            only: Vec::new(),
            ignore: Vec::new(),
            allow_fallbacks: true,
            data_collection_deny: false,
            zdr: false,
            quantizations: Vec::new(),
            max_price_prompt: None,
            max_price_completion: None,
        }
    }
}

/// Why a routing was refused. The text is a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("“{0}” is not a model id (they look like author/model).")]
    InvalidModel(String),
    #[error("Choose at most {MAX_FALLBACK_MODELS} fallback models.")]
    TooManyFallbacks,
    #[error("“{0}” is not a provider name (use the short names from the provider list, like deepinfra).")]
    InvalidProvider(String),
    #[error("That is too many providers for one list.")]
    TooManyProviders,
    #[error("“{0}” is not a quantization OpenRouter knows.")]
    InvalidQuantization(String),
    #[error("“{0}” is not a reasoning effort OpenRouter knows.")]
    InvalidEffort(String),
    #[error("A maximum price must be a number of US dollars, zero or more (got “{0}”).")]
    InvalidPrice(String),
}

impl Routing {
    /// The routing as it will be saved: trimmed, de-duplicated, lower-cased where the API wants it, and
    /// checked. Refuses what OpenRouter would refuse (or silently misread) with a sentence saying why.
    pub fn checked(self) -> Result<Routing, RoutingError> {
        let mut fallback_models = Vec::new();
        for id in self.fallback_models {
            let id = id.trim().to_owned();
            if id.is_empty() {
                continue;
            }
            if !valid_model_id(&id) || !id.contains('/') {
                return Err(RoutingError::InvalidModel(id));
            }
            if !fallback_models.contains(&id) {
                fallback_models.push(id);
            }
        }
        if fallback_models.len() > MAX_FALLBACK_MODELS {
            return Err(RoutingError::TooManyFallbacks);
        }
        let reasoning_effort = match self.reasoning_effort.map(|e| e.trim().to_ascii_lowercase()) {
            Some(e) if e.is_empty() => None,
            Some(e) if EFFORTS.contains(&e.as_str()) => Some(e),
            Some(e) => return Err(RoutingError::InvalidEffort(e)),
            None => None,
        };
        let provider = match self.provider {
            Some(p) => Some(p.checked()?).filter(|p| *p != ProviderPrefs::default()),
            None => None,
        };
        Ok(Routing {
            fallback_models,
            provider,
            reasoning_effort,
            web_search: self.web_search,
        })
    }

    pub fn is_default(&self) -> bool {
        self == &Routing::default()
    }
}

impl ProviderPrefs {
    fn checked(self) -> Result<ProviderPrefs, RoutingError> {
        let quantizations = slugs(self.quantizations)?;
        if let Some(bad) = quantizations
            .iter()
            .find(|q| !QUANTIZATIONS.contains(&q.as_str()))
        {
            return Err(RoutingError::InvalidQuantization(bad.clone()));
        }
        Ok(ProviderPrefs {
            sort: self.sort,
            order: slugs(self.order)?,
            only: slugs(self.only)?,
            ignore: slugs(self.ignore)?,
            allow_fallbacks: self.allow_fallbacks,
            data_collection_deny: self.data_collection_deny,
            zdr: self.zdr,
            quantizations,
            max_price_prompt: price(self.max_price_prompt)?,
            max_price_completion: price(self.max_price_completion)?,
        })
    }

    /// The request's `provider` object; `None` when nothing differs from OpenRouter's defaults.
    fn to_request(&self) -> Option<ProviderPreferences> {
        let max_price = MaxPrice {
            prompt: self.max_price_prompt.clone(),
            completion: self.max_price_completion.clone(),
        };
        let prefs = ProviderPreferences {
            sort: self.sort.map(|s| s.as_str().to_owned()),
            order: self.order.clone(),
            only: self.only.clone(),
            ignore: self.ignore.clone(),
            // true is the API's default: only the exception is sent.
            allow_fallbacks: (!self.allow_fallbacks).then_some(false),
            data_collection: self.data_collection_deny.then(|| "deny".to_owned()),
            zdr: self.zdr.then_some(true),
            quantizations: self.quantizations.clone(),
            max_price: (max_price != MaxPrice::default()).then_some(max_price),
        };
        (!prefs.is_empty()).then_some(prefs)
    }
}

/// Provider slugs (`deepinfra`, `deepinfra/turbo`, `google-vertex/us-east5`), lower-cased as the API
/// wants them, without blanks or repeats.
fn slugs(list: Vec<String>) -> Result<Vec<String>, RoutingError> {
    let mut out: Vec<String> = Vec::new();
    for slug in list {
        let slug = slug.trim().to_ascii_lowercase();
        if slug.is_empty() {
            continue;
        }
        let valid = slug.len() <= MAX_SLUG_LEN
            && slug
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
        if !valid {
            return Err(RoutingError::InvalidProvider(slug));
        }
        if !out.contains(&slug) {
            out.push(slug);
        }
    }
    if out.len() > MAX_PROVIDER_SLUGS {
        return Err(RoutingError::TooManyProviders);
    }
    Ok(out)
}

/// A maximum price: a decimal number of dollars, zero or more, written back normalized (`"1.50"` → `"1.5"`).
fn price(value: Option<String>) -> Result<Option<String>, RoutingError> {
    let Some(text) = value.map(|v| v.trim().trim_start_matches('$').trim().to_owned()) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    match Decimal::from_str(&text) {
        Ok(d) if !d.is_sign_negative() => Ok(Some(d.normalize().to_string())),
        _ => Err(RoutingError::InvalidPrice(text)),
    }
}

/// Puts a conversation's routing into a request for `request.model`.
///
/// - `:online` (deprecated) on the chosen or a fallback model becomes the web-search server tool.
/// - Fallbacks go to `models` after the chosen model, at most [`MAX_FALLBACK_MODELS`] of them.
/// - Effort goes to `reasoning.effort` only (never also `reasoning_effort`: both at once is a 400), and
///   `"none"` is left out when the model's reasoning is mandatory (that is a 400 too).
pub fn apply(request: &mut ChatRequest, routing: &Routing, reasoning: Option<&ReasoningInfo>) {
    let (model, mut web_search) = strip_online(&request.model);
    let model = model.to_owned();
    web_search |= routing.web_search;
    let mut models = vec![model.clone()];
    for fallback in &routing.fallback_models {
        let (fallback, online) = strip_online(fallback);
        web_search |= online;
        if !models.iter().any(|m| m == fallback) && models.len() <= MAX_FALLBACK_MODELS {
            models.push(fallback.to_owned());
        }
    }
    request.model = model;
    request.models = if models.len() > 1 { models } else { Vec::new() };
    request.provider = routing
        .provider
        .as_ref()
        .and_then(ProviderPrefs::to_request);
    request.reasoning = routing
        .reasoning_effort
        .as_deref()
        .filter(|effort| !(*effort == "none" && reasoning.is_some_and(|r| r.mandatory)))
        .map(|effort| ReasoningOption {
            effort: effort.to_owned(),
        });
    if web_search
        && !request
            .tools
            .iter()
            .any(|t| t.kind == ServerTool::WEB_SEARCH)
    {
        request.tools.push(ServerTool::web_search());
    }
}

#[cfg(test)]
mod tests;
