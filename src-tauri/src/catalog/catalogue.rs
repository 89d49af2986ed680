//! The model catalogue: the cached list (opens at once, works offline), its refresh, and the per-model
//! provider endpoints and the provider list fetched when asked for.
//!
//! The list lives in the history database (`model_cache`, one row per model as the API sent it) and, once
//! read, in memory. A refresh that fails keeps the cached list and remembers why, so the page can say the
//! list may be out of date. Every filter and sort runs in the page over the whole list.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;

use super::card::ModelCard;
use super::endpoints::{for_variant, ModelEndpoint, ProviderInfo};
use super::variant::split_variant;
use crate::history::{HistoryError, HistoryStore};
use crate::openrouter::{ApiError, Client, ModelRecord};
use crate::settings::valid_model_id;
use crate::user_error::UserError;

/// What the page gets (IPC.md `Catalogue`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalogue {
    /// Sorted by name; empty before the first successful fetch.
    pub models: Vec<ModelCard>,
    /// When the list was fetched (unix ms); `None` before the first successful fetch.
    pub fetched_at: Option<i64>,
    /// Why the last refresh failed; `None` when it worked (or none was tried yet in this run).
    pub refresh_error: Option<UserError>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Storage(#[from] HistoryError),
    #[error("“{0}” is not a model id")]
    InvalidId(String),
    #[error("OpenRouter sent an empty model list")]
    EmptyList,
}

impl From<CatalogueError> for UserError {
    fn from(err: CatalogueError) -> Self {
        match err {
            CatalogueError::Api(e) => UserError::from(&e),
            CatalogueError::Storage(e) => UserError::from(e),
            CatalogueError::InvalidId(id) => {
                UserError::invalid_input(format!("“{id}” is not a model id."))
            }
            CatalogueError::EmptyList => UserError::new(
                crate::openrouter::ErrorKind::ServerError,
                "OpenRouter sent an empty model list, so the saved list is kept. Try again later.",
            ),
        }
    }
}

struct Snapshot {
    models: Arc<Vec<ModelCard>>,
    fetched_at: Option<i64>,
}

#[derive(Default)]
pub struct ModelCatalogue {
    snapshot: Mutex<Option<Snapshot>>,
    refresh_error: Mutex<Option<UserError>>,
    /// One refresh at a time, so two answers never race to write the cache.
    refreshing: tokio::sync::Mutex<()>,
    /// `/providers`, fetched once per run.
    providers: Mutex<Option<Vec<ProviderInfo>>>,
}

