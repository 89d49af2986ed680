//! Real-window tests: the release app under Xvfb, driven through tauri-driver and WebKitWebDriver by
//! visible labels and roles, talking to the mock OpenRouter server. Run them with `make e2e` (which
//! sets up the X server, D-Bus, an unlocked gnome-keyring, the mock and tauri-driver).
//!
//! The tests share the session's keyring, so they run in name order on one thread: the first one
//! starts with no key and stores one, the later ones find it there, as a returning user would.

use std::path::PathBuf;
use std::time::Duration;

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use serde_json::{json, Value};
use thirtyfour::prelude::*;

const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);
const GOOD_KEY: &str = "sk-or-v1-e2e0000000000000000000000000000000000000000000000000000000000";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run these tests with `make e2e`"))
}

fn mock_origin() -> String {
    env("E2E_MOCK_URL").trim_end_matches("/api/v1").to_owned()
}

/// A fresh data directory, or a named one that survives between app launches within the run.
fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ord-e2e-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("data dir");
    dir
}

async fn launch(data: &std::path::Path, extra_args: &[&str]) -> WebDriver {
    let mut args = vec![json!("--data-dir"), json!(data)];
    args.extend(extra_args.iter().map(|a| json!(a)));
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({"application": env("E2E_APP"), "args": args}),
    );
    WebDriver::new(env("E2E_DRIVER_URL"), caps)
        .await
        .expect("tauri-driver starts the app")
}

/// Launches the app, runs `test` against it, and always ends the session (one app at a time): a
/// failing test leaves a screenshot named after it instead of a stray window.
async fn with_app<F, Fut>(data: &std::path::Path, name: &str, test: F)
where
    F: FnOnce(WebDriver) -> Fut,
    Fut: Future<Output = ()>,
{
    with_app_args(data, &[], name, test).await;
}

async fn with_app_args<F, Fut>(data: &std::path::Path, args: &[&str], name: &str, test: F)
where
    F: FnOnce(WebDriver) -> Fut,
    Fut: Future<Output = ()>,
{
    let driver = launch(data, args).await;
    let result = AssertUnwindSafe(test(driver.clone())).catch_unwind().await;
    if result.is_err() {
        screenshot(&driver, &format!("FAILED-{name}")).await;
    }
    let _ = driver.quit().await;
    // An app left with no window (in the tray) may outlive its session: never let it hold the shortcut or
    // the single-instance name into the next test.
    // Gone for good before the next launch: a dying app still holds its single-instance name.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Some(pid) = acceptance::desktop::app_pid(data) {
        if tokio::time::Instant::now() >= deadline {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
        }
        tokio::time::sleep(POLL).await;
    }
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

