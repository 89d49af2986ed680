//! The Models view's benchmark in the real window (`make bench-models`, figures in BENCHMARKS.md): the
//! release app under Xvfb and WebKitWebDriver, its catalogue 1,000 models (the recorded /models list
//! repeated with new ids, served by the mock), typed into one keystroke at a time.
//!
//! For every keystroke the page itself records, with the User Timing API, how long filtering and sorting
//! took ("models-filter") and that plus putting the visible rows in the DOM ("models-update"); this test
//! also times the whole input handler from outside (dispatching the input event) and counts the rows in
//! the DOM. It prints the figures (WebKit gives times to the millisecond); it fails only when the list
//! renders more than the rows in view.

use std::path::PathBuf;
use std::time::Duration;

mod bench_window;

use bench_window::{env, js, reach_chat, stats, wait_for, POLL};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

const WAIT: Duration = Duration::from_secs(30);
const MODELS: usize = 1000;
/// Times each text is typed (and deleted) per filter combination.
const ROUNDS: usize = 3;

async fn mock(path: &str, body: Value) -> Value {
    let origin = env("E2E_MOCK_URL", "bench-models")
        .trim_end_matches("/api/v1")
        .to_owned();
    reqwest::Client::new()
        .post(format!("{origin}/__mock/{path}"))
        .json(&body)
        .send()
        .await
        .expect("mock answers")
        .json()
        .await
        .unwrap_or(Value::Null)
}

/// The recorded list, repeated with new ids ("author/slug-copy2[:variant]") up to `target` models.
fn thousand_models(target: usize) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/models-data-array-2026-05-01.json");
    let parsed: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("fixture")).expect("json");
    let raw = parsed.get("data").cloned().unwrap_or(parsed);
    let raw = raw.as_array().expect("a list of models").clone();
    let mut out = Vec::with_capacity(target);
    'copies: for copy in 0.. {
        for model in &raw {
            if out.len() >= target {
                break 'copies;
            }
            let mut model = model.clone();
            if copy > 0 {
                let id = model["id"].as_str().expect("id").to_owned();
                let (base, variant) = match id.rsplit_once(':') {
                    Some((base, variant)) => (base.to_owned(), format!(":{variant}")),
                    None => (id.clone(), String::new()),
                };
                model["id"] = json!(format!("{base}-copy{copy}{variant}"));
                model["canonical_slug"] = json!(format!("{base}-copy{copy}"));
                let name = model["name"].as_str().unwrap_or_default().to_owned();
                model["name"] = json!(format!("{name} (copy {copy})"));
            }
            out.push(model);
        }
    }
    out
}

/// Types every prefix of each text into the Models view's search field, one per animation frame, then
/// deletes it all, `rounds` times; returns `[[value, filter ms, update ms, handler ms]…], max rows in the DOM`.
const TYPE_SCRIPT: &str = r#"
const [texts, rounds, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const input = document.querySelector(".models-dialog input[type='search']");
const rows = () => document.querySelectorAll(".models-dialog .browser-list [role='option']").length;
const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const latest = (name) => { const all = performance.getEntriesByName(name); return all.length ? all[all.length - 1].duration : NaN; };
(async () => {
  const steps = [];
  let maxRows = rows();
  const step = async (value) => {
    input.value = value;
    const start = performance.now();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const handler = performance.now() - start;
    steps.push([value, latest("models-filter"), latest("models-update"), handler]);
    maxRows = Math.max(maxRows, rows());
    await frame();
  };
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      for (let i = 1; i <= text.length; i++) await step(text.slice(0, i));
      // Select all and delete: the whole list again.
      await step("");
    }
  }
  done([steps, maxRows]);
})();
"#;

const TYPED: &[&str] = &[
    "claude sonnet",
    "gemini flash",
    "free",
    "llama 70b instruct",
    "reasoning",
    "gpt-4o mini",
    "qwen coder",
    "vision",
];

#[tokio::test]
async fn models_view_filters_a_thousand_models_per_keystroke() {
    let models = thousand_models(MODELS);
    let served = mock("models", json!({ "models": models })).await;
    assert_eq!(served["models"], json!(MODELS), "{served}");

    let data = std::env::temp_dir().join(format!("ord-bench-models-{}", std::process::id()));
    std::fs::create_dir_all(&data).expect("data dir");
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({"application": env("E2E_APP", "bench-models"), "args": ["--data-dir", data]}),
    );
    let driver = WebDriver::new(env("E2E_DRIVER_URL", "bench-models"), caps)
        .await
        .expect("tauri-driver starts the app");
    let result = run(&driver).await;
    let _ = driver.quit().await;
    mock("models", json!({ "models": null })).await;
    let _ = std::fs::remove_dir_all(&data);
    result.unwrap_or_else(|e| panic!("{e}"));
}

