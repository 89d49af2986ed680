//! The OpenRouter API client: requests, the SSE stream, errors, models and the key. No `tauri` here.

mod client;
mod error;
mod models;
mod pricing;
mod stream;
mod types;

pub use client::{Client, ClientConfig, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use error::{kind_for_status, ApiError, ErrorKind};
pub use models::{
    Architecture, EndpointList, EndpointRecord, ModelRecord, PercentileStats, Pricing,
    PricingOverride, ProviderRecord, ReasoningRecord, TopProvider,
};
pub use pricing::{per_million, per_unit};
pub use stream::{chat_events, ChatEvent, ChunkDecoder, MAX_EVENT_BYTES};
pub use types::{
    ActivityItem, Availability, ChatMessage, ChatRequest, Credits, ErrorCode, ErrorObject,
    GenerationData, KeyData, MaxPrice, ModelInfo, ModelPricing, ProviderPreferences,
    ReasoningOption, ServerTool, Usage,
};
