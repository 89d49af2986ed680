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
                timing: Default::default(),
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

fn parts(hit: &SearchHit) -> Vec<(&str, bool)> {
    hit.snippet
        .iter()
        .map(|p| (p.text.as_str(), p.hit))
        .collect()
}

fn hit_texts(hit: &SearchHit) -> Vec<&str> {
    hit.snippet
        .iter()
        .filter(|p| p.hit)
        .map(|p| p.text.as_str())
        .collect()
}

fn found(hits: &[SearchHit]) -> Vec<i64> {
    hits.iter().map(|h| h.message_id).collect()
}

fn store_with(texts: &[&str]) -> (HistoryStore, Vec<i64>) {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    let ids = texts
        .iter()
        .map(|t| s.add_user_message(c.id, t).unwrap().id)
        .collect();
    (s, ids)
}

#[test]
fn the_query_parser_quotes_every_term_and_keeps_only_searchable_ones() {
    let t = |text: &str, prefix: bool| Term {
        text: text.into(),
        prefix,
    };
    assert_eq!(
        parse_terms(r#"  hello "brown fox"  pyth* "open ph"* x* "#),
        [
            t("hello", false),
            t("brown fox", false),
            t("pyth", true),
            t("open ph", true),
            t("x", false) // a one-letter prefix is a word
        ]
    );
    assert_eq!(
        parse_terms(r#"say "unbalanced quote"#),
        [t("say", false), t("unbalanced quote", false)]
    );
    assert_eq!(parse_terms(r#"" * ** : ( ) !!! -- ^"#), []);
    assert_eq!(
        parse_terms("a\u{0}b\tc\nd"),
        [t("a", false), t("b", false), t("c", false), t("d", false)]
    );
    assert_eq!(
        parse_terms(r#"foo"bar""#),
        [t("foo", false), t("bar", false)]
    );
    assert_eq!(
        parse_terms(r#""  spaced    out  ""#),
        [t("spaced out", false)]
    );
    assert_eq!(parse_terms("🎉"), [t("🎉", false)]);
    let many = "w ".repeat(100);
    assert_eq!(parse_terms(&many).len(), MAX_TERMS);
    assert_eq!(quoted(r#"a"b"#), r#""a""b""#);
}

#[test]
fn hostile_and_random_queries_never_fail() {
    let (s, _) = store_with(&[
        "AND OR NOT NEAR col: content rowid rank",
        "東京タワー 🎉 café",
        "\"quoted\" (paren) {brace} [bracket] ^caret* -minus +plus",
    ]);
    let fixed = [
        "\"",
        "\"\"",
        "\"\"\"",
        "AND",
        "OR",
        "NOT",
        "*",
        "**",
        "NEAR(",
        "NEAR(a b, 3)",
        "col:",
        "content:cafe",
        "{content}: x",
        "\"unbalanced",
        "unbalanced\"",
        "a OR",
        "OR a",
        "(a",
        "a)",
        "^a",
        "-a",
        "+a",
        "a:b",
        "rank:",
        "rowid",
        "'",
        "''",
        "\\",
        "%",
        "_",
        "\u{0}",
        "\u{FEFF}",
        "\u{200D}",
        "\u{E000}",
        "東",
        "\"東京",
        "東京*",
        "*東京",
        "🎉*",
        "\"🎉\"",
        "NEAR(東京 タワー)",
        "a\"b\"c",
        "x*y*z",
        "e\u{301}",
    ];
    for q in fixed {
        let result = s.search_messages(&SearchQuery::new(q));
        assert!(result.is_ok(), "{q:?}: {result:?}");
    }
    // A deterministic stream of strings made of FTS5's syntax characters, words and CJK.
    let alphabet: Vec<&str> = vec![
        "\"", "*", "(", ")", ":", "^", "-", "+", "{", "}", " ", " ", "AND", "OR", "NOT", "NEAR",
        "a", "cafe", "東", "京", "🎉", ",", ".", "'", "\\", "\u{0}", "rowid", "col", "content",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let mut q = String::new();
        for _ in 0..(state % 9) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            q.push_str(alphabet[(state >> 33) as usize % alphabet.len()]);
        }
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        for order in [SearchOrder::Relevance, SearchOrder::Newest] {
            let mut query = SearchQuery::new(q.clone());
            query.order = order;
            let result = s.search_messages(&query);
            assert!(result.is_ok(), "{q:?}: {result:?}");
        }
    }
}

#[test]
fn accents_and_case_fold_both_ways() {
    let (s, ids) = store_with(&[
        "Un café crème",
        "Ærøskøbing and naïve résumé",
        "CAFE LATTE in capitals",
        "Straße",
    ]);
    assert_eq!(ids_sorted(&search(&s, "cafe")), [ids[0], ids[2]]);
    assert_eq!(ids_sorted(&search(&s, "CAFÉ")), [ids[0], ids[2]]);
    assert_eq!(found(&search(&s, "naive resume")), [ids[1]]);
    assert_eq!(found(&search(&s, "creme")), [ids[0]]);
    assert_eq!(
        found(&search(&s, "strasse")),
        Vec::<i64>::new(),
        "ß is a letter, not ss"
    );
    assert_eq!(found(&search(&s, "straße")), [ids[3]]);
    let hit = &search(&s, "creme")[0];
    assert_eq!(
        hit_texts(hit),
        ["crème"],
        "the snippet shows the text as written"
    );
}

fn ids_sorted(hits: &[SearchHit]) -> Vec<i64> {
    let mut v = found(hits);
    v.sort_unstable();
    v
}

#[test]
fn japanese_chinese_korean_and_thai_are_found_inside_unspaced_text() {
    let (s, ids) = store_with(&[
        "東京タワーに行きました。とても楽しかった",
        "私は東京",                     // the term is the very end of the message
        "我们明天去北京看数据库的会议", // Chinese
        "서울에서 만나요",              // Korean, a particle attached to the word
        "ผมชอบกินข้าวผัด",                 // Thai, no spaces
        "猫",                           // a whole message of one character
        "京都の猫カフェ",
    ]);
    assert_eq!(
        ids_sorted(&search(&s, "東京")),
        [ids[0], ids[1]],
        "two characters"
    );
    assert_eq!(found(&search(&s, "タワー")), [ids[0]]);
    assert_eq!(
        found(&search(&s, "楽しかった")),
        [ids[0]],
        "the end of a message"
    );
    assert_eq!(found(&search(&s, "北京")), [ids[2]]);
    assert_eq!(found(&search(&s, "数据库")), [ids[2]]);
    assert_eq!(found(&search(&s, "서울")), [ids[3]]);
    assert_eq!(found(&search(&s, "กินข้าว")), [ids[4]]);
    assert_eq!(
        ids_sorted(&search(&s, "猫")),
        [ids[5], ids[6]],
        "one character"
    );
    assert_eq!(
        found(&search(&s, "京都 カフェ")),
        [ids[6]],
        "two terms: both must match"
    );
    assert!(search(&s, "大阪").is_empty());
    assert!(search(&s, "東京タワーに行きませんでした").is_empty());

    // The highlight is the term, not the trigram it was found through, and the index padding is gone.
    let hit = &search(&s, "東京")
        .into_iter()
        .find(|h| h.message_id == ids[1])
        .unwrap();
    assert_eq!(parts(hit), [("私は", false), ("東京", true)]);
    let hit = &search(&s, "猫")
        .into_iter()
        .find(|h| h.message_id == ids[6])
        .unwrap();
    assert_eq!(
        parts(hit),
        [("京都の", false), ("猫", true), ("カフェ", false)]
    );
    let hit = &search(&s, "タワー")[0];
    assert_eq!(hit_texts(hit), ["タワー"]);
}

#[test]
fn emoji_are_found_alone_and_within_words() {
    let (s, ids) = store_with(&[
        "Ship it 🚀 now",
        "Thanks🙏",
        "I ❤️ this",
        "🎉🎉🎉 party",
        "plain text only",
    ]);
    assert_eq!(found(&search(&s, "🚀")), [ids[0]]);
    assert_eq!(found(&search(&s, "🙏")), [ids[1]]);
    assert_eq!(
        found(&search(&s, "❤️")),
        [ids[2]],
        "with its variation selector"
    );
    assert_eq!(found(&search(&s, "❤")), [ids[2]], "without it");
    assert_eq!(found(&search(&s, "🎉")), [ids[3]]);
    assert_eq!(found(&search(&s, "🎉🎉🎉")), [ids[3]]);
    assert_eq!(
        found(&search(&s, "ship 🚀")),
        [ids[0]],
        "a word and an emoji"
    );
    assert!(search(&s, "plain 🚀").is_empty());
    let hit = &search(&s, "ship 🚀")[0];
    assert_eq!(
        parts(hit),
        [
            ("", false),
            ("Ship", true),
            (" it ", false),
            ("🚀", true),
            (" now", false)
        ]
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .collect::<Vec<_>>(),
        "the word is marked by FTS5, the emoji by hand"
    );
}

#[test]
fn snippets_mark_exactly_the_matched_words_and_cut_long_text() {
    let (s, ids) = store_with(&[
        "the quick brown fox",
        &format!("{} needle {}", "hay ".repeat(200), "stack ".repeat(200)),
    ]);
    let hit = &search(&s, "brown")[0];
    assert_eq!(
        parts(hit),
        [("the quick ", false), ("brown", true), (" fox", false)]
    );
    let hit = &search(&s, "\"quick brown\"")[0];
    assert_eq!(
        parts(hit),
        [("the ", false), ("quick brown", true), (" fox", false)]
    );
    let hit = &search(&s, "qui* fox")[0];
    assert_eq!(hit_texts(hit), ["quick", "fox"]);

    let hit = &search(&s, "needle")[0];
    assert_eq!(hit.message_id, ids[1]);
    let text: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
    assert!(text.chars().count() < 200, "{text}");
    assert_eq!(hit_texts(hit), ["needle"]);
}

#[test]
fn text_that_looks_like_a_marker_stays_text() {
    let (s, _) =
        store_with(&["\u{E000}0000000000000000\u{E001}fake\u{E002}0000000000000000\u{E003} real"]);
    let hit = &search(&s, "real")[0];
    assert_eq!(hit_texts(hit), ["real"]);
    let text: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert!(text.contains("fake"));
}

#[test]
fn limits_are_capped_and_zero_returns_nothing() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    for i in 0..(MAX_SEARCH_LIMIT + 20) {
        s.add_user_message(c.id, &format!("common word {i}"))
            .unwrap();
    }
    for order in [SearchOrder::Relevance, SearchOrder::Newest] {
        let mut q = SearchQuery::new("common");
        q.order = order;
        q.limit = 10_000;
        assert_eq!(s.search_messages(&q).unwrap().len(), MAX_SEARCH_LIMIT);
        q.limit = 0;
        assert!(s.search_messages(&q).unwrap().is_empty());
        q.limit = 5;
        assert_eq!(s.search_messages(&q).unwrap().len(), 5);
    }
}

#[test]
fn relevance_puts_the_best_match_first_and_newest_the_latest() {
    let (s, ids) = store_with(&[
        "rust rust rust rust: all about rust",
        "a long message that mentions rust once among many many other words about other things entirely",
        "rust appears here",
    ]);
    let best = search(&s, "rust");
    assert_eq!(best[0].message_id, ids[0]);
    assert_eq!(best.len(), 3);
    let mut q = SearchQuery::new("rust");
    q.order = SearchOrder::Newest;
    assert_eq!(
        found(&s.search_messages(&q).unwrap()),
        [ids[2], ids[1], ids[0]]
    );
}

#[test]
fn hits_carry_their_conversation_role_and_model_and_archived_ones_are_searched() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("Old project", "m/x").unwrap();
    s.add_user_message(c.id, "zebra question").unwrap();
    let reply = s.start_assistant_message(c.id, "m/x").unwrap();
    s.append_to_message(reply.id, "zebra answer", "zebra thoughts")
        .unwrap();
    finish(&s, reply.id);
    s.set_archived(c.id, true).unwrap();
    let mut q = SearchQuery::new("zebra");
    q.order = SearchOrder::Newest;
    let hits = s.search_messages(&q).unwrap();
    assert_eq!(hits.len(), 2, "archived conversations are searched");
    assert_eq!(hits[0].message_id, reply.id);
    assert_eq!(hits[0].role, Role::Assistant);
    assert_eq!(hits[0].model.as_deref(), Some("openai/gpt-4o-mini"));
    assert_eq!(hits[0].conversation_title, "Old project");
    assert_eq!(hits[1].role, Role::User);
    assert_eq!(hits[1].model, None);
    assert!(
        search(&s, "thoughts").is_empty(),
        "reasoning is not indexed"
    );
    let json = serde_json::to_value(&hits[0]).unwrap();
    assert_eq!(json["role"], "assistant");
    assert_eq!(json["snippet"][0]["text"], "zebra");
    assert_eq!(json["snippet"][0]["hit"], true);
    assert_eq!(json["snippet"][1]["text"], " answer");
    assert_eq!(json["snippet"][1]["hit"], false);
}

#[test]
fn the_index_follows_every_change_and_stays_consistent() {
    let s = HistoryStore::open_in_memory().unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    let reply = s.start_assistant_message(c.id, "m/x").unwrap();
    for word in ["alpha ", "東京タワー ", "omega"] {
        s.append_to_message(reply.id, word, "").unwrap();
        assert!(search(&s, "alpha").is_empty());
        assert!(search(&s, "東京").is_empty());
        assert!(
            s.check_search_index().unwrap(),
            "consistent while streaming"
        );
    }
    s.finish_assistant_message(reply.id, MessageEnd::plain(MessageStatus::Stopped))
        .unwrap();
    assert_eq!(
        found(&search(&s, "omega")),
        [reply.id],
        "a stopped reply is searchable"
    );
    assert_eq!(found(&search(&s, "東京")), [reply.id]);
    // Later corrections of a finished reply do not touch the index…
    s.record_usage(reply.id, &crate::history::UsageRecord::default())
        .unwrap();
    // …an edit does (there is no edit API yet; the triggers must still hold).
    s.write(|tx| {
        tx.execute(
            "UPDATE messages SET content = 'beta 北京大学' WHERE id = ?1",
            [reply.id],
        )?;
        Ok(())
    })
    .unwrap();
    assert!(search(&s, "alpha").is_empty());
    assert!(search(&s, "東京").is_empty());
    assert_eq!(found(&search(&s, "beta")), [reply.id]);
    assert_eq!(found(&search(&s, "北京")), [reply.id]);
    assert!(s.check_search_index().unwrap());
    s.rebuild_search_index().unwrap();
    s.optimize_search_index().unwrap();
    assert_eq!(found(&search(&s, "北京")), [reply.id]);
    s.delete_conversation(c.id).unwrap();
    assert!(search(&s, "北京").is_empty());
    assert!(search(&s, "beta").is_empty());
    assert!(s.check_search_index().unwrap());
}

#[test]
fn a_damaged_index_is_detected_and_rebuilt() {
    let (s, ids) = store_with(&["indexed words", "東京タワー"]);
    // Change the text behind the index's back, as a foreign tool with the triggers dropped might.
    s.write(|tx| {
        tx.execute_batch(
            "DROP TRIGGER messages_fts_before_update; DROP TRIGGER messages_fts_after_update;
             UPDATE messages SET content = 'other words';",
        )?;
        Ok(())
    })
    .unwrap();
    assert!(!s.check_search_index().unwrap());
    s.rebuild_search_index().unwrap();
    assert!(s.check_search_index().unwrap());
    assert_eq!(ids_sorted(&search(&s, "other")), ids);
}

#[test]
fn a_reply_interrupted_by_a_crash_becomes_searchable_when_the_store_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let reply = {
        let s = HistoryStore::open(&path).unwrap();
        let c = s.create_conversation("t", "m/x").unwrap();
        let reply = s.start_assistant_message(c.id, "m/x").unwrap();
        s.append_to_message(reply.id, "half written kangaroo", "")
            .unwrap();
        assert!(search(&s, "kangaroo").is_empty());
        reply.id
    };
    let s = HistoryStore::open(&path).unwrap();
    assert_eq!(found(&search(&s, "kangaroo")), [reply]);
    assert!(s.check_search_index().unwrap());
}

#[test]
fn searches_run_on_the_reader_connections_of_a_file_store() {
    let dir = tempfile::tempdir().unwrap();
    let s = HistoryStore::open(&dir.path().join("h.sqlite3")).unwrap();
    let c = s.create_conversation("t", "m/x").unwrap();
    s.add_user_message(c.id, "reader test 東京 🎉").unwrap();
    for q in ["reader", "東京", "🎉", "reader 東京"] {
        assert_eq!(search(&s, q).len(), 1, "{q}");
    }
}

#[test]
fn delete_all_history_empties_the_indexes_and_search_works_after() {
    let (s, _) = store_with(&["before words", "東京の前"]);
    s.delete_all_history().unwrap();
    assert!(search(&s, "before").is_empty());
    assert!(search(&s, "東京").is_empty());
    assert!(s.check_search_index().unwrap());
    let c = s.create_conversation("after", "m/x").unwrap();
    let m = s.add_user_message(c.id, "after words 大阪の後").unwrap();
    assert_eq!(found(&search(&s, "after")), [m.id], "the triggers are back");
    assert_eq!(found(&search(&s, "大阪")), [m.id]);
    assert!(s.check_search_index().unwrap());
}

#[test]
fn the_index_is_walked_newest_first_and_never_sorted_whole() {
    let (s, _) = store_with(&["x", "a word and a party 🎉🎉 here"]);
    let plan = |text: &str, filtered: bool| -> String {
        let mut q = SearchQuery::new(text);
        if filtered {
            q.model = Some("m".into());
            q.starred_only = true;
            q.from_ms = Some(0);
        }
        s.read(|conn| {
            let plan = Plan::new(conn, parse_terms(&q.text))?.unwrap();
            // Both orders walk the index the same way: newest takes the first `limit` rows, relevance
            // the first RELEVANCE_WINDOW, and ranks them in Rust.
            let (sql, more) = plan.select_sql(&q, "messages_fts.rowid", 2);
            let mut args = vec![Value::Text(plan.primary_match.clone())];
            args.extend(more);
            let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let mut rows = explain.query(params_from_iter(args))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(row.get::<_, String>(3)?);
            }
            Ok(out.join(" | "))
        })
        .unwrap()
    };
    // "word 🎉": the emoji's trigram matches filter the word matches; written without `+` the planner made
    // that list a rowid lookup, ran the words query once per trigram match and sorted everything (1.5 s).
    for (text, filtered) in [("word", false), ("word", true), ("word 🎉", false)] {
        let plan = plan(text, filtered);
        assert!(
            plan.starts_with("SCAN messages_fts VIRTUAL TABLE"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}

#[test]
fn a_long_snippet_shows_the_window_with_the_most_different_matched_words() {
    let filler = |w: &str| format!("{w} ").repeat(40);
    let text = format!(
        "{}alpha {}alpha beta gamma {}alpha",
        filler("one"),
        filler("two"),
        filler("three")
    );
    let (s, _) = store_with(&[&text]);
    let hit = &search(&s, "alpha beta gamma")[0];
    assert_eq!(hit_texts(hit), ["alpha", "beta", "gamma"]);
    let shown: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert!(
        shown.starts_with("…two two") && shown.ends_with("three three…"),
        "{shown}"
    );
    assert_eq!(words_in(&shown), WORD_SNIPPET_TOKENS, "{shown}");
}

#[test]
fn a_snippet_of_the_trigram_index_counts_characters() {
    let text = format!("{}東京タワー{}", "あ".repeat(100), "い".repeat(100));
    let (s, _) = store_with(&[&text]);
    let hit = &search(&s, "東京")[0];
    assert_eq!(hit_texts(hit), ["東京"]);
    let shown: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(shown.chars().count(), TRIGRAM_SNIPPET_TOKENS + 2, "{shown}");
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
}

#[test]
fn a_match_at_the_end_of_a_long_text_ends_its_snippet() {
    let parts = vec![
        SnippetPart {
            text: "x ".repeat(30),
            hit: false,
        },
        SnippetPart {
            text: "hit".into(),
            hit: true,
        },
    ];
    let cut = cut_snippet(parts, Index::Words);
    assert!(cut[0].text.starts_with('…') && !cut[0].hit, "{cut:?}");
    assert_eq!(
        cut.last(),
        Some(&SnippetPart {
            text: "hit".into(),
            hit: true
        })
    );
    let no_hits = cut_snippet(
        vec![SnippetPart {
            text: "w ".repeat(30),
            hit: false,
        }],
        Index::Words,
    );
    let shown: String = no_hits.iter().map(|p| p.text.as_str()).collect();
    assert!(
        shown.starts_with("w w") && shown.ends_with('…'),
        "the start: {shown}"
    );
}
