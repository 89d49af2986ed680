//! Helpers shared by the mock's tests: an SSE splitter, a raw HTTP/1.1 client that shows chunk boundaries, and
//! the fixture files on disk.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A key the mock accepts.
pub const KEY: &str = "sk-or-v1-test0123456789abcdef0123456789abcdef0123456789abcdef01234567";
/// A management key.
pub const MGMT_KEY: &str = "sk-or-v1-mgmt0123456789abcdef0123456789abcdef0123456789abcdef01234567";
/// A key the mock rejects.
pub const BAD_KEY: &str = "sk-or-v1-bad00123456789abcdef0123456789abcdef0123456789abcdef01234567";

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn read_fixture(relative: &str) -> Vec<u8> {
    let path = fixtures_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

pub fn read_fixture_json(relative: &str) -> Value {
    serde_json::from_slice(&read_fixture(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

/// `POST {base}/chat/completions` with the test key.
pub async fn post_chat(base: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{base}/chat/completions"))
        .bearer_auth(KEY)
        .json(body)
        .send()
        .await
        .expect("chat request")
}

pub fn chat_body(prompt: &str, stream: bool) -> Value {
    serde_json::json!({
        "model": "openai/gpt-4o",
        "stream": stream,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}]
    })
}

/// One SSE event: its comment lines and its joined `data:` lines.
#[derive(Debug, Clone, PartialEq)]
pub enum SseEvent {
    Comment(String),
    Data(String),
}

/// Splits an SSE body into events (blank-line separated; `\r\n` tolerated).
pub fn sse_events(body: &str) -> Vec<SseEvent> {
    let body = body.replace("\r\n", "\n");
    let mut events = Vec::new();
    for block in body.split("\n\n").filter(|b| !b.is_empty()) {
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(comment) = line.strip_prefix(':') {
                events.push(SseEvent::Comment(comment.trim().to_owned()));
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
            }
        }
        if !data.is_empty() {
            events.push(SseEvent::Data(data.join("\n")));
        }
    }
    events
}

/// The JSON payloads of an SSE body (every data event except `[DONE]`), panicking on invalid JSON.
pub fn sse_json(body: &str) -> Vec<Value> {
    sse_events(body)
        .into_iter()
        .filter_map(|e| match e {
            SseEvent::Data(d) if d != "[DONE]" => {
                Some(serde_json::from_str(&d).unwrap_or_else(|e| panic!("{e}: {d}")))
            }
            _ => None,
        })
        .collect()
}

/// Concatenated `choices[0].delta.content` of stream chunks.
pub fn streamed_text(chunks: &[Value]) -> String {
    chunks
        .iter()
        .filter_map(|c| {
            c.pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
        })
        .collect()
}

/// A response read off the socket, with HTTP chunk boundaries kept.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Lower-case header names.
    pub headers: Vec<(String, String)>,
    pub chunks: Vec<Vec<u8>>,
    /// Whether the terminating zero-length chunk arrived (false = the connection was cut mid-body).
    pub terminated: bool,
}

impl RawResponse {
    pub fn body(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request with `Connection: close` and reads the whole chunked response.
pub async fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> RawResponse {
    let body = body.to_string();
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write request");
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut raw))
        .await
        .expect("response in time");
    parse_raw(&raw)
}

fn parse_raw(raw: &[u8]) -> RawResponse {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers")
        + 4;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut rest = &raw[head_end..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if !chunked {
        return RawResponse {
            status,
            headers,
            chunks: vec![rest.to_vec()],
            terminated: true,
        };
    }
    let mut chunks = Vec::new();
    let mut terminated = false;
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let Ok(size) = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
        else {
            break;
        };
        rest = &rest[line_end + 2..];
        if size == 0 {
            terminated = true;
            break;
        }
        if rest.len() < size + 2 {
            chunks.push(rest[..rest.len().min(size)].to_vec());
            break;
        }
        chunks.push(rest[..size].to_vec());
        rest = &rest[size + 2..];
    }
    RawResponse {
        status,
        headers,
        chunks,
        terminated,
    }
}
