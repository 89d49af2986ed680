//! Window creation. The webview may only ever show the app's own pages: any other navigation (a
//! link in a model's reply, a redirect) is refused here, and links go to the system browser instead.

use tauri::{AppHandle, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

pub fn create_main(app: &AppHandle) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("OpenRouter Desktop")
        .inner_size(1100.0, 760.0)
        .min_inner_size(560.0, 420.0)
        .on_navigation(is_app_url)
        .build()?;
    Ok(())
}

/// The bundled UI is served from `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost`
/// (Windows); a dev server is never used.
fn is_app_url(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_app_url;

    #[test]
    fn only_the_app_origin_is_navigable() {
        let ok = [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "https://tauri.localhost/x",
        ];
        let bad = [
            "https://evil.example/",
            "http://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "tauri://evil/",
        ];
        for u in ok {
            assert!(is_app_url(&url::Url::parse(u).expect("url")), "{u}");
        }
        for u in bad {
            assert!(!is_app_url(&url::Url::parse(u).expect("url")), "{u}");
        }
    }
}
