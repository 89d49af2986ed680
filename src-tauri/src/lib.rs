//! OpenRouter Desktop. Everything here but `app` is plain Rust without `tauri`, tested with `cargo test`.

mod app;
pub mod billing;
pub mod catalog;
pub mod chat;
pub mod desktop;
pub mod history;
pub mod openrouter;
pub mod routing;
pub mod secrets;
pub mod settings;
pub mod user_error;

/// Builds and runs the desktop app.
pub fn run() {
    app::run();
}
