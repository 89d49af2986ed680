use serde_json::{json, Value};

use super::*;

fn fixture(relative: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(relative);
    let text = std::fs::read_to_string(&path).expect("fixture in tests/fixtures");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn cards(list: &Value) -> Vec<ModelCard> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|v| ModelCard::from_value(v).expect("every recorded model has an id"))
        .collect()
}

fn find<'a>(cards: &'a [ModelCard], id: &str) -> &'a ModelCard {
    cards
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} in the list"))
}

#[test]
fn the_recorded_2026_list_reads_whole_with_exact_prices() {
    let cards = cards(&fixture("models-data-array-2026-05-01.json"));
    assert_eq!(cards.len(), 371);

    let sonnet = find(&cards, "~anthropic/claude-sonnet-latest");
    assert_eq!(sonnet.author, "anthropic");
    assert_eq!(sonnet.prices.prompt.as_deref(), Some("3"));
    assert_eq!(sonnet.prices.completion.as_deref(), Some("15"));
    assert_eq!(sonnet.prices.input_cache_read.as_deref(), Some("0.3"));
    assert_eq!(sonnet.prices.input_cache_write.as_deref(), Some("3.75"));
    assert_eq!(
        sonnet.prices.web_search.as_deref(),
        Some("0.01"),
        "per search, not per million"
    );
    assert_eq!(sonnet.prices.request, None, "zero keys are omitted in 2026");
    assert!(!sonnet.is_free && !sonnet.is_router);

    let gemini = find(&cards, "~google/gemini-flash-latest");
    assert_eq!(
        gemini.prices.input_cache_write.as_deref(),
        Some("0.08333333333333334"),
        "decimal arithmetic keeps every digit the API sent"
    );
    assert_eq!(gemini.prices.audio.as_deref(), Some("1"));
    assert_eq!(gemini.prices.internal_reasoning.as_deref(), Some("3"));

    let thinking = find(&cards, "anthropic/claude-3.7-sonnet:thinking");
    assert_eq!(thinking.base_id, "anthropic/claude-3.7-sonnet");
    assert_eq!(thinking.variant.as_deref(), Some("thinking"));
    assert_eq!(thinking.expiration_date.as_deref(), Some("2026-05-05"));
    assert_eq!(
        thinking.canonical_slug.as_deref(),
        Some("anthropic/claude-3-7-sonnet-20250219")
    );

    let free = find(&cards, "openai/gpt-oss-120b:free");
    assert!(free.is_free);
    assert_eq!(free.prices.prompt.as_deref(), Some("0"));
    assert_eq!(free.variant.as_deref(), Some("free"));

    for router in [
        "openrouter/auto",
        "openrouter/pareto-code",
        "openrouter/bodybuilder",
    ] {
        let card = find(&cards, router);
        assert!(card.is_router, "{router}");
        assert!(!card.is_free, "{router}");
        assert_eq!(card.prices.prompt.as_deref(), Some("varies"));
    }
    assert!(find(&cards, "openrouter/free").is_free);

    let solidity = find(&cards, "alfredpros/codellama-7b-instruct-solidity");
    assert_eq!(solidity.context_length, Some(4096));
    assert_eq!(solidity.max_output_tokens, Some(4096));
    assert_eq!(solidity.knowledge_cutoff.as_deref(), Some("2023-06-30"));
    assert_eq!(solidity.input_modalities, ["text"]);
    assert!(!solidity.supports_tools && !solidity.supports_reasoning);

    assert!(cards.iter().filter(|c| c.supports_reasoning).count() >= 190);
    assert!(cards.iter().filter(|c| c.supports_tools).count() >= 270);
    assert!(cards
        .iter()
        .any(|c| c.input_modalities.iter().any(|m| m == "audio")));
    assert!(cards
        .iter()
        .all(|c| !c.name.is_empty() && !c.author.is_empty()));
    assert!(
        cards.iter().all(|c| c.price_tiers.is_empty()),
        "no overrides in this list"
    );
}

#[test]
fn long_context_overrides_become_tiers_with_a_plain_condition() {
    let body =
        fixture("llm-openrouter-cassettes-2026-08-responses-api/test_llm_models/00-response.json");
    let cards = cards(&body["data"]);
    let sonnet = find(&cards, "anthropic/claude-sonnet-4");
    assert_eq!(sonnet.price_tiers.len(), 1);
    let tier = &sonnet.price_tiers[0];
    assert_eq!(tier.condition, "Prompts over 200,000 tokens");
    assert_eq!(tier.prices.prompt.as_deref(), Some("6"));
    assert_eq!(tier.prices.completion.as_deref(), Some("22.5"));
    assert_eq!(tier.prices.input_cache_read.as_deref(), Some("0.6"));
    assert_eq!(tier.prices.input_cache_write.as_deref(), Some("7.5"));
    assert_eq!(
        tier.prices.web_search.as_deref(),
        Some("0.01"),
        "a key the tier leaves out keeps the base price"
    );
    assert_eq!(
        sonnet.prices.prompt.as_deref(),
        Some("3"),
        "the base price is unchanged"
    );
    let reasoning = sonnet.reasoning.as_ref().expect("reasoning metadata");
    assert!(!reasoning.mandatory);
    assert!(reasoning.efforts.is_empty());
    assert!(sonnet.supports_reasoning);
    assert!(find(&cards, "openai/gpt-4o").reasoning.is_none());
}

