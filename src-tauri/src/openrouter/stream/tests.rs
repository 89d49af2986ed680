use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::StreamExt;

use super::*;

type Events = Vec<Result<ChatEvent, String>>;

fn run(chunks: Vec<Vec<u8>>) -> Events {
    let body = futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<Bytes, reqwest::Error>(Bytes::from(c))),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        chat_events(body)
            .map(|r| r.map_err(|e| format!("{:?}", e.kind())))
            .collect()
            .await
    })
}

fn run_whole(text: &str) -> Events {
    run(vec![text.as_bytes().to_vec()])
}

/// Concatenated content and reasoning, and the terminal item.
fn summary(events: &Events) -> (String, String, Option<Result<ChatEvent, String>>) {
    let mut content = String::new();
    let mut reasoning = String::new();
    for e in events {
        if let Ok(ChatEvent::Delta {
            content: c,
            reasoning: r,
        }) = e
        {
            content.push_str(c);
            reasoning.push_str(r);
        }
    }
    (content, reasoning, events.last().cloned())
}

fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "sse") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures"),
        &mut out,
    );
    out.sort();
    out
}

/// Merges adjacent deltas so that streams chunked differently compare equal: how text is split
/// into events depends on where the bytes were cut, what it adds up to must not.
fn normalized(events: &Events) -> Events {
    let mut out: Events = Vec::new();
    for e in events {
        if let (
            Some(Ok(ChatEvent::Delta { content, reasoning })),
            Ok(ChatEvent::Delta {
                content: c,
                reasoning: r,
            }),
        ) = (out.last_mut(), e)
        {
            content.push_str(c);
            reasoning.push_str(r);
            continue;
        }
        out.push(e.clone());
    }
    out
}

#[test]
fn every_recorded_stream_parses_and_ends_cleanly_or_with_its_error() {
    let files = fixture_files();
    assert!(
        files.len() >= 8,
        "expected the recorded .sse fixtures, found {files:?}"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read fixture");
        let events = run_whole(&text);
        let last = events.last().cloned().expect("at least one event");
        let name = file.display().to_string();
        if name.contains("stream_error") {
            assert_eq!(last, Err("Interrupted".into()), "{name}");
            assert!(
                events.iter().any(|e| matches!(e, Ok(ChatEvent::Usage(_)))),
                "usage in the error chunk is kept: {name}"
            );
        } else {
            assert!(
                matches!(last, Ok(ChatEvent::Finished { .. })),
                "{name}: {last:?}"
            );
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Ok(ChatEvent::Usage(u)) if u.total_tokens > 0)),
                "{name} has usage"
            );
        }
        assert!(matches!(events[0], Ok(ChatEvent::Meta { .. })), "{name}");
    }
}

#[test]
fn every_split_point_gives_the_same_events() {
    for file in fixture_files() {
        let bytes = std::fs::read(&file).expect("read fixture");
        let whole = normalized(&run(vec![bytes.clone()]));
        // Every two-chunk split (covers a split inside every line, CRLF pair and UTF-8 sequence).
        for cut in 1..bytes.len() {
            let split = normalized(&run(vec![bytes[..cut].to_vec(), bytes[cut..].to_vec()]));
            assert_eq!(split, whole, "{} cut at {cut}", file.display());
        }
        // One byte at a time.
        let bytewise = normalized(&run(bytes.iter().map(|b| vec![*b]).collect()));
        assert_eq!(bytewise, whole, "{} byte by byte", file.display());
    }
}

#[test]
fn tool_call_fragments_are_joined_and_usage_keeps_cost() {
    let file = fixture_files()
        .into_iter()
        .find(|f| {
            f.display().to_string().contains("test_tool_calls") && f.ends_with("01-response.sse")
        })
        .expect("tool call fixture");
    let events = run_whole(&std::fs::read_to_string(file).expect("read"));
    assert!(events.contains(&Ok(ChatEvent::ToolCall {
        id: Some("call_o4OCgtJrNoZTmoCRvmlfoHfj".into()),
        name: Some("llm_version".into()),
        arguments: "{}".into(),
    })));
    let usage = events
        .iter()
        .find_map(|e| match e {
            Ok(ChatEvent::Usage(u)) => Some(u.clone()),
            _ => None,
        })
        .expect("usage");
    assert_eq!(usage.cost, Some(0.0000368));
    assert_eq!(usage.prompt_tokens, 48);
    // The usage chunk's `finish_reason: null` must not erase the real one.
    assert!(events.contains(&Ok(ChatEvent::Finished {
        finish_reason: Some("tool_calls".into()),
        native_finish_reason: Some("tool_calls".into()),
    })));
}

