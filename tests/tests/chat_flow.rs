//! One turn of conversation end to end, without a window: the app's `Chat` with a real SQLite
//! history and an in-memory key, against the mock server.

mod harness;

use std::time::Duration;

use acceptance::mock::{Scenario, StreamEnd};
use harness::{channel, until_done, MODEL};
use openrouter_desktop::chat::StreamEvent;
use openrouter_desktop::history::{HistoryStore, MessageStatus, Role};
use openrouter_desktop::openrouter::ErrorKind;

async fn setup() -> harness::Setup {
    harness::setup("sk-or-v1-flow").await
}

fn streamed_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { content, .. } => Some(content.as_str()),
            _ => None,
        })
        .collect()
}

/// Waits for the first piece of a reply, so it is streaming when the test acts on it.
async fn first_delta(rx: &mut tokio::sync::mpsc::UnboundedReceiver<StreamEvent>) {
    while !matches!(rx.recv().await, Some(StreamEvent::Delta { .. }) | None) {}
}

/// The body of the last chat request the mock received.
fn last_body(s: &harness::Setup) -> serde_json::Value {
    s.server
        .chat_requests()
        .pop()
        .and_then(|r| r.body)
        .expect("request body")
}

#[tokio::test]
async fn a_reply_is_streamed_saved_and_costed() {
    let s = setup().await;
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(
            None,
            "  Explain SQLite WAL  ".into(),
            MODEL.into(),
            None,
            sink,
        )
        .await
        .expect("started");
    let events = until_done(&mut rx).await;
    assert!(matches!(events[0], StreamEvent::Meta { .. }));
    assert!(events
        .iter()
        .any(|e| matches!(e, StreamEvent::Usage { .. })));
    let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Complete);
    assert!(error.is_none());

    let history = s.chat.history();
    let conversation = history
        .get_conversation(turn.conversation_id)
        .expect("read")
        .expect("exists");
    assert_eq!(conversation.title, "Explain SQLite WAL");
    let messages = history.messages(turn.conversation_id).expect("messages");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].role, Role::User);
    assert_eq!(messages[1].status, MessageStatus::Complete);
    assert_eq!(
        messages[1].content,
        streamed_text(&events),
        "what was shown is what was saved"
    );
    let json = serde_json::to_value(&messages[1]).expect("json");
    assert!(json["usage"]["cost_usd"].as_f64().is_some_and(|c| c > 0.0));
    assert_eq!(json["provider"].as_str().map(str::is_empty), Some(false));

    // The next turn sends the whole conversation.
    let (sink, mut rx) = channel();
    s.chat
        .send_message(
            Some(turn.conversation_id),
            "And rollback journals?".into(),
            MODEL.into(),
            None,
            sink,
        )
        .await
        .expect("second turn");
    until_done(&mut rx).await;
    let body = s
        .server
        .chat_requests()
        .pop()
        .and_then(|r| r.body)
        .expect("body");
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
}

#[tokio::test]
async fn stop_keeps_the_partial_reply_and_closes_the_connection() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(200, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "long".into(), MODEL.into(), None, sink)
        .await
        .expect("started");
    first_delta(&mut rx).await;
    assert!(s.chat.stop(turn.assistant_message_id));
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { status, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Stopped);
    let saved = s
        .chat
        .history()
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert_eq!(saved.status, MessageStatus::Stopped);
    assert!(!saved.content.is_empty());
    let (_, gone) = s
        .server
        .wait_for(Duration::from_secs(5), |r| {
            r.iter()
                .any(|r| r.stream_end == Some(StreamEnd::ClientGone))
        })
        .await;
    assert!(gone, "stopping drops the HTTP connection");
}

