//! Contract test: the official TypeScript SDK (`@openrouter/sdk`, generated from OpenRouter's OpenAPI spec and
//! validating every response with zod) must parse everything the mock sends.
//!
//! Needs Node.js and the SDK installed once: `npm ci --prefix tests/contract`. Without them this test fails
//! (it does not skip), so a missing setup cannot pass silently.

use std::path::PathBuf;
use std::process::Command;

use acceptance::mock;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_sdk_parses_the_mock() {
    let contract = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract");
    let sdk = contract.join("node_modules/@openrouter/sdk/package.json");
    assert!(
        sdk.exists(),
        "{} is missing: install the contract test's dependencies with `npm ci --prefix tests/contract` \
         (from the repository root), then run the tests again",
        sdk.display()
    );
    let server = mock::start().await;
    let base_url = server.base_url();
    let script = contract.join("sdk-contract.mjs");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .arg(&base_url)
            .current_dir(&contract)
            .output()
    })
    .await
    .expect("join");
    let output = match output {
        Ok(output) => output,
        Err(e) => panic!("cannot run `node` ({e}); install Node.js 20 or newer"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the SDK contract failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("SDK contract checks passed"), "{stdout}");
    assert!(!stdout.contains("not ok"), "{stdout}");
}
