//! The app in the tray: what a tray item, the shortcut, a second launch or the page's `desktop_action` does
//! ([`perform`], the one entry point for all of them), closing the main window to the tray, and closing the
//! hidden main window's web view after a while to give its memory back. The decisions are plain functions
//! in `crate::desktop`; this wires them to windows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager, RunEvent, WindowEvent};

use super::shortcut::{self, ShortcutSlot};
use super::state::AppState;
use super::tray::TrayItems;
use super::windows::{self, MAIN};
use crate::desktop::{
    may_close_hidden_window, on_main_close, CloseDecision, LaunchFlags, TrayAction,
};
use crate::settings::Settings;

/// What the tray, the shortcut and the windows share.
pub struct DesktopState {
    /// None when the desktop has no tray (no appindicator library).
    pub tray: Option<TrayItems>,
    pub shortcut: ShortcutSlot,
    /// Bumped each time the main window is shown or hidden: a pending idle close checks it is still the
    /// latest.
    main_generation: AtomicU64,
    /// The same for the quick window.
    quick_generation: AtomicU64,
    /// A conversation the main window opens when it (re)starts (`take_pending_open`).
    pub pending_open: Mutex<Option<i64>>,
    /// Where the main window's page was when it was last hidden (`keep_place`): given back to the page
    /// that replaces it after the idle close (`take_place`). In memory only.
    pub place: Mutex<Option<Place>>,
    /// Kept for the app's life: on X11 the app itself serves what it copied, until this is dropped.
    pub clipboard: Mutex<Option<arboard::Clipboard>>,
}

impl DesktopState {
    pub fn new(tray: Option<TrayItems>) -> Self {
        Self {
            tray,
            shortcut: ShortcutSlot::default(),
            main_generation: AtomicU64::new(0),
            quick_generation: AtomicU64::new(0),
            pending_open: Mutex::new(None),
            place: Mutex::new(None),
            clipboard: Mutex::new(None),
        }
    }

    /// There is a way back to a hidden main window: the tray, or a working shortcut.
    fn can_hide(&self) -> bool {
        self.tray.is_some() || self.shortcut.status() == crate::desktop::ShortcutStatus::Active
    }
}

/// The open conversation and the unsent draft of the main window.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Place {
    pub conversation_id: Option<i64>,
    pub draft: String,
}

/// Does what a tray item says. The shortcut, a second launch and the page's `desktop_action` come here too.
pub fn perform(app: &AppHandle, action: TrayAction) {
    let result = match action {
        TrayAction::NewQuickPrompt => {
            bump(app, windows::QUICK);
            windows::show_quick(app)
        }
        TrayAction::OpenMain => {
            bump(app, MAIN);
            windows::show_main(app)
        }
        TrayAction::ToggleShortcut => {
            // Off the main thread: the plugin (un)registers on the main thread and waits for it, while the
            // shortcut's lock is held (a tray click arrives on the main thread).
            let app = app.clone();
            tauri::async_runtime::spawn_blocking(move || toggle_shortcut(&app, None));
            Ok(())
        }
        TrayAction::Quit => {
            app.exit(0);
            Ok(())
        }
    };
    if let Err(e) = result {
        log::error!("tray action {} failed: {e}", action.id());
    }
}

/// Pauses or resumes the shortcut (`Some(paused)`: to that state, `None`: the other one), and remembers
/// which in the settings. Never on the main thread, never from the shortcut's own handler (`shortcut.rs`).
pub fn toggle_shortcut(app: &AppHandle, to: Option<bool>) {
    let (Some(state), Some(desktop)) =
        (app.try_state::<AppState>(), app.try_state::<DesktopState>())
    else {
        return;
    };
    let mut settings = Settings::load(&state.settings);
    let paused = to.unwrap_or(!settings.quick.shortcut_paused);
    if to == Some(settings.quick.shortcut_paused) {
        return;
    }
    if paused {
        shortcut::pause(app, &desktop.shortcut);
    } else if let Err(why) = shortcut::register(app, &desktop.shortcut, &settings.quick.shortcut) {
        log::warn!("shortcut not resumed: {why:?}");
    }
    settings.quick.shortcut_paused = paused;
    if let Err(e) = settings.save(&state.settings) {
        log::warn!("shortcut pause not saved: {e}");
    }
    if let Some(tray) = &desktop.tray {
        tray.show_paused(paused);
    }
}

/// Registers the saved shortcut unless it was paused: at start, off the main thread (it waits up to 50 ms
/// for the X11 thread).
pub fn start_shortcut(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let (Some(state), Some(desktop)) =
            (app.try_state::<AppState>(), app.try_state::<DesktopState>())
        else {
            return;
        };
        let settings = Settings::load(&state.settings);
        if let Some(tray) = &desktop.tray {
            tray.show_paused(settings.quick.shortcut_paused);
        }
        if settings.quick.shortcut_paused {
            shortcut::pause(&app, &desktop.shortcut);
        } else {
            let status =
                shortcut::register_at_start(&app, &desktop.shortcut, &settings.quick.shortcut);
            if let Some(problem) = status.as_ref().unwrap_or_else(|why| why).problem() {
                log::warn!("quick-prompt shortcut: {problem}");
            }
        }
    });
}

/// A second launch handed over its command line (single instance): `--quick` opens the quick window,
/// anything else shows the main window.
pub fn second_launch(app: &AppHandle, args: &[String]) {
    let flags = LaunchFlags::parse(args);
    let action = if flags.quick {
        TrayAction::NewQuickPrompt
    } else {
        TrayAction::OpenMain
    };
    perform(app, action);
}