async fn screenshot(driver: &WebDriver, name: &str) {
    let dir = PathBuf::from(env("E2E_ARTIFACTS"));
    // A hidden window's screenshot never comes back (WebKitWebDriver): give up rather than hang.
    let shot = tokio::time::timeout(Duration::from_secs(5), driver.screenshot_as_png()).await;
    if let Ok(Ok(png)) = shot {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

#[path = "e2e_desktop/mod.rs"]
mod t60_desktop;

async fn mock(path: &str, body: Option<Value>) -> Value {
    let client = reqwest::Client::new();
    let url = format!("{}/__mock/{path}", mock_origin());
    let request = match body {
        Some(b) => client.post(url).json(&b),
        None => client.get(url),
    };
    let response = request.send().await.expect("mock answers");
    response.json().await.unwrap_or(Value::Null)
}

async fn by_css(driver: &WebDriver, css: &str) -> WebElement {
    driver
        .query(By::Css(css))
        .wait(WAIT, POLL)
        .and_displayed()
        .first()
        .await
        .unwrap_or_else(|e| panic!("no visible element {css}: {e}"))
}

/// A text field by its accessible name: `aria-label`, or the text of its `<label for>`.
async fn field(driver: &WebDriver, name: &str) -> WebElement {
    let xpath = format!(
        "//*[(self::input or self::textarea) and (@aria-label='{name}' or @id=//label[normalize-space()='{name}']/@for)]"
    );
    driver
        .query(By::XPath(&xpath))
        .wait(WAIT, POLL)
        .and_displayed()
        .first()
        .await
        .unwrap_or_else(|e| panic!("no visible field “{name}”: {e}"))
}

async fn button(driver: &WebDriver, text: &str) -> WebElement {
    let xpath = format!("//button[normalize-space()='{text}']");
    driver
        .query(By::XPath(&xpath))
        .wait(WAIT, POLL)
        .and_displayed()
        .first()
        .await
        .unwrap_or_else(|e| panic!("no visible button “{text}”: {e}"))
}

/// The last assistant message once its status is one of `statuses`.
async fn assistant_reply(driver: &WebDriver, statuses: &[&str]) -> WebElement {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(all) = driver
            .find_all(By::Css("article[data-role='assistant']"))
            .await
        {
            if let Some(last) = all.last() {
                let status = last
                    .attr("data-status")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if statuses.contains(&status.as_str()) {
                    return last.clone();
                }
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no assistant reply with status {statuses:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

async fn send(driver: &WebDriver, text: &str) {
    // A dialog closes only once its work is done (Routing's Save waits for the save): keys typed while it
    // is still open go to the dialog, not to the inert composer behind it.
    wait_until("no open dialog", || async {
        driver
            .find_all(By::Css("dialog[open]"))
            .await
            .map(|d| d.is_empty())
            .unwrap_or(false)
    })
    .await;
    let input = field(driver, "Message").await;
    input.send_keys(text).await.expect("type");
    wait_until("the message typed in the composer", || async {
        let value = input.prop("value").await.ok().flatten().unwrap_or_default();
        value.ends_with(text)
    })
    .await;
    input.send_keys(Key::Enter).await.expect("enter");
}

async fn last_chat_request() -> Value {
    chat_requests()
        .await
        .pop()
        .expect("the mock received a chat request")
}

#[tokio::test]
async fn t1_first_run_asks_for_a_key_checks_it_and_keeps_it() {
    let dir = data_dir("first-run");
    with_app(&dir, "t1", |driver| async move {
        let heading = by_css(&driver, "h1").await.text().await.expect("text");
        assert_eq!(heading, "Welcome to OpenRouter Desktop");
        screenshot(&driver, "01-first-run").await;

        let input = field(&driver, "OpenRouter API key").await;
        input.send_keys("sk-or-v1-bad-key").await.expect("type");
        button(&driver, "Save key")
            .await
            .click()
            .await
            .expect("click");
        let alert = by_css(&driver, "[role='alert']").await;
        let text = alert.text().await.expect("alert text");
        assert!(text.contains("did not accept your API key"), "{text}");
        screenshot(&driver, "02-bad-key").await;

        let input = field(&driver, "OpenRouter API key").await;
        input.clear().await.expect("clear");
        input.send_keys(GOOD_KEY).await.expect("type");
        button(&driver, "Save key")
            .await
            .click()
            .await
            .expect("click");
        field(&driver, "Message").await;
        screenshot(&driver, "03-key-saved").await;
        let page = driver.source().await.expect("page source");
        assert!(
            !page.contains(GOOD_KEY),
            "the key must not stay in the page"
        );
    })
    .await;

    // A restart finds the key in the keyring: straight to the chat.
    with_app(&dir, "t1-restart", |driver| async move {
        field(&driver, "Message").await;
    })
    .await;
}

#[tokio::test]
async fn t2_a_reply_streams_in_and_the_conversation_survives_a_restart() {
    let dir = data_dir("restart");
    with_app(&dir, "t2", |driver| async move {
        mock("reset", Some(json!({}))).await;
        send(&driver, "Hello from the end-to-end test").await;
        let reply = assistant_reply(&driver, &["complete"]).await;
        let text = reply.text().await.expect("reply text");
        assert!(
            text.contains("Hello from the end-to-end test"),
            "mock echoes the prompt: {text}"
        );
        assert!(
            reply.find(By::Css("pre code")).await.is_ok(),
            "markdown code block rendered"
        );
        screenshot(&driver, "04-streamed-reply").await;

        let request = last_chat_request().await;
        assert_eq!(request["body"]["stream"], json!(true));
        assert_eq!(request["body"]["usage"], json!({"include": true}));
        assert!(request["body"]["model"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    })
    .await;

    with_app(&dir, "t2-restart", |driver| async move {
        let nav = by_css(&driver, "nav[aria-label='Conversations']").await;
        let entry = nav
            .query(By::XPath(
                ".//button[contains(., 'Hello from the end-to-end test')]",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the conversation is listed after a restart");
        entry.click().await.expect("open it");
        let reply = assistant_reply(&driver, &["complete"]).await;
        assert!(reply
            .text()
            .await
            .expect("text")
            .contains("Hello from the end-to-end test"));
        screenshot(&driver, "05-after-restart").await;
    })
    .await;
}

#[tokio::test]
async fn t3_stop_ends_the_stream_and_keeps_the_partial_reply() {
    with_app(&data_dir("stop"), "t3", |driver| async move {
        mock(
            "scenario",
            Some(json!({"scenario": "slow", "chunks": 200, "delay_ms": 100})),
        )
        .await;
        send(&driver, "Tell me a long story").await;
        let streaming = assistant_reply(&driver, &["streaming"]).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while streaming.text().await.unwrap_or_default().trim().is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "some text arrives");
            tokio::time::sleep(POLL).await;
        }
        button(&driver, "Stop").await.click().await.expect("stop");
        let reply = assistant_reply(&driver, &["stopped"]).await;
        let kept = reply.text().await.expect("text");
        assert!(kept.contains("Stopped"), "{kept}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            reply.text().await.expect("text"),
            kept,
            "nothing arrives after Stop"
        );
        screenshot(&driver, "06-stopped").await;
    })
    .await;
}

#[tokio::test]
async fn t4_no_credits_reads_as_a_sentence_with_a_way_out() {
    with_app(&data_dir("402"), "t4", |driver| async move {
        mock(
            "scenario",
            Some(json!({"scenario": "http_error", "status": 402})),
        )
        .await;
        send(&driver, "Will this cost money?").await;
        let reply = assistant_reply(&driver, &["error"]).await;
        let text = reply.text().await.expect("text");
        assert!(text.contains("pays for about 2,666"), "{text}");
        reply
            .query(By::XPath(".//button[normalize-space()='Add credits']"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("an Add credits button");
        screenshot(&driver, "07-no-credits").await;
        // The mock, like OpenRouter, says what the credits cover: the shorter reply asks for exactly that.
        reply
            .query(By::XPath(
                ".//button[normalize-space()='Try a shorter reply (up to 2,666 tokens)']",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("a shorter-reply button")
            .click()
            .await
            .expect("click");
        let again = assistant_reply(&driver, &["complete"]).await;
        assert!(again
            .text()
            .await
            .expect("text")
            .contains("Will this cost money?"));
        assert_eq!(last_chat_request().await["body"]["max_tokens"], 2666);
    })
    .await;
}

#[tokio::test]
async fn t5_a_stream_that_dies_midway_keeps_the_text_and_offers_retry() {
    with_app(&data_dir("mid-stream"), "t5", |driver| async move {
        mock("scenario", Some(json!({"scenario": "mid_stream_error"}))).await;
        send(&driver, "Start, then fail").await;
        let reply = assistant_reply(&driver, &["interrupted"]).await;
        let text = reply.text().await.expect("text");
        assert!(text.contains("Interrupted"), "{text}");
        screenshot(&driver, "08-interrupted").await;
        let retry = reply
            .query(By::XPath(".//button[normalize-space()='Retry']"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("a Retry button");
        retry.click().await.expect("retry");
        let again = assistant_reply(&driver, &["complete"]).await;
        assert!(again
            .text()
            .await
            .expect("text")
            .contains("Start, then fail"));
        screenshot(&driver, "09-retried").await;
    })
    .await;
}

/// A menu item or button by its visible text.
async fn menu_item(driver: &WebDriver, text: &str) -> WebElement {
    let xpath = format!("//*[(self::button or @role='menuitem') and normalize-space()='{text}']");
    driver
        .query(By::XPath(&xpath))
        .wait(WAIT, POLL)
        .and_displayed()
        .first()
        .await
        .unwrap_or_else(|e| panic!("no visible item “{text}”: {e}"))
}

async fn conversation_actions(driver: &WebDriver, title: &str, action: &str) {
    // The actions button shows on the open (or hovered) conversation, as a user sees it.
    let row = format!("//nav[@aria-label='Conversations']//button[normalize-space()='{title}']");
    driver
        .query(By::XPath(&row))
        .wait(WAIT, POLL)
        .first()
        .await
        .expect("the conversation is listed")
        .click()
        .await
        .expect("open it");
    by_css(driver, &format!("button[aria-label='Actions for {title}']"))
        .await
        .click()
        .await
        .expect("open actions");
    menu_item(driver, action)
        .await
        .click()
        .await
        .expect("choose action");
}

async fn listed(driver: &WebDriver, title: &str) -> bool {
    let xpath = format!("//nav[@aria-label='Conversations']//button[contains(., '{title}')]");
    driver
        .find_all(By::XPath(&xpath))
        .await
        .is_ok_and(|found| !found.is_empty())
}

/// Ctrl+K from the composer and `words` typed into the search dialog: its first highlighted match.
async fn search_history(driver: &WebDriver, words: &str) -> WebElement {
    field(driver, "Message")
        .await
        .send_keys(Key::Control + "k")
        .await
        .expect("ctrl+k");
    field(driver, "Search messages")
        .await
        .send_keys(words)
        .await
        .expect("type");
    by_css(
        driver,
        "[role='dialog'][aria-label='Search conversations'] mark",
    )
    .await
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

#[tokio::test]
async fn t6_search_finds_a_word_from_an_earlier_conversation() {
    with_app(&data_dir("history"), "t6", |driver| async move {
        send(&driver, "Tell me about quokkas").await;
        assistant_reply(&driver, &["complete"]).await;
        button(&driver, "New chat")
            .await
            .click()
            .await
            .expect("new chat");
        send(&driver, "Something else entirely").await;
        assistant_reply(&driver, &["complete"]).await;

        let mark = search_history(&driver, "quokka*").await;
        assert!(mark
            .text()
            .await
            .expect("text")
            .to_lowercase()
            .starts_with("quokka"));
        screenshot(&driver, "10-search").await;
        mark.click().await.expect("open the result");
        let opened = "//nav[@aria-label='Conversations']//*[@aria-current='page' and contains(., 'Tell me about quokkas')]";
        driver
            .query(By::XPath(opened))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the result's conversation is open");
        screenshot(&driver, "11-search-opened").await;
    })
    .await;
}

#[tokio::test]
async fn t7_rename_then_delete_with_undo() {
    let dir = data_dir("history");
    with_app(&dir, "t7", |driver| async move {
        conversation_actions(&driver, "Something else entirely", "Rename").await;
        let title = field(&driver, "Conversation title").await;
        title.send_keys(Key::Control + "a").await.expect("select");
        title.send_keys("Renamed chat").await.expect("type");
        title.send_keys(Key::Enter).await.expect("enter");
        wait_until("the new title", || async {
            listed(&driver, "Renamed chat").await
        })
        .await;
        screenshot(&driver, "12-renamed").await;

        conversation_actions(&driver, "Renamed chat", "Delete").await;
        wait_until("the row to go", || async {
            !listed(&driver, "Renamed chat").await
        })
        .await;
        screenshot(&driver, "13-deleted-undo").await;
        button(&driver, "Undo").await.click().await.expect("undo");
        wait_until("the row to come back", || async {
            listed(&driver, "Renamed chat").await
        })
        .await;

        conversation_actions(&driver, "Renamed chat", "Delete").await;
        // The delete is committed when the undo time (6 s) has passed.
        tokio::time::sleep(Duration::from_secs(8)).await;
    })
    .await;
    with_app(&dir, "t7-restart", |driver| async move {
        wait_until("the list", || async {
            listed(&driver, "Tell me about quokkas").await
        })
        .await;
        assert!(!listed(&driver, "Renamed chat").await, "deleted for good");
    })
    .await;
}

#[tokio::test]
async fn t8_export_a_conversation_to_markdown() {
    let export_dir = data_dir("exports");
    let export_arg = export_dir.to_string_lossy().into_owned();
    with_app_args(
        &data_dir("history"),
        &["--export-dir", &export_arg],
        "t8",
        |driver| async move {
            conversation_actions(&driver, "Tell me about quokkas", "Export as Markdown").await;
            // The element that holds the sentence itself (not an ancestor, whose text WebKit may
            // compute differently).
            let status = driver
                .query(By::XPath(
                    "//*[contains(text(), 'Saved 1 conversation to')]",
                ))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("a saved message");
            let text = status.text().await.expect("text");
            assert!(text.contains("openrouter-history.md"), "{text}");
        },
    )
    .await;
    let text =
        std::fs::read_to_string(export_dir.join("openrouter-history.md")).expect("exported file");
    assert!(text.contains("Tell me about quokkas"), "{text}");
    assert!(text.contains("gpt-4o-mini"), "the model is named: {text}");
}

#[tokio::test]
async fn t9_with_no_network_and_no_key_history_is_readable_and_searchable() {
    let dir = data_dir("history");
    // Nothing listens on port 9: every request fails to connect, as when offline.
    let offline = ["--base-url", "http://127.0.0.1:9/api/v1"];
    with_app_args(&dir, &offline, "t9-offline", |driver| async move {
        let nav = by_css(&driver, "nav[aria-label='Conversations']").await;
        nav.query(By::XPath(".//button[contains(., 'Tell me about quokkas')]"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("listed")
            .click()
            .await
            .expect("open");
        let reply = assistant_reply(&driver, &["complete"]).await;
        assert!(reply.text().await.expect("text").contains("quokkas"));
        send(&driver, "Are you there?").await;
        let failed = assistant_reply(&driver, &["error"]).await;
        assert!(failed
            .text()
            .await
            .expect("text")
            .contains("Cannot reach OpenRouter"));
        screenshot(&driver, "14-offline").await;

        // Forget the key (the last test to need it), then start again with neither key nor network.
        button(&driver, "Settings")
            .await
            .click()
            .await
            .expect("settings");
        button(&driver, "Forget API key")
            .await
            .click()
            .await
            .expect("forget");
    })
    .await;
    with_app_args(&dir, &offline, "t9-no-key", |driver| async move {
        wait_until("the list", || async {
            listed(&driver, "Tell me about quokkas").await
        })
        .await;
        button(&driver, "Add key").await;
        let send_button = button(&driver, "Send").await;
        assert!(
            !send_button.is_enabled().await.expect("state"),
            "sending is locked without a key"
        );
        search_history(&driver, "quokkas").await;
        screenshot(&driver, "15-no-key-no-network").await;
    })
    .await;
}

/// The heading of the screen the app opens on, once it is there.
async fn heading(driver: &WebDriver, text: &str) -> WebElement {
    let xpath = format!("//h1[normalize-space()='{text}']");
    driver
        .query(By::XPath(&xpath))
        .wait(WAIT, POLL)
        .first()
        .await
        .unwrap_or_else(|e| panic!("no heading “{text}”: {e}"))
}

/// The app is past its start-up screens: the first-run screen when no key is stored (these tests may run
/// before t1 saves one or after t9 forgets it), else the main screen.
async fn started(driver: &WebDriver) {
    driver
        .query(By::XPath(
            "//h1[normalize-space()='Welcome to OpenRouter Desktop'] | //button[normalize-space()='New chat']",
        ))
        .wait(WAIT, POLL)
        .first()
        .await
        .expect("the first-run or the main screen");
}

#[tokio::test]
async fn t20_a_damaged_history_file_is_kept_and_a_fresh_one_started() {
    let dir = data_dir("damaged");
    let file = dir.join("history.sqlite3");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &junk).expect("write junk");
    with_app(&dir, "t20-damaged", |driver| async move {
        heading(&driver, "Your chat history could not be opened").await;
        let alert = by_css(&driver, ".history-problem [role='alert']").await;
        assert!(alert.text().await.expect("text").contains("damaged"));
        screenshot(&driver, "20-damaged-history").await;
        button(&driver, "Start a fresh history")
            .await
            .click()
            .await
            .expect("fresh");
        heading(&driver, "A fresh history was started").await;
        button(&driver, "Continue")
            .await
            .click()
            .await
            .expect("continue");
        started(&driver).await;
    })
    .await;
    let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("history.sqlite3.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept beside: {kept:?}");
    assert_eq!(
        std::fs::read(&kept[0]).expect("kept"),
        junk,
        "byte for byte"
    );
    let fresh = std::fs::read(&file).expect("a new history file");
    assert!(fresh.starts_with(b"SQLite format 3\0"));
}

#[tokio::test]
async fn t21_a_history_from_a_newer_app_is_refused_and_left_untouched() {
    let dir = data_dir("too-new");
    let file = dir.join("history.sqlite3");
    {
        let conn = rusqlite::Connection::open(&file).expect("create");
        conn.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 99;")
            .expect("future schema");
    }
    let before = std::fs::read(&file).expect("read");
    with_app(&dir, "t21-too-new", |driver| async move {
        heading(
            &driver,
            "This chat history needs a newer version of the app",
        )
        .await;
        let fresh = driver
            .find_all(By::XPath(
                "//button[normalize-space()='Start a fresh history']",
            ))
            .await
            .expect("query");
        assert!(fresh.is_empty(), "no fresh start for a file that is fine");
        button(&driver, "Continue without saving")
            .await
            .click()
            .await
            .expect("continue");
        started(&driver).await;
    })
    .await;
    assert_eq!(std::fs::read(&file).expect("read"), before, "unchanged");
}

/// A history of `conversations` conversations, the newest with `long` messages and the others with two,
/// written with the app's own store before the app starts (one JSON import: a few transactions instead
/// of thousands of durable writes).
fn seed_long_history(dir: &std::path::Path, conversations: usize, long: usize) {
    use openrouter_desktop::history::{HistoryStore, EXPORT_FORMAT, EXPORT_VERSION};
    let base = 1_700_000_000_000_i64;
    let list: Vec<Value> = (0..conversations)
        .map(|c| {
            let count = if c + 1 == conversations { long } else { 2 };
            let at = base + 1000 * c as i64;
            let messages: Vec<Value> = (0..count)
                .map(|m| {
                    let (role, content) = if m % 2 == 0 {
                        ("user", format!("Seeded question {m} of chat {c}"))
                    } else {
                        let lines = 1 + m % 6;
                        let text = (0..lines)
                            .map(|l| format!("Seeded answer {m}, paragraph {l}, with some words to wrap."))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                        ("assistant", text)
                    };
                    json!({"role": role, "content": content, "status": "complete",
                           "model": if role == "assistant" { Some("openai/gpt-4o-mini") } else { None },
                           "created_at": at, "updated_at": at})
                })
                .collect();
            json!({"uid": format!("e2e-long-{c}"), "title": format!("Seeded chat {c:03}"),
                   "model": "openai/gpt-4o-mini", "created_at": at, "updated_at": at,
                   "messages": messages})
        })
        .collect();
    let file = json!({"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": base,
                      "conversations": list});
    let store = HistoryStore::open(&dir.join("history.sqlite3")).expect("open the history");
    let report = store.import_json(&file.to_string()).expect("seed");
    assert_eq!(report.conversations_added, conversations);
}

/// Runs `script` in the page and returns its value.
async fn js(driver: &WebDriver, script: &str) -> Value {
    driver
        .execute(script, Vec::<Value>::new())
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
        .json()
        .clone()
}

const LOG_ARTICLES: &str =
    "return document.querySelectorAll(\"[role='log'][aria-label='Messages'] article\").length;";

#[tokio::test]
async fn t30_a_conversation_of_3000_messages_opens_at_once_and_the_sidebar_pages_in() {
    let dir = data_dir("long");
    seed_long_history(&dir, 300, 3000);
    with_app(&dir, "t30-long", |driver| async move {
        let nav = by_css(&driver, "nav[aria-label='Conversations']").await;
        let entry = nav
            .query(By::XPath(".//button[normalize-space()='Seeded chat 299']"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the newest conversation is listed");
        let listed = js(&driver, "return document.querySelectorAll('nav .conversation-list li').length;").await;
        assert!(listed.as_u64().is_some_and(|n| n < 300), "the sidebar starts with one page: {listed}");

        // Open it: the newest message shows, and only a few dozen messages are in the DOM.
        let started = std::time::Instant::now();
        entry.click().await.expect("open");
        driver
            .query(By::XPath("//article[contains(., 'Seeded answer 2999, paragraph 0')]"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the newest message shows");
        let opened = started.elapsed();
        let in_dom = js(&driver, LOG_ARTICLES).await.as_u64().unwrap_or(u64::MAX);
        eprintln!("t30: opened the 3,000-message conversation in {opened:?} with {in_dom} articles in the DOM");
        assert!(in_dom > 0 && in_dom < 100, "{in_dom} message elements in the DOM");
        let bottom = js(&driver, "const l = document.querySelector(\"[role='log']\"); return l.scrollHeight - l.scrollTop - l.clientHeight;").await;
        assert!(bottom.as_f64().is_some_and(|d| d < 30.0), "opened at the bottom: {bottom}");
        screenshot(&driver, "30-long-conversation").await;

        // Scroll up step by step, across older pages arriving: what is on screen never jumps.
        let step = r#"
            const l = document.querySelector("[role='log']");
            const box = l.getBoundingClientRect();
            const seen = Array.from(l.querySelectorAll('article')).find(a => {
                const r = a.getBoundingClientRect();
                return r.bottom > box.top + 1 && r.top < box.bottom;
            });
            if (!seen) return null;
            const before = seen.getBoundingClientRect().top;
            l.scrollTop -= 400;
            return [seen.dataset.messageId, before];
        "#;
        let mut worst: f64 = 0.0;
        let mut steps = 0;
        while steps < 60 {
            let seen = js(&driver, step).await;
            let (Some(id), Some(before)) = (seen[0].as_str(), seen[1].as_f64()) else {
                panic!("no message in view while scrolling up: {seen}");
            };
            // Lets an older page arrive and be laid out before looking again.
            tokio::time::sleep(Duration::from_millis(60)).await;
            let after = js(
                &driver,
                &format!(
                    "const a = document.querySelector(\"[role='log'] article[data-message-id='{id}']\"); \
                     return a ? a.getBoundingClientRect().top : null;"
                ),
            )
            .await;
            let after = after.as_f64().expect("the message stays in the DOM");
            worst = worst.max((after - before - 400.0).abs());
            steps += 1;
        }
        let loaded = js(&driver, "return document.querySelector(\"[role='log'] article\").dataset.messageId;").await;
        eprintln!("t30: {steps} steps of 400 px up, down to message {loaded}: largest jump {worst:.1} px");
        assert!(worst <= 2.0, "the messages on screen jumped by {worst} px while scrolling up");

        // Scroll to the top, page after page, until the first message shows.
        let started = std::time::Instant::now();
        let first = "Seeded question 0 of chat 299";
        let mut rounds = 0;
        loop {
            let found = js(
                &driver,
                &format!(
                    "const l = document.querySelector(\"[role='log']\"); l.scrollTop = 0; \
                     return Array.from(l.querySelectorAll('article')).some(a => a.textContent.includes('{first}'));"
                ),
            )
            .await;
            if found == json!(true) {
                break;
            }
            rounds += 1;
            assert!(started.elapsed() < Duration::from_secs(120), "the first message never showed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let place = js(
            &driver,
            &format!(
                "const l = document.querySelector(\"[role='log']\"); l.scrollTop = 0; \
                 const a = Array.from(l.querySelectorAll('article')).find(a => a.textContent.includes('{first}')); \
                 const box = l.getBoundingClientRect(); const r = a.getBoundingClientRect(); \
                 return [r.top - box.top, box.bottom - r.bottom, l.scrollTop];"
            ),
        )
        .await;
        eprintln!("t30: reached the first message after {rounds} scrolls to the top in {:?} (place {place})", started.elapsed());
        let top = place[0].as_f64().unwrap_or(-1.0);
        assert!((0.0..100.0).contains(&top), "the first message is at the top of the log: {place}");
        let in_dom = js(&driver, LOG_ARTICLES).await.as_u64().unwrap_or(u64::MAX);
        eprintln!("t30: {in_dom} articles in the DOM at the top");
        assert!(in_dom < 100, "{in_dom} message elements in the DOM at the top");
        screenshot(&driver, "31-long-conversation-top").await;

        // The sidebar pages in as it scrolls, down to the oldest conversation.
        let started = std::time::Instant::now();
        loop {
            let found = js(
                &driver,
                "const l = document.querySelector('nav .conversation-list'); l.scrollTop = l.scrollHeight; \
                 return Array.from(l.querySelectorAll('button.conversation')).some(b => b.textContent === 'Seeded chat 000');",
            )
            .await;
            if found == json!(true) {
                break;
            }
            assert!(started.elapsed() < WAIT, "the last conversation never loaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let rows = js(&driver, "return document.querySelectorAll('nav .conversation-list button.conversation').length;").await;
        assert_eq!(rows, json!(300), "every conversation, once");
        eprintln!("t30: the sidebar loaded all 300 conversations in {:?}", started.elapsed());
        screenshot(&driver, "32-sidebar-paged").await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// Models and routing (issue 4): the Models view, the model picker, the Routing dialog, "Switch to …".

/// The chat screen, storing the key first when the keyring has none (these tests can run alone).
async fn chat_ready(driver: &WebDriver) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if driver
            .find(By::Css("textarea[aria-label='Message']"))
            .await
            .is_ok()
        {
            return;
        }
        if let Ok(input) = driver.find(By::Css("input.key-input")).await {
            input.send_keys(GOOD_KEY).await.expect("type the key");
            button(driver, "Save key")
                .await
                .click()
                .await
                .expect("save");
            field(driver, "Message").await;
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "neither the chat nor the key screen showed"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// The open dialog whose accessible name is `name`.
async fn dialog(driver: &WebDriver, name: &str) -> WebElement {
    driver
        .query(By::XPath(format!(
            "//dialog[@open and @aria-label='{name}']"
        )))
        .wait(WAIT, POLL)
        .and_displayed()
        .first()
        .await
        .unwrap_or_else(|e| panic!("no open dialog “{name}”: {e}"))
}

/// Clicks the label `text` inside `scope` (a checkbox or radio button, as a user does).
async fn tick(scope: &WebElement, text: &str) {
    scope
        .query(By::XPath(format!(".//label[normalize-space()='{text}']")))
        .wait(WAIT, POLL)
        .first()
        .await
        .unwrap_or_else(|e| panic!("no label “{text}”: {e}"))
        .click()
        .await
        .expect("click the label");
}

/// Chooses the option `text` of the select labelled `label` inside `scope`.
async fn select_option(scope: &WebElement, label: &str, text: &str) {
    let select = scope
        .query(By::XPath(format!(
            ".//select[@id=//label[normalize-space()='{label}']/@for]"
        )))
        .wait(WAIT, POLL)
        .first()
        .await
        .unwrap_or_else(|e| panic!("no select “{label}”: {e}"));
    let select = thirtyfour::components::SelectElement::new(&select)
        .await
        .expect("a select");
    select
        .select_by_visible_text(text)
        .await
        .unwrap_or_else(|e| panic!("no option “{text}”: {e}"));
}

/// The model ids the visible list rows show, in list order.
async fn listed_models(driver: &WebDriver, list_css: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll(\"{list_css} [role='option']\")) \
           .sort((a, b) => a.getAttribute('aria-posinset') - b.getAttribute('aria-posinset')) \
           .map((o) => o.dataset.modelId);"
    );
    js(driver, &script)
        .await
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The name on the chat header's model button.
async fn model_in_header(driver: &WebDriver) -> String {
    js(
        driver,
        "return document.querySelector(\"button[aria-label='Model']\").textContent;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Picks `id` in the model picker that is open (search, then Enter on the first match).
async fn pick_in_picker(driver: &WebDriver, heading: &str, id: &str) {
    let picker = dialog(driver, heading).await;
    let search = picker
        .find(By::Css("input[aria-label='Search models']"))
        .await
        .expect("search");
    search.send_keys(id).await.expect("type");
    wait_until("the model to be listed first", || async {
        listed_models(driver, "dialog[open] .model-list")
            .await
            .first()
            .map(String::as_str)
            == Some(id)
    })
    .await;
    search.send_keys(Key::Enter).await.expect("enter");
}

#[tokio::test]
async fn t40_the_models_view_searches_filters_sorts_and_stars_and_keeps_its_filters() {
    let dir = data_dir("models-view");
    mock("reset", Some(json!({}))).await;
    with_app(&dir, "t40", |driver| async move {
        chat_ready(&driver).await;
        button(&driver, "Models").await.click().await.expect("open the Models view");
        let view = dialog(&driver, "Models").await;
        wait_until("the catalogue", || async {
            js(&driver, "const c = document.querySelector('.models-count'); return !!c && / models$/.test(c.textContent);").await
                == json!(true)
        })
        .await;
        let count = view.find(By::Css(".models-count")).await.expect("count").text().await.expect("text");
        assert!(count.ends_with("of 371 models"), "retired models are hidden by default: {count}");
        let updated = view.find(By::Css(".models-updated")).await.expect("updated").text().await.expect("text");
        assert!(updated.starts_with("Updated "), "{updated}");
        let in_dom = js(&driver, "return document.querySelectorAll('.browser-list [role=\"option\"]').length;").await;
        assert!(in_dom.as_u64().is_some_and(|n| n > 0 && n < 60), "only the visible rows are in the DOM: {in_dom}");

        // Search as you type.
        let search = view.find(By::Css("input[aria-label='Search models']")).await.expect("search");
        search.send_keys("gemma 3").await.expect("type");
        wait_until("the Gemma models", || async {
            let ids = listed_models(&driver, ".browser-list").await;
            ids.len() >= 5 && ids.iter().take(5).all(|id| id.starts_with("google/gemma-3"))
        })
        .await;
        // A filter combination: free models that read images.
        tick(&view, "Free models only").await;
        let read = view.find(By::XPath(".//fieldset[legend[normalize-space()='It can read']]")).await.expect("reads");
        tick(&read, "Images").await;
        wait_until("free Gemma models that read images", || async {
            let ids = listed_models(&driver, ".browser-list").await;
            !ids.is_empty() && ids.iter().all(|id| id.ends_with(":free"))
        })
        .await;
        wait_until("the first model's details", || async {
            js(&driver, "const d = document.querySelector('.model-details'); return !!d && /Reads .*images/.test(d.textContent) && /free/i.test(d.textContent);").await
                == json!(true)
        })
        .await;
        screenshot(&driver, "40-models-filtered").await;

        // Sort by input price, lowest first, over every model.
        search.clear().await.expect("clear");
        search.send_keys(" ").await.expect("type");
        search.send_keys(Key::Backspace).await.expect("erase");
        button(&driver, "Clear filters").await.click().await.expect("clear filters");
        select_option(&view, "Sort by", "Input price, lowest first").await;
        let prices = js(
            &driver,
            "return Array.from(document.querySelectorAll(\".browser-list [role='option']\")) \
               .sort((a, b) => a.getAttribute('aria-posinset') - b.getAttribute('aria-posinset')) \
               .map((o) => o.querySelector('.model-meta').textContent);",
        )
        .await;
        let prices: Vec<&str> = prices.as_array().expect("rows").iter().filter_map(Value::as_str).collect();
        assert!(prices.first().is_some_and(|p| p.starts_with("Free")), "{prices:?}");
        // The last rendered rows of a long list: scroll to the end, they cost the most.
        js(&driver, "const v = document.querySelector('.models-list-column .vlist'); v.scrollTop = v.scrollHeight; return true;").await;
        // The list re-renders the rows in view after the scroll: poll until the priced end is drawn.
        let deadline = tokio::time::Instant::now() + WAIT;
        let (last, numbers) = loop {
        let last = js(
            &driver,
            "const rows = Array.from(document.querySelectorAll(\".browser-list [role='option']\")) \
               .sort((a, b) => a.getAttribute('aria-posinset') - b.getAttribute('aria-posinset')); \
             return rows.map((o) => o.querySelector('.model-meta').textContent);",
        )
        .await;
        let numbers: Vec<f64> = last
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix('$').and_then(|p| p.split('/').next()).and_then(|n| n.replace(',', "").parse().ok()))
            .collect();
        if numbers.len() > 3 || tokio::time::Instant::now() > deadline {
            break (last, numbers);
        }
        tokio::time::sleep(POLL).await;
        };
        assert!(numbers.len() > 3, "priced rows at the end: {last}");
        assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "input prices go up: {numbers:?}");
        screenshot(&driver, "41-models-by-price").await;

        // Star a favourite: it comes first in the chat's model picker.
        js(&driver, "document.querySelector('.models-list-column .vlist').scrollTop = 0; return true;").await;
        search.send_keys("jamba large").await.expect("type");
        wait_until("Jamba Large first", || async {
            listed_models(&driver, ".browser-list").await.first().map(String::as_str) == Some("ai21/jamba-large-1.7")
        })
        .await;
        wait_until("Jamba Large's details", || async {
            js(&driver, "const h = document.querySelector('.model-details h3'); return !!h && h.textContent === 'AI21: Jamba Large 1.7';").await
                == json!(true)
        })
        .await;
        button(&driver, "\u{2606} Add to favourites").await.click().await.expect("star");
        button(&driver, "\u{2605} Favourite").await;
        tick(&view, "Free models only").await;
        view.find(By::Css("button[aria-label='Close models']")).await.expect("close").click().await.expect("close");

        by_css(&driver, "button[aria-label='Model']").await.click().await.expect("open the picker");
        dialog(&driver, "Choose a model").await;
        let first = listed_models(&driver, "dialog[open] .model-list").await;
        assert_eq!(first.first().map(String::as_str), Some("ai21/jamba-large-1.7"), "{first:?}");
        screenshot(&driver, "42-picker-favourite-first").await;
    })
    .await;

    // Next run: the filters and sort are as they were left, the favourite still first.
    with_app(&dir, "t40-restart", |driver| async move {
        chat_ready(&driver).await;
        button(&driver, "Models").await.click().await.expect("open the Models view");
        let view = dialog(&driver, "Models").await;
        wait_until("the saved filters", || async {
            js(
                &driver,
                "const f = document.querySelector('.models-filters'); if (!f) return false; \
                 const label = Array.from(f.querySelectorAll('label')).find((l) => l.textContent === 'Free models only'); \
                 return document.getElementById(label.htmlFor).checked && document.querySelector('.models-sort-select').value === 'prompt_price';",
            )
            .await
                == json!(true)
        })
        .await;
        view.find(By::Css("button[aria-label='Close models']")).await.expect("close").click().await.expect("close");
    })
    .await;
}

#[tokio::test]
async fn t41_a_model_fallbacks_and_provider_sort_chosen_for_a_chat_reach_the_request() {
    mock("reset", Some(json!({}))).await;
    with_app(&data_dir("routing"), "t41", |driver| async move {
        chat_ready(&driver).await;
        by_css(&driver, "button[aria-label='Model']")
            .await
            .click()
            .await
            .expect("open the picker");
        pick_in_picker(&driver, "Choose a model", "anthropic/claude-sonnet-4.5").await;
        wait_until("the model in the header", || async {
            model_in_header(&driver).await.contains("Claude Sonnet 4.5")
        })
        .await;

        button(&driver, "Routing")
            .await
            .click()
            .await
            .expect("open Routing");
        let routing = dialog(&driver, "Routing").await;
        button(&driver, "Add a fallback model\u{2026}")
            .await
            .click()
            .await
            .expect("add");
        pick_in_picker(&driver, "Add a fallback model", "openai/gpt-4o-mini").await;
        button(&driver, "Add a fallback model\u{2026}")
            .await
            .click()
            .await
            .expect("add");
        pick_in_picker(&driver, "Add a fallback model", "google/gemini-2.5-flash").await;
        // Reorder: Gemini first.
        routing
            .query(By::Css(
                "button[aria-label^='Move Google: Gemini 2.5 Flash up']",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("move up")
            .click()
            .await
            .expect("click");
        routing
            .find(By::XPath(
                ".//summary[normalize-space()='Provider preferences']",
            ))
            .await
            .expect("summary")
            .click()
            .await
            .expect("open");
        select_option(&routing, "Choose providers by", "Lowest price").await;
        tick(
            &routing,
            "Skip providers that may keep or train on my messages",
        )
        .await;
        screenshot(&driver, "43-routing").await;
        button(&driver, "Save").await.click().await.expect("save");

        send(&driver, "Route this, please").await;
        let reply = assistant_reply(&driver, &["complete"]).await;
        let request = last_chat_request().await;
        let body = &request["body"];
        assert_eq!(
            body["model"],
            json!("anthropic/claude-sonnet-4.5"),
            "{body}"
        );
        assert_eq!(
            body["models"],
            json!([
                "anthropic/claude-sonnet-4.5",
                "google/gemini-2.5-flash",
                "openai/gpt-4o-mini"
            ]),
            "{body}"
        );
        assert_eq!(body["provider"]["sort"], json!("price"), "{body}");
        assert_eq!(body["provider"]["data_collection"], json!("deny"), "{body}");
        // Who answered shows under the reply.
        let meta = reply
            .find(By::Css(".message-meta"))
            .await
            .expect("meta")
            .text()
            .await
            .expect("text");
        assert!(
            meta.contains("anthropic/claude-sonnet-4.5") || meta.contains('/'),
            "{meta}"
        );
        screenshot(&driver, "44-routed-reply").await;

        // The saved routing applies to the next message too.
        send(&driver, "And again").await;
        wait_until("the second reply", || async {
            driver
                .find_all(By::Css(
                    "article[data-role='assistant'][data-status='complete']",
                ))
                .await
                .map(|a| a.len())
                .unwrap_or(0)
                >= 2
        })
        .await;
        let body = last_chat_request().await["body"].clone();
        assert_eq!(
            body["models"][1],
            json!("google/gemini-2.5-flash"),
            "{body}"
        );
        assert_eq!(body["provider"]["sort"], json!("price"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn t42_an_ended_free_model_is_switched_to_its_paid_slug_in_one_click() {
    mock("reset", Some(json!({}))).await;
    with_app(&data_dir("switch-model"), "t42", |driver| async move {
        chat_ready(&driver).await;
        by_css(&driver, "button[aria-label='Model']")
            .await
            .click()
            .await
            .expect("open the picker");
        pick_in_picker(&driver, "Choose a model", "openai/gpt-oss-120b:free").await;
        mock(
            "scenario",
            Some(json!({"scenario": "http_error", "status": 404, "variant": "free_variant_ended"})),
        )
        .await;
        send(&driver, "Is the free one still there?").await;
        let reply = assistant_reply(&driver, &["error"]).await;
        let switch = reply
            .query(By::XPath(
                ".//button[normalize-space()='Switch to openai/gpt-oss-120b']",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("a Switch button");
        screenshot(&driver, "45-switch-model").await;
        switch.click().await.expect("switch");
        let again = assistant_reply(&driver, &["complete"]).await;
        assert!(again
            .text()
            .await
            .expect("text")
            .contains("Is the free one still there?"));
        let body = last_chat_request().await["body"].clone();
        assert_eq!(body["model"], json!("openai/gpt-oss-120b"), "{body}");
        let header = model_in_header(&driver).await;
        assert!(
            header.contains("gpt-oss-120b") && !header.contains("(free)"),
            "{header}"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// Money (issue 5): the line under a reply, the chat's running total, the Billing view, the monthly budget
// and a stopped reply's cost looked up later.

/// Nano-dollars as the page writes them (`formatNanos` in ui/src/format.ts): a dollar sign, grouped whole
/// dollars and every significant decimal, at least two: 36800 → "$0.0000368", 1_500_000_000 → "$1.50".
fn format_nanos(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let abs = nanos.unsigned_abs();
    let whole = (abs / 1_000_000_000).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let mut fraction = format!("{:09}", abs % 1_000_000_000)
        .trim_end_matches('0')
        .to_owned();
    while fraction.len() < 2 {
        fraction.push('0');
    }
    format!("{sign}${grouped}.{fraction}")
}

/// A cost in US dollars as OpenRouter sends it (a JSON number) in nano-dollars, from its decimal digits,
/// rounded half away from zero at the ninth decimal (the API's amounts have at most ten).
fn usd_nanos(usd: f64) -> i64 {
    // `{:e}` prints the shortest digits that read back as the same number: the JSON number's digits.
    let text = format!("{usd:e}");
    let (mantissa, exponent) = text.split_once('e').expect("exponent");
    let exponent: i32 = exponent.parse().expect("exponent");
    let decimals = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i32);
    let digits: i128 = mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("digits");
    let scale = exponent - decimals + 9;
    let magnitude = if scale >= 0 {
        digits * 10_i128.pow(scale.unsigned_abs())
    } else if scale < -30 {
        0
    } else {
        let divisor = 10_i128.pow(scale.unsigned_abs());
        (digits + divisor / 2) / divisor
    };
    let nanos = i64::try_from(magnitude).expect("in range");
    if mantissa.starts_with('-') {
        -nanos
    } else {
        nanos
    }
}

/// "$0.000123" (as the page shows an amount) → 123000 nano-dollars.
fn page_nanos(text: &str) -> i64 {
    let digits = text.trim().trim_start_matches('$').replace(',', "");
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    assert!(fraction.len() <= 9, "more than nine decimals: {text}");
    let whole: i64 = whole
        .parse()
        .unwrap_or_else(|_| panic!("not an amount: {text}"));
    let fraction: i64 = format!("{fraction:0<9}")
        .parse()
        .unwrap_or_else(|_| panic!("not an amount: {text}"));
    whole * 1_000_000_000 + fraction
}

/// Nano-dollars as a user types them in a dollar field: 138882 → "0.000138882".
fn typed_dollars(nanos: i64) -> String {
    let fraction = format!("{:09}", nanos % 1_000_000_000);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        (nanos / 1_000_000_000).to_string()
    } else {
        format!("{}.{fraction}", nanos / 1_000_000_000)
    }
}

/// The text content of the first element matching `css`, if there is one.
async fn text_of(driver: &WebDriver, css: &str) -> Option<String> {
    let script = format!(
        "const e = document.querySelector({}); return e ? e.textContent : null;",
        json!(css)
    );
    js(driver, &script).await.as_str().map(str::to_owned)
}

/// Waits until the text of `css` passes `check` (within `timeout`) and returns it.
async fn wait_for_text<F>(
    driver: &WebDriver,
    css: &str,
    timeout: Duration,
    what: &str,
    check: F,
) -> String
where
    F: Fn(&str) -> bool,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let text = text_of(driver, css).await;
        if let Some(text) = text.as_deref().filter(|t| check(t)) {
            return text.to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what} ({css} reads {text:?})"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Every request the mock received since its last reset whose path ends with `path_end`, oldest first.
async fn requests_to(path_end: &str) -> Vec<Value> {
    mock("requests", None)
        .await
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .cloned()
        .collect()
}

/// Every chat request the mock received since its last reset.
async fn chat_requests() -> Vec<Value> {
    requests_to("/chat/completions").await
}

/// What the mock's `GET /generation?id=` says of a reply it served (asked with the test key).
async fn generation(id: &str) -> Value {
    let url = format!("{}/generation?id={id}", env("E2E_MOCK_URL"));
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(GOOD_KEY)
        .send()
        .await
        .expect("the mock answers /generation");
    assert!(
        response.status().is_success(),
        "/generation {id}: {}",
        response.status()
    );
    response.json::<Value>().await.expect("JSON")["data"].clone()
}

/// The cost the mock billed for generation `id`, in nano-dollars.
async fn billed_nanos(id: &str) -> i64 {
    let data = generation(id).await;
    usd_nanos(
        data["total_cost"]
            .as_f64()
            .unwrap_or_else(|| panic!("no total_cost: {data}")),
    )
}

/// One CSV line split into cells (RFC 4180 quoting, no line breaks inside cells).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().expect("cell").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().expect("cell").push(c),
        }
    }
    cells
}

/// Types `value` into the Settings field `label` in place of what it holds, and presses Enter.
async fn set_dollar_field(driver: &WebDriver, label: &str, value: &str) {
    let input = field(driver, label).await;
    input.send_keys(Key::Control + "a").await.expect("select");
    input.send_keys(Key::Backspace).await.expect("erase");
    input.send_keys(value).await.expect("type");
    input.send_keys(Key::Enter).await.expect("enter");
    let saved = format!("{label}: ${value} saved.");
    driver
        .query(By::XPath(format!("//*[contains(text(), '{saved}')]")))
        .wait(WAIT, POLL)
        .first()
        .await
        .unwrap_or_else(|e| panic!("no “{saved}”: {e}"));
}

/// Sets the monthly budget in Settings, as a user does, and closes the dialog.
async fn set_monthly_budget(driver: &WebDriver, dollars: &str) {
    button(driver, "Settings")
        .await
        .click()
        .await
        .expect("open settings");
    dialog(driver, "Settings").await;
    set_dollar_field(driver, "Monthly budget", dollars).await;
    button(driver, "Close")
        .await
        .click()
        .await
        .expect("close settings");
    wait_until("the settings to close", || async {
        driver
            .find_all(By::XPath("//dialog[@open and @aria-label='Settings']"))
            .await
            .is_ok_and(|d| d.is_empty())
    })
    .await;
}

/// The open Billing view's figure in row `row` ("In this app", "This key at OpenRouter"), column `column`
/// (1 = today, 2 = this week, 3 = this month), once it has loaded.
async fn billing_cell(driver: &WebDriver, row: &str, column: usize) -> String {
    let script = format!(
        "const row = Array.from(document.querySelectorAll('.billing-windows tbody tr')) \
           .find((r) => r.querySelector('th').textContent.startsWith({})); \
         const cell = row && row.querySelectorAll('td')[{}]; \
         return cell ? cell.textContent : null;",
        json!(row),
        column - 1
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = js(driver, &script).await;
        if let Some(text) = text.as_str().filter(|t| t.starts_with('$')) {
            return text.to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Billing view's “{row}” figure {column} never loaded: {text}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// The visible part of the chat header's running total (a sentence for screen readers sits beside it).
const CHAT_TOTAL: &str = ".chat-spend > [aria-hidden='true']";

const MANAGEMENT_KEY: &str =
    "sk-or-v1-mgmt-e2e00000000000000000000000000000000000000000000000000000000";

#[tokio::test]
async fn t50_the_billing_view_shows_spend_key_figures_report_and_exports_csv() {
    mock("reset", Some(json!({}))).await;
    // The key's own figures at OpenRouter: a $20 monthly limit with $7.50 used this month, and the account's
    // credits for the management key.
    mock(
        "account",
        Some(json!({
            "key_limit": 20, "key_usage": 9, "limit_reset": "monthly",
            "usage_daily": 0.25, "usage_weekly": 1.5, "usage_monthly": 7.5,
            "total_credits": 50, "total_usage": 12.25
        })),
    )
    .await;
    mock(
        "activity",
        Some(json!([{"days_ago": 1, "model": "openai/gpt-4o-mini", "usage": 0.42, "requests": 3}])),
    )
    .await;
    let export_dir = data_dir("spend-exports");
    let export_arg = export_dir.to_string_lossy().into_owned();
    let exported_to = export_arg.clone();
    let title = "Price of a quokka photo";
    let started = std::time::Instant::now();
    with_app_args(
        &data_dir("billing"),
        &["--export-dir", &export_arg],
        "t50",
        |driver| async move {
            chat_ready(&driver).await;
            send(&driver, title).await;
            let reply = assistant_reply(&driver, &["complete"]).await;
            let id = reply.attr("data-message-id").await.expect("attr").expect("an id");
            let reply_css = format!("article[data-message-id='{id}']");
            // The line under the reply: its exact cost and the time to its first token.
            let cost = wait_for_text(&driver, &format!("{reply_css} .meta-cost"), WAIT, "the reply's cost", |t| {
                t.starts_with('$')
            })
            .await;
            let ttft = text_of(&driver, &format!("{reply_css} .meta-ttft")).await.unwrap_or_default();
            let seconds = ttft.strip_suffix(" s to first token").unwrap_or_else(|| panic!("{ttft}"));
            assert!(seconds.parse::<f64>().is_ok_and(|s| s >= 0.0), "{ttft}");
            assert!(
                text_of(&driver, &format!("{reply_css} .meta-speed")).await.is_some_and(|s| s.ends_with(" tok/s")),
                "tokens per second under the reply"
            );
            // The conversation's total in the header.
            wait_for_text(&driver, CHAT_TOTAL, WAIT, "the chat's total", |t| t == format!("{cost} · 1 reply")).await;
            screenshot(&driver, "50-reply-cost").await;

            // A new chat, then Billing from the sidebar.
            button(&driver, "New chat").await.click().await.expect("new chat");
            button(&driver, "Billing").await.click().await.expect("open Billing");
            let view = dialog(&driver, "Billing").await;
            let today = billing_cell(&driver, "In this app", 1).await;
            assert_eq!(today, format!("{cost} 1 reply"), "today's local spend is the reply");
            let month = billing_cell(&driver, "In this app", 3).await;
            assert_eq!(month, format!("{cost} 1 reply"));
            // The key's figures, from /key.
            let key = [
                billing_cell(&driver, "This key at OpenRouter", 1).await,
                billing_cell(&driver, "This key at OpenRouter", 2).await,
                billing_cell(&driver, "This key at OpenRouter", 3).await,
            ];
            assert_eq!(key, ["$0.25", "$1.50", "$7.50"], "UTC day, week and month of the key");
            driver
                .query(By::XPath(
                    "//*[contains(text(), \"This key's limit is $20.00; $12.50 of it is left, and it resets on the 1st of every month\")]",
                ))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("the key's limit and what is left of it");

            // The report's charts are drawn (uPlot, on canvas): today's bar is there, in colour (the axes are grey).
            let painted = "return Array.from(document.querySelectorAll('.billing-chart canvas')).map((c) => { \
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; \
                 for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) n++; \
                 return [c.width, c.height, n]; });";
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                let charts = js(&driver, painted).await;
                eprintln!("t50: charts {charts}");
                let drawn = charts.as_array().is_some_and(|c| c.len() == 2 && c.iter().all(|c| c[2].as_u64().unwrap_or(0) > 0));
                if drawn {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "the charts draw no bar: {charts}");
                tokio::time::sleep(POLL).await;
            }
            js(&driver, "document.querySelector('.billing-chart').scrollIntoView(); return true;").await;
            screenshot(&driver, "51-billing-charts").await;

            // The report: the conversation is the most expensive one.
            let row = view
                .query(By::XPath(format!(
                    ".//h4[contains(text(), 'Most expensive conversations')]/following-sibling::table//tr[th/button[contains(text(), '{title}')]]"
                )))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("the conversation in the most expensive ones");
            let cells: Vec<String> = {
                let mut texts = Vec::new();
                for cell in row.find_all(By::Css("td")).await.expect("cells") {
                    texts.push(cell.text().await.expect("text"));
                }
                texts
            };
            assert_eq!(cells, ["1".to_owned(), cost.clone()], "replies and cost of the conversation");
            row.scroll_into_view().await.expect("scroll");
            screenshot(&driver, "51-billing-report").await;

            // Export CSV: straight into the export directory (--export-dir).
            let export = button(&driver, "Export CSV").await;
            export.scroll_into_view().await.expect("scroll");
            export.click().await.expect("export");
            let saved = driver
                .query(By::XPath("//*[contains(text(), 'Saved 1 row to')]"))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("the export's sentence")
                .text()
                .await
                .expect("text");
            let path = saved
                .strip_prefix("Saved 1 row to ")
                .and_then(|p| p.strip_suffix('.'))
                .unwrap_or_else(|| panic!("{saved}"))
                .to_owned();
            assert!(path.starts_with(&exported_to) && path.ends_with(".csv"), "{path}");
            // The file's row has the exact cost the mock billed (its /generation), which is what the page shows.
            let text = std::fs::read_to_string(&path).expect("the exported CSV");
            let mut lines = text.lines();
            let header = csv_cells(lines.next().expect("a header"));
            let rows: Vec<Vec<String>> = lines.map(csv_cells).collect();
            assert_eq!(rows.len(), 1, "{text}");
            let cell = |name: &str| -> String {
                let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} column: {text}"));
                rows[0][i].clone()
            };
            assert_eq!(cell("conversation_title"), title, "{text}");
            assert_eq!(cell("cost_source"), "stream", "{text}");
            let billed = billed_nanos(&cell("generation_id")).await;
            assert!(billed > 0, "the mock bills the reply");
            assert_eq!(cost, format_nanos(billed), "the reply's cost as the mock billed it");
            assert_eq!(format!("${}", cell("cost_usd")), format_nanos(billed), "{text}");

            // A management key: an ordinary key is refused with a sentence, a management key shows the balance.
            let input = field(&driver, "Management key").await;
            input.send_keys(GOOD_KEY).await.expect("type");
            view.find(By::XPath(".//form[contains(@class, 'billing-key-form')]//button[normalize-space()='Save']"))
                .await
                .expect("save")
                .click()
                .await
                .expect("click");
            driver
                .query(By::XPath("//*[@role='alert' and contains(text(), 'This is not a management key')]"))
                .wait(WAIT, POLL)
                .and_displayed()
                .first()
                .await
                .expect("the refusal");
            let input = field(&driver, "Management key").await;
            assert_eq!(input.prop("value").await.expect("value"), Some(String::new()), "the field is emptied");
            input.send_keys(MANAGEMENT_KEY).await.expect("type");
            input.send_keys(Key::Enter).await.expect("enter");
            let balance = by_css(&driver, ".billing-balance").await.text().await.expect("text");
            assert!(balance.contains("Credit balance: $37.75 ($50.00 bought, $12.25 used)"), "{balance}");
            driver
                .query(By::XPath("//*[contains(text(), '$0.42 over 3 requests')]"))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("OpenRouter's activity of the last 30 days");
            assert!(
                driver.find_all(By::Css(".billing-key-input")).await.expect("query").is_empty(),
                "no key field once a key is kept"
            );
            let page = driver.source().await.expect("page source");
            assert!(!page.contains(MANAGEMENT_KEY) && !page.contains(GOOD_KEY), "no key stays in the page");
            assert!(
                !page.contains("This is not a management key"),
                "the earlier refusal is gone"
            );
            screenshot(&driver, "52-billing-management-key").await;
            // Leave the session's keyring as it was for the later tests.
            button(&driver, "Remove management key").await.click().await.expect("remove");
            field(&driver, "Management key").await;

            // Clicking the conversation in the report opens it.
            view.find(By::XPath(format!(".//table//button[contains(text(), '{title}')]")))
                .await
                .expect("the conversation's button")
                .click()
                .await
                .expect("open it");
            wait_until("the Billing view to close", || async {
                driver
                    .find_all(By::XPath("//dialog[@open and @aria-label='Billing']"))
                    .await
                    .is_ok_and(|d| d.is_empty())
            })
            .await;
            driver
                .query(By::XPath(format!(
                    "//nav[@aria-label='Conversations']//*[@aria-current='page' and contains(., '{title}')]"
                )))
                .wait(WAIT, POLL)
                .first()
                .await
                .expect("the conversation is open");
            wait_for_text(&driver, &format!("{reply_css} .meta-cost"), WAIT, "the stored reply's cost", |t| t == cost).await;
            wait_for_text(&driver, CHAT_TOTAL, WAIT, "the chat's total", |t| t == format!("{cost} · 1 reply")).await;
        },
    )
    .await;
    eprintln!("t50: done in {:?}", started.elapsed());
}

#[tokio::test]
async fn t51_a_budget_warns_at_80_percent_and_asks_before_sending_at_100() {
    mock("reset", Some(json!({}))).await;
    let started = std::time::Instant::now();
    with_app(&data_dir("budget"), "t51", |driver| async move {
        chat_ready(&driver).await;
        // This month's spend: one reply.
        send(&driver, "Spend a little").await;
        let reply = assistant_reply(&driver, &["complete"]).await;
        let id = reply
            .attr("data-message-id")
            .await
            .expect("attr")
            .expect("an id");
        let cost = wait_for_text(
            &driver,
            &format!("article[data-message-id='{id}'] .meta-cost"),
            WAIT,
            "the reply's cost",
            |t| t.starts_with('$'),
        )
        .await;
        let spent = page_nanos(&cost);
        assert!(spent > 0, "{cost}");

        // A budget the month's spend is about 89 % of: the warning.
        let budget = (spent * 9 + 7) / 8;
        set_monthly_budget(&driver, &typed_dollars(budget)).await;
        let warning = format!(
            "You have spent {} of your {} monthly budget (",
            format_nanos(spent),
            format_nanos(budget)
        );
        let notice = driver
            .query(By::XPath(format!(
                "//*[contains(@class, 'notice-text') and contains(text(), '{warning}')]"
            )))
            .wait(WAIT, POLL)
            .and_displayed()
            .first()
            .await
            .unwrap_or_else(|e| panic!("no warning “{warning}…”: {e}"))
            .text()
            .await
            .expect("text");
        let percent: u32 = notice
            .strip_prefix(&warning)
            .and_then(|rest| rest.strip_suffix("%)."))
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{notice}"));
        assert!((80..100).contains(&percent), "{notice}");
        screenshot(&driver, "53-budget-warning").await;

        // Below the month's spend: Send asks first.
        let budget = (spent / 2).max(1);
        set_monthly_budget(&driver, &typed_dollars(budget)).await;
        let reached = format!(
            "You have reached your monthly budget of {}",
            format_nanos(budget)
        );
        driver
            .query(By::XPath(format!(
                "//*[contains(@class, 'notice-text') and contains(text(), '{reached}')]"
            )))
            .wait(WAIT, POLL)
            .and_displayed()
            .first()
            .await
            .unwrap_or_else(|e| panic!("no notice “{reached}…”: {e}"));
        let before = chat_requests().await.len();
        let draft = "Is this one worth it?";
        send(&driver, draft).await;
        let ask = dialog(&driver, "Monthly budget reached").await;
        let question = ask.text().await.expect("text");
        assert!(
            question.contains(&reached) && question.contains("Send anyway?"),
            "{question}"
        );
        screenshot(&driver, "54-budget-reached-confirm").await;
        ask.find(By::XPath(".//button[normalize-space()='Cancel']"))
            .await
            .expect("Cancel")
            .click()
            .await
            .expect("cancel");
        wait_until("the question to close", || async {
            driver
                .find_all(By::XPath(
                    "//dialog[@open and @aria-label='Monthly budget reached']",
                ))
                .await
                .is_ok_and(|d| d.is_empty())
        })
        .await;
        let kept = field(&driver, "Message")
            .await
            .prop("value")
            .await
            .expect("value");
        assert_eq!(kept.as_deref(), Some(draft), "Cancel keeps the draft");
        // Nothing may be sent: give a send that should not happen time to show up.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(chat_requests().await.len(), before, "Cancel sends nothing");
        let users = driver
            .find_all(By::Css("article[data-role='user']"))
            .await
            .expect("query")
            .len();
        assert_eq!(users, 1, "no new message in the chat");

        // Send anyway sends.
        button(&driver, "Send").await.click().await.expect("send");
        let ask = dialog(&driver, "Monthly budget reached").await;
        ask.find(By::XPath(".//button[normalize-space()='Send anyway']"))
            .await
            .expect("Send anyway")
            .click()
            .await
            .expect("send anyway");
        wait_until("the second reply", || async {
            driver
                .find_all(By::Css(
                    "article[data-role='assistant'][data-status='complete']",
                ))
                .await
                .map(|a| a.len())
                .unwrap_or(0)
                >= 2
        })
        .await;
        let requests = chat_requests().await;
        assert_eq!(requests.len(), before + 1, "one request");
        let body = requests.last().expect("a request")["body"].to_string();
        assert!(body.contains(draft), "{body}");
        let composer = field(&driver, "Message")
            .await
            .prop("value")
            .await
            .expect("value");
        assert_eq!(
            composer.as_deref(),
            Some(""),
            "the sent draft leaves the composer"
        );
    })
    .await;
    eprintln!("t51: done in {:?}", started.elapsed());
}

#[tokio::test]
async fn t52_a_stopped_reply_says_cost_pending_then_shows_its_billed_cost() {
    mock("reset", Some(json!({}))).await;
    // OpenRouter does not know a generation's cost for a moment after it: the first look-up is a 404.
    mock("generation", Some(json!({"not_found_lookups": 1}))).await;
    let started = std::time::Instant::now();
    with_app(&data_dir("stopped-cost"), "t52", |driver| async move {
        chat_ready(&driver).await;
        mock(
            "scenario",
            Some(json!({"scenario": "slow", "chunks": 200, "delay_ms": 100})),
        )
        .await;
        send(&driver, "Tell me a long and costly story").await;
        let streaming = assistant_reply(&driver, &["streaming"]).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while streaming.text().await.unwrap_or_default().trim().is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "some text arrives");
            tokio::time::sleep(POLL).await;
        }
        // A mark in the page: it is gone if the page reloads.
        js(&driver, "window.__e2eNotReloaded = true; return true;").await;
        button(&driver, "Stop").await.click().await.expect("stop");
        let reply = assistant_reply(&driver, &["stopped"]).await;
        let stopped_at = std::time::Instant::now();
        let id = reply
            .attr("data-message-id")
            .await
            .expect("attr")
            .expect("an id");
        let cost_css = format!("article[data-message-id='{id}'] .meta-cost");
        wait_for_text(&driver, &cost_css, WAIT, "cost pending", |t| {
            t == "cost pending"
        })
        .await;
        // Not in the conversation's total yet: no amount is shown for it.
        let total = js(&driver, "const s = document.querySelector('.chat-spend'); return s.hidden ? '' : s.textContent;").await;
        assert!(total.as_str().is_some_and(|t| !t.contains('$')), "{total}");
        screenshot(&driver, "55-cost-pending").await;

        // The look-up is retried (2 s, then 4 s later) until OpenRouter has the cost.
        let billed = wait_for_text(
            &driver,
            &cost_css,
            Duration::from_secs(30),
            "the billed cost",
            |t| t.ends_with(" (billed cost)"),
        )
        .await;
        eprintln!(
            "t52: the billed cost showed {:?} after the stop",
            stopped_at.elapsed()
        );
        assert!(
            stopped_at.elapsed() < Duration::from_secs(20),
            "the cost came late"
        );
        assert_eq!(
            js(&driver, "return window.__e2eNotReloaded === true;").await,
            json!(true),
            "no reload"
        );
        let amount = billed.trim_end_matches(" (billed cost)");
        wait_for_text(
            &driver,
            CHAT_TOTAL,
            WAIT,
            "the chat's total with it",
            |t| t == format!("{amount} · 1 reply"),
        )
        .await;
        screenshot(&driver, "56-billed-cost").await;

        // The app looked the cost up (a 404 first), and it is what the mock billed for what was sent.
        let lookups: Vec<String> = requests_to("/generation")
            .await
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["status"],
                    r["query"].as_str().unwrap_or_default()
                )
            })
            .collect();
        assert!(
            lookups.len() >= 2 && lookups[0].starts_with("404 "),
            "{lookups:?}"
        );
        let generation_id = lookups[0]
            .split("id=")
            .nth(1)
            .unwrap_or_else(|| panic!("{lookups:?}"))
            .to_owned();
        let data = generation(&generation_id).await;
        assert_eq!(data["cancelled"], json!(true), "{data}");
        let nanos = usd_nanos(data["total_cost"].as_f64().expect("total_cost"));
        assert!(nanos > 0, "{data}");
        assert_eq!(
            amount,
            format_nanos(nanos),
            "the billed cost as the mock billed it"
        );
    })
    .await;
    mock("generation", Some(json!({}))).await;
    eprintln!("t52: done in {:?}", started.elapsed());
}

#[test]
fn money_helpers_read_and_write_amounts_as_the_page_does() {
    assert_eq!(format_nanos(36_800), "$0.0000368");
    assert_eq!(format_nanos(1_500_000_000), "$1.50");
    assert_eq!(format_nanos(0), "$0.00");
    assert_eq!(format_nanos(1_234_500_000_000), "$1,234.50");
    assert_eq!(usd_nanos(0.0000368), 36_800);
    assert_eq!(usd_nanos(7.5e-9), 8);
    assert_eq!(usd_nanos(12.345), 12_345_000_000);
    assert_eq!(page_nanos("$0.0000368"), 36_800);
    assert_eq!(page_nanos("$1,234.50"), 1_234_500_000_000);
    assert_eq!(typed_dollars(138_882), "0.000138882");
    assert_eq!(typed_dollars(2_000_000_000), "2");
    assert_eq!(
        csv_cells("a,\"b, \"\"c\"\"\",,d"),
        ["a", "b, \"c\"", "", "d"]
    );
}
