//! Full-text search over the messages, on the two FTS5 indexes of schema version 2 (see `schema.rs`):
//! `messages_fts` for words, `messages_fts_tri` for text in scripts written without spaces and for emoji.
//!
//! Nothing the user types reaches FTS5 as syntax: the MATCH expression is built here, every word or
//! "quoted phrase" wrapped in double quotes (with `"` doubled), joined by spaces (AND). The only operators
//! it ever contains are the ones written here: a trailing `*` (prefix) and `OR` between the trigrams a one-
//! or two-character term expands to.
//!
//! Speed, for search as you type over a large history: `newest` walks the index from the newest rowid and
//! stops after `limit` hits; `relevance` ranks (BM25) the newest [`RELEVANCE_WINDOW`] matches, so a word that
//! appears in half the history costs the same as a rare one. Snippets are made for the returned hits only.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use crate::history::schema::TRIGRAM_RANGES;
use crate::history::store::Result;
use crate::history::{HistoryError, HistoryStore, Origin, Role};

/// The most hits one search returns.
pub const MAX_SEARCH_LIMIT: usize = 200;
/// Relevance ranks at most this many of the newest matches (all of them when there are fewer).
pub const RELEVANCE_WINDOW: usize = 300;
/// Words beyond this are ignored; a search box never needs more.
const MAX_TERMS: usize = 16;
const MAX_TERM_CHARS: usize = 200;
/// How many index trigrams a one- or two-character term may stand for (the most common ones first would
/// cost a pass over every occurrence; these are the first in index order).
const SHORT_TERM_EXPANSION: i64 = 128;
const WORD_SNIPPET_TOKENS: usize = 16;
/// Trigram "tokens" are characters.
const TRIGRAM_SNIPPET_TOKENS: usize = 40;
const ELLIPSIS: &str = "…";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchOrder {
    /// Best match first (BM25 over the newest [`RELEVANCE_WINDOW`] matches), newest first among equals.
    #[default]
    Relevance,
    /// Most recently saved first.
    Newest,
}

/// What the search box asks for (`SearchQuery` in IPC.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The words as typed. `"quoted phrases"` match as a phrase; a trailing `*` matches words that start
    /// with what comes before it (`pyth*`). Everything else is plain text: `AND`, `NEAR(`, `col:` are words.
    pub text: String,
    /// Only messages served by this model (exactly this id; user messages have no model).
    pub model: Option<String>,
    /// `created_at >= from_ms`.
    pub from_ms: Option<i64>,
    /// `created_at < to_ms`.
    pub to_ms: Option<i64>,
    /// Only messages of starred conversations.
    #[serde(default)]
    pub starred_only: bool,
    #[serde(default)]
    pub order: SearchOrder,
    /// At most [`MAX_SEARCH_LIMIT`]; larger values are capped.
    pub limit: usize,
}

impl SearchQuery {
    /// A search for `text`, no filters, best match first, 50 hits.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            model: None,
            from_ms: None,
            to_ms: None,
            starred_only: false,
            order: SearchOrder::Relevance,
            limit: 50,
        }
    }
}

/// A piece of a snippet: plain text, `hit` when it is a matched word, for the page to highlight with DOM
/// nodes (the text is never HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub message_id: i64,
    pub conversation_id: i64,
    pub conversation_title: String,
    pub role: Role,
    pub model: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// A few words around the matches, `…` where text was cut.
    pub snippet: Vec<SnippetPart>,
    /// Where the conversation was started (a quick prompt is marked as one in the results).
    pub origin: Origin,
}

impl HistoryStore {
    /// Searches every conversation (archived ones too). An empty or punctuation-only text gives no hits;
    /// no text can make it fail.
    pub fn search_messages(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let limit = query.limit.min(MAX_SEARCH_LIMIT);
        let terms = parse_terms(&query.text);
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            // One snapshot for the ids and their snippets, however many writes happen meanwhile.
            let tx = conn.unchecked_transaction()?;
            match Plan::new(&tx, terms)? {
                Some(plan) => plan.hits(&tx, query, limit),
                None => Ok(Vec::new()),
            }
        })
    }

    /// Checks both search indexes against the messages (FTS5 `integrity-check`). `Ok(false)` means they
    /// disagree; [`Self::rebuild_search_index`] repairs that.
    pub fn check_search_index(&self) -> Result<bool> {
        let checked = self.write(|tx| {
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1);
                 INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('integrity-check', 1);",
            )?;
            Ok(())
        });
        match checked {
            Ok(()) => Ok(true),
            Err(HistoryError::Corrupt) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Rebuilds both search indexes from the messages.
    pub fn rebuild_search_index(&self) -> Result<()> {
        self.write_durably(|tx| {
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
                 INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('rebuild');",
            )?;
            Ok(())
        })
    }

    /// Merges the search indexes' segments into one each: searches get faster after a large import.
    /// Rewrites the whole index, so run it when the app is idle.
    pub fn optimize_search_index(&self) -> Result<()> {
        self.write(|tx| {
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts) VALUES ('optimize');
                 INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('optimize');",
            )?;
            Ok(())
        })
    }
}

