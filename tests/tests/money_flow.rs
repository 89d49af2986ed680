//! Money end to end, without a window: the app's `Chat`, ledger and billing code against the mock's
//! `/chat/completions`, `/generation`, `/key`, `/credits` and `/activity`.

mod harness;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use acceptance::mock::{Account, Scenario};
use harness::{channel, next_event, setup, until_done, Setup, MODEL};
use openrouter_desktop::billing::checks::check_due;
use openrouter_desktop::billing::{AccountStatus, KeyStatus};
use openrouter_desktop::chat::StreamEvent;
use openrouter_desktop::history::{usd_to_nanos, CostSource, MessageStatus};
use openrouter_desktop::openrouter::ErrorKind;

const KEY: &str = "sk-or-v1-money";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The cost the mock billed for generation `id`, as `/generation` reports it.
async fn billed_nanos(s: &Setup, id: &str) -> i64 {
    let data = s.client.generation(KEY, id).await.expect("generation");
    usd_to_nanos(data.cost().expect("a cost"))
}

#[tokio::test]
async fn a_reply_s_cost_timing_and_totals_match_what_was_billed() {
    let s = setup(KEY).await;
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "hello".into(), MODEL.into(), None, sink)
        .await
        .expect("sent");
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { timing, status, .. }) = events.last() else {
        panic!("ends with done");
    };
    assert_eq!(*status, MessageStatus::Complete);
    let timing = timing.expect("timing");
    let (first, total) = (
        timing.first_token_ms.expect("ttft"),
        timing.duration_ms.expect("duration"),
    );
    assert!(first <= total, "{first} <= {total}");

    let history = s.chat.history();
    let reply = history
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("reply");
    assert_eq!(reply.timing, Some(timing), "saved as streamed");
    let usage = reply.usage.expect("usage");
    assert_eq!(usage.cost_source, CostSource::Stream);
    let generation = reply.generation_id.expect("generation id");
    assert_eq!(usage.cost_nanos, Some(billed_nanos(&s, &generation).await));

    let spent = history
        .conversation_spend(turn.conversation_id)
        .expect("spend");
    assert_eq!(spent.cost_nanos, usage.cost_nanos.unwrap_or_default());
    assert_eq!(spent.replies, 1);
    let today = history.today().expect("today");
    let windows = history.spend_windows(today).expect("windows");
    assert_eq!(windows.today.cost_nanos, spent.cost_nanos);
    assert_eq!(windows.month.prompt_tokens, usage.prompt_tokens);
    let report = history.spend_report(today, today).expect("report");
    assert_eq!(report.models[0].model, reply.model.unwrap_or_default());
    assert_eq!(
        report.top_conversations[0].conversation_id,
        turn.conversation_id
    );
    assert!(
        history
            .due_generation_checks(i64::MAX, 10)
            .expect("checks")
            .is_empty(),
        "a reply with usage needs no look-up"
    );
}

#[tokio::test]
async fn a_stopped_reply_s_real_cost_is_looked_up_through_404s_and_corrected() {
    let s = setup(KEY).await;
    s.server.push_scenario(Scenario::slow(200, 40));
    s.server.set_generation_not_found_lookups(2);
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "a long one".into(), MODEL.into(), None, sink)
        .await
        .expect("sent");
    // Let a few chunks arrive, then stop.
    loop {
        let event = next_event(&mut rx).await;
        if matches!(&event, StreamEvent::Delta { content, .. } if !content.is_empty()) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(s.chat.stop(turn.assistant_message_id));
    until_done(&mut rx).await;

    let history = s.chat.history();
    let reply = history
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("reply");
    assert_eq!(reply.status, MessageStatus::Stopped);
    assert_eq!(reply.usage, None, "a stopped stream never gets its usage");
    let generation = reply.generation_id.clone().expect("generation id");
    let waiting = history
        .conversation_spend(turn.conversation_id)
        .expect("spend");
    assert_eq!(
        (
            waiting.replies,
            waiting.unpriced_replies,
            waiting.cost_nanos
        ),
        (1, 1, 0),
        "not priced yet: its cost is being looked up"
    );

    // The first two look-ups meet OpenRouter's early 404; each pushes the next one back.
    let mut later = now_ms() + 60_000;
    for round in 0..2 {
        let corrected = check_due(&s.chat, &s.client, KEY, later).await;
        assert!(corrected.is_empty(), "round {round}: 404");
        later = history
            .next_generation_check_at()
            .expect("read")
            .expect("still pending");
    }
    let corrected = check_due(&s.chat, &s.client, KEY, later).await;
    assert_eq!(corrected.len(), 1, "the third look-up finds it");
    let usage = &corrected[0].usage;
    assert_eq!(usage.cost_source, CostSource::Generation);
    // The mock bills a stopped stream for what it sent: more than nothing, less than the whole reply.
    let mut lookups = 0;
    for r in s.server.requests() {
        if r.path.ends_with("/generation") {
            lookups += 1;
        }
    }
    assert_eq!(lookups, 3);
    let data = s
        .client
        .generation(KEY, &generation)
        .await
        .expect("generation");
    assert_eq!(data.cancelled, Some(true));
    assert_eq!(usage.cost_nanos, data.cost().map(usd_to_nanos));
    assert!(usage.cost_nanos.unwrap_or_default() > 0);
    let reply = history
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("reply");
    assert_eq!(reply.usage.as_ref(), Some(usage));
    assert_eq!(
        history
            .conversation_spend(turn.conversation_id)
            .expect("spend")
            .cost_nanos,
        usage.cost_nanos.unwrap_or_default()
    );
    assert_eq!(history.next_generation_check_at().expect("read"), None);
}

#[tokio::test]
async fn key_and_account_figures_come_from_the_api_as_exact_amounts() {
    let s = setup(KEY).await;
    s.server.set_account(Account {
        total_credits: 20.0,
        total_usage: 19.2,
        key_limit: Some(10.0),
        key_usage: 9.25,
        is_free_tier: true,
    });
    let key = KeyStatus::new(&s.client.key_info(KEY).await.expect("key"), 1);
    assert_eq!(key.limit_nanos, Some(10_000_000_000));
    assert_eq!(key.limit_remaining_nanos, Some(750_000_000));
    assert_eq!(key.usage_nanos, 9_250_000_000);
    assert!(key.is_free_tier);

    // An ordinary key cannot read the account; a management key can.
    let refused = s.client.credits(KEY).await.expect_err("403");
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    let management = "sk-or-v1-mgmt-money";
    s.server
        .set_activity(serde_json::json!([
            {"model": "openai/gpt-4o-mini", "days_ago": 1, "usage": 0.25, "requests": 3},
            {"model": "anthropic/claude-sonnet-4.5", "days_ago": 2, "usage": 1.5, "requests": 1}
        ]))
        .expect("seeded");
    let credits = s.client.credits(management).await.expect("credits");
    let activity = s.client.activity(management).await.expect("activity");
    let account = AccountStatus::fetched(&credits, &activity, 2);
    assert_eq!(account.balance.map(|b| b.balance_nanos), Some(800_000_000));
    let rows = account.activity.expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].usage_nanos, 250_000_000, "newest day first");
    assert_eq!(rows[1].requests, 1);
}
