//! The quick window's benchmark in the real window (`make bench-quick`, figures in BENCHMARKS.md): the
//! release app started in the tray (`--hidden`, no main window), under Xvfb, the shortcut pressed with
//! xdotool as a person would press it.
//!
//! The time is from just before xdotool is started to the moment the page saw its input focused while the
//! window had the keyboard focus (`window.__quickFocusTimes`, epoch ms from the page's own clock; both
//! clocks are the same machine's). It includes starting xdotool and global-hotkey's 50 ms polling of X,
//! so it is what a person waits. The first press builds the window (cold); then 30 presses after Esc hid
//! it (warm). WebDriver is not polled during a warm press: it reads the figure after the press.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod bench_window;

use bench_window::{env, js, stats};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

const ROUNDS: usize = 30;

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Presses `keys` with xdotool; returns the epoch ms just before it was started.
fn press(keys: &str) -> f64 {
    let at = epoch_ms();
    let status = std::process::Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool runs");
    assert!(status.success(), "xdotool key {keys}");
    at
}

async fn focus_times(driver: &WebDriver) -> Vec<f64> {
    js(driver, "return window.__quickFocusTimes || [];")
        .await
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn shortcut_to_focused_input() {
    let data = std::env::temp_dir().join(format!("ord-quick-bench-{}", std::process::id()));
    std::fs::create_dir_all(&data).expect("data dir");
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({"application": env("E2E_APP", "bench-quick"), "args": ["--data-dir", data, "--hidden"]}),
    );
    // Started in the tray there is no window, and WebDriver's session waits for the first one: the quick
    // window the shortcut opens.
    let session = tokio::spawn(WebDriver::new(env("E2E_DRIVER_URL", "bench-quick"), caps));
    // Let the app start and register its shortcut; the press is timed, not this wait.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut pressed = press("ctrl+shift+space");
    let mut session = Box::pin(session);
    let driver = loop {
        match tokio::time::timeout(Duration::from_secs(5), &mut session).await {
            Ok(done) => break done.expect("session task").expect("a session"),
            // Too early for the shortcut: press again, and time that press.
            Err(_) => pressed = press("ctrl+shift+space"),
        }
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let first = loop {
        if let Some(at) = focus_times(&driver).await.first() {
            break *at;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the input never got focus"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let cold = first - pressed;

    let mut warm = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        press("Escape");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let hidden = js(&driver, "return document.visibilityState;").await;
        assert_eq!(hidden, json!("hidden"), "round {round}: Esc hid the window");
        let before = focus_times(&driver).await.len();
        let at = press("ctrl+shift+space");
        tokio::time::sleep(Duration::from_millis(400)).await;
        let times = focus_times(&driver).await;
        assert!(
            times.len() > before,
            "round {round}: the input got focus again"
        );
        warm.push(times[before] - at);
    }
    let (p50, p95, max) = stats(&warm);
    println!(
        "Quick window, shortcut press to focused input (xdotool under Xvfb, app started with --hidden):\n  first press (window built): {cold:.0} ms (target <= 600)\n  warm, {ROUNDS} presses: p50 {p50:.0} ms, p95 {p95:.0} ms, max {max:.0} ms (target p95 <= 150)"
    );
    let _ = driver.quit().await;
}