/// One word or phrase of the query, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    prefix: bool,
}

impl Term {
    fn needs_trigram(&self) -> bool {
        self.text.chars().any(in_trigram_ranges)
    }

    /// Too short for the trigram index to match directly.
    fn is_short(&self) -> bool {
        self.text.chars().count() < 3
    }
}

/// Splits what was typed into words and "phrases". An unbalanced quote runs to the end; control characters
/// are spaces; a term with nothing searchable in it (only punctuation) is dropped.
fn parse_terms(input: &str) -> Vec<Term> {
    let cleaned: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut terms = Vec::new();
    let mut rest = cleaned.as_str();
    while terms.len() < MAX_TERMS {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (text, prefix, after) = if let Some(inner) = rest.strip_prefix('"') {
            let (phrase, after) = inner.split_once('"').unwrap_or((inner, ""));
            let prefix = after.starts_with('*');
            let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
            (phrase, prefix, after.trim_start_matches('*'))
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            let stem = word.trim_end_matches('*');
            (stem.to_owned(), stem.len() < word.len(), after)
        };
        rest = after;
        let text: String = text.chars().take(MAX_TERM_CHARS).collect();
        if text
            .chars()
            .any(|c| c.is_alphanumeric() || in_trigram_ranges(c))
        {
            // A prefix of one letter would read half the index; it is taken as a word.
            let tail = text
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .count();
            terms.push(Term {
                prefix: prefix && tail >= 2,
                text,
            });
        }
    }
    terms
}

fn in_trigram_ranges(c: char) -> bool {
    TRIGRAM_RANGES.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

/// An FTS5 string: the text between double quotes, quotes doubled. Inside one, nothing is syntax.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Index {
    Words,
    Trigram,
}

impl Index {
    fn table(self) -> &'static str {
        match self {
            Self::Words => "messages_fts",
            Self::Trigram => "messages_fts_tri",
        }
    }

    fn snippet_tokens(self) -> usize {
        match self {
            Self::Words => WORD_SNIPPET_TOKENS,
            Self::Trigram => TRIGRAM_SNIPPET_TOKENS,
        }
    }
}

/// How one query runs: which index finds and ranks (and makes the snippet), what it is asked, and which
/// trigram terms to highlight by hand.
#[derive(Debug)]
struct Plan {
    primary: Index,
    primary_match: String,
    /// Trigram terms of a query that also has words: a filter on the words index's hits.
    also_trigram: Option<String>,
    /// Trigram terms as typed, lowercased: highlighted in Rust where FTS5 cannot (see [`highlight`]).
    trigram_terms: Vec<String>,
    /// The primary index's terms, for ranking (see [`Self::ranked`]).
    scored: Vec<ScoredTerm>,
}

/// One term of the primary index as ranking sees it.
#[derive(Debug)]
struct ScoredTerm {
    /// The term alone as a MATCH expression, to estimate how common it is.
    expression: String,
    /// Its words, folded like the highlighted text they are compared with ([`fold`]).
    folded: String,
    /// Highlighted text that starts with `folded` is this term: a prefix, or a short trigram term found
    /// through the trigrams that start with it.
    starts: bool,
}

