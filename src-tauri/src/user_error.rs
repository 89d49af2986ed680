//! Failures as the user reads them: a kind the page branches on, a sentence, and a way out.

use serde::{Deserialize, Serialize};

use crate::openrouter::{ApiError, ErrorKind};
use crate::settings::valid_model_id;

pub const CREDITS_URL: &str = "https://openrouter.ai/settings/credits";
pub const KEYS_URL: &str = "https://openrouter.ai/keys";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    OpenUrl,
    Retry,
    EnterKey,
    /// Send again with `model` instead (OpenRouter suggested it, e.g. after a free promotion ended).
    SwitchModel,
    /// Ask again with the reply capped at `max_tokens` (a 402 said the credits cover that many).
    RetryShorter,
    /// Send the same message again, past the monthly budget the user set (the quick window's confirm).
    SendAnyway,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAction {
    pub kind: ActionKind,
    pub label: String,
    #[serde(default)]
    pub url: Option<String>,
    /// For `switch_model`: the model to switch to. Left out of the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// For `retry_shorter`: the longest reply to ask for. Left out of the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
}

impl UserAction {
    fn retry(label: &str) -> Self {
        Self {
            kind: ActionKind::Retry,
            label: label.to_owned(),
            url: None,
            model: None,
            max_tokens: None,
        }
    }
    fn open(label: &str, url: &str) -> Self {
        Self {
            kind: ActionKind::OpenUrl,
            label: label.to_owned(),
            url: Some(url.to_owned()),
            model: None,
            max_tokens: None,
        }
    }
    fn enter_key() -> Self {
        Self {
            kind: ActionKind::EnterKey,
            label: "Enter a new key".to_owned(),
            url: None,
            model: None,
            max_tokens: None,
        }
    }
    fn switch_model(model: &str) -> Self {
        Self {
            kind: ActionKind::SwitchModel,
            label: format!("Switch to {model}"),
            url: None,
            model: Some(model.to_owned()),
            max_tokens: None,
        }
    }
    fn retry_shorter(max_tokens: u32) -> Self {
        Self {
            kind: ActionKind::RetryShorter,
            label: format!(
                "Try a shorter reply (up to {} tokens)",
                crate::history::thousands(i64::from(max_tokens))
            ),
            url: None,
            model: None,
            max_tokens: Some(max_tokens),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    pub kind: ErrorKind,
    pub message: String,
    /// Boxed: most errors have none, and a result carrying a `UserError` stays small.
    #[serde(default)]
    pub action: Option<Box<UserAction>>,
    /// Another way out beside `action` (a 402 offers a shorter reply now and more credits for later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_action: Option<Box<UserAction>>,
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

impl UserError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            action: None,
            second_action: None,
            retry_after_secs: None,
        }
    }

    fn with_action(mut self, action: UserAction) -> Self {
        self.action = Some(Box::new(action));
        self
    }