/// A lock whose holder panicked still guards a whole value here (each is replaced in one assignment).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ModelCatalogue {
    /// The cached list, without the network: from memory, else from the history database.
    pub async fn cached(&self, history: &HistoryStore) -> Result<Catalogue, CatalogueError> {
        self.load(history).await?;
        Ok(self.in_memory().unwrap_or_else(|| Catalogue {
            models: Vec::new(),
            fetched_at: None,
            refresh_error: self.last_error(),
        }))
    }

    /// Reads the saved list into memory once (nothing to do when it is there already).
    async fn load(&self, history: &HistoryStore) -> Result<(), CatalogueError> {
        if lock(&self.snapshot).is_some() {
            return Ok(());
        }
        let loaded = history
            .call(|h| {
                Ok(h.model_cache()?.map(|cache| {
                    let values = cache
                        .models
                        .iter()
                        .filter_map(|json| serde_json::from_str(json).ok())
                        .collect::<Vec<serde_json::Value>>();
                    (cache.fetched_at, cards_of(&values))
                }))
            })
            .await?;
        let mut snapshot = lock(&self.snapshot);
        // A refresh may have finished meanwhile: it is newer than the file.
        if snapshot.is_none() {
            *snapshot = Some(match loaded {
                Some((fetched_at, models)) => Snapshot {
                    models: Arc::new(models),
                    fetched_at: Some(fetched_at),
                },
                None => Snapshot {
                    models: Arc::new(Vec::new()),
                    fetched_at: None,
                },
            });
        }
        Ok(())
    }

    /// Whether `id` costs nothing by the cached list's prices. An id the list does not know (or no list
    /// yet) is free only when it is a `:free` variant: anything else may cost money.
    pub async fn is_free(&self, history: &HistoryStore, id: &str) -> bool {
        if let Err(e) = self.load(history).await {
            log::debug!("model list not read for a price check: {e}");
        }
        let snapshot = lock(&self.snapshot);
        let card = snapshot
            .as_ref()
            .and_then(|s| s.models.iter().find(|m| m.id == id));
        card.map_or_else(|| id.ends_with(":free"), |m| m.is_free)
    }

    /// Fetches `/models`, saves it and returns it. On any failure the cached list comes back with
    /// `refresh_error` saying why: this never fails for a network problem.
    pub async fn refresh(&self, client: &Client, history: &HistoryStore) -> Catalogue {
        let _one_at_a_time = self.refreshing.lock().await;
        match self.fetch(client, history).await {
            Ok(()) => *lock(&self.refresh_error) = None,
            Err(err) => {
                log::warn!("model list refresh failed: {err}");
                *lock(&self.refresh_error) = Some(UserError::from(err));
            }
        }
        match self.cached(history).await {
            Ok(catalogue) => catalogue,
            Err(err) => Catalogue {
                models: Vec::new(),
                fetched_at: None,
                refresh_error: Some(UserError::from(err)),
            },
        }
    }

    async fn fetch(&self, client: &Client, history: &HistoryStore) -> Result<(), CatalogueError> {
        let entries = client.model_list().await?;
        let fetched_at = now_ms();
        let (rows, models) = tokio::task::spawn_blocking(move || {
            let mut rows = Vec::with_capacity(entries.len());
            let mut valid = Vec::with_capacity(entries.len());
            for entry in entries {
                // Only entries that read as a model are kept; the rest would only fail again later.
                let Some(record) = ModelRecord::from_value(&entry) else {
                    log::warn!("skipped a model list entry without an id");
                    continue;
                };
                rows.push((record.id.trim().to_owned(), entry.to_string()));
                valid.push(entry);
            }
            let models = cards_of(&valid);
            (rows, models)
        })
        .await
        .map_err(|e| HistoryError::Task(e.to_string()))?;
        if models.is_empty() {
            return Err(CatalogueError::EmptyList);
        }
        // The fresh list is shown even when it cannot be saved (disk full): it is only a cache.
        if let Err(e) = history
            .call(move |h| h.replace_model_cache(&rows, fetched_at))
            .await
        {
            log::error!("the model list could not be cached: {e}");
        }
        *lock(&self.snapshot) = Some(Snapshot {
            models: Arc::new(models),
            fetched_at: Some(fetched_at),
        });
        Ok(())
    }

    fn in_memory(&self) -> Option<Catalogue> {
        let snapshot = lock(&self.snapshot);
        let s = snapshot.as_ref()?;
        Some(Catalogue {
            models: s.models.as_ref().clone(),
            fetched_at: s.fetched_at,
            refresh_error: self.last_error(),
        })
    }

    fn last_error(&self) -> Option<UserError> {
        lock(&self.refresh_error).clone()
    }

    /// The providers serving `id`, from `/models/{author}/{slug}/endpoints`. A variant's endpoints are its
    /// base model's (a `:free` id keeps only the free ones).
    pub async fn endpoints(
        &self,
        client: &Client,
        key: Option<&str>,
        id: &str,
    ) -> Result<Vec<ModelEndpoint>, CatalogueError> {
        let id = id.trim();
        let (base, variant) = split_variant(id);
        let (author, slug) = base
            .split_once('/')
            .filter(|(a, s)| !a.is_empty() && !s.is_empty() && !s.contains('/'))
            .filter(|_| valid_model_id(id))
            .ok_or_else(|| CatalogueError::InvalidId(id.to_owned()))?;
        let list = client.model_endpoints(key, author, slug).await?;
        let endpoints = list.endpoints.iter().map(ModelEndpoint::from).collect();
        Ok(for_variant(endpoints, variant))
    }

    /// Every provider, sorted by name; fetched once per run.
    pub async fn providers(
        &self,
        client: &Client,
        key: Option<&str>,
    ) -> Result<Vec<ProviderInfo>, CatalogueError> {
        if let Some(cached) = lock(&self.providers).clone() {
            return Ok(cached);
        }
        let mut providers: Vec<ProviderInfo> = client
            .providers(key)
            .await?
            .iter()
            .map(ProviderInfo::from)
            .collect();
        providers.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        providers.dedup_by(|a, b| a.slug == b.slug);
        *lock(&self.providers) = Some(providers.clone());
        Ok(providers)
    }
}

