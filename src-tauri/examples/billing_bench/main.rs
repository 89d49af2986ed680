//! The billing benchmark of issue 5 (`make bench-billing`, part of `make bench`; figures in BENCHMARKS.md).
//!
//! 1. Generates a ledger from a fixed seed (by default 1,000,000 rows over three years in 20,000
//!    conversations, see `generator.rs`) into a history file with the app's schema (`HistoryStore::open`),
//!    inserting with SQL in transactions of 50,000 rows, so the triggers keep the per-day summaries
//!    (`spend_days`, `spend_conversation_days`) as they do in the app. It times the inserts, and the same
//!    100,000 rows into an empty file with and without the summary triggers. The file is cached with a stamp
//!    (generator version, schema version, seed, rows), so the next run skips this.
//! 2. Measures on a freshly opened store, after a warm-up, 200 calls each: `spend_windows(today)`,
//!    `spend_report` over 7, 30, 90 and 365 days (random first days) and over the whole ledger, and
//!    `conversation_spend` (random conversations, and the five longest); then the CSV export of the last 30
//!    days and of everything, once each; the sizes of the ledger and the summaries (SQLite's `dbstat`); and
//!    how long the store takes to open when the computer's time zone changed (the summaries are rebuilt).
//!
//! Usage: `billing_bench [--rows N] [--dir DIR] [--results FILE] [--generate-only]`
//! (`BILLING_BENCH_ROWS=N` is the same as `--rows N`). The cache is `<target>/bench/billing-<N>/` unless
//! `--dir` says otherwise; the real-window chart benchmark (`tests/tests/billing_bench.rs`) starts the app on
//! a copy of it.

#[path = "../bench_common/mod.rs"]
mod bench_common;
mod generator;

use bench_common::{mb, percentile, sorted, thousands};

use std::error::Error;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use openrouter_desktop::history::spend::Day;
use openrouter_desktop::history::{HistoryStore, LATEST_VERSION};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::{json, Value};

use generator::{plan, row_text, usage_json, Plan, Rng, Row, GENERATOR_VERSION, SEED};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const DEFAULT_ROWS: usize = 1_000_000;
const BATCH_ROWS: usize = 50_000;
const PROBE_ROWS: usize = 100_000;
const DB_FILE: &str = "history.sqlite3";
const STAMP_FILE: &str = "bench-stamp.json";
const CALLS: usize = 200;
const WARM_UP: usize = 20;
const TARGET_AGGREGATE_P95_MS: f64 = 50.0;
/// Another zone than the machine's (the store rebuilds the summaries when it opens there).
const OTHER_ZONES: [&str; 2] = ["America/New_York", "Asia/Tokyo"];

