//! What the history keeps about models (schema version 3): each conversation's routing, the cached model
//! list, and the models used most recently.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::history::store::{now_ms, Result};
use crate::history::{HistoryError, HistoryStore};
use crate::routing::Routing;

/// The cached model list: when it was fetched (unix ms) and each entry's JSON as the API sent it, in the
/// API's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedModelList {
    pub fetched_at: i64,
    pub models: Vec<String>,
}

impl HistoryStore {
    /// The conversation's routing, or `None` when it has none of its own (the defaults apply). A stored
    /// value that no longer reads (hand-edited file) also gives `None`: routing is a preference, and a
    /// broken one must not keep the user from chatting.
    pub fn conversation_routing(&self, conversation_id: i64) -> Result<Option<Routing>> {
        let json: Option<String> = self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT routing_json FROM conversation_routing WHERE conversation_id = ?1",
                )?
                .query_row([conversation_id], |r| r.get(0))
                .optional()?)
        })?;
        Ok(json.and_then(|j| match serde_json::from_str(&j) {
            Ok(routing) => Some(routing),
            Err(e) => {
                log::warn!("routing of conversation {conversation_id} does not read: {e}");
                None
            }
        }))
    }

    /// Saves a conversation's routing (already checked by [`Routing::checked`]). The defaults are stored as
    /// no row at all. Does not move the conversation up the list.
    pub fn set_conversation_routing(&self, conversation_id: i64, routing: &Routing) -> Result<()> {
        let json = serde_json::to_string(routing)
            .map_err(|_| HistoryError::InvalidInput("the routing could not be written"))?;
        let now = now_ms();
        self.write_durably(|tx| {
            let exists: bool = tx
                .prepare_cached("SELECT count(*) FROM conversations WHERE id = ?1")?
                .query_row([conversation_id], |r| r.get(0))?;
            if !exists {
                return Err(HistoryError::NotFound("conversation"));
            }
            if routing.is_default() {
                tx.execute(
                    "DELETE FROM conversation_routing WHERE conversation_id = ?1",
                    [conversation_id],
                )?;
            } else {
                save_routing(tx, conversation_id, &json, now)?;
            }
            Ok(())
        })
    }

    /// The models of the most recently active conversations, newest first, each once.
    pub fn recent_models(&self, limit: usize) -> Result<Vec<String>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT model, max(updated_at) AS last FROM conversations
                 WHERE model <> '' GROUP BY model ORDER BY last DESC, model LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Replaces the cached model list with `models` (`(id, entry JSON)` in the API's order), fetched at
    /// `fetched_at` (unix ms). All or nothing: a failed write leaves the previous list whole.
    pub fn replace_model_cache(&self, models: &[(String, String)], fetched_at: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM model_cache", [])?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR REPLACE INTO model_cache (id, position, model_json) VALUES (?1, ?2, ?3)",
                )?;
                for (position, (id, json)) in models.iter().enumerate() {
                    let position = i64::try_from(position).unwrap_or(i64::MAX);
                    insert.execute(params![id, position, json])?;
                }
            }
            tx.execute(
                "INSERT INTO model_cache_state (singleton, fetched_at) VALUES (1, ?1)
                 ON CONFLICT (singleton) DO UPDATE SET fetched_at = excluded.fetched_at",
                [fetched_at],
            )?;
            Ok(())
        })
    }

    /// The cached model list, or `None` before the first successful fetch.
    pub fn model_cache(&self) -> Result<Option<CachedModelList>> {
        self.read(|conn| {
            let fetched_at: Option<i64> = conn
                .prepare_cached("SELECT fetched_at FROM model_cache_state WHERE singleton = 1")?
                .query_row([], |r| r.get(0))
                .optional()?;
            let Some(fetched_at) = fetched_at else {
                return Ok(None);
            };
            let mut stmt =
                conn.prepare_cached("SELECT model_json FROM model_cache ORDER BY position")?;
            let models = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(CachedModelList { fetched_at, models }))
        })
    }

    /// One cached entry's JSON by its exact id.
    pub fn cached_model(&self, id: &str) -> Result<Option<String>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT model_json FROM model_cache WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?)
        })
    }
}

#[cfg(test)]
mod tests;

/// Writes a conversation's routing JSON (checked by the caller), replacing any it had.
pub(crate) fn save_routing(
    tx: &Transaction,
    conversation_id: i64,
    json: &str,
    updated_at: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO conversation_routing (conversation_id, routing_json, updated_at)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id) DO UPDATE
         SET routing_json = excluded.routing_json, updated_at = excluded.updated_at",
    )?
    .execute(params![conversation_id, json, updated_at])?;
    Ok(())
}
