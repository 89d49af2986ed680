//! `x11-helper`: what a window manager or another program would do, for the real-window tests and scripts
//! under Xvfb (which runs no window manager). The X server is `$DISPLAY`. The same code is
//! `acceptance::desktop::X11` for tests written in Rust.
//!
//! ```text
//! x11-helper close <title>        send WM_DELETE_WINDOW (a title bar's close button) to every window titled
//!                                 exactly <title>; exit 1 if there is none
//! x11-helper visible <title>      print "visible", "hidden" or "absent"
//! x11-helper grab <accelerator>   hold a key combination such as ctrl+shift+space (with its NumLock and
//!                                 CapsLock variants) as another program would: print "grabbed", then
//!                                 "pressed" for each press, until killed; exit 1 if another client holds it
//! x11-helper list                 every titled window: id, map state, depth, title
//! ```
//!
//! Exit status 2: bad usage or no X server.

#[cfg(target_os = "linux")]
fn main() {
    use std::io::Write;

    use acceptance::desktop::X11;

    const USAGE: &str =
        "usage: x11-helper close <title> | visible <title> | grab <accelerator> | list";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fail = |code: i32, message: &dyn std::fmt::Display| -> ! {
        eprintln!("x11-helper: {message}");
        std::process::exit(code)
    };
    let x11 = X11::from_env();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["close", title] => match x11.close(title) {
            Ok(0) => fail(1, &format!("no window titled {title:?}")),
            Ok(n) => println!("sent WM_DELETE_WINDOW to {n} window(s)"),
            Err(e) => fail(2, &e),
        },
        ["visible", title] => match x11.visibility(title) {
            Ok(v) => println!("{v}"),
            Err(e) => fail(2, &e),
        },
        ["grab", accelerator] => {
            let grab = match x11.grab(accelerator) {
                Ok(grab) => grab,
                Err(e) if e.0.contains("already grabbed") => fail(1, &e),
                Err(e) => fail(2, &e),
            };
            let mut out = std::io::stdout();
            // Write errors are ignored: whoever started us may have stopped reading, and the grab must
            // last until we are killed all the same.
            let _ = writeln!(out, "grabbed").and_then(|()| out.flush());
            // Ends when the X server goes away (the end of the xvfb-run session).
            while grab.block_until_pressed().is_ok() {
                let _ = writeln!(out, "pressed").and_then(|()| out.flush());
            }
        }
        ["list"] => match x11.windows() {
            Ok(windows) => {
                for w in windows {
                    let state = if w.viewable { "visible" } else { "hidden" };
                    println!("0x{:08x} {state:7} depth {} {:?}", w.id, w.depth, w.title);
                }
            }
            Err(e) => fail(2, &e),
        },
        _ => fail(2, &USAGE),
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("x11-helper: Linux (X11) only");
    std::process::exit(2);
}