struct Args {
    rows: usize,
    dir: Option<PathBuf>,
    results: Option<PathBuf>,
    generate_only: bool,
    /// Internal: open the store at this path, print the milliseconds it took, and exit.
    time_open: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        rows: match std::env::var("BILLING_BENCH_ROWS") {
            Ok(v) => v.replace('_', "").parse()?,
            Err(_) => DEFAULT_ROWS,
        },
        dir: None,
        results: None,
        generate_only: false,
        time_open: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rows" => args.rows = value()?.replace('_', "").parse()?,
            "--dir" => args.dir = Some(value()?.into()),
            "--results" => args.results = Some(value()?.into()),
            "--generate-only" => args.generate_only = true,
            "--time-open" => args.time_open = Some(value()?.into()),
            "-h" | "--help" => {
                println!("billing_bench [--rows N] [--dir DIR] [--results FILE] [--generate-only]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    if args.rows < 10_000 {
        return Err("--rows must be at least 10,000".into());
    }
    Ok(args)
}

/// `<target>/bench`: the executable is `<target>/<profile>/examples/billing_bench`.
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
            eprintln!("billing_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args = parse_args()?;
    if let Some(path) = &args.time_open {
        let t = Instant::now();
        drop(HistoryStore::open(path)?);
        println!("{:.1}", ms_since(t));
        return Ok(());
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| default_cache_root().join(format!("billing-{}", args.rows)));
    let db = dir.join(DB_FILE);
    let stamp = ensure_ledger(&dir, args.rows)?;
    if args.generate_only {
        println!("ledger ready: {}", db.display());
        return Ok(());
    }
    let load_start = load_average();
    let mut report = Report::default();
    report.line(format!(
        "Billing benchmark: {} ledger rows, {} conversations, {} to {} ({})",
        thousands(args.rows),
        thousands(stamp["conversations"].as_u64().unwrap_or(0) as usize),
        stamp["first_day"].as_str().unwrap_or("?"),
        stamp["last_day"].as_str().unwrap_or("?"),
        db.display()
    ));
    report_generation(&mut report, &stamp);
    let sizes = measure_sizes(&db)?;
    report_sizes(&mut report, &sizes);
    let calls = measure_calls(&db, &stamp)?;
    report_calls(&mut report, &calls);
    let exports = measure_exports(&db, &dir, &stamp)?;
    report_exports(&mut report, &exports);
    let zone = measure_zone_change(&db, &dir)?;
    report_zone(&mut report, &zone);
    let load_end = load_average();
    report.line("");
    report.line(format!(
        "Load average at the start {load_start}, at the end {load_end} ({} CPUs): other work on the machine slows every figure",
        std::thread::available_parallelism().map_or(0, usize::from)
    ));
    report.verdict(&calls);
    println!("{}", report.lines.join("\n"));

    let results = json!({
        "rows": args.rows,
        "generator_version": GENERATOR_VERSION,
        "stamp": stamp,
        "sizes": sizes,
        "calls": calls.json(),
        "exports": exports,
        "zone_change": zone,
        "load_average": { "start": load_start, "end": load_end },
    });
    let out = args.results.unwrap_or_else(|| dir.join("results.json"));
    fs::write(&out, serde_json::to_string_pretty(&results)?)?;
    println!("\nfull results: {}", out.display());
    Ok(())
}

// ---- generation and its cache ----

/// The stamp of a cached ledger made by this generator with these settings, generating it first if needed.
fn ensure_ledger(dir: &Path, rows: usize) -> Result<Value> {
    let db = dir.join(DB_FILE);
    let stamp_path = dir.join(STAMP_FILE);
    if let Ok(text) = fs::read_to_string(&stamp_path) {
        let stamp: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let fits = stamp["generator_version"] == GENERATOR_VERSION
            && stamp["schema_version"] == LATEST_VERSION
            && stamp["seed"] == SEED
            && stamp["rows"] == rows;
        if fits && db.exists() {
            eprintln!("using the cached ledger in {}", dir.display());
            return Ok(stamp);
        }
        eprintln!(
            "the cached ledger in {} is stale: rebuilding it",
            dir.display()
        );
    }
    for name in [STAMP_FILE, "results.json"] {
        remove_if_there(&dir.join(name))?;
    }
    remove_database(&db)?;
    fs::create_dir_all(dir)?;
    let figures = generate(&db, dir, rows)?;
    fs::write(&stamp_path, serde_json::to_string_pretty(&figures)?)?;
    Ok(figures)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn remove_database(db: &Path) -> Result<()> {
    remove_if_there(db)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        remove_if_there(Path::new(&name))?;
    }
    Ok(())
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The writer's settings (history/open.rs `configure_writer`).
fn open_writer(db: &Path) -> Result<Connection> {
    let conn = Connection::open(db)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

const INSERT_ROW: &str = "INSERT INTO usage_ledger (message_id, conversation_id, model, provider,
        generation_id, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_nanos,
        usage_json, cost_source, created_at, updated_at)
    VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/// Writes `rows` in transactions of [`BATCH_ROWS`]; returns the seconds of each transaction.
fn insert_rows(conn: &mut Connection, plan: &Plan, rows: &[Row]) -> Result<Vec<f64>> {
    let mut seconds = Vec::new();
    for batch in rows.chunks(BATCH_ROWS) {
        let t = Instant::now();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(INSERT_ROW)?;
            for row in batch {
                let (provider, generation_id) = row_text(&plan.catalogue, row);
                let model = (row.model != u16::MAX)
                    .then(|| plan.catalogue.models[row.model as usize].id.as_str());
                let optional = |n: u32| (n != u32::MAX).then_some(n);
                // A cost looked up later arrives a minute or an hour after the reply.
                let updated_at = if row.from_generation {
                    row.created_at + 60_000 + i64::from(row.seed % 3_600_000)
                } else {
                    row.created_at
                };
                insert.execute(params![
                    (!row.no_conversation).then_some(row.conversation),
                    model,
                    provider,
                    generation_id,
                    row.prompt_tokens,
                    row.completion_tokens,
                    optional(row.reasoning_tokens),
                    optional(row.cached_tokens),
                    (row.cost_nanos >= 0).then_some(row.cost_nanos),
                    (row.cost_nanos >= 0 || row.seed % 2 == 0).then(|| usage_json(row)),
                    if row.from_generation {
                        "generation"
                    } else {
                        "stream"
                    },
                    row.created_at,
                    updated_at,
                ])?;
            }
        }
        tx.commit()?;
        seconds.push(t.elapsed().as_secs_f64());
    }
    Ok(seconds)
}

#[derive(Serialize)]
struct ProbeFigures {
    rows: usize,
    with_triggers_rows_per_second: f64,
    without_triggers_rows_per_second: f64,
}

/// The first [`PROBE_ROWS`] rows into an empty history, with the summary triggers and without them.
fn probe_triggers(dir: &Path, plan: &Plan) -> Result<ProbeFigures> {
    let rows = &plan.rows[..PROBE_ROWS.min(plan.rows.len())];
    let mut rates = Vec::new();
    for keep_triggers in [true, false] {
        let path = dir.join("trigger-probe.sqlite3");
        remove_database(&path)?;
        drop(HistoryStore::open(&path)?);
        let mut conn = open_writer(&path)?;
        if !keep_triggers {
            conn.execute_batch(
                "DROP TRIGGER usage_ledger_spend_insert; DROP TRIGGER usage_ledger_spend_delete;
                 DROP TRIGGER usage_ledger_spend_update;",
            )?;
        }
        let seconds: f64 = insert_rows(&mut conn, plan, rows)?.iter().sum();
        rates.push(rows.len() as f64 / seconds);
        drop(conn);
        remove_database(&path)?;
    }
    Ok(ProbeFigures {
        rows: rows.len(),
        with_triggers_rows_per_second: rates[0],
        without_triggers_rows_per_second: rates[1],
    })
}

fn generate(db: &Path, dir: &Path, rows: usize) -> Result<Value> {
    let load_before = load_average();
    let t = Instant::now();
    let plan = plan(rows);
    let plan_seconds = t.elapsed().as_secs_f64();
    eprintln!(
        "planned {} rows in {} conversations ({plan_seconds:.1} s)",
        thousands(plan.rows.len()),
        thousands(plan.conversations.len())
    );
    drop(HistoryStore::open(db)?);
    let mut conn = open_writer(db)?;
    let t = Instant::now();
    {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO conversations (id, title, model, created_at, updated_at, starred, archived)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for c in &plan.conversations {
                insert.execute(params![
                    c.id,
                    c.title,
                    plan.catalogue.models[c.model as usize].id,
                    c.created_at,
                    c.updated_at,
                    c.starred,
                    c.archived
                ])?;
            }
        }
        tx.commit()?;
    }
    let conversations_seconds = t.elapsed().as_secs_f64();

