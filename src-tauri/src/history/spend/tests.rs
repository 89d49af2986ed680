use super::*;
use crate::history::schema::migrations_up_to;
use crate::history::{CostSource, MessageEnd, MessageStatus, UsageRecord};

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

/// Unix ms of a local date and time, as SQLite's `localtime` reads it back.
fn local_ms(store: &HistoryStore, local: &str) -> i64 {
    store
        .read(|c| {
            Ok(
                c.query_row("SELECT (unixepoch(?1, 'utc')) * 1000", [local], |r| {
                    r.get::<_, i64>(0)
                })?,
            )
        })
        .unwrap()
}

/// A reply in `conversation` billed at local time `when` (moved there after the fact, as if it happened then).
fn reply(
    s: &HistoryStore,
    conversation: i64,
    model: &str,
    when: &str,
    cost_nanos: Option<i64>,
    tokens: (i64, i64),
) -> i64 {
    let r = s.start_assistant_message(conversation, model).unwrap();
    let mut end = MessageEnd::plain(MessageStatus::Complete);
    end.model = Some(model.into());
    end.usage = Some(UsageRecord {
        prompt_tokens: tokens.0,
        completion_tokens: tokens.1,
        reasoning_tokens: Some(1),
        cached_tokens: None,
        cost_nanos,
        raw_json: None,
        source: CostSource::Stream,
    });
    s.finish_assistant_message(r.id, end).unwrap();
    let at = local_ms(s, when);
    s.write(|tx| {
        tx.execute(
            "UPDATE usage_ledger SET created_at = ?2 WHERE message_id = ?1",
            params![r.id, at],
        )?;
        Ok(())
    })
    .unwrap();
    r.id
}

#[test]
fn days_parse_print_and_know_their_week_and_month() {
    assert_eq!(day("2026-11-27").to_string(), "2026-11-27");
    assert_eq!(day("2026-11-27").week_start().to_string(), "2026-11-23"); // a Friday; Monday the 23rd
    assert_eq!(day("2026-11-23").week_start().to_string(), "2026-11-23");
    assert_eq!(day("2026-11-29").week_start().to_string(), "2026-11-23"); // Sunday
    assert_eq!(day("2026-11-27").month_start().to_string(), "2026-11-01");
    assert_eq!(day("2024-02-28").next().to_string(), "2024-02-29");
    assert_eq!(day("2023-12-31").next().to_string(), "2024-01-01");
    assert_eq!(day("2026-01-01").until(day("2026-12-31")), 364);
    for bad in [
        "2026-02-29",
        "2026-13-01",
        "2026-1-01",
        "26-01-01",
        "2026-01-01x",
        "1969-12-31",
        "２０２６-01-01",
        "",
    ] {
        assert_eq!(Day::parse(bad), None, "{bad}");
    }
    assert_eq!(
        serde_json::to_value(day("2026-03-09")).unwrap(),
        "2026-03-09"
    );
}

#[test]
fn sums_are_exact_against_hand_computed_totals() {
    let s = HistoryStore::open_in_memory().unwrap();
    let a = s.create_conversation("A", "m/a").unwrap().id;
    let b = s.create_conversation("B", "m/b").unwrap().id;
    // $0.0000368 three times, $0.000669 once, a free reply and one whose cost is not known.
    reply(&s, a, "m/a", "2026-11-23 09:00:00", Some(36_800), (10, 5));
    reply(&s, a, "m/a", "2026-11-27 23:59:59", Some(36_800), (10, 5));
    reply(&s, b, "m/b", "2026-11-27 00:00:00", Some(36_800), (20, 1));
    reply(&s, b, "m/b", "2026-11-01 12:00:00", Some(669_000), (43, 36));
    reply(&s, b, "m/free", "2026-11-27 10:00:00", Some(0), (7, 7));
    reply(&s, a, "m/a", "2026-10-31 23:59:59", None, (1, 1));

    let w = s.spend_windows(day("2026-11-27")).unwrap();
    assert_eq!(w.today_day, day("2026-11-27"));
    assert_eq!(w.today.cost_nanos, 73_600); // 2 × 36,800 + 0
    assert_eq!(w.today.replies, 3);
    assert_eq!(w.today.free_replies, 1);
    assert_eq!(w.week.cost_nanos, 110_400); // + Monday's
    assert_eq!(w.month.cost_nanos, 779_400); // + the 1st's 669,000
    assert_eq!(w.month.replies, 5);
    assert_eq!(
        w.month.unpriced_replies, 0,
        "October's unpriced reply is not in November"
    );
    assert_eq!(w.month.prompt_tokens, 10 + 10 + 20 + 43 + 7);
    assert_eq!(w.month.reasoning_tokens, 5);

    let total = s.conversation_spend(a).unwrap();
    assert_eq!(total.cost_nanos, 73_600);
    assert_eq!(total.replies, 3);
    assert_eq!(total.unpriced_replies, 1);
    assert_eq!(s.conversation_spend(999).unwrap(), SpendTotals::default());
}