#[test]
fn the_2025_shape_with_every_price_present_reads_like_2026() {
    let body = fixture(
        "llm-openrouter-cassettes-2025-08-chat-completions/test_llm_models/00-response.json",
    );
    let cards = cards(&body["data"]);
    let mini = find(&cards, "openai/gpt-4.1-mini");
    assert_eq!(mini.prices.prompt.as_deref(), Some("0.4"));
    assert_eq!(mini.prices.image, None, "\"0\" reads as not priced");
    assert_eq!(mini.prices.request, None);
    assert_eq!(mini.prices.internal_reasoning, None);
    assert!(!mini.is_free);
    let sonnet = find(&cards, "anthropic/claude-sonnet-4");
    assert_eq!(sonnet.prices.image.as_deref(), Some("0.0048"), "per image");
}

#[test]
fn time_windows_unknown_conditions_and_both() {
    let card = ModelCard::from_value(&json!({
        "id": "x/y",
        "pricing": {
            "prompt": "0.000002", "completion": "0.000008",
            "overrides": [
                {"utc_start": 100, "utc_end": 400, "prompt": "0.000001"},
                {"min_prompt_tokens": 128000, "utc_start": 2230, "utc_end": 30, "completion": "0.00001"},
                {"region": "eu", "prompt": "0.000003"},
                {"utc_start": 9999, "prompt": "0.000004"}
            ]
        }
    }))
    .expect("card");
    let conditions: Vec<&str> = card
        .price_tiers
        .iter()
        .map(|t| t.condition.as_str())
        .collect();
    assert_eq!(
        conditions,
        [
            "Between 01:00 and 04:00 UTC",
            "Prompts over 128,000 tokens, between 22:30 and 00:30 UTC",
            "Under other conditions",
            "Under other conditions"
        ]
    );
    assert_eq!(card.price_tiers[0].prices.prompt.as_deref(), Some("1"));
    assert_eq!(card.price_tiers[0].prices.completion.as_deref(), Some("8"));
    assert_eq!(card.price_tiers[1].prices.completion.as_deref(), Some("10"));
}

#[test]
fn sparse_and_odd_rows_still_make_a_card() {
    let card = ModelCard::from_value(&json!({"id": "new/model:free"})).expect("card");
    assert_eq!(card.name, "new/model:free");
    assert!(card.is_free, "no pricing on a :free id means free");
    assert!(card.prices.prompt.is_none());
    let old = ModelCard::from_value(&json!({
        "id": "old/model",
        "architecture": {"modality": "text+image->text"},
        "top_provider": {"context_length": 8192, "max_completion_tokens": null}
    }))
    .expect("card");
    assert_eq!(old.input_modalities, ["text", "image"]);
    assert_eq!(old.output_modalities, ["text"]);
    assert_eq!(old.context_length, Some(8192));
    assert!(!old.is_free, "no pricing at all says nothing");
    let mandatory = ModelCard::from_value(&json!({
        "id": "openai/gpt-oss-120b",
        "reasoning": {"supported_efforts": ["High", "medium", "low"], "default_effort": "medium", "mandatory": true}
    }))
    .expect("card");
    let reasoning = mandatory.reasoning.expect("reasoning");
    assert!(reasoning.mandatory);
    assert_eq!(reasoning.efforts, ["high", "medium", "low"]);
    assert!(mandatory.supports_reasoning);
}

#[test]
fn reasoning_is_read_from_a_cached_entry() {
    let raw = r#"{"id":"a/b","reasoning":{"mandatory":true,"supported_efforts":["low"]}}"#;
    assert!(reasoning_of(raw).is_some_and(|r| r.mandatory));
    assert!(reasoning_of(r#"{"id":"a/b"}"#).is_none());
    assert!(reasoning_of("not json").is_none());
}

#[test]
fn thousands_and_clock() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1_048_576), "1,048,576");
    assert_eq!(clock(0.0).as_deref(), Some("00:00"));
    assert_eq!(clock(1030.0).as_deref(), Some("10:30"));
    assert_eq!(clock(1090.0), None);
    assert_eq!(clock(-5.0), None);
}