    let mut batch_seconds = Vec::new();
    for (i, chunk) in plan.rows.chunks(BATCH_ROWS * 4).enumerate() {
        batch_seconds.extend(insert_rows(&mut conn, &plan, chunk)?);
        let done = ((i + 1) * BATCH_ROWS * 4).min(plan.rows.len());
        let last = batch_seconds.last().copied().unwrap_or(f64::NAN);
        eprintln!(
            "inserted {:>9} / {} rows ({:.0} rows/s in the last transaction)",
            thousands(done),
            thousands(plan.rows.len()),
            BATCH_ROWS as f64 / last
        );
    }
    let insert_seconds: f64 = batch_seconds.iter().sum();

    let t = Instant::now();
    let deleted: Vec<u32> = plan
        .conversations
        .iter()
        .filter(|c| c.deleted)
        .map(|c| c.id)
        .collect();
    {
        let tx = conn.transaction()?;
        {
            let mut delete = tx.prepare("DELETE FROM conversations WHERE id = ?1")?;
            for id in &deleted {
                delete.execute([id])?;
            }
        }
        tx.commit()?;
    }
    let delete_seconds = t.elapsed().as_secs_f64();
    drop(conn);
    // Opened and closed once more as the app would (the close runs PRAGMA optimize).
    let t = Instant::now();
    drop(HistoryStore::open(db)?);
    let reopen_seconds = t.elapsed().as_secs_f64();
    let load_after = load_average();
    eprintln!("measuring the summary triggers' share of the insert time ({PROBE_ROWS} rows twice)");
    let probe = probe_triggers(dir, &plan)?;

