//! Opening the database file without ever damaging it: refuse what we do not understand before writing
//! anything, copy before migrating, and only then configure and migrate.

use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::Migrations;

use crate::history::store::now_ms;
use crate::history::HistoryError;

/// How long a statement waits for another connection (or another process) to release a lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const HEADER_LEN: usize = 100;
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// Read-only connections beside the writer: enough for the page's reads and a search to overlap.
pub(crate) const READER_COUNT: usize = 2;

/// The writer and the readers of one database file, schema up to date.
pub(crate) struct OpenedFile {
    pub writer: Connection,
    pub readers: Vec<Connection>,
}

pub(crate) fn open_file(path: &Path, migrations: &Migrations) -> Result<OpenedFile, HistoryError> {
    let latest = migration_count(migrations)?;
    create_parent_dir(path)?;
    // Refuse a newer or foreign file from its header, before SQLite opens it at all.
    check_header(path, latest)?;
    let mut writer = Connection::open(path)?;
    writer.busy_timeout(BUSY_TIMEOUT)?;
    // Checked again through SQLite, which also sees a version change still in the WAL. Opening and reading
    // write nothing; the first write is the backup's (to another file) or the pragmas below.
    let version = check_version(&writer, latest)?;
    if needs_backup(&writer, version, latest)? {
        back_up(&writer, path, version)?;
    }
    configure_writer(&writer)?;
    migrations.to_latest(&mut writer)?;
    let readers = (0..READER_COUNT)
        .map(|_| open_reader(path))
        .collect::<Result<_, _>>()?;
    Ok(OpenedFile { writer, readers })
}

/// An in-memory database with the current schema: one connection serves reads and writes.
pub(crate) fn open_memory(migrations: &Migrations) -> Result<Connection, HistoryError> {
    let mut conn = Connection::open_in_memory()?;
    configure_writer(&conn)?;
    migrations.to_latest(&mut conn)?;
    Ok(conn)
}

/// Moves a damaged database (and its `-wal`/`-shm` companions, renamed to match so the set still opens as
/// one) out of the way as `<name>.damaged-<unix ms>`, so a fresh history can be started at `path` while the
/// old file is kept for rescue. Returns the new path of the damaged file.
pub fn set_aside_damaged(path: &Path) -> Result<PathBuf, HistoryError> {
    let aside = sibling(path, &format!(".damaged-{}", now_ms()));
    for suffix in ["-wal", "-shm"] {
        let companion = sibling(path, suffix);
        if companion.exists() {
            fs::rename(&companion, sibling(&aside, suffix))?;
        }
    }
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// The number of migrations in the set: what an empty database has pending.
fn migration_count(migrations: &Migrations) -> Result<usize, HistoryError> {
    let max = migrations.pending_migrations(&Connection::open_in_memory()?)?;
    usize::try_from(max).map_err(|_| HistoryError::Migration("no migrations".into()))
}

fn create_parent_dir(path: &Path) -> Result<(), HistoryError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => Ok(fs::create_dir_all(dir)?),
        _ => Ok(()),
    }
}

/// Reads SQLite's 100-byte file header with plain file I/O: its magic string, and the schema version
/// (`user_version`, big-endian at offset 60). A missing or empty file is a new database.
fn check_header(path: &Path, latest: usize) -> Result<(), HistoryError> {
    let file = match fs::File::open(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    let mut header = Vec::with_capacity(HEADER_LEN);
    file.take(HEADER_LEN as u64).read_to_end(&mut header)?;
    if header.is_empty() {
        return Ok(());
    }
    if header.len() < HEADER_LEN || !header.starts_with(SQLITE_MAGIC) {
        return Err(HistoryError::Corrupt);
    }
    let found = i32::from_be_bytes([header[60], header[61], header[62], header[63]]);
    match usize::try_from(found) {
        Ok(version) if version <= latest => Ok(()),
        _ => Err(HistoryError::TooNew {
            found: found.into(),
            supported: latest,
        }),
    }
}

/// Reads the schema version; this is also the first read of the file, so a file that is not a database
/// fails here (as `Corrupt`).
fn check_version(conn: &Connection, latest: usize) -> Result<usize, HistoryError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // Reading the schema catches a damaged header that user_version alone may not.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    match usize::try_from(found) {
        Ok(version) if version <= latest => Ok(version),
        _ => Err(HistoryError::TooNew {
            found,
            supported: latest,
        }),
    }
}

fn needs_backup(conn: &Connection, version: usize, latest: usize) -> Result<bool, HistoryError> {
    if version >= latest {
        return Ok(false);
    }
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok(objects > 0)
}

/// Writes a consistent copy to `<name>.bak-v<version>` (or `…-<unix ms>` if that exists from an earlier
/// upgrade attempt). The copy goes to a temporary name, is synced, then renamed: a crash never leaves a
/// half-written file under the backup's name.
fn back_up(conn: &Connection, path: &Path, version: usize) -> Result<PathBuf, HistoryError> {
    let mut target = sibling(path, &format!(".bak-v{version}"));
    if target.exists() {
        target = sibling(path, &format!(".bak-v{version}-{}", now_ms()));
    }
    let partial = sibling(&target, ".partial");
    if partial.exists() {
        fs::remove_file(&partial)?;
    }
    let partial_text = partial.to_str().ok_or(HistoryError::InvalidInput(
        "the history folder's name is not valid text",
    ))?;
    // VACUUM INTO, not a file copy: copying an open SQLite file can copy a torn state.
    conn.execute("VACUUM INTO ?1", [partial_text])?;
    fs::File::open(&partial)?.sync_all()?;
    fs::rename(&partial, &target)?;
    log::info!("history backed up to {} before upgrading", target.display());
    Ok(target)
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// WAL so readers never wait for the writer; NORMAL sync because WAL stays consistent with it and the
/// streaming path commits every ~200 ms (writes that end something visible switch to FULL, see the store).
fn configure_writer(conn: &Connection) -> Result<(), HistoryError> {
    conn.pragma_update(None, "foreign_keys", true)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        log::warn!("history database runs in journal mode {mode}, not WAL");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection, HistoryError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

#[cfg(test)]
mod tests;
