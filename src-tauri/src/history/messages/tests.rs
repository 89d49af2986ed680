use serde_json::json;

use super::*;
use crate::history::{usd_to_nanos, ConversationSummary, CostSource};

fn store_with_conversation() -> (HistoryStore, ConversationSummary) {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "openai/gpt-4o").unwrap();
    (s, c)
}

fn usage(cost_usd: f64) -> UsageRecord {
    UsageRecord {
        prompt_tokens: 1200,
        completion_tokens: 300,
        reasoning_tokens: Some(120),
        cached_tokens: Some(1000),
        cost_nanos: Some(usd_to_nanos(cost_usd)),
        raw_json: Some(r#"{"prompt_tokens":1200,"completion_tokens":300,"cost":0.0000368}"#.into()),
        source: CostSource::Stream,
    }
}

fn full_end(status: MessageStatus) -> MessageEnd {
    MessageEnd {
        status,
        finish_reason: Some("stop".into()),
        native_finish_reason: Some("end_turn".into()),
        model: Some("openai/gpt-4o-2024-08-06".into()),
        provider: Some("OpenAI".into()),
        generation_id: Some("gen-123".into()),
        usage: Some(usage(0.0000368)),
        error_json: None,
        timing: ReplyTiming {
            first_token_ms: Some(350),
            duration_ms: Some(2_000),
        },
    }
}

fn ledger(s: &HistoryStore) -> Vec<(Option<i64>, Option<i64>, Option<String>)> {
    s.read(|c| {
        let mut stmt =
            c.prepare("SELECT message_id, cost_nanos, model FROM usage_ledger ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

#[test]
fn a_user_message_is_saved_complete() {
    let (s, c) = store_with_conversation();
    let m = s.add_user_message(c.id, "Hello there").unwrap();
    assert_eq!((m.role, m.status), (Role::User, MessageStatus::Complete));
    assert_eq!(m.content, "Hello there");
    assert_eq!(
        (m.reasoning.clone(), m.usage.clone(), m.error.clone()),
        (None, None, None)
    );
    assert_eq!(s.get_message(m.id).unwrap(), Some(m));
}

#[test]
fn messages_need_an_existing_conversation() {
    let s = HistoryStore::open_in_memory().unwrap();
    assert!(matches!(
        s.add_user_message(7, "x"),
        Err(HistoryError::NotFound("conversation"))
    ));
    assert!(matches!(
        s.start_assistant_message(7, "m"),
        Err(HistoryError::NotFound("conversation"))
    ));
}

#[test]
fn messages_come_back_in_the_order_they_were_added() {
    let (s, c) = store_with_conversation();
    let other = s.create_conversation("other", "m").unwrap();
    let mut expected = Vec::new();
    for i in 0..5 {
        expected.push(s.add_user_message(c.id, &format!("q{i}")).unwrap().id);
        s.add_user_message(other.id, "elsewhere").unwrap();
        expected.push(s.start_assistant_message(c.id, "m").unwrap().id);
    }
    let ids: Vec<i64> = s.messages(c.id).unwrap().iter().map(|m| m.id).collect();
    assert_eq!(ids, expected);
}

#[test]
fn recent_messages_pages_backwards_from_the_end() {
    let (s, c) = store_with_conversation();
    let ids: Vec<i64> = (0..10)
        .map(|i| s.add_user_message(c.id, &i.to_string()).unwrap().id)
        .collect();
    let page = |before, limit| -> Vec<i64> {
        s.recent_messages(c.id, before, limit)
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect()
    };
    assert_eq!(page(None, 3), ids[7..]);
    assert_eq!(page(Some(ids[7]), 3), ids[4..7]);
    assert_eq!(page(Some(ids[2]), 5), ids[..2]);
    assert!(page(Some(ids[0]), 5).is_empty());
}

/// A conversation of `n` user messages with another conversation's messages between them, so ids have gaps.
fn long_conversation(n: usize) -> (HistoryStore, ConversationSummary, Vec<i64>) {
    let (s, c) = store_with_conversation();
    let other = s.create_conversation("other", "m").unwrap();
    let ids = (0..n)
        .map(|i| {
            s.add_user_message(other.id, "elsewhere").unwrap();
            s.add_user_message(c.id, &i.to_string()).unwrap().id
        })
        .collect();
    (s, c, ids)
}

fn ids_of(page: &MessagePage) -> Vec<i64> {
    page.messages.iter().map(|m| m.id).collect()
}

#[test]
fn newer_messages_pages_forwards_and_the_pages_meet() {
    let (s, c, ids) = long_conversation(10);
    let page = |after, limit| -> Vec<i64> {
        s.newer_messages(c.id, after, limit)
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect()
    };
    assert_eq!(page(ids[2], 3), ids[3..6]);
    assert_eq!(page(ids[7], 5), ids[8..]);
    assert!(page(ids[9], 5).is_empty());
    assert_eq!(page(0, 2), ids[..2], "from before the first message");
    // Forwards then backwards from the same message: the whole conversation, once.
    let mut all = s.recent_messages(c.id, Some(ids[4]), 100).unwrap();
    all.extend(s.newer_messages(c.id, ids[3], 100).unwrap());
    assert_eq!(all.iter().map(|m| m.id).collect::<Vec<_>>(), ids);
}

#[test]
fn pages_say_whether_the_conversation_goes_on() {
    let (s, c, ids) = long_conversation(10);
    let latest = s.latest_page(c.id, 4).unwrap();
    assert_eq!(ids_of(&latest), ids[6..]);
    assert_eq!((latest.has_older, latest.has_newer), (true, false));
    let whole = s.latest_page(c.id, 10).unwrap();
    assert_eq!((whole.has_older, whole.has_newer), (false, false));

    let older = s.older_page(c.id, ids[6], 4).unwrap();
    assert_eq!(ids_of(&older), ids[2..6]);
    assert_eq!((older.has_older, older.has_newer), (true, true));
    let top = s.older_page(c.id, ids[2], 4).unwrap();
    assert_eq!(ids_of(&top), ids[..2]);
    assert_eq!((top.has_older, top.has_newer), (false, true));
    let beyond_top = s.older_page(c.id, ids[0], 4).unwrap();
    assert!(beyond_top.messages.is_empty());
    assert_eq!((beyond_top.has_older, beyond_top.has_newer), (false, true));

    let newer = s.newer_page(c.id, ids[1], 4).unwrap();
    assert_eq!(ids_of(&newer), ids[2..6]);
    assert_eq!((newer.has_older, newer.has_newer), (true, true));
    let bottom = s.newer_page(c.id, ids[5], 10).unwrap();
    assert_eq!(ids_of(&bottom), ids[6..]);
    assert_eq!((bottom.has_older, bottom.has_newer), (true, false));
    let beyond_bottom = s.newer_page(c.id, ids[9], 4).unwrap();
    assert!(beyond_bottom.messages.is_empty());
    assert_eq!(
        (beyond_bottom.has_older, beyond_bottom.has_newer),
        (true, false)
    );
}

#[test]
fn an_empty_conversation_is_one_empty_page() {
    let (s, c) = store_with_conversation();
    let page = s.latest_page(c.id, 100).unwrap();
    assert!(page.messages.is_empty());
    assert_eq!((page.has_older, page.has_newer), (false, false));
    let older = s.older_page(c.id, 5, 100).unwrap();
    assert_eq!((older.has_older, older.has_newer), (false, false));
    let newer = s.newer_page(c.id, 5, 100).unwrap();
    assert_eq!((newer.has_older, newer.has_newer), (false, false));
}

#[test]
fn messages_around_centres_the_page_on_the_message() {
    let (s, c, ids) = long_conversation(20);
    let middle = s.messages_around(c.id, ids[10], 3, 2).unwrap();
    assert_eq!(ids_of(&middle), ids[7..13]);
    assert_eq!((middle.has_older, middle.has_newer), (true, true));

    let near_top = s.messages_around(c.id, ids[1], 5, 2).unwrap();
    assert_eq!(ids_of(&near_top), ids[..4]);
    assert_eq!((near_top.has_older, near_top.has_newer), (false, true));

    let near_bottom = s.messages_around(c.id, ids[18], 2, 5).unwrap();
    assert_eq!(ids_of(&near_bottom), ids[16..]);
    assert_eq!(
        (near_bottom.has_older, near_bottom.has_newer),
        (true, false)
    );

    let alone = s.messages_around(c.id, ids[5], 0, 0).unwrap();
    assert_eq!(ids_of(&alone), [ids[5]]);
    assert_eq!((alone.has_older, alone.has_newer), (true, true));

    let whole = s.messages_around(c.id, ids[0], 100, 100).unwrap();
    assert_eq!(ids_of(&whole), ids);
    assert_eq!(
        whole.messages[0].content, "0",
        "full messages, not just ids"
    );
}

#[test]
fn messages_around_refuses_a_message_of_another_conversation() {
    let (s, c, ids) = long_conversation(3);
    let other = s.create_conversation("x", "m").unwrap();
    let elsewhere = s.add_user_message(other.id, "not here").unwrap();
    assert!(matches!(
        s.messages_around(c.id, elsewhere.id, 5, 5),
        Err(HistoryError::NotFound("message"))
    ));
    assert!(matches!(
        s.messages_around(other.id, ids[1], 5, 5),
        Err(HistoryError::NotFound("message"))
    ));
    let gone = ids[1];
    s.delete_message(gone).unwrap();
    assert!(matches!(
        s.messages_around(c.id, gone, 5, 5),
        Err(HistoryError::NotFound("message"))
    ));
    assert!(matches!(
        s.messages_around(c.id, i64::MAX, 5, 5),
        Err(HistoryError::NotFound("message"))
    ));
}

#[test]
fn paging_queries_use_the_conversation_index() {
    let (s, _c) = store_with_conversation();
    for sql in [
        format!("{MESSAGE_SELECT} WHERE m.conversation_id = 1 AND m.id > 2 ORDER BY m.id LIMIT 3"),
        format!(
            "{MESSAGE_SELECT} WHERE m.conversation_id = 1 AND m.id < 2 ORDER BY m.id DESC LIMIT 3"
        ),
        "SELECT min(id), max(id) FROM messages WHERE conversation_id = 1".to_owned(),
    ] {
        let plan: String = s
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join(" | "))
            })
            .unwrap();
        assert!(plan.contains("messages_by_conversation"), "{sql}: {plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{sql}: {plan}");
    }
}

#[test]
fn streamed_batches_append_in_order() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "openai/gpt-4o").unwrap();
    assert_eq!(
        (reply.status, reply.content.as_str()),
        (MessageStatus::Streaming, "")
    );
    assert_eq!(reply.model.as_deref(), Some("openai/gpt-4o"));
    assert_eq!(reply.reasoning, None);

    s.append_to_message(reply.id, "Hel", "").unwrap();
    assert_eq!(
        s.get_message(reply.id).unwrap().unwrap().reasoning,
        None,
        "no reasoning yet"
    );
    s.append_to_message(reply.id, "", "Let me think").unwrap();
    s.append_to_message(reply.id, "lo, wor", " about it.")
        .unwrap();
    s.append_to_message(reply.id, "", "").unwrap();
    s.append_to_message(reply.id, "ld — 你好 👋", "").unwrap();

    let m = s.get_message(reply.id).unwrap().unwrap();
    assert_eq!(m.content, "Hello, world — 你好 👋");
    assert_eq!(m.reasoning.as_deref(), Some("Let me think about it."));
    assert_eq!(m.status, MessageStatus::Streaming);
}

