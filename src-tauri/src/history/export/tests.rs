use super::*;
use crate::history::SearchQuery;
use crate::history::{CostSource, MessageEnd, MessageStatus, ReplyTiming, UsageRecord};

fn seeded() -> (HistoryStore, i64) {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s
        .create_conversation("Trip to Kyoto", "openai/gpt-4o-mini")
        .unwrap();
    s.add_user_message(c.id, "Where should I eat in 京都?")
        .unwrap();
    let reply = s
        .start_assistant_message(c.id, "openai/gpt-4o-mini")
        .unwrap();
    s.append_to_message(reply.id, "Try **Nishiki Market**.", "thinking about food")
        .unwrap();
    s.finish_assistant_message(
        reply.id,
        MessageEnd {
            status: MessageStatus::Complete,
            finish_reason: Some("stop".into()),
            native_finish_reason: Some("stop".into()),
            model: Some("openai/gpt-4o-mini".into()),
            provider: Some("OpenAI".into()),
            generation_id: Some("gen-1".into()),
            usage: Some(UsageRecord {
                prompt_tokens: 48,
                completion_tokens: 11,
                reasoning_tokens: Some(0),
                cached_tokens: Some(0),
                cost_nanos: Some(36_800),
                raw_json: Some(r#"{"cost":0.0000368}"#.into()),
                source: CostSource::Stream,
            }),
            error_json: None,
            timing: ReplyTiming {
                first_token_ms: Some(420),
                duration_ms: Some(1800),
            },
        },
    )
    .unwrap();
    (s, c.id)
}

#[test]
fn json_round_trips_into_an_empty_store_and_a_second_import_adds_nothing() {
    let (s, id) = seeded();
    let json = s.export_json(None).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], EXPORT_FORMAT);

    let other = HistoryStore::open_in_memory().unwrap();
    let report = other.import_json(&json).unwrap();
    assert_eq!(report.conversations_added, 1);
    assert_eq!(report.messages_added, 2);
    let imported = other.list_conversations().unwrap();
    assert_eq!(imported.len(), 1);
    let theirs = other.messages(imported[0].id).unwrap();
    let ours = s.messages(id).unwrap();
    let strip = |m: &crate::history::Message| {
        let mut v = serde_json::to_value(m).unwrap();
        v["id"] = serde_json::Value::Null;
        v["conversation_id"] = serde_json::Value::Null;
        v
    };
    assert_eq!(
        theirs.iter().map(strip).collect::<Vec<_>>(),
        ours.iter().map(strip).collect::<Vec<_>>(),
        "every field survives, reasoning and usage included"
    );

    let again = other.import_json(&json).unwrap();
    assert_eq!(again.conversations_added, 0);
    assert_eq!(again.conversations_skipped, 1);
    assert_eq!(other.list_conversations().unwrap().len(), 1);
}

#[test]
fn a_file_that_is_not_an_export_is_refused() {
    let s = HistoryStore::open_in_memory().unwrap();
    assert!(s.import_json("{\"hello\": 1}").is_err());
    assert!(s.import_json("not json").is_err());
    assert!(s.list_conversations().unwrap().is_empty());
}

#[test]
fn markdown_names_the_model_and_the_cost() {
    let (s, id) = seeded();
    let md = s.export_markdown(id).unwrap();
    assert!(md.contains("Trip to Kyoto"), "{md}");
    assert!(md.contains("Where should I eat in 京都?"));
    assert!(md.contains("Nishiki Market"));
    assert!(md.contains("openai/gpt-4o-mini"));
    assert!(md.contains("$0.0000368"), "{md}");
}

