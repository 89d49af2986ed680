use super::*;
use crate::history::{MessageEnd, MessageStatus};

fn stopped_reply(s: &HistoryStore, conversation: i64, generation: Option<&str>) -> i64 {
    let r = s.start_assistant_message(conversation, "m/a").unwrap();
    s.append_to_message(r.id, "partial", "").unwrap();
    let mut end = MessageEnd::plain(MessageStatus::Stopped);
    end.generation_id = generation.map(str::to_owned);
    s.finish_assistant_message(r.id, end).unwrap();
    r.id
}

fn billed(cost_nanos: i64) -> UsageRecord {
    UsageRecord {
        prompt_tokens: 40,
        completion_tokens: 12,
        reasoning_tokens: Some(3),
        cached_tokens: None,
        cost_nanos: Some(cost_nanos),
        raw_json: Some(r#"{"total_cost":0.000021}"#.into()),
        source: CostSource::Stream,
    }
}

#[test]
fn a_reply_without_usage_is_looked_up_later_and_its_cost_lands_in_the_ledger() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    let id = stopped_reply(&s, c, Some("gen-1"));
    stopped_reply(&s, c, None); // nothing to look up without an id
    assert!(s.get_message(id).unwrap().unwrap().cost_pending);
    let waiting = s.conversation_spend(c).unwrap();
    assert_eq!(
        (
            waiting.replies,
            waiting.unpriced_replies,
            waiting.cost_nanos
        ),
        (1, 1, 0),
        "counted as not priced yet"
    );
    let now = now_ms();
    assert!(
        s.due_generation_checks(now, 10).unwrap().is_empty(),
        "not at once"
    );
    let next = s.next_generation_check_at().unwrap().unwrap();
    assert!(
        next >= now + FIRST_CHECK_DELAY_MS - 1_000,
        "{next} vs {now}"
    );
    let due = s.due_generation_checks(next, 10).unwrap();
    assert_eq!(
        due,
        [GenerationCheck {
            generation_id: "gen-1".into(),
            message_id: Some(id),
            conversation_id: Some(c),
            attempts: 0
        }]
    );
    let ended = s.get_message(id).unwrap().unwrap().updated_at;
    let corrected = s
        .record_generation_cost(&due[0], &billed(21_000), (None, None))
        .unwrap()
        .unwrap();
    assert_eq!((corrected.message_id, corrected.conversation_id), (id, c));
    let spent_at: i64 = s
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT created_at FROM usage_ledger WHERE message_id = ?1",
                [id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(spent_at, ended, "dated when the reply ended");
    assert_eq!(corrected.usage.cost_nanos, Some(21_000));
    assert_eq!(corrected.usage.cost_source, CostSource::Generation);
    let message = s.get_message(id).unwrap().unwrap();
    assert_eq!(message.usage, Some(corrected.usage));
    assert!(!message.cost_pending);
    assert_eq!(s.conversation_spend(c).unwrap().cost_nanos, 21_000);
    let priced = s.conversation_spend(c).unwrap();
    assert_eq!(
        (priced.replies, priced.unpriced_replies),
        (1, 0),
        "moved from pending to priced"
    );
    assert_eq!(s.next_generation_check_at().unwrap(), None, "closed");
}

#[test]
fn failed_look_ups_back_off_and_give_up() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    stopped_reply(&s, c, Some("gen-2"));
    let mut now = 1_000_000;
    let mut waits = Vec::new();
    for _ in 1..MAX_CHECK_ATTEMPTS {
        assert!(s.generation_check_failed("gen-2", now, false).unwrap());
        let next = s.next_generation_check_at().unwrap().unwrap();
        waits.push(next - now);
        now = next;
    }
    assert_eq!(
        waits[..3],
        [4_000, 8_000, 16_000],
        "doubling from the first delay"
    );
    assert!(
        !s.generation_check_failed("gen-2", now, false).unwrap(),
        "gives up"
    );
    assert_eq!(s.next_generation_check_at().unwrap(), None);
    assert!(!s
        .generation_check_failed("gen-unknown", now, false)
        .unwrap());
}

