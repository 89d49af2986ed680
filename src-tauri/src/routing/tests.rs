use serde_json::json;

use super::*;
use crate::openrouter::ChatMessage;

fn request(model: &str) -> ChatRequest {
    ChatRequest::streaming(model, vec![ChatMessage::new("user", "hi")])
}

fn body(model: &str, routing: &Routing, reasoning: Option<&ReasoningInfo>) -> serde_json::Value {
    let mut r = request(model);
    apply(&mut r, routing, reasoning);
    serde_json::to_value(&r).expect("json")
}

fn mandatory() -> ReasoningInfo {
    ReasoningInfo {
        efforts: vec!["high".into(), "medium".into(), "low".into()],
        mandatory: true,
        ..ReasoningInfo::default()
    }
}

#[test]
fn the_default_routing_adds_nothing_to_the_request() {
    let json = body("openai/gpt-4o-mini", &Routing::default(), None);
    assert_eq!(
        json,
        json!({
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": true,
            "usage": {"include": true}
        })
    );
}

#[test]
fn everything_set_becomes_the_documented_fields() {
    let routing = Routing {
        fallback_models: vec![
            "anthropic/claude-sonnet-4.5".into(),
            "google/gemini-2.5-flash:nitro".into(),
        ],
        provider: Some(ProviderPrefs {
            sort: Some(ProviderSort::Throughput),
            order: vec!["deepinfra/fp8".into(), "together".into()],
            only: vec!["deepinfra".into(), "together".into(), "fireworks".into()],
            ignore: vec!["azure".into()],
            allow_fallbacks: false,
            data_collection_deny: true,
            zdr: true,
            quantizations: vec!["fp8".into(), "bf16".into()],
            max_price_prompt: Some("1".into()),
            max_price_completion: Some("2.5".into()),
        }),
        reasoning_effort: Some("high".into()),
        web_search: true,
    };
    let json = body("deepseek/deepseek-r1", &routing, None);
    assert_eq!(json["model"], "deepseek/deepseek-r1");
    assert_eq!(
        json["models"],
        json!([
            "deepseek/deepseek-r1",
            "anthropic/claude-sonnet-4.5",
            "google/gemini-2.5-flash:nitro"
        ])
    );
    assert_eq!(
        json["provider"],
        json!({
            "sort": "throughput",
            "order": ["deepinfra/fp8", "together"],
            "only": ["deepinfra", "together", "fireworks"],
            "ignore": ["azure"],
            "allow_fallbacks": false,
            "data_collection": "deny",
            "zdr": true,
            "quantizations": ["fp8", "bf16"],
            "max_price": {"prompt": "1", "completion": "2.5"}
        })
    );
    assert_eq!(json["reasoning"], json!({"effort": "high"}));
    assert!(
        json.get("reasoning_effort").is_none(),
        "never both reasoning fields"
    );
    assert_eq!(json["tools"], json!([{"type": "openrouter:web_search"}]));
}

#[test]
fn only_the_provider_options_that_differ_from_the_defaults_are_sent() {
    let routing = Routing {
        provider: Some(ProviderPrefs {
            sort: Some(ProviderSort::Price),
            ..ProviderPrefs::default()
        }),
        ..Routing::default()
    };
    assert_eq!(
        body("a/b", &routing, None)["provider"],
        json!({"sort": "price"})
    );
    let routing = Routing {
        provider: Some(ProviderPrefs {
            max_price_completion: Some("4".into()),
            ..ProviderPrefs::default()
        }),
        ..Routing::default()
    };
    assert_eq!(
        body("a/b", &routing, None)["provider"],
        json!({"max_price": {"completion": "4"}})
    );
    let routing = Routing {
        provider: Some(ProviderPrefs::default()),
        ..Routing::default()
    };
    assert!(body("a/b", &routing, None).get("provider").is_none());
}

#[test]
fn effort_none_is_never_sent_to_a_model_whose_reasoning_is_mandatory() {
    let off = Routing {
        reasoning_effort: Some("none".into()),
        ..Routing::default()
    };
    let json = body("openai/gpt-oss-120b", &off, Some(&mandatory()));
    assert!(json.get("reasoning").is_none(), "{json}");
    assert!(json.get("reasoning_effort").is_none());
    // Where reasoning may be off, or nothing is known, "none" is how it is turned off.
    assert_eq!(
        body(
            "anthropic/claude-sonnet-4.5",
            &off,
            Some(&ReasoningInfo::default())
        )["reasoning"],
        json!({"effort": "none"})
    );
    assert_eq!(
        body("x/y", &off, None)["reasoning"],
        json!({"effort": "none"})
    );
    // A real effort still goes to a mandatory model.
    let low = Routing {
        reasoning_effort: Some("low".into()),
        ..Routing::default()
    };
    assert_eq!(
        body("openai/gpt-oss-120b", &low, Some(&mandatory()))["reasoning"],
        json!({"effort": "low"})
    );
}

