//! Helpers for the real-window tests of the desktop features (tray, global shortcut, quick window). Linux only.
//!
//! - [`X11`]: find top-level windows by exact title and send them `WM_DELETE_WINDOW` (what a window manager's
//!   close button does; WebDriver's "close window" is not that), tell whether one is shown, hold a key
//!   combination the way another program would ([`Grab`]), press keys with `xdotool`. Everything but
//!   `press_keys` talks to the X server directly (x11rb), in this process: no helper binary to locate.
//!   [`x11_close`], [`x11_visible`], [`grab`] and [`press_keys`] do the same on `$DISPLAY`.
//! - [`TrayMenu`]: the app's tray menu over D-Bus. Under Xvfb nothing draws the tray, but libayatana still
//!   exports the menu (`com.canonical.dbusmenu`) at `/org/ayatana/NotificationItem/<item>/Menu` on the app's
//!   session-bus connection: [`TrayMenu::items`] reads it (`GetLayout`), [`TrayMenu::click`] runs the app's real
//!   menu handler (`Event(id, "clicked", …)`).
//! - [`app_pid`] / [`wait_app_pid`]: the app process started with `--data-dir <dir>` (tauri-driver starts
//!   it, so tests have no `Child`).
//!
//! The `x11-helper` binary (`src/bin/x11-helper.rs`) is the same X11 code as a command for shell scripts.
#![cfg(target_os = "linux")]

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use x11rb::connection::Connection as _;
use x11rb::errors::ReplyError;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, GrabMode, Keycode, MapState,
    ModMask, Window,
};
use x11rb::protocol::{ErrorKind, Event};
use x11rb::rust_connection::RustConnection;
use zbus::zvariant::{Structure, Value};

/// What went wrong, in words a failing test can show as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn error(message: impl Into<String>) -> Error {
    Error(message.into())
}

macro_rules! from_errors {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error(format!(concat!($what, ": {}"), e))
            }
        }
    )*};
}

from_errors!(
    x11rb::errors::ConnectError => "cannot connect to the X server",
    x11rb::errors::ConnectionError => "X connection",
    x11rb::errors::ReplyError => "X request",
    zbus::Error => "D-Bus",
    zbus::fdo::Error => "D-Bus",
    zbus::zvariant::Error => "D-Bus value",
    std::io::Error => "I/O",
);

/// Milliseconds since the Unix epoch (CLOCK_REALTIME, the clock `performance.timeOrigin + performance.now()`
/// follows in the page).
pub fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

// ---------------------------------------------------------------------------------------------------------
// X11
// ---------------------------------------------------------------------------------------------------------

/// An X display: `$DISPLAY` ([`X11::from_env`]) or a named one ([`X11::on`], e.g. a private Xvfb in a test).
/// Each call opens its own short connection, except [`X11::grab`], whose [`Grab`] keeps one open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct X11 {
    display: Option<String>,
}

/// Whether the window(s) with a title are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// At least one of them is mapped and viewable.
    Visible,
    /// There are some, none viewable (hidden: unmapped).
    Hidden,
    /// No window has that title (never created, or destroyed).
    Absent,
}