#[test]
fn look_ups_made_offline_wait_a_minute_and_do_not_count() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    stopped_reply(&s, c, Some("gen-off"));
    for hour in 0..50 {
        let now = 1_000_000 + hour * 3_600_000;
        assert!(s.generation_check_failed("gen-off", now, true).unwrap());
        assert_eq!(
            s.next_generation_check_at().unwrap(),
            Some(now + OFFLINE_RETRY_MS)
        );
    }
    assert_eq!(s.due_generation_checks(i64::MAX, 1).unwrap()[0].attempts, 0);
}

#[test]
fn a_reply_deleted_before_its_cost_arrived_still_counts() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    let id = stopped_reply(&s, c, Some("gen-3"));
    s.delete_message(id).unwrap();
    let check = GenerationCheck {
        generation_id: "gen-3".into(),
        message_id: Some(id),
        conversation_id: Some(c),
        attempts: 1,
    };
    let queued_at: i64 = s
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT created_at FROM generation_checks WHERE generation_id = 'gen-3'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let corrected = s
        .record_generation_cost(&check, &billed(5_000), (Some("m/served"), Some("Prov")))
        .unwrap()
        .unwrap();
    assert_eq!(
        (corrected.message_id, corrected.conversation_id),
        (0, c),
        "only the totals to refresh"
    );
    assert_eq!(s.conversation_spend(c).unwrap().cost_nanos, 5_000);
    assert_eq!(s.next_generation_check_at().unwrap(), None);
    let (model, provider, at): (String, String, i64) = s
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT model, provider, created_at FROM usage_ledger WHERE generation_id = 'gen-3'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((model.as_str(), provider.as_str()), ("m/served", "Prov"));
    assert_eq!(
        at, queued_at,
        "dated when the reply ended, not when its cost arrived"
    );
}

#[test]
fn the_ledger_exports_as_csv_safe_for_spreadsheets() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s
        .create_conversation("=HYPERLINK(\"http://x\"), \"quoted\"", "m/a")
        .unwrap()
        .id;
    let r = s.start_assistant_message(c, "m/a").unwrap();
    let mut end = MessageEnd::plain(MessageStatus::Complete);
    end.model = Some("openai/gpt-4o".into());
    end.provider = Some("OpenAI".into());
    end.generation_id = Some("gen-9".into());
    end.usage = Some(billed(36_800));
    s.finish_assistant_message(r.id, end).unwrap();

    let mut out = Vec::new();
    assert_eq!(s.export_ledger_csv_to(None, None, &mut out).unwrap(), 1);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], CSV_HEADER);
    let row = lines[1];
    assert!(
        row.contains(r#","'=HYPERLINK(""http://x""), ""quoted""","#),
        "formula neutralised and quoted: {row}"
    );
    assert!(
        row.ends_with(",openai/gpt-4o,OpenAI,gen-9,40,12,3,,0.0000368,stream"),
        "{row}"
    );
    let (date, time) = (&row[..10], &row[11..19]);
    assert!(Day::parse(date).is_some() && time.len() == 8, "{row}");

    let today = s.today().unwrap();
    let mut none = Vec::new();
    let yesterday = Day::parse("2020-01-01").unwrap();
    assert_eq!(
        s.export_ledger_csv_to(Some(yesterday), Some(yesterday), &mut none)
            .unwrap(),
        0
    );
    let mut one = Vec::new();
    assert_eq!(
        s.export_ledger_csv_to(Some(today), Some(today), &mut one)
            .unwrap(),
        1
    );
}

#[test]
fn a_dated_csv_export_reads_only_its_days_through_the_time_index() {
    let s = HistoryStore::open_in_memory().unwrap();
    let plan: String = s
        .read(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {LEDGER_CSV_SELECT}"))?;
            let day = Day::parse("2026-11-01").unwrap();
            let rows = stmt.query_map(
                rusqlite::params![
                    "2026-11-01",
                    "2026-11-02",
                    day.wide_bound(true),
                    day.next().wide_bound(false)
                ],
                |r| r.get::<_, String>(3),
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join(" | "))
        })
        .unwrap();
    assert!(
        plan.contains("SEARCH u USING INDEX usage_ledger_by_time (created_at>? AND created_at<?)"),
        "{plan}"
    );
}

