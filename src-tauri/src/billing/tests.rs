use super::checks::usage_from_generation;
use super::*;
use crate::openrouter::GenerationData;

fn card(prompt_per_million: Option<&str>, free: bool) -> ModelCard {
    let per_token = prompt_per_million.map(|p| {
        let value = Decimal::from_str(p).unwrap() / Decimal::from(1_000_000);
        value.normalize().to_string()
    });
    let id = if free { "a/b:free" } else { "a/b" };
    let json = serde_json::json!({
        "id": id, "name": "B",
        "pricing": {"prompt": per_token.unwrap_or_else(|| "0".into()), "completion": if free { "0" } else { "0.000015" }}
    });
    ModelCard::from_value(&json).unwrap()
}

#[test]
fn an_estimate_counts_the_last_context_plus_new_text_times_the_prompt_price() {
    let basis = PromptBasis {
        last_reply_tokens: Some(1_000),
        chars_after: 0,
    };
    // 1,000 + ceil(9 / 4) = 1,003 tokens at $3 per million = $0.003009 = 3,009,000 nanos.
    let e = estimate_prompt(basis, "new words", Some(&card(Some("3"), false)));
    assert_eq!(
        e,
        PromptEstimate {
            prompt_tokens: 1_003,
            cost_nanos: Some(3_009_000),
            free: false,
            basis: EstimateBasis::LastReply
        }
    );
    // No reply yet: characters only. 0.075 per million × 3 tokens = 225 nanos.
    let e = estimate_prompt(
        PromptBasis::default(),
        "hello world",
        Some(&card(Some("0.075"), false)),
    );
    assert_eq!(
        (e.prompt_tokens, e.cost_nanos, e.basis),
        (3, Some(225), EstimateBasis::Characters)
    );
    // Free, unknown and varying prices.
    let free = estimate_prompt(basis, "x", Some(&card(None, true)));
    assert_eq!((free.free, free.cost_nanos), (true, Some(0)));
    assert_eq!(estimate_prompt(basis, "x", None).cost_nanos, None);
    assert_eq!(prompt_cost_nanos(10, "varies"), None);
    assert_eq!(prompt_cost_nanos(10, "-1"), None);
    assert_eq!(
        prompt_cost_nanos(3, "0.0000001"),
        Some(0),
        "rounds to the nano-dollar"
    );
}

#[test]
fn budget_settings_read_plain_dollar_amounts_only() {
    assert_eq!(setting_usd_to_nanos("20"), Some(20_000_000_000));
    assert_eq!(setting_usd_to_nanos(" 2.50 "), Some(2_500_000_000));
    assert_eq!(setting_usd_to_nanos("0"), Some(0));
    assert_eq!(setting_usd_to_nanos("0.0000000004"), Some(0));
    assert_eq!(setting_usd_to_nanos("1000000"), Some(1_000_000_000_000_000));
    for bad in ["", "-1", "1e3", "$5", "1,000", "1000000.01", "abc", "1.2.3"] {
        assert_eq!(setting_usd_to_nanos(bad), None, "{bad}");
    }
}

#[test]
fn the_budget_warns_at_80_percent_and_is_reached_at_100() {
    let budget = Some(20_000_000_000);
    let level = |spent| budget_status(budget, spent, None, None, None).level;
    assert_eq!(level(15_999_999_999), BudgetLevel::Ok);
    assert_eq!(level(16_000_000_000), BudgetLevel::Warning);
    assert_eq!(level(19_999_999_999), BudgetLevel::Warning);
    assert_eq!(level(20_000_000_000), BudgetLevel::Reached);
    assert_eq!(
        budget_status(None, 5, None, None, None).level,
        BudgetLevel::None
    );
    assert_eq!(
        budget_status(Some(0), 0, None, None, None).level,
        BudgetLevel::Reached
    );
}