#[test]
fn the_report_fills_every_day_and_ranks_models_and_conversations() {
    let s = HistoryStore::open_in_memory().unwrap();
    let a = s.create_conversation("A", "m/a").unwrap().id;
    let b = s.create_conversation("B", "m/b").unwrap().id;
    let gone = s.create_conversation("Gone", "m/b").unwrap().id;
    reply(&s, a, "m/a", "2026-11-20 08:00:00", Some(1_000), (1, 1));
    reply(&s, a, "m/b", "2026-11-20 09:00:00", Some(2_000), (1, 1));
    reply(&s, b, "m/b", "2026-11-22 09:00:00", Some(5_000), (1, 1));
    reply(&s, gone, "m/b", "2026-11-22 10:00:00", Some(4_000), (1, 1));
    reply(&s, b, "m/a", "2026-11-25 10:00:00", Some(9_000), (1, 1)); // outside the range
    s.delete_conversation(gone).unwrap();

    let r = s
        .spend_report(day("2026-11-19"), day("2026-11-23"))
        .unwrap();
    assert_eq!(
        r.days
            .iter()
            .map(|d| (d.day.to_string(), d.totals.cost_nanos))
            .collect::<Vec<_>>(),
        [
            ("2026-11-19".into(), 0),
            ("2026-11-20".into(), 3_000),
            ("2026-11-21".into(), 0),
            ("2026-11-22".into(), 9_000),
            ("2026-11-23".into(), 0)
        ]
    );
    assert_eq!(r.totals.cost_nanos, 12_000);
    assert_eq!(
        r.models
            .iter()
            .map(|m| (m.model.as_str(), m.totals.cost_nanos))
            .collect::<Vec<_>>(),
        [("m/b", 11_000), ("m/a", 1_000)]
    );
    assert_eq!(r.day_models.len(), 3);
    assert_eq!(
        r.top_conversations
            .iter()
            .map(|c| (c.conversation_id, c.title.clone(), c.cost_nanos))
            .collect::<Vec<_>>(),
        [
            (b, Some("B".into()), 5_000),
            (gone, None, 4_000),
            (a, Some("A".into()), 3_000)
        ],
        "a deleted conversation keeps its spend, without a title"
    );

    assert!(s
        .spend_report(day("2026-11-23"), day("2026-11-19"))
        .is_err());
    assert!(s
        .spend_report(day("2000-01-01"), day("2026-11-19"))
        .is_err());
    let one = s
        .spend_report(day("2026-11-20"), day("2026-11-20"))
        .unwrap();
    assert_eq!(one.days.len(), 1);
}

#[test]
fn corrections_and_deletions_move_the_summaries_with_the_ledger() {
    let s = HistoryStore::open_in_memory().unwrap();
    let a = s.create_conversation("A", "m/a").unwrap().id;
    let id = reply(&s, a, "m/a", "2026-11-20 08:00:00", None, (1, 1));
    let w = s.spend_windows(day("2026-11-20")).unwrap();
    assert_eq!((w.today.cost_nanos, w.today.unpriced_replies), (0, 1));
    // A later correction (as /generation gives it) replaces the figures.
    s.record_usage(
        id,
        &UsageRecord {
            prompt_tokens: 3,
            completion_tokens: 4,
            cost_nanos: Some(12_345),
            source: CostSource::Generation,
            ..Default::default()
        },
    )
    .unwrap();
    let w = s.spend_windows(day("2026-11-20")).unwrap();
    assert_eq!(
        (
            w.today.cost_nanos,
            w.today.unpriced_replies,
            w.today.replies,
            w.today.prompt_tokens
        ),
        (12_345, 0, 1, 3)
    );
    // Deleting the conversation keeps the money; deleting ledger rows (never done by the app) removes it.
    s.delete_conversation(a).unwrap();
    assert_eq!(
        s.spend_windows(day("2026-11-20")).unwrap().today.cost_nanos,
        12_345
    );
    s.write(|tx| Ok(tx.execute_batch("DELETE FROM usage_ledger")?))
        .unwrap();
    let w = s.spend_windows(day("2026-11-20")).unwrap();
    assert_eq!(w.today, SpendTotals::default());
    let r = s
        .spend_report(day("2026-11-20"), day("2026-11-20"))
        .unwrap();
    assert!(r.models.is_empty() && r.top_conversations.is_empty());
}