#[tokio::test]
async fn a_mid_stream_error_is_saved_as_interrupted_with_its_reason_and_retry_replaces_it() {
    let s = setup().await;
    s.server.push_scenario(Scenario::mid_stream_error());
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "fail midway".into(), MODEL.into(), None, sink)
        .await
        .expect("started");
    let events = until_done(&mut rx).await;
    let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
        panic!("done last")
    };
    assert_eq!(*status, MessageStatus::Interrupted);
    assert_eq!(error.as_ref().map(|e| e.kind), Some(ErrorKind::Interrupted));
    let saved = s
        .chat
        .history()
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert!(!saved.content.is_empty(), "partial text kept");
    let json = serde_json::to_value(&saved).expect("json");
    assert_eq!(json["error"]["kind"], "interrupted");
    assert!(
        json["usage"].is_object(),
        "usage in the error chunk is recorded"
    );

    let (sink, mut rx) = channel();
    let retried = s
        .chat
        .retry_reply(turn.assistant_message_id, sink)
        .await
        .expect("retry");
    assert_eq!(retried.user_message_id, turn.user_message_id);
    let events = until_done(&mut rx).await;
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Done {
            status: MessageStatus::Complete,
            ..
        })
    ));
    let messages = s
        .chat
        .history()
        .messages(turn.conversation_id)
        .expect("messages");
    assert_eq!(messages.len(), 2, "the old reply was replaced");
    assert_eq!(messages[1].id, retried.assistant_message_id);
}

#[tokio::test]
async fn a_killed_app_leaves_a_reply_that_reopens_as_interrupted() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(100, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "crash".into(), MODEL.into(), None, sink)
        .await
        .expect("started");
    // Let a few batches reach the database, then open the file as a restarted app would.
    let mut deltas = 0;
    while deltas < 10 {
        if let Some(StreamEvent::Delta { .. }) = rx.recv().await {
            deltas += 1;
        }
    }
    tokio::time::sleep(Duration::from_millis(450)).await;
    let reopened = HistoryStore::open(&s.db_path).expect("reopen");
    let saved = reopened
        .get_message(turn.assistant_message_id)
        .expect("read")
        .expect("kept");
    assert_eq!(saved.status, MessageStatus::Interrupted);
    assert!(
        !saved.content.is_empty(),
        "batches written while streaming survive"
    );
    s.chat.stop(turn.assistant_message_id);
}

#[tokio::test]
async fn no_key_and_bad_input_are_refused_before_anything_is_saved() {
    let s = setup().await;
    let (sink_a, _rx) = channel();
    let err = s
        .chat
        .send_message(None, "   ".into(), MODEL.into(), None, sink_a)
        .await
        .expect_err("empty");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    let (sink_b, _rx) = channel();
    let err = s
        .chat
        .send_message(None, "hi".into(), "bad model".into(), None, sink_b)
        .await
        .expect_err("model");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(s
        .chat
        .history()
        .list_conversations()
        .expect("list")
        .is_empty());
}

#[tokio::test]
async fn the_history_is_replaced_only_when_no_reply_streams() {
    let s = setup().await;
    s.server.push_scenario(Scenario::slow(200, 50));
    let (sink, mut rx) = channel();
    let turn = s
        .chat
        .send_message(None, "a slow one".into(), MODEL.into(), None, sink)
        .await
        .expect("started");
    let other = HistoryStore::open_in_memory().expect("memory");
    let refused = s.chat.replace_history(other.clone());
    assert!(refused.is_err(), "a streaming reply keeps its file");
    assert!(s
        .chat
        .history()
        .get_conversation(turn.conversation_id)
        .expect("read")
        .is_some());
    s.chat.stop(turn.assistant_message_id);
    until_done(&mut rx).await;

    s.chat.replace_history(other).expect("replaced once idle");
    assert!(s
        .chat
        .history()
        .list_conversations()
        .expect("list")
        .is_empty());
    let (sink, mut rx) = channel();
    let next = s
        .chat
        .send_message(None, "into the new one".into(), MODEL.into(), None, sink)
        .await
        .expect("started");
    until_done(&mut rx).await;
    let listed = s.chat.history().list_conversations().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, next.conversation_id);
    let old = HistoryStore::open(&s.db_path).expect("old file");
    assert_eq!(
        old.list_conversations().expect("list").len(),
        1,
        "the old file is as it was"
    );
}

mod routing {
    //! Per-conversation routing reaches the request the mock receives; availability errors offer a switch.

    use openrouter_desktop::catalog::ModelCatalogue;
    use openrouter_desktop::chat::RetryWith;
    use openrouter_desktop::routing::{ProviderPrefs, ProviderSort, Routing};
    use openrouter_desktop::user_error::ActionKind;
    use serde_json::{json, Value};

    use super::*;

