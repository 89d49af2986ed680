//! The real cost of replies that never got their `usage` (stopped, cut off): looked up with
//! `GET /generation?id=` once OpenRouter has it (it answers 404 for a while), then written into the ledger.
//! The pending look-ups live in the history (`generation_checks`), so they survive a restart.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::chat::Chat;
use crate::history::ledger::{CorrectedUsage, GenerationCheck};
use crate::history::{reply_cost_nanos, CostSource, UsageRecord};
use crate::openrouter::{Client, ErrorKind, GenerationData};
use crate::secrets::KeyVault;

/// Look-ups done in one round; the rest wait for the next.
const ROUND: usize = 20;
/// How long to wait when nothing is scheduled, or no key is there to ask with, before looking again.
const IDLE: Duration = Duration::from_secs(60);
/// The least time between two rounds: a check whose result cannot be saved (disk full) stays due, and must
/// not be fetched again in a tight loop.
const MIN_ROUND_GAP: Duration = Duration::from_secs(2);

/// The ledger's figures from a `/generation` body: the billed (`native_*`) token counts, falling back to the
/// normalized ones, and the cost charged.
pub fn usage_from_generation(data: &GenerationData) -> UsageRecord {
    let count = |billed: Option<u64>, normalized: Option<u64>| {
        billed.or(normalized).map_or(0, UsageRecord::tokens)
    };
    UsageRecord {
        prompt_tokens: count(data.native_tokens_prompt, data.tokens_prompt),
        completion_tokens: count(data.native_tokens_completion, data.tokens_completion),
        reasoning_tokens: data.native_tokens_reasoning.map(UsageRecord::tokens),
        cached_tokens: data.native_tokens_cached.map(UsageRecord::tokens),
        cost_nanos: data.cost().and_then(reply_cost_nanos),
        raw_json: serde_json::to_string(&serde_json::json!({
            "id": data.id,
            "model": data.model,
            "provider_name": data.provider_name,
            "total_cost": data.cost(),
            "cancelled": data.cancelled,
        }))
        .ok(),
        source: CostSource::Generation,
    }
}

/// Looks up every check that is due at `now` (unix ms), once each. Returns the replies whose cost arrived.
pub async fn check_due(chat: &Chat, client: &Client, key: &str, now: i64) -> Vec<CorrectedUsage> {
    let due = match chat.db(move |h| h.due_generation_checks(now, ROUND)).await {
        Ok(due) => due,
        Err(e) => {
            log::warn!("could not read the pending cost look-ups: {}", e.message);
            return Vec::new();
        }
    };
    let mut corrected = Vec::new();
    for check in due {
        if let Some(done) = check_one(chat, client, key, check, now).await {
            corrected.push(done);
        }
    }
    corrected
}

async fn check_one(
    chat: &Chat,
    client: &Client,
    key: &str,
    check: GenerationCheck,
    now: i64,
) -> Option<CorrectedUsage> {
    let id = check.generation_id.clone();
    let offline = match client.generation(key, &check.generation_id).await {
        Ok(data) => {
            let usage = usage_from_generation(&data);
            let saved = chat
                .db(move |h| {
                    let served_by = (data.model.as_deref(), data.provider_name.as_deref());
                    h.record_generation_cost(&check, &usage, served_by)
                })
                .await;
            match saved {
                Ok(corrected) => return corrected,
                // Pushed back like a failed look-up, so it is not fetched again at once.
                Err(e) => log::warn!("could not save a looked-up cost: {}", e.message),
            }
            false
        }
        Err(err) => {
            // 404 right after a reply is expected; anything else (a revoked key…) is retried too.
            log::info!("cost of {id} not available yet: {err}");
            matches!(err.kind(), ErrorKind::Offline | ErrorKind::Timeout)
        }
    };
    if let Err(e) = chat
        .db(move |h| h.generation_check_failed(&id, now, offline))
        .await
    {
        log::warn!("could not reschedule a cost look-up: {}", e.message);
    }
    None
}

/// Runs the look-ups for the life of the app: sleeps until the next one is due or a reply ends
/// (`wake`), then does the due ones and hands each corrected reply to `on_corrected`.
pub async fn run(
    chat: Arc<Chat>,
    client: Client,
    vault: Arc<KeyVault>,
    wake: Arc<Notify>,
    on_corrected: impl Fn(CorrectedUsage) + Send + Sync + 'static,
) {
    loop {
        let next = chat
            .db(|h| h.next_generation_check_at())
            .await
            .ok()
            .flatten();
        let wait = match next {
            None => IDLE,
            Some(at) => {
                let now = crate::history::now_ms();
                Duration::from_millis(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
            }
        };
        tokio::select! {
            _ = wake.notified() => continue, // a reply ended: look at the schedule again
            _ = tokio::time::sleep(wait) => {}
        }
        if next.is_none() {
            continue;
        }
        let Some(key) = vault.current() else {
            // Nothing to ask with; a key saved later wakes nobody, so look again after a while.
            tokio::time::sleep(IDLE).await;
            continue;
        };
        for done in check_due(&chat, &client, &key, crate::history::now_ms()).await {
            on_corrected(done);
        }
        tokio::time::sleep(MIN_ROUND_GAP).await;
    }
}