async fn run(driver: &WebDriver) -> Result<(), String> {
    driver
        .set_script_timeout(Duration::from_secs(120))
        .await
        .map_err(|e| e.to_string())?;
    reach_chat(driver, WAIT).await?;

    let models_button = driver
        .query(By::XPath("//nav//button[normalize-space()='Models']"))
        .wait(WAIT, POLL)
        .first()
        .await
        .map_err(|e| e.to_string())?;
    models_button.click().await.map_err(|e| e.to_string())?;
    wait_for(
        driver,
        "the Models view with 1,000 models",
        "const c = document.querySelector('.models-dialog .models-count'); return !!c && / 1000 models$|^1000 models$/.test(c.textContent);",
        WAIT,
    )
    .await;
    let shown = js(
        driver,
        "return document.querySelector('.models-dialog .models-count').textContent;",
    )
    .await;
    let rows = js(driver, "return document.querySelectorAll(\".models-dialog .browser-list [role='option']\").length;").await;

    // How fast this WebKit runs JavaScript at all (a JIT makes this ~10–30 ms; an interpreter, ~10 times that).
    let probe = js(
        driver,
        "const t = performance.now(); let x = 0; for (let i = 0; i < 1e7; i++) x = (x + i) | 0; return [performance.now() - t, x];",
    )
    .await;
    println!(
        "JavaScript speed probe: a 10-million-step loop took {} ms",
        probe[0]
    );

    let combos: &[(&str, &str)] = &[
        ("no filter, by name", ""),
        ("free only, by input price", "free"),
        ("reads images + uses tools, by context", "images-tools"),
    ];
    println!("Models view, {MODELS} models, WebKitGTK via WebDriver; list opened with {shown} and {rows} rows in the DOM");
    let mut all_filter = Vec::new();
    for (name, combo) in combos {
        let setup = match *combo {
            "free" => "const f = document.querySelector('.models-dialog .models-filters'); \
                       const box = (label) => document.getElementById(Array.from(f.querySelectorAll('label')).find((l) => l.textContent === label).htmlFor); \
                       box('Free models only').click(); \
                       const s = document.querySelector('.models-sort-select'); s.value = 'prompt_price'; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            "images-tools" => "const f = document.querySelector('.models-dialog .models-filters'); \
                       const box = (label) => document.getElementById(Array.from(f.querySelectorAll('label')).find((l) => l.textContent === label).htmlFor); \
                       box('Free models only').click(); box('Images').click(); box('Use tools').click(); \
                       const s = document.querySelector('.models-sort-select'); s.value = 'context'; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            _ => "return true;",
        };
        js(driver, setup).await;
        let result = driver
            .execute_async(TYPE_SCRIPT, vec![json!(TYPED), json!(ROUNDS)])
            .await
            .map_err(|e| e.to_string())?
            .json()
            .clone();
        let steps = result[0].as_array().expect("steps").clone();
        let column =
            |i: usize| -> Vec<f64> { steps.iter().filter_map(|s| s[i].as_f64()).collect() };
        let (filter, update, handler) = (column(1), column(2), column(3));
        let max_rows = result[1].as_u64().unwrap_or(u64::MAX);
        let (f50, f95, fmax) = stats(&filter);
        let (u50, u95, umax) = stats(&update);
        let (h50, h95, hmax) = stats(&handler);
        println!(
            "  {name:<38} {n} keystrokes: filter+sort p50 {f50:.2} ms, p95 {f95:.2} ms, max {fmax:.2} ms | + list rows p50 {u50:.2} ms, p95 {u95:.2} ms, max {umax:.2} ms | whole input handler p50 {h50:.2} ms, p95 {h95:.2} ms, max {hmax:.2} ms | at most {max_rows} rows in the DOM",
            n = steps.len()
        );
        let mut slowest: Vec<&Value> = steps.iter().collect();
        slowest.sort_by(|a, b| {
            b[1].as_f64()
                .unwrap_or(0.0)
                .total_cmp(&a[1].as_f64().unwrap_or(0.0))
        });
        let slowest: Vec<String> = slowest
            .iter()
            .take(4)
            .map(|s| format!("{:?} {} ms", s[0].as_str().unwrap_or(""), s[1]))
            .collect();
        println!("      slowest filter+sort: {}", slowest.join(", "));
        if max_rows > 60 {
            return Err(format!(
                "{max_rows} rows in the DOM: the list should render only the visible ones"
            ));
        }
        all_filter.extend(filter);
    }
    let (f50, f95, fmax) = stats(&all_filter);
    println!("  all keystrokes: filter+sort p50 {f50:.2} ms, p95 {f95:.2} ms, max {fmax:.2} ms");
    // A benchmark, not a timed test: a busy machine prints a slower figure, it does not fail.
    if f95 > 4.0 {
        println!(
            "  filter+sort p95 {f95:.2} ms is over the 4 ms budget (is the machine busy? `uptime`)"
        );
    }
    Ok(())
}
