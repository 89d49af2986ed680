//! What each window may call, checked against the capability files themselves: the quick window gets
//! exactly its allowlist, and no page gets a plugin's own commands (shortcuts, login items, clipboard,
//! windows), which the core calls for them through typed commands.

use std::collections::BTreeSet;

fn capability(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("capabilities")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn permissions(capability: &serde_json::Value) -> BTreeSet<String> {
    capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_owned())
        .collect()
}

#[test]
fn the_quick_window_may_call_exactly_its_own_commands() {
    let quick = capability("quick-window");
    assert_eq!(quick["windows"], serde_json::json!(["quick"]));
    let expected: BTreeSet<String> = [
        "allow-quick-status",
        "allow-quick-send",
        "allow-quick-retry",
        "allow-quick-stop",
        "allow-read-attachment",
        "allow-copy-text",
        "allow-quick-hide",
        "allow-open-in-main",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(permissions(&quick), expected);
}

#[test]
fn every_capability_is_listed_local_and_free_of_plugin_commands() {
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
    let listed = config["app"]["security"]["capabilities"]
        .as_array()
        .expect("capabilities are listed explicitly");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("capabilities folder")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut named: Vec<String> = listed
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    named.sort();
    assert_eq!(
        files, named,
        "a capability file not listed is silently ignored"
    );
    for name in files {
        let cap = capability(&name);
        assert!(cap.get("remote").is_none(), "{name}: no remote pages");
        for permission in permissions(&cap) {
            for forbidden in [
                "global-shortcut:",
                "autostart:",
                "clipboard-manager:",
                "core:window:",
                "core:webview:",
                "shell:",
                "fs:",
                "http:",
            ] {
                assert!(
                    !permission.starts_with(forbidden),
                    "{name} must not grant {permission}"
                );
            }
        }
    }
    let main = permissions(&capability("main-window"));
    assert!(
        !main.contains("allow-quick-send"),
        "the main window sends with send_message"
    );
}
