//! Tests of the desktop helpers (`acceptance::desktop`, the `x11-helper` binary) without the app: windows made
//! here on a private Xvfb, a fake dbusmenu service on a private D-Bus daemon, processes started here.
//!
//! Each test starts its own X server or bus (`Xvfb -displayfd`, `dbus-daemon --print-address`), so they run
//! in plain `cargo test` / `make unit` without touching the desktop you work in. When Xvfb, xdotool or
//! dbus-daemon is not installed (`make deps-test` installs them) the test says SKIPPED and passes.
#![cfg(target_os = "linux")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use acceptance::desktop::{
    app_pid, epoch_ms, wait_app_pid, TrayItem, TrayMenu, Visibility, TRAY_ACTIONS, X11,
};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    AtomEnum, ConnectionExt as _, CreateWindowAux, PropMode, Window, WindowClass,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use zbus::zvariant::{OwnedValue, StructureBuilder, Value};

const HELPER: &str = env!("CARGO_BIN_EXE_x11-helper");

fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Skips the test (returns None) with a message when a program is missing.
fn require(programs: &[&str]) -> Option<()> {
    let missing: Vec<_> = programs.iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Some(());
    }
    eprintln!("SKIPPED: {missing:?} not installed (`make deps-test` installs them)");
    None
}

/// A process that is killed when the test ends, pass or fail.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a program that prints one line once it is ready (Xvfb's display number, dbus-daemon's address).
fn start_reporting(program: &str, args: &[&str]) -> (Killed, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {program}: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the ready line");
    assert!(!line.trim().is_empty(), "{program} printed nothing");
    (child, line.trim().to_owned())
}

/// A private X server: its own display, so the tests neither need nor touch `$DISPLAY`.
struct Xvfb {
    _server: Killed,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        // -noreset: by default the server resets when its last client leaves, and a connection made
        // meanwhile fails ("failed to read whole buffer").
        let (server, number) = start_reporting(
            "Xvfb",
            &[
                "-displayfd",
                "1",
                "-screen",
                "0",
                "640x480x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
        );
        Xvfb {
            _server: server,
            display: format!(":{number}"),
        }
    }

    fn x11(&self) -> X11 {
        X11::on(&self.display)
    }

    fn connect(&self) -> (RustConnection, Window) {
        let (conn, screen) = x11rb::connect(Some(&self.display)).expect("connect to Xvfb");
        let root = conn.setup().roots[screen].root;
        (conn, root)
    }

    fn helper(&self, args: &[&str]) -> std::process::Output {
        Command::new(HELPER)
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("run x11-helper")
    }
}

fn atom(conn: &RustConnection, name: &str) -> u32 {
    conn.intern_atom(false, name.as_bytes())
        .unwrap()
        .reply()
        .unwrap()
        .atom
}

enum Title<'a> {
    /// `_NET_WM_NAME` (UTF-8) and `WM_NAME`, as GTK sets them.
    Utf8(&'a str),
    /// Only `WM_NAME`, a Latin-1 STRING.
    Latin1(&'a [u8]),
    None,
}

/// An unmapped window that takes part in WM_DELETE_WINDOW, like a GTK top-level.
fn make_window(conn: &RustConnection, parent: Window, title: Title<'_>) -> Window {
    let id = conn.generate_id().unwrap();
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        id,
        parent,
        0,
        0,
        120,
        80,
        0,
        WindowClass::INPUT_OUTPUT,
        x11rb::COPY_FROM_PARENT,
        &CreateWindowAux::new(),
    )
    .unwrap();
    match title {
        Title::Utf8(t) => {
            let utf8 = atom(conn, "UTF8_STRING");
            conn.change_property8(
                PropMode::REPLACE,
                id,
                atom(conn, "_NET_WM_NAME"),
                utf8,
                t.as_bytes(),
            )
            .unwrap();
            conn.change_property8(PropMode::REPLACE, id, AtomEnum::WM_NAME, utf8, t.as_bytes())
                .unwrap();
        }
        Title::Latin1(t) => {
            conn.change_property8(
                PropMode::REPLACE,
                id,
                AtomEnum::WM_NAME,
                AtomEnum::STRING,
                t,
            )
            .unwrap();
        }
        Title::None => {}
    }
    let delete = atom(conn, "WM_DELETE_WINDOW");
    conn.change_property32(
        PropMode::REPLACE,
        id,
        atom(conn, "WM_PROTOCOLS"),
        AtomEnum::ATOM,
        &[delete],
    )
    .unwrap();
    conn.sync().unwrap();
    id
}