    fn with_second_action(mut self, action: UserAction) -> Self {
        self.second_action = Some(Box::new(action));
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// The monthly budget the user set is used up: sending a paid prompt asks first, as the chat does.
    pub fn budget_reached(budget_nanos: i64, spent_nanos: i64) -> Self {
        let message = format!(
            "You have reached your monthly budget of {} ({} spent this month). Send anyway?",
            crate::history::format_usd(budget_nanos),
            crate::history::format_usd(spent_nanos)
        );
        Self::new(ErrorKind::InvalidInput, message).with_action(UserAction {
            kind: ActionKind::SendAnyway,
            label: "Send anyway".to_owned(),
            url: None,
            model: None,
            max_tokens: None,
        })
    }

    pub fn no_key() -> Self {
        Self::new(
            ErrorKind::NoKey,
            "Add your OpenRouter API key to start chatting.",
        )
        .with_action(UserAction::enter_key())
    }
}

/// The API's own message, when it says more than its status does.
fn detail(err: &ApiError) -> Option<String> {
    let obj = err.error_object()?;
    let text = obj.raw().unwrap_or(&obj.message).trim();
    (!text.is_empty()).then(|| text.chars().take(300).collect())
}

fn with_detail(sentence: &str, err: &ApiError) -> String {
    match detail(err) {
        Some(d) => format!("{sentence} OpenRouter said: “{d}”"),
        None => sentence.to_owned(),
    }
}

/// A model-availability error OpenRouter attached a replacement to: the free promotion ended, the model
/// was retired or has no endpoint. Waiting will not help, so the way out is the suggested model. Errors
/// marked retryable (capacity, a brief outage) keep their "Try again" instead.
fn switch_model(err: &ApiError) -> Option<UserError> {
    let availability = err.error_object()?.availability()?;
    if availability.retryable == Some(true) {
        return None;
    }
    let model = availability
        .fallback_models
        .iter()
        .map(|m| m.trim())
        .find(|m| valid_model_id(m))?;
    let sentence = match availability.code.as_deref() {
        Some("free_variant_ended") => format!(
            "The free version of this model is no longer offered. You can switch to {model}, which is paid, or choose another model."
        ),
        Some("model_deprecated") => format!(
            "This model has been retired. OpenRouter suggests {model} instead."
        ),
        _ => format!(
            "This model is not available on OpenRouter right now. OpenRouter suggests {model} instead."
        ),
    };
    let kind = match err.kind() {
        ErrorKind::Interrupted | ErrorKind::ServerError => ErrorKind::NotFound,
        kind => kind,
    };
    Some(UserError::new(kind, sentence).with_action(UserAction::switch_model(model)))
}

impl From<&ApiError> for UserError {
    fn from(err: &ApiError) -> Self {
        if let Some(user) = switch_model(err) {
            return user;
        }
        let kind = err.kind();
        let api_message = err.error_object().map(|e| e.message.as_str()).unwrap_or("");
        let mut user = match kind {
            ErrorKind::Unauthorized => UserError::new(
                kind,
                "OpenRouter did not accept your API key. It may be mistyped, disabled or deleted.",
            )
            .with_action(UserAction::enter_key()),
            ErrorKind::NoCredits if api_message.contains("afford") => cannot_afford(api_message),
            ErrorKind::NoCredits => UserError::new(
                kind,
                "Your OpenRouter credits are used up, or this key reached its spending limit. Add credits to keep chatting.",
            )
            .with_action(UserAction::open("Add credits", CREDITS_URL)),
            ErrorKind::RateLimited => rate_limited(err, api_message),
            ErrorKind::Forbidden => UserError::new(
                kind,
                with_detail("OpenRouter refused this request (it may have been flagged by moderation).", err),
            ),
            ErrorKind::BadRequest => UserError::new(
                kind,
                with_detail("OpenRouter could not accept this request.", err),
            ),
            ErrorKind::NotFound => UserError::new(
                kind,
                "This model is not available on OpenRouter right now. Choose another model.",
            ),
            ErrorKind::Timeout => UserError::new(
                kind,
                "OpenRouter took too long to answer. Try again in a moment.",
            )
            .with_action(UserAction::retry("Try again")),
            ErrorKind::ProviderDown => UserError::new(
                kind,
                "The provider serving this model is down or overloaded right now. Try again in a moment, or choose another model.",
            )
            .with_action(UserAction::retry("Try again")),
            ErrorKind::Offline => UserError::new(
                kind,
                "Cannot reach OpenRouter. Check your internet connection and try again.",
            )
            .with_action(UserAction::retry("Try again")),
            ErrorKind::Interrupted => UserError::new(
                kind,
                with_detail("The reply was cut off before it finished; what arrived is kept.", err),
            )
            .with_action(UserAction::retry("Retry")),
            ErrorKind::EmptyReply => UserError::new(
                kind,
                "The model sent back an empty reply. This happens while a provider starts up; try again.",
            )
            .with_action(UserAction::retry("Retry")),
            _ => UserError::new(
                ErrorKind::ServerError,
                "OpenRouter had a problem on its side. Try again in a moment.",
            )
            .with_action(UserAction::retry("Try again")),
        };
        user.retry_after_secs = err.retry_after().map(|d| d.as_secs());
        user
    }
}

impl From<ApiError> for UserError {
    fn from(err: ApiError) -> Self {
        UserError::from(&err)
    }
}

/// A 402 that says how much the credits cover ("You requested up to 64000 tokens, but can only afford
/// 2666"): OpenRouter reserves the model's whole reply length up front, so a long-reply model can be refused
/// while a cheaper one, or the same one asked for a shorter reply, would not be. A shorter reply is offered
/// first (it works now), credits second.
fn cannot_afford(api_message: &str) -> UserError {
    let kind = ErrorKind::NoCredits;
    let credits = UserAction::open("Add credits", CREDITS_URL);
    let number_after = |marker: &str| -> Option<u32> {
        let rest = &api_message[api_message.find(marker)? + marker.len()..];
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let (Some(asked), Some(afford)) = (number_after("up to"), number_after("only afford")) else {
        return UserError::new(
            kind,
            "This reply would cost more than the credits left on your account or key. Add credits, or choose a cheaper model.",
        )
        .with_action(credits);
    };
    let (asked_text, afford_text) = (
        crate::history::thousands(i64::from(asked)),
        crate::history::thousands(i64::from(afford)),
    );
    if afford < MIN_SHORTER_REPLY || afford >= asked {
        return UserError::new(
            kind,
            format!("Your credits do not cover this reply: OpenRouter sets aside room for up to {asked_text} tokens of answer, and what is left pays for about {afford_text}. Add credits, or choose a cheaper model."),
        )
        .with_action(credits);
    }
    UserError::new(
        kind,
        format!("Your credits do not cover this reply: OpenRouter sets aside room for up to {asked_text} tokens of answer, and what is left pays for about {afford_text}. Ask for a shorter reply, add credits, or choose a cheaper model."),
    )
    .with_action(UserAction::retry_shorter(afford))
    .with_second_action(credits)
}

/// Below this many tokens a "shorter reply" would be a few words: only credits are offered.
const MIN_SHORTER_REPLY: u32 = 50;

/// How long until the daily free-model count resets: the `X-RateLimit-Reset` OpenRouter puts in the error's
/// metadata (unix ms), else the next midnight UTC, as its documentation says.
fn daily_reset_in(err: &ApiError, now_ms: i64) -> std::time::Duration {
    let header = err
        .error_object()
        .and_then(|e| e.metadata.as_ref())
        .and_then(|m| m.get("headers"))
        .and_then(|h| h.get("X-RateLimit-Reset"))
        .and_then(|v| match v {
            serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
            other => other.as_i64(),
        });
    const DAY_MS: i64 = 86_400_000;
    let reset = header
        .filter(|&at| at > now_ms && at - now_ms <= DAY_MS)
        .unwrap_or((now_ms.div_euclid(DAY_MS) + 1) * DAY_MS);
    std::time::Duration::from_millis(u64::try_from(reset - now_ms).unwrap_or(0))
}

/// "about 5 hours", "about 40 minutes", "a minute or so".
fn roughly(wait: std::time::Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60);
    match minutes {
        0..=1 => "a minute or so".to_owned(),
        2..=90 => format!("about {minutes} minutes"),
        _ => format!("about {} hours", (minutes + 30) / 60),
    }
}

fn rate_limited(err: &ApiError, api_message: &str) -> UserError {
    let kind = ErrorKind::RateLimited;
    if api_message.contains("per-day") {
        let wait = roughly(daily_reset_in(err, crate::history::now_ms()));
        return UserError::new(
            kind,
            format!("You have used today's free-model requests (50 a day without credits bought). The count resets in {wait}; buying at least 10 credits raises the cap to 1,000 requests a day. Paid models are not limited."),
        )
        .with_action(UserAction::open("Add credits", CREDITS_URL));
    }
    let wait = match err.retry_after() {
        Some(d) if d.as_secs() > 0 => format!("Wait {} seconds and try again", d.as_secs()),
        _ => "Wait a minute and try again".to_owned(),
    };
    UserError::new(
        kind,
        format!("This model is rate-limited right now (free models allow about 20 requests a minute). {wait}, or choose another model."),
    )
    .with_action(UserAction::retry("Try again"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_required_offers_a_shorter_reply_then_the_credits_page() {
        let body = r#"{"error":{"code":402,"message":"This request requires more credits, or fewer max_tokens. You requested up to 64000 tokens, but can only afford 2666."}}"#;
        let user = UserError::from(ApiError::from_response(402, body, None));
        assert_eq!(user.kind, ErrorKind::NoCredits);
        assert!(
            user.message.contains("up to 64,000 tokens") && user.message.contains("about 2,666"),
            "{}",
            user.message
        );
        let action = user.action.clone().expect("action");
        assert_eq!(action.kind, ActionKind::RetryShorter);
        assert_eq!(action.max_tokens, Some(2666));
        assert_eq!(action.label, "Try a shorter reply (up to 2,666 tokens)");
        let second = user.second_action.clone().expect("second action");
        assert_eq!(second.kind, ActionKind::OpenUrl);
        assert_eq!(second.url.as_deref(), Some(CREDITS_URL));
        let json = serde_json::to_value(&user).expect("json");
        assert_eq!(json["action"]["kind"], "retry_shorter");
        assert_eq!(json["action"]["max_tokens"], 2666);
        assert_eq!(json["second_action"]["kind"], "open_url");
        let back: UserError = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, user);
    }

    #[test]
    fn a_reached_budget_asks_with_send_anyway() {
        let user = UserError::budget_reached(20_000_000_000, 20_450_000_000);
        assert_eq!(
            user.message,
            "You have reached your monthly budget of $20.00 ($20.45 spent this month). Send anyway?"
        );
        let json = serde_json::to_value(&user).expect("json");
        assert_eq!(json["action"]["kind"], "send_anyway");
        assert_eq!(json["action"]["label"], "Send anyway");
    }

    #[test]
    fn a_402_that_leaves_too_little_for_a_reply_offers_only_credits() {
        for afford in ["12", "64000", "99999999999"] {
            let body = format!(
                r#"{{"error":{{"code":402,"message":"You requested up to 64000 tokens, but can only afford {afford}."}}}}"#
            );
            let user = UserError::from(ApiError::from_response(402, &body, None));
            let action = user.action.clone().expect("action");
            assert_eq!(action.kind, ActionKind::OpenUrl, "afford {afford}");
            assert!(user.second_action.is_none(), "afford {afford}");
            assert!(user.message.contains("Add credits"), "{}", user.message);
        }
    }

    #[test]
    fn rate_limit_says_how_long_to_wait() {
        let user = UserError::from(ApiError::from_response(429, "{}", Some("12")));
        assert_eq!(user.retry_after_secs, Some(12));
        assert!(user.message.contains("Wait 12 seconds"), "{}", user.message);
        let daily = r#"{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day"}}"#;
        let user = UserError::from(ApiError::from_response(429, daily, None));
        assert!(user.message.contains("today's free-model requests"));
        assert!(user.message.contains("10 credits"), "{}", user.message);
        assert_eq!(user.retry_after_secs, None, "not a countdown of hours");
    }

    #[test]
    fn the_daily_free_cap_says_when_it_resets() {
        let with_header = |reset: &str| {
            let body = format!(
                r#"{{"error":{{"code":429,"message":"Rate limit exceeded: free-models-per-day","metadata":{{"headers":{{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0","X-RateLimit-Reset":"{reset}"}}}}}}}}"#
            );
            ApiError::from_response(429, &body, None)
        };
        let now = 1_764_000_000_000; // 16:00 UTC
        let in_five_hours = (now + 5 * 3_600_000).to_string();
        assert_eq!(
            roughly(daily_reset_in(&with_header(&in_five_hours), now)),
            "about 5 hours"
        );
        // No header (or a nonsense one): the next midnight UTC.
        let midnight = daily_reset_in(&with_header("garbage"), now);
        assert_eq!(midnight.as_secs(), 8 * 3600);
        assert_eq!(
            roughly(std::time::Duration::from_secs(40 * 60)),
            "about 40 minutes"
        );
        assert_eq!(
            roughly(std::time::Duration::from_secs(20)),
            "a minute or so"
        );
    }

    #[test]
    fn a_402_without_numbers_still_says_what_to_do() {
        let body = r#"{"error":{"code":402,"message":"can only afford a little"}}"#;
        let user = UserError::from(ApiError::from_response(402, body, None));
        assert!(user.message.contains("Add credits"), "{}", user.message);
    }

    #[test]
    fn serializes_in_the_ipc_shape() {
        let user = UserError::from(ApiError::from_response(401, "", None));
        let json = serde_json::to_value(&user).expect("json");
        assert_eq!(json["kind"], "unauthorized");
        assert_eq!(json["action"]["kind"], "enter_key");
        assert!(json["retry_after_secs"].is_null());
    }

    #[test]
    fn an_ended_free_model_offers_its_paid_slug() {
        let body = r#"{"error":{"code":404,"message":"The free Molmo2 8B period has ended. To continue using this model, please migrate to the paid slug: allenai/molmo-2-8b","availability":{"code":"free_variant_ended","retryable":false,"requested_models":["allenai/molmo-2-8b:free"],"fallback_models":["allenai/molmo-2-8b"]}},"user_id":"user_1"}"#;
        let user = UserError::from(ApiError::from_response(404, body, None));
        assert_eq!(user.kind, ErrorKind::NotFound);
        assert!(user.message.contains("free version"), "{}", user.message);
        let action = user.action.clone().expect("action");
        assert_eq!(action.kind, ActionKind::SwitchModel);
        assert_eq!(action.model.as_deref(), Some("allenai/molmo-2-8b"));
        let json = serde_json::to_value(&user).expect("json");
        assert_eq!(json["action"]["kind"], "switch_model");
        assert_eq!(json["action"]["model"], "allenai/molmo-2-8b");
        let back: UserError = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, user);
    }

    #[test]
    fn availability_without_a_usable_suggestion_or_when_retryable_keeps_the_old_action() {
        let retryable = r#"{"error":{"code":429,"message":"busy","availability":{"code":"capacity_exhausted","retryable":true,"fallback_models":["a/b"]}}}"#;
        let user = UserError::from(ApiError::from_response(429, retryable, None));
        assert_eq!(user.action.map(|a| a.kind), Some(ActionKind::Retry));
        let hostile = r#"{"error":{"code":404,"message":"gone","availability":{"code":"model_not_found","fallback_models":["<script>"]}}}"#;
        let user = UserError::from(ApiError::from_response(404, hostile, None));
        assert!(user.action.is_none());
        let nested = r#"{"error":{"code":404,"message":"gone","metadata":{"availability":{"code":"model_deprecated","fallback_models":["x/y"]}}}}"#;
        let user = UserError::from(ApiError::from_response(404, nested, None));
        assert_eq!(user.action.and_then(|a| a.model).as_deref(), Some("x/y"));
        assert!(user.message.contains("retired"));
    }

    #[test]
    fn actions_without_a_model_keep_their_old_json_shape() {
        let user = UserError::from(ApiError::from_response(402, "{}", None));
        let json = serde_json::to_value(&user).expect("json");
        assert!(json["action"].get("model").is_none(), "{json}");
        assert!(json["action"].get("max_tokens").is_none(), "{json}");
        assert!(json.get("second_action").is_none(), "{json}");
        assert!(json["action"].get("url").is_some());
    }

    #[test]
    fn provider_words_are_quoted_and_capped() {
        let body = format!(
            r#"{{"error":{{"code":400,"message":"{}"}}}}"#,
            "x".repeat(1000)
        );
        let user = UserError::from(ApiError::from_response(400, &body, None));
        assert!(user.message.len() < 450);
    }
}