    let conn = Connection::open(db)?;
    let (first_day, last_day): (String, String) =
        conn.query_row("SELECT min(day), max(day) FROM spend_days", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let zone: Option<String> = conn
        .query_row(
            "SELECT value FROM app_meta WHERE key = 'spend_days_zone'",
            [],
            |r| r.get(0),
        )
        .ok();
    drop(conn);
    let mut longest: Vec<&generator::PlannedConversation> = plan.conversations.iter().collect();
    longest.sort_by_key(|c| std::cmp::Reverse(c.replies));
    let longest: Vec<Value> = longest
        .iter()
        .take(5)
        .map(|c| json!({ "id": c.id, "replies": c.replies, "deleted": c.deleted }))
        .collect();
    let free = plan
        .catalogue
        .models
        .iter()
        .filter(|m| m.completion_price == 0)
        .count();
    Ok(json!({
        "generator_version": GENERATOR_VERSION,
        "schema_version": LATEST_VERSION,
        "seed": SEED,
        "rows": rows,
        "conversations": plan.conversations.len(),
        "deleted_conversations": deleted.len(),
        "models": plan.catalogue.models.len(),
        "free_models": free,
        "first_day": first_day,
        "last_day": last_day,
        "spend_days_zone": zone,
        "longest_conversations": longest,
        "generation": {
            "plan_seconds": plan_seconds,
            "conversations_seconds": conversations_seconds,
            "insert_seconds": insert_seconds,
            "rows_per_second": rows as f64 / insert_seconds,
            "batch_rows": BATCH_ROWS,
            "first_batch_rows_per_second": BATCH_ROWS as f64 / batch_seconds.first().copied().unwrap_or(f64::NAN),
            "last_batch_rows_per_second": BATCH_ROWS as f64 / batch_seconds.last().copied().unwrap_or(f64::NAN),
            "slowest_batch_rows_per_second": BATCH_ROWS as f64 / batch_seconds.iter().copied().fold(0.0, f64::max),
            "delete_conversations_seconds": delete_seconds,
            "reopen_seconds": reopen_seconds,
            "trigger_probe": probe,
            "load_before": load_before,
            "load_after": load_after,
        },
    }))
}

// ---- measurements ----

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn day(text: &str) -> Result<Day> {
    Day::parse(text).ok_or_else(|| format!("not a day: {text}").into())
}

/// The day `n` days after `d`.
fn plus(d: Day, n: i64) -> Day {
    let mut out = d;
    for _ in 0..n {
        out = out.next();
    }
    out
}

#[derive(Serialize)]
struct Timed {
    kind: String,
    /// What was asked: a range of days or a conversation.
    what: String,
    ms: f64,
    /// Rows or cells in the answer (days × models for a report, replies for a conversation).
    size: i64,
}

struct Calls {
    open_store_ms: f64,
    today_ms: f64,
    timed: Vec<Timed>,
    /// Per report kind: JSON bytes of the answer and the time serde_json takes to write it (what the Tauri
    /// command adds before the page gets it).
    json: Vec<(String, usize, f64)>,
}

impl Calls {
    fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for t in &self.timed {
            if !kinds.contains(&t.kind) {
                kinds.push(t.kind.clone());
            }
        }
        kinds
    }