/// Waits for the WM_DELETE_WINDOW message a window of ours gets (sent events with no mask go to the client
/// that created the window: this one).
fn expect_wm_delete(conn: &RustConnection, window: Window) {
    let (protocols, delete) = (atom(conn, "WM_PROTOCOLS"), atom(conn, "WM_DELETE_WINDOW"));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match conn.poll_for_event().unwrap() {
            Some(Event::ClientMessage(m)) if m.window == window => {
                assert_eq!((m.type_, m.format), (protocols, 32), "{m:?}");
                assert_eq!(m.data.as_data32()[0], delete, "{m:?}");
                return;
            }
            Some(_) => {}
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            None => panic!("no WM_DELETE_WINDOW reached window 0x{window:x}"),
        }
    }
}

fn no_more_client_messages(conn: &RustConnection) {
    conn.sync().unwrap();
    while let Some(event) = conn.poll_for_event().unwrap() {
        assert!(
            !matches!(event, Event::ClientMessage(_)),
            "unexpected {event:?}"
        );
    }
}

#[test]
fn close_sends_wm_delete_window_to_top_level_and_framed_windows_by_exact_title() {
    let Some(()) = require(&["Xvfb"]) else { return };
    let x = Xvfb::start();
    let (conn, root) = x.connect();
    // Without a window manager the top-level windows are the root's children...
    let quick = make_window(&conn, root, Title::Utf8("Quick prompt — ü"));
    conn.map_window(quick).unwrap();
    // ...with one they are inside its frames; a title that is only WM_NAME (Latin-1: 0xfc is ü) counts too.
    let frame = make_window(&conn, root, Title::None);
    let framed = make_window(&conn, frame, Title::Latin1(b"Framed \xfc"));
    let _prefix = make_window(&conn, root, Title::Utf8("Quick prompt"));
    conn.sync().unwrap();

    assert_eq!(x.x11().close("Quick prompt — ü"), Ok(1));
    expect_wm_delete(&conn, quick);
    no_more_client_messages(&conn);
    assert_eq!(x.x11().close("Framed ü"), Ok(1));
    expect_wm_delete(&conn, framed);
    assert_eq!(
        x.x11().close("Quick prompt — "),
        Ok(0),
        "the title must match exactly"
    );
    assert_eq!(x.x11().close("Nothing"), Ok(0));
    no_more_client_messages(&conn);

    let titles: Vec<_> = x
        .x11()
        .windows()
        .unwrap()
        .into_iter()
        .map(|w| (w.title, w.depth))
        .collect();
    assert!(titles.contains(&("Framed ü".to_owned(), 2)), "{titles:?}");

    let out = x.helper(&["close", "Quick prompt — ü"]);
    assert!(out.status.success(), "{out:?}");
    expect_wm_delete(&conn, quick);
    let out = x.helper(&["close", "Nothing"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no window titled \"Nothing\""),
        "{out:?}"
    );
    no_more_client_messages(&conn);
}