    fn routing() -> Routing {
        Routing {
            fallback_models: vec![
                "anthropic/claude-sonnet-4.5".into(),
                "google/gemini-2.5-flash".into(),
            ],
            provider: Some(ProviderPrefs {
                sort: Some(ProviderSort::Throughput),
                order: vec!["deepinfra/fp8".into()],
                ignore: vec!["azure".into()],
                allow_fallbacks: false,
                data_collection_deny: true,
                zdr: true,
                quantizations: vec!["fp8".into()],
                max_price_prompt: Some("2".into()),
                max_price_completion: Some("8".into()),
                ..ProviderPrefs::default()
            }),
            reasoning_effort: Some("high".into()),
            web_search: true,
        }
    }

    fn assert_routed(body: &Value, model: &str) {
        assert_eq!(body["model"], model);
        assert_eq!(
            body["models"],
            json!([
                model,
                "anthropic/claude-sonnet-4.5",
                "google/gemini-2.5-flash"
            ])
        );
        assert_eq!(
            body["provider"],
            json!({
                "sort": "throughput",
                "order": ["deepinfra/fp8"],
                "ignore": ["azure"],
                "allow_fallbacks": false,
                "data_collection": "deny",
                "zdr": true,
                "quantizations": ["fp8"],
                "max_price": {"prompt": "2", "completion": "8"}
            })
        );
        assert_eq!(body["reasoning"], json!({"effort": "high"}));
        assert!(
            body.get("reasoning_effort").is_none(),
            "never both reasoning fields"
        );
        assert_eq!(body["tools"], json!([{"type": "openrouter:web_search"}]));
    }

    #[tokio::test]
    async fn a_routing_is_saved_sent_and_reused_by_later_turns_and_retries() {
        let s = setup().await;
        let (sink, mut rx) = channel();
        let turn = s
            .chat
            .send_message(None, "route me".into(), MODEL.into(), Some(routing()), sink)
            .await
            .expect("started");
        until_done(&mut rx).await;
        assert_routed(&last_body(&s), MODEL);
        assert_eq!(
            s.chat
                .history()
                .conversation_routing(turn.conversation_id)
                .expect("read"),
            Some(routing())
        );

        // The next turn passes no routing: the saved one applies.
        let (sink, mut rx) = channel();
        s.chat
            .send_message(
                Some(turn.conversation_id),
                "again".into(),
                "deepseek/deepseek-r1".into(),
                None,
                sink,
            )
            .await
            .expect("started");
        until_done(&mut rx).await;
        assert_routed(&last_body(&s), "deepseek/deepseek-r1");

        // A retry too.
        let (sink, mut rx) = channel();
        s.chat
            .retry_reply(turn.assistant_message_id, sink)
            .await
            .expect("retry");
        until_done(&mut rx).await;
        assert_routed(&last_body(&s), "deepseek/deepseek-r1");

        // A default routing clears it: the request is back to the plain shape.
        let (sink, mut rx) = channel();
        s.chat
            .send_message(
                Some(turn.conversation_id),
                "plain".into(),
                MODEL.into(),
                Some(Routing::default()),
                sink,
            )
            .await
            .expect("started");
        until_done(&mut rx).await;
        let body = last_body(&s);
        for key in [
            "models",
            "provider",
            "reasoning",
            "reasoning_effort",
            "tools",
        ] {
            assert!(body.get(key).is_none(), "{key} in {body}");
        }
        assert_eq!(
            s.chat
                .history()
                .conversation_routing(turn.conversation_id)
                .expect("read"),
            None
        );
    }

    #[tokio::test]
    async fn an_online_variant_is_sent_as_the_model_with_the_web_search_tool() {
        let s = setup().await;
        let (sink, mut rx) = channel();
        s.chat
            .send_message(
                None,
                "search".into(),
                "openai/gpt-4o:online".into(),
                None,
                sink,
            )
            .await
            .expect("started");
        until_done(&mut rx).await;
        let body = last_body(&s);
        assert_eq!(body["model"], "openai/gpt-4o");
        assert_eq!(body["tools"], json!([{"type": "openrouter:web_search"}]));
        assert!(body.get("plugins").is_none());
        for variant in ["free", "nitro", "floor", "thinking", "extended", "exacto"] {
            let id = format!("meta-llama/llama-3.3-70b-instruct:{variant}");
            let (sink, mut rx) = channel();
            s.chat
                .send_message(None, "v".into(), id.clone(), None, sink)
                .await
                .expect("started");
            until_done(&mut rx).await;
            assert_eq!(last_body(&s)["model"], id.as_str());
        }
    }

