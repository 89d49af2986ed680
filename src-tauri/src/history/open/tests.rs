use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{ffi, Connection};
use rusqlite_migration::{Migrations, M};

use super::*;
use crate::history::{HistoryError, HistoryStore, MessageStatus, LATEST_VERSION};

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("history.sqlite3")
}

fn user_version(path: &Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A database at `version` with one table of data and nothing of ours, closed again.
fn make_database(path: &Path, version: i64, wal: bool) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = Connection::open(path).unwrap();
    if wal {
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .unwrap();
    }
    conn.execute_batch(&format!(
        "CREATE TABLE legacy (x TEXT); INSERT INTO legacy VALUES ('kept'), ('also kept');
         PRAGMA user_version = {version};"
    ))
    .unwrap();
}

#[test]
fn a_new_file_is_created_with_folder_schema_and_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let opened = open_file(&path, &crate::history::schema::migrations()).unwrap();
    let w = &opened.writer;
    let pragma = |name: &str| -> String {
        w.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| format!("{v:?}"))
        .unwrap()
    };
    assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
    assert_eq!(pragma("foreign_keys"), "Integer(1)");
    assert_eq!(pragma("synchronous"), "Integer(1)"); // NORMAL
    assert_eq!(opened.readers.len(), READER_COUNT);
    drop(opened);
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
    // A brand-new database has nothing to back up.
    assert!(!files_in(path.parent().unwrap())
        .iter()
        .any(|f| f.contains(".bak")));
}

#[test]
fn reopening_an_up_to_date_database_keeps_data_and_makes_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let id = HistoryStore::open(&path)
        .unwrap()
        .create_conversation("kept", "m")
        .unwrap()
        .id;
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(store.get_conversation(id).unwrap().unwrap().title, "kept");
    assert!(!files_in(path.parent().unwrap())
        .iter()
        .any(|f| f.contains(".bak")));
}

#[test]
fn an_empty_file_is_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"").unwrap();
    let store = HistoryStore::open(&path).unwrap();
    assert!(store.list_conversations().unwrap().is_empty());
}

#[test]
fn a_newer_database_is_refused_and_left_byte_for_byte_untouched() {
    for wal in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = db_path(&dir);
        make_database(&path, LATEST_VERSION as i64 + 1, wal);
        let before = fs::read(&path).unwrap();
        let files_before = files_in(path.parent().unwrap());

        let err = HistoryStore::open(&path).err().expect("refused");
        match err {
            HistoryError::TooNew { found, supported } => {
                assert_eq!(found, LATEST_VERSION as i64 + 1);
                assert_eq!(supported, LATEST_VERSION);
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
        assert!(err_text_mentions_update(LATEST_VERSION));
        assert_eq!(fs::read(&path).unwrap(), before, "wal={wal}");
        assert_eq!(files_in(path.parent().unwrap()), files_before, "wal={wal}");
    }
}

fn err_text_mentions_update(latest: usize) -> bool {
    let text = HistoryError::TooNew {
        found: 9,
        supported: latest,
    }
    .to_string();
    text.contains("newer version") && text.contains("update the app")
}

#[test]
fn a_negative_user_version_is_refused_as_too_new() {
    // user_version is a signed 32-bit field; a foreign tool may have set anything.
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    make_database(&path, -3, false);
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        HistoryStore::open(&path),
        Err(HistoryError::TooNew { found: -3, .. })
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_reported_corrupt_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage: Vec<u8> = b"These are my notes, not a database. "
        .iter()
        .copied()
        .cycle()
        .take(8192)
        .collect();
    fs::write(&path, &garbage).unwrap();

    let err = HistoryStore::open(&path).err().expect("refused");
    assert!(matches!(err, HistoryError::Corrupt), "{err:?}");
    assert!(err.is_damaged_file());
    assert_eq!(fs::read(&path).unwrap(), garbage);
    assert_eq!(files_in(path.parent().unwrap()), ["history.sqlite3"]);

    // The way out: move it aside, start fresh; the damaged file is still there, unchanged.
    let aside = set_aside_damaged(&path).unwrap();
    assert_eq!(fs::read(&aside).unwrap(), garbage);
    let store = HistoryStore::open(&path).unwrap();
    assert!(store.list_conversations().unwrap().is_empty());
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("history.sqlite3.damaged-"));
}

