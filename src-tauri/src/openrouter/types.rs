//! Wire types for the parts of the OpenRouter API the app uses.
//!
//! Every field the API may omit is optional and unknown fields are ignored, because the API adds fields
//! often and has changed shapes over time (see OPENROUTER_API.md: both 2025 and 2026 shapes must parse).

use serde::{Deserialize, Serialize};

/// One message of a chat request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.to_owned(),
            content: content.into(),
        }
    }
}

/// `usage: {include: true}`: deprecated upstream (usage is always sent now) but harmless, and older
/// deployments needed it to report `cost`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageOption {
    pub include: bool,
}

/// The body of `POST /chat/completions`. Only what the user set is sent: OpenRouter forwards absent
/// sampling parameters as absent rather than substituting defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatRequest {
    pub model: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    pub messages: Vec<ChatMessage>,
    pub stream: bool,
    pub usage: UsageOption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Provider routing preferences; absent means OpenRouter's default (cheapest healthy provider).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderPreferences>,
    /// Only `reasoning` is ever sent, never also `reasoning_effort`: both at once is a 400.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<ReasoningOption>,
    /// OpenRouter server tools (`openrouter:web_search`), run by OpenRouter itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ServerTool>,
}

/// The request's `provider` object. Empty lists and unset options are left out, so the account's own
/// settings and OpenRouter's defaults apply to them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProviderPreferences {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_fallbacks: Option<bool>,
    /// `"deny"`: only providers that do not store or train on prompts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_collection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zdr: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quantizations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_price: Option<MaxPrice>,
}

impl ProviderPreferences {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// `provider.max_price`: decimal strings in USD per million tokens (the API's unit for this field).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MaxPrice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<String>,
}

/// `reasoning: {effort}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasoningOption {
    pub effort: String,
}

/// `{"type": "openrouter:web_search"}` and the like.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerTool {
    #[serde(rename = "type")]
    pub kind: String,
}

impl ServerTool {
    pub const WEB_SEARCH: &'static str = "openrouter:web_search";

    pub fn web_search() -> Self {
        Self {
            kind: Self::WEB_SEARCH.to_owned(),
        }
    }
}

impl ChatRequest {
    /// A streamed request for `model` with the given conversation.
    pub fn streaming(model: impl Into<String>, messages: Vec<ChatMessage>) -> Self {
        Self {
            model: model.into(),
            models: Vec::new(),
            messages,
            stream: true,
            usage: UsageOption { include: true },
            max_tokens: None,
            temperature: None,
            provider: None,
            reasoning: None,
            tools: Vec::new(),
        }
    }
}

/// `usage` as reported in the last chunk of a stream or in a non-streamed result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub is_byok: Option<bool>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    #[serde(default)]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
    /// Everything else the API sent (cost_details, server tool counts…), kept for full-fidelity history.
    #[serde(flatten, default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptTokensDetails {
    #[serde(default)]
    pub cached_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionTokensDetails {
    #[serde(default)]
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    pub fn cached_tokens(&self) -> Option<u64> {
        self.prompt_tokens_details.as_ref()?.cached_tokens
    }
    pub fn reasoning_tokens(&self) -> Option<u64> {
        self.completion_tokens_details.as_ref()?.reasoning_tokens
    }
}

/// An error code is documented as a number but also seen as a string (`"server_error"`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ErrorCode {
    Number(i64),
    Text(String),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorCode::Number(n) => write!(f, "{n}"),
            ErrorCode::Text(s) => f.write_str(s),
        }
    }
}

/// The `error` object of an error body or of a mid-stream error chunk.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ErrorObject {
    #[serde(default)]
    pub code: Option<ErrorCode>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Model-availability errors (404 no endpoints, `free_variant_ended`, …) explain themselves here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<serde_json::Value>,
}

/// `error.availability`, read leniently: the fields the app acts on.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Availability {
    /// `model_not_found`, `no_endpoints`, `model_deprecated`, `free_variant_ended`, `capacity_exhausted`…
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub retryable: Option<bool>,
    /// Models OpenRouter suggests instead, best first (e.g. the paid slug after a free promotion ended).
    #[serde(default)]
    pub fallback_models: Vec<String>,
}