#[test]
fn appending_to_an_ended_or_missing_reply_is_refused() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    s.append_to_message(reply.id, "done", "").unwrap();
    s.finish_assistant_message(reply.id, MessageEnd::plain(MessageStatus::Stopped))
        .unwrap();
    assert!(matches!(
        s.append_to_message(reply.id, "late", ""),
        Err(HistoryError::InvalidInput(_))
    ));
    assert_eq!(s.get_message(reply.id).unwrap().unwrap().content, "done");
    assert!(matches!(
        s.append_to_message(999, "x", ""),
        Err(HistoryError::NotFound("message"))
    ));
    let user = s.add_user_message(c.id, "q").unwrap();
    assert!(matches!(
        s.append_to_message(user.id, "x", ""),
        Err(HistoryError::InvalidInput(_))
    ));
}

#[test]
fn finishing_records_who_served_it_and_what_it_cost() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "openai/gpt-4o").unwrap();
    s.append_to_message(reply.id, "Answer.", "").unwrap();
    s.finish_assistant_message(reply.id, full_end(MessageStatus::Complete))
        .unwrap();

    let m = s.get_message(reply.id).unwrap().unwrap();
    assert_eq!(m.status, MessageStatus::Complete);
    assert_eq!(m.model.as_deref(), Some("openai/gpt-4o-2024-08-06"));
    assert_eq!(m.provider.as_deref(), Some("OpenAI"));
    assert_eq!(m.finish_reason.as_deref(), Some("stop"));
    assert_eq!(m.native_finish_reason.as_deref(), Some("end_turn"));
    assert_eq!(m.generation_id.as_deref(), Some("gen-123"));
    let u = m.usage.unwrap();
    assert_eq!((u.prompt_tokens, u.completion_tokens), (1200, 300));
    assert_eq!(
        (u.reasoning_tokens, u.cached_tokens),
        (Some(120), Some(1000))
    );
    assert_eq!(u.cost_nanos, Some(36_800));
    assert_eq!(u.cost_usd, Some(0.0000368));
}