fn generation_of<'a>(desktop: &'a DesktopState, label: &str) -> &'a AtomicU64 {
    if label == MAIN {
        &desktop.main_generation
    } else {
        &desktop.quick_generation
    }
}

fn bump(app: &AppHandle, label: &str) -> u64 {
    app.try_state::<DesktopState>()
        .map(|d| generation_of(&d, label).fetch_add(1, Ordering::SeqCst) + 1)
        .unwrap_or(0)
}

/// The quick window was hidden (Esc, its close button, "Open in main window"): its page is closed after
/// the same idle time as the main window's, so a quick prompt now and then does not keep a web process.
pub fn quick_hidden(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let idle = Settings::load(&state.settings).quick.main_idle_close_secs;
    close_when_idle(app, windows::QUICK, idle);
}

/// The window events and app events the tray changes: the main window's close button hides it, and the app
/// stays when its last window is gone.
pub fn on_run_event(app: &AppHandle, event: &RunEvent) {
    match event {
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::CloseRequested { api, .. },
            ..
        } if label == MAIN => {
            if hide_main_on_close(app) {
                api.prevent_close();
            } else {
                // Keeping to the tray is off: closing the window quits, even with a hidden quick window.
                app.exit(0);
            }
        }
        // The last window went away without anyone quitting: the idle close of a hidden window. An explicit
        // quit (the tray's Quit, the close button above) carries an exit code and is never held back.
        RunEvent::ExitRequested {
            code: None, api, ..
        } if can_hide(app) => api.prevent_exit(),
        RunEvent::Exit => {
            if let Some(desktop) = app.try_state::<DesktopState>() {
                if let Ok(mut clipboard) = desktop.clipboard.lock() {
                    clipboard.take();
                }
            }
        }
        _ => {}
    }
}

fn can_hide(app: &AppHandle) -> bool {
    app.try_state::<DesktopState>()
        .is_some_and(|d| d.can_hide())
}

/// Hides the main window instead of closing it when the settings say so; the first time, says so.
fn hide_main_on_close(app: &AppHandle) -> bool {
    let (Some(state), Some(desktop)) =
        (app.try_state::<AppState>(), app.try_state::<DesktopState>())
    else {
        return false;
    };
    let mut settings = Settings::load(&state.settings);
    let quick = &settings.quick;
    match on_main_close(
        quick.close_to_tray,
        desktop.can_hide(),
        quick.told_close_to_tray,
    ) {
        CloseDecision::Quit => false,
        CloseDecision::HideToTray { tell } => {
            if let Some(main) = app.get_webview_window(MAIN) {
                if let Err(e) = main.hide() {
                    log::warn!("main window not hidden: {e}");
                    return false;
                }
            }
            if tell {
                settings.quick.told_close_to_tray = true;
                if let Err(e) = settings.save(&state.settings) {
                    log::warn!("could not remember the tray notice: {e}");
                }
                tell_kept_in_tray(app, &settings.quick.shortcut);
            }
            close_when_idle(app, MAIN, settings.quick.main_idle_close_secs);
            true
        }
    }
}

/// The first close to the tray says so at once, in a small dialog of its own (the main window is hidden by
/// then, and its page may be closed before the user opens it again), and how to quit.
fn tell_kept_in_tray(app: &AppHandle, shortcut: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons};
    let keys = crate::desktop::readable_shortcut(shortcut);
    let quit = if cfg!(target_os = "macos") {
        "Cmd+Q"
    } else {
        "Ctrl+Q"
    };
    // One button: on Linux a dialog closed by its title bar reads as its last button, so a "Quit" button
    // would turn closing the notice into quitting.
    app.dialog()
        .message(format!(
            "OpenRouter Desktop keeps running in the tray. Press {keys} for a quick prompt, or open this window again from the tray icon (or by starting the app again). To quit, choose Quit in the tray menu or press {quit} in the window. You can change this in Settings."
        ))
        .title(KEPT_IN_TRAY_TITLE)
        .buttons(MessageDialogButtons::OkCustom("OK".to_owned()))
        .show(|_| {});
}

/// The title of that dialog (the real-window tests find it by it).
pub const KEPT_IN_TRAY_TITLE: &str = "Still running in the tray";

/// After `idle_secs` hidden, closes the window's web view: hiding frees nothing, closing gives back its
/// web process (about 90 MB). Waits while a reply streams; showing the window again re-creates it.
fn close_when_idle(app: &AppHandle, label: &'static str, idle_secs: u32) {
    if idle_secs == 0 {
        return;
    }
    let generation = bump(app, label);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(u64::from(idle_secs))).await;
        loop {
            let (Some(state), Some(desktop)) =
                (app.try_state::<AppState>(), app.try_state::<DesktopState>())
            else {
                return;
            };
            let Some(window) = app.get_webview_window(label) else {
                return;
            };
            let current = generation_of(&desktop, label).load(Ordering::SeqCst);
            let hidden = !window.is_visible().unwrap_or(true);
            let streaming = state.chat.any_streaming();
            if may_close_hidden_window(idle_secs, generation, current, hidden, false) && streaming {
                tokio::time::sleep(Duration::from_secs(30)).await;
                continue;
            }
            if may_close_hidden_window(idle_secs, generation, current, hidden, streaming) {
                if let Err(e) = window.destroy() {
                    log::warn!("hidden {label} window not closed: {e}");
                }
            }
            return;
        }
    });
}
