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

/// The most attached text a quick prompt sends: a selection or clipboard bigger than this is cut.
pub const MAX_ATTACHMENT_BYTES: usize = 32 * 1024;

/// `text` cut to at most `max` bytes at a character boundary, and whether it was cut.
pub fn cap_text(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// The message a quick prompt sends: the attached text first, fenced so the model reads it as quoted
/// material (with a fence longer than any run of backticks inside it), then what the user typed.
pub fn compose_quick_prompt(text: &str, attachment: Option<&str>) -> String {
    let text = text.trim();
    let Some(attached) = attachment.map(str::trim).filter(|a| !a.is_empty()) else {
        return text.to_owned();
    };
    let (attached, _) = cap_text(attached, MAX_ATTACHMENT_BYTES);
    let longest_run = attached
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("Attached text:\n{fence}\n{attached}\n{fence}\n\n{text}")
}

/// What a launch's command line asks of the app. Only these exact flags mean anything: the arguments of a
/// second launch arrive over D-Bus from any program of the session, so everything else is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaunchFlags {
    /// `--hidden`: start in the tray without the main window (start at login).
    pub hidden: bool,
    /// `--quick`: open the quick-prompt window.
    pub quick: bool,
}

impl LaunchFlags {
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Self {
        let has = |flag: &str| args.iter().skip(1).any(|a| a.as_ref() == flag);
        Self {
            hidden: has("--hidden"),
            quick: has("--quick"),
        }
    }
}

/// The single-instance identity: one running app per data directory (`--data-dir`), so two portable
/// copies, or tests that start apps one after another, never hand their launch to the wrong one. The plain
/// identifier when the default data directory is used. D-Bus name elements may not start with a digit,
/// hence the `d` before the hash.
pub fn instance_id(identifier: &str, data_dir: Option<&std::path::Path>) -> String {
    match data_dir {
        None => identifier.to_owned(),
        Some(dir) => {
            // FNV-1a: a fixed hash, the same in every build (std's hasher is seeded per process).
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for byte in dir.as_os_str().as_encoded_bytes() {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            format!("{identifier}.d{hash:016x}")
        }
    }
}

/// Whether a hidden window's web view (main or quick) may be closed to save memory: it has been hidden for the
/// whole idle time (the hide that started the wait is still the latest), and no reply is streaming into it.
pub fn may_close_hidden_window(
    idle_secs: u32,
    hidden_generation: u64,
    current_generation: u64,
    still_hidden: bool,
    replies_streaming: bool,
) -> bool {
    idle_secs > 0 && hidden_generation == current_generation && still_hidden && !replies_streaming
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_prompt_puts_the_attachment_first_in_a_fence_it_cannot_break() {
        assert_eq!(compose_quick_prompt("  Why?  ", None), "Why?");
        assert_eq!(compose_quick_prompt("Why?", Some("  \n ")), "Why?");
        assert_eq!(
            compose_quick_prompt("Explain this", Some("let x = 1;")),
            "Attached text:\n```\nlet x = 1;\n```\n\nExplain this"
        );
        let tricky = "before\n````\nafter";
        let composed = compose_quick_prompt("Fix", Some(tricky));
        assert!(
            composed.starts_with("Attached text:\n`````\n"),
            "{composed}"
        );
        assert!(composed.ends_with("\n`````\n\nFix"), "{composed}");
    }

    #[test]
    fn an_attachment_is_cut_at_a_character_boundary() {
        let big = "é".repeat(MAX_ATTACHMENT_BYTES); // two bytes each
        let (cut, was_cut) = cap_text(&big, MAX_ATTACHMENT_BYTES);
        assert!(was_cut);
        assert_eq!(cut.len(), MAX_ATTACHMENT_BYTES);
        let (cut, was_cut) = cap_text("aé", 2);
        assert_eq!((cut, was_cut), ("a", true));
        assert_eq!(cap_text("short", 10), ("short", false));
        let composed = compose_quick_prompt("Q", Some(&big));
        assert!(composed.len() < MAX_ATTACHMENT_BYTES + 64);
    }

    #[test]
    fn only_exact_launch_flags_count() {
        let flags = |args: &[&str]| LaunchFlags::parse(args);
        assert_eq!(flags(&["app"]), LaunchFlags::default());
        assert_eq!(
            flags(&["app", "--data-dir", "/x", "--quick"]),
            LaunchFlags {
                hidden: false,
                quick: true
            }
        );
        assert_eq!(
            flags(&["app", "--hidden"]),
            LaunchFlags {
                hidden: true,
                quick: false
            }
        );
        // The program name is not a flag, and look-alikes are ignored.
        assert_eq!(flags(&["--quick"]), LaunchFlags::default());
        assert_eq!(
            flags(&["app", "--quick=1", "--HIDDEN", "-quick", "--quick\u{0}"]),
            LaunchFlags::default()
        );
    }

    #[test]
    fn each_data_directory_is_its_own_instance() {
        let id = "io.github.openrouter-desktop";
        assert_eq!(instance_id(id, None), id);
        let a = instance_id(id, Some(std::path::Path::new("/tmp/a")));
        let b = instance_id(id, Some(std::path::Path::new("/tmp/b")));
        assert_ne!(a, b);
        assert_eq!(a, instance_id(id, Some(std::path::Path::new("/tmp/a"))));
        // A valid D-Bus name: no element starts with a digit, and it is short.
        let last = a.rsplit('.').next().unwrap_or_default();
        assert!(last.starts_with('d') && last.len() == 17, "{a}");
        assert!(a.len() < 255);
    }

    #[test]
    fn the_hidden_main_window_closes_only_after_an_undisturbed_wait() {
        assert!(may_close_hidden_window(300, 4, 4, true, false));
        assert!(!may_close_hidden_window(0, 4, 4, true, false), "0 = never");
        assert!(
            !may_close_hidden_window(300, 3, 4, true, false),
            "shown and hidden again since"
        );
        assert!(
            !may_close_hidden_window(300, 4, 4, false, false),
            "shown now"
        );
        assert!(
            !may_close_hidden_window(300, 4, 4, true, true),
            "a reply is streaming"
        );
    }

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
