//! The global quick-prompt shortcut, through tauri-plugin-global-shortcut. Registered from our own code (not
//! the plugin's `with_shortcut`, whose failure would stop the app from starting), acted on when pressed only,
//! and never (un)registered from inside its own handler: on X11 that call waits for the very thread the
//! handler runs on.

use std::sync::Mutex;
use std::time::Duration;

use tauri::AppHandle;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::desktop::{classify_shortcut_error, readable_shortcut, ShortcutStatus, TrayAction};

/// The combination held now, and where the setting stands.
pub struct ShortcutSlot {
    registered: Mutex<Option<Shortcut>>,
    status: Mutex<ShortcutStatus>,
}

impl Default for ShortcutSlot {
    fn default() -> Self {
        Self {
            registered: Mutex::new(None),
            status: Mutex::new(ShortcutStatus::Unavailable(
                "The shortcut is being set up.".to_owned(),
            )),
        }
    }
}

impl ShortcutSlot {
    pub fn status(&self) -> ShortcutStatus {
        self.status
            .lock()
            .map(|s| s.clone())
            .unwrap_or(ShortcutStatus::Unavailable(
                "The shortcut could not be read.".to_owned(),
            ))
    }

    fn set_status(&self, status: ShortcutStatus) {
        if let Ok(mut s) = self.status.lock() {
            *s = status;
        }
    }
}

/// Global shortcuts reach only X11 windows in a Wayland session (XWayland), and none at all without it.
fn wayland_note(keys: &str) -> Option<String> {
    let wayland = std::env::var("XDG_SESSION_TYPE")
        .is_ok_and(|t| t.eq_ignore_ascii_case("wayland"))
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    wayland.then(|| {
        format!(
            "{keys} may not work in this Wayland session. Add a keyboard shortcut in your system settings that runs “openrouter-desktop --quick” instead."
        )
    })
}

/// Takes `wanted` for the quick window. The new combination is registered before the old one is let go, so
/// a refused change keeps the shortcut that worked (and its status). Returns where `wanted` stands: `Err`
/// with why when it was not taken.
pub fn register(
    app: &AppHandle,
    slot: &ShortcutSlot,
    wanted: &str,
) -> Result<ShortcutStatus, ShortcutStatus> {
    let result = try_register(app, slot, wanted);
    let nothing_held = slot.registered.lock().map(|r| r.is_none()).unwrap_or(true);
    match &result {
        Ok(status) => slot.set_status(status.clone()),
        Err(why) if nothing_held => slot.set_status(why.clone()),
        Err(_) => {}
    }
    result
}

/// How long start-up waits before asking again for keys another program held: the app that just quit may
/// hold them for a moment after it is gone (the X server lets go when it sees the connection close).
const TAKEN_AT_START_RETRIES: [Duration; 3] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// [`register`] at start-up: a "taken" answer is asked again a few times before it stands. It stops as soon
/// as the user paused or changed the shortcut meanwhile (the slot then no longer says it was refused).
/// Blocks for up to 7 s: call it off the main thread.
pub fn register_at_start(
    app: &AppHandle,
    slot: &ShortcutSlot,
    wanted: &str,
) -> Result<ShortcutStatus, ShortcutStatus> {
    let mut result = register(app, slot, wanted);
    for wait in TAKEN_AT_START_RETRIES {
        let Err(refused @ ShortcutStatus::Taken(_)) = &result else {
            break;
        };
        std::thread::sleep(wait);
        if slot.status() != *refused {
            break;
        }
        result = register(app, slot, wanted);
    }
    result
}

fn try_register(
    app: &AppHandle,
    slot: &ShortcutSlot,
    wanted: &str,
) -> Result<ShortcutStatus, ShortcutStatus> {
    let keys = readable_shortcut(wanted);
    let Ok(new) = wanted.parse::<Shortcut>() else {
        return Err(classify_shortcut_error(wanted, "parse error"));
    };
    let Ok(mut registered) = slot.registered.lock() else {
        return Err(ShortcutStatus::Unavailable(
            "The shortcut could not be changed.".to_owned(),
        ));
    };
    if *registered != Some(new) {
        let taken = app.global_shortcut().on_shortcut(new, |app, _, event| {
            if event.state == ShortcutState::Pressed {
                // Handed off: this runs on the X11 thread, which the main thread may be waiting for
                // (a registration) while building the window would wait for the main thread.
                let app = app.clone();
                tauri::async_runtime::spawn_blocking(move || {
                    super::desktop_shell::perform(&app, TrayAction::NewQuickPrompt);
                });
            }
        });
        if let Err(e) = taken {
            return Err(classify_shortcut_error(wanted, &e.to_string()));
        }
        if let Some(old) = registered.replace(new) {
            if let Err(e) = app.global_shortcut().unregister(old) {
                log::warn!("the old shortcut was not let go: {e}");
            }
            send_pending_release(app);
        }
    }
    Ok(match wayland_note(&keys) {
        Some(note) => ShortcutStatus::Unavailable(note),
        None => ShortcutStatus::Active,
    })
}

/// Lets the shortcut go (paused from the tray); the setting keeps it for "Resume".
pub fn pause(app: &AppHandle, slot: &ShortcutSlot) {
    if let Ok(mut registered) = slot.registered.lock() {
        if let Some(old) = registered.take() {
            if let Err(e) = app.global_shortcut().unregister(old) {
                log::warn!("the shortcut was not let go: {e}");
            }
            send_pending_release(app);
        }
    }
    slot.set_status(ShortcutStatus::Paused);
}

/// On X11, global-hotkey 0.8 queues the release of a combination (`ungrab_key`) without sending it: the
/// keys stay taken from every other program until its next request that waits for an answer. Registering
/// a combination does wait, so one that nobody presses is registered and let go again, which sends the
/// queued release. (Its own release then waits in the queue in turn, holding only that combination.)
fn send_pending_release(app: &AppHandle) {
    if !cfg!(target_os = "linux") {
        return;
    }
    const FLUSH: &str = "Control+Alt+Shift+Super+F12";
    let Ok(flush) = FLUSH.parse::<Shortcut>() else {
        return;
    };
    let shortcuts = app.global_shortcut();
    if shortcuts.register(flush).is_ok() {
        if let Err(e) = shortcuts.unregister(flush) {
            log::debug!("placeholder shortcut not let go: {e}");
        }
    }
}