    fn of(&self, kind: &str) -> Vec<f64> {
        self.timed
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.ms)
            .collect()
    }

    fn json(&self) -> Value {
        json!({
            "open_store_ms": self.open_store_ms,
            "today_ms": self.today_ms,
            "timed": self.timed,
            "report_json": self.json.iter().map(|(k, bytes, ms)| json!({ "kind": k, "bytes": bytes, "serialize_ms": ms })).collect::<Vec<_>>(),
        })
    }
}

const REPORT_KINDS: [(&str, Option<i64>); 5] = [
    ("spend_report, 7 days", Some(7)),
    ("spend_report, 30 days", Some(30)),
    ("spend_report, 90 days", Some(90)),
    ("spend_report, 365 days", Some(365)),
    ("spend_report, all (whole ledger)", None),
];

fn measure_calls(db: &Path, stamp: &Value) -> Result<Calls> {
    let first = day(stamp["first_day"].as_str().unwrap_or(""))?;
    let last = day(stamp["last_day"].as_str().unwrap_or(""))?;
    let span = first.until(last) + 1;
    let t = Instant::now();
    let store = HistoryStore::open(db)?;
    let open_store_ms = ms_since(t);
    let t = Instant::now();
    store.today()?;
    let today_ms = ms_since(t);
    let mut rng = Rng::new(SEED ^ 0xB111);

    // What each call asks, made up front so the warm-up and the measured calls ask alike.
    let mut asks: Vec<(String, Ask)> = Vec::new();
    for _ in 0..CALLS {
        asks.push(("spend_windows(today)".into(), Ask::Windows(last)));
    }
    for (kind, days) in REPORT_KINDS {
        for _ in 0..CALLS {
            let (from, to) = match days {
                Some(n) => {
                    let from = plus(first, rng.below((span - n + 1) as usize) as i64);
                    (from, plus(from, n - 1))
                }
                None => (first, last),
            };
            asks.push((kind.into(), Ask::Report(from, to)));
        }
    }
    let longest: Vec<i64> = stamp["longest_conversations"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default();
    let count = stamp["conversations"].as_i64().unwrap_or(1);
    for _ in 0..CALLS {
        let id = 1 + rng.below(count as usize) as i64;
        asks.push(("conversation_spend, random".into(), Ask::Conversation(id)));
    }
    for i in 0..CALLS {
        asks.push((
            "conversation_spend, the 5 longest".into(),
            Ask::Conversation(longest[i % longest.len()]),
        ));
    }

    // Warm-up: a few calls of each kind, not measured.
    let mut seen: Vec<&str> = Vec::new();
    for (kind, ask) in &asks {
        if seen.iter().filter(|k| **k == kind.as_str()).count() < WARM_UP {
            ask.run(&store)?;
            seen.push(kind);
        }
    }
    // The kinds interleaved, as the app's calls come.
    let mut order: Vec<usize> = (0..asks.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut timed = Vec::new();
    for i in order {
        let (kind, ask) = &asks[i];
        let t = Instant::now();
        let size = ask.run(&store)?;
        timed.push(Timed {
            kind: kind.clone(),
            what: ask.describe(),
            ms: ms_since(t),
            size,
        });
    }
    // Grouped by kind, in the order above.
    let kind_order: Vec<&str> = {
        let mut k: Vec<&str> = Vec::new();
        for (kind, _) in &asks {
            if !k.contains(&kind.as_str()) {
                k.push(kind);
            }
        }
        k
    };
    timed.sort_by_key(|t| kind_order.iter().position(|k| *k == t.kind));
    let mut json_figures = Vec::new();
    for (kind, days) in REPORT_KINDS {
        let to = last;
        let from = days.map_or(first, |n| plus(first, span - n));
        let report = store.spend_report(from, to)?;
        let t = Instant::now();
        let mut bytes = 0;
        for _ in 0..10 {
            bytes = serde_json::to_vec(&report)?.len();
        }
        json_figures.push((kind.to_owned(), bytes, ms_since(t) / 10.0));
    }
    Ok(Calls {
        open_store_ms,
        today_ms,
        timed,
        json: json_figures,
    })
}

enum Ask {
    Windows(Day),
    Report(Day, Day),
    Conversation(i64),
}

impl Ask {
    /// Runs the call; returns the size of its answer.
    fn run(&self, store: &HistoryStore) -> Result<i64> {
        Ok(match *self {
            Ask::Windows(today) => store.spend_windows(today)?.month.replies,
            Ask::Report(from, to) => store.spend_report(from, to)?.day_models.len() as i64,
            Ask::Conversation(id) => store.conversation_spend(id)?.replies,
        })
    }

    fn describe(&self) -> String {
        match self {
            Ask::Windows(today) => format!("today {today}"),
            Ask::Report(from, to) => format!("{from}..={to}"),
            Ask::Conversation(id) => format!("conversation {id}"),
        }
    }
}

#[derive(Serialize)]
struct Export {
    what: String,
    rows: usize,
    bytes: u64,
    seconds: f64,
}

fn measure_exports(db: &Path, dir: &Path, stamp: &Value) -> Result<Vec<Export>> {
    let last = day(stamp["last_day"].as_str().unwrap_or(""))?;
    let first = day(stamp["first_day"].as_str().unwrap_or(""))?;
    let month_start = plus(first, first.until(last) - 29);
    let store = HistoryStore::open(db)?;
    let path = dir.join("export.csv");
    let mut out = Vec::new();
    for (what, from, to) in [
        (
            format!("last 30 days ({month_start}..={last})"),
            Some(month_start),
            Some(last),
        ),
        ("everything (no range)".to_owned(), None, None),
    ] {
        let t = Instant::now();
        let file = BufWriter::new(fs::File::create(&path)?);
        let rows = store.export_ledger_csv_to(from, to, file)?;
        let seconds = t.elapsed().as_secs_f64();
        out.push(Export {
            what,
            rows,
            bytes: fs::metadata(&path)?.len(),
            seconds,
        });
    }
    fs::remove_file(&path)?;
    Ok(out)
}

#[derive(Serialize)]
struct ZoneChange {
    zone: String,
    /// `HistoryStore::open` of a copy in another time zone: it recomputes both summaries from the ledger.
    open_ms: Option<f64>,
    /// The same copy opened again in that zone (nothing to recompute).
    reopen_ms: Option<f64>,
}

/// Opens a copy of the file in another time zone (a child process with `TZ` set), twice.
fn measure_zone_change(db: &Path, dir: &Path) -> Result<ZoneChange> {
    let machine_zone = fs::read_to_string("/etc/timezone").unwrap_or_default();
    let zone = OTHER_ZONES
        .iter()
        .find(|z| machine_zone.trim() != **z && std::env::var("TZ").ok().as_deref() != Some(z))
        .copied()
        .unwrap_or(OTHER_ZONES[0]);
    let copy = dir.join("zone-copy.sqlite3");
    remove_database(&copy)?;
    {
        // A consistent copy, WAL included.
        let conn = Connection::open(db)?;
        conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
    }
    let exe = std::env::current_exe()?;
    let open = |path: &Path| -> Option<f64> {
        let out = Command::new(&exe)
            .arg("--time-open")
            .arg(path)
            .env("TZ", zone)
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    let open_ms = open(&copy);
    let reopen_ms = open(&copy);
    remove_database(&copy)?;
    Ok(ZoneChange {
        zone: zone.to_owned(),
        open_ms,
        reopen_ms,
    })
}

fn measure_sizes(db: &Path) -> Result<Value> {
    // Read-write (it only reads): the last connection to close removes the WAL files.
    let conn = Connection::open(db)?;
    let mut parts = serde_json::Map::new();
    let mut stmt = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat('main', 1) GROUP BY name ORDER BY 2 DESC")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut other = 0;
    for row in rows {
        let (name, bytes) = row?;
        let keep = name.starts_with("usage_ledger")
            || name.starts_with("spend_")
            || name.starts_with("sqlite_autoindex_usage_ledger")
            || name.starts_with("conversations");
        if keep {
            parts.insert(name, json!(bytes));
        } else {
            other += bytes;
        }
    }
    parts.insert("everything else".into(), json!(other));
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    let (models, days): (i64, i64) = conn.query_row(
        "SELECT count(DISTINCT model), count(DISTINCT day) FROM spend_days",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let file = fs::metadata(db)?.len();
    Ok(json!({
        "file_bytes": file,
        "parts": parts,
        "usage_ledger_rows": count("usage_ledger")?,
        "spend_days_rows": count("spend_days")?,
        "spend_conversation_days_rows": count("spend_conversation_days")?,
        "conversations_rows": count("conversations")?,
        "models": models,
        "days": days,
        "method": "dbstat: bytes of the pages of each table and index",
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
            "  {label:<36} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  (n={}{extra})",
            percentile(&s, 0.5),
            percentile(&s, 0.95),
            s.last().copied().unwrap_or(f64::NAN),
            s.len()
        ));
    }

    fn verdict(&mut self, calls: &Calls) {
        self.line("");
        self.line("Targets");
        let all = sorted(calls.timed.iter().map(|t| t.ms));
        let (worst_kind, worst) = calls
            .kinds()
            .into_iter()
            .map(|k| {
                let p95 = percentile(&sorted(calls.of(&k).into_iter()), 0.95);
                (k, p95)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or_default();
        let verdict = |value: f64| {
            if value <= TARGET_AGGREGATE_P95_MS {
                "met".to_owned()
            } else {
                format!(
                    "MISSED by {:.1} ms ({:.1}x)",
                    value - TARGET_AGGREGATE_P95_MS,
                    value / TARGET_AGGREGATE_P95_MS
                )
            }
        };
        let p95 = percentile(&all, 0.95);
        self.line(format!(
            "  aggregates p95 (all kinds)           {p95:>7.2} ms  target <= {TARGET_AGGREGATE_P95_MS} ms: {}",
            verdict(p95)
        ));
        self.line(format!(
            "  slowest kind's p95 ({worst_kind}) {worst:>7.2} ms  target <= {TARGET_AGGREGATE_P95_MS} ms: {}",
            verdict(worst)
        ));
    }
}

fn report_generation(r: &mut Report, stamp: &Value) {
    let g = &stamp["generation"];
    let f = |k: &str| g[k].as_f64().unwrap_or(f64::NAN);
    r.line("");
    r.line(format!(
        "Generation ({} models, {} of them free; {} conversations deleted; measured when the file was made)",
        stamp["models"], stamp["free_models"], stamp["deleted_conversations"]
    ));
    r.line(format!(
        "  INSERT into usage_ledger, transactions of {}: {:.1} s, {:.0} rows/s (first transaction {:.0}/s, last {:.0}/s, slowest {:.0}/s)",
        thousands(BATCH_ROWS),
        f("insert_seconds"),
        f("rows_per_second"),
        f("first_batch_rows_per_second"),
        f("last_batch_rows_per_second"),
        f("slowest_batch_rows_per_second"),
    ));
    let p = &g["trigger_probe"];
    let with = p["with_triggers_rows_per_second"]
        .as_f64()
        .unwrap_or(f64::NAN);
    let without = p["without_triggers_rows_per_second"]
        .as_f64()
        .unwrap_or(f64::NAN);
    r.line(format!(
        "  the first {} rows into an empty file: {with:.0} rows/s with the summary triggers, {without:.0} without ({:.1} µs more per row)",
        thousands(p["rows"].as_u64().unwrap_or(0) as usize),
        (1.0 / with - 1.0 / without) * 1e6
    ));
    r.line(format!(
        "  plan {:.1} s, conversations {:.2} s, deleting conversations {:.2} s, reopening (PRAGMA optimize on close) {:.2} s; load {} -> {}",
        f("plan_seconds"),
        f("conversations_seconds"),
        f("delete_conversations_seconds"),
        f("reopen_seconds"),
        g["load_before"].as_str().unwrap_or("?"),
        g["load_after"].as_str().unwrap_or("?"),
    ));
    let longest: Vec<String> = stamp["longest_conversations"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{} ({}{})",
                        c["id"],
                        thousands(c["replies"].as_u64().unwrap_or(0) as usize),
                        if c["deleted"] == true {
                            ", deleted"
                        } else {
                            ""
                        }
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    r.line(format!(
        "  longest conversations (id, replies): {}",
        longest.join(", ")
    ));
}

fn report_sizes(r: &mut Report, s: &Value) {
    let n = |v: &Value| v.as_i64().unwrap_or(0);
    r.line("");
    r.line(format!(
        "Sizes (dbstat): file {}; ledger {} rows; spend_days {} rows ({} days x {} models); spend_conversation_days {} rows",
        mb(n(&s["file_bytes"])),
        thousands(n(&s["usage_ledger_rows"]) as usize),
        thousands(n(&s["spend_days_rows"]) as usize),
        n(&s["days"]),
        n(&s["models"]),
        thousands(n(&s["spend_conversation_days_rows"]) as usize),
    ));
    if let Some(parts) = s["parts"].as_object() {
        for (name, bytes) in parts {
            r.line(format!("  {name:<40} {:>10}", mb(n(bytes))));
        }
    }
}

fn report_calls(r: &mut Report, c: &Calls) {
    r.line("");
    r.line(format!(
        "Calls on a fresh store (opened in {:.1} ms; today() {:.2} ms), file in the OS cache, after {WARM_UP} warm-up calls of each kind, kinds interleaved",
        c.open_store_ms, c.today_ms
    ));
    for kind in c.kinds() {
        let of_kind: Vec<&Timed> = c.timed.iter().filter(|t| t.kind == kind).collect();
        let sizes = sorted(of_kind.iter().map(|t| t.size as f64));
        let unit = if kind.starts_with("spend_report") {
            "day-model cells"
        } else if kind.starts_with("conversation") {
            "replies"
        } else {
            "replies this month"
        };
        r.stats(
            &kind,
            &c.of(&kind),
            &format!(
                ", {} to {} {unit}",
                thousands(sizes.first().copied().unwrap_or(0.0) as usize),
                thousands(sizes.last().copied().unwrap_or(0.0) as usize)
            ),
        );
    }
    let mut slowest: Vec<&Timed> = c.timed.iter().collect();
    slowest.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    r.line("  slowest:");
    for t in slowest.iter().take(5) {
        r.line(format!("    {:>7.2} ms  {} {}", t.ms, t.kind, t.what));
    }
    r.line("  the report as JSON (what the command sends the page), ending on the last day:");
    for (kind, bytes, ms) in &c.json {
        r.line(format!(
            "    {kind:<34} {:>9} bytes, serialized in {ms:.2} ms",
            thousands(*bytes)
        ));
    }
}

fn report_exports(r: &mut Report, exports: &[Export]) {
    r.line("");
    r.line("CSV export (export_ledger_csv_to, a buffered file), once each");
    for e in exports {
        r.line(format!(
            "  {:<36} {:>9} rows, {} in {:.2} s ({:.0} rows/s)",
            e.what,
            thousands(e.rows),
            mb(e.bytes as i64),
            e.seconds,
            e.rows as f64 / e.seconds
        ));
    }
}

fn report_zone(r: &mut Report, z: &ZoneChange) {
    r.line("");
    let show = |v: Option<f64>| v.map_or("failed".to_owned(), |ms| format!("{ms:.0} ms"));
    r.line(format!(
        "Time zone change: a copy opened with TZ={} (HistoryStore::open recomputes both summaries): {}; opened again: {}",
        z.zone,
        show(z.open_ms),
        show(z.reopen_ms)
    ));
}