/// Every figure from the summaries equals the same figure summed from the ledger itself.
#[test]
fn the_summaries_always_equal_the_ledger() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("A", "m/a").unwrap().id;
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        seed >> 33
    };
    for _ in 0..300 {
        let dayn = 1 + next() % 28;
        let hour = next() % 24;
        let model = ["m/a", "m/b", "m/c"][(next() % 3) as usize];
        let cost = match next() % 5 {
            0 => None,
            1 => Some(0),
            _ => Some((next() % 1_000_000) as i64),
        };
        reply(
            &s,
            c,
            model,
            &format!("2026-02-{dayn:02} {hour:02}:30:00"),
            cost,
            ((next() % 5000) as i64, (next() % 900) as i64),
        );
    }
    let (cost, replies, prompt): (i64, i64, i64) = s
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT coalesce(sum(cost_nanos), 0), count(*), sum(prompt_tokens) FROM usage_ledger",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    let r = s
        .spend_report(day("2026-02-01"), day("2026-02-28"))
        .unwrap();
    assert_eq!(
        (
            r.totals.cost_nanos,
            r.totals.replies,
            r.totals.prompt_tokens
        ),
        (cost, replies, prompt)
    );
    assert_eq!(
        r.days.iter().map(|d| d.totals.cost_nanos).sum::<i64>(),
        cost
    );
    assert_eq!(
        r.models.iter().map(|m| m.totals.cost_nanos).sum::<i64>(),
        cost
    );
    assert_eq!(r.top_conversations[0].cost_nanos, cost);
    // Rebuilt from scratch (as after a time-zone change), nothing moves.
    s.write(|tx| Ok(tx.execute_batch(REBUILD_SPEND_DAYS)?))
        .unwrap();
    assert_eq!(
        s.spend_report(day("2026-02-01"), day("2026-02-28"))
            .unwrap(),
        r
    );
}

#[test]
fn a_changed_time_zone_rebuilds_the_summaries_once() {
    let s = HistoryStore::open_in_memory().unwrap();
    assert!(
        !s.follow_time_zone().unwrap(),
        "recorded when the store opened"
    );
    let c = s.create_conversation("A", "m/a").unwrap().id;
    reply(&s, c, "m/a", "2026-11-20 08:00:00", Some(5), (1, 1));
    // Pretend the summaries were made in another zone, and spoil them.
    s.write(|tx| {
        tx.execute_batch(
            "UPDATE app_meta SET value = 'elsewhere' WHERE key = 'spend_days_zone';
             UPDATE spend_days SET cost_nanos = 999;",
        )?;
        Ok(())
    })
    .unwrap();
    assert!(s.follow_time_zone().unwrap());
    assert!(!s.follow_time_zone().unwrap());
    assert_eq!(
        s.spend_windows(day("2026-11-20")).unwrap().today.cost_nanos,
        5
    );
}

#[test]
fn a_version_3_history_upgrades_with_its_ledger_summed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let opened = crate::history::open::open_file(&path, &migrations_up_to(3)).unwrap();
        opened
            .writer
            .execute_batch(
                "INSERT INTO conversations (title, model, created_at, updated_at) VALUES ('Paris', 'm/a', 0, 0);
                 INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES
                     (1, 'assistant', 'one', 'complete', 1764000000000, 1764000000000),
                     (1, 'assistant', 'two', 'stopped', 1764000100000, 1764000100000);
                 INSERT INTO usage_ledger (message_id, model, prompt_tokens, completion_tokens, cost_nanos,
                                           created_at, updated_at) VALUES
                     (1, 'm/a', 10, 5, 36800, 1764000000000, 1764000000000),
                     (2, 'm/a', 10, 5, NULL, 1764000100000, 1764000100000),
                     (NULL, 'm/b', 1, 1, 1000, 1764000200000, 1764000200000);",
            )
            .unwrap();
    }
    let s = HistoryStore::open(&path).unwrap();
    assert!(dir.path().join("history.sqlite3.bak-v3").exists());
    let spent = s.conversation_spend(1).unwrap();
    assert_eq!(
        (spent.cost_nanos, spent.replies, spent.unpriced_replies),
        (36_800, 2, 1)
    );
    let today = Day::parse(
        &s.read(|c| {
            Ok(c.query_row(
                "SELECT date(1764000000, 'unixepoch', 'localtime')",
                [],
                |r| r.get::<_, String>(0),
            )?)
        })
        .unwrap(),
    )
    .unwrap();
    let r = s.spend_report(today, today.next()).unwrap();
    assert_eq!(r.totals.cost_nanos, 37_800, "the unlinked row counts too");
    assert_eq!(r.top_conversations.len(), 1);
    let messages = s.messages(1).unwrap();
    assert_eq!(messages[0].timing, None);
    assert_eq!(
        messages[0].usage.as_ref().map(|u| u.cost_source),
        Some(CostSource::Stream)
    );
    let integrity: String = s
        .read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(integrity, "ok");
}

