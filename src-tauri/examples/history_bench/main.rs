//! The history benchmark of issue 3 (`make bench-history`, part of `make bench`).
//!
//! 1. Generates a realistic history from fixed seeds (by default 10,000 conversations, 1,000,000 messages:
//!    Markdown, code, English with a Zipf vocabulary, French, German, Japanese, Chinese, Korean, emoji, replies
//!    with model, provider, usage and cost, timestamps over two years, a few conversations thousands of messages
//!    long) and writes it through the app's import path (`HistoryStore::import_json`, the JSON export format),
//!    timing the import. The database is cached with a stamp, so the next run skips this.
//! 2. Measures on a freshly opened store: a cold start (the file evicted from the OS cache), 200 searches
//!    in both orders (top 50 with snippets), opening 200 conversations (the last 100 messages), the sidebar
//!    list, and the sizes of the tables and search indexes (SQLite's `dbstat`).
//!
//! Usage: `history_bench [--messages N] [--dir DIR] [--results FILE] [--generate-only]`
//! (`HISTORY_BENCH_MESSAGES=N` is the same as `--messages N`; conversations are a hundredth of the messages).
//! The cache is `<target>/bench/history-<N>/` unless `--dir` says otherwise.

#[path = "../bench_common/mod.rs"]
mod bench_common;
mod generator;

use bench_common::{mb, percentile, sorted, thousands};

use std::error::Error;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use openrouter_desktop::history::{
    ConversationSummary, HistoryStore, SearchOrder, SearchQuery, EXPORT_FORMAT, EXPORT_VERSION,
    LATEST_VERSION,
};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use generator::{plan, ExportConversation, Rng, Writer, GENERATOR_VERSION, SEED};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const DEFAULT_MESSAGES: usize = 1_000_000;
/// Messages per imported export file.
const FILE_MESSAGES: usize = 20_000;
const DB_FILE: &str = "history.sqlite3";
const STAMP_FILE: &str = "bench-stamp.json";
const SEARCH_LIMIT: usize = 50;
const OPEN_PAGE: usize = 100;
const OPENS: usize = 200;
const TARGET_SEARCH_P95_MS: f64 = 20.0;
const TARGET_OPEN_P95_MS: f64 = 10.0;