    #[tokio::test]
    async fn effort_none_is_left_out_for_a_model_whose_reasoning_is_mandatory() {
        let s = setup().await;
        s.server.serve_models(Some(vec![
            json!({"id": "openai/gpt-oss-120b", "name": "gpt-oss-120b", "supported_parameters": ["reasoning"],
                   "reasoning": {"supported_efforts": ["high", "medium", "low"], "default_effort": "medium", "mandatory": true}}),
            json!({"id": "anthropic/claude-sonnet-4.5", "name": "Claude", "supported_parameters": ["reasoning"],
                   "reasoning": {"mandatory": false}}),
        ]));
        let catalogue = ModelCatalogue::default();
        let listed = catalogue.refresh(&s.client, &s.chat.history()).await;
        assert_eq!(listed.models.len(), 2);

        let off = Routing {
            reasoning_effort: Some("none".into()),
            ..Routing::default()
        };
        for (model, sent) in [
            ("openai/gpt-oss-120b", None),
            ("openai/gpt-oss-120b:nitro", None),
            (
                "anthropic/claude-sonnet-4.5",
                Some(json!({"effort": "none"})),
            ),
        ] {
            let (sink, mut rx) = channel();
            s.chat
                .send_message(None, "think".into(), model.into(), Some(off.clone()), sink)
                .await
                .expect("started");
            until_done(&mut rx).await;
            let body = last_body(&s);
            assert_eq!(body.get("reasoning").cloned(), sent, "{model}: {body}");
            assert!(body.get("reasoning_effort").is_none());
        }
    }

    #[tokio::test]
    async fn a_402_that_names_what_the_credits_cover_offers_that_length_and_the_retry_asks_for_it()
    {
        let s = setup().await;
        s.server.push_scenario(Scenario::http_error(402));
        let (sink, mut rx) = channel();
        let turn = s
            .chat
            .send_message(None, "a long essay".into(), MODEL.into(), None, sink)
            .await
            .expect("started");
        let events = until_done(&mut rx).await;
        let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
            panic!("done last")
        };
        assert_eq!(*status, MessageStatus::Error);
        assert!(
            last_body(&s).get("max_tokens").is_none(),
            "a normal send leaves the length to the model"
        );
        // The mock says what the credits cover as OpenRouter does: 64,000 asked, a 24th of it affordable.
        let error = error.clone().expect("error");
        assert_eq!(error.kind, ErrorKind::NoCredits);
        let action = error.action.clone().expect("action");
        assert_eq!(action.kind, ActionKind::RetryShorter);
        assert_eq!(action.max_tokens, Some(2666));
        let second = error.second_action.clone().expect("credits too");
        assert_eq!(second.kind, ActionKind::OpenUrl);
        // Saved with the reply, so a reopened conversation still offers both.
        let saved = s
            .chat
            .history()
            .get_message(turn.assistant_message_id)
            .expect("read")
            .expect("kept");
        assert_eq!(saved.status, MessageStatus::Error);
        let json = serde_json::to_value(&saved).expect("json");
        assert_eq!(json["error"]["action"]["max_tokens"], 2666);
        assert_eq!(json["error"]["second_action"]["kind"], "open_url");

        let (sink, mut rx) = channel();
        let shorter = RetryWith {
            max_tokens: action.max_tokens,
            ..RetryWith::default()
        };
        let retried = s
            .chat
            .retry_reply_with(turn.assistant_message_id, shorter, sink)
            .await
            .expect("retried");
        let events = until_done(&mut rx).await;
        assert!(matches!(
            events.last(),
            Some(StreamEvent::Done {
                status: MessageStatus::Complete,
                ..
            })
        ));
        assert_eq!(last_body(&s)["max_tokens"], 2666);
        assert_eq!(last_body(&s)["model"], MODEL, "the same model");

        // Only that retry was capped: the next turn asks for the full length again.
        let (sink, mut rx) = channel();
        s.chat
            .send_message(
                Some(retried.conversation_id),
                "and more".into(),
                MODEL.into(),
                None,
                sink,
            )
            .await
            .expect("started");
        until_done(&mut rx).await;
        assert!(last_body(&s).get("max_tokens").is_none());

