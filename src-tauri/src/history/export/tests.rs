use super::*;
use crate::history::{MessageEnd, MessageStatus, UsageRecord};

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
            }),
            error_json: None,
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