/// The most expensive conversations are summed in Rust: they must rank exactly as SQL's `GROUP BY` ranked them
/// (most expensive, then most replies, then the newest conversation), leave out the unknown conversation (0)
/// and conversations whose replies were all taken back, and keep deleted ones without a title.
#[test]
fn the_top_conversations_rank_as_a_group_by_would() {
    let s = HistoryStore::open_in_memory().unwrap();
    let ids: Vec<i64> = (0..30)
        .map(|i| s.create_conversation(&format!("C{i}"), "m/a").unwrap().id)
        .collect();
    let mut seed: u64 = 11;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        seed >> 33
    };
    let mut rows: Vec<(Option<i64>, Option<i64>, i64)> = (0..90)
        .map(|_| {
            let conversation = (next() % 10 != 0).then(|| ids[(next() % 30) as usize]);
            // Few amounts, so costs and reply counts tie.
            let cost = [None, Some(0), Some(1_000), Some(2_000)][(next() % 4) as usize];
            let at = local_ms(&s, &format!("2026-03-{:02} 12:00:00", 1 + next() % 9));
            (conversation, cost, at)
        })
        .collect();
    // A day with two conversations, one of which will have no replies left.
    let fifteenth = local_ms(&s, "2026-03-15 09:00:00");
    rows.extend([
        (Some(ids[5]), Some(4_000), fifteenth),
        (Some(ids[6]), Some(0), fifteenth),
    ]);
    s.write(|tx| {
        let mut insert = tx.prepare(
            "INSERT INTO usage_ledger (conversation_id, model, prompt_tokens, completion_tokens, cost_nanos,
                                       created_at, updated_at)
             VALUES (?1, 'm/a', 1, 1, ?2, ?3, ?3)",
        )?;
        for (conversation, cost, at) in &rows {
            insert.execute(params![conversation, cost, at])?;
        }
        // Every reply of one conversation taken back: its summary rows stay, with nothing in them.
        tx.execute(
            "DELETE FROM usage_ledger WHERE conversation_id = ?1",
            [ids[5]],
        )?;
        Ok(())
    })
    .unwrap();
    s.delete_conversation(ids[7]).unwrap();
    s.delete_conversation(ids[12]).unwrap();

    let group_by = |from: &str, to: &str| -> Vec<ConversationCost> {
        s.read(|c| {
            let mut stmt = c.prepare(
                "SELECT s.conversation_id, c.title, sum(s.cost_nanos) AS cost, sum(s.replies) AS replies
                 FROM spend_conversation_days s LEFT JOIN conversations c ON c.id = s.conversation_id
                 WHERE s.day BETWEEN ?1 AND ?2 AND s.conversation_id <> 0
                 GROUP BY s.conversation_id HAVING replies > 0
                 ORDER BY cost DESC, replies DESC, s.conversation_id DESC LIMIT 10",
            )?;
            let rows = stmt.query_map([from, to], |r| {
                Ok(ConversationCost {
                    conversation_id: r.get(0)?,
                    title: r.get(1)?,
                    cost_nanos: r.get(2)?,
                    replies: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    };
    let mut compared = 0;
    for (from, to) in [
        ("2026-03-01", "2026-03-09"),
        ("2026-03-02", "2026-03-04"),
        ("2026-03-05", "2026-03-05"),
        ("2026-03-08", "2026-03-20"),
        ("2026-03-15", "2026-03-15"),
        ("2026-04-01", "2026-04-02"),
    ] {
        let expected = group_by(from, to);
        let top = s
            .spend_report(day(from), day(to))
            .unwrap()
            .top_conversations;
        assert_eq!(top, expected, "{from}..={to}");
        compared += top.len();
    }
    assert!(compared > 20, "the ranges hold conversations to rank");
    let all = s
        .spend_report(day("2026-03-01"), day("2026-03-09"))
        .unwrap()
        .top_conversations;
    assert_eq!(all.len(), 10);
    let fifteenth = s
        .spend_report(day("2026-03-15"), day("2026-03-15"))
        .unwrap()
        .top_conversations;
    assert_eq!(
        fifteenth
            .iter()
            .map(|c| c.conversation_id)
            .collect::<Vec<_>>(),
        [ids[6]],
        "a free conversation ranks; one with no replies left does not"
    );
}