#[tokio::test]
async fn visibility_follows_the_map_state() {
    let Some(()) = require(&["Xvfb"]) else { return };
    let x = Xvfb::start();
    let (conn, root) = x.connect();
    let title = "OpenRouter Desktop";
    let cli = |x: &Xvfb| {
        let out = x.helper(&["visible", title]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(x.x11().visibility(title), Ok(Visibility::Absent));
    assert_eq!(cli(&x), "absent\n");

    let main = make_window(&conn, root, Title::Utf8(title));
    assert_eq!(x.x11().visibility(title), Ok(Visibility::Hidden));
    assert_eq!(cli(&x), "hidden\n");

    conn.map_window(main).unwrap();
    conn.sync().unwrap();
    assert_eq!(x.x11().visibility(title), Ok(Visibility::Visible));
    assert_eq!(cli(&x), "visible\n");

    conn.unmap_window(main).unwrap();
    conn.flush().unwrap();
    let seen = x
        .x11()
        .wait_visibility(title, Visibility::Hidden, Duration::from_secs(2))
        .await;
    assert_eq!(seen, Ok(Visibility::Hidden));
    // A wait that runs out is an error, not the state it ended on.
    let waited = x
        .x11()
        .wait_visibility(title, Visibility::Visible, Duration::from_millis(200))
        .await;
    assert!(waited.is_err(), "{waited:?}");

    // Mapped inside an unmapped frame is not shown either.
    let frame = make_window(&conn, root, Title::None);
    let framed = make_window(&conn, frame, Title::Utf8("Framed"));
    conn.map_window(framed).unwrap();
    conn.sync().unwrap();
    assert_eq!(x.x11().visibility("Framed"), Ok(Visibility::Hidden));
    conn.map_window(frame).unwrap();
    conn.sync().unwrap();
    assert_eq!(x.x11().visibility("Framed"), Ok(Visibility::Visible));

    conn.destroy_window(main).unwrap();
    conn.sync().unwrap();
    assert_eq!(x.x11().visibility(title), Ok(Visibility::Absent));
    assert_eq!(cli(&x), "absent\n");
}

#[tokio::test]
async fn a_grab_holds_the_combination_as_another_program_would() {
    let Some(()) = require(&["Xvfb", "xdotool"]) else {
        return;
    };
    let x = Xvfb::start();

    let held = x.x11().grab("ctrl+shift+space").expect("grab");
    assert_eq!(held.accelerator(), "ctrl+shift+space");
    // Another client (the app, here another connection) cannot take it: the app's error path.
    let taken = x.x11().grab("CommandOrControl+Shift+Space").unwrap_err();
    assert!(
        taken.0.contains("already grabbed by another X client"),
        "{taken}"
    );
    let out = x.helper(&["grab", "ctrl+shift+space"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    // The presses go to the holder, with NumLock on too (the lock variants are grabbed as well).
    let before = epoch_ms();
    let pressed_at = x
        .x11()
        .press_keys("ctrl+shift+space")
        .await
        .expect("xdotool");
    assert!(before <= pressed_at && pressed_at <= epoch_ms());
    assert_eq!(held.wait_pressed(Duration::from_secs(2)).await, Ok(true));
    x.x11().press_keys("Num_Lock").await.unwrap();
    x.x11().press_keys("ctrl+shift+space").await.unwrap();
    assert_eq!(held.wait_pressed(Duration::from_secs(2)).await, Ok(true));
    x.x11().press_keys("Num_Lock").await.unwrap();
    // Other keys are not taken.
    x.x11().press_keys("ctrl+shift+a").await.unwrap();
    assert_eq!(
        held.wait_pressed(Duration::from_millis(300)).await,
        Ok(false)
    );

    drop(held);
    let again = x
        .x11()
        .grab("ctrl+shift+space")
        .expect("free again once dropped");
    drop(again);

    // The same from the binary, for scripts: "grabbed" once held, "pressed" for each press.
    let mut child = Command::new(HELPER)
        .args(["grab", "ctrl+shift+space"])
        .env("DISPLAY", &x.display)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let child = Killed(child);
    assert_eq!(lines.next().unwrap().unwrap(), "grabbed");
    assert!(
        x.x11().grab("ctrl+shift+space").is_err(),
        "the helper holds it"
    );
    x.x11().press_keys("ctrl+shift+space").await.unwrap();
    assert_eq!(lines.next().unwrap().unwrap(), "pressed");
    drop(child);
    // The server lets go when the helper's connection closes.
    let deadline = Instant::now() + Duration::from_secs(2);
    while let Err(e) = x.x11().grab("ctrl+shift+space") {
        assert!(
            Instant::now() < deadline,
            "still held after the helper was killed: {e}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn errors_say_what_is_wrong() {
    assert!(X11::on(":98765")
        .visibility("x")
        .unwrap_err()
        .0
        .contains("cannot connect to the X server"));
    let out = Command::new(HELPER).arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("usage: x11-helper"),
        "{out:?}"
    );
    let out = Command::new(HELPER)
        .args(["visible", "x"])
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("DISPLAY is not set"),
        "{out:?}"
    );
    let Some(()) = require(&["Xvfb"]) else { return };
    let x = Xvfb::start();
    let bad = x.x11().grab("ctrl+shift").unwrap_err();
    assert!(bad.0.contains("no key, only modifiers"), "{bad}");
    assert_eq!(x.helper(&["grab", "ctrl+nosuchkey"]).status.code(), Some(2));
}

/// A process whose command line holds `args` and that stays until killed: sh blocks in its built-in `read`
/// on a pipe nobody writes to. (No child process: a forked child keeps its parent's command line until it
/// execs, and would be found too.)
fn process_with_args(args: &[&std::ffi::OsStr]) -> Killed {
    Killed(
        Command::new("sh")
            .args(["-c", "read -r _", "sh"])
            .args(args)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

#[tokio::test]
async fn app_pid_finds_the_first_process_started_with_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    assert_eq!(app_pid(dir.path()), None);
    let e = wait_app_pid(dir.path(), Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(e.0.contains("no process started with --data-dir"), "{e}");

    let first = process_with_args(&["--data-dir".as_ref(), dir.path().as_os_str()]);
    tokio::time::sleep(Duration::from_millis(30)).await;
    let joined = format!("--data-dir={}", dir.path().display());
    let second = process_with_args(&[joined.as_ref(), "--quick".as_ref()]);
    let _elsewhere = process_with_args(&["--data-dir".as_ref(), other.path().as_os_str()]);

    let found = wait_app_pid(dir.path(), Duration::from_secs(2)).await;
    assert_eq!(found, Ok(first.0.id()), "the first instance");
    // The same directory written another way.
    assert_eq!(app_pid(&dir.path().join(".")), Some(first.0.id()));
    drop(first);
    let found = wait_app_pid(dir.path(), Duration::from_secs(2)).await;
    assert_eq!(found, Ok(second.0.id()));
    drop(second);
    assert_eq!(app_pid(dir.path()), None);
}

/// What the fake tray menu shows: (id, properties) per entry, under the root (id 0).
type Entries = Vec<(i32, Vec<(&'static str, Value<'static>)>)>;

/// A dbusmenu layout node: (id, properties, children as variants of nodes).
type LayoutNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// A stand-in for libayatana's export: `com.canonical.dbusmenu` with `GetLayout` and `Event`.
struct FakeMenu {
    entries: Arc<Mutex<Entries>>,
    events: Arc<Mutex<Vec<(i32, String)>>>,
}

fn layout_node(id: i32, props: &[(&'static str, Value<'static>)]) -> OwnedValue {
    let props: HashMap<String, OwnedValue> = props
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                OwnedValue::try_from(v.try_clone().unwrap()).unwrap(),
            )
        })
        .collect();
    let node = StructureBuilder::new()
        .add_field(id)
        .add_field(props)
        .add_field(Vec::<OwnedValue>::new())
        .build()
        .unwrap();
    OwnedValue::try_from(Value::Structure(node)).unwrap()
}

#[zbus::interface(name = "com.canonical.dbusmenu")]
impl FakeMenu {
    fn get_layout(&self, _parent: i32, _depth: i32, _properties: Vec<String>) -> (u32, LayoutNode) {
        let children = self
            .entries
            .lock()
            .unwrap()
            .iter()
            .map(|(id, props)| layout_node(*id, props))
            .collect();
        let root = HashMap::from([(
            "children-display".to_owned(),
            OwnedValue::from(zbus::zvariant::Str::from("submenu")),
        )]);
        (3, (0, root, children))
    }

    fn event(&self, id: i32, event_id: String, _data: OwnedValue, _timestamp: u32) {
        self.events.lock().unwrap().push((id, event_id));
    }
}

#[tokio::test]
async fn the_tray_menu_is_found_by_pid_read_and_clicked_over_dbus() {
    let Some(()) = require(&["dbus-daemon"]) else {
        return;
    };
    let (_daemon, address) = start_reporting(
        "dbus-daemon",
        &["--session", "--nofork", "--print-address=1"],
    );
    let entries: Arc<Mutex<Entries>> = Arc::new(Mutex::new(vec![
        (1, vec![("label", Value::from("New _quick prompt"))]),
        (2, vec![("label", Value::from("Open main window"))]),
        (3, vec![("type", Value::from("separator"))]),
        (
            4,
            vec![
                ("label", Value::from("Spend today: $0.00")),
                ("enabled", Value::Bool(false)),
            ],
        ),
        (
            5,
            vec![
                ("label", Value::from("Pause shortcut")),
                ("visible", Value::Bool(false)),
            ],
        ),
        (6, vec![("label", Value::from("_Quit"))]),
    ]));
    let events = Arc::new(Mutex::new(Vec::new()));
    let menu_path = "/org/ayatana/NotificationItem/tray_icon_main_app_1/Menu";
    let _service = zbus::connection::Builder::address(address.as_str())
        .unwrap()
        .serve_at(
            menu_path,
            FakeMenu {
                entries: entries.clone(),
                events: events.clone(),
            },
        )
        .unwrap()
        .build()
        .await
        .expect("serve the fake menu");
    // This process owns both connections; the test's own one exports nothing and is passed over.
    let client = zbus::connection::Builder::address(address.as_str())
        .unwrap()
        .build()
        .await
        .unwrap();

    let menu = TrayMenu::find_on(&client, std::process::id(), Duration::from_secs(5))
        .await
        .expect("find");
    assert_eq!(menu.path(), menu_path);
    assert!(menu.service().starts_with(':'), "{}", menu.service());

    let item = |id, label: &str, enabled, visible| TrayItem {
        id,
        label: label.into(),
        enabled,
        visible,
    };
    assert_eq!(
        menu.items().await.unwrap(),
        [
            item(1, "New quick prompt", true, true),
            item(2, "Open main window", true, true),
            item(4, "Spend today: $0.00", false, true),
            item(5, "Pause shortcut", true, false),
            item(6, "Quit", true, true),
        ]
    );
    assert_eq!(
        menu.labels().await.unwrap(),
        [
            "New quick prompt",
            "Open main window",
            "Spend today: $0.00",
            "Quit"
        ]
    );
    assert_eq!(menu.item("Quit").await.unwrap().map(|i| i.id), Some(6));

    menu.click("New quick prompt").await.unwrap();
    menu.click("Quit").await.unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        [(1, "clicked".to_owned()), (6, "clicked".to_owned())]
    );
    for (label, why) in [
        ("Spend today: $0.00", "cannot be clicked"),
        ("Pause shortcut", "cannot be clicked"),
        ("Quick prompt", "no tray menu entry"),
    ] {
        let e = menu.click(label).await.unwrap_err();
        assert!(e.0.contains(why), "{label}: {e}");
    }
    assert_eq!(
        events.lock().unwrap().len(),
        2,
        "refused clicks send nothing"
    );

    // Labels change while the app runs: wait_for polls until they are as wanted.
    let later = entries.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        later.lock().unwrap()[3].1[0].1 = Value::from("Spend today: $0.16");
    });
    let items = menu
        .wait_for(Duration::from_secs(5), |items| {
            items.iter().any(|i| i.label == "Spend today: $0.16")
        })
        .await
        .unwrap();
    assert_eq!(items[2], item(4, "Spend today: $0.16", false, true));
    let e = menu
        .wait_for(Duration::from_millis(300), |_| false)
        .await
        .unwrap_err();
    assert!(e.0.contains("not as expected"), "{e}");

    // Another process (PID 1 owns nothing on this private bus): a clear error once the time is up.
    let started = Instant::now();
    let e = TrayMenu::find_on(&client, 1, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        e.0.contains("no tray menu after") && e.0.contains("process 1"),
        "{e}"
    );
}