/// Cards for raw entries (entries without an id are skipped), sorted by name, then id.
fn cards_of(values: &[serde_json::Value]) -> Vec<ModelCard> {
    let mut cards: Vec<ModelCard> = values.iter().filter_map(ModelCard::from_value).collect();
    cards.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    cards.dedup_by(|a, b| a.id == b.id);
    cards
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cards_are_sorted_by_name_and_entries_without_an_id_skipped() {
        let cards = cards_of(&[
            json!({"id": "b/z", "name": "beta"}),
            json!({"name": "no id"}),
            json!({"id": "a/y", "name": "Alpha"}),
            json!({"id": "a/x", "name": "alpha"}),
            json!({"id": "a/x", "name": "alpha"}),
            json!(42),
        ]);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a/x", "a/y", "b/z"]);
    }

    #[tokio::test]
    async fn before_any_fetch_the_catalogue_is_empty_and_says_so() {
        let catalogue = ModelCatalogue::default();
        let history = HistoryStore::open_in_memory().expect("memory");
        let got = catalogue.cached(&history).await.expect("cached");
        assert!(got.models.is_empty());
        assert_eq!(got.fetched_at, None);
        assert_eq!(got.refresh_error, None);
    }

    #[tokio::test]
    async fn a_saved_list_opens_without_the_network() {
        let history = HistoryStore::open_in_memory().expect("memory");
        history
            .replace_model_cache(
                &[
                    ("x/b".into(), r#"{"id":"x/b","name":"B"}"#.into()),
                    ("x/a".into(), r#"{"id":"x/a","name":"A","pricing":{"prompt":"0.000001","completion":"0.000002"}}"#.into()),
                ],
                1234,
            )
            .expect("saved");
        let got = ModelCatalogue::default()
            .cached(&history)
            .await
            .expect("cached");
        assert_eq!(got.fetched_at, Some(1234));
        assert_eq!(got.models.len(), 2);
        assert_eq!(got.models[0].id, "x/a");
        assert_eq!(got.models[0].prices.prompt.as_deref(), Some("1"));
    }

    #[tokio::test]
    async fn free_is_read_from_the_saved_prices_and_an_unknown_id_counts_as_paid() {
        let history = HistoryStore::open_in_memory().expect("memory");
        let catalogue = ModelCatalogue::default();
        // No list yet: only the `:free` suffix says free.
        assert!(catalogue.is_free(&history, "x/a:free").await);
        assert!(!catalogue.is_free(&history, "x/zero").await);
        history
            .replace_model_cache(
                &[
                    ("x/zero".into(), r#"{"id":"x/zero","name":"Zero","pricing":{"prompt":"0","completion":"0"}}"#.into()),
                    ("x/paid".into(), r#"{"id":"x/paid","name":"Paid","pricing":{"prompt":"0.000001","completion":"0"}}"#.into()),
                ],
                1,
            )
            .expect("saved");
        let catalogue = ModelCatalogue::default();
        assert!(
            catalogue.is_free(&history, "x/zero").await,
            "free by its prices, no suffix"
        );
        assert!(!catalogue.is_free(&history, "x/paid").await);
        assert!(!catalogue.is_free(&history, "x/unknown").await);
        assert!(catalogue.is_free(&history, "x/unknown:free").await);
    }

    #[tokio::test]
    async fn a_bad_id_for_endpoints_is_refused_before_the_network() {
        let client = Client::new(crate::openrouter::ClientConfig {
            base_url: "http://127.0.0.1:9/api/v1".into(),
            ..Default::default()
        })
        .expect("client");
        let catalogue = ModelCatalogue::default();
        for id in ["gpt-4o", "a/b/c", "a b/c", "/x", "a/"] {
            let err = catalogue
                .endpoints(&client, None, id)
                .await
                .expect_err("refused");
            assert!(matches!(err, CatalogueError::InvalidId(_)), "{id}: {err:?}");
        }
    }
}