#[test]
fn finishing_without_a_model_keeps_the_requested_one() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "openai/gpt-4o").unwrap();
    s.finish_assistant_message(reply.id, MessageEnd::plain(MessageStatus::Error))
        .unwrap();
    let m = s.get_message(reply.id).unwrap().unwrap();
    assert_eq!(m.model.as_deref(), Some("openai/gpt-4o"));
    assert_eq!(m.usage, None);
    assert!(ledger(&s).is_empty(), "no usage, no ledger row");
}

#[test]
fn finish_refuses_nonsense() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    let user = s.add_user_message(c.id, "q").unwrap();
    let still = MessageEnd::plain(MessageStatus::Streaming);
    assert!(matches!(
        s.finish_assistant_message(reply.id, still),
        Err(HistoryError::InvalidInput(_))
    ));
    let mut bad_json = MessageEnd::plain(MessageStatus::Error);
    bad_json.error_json = Some("{not json".into());
    assert!(matches!(
        s.finish_assistant_message(reply.id, bad_json),
        Err(HistoryError::InvalidInput(_))
    ));
    let mut negative = full_end(MessageStatus::Complete);
    negative.usage.as_mut().unwrap().completion_tokens = -1;
    assert!(matches!(
        s.finish_assistant_message(reply.id, negative),
        Err(HistoryError::InvalidInput(_))
    ));
    let plain = || MessageEnd::plain(MessageStatus::Complete);
    assert!(matches!(
        s.finish_assistant_message(user.id, plain()),
        Err(HistoryError::NotFound(_))
    ));
    assert!(matches!(
        s.finish_assistant_message(999, plain()),
        Err(HistoryError::NotFound(_))
    ));
    // Nothing half-done: the reply is untouched and there is no ledger row.
    assert_eq!(
        s.get_message(reply.id).unwrap().unwrap().status,
        MessageStatus::Streaming
    );
    assert!(ledger(&s).is_empty());
}