const HELLO: &str = r#"data: {"id":"gen-1","model":"m/x","provider":"P","choices":[{"index":0,"delta":{"role":"assistant","content":"Hé"},"finish_reason":null}]}"#;

#[test]
fn comments_crlf_and_usage_without_choices() {
    let text = format!(
        ": OPENROUTER PROCESSING\r\n\r\n{HELLO}\r\n\r\ndata: {{\"choices\":[{{\"delta\":{{\"content\":\"llo\"}},\"finish_reason\":\"stop\"}}]}}\r\n\r\ndata: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5,\"cost\":0}}}}\r\n\r\ndata: [DONE]\r\n\r\n"
    );
    let events = run_whole(&text);
    let (content, _, last) = summary(&events);
    assert_eq!(content, "Héllo");
    assert_eq!(
        last,
        Some(Ok(ChatEvent::Finished {
            finish_reason: Some("stop".into()),
            native_finish_reason: None
        }))
    );
    assert!(events.contains(&Ok(ChatEvent::Meta {
        generation_id: Some("gen-1".into()),
        model: Some("m/x".into()),
        provider: Some("P".into())
    })));
}

#[test]
fn reasoning_is_kept_apart_from_content() {
    let text = "data: {\"choices\":[{\"delta\":{\"reasoning\":\"think\",\"content\":\"\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"reasoning_content\":\" more\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"answer\"}}]}\n\ndata: [DONE]\n\n";
    let (content, reasoning, _) = summary(&run_whole(text));
    assert_eq!(reasoning, "think more");
    assert_eq!(content, "answer");
}

#[test]
fn end_without_done_is_a_broken_stream() {
    let events = run_whole(&format!("{HELLO}\n\n"));
    assert_eq!(events.last(), Some(&Err("Interrupted".into())));
    assert!(
        matches!(events[1], Ok(ChatEvent::Delta { .. })),
        "partial text still delivered"
    );
}

#[test]
fn invalid_json_is_an_error_not_a_panic() {
    let events = run_whole(&format!("{HELLO}\n\ndata: {{not json\n\ndata: [DONE]\n\n"));
    assert_eq!(events.last(), Some(&Err("ServerError".into())));
}

#[test]
fn mid_stream_error_with_string_code() {
    let text = format!("{HELLO}\n\ndata: {{\"error\":{{\"code\":\"server_error\",\"message\":\"boom\"}},\"choices\":[{{\"delta\":{{\"content\":\"\"}},\"finish_reason\":\"error\"}}]}}\n\n");
    let events = run_whole(&text);
    assert_eq!(events.last(), Some(&Err("Interrupted".into())));
    assert_eq!(
        events.iter().filter(|e| e.is_err()).count(),
        1,
        "one error ends the stream"
    );
}

#[test]
fn finish_reason_error_in_choice_is_an_error() {
    let text = format!("{HELLO}\n\ndata: {{\"choices\":[{{\"delta\":{{}},\"finish_reason\":\"error\",\"error\":{{\"code\":502,\"message\":\"upstream\"}}}}]}}\n\ndata: [DONE]\n\n");
    assert_eq!(run_whole(&text).last(), Some(&Err("Interrupted".into())));
}

#[test]
fn empty_completion_is_reported() {
    let text = "data: {\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    assert_eq!(run_whole(text).last(), Some(&Err("EmptyReply".into())));
}

#[test]
fn network_error_disguised_as_stop_is_interrupted() {
    let text = format!("{HELLO}\n\ndata: {{\"choices\":[{{\"delta\":{{}},\"finish_reason\":\"stop\",\"native_finish_reason\":\"network_error\"}}]}}\n\ndata: [DONE]\n\n");
    assert_eq!(run_whole(&text).last(), Some(&Err("Interrupted".into())));
}

#[test]
fn multi_line_data_is_joined() {
    let text = "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n";
    assert_eq!(summary(&run_whole(text)).0, "ok");
}

#[test]
fn a_huge_single_event_is_linear_and_bounded() {
    let big = "x".repeat(4 * 1024 * 1024);
    let text = format!(
        "data: {{\"choices\":[{{\"delta\":{{\"content\":\"{big}\"}}}}]}}\n\ndata: [DONE]\n\n"
    );
    let chunks: Vec<Vec<u8>> = text.as_bytes().chunks(1460).map(<[u8]>::to_vec).collect();
    let (content, _, _) = summary(&run(chunks));
    assert_eq!(content.len(), big.len());

    let endless = vec![b'x'; 1024 * 1024];
    let mut chunks = vec![b"data: ".to_vec()];
    chunks.extend(std::iter::repeat_n(
        endless,
        MAX_EVENT_BYTES / (1024 * 1024) + 1,
    ));
    assert_eq!(run(chunks).last(), Some(&Err("ServerError".into())));
}
