//! What the real-window benchmarks share (`model_bench`, `billing_bench`): scripts in the page, polling
//! for a state, getting past the first run's key screen, and percentiles.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{json, Value};
use thirtyfour::prelude::*;

pub const POLL: Duration = Duration::from_millis(100);
/// A key the mock server accepts.
pub const GOOD_KEY: &str = "sk-or-v1-e2e0000000000000000000000000000000000000000000000000000000000";

/// An environment variable the session script sets; `make_target` says how to run the benchmark.
pub fn env(name: &str, make_target: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this with `make {make_target}`"))
}

pub async fn js(driver: &WebDriver, script: &str) -> Value {
    driver
        .execute(script, Vec::<Value>::new())
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
        .json()
        .clone()
}

/// Polls `script` until it returns true, for at most `wait`.
pub async fn wait_for(driver: &WebDriver, what: &str, script: &str, wait: Duration) {
    let deadline = tokio::time::Instant::now() + wait;
    while js(driver, script).await != json!(true) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Gets to the chat: a first run asks for a key (the keyring is the session's own), which is given.
pub async fn reach_chat(driver: &WebDriver, wait: Duration) -> Result<(), String> {
    let ready = "return !!document.querySelector(\"textarea[aria-label='Message']\") || !!document.querySelector(\"input.key-input\");";
    wait_for(driver, "the first screen", ready, wait).await;
    let onboarding = js(
        driver,
        "return !!document.querySelector(\"input.key-input\");",
    )
    .await;
    if onboarding == json!(true) {
        let input = driver
            .find(By::Css("input.key-input"))
            .await
            .map_err(|e| e.to_string())?;
        input.send_keys(GOOD_KEY).await.map_err(|e| e.to_string())?;
        driver
            .find(By::XPath("//button[normalize-space()='Save key']"))
            .await
            .map_err(|e| e.to_string())?
            .click()
            .await
            .map_err(|e| e.to_string())?;
    }
    wait_for(
        driver,
        "the chat",
        "return !!document.querySelector(\"textarea[aria-label='Message']\");",
        wait,
    )
    .await;
    Ok(())
}

/// p50, p95 (nearest rank) and max.
pub fn stats(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at =
        |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    (at(0.5), at(0.95), *sorted.last().expect("values"))
}
