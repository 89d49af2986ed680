//! Real-window tests of the tray, the global shortcut and the quick-prompt window (issue 6). Included by
//! `e2e.rs` as `t60_desktop`, so they run after t1 has put the key in the session's keyring.

use super::*;

const QUICK_TITLE: &str = "Quick prompt";
const MAIN_TITLE: &str = "OpenRouter Desktop";
/// The title of the dialog the first close to the tray shows.
const KEPT_IN_TRAY: &str = "Still running in the tray";

/// Presses keys on the test's X display, as a person at the keyboard would.
fn xdotool_key(keys: &str) {
    let status = std::process::Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool runs");
    assert!(status.success(), "xdotool key {keys}");
}

/// Switches to the window titled `title` if there is one; WebDriver lists windows in no set order.
async fn try_switch_to(driver: &WebDriver, title: &str) -> bool {
    for handle in driver.windows().await.unwrap_or_default() {
        if driver.switch_to_window(handle).await.is_ok()
            && driver.title().await.is_ok_and(|t| t == title)
        {
            return true;
        }
    }
    false
}

/// Switches to the window titled `title` once it exists.
async fn switch_to(driver: &WebDriver, title: &str) {
    wait_until(&format!("a window titled “{title}”"), || {
        try_switch_to(driver, title)
    })
    .await;
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
    wait_until("the shortcut to open a focused quick window", || async {
        xdotool_key("ctrl+shift+space");
        tokio::time::sleep(Duration::from_millis(400)).await;
        try_switch_to(driver, QUICK_TITLE).await && quick_input_focused(driver).await
    })
    .await;
}

/// The shortcut's status as the main window's Settings reads it (`shortcut_status`).
async fn shortcut_status(driver: &WebDriver) -> Value {
    let script = "const done = arguments[arguments.length - 1];\
                  window.__TAURI_INTERNALS__.invoke('shortcut_status')\
                    .then((s) => done(s), (e) => done({ error: e }));";
    driver
        .execute_async(script, Vec::<Value>::new())
        .await
        .map(|r| r.json().clone())
        .unwrap_or_else(|e| json!({ "error": e.to_string() }))
}

