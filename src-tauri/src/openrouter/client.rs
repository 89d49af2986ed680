//! The HTTP client: one `reqwest::Client` (connection reuse, rustls) with OpenRouter's headers.

use std::time::Duration;

use futures_util::Stream;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};

use super::error::ApiError;
use super::models::{EndpointList, ProviderRecord};
use super::stream::{chat_events, ChatEvent};
use super::types::{
    ActivityItem, ChatRequest, Credits, DataEnvelope, GenerationData, KeyData, ModelInfo,
};

pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
/// Environment variable that points the app at another server (the tests' mock, a proxy).
pub const BASE_URL_ENV: &str = "OPENROUTER_BASE_URL";
const APP_URL: &str = "https://github.com/openrouter-desktop/openrouter-desktop";
const APP_TITLE: &str = "OpenRouter Desktop";

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Longest silence accepted between two reads of a body. Never a total timeout: reasoning models
    /// can stream for many minutes, and OpenRouter's keep-alive comments reset this timer.
    pub read_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(180),
        }
    }
}

impl ClientConfig {
    /// The default configuration, with the base URL from `OPENROUTER_BASE_URL` when set.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(url) = std::env::var(BASE_URL_ENV) {
            if !url.trim().is_empty() {
                config.base_url = url.trim().trim_end_matches('/').to_owned();
            }
        }
        config
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert("HTTP-Referer", HeaderValue::from_static(APP_URL));
        headers.insert("X-OpenRouter-Title", HeaderValue::from_static(APP_TITLE));
        headers.insert("X-Title", HeaderValue::from_static(APP_TITLE));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("openrouter-desktop/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .build()
            .map_err(|e| ApiError::Connect(e.to_string()))?;
        Ok(Self {
            http,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// `GET /key`: checks a key and returns its limits and usage.
    pub async fn key_info(&self, key: &str) -> Result<KeyData, ApiError> {
        let response = self
            .send(
                self.http
                    .get(self.url("key"))
                    .header(AUTHORIZATION, bearer(key)),
            )
            .await?;
        decode::<DataEnvelope<KeyData>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /credits`: the account's credits and usage. Needs a management key (403 otherwise).
    pub async fn credits(&self, key: &str) -> Result<Credits, ApiError> {
        let response = self
            .send(
                self.http
                    .get(self.url("credits"))
                    .header(AUTHORIZATION, bearer(key)),
            )
            .await?;
        decode::<DataEnvelope<Credits>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /activity`: the last 30 completed UTC days by model and endpoint. Needs a management key.
    /// A row that does not read is skipped, not the whole list.
    pub async fn activity(&self, key: &str) -> Result<Vec<ActivityItem>, ApiError> {
        let response = self
            .send(
                self.http
                    .get(self.url("activity"))
                    .header(AUTHORIZATION, bearer(key)),
            )
            .await?;
        let rows = decode::<DataEnvelope<Vec<serde_json::Value>>>(response).await?;
        Ok(rows
            .data
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect())
    }

    /// `GET /generation?id=`: what one generation was billed. 404 for a while after it ends.
    pub async fn generation(&self, key: &str, id: &str) -> Result<GenerationData, ApiError> {
        let response = self
            .send(
                self.http
                    .get(self.url("generation"))
                    .query(&[("id", id)])
                    .header(AUTHORIZATION, bearer(key)),
            )
            .await?;
        decode::<DataEnvelope<GenerationData>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /models`: the public model list (no key needed).
    pub async fn models(&self) -> Result<Vec<ModelInfo>, ApiError> {
        let response = self.send(self.http.get(self.url("models"))).await?;
        decode::<DataEnvelope<Vec<ModelInfo>>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /models`, each entry as sent: the catalogue decodes them one by one (a malformed entry is
    /// skipped, not the whole list) and caches them as sent, so a newer app can read what this one ignores.
    pub async fn model_list(&self) -> Result<Vec<serde_json::Value>, ApiError> {
        let response = self.send(self.http.get(self.url("models"))).await?;
        decode::<DataEnvelope<Vec<serde_json::Value>>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /models/{author}/{slug}/endpoints`: the providers serving a model. The key is optional; with
    /// it the API adds throughput figures.
    pub async fn model_endpoints(
        &self,
        key: Option<&str>,
        author: &str,
        slug: &str,
    ) -> Result<EndpointList, ApiError> {
        let path = format!("models/{author}/{slug}/endpoints");
        let response = self
            .send(with_key(self.http.get(self.url(&path)), key))
            .await?;
        decode::<DataEnvelope<EndpointList>>(response)
            .await
            .map(|e| e.data)
    }

    /// `GET /providers`: every provider, with the slug `provider.order/only/ignore` take. Entries without
    /// a slug are dropped.
    pub async fn providers(&self, key: Option<&str>) -> Result<Vec<ProviderRecord>, ApiError> {
        let response = self
            .send(with_key(self.http.get(self.url("providers")), key))
            .await?;
        let list = decode::<DataEnvelope<Vec<serde_json::Value>>>(response).await?;
        Ok(list
            .data
            .iter()
            .filter_map(|v| serde::Deserialize::deserialize(v).ok())
            .filter(|p: &ProviderRecord| !p.slug.trim().is_empty())
            .collect())
    }

    /// `POST /chat/completions` with `stream: true`. Resolves once the response headers arrived
    /// (errors before the stream are `ApiError::Http`), then yields events. Dropping the stream closes
    /// the connection, which is how a reply is stopped (and billing stops at most providers).
    /// Nothing here retries: a retried POST could bill twice.
    pub async fn stream_chat(
        &self,
        key: &str,
        request: &ChatRequest,
    ) -> Result<impl Stream<Item = Result<ChatEvent, ApiError>> + Send + 'static, ApiError> {
        let builder = self
            .http
            .post(self.url("chat/completions"))
            .header(AUTHORIZATION, bearer(key))
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(request);
        let response = self.send(builder).await?;
        Ok(chat_events(response.bytes_stream()))
    }

    async fn send(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::Response, ApiError> {
        let response = builder.send().await.map_err(ApiError::from_reqwest)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // An error body is small; a broken one must still give the status.
        let body = response.text().await.unwrap_or_default();
        Err(ApiError::from_response(
            status.as_u16(),
            &body,
            retry_after.as_deref(),
        ))
    }
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn with_key(builder: reqwest::RequestBuilder, key: Option<&str>) -> reqwest::RequestBuilder {
    match key {
        Some(key) => builder.header(AUTHORIZATION, bearer(key)),
        None => builder,
    }
}

async fn decode<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, ApiError> {
    let bytes = response.bytes().await.map_err(ApiError::from_reqwest)?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode(e.to_string()))
}
