use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::*;
use crate::history::{MessageEnd, MessageStatus};

fn store() -> HistoryStore {
    HistoryStore::open_in_memory().unwrap()
}

/// Timestamps are milliseconds: wait for the clock to move so "newer" is observable.
fn tick() {
    thread::sleep(Duration::from_millis(3));
}

#[test]
fn the_store_can_be_shared_across_threads() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<HistoryStore>();
}

#[test]
fn create_get_rename_and_set_model() {
    let s = store();
    let c = s.create_conversation("First", "openai/gpt-4o").unwrap();
    assert_eq!(c.message_count, 0);
    assert_eq!(c.created_at, c.updated_at);
    assert_eq!(s.get_conversation(c.id).unwrap(), Some(c.clone()));

    tick();
    s.rename_conversation(c.id, "Renamed").unwrap();
    s.set_conversation_model(c.id, "anthropic/claude-sonnet-4.5")
        .unwrap();
    let got = s.get_conversation(c.id).unwrap().unwrap();
    assert_eq!(got.title, "Renamed");
    assert_eq!(got.model, "anthropic/claude-sonnet-4.5");
    assert_eq!(
        got.updated_at, c.updated_at,
        "renaming does not reorder the list"
    );
}

#[test]
fn unknown_ids_are_not_found() {
    let s = store();
    assert_eq!(s.get_conversation(42).unwrap(), None);
    assert!(matches!(
        s.rename_conversation(42, "x"),
        Err(HistoryError::NotFound("conversation"))
    ));
    assert!(matches!(
        s.set_conversation_model(42, "x"),
        Err(HistoryError::NotFound("conversation"))
    ));
    assert!(matches!(
        s.delete_conversation(42),
        Err(HistoryError::NotFound("conversation"))
    ));
}

#[test]
fn list_is_newest_activity_first_with_message_counts() {
    let s = store();
    let a = s.create_conversation("a", "m").unwrap();
    tick();
    let b = s.create_conversation("b", "m").unwrap();
    tick();
    let c = s.create_conversation("c", "m").unwrap();
    tick();
    s.add_user_message(a.id, "hello").unwrap();
    s.add_user_message(a.id, "again").unwrap();
    let ids: Vec<i64> = s
        .list_conversations()
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [a.id, c.id, b.id]);

    tick();
    let reply = s.start_assistant_message(b.id, "m").unwrap();
    tick();
    s.finish_assistant_message(reply.id, MessageEnd::plain(MessageStatus::Complete))
        .unwrap();
    let list = s.list_conversations().unwrap();
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    assert_eq!(ids, [b.id, a.id, c.id]);
    let counts: Vec<i64> = list.iter().map(|c| c.message_count).collect();
    assert_eq!(counts, [1, 2, 0]);
}

#[test]
fn ids_are_not_reused_after_a_delete() {
    let s = store();
    let a = s.create_conversation("a", "m").unwrap();
    s.delete_conversation(a.id).unwrap();
    let b = s.create_conversation("b", "m").unwrap();
    assert!(b.id > a.id);
}