#[test]
fn a_truncated_header_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"SQLite format 3\0\x10\x00").unwrap();
    assert!(matches!(
        HistoryStore::open(&path),
        Err(HistoryError::Corrupt)
    ));
    assert_eq!(fs::read(&path).unwrap(), b"SQLite format 3\0\x10\x00");
}

/// A sound header over a damaged schema page gets past the header check: SQLite must catch it, and the
/// writer connection must not have written anything when it does.
#[test]
fn a_damaged_schema_page_is_corrupt_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    drop(HistoryStore::open(&path).unwrap());
    let mut bytes = fs::read(&path).unwrap();
    bytes[100..1000].fill(0xFF);
    fs::write(&path, &bytes).unwrap();

    let err = HistoryStore::open(&path).err().expect("refused");
    assert!(matches!(err, HistoryError::Corrupt), "{err:?}");
    assert_eq!(fs::read(&path).unwrap(), bytes);
    assert!(!files_in(path.parent().unwrap())
        .iter()
        .any(|f| f.contains(".bak")));
}

#[test]
fn set_aside_moves_the_wal_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"db").unwrap();
    fs::write(sibling(&path, "-wal"), b"wal").unwrap();
    let aside = set_aside_damaged(&path).unwrap();
    assert_eq!(fs::read(sibling(&aside, "-wal")).unwrap(), b"wal");
    assert!(!path.exists() && !sibling(&path, "-wal").exists());
}

#[test]
fn a_damaged_page_is_found_by_quick_check_or_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let store = HistoryStore::open(&path).unwrap();
        let c = store.create_conversation("t", "m").unwrap();
        for i in 0..200 {
            store
                .add_user_message(c.id, &format!("message {i} {}", "x".repeat(500)))
                .unwrap();
        }
    }
    // Scribble over the middle of the file (past the header and schema pages).
    let mut bytes = fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0xA5);
    fs::write(&path, &bytes).unwrap();

    match HistoryStore::open(&path) {
        Err(err) => assert!(matches!(err, HistoryError::Corrupt), "{err:?}"),
        Ok(store) => assert!(matches!(store.quick_check(), Err(HistoryError::Corrupt))),
    }
}

#[test]
fn an_old_database_with_data_is_backed_up_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    make_database(&path, 0, true);

    let store = HistoryStore::open(&path).unwrap();
    store.create_conversation("new", "m").unwrap();

    let backup = sibling(&path, ".bak-v0");
    let conn = Connection::open(&backup).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM legacy", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 0);
    let has_ours: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'conversations'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        has_ours, 0,
        "the backup is the database as it was before the migration"
    );
    assert!(!sibling(&backup, ".partial").exists());
    drop(store);
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
}