#[test]
fn the_stored_error_comes_back_as_json() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    s.append_to_message(reply.id, "partial", "").unwrap();
    let error = json!({
        "kind": "interrupted",
        "message": "The connection dropped before the reply was complete.",
        "action": {"kind": "retry", "label": "Retry", "url": null},
        "retry_after_secs": null
    });
    let mut end = MessageEnd::plain(MessageStatus::Interrupted);
    end.error_json = Some(error.to_string());
    s.finish_assistant_message(reply.id, end).unwrap();
    let m = s.get_message(reply.id).unwrap().unwrap();
    assert_eq!(m.error, Some(error));
    assert_eq!(m.content, "partial");
}

/// The page reads these field names (app/IPC.md `Message` and `Usage`); nothing more, nothing less.
#[test]
fn message_serializes_to_the_ipc_shape() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "openai/gpt-4o").unwrap();
    s.append_to_message(reply.id, "Hi", "hmm").unwrap();
    s.finish_assistant_message(reply.id, full_end(MessageStatus::Complete))
        .unwrap();
    let m = s.get_message(reply.id).unwrap().unwrap();
    let value = serde_json::to_value(&m).unwrap();
    assert_eq!(
        value,
        json!({
            "id": reply.id,
            "conversation_id": c.id,
            "role": "assistant",
            "content": "Hi",
            "reasoning": "hmm",
            "status": "complete",
            "model": "openai/gpt-4o-2024-08-06",
            "provider": "OpenAI",
            "finish_reason": "stop",
            "error": null,
            "usage": {
                "prompt_tokens": 1200,
                "completion_tokens": 300,
                "reasoning_tokens": 120,
                "cached_tokens": 1000,
                "cost_usd": 0.0000368,
                "cost_nanos": 36_800,
                "cost_source": "stream"
            },
            "created_at": m.created_at,
            "timing": {"first_token_ms": 350, "duration_ms": 2_000},
            "cost_pending": false
        })
    );
    let user = serde_json::to_value(s.add_user_message(c.id, "q").unwrap()).unwrap();
    assert_eq!(user["usage"], serde_json::Value::Null);
    assert_eq!(user["timing"], serde_json::Value::Null);
    assert_eq!(user["reasoning"], serde_json::Value::Null);
    assert_eq!(user["role"], "user");
    let summary = serde_json::to_value(s.get_conversation(c.id).unwrap().unwrap()).unwrap();
    let mut keys: Vec<&str> = summary
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "archived",
            "created_at",
            "id",
            "message_count",
            "model",
            "origin",
            "starred",
            "title",
            "updated_at"
        ]
    );
    assert_eq!(summary["origin"], "chat");
}

