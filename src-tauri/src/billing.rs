//! Money as the user sees it, beyond the ledger itself (`history::spend`): the key's and the account's own
//! figures, the estimate of a prompt before it is sent, the monthly budget and the low-balance warning
//! (IPC.md "Money (issue 5)"). No `tauri` here; `app::money_commands` wraps it.

pub mod checks;

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::catalog::ModelCard;
use crate::history::ledger::PromptBasis;
use crate::history::usd_to_nanos;
use crate::openrouter::{ActivityItem, Credits, KeyData};
use crate::user_error::UserError;

/// The most a budget or threshold may be, in dollars: a typo guard, far above any real monthly spend.
pub const MAX_SETTING_USD: i64 = 1_000_000;
/// The budget warning starts at this share of the budget.
const WARNING_PERCENT: i64 = 80;
/// Characters per token for text with no exact count yet (English averages about four).
const CHARS_PER_TOKEN: i64 = 4;

/// `GET /key` in nano-dollars (`KeyStatus` in IPC.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyStatus {
    pub label: String,
    pub limit_nanos: Option<i64>,
    pub limit_remaining_nanos: Option<i64>,
    pub limit_reset: Option<String>,
    pub usage_nanos: i64,
    pub usage_daily_nanos: i64,
    pub usage_weekly_nanos: i64,
    pub usage_monthly_nanos: i64,
    pub byok_usage_monthly_nanos: i64,
    pub include_byok_in_limit: bool,
    pub is_free_tier: bool,
    pub fetched_at: i64,
}