/// Waits until the app has the shortcut (it is registered in the background after start, which a busy
/// machine may make late); fails saying what the app last said.
async fn wait_shortcut_active(driver: &WebDriver) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let status = shortcut_status(driver).await;
        if status["state"] == "active" {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the shortcut is not registered: {status}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Takes `keys` as another X client would, once whoever holds them has let go.
async fn grab_when_free(x11: &X11, keys: &str, what: &str) -> desk::Grab {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match x11.grab(keys) {
            Ok(held) => return held,
            Err(e) => assert!(tokio::time::Instant::now() < deadline, "{what}: {e}"),
        }
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
        let reply = assistant_reply(&driver, &["complete"]).await;
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
        search_history(&driver, "quokka").await;
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
        let reply = assistant_reply(&driver, &["complete"]).await;
        assert!(reply
            .text()
            .await
            .expect("text")
            .contains("One more question"));
        // Copy the answer, start a new prompt, and attach the clipboard: what was copied comes back.
        button(&driver, "Copy markdown")
            .await
            .click()
            .await
            .expect("copy");
        button(&driver, "New").await.click().await.expect("new");
        driver
            .find(By::Css(
                "select.quick-attach-select option[value='clipboard']",
            ))
            .await
            .expect("the Clipboard choice")
            .click()
            .await
            .expect("attach the clipboard");
        // The preview is the copied markdown (its start: it is cut to fit the line).
        wait_until("the copied answer as the attachment", || async {
            let shown = match driver.find(By::Css(".quick-attachment-text")).await {
                Ok(preview) => preview.prop("textContent").await.ok().flatten(),
                Err(_) => None,
            };
            shown
                .as_deref()
                .is_some_and(|t| t.starts_with("This is the **mock OpenRouter server**"))
        })
        .await;
        // Esc hides it; the shortcut brings it back focused, with a fresh prompt.
        field(&driver, QUICK_TITLE)
            .await
            .send_keys(Key::Escape)
            .await
            .expect("esc");
        wait_until("Esc to hide the window", || async {
            page_state(&driver).await.0 == "hidden"
        })
        .await;
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

use acceptance::desktop::{self as desk, TrayMenu, Visibility, X11};

/// The tray's menu of the app using `data`, read over D-Bus as the panel would.
async fn tray_of(data: &std::path::Path) -> TrayMenu {
    let pid = desk::wait_app_pid(data, WAIT).await.expect("the app runs");
    TrayMenu::find(pid, WAIT)
        .await
        .expect("the tray's menu on D-Bus")
}

/// Writes the settings file before the app starts (the store's own format).
fn seed_settings(data: &std::path::Path, settings: Value) {
    let file = json!({ "settings": settings });
    std::fs::write(data.join("settings.json"), file.to_string()).expect("settings file");
}

async fn page_state(driver: &WebDriver) -> (String, bool) {
    let script = "return [document.visibilityState, document.hasFocus()];";
    let value = driver
        .execute(script, Vec::<Value>::new())
        .await
        .expect("state")
        .json()
        .clone();
    (
        value[0].as_str().unwrap_or_default().to_owned(),
        value[1].as_bool().unwrap_or(false),
    )
}

#[tokio::test]
async fn t62_the_tray_menu_opens_windows_shows_todays_spend_pauses_the_shortcut_and_quits() {
    let data = data_dir("tray");
    let dir = data.clone();
    with_app(&dir, "t62", |driver| async move {
        field(&driver, "Message").await;
        let main = driver.window().await.expect("main handle");
        let tray = tray_of(&data).await;
        let labels = tray.labels().await.expect("labels");
        for wanted in desk::TRAY_ACTIONS {
            assert!(labels.iter().any(|l| l == wanted), "{wanted} in {labels:?}");
        }
        // "Today $0.00 · key $74.50 left": the ledger's day, and the mock key's remaining limit from /key.
        let before = tray
            .wait_for(WAIT, |items| {
                items.iter().any(|i| {
                    i.label.starts_with("Today $0.00 · key $")
                        && i.label.ends_with(" left")
                        && !i.enabled
                })
            })
            .await
            .expect("today's spend, before any reply");
        let before = before
            .into_iter()
            .find(|i| i.label.starts_with("Today"))
            .map(|i| i.label)
            .unwrap_or_default();

        // A reply moves the spend line.
        send(&driver, "Cost me something").await;
        assistant_reply(&driver, &["complete"]).await;
        tray.wait_for(WAIT, |items| {
            items
                .iter()
                .any(|i| i.label.starts_with("Today $0.00") && i.label != before)
        })
        .await
        .expect("today's spend after a reply");

        // "New quick prompt" is the shortcut's window.
        tray.click("New quick prompt").await.expect("click");
        switch_to(&driver, QUICK_TITLE).await;
        field(&driver, QUICK_TITLE).await;
        driver.switch_to_window(main.clone()).await.expect("main");

        // Paused, the app lets go of the keys: another program can take them.
        let x11 = X11::from_env();
        // Asked of the app, not tried with a grab of our own, which could take the keys just as the app
        // asks for them.
        wait_shortcut_active(&driver).await;
        assert!(
            x11.grab("ctrl+shift+space").is_err(),
            "the app holds the keys"
        );
        tray.click("Pause shortcut").await.expect("pause");
        tray.wait_for(WAIT, |items| {
            items.iter().any(|i| i.label == "Resume shortcut")
        })
        .await
        .expect("the item now resumes");
        // X applies the release on the app's next round of its event loop (it polls every 50 ms).
        let held = grab_when_free(&x11, "ctrl+shift+space", "free while paused").await;
        drop(held);
        tray.click("Resume shortcut").await.expect("resume");
        tray.wait_for(WAIT, |items| {
            items.iter().any(|i| i.label == "Pause shortcut")
        })
        .await
        .expect("resumed");
        wait_shortcut_active(&driver).await;
        assert!(
            x11.grab("ctrl+shift+space").is_err(),
            "resumed: the app holds the keys again"
        );

        // The close button hides the window, and the first time a dialog of the app's own says so.
        assert!(x11.close(MAIN_TITLE).expect("close") >= 1);
        x11.wait_visibility(MAIN_TITLE, Visibility::Hidden, WAIT)
            .await
            .expect("closing hides the window: the app stays in the tray");
        x11.wait_visibility(KEPT_IN_TRAY, Visibility::Visible, WAIT)
            .await
            .expect("the first close says the app keeps running");
        // Its close button means "Keep running".
        assert!(x11.close(KEPT_IN_TRAY).expect("close the dialog") >= 1);
        x11.wait_visibility(KEPT_IN_TRAY, Visibility::Absent, WAIT)
            .await
            .expect("the dialog goes");
        tray.click("Open main window").await.expect("open");
        x11.wait_visibility(MAIN_TITLE, Visibility::Visible, WAIT)
            .await
            .expect("shown again");
        // Said once: the second close is silent.
        assert!(x11.close(MAIN_TITLE).expect("close") >= 1);
        x11.wait_visibility(MAIN_TITLE, Visibility::Hidden, WAIT)
            .await
            .expect("hidden again");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            x11.visibility(KEPT_IN_TRAY).expect("visibility"),
            Visibility::Absent,
            "told only the first time"
        );
        tray.click("Open main window").await.expect("open");
        x11.wait_visibility(MAIN_TITLE, Visibility::Visible, WAIT)
            .await
            .expect("shown again");

        tray.click("Quit").await.expect("quit");
        wait_until("Quit ends the app", || async {
            desk::app_pid(&data).is_none()
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn t63_a_closed_main_window_frees_its_page_and_comes_back_from_the_tray() {
    let data = data_dir("idle-close");
    seed_settings(&data, json!({ "quick": { "main_idle_close_secs": 1 } }));
    let dir = data.clone();
    with_app(&dir, "t63", |driver| async move {
        field(&driver, "Message").await;
        send(&driver, "Remember me").await;
        assistant_reply(&driver, &["complete"]).await;
        field(&driver, "Message")
            .await
            .send_keys("unsent words")
            .await
            .expect("a draft");
        let tray = tray_of(&data).await;
        let x11 = X11::from_env();
        // Keep a window in the session: the quick one, hidden.
        tray.click("New quick prompt").await.expect("quick");
        switch_to(&driver, QUICK_TITLE).await;
        field(&driver, QUICK_TITLE)
            .await
            .send_keys(Key::Escape)
            .await
            .expect("esc");
        assert!(x11.close(MAIN_TITLE).expect("close") >= 1);
        // After the idle time the main window is gone, not just hidden, and so is the hidden quick window:
        // no web page is left, and the app still runs in the tray.
        x11.wait_visibility(MAIN_TITLE, Visibility::Absent, WAIT)
            .await
            .expect("the hidden main window's page is closed");
        wait_until("both hidden windows' pages are closed", || async {
            driver.windows().await.expect("handles").is_empty()
        })
        .await;
        assert!(desk::app_pid(&data).is_some(), "the app stays in the tray");
        tray.click("Open main window").await.expect("open");
        switch_to(&driver, MAIN_TITLE).await;
        // A new page, with the history intact.
        driver
            .query(By::XPath(
                "//nav[@aria-label='Conversations']//*[contains(., 'Remember me')]",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the conversation is listed in the re-created window");
        let (visibility, _) = page_state(&driver).await;
        assert_eq!(visibility, "visible");
        // It starts where the closed one was: the same conversation, the unsent draft.
        driver
            .query(By::XPath(
                "//article[@data-role='user' and contains(., 'Remember me')]",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the conversation that was open");
        let draft = field(&driver, "Message")
            .await
            .prop("value")
            .await
            .expect("value");
        assert_eq!(draft.as_deref(), Some("unsent words"));
    })
    .await;
}

#[tokio::test]
async fn t64_a_shortcut_held_by_another_program_is_explained_and_another_can_be_chosen() {
    let x11 = X11::from_env();
    // The last test's app may still be letting go of the keys as it ends.
    let held = grab_when_free(
        &x11,
        "ctrl+shift+space",
        "the other program takes the keys first",
    )
    .await;
    with_app(&data_dir("taken"), "t64", |driver| async move {
        field(&driver, "Message").await;
        button(&driver, "Settings")
            .await
            .click()
            .await
            .expect("settings");
        driver
            .query(By::XPath(
                "//*[@role='alert' and contains(., 'used by another program')]",
            ))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("Settings say another program holds Ctrl+Shift+Space");
        screenshot(&driver, "64-shortcut-taken").await;
        button(&driver, "Change…")
            .await
            .click()
            .await
            .expect("change");
        // The new keys, pressed as a person would while the field listens.
        X11::from_env()
            .press_keys("ctrl+alt+k")
            .await
            .expect("xdotool");
        driver
            .query(By::XPath("//*[contains(., 'Ctrl+Alt+K')]"))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the new shortcut is shown");
        wait_until("Ctrl+Alt+K to open the quick window", || async {
            X11::from_env()
                .press_keys("ctrl+alt+k")
                .await
                .expect("xdotool");
            tokio::time::sleep(Duration::from_millis(300)).await;
            driver.windows().await.expect("handles").len() == 2
        })
        .await;
        switch_to(&driver, QUICK_TITLE).await;
        field(&driver, QUICK_TITLE).await;
    })
    .await;
    drop(held);
}

#[tokio::test]
async fn t65_a_second_launch_brings_back_the_running_app() {
    let data = data_dir("second");
    let dir = data.clone();
    with_app(&dir, "t65", |driver| async move {
        field(&driver, "Message").await;
        let x11 = X11::from_env();
        assert!(x11.close(MAIN_TITLE).expect("close") >= 1);
        x11.wait_visibility(MAIN_TITLE, Visibility::Hidden, WAIT)
            .await
            .expect("hidden in the tray");
        let launch = |extra: &[&str]| {
            let started = std::time::Instant::now();
            let status = std::process::Command::new(env("E2E_APP"))
                .arg("--data-dir")
                .arg(&data)
                .args(extra)
                .env("HOME", env("E2E_HOME"))
                .status()
                .expect("a second launch");
            (status, started.elapsed())
        };
        let (status, took) = launch(&[]);
        assert!(
            status.success(),
            "the second launch hands over and exits: {status}"
        );
        assert!(took < Duration::from_secs(5), "{took:?}");
        x11.wait_visibility(MAIN_TITLE, Visibility::Visible, WAIT)
            .await
            .expect("the first app shows its window");
        wait_until("shown and focused", || async {
            page_state(&driver).await == ("visible".to_owned(), true)
        })
        .await;
        let (status, _) = launch(&["--quick"]);
        assert!(status.success());
        switch_to(&driver, QUICK_TITLE).await;
        field(&driver, QUICK_TITLE).await;
        assert!(desk::app_pid(&data).is_some(), "the first app still runs");
    })
    .await;
}

#[tokio::test]
async fn t67_a_start_in_the_tray_leaves_the_keyring_alone_until_a_window_reads_it() {
    mock("reset", Some(json!({}))).await;
    let data = data_dir("hidden-start");
    // As the login item starts it: no window, so no WebDriver session either.
    let mut app = Stray(
        std::process::Command::new(env("E2E_APP"))
            .arg("--data-dir")
            .arg(&data)
            .arg("--hidden")
            .env("HOME", env("E2E_HOME"))
            .spawn()
            .expect("the app starts"),
    );
    let key_requests = || async { requests_to("/key").await.len() };
    let tray = tray_of(&data).await;
    // The spend line is written after the tick has decided whether to ask for the key's figures.
    let items = tray
        .wait_for(WAIT, |items| {
            items.iter().any(|i| i.label.starts_with("Today $"))
        })
        .await
        .expect("the spend line");
    let line = items
        .iter()
        .find(|i| i.label.starts_with("Today $"))
        .map(|i| i.label.clone())
        .unwrap_or_default();
    assert_eq!(
        line, "Today $0.00",
        "no key figures without reading the keyring"
    );
    assert_eq!(
        key_requests().await,
        0,
        "no /key request at a start in the tray"
    );

    // The main window reads the key: the tray's line then gains the key's remaining limit.
    tray.click("Open main window").await.expect("open");
    tray.wait_for(WAIT, |items| {
        items
            .iter()
            .any(|i| i.label.starts_with("Today $0.00 · key $") && i.label.ends_with(" left"))
    })
    .await
    .expect("the key's figures once a window read the key");
    assert!(key_requests().await >= 1);

    tray.click("Quit").await.expect("quit");
    wait_until("Quit ends the app", || async {
        desk::app_pid(&data).is_none()
    })
    .await;
    assert!(app.0.wait().is_ok_and(|status| status.success()));
}

/// Stands in for an app that is quitting: it holds the single-instance name of a data directory, and
/// answers the hand-over with an error (as a call to an app that is going away fails), then lets go.
struct QuittingApp(std::sync::mpsc::Sender<()>);

#[zbus::interface(name = "org.SingleInstance.DBus")]
impl QuittingApp {
    fn execute_callback(&self, _argv: Vec<String>, _cwd: String) -> zbus::fdo::Result<()> {
        let _ = self.0.send(());
        Err(zbus::fdo::Error::Failed("the app is quitting".into()))
    }
}

#[tokio::test]
async fn t68_a_launch_while_the_last_app_is_quitting_starts_a_moment_later() {
    let data = data_dir("quitting").canonicalize().expect("data dir");
    // The plugin's name and path for this data directory (tauri-plugin-single-instance, Linux).
    let name = format!(
        "{}.SingleInstance",
        openrouter_desktop::desktop::instance_id("io.github.openrouter-desktop", Some(&data))
    );
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    let (asked, hand_over) = std::sync::mpsc::channel();
    let quitting = zbus::connection::Builder::session()
        .expect("session bus")
        .name(name.as_str())
        .expect("name")
        .serve_at(path.as_str(), QuittingApp(asked))
        .expect("object")
        .build()
        .await
        .expect("the quitting app's name");

    let mut app = Stray(
        std::process::Command::new(env("E2E_APP"))
            .arg("--data-dir")
            .arg(&data)
            .env("HOME", env("E2E_HOME"))
            .spawn()
            .expect("the app starts"),
    );
    wait_until("the launch to try to hand over", || async {
        hand_over.try_recv().is_ok()
    })
    .await;
    drop(quitting); // the last app is gone now

    let x11 = X11::from_env();
    x11.wait_visibility(MAIN_TITLE, Visibility::Visible, WAIT)
        .await
        .expect("the launch started the app after all");
    let tray = tray_of(&data).await;
    tray.click("Quit").await.expect("quit");
    wait_until("Quit ends the app", || async {
        desk::app_pid(&data).is_none()
    })
    .await;
    assert!(app.0.wait().is_ok_and(|status| status.success()));
}

/// An app started without tauri-driver: killed if the test ends before it quit, so it never holds the
/// shortcut or the tray into the next test.
struct Stray(std::process::Child);

impl Drop for Stray {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[tokio::test]
async fn t66_start_at_login_writes_a_login_item_that_starts_in_the_tray() {
    let entry = std::path::PathBuf::from(env("E2E_HOME"))
        .join(".config/autostart/openrouter-desktop.desktop");
    let _ = std::fs::remove_file(&entry);
    with_app(&data_dir("login"), "t66", |driver| async move {
        field(&driver, "Message").await;
        button(&driver, "Settings").await.click().await.expect("settings");
        let toggle = "//input[@type='checkbox' and @id=//label[contains(., 'Start at login')]/@for] | //label[contains(., 'Start at login')]//input[@type='checkbox']";
        driver
            .query(By::XPath(toggle))
            .wait(WAIT, POLL)
            .first()
            .await
            .expect("the Start at login box")
            .click()
            .await
            .expect("tick");
        wait_until("the login item is written", || async { entry.exists() }).await;
        let text = std::fs::read_to_string(&entry).expect("login item");
        let exec = text
            .lines()
            .find(|l| l.starts_with("Exec="))
            .expect("an Exec line");
        assert!(exec.contains("openrouter-desktop"), "{exec}");
        assert!(exec.contains("--hidden"), "starts in the tray: {exec}");
        driver
            .query(By::XPath(toggle))
            .first()
            .await
            .expect("the box")
            .click()
            .await
            .expect("untick");
        wait_until("the login item is removed", || async { !entry.exists() }).await;
    })
    .await;
}