impl Plan {
    /// `None` when a term cannot match anything (a short term no indexed trigram starts with).
    fn new(conn: &Connection, terms: Vec<Term>) -> Result<Option<Self>> {
        let (trigram, words): (Vec<Term>, Vec<Term>) =
            terms.into_iter().partition(Term::needs_trigram);
        let trigram_match = if trigram.is_empty() {
            None
        } else {
            let mut parts = Vec::with_capacity(trigram.len());
            for term in &trigram {
                match trigram_expression(conn, term)? {
                    Some(part) => parts.push(part),
                    None => return Ok(None),
                }
            }
            // Explicit AND: FTS5's implicit AND only joins phrases, not a phrase and a (group).
            Some(parts.join(" AND "))
        };
        let trigram_terms = trigram.iter().map(|t| t.text.to_lowercase()).collect();
        let plan = if words.is_empty() {
            let Some(primary_match) = trigram_match else {
                return Ok(None);
            };
            let scored = trigram
                .iter()
                .map(|t| ScoredTerm {
                    expression: String::new(), // not needed: trigram terms are weighted alike
                    folded: fold(&t.text),
                    starts: t.is_short(),
                })
                .collect();
            Self {
                primary: Index::Trigram,
                primary_match,
                also_trigram: None,
                trigram_terms,
                scored,
            }
        } else {
            let expressions: Vec<String> = words
                .iter()
                .map(|t| format!("{}{}", quoted(&t.text), if t.prefix { "*" } else { "" }))
                .collect();
            let scored = words
                .iter()
                .zip(&expressions)
                .map(|(t, e)| ScoredTerm {
                    expression: e.clone(),
                    folded: fold(&t.text),
                    starts: t.prefix,
                })
                .collect();
            Self {
                primary: Index::Words,
                primary_match: expressions.join(" AND "),
                also_trigram: trigram_match,
                trigram_terms,
                scored,
            }
        };
        Ok(Some(plan))
    }

    /// The hits, in the order asked for, with their snippets.
    ///
    /// Both orders read the matched messages once, through `highlight()`, and make the snippets here
    /// ([`cut_snippet`]): FTS5's `snippet()` would walk the matches a second time, and a prefix (`conf*`)
    /// costs a merge of every word it starts on each walk. `newest` walks the index newest first and stops
    /// after `limit` hits; `relevance` ranks the window ([`Self::ranked`]).
    fn hits(&self, conn: &Connection, q: &SearchQuery, limit: usize) -> Result<Vec<SearchHit>> {
        let markers = Markers::new();
        let found = match q.order {
            SearchOrder::Newest => self
                .matches(conn, q, &markers, limit, None)?
                .into_iter()
                .map(|(id, text)| (id, markers.parse(&text)))
                .collect(),
            SearchOrder::Relevance => self.ranked(conn, q, &markers, limit)?,
        };
        let mut stmt = conn.prepare_cached(
            "SELECT m.conversation_id, c.title, m.role, m.model, m.created_at, c.origin
               FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1",
        )?;
        let mut hits = Vec::with_capacity(found.len());
        for (id, parts) in found {
            let snippet = cut_snippet(
                highlight(parts, self.primary, &self.trigram_terms),
                self.primary,
            );
            let hit = stmt.query_row([id], |r| {
                Ok(SearchHit {
                    message_id: id,
                    conversation_id: r.get(0)?,
                    conversation_title: r.get(1)?,
                    role: r.get(2)?,
                    model: r.get(3)?,
                    created_at: r.get(4)?,
                    snippet,
                    origin: r.get(5)?,
                })
            })?;
            hits.push(hit);
        }
        Ok(hits)
    }