impl KeyStatus {
    pub fn new(data: &KeyData, fetched_at: i64) -> Self {
        let nanos = |usd: Option<f64>| usd.map(usd_to_nanos).unwrap_or(0);
        Self {
            label: data.label.clone(),
            limit_nanos: data.limit.map(usd_to_nanos),
            limit_remaining_nanos: data.limit_remaining.map(usd_to_nanos),
            limit_reset: data.limit_reset.clone().filter(|r| !r.trim().is_empty()),
            usage_nanos: usd_to_nanos(data.usage),
            usage_daily_nanos: nanos(data.usage_daily),
            usage_weekly_nanos: nanos(data.usage_weekly),
            usage_monthly_nanos: nanos(data.usage_monthly),
            byok_usage_monthly_nanos: nanos(data.byok_usage_monthly),
            include_byok_in_limit: data.include_byok_in_limit,
            is_free_tier: data.is_free_tier,
            fetched_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccountBalance {
    pub total_credits_nanos: i64,
    pub total_usage_nanos: i64,
    pub balance_nanos: i64,
}

impl From<&Credits> for AccountBalance {
    fn from(c: &Credits) -> Self {
        let (credits, usage) = (usd_to_nanos(c.total_credits), usd_to_nanos(c.total_usage));
        Self {
            total_credits_nanos: credits,
            total_usage_nanos: usage,
            balance_nanos: credits.saturating_sub(usage),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityRow {
    pub date: String,
    pub model: String,
    pub provider_name: Option<String>,
    pub usage_nanos: i64,
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub reasoning_tokens: u64,
}

impl From<&ActivityItem> for ActivityRow {
    fn from(a: &ActivityItem) -> Self {
        Self {
            date: a.date.clone(),
            model: a.model.clone(),
            provider_name: a.provider_name.clone(),
            usage_nanos: usd_to_nanos(a.usage),
            requests: a.requests,
            prompt_tokens: a.prompt_tokens,
            completion_tokens: a.completion_tokens,
            reasoning_tokens: a.reasoning_tokens,
        }
    }
}

/// What a management key adds (`AccountStatus` in IPC.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountStatus {
    pub has_management_key: bool,
    pub balance: Option<AccountBalance>,
    /// Newest day first.
    pub activity: Option<Vec<ActivityRow>>,
    pub error: Option<UserError>,
    pub fetched_at: Option<i64>,
}

impl AccountStatus {
    pub fn without_key() -> Self {
        Self {
            has_management_key: false,
            balance: None,
            activity: None,
            error: None,
            fetched_at: None,
        }
    }

    pub fn fetched(credits: &Credits, activity: &[ActivityItem], now: i64) -> Self {
        let mut rows: Vec<ActivityRow> = activity.iter().map(ActivityRow::from).collect();
        rows.sort_by(|a, b| b.date.cmp(&a.date).then(b.usage_nanos.cmp(&a.usage_nanos)));
        Self {
            has_management_key: true,
            balance: Some(AccountBalance::from(credits)),
            activity: Some(rows),
            error: None,
            fetched_at: Some(now),
        }
    }

    pub fn failed(error: UserError) -> Self {
        Self {
            has_management_key: true,
            error: Some(error),
            ..Self::without_key()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateBasis {
    LastReply,
    Characters,
}

/// `PromptEstimate` in IPC.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PromptEstimate {
    pub prompt_tokens: i64,
    pub cost_nanos: Option<i64>,
    pub free: bool,
    pub basis: EstimateBasis,
}

/// The next prompt's tokens (the last reply's exact context, plus the text since and the draft at about
/// four characters a token) times the model's prompt price. `model` is the cached catalogue entry; without
/// it the price is unknown.
pub fn estimate_prompt(
    basis: PromptBasis,
    draft: &str,
    model: Option<&ModelCard>,
) -> PromptEstimate {
    let chars = basis.chars_after + i64::try_from(draft.chars().count()).unwrap_or(i64::MAX);
    let guessed = (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    let prompt_tokens = basis.last_reply_tokens.unwrap_or(0).saturating_add(guessed);
    let free = model.is_some_and(|m| m.is_free);
    let cost_nanos = if free {
        Some(0)
    } else {
        model
            .and_then(|m| m.prices.prompt.as_deref())
            .and_then(|per_million| prompt_cost_nanos(prompt_tokens, per_million))
    };
    PromptEstimate {
        prompt_tokens,
        cost_nanos,
        free,
        basis: if basis.last_reply_tokens.is_some() {
            EstimateBasis::LastReply
        } else {
            EstimateBasis::Characters
        },
    }
}

/// `tokens` at `per_million` USD per million tokens, in nano-dollars (a thousand nano-dollars per token per
/// dollar-per-million), rounded half away from zero. `None` for a price that varies or does not read.
fn prompt_cost_nanos(tokens: i64, per_million: &str) -> Option<i64> {
    let price = Decimal::from_str(per_million.trim()).ok()?;
    if price.is_sign_negative() {
        return None;
    }
    let nanos = price
        .checked_mul(Decimal::from(tokens))?
        .checked_mul(Decimal::from(1000))?;
    nanos
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

/// A dollar amount the user typed ("20", "2.50", " 0.5 ") in nano-dollars: `None` when it is not a plain
/// non-negative decimal of at most [`MAX_SETTING_USD`].
pub fn setting_usd_to_nanos(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value = Decimal::from_str(text).ok()?;
    if value > Decimal::from(MAX_SETTING_USD) {
        return None;
    }
    value
        .checked_mul(Decimal::from(1_000_000_000))?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetLevel {
    None,
    Ok,
    Warning,
    Reached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceSource {
    KeyLimit,
    Credits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LowBalance {
    pub remaining_nanos: i64,
    pub threshold_nanos: i64,
    pub source: BalanceSource,
}

/// `BudgetStatus` in IPC.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetStatus {
    pub budget_nanos: Option<i64>,
    pub month_spent_nanos: i64,
    pub level: BudgetLevel,
    pub low_balance: Option<LowBalance>,
}

/// Where the month's spend stands against the budget, and whether what is left of the key's limit or the
/// account's balance (the last figures fetched, if any) is under the user's threshold. With both known, the
/// smaller counts: either running out stops the requests.
pub fn budget_status(
    budget_nanos: Option<i64>,
    month_spent_nanos: i64,
    threshold_nanos: Option<i64>,
    key_remaining_nanos: Option<i64>,
    balance_nanos: Option<i64>,
) -> BudgetStatus {
    let level = match budget_nanos {
        None => BudgetLevel::None,
        Some(budget) if month_spent_nanos >= budget => BudgetLevel::Reached,
        // spent / budget ≥ 80 %, in integers: spent × 100 ≥ budget × 80.
        Some(budget)
            if i128::from(month_spent_nanos) * 100
                >= i128::from(budget) * i128::from(WARNING_PERCENT) =>
        {
            BudgetLevel::Warning
        }
        Some(_) => BudgetLevel::Ok,
    };
    let remaining = [
        balance_nanos.map(|n| (n, BalanceSource::Credits)),
        key_remaining_nanos.map(|n| (n, BalanceSource::KeyLimit)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(n, _)| *n);
    let low_balance = match (threshold_nanos, remaining) {
        (Some(threshold), Some((remaining, source))) if remaining < threshold => Some(LowBalance {
            remaining_nanos: remaining,
            threshold_nanos: threshold,
            source,
        }),
        _ => None,
    };
    BudgetStatus {
        budget_nanos,
        month_spent_nanos,
        level,
        low_balance,
    }
}

#[cfg(test)]
mod tests;