impl ErrorObject {
    /// `availability`, from the error itself or (as some bodies nest it) from its `metadata`.
    pub fn availability(&self) -> Option<Availability> {
        let raw = self
            .availability
            .as_ref()
            .or_else(|| self.metadata.as_ref()?.get("availability"))?;
        let code = raw.get("code").and_then(|c| c.as_str()).map(str::to_owned);
        let retryable = raw.get("retryable").and_then(|r| r.as_bool());
        let fallback_models = raw
            .get("fallback_models")
            .and_then(|f| f.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|m| m.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Some(Availability {
            code,
            retryable,
            fallback_models,
        })
    }

    /// `metadata.error_type` (e.g. `rate_limit_exceeded`) when the API gives one.
    pub fn error_type(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("error_type")?.as_str()
    }
    /// `metadata.raw`: the upstream provider's own words, e.g. for a rate-limited free model.
    pub fn raw(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("raw")?.as_str()
    }
}

/// `{"error": {...}}` as returned with a non-2xx status.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

/// One `data:` chunk of a streamed chat completion.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StreamChunk {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub choices: Vec<StreamChoice>,
    #[serde(default)]
    pub usage: Option<Usage>,
    #[serde(default)]
    pub error: Option<ErrorObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StreamChoice {
    #[serde(default)]
    pub delta: Option<Delta>,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub native_finish_reason: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Delta {
    #[serde(default)]
    pub content: Option<String>,
    /// Readable reasoning text; `reasoning_content` is an alias some providers use.
    #[serde(default, alias = "reasoning_content")]
    pub reasoning: Option<String>,
    #[serde(default)]
    pub tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ToolCallDelta {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub function: Option<FunctionDelta>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FunctionDelta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arguments: Option<String>,
}

/// `GET /key` → `data`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub struct KeyData {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub limit: Option<f64>,
    #[serde(default)]
    pub limit_remaining: Option<f64>,
    #[serde(default)]
    pub limit_reset: Option<String>,
    #[serde(default)]
    pub usage: f64,
    #[serde(default)]
    pub usage_daily: Option<f64>,
    #[serde(default)]
    pub usage_weekly: Option<f64>,
    #[serde(default)]
    pub usage_monthly: Option<f64>,
    #[serde(default)]
    pub byok_usage_monthly: Option<f64>,
    #[serde(default)]
    pub include_byok_in_limit: bool,
    #[serde(default)]
    pub is_free_tier: bool,
}

/// `GET /credits` (management keys): everything bought and everything used, in USD.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Credits {
    #[serde(default)]
    pub total_credits: f64,
    #[serde(default)]
    pub total_usage: f64,
}

/// One `GET /activity` row (management keys): a UTC day × model × endpoint.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ActivityItem {
    pub date: String,
    pub model: String,
    pub provider_name: Option<String>,
    /// USD.
    pub usage: f64,
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
}

/// `GET /generation?id=`: what one generation was billed, reduced to what the ledger keeps. The
/// `native_*` counts are the billed ones.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct GenerationData {
    pub id: String,
    pub model: Option<String>,
    pub provider_name: Option<String>,
    /// USD charged (`usage` in the body; `total_cost` is the same figure in older bodies).
    pub usage: Option<f64>,
    pub total_cost: Option<f64>,
    pub native_tokens_prompt: Option<u64>,
    pub native_tokens_completion: Option<u64>,
    pub native_tokens_reasoning: Option<u64>,
    pub native_tokens_cached: Option<u64>,
    pub tokens_prompt: Option<u64>,
    pub tokens_completion: Option<u64>,
    pub cancelled: Option<bool>,
}

impl GenerationData {
    /// The cost charged, in USD.
    pub fn cost(&self) -> Option<f64> {
        self.total_cost.or(self.usage)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DataEnvelope<T> {
    pub data: T,
}

/// A model from `GET /models`, reduced to what the app shows now.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default)]
    pub pricing: Option<ModelPricing>,
    #[serde(default)]
    pub supported_parameters: Option<Vec<String>>,
}

/// Prices are USD **per token**, as decimal strings; zero-valued keys are omitted in 2026 lists and
/// router models use `"-1"` for "varies".
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ModelPricing {
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub completion: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streaming_request_sends_only_what_is_set() {
        let request =
            ChatRequest::streaming("openai/gpt-4o-mini", vec![ChatMessage::new("user", "hi")]);
        let json = serde_json::to_value(&request).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "model": "openai/gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
                "usage": {"include": true}
            })
        );
        let with_fallbacks = ChatRequest {
            models: vec!["a/b".into()],
            max_tokens: Some(100),
            ..request
        };
        let json = serde_json::to_value(&with_fallbacks).expect("json");
        assert_eq!(json["models"], serde_json::json!(["a/b"]));
        assert_eq!(json["max_tokens"], 100);
        assert!(json.get("temperature").is_none());
    }

    #[test]
    fn usage_keeps_unknown_fields_for_history() {
        let raw = r#"{"prompt_tokens":43,"completion_tokens":36,"total_tokens":79,"cost":0.000669,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null},"completion_tokens_details":{"reasoning_tokens":13}}"#;
        let usage: Usage = serde_json::from_str(raw).expect("parses");
        assert_eq!(usage.reasoning_tokens(), Some(13));
        assert_eq!(usage.cached_tokens(), Some(0));
        let back = serde_json::to_value(&usage).expect("json");
        assert!(
            back.get("cost_details").is_some(),
            "unknown fields survive: {back}"
        );
    }
}