        let (sink, _rx) = channel();
        let none = RetryWith {
            max_tokens: Some(0),
            ..RetryWith::default()
        };
        let err = s
            .chat
            .retry_reply_with(retried.assistant_message_id, none, sink)
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn an_ended_free_model_ends_the_reply_with_a_switch_to_its_paid_slug() {
        let s = setup().await;
        s.server.push_scenario(Scenario::HttpError {
            status: 404,
            retry_after: None,
            variant: Some(acceptance::mock::ErrorVariant::FreeVariantEnded),
        });
        let (sink, mut rx) = channel();
        let turn = s
            .chat
            .send_message(
                None,
                "hi".into(),
                "openai/gpt-oss-120b:free".into(),
                None,
                sink,
            )
            .await
            .expect("started");
        let events = until_done(&mut rx).await;
        let Some(StreamEvent::Done { status, error, .. }) = events.last() else {
            panic!("done last")
        };
        assert_eq!(*status, MessageStatus::Error);
        let error = error.clone().expect("error");
        assert_eq!(error.kind, ErrorKind::NotFound);
        let action = error.action.clone().expect("action");
        assert_eq!(action.kind, ActionKind::SwitchModel);
        assert_eq!(action.model.as_deref(), Some("openai/gpt-oss-120b"));
        assert!(action.label.contains("openai/gpt-oss-120b"));
        // Saved with the message, so a reopened conversation still offers the switch.
        let saved = s
            .chat
            .history()
            .get_message(turn.assistant_message_id)
            .expect("read")
            .expect("kept");
        let json = serde_json::to_value(&saved).expect("json");
        assert_eq!(json["error"]["action"]["kind"], "switch_model");
        assert_eq!(json["error"]["action"]["model"], "openai/gpt-oss-120b");

        // The switch: the same question again, from the suggested model, which the conversation keeps.
        let (sink, mut rx) = channel();
        let retried = s
            .chat
            .retry_reply_with(
                turn.assistant_message_id,
                RetryWith {
                    model: Some("openai/gpt-oss-120b".into()),
                    ..RetryWith::default()
                },
                sink,
            )
            .await
            .expect("retried");
        assert_eq!(retried.user_message_id, turn.user_message_id);
        let events = until_done(&mut rx).await;
        assert!(matches!(
            events.last(),
            Some(StreamEvent::Done {
                status: MessageStatus::Complete,
                ..
            })
        ));
        assert_eq!(last_body(&s)["model"], "openai/gpt-oss-120b");
        let conversation = s
            .chat
            .history()
            .get_conversation(turn.conversation_id)
            .expect("read")
            .expect("kept");
        assert_eq!(conversation.model, "openai/gpt-oss-120b");
        let messages = s
            .chat
            .history()
            .messages(turn.conversation_id)
            .expect("messages");
        assert_eq!(messages.len(), 2, "the failed reply was replaced");
        assert_eq!(messages[1].model.as_deref(), Some("openai/gpt-oss-120b"));

        let (sink, _rx) = channel();
        let err = s
            .chat
            .retry_reply_with(
                retried.assistant_message_id,
                RetryWith {
                    model: Some("not a model".into()),
                    ..RetryWith::default()
                },
                sink,
            )
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn a_routing_the_api_would_refuse_is_refused_before_anything_is_saved() {
        let s = setup().await;
        let bad = Routing {
            fallback_models: vec!["a/1".into(), "a/2".into(), "a/3".into(), "a/4".into()],
            ..Routing::default()
        };
        let (sink, _rx) = channel();
        let err = s
            .chat
            .send_message(None, "hi".into(), MODEL.into(), Some(bad), sink)
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("at most 3"), "{}", err.message);
        assert!(s
            .chat
            .history()
            .list_conversations()
            .expect("list")
            .is_empty());
        assert!(s.server.chat_requests().is_empty());
    }
}

mod quick {
    //! Quick prompts from the tray's window: their own conversations, the attachment sent as context, and
    //! no way into the user's other chats.

    use openrouter_desktop::chat::RetryWith;
    use openrouter_desktop::history::Origin;

    use super::*;