#[test]
fn low_balance_compares_the_balance_first_then_the_key_limit() {
    let threshold = Some(1_000_000_000);
    let low = |key, balance| budget_status(None, 0, threshold, key, balance).low_balance;
    assert_eq!(low(None, None), None);
    assert_eq!(low(Some(2_000_000_000), None), None);
    assert_eq!(
        low(Some(800_000_000), None),
        Some(LowBalance {
            remaining_nanos: 800_000_000,
            threshold_nanos: 1_000_000_000,
            source: BalanceSource::KeyLimit
        })
    );
    assert_eq!(
        low(Some(800_000_000), Some(500_000_000)).map(|l| l.source),
        Some(BalanceSource::Credits)
    );
    assert_eq!(
        low(Some(300_000_000), Some(50_000_000_000)).map(|l| (l.remaining_nanos, l.source)),
        Some((300_000_000, BalanceSource::KeyLimit)),
        "the key running out stops requests as surely as the balance"
    );
    assert_eq!(low(Some(5_000_000_000), Some(2_000_000_000)), None);
    assert_eq!(
        budget_status(None, 0, None, Some(1), None).low_balance,
        None,
        "no threshold"
    );
}

#[test]
fn key_and_account_figures_become_exact_nano_dollars() {
    let data: KeyData = serde_json::from_value(serde_json::json!({
        "label": "sk-or-v1-au7...890", "limit": 100, "limit_remaining": 74.5, "limit_reset": "monthly",
        "usage": 25.5, "usage_daily": 0.0000368, "usage_weekly": 1.25, "usage_monthly": 25.5,
        "byok_usage_monthly": 0, "is_free_tier": false, "include_byok_in_limit": false
    }))
    .unwrap();
    let k = KeyStatus::new(&data, 7);
    assert_eq!(k.limit_nanos, Some(100_000_000_000));
    assert_eq!(k.limit_remaining_nanos, Some(74_500_000_000));
    assert_eq!(k.usage_daily_nanos, 36_800);
    assert_eq!(k.limit_reset.as_deref(), Some("monthly"));
    let json = serde_json::to_value(&k).unwrap();
    assert_eq!(json["usage_weekly_nanos"], 1_250_000_000_i64);
    assert_eq!(json["fetched_at"], 7);

    let credits = Credits {
        total_credits: 100.5,
        total_usage: 25.75,
    };
    let rows = [
        ActivityItem {
            date: "2026-11-20".into(),
            model: "a/b".into(),
            usage: 0.5,
            ..Default::default()
        },
        ActivityItem {
            date: "2026-11-25".into(),
            model: "a/c".into(),
            usage: 0.25,
            requests: 3,
            ..Default::default()
        },
    ];
    let account = AccountStatus::fetched(&credits, &rows, 9);
    assert_eq!(
        account.balance.map(|b| b.balance_nanos),
        Some(74_750_000_000)
    );
    let activity = account.activity.unwrap();
    assert_eq!(activity[0].date, "2026-11-25", "newest first");
    assert_eq!(activity[0].usage_nanos, 250_000_000);
    assert!(!AccountStatus::without_key().has_management_key);
}

#[test]
fn a_generation_body_becomes_a_ledger_row_of_billed_counts() {
    let body: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/account-endpoints/generation-cancelled-stream-2026-02-24.json"
    ))
    .unwrap();
    let data: GenerationData = serde_json::from_value(body["data"].clone()).unwrap();
    let usage = usage_from_generation(&data);
    assert_eq!(
        (usage.prompt_tokens, usage.completion_tokens),
        (64, 98),
        "native counts"
    );
    assert_eq!(usage.reasoning_tokens, Some(0));
    assert_eq!(usage.cost_nanos, Some(34_520));
    assert_eq!(usage.source, crate::history::CostSource::Generation);
    let raw: serde_json::Value = serde_json::from_str(usage.raw_json.as_deref().unwrap()).unwrap();
    assert_eq!(raw["cancelled"], true);
}
