//! Real-window tests of the tray, the global shortcut and the quick-prompt window (issue 6). Included by
//! `e2e.rs` as `t60_desktop`, so they run after t1 has put the key in the session's keyring.

use super::*;

const QUICK_TITLE: &str = "Quick prompt";
const MAIN_TITLE: &str = "OpenRouter Desktop";

/// Presses keys on the test's X display, as a person at the keyboard would.
fn xdotool_key(keys: &str) {
    let status = std::process::Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool runs");
    assert!(status.success(), "xdotool key {keys}");
}

/// Switches to the window titled `title` once it exists; WebDriver lists windows in no set order.
async fn switch_to(driver: &WebDriver, title: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        for handle in driver.windows().await.unwrap_or_default() {
            if driver.switch_to_window(handle).await.is_ok()
                && driver.title().await.is_ok_and(|t| t == title)
            {
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no window titled “{title}”"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Whether the current window's page is shown and has the keyboard focus in its quick-prompt field.
async fn quick_input_focused(driver: &WebDriver) -> bool {
    let script = "return document.visibilityState === 'visible' && document.hasFocus() \
                  && document.activeElement?.getAttribute('aria-label') === 'Quick prompt';";
    driver
        .execute(script, Vec::<Value>::new())
        .await
        .ok()
        .and_then(|r| r.json().as_bool())
        .unwrap_or(false)
}

/// Presses the shortcut until the quick window shows with its field focused (the shortcut is registered
/// in the background right after start, so the first presses may come too early).
async fn open_quick_with_shortcut(driver: &WebDriver) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        xdotool_key("ctrl+shift+space");
        tokio::time::sleep(Duration::from_millis(400)).await;
        let handles = driver.windows().await.unwrap_or_default();
        for handle in handles {
            if driver.switch_to_window(handle).await.is_ok()
                && driver.title().await.is_ok_and(|t| t == QUICK_TITLE)
                && quick_input_focused(driver).await
            {
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the shortcut did not open a focused quick window"
        );
    }
}

/// The last reply in the quick window once it has finished.
async fn quick_reply(driver: &WebDriver) -> WebElement {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(all) = driver
            .find_all(By::Css(".quick article[data-role='assistant']"))
            .await
        {
            if let Some(last) = all.last() {
                if last.attr("data-status").await.ok().flatten().as_deref() == Some("complete") {
                    return last.clone();
                }
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no finished reply in the quick window"
        );
        tokio::time::sleep(POLL).await;
    }
}

#[tokio::test]
async fn t60_the_shortcut_opens_the_quick_window_which_streams_an_answer_kept_in_history() {
    with_app(&data_dir("quick"), "t60", |driver| async move {
        field(&driver, "Message").await;
        let main = driver.window().await.expect("main handle");
        open_quick_with_shortcut(&driver).await;

        let input = field(&driver, QUICK_TITLE).await;
        input
            .send_keys("What does a quokka eat?")
            .await
            .expect("type");
        input.send_keys(Key::Enter).await.expect("enter");
        let reply = quick_reply(&driver).await;
        let text = reply.text().await.expect("text");
        assert!(text.contains("What does a quokka eat?"), "{text}");
        assert!(
            text.contains('$'),
            "the cost shows under the answer: {text}"
        );
        let sent = last_chat_request().await;
        assert_eq!(sent["body"]["stream"], true);
        screenshot(&driver, "60-quick-answer").await;

        // Ctrl+Enter: the exchange in the main window, and the quick window out of the way.
        field(&driver, QUICK_TITLE)
            .await
            .send_keys(Key::Control + Key::Enter)
            .await
            .expect("ctrl+enter");
        driver.switch_to_window(main).await.expect("main");
        let shown = "//article[@data-role='user' and contains(., 'What does a quokka eat?')]";
        driver
            .query(By::XPath(shown))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the quick prompt opens in the main window");
        // Listed with the Quick marker, and found by search.
        driver
            .query(By::XPath(
                "//nav[@aria-label='Conversations']//*[@role='img' and @aria-label='Quick prompt']",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the conversation carries the Quick marker");
        field(&driver, "Message")
            .await
            .send_keys(Key::Control + "k")
            .await
            .expect("ctrl+k");
        field(&driver, "Search messages")
            .await
            .send_keys("quokka")
            .await
            .expect("type");
        by_css(
            &driver,
            "[role='dialog'][aria-label='Search conversations'] mark",
        )
        .await;
        screenshot(&driver, "61-quick-in-main").await;
    })
    .await;
}

#[tokio::test]
async fn t61_the_quick_prompt_button_opens_the_same_window_through_the_menu_command() {
    with_app(&data_dir("quick-button"), "t61", |driver| async move {
        field(&driver, "Message").await;
        // The sidebar's button calls desktop_action("quick-prompt"), the tray item's own action.
        driver
            .query(By::Css("button[aria-label='Quick prompt']"))
            .wait(WAIT, POLL)
            .and_displayed()
            .first()
            .await
            .expect("a Quick prompt button")
            .click()
            .await
            .expect("click");
        switch_to(&driver, QUICK_TITLE).await;
        let input = field(&driver, QUICK_TITLE).await;
        input.send_keys("One more question").await.expect("type");
        input.send_keys(Key::Enter).await.expect("enter");
        let reply = quick_reply(&driver).await;
        assert!(reply
            .text()
            .await
            .expect("text")
            .contains("One more question"));
        // Esc hides it; the shortcut brings it back focused, with a fresh prompt.
        field(&driver, QUICK_TITLE)
            .await
            .send_keys(Key::Escape)
            .await
            .expect("esc");
        let hidden = driver
            .execute("return document.visibilityState;", Vec::<Value>::new())
            .await
            .expect("state");
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut state = hidden.json().as_str().unwrap_or_default().to_owned();
        while state != "hidden" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "Esc hides the window"
            );
            tokio::time::sleep(POLL).await;
            state = driver
                .execute("return document.visibilityState;", Vec::<Value>::new())
                .await
                .expect("state")
                .json()
                .as_str()
                .unwrap_or_default()
                .to_owned();
        }
        open_quick_with_shortcut(&driver).await;
        let fresh = driver
            .find_all(By::Css(".quick article[data-role='assistant']"))
            .await
            .expect("find");
        assert!(
            fresh.is_empty(),
            "a fresh prompt after the window was hidden"
        );
    })
    .await;
}
