//! The smallest Tauri 2 window worth comparing with: one page with a heading, served over a custom
//! protocol the way the app's own UI is (so WebKit starts the same processes), no plugins, no state.
//! `make bench` measures it next to the app, built with the same Tauri and the same profile.

const PAGE: &str = "<!doctype html><title>minimal</title><h1>Hello</h1>";

fn main() {
    let result = tauri::Builder::default()
        .register_uri_scheme_protocol("mini", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = "mini://localhost/".parse().map_err(|e| format!("{e}"))?;
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::CustomProtocol(url))
                .title("minimal")
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("minimal window failed: {e}");
        std::process::exit(1);
    }
}
