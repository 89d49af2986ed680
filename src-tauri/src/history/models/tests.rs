use std::path::Path;

use rusqlite::Connection;

use super::*;
use crate::history::open::open_file;
use crate::history::schema::migrations_up_to;
use crate::history::LATEST_VERSION;
use crate::routing::{ProviderPrefs, ProviderSort};

fn routing() -> Routing {
    Routing {
        fallback_models: vec!["anthropic/claude-sonnet-4.5".into()],
        provider: Some(ProviderPrefs {
            sort: Some(ProviderSort::Price),
            only: vec!["deepinfra".into()],
            ..ProviderPrefs::default()
        }),
        reasoning_effort: Some("low".into()),
        web_search: true,
    }
}

#[test]
fn routing_is_saved_per_conversation_replaced_cleared_and_goes_with_it() {
    let store = HistoryStore::open_in_memory().unwrap();
    let a = store.create_conversation("a", "openai/gpt-4o").unwrap();
    let b = store.create_conversation("b", "openai/gpt-4o").unwrap();
    assert_eq!(store.conversation_routing(a.id).unwrap(), None);

    store.set_conversation_routing(a.id, &routing()).unwrap();
    assert_eq!(store.conversation_routing(a.id).unwrap(), Some(routing()));
    assert_eq!(
        store.conversation_routing(b.id).unwrap(),
        None,
        "per conversation"
    );

    let changed = Routing {
        web_search: false,
        ..routing()
    };
    store.set_conversation_routing(a.id, &changed).unwrap();
    assert_eq!(store.conversation_routing(a.id).unwrap(), Some(changed));

    store
        .set_conversation_routing(a.id, &Routing::default())
        .unwrap();
    assert_eq!(
        store.conversation_routing(a.id).unwrap(),
        None,
        "defaults are no row"
    );

    store.set_conversation_routing(b.id, &routing()).unwrap();
    let before = store.get_conversation(b.id).unwrap().unwrap().updated_at;
    assert_eq!(
        store.get_conversation(b.id).unwrap().unwrap().updated_at,
        before,
        "routing does not move the conversation"
    );
    store.delete_conversation(b.id).unwrap();
    let rows: i64 = store
        .read(|c| {
            Ok(
                c.query_row("SELECT count(*) FROM conversation_routing", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(rows, 0, "deleted with its conversation");

    let err = store
        .set_conversation_routing(9999, &routing())
        .unwrap_err();
    assert!(
        matches!(err, HistoryError::NotFound("conversation")),
        "{err:?}"
    );
}

#[test]
fn a_stored_routing_that_does_not_read_gives_the_defaults() {
    let store = HistoryStore::open_in_memory().unwrap();
    let c = store.create_conversation("a", "m/x").unwrap();
    store
        .write(|tx| {
            tx.execute(
                "INSERT INTO conversation_routing VALUES (?1, '{\"fallback_models\": 7}', 0)",
                [c.id],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(store.conversation_routing(c.id).unwrap(), None);
    // Unknown fields from a newer app are ignored.
    store
        .write(|tx| {
            tx.execute(
                "UPDATE conversation_routing SET routing_json = '{\"web_search\": true, \"future\": 1}'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        store
            .conversation_routing(c.id)
            .unwrap()
            .map(|r| r.web_search),
        Some(true)
    );
}

#[test]
fn recent_models_follow_the_most_recently_active_conversations() {
    let store = HistoryStore::open_in_memory().unwrap();
    assert!(store.recent_models(10).unwrap().is_empty());
    let set_time = |id: i64, at: i64| {
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE conversations SET updated_at = ?2 WHERE id = ?1",
                    [id, at],
                )?;
                Ok(())
            })
            .unwrap();
    };
    for (title, model, at) in [
        ("1", "openai/gpt-4o", 100),
        ("2", "anthropic/claude-sonnet-4.5", 300),
        ("3", "openai/gpt-4o", 500),
        ("4", "deepseek/deepseek-r1:free", 200),
    ] {
        let c = store.create_conversation(title, model).unwrap();
        set_time(c.id, at);
    }
    assert_eq!(
        store.recent_models(10).unwrap(),
        [
            "openai/gpt-4o",
            "anthropic/claude-sonnet-4.5",
            "deepseek/deepseek-r1:free"
        ]
    );
    assert_eq!(store.recent_models(1).unwrap(), ["openai/gpt-4o"]);
}

#[test]
fn the_model_cache_is_replaced_whole_and_read_in_order() {
    let store = HistoryStore::open_in_memory().unwrap();
    assert_eq!(
        store.model_cache().unwrap(),
        None,
        "nothing before the first fetch"
    );
    let first = vec![
        ("b/two".to_owned(), r#"{"id":"b/two"}"#.to_owned()),
        ("a/one".to_owned(), r#"{"id":"a/one","x":1}"#.to_owned()),
    ];
    store.replace_model_cache(&first, 1_000).unwrap();
    let cached = store.model_cache().unwrap().unwrap();
    assert_eq!(cached.fetched_at, 1_000);
    assert_eq!(
        cached.models,
        [r#"{"id":"b/two"}"#, r#"{"id":"a/one","x":1}"#]
    );
    assert_eq!(
        store.cached_model("a/one").unwrap().as_deref(),
        Some(r#"{"id":"a/one","x":1}"#)
    );
    store
        .replace_model_cache(&[("c/three".to_owned(), "{}".to_owned())], 2_000)
        .unwrap();
    let cached = store.model_cache().unwrap().unwrap();
    assert_eq!(cached.fetched_at, 2_000);
    assert_eq!(cached.models.len(), 1);
    assert_eq!(store.cached_model("a/one").unwrap(), None);
    // Invalid JSON is refused by the schema and the old list stays whole.
    let err = store.replace_model_cache(
        &[
            ("d/four".to_owned(), "{}".to_owned()),
            ("e/five".to_owned(), "not json".to_owned()),
        ],
        3_000,
    );
    assert!(err.is_err());
    let cached = store.model_cache().unwrap().unwrap();
    assert_eq!((cached.fetched_at, cached.models.len()), (2_000, 1));
}

#[test]
fn deleting_all_history_keeps_the_model_cache_and_drops_routing() {
    let store = HistoryStore::open_in_memory().unwrap();
    let c = store.create_conversation("a", "m/x").unwrap();
    store.set_conversation_routing(c.id, &routing()).unwrap();
    store
        .replace_model_cache(&[("m/x".to_owned(), "{}".to_owned())], 5)
        .unwrap();
    store.delete_all_history().unwrap();
    assert!(store.model_cache().unwrap().is_some());
    let rows: i64 = store
        .read(|c| {
            Ok(
                c.query_row("SELECT count(*) FROM conversation_routing", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(rows, 0);
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Rows of a version-2 database, for comparing before and after an upgrade.
fn v2_rows(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in [
        (
            "conversations",
            "id, title, model, created_at, updated_at, starred, archived, uid",
        ),
        (
            "messages",
            "id, conversation_id, role, content, status, model",
        ),
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT {columns} FROM {table} ORDER BY id"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let values: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", values.join(", ")))
            })
            .unwrap();
        out.extend(rows.map(std::result::Result::unwrap));
    }
    out
}

#[test]
fn a_version_2_history_upgrades_to_the_latest_version_keeping_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let opened = open_file(&path, &migrations_up_to(2)).unwrap();
        opened
            .writer
            .execute_batch(
                "INSERT INTO conversations (title, model, created_at, updated_at, starred) VALUES
                     ('Paris', 'openai/gpt-4o', 1000, 5000, 1), ('東京', 'deepseek/deepseek-r1:free', 2000, 6000, 0);
                 INSERT INTO messages (conversation_id, role, content, status, model, created_at, updated_at) VALUES
                     (1, 'user', 'Where is the best café?', 'complete', NULL, 1000, 1000),
                     (1, 'assistant', 'Try the Marais.', 'complete', 'openai/gpt-4o', 1100, 1200),
                     (2, 'user', '東京タワー', 'complete', NULL, 2000, 2000);",
            )
            .unwrap();
    }
    assert_eq!(user_version(&path), 2);
    let before = v2_rows(&Connection::open(&path).unwrap());

    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
    const { assert!(LATEST_VERSION >= 3) };
    assert!(
        dir.path().join("history.sqlite3.bak-v2").exists(),
        "the version-2 file is copied before the upgrade"
    );
    assert_eq!(v2_rows(&Connection::open(&path).unwrap()), before);

    // The new tables work on the old data.
    assert_eq!(store.conversation_routing(1).unwrap(), None);
    store.set_conversation_routing(1, &routing()).unwrap();
    assert_eq!(store.conversation_routing(1).unwrap(), Some(routing()));
    assert_eq!(
        store.recent_models(5).unwrap(),
        ["deepseek/deepseek-r1:free", "openai/gpt-4o"]
    );
    assert_eq!(store.model_cache().unwrap(), None);
    assert_eq!(
        store
            .search_messages(&crate::history::SearchQuery::new("cafe"))
            .unwrap()
            .len(),
        1,
        "search still works"
    );
    let conn = Connection::open(&path).unwrap();
    let index: String = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'conversations_by_model'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, "conversations_by_model");
    let plan: String = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT model, max(updated_at) AS last FROM conversations
             WHERE model <> '' GROUP BY model ORDER BY last DESC, model LIMIT 5",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(std::result::Result::unwrap)
        .collect::<Vec<_>>()
        .join("; ");
    assert!(plan.contains("conversations_by_model"), "{plan}");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(store);
    // A version-2 app refuses the upgraded file rather than misreading it.
    let err = open_file(&path, &migrations_up_to(2))
        .err()
        .expect("refused");
    assert!(
        matches!(
            err,
            HistoryError::TooNew {
                found,
                supported: 2
            } if found == LATEST_VERSION as i64
        ),
        "{err:?}"
    );
}

#[test]
fn an_empty_database_migrates_straight_to_the_latest_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
    let c = store.create_conversation("a", "m/x").unwrap();
    store.set_conversation_routing(c.id, &routing()).unwrap();
    store
        .replace_model_cache(&[("m/x".to_owned(), r#"{"id":"m/x"}"#.to_owned())], 1)
        .unwrap();
    drop(store);
    let again = HistoryStore::open(&path).unwrap();
    assert_eq!(again.conversation_routing(c.id).unwrap(), Some(routing()));
    assert_eq!(
        again.model_cache().unwrap().map(|c| c.models.len()),
        Some(1)
    );
}
