use super::*;
use crate::history::{MessageEnd, MessageStatus};

fn finish(store: &HistoryStore, id: i64) {
    store
        .finish_assistant_message(
            id,
            MessageEnd {
                status: MessageStatus::Complete,
                finish_reason: Some("stop".into()),
                native_finish_reason: None,
                model: Some("openai/gpt-4o-mini".into()),
                provider: Some("OpenAI".into()),
                generation_id: None,
                usage: None,
                error_json: None,
            },
        )
        .unwrap();
}

fn texts(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|h| h.snippet.iter().map(|p| p.text.as_str()).collect())
        .collect()
}

fn search(store: &HistoryStore, text: &str) -> Vec<SearchHit> {
    store.search_messages(&SearchQuery::new(text)).unwrap()
}

#[test]
fn a_reply_is_found_only_once_it_has_finished_streaming() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("Animals", "m/x").unwrap();
    let reply = s.start_assistant_message(c.id, "m/x").unwrap();
    s.append_to_message(reply.id, "Quokkas are small marsupials.", "")
        .unwrap();
    assert!(
        search(&s, "marsupials").is_empty(),
        "not indexed while streaming"
    );
    finish(&s, reply.id);
    let hits = search(&s, "marsupials");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message_id, reply.id);
    assert_eq!(hits[0].conversation_title, "Animals");
    assert!(hits[0]
        .snippet
        .iter()
        .any(|p| p.hit && p.text.eq_ignore_ascii_case("marsupials")));
}

#[test]
fn accents_cjk_emoji_prefixes_and_phrases_are_found() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("Mixed", "m/x").unwrap();
    for text in [
        "Un café crème, s'il vous plaît",
        "東京タワーは高いです",
        "Deploy went fine 🚀 today",
        "the quick brown fox jumps",
    ] {
        s.add_user_message(c.id, text).unwrap();
    }
    assert_eq!(search(&s, "cafe").len(), 1, "accents are folded");
    assert_eq!(search(&s, "タワー").len(), 1, "CJK inside a run of text");
    assert_eq!(search(&s, "🚀").len(), 1, "emoji");
    assert_eq!(search(&s, "jum*").len(), 1, "prefix");
    assert_eq!(search(&s, "\"brown fox\"").len(), 1, "phrase");
    assert!(
        search(&s, "\"fox brown\"").is_empty(),
        "a phrase keeps its order"
    );
}

#[test]
fn hostile_queries_never_fail() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    s.add_user_message(c.id, "AND or NEAR col: text").unwrap();
    for q in [
        "\"",
        "AND",
        "*",
        "NEAR(",
        "col:",
        "\"unbalanced",
        "a OR",
        "-x",
        "^",
        "(",
        "''",
        "",
        "   ",
        "!!!",
    ] {
        assert!(s.search_messages(&SearchQuery::new(q)).is_ok(), "{q:?}");
    }
    assert!(search(&s, "").is_empty());
    assert!(search(&s, "!!!").is_empty());
    assert_eq!(search(&s, "NEAR").len(), 1, "operators are plain words");
}

#[test]
fn filters_model_dates_starred_and_order() {
    let s = HistoryStore::open_in_memory().unwrap();
    let a = s.create_conversation("A", "m/x").unwrap();
    let b = s.create_conversation("B", "m/x").unwrap();
    let first = s.add_user_message(a.id, "needle one").unwrap();
    let reply = s.start_assistant_message(b.id, "m/x").unwrap();
    s.append_to_message(reply.id, "needle two", "").unwrap();
    finish(&s, reply.id);
    s.set_starred(b.id, true).unwrap();

    let mut q = SearchQuery::new("needle");
    q.starred_only = true;
    let hits = s.search_messages(&q).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.conversation_id).collect::<Vec<_>>(),
        [b.id]
    );

    let mut q = SearchQuery::new("needle");
    q.model = Some("openai/gpt-4o-mini".into());
    assert_eq!(
        s.search_messages(&q).unwrap().len(),
        1,
        "only the reply has that model"
    );

    let mut q = SearchQuery::new("needle");
    q.to_ms = Some(first.created_at);
    assert!(
        s.search_messages(&q).unwrap().is_empty(),
        "to_ms is exclusive"
    );
    q.to_ms = None;
    q.from_ms = Some(first.created_at);
    assert_eq!(s.search_messages(&q).unwrap().len(), 2);

    let mut q = SearchQuery::new("needle");
    q.order = SearchOrder::Newest;
    let hits = s.search_messages(&q).unwrap();
    assert_eq!(hits[0].message_id, reply.id, "newest first");
    assert_eq!(texts(&hits).len(), 2);
}

#[test]
fn deleted_and_edited_messages_leave_the_index() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    let m = s.add_user_message(c.id, "ephemeral words").unwrap();
    assert_eq!(search(&s, "ephemeral").len(), 1);
    s.delete_message(m.id).unwrap();
    assert!(search(&s, "ephemeral").is_empty());
    s.add_user_message(c.id, "kept words").unwrap();
    s.delete_conversation(c.id).unwrap();
    assert!(search(&s, "kept").is_empty());
    assert!(
        s.check_search_index().unwrap(),
        "the index matches the messages"
    );
}

#[test]
fn snippet_text_is_plain_text() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    s.add_user_message(c.id, "<img src=x onerror=alert(1)> payload here")
        .unwrap();
    let hits = search(&s, "payload");
    let joined = texts(&hits).concat();
    assert!(
        joined.contains("<img src=x onerror=alert(1)>"),
        "kept verbatim as text: {joined}"
    );
}
