//! The desktop decisions of the tray and the quick-prompt shortcut (issue 6), as plain functions the tray,
//! the shortcut handler and the tests all call: which menu item means what, what a failed shortcut
//! registration tells the user, what closing the main window does, and the tray's spend line. No `tauri`
//! here; `app/` wires them to the tray icon, the global-shortcut plugin and the windows.

use crate::history::format_usd;

/// The tray menu's actions. Their ids are what the menu items carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    NewQuickPrompt,
    OpenMain,
    /// Pause or resume the global shortcut.
    ToggleShortcut,
    Quit,
}

impl TrayAction {
    pub const ALL: [TrayAction; 4] = [
        TrayAction::NewQuickPrompt,
        TrayAction::OpenMain,
        TrayAction::ToggleShortcut,
        TrayAction::Quit,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::NewQuickPrompt => "quick-prompt",
            Self::OpenMain => "open-main",
            Self::ToggleShortcut => "toggle-shortcut",
            Self::Quit => "quit",
        }
    }

    /// The action of a menu item id; `None` for items that are not actions (the spend line).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Where the global shortcut stands, for the tray and the settings (a sentence when it is not working).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcutStatus {
    Active,
    /// The user paused it from the tray.
    Paused,
    /// Another program holds the same keys.
    Taken(String),
    /// The keys do not make a shortcut.
    Invalid(String),
    /// Anything else (no X server, a platform that has no global shortcuts).
    Unavailable(String),
}

impl ShortcutStatus {
    /// What the settings say under the shortcut field; `None` when it works.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Self::Active | Self::Paused => None,
            Self::Taken(why) | Self::Invalid(why) | Self::Unavailable(why) => Some(why),
        }
    }
}

/// What a failed registration of `shortcut` means, from the plugin's error text. On X11 another program
/// holding the keys reads "HotKey already registered: …"; the plugin flattens its errors to text, so the
/// text is what there is to go on.
pub fn classify_shortcut_error(shortcut: &str, error: &str) -> ShortcutStatus {
    let keys = readable_shortcut(shortcut);
    let lower = error.to_ascii_lowercase();
    if lower.contains("already registered") {
        ShortcutStatus::Taken(format!(
            "{keys} is used by another program. Choose another shortcut in Settings."
        ))
    } else if lower.contains("parse") || lower.contains("invalid") || lower.contains("unsupported")
    {
        ShortcutStatus::Invalid(format!(
            "“{keys}” is not a shortcut this computer can use. Try a combination such as Ctrl+Shift+Space."
        ))
    } else {
        ShortcutStatus::Unavailable(format!(
            "The shortcut {keys} could not be set up on this computer, so quick prompts open from the tray menu only."
        ))
    }
}

/// An accelerator as people read it: "CommandOrControl+Shift+Space" is "Ctrl+Shift+Space" (⌘ on macOS).
pub fn readable_shortcut(shortcut: &str) -> String {
    let command = if cfg!(target_os = "macos") {
        "Cmd"
    } else {
        "Ctrl"
    };
    shortcut
        .split('+')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.to_ascii_lowercase().as_str() {
            "commandorcontrol" | "cmdorctrl" | "cmdorcontrol" | "commandorctrl" => {
                command.to_owned()
            }
            "control" | "ctrl" => "Ctrl".to_owned(),
            "command" | "cmd" | "super" | "meta" => command.to_owned(),
            "alt" | "option" => "Alt".to_owned(),
            "shift" => "Shift".to_owned(),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// The quick-prompt shortcut by default: Ctrl+Shift+Space (Cmd+Shift+Space on macOS).
pub const DEFAULT_SHORTCUT: &str = "CommandOrControl+Shift+Space";

/// Whether `shortcut` is a combination the app may take over for the whole desktop: one key after at least
/// one modifier other than Shift (a global Shift+A would swallow every capital A typed anywhere).
pub fn valid_shortcut(shortcut: &str) -> bool {
    let parts: Vec<&str> = shortcut.split('+').map(str::trim).collect();
    let Some((key, modifiers)) = parts.split_last() else {
        return false;
    };
    let modifier = |m: &str| {
        let m = m.to_ascii_lowercase();
        let strong = [
            "commandorcontrol",
            "cmdorctrl",
            "cmdorcontrol",
            "commandorctrl",
            "control",
            "ctrl",
            "command",
            "cmd",
            "super",
            "meta",
            "alt",
            "option",
        ];
        (strong.contains(&m.as_str()), m == "shift")
    };
    let known = modifiers.iter().all(|m| {
        let (strong, shift) = modifier(m);
        strong || shift
    });
    let has_strong = modifiers.iter().any(|m| modifier(m).0);
    shortcut.len() <= 64 && known && has_strong && valid_key(key)
}

/// A key the global-shortcut plugin knows by name: a letter, a digit, F1–F24, or a named key.
fn valid_key(key: &str) -> bool {
    const NAMED: &[&str] = &[
        "space",
        "enter",
        "tab",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "escape",
        "esc",
        "comma",
        "period",
        "slash",
        "semicolon",
        "quote",
        "backquote",
        "minus",
        "equal",
        "bracketleft",
        "bracketright",
        "backslash",
    ];
    let lower = key.to_ascii_lowercase();
    let single = key.chars().count() == 1 && key.chars().all(|c| c.is_ascii_alphanumeric());
    let function = lower
        .strip_prefix('f')
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=24).contains(&n));
    single || function || NAMED.contains(&lower.as_str())
}

