//! The app in the tray: what a tray item, the shortcut, a second launch or the page's `desktop_action` does
//! ([`perform`], the one entry point for all of them), closing the main window to the tray, and closing the
//! hidden main window's web view after a while to give its memory back. The decisions are plain functions
//! in `crate::desktop`; this wires them to windows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, RunEvent, WindowEvent};

use super::shortcut::{self, ShortcutSlot};
use super::state::AppState;
use super::tray::TrayItems;
use super::windows::{self, MAIN};
use crate::desktop::{
    may_close_hidden_main, on_main_close, CloseDecision, LaunchFlags, TrayAction,
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
    /// A conversation the main window opens when it (re)starts (`take_pending_open`).
    pub pending_open: Mutex<Option<i64>>,
    /// Kept for the app's life: on X11 the app itself serves what it copied, until this is dropped.
    pub clipboard: Mutex<Option<arboard::Clipboard>>,
}

impl DesktopState {
    pub fn new(tray: Option<TrayItems>) -> Self {
        Self {
            tray,
            shortcut: ShortcutSlot::default(),
            main_generation: AtomicU64::new(0),
            pending_open: Mutex::new(None),
            clipboard: Mutex::new(None),
        }
    }

    /// There is a way back to a hidden main window: the tray, or a working shortcut.
    fn can_hide(&self) -> bool {
        self.tray.is_some() || self.shortcut.status().problem().is_none()
    }
}

/// Does what a tray item says. The shortcut, a second launch and the page's `desktop_action` come here too.
pub fn perform(app: &AppHandle, action: TrayAction) {
    let result = match action {
        TrayAction::NewQuickPrompt => windows::show_quick(app),
        TrayAction::OpenMain => {
            bump(app);
            windows::show_main(app)
        }
        TrayAction::ToggleShortcut => {
            toggle_shortcut(app);
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

/// Pauses or resumes the shortcut, and remembers which in the settings. Never called from the shortcut's
/// own handler (see `shortcut.rs`).
fn toggle_shortcut(app: &AppHandle) {
    let (Some(state), Some(desktop)) =
        (app.try_state::<AppState>(), app.try_state::<DesktopState>())
    else {
        return;
    };
    let mut settings = Settings::load(&state.settings);
    let paused = !settings.quick.shortcut_paused;
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
        if settings.quick.shortcut_paused {
            shortcut::pause(&app, &desktop.shortcut);
        } else {
            let status = shortcut::register(&app, &desktop.shortcut, &settings.quick.shortcut);
            if let Some(problem) = status.as_ref().unwrap_or_else(|why| why).problem() {
                log::warn!("quick-prompt shortcut: {problem}");
            }
        }
        if let Some(tray) = &desktop.tray {
            tray.show_paused(settings.quick.shortcut_paused);
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

fn bump(app: &AppHandle) -> u64 {
    app.try_state::<DesktopState>()
        .map(|d| d.main_generation.fetch_add(1, Ordering::SeqCst) + 1)
        .unwrap_or(0)
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
            } else if app.get_webview_window(windows::QUICK).is_some() {
                // The hidden quick window would keep the app running with no window to see.
                app.exit(0);
            }
        }
        RunEvent::ExitRequested {
            code: None, api, ..
        } if in_tray_mode(app) => api.prevent_exit(),
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

fn in_tray_mode(app: &AppHandle) -> bool {
    let (Some(state), Some(desktop)) =
        (app.try_state::<AppState>(), app.try_state::<DesktopState>())
    else {
        return false;
    };
    Settings::load(&state.settings).quick.close_to_tray && desktop.can_hide()
}

/// Hides the main window instead of closing it when the settings say so; tells the page the first time.
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
                if let Err(e) = app.emit_to(MAIN, "kept-in-tray", ()) {
                    log::warn!("tray notice not sent: {e}");
                }
            }
            close_when_idle(app, settings.quick.main_idle_close_secs);
            true
        }
    }
}

/// After `idle_secs` hidden, closes the main window's web view: hiding frees nothing, closing gives back
/// its web process (about 70 MB and more). Waits while a reply streams; "Open main window" re-creates it.
fn close_when_idle(app: &AppHandle, idle_secs: u32) {
    if idle_secs == 0 {
        return;
    }
    let generation = bump(app);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(u64::from(idle_secs))).await;
        loop {
            let (Some(state), Some(desktop)) =
                (app.try_state::<AppState>(), app.try_state::<DesktopState>())
            else {
                return;
            };
            let Some(main) = app.get_webview_window(MAIN) else {
                return;
            };
            let current = desktop.main_generation.load(Ordering::SeqCst);
            let hidden = !main.is_visible().unwrap_or(true);
            let streaming = state.chat.any_streaming();
            if may_close_hidden_main(idle_secs, generation, current, hidden, false) && streaming {
                tokio::time::sleep(Duration::from_secs(30)).await;
                continue;
            }
            if may_close_hidden_main(idle_secs, generation, current, hidden, streaming) {
                if let Err(e) = main.destroy() {
                    log::warn!("hidden main window not closed: {e}");
                }
            }
            return;
        }
    });
}
