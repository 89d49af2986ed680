//! Recorded OpenRouter traffic, embedded at build time from `tests/fixtures/` (see its README for provenance).
//!
//! Embedding keeps the `mock-openrouter` binary self-contained: it needs no files at run time.

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// One recorded `text/event-stream` body of `POST /chat/completions`.
#[derive(Debug, Clone, Copy)]
pub struct SseFixture {
    /// Path under `tests/fixtures/` without the `-response.sse` suffix,
    /// e.g. `pydantic-ai-cassettes/test_openrouter_stream_error/00`.
    pub name: &'static str,
    /// The body exactly as recorded.
    pub body: &'static [u8],
}

macro_rules! sse {
    ($name:literal) => {
        SseFixture {
            name: $name,
            body: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/",
                $name,
                "-response.sse"
            )),
        }
    };
}

/// Every recorded chat-completions stream the mock can replay.
pub const SSE_FIXTURES: &[SseFixture] = &[
    sse!("llm-openrouter-cassettes-2025-08-chat-completions/test_image_prompt/01"),
    sse!("llm-openrouter-cassettes-2025-08-chat-completions/test_prompt/01"),
    sse!("llm-openrouter-cassettes-2025-08-chat-completions/test_tool_calls/01"),
    sse!("llm-openrouter-cassettes-2025-08-chat-completions/test_tool_calls/02"),
    sse!("pydantic-ai-cassettes/test_openrouter_advisor_tool_stream/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_stream_error/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_stream_with_native_options/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_stream_with_reasoning/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_streaming_reasoning/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_web_search_annotations_stream/00"),
    sse!("pydantic-ai-cassettes/test_openrouter_web_search_tool_usage_stream/00"),
];

const MODELS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/models-data-array-2026-05-01.json"
));
const RATE_LIMITED_429_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/pydantic-ai-cassettes/test_openrouter_errors_raised/00-response.json"
));
const GENERATION_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/account-endpoints/generation-cancelled-stream-2026-02-24.json"
));
const OPENAPI_EXAMPLES_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/openapi-examples/examples-from-openapi.json"
));

/// Finds a fixture by its full name, or by a unique shorter suffix such as `test_openrouter_stream_error` or
/// `test_tool_calls/02`.
pub fn find_sse(name: &str) -> Result<&'static SseFixture, String> {
    let name = name.trim_matches('/');
    if let Some(exact) = SSE_FIXTURES.iter().find(|f| f.name == name) {
        return Ok(exact);
    }
    let matches: Vec<&SseFixture> = SSE_FIXTURES
        .iter()
        .filter(|f| {
            f.name.ends_with(&format!("/{name}"))
                || f.name
                    .rsplit_once('/')
                    .is_some_and(|(dir, _)| dir.ends_with(&format!("/{name}")))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "unknown fixture `{name}`; known: {}",
            sse_names().join(", ")
        )),
        many => Err(format!(
            "fixture name `{name}` is ambiguous: {}",
            many.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Full names of every replayable fixture.
pub fn sse_names() -> Vec<&'static str> {
    SSE_FIXTURES.iter().map(|f| f.name).collect()
}

/// The recorded `/models` list (371 models, 2026-05-01), with the fields the current spec requires but the
/// recording predates filled in (`supported_voices: null`, absent from every 2026-05 row).
pub fn models() -> &'static [Value] {
    static MODELS: OnceLock<Vec<Value>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut list: Vec<Value> = serde_json::from_str(MODELS_JSON).unwrap_or_default();
        for model in &mut list {
            if let Some(obj) = model.as_object_mut() {
                obj.entry("supported_voices").or_insert(Value::Null);
            }
        }
        list
    })
}

/// The real 429 body recorded by pydantic-ai for an upstream-rate-limited `:free` model.
pub fn rate_limited_429() -> Value {
    serde_json::from_str(RATE_LIMITED_429_JSON).unwrap_or(Value::Null)
}

/// The real `/generation` body (a cancelled stream), completed with the fields the current spec lists that the
/// 2026-02 recording lacks: from the spec's example (`data_region`, `http_referer`, `num_fetches`, ...), and
/// `workspace_id: null`, which the SDK requires but neither the recording nor the example has.
pub fn generation() -> Value {
    let mut data = openapi_example("GET /generation 200 application/json")
        .and_then(|v| v.get("data").cloned())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let recorded: Value = serde_json::from_str(GENERATION_JSON).unwrap_or(Value::Null);
    if let Some(rec) = recorded.get("data").and_then(Value::as_object) {
        for (k, v) in rec {
            data.insert(k.clone(), v.clone());
        }
    }
    data.entry("workspace_id").or_insert(Value::Null);
    let mut out = Map::new();
    out.insert("data".into(), Value::Object(data));
    Value::Object(out)
}

/// One example payload from the OpenAPI spec, keyed like `"GET /key 200 application/json"`.
pub fn openapi_example(key: &str) -> Option<Value> {
    static EXAMPLES: OnceLock<Value> = OnceLock::new();
    EXAMPLES
        .get_or_init(|| serde_json::from_str(OPENAPI_EXAMPLES_JSON).unwrap_or(Value::Null))
        .get(key)
        .cloned()
}