/// What closing the main window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseDecision {
    /// The app ends.
    Quit,
    /// The window hides and the app stays in the tray; `tell` the user so, the first time only.
    HideToTray { tell: bool },
}

/// Closing the main window keeps the app in the tray when the setting says so and there is a tray to come
/// back from; otherwise the app ends.
pub fn on_main_close(
    close_to_tray: bool,
    tray_available: bool,
    told_before: bool,
) -> CloseDecision {
    if close_to_tray && tray_available {
        CloseDecision::HideToTray { tell: !told_before }
    } else {
        CloseDecision::Quit
    }
}

/// The tray menu's money line: today's spend from the ledger, and what is left of the key's limit when it
/// has one ("Today $0.42 · key $9.58 left").
pub fn tray_spend_label(today_nanos: i64, key_remaining_nanos: Option<i64>) -> String {
    let today = format!("Today {}", format_usd(today_nanos));
    match key_remaining_nanos {
        Some(left) => format!("{today} · key {} left", format_usd(left.max(0))),
        None => today,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tray_action_has_an_id_that_reads_back() {
        for action in TrayAction::ALL {
            assert_eq!(TrayAction::from_id(action.id()), Some(action));
        }
        assert_eq!(TrayAction::from_id("spend"), None);
        assert_eq!(TrayAction::from_id(""), None);
    }

    #[test]
    fn a_shortcut_held_by_another_program_says_so_plainly() {
        // The exact text global-hotkey gives on X11 (measured under Xvfb).
        let x11 = "HotKey already registered: HotKey { mods: Modifiers(CONTROL | SHIFT), key: Space, id: 34078782 }";
        let status = classify_shortcut_error("CommandOrControl+Shift+Space", x11);
        let expected_keys = if cfg!(target_os = "macos") {
            "Cmd+Shift+Space"
        } else {
            "Ctrl+Shift+Space"
        };
        assert_eq!(
            status,
            ShortcutStatus::Taken(format!(
                "{expected_keys} is used by another program. Choose another shortcut in Settings."
            ))
        );
        assert!(status.problem().is_some());
        assert!(matches!(
            classify_shortcut_error("Ctrl+Nope", "Couldn't parse Nope as a key"),
            ShortcutStatus::Invalid(_)
        ));
        assert!(matches!(
            classify_shortcut_error("Ctrl+Shift+Space", "Failed to open X display"),
            ShortcutStatus::Unavailable(_)
        ));
        assert_eq!(ShortcutStatus::Paused.problem(), None);
    }

    #[test]
    fn shortcuts_read_as_people_type_them() {
        let ctrl = if cfg!(target_os = "macos") {
            "Cmd"
        } else {
            "Ctrl"
        };
        assert_eq!(
            readable_shortcut("CommandOrControl+Shift+Space"),
            format!("{ctrl}+Shift+Space")
        );
        assert_eq!(readable_shortcut("control + alt + K"), "Ctrl+Alt+K");
        assert_eq!(readable_shortcut("Shift++F2"), "Shift+F2");
    }

    #[test]
    fn a_global_shortcut_needs_a_modifier_other_than_shift_and_a_known_key() {
        for good in [
            DEFAULT_SHORTCUT,
            "Ctrl+Shift+Space",
            "Alt+Q",
            "Super+F12",
            "control + alt + k",
            "CmdOrCtrl+Slash",
        ] {
            assert!(valid_shortcut(good), "{good}");
        }
        for bad in [
            "",
            "Space",
            "Shift+A",
            "Ctrl+",
            "Ctrl+Shift",
            "Ctrl+F25",
            "Ctrl+Banana",
            "Hyper+K",
            "Ctrl+Ä",
        ] {
            assert!(!valid_shortcut(bad), "{bad}");
        }
    }

    #[test]
    fn closing_the_main_window_stays_in_the_tray_and_says_so_once() {
        assert_eq!(
            on_main_close(true, true, false),
            CloseDecision::HideToTray { tell: true }
        );
        assert_eq!(
            on_main_close(true, true, true),
            CloseDecision::HideToTray { tell: false }
        );
        assert_eq!(on_main_close(false, true, false), CloseDecision::Quit);
        // No tray to come back from (no indicator library): hiding would strand the app.
        assert_eq!(on_main_close(true, false, false), CloseDecision::Quit);
    }

    #[test]
    fn the_tray_money_line_is_exact_and_leaves_out_a_key_without_a_limit() {
        assert_eq!(
            tray_spend_label(420_000_000, Some(9_580_000_000)),
            "Today $0.42 · key $9.58 left"
        );
        assert_eq!(tray_spend_label(36_800, None), "Today $0.0000368");
        assert_eq!(
            tray_spend_label(0, Some(-5)),
            "Today $0.00 · key $0.00 left"
        );
    }
}
