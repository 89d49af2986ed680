//! What the ledger adds up to: a conversation's running total, spend today / this week / this month, and
//! the Billing view's report by day, model and conversation (`SpendTotals`, `SpendReport`… in IPC.md).
//!
//! Everything but a conversation's total reads the per-day summaries of schema version 4 (`spend_days`,
//! `spend_conversation_days`), kept by triggers on `usage_ledger`: a year of use is a few thousand rows,
//! however many replies it held. Days are local calendar days as SQLite's `'localtime'` computes them;
//! [`HistoryStore::follow_time_zone`] recomputes the summaries when the computer's time zone changed.

use std::collections::HashMap;
use std::fmt;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::history::schema::REBUILD_SPEND_DAYS;
use crate::history::store::Result;
use crate::history::{HistoryError, HistoryStore};

/// A report never spans more than about ten years (the page's date inputs could ask for anything).
pub const MAX_REPORT_DAYS: i64 = 3700;
/// How many conversations the report ranks.
const TOP_CONVERSATIONS: usize = 10;

/// Sums over some ledger rows. Costs are nano-dollars; `cost_nanos` counts the known costs only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SpendTotals {
    pub cost_nanos: i64,
    pub replies: i64,
    pub free_replies: i64,
    pub unpriced_replies: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub reasoning_tokens: i64,
    pub cached_tokens: i64,
}

impl SpendTotals {
    /// Saturating: the store bounds every row, but a sum must never wrap into nonsense.
    fn add(&mut self, other: &SpendTotals) {
        let add = |a: &mut i64, b: i64| *a = a.saturating_add(b);
        add(&mut self.cost_nanos, other.cost_nanos);
        add(&mut self.replies, other.replies);
        add(&mut self.free_replies, other.free_replies);
        add(&mut self.unpriced_replies, other.unpriced_replies);
        add(&mut self.prompt_tokens, other.prompt_tokens);
        add(&mut self.completion_tokens, other.completion_tokens);
        add(&mut self.reasoning_tokens, other.reasoning_tokens);
        add(&mut self.cached_tokens, other.cached_tokens);
    }

    /// From the eight summed columns starting at `first`, in the struct's order.
    fn from_row(row: &Row, first: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            cost_nanos: row.get(first)?,
            replies: row.get(first + 1)?,
            free_replies: row.get(first + 2)?,
            unpriced_replies: row.get(first + 3)?,
            prompt_tokens: row.get(first + 4)?,
            completion_tokens: row.get(first + 5)?,
            reasoning_tokens: row.get(first + 6)?,
            cached_tokens: row.get(first + 7)?,
        })
    }
}

/// The summed columns of `spend_days`, in [`SpendTotals::from_row`]'s order.
const DAY_SUMS: &str = "coalesce(sum(cost_nanos), 0), coalesce(sum(replies), 0),
    coalesce(sum(free_replies), 0), coalesce(sum(unpriced_replies), 0), coalesce(sum(prompt_tokens), 0),
    coalesce(sum(completion_tokens), 0), coalesce(sum(reasoning_tokens), 0), coalesce(sum(cached_tokens), 0)";

/// A local calendar day. Serializes as `"YYYY-MM-DD"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Days since 1970-01-01.
    days: i64,
}