    /// The newest matches passing the filters: rowid and whole text with the matches between `markers`.
    /// Stops at `limit`, or once `budget` is spent with at least `min` found.
    fn matches(
        &self,
        conn: &Connection,
        q: &SearchQuery,
        markers: &Markers,
        limit: usize,
        budget: Option<(usize, std::time::Duration)>,
    ) -> Result<Vec<(i64, String)>> {
        let t = self.primary.table();
        let columns = format!("{t}.rowid, highlight({t}, 0, ?2, ?3)");
        let (sql, more) = self.select_sql(q, &columns, 4);
        let mut args = vec![
            Value::Text(self.primary_match.clone()),
            Value::Text(markers.open.clone()),
            Value::Text(markers.close.clone()),
        ];
        args.extend(more);
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let sql = format!("{sql} LIMIT ?{}", args.len());
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let started = std::time::Instant::now();
        let mut found = Vec::new();
        for row in rows {
            found.push(row?);
            if let Some((min, budget)) = budget {
                if found.len() >= min && started.elapsed() > budget {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// The best `limit` matches among the newest [`RELEVANCE_WINDOW`], best first, with their highlighted
    /// text.
    ///
    /// FTS5's own `bm25()` is not used: before ranking anything it counts every message containing each
    /// term, in the whole index, to weigh the terms, and for a word found in most messages that alone takes
    /// longer than the 20 ms a keystroke may cost (50 ms for a phrase of two common words in a million
    /// messages). The same BM25 formula is computed here instead, over the window: term frequencies from
    /// `highlight()` of the window's rows, and each word's rarity estimated from the newest
    /// [`IDF_SAMPLE`] messages, which is cheap because the index is walked from the end.
    fn ranked(
        &self,
        conn: &Connection,
        q: &SearchQuery,
        markers: &Markers,
        limit: usize,
    ) -> Result<Vec<(i64, Vec<SnippetPart>)>> {
        // Matches that are far apart (a phrase of common words) make the window slow to fill: once `limit`
        // are in hand and the budget is spent, the newest ones found so far are ranked.
        let window = self.matches(
            conn,
            q,
            markers,
            RELEVANCE_WINDOW,
            Some((limit, RELEVANCE_BUDGET)),
        )?;
        if window.is_empty() {
            return Ok(Vec::new());
        }
        let weights = self.term_weights(conn)?;
        let docs: Vec<(i64, Vec<SnippetPart>, Vec<f64>, f64)> = window
            .into_iter()
            .map(|(id, text)| {
                let parts = markers.parse(&text);
                let (counts, length) = self.term_counts(&parts);
                (id, parts, counts, length)
            })
            .collect();
        let average = docs.iter().map(|d| d.3).sum::<f64>() / docs.len() as f64;
        let mut scored: Vec<(f64, i64, Vec<SnippetPart>)> = docs
            .into_iter()
            .map(|(id, parts, counts, length)| {
                let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average.max(1.0));
                let score = counts
                    .iter()
                    .zip(&weights)
                    .map(|(tf, idf)| idf * tf * (BM25_K1 + 1.0) / (tf + norm))
                    .sum::<f64>();
                (score, id, parts)
            })
            .collect();
        // Best first; among equals, the newest.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        Ok(scored
            .into_iter()
            .take(limit)
            .map(|(_, id, parts)| (id, parts))
            .collect())
    }

    /// BM25's inverse document frequency of each scored term, from how many of the newest [`IDF_SAMPLE`]
    /// messages contain it. Trigram terms (almost always one per query) are weighted alike.
    fn term_weights(&self, conn: &Connection) -> Result<Vec<f64>> {
        // One term: its weight scales every score alike, so it cannot change the order.
        if self.primary == Index::Trigram || self.scored.len() < 2 {
            return Ok(vec![1.0; self.scored.len()]);
        }
        let newest: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
            r.get(0)
        })?;
        let since = newest.saturating_sub(IDF_SAMPLE);
        let sample = (newest - since).max(1) as f64;
        let mut stmt = conn.prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid > ?2)",
        )?;
        // A prefix of four letters or more has no prefix index: counting it merges every word it starts,
        // over the whole history (50-130 ms in the benchmark). It gets the other terms' mean weight instead.
        let sampled = self
            .scored
            .iter()
            .map(|term| {
                if term.starts {
                    return Ok(None);
                }
                let df: i64 = stmt.query_row(params![term.expression, since], |r| r.get(0))?;
                let df = (df as f64).min(sample);
                Ok(Some((1.0 + (sample - df + 0.5) / (df + 0.5)).ln()))
            })
            .collect::<Result<Vec<Option<f64>>>>()?;
        let known: Vec<f64> = sampled.iter().flatten().copied().collect();
        let mean = if known.is_empty() {
            1.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        Ok(sampled.into_iter().map(|w| w.unwrap_or(mean)).collect())
    }

    /// How many times each scored term is highlighted in a message, and the message's length (in words,
    /// or characters for the trigram index). A highlighted span that matches no term by its folded text
    /// (a rare case of folding this code does not know) counts for every term, each a fraction.
    fn term_counts(&self, parts: &[SnippetPart]) -> (Vec<f64>, f64) {
        let mut counts = vec![0.0; self.scored.len()];
        let mut length = 0.0;
        for part in parts {
            length += match self.primary {
                Index::Words => words_in(&part.text) as f64,
                Index::Trigram => part.text.chars().count() as f64,
            };
            if !part.hit {
                continue;
            }
            let hit = fold(&part.text);
            let matched = self
                .scored
                .iter()
                .position(|t| hit == t.folded || (t.starts && hit.starts_with(&t.folded)));
            match matched {
                Some(i) => counts[i] += 1.0,
                None => {
                    let share = 1.0 / counts.len().max(1) as f64;
                    counts.iter_mut().for_each(|c| *c += share);
                }
            }
        }
        (counts, length)
    }

    /// `SELECT columns` of the matches passing the filters, newest first (`?1` is the MATCH expression;
    /// the other arguments are returned, numbered from `first_arg`).
    fn select_sql(&self, q: &SearchQuery, columns: &str, first_arg: usize) -> (String, Vec<Value>) {
        let t = self.primary.table();
        let mut sql = format!("SELECT {columns} FROM {t}");
        // CROSS JOIN keeps the index as the outer loop, walked newest first, whatever the planner guesses.
        let filtered = q.model.is_some() || q.from_ms.is_some() || q.to_ms.is_some();
        if filtered || q.starred_only {
            sql.push_str(&format!(" CROSS JOIN messages m ON m.id = {t}.rowid"));
        }
        if q.starred_only {
            sql.push_str(" CROSS JOIN conversations c ON c.id = m.conversation_id");
        }
        sql.push_str(&format!(" WHERE {t} MATCH ?1"));
        let mut args = Vec::new();
        let next = |value: Value, args: &mut Vec<Value>| {
            args.push(value);
            first_arg + args.len() - 1
        };
        if let Some(trigram) = &self.also_trigram {
            let n = next(Value::Text(trigram.clone()), &mut args);
            sql.push_str(&format!(
                " AND +{t}.rowid IN (SELECT rowid FROM messages_fts_tri WHERE messages_fts_tri MATCH ?{n})"
            ));
        }
        if let Some(model) = &q.model {
            let n = next(Value::Text(model.clone()), &mut args);
            sql.push_str(&format!(" AND m.model = ?{n}"));
        }
        if let Some(from) = q.from_ms {
            let n = next(Value::Integer(from), &mut args);
            sql.push_str(&format!(" AND m.created_at >= ?{n}"));
        }
        if let Some(to) = q.to_ms {
            let n = next(Value::Integer(to), &mut args);
            sql.push_str(&format!(" AND m.created_at < ?{n}"));
        }
        if q.starred_only {
            sql.push_str(" AND c.starred = 1");
        }
        sql.push_str(&format!(" ORDER BY {t}.rowid DESC"));
        (sql, args)
    }
}