/// The upgrade path every future migration takes, with a stand-in schema of two versions.
#[test]
fn upgrading_from_the_previous_version_backs_up_then_migrates() {
    const V1: &[M<'static>] = &[M::up("CREATE TABLE a (x TEXT);")];
    const V2: &[M<'static>] = &[
        M::up("CREATE TABLE a (x TEXT);"),
        M::up("ALTER TABLE a ADD COLUMN y TEXT NOT NULL DEFAULT 'new';"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let opened = open_file(&path, &Migrations::from_slice(V1)).unwrap();
        opened
            .writer
            .execute("INSERT INTO a (x) VALUES ('old row')", [])
            .unwrap();
    }
    // A backup from an earlier attempt is never overwritten.
    fs::write(sibling(&path, ".bak-v1"), b"earlier backup").unwrap();

    let opened = open_file(&path, &Migrations::from_slice(V2)).unwrap();
    let (x, y): (String, String) = opened
        .writer
        .query_row("SELECT x, y FROM a", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((x.as_str(), y.as_str()), ("old row", "new"));
    assert_eq!(
        fs::read(sibling(&path, ".bak-v1")).unwrap(),
        b"earlier backup"
    );

    let backups: Vec<String> = files_in(path.parent().unwrap())
        .into_iter()
        .filter(|f| f.starts_with("history.sqlite3.bak-v1-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = Connection::open(path.with_file_name(&backups[0])).unwrap();
    let version: i64 = backup
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let columns: i64 = backup
        .query_row("SELECT count(*) FROM pragma_table_info('a')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(columns, 1, "backed up before the ALTER");
}

#[test]
fn replies_left_streaming_by_a_killed_app_are_interrupted_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (reply, done) = {
        let store = HistoryStore::open(&path).unwrap();
        let c = store.create_conversation("t", "m").unwrap();
        store.add_user_message(c.id, "question").unwrap();
        let reply = store.start_assistant_message(c.id, "m").unwrap();
        store
            .append_to_message(reply.id, "half an ans", "")
            .unwrap();
        let done = store.start_assistant_message(c.id, "m").unwrap();
        store
            .finish_assistant_message(
                done.id,
                crate::history::MessageEnd::plain(MessageStatus::Complete),
            )
            .unwrap();
        (reply.id, done.id)
        // dropped without finishing `reply`: what a kill leaves behind
    };
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(store.interrupted_on_open(), 1);
    let m = store.get_message(reply).unwrap().unwrap();
    assert_eq!(m.status, MessageStatus::Interrupted);
    assert_eq!(m.content, "half an ans");
    assert_eq!(
        store.get_message(done).unwrap().unwrap().status,
        MessageStatus::Complete
    );
    assert_eq!(HistoryStore::open(&path).unwrap().interrupted_on_open(), 0);
}

#[test]
fn sqlite_failures_map_to_plain_errors() {
    let failure =
        |code: i32| HistoryError::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None));
    assert!(matches!(failure(ffi::SQLITE_FULL), HistoryError::DiskFull));
    assert!(matches!(
        failure(ffi::SQLITE_READONLY),
        HistoryError::ReadOnly
    ));
    assert!(matches!(
        failure(ffi::SQLITE_CORRUPT),
        HistoryError::Corrupt
    ));
    assert!(matches!(failure(ffi::SQLITE_NOTADB), HistoryError::Corrupt));
    assert!(matches!(failure(ffi::SQLITE_BUSY), HistoryError::Busy));
    assert!(matches!(
        failure(ffi::SQLITE_CANTOPEN),
        HistoryError::CannotOpen
    ));
    assert!(matches!(
        failure(ffi::SQLITE_MISMATCH),
        HistoryError::Sqlite(_)
    ));
    let wrapped = rusqlite_migration::Error::with_sql(
        rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_FULL), None),
        "CREATE TABLE t (x)",
    );
    assert!(matches!(
        HistoryError::from(wrapped),
        HistoryError::DiskFull
    ));
}

#[test]
fn a_path_whose_folder_is_a_file_fails_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("data");
    fs::write(&blocker, b"a file where the folder should be").unwrap();
    let err = HistoryStore::open(&blocker.join("history.sqlite3"))
        .err()
        .expect("fails");
    assert!(matches!(err, HistoryError::Io(_)), "{err:?}");
    assert_eq!(
        fs::read(&blocker).unwrap(),
        b"a file where the folder should be"
    );
}

