//! Window creation. The webview may only ever show the app's own pages: any other navigation (a
//! link in a model's reply, a redirect) is refused here, and links go to the system browser instead.

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};

pub const MAIN: &str = "main";
/// The quick-prompt window: created on first use, hidden (not closed) afterwards so it opens at once.
pub const QUICK: &str = "quick";

pub fn create_main(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("OpenRouter Desktop")
        .inner_size(1100.0, 760.0)
        .min_inner_size(560.0, 420.0)
        .on_navigation(is_app_url)
        .build()
}

/// Shows the main window, re-creating it when its web view was closed to save memory.
pub fn show_main(app: &AppHandle) -> tauri::Result<()> {
    let window = match app.get_webview_window(MAIN) {
        Some(window) => window,
        None => create_main(app)?,
    };
    window.unminimize()?;
    window.show()?;
    window.set_focus()
}

/// Shows the quick window centred and focused, creating it the first time.
pub fn show_quick(app: &AppHandle) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(QUICK) {
        window.center()?;
        window.show()?;
        return window.set_focus();
    }
    let window = WebviewWindowBuilder::new(app, QUICK, WebviewUrl::App("quick.html".into()))
        .title("Quick prompt")
        .inner_size(640.0, 400.0)
        .min_inner_size(420.0, 220.0)
        .center()
        .always_on_top(true)
        .skip_taskbar(true)
        .focused(true)
        .on_navigation(is_app_url)
        .build()?;
    // Closing it only hides it: the next shortcut press then shows it at once.
    let handle = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::CloseRequested { api, .. } = event {
            api.prevent_close();
            if let Err(e) = hide_quick(&handle) {
                log::warn!("quick window not hidden: {e}");
            }
        }
    });
    Ok(())
}

pub fn hide_quick(app: &AppHandle) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window(QUICK) else {
        return Ok(());
    };
    window.hide()?;
    super::desktop_shell::quick_hidden(app);
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