/// BM25's usual parameters (FTS5's too): term-frequency saturation and length normalisation.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// How long relevance may spend gathering its window beyond the first `limit` matches.
const RELEVANCE_BUDGET: std::time::Duration = std::time::Duration::from_millis(4);
/// How many of the newest messages estimate how common a word is, for ranking.
const IDF_SAMPLE: i64 = 20_000;

/// Text folded for comparing a highlighted span with a search term: lowercase, common Latin accents
/// removed, and every run of characters other than letters and digits made one space (so "Node.JS" and
/// "node js", or "Café" and "cafe", compare equal, as the index's tokenizer sees them).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || in_trigram_ranges(c) {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(strip_accent(c));
        } else {
            gap = true;
        }
    }
    out
}

/// The base letter of a Latin letter with a diacritic (Latin-1 Supplement and Latin Extended-A, by their
/// canonical decomposition); any other character unchanged.
fn strip_accent(c: char) -> char {
    // U+00E0..=U+00FF and U+0100..=U+017F; '.' where the letter has no ASCII base.
    const LATIN1: &[u8; 32] = b"aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
    const EXTENDED_A: &[u8; 128] = b"aaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll....nnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz.";
    let code = c as u32;
    let base = match code {
        0xE0..=0xFF => LATIN1.get((code - 0xE0) as usize),
        0x100..=0x17F => EXTENDED_A.get((code - 0x100) as usize),
        _ => None,
    };
    match base {
        Some(&b) if b != b'.' => char::from(b),
        _ => c,
    }
}

/// Words as the index counts them, roughly: runs of letters and digits.
fn words_in(text: &str) -> usize {
    let mut count = 0;
    let mut inside = false;
    for c in text.chars() {
        let letter = c.is_alphanumeric();
        if letter && !inside {
            count += 1;
        }
        inside = letter;
    }
    count
}

