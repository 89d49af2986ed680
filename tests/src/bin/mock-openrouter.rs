//! `mock-openrouter [--port N] [--chunk-delay-ms N] [--quiet]`
//!
//! Serves the mock OpenRouter API on 127.0.0.1 until killed. Prints exactly one line on stdout,
//! `MOCK_URL=http://127.0.0.1:PORT/api/v1`, once it accepts connections; logs requests on stderr.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use acceptance::mock::{self, MockConfig};

const USAGE: &str = "usage: mock-openrouter [--port N] [--chunk-delay-ms N] [--quiet]

Serves a mock OpenRouter API on 127.0.0.1 (port 0 = any free port, the default) and prints
MOCK_URL=http://127.0.0.1:PORT/api/v1 on stdout. Any key starting with sk-or-v1- works
(sk-or-v1-bad... is rejected, sk-or-v1-mgmt... is a management key).
Script replies with POST /__mock/scenario or a prompt starting with `/mock <scenario>`.

  --port N            port to listen on (default 0)
  --chunk-delay-ms N  pause between streamed chunks (default 30)
  --quiet             do not log requests on stderr";

fn parse_args() -> Result<Option<MockConfig>, String> {
    let mut config = MockConfig {
        chunk_delay: Duration::from_millis(30),
        log_requests: true,
        ..MockConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs {what}"))
        };
        match name.as_str() {
            "--port" => {
                config.port = value("a port number")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--chunk-delay-ms" => {
                let ms: u64 = value("milliseconds")?
                    .parse()
                    .map_err(|e| format!("--chunk-delay-ms: {e}"))?;
                config.chunk_delay = Duration::from_millis(ms);
            }
            "--quiet" => config.log_requests = false,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(config))
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("mock-openrouter: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let port = config.port;
    let server = match mock::try_start_with(config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("mock-openrouter: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "MOCK_URL={}", server.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("mock-openrouter: cannot write to stdout");
    }
    drop(stdout);
    loop {
        std::thread::park();
    }
}
