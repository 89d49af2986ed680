//! The smallest Tauri 2 window (a blank page, no plugins, no state): the baseline that
//! `make bench` measures next to the app, built with the same Tauri and the same profile.

fn main() {
    let result = tauri::Builder::default()
        .setup(|app| {
            let blank = "about:blank".parse().map_err(|e| format!("{e}"))?;
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::External(blank))
                .title("minimal")
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("minimal window failed: {e}");
        std::process::exit(1);
    }
}