/// The MATCH expression for one trigram term: the term itself when it is three characters or more (a
/// substring search), else any of the indexed trigrams that start with it. `None`: there are none.
fn trigram_expression(conn: &Connection, term: &Term) -> Result<Option<String>> {
    if !term.is_short() {
        return Ok(Some(quoted(&term.text)));
    }
    let start = term.text.to_lowercase();
    let end = format!("{start}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(
        "SELECT term FROM messages_fts_tri_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3",
    )?;
    let trigrams = stmt
        .query_map(params![start, end, SHORT_TERM_EXPANSION], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if trigrams.is_empty() {
        return Ok(None);
    }
    let alternatives: Vec<String> = trigrams.iter().map(|t| quoted(t)).collect();
    Ok(Some(format!("({})", alternatives.join(" OR "))))
}

/// The strings `snippet()` puts around a match. Random per search, so text in a message cannot pose as one
/// (and if it ever did, the result would only be a wrong highlight: the page never reads parts as HTML).
struct Markers {
    open: String,
    close: String,
}

impl Markers {
    fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x5eed);
        let nonce = hasher.finish();
        Self {
            open: format!("\u{E000}{nonce:016x}\u{E001}"),
            close: format!("\u{E002}{nonce:016x}\u{E003}"),
        }
    }

    fn parse(&self, raw: &str) -> Vec<SnippetPart> {
        let mut parts = Vec::new();
        let mut pieces = raw.split(self.open.as_str());
        if let Some(first) = pieces.next() {
            push_part(&mut parts, first, false);
        }
        for piece in pieces {
            match piece.split_once(self.close.as_str()) {
                Some((hit, rest)) => {
                    push_part(&mut parts, hit, true);
                    push_part(&mut parts, rest, false);
                }
                None => push_part(&mut parts, piece, true),
            }
        }
        parts
    }
}

/// Appends text, merging it into the last part when that has the same `hit`.
fn push_part(parts: &mut Vec<SnippetPart>, text: &str, hit: bool) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(text),
        _ => parts.push(SnippetPart {
            text: text.to_owned(),
            hit,
        }),
    }
}

/// Finishes FTS5's highlighting where it cannot be exact:
/// - a snippet from the words index does not mark the trigram terms of a mixed query: they are marked
///   where they occur;
/// - a short trigram term matched as one of the trigrams starting with it, so the highlight covers one or
///   two characters too many: it is narrowed to the term;
/// - the two spaces the trigram index adds to the end of every message are taken off.
fn highlight(
    parts: Vec<SnippetPart>,
    primary: Index,
    trigram_terms: &[String],
) -> Vec<SnippetPart> {
    let short: Vec<&str> = trigram_terms
        .iter()
        .filter(|t| t.chars().count() < 3)
        .map(String::as_str)
        .collect();
    let long: Vec<&str> = trigram_terms
        .iter()
        .filter(|t| t.chars().count() >= 3)
        .map(String::as_str)
        .collect();
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let remark = match (primary, part.hit) {
            (Index::Words, false) => !trigram_terms.is_empty(),
            (Index::Trigram, true) => {
                !short.is_empty() && !long.iter().any(|t| find_ci(&part.text, t).is_some())
            }
            _ => false,
        };
        if !remark {
            push_part(&mut out, &part.text, part.hit);
            continue;
        }
        let terms: Vec<&str> = match primary {
            Index::Words => trigram_terms.iter().map(String::as_str).collect(),
            Index::Trigram => short.clone(),
        };
        let pieces = split_on_terms(&part.text, &terms);
        if primary == Index::Trigram && !pieces.iter().any(|(_, hit)| *hit) {
            push_part(&mut out, &part.text, true); // nothing to narrow it to
            continue;
        }
        for (text, hit) in pieces {
            push_part(&mut out, &text, hit);
        }
    }
    if primary == Index::Trigram {
        while let Some(last) = out.last_mut() {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
            if !last.text.is_empty() {
                break;
            }
            out.pop();
        }
    }
    out
}