impl Visibility {
    /// `"visible"`, `"hidden"` or `"absent"`: what `x11-helper visible` prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::Hidden => "hidden",
            Visibility::Absent => "absent",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A window with a title (`_NET_WM_NAME`, else `WM_NAME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TitledWindow {
    pub id: u32,
    pub title: String,
    /// Mapped and all its ancestors mapped.
    pub viewable: bool,
    /// 1 for a child of the root; 2 for a child of such a window (a window manager's frame), and so on.
    pub depth: usize,
}

struct Atoms {
    net_wm_name: u32,
    utf8_string: u32,
    wm_protocols: u32,
    wm_delete_window: u32,
}

struct Session {
    conn: RustConnection,
    root: Window,
}

impl Session {
    fn atom(&self, name: &str) -> Result<u32> {
        Ok(self.conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
    }

    fn atoms(&self) -> Result<Atoms> {
        Ok(Atoms {
            net_wm_name: self.atom("_NET_WM_NAME")?,
            utf8_string: self.atom("UTF8_STRING")?,
            wm_protocols: self.atom("WM_PROTOCOLS")?,
            wm_delete_window: self.atom("WM_DELETE_WINDOW")?,
        })
    }

    /// The window's title, or None (no title, or the window is already gone).
    fn title(&self, atoms: &Atoms, window: Window) -> Option<String> {
        if let Ok(Ok(net)) = self
            .conn
            .get_property(false, window, atoms.net_wm_name, atoms.utf8_string, 0, 4096)
            .map(|c| c.reply())
        {
            if net.format == 8 && !net.value.is_empty() {
                return Some(String::from_utf8_lossy(&net.value).into_owned());
            }
        }
        let wm = self
            .conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 4096)
            .ok()?
            .reply()
            .ok()?;
        if wm.format != 8 || wm.value.is_empty() {
            return None;
        }
        Some(if wm.type_ == u32::from(AtomEnum::STRING) {
            // ICCCM: STRING is Latin-1.
            wm.value.iter().map(|&b| char::from(b)).collect()
        } else {
            String::from_utf8_lossy(&wm.value).into_owned()
        })
    }

    /// Every titled window under the root, top-down. The whole tree is walked: without a window manager the
    /// top-level windows are the root's children, with one they are the children of its frames.
    fn titled_windows(&self, atoms: &Atoms) -> Result<Vec<TitledWindow>> {
        let mut found = Vec::new();
        let mut stack: Vec<(Window, usize)> = self
            .conn
            .query_tree(self.root)?
            .reply()?
            .children
            .into_iter()
            .rev()
            .map(|w| (w, 1))
            .collect();
        while let Some((window, depth)) = stack.pop() {
            if let Some(title) = self.title(atoms, window) {
                let viewable = self
                    .conn
                    .get_window_attributes(window)
                    .ok()
                    .and_then(|c| c.reply().ok())
                    .is_some_and(|a| a.map_state == MapState::VIEWABLE);
                found.push(TitledWindow {
                    id: window,
                    title,
                    viewable,
                    depth,
                });
            }
            // A window destroyed meanwhile answers BadWindow: it simply has no children.
            if let Ok(Ok(tree)) = self.conn.query_tree(window).map(|c| c.reply()) {
                stack.extend(tree.children.into_iter().rev().map(|w| (w, depth + 1)));
            }
        }
        Ok(found)
    }
}

impl X11 {
    /// The display in `$DISPLAY`.
    pub fn from_env() -> Self {
        X11 { display: None }
    }

    /// A named display such as `":99"`.
    pub fn on(display: impl Into<String>) -> Self {
        X11 {
            display: Some(display.into()),
        }
    }

    /// The display name given to [`X11::on`], or None for `$DISPLAY`.
    pub fn display(&self) -> Option<&str> {
        self.display.as_deref()
    }

    fn connect(&self) -> Result<Session> {
        if self.display.is_none() && std::env::var_os("DISPLAY").is_none() {
            return Err(error(
                "DISPLAY is not set: run under an X server (`make e2e` uses xvfb-run)",
            ));
        }
        let (conn, screen) = x11rb::connect(self.display.as_deref())?;
        let root = conn.setup().roots[screen].root;
        Ok(Session { conn, root })
    }

    /// Every window with a title, top-down.
    pub fn windows(&self) -> Result<Vec<TitledWindow>> {
        let session = self.connect()?;
        let atoms = session.atoms()?;
        session.titled_windows(&atoms)
    }

    /// The windows whose title is exactly `title`.
    pub fn find(&self, title: &str) -> Result<Vec<TitledWindow>> {
        Ok(self
            .windows()?
            .into_iter()
            .filter(|w| w.title == title)
            .collect())
    }

    /// Sends `WM_PROTOCOLS`/`WM_DELETE_WINDOW` to each window titled exactly `title`, as a window manager's
    /// close button does (the app sees `CloseRequested`). Returns how many got it; 0 means none has that
    /// title. The message is delivered when this returns; what the app does with it comes later.
    pub fn close(&self, title: &str) -> Result<usize> {
        let session = self.connect()?;
        let atoms = session.atoms()?;
        let targets: Vec<_> = session
            .titled_windows(&atoms)?
            .into_iter()
            .filter(|w| w.title == title)
            .collect();
        for w in &targets {
            let message = ClientMessageEvent::new(
                32,
                w.id,
                atoms.wm_protocols,
                [atoms.wm_delete_window, x11rb::CURRENT_TIME, 0, 0, 0],
            );
            session
                .conn
                .send_event(false, w.id, EventMask::NO_EVENT, message)?
                .check()?;
        }
        Ok(targets.len())
    }

    /// Whether a window titled exactly `title` is shown: visible if any is viewable.
    pub fn visibility(&self, title: &str) -> Result<Visibility> {
        let matching = self.find(title)?;
        Ok(if matching.iter().any(|w| w.viewable) {
            Visibility::Visible
        } else if matching.is_empty() {
            Visibility::Absent
        } else {
            Visibility::Hidden
        })
    }

    /// Polls [`X11::visibility`] every 50 ms until it is `wanted`; an error says what it was at `timeout`.
    pub async fn wait_visibility(
        &self,
        title: &str,
        wanted: Visibility,
        timeout: Duration,
    ) -> Result<Visibility> {
        let deadline = Instant::now() + timeout;
        loop {
            let now = self.visibility(title)?;
            if now == wanted {
                return Ok(now);
            }
            if Instant::now() >= deadline {
                return Err(error(format!(
                    "“{title}” is {now:?}, not {wanted:?}, after {timeout:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Holds `accelerator` (e.g. `"ctrl+shift+space"`, `"CommandOrControl+Shift+Space"`) on the root window
    /// with its NumLock/CapsLock variants, as another program holding the shortcut would (it is a separate X
    /// client, so the app's own grab of it fails with BadAccess). Released when the [`Grab`] is dropped.
    /// Fails when another client already holds it.
    pub fn grab(&self, accelerator: &str) -> Result<Grab> {
        let (mods, keysym) = parse_accelerator(accelerator)?;
        let session = self.connect()?;
        let keycode = keycode_for(&session.conn, keysym)?
            .ok_or_else(|| error(format!("no key on this keyboard gives {accelerator:?}")))?;
        let grab = Grab {
            conn: session.conn,
            root: session.root,
            keycode,
            mods,
            accelerator: accelerator.to_owned(),
        };
        for lock in lock_variants() {
            let result = grab
                .conn
                .grab_key(
                    false,
                    grab.root,
                    mods | lock,
                    keycode,
                    GrabMode::ASYNC,
                    GrabMode::ASYNC,
                )?
                .check();
            match result {
                Ok(()) => {}
                // Dropping `grab` ungrabs the variants taken so far.
                Err(ReplyError::X11Error(e)) if e.error_kind == ErrorKind::Access => {
                    return Err(error(format!(
                        "{accelerator} is already grabbed by another X client (BadAccess)"
                    )))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(grab)
    }

    /// Runs `xdotool key <keys>` on this display (`keys`: one or more xdotool key names separated by spaces,
    /// e.g. `"ctrl+shift+space"` or `"Escape"`) and waits for it. Returns the epoch ms (see [`epoch_ms`])
    /// taken just before xdotool was spawned, so a latency measured against it includes xdotool's own start.
    pub async fn press_keys(&self, keys: &str) -> Result<u64> {
        let mut command = tokio::process::Command::new("xdotool");
        command.arg("key").args(keys.split_whitespace());
        if let Some(display) = &self.display {
            command.env("DISPLAY", display);
        }
        let started = epoch_ms();
        let out = command.output().await.map_err(|e| {
            error(format!(
                "cannot run xdotool ({e}): install it (`make deps-test` does)"
            ))
        })?;
        if !out.status.success() {
            return Err(error(format!(
                "xdotool key {keys} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(started)
    }
}

/// [`X11::close`] on `$DISPLAY`.
pub fn x11_close(title: &str) -> Result<usize> {
    X11::from_env().close(title)
}

/// [`X11::visibility`] on `$DISPLAY`.
pub fn x11_visible(title: &str) -> Result<Visibility> {
    X11::from_env().visibility(title)
}

/// [`X11::grab`] on `$DISPLAY`.
pub fn grab(accelerator: &str) -> Result<Grab> {
    X11::from_env().grab(accelerator)
}

/// [`X11::press_keys`] on `$DISPLAY`.
pub async fn press_keys(keys: &str) -> Result<u64> {
    X11::from_env().press_keys(keys).await
}

/// XGrabKey needs the exact modifier state, and NumLock (Mod2) and CapsLock count: grab each combination, as
/// global-hotkey does for the app's shortcut.
fn lock_variants() -> [ModMask; 4] {
    [
        ModMask::default(),
        ModMask::M2,
        ModMask::LOCK,
        ModMask::M2 | ModMask::LOCK,
    ]
}

/// A key combination held on the root window by this process's own X connection: while it lives, the X
/// server gives those key presses to it, and any other client's grab of the same combination fails.
/// Dropping it releases the grab.
pub struct Grab {
    conn: RustConnection,
    root: Window,
    keycode: Keycode,
    mods: ModMask,
    accelerator: String,
}

impl fmt::Debug for Grab {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grab")
            .field("accelerator", &self.accelerator)
            .field("keycode", &self.keycode)
            .finish()
    }
}

impl Grab {
    /// The combination as given.
    pub fn accelerator(&self) -> &str {
        &self.accelerator
    }

    fn take_press(&self) -> Result<bool> {
        while let Some(event) = self.conn.poll_for_event()? {
            if matches!(event, Event::KeyPress(k) if k.detail == self.keycode) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Waits up to `timeout` for a press of the combination (one pressed since the grab or since the last
    /// press this returned counts). True when one came: the proof that this grab, not the app, got it.
    pub async fn wait_pressed(&self, timeout: Duration) -> Result<bool> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.take_press()? {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Blocks until the combination is pressed. Errs when the X server goes away.
    pub fn block_until_pressed(&self) -> Result<()> {
        loop {
            if matches!(self.conn.wait_for_event()?, Event::KeyPress(k) if k.detail == self.keycode)
            {
                return Ok(());
            }
        }
    }
}

impl Drop for Grab {
    fn drop(&mut self) {
        for lock in lock_variants() {
            if let Ok(cookie) = self
                .conn
                .ungrab_key(self.keycode, self.root, self.mods | lock)
            {
                cookie.ignore_error();
            }
        }
        // Make the release take effect now, not whenever the connection's socket closes.
        let _ = x11rb::wrapper::ConnectionExt::sync(&self.conn);
    }
}

/// The modifiers and keysym of an accelerator such as `ctrl+shift+space` or `CommandOrControl+Shift+KeyK`
/// (case-insensitive, `+`-separated, exactly one non-modifier key).
fn parse_accelerator(accelerator: &str) -> Result<(ModMask, u32)> {
    let bad = |why: &str| {
        error(format!(
            "cannot use {accelerator:?} as a key combination: {why}"
        ))
    };
    let mut mods = ModMask::default();
    let mut key = None;
    for part in accelerator.split('+').map(str::trim) {
        let lower = part.to_ascii_lowercase();
        let modifier = match lower.as_str() {
            "ctrl" | "control" | "commandorcontrol" | "cmdorctrl" | "commandorctrl"
            | "cmdorcontrol" => Some(ModMask::CONTROL),
            "shift" => Some(ModMask::SHIFT),
            "alt" | "option" | "mod1" => Some(ModMask::M1),
            "super" | "meta" | "mod4" | "win" | "cmd" | "command" => Some(ModMask::M4),
            _ => None,
        };
        match modifier {
            Some(m) => mods |= m,
            None if key.is_some() => return Err(bad("more than one key")),
            None => {
                key = Some(keysym_for(&lower).ok_or_else(|| bad(&format!("unknown key {part:?}")))?)
            }
        }
    }
    Ok((mods, key.ok_or_else(|| bad("no key, only modifiers"))?))
}

/// The X keysym of a key name (lower case): letters, digits and other printable ASCII (`a`, `keya`, `digit1`),
/// F1–F24 and the usual named keys.
fn keysym_for(name: &str) -> Option<u32> {
    let name = name
        .strip_prefix("key")
        .filter(|n| n.len() == 1)
        .unwrap_or(name);
    let name = name
        .strip_prefix("digit")
        .filter(|n| n.len() == 1)
        .unwrap_or(name);
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        // Latin-1 keysyms are the character codes; letters are the lower-case ones.
        return (c.is_ascii_graphic()).then_some(u32::from(c.to_ascii_lowercase()));
    }
    if let Some(n) = name.strip_prefix('f').and_then(|n| n.parse::<u32>().ok()) {
        return (1..=24).contains(&n).then_some(0xffbe + n - 1);
    }
    Some(match name {
        "space" => 0x20,
        "return" | "enter" => 0xff0d,
        "escape" | "esc" => 0xff1b,
        "tab" => 0xff09,
        "backspace" => 0xff08,
        "delete" => 0xffff,
        "insert" => 0xff63,
        "home" => 0xff50,
        "left" | "arrowleft" => 0xff51,
        "up" | "arrowup" => 0xff52,
        "right" | "arrowright" => 0xff53,
        "down" | "arrowdown" => 0xff54,
        "pageup" => 0xff55,
        "pagedown" => 0xff56,
        "end" => 0xff57,
        _ => return None,
    })
}

/// The first keycode whose keyboard mapping has `keysym` (how global-hotkey finds it too).
fn keycode_for(conn: &RustConnection, keysym: u32) -> Result<Option<Keycode>> {
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let mapping = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
    let per = usize::from(mapping.keysyms_per_keycode.max(1));
    Ok(mapping
        .keysyms
        .chunks(per)
        .position(|syms| syms.contains(&keysym))
        .map(|i| min + i as u8))
}

// ---------------------------------------------------------------------------------------------------------
// The app process
// ---------------------------------------------------------------------------------------------------------

/// The PID of the process started with `--data-dir <data_dir>` (or `--data-dir=<data_dir>`), read from
/// `/proc/*/cmdline`; the paths are compared as given and canonicalised. When several match (a second launch
/// still running), the one that started first: the first instance, which owns the tray.
pub fn app_pid(data_dir: &Path) -> Option<u32> {
    let wanted = data_dir.canonicalize().ok();
    let mut best: Option<(u64, u32)> = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let matches = cmdline_data_dir(&cmdline).is_some_and(|arg| {
            arg == data_dir || (wanted.is_some() && arg.canonicalize().ok() == wanted)
        });
        if !matches {
            continue;
        }
        let started = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|s| start_time(&s));
        let key = (started.unwrap_or(u64::MAX), pid);
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, pid)| pid)
}

/// Polls [`app_pid`] every 50 ms for up to `timeout` (tauri-driver starts the app a moment after the
/// WebDriver session is asked for; a process found once is then stable).
pub async fn wait_app_pid(data_dir: &Path, timeout: Duration) -> Result<u32> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(pid) = app_pid(data_dir) {
            return Ok(pid);
        }
        if Instant::now() >= deadline {
            return Err(error(format!(
                "no process started with --data-dir {} after {timeout:?}",
                data_dir.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The path after `--data-dir` in a NUL-separated command line.
fn cmdline_data_dir(cmdline: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    // Each argument ends with a NUL, the last one too.
    let cmdline = cmdline.strip_suffix(b"\0").unwrap_or(cmdline);
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    args.iter().enumerate().find_map(|(i, arg)| {
        if *arg == b"--data-dir" {
            args.get(i + 1)
                .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(p)))
        } else {
            arg.strip_prefix(b"--data-dir=")
                .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(p)))
        }
    })
}

/// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot). The command name (field 2) may hold
/// spaces and parentheses, so count from the last `)`.
fn start_time(stat: &str) -> Option<u64> {
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------------------
// The tray menu over D-Bus
// ---------------------------------------------------------------------------------------------------------

/// One entry of the tray menu (separators are left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayItem {
    /// The dbusmenu id, for [`TrayMenu::click_id`].
    pub id: i32,
    /// The label with its mnemonic underscores removed (`_Quit` → `Quit`, `a__b` → `a_b`).
    pub label: String,
    pub enabled: bool,
    pub visible: bool,
}

/// The tray menu's action items as the app builds them, the shortcut not paused (the spend line aside).
pub const TRAY_ACTIONS: [&str; 4] = [
    "New quick prompt",
    "Open main window",
    "Pause shortcut",
    "Quit",
];

/// The tray menu libayatana exports for the app (see the module docs).
#[derive(Clone, Debug)]
pub struct TrayMenu {
    conn: zbus::Connection,
    service: String,
    path: String,
}

const DBUSMENU: &str = "com.canonical.dbusmenu";

impl TrayMenu {
    /// Where libayatana puts its items.
    pub const ITEMS_ROOT: &'static str = "/org/ayatana/NotificationItem";

    /// Waits up to `timeout` for the process `app_pid` to export its tray menu on the session bus
    /// (`$DBUS_SESSION_BUS_ADDRESS`), then returns it.
    pub async fn find(app_pid: u32, timeout: Duration) -> Result<TrayMenu> {
        let conn = zbus::Connection::session().await?;
        Self::find_on(&conn, app_pid, timeout).await
    }

    /// [`TrayMenu::find`] on a given bus connection. Looks at every unique name owned by `app_pid`
    /// (`ListNames` + `GetConnectionUnixProcessID`) for an object `ITEMS_ROOT/<item>` with a `Menu` child
    /// (`Introspect`). Fails if, at the deadline, none has one or if several do.
    pub async fn find_on(
        conn: &zbus::Connection,
        app_pid: u32,
        timeout: Duration,
    ) -> Result<TrayMenu> {
        let deadline = Instant::now() + timeout;
        loop {
            let why = match scan_menus(conn, app_pid).await {
                Ok(found) if found.len() == 1 => {
                    let (service, path) = found.into_iter().next().expect("one menu");
                    return Ok(TrayMenu {
                        conn: conn.clone(),
                        service,
                        path,
                    });
                }
                Ok(found) if found.len() > 1 => {
                    return Err(error(format!(
                        "process {app_pid} exports several tray menus: {found:?}"
                    )))
                }
                Ok(_) => format!(
                    "no connection of process {app_pid} exports {}/<item>/Menu",
                    Self::ITEMS_ROOT
                ),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(error(format!("no tray menu after {timeout:?}: {why}")));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The unique bus name that serves the menu.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The menu's object path (`…/Menu`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The menu's entries in order, submenus flattened, separators left out (`GetLayout(0, -1, [])`).
    pub async fn items(&self) -> Result<Vec<TrayItem>> {
        let reply = call(
            &self.conn,
            &self.service,
            &self.path,
            DBUSMENU,
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )
        .await?;
        let body = reply.body();
        parse_layout(&body.deserialize::<Structure>()?)
    }

    /// The labels of the visible entries, in order.
    pub async fn labels(&self) -> Result<Vec<String>> {
        Ok(self
            .items()
            .await?
            .into_iter()
            .filter(|i| i.visible)
            .map(|i| i.label)
            .collect())
    }

    /// The entry labelled exactly `label` (after removing mnemonics), if any.
    pub async fn item(&self, label: &str) -> Result<Option<TrayItem>> {
        Ok(self.items().await?.into_iter().find(|i| i.label == label))
    }

    /// Polls [`TrayMenu::items`] every 100 ms until `done(items)`; returns those items, or an error with the
    /// last ones seen (labels change asynchronously, e.g. the spend line after a reply).
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[TrayItem]) -> bool,
    ) -> Result<Vec<TrayItem>> {
        let deadline = Instant::now() + timeout;
        loop {
            let items = self.items().await?;
            if done(&items) {
                return Ok(items);
            }
            if Instant::now() >= deadline {
                return Err(error(format!(
                    "tray menu not as expected after {timeout:?}: {items:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the entry labelled exactly `label`, as a user would: it must be there, visible and enabled.
    pub async fn click(&self, label: &str) -> Result<()> {
        let items = self.items().await?;
        let Some(item) = items.iter().find(|i| i.label == label) else {
            let labels: Vec<_> = items.iter().map(|i| i.label.as_str()).collect();
            return Err(error(format!(
                "no tray menu entry {label:?}; there are {labels:?}"
            )));
        };
        if !item.enabled || !item.visible {
            return Err(error(format!(
                "tray menu entry {label:?} cannot be clicked: {item:?}"
            )));
        }
        self.click_id(item.id).await
    }

    /// Sends `Event(id, "clicked", <i32 0>, 0)`: the app's menu handler runs as for a real click.
    pub async fn click_id(&self, id: i32) -> Result<()> {
        call(
            &self.conn,
            &self.service,
            &self.path,
            DBUSMENU,
            "Event",
            &(id, "clicked", Value::I32(0), 0u32),
        )
        .await?;
        Ok(())
    }
}

/// How long a D-Bus call may take. zbus waits for ever by default, and a peer that never answers (such as a
/// connection that serves no objects) would hang the test instead of failing it.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

async fn call<B>(
    conn: &zbus::Connection,
    service: &str,
    path: &str,
    interface: &str,
    method: &str,
    body: &B,
) -> Result<zbus::Message>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
{
    let reply = conn.call_method(Some(service), path, Some(interface), method, body);
    match tokio::time::timeout(CALL_TIMEOUT, reply).await {
        Ok(reply) => Ok(reply?),
        Err(_) => Err(error(format!(
            "{service} did not answer {interface}.{method} on {path} within {CALL_TIMEOUT:?}"
        ))),
    }
}

async fn introspect(conn: &zbus::Connection, service: &str, path: &str) -> Result<String> {
    let reply = call(
        conn,
        service,
        path,
        "org.freedesktop.DBus.Introspectable",
        "Introspect",
        &(),
    )
    .await?;
    Ok(reply.body().deserialize::<String>()?)
}

/// (unique name, menu path) of each tray menu the process exports.
async fn scan_menus(conn: &zbus::Connection, pid: u32) -> Result<Vec<(String, String)>> {
    let dbus = zbus::fdo::DBusProxy::new(conn).await?;
    let own = conn.unique_name().map(|n| n.to_string());
    let mut found = Vec::new();
    for name in dbus.list_names().await? {
        // Our own connection would be asked its own questions and could not answer them.
        if !name.starts_with(':') || own.as_deref() == Some(name.as_str()) {
            continue;
        }
        // Names come and go meanwhile: one gone is simply not the app's.
        match dbus
            .get_connection_unix_process_id(name.inner().clone())
            .await
        {
            Ok(p) if p == pid => {}
            _ => continue,
        }
        let Ok(root) = introspect(conn, &name, TrayMenu::ITEMS_ROOT).await else {
            continue;
        };
        for item in child_nodes(&root) {
            let item_path = format!("{}/{item}", TrayMenu::ITEMS_ROOT);
            if let Ok(xml) = introspect(conn, &name, &item_path).await {
                if child_nodes(&xml).iter().any(|c| c == "Menu") {
                    found.push((name.to_string(), format!("{item_path}/Menu")));
                }
            }
        }
    }
    Ok(found)
}

/// The child node names in introspection XML (`<node name="x"/>`), not the described node itself.
fn child_nodes(xml: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    for tag in xml.split("<node").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let Some(at) = tag.find("name=") else {
            continue;
        };
        let rest = &tag[at + 5..];
        let Some(quote) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            continue;
        };
        let name = &rest[1..1 + end];
        if !name.is_empty() && !name.starts_with('/') && seen.insert(name.to_owned()) {
            names.push(name.to_owned());
        }
    }
    names
}

/// The entries of a `GetLayout` reply body `(u revision, (i id, a{sv} properties, av children))`.
pub fn parse_layout(body: &Structure<'_>) -> Result<Vec<TrayItem>> {
    let root = body
        .fields()
        .get(1)
        .ok_or_else(|| error(format!("GetLayout reply without a layout: {body:?}")))?;
    let mut items = Vec::new();
    walk_layout(root, true, &mut items)?;
    Ok(items)
}

fn unwrap_variant<'a, 'v>(mut value: &'a Value<'v>) -> &'a Value<'v> {
    while let Value::Value(inner) = value {
        value = inner;
    }
    value
}

fn walk_layout(node: &Value<'_>, is_root: bool, items: &mut Vec<TrayItem>) -> Result<()> {
    let bad = || error(format!("unexpected dbusmenu layout node: {node:?}"));
    let Value::Structure(node_fields) = unwrap_variant(node) else {
        return Err(bad());
    };
    let [Value::I32(id), Value::Dict(props), Value::Array(children)] = node_fields.fields() else {
        return Err(bad());
    };
    let (mut label, mut enabled, mut visible, mut separator) = (None, true, true, false);
    for (key, value) in props.iter() {
        let Value::Str(key) = key else { continue };
        match (key.as_str(), unwrap_variant(value)) {
            ("label", Value::Str(s)) => label = Some(strip_mnemonic(s.as_str())),
            ("enabled", Value::Bool(b)) => enabled = *b,
            ("visible", Value::Bool(b)) => visible = *b,
            ("type", Value::Str(s)) => separator = s.as_str() == "separator",
            _ => {}
        }
    }
    if !is_root && !separator {
        items.push(TrayItem {
            id: *id,
            label: label.unwrap_or_default(),
            enabled,
            visible,
        });
    }
    for child in children.inner() {
        walk_layout(child, false, items)?;
    }
    Ok(())
}

/// GTK mnemonics: a single `_` marks the access key and is not shown; `__` shows one `_`.
pub fn strip_mnemonic(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '_' {
            out.push(c);
        } else if chars.peek() == Some(&'_') {
            chars.next();
            out.push('_');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerators_parse_like_the_apps_shortcut_setting() {
        let ctrl_shift = ModMask::CONTROL | ModMask::SHIFT;
        assert_eq!(
            parse_accelerator("ctrl+shift+space").unwrap(),
            (ctrl_shift, 0x20)
        );
        assert_eq!(
            parse_accelerator("CommandOrControl+Shift+Space").unwrap(),
            (ctrl_shift, 0x20)
        );
        assert_eq!(
            parse_accelerator("Alt + KeyK").unwrap(),
            (ModMask::M1, u32::from(b'k'))
        );
        assert_eq!(
            parse_accelerator("super+Digit1").unwrap(),
            (ModMask::M4, u32::from(b'1'))
        );
        assert_eq!(
            parse_accelerator("ctrl+F12").unwrap(),
            (ModMask::CONTROL, 0xffc9)
        );
        assert_eq!(
            parse_accelerator("Q").unwrap(),
            (ModMask::default(), u32::from(b'q'))
        );
        for bad in ["ctrl+shift", "ctrl+a+b", "ctrl+nosuchkey", "", "f25"] {
            assert!(parse_accelerator(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn mnemonics_are_removed_and_double_underscores_kept_as_one() {
        assert_eq!(strip_mnemonic("_Quit"), "Quit");
        assert_eq!(strip_mnemonic("New _quick prompt"), "New quick prompt");
        assert_eq!(strip_mnemonic("snake__case"), "snake_case");
        assert_eq!(strip_mnemonic("Spend today: $0.16"), "Spend today: $0.16");
        assert_eq!(strip_mnemonic("trailing_"), "trailing");
    }

    #[test]
    fn data_dir_is_read_from_either_argument_form() {
        let argv = b"/usr/bin/openrouter-desktop\0--data-dir\0/tmp/ord e2e\0--hidden\0";
        assert_eq!(cmdline_data_dir(argv), Some(PathBuf::from("/tmp/ord e2e")));
        assert_eq!(
            cmdline_data_dir(b"app\0--data-dir=/x/y\0"),
            Some(PathBuf::from("/x/y"))
        );
        assert_eq!(cmdline_data_dir(b"app\0--data-dir\0"), None);
        assert_eq!(cmdline_data_dir(b"app\0--hidden\0"), None);
    }

    #[test]
    fn start_time_is_field_22_even_with_parentheses_in_the_name() {
        let stat = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 987654 123 45";
        assert_eq!(start_time(stat), Some(987654));
    }

    #[test]
    fn introspection_child_nodes_skip_the_node_itself() {
        let xml = r#"<!DOCTYPE node PUBLIC "x" "y">
<node name="/org/ayatana/NotificationItem">
  <interface name="org.freedesktop.DBus.Introspectable"><method name="Introspect"/></interface>
  <node name="tray_icon_tray_app_1"/>
  <node name='other'/>
</node>"#;
        assert_eq!(child_nodes(xml), ["tray_icon_tray_app_1", "other"]);
        assert!(child_nodes("<node><interface name=\"a.b\"/></node>").is_empty());
    }

    fn node(
        id: i32,
        props: &[(&'static str, Value<'static>)],
        children: Vec<Value<'static>>,
    ) -> Value<'static> {
        let mut dict = zbus::zvariant::Dict::new(
            &zbus::zvariant::Signature::Str,
            &zbus::zvariant::Signature::Variant,
        );
        for (k, v) in props {
            dict.add(*k, Value::Value(Box::new(v.try_clone().unwrap())))
                .unwrap();
        }
        let mut array = zbus::zvariant::Array::new(&zbus::zvariant::Signature::Variant);
        for c in children {
            array.append(Value::Value(Box::new(c))).unwrap();
        }
        Value::Structure(
            zbus::zvariant::StructureBuilder::new()
                .add_field(id)
                .append_field(Value::Dict(dict))
                .append_field(Value::Array(array))
                .build()
                .unwrap(),
        )
    }

    #[test]
    fn a_get_layout_reply_gives_the_entries_in_order() {
        let root = node(
            0,
            &[("children-display", Value::from("submenu"))],
            vec![
                node(1, &[("label", Value::from("New _quick prompt"))], vec![]),
                node(2, &[("type", Value::from("separator"))], vec![]),
                node(
                    3,
                    &[
                        ("label", Value::from("Spend today: $0.16")),
                        ("enabled", Value::Bool(false)),
                    ],
                    vec![],
                ),
                node(
                    4,
                    &[
                        ("label", Value::from("More")),
                        ("children-display", Value::from("submenu")),
                    ],
                    vec![node(
                        5,
                        &[
                            ("label", Value::from("Hidden")),
                            ("visible", Value::Bool(false)),
                        ],
                        vec![],
                    )],
                ),
                node(6, &[("label", Value::from("_Quit"))], vec![]),
            ],
        );
        let body = zbus::zvariant::StructureBuilder::new()
            .add_field(7u32)
            .append_field(root)
            .build()
            .unwrap();
        let item = |id, label: &str, enabled, visible| TrayItem {
            id,
            label: label.into(),
            enabled,
            visible,
        };
        assert_eq!(
            parse_layout(&body).unwrap(),
            [
                item(1, "New quick prompt", true, true),
                item(3, "Spend today: $0.16", false, true),
                item(4, "More", true, true),
                item(5, "Hidden", true, false),
                item(6, "Quit", true, true),
            ]
        );
        let broken = zbus::zvariant::StructureBuilder::new()
            .add_field(7u32)
            .add_field("x")
            .build()
            .unwrap();
        assert!(parse_layout(&broken).is_err());
    }
}
