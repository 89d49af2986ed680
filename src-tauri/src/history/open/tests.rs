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