/// A few words around the best cluster of matches, as FTS5's `snippet()` makes them: the window of
/// [`Index::snippet_tokens`] tokens holding the most different matched words (then the most matches),
/// centred on its matches, with `…` where the text was cut. A text that short is kept whole.
fn cut_snippet(parts: Vec<SnippetPart>, index: Index) -> Vec<SnippetPart> {
    let size = index.snippet_tokens();
    let text: String = parts.iter().map(|p| p.text.as_str()).collect();
    let tokens = token_spans(&text, index);
    if tokens.len() <= size {
        return parts;
    }
    let mut hits: Vec<(usize, usize, String)> = Vec::new();
    let mut at = 0;
    for part in &parts {
        if part.hit {
            hits.push((at, at + part.text.len(), fold(&part.text)));
        }
        at += part.text.len();
    }
    // The hit each token is part of (both lists are in text order).
    let mut token_hit = vec![None; tokens.len()];
    let mut h = 0;
    for (i, &(start, end)) in tokens.iter().enumerate() {
        while h < hits.len() && hits[h].1 <= start {
            h += 1;
        }
        if h < hits.len() && hits[h].0 < end {
            token_hit[i] = Some(h);
        }
    }
    let (mut first, mut best) = (0, (0, 0));
    for i in (0..tokens.len()).filter(|&i| token_hit[i].is_some()) {
        let inside: Vec<usize> = token_hit[i..(i + size).min(tokens.len())]
            .iter()
            .flatten()
            .copied()
            .collect();
        let mut words: Vec<&str> = inside.iter().map(|&k| hits[k].2.as_str()).collect();
        words.sort_unstable();
        words.dedup();
        let score = (words.len(), inside.len());
        if score > best {
            best = score;
            first = i;
        }
    }
    let last = (first..(first + size).min(tokens.len()))
        .rev()
        .find(|&i| token_hit[i].is_some())
        .unwrap_or(first);
    let start = first
        .saturating_sub((size - (last - first + 1).min(size)) / 2)
        .min(tokens.len() - size);
    let end = start + size;
    let from = if start == 0 { 0 } else { tokens[start].0 };
    let to = if end == tokens.len() {
        text.len()
    } else {
        tokens[end - 1].1
    };
    let mut out = Vec::new();
    if from > 0 {
        push_part(&mut out, ELLIPSIS, false);
    }
    let mut at = from;
    for (hit_start, hit_end, _) in &hits {
        let (s, e) = ((*hit_start).clamp(from, to), (*hit_end).clamp(from, to));
        if s >= e {
            continue;
        }
        push_part(&mut out, &text[at..s], false);
        push_part(&mut out, &text[s..e], true);
        at = e;
    }
    push_part(&mut out, &text[at..to], false);
    if to < text.len() {
        push_part(&mut out, ELLIPSIS, false);
    }
    out
}

/// The byte spans of the tokens a snippet counts: words (runs of letters, digits and emoji) for the words index,
/// characters other than spaces for the trigram index.
fn token_spans(text: &str, index: Index) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match index {
            Index::Trigram if !c.is_whitespace() => spans.push((i, i + c.len_utf8())),
            Index::Trigram => {}
            Index::Words if c.is_alphanumeric() || in_trigram_ranges(c) => {
                open.get_or_insert(i);
            }
            Index::Words => {
                if let Some(start) = open.take() {
                    spans.push((start, i));
                }
            }
        }
    }
    if let Some(start) = open {
        spans.push((start, text.len()));
    }
    spans
}

/// `text` cut into pieces, `true` for the occurrences of any of `terms` (case-insensitive).
fn split_on_terms(text: &str, terms: &[&str]) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let matched = terms
            .iter()
            .filter(|t| !t.is_empty())
            .find_map(|t| prefix_len_ci(rest, t));
        match matched {
            Some(len) => {
                if !plain.is_empty() {
                    pieces.push((std::mem::take(&mut plain), false));
                }
                pieces.push((rest[..len].to_owned(), true));
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        pieces.push((plain, false));
    }
    pieces
}

/// The byte offset of the first occurrence of `needle` in `hay`, ignoring case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.char_indices()
        .map(|(i, _)| i)
        .find(|&i| prefix_len_ci(&hay[i..], needle).is_some())
}

/// When `text` starts with `needle` (ignoring case), how many bytes of `text` that takes.
fn prefix_len_ci(text: &str, needle: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let mut end = 0;
    for n in needle.chars() {
        let (i, c) = chars.next()?;
        if c != n && !c.to_lowercase().eq(n.to_lowercase()) {
            return None;
        }
        end = i + c.len_utf8();
    }
    Some(end)
}

#[cfg(test)]
mod tests;