    fn last_user_text(s: &harness::Setup) -> String {
        let body = last_body(s);
        body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    #[tokio::test]
    async fn a_quick_prompt_is_a_quick_conversation_with_its_attachment_first() {
        let s = setup().await;
        let (sink, mut rx) = channel();
        let turn = s
            .chat
            .send_quick(
                None,
                "  What does this do?  ".into(),
                Some("fn main() {}".into()),
                MODEL.into(),
                sink,
            )
            .await
            .expect("started");
        until_done(&mut rx).await;
        let sent = last_user_text(&s);
        assert_eq!(
            sent,
            "Attached text:\n```\nfn main() {}\n```\n\nWhat does this do?"
        );
        let history = s.chat.history();
        let conversation = history
            .get_conversation(turn.conversation_id)
            .expect("read")
            .expect("kept");
        assert_eq!(conversation.origin, Origin::Quick);
        assert_eq!(
            conversation.title, "What does this do?",
            "titled from what was typed"
        );
        let messages = history.messages(turn.conversation_id).expect("messages");
        assert_eq!(messages[0].content, sent, "saved as sent");
        assert_eq!(messages[1].status, MessageStatus::Complete);

        // A follow-up stays in the quick conversation and sends the whole exchange.
        let (sink, mut rx) = channel();
        let follow = s
            .chat
            .send_quick(
                Some(turn.conversation_id),
                "And why?".into(),
                None,
                MODEL.into(),
                sink,
            )
            .await
            .expect("follow-up");
        until_done(&mut rx).await;
        assert_eq!(follow.conversation_id, turn.conversation_id);
        assert_eq!(last_user_text(&s), "And why?");
        assert_eq!(last_body(&s)["messages"].as_array().map(Vec::len), Some(3));
    }

    #[tokio::test]
    async fn the_quick_window_stops_its_own_reply_but_not_a_chat_streaming_in_the_main_window() {
        let s = setup().await;
        s.server.push_scenario(Scenario::slow(40, 50));
        let (sink, mut chat_rx) = channel();
        let chat = s
            .chat
            .send_message(None, "a long chat reply".into(), MODEL.into(), None, sink)
            .await
            .expect("started");
        first_delta(&mut chat_rx).await;
        let err = s
            .chat
            .stop_quick(chat.assistant_message_id)
            .await
            .expect_err("not the quick window's");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let Some(StreamEvent::Done { status, .. }) = until_done(&mut chat_rx).await.pop() else {
            panic!("done last")
        };
        assert_eq!(
            status,
            MessageStatus::Complete,
            "the chat's reply ran to its end"
        );

        s.server.push_scenario(Scenario::slow(200, 50));
        let (sink, mut rx) = channel();
        let quick = s
            .chat
            .send_quick(None, "a long answer".into(), None, MODEL.into(), sink)
            .await
            .expect("started");
        first_delta(&mut rx).await;
        assert!(s
            .chat
            .stop_quick(quick.assistant_message_id)
            .await
            .expect("its own"));
        let Some(StreamEvent::Done { status, .. }) = until_done(&mut rx).await.pop() else {
            panic!("done last")
        };
        assert_eq!(status, MessageStatus::Stopped);
    }

    #[tokio::test]
    async fn the_quick_window_cannot_write_into_or_retry_a_chat() {
        let s = setup().await;
        let (sink, mut rx) = channel();
        let chat = s
            .chat
            .send_message(None, "my own chat".into(), MODEL.into(), None, sink)
            .await
            .expect("started");
        until_done(&mut rx).await;
        let before = s
            .chat
            .history()
            .messages(chat.conversation_id)
            .expect("read");

        let (sink, _rx) = channel();
        let err = s
            .chat
            .send_quick(
                Some(chat.conversation_id),
                "sneak in".into(),
                None,
                MODEL.into(),
                sink,
            )
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let (sink, _rx) = channel();
        let err = s
            .chat
            .retry_quick(chat.assistant_message_id, RetryWith::default(), sink)
            .await
            .expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let after = s
            .chat
            .history()
            .messages(chat.conversation_id)
            .expect("read");
        assert_eq!(after, before, "nothing changed in the chat");

        let (sink, _rx) = channel();
        let err = s
            .chat
            .send_quick(
                None,
                "   ".into(),
                Some("context".into()),
                MODEL.into(),
                sink,
            )
            .await
            .expect_err("an attachment alone is not a question");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}