/// Rows of a version-1 database, by their v1 columns, for comparing before and after an upgrade.
fn v1_rows(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in [
        ("conversations", "id, title, model, created_at, updated_at"),
        (
            "messages",
            "id, conversation_id, role, content, reasoning, status, model, provider, generation_id, \
             finish_reason, native_finish_reason, error_json, created_at, updated_at",
        ),
        (
            "usage_ledger",
            "id, message_id, model, provider, generation_id, prompt_tokens, completion_tokens, \
             reasoning_tokens, cached_tokens, cost_nanos, usage_json, created_at, updated_at",
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
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// A database as version 1 of the app left it: conversations, finished and streaming replies, errors,
/// usage, text in several scripts.
fn make_v1_history(path: &Path) {
    let opened = open_file(path, &crate::history::schema::migrations_up_to(1)).unwrap();
    opened
        .writer
        .execute_batch(
            r#"
            INSERT INTO conversations (title, model, created_at, updated_at) VALUES
                ('Paris', 'openai/gpt-4o', 1000, 5000), ('東京', 'm/x', 2000, 6000), ('empty', 'm/x', 3000, 3000);
            INSERT INTO messages (conversation_id, role, content, reasoning, status, model, provider, generation_id,
                                  finish_reason, native_finish_reason, error_json, created_at, updated_at) VALUES
                (1, 'user', 'Where is the best café?', NULL, 'complete', NULL, NULL, NULL, NULL, NULL, NULL, 1000, 1000),
                (1, 'assistant', 'Try the Marais district.', 'thinking…', 'complete', 'openai/gpt-4o-2024-08-06',
                    'OpenAI', 'gen-1', 'stop', 'stop', NULL, 1100, 1200),
                (1, 'assistant', 'Half an answ', NULL, 'error', 'openai/gpt-4o', NULL, NULL, NULL, NULL,
                    '{"kind":"interrupted","message":"The connection dropped."}', 1300, 1400),
                (2, 'user', '東京タワーの高さは？', NULL, 'complete', NULL, NULL, NULL, NULL, NULL, NULL, 2000, 2000),
                (2, 'assistant', '333メートルです 🗼 platypus', NULL, 'streaming', 'm/x', NULL, NULL, NULL, NULL, NULL,
                    2100, 2100);
            INSERT INTO usage_ledger (message_id, model, provider, generation_id, prompt_tokens, completion_tokens,
                                      reasoning_tokens, cached_tokens, cost_nanos, usage_json, created_at, updated_at)
            VALUES (2, 'openai/gpt-4o-2024-08-06', 'OpenAI', 'gen-1', 12, 7, NULL, 0, 36800, '{"cost":0.0000368}', 1200, 1200),
                   (NULL, 'm/x', NULL, 'gen-0', 5, 5, NULL, NULL, 1000, NULL, 900, 900);
            "#,
        )
        .unwrap();
}

#[test]
fn a_version_1_history_upgrades_to_version_2_keeping_everything_and_becomes_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    make_v1_history(&path);
    let before = v1_rows(&Connection::open(&path).unwrap());
    assert_eq!(user_version(&path), 1);

    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(store.interrupted_on_open(), 1, "the reply left streaming");

    // The backup is the version-1 file, with its data.
    let backup = Connection::open(sibling(&path, ".bak-v1")).unwrap();
    assert_eq!(
        backup
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
    assert_eq!(v1_rows(&backup), before);

    // Every v1 value is still there; only the streaming reply changed, to interrupted.
    let conn = Connection::open(&path).unwrap();
    let after = v1_rows(&conn);
    let expected: Vec<String> = before
        .iter()
        .map(|row| {
            if row.contains("Streaming") || row.contains("\"streaming\"") {
                row.replace("Text(\"streaming\")", "Text(\"interrupted\")")
            } else {
                row.clone()
            }
        })
        .collect();
    assert_eq!(after.len(), expected.len());
    for (a, e) in after.iter().zip(&expected) {
        if e.contains("interrupted") && e.starts_with("messages: Integer(5)") {
            // updated_at moved to the recovery time.
            let cut = |s: &str| s.rsplit_once(", ").unwrap().0.to_owned();
            assert_eq!(cut(a), cut(e));
        } else {
            assert_eq!(a, e);
        }
    }

    // New columns: flags off, a distinct uid each.
    let flags: Vec<(bool, bool, String)> = conn
        .prepare("SELECT starred, archived, uid FROM conversations ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(flags.len(), 3);
    assert!(flags.iter().all(|(s, a, _)| !s && !a));
    let mut uids: Vec<&str> = flags.iter().map(|(_, _, u)| u.as_str()).collect();
    assert!(uids.iter().all(|u| u.len() == 32));
    uids.dedup();
    assert_eq!(uids.len(), 3);

    // The old messages are searchable, the interrupted one too.
    let search = |q: &str| {
        store
            .search_messages(&crate::history::SearchQuery::new(q))
            .unwrap()
            .into_iter()
            .map(|h| h.message_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("cafe"), [1]);
    assert_eq!(search("marais"), [2]);
    assert_eq!(search("answ"), [3]);
    assert_eq!(search("東京"), [4]);
    assert_eq!(search("platypus"), [5]);
    assert_eq!(search("🗼"), [5]);
    assert!(store.check_search_index().unwrap());
    store.quick_check().unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    // The list, the usage and the export work on the upgraded data.
    let list = store.list_conversations().unwrap();
    assert_eq!(list.iter().map(|c| c.id).collect::<Vec<_>>(), [2, 1, 3]);
    let usage = store.get_message(2).unwrap().unwrap().usage.unwrap();
    assert_eq!(usage.cost_nanos, Some(36_800));
    let json = store.export_json(None).unwrap();
    assert!(json.contains("Try the Marais district."));
    drop(store);
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
    // Opening again changes nothing and makes no second backup.
    let again = HistoryStore::open(&path).unwrap();
    assert_eq!(again.interrupted_on_open(), 0);
    assert_eq!(
        files_in(path.parent().unwrap())
            .iter()
            .filter(|f| f.contains(".bak"))
            .count(),
        1
    );
}

#[test]
fn a_version_2_history_is_refused_by_a_version_1_app_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let store = HistoryStore::open(&path).unwrap();
        let c = store.create_conversation("new", "m").unwrap();
        store.add_user_message(c.id, "from v2").unwrap();
    }
    let before = fs::read(&path).unwrap();
    let files_before = files_in(path.parent().unwrap());
    let err = open_file(&path, &crate::history::schema::migrations_up_to(1))
        .err()
        .expect("refused");
    assert!(
        matches!(
            err,
            HistoryError::TooNew {
                found,
                supported: 1
            } if found == LATEST_VERSION as i64
        ),
        "{err:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(files_in(path.parent().unwrap()), files_before);
}

#[test]
fn an_empty_version_1_file_upgrades_without_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    drop(open_file(&path, &crate::history::schema::migrations_up_to(1)).unwrap());
    let store = HistoryStore::open(&path).unwrap();
    assert!(store.list_conversations().unwrap().is_empty());
    assert!(store.check_search_index().unwrap());
    // The schema objects of v1 count as content: the v1 file is backed up even with no rows.
    assert!(sibling(&path, ".bak-v1").exists());
}

#[test]
fn a_version_4_history_upgrades_with_every_conversation_a_chat() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let opened = open_file(&path, &crate::history::schema::migrations_up_to(4)).unwrap();
        opened
            .writer
            .execute_batch(
                "INSERT INTO conversations (title, model, created_at, updated_at) VALUES
                     ('Paris', 'm/a', 1000, 2000), ('Rome', 'm/b', 1500, 1500);
                 INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES
                     (1, 'user', 'Where is the best café?', 'complete', 1000, 1000);",
            )
            .unwrap();
    }
    let store = HistoryStore::open(&path).unwrap();
    assert_eq!(user_version(&path), LATEST_VERSION as i64);
    assert!(sibling(&path, ".bak-v4").exists(), "backed up first");
    let listed = store.list_conversations().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed
        .iter()
        .all(|c| c.origin == crate::history::Origin::Chat));
    assert_eq!(listed[0].title, "Paris");
    assert_eq!(listed[0].message_count, 1);
    // The new column refuses anything but the two origins.
    let bad = store.write(|tx| {
        tx.execute(
            "UPDATE conversations SET origin = 'elsewhere' WHERE id = 1",
            [],
        )?;
        Ok(())
    });
    assert!(bad.is_err());
}
