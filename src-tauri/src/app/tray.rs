//! The tray icon and its menu: New quick prompt, Open main window, today's spend and the key's remaining
//! limit, Pause/Resume shortcut, Quit. On Linux the menu is the only way in (tray clicks are not reported
//! there), so every action is a menu item.

use std::time::Duration;

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use super::state::AppState;
use crate::desktop::{tray_spend_label, TrayAction};

const TRAY_ID: &str = "main";
const SPEND_ID: &str = "spend";
/// How often the spend line is brought up to date (a reply, a corrected cost, midnight): reading today's
/// spend from the summaries takes well under a millisecond.
const SPEND_EVERY: Duration = Duration::from_secs(10);

/// The menu items whose text changes.
pub struct TrayItems {
    spend: MenuItem<Wry>,
    pause: MenuItem<Wry>,
}

impl TrayItems {
    pub fn show_paused(&self, paused: bool) {
        let text = if paused {
            "Resume shortcut"
        } else {
            "Pause shortcut"
        };
        if let Err(e) = self.pause.set_text(text) {
            log::warn!("tray item not updated: {e}");
        }
    }

    fn show_spend(&self, label: &str) {
        if let Err(e) = self.spend.set_text(label) {
            log::warn!("tray spend line not updated: {e}");
        }
    }
}

/// Builds the tray, or returns None on a desktop without an appindicator library (the tray crate would
/// abort the app there). The app then works from its windows and the shortcut.
pub fn build(app: &AppHandle) -> tauri::Result<Option<TrayItems>> {
    if !indicator_available() {
        log::warn!("no appindicator library: running without a tray icon");
        return Ok(None);
    }
    let item = |action: TrayAction, text: &str| {
        MenuItem::with_id(app, action.id(), text, true, None::<&str>)
    };
    let quick = item(TrayAction::NewQuickPrompt, "New quick prompt")?;
    let main = item(TrayAction::OpenMain, "Open main window")?;
    let spend = MenuItem::with_id(app, SPEND_ID, "Today: …", false, None::<&str>)?;
    let pause = item(TrayAction::ToggleShortcut, "Pause shortcut")?;
    let quit = item(TrayAction::Quit, "Quit")?;
    let menu = Menu::with_items(
        app,
        &[
            &quick,
            &main,
            &PredefinedMenuItem::separator(app)?,
            &spend,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(tauri::include_image!("../icons/32x32.png"))
        .tooltip("OpenRouter Desktop")
        .menu(&menu)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
                super::desktop_shell::perform(app, action);
            }
        })
        .build(app)?;
    Ok(Some(TrayItems { spend, pause }))
}

/// Keeps the spend line current for the app's life: today's spend from the ledger, and the key's remaining
/// limit from the last `/key` figures (fetched in the background when over 5 minutes old).
///
/// `hidden_start` (started at login): the keyring is left alone until something else has read it (a quick
/// prompt, the main window), since some desktops ask to unlock it, and nobody asked for anything yet.
pub fn keep_spend_current(app: &AppHandle, hidden_start: bool) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(SPEND_EVERY);
        // The key's figures are asked for once, then again only when the spend moved (and then at most every
        // 5 minutes): an idle app in the tray makes no requests.
        let mut spend_seen: Option<i64> = None;
        let mut figures_asked = false;
        loop {
            tick.tick().await;
            let (Some(state), Some(desktop)) = (
                app.try_state::<AppState>(),
                app.try_state::<super::desktop_shell::DesktopState>(),
            ) else {
                return;
            };
            let Some(tray) = &desktop.tray else {
                return;
            };
            let today = state.chat.db(|h| h.spend_windows_now()).await;
            match today {
                Ok(windows) => {
                    let moved = spend_seen.replace(windows.today.cost_nanos)
                        != Some(windows.today.cost_nanos);
                    let may_read_key = !hidden_start || state.key_read();
                    if may_read_key && (moved || !figures_asked) {
                        figures_asked = true;
                        super::money_commands::refresh_if_stale(&app).await;
                    }
                    let (key_remaining, _) = state.money.last_figures();
                    tray.show_spend(&tray_spend_label(windows.today.cost_nanos, key_remaining));
                }
                Err(e) => log::warn!("tray spend line not read: {e}"),
            }
        }
    });
}

#[cfg(target_os = "linux")]
fn indicator_available() -> bool {
    ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        .any(|name| {
            // SAFETY: loads the same system library tray-icon loads right after, only to learn whether it
            // loads; no symbol is called. Its initialisers are GTK's, already loaded by the app.
            unsafe { libloading::Library::new(name) }.is_ok()
        })
}

#[cfg(not(target_os = "linux"))]
fn indicator_available() -> bool {
    true
}