/// A history with every kind of field set: flags, reasoning, each status, error JSON, usage with raw JSON
/// and nanos, generation ids, unicode.
fn rich() -> HistoryStore {
    let s = HistoryStore::open_in_memory().unwrap();
    let a = s
        .create_conversation("Café ☕ & 東京", "anthropic/claude-sonnet-4.5")
        .unwrap();
    s.add_message(a.id, Role::System, "Be brief.").unwrap();
    s.add_user_message(a.id, "Line one\nline \"two\"\n\n```rust\nfn main() {}\n```")
        .unwrap();
    let statuses = [
        MessageStatus::Complete,
        MessageStatus::Stopped,
        MessageStatus::Interrupted,
        MessageStatus::Error,
    ];
    for (i, status) in statuses.into_iter().enumerate() {
        let reply = s
            .start_assistant_message(a.id, "anthropic/claude-sonnet-4.5")
            .unwrap();
        s.append_to_message(
            reply.id,
            &format!("answer {i} 🎉"),
            &format!("thinking {i}"),
        )
        .unwrap();
        s.finish_assistant_message(
            reply.id,
            MessageEnd {
                status,
                finish_reason: Some("stop".into()),
                native_finish_reason: Some(format!("native-{i}")),
                model: Some("anthropic/claude-4.5-sonnet-20250929".into()),
                provider: Some("Anthropic".into()),
                generation_id: Some(format!("gen-{i}")),
                usage: (i != 3).then(|| UsageRecord {
                    prompt_tokens: 1200 + i as i64,
                    completion_tokens: 300,
                    reasoning_tokens: Some(120),
                    cached_tokens: if i == 0 { Some(1000) } else { None },
                    cost_nanos: if i == 2 { None } else { Some(36_800 + i as i64) },
                    raw_json: Some(format!(
                        r#"{{"prompt_tokens":{},"cost":0.0000368,"cost_details":{{"upstream_inference_cost":null}},"is_byok":false}}"#,
                        1200 + i
                    )),
                    source: if i == 1 { CostSource::Generation } else { CostSource::Stream },
                }),
                error_json: (status == MessageStatus::Error || status == MessageStatus::Interrupted)
                    .then(|| r#"{"kind":"provider_down","message":"No provider is available.","action":null}"#.into()),
                timing: ReplyTiming::default(),
            },
        )
        .unwrap();
    }
    let b = s.create_conversation("Second", "openai/gpt-4o").unwrap();
    s.add_user_message(b.id, "hello").unwrap();
    s.set_starred(b.id, true).unwrap();
    s.set_conversation_routing(b.id, &routing()).unwrap();
    let c = s
        .create_conversation("Archived, empty", "openai/gpt-4o")
        .unwrap();
    s.set_archived(c.id, true).unwrap();
    s
}

fn routing() -> crate::routing::Routing {
    crate::routing::Routing {
        fallback_models: vec![
            "openai/gpt-4o-mini".into(),
            "mistralai/mistral-small".into(),
        ],
        provider: Some(crate::routing::ProviderPrefs {
            sort: Some(crate::routing::ProviderSort::Price),
            ignore: vec!["deepinfra".into()],
            zdr: true,
            max_price_prompt: Some("1.5".into()),
            ..Default::default()
        }),
        reasoning_effort: Some("high".into()),
        web_search: true,
    }
}

/// The export with the one field that differs between two exports (the time of the export) removed.
fn comparable(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value.as_object_mut().unwrap().remove("exported_at");
    value
}

fn ledger_rows(s: &HistoryStore) -> i64 {
    s.read(|c| Ok(c.query_row("SELECT count(*) FROM usage_ledger", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_round_trip_through_an_empty_store_keeps_every_field() {
    let s = rich();
    let json = s.export_json(None).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["version"], EXPORT_VERSION);
    assert_eq!(
        value["conversations"].as_array().unwrap().len(),
        3,
        "archived ones too"
    );
    let first = &value["conversations"][0];
    let m = &first["messages"][2];
    assert_eq!(m["reasoning"], "thinking 0");
    assert_eq!(m["native_finish_reason"], "native-0");
    assert_eq!(m["generation_id"], "gen-0");
    assert_eq!(m["usage"]["cost_nanos"], 36_800);
    assert_eq!(m["usage"]["cost_usd"], "0.0000368");
    assert_eq!(m["usage"]["raw"]["cost"], 0.0000368);
    assert_eq!(first["messages"][5]["error"]["kind"], "provider_down");
    assert!(first["uid"].as_str().unwrap().len() == 32);
    assert!(
        first.get("routing").is_none(),
        "default routing is not written"
    );
    let second = &value["conversations"][1];
    assert_eq!(
        second["routing"]["value"]["fallback_models"][1],
        "mistralai/mistral-small"
    );
    assert_eq!(second["routing"]["value"]["provider"]["sort"], "price");
    assert!(second["routing"]["updated_at"].as_i64().unwrap() > 0);

    let other = HistoryStore::open_in_memory().unwrap();
    let report = other.import_json(&json).unwrap();
    assert_eq!(
        report,
        ImportReport {
            conversations_added: 3,
            conversations_skipped: 0,
            messages_added: 7
        }
    );
    assert_eq!(
        comparable(&other.export_json(None).unwrap()),
        comparable(&json),
        "exporting the imported history gives the same file"
    );
    assert_eq!(ledger_rows(&other), 3);
    let second = other.list_conversations().unwrap();
    let second = second.iter().find(|c| c.title == "Second").unwrap();
    assert_eq!(
        other.conversation_routing(second.id).unwrap(),
        Some(routing()),
        "the routing comes back as it was"
    );

    // What the page sees is the same too, ids aside.
    let strip = |list: Vec<crate::history::ConversationSummary>| {
        list.into_iter()
            .map(|c| {
                (
                    c.title,
                    c.model,
                    c.created_at,
                    c.updated_at,
                    c.message_count,
                    c.starred,
                    c.archived,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(other.list_conversations().unwrap()),
        strip(s.list_conversations().unwrap())
    );
    assert_eq!(
        strip(other.list_archived().unwrap()),
        strip(s.list_archived().unwrap())
    );

    // And it is searchable.
    assert_eq!(
        other
            .search_messages(&SearchQuery::new("cafe"))
            .unwrap()
            .len(),
        0,
        "titles are not searched"
    );
    assert_eq!(
        other
            .search_messages(&SearchQuery::new("answer"))
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        other
            .search_messages(&SearchQuery::new("🎉"))
            .unwrap()
            .len(),
        4
    );
    assert!(other.check_search_index().unwrap());
}

#[test]
fn importing_twice_or_into_the_source_adds_nothing() {
    let s = rich();
    let json = s.export_json(None).unwrap();
    let before = comparable(&s.export_json(None).unwrap());
    let again = s.import_json(&json).unwrap();
    assert_eq!(
        again,
        ImportReport {
            conversations_added: 0,
            conversations_skipped: 3,
            messages_added: 0
        }
    );
    assert_eq!(comparable(&s.export_json(None).unwrap()), before);
    assert_eq!(ledger_rows(&s), 3);

    let other = HistoryStore::open_in_memory().unwrap();
    other.import_json(&json).unwrap();
    other.import_json(&json).unwrap();
    assert_eq!(comparable(&other.export_json(None).unwrap()), before);
}

#[test]
fn a_deleted_conversation_imported_again_reuses_its_ledger_rows() {
    let s = rich();
    let json = s.export_json(None).unwrap();
    let first = s
        .list_conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.message_count == 6)
        .unwrap();
    s.delete_conversation(first.id).unwrap();
    assert_eq!(ledger_rows(&s), 3, "the spend stays after the delete");
    let report = s.import_json(&json).unwrap();
    assert_eq!(report.conversations_added, 1);
    assert_eq!(report.conversations_skipped, 2);
    assert_eq!(
        ledger_rows(&s),
        3,
        "and is not counted twice after the import"
    );
    let unlinked: i64 = s
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM usage_ledger WHERE message_id IS NULL",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(unlinked, 0);
    assert_eq!(
        comparable(&s.export_json(None).unwrap())["conversations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_streaming_reply_is_exported_as_is_and_imported_as_interrupted() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m").unwrap();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    s.append_to_message(reply.id, "partial wombat", "").unwrap();
    let json = s.export_json(Some(&[c.id])).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["conversations"][0]["messages"][0]["status"],
        "streaming"
    );
    let other = HistoryStore::open_in_memory().unwrap();
    other.import_json(&json).unwrap();
    let id = other.list_conversations().unwrap()[0].id;
    assert_eq!(
        other.messages(id).unwrap()[0].status,
        MessageStatus::Interrupted
    );
    assert_eq!(
        other
            .search_messages(&SearchQuery::new("wombat"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn chosen_conversations_are_exported_in_the_order_given() {
    let s = rich();
    let list = s.list_conversations().unwrap();
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let json = s.export_json(Some(&ids)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let titles: Vec<&str> = value["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = list.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, expected);
    let empty = s.export_json(Some(&[])).unwrap();
    let value: serde_json::Value = serde_json::from_str(&empty).unwrap();
    assert_eq!(value["conversations"], serde_json::json!([]));
    assert!(matches!(
        s.export_json(Some(&[9999])),
        Err(HistoryError::NotFound("conversation"))
    ));
    assert!(matches!(
        s.export_markdown(9999),
        Err(HistoryError::NotFound("conversation"))
    ));
}

#[test]
fn bad_files_are_refused_whole_and_change_nothing() {
    let s = rich();
    let good: serde_json::Value = serde_json::from_str(&s.export_json(None).unwrap()).unwrap();
    let target = HistoryStore::open_in_memory().unwrap();
    type Mutation = Box<dyn Fn(&mut serde_json::Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        ("newer version", Box::new(|v| v["version"] = 2.into())),
        ("other format", Box::new(|v| v["format"] = "chatbox".into())),
        (
            "no uid",
            Box::new(|v| v["conversations"][2]["uid"] = "".into()),
        ),
        (
            "missing uid",
            Box::new(|v| {
                v["conversations"][2].as_object_mut().unwrap().remove("uid");
            }),
        ),
        (
            "negative tokens",
            Box::new(|v| {
                v["conversations"][0]["messages"][2]["usage"]["prompt_tokens"] = (-1).into()
            }),
        ),
        (
            "unknown role",
            Box::new(|v| v["conversations"][0]["messages"][0]["role"] = "robot".into()),
        ),
        (
            "unknown status",
            Box::new(|v| v["conversations"][0]["messages"][0]["status"] = "done".into()),
        ),
        (
            "routing with a fallback that is not a model id",
            Box::new(|v| {
                v["conversations"][1]["routing"]["value"]["fallback_models"][0] =
                    "not a model".into()
            }),
        ),
        (
            "routing that does not read",
            Box::new(|v| v["conversations"][1]["routing"]["value"]["web_search"] = "yes".into()),
        ),
        (
            "fractional cost",
            Box::new(|v| v["conversations"][0]["messages"][2]["usage"]["cost_nanos"] = 0.5.into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        let err = target.import_json(&bad.to_string()).unwrap_err();
        assert!(matches!(err, HistoryError::BadImport(_)), "{what}: {err:?}");
        assert!(target.list_conversations().unwrap().is_empty(), "{what}");
        assert!(target.list_archived().unwrap().is_empty(), "{what}");
    }
    let err = target.import_json(&{
        let mut v = good.clone();
        v["version"] = 2.into();
        v.to_string()
    });
    assert!(err.unwrap_err().to_string().contains("newer version"));
    // Fields this version does not know are ignored: a later minor addition still imports.
    let mut extra = good.clone();
    extra["conversations"][0]["folder"] = "work".into();
    assert_eq!(
        target
            .import_json(&extra.to_string())
            .unwrap()
            .conversations_added,
        3
    );
}

#[test]
fn a_large_import_spans_several_transactions_and_is_complete() {
    let s = HistoryStore::open_in_memory().unwrap();
    for i in 0..30 {
        let c = s.create_conversation(&format!("c{i}"), "m").unwrap();
        for j in 0..100 {
            s.add_user_message(c.id, &format!("message {j} of conversation {i}"))
                .unwrap();
        }
    }
    let json = s.export_json(None).unwrap();
    let other = HistoryStore::open_in_memory().unwrap();
    let report = other.import_json(&json).unwrap();
    assert_eq!(report.conversations_added, 30);
    assert_eq!(report.messages_added, 3000);
    assert_eq!(
        comparable(&other.export_json(None).unwrap()),
        comparable(&json)
    );
}

#[test]
fn markdown_is_readable_with_per_reply_details() {
    let s = rich();
    let id = s
        .list_conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.message_count == 6)
        .unwrap()
        .id;
    let md = s.export_markdown(id).unwrap();
    assert!(md.starts_with("# Café ☕ & 東京\n"), "{md}");
    assert!(
        md.contains("- Model: `anthropic/claude-sonnet-4.5`"),
        "{md}"
    );
    assert!(md.contains("## System prompt · "), "{md}");
    assert!(md.contains("## You · "), "{md}");
    assert!(
        md.contains("```rust\nfn main() {}\n```"),
        "code blocks are kept: {md}"
    );
    assert!(
        md.contains(
            "*model `anthropic/claude-4.5-sonnet-20250929` · provider Anthropic · 1,200 prompt + 300 completion tokens (120 reasoning, 1,000 cached) · $0.0000368*"
        ),
        "{md}"
    );
    assert!(md.contains("· cost unknown*"), "{md}");
    assert!(md.contains("tokens and cost unknown"), "{md}");
    assert!(md.contains("> **Reasoning**\n>\n> thinking 0\n"), "{md}");
    assert!(md.contains("*Stopped before the end.*"), "{md}");
    assert!(
        md.contains("*Ended with an error. No provider is available.*"),
        "{md}"
    );
    // 36_800 + 36_801: the third reply has no cost, the fourth no usage at all.
    assert!(md.contains("- Cost: $0.000073601\n"), "{md}");
}

#[test]
fn dates_and_numbers_are_formatted_for_people() {
    assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
    assert_eq!(format_utc(1_732_663_260_000), "2024-11-26 23:21 UTC");
    assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
    assert_eq!(format_utc(-60_000), "1969-12-31 23:59 UTC");
    assert_eq!(format_utc(253_402_300_799_000), "9999-12-31 23:59 UTC");
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(thousands(-1_234), "-1,234");
}

#[test]
fn export_streams_to_a_writer() {
    let s = rich();
    let mut buf = Vec::new();
    let n = s.export_json_to(None, &mut buf).unwrap();
    assert_eq!(n, 3);
    assert_eq!(
        comparable(std::str::from_utf8(&buf).unwrap()),
        comparable(&s.export_json(None).unwrap())
    );
}