/// The helpers against the real app, without WebDriver: its tray menu over D-Bus, its main window's close
/// button and visibility, its shortcut grab, Quit from the tray. Needs an X server, a session bus and a
/// built app:
///
/// ```text
/// E2E_APP=target/release/openrouter-desktop xvfb-run -a dbus-run-session -- \
///   cargo test -p acceptance --test desktop_helpers -- --ignored --nocapture
/// ```
#[tokio::test]
#[ignore = "needs the built app, an X server and a session bus: see the doc comment"]
async fn against_the_real_app() {
    let Some(app) = std::env::var_os("E2E_APP") else {
        eprintln!("SKIPPED: set E2E_APP to the built app");
        return;
    };
    const WAIT: Duration = Duration::from_secs(20);
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let child = Killed(
        Command::new(app)
            .arg("--data-dir")
            .arg(data.path())
            .env("HOME", home.path())
            .env("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")
            .spawn()
            .expect("start the app"),
    );
    let pid = wait_app_pid(data.path(), WAIT).await.unwrap();
    assert_eq!(pid, child.0.id());
    let x11 = X11::from_env();
    let main = "OpenRouter Desktop";
    assert_eq!(
        x11.wait_visibility(main, Visibility::Visible, WAIT).await,
        Ok(Visibility::Visible)
    );

    let menu = TrayMenu::find(pid, WAIT).await.expect("the tray menu");
    let items = menu.items().await.unwrap();
    eprintln!(
        "tray menu at {} {}: {items:#?}",
        menu.service(),
        menu.path()
    );
    let labels = menu.labels().await.unwrap();
    for wanted in TRAY_ACTIONS {
        assert!(labels.iter().any(|l| l == wanted), "{wanted} in {labels:?}");
    }

    // The app holds its shortcut: another client cannot take it (registration runs in the background).
    let deadline = Instant::now() + WAIT;
    while let Ok(grab) = x11.grab("ctrl+shift+space") {
        drop(grab);
        assert!(
            Instant::now() < deadline,
            "the app never grabbed ctrl+shift+space"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The close button keeps it in the tray; the tray brings it back.
    assert!(x11.close(main).unwrap() >= 1);
    assert_eq!(
        x11.wait_visibility(main, Visibility::Hidden, WAIT).await,
        Ok(Visibility::Hidden)
    );
    assert_eq!(app_pid(data.path()), Some(pid), "still running");
    menu.click("Open main window").await.unwrap();
    assert_eq!(
        x11.wait_visibility(main, Visibility::Visible, WAIT).await,
        Ok(Visibility::Visible)
    );
    menu.click("New quick prompt").await.unwrap();
    let quick = x11
        .wait_visibility("Quick prompt", Visibility::Visible, WAIT)
        .await;
    assert_eq!(quick, Ok(Visibility::Visible));
    // Keys pressed with xdotool reach the app: Esc in the focused quick window hides it (pressed until it
    // does: a new window shows before its page listens), the shortcut shows it again.
    let deadline = Instant::now() + WAIT;
    loop {
        x11.press_keys("Escape").await.unwrap();
        let quick = x11
            .wait_visibility(
                "Quick prompt",
                Visibility::Hidden,
                Duration::from_millis(300),
            )
            .await;
        if quick == Ok(Visibility::Hidden) {
            break;
        }
        assert!(Instant::now() < deadline, "Esc never hid the quick window");
    }
    let pressed_at = x11.press_keys("ctrl+shift+space").await.unwrap();
    let quick = x11
        .wait_visibility("Quick prompt", Visibility::Visible, WAIT)
        .await;
    assert_eq!(quick, Ok(Visibility::Visible));
    eprintln!(
        "quick window shown {} ms after xdotool started",
        epoch_ms() - pressed_at
    );

    menu.click("Quit").await.unwrap();
    let deadline = Instant::now() + WAIT;
    while app_pid(data.path()).is_some() {
        assert!(Instant::now() < deadline, "the app did not quit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(child);
}