#[test]
fn wide_bounds_hold_the_whole_local_day_in_any_time_zone() {
    let day = Day::parse("2026-11-01").unwrap();
    let utc_start = 1_793_491_200_000_i64; // 2026-11-01T00:00:00Z
                                           // UTC+14 starts the day 14 h before UTC does; UTC-12 ends it 12 h after.
    assert!(day.wide_bound(true) <= utc_start - 14 * 3_600_000);
    assert!(day.next().wide_bound(false) >= utc_start + 86_400_000 + 12 * 3_600_000);
}

#[test]
fn an_estimate_starts_from_the_last_reply_s_exact_counts() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    s.add_user_message(c, "12345678").unwrap();
    assert_eq!(
        s.prompt_basis(c).unwrap(),
        PromptBasis {
            last_reply_tokens: None,
            chars_after: 8
        }
    );
    let r = s.start_assistant_message(c, "m/a").unwrap();
    s.append_to_message(r.id, "answer", "").unwrap();
    let mut end = MessageEnd::plain(MessageStatus::Complete);
    end.usage = Some(billed(1));
    s.finish_assistant_message(r.id, end).unwrap();
    s.add_user_message(c, "next one").unwrap();
    assert_eq!(
        s.prompt_basis(c).unwrap(),
        PromptBasis {
            last_reply_tokens: Some(52),
            chars_after: 8
        }
    );
}

#[test]
fn csv_cells_follow_rfc_4180() {
    assert_eq!(csv_cell("plain"), "plain");
    assert_eq!(csv_cell("a,b"), "\"a,b\"");
    assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    assert_eq!(csv_cell("+1"), "'+1");
    assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_cell(""), "");
}

#[test]
fn figures_no_reply_has_are_refused() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    let r = s.start_assistant_message(c, "m/a").unwrap();
    for bad in [
        UsageRecord {
            cost_nanos: Some(-1),
            ..billed(0)
        },
        UsageRecord {
            cost_nanos: Some(i64::MAX),
            ..billed(0)
        },
        UsageRecord {
            prompt_tokens: i64::MAX,
            ..billed(0)
        },
    ] {
        assert!(s.record_usage(r.id, &bad).is_err(), "{bad:?}");
    }
    assert!(s
        .record_usage(r.id, &billed(crate::history::MAX_REPLY_COST_NANOS))
        .is_ok());
    assert_eq!(crate::history::reply_cost_nanos(-0.5), None);
    assert_eq!(crate::history::reply_cost_nanos(1e12), None);
    assert_eq!(crate::history::reply_cost_nanos(f64::NAN), None);
    assert_eq!(crate::history::reply_cost_nanos(0.0000368), Some(36_800));
    assert_eq!(
        UsageRecord::tokens(u64::MAX),
        crate::history::messages::MAX_TOKENS
    );
}

#[test]
fn a_reply_cut_off_by_a_crash_is_looked_up_once_its_generation_id_was_noted() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/a").unwrap().id;
    let noted = s.start_assistant_message(c, "m/a").unwrap();
    s.note_generation_id(noted.id, "gen-crash").unwrap();
    s.append_to_message(noted.id, "half an answ", "").unwrap();
    let unknown = s.start_assistant_message(c, "m/a").unwrap(); // died before the first chunk
    assert_eq!(
        s.recover_interrupted().unwrap(),
        2,
        "both are marked interrupted"
    );
    let due = s.due_generation_checks(i64::MAX, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].generation_id.as_str(), due[0].message_id),
        ("gen-crash", Some(noted.id))
    );
    assert!(s.get_message(noted.id).unwrap().unwrap().cost_pending);
    assert!(!s.get_message(unknown.id).unwrap().unwrap().cost_pending);
    // A finished reply's id cannot be changed afterwards.
    s.note_generation_id(noted.id, "gen-other").unwrap();
    assert_eq!(
        s.get_message(noted.id)
            .unwrap()
            .unwrap()
            .generation_id
            .as_deref(),
        Some("gen-crash")
    );
}