#[test]
fn deleting_a_conversation_deletes_its_messages() {
    let s = store();
    let keep = s.create_conversation("keep", "m").unwrap();
    let gone = s.create_conversation("gone", "m").unwrap();
    let kept = s.add_user_message(keep.id, "stays").unwrap();
    let m1 = s.add_user_message(gone.id, "q").unwrap();
    let m2 = s.start_assistant_message(gone.id, "m").unwrap();
    s.delete_conversation(gone.id).unwrap();
    assert_eq!(s.get_conversation(gone.id).unwrap(), None);
    assert_eq!(s.get_message(m1.id).unwrap(), None);
    assert_eq!(s.get_message(m2.id).unwrap(), None);
    assert!(s.messages(gone.id).unwrap().is_empty());
    assert_eq!(s.messages(keep.id).unwrap(), [kept]);
    let orphans: i64 = s
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM messages WHERE conversation_id = ?1",
                [gone.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(orphans, 0);
}

#[tokio::test]
async fn call_runs_on_the_blocking_pool_and_returns_errors() {
    let s = store();
    let c = s
        .call(|h| h.create_conversation("async", "m"))
        .await
        .unwrap();
    let got = s.call(move |h| h.get_conversation(c.id)).await.unwrap();
    assert_eq!(got.unwrap().title, "async");
    let err = s.call(|h| h.delete_conversation(999)).await.unwrap_err();
    assert!(matches!(err, HistoryError::NotFound("conversation")));
}

#[tokio::test]
async fn a_panicking_call_is_an_error_and_the_store_stays_usable() {
    let s = store();
    let err = s
        .call(|h| -> Result<()> { h.write(|_| panic!("boom")) })
        .await
        .unwrap_err();
    assert!(matches!(err, HistoryError::Task(_)));
    // The writer mutex was poisoned by the panic; the connection is still fine.
    assert!(s.create_conversation("after", "m").is_ok());
}

#[test]
fn a_failed_write_rolls_back_the_whole_transaction() {
    let s = store();
    let err = s
        .write_durably(|tx| {
            tx.execute("INSERT INTO conversations (title, model, created_at, updated_at) VALUES ('x', 'm', 0, 0)", [])?;
            Err::<(), _>(HistoryError::InvalidInput("changed my mind"))
        })
        .unwrap_err();
    assert!(matches!(err, HistoryError::InvalidInput(_)));
    assert!(s.list_conversations().unwrap().is_empty());
    let sync: i64 = s
        .read(|c| Ok(c.query_row("PRAGMA synchronous", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(
        sync, 1,
        "synchronous is back to NORMAL after a failed durable write"
    );
}

/// Readers on their own connections see every committed batch, never a torn one, while the writer appends.
#[test]
fn readers_see_consistent_text_while_a_reply_streams() {
    const BATCHES: usize = 300;
    const BATCH: &str = "0123456789";
    let dir = tempfile::tempdir().unwrap();
    let s = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap();
    let c = s.create_conversation("t", "m").unwrap();
    let reply = s.start_assistant_message(c.id, "m").unwrap().id;
    let done = Arc::new(AtomicBool::new(false));

    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (s, done) = (s.clone(), done.clone());
            thread::spawn(move || {
                let (mut last_len, mut reads) = (0, 0);
                while !done.load(Ordering::Acquire) {
                    let m = s.get_message(reply).unwrap().unwrap();
                    assert_eq!(m.content.len() % BATCH.len(), 0, "torn batch");
                    assert!(m.content.len() >= last_len, "text went backwards");
                    assert_eq!(m.content, BATCH.repeat(m.content.len() / BATCH.len()));
                    last_len = m.content.len();
                    reads += 1;
                    let listed = s.list_conversations().unwrap();
                    assert_eq!(listed.len(), 1);
                }
                reads
            })
        })
        .collect();

    for _ in 0..BATCHES {
        s.append_to_message(reply, BATCH, "").unwrap();
    }
    s.finish_assistant_message(reply, MessageEnd::plain(MessageStatus::Complete))
        .unwrap();
    done.store(true, Ordering::Release);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    let m = s.get_message(reply).unwrap().unwrap();
    assert_eq!(m.content.len(), BATCHES * BATCH.len());
    assert_eq!(m.status, MessageStatus::Complete);
}

#[test]
fn quick_check_passes_on_a_sound_database() {
    let dir = tempfile::tempdir().unwrap();
    let s = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap();
    s.create_conversation("t", "m").unwrap();
    s.quick_check().unwrap();
    store().quick_check().unwrap();
}

fn list_ids(list: &[ConversationSummary]) -> Vec<i64> {
    list.iter().map(|c| c.id).collect()
}

#[test]
fn starred_come_first_archived_are_listed_apart() {
    let s = store();
    let a = s.create_conversation("a", "m").unwrap();
    tick();
    let b = s.create_conversation("b", "m").unwrap();
    tick();
    let c = s.create_conversation("c", "m").unwrap();
    tick();
    let d = s.create_conversation("d", "m").unwrap();
    assert_eq!(
        list_ids(&s.list_conversations().unwrap()),
        [d.id, c.id, b.id, a.id]
    );

    s.set_starred(a.id, true).unwrap();
    s.set_archived(c.id, true).unwrap();
    let list = s.list_conversations().unwrap();
    assert_eq!(list_ids(&list), [a.id, d.id, b.id]);
    assert!(list[0].starred && !list[0].archived);
    assert_eq!(
        s.get_conversation(a.id).unwrap().unwrap().updated_at,
        a.updated_at,
        "starring does not count as activity"
    );
    let archived = s.list_archived().unwrap();
    assert_eq!(list_ids(&archived), [c.id]);
    assert!(archived[0].archived);

    s.set_starred(a.id, false).unwrap();
    s.set_archived(c.id, false).unwrap();
    assert_eq!(
        list_ids(&s.list_conversations().unwrap()),
        [d.id, c.id, b.id, a.id]
    );
    assert!(s.list_archived().unwrap().is_empty());

    for f in [HistoryStore::set_starred, HistoryStore::set_archived] {
        assert!(matches!(
            f(&s, 999, true),
            Err(HistoryError::NotFound("conversation"))
        ));
    }
    let json = serde_json::to_value(&s.list_conversations().unwrap()[0]).unwrap();
    assert_eq!(json["starred"], false);
    assert_eq!(json["archived"], false);
}

#[test]
fn a_new_message_brings_an_archived_conversation_back() {
    let s = store();
    let c = s.create_conversation("c", "m").unwrap();
    s.set_archived(c.id, true).unwrap();
    assert!(s.list_conversations().unwrap().is_empty());
    s.add_user_message(c.id, "I'm back").unwrap();
    assert_eq!(list_ids(&s.list_conversations().unwrap()), [c.id]);
}

#[test]
fn pages_put_together_are_the_whole_list() {
    let s = store();
    let mut all = Vec::new();
    for i in 0..23 {
        let c = s.create_conversation(&format!("c{i}"), "m").unwrap();
        if i % 5 == 0 {
            s.set_starred(c.id, true).unwrap();
        }
        if i == 7 {
            s.set_archived(c.id, true).unwrap();
        }
        // Several with the same updated_at: the id breaks the tie.
        if i % 3 == 0 {
            tick();
        }
        all.push(c.id);
    }
    let expected = list_ids(&s.list_conversations().unwrap());
    assert_eq!(expected.len(), 22);
    for page_size in [1, 4, 7, 22, 50] {
        let mut paged = Vec::new();
        let mut cursor = None;
        loop {
            let page = s.list_conversations_page(cursor, page_size, None).unwrap();
            assert!(page.len() <= page_size);
            let Some(last) = page.last() else { break };
            cursor = Some(last.cursor());
            paged.extend(list_ids(&page));
        }
        assert_eq!(paged, expected, "page size {page_size}");
    }
    assert!(s.list_conversations_page(None, 0, None).unwrap().is_empty());
    // A cursor survives the trip through the page as JSON.
    let first = &s.list_conversations_page(None, 1, None).unwrap()[0];
    let json = serde_json::to_string(&first.cursor()).unwrap();
    let back: ConversationCursor = serde_json::from_str(&json).unwrap();
    assert_eq!(back, first.cursor());
}

#[test]
fn conversation_pages_say_whether_more_follow_and_how_many_there_are() {
    let s = store();
    for i in 0..7 {
        let c = s.create_conversation(&format!("c{i}"), "m").unwrap();
        if i == 3 {
            s.set_starred(c.id, true).unwrap();
        }
        if i == 5 {
            s.set_archived(c.id, true).unwrap();
        }
        tick();
    }
    let expected = list_ids(&s.list_conversations().unwrap());
    let first = s.conversation_page(None, 4, None).unwrap();
    assert_eq!(list_ids(&first.conversations), expected[..4]);
    assert!(first.has_more);
    assert_eq!(first.total, 6, "the archived one is not counted");
    assert!(first.conversations[0].starred, "starred first");
    let cursor = first.conversations.last().map(ConversationSummary::cursor);
    let second = s.conversation_page(cursor, 4, None).unwrap();
    assert_eq!(list_ids(&second.conversations), expected[4..]);
    assert!(!second.has_more);
    let exact = s.conversation_page(None, 6, None).unwrap();
    assert!(
        !exact.has_more,
        "exactly one page is not followed by an empty one"
    );
    let none = s.conversation_page(None, 0, None).unwrap();
    assert!(none.conversations.is_empty() && none.has_more);
    assert_eq!(none.total, 6);
    let empty = HistoryStore::open_in_memory()
        .unwrap()
        .conversation_page(None, 50, None)
        .unwrap();
    assert_eq!(
        (empty.conversations.len(), empty.has_more, empty.total),
        (0, false, 0)
    );
}

#[test]
fn a_page_is_one_index_range_without_sorting() {
    let s = store();
    let plan: String = s
        .read(|c| {
            let sql = format!(
                "EXPLAIN QUERY PLAN {CONVERSATION_SELECT}
                 WHERE c.archived = 0 AND (c.starred, c.updated_at, c.id) < (?1, ?2, ?3)
                 {LIST_ORDER} LIMIT ?4"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![1, 2, 3, 4], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join(" | "))
        })
        .unwrap();
    assert!(plan.contains("conversations_by_list"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn every_conversation_gets_a_unique_uid() {
    let s = store();
    let a = s.create_conversation("a", "m").unwrap();
    let b = s.create_conversation("b", "m").unwrap();
    let uids: Vec<String> = s
        .read(|c| {
            let mut stmt = c.prepare("SELECT uid FROM conversations WHERE id IN (?1, ?2)")?;
            let rows = stmt.query_map([a.id, b.id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(uids.len(), 2);
    assert_ne!(uids[0], uids[1]);
    for uid in &uids {
        assert_eq!(uid.len(), 32);
        assert!(uid.chars().all(|c| c.is_ascii_hexdigit()));
    }
    let dup = s.write(|tx| {
        tx.execute(
            "INSERT INTO conversations (uid, title, model, created_at, updated_at) VALUES (?1, 'x', 'm', 0, 0)",
            [&uids[0]],
        )?;
        Ok(())
    });
    assert!(dup.is_err(), "uids are unique");
}

#[test]
fn delete_all_history_keeps_the_ledger_and_nothing_else() {
    let s = store();
    for i in 0..3 {
        let c = s.create_conversation(&format!("c{i}"), "m").unwrap();
        s.add_user_message(c.id, "question").unwrap();
        let reply = s.start_assistant_message(c.id, "m").unwrap();
        s.append_to_message(reply.id, "answer", "").unwrap();
        let mut end = MessageEnd::plain(MessageStatus::Complete);
        end.usage = Some(crate::history::UsageRecord {
            prompt_tokens: 10,
            completion_tokens: 5,
            cost_nanos: Some(36_800),
            ..Default::default()
        });
        s.finish_assistant_message(reply.id, end).unwrap();
    }
    s.set_archived(1, true).unwrap();
    s.delete_all_history().unwrap();
    assert!(s.list_conversations().unwrap().is_empty());
    assert!(s.list_archived().unwrap().is_empty());
    let counts: (i64, i64, i64, i64) = s
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM usage_ledger),
                        (SELECT sum(cost_nanos) FROM usage_ledger),
                        (SELECT count(*) FROM usage_ledger WHERE message_id IS NOT NULL)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .unwrap();
    assert_eq!(counts, (0, 3, 3 * 36_800, 0), "the spend stays, unlinked");
    let triggers: i64 = s
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(
        triggers, 8,
        "the search triggers are back, with the uid one and the ledger's three"
    );
    // Ids are still not reused.
    assert!(s.create_conversation("new", "m").unwrap().id > 3);
}

#[test]
fn delete_all_history_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let s = HistoryStore::open(&path).unwrap();
    let c = s.create_conversation("kept", "m").unwrap();
    s.add_user_message(c.id, "kept message").unwrap();
    // A second process holding the write lock: the delete cannot start, and nothing changes.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.writer().busy_timeout(Duration::from_millis(50)).unwrap();
    assert!(matches!(s.delete_all_history(), Err(HistoryError::Busy)));
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(s.list_conversations().unwrap().len(), 1);
    assert_eq!(s.messages(c.id).unwrap().len(), 1);
    assert_eq!(
        s.search_messages(&crate::history::SearchQuery::new("kept"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn quick_prompts_are_conversations_marked_quick_listed_apart_and_found_by_search() {
    let s = store();
    let chat = s.create_conversation("Chat", "m").unwrap();
    tick();
    let quick = s
        .create_conversation_from("Quick one", "m", Origin::Quick)
        .unwrap();
    tick();
    let archived_quick = s
        .create_conversation_from("Old quick", "m", Origin::Quick)
        .unwrap();
    s.set_archived(archived_quick.id, true).unwrap();
    assert_eq!(chat.origin, Origin::Chat);
    assert_eq!(quick.origin, Origin::Quick);
    assert_eq!(s.get_conversation(quick.id).unwrap(), Some(quick.clone()));
    // The main list holds both; the quick place only the quick one that is not archived.
    assert_eq!(
        list_ids(&s.conversation_page(None, 50, None).unwrap().conversations),
        [quick.id, chat.id]
    );
    let only = s.conversation_page(None, 50, Some(Origin::Quick)).unwrap();
    assert_eq!(list_ids(&only.conversations), [quick.id]);
    assert_eq!((only.total, only.has_more), (1, false));
    let chats = s.conversation_page(None, 50, Some(Origin::Chat)).unwrap();
    assert_eq!(list_ids(&chats.conversations), [chat.id]);
    // A search hit says where its conversation was started.
    s.add_user_message(quick.id, "what is a wombat").unwrap();
    s.add_user_message(chat.id, "wombat facts").unwrap();
    let hits = s
        .search_messages(&crate::history::SearchQuery::new("wombat"))
        .unwrap();
    let mut origins: Vec<(i64, Origin)> =
        hits.iter().map(|h| (h.conversation_id, h.origin)).collect();
    origins.sort_by_key(|(id, _)| *id);
    assert_eq!(
        origins,
        [(chat.id, Origin::Chat), (quick.id, Origin::Quick)]
    );
}

#[test]
fn the_quick_place_is_read_from_its_own_index() {
    let s = store();
    let plan: String = s
        .read(|c| {
            let sql = format!(
                "EXPLAIN QUERY PLAN {CONVERSATION_SELECT}
                 WHERE c.archived = 0 AND c.origin = 'quick' AND (c.starred, c.updated_at, c.id) < (2, 9, 9)
                 {LIST_ORDER} LIMIT 50"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("; "))
        })
        .unwrap();
    assert!(plan.contains("conversations_by_origin"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn a_quick_prompt_keeps_its_origin_through_export_and_import() {
    let s = store();
    let quick = s
        .create_conversation_from("Quick", "m", Origin::Quick)
        .unwrap();
    s.add_user_message(quick.id, "hello").unwrap();
    let chat = s.create_conversation("Chat", "m").unwrap();
    s.add_user_message(chat.id, "hi").unwrap();
    let json = s.export_json(None).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let origins: Vec<&serde_json::Value> = parsed["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["origin"])
        .collect();
    assert_eq!(
        origins,
        [&serde_json::json!("quick"), &serde_json::Value::Null],
        "chats export as before, without the field"
    );
    let other = store();
    other.import_json(&json).unwrap();
    let mut imported: Vec<(String, Origin)> = other
        .list_conversations()
        .unwrap()
        .into_iter()
        .map(|c| (c.title, c.origin))
        .collect();
    imported.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        imported,
        [
            ("Chat".to_owned(), Origin::Chat),
            ("Quick".to_owned(), Origin::Quick)
        ]
    );
}