struct Args {
    messages: usize,
    dir: Option<PathBuf>,
    results: Option<PathBuf>,
    generate_only: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        messages: match std::env::var("HISTORY_BENCH_MESSAGES") {
            Ok(v) => v.replace('_', "").parse()?,
            Err(_) => DEFAULT_MESSAGES,
        },
        dir: None,
        results: None,
        generate_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--messages" => args.messages = value()?.replace('_', "").parse()?,
            "--dir" => args.dir = Some(value()?.into()),
            "--results" => args.results = Some(value()?.into()),
            "--generate-only" => args.generate_only = true,
            "-h" | "--help" => {
                println!(
                    "history_bench [--messages N] [--dir DIR] [--results FILE] [--generate-only]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    if args.messages < 2 {
        return Err("--messages must be at least 2".into());
    }
    Ok(args)
}

/// `<target>/bench`: the executable is `<target>/<profile>/examples/history_bench`.
fn default_cache_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("bench")
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("history_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| default_cache_root().join(format!("history-{}", args.messages)));
    let db = dir.join(DB_FILE);
    let stamp = ensure_history(&dir, args.messages)?;
    if args.generate_only {
        println!("history ready: {}", db.display());
        return Ok(());
    }
    let load_start = load_average();
    let mut report = Report::default();
    report.line(format!(
        "History benchmark: {} messages in {} conversations ({})",
        thousands(args.messages),
        thousands(stamp["conversations"].as_u64().unwrap_or(0) as usize),
        db.display()
    ));
    report_import(&mut report, &stamp);
    let cold = measure_cold(&db, stamp["conversations"].as_i64().unwrap_or(1))?;
    report_cold(&mut report, &cold);
    let warm = measure_warm(&db)?;
    report_warm(&mut report, &warm);
    let sizes = measure_sizes(&db)?;
    report_sizes(&mut report, &sizes);
    let load_end = load_average();
    report.line("");
    report.line(format!(
        "Load average at the start {load_start}, at the end {load_end} ({} CPUs): other work on the machine slows every figure",
        std::thread::available_parallelism().map_or(0, usize::from)
    ));
    report.verdict(&warm);
    println!("{}", report.lines.join("\n"));

    let results = json!({
        "messages": args.messages,
        "generator_version": GENERATOR_VERSION,
        "import": stamp["import"],
        "cold": cold,
        "warm": warm.json(),
        "sizes": sizes,
        "load_average": { "start": load_start, "end": load_end },
    });
    let out = args.results.unwrap_or_else(|| dir.join("results.json"));
    fs::write(&out, serde_json::to_string_pretty(&results)?)?;
    println!("\nfull results: {}", out.display());
    Ok(())
}

// ---- generation and its cache ----

/// The stamp of a cached history made by this generator with these settings, generating it first if needed.
fn ensure_history(dir: &Path, messages: usize) -> Result<Value> {
    let db = dir.join(DB_FILE);
    let stamp_path = dir.join(STAMP_FILE);
    if let Ok(text) = fs::read_to_string(&stamp_path) {
        let stamp: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let fits = stamp["generator_version"] == GENERATOR_VERSION
            && stamp["schema_version"] == LATEST_VERSION
            && stamp["seed"] == SEED
            && stamp["messages"] == messages;
        if fits && db.exists() {
            eprintln!("using the cached history in {}", dir.display());
            return Ok(stamp);
        }
        eprintln!(
            "the cached history in {} is stale: rebuilding it",
            dir.display()
        );
    }
    for name in [
        STAMP_FILE,
        DB_FILE,
        "history.sqlite3-wal",
        "history.sqlite3-shm",
        "results.json",
    ] {
        match fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    fs::create_dir_all(dir)?;
    let import = generate(&db, messages)?;
    let stamp = json!({
        "generator_version": GENERATOR_VERSION,
        "schema_version": LATEST_VERSION,
        "seed": SEED,
        "messages": messages,
        "conversations": import.conversations,
        "import": import,
    });
    fs::write(&stamp_path, serde_json::to_string_pretty(&stamp)?)?;
    Ok(stamp)
}

#[derive(Serialize)]
struct ImportFigures {
    conversations: usize,
    messages: usize,
    files: usize,
    json_bytes: u64,
    content_bytes: u64,
    /// Time in `import_json` only: parsing, checks, inserts, search indexing, commits.
    import_seconds: f64,
    /// Writing the text and serializing it to JSON (not part of the import rate).
    generate_seconds: f64,
    /// Closing the store after the import (`PRAGMA optimize`).
    close_seconds: f64,
    messages_per_second: f64,
    json_mb_per_second: f64,
    first_file_messages_per_second: f64,
    last_file_messages_per_second: f64,
    /// `/proc/loadavg` before and after: other work on the machine slows the import down.
    load_before: String,
    load_after: String,
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[derive(Serialize)]
struct ExportFile<'a> {
    format: &'a str,
    version: u32,
    exported_at: i64,
    app_version: &'a str,
    conversations: &'a [ExportConversation],
}

fn generate(db: &Path, messages: usize) -> Result<ImportFigures> {
    let planned = plan(messages);
    let writer = Writer::new();
    let store = HistoryStore::open(db)?;
    let mut figures = ImportFigures {
        conversations: planned.len(),
        messages: 0,
        files: 0,
        json_bytes: 0,
        content_bytes: 0,
        import_seconds: 0.0,
        generate_seconds: 0.0,
        close_seconds: 0.0,
        messages_per_second: 0.0,
        json_mb_per_second: 0.0,
        first_file_messages_per_second: 0.0,
        last_file_messages_per_second: 0.0,
        load_before: load_average(),
        load_after: String::new(),
    };
    let mut file: Vec<ExportConversation> = Vec::new();
    let mut in_file = 0;
    let mut started = Instant::now();
    for (i, p) in planned.iter().enumerate() {
        file.push(writer.conversation(p));
        in_file += p.messages;
        if in_file < FILE_MESSAGES && i + 1 < planned.len() {
            continue;
        }
        figures.content_bytes += file
            .iter()
            .flat_map(|c| &c.messages)
            .map(|m| m.content.len() as u64)
            .sum::<u64>();
        let json = serde_json::to_string(&ExportFile {
            format: EXPORT_FORMAT,
            version: EXPORT_VERSION,
            exported_at: 1_767_225_600_000,
            app_version: env!("CARGO_PKG_VERSION"),
            conversations: &file,
        })?;
        figures.generate_seconds += started.elapsed().as_secs_f64();
        let t = Instant::now();
        let imported = store.import_json(&json)?;
        let seconds = t.elapsed().as_secs_f64();
        if imported.messages_added != in_file || imported.conversations_added != file.len() {
            return Err(format!(
                "import added {} conversations and {} messages, expected {} and {in_file}",
                imported.conversations_added,
                imported.messages_added,
                file.len()
            )
            .into());
        }
        let rate = in_file as f64 / seconds;
        if figures.files == 0 {
            figures.first_file_messages_per_second = rate;
        }
        figures.last_file_messages_per_second = rate;
        figures.files += 1;
        figures.messages += in_file;
        figures.json_bytes += json.len() as u64;
        figures.import_seconds += seconds;
        eprintln!(
            "imported {:>9} / {} messages ({:.1} MB of JSON in {:.2} s, {:.0} messages/s)",
            thousands(figures.messages),
            thousands(messages),
            json.len() as f64 / 1e6,
            seconds,
            rate
        );
        file.clear();
        in_file = 0;
        started = Instant::now();
    }
    let t = Instant::now();
    drop(store);
    figures.close_seconds = t.elapsed().as_secs_f64();
    figures.load_after = load_average();
    figures.messages_per_second = figures.messages as f64 / figures.import_seconds;
    figures.json_mb_per_second = figures.json_bytes as f64 / 1e6 / figures.import_seconds;
    Ok(figures)
}

// ---- measurements ----

/// Drops the file's pages from the OS cache (written back first), as after a reboot. Only this file: the
/// rest of the machine keeps its cache. Returns whether it worked.
fn evict_from_os_cache(file: &Path) -> bool {
    let synced = Command::new("sync").arg(file).status();
    let dropped = Command::new("dd")
        .arg(format!("if={}", file.display()))
        .args(["iflag=nocache", "count=0", "status=none"])
        .status();
    matches!((synced, dropped), (Ok(a), Ok(b)) if a.success() && b.success())
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

#[derive(Serialize)]
struct Cold {
    evicted_from_os_cache: bool,
    open_store_ms: f64,
    list_conversations_ms: f64,
    conversations_listed: usize,
    first_search_ms: f64,
    first_search_text: &'static str,
    first_search_hits: usize,
    first_open_ms: f64,
    /// The 200 searches (relevance, the default order) right after: the first searches after a reboot.
    searches: Vec<Timed>,
}

/// A start after a reboot: the file out of the OS cache, then what the app does first (open the store,
/// list the conversations for the sidebar), then a first search and a first conversation opened, then the
/// 200 searches once.
fn measure_cold(db: &Path, newest_conversation: i64) -> Result<Cold> {
    let evicted = evict_from_os_cache(db);
    let t = Instant::now();
    let store = HistoryStore::open(db)?;
    let open_store_ms = ms_since(t);
    let t = Instant::now();
    let listed = store.list_conversations()?.len();
    let list_conversations_ms = ms_since(t);
    let text = "error";
    let t = Instant::now();
    let hits = store.search_messages(&SearchQuery::new(text))?.len();
    let first_search_ms = ms_since(t);
    let t = Instant::now();
    store.recent_messages(newest_conversation, None, OPEN_PAGE)?;
    let first_open_ms = ms_since(t);
    let mut searches = Vec::new();
    for (kind, text) in queries(&Writer::new()) {
        let t = Instant::now();
        let hits = store
            .search_messages(&SearchQuery::new(text.clone()))?
            .len();
        searches.push(Timed {
            kind,
            text,
            order: "relevance",
            ms: ms_since(t),
            hits,
        });
    }
    Ok(Cold {
        evicted_from_os_cache: evicted,
        open_store_ms,
        list_conversations_ms,
        conversations_listed: listed,
        first_search_ms,
        first_search_text: text,
        first_search_hits: hits,
        first_open_ms,
        searches,
    })
}

#[derive(Serialize, Clone)]
struct Timed {
    kind: &'static str,
    text: String,
    order: &'static str,
    ms: f64,
    hits: usize,
}

struct Warm {
    searches: Vec<Timed>,
    opens: Vec<(i64, i64, f64)>,
    /// `messages(id)`: the whole conversation, which the app's `get_conversation` command loads today.
    full_loads: Vec<(i64, i64, f64)>,
    list_all_ms: f64,
    list_page_ms: f64,
    listed: usize,
    empty_snippets: usize,
}

impl Warm {
    fn json(&self) -> Value {
        let opens: Vec<Value> = self
            .opens
            .iter()
            .map(|(id, n, ms)| json!({ "conversation": id, "messages": n, "ms": ms }))
            .collect();
        let full: Vec<Value> = self
            .full_loads
            .iter()
            .map(|(id, n, ms)| json!({ "conversation": id, "messages": n, "ms": ms }))
            .collect();
        json!({
            "searches": self.searches,
            "opens": opens,
            "full_loads": full,
            "list_all_ms": self.list_all_ms,
            "list_first_page_ms": self.list_page_ms,
            "listed": self.listed,
            "empty_snippets": self.empty_snippets,
        })
    }
}

/// Reads the whole file once, so the OS cache holds it: the state of a machine that has read the history
/// recently. Returns the milliseconds it took.
fn read_into_os_cache(file: &Path) -> Result<f64> {
    let t = Instant::now();
    let mut f = fs::File::open(file)?;
    let mut buf = vec![0_u8; 8 << 20];
    while f.read(&mut buf)? > 0 {}
    Ok(ms_since(t))
}

/// The steady state: the file in the OS cache, a freshly opened store, a short warm-up.
fn measure_warm(db: &Path) -> Result<Warm> {
    read_into_os_cache(db)?;
    let store = HistoryStore::open(db)?;
    let mut conversations: Vec<ConversationSummary> = store.list_conversations()?;
    let t = Instant::now();
    let listed = store.list_conversations()?.len();
    let list_all_ms = ms_since(t);
    let t = Instant::now();
    store.list_conversations_page(None, 50, None)?;
    let list_page_ms = ms_since(t);
    conversations.extend(store.list_archived()?);

    let writer = Writer::new();
    // Warm-up: a few searches and opens that are not measured.
    for text in [
        "code",
        "function python",
        "\"for example\"",
        "conf*",
        "東京",
    ] {
        for order in [SearchOrder::Relevance, SearchOrder::Newest] {
            let mut q = SearchQuery::new(text);
            q.order = order;
            store.search_messages(&q)?;
        }
    }
    for c in conversations.iter().take(5) {
        store.recent_messages(c.id, None, OPEN_PAGE)?;
    }

    let queries = queries(&writer);
    let mut searches = Vec::new();
    let mut empty_snippets = 0;
    for (order, name) in [
        (SearchOrder::Relevance, "relevance"),
        (SearchOrder::Newest, "newest"),
    ] {
        for (kind, text) in &queries {
            let mut q = SearchQuery::new(text.clone());
            q.order = order;
            q.limit = SEARCH_LIMIT;
            let t = Instant::now();
            let hits = store.search_messages(&q)?;
            let ms = ms_since(t);
            empty_snippets += hits.iter().filter(|h| h.snippet.is_empty()).count();
            searches.push(Timed {
                kind,
                text: text.clone(),
                order: name,
                ms,
                hits: hits.len(),
            });
        }
    }

    // 200 conversations: the five longest, and others at random.
    let mut by_length: Vec<&ConversationSummary> = conversations.iter().collect();
    by_length.sort_by_key(|c| std::cmp::Reverse(c.message_count));
    let mut picked: Vec<&ConversationSummary> = by_length.iter().take(5).copied().collect();
    let mut rest: Vec<&ConversationSummary> = by_length.iter().skip(5).copied().collect();
    let mut rng = Rng::new(SEED ^ 0x0FE2);
    shuffle(&mut rest, &mut rng);
    picked.extend(rest.into_iter().take(OPENS.saturating_sub(5)));
    shuffle(&mut picked, &mut rng);
    let mut opens = Vec::new();
    for c in &picked {
        let t = Instant::now();
        let page = store.recent_messages(c.id, None, OPEN_PAGE)?;
        let ms = ms_since(t);
        let expected = usize::try_from(c.message_count)?.min(OPEN_PAGE);
        if page.len() != expected {
            return Err(format!(
                "conversation {} gave {} messages, expected {expected}",
                c.id,
                page.len()
            )
            .into());
        }
        opens.push((c.id, c.message_count, ms));
    }
    let mut full_loads = Vec::new();
    for c in by_length.iter().take(5).chain(picked.iter().take(20)) {
        let t = Instant::now();
        let all = store.messages(c.id)?;
        full_loads.push((c.id, all.len() as i64, ms_since(t)));
    }
    Ok(Warm {
        searches,
        opens,
        full_loads,
        list_all_ms,
        list_page_ms,
        listed,
        empty_snippets,
    })
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// The 200 searches: one common word, one rare word, two words, a phrase, a prefix, CJK and emoji.
fn queries(writer: &Writer) -> Vec<(&'static str, String)> {
    let v = writer.vocabulary();
    let mut rng = Rng::new(SEED ^ 0x5EA2C4);
    let mut q: Vec<(&'static str, String)> = Vec::new();
    // Common words: ranks spread over the 300 most frequent, "the" and "of" included (the worst case).
    for i in 0..30 {
        q.push(("one word, common", v.ranked(i * 10 + i % 3).to_owned()));
    }
    // Rare words: ranks 2,000 to 60,000 (log-spaced), and accented words typed without their accents.
    for i in 0..22 {
        let rank = 2000.0 * 30_f64.powf(f64::from(i) / 21.0);
        q.push(("one word, rare", v.ranked(rank as usize).to_owned()));
    }
    for w in [
        "cafe", "uber", "resume", "zurich", "jalapeno", "krakow", "deja", "muller",
    ] {
        q.push(("one word, rare", w.to_owned()));
    }
    // Two words: common + common, common + middling, middling + rare.
    for i in 0..40 {
        let (a, b) = match i % 3 {
            0 => (rng.range(0, 200), rng.range(0, 200)),
            1 => (rng.range(0, 200), rng.range(200, 5000)),
            _ => (rng.range(200, 5000), rng.range(5000, 50_000)),
        };
        q.push(("two words", format!("{} {}", v.ranked(a), v.ranked(b))));
    }
    // Phrases: stock phrases of the generated text, then word pairs and triples from sentences like it.
    for p in [
        "for example",
        "in this case",
        "make sure that",
        "most recent call last",
        "borrow of moved value",
        "request failed",
        "cannot read properties",
        "on the other hand",
        "by default",
        "in other words",
        "first of all",
        "summarize this",
        "does not exist",
        "value moved here",
        "you are a helpful assistant",
    ] {
        q.push(("phrase", format!("\"{p}\"")));
    }
    while q.iter().filter(|(k, _)| *k == "phrase").count() < 40 {
        let sentence = writer.sample_sentence(&mut rng);
        let words: Vec<&str> = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let n = rng.range(2, 3);
        if words.len() > n {
            let start = rng.below(words.len() - n);
            q.push((
                "phrase",
                format!("\"{}\"", words[start..start + n].join(" ")),
            ));
        }
    }
    // Prefixes: search as you type.
    for p in [
        "pyth*", "conf*", "data*", "perf*", "auth*", "serv*", "migr*", "opti*", "tra*", "deb*",
        "py*", "re*", "co*", "asyn*", "depl*",
    ] {
        q.push(("prefix", p.to_owned()));
    }
    while q.iter().filter(|(k, _)| *k == "prefix").count() < 40 {
        let word = v.ranked(rng.range(100, 20_000));
        let len = rng.range(3, 5);
        if word.chars().count() > len {
            let stem: String = word.chars().take(len).collect();
            q.push(("prefix", format!("{stem}*")));
        }
    }
    for t in [
        "東京",
        "データベース",
        "機械学習",
        "猫",
        "数据库",
        "北京",
        "模型",
        "会議",
        "エラー",
        "服务器",
        "서울",
        "🚀",
        "🎉",
        "👍",
        "✅",
        "🔥",
        "東京 会議",
        "python 🚀",
        "データ",
        "性能",
    ] {
        q.push(("CJK, emoji", t.to_owned()));
    }
    shuffle(&mut q, &mut rng);
    q
}

fn measure_sizes(db: &Path) -> Result<Value> {
    // Read-write (it only reads): the last connection to close removes the WAL files, which a read-only
    // one cannot.
    let conn = Connection::open(db)?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let mut parts: Vec<(&str, i64)> = [
        "word index (messages_fts)",
        "trigram index (messages_fts_tri)",
        "messages table",
        "messages indexes",
        "conversations",
        "usage ledger",
        "schema and statistics",
    ]
    .iter()
    .map(|p| (*p, 0))
    .collect();
    let mut stmt = conn.prepare("SELECT name, pgsize FROM dbstat('main', 1)")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (name, bytes) = row?;
        let bare = name.trim_start_matches("sqlite_autoindex_");
        let part = if bare.starts_with("messages_fts_tri") {
            1
        } else if bare.starts_with("messages_fts") {
            0
        } else if bare == "messages" {
            2
        } else if bare.starts_with("messages_") {
            3
        } else if bare.starts_with("conversations") {
            4
        } else if bare.starts_with("usage_ledger") {
            5
        } else {
            6
        };
        parts[part].1 += bytes;
    }
    let (messages, content, reasoning): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(length(CAST(content AS BLOB))), 0),
                coalesce(sum(length(CAST(reasoning AS BLOB))), 0)
         FROM messages",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let trigram_docs: i64 =
        conn.query_row("SELECT count(*) FROM messages_fts_tri_docsize", [], |r| {
            r.get(0)
        })?;
    let file = fs::metadata(db)?.len();
    let mut by_part = serde_json::Map::new();
    for (name, bytes) in &parts {
        by_part.insert((*name).to_owned(), json!(bytes));
    }
    Ok(json!({
        "file_bytes": file,
        "free_bytes": free * page_size,
        "parts": by_part,
        "messages": messages,
        "content_bytes": content,
        "reasoning_bytes": reasoning,
        "trigram_indexed_messages": trigram_docs,
        "method": "dbstat (SQLite's page-level statistics, aggregated per b-tree): bytes of the pages of each \
                   table and index; the FTS5 indexes are their shadow tables (_data, _idx, _docsize, _config)",
    }))
}

// ---- report ----

#[derive(Default)]
struct Report {
    lines: Vec<String>,
}

impl Report {
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    fn stats(&mut self, label: &str, values: &[f64], extra: &str) {
        let s = sorted(values.iter().copied());
        self.line(format!(
            "  {label:<34} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  (n={}{extra})",
            percentile(&s, 0.5),
            percentile(&s, 0.95),
            s.last().copied().unwrap_or(f64::NAN),
            s.len()
        ));
    }

    fn verdict(&mut self, warm: &Warm) {
        let search = sorted(warm.searches.iter().map(|s| s.ms));
        let open = sorted(warm.opens.iter().map(|o| o.2));
        let (s95, o95) = (percentile(&search, 0.95), percentile(&open, 0.95));
        self.line("");
        self.line("Targets");
        for (what, value, target) in [
            ("search p95 (both orders)", s95, TARGET_SEARCH_P95_MS),
            ("open conversation p95", o95, TARGET_OPEN_P95_MS),
        ] {
            let verdict = if value <= target {
                "met".to_owned()
            } else {
                format!(
                    "MISSED by {:.1} ms ({:.1}x)",
                    value - target,
                    value / target
                )
            };
            self.line(format!(
                "  {what:<34} {value:>7.2} ms  target <= {target} ms: {verdict}"
            ));
        }
    }
}

fn report_import(r: &mut Report, stamp: &Value) {
    let i = &stamp["import"];
    let f = |k: &str| i[k].as_f64().unwrap_or(f64::NAN);
    r.line("");
    r.line("Import (HistoryStore::import_json, the app's import path; measured when the history was generated)");
    r.line(format!(
        "  {} messages in {} files of ~{} messages: {:.1} s in import_json",
        thousands(f("messages") as usize),
        f("files"),
        thousands(FILE_MESSAGES),
        f("import_seconds")
    ));
    r.line(format!(
        "  {:.0} messages/s, {:.1} MB/s of JSON ({:.0} MB JSON, {:.0} MB message text); first file {:.0}/s, last {:.0}/s",
        f("messages_per_second"),
        f("json_mb_per_second"),
        f("json_bytes") / 1e6,
        f("content_bytes") / 1e6,
        f("first_file_messages_per_second"),
        f("last_file_messages_per_second")
    ));
    r.line(format!(
        "  load average before {}, after {} (other work on the machine slows the import)",
        i["load_before"].as_str().unwrap_or("?"),
        i["load_after"].as_str().unwrap_or("?")
    ));
}

fn report_cold(r: &mut Report, c: &Cold) {
    r.line("");
    r.line(format!(
        "Cold start ({}): fresh store, then what the app does first",
        if c.evicted_from_os_cache {
            "database file evicted from the OS cache"
        } else {
            "could NOT evict the file from the OS cache: these are warm figures"
        }
    ));
    r.line(format!(
        "  open store                          {:>8.1} ms",
        c.open_store_ms
    ));
    r.line(format!(
        "  list_conversations (sidebar, {:>5}) {:>8.1} ms",
        c.conversations_listed, c.list_conversations_ms
    ));
    r.line(format!(
        "  first search ({:?}, relevance)     {:>8.1} ms ({} hits)",
        c.first_search_text, c.first_search_ms, c.first_search_hits
    ));
    r.line(format!(
        "  first open (newest conversation)    {:>8.1} ms",
        c.first_open_ms
    ));
    let ms: Vec<f64> = c.searches.iter().map(|s| s.ms).collect();
    r.stats("then the 200 searches (relevance)", &ms, "");
}

fn report_warm(r: &mut Report, w: &Warm) {
    r.line("");
    r.line(format!(
        "Search, file in the OS cache: {} queries x 2 orders, top {SEARCH_LIMIT} with snippets, after a warm-up ({} hits with an empty snippet)",
        w.searches.len() / 2,
        w.empty_snippets
    ));
    let kinds: Vec<&str> = {
        let mut k: Vec<&str> = w.searches.iter().map(|s| s.kind).collect();
        k.dedup();
        k.sort_unstable();
        k.dedup();
        k
    };
    for order in ["relevance", "newest"] {
        for kind in &kinds {
            let of_kind: Vec<&Timed> = w
                .searches
                .iter()
                .filter(|s| s.order == order && s.kind == *kind)
                .collect();
            let ms: Vec<f64> = of_kind.iter().map(|s| s.ms).collect();
            let hits =
                of_kind.iter().map(|s| s.hits).sum::<usize>() as f64 / ms.len().max(1) as f64;
            let none = of_kind.iter().filter(|s| s.hits == 0).count();
            r.stats(
                &format!("{order}: {kind}"),
                &ms,
                &format!(", {hits:.0} hits avg, {none} with none"),
            );
        }
        let ms: Vec<f64> = w
            .searches
            .iter()
            .filter(|s| s.order == order)
            .map(|s| s.ms)
            .collect();
        r.stats(&format!("{order}: all"), &ms, "");
    }
    let all: Vec<f64> = w.searches.iter().map(|s| s.ms).collect();
    r.stats("both orders", &all, "");
    let mut slowest = w.searches.clone();
    slowest.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    r.line("  slowest:");
    for s in slowest.iter().take(8) {
        r.line(format!(
            "    {:>7.2} ms  {:<9} {:<17} {:?} ({} hits)",
            s.ms, s.order, s.kind, s.text, s.hits
        ));
    }

    r.line("");
    let ms: Vec<f64> = w.opens.iter().map(|o| o.2).collect();
    let longest = w.opens.iter().map(|o| o.1).max().unwrap_or(0);
    r.line(format!(
        "Open conversation: recent_messages(id, None, {OPEN_PAGE}), {} conversations incl. the 5 longest (up to {} messages)",
        w.opens.len(),
        thousands(usize::try_from(longest).unwrap_or(0))
    ));
    r.stats("open (last 100 messages)", &ms, "");
    let long: Vec<f64> = w
        .opens
        .iter()
        .filter(|o| o.1 >= 1000)
        .map(|o| o.2)
        .collect();
    if !long.is_empty() {
        r.stats("  of which >= 1,000 messages", &long, "");
    }
    r.line("  whole conversation, messages(id) (what get_conversation loads today):");
    for (id, n, ms) in w.full_loads.iter().take(5) {
        r.line(format!(
            "    conversation {id}: {} messages in {ms:.1} ms",
            thousands(usize::try_from(*n).unwrap_or(0))
        ));
    }
    let rest: Vec<f64> = w.full_loads.iter().skip(5).map(|f| f.2).collect();
    r.stats("    20 others", &rest, "");
    r.line(format!(
        "Sidebar: list_conversations ({} conversations) {:.1} ms; first page of 50 (list_conversations_page) {:.2} ms",
        w.listed, w.list_all_ms, w.list_page_ms
    ));
}

fn report_sizes(r: &mut Report, s: &Value) {
    let n = |v: &Value| v.as_i64().unwrap_or(0);
    r.line("");
    r.line(format!(
        "Sizes (dbstat): file {}, {} messages, {} of message text (+{} reasoning, not indexed)",
        mb(n(&s["file_bytes"])),
        thousands(usize::try_from(n(&s["messages"])).unwrap_or(0)),
        mb(n(&s["content_bytes"])),
        mb(n(&s["reasoning_bytes"]))
    ));
    if let Some(parts) = s["parts"].as_object() {
        for (name, bytes) in parts {
            r.line(format!("  {name:<34} {:>10}", mb(n(bytes))));
        }
    }
    let fts = n(&s["parts"]["word index (messages_fts)"])
        + n(&s["parts"]["trigram index (messages_fts_tri)"]);
    r.line(format!(
        "  FTS total {} ({:.2}x the message text); trigram index holds {} messages",
        mb(fts),
        fts as f64 / n(&s["content_bytes"]).max(1) as f64,
        thousands(usize::try_from(n(&s["trigram_indexed_messages"])).unwrap_or(0))
    ));
}