#[test]
fn every_status_round_trips_through_the_database() {
    let (s, c) = store_with_conversation();
    for status in [
        MessageStatus::Complete,
        MessageStatus::Stopped,
        MessageStatus::Interrupted,
        MessageStatus::Error,
    ] {
        let reply = s.start_assistant_message(c.id, "m").unwrap();
        s.finish_assistant_message(reply.id, MessageEnd::plain(status))
            .unwrap();
        let m = s.get_message(reply.id).unwrap().unwrap();
        assert_eq!(m.status, status);
        assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
    }
}

#[test]
fn spend_outlives_the_deleted_reply() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    s.finish_assistant_message(reply.id, full_end(MessageStatus::Complete))
        .unwrap();
    s.delete_message(reply.id).unwrap();
    assert_eq!(s.get_message(reply.id).unwrap(), None);
    assert!(matches!(
        s.delete_message(reply.id),
        Err(HistoryError::NotFound("message"))
    ));

    let other = s.start_assistant_message(c.id, "m").unwrap();
    s.finish_assistant_message(other.id, full_end(MessageStatus::Complete))
        .unwrap();
    s.delete_conversation(c.id).unwrap();
    let model = Some("openai/gpt-4o-2024-08-06".to_owned());
    assert_eq!(
        ledger(&s),
        [
            (None, Some(36_800), model.clone()),
            (None, Some(36_800), model)
        ]
    );
}

#[test]
fn a_later_cost_correction_replaces_the_figures_in_place() {
    let (s, c) = store_with_conversation();
    let reply = s.start_assistant_message(c.id, "m").unwrap();
    let mut end = full_end(MessageStatus::Stopped);
    end.usage = None; // stopped before the usage chunk arrived
    s.finish_assistant_message(reply.id, end).unwrap();
    assert_eq!(s.get_message(reply.id).unwrap().unwrap().usage, None);

    s.record_usage(reply.id, &usage(0.000669)).unwrap();
    s.record_usage(reply.id, &usage(0.000669)).unwrap();
    let u = s.get_message(reply.id).unwrap().unwrap().usage.unwrap();
    assert_eq!(u.cost_nanos, Some(669_000));
    assert_eq!(ledger(&s).len(), 1, "one ledger row per reply");
    assert!(matches!(
        s.record_usage(999, &usage(0.1)),
        Err(HistoryError::NotFound("message"))
    ));
}

#[test]
fn ledger_sums_are_exact() {
    let (s, c) = store_with_conversation();
    let costs = [0.0000368, 0.000669, 0.0, 0.0000368, 0.0123456789];
    for cost in costs {
        let reply = s.start_assistant_message(c.id, "m").unwrap();
        let mut end = full_end(MessageStatus::Complete);
        end.usage = Some(usage(cost));
        s.finish_assistant_message(reply.id, end).unwrap();
    }
    let total: i64 = s
        .read(|c| Ok(c.query_row("SELECT sum(cost_nanos) FROM usage_ledger", [], |r| r.get(0))?))
        .unwrap();
    // By hand: 36_800 + 669_000 + 0 + 36_800 + 12_345_679
    assert_eq!(total, 13_088_279);
}