impl Day {
    /// `"YYYY-MM-DD"` (years 1970–9999), or `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if y < 1970 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Self {
            days: days_from_civil(y, m, d),
        })
    }

    pub fn civil(self) -> (i64, i64, i64) {
        civil_from_days(self.days)
    }

    pub fn next(self) -> Self {
        Self {
            days: self.days + 1,
        }
    }

    /// Unix ms of this day's start in UTC, widened by a day on the side `earlier` says: every instant of
    /// the local day in any time zone (offsets are under 24 h) falls between `wide_bound(true)` of a day
    /// and `wide_bound(false)` of the next. An index range scan narrows to that; the local day then decides.
    pub fn wide_bound(self, earlier: bool) -> i64 {
        const DAY_MS: i64 = 86_400_000;
        let shift = if earlier { -1 } else { 1 };
        (self.days + shift) * DAY_MS
    }

    /// The Monday of this day's week.
    pub fn week_start(self) -> Self {
        // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
        Self {
            days: self.days - (self.days + 3).rem_euclid(7),
        }
    }

    pub fn month_start(self) -> Self {
        let (y, m, _) = self.civil();
        Self {
            days: days_from_civil(y, m, 1),
        }
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn until(self, other: Day) -> i64 {
        other.days - self.days
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendWindows {
    pub today: SpendTotals,
    /// Since Monday.
    pub week: SpendTotals,
    /// Since the 1st.
    pub month: SpendTotals,
    pub today_day: Day,
    pub week_start: Day,
    pub month_start: Day,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendDay {
    pub day: Day,
    pub totals: SpendTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendByModel {
    /// `""` when the ledger row has no model.
    pub model: String,
    pub totals: SpendTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendDayModel {
    pub day: Day,
    pub model: String,
    pub cost_nanos: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub replies: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversationCost {
    pub conversation_id: i64,
    /// `None`: the conversation was deleted; what it cost stays in the ledger.
    pub title: Option<String>,
    pub cost_nanos: i64,
    pub replies: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendReport {
    pub from_day: Day,
    /// Inclusive.
    pub to_day: Day,
    pub totals: SpendTotals,
    /// Every day of the range, oldest first, empty ones included.
    pub days: Vec<SpendDay>,
    /// Most expensive first (then most replies, then by name).
    pub models: Vec<SpendByModel>,
    /// The non-empty (day, model) cells, by day then model.
    pub day_models: Vec<SpendDayModel>,
    /// The most expensive conversations of the range, most expensive first.
    pub top_conversations: Vec<ConversationCost>,
}

impl HistoryStore {
    /// What one conversation has cost so far: its ledger rows (kept when a reply is deleted or retried),
    /// and, as replies not priced yet, the stopped ones whose cost is still to be looked up.
    pub fn conversation_spend(&self, conversation_id: i64) -> Result<SpendTotals> {
        self.read(|conn| {
            let pending: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM generation_checks WHERE conversation_id = ?1",
                )?
                .query_row([conversation_id], |r| r.get(0))?;
            let mut stmt = conn.prepare_cached(
                "SELECT coalesce(sum(cost_nanos), 0), count(*), coalesce(sum(cost_nanos IS 0), 0),
                        coalesce(sum(cost_nanos IS NULL), 0), coalesce(sum(prompt_tokens), 0),
                        coalesce(sum(completion_tokens), 0), coalesce(sum(reasoning_tokens), 0),
                        coalesce(sum(cached_tokens), 0)
                 FROM usage_ledger WHERE conversation_id = ?1",
            )?;
            let mut totals = stmt.query_row([conversation_id], |r| SpendTotals::from_row(r, 0))?;
            totals.add(&SpendTotals {
                replies: pending,
                unpriced_replies: pending,
                ..SpendTotals::default()
            });
            Ok(totals)
        })
    }

    /// Today as the computer's clock and time zone say (the same `'localtime'` the summaries use).
    pub fn today(&self) -> Result<Day> {
        let text: String = self.read(|conn| {
            Ok(conn.query_row("SELECT date('now', 'localtime')", [], |r| r.get(0))?)
        })?;
        Day::parse(&text).ok_or(HistoryError::InvalidInput(
            "the computer's date is not valid",
        ))
    }

    /// [`Self::spend_windows`] around the local day it is now: what the Billing view, the budget, the tray
    /// and the quick window's budget check all read.
    pub fn spend_windows_now(&self) -> Result<SpendWindows> {
        self.spend_windows(self.today()?)
    }

    /// Spend on `today`, in its week (from Monday) and in its month.
    pub fn spend_windows(&self, today: Day) -> Result<SpendWindows> {
        let (week_start, month_start) = (today.week_start(), today.month_start());
        self.read(|conn| {
            let sum = |from: Day| sum_days(conn, from, today);
            Ok(SpendWindows {
                today: sum(today)?,
                week: sum(week_start)?,
                month: sum(month_start)?,
                today_day: today,
                week_start,
                month_start,
            })
        })
    }

    /// Spend over the days `from..=to` by day, by model, by day and model, and the most expensive
    /// conversations.
    pub fn spend_report(&self, from: Day, to: Day) -> Result<SpendReport> {
        let span = from.until(to);
        if span < 0 {
            return Err(HistoryError::InvalidInput(
                "the report's first day is after its last",
            ));
        }
        if span >= MAX_REPORT_DAYS {
            return Err(HistoryError::InvalidInput("the report's range is too long"));
        }
        self.read(|conn| {
            let tx = conn.unchecked_transaction()?; // one snapshot for every part
            let mut report = SpendReport {
                from_day: from,
                to_day: to,
                totals: SpendTotals::default(),
                days: Vec::new(),
                models: Vec::new(),
                day_models: Vec::new(),
                top_conversations: top_conversations(&tx, from, to)?,
            };
            // Every day of the range, filled as the cells come (one pass, no map: a day is its offset).
            let mut by_day = vec![SpendTotals::default(); usize::try_from(span + 1).unwrap_or(0)];
            let mut by_model: HashMap<String, SpendTotals> = HashMap::new();
            for_each_cell(&tx, from, to, |day, model, totals| {
                report.totals.add(&totals);
                if let Some(sum) = usize::try_from(from.until(day))
                    .ok()
                    .and_then(|i| by_day.get_mut(i))
                {
                    sum.add(&totals);
                }
                match by_model.get_mut(model.as_str()) {
                    Some(sum) => sum.add(&totals),
                    None => {
                        by_model.insert(model.clone(), totals);
                    }
                }
                report.day_models.push(SpendDayModel {
                    day,
                    model,
                    cost_nanos: totals.cost_nanos,
                    prompt_tokens: totals.prompt_tokens,
                    completion_tokens: totals.completion_tokens,
                    replies: totals.replies,
                });
            })?;
            let mut day = from;
            for totals in by_day {
                report.days.push(SpendDay { day, totals });
                day = day.next();
            }
            report.models = by_model
                .into_iter()
                .map(|(model, totals)| SpendByModel { model, totals })
                .collect();
            report.models.sort_by(|a, b| {
                (b.totals.cost_nanos, b.totals.replies, &a.model).cmp(&(
                    a.totals.cost_nanos,
                    a.totals.replies,
                    &b.model,
                ))
            });
            Ok(report)
        })
    }

    /// Recomputes the per-day summaries when the computer's time zone is not the one they were computed
    /// in (days are local). Returns whether it did. Run when the store opens.
    pub(crate) fn follow_time_zone(&self) -> Result<bool> {
        self.write(|tx| {
            let zone = zone_fingerprint(tx)?;
            let stored: Option<String> = tx
                .query_row(
                    "SELECT value FROM app_meta WHERE key = 'spend_days_zone'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if stored.as_deref() == Some(zone.as_str()) {
                return Ok(false);
            }
            // Never recorded: the summaries were just made by the migration, in this zone.
            let rebuild = stored.is_some();
            if rebuild {
                tx.execute_batch(REBUILD_SPEND_DAYS)?;
            }
            tx.execute(
                "INSERT INTO app_meta (key, value) VALUES ('spend_days_zone', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [zone],
            )?;
            Ok(rebuild)
        })
    }
}

fn sum_days(conn: &Connection, from: Day, to: Day) -> Result<SpendTotals> {
    let sql = format!("SELECT {DAY_SUMS} FROM spend_days WHERE day BETWEEN ?1 AND ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(
        stmt.query_row(params![from.to_string(), to.to_string()], |r| {
            SpendTotals::from_row(r, 0)
        })?,
    )
}

/// Calls `f` with each `spend_days` row of the range with replies in it, by day then model.
fn for_each_cell(
    conn: &Connection,
    from: Day,
    to: Day,
    mut f: impl FnMut(Day, String, SpendTotals),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, model, cost_nanos, replies, free_replies, unpriced_replies, prompt_tokens,
                completion_tokens, reasoning_tokens, cached_tokens
         FROM spend_days WHERE day BETWEEN ?1 AND ?2 AND replies > 0 ORDER BY day, model",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        // The triggers only write SQLite's own dates; anything else is skipped rather than trusted.
        let Some(day) = r.get_ref(0)?.as_str().ok().and_then(Day::parse) else {
            continue;
        };
        f(day, r.get(1)?, SpendTotals::from_row(r, 2)?);
    }
    Ok(())
}

/// The [`TOP_CONVERSATIONS`] most expensive conversations of the range (then most replies, then newest).
///
/// Summed here rather than with SQL's `GROUP BY`: SQLite sorts every (day, conversation) row of the range
/// to group them, and carried each row's title through that sort: 42 ms for the 57,000 rows of three years of
/// heavy use (`make bench-billing`), where reading them into a hash map takes 12. Titles are read for the
/// ten that are shown.
fn top_conversations(conn: &Connection, from: Day, to: Day) -> Result<Vec<ConversationCost>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_id, cost_nanos, replies FROM spend_conversation_days
         WHERE day BETWEEN ?1 AND ?2 AND conversation_id <> 0",
    )?;
    let mut sums: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        let sum = sums.entry(r.get(0)?).or_default();
        sum.0 += r.get::<_, i64>(1)?;
        sum.1 += r.get::<_, i64>(2)?;
    }
    // (cost, replies, id), largest first; a conversation whose replies were all taken back has none left.
    let mut ranked: Vec<(i64, i64, i64)> = sums
        .into_iter()
        .filter(|(_, (_, replies))| *replies > 0)
        .map(|(id, (cost, replies))| (cost, replies, id))
        .collect();
    let top = TOP_CONVERSATIONS;
    if ranked.len() > top {
        ranked.select_nth_unstable_by(top - 1, |a, b| b.cmp(a));
        ranked.truncate(top);
    }
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let mut title = conn.prepare_cached("SELECT title FROM conversations WHERE id = ?1")?;
    ranked
        .into_iter()
        .map(|(cost_nanos, replies, conversation_id)| {
            Ok(ConversationCost {
                conversation_id,
                title: title
                    .query_row([conversation_id], |r| r.get(0))
                    .optional()?,
                cost_nanos,
                replies,
            })
        })
        .collect()
}

/// The local time zone as SQLite sees it: its UTC offset in the middle of January and of July of every year
/// from 2000 to 2040. Two zones that give the same days for every ledger row give the same text.
fn zone_fingerprint(conn: &Connection) -> Result<String> {
    Ok(conn.query_row(
        "WITH RECURSIVE t(s) AS (SELECT 947894400 UNION ALL SELECT s + 15724800 FROM t WHERE s < 2240000000)
         SELECT group_concat(strftime('%s', datetime(s, 'unixepoch', 'localtime')) - s, ',') FROM t",
        [],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests;