#[test]
fn variants_are_sent_as_chosen_and_online_becomes_the_web_search_tool() {
    for variant in crate::catalog::VARIANTS {
        let id = format!("meta-llama/llama-3.3-70b-instruct:{variant}");
        let json = body(&id, &Routing::default(), None);
        assert_eq!(json["model"], id.as_str());
        assert!(json.get("tools").is_none());
        assert!(json.get("plugins").is_none());
    }
    let json = body("openai/gpt-4o:online", &Routing::default(), None);
    assert_eq!(json["model"], "openai/gpt-4o");
    assert_eq!(json["tools"], json!([{"type": "openrouter:web_search"}]));
    assert!(
        json.get("plugins").is_none(),
        "the deprecated web plugin is not used"
    );
    // web_search on top of :online adds the tool once.
    let both = Routing {
        web_search: true,
        fallback_models: vec!["anthropic/claude-haiku-4.5:online".into()],
        ..Routing::default()
    };
    let json = body("openai/gpt-4o:online", &both, None);
    assert_eq!(json["tools"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        json["models"],
        json!(["openai/gpt-4o", "anthropic/claude-haiku-4.5"])
    );
}

#[test]
fn fallbacks_skip_the_chosen_model_and_stop_at_three() {
    let routing = Routing {
        fallback_models: vec![
            "a/main".into(),
            "b/1".into(),
            "c/2".into(),
            "d/3".into(),
            "e/4".into(),
        ],
        ..Routing::default()
    };
    let json = body("a/main", &routing, None);
    assert_eq!(json["models"], json!(["a/main", "b/1", "c/2", "d/3"]));
    let only_itself = Routing {
        fallback_models: vec!["a/main".into()],
        ..Routing::default()
    };
    assert!(body("a/main", &only_itself, None).get("models").is_none());
}

#[test]
fn checking_cleans_what_it_keeps_and_refuses_the_rest_with_a_sentence() {
    let messy = Routing {
        fallback_models: vec![" b/1 ".into(), "".into(), "b/1".into(), "c/2:free".into()],
        provider: Some(ProviderPrefs {
            order: vec![" DeepInfra/FP8 ".into(), "deepinfra/fp8".into(), " ".into()],
            quantizations: vec!["FP8".into()],
            max_price_prompt: Some(" $1.50 ".into()),
            max_price_completion: Some("".into()),
            ..ProviderPrefs::default()
        }),
        reasoning_effort: Some(" High ".into()),
        web_search: false,
    }
    .checked()
    .expect("accepted");
    assert_eq!(messy.fallback_models, ["b/1", "c/2:free"]);
    let provider = messy.provider.expect("provider");
    assert_eq!(provider.order, ["deepinfra/fp8"]);
    assert_eq!(provider.quantizations, ["fp8"]);
    assert_eq!(provider.max_price_prompt.as_deref(), Some("1.5"));
    assert_eq!(provider.max_price_completion, None);
    assert_eq!(messy.reasoning_effort.as_deref(), Some("high"));

    let refuse = |routing: Routing| routing.checked().expect_err("refused");
    let too_many = Routing {
        fallback_models: vec!["a/1".into(), "a/2".into(), "a/3".into(), "a/4".into()],
        ..Routing::default()
    };
    assert_eq!(refuse(too_many), RoutingError::TooManyFallbacks);
    let bad_model = Routing {
        fallback_models: vec!["not a model".into()],
        ..Routing::default()
    };
    assert!(matches!(refuse(bad_model), RoutingError::InvalidModel(_)));
    let no_slash = Routing {
        fallback_models: vec!["gpt-4o".into()],
        ..Routing::default()
    };
    assert!(matches!(refuse(no_slash), RoutingError::InvalidModel(_)));
    let with_prefs = |prefs: ProviderPrefs| Routing {
        provider: Some(prefs),
        ..Routing::default()
    };
    let negative = with_prefs(ProviderPrefs {
        max_price_prompt: Some("-1".into()),
        ..ProviderPrefs::default()
    });
    assert!(matches!(refuse(negative), RoutingError::InvalidPrice(_)));
    let words = with_prefs(ProviderPrefs {
        max_price_completion: Some("cheap".into()),
        ..ProviderPrefs::default()
    });
    assert!(matches!(refuse(words), RoutingError::InvalidPrice(_)));
    let slug = with_prefs(ProviderPrefs {
        ignore: vec!["open ai".into()],
        ..ProviderPrefs::default()
    });
    assert!(matches!(refuse(slug), RoutingError::InvalidProvider(_)));
    let quant = with_prefs(ProviderPrefs {
        quantizations: vec!["fp7".into()],
        ..ProviderPrefs::default()
    });
    assert!(matches!(
        refuse(quant),
        RoutingError::InvalidQuantization(_)
    ));
    let effort = Routing {
        reasoning_effort: Some("extreme".into()),
        ..Routing::default()
    };
    let err = refuse(effort);
    assert!(err.to_string().contains("extreme"), "{err}");

    let defaults = Routing {
        provider: Some(ProviderPrefs::default()),
        reasoning_effort: Some(" ".into()),
        ..Routing::default()
    }
    .checked()
    .expect("accepted");
    assert!(
        defaults.is_default(),
        "default provider prefs collapse to none"
    );
}

#[test]
fn the_json_shape_matches_ipc_and_missing_fields_take_defaults() {
    let routing: Routing = serde_json::from_value(json!({
        "fallback_models": ["a/b"],
        "provider": {"sort": "latency", "only": ["groq"]},
        "web_search": true
    }))
    .expect("reads");
    let provider = routing.provider.clone().expect("provider");
    assert!(provider.allow_fallbacks, "allow_fallbacks defaults to true");
    assert_eq!(provider.sort, Some(ProviderSort::Latency));
    assert_eq!(routing.reasoning_effort, None);
    let json = serde_json::to_value(Routing::default()).expect("json");
    assert_eq!(
        json,
        json!({"fallback_models": [], "provider": null, "reasoning_effort": null, "web_search": false})
    );
    let prefs = serde_json::to_value(ProviderPrefs::default()).expect("json");
    assert_eq!(
        prefs,
        json!({
            "sort": null, "order": [], "only": [], "ignore": [], "allow_fallbacks": true,
            "data_collection_deny": false, "zdr": false, "quantizations": [],
            "max_price_prompt": null, "max_price_completion": null
        })
    );
    assert!(serde_json::from_value::<Routing>(json!({"provider": {"sort": "exacto"}})).is_err());
}
