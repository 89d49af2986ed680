//! The Tauri shell: windows, commands and start-up. No logic of its own.

#[cfg(test)]
mod capability_tests;
mod commands;
mod desktop_commands;
mod desktop_shell;
mod history_commands;
mod history_start;
mod model_commands;
mod money_commands;
mod shortcut;
mod state;
mod tray;
mod windows;

use std::sync::Arc;

use tauri::{Emitter, Manager};
use tauri_plugin_store::StoreExt;

use crate::chat::Chat;
use crate::desktop::{instance_id, LaunchFlags};
use crate::openrouter::{Client, ClientConfig};
use crate::secrets::{KeyVault, KeyringStore};
use state::{AppState, MoneyState, StoreBackend};

const DATABASE_FILE: &str = "history.sqlite3";
const SETTINGS_FILE: &str = "settings.json";

pub fn run() {
    let context = tauri::generate_context!();
    // Absolute, so two spellings of one folder are one app, and the login item finds it from anywhere.
    let data_dir = arg_value("--data-dir").map(|dir| {
        let dir = std::path::PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        dir.canonicalize().unwrap_or(dir)
    });
    let identity = instance_id(&context.config().identifier, data_dir.as_deref());
    let result = tauri::Builder::default()
        // First: a second launch hands over its command line here and exits before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(identity)
                .callback(|app, args, _cwd| desktop_shell::second_launch(app, &args))
                .build(),
        )
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .plugin(login_item(data_dir.as_deref()))
        .setup(|app| {
            setup(app)?;
            start_desktop(app.handle())?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::save_api_key,
            commands::forget_api_key,
            commands::list_models,
            commands::list_conversations,
            history_commands::get_conversation,
            commands::delete_conversation,
            commands::send_message,
            commands::retry_reply,
            commands::stop_reply,
            commands::get_settings,
            commands::update_settings,
            commands::open_external,
            history_commands::search_messages,
            history_commands::rename_conversation,
            history_commands::set_starred,
            history_commands::set_archived,
            history_commands::list_archived,
            history_commands::delete_all_history,
            history_commands::export_history,
            history_commands::import_history,
            history_commands::list_conversations_page,
            history_commands::older_messages,
            history_commands::newer_messages,
            history_start::start_fresh_history,
            history_start::retry_open_history,
            model_commands::get_catalogue,
            model_commands::refresh_catalogue,
            model_commands::model_endpoints,
            model_commands::list_providers,
            model_commands::model_picks,
            model_commands::set_favorite,
            model_commands::get_routing,
            model_commands::set_routing,
            model_commands::get_model_browser_state,
            model_commands::set_model_browser_state,
            money_commands::conversation_spend,
            money_commands::estimate_prompt,
            money_commands::spend_windows,
            money_commands::spend_report,
            money_commands::key_status,
            money_commands::save_management_key,
            money_commands::forget_management_key,
            money_commands::account_status,
            money_commands::budget_status,
            money_commands::export_ledger_csv,
            desktop_commands::quick_status,
            desktop_commands::quick_send,
            desktop_commands::quick_retry,
            desktop_commands::quick_stop,
            desktop_commands::read_attachment,
            desktop_commands::copy_text,
            desktop_commands::quick_hide,
            desktop_commands::open_in_main,
            desktop_commands::take_pending_open,
            desktop_commands::keep_place,
            desktop_commands::take_place,
            desktop_commands::desktop_action,
            desktop_commands::shortcut_status,
            desktop_commands::set_shortcut,
        ])
        .build(context);
    match result {
        Ok(app) => app.run(|handle, event| {
            desktop_shell::on_run_event(handle, &event);
            if let tauri::RunEvent::Exit = event {
                // Replies still streaming are saved as stopped rather than cut mid-write.
                handle.state::<AppState>().chat.stop_all();
            }
        }),
        Err(e) => {
            if running_app_did_not_answer(&e) {
                start_again_once();
            }
            eprintln!("OpenRouter Desktop could not start: {e}");
            std::process::exit(1);
        }
    }
}

/// Whether starting failed because the running app (same data directory) took no hand-over: the
/// single-instance plugin found its name taken, but the call to it failed, as when that app is quitting.
fn running_app_did_not_answer(error: &tauri::Error) -> bool {
    matches!(error, tauri::Error::PluginInitialization(plugin, _) if plugin == "single-instance")
}

/// A launch while the running app is quitting finds its single-instance name still taken, but nobody
/// answers the hand-over, and the plugin gives up. A moment later the name is free (or a still-running app
/// answers): start again, once, as the same process.
fn start_again_once() {
    const AGAIN: &str = "OPENROUTER_DESKTOP_STARTED_AGAIN";
    if std::env::var_os(AGAIN).is_some() {
        return;
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    command.args(std::env::args_os().skip(1)).env(AGAIN, "1");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Returns only when it failed.
        let e = command.exec();
        eprintln!("OpenRouter Desktop could not start again: {e}");
    }
    #[cfg(not(unix))]
    {
        if let Ok(status) = command.status() {
            std::process::exit(status.code().unwrap_or(1));
        }
    }
}

/// "Start at login": the login item starts the app in the tray (`--hidden`), with the same data directory
/// when one was given. The entry's command line is not quoted, so a data directory with spaces cannot be
/// passed; `update_settings` then refuses start at login with a sentence rather than write a broken entry.
fn login_item(data_dir: Option<&std::path::Path>) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let mut builder = tauri_plugin_autostart::Builder::new()
        .app_name("openrouter-desktop")
        .arg("--hidden");
    if let Some(dir) = data_dir.and_then(|d| d.to_str()) {
        if !dir.contains(char::is_whitespace) {
            builder = builder.arg("--data-dir").arg(dir);
        }
    }
    builder.build()
}

/// The tray, the shortcut and the first window: the main window, unless the app was started in the tray
/// (`--hidden`) and there is a tray to come back from.
fn start_desktop(app: &tauri::AppHandle) -> Result<(), Box<dyn std::error::Error>> {
    // args_os: an argument that is not UTF-8 is skipped, not a panic.
    let args: Vec<String> = std::env::args_os()
        .filter_map(|a| a.into_string().ok())
        .collect();
    let flags = LaunchFlags::parse(&args);
    let tray = match tray::build(app) {
        Ok(tray) => tray,
        Err(e) => {
            log::warn!("no tray icon: {e}");
            None
        }
    };
    let has_tray = tray.is_some();
    app.manage(desktop_shell::DesktopState::new(tray));
    if !flags.hidden || !has_tray {
        windows::create_main(app)?;
    }
    desktop_shell::start_shortcut(app);
    tray::keep_spend_current(app, flags.hidden);
    if flags.quick {
        desktop_shell::perform(app, crate::desktop::TrayAction::NewQuickPrompt);
    }
    Ok(())
}

/// Looks up, in the background for the life of the app, the real cost of replies that stopped before their
/// usage arrived, and tells the page (`usage-corrected`) as each one lands in the ledger.
fn spawn_cost_checks(
    handle: tauri::AppHandle,
    chat: Arc<Chat>,
    client: Client,
    vault: Arc<KeyVault>,
) {
    let wake = chat.reply_ended();
    tauri::async_runtime::spawn(crate::billing::checks::run(
        chat,
        client,
        vault,
        wake,
        move |done| {
            let payload = serde_json::json!({
                "message_id": done.message_id,
                "conversation_id": done.conversation_id,
                "usage": done.usage,
            });
            if let Err(e) = handle.emit("usage-corrected", payload) {
                log::warn!("could not tell the page about a corrected cost: {e}");
            }
        },
    ));
}

/// The value after `name` on the command line. Three options exist:
/// `--data-dir PATH` keeps history and settings in PATH instead of the OS's app data directory (a
/// portable install, or a throwaway directory for tests and demos); `--base-url URL` points the app at
/// another OpenRouter-compatible server, like `OPENROUTER_BASE_URL`, which it overrides;
/// `--export-dir DIR` saves exports in DIR without showing a save dialog.
fn arg_value(name: &str) -> Option<std::ffi::OsString> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == name {
            return args.next();
        }
    }
    None
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = match arg_value("--data-dir") {
        Some(dir) => dir.into(),
        None => app.path().app_data_dir()?,
    };
    std::fs::create_dir_all(&data_dir)?;
    let mut config = ClientConfig::from_env();
    if let Some(url) = arg_value("--base-url").and_then(|u| u.into_string().ok()) {
        config.base_url = url.trim_end_matches('/').to_owned();
    }
    let client = Client::new(config)?;
    let history_path = data_dir.join(DATABASE_FILE);
    let (history, history_problem) = history_start::open_or_explain(&history_path)?;
    let vault = Arc::new(KeyVault::new(Arc::new(KeyringStore::api_key())));
    let chat = Chat::new(client.clone(), history, vault.clone());
    let settings = StoreBackend(app.store(data_dir.join(SETTINGS_FILE))?);
    let management = Arc::new(KeyVault::new(Arc::new(KeyringStore::management_key())));
    spawn_cost_checks(
        app.handle().clone(),
        chat.clone(),
        client.clone(),
        vault.clone(),
    );
    let money = MoneyState::new(management);
    let mut state = AppState::new(client, chat, vault, money, settings, history_path);
    state.export_dir = arg_value("--export-dir").map(Into::into);
    if let Ok(mut problem) = state.history_problem.lock() {
        *problem = history_problem;
    }
    app.manage(state);
    Ok(())
}

#[cfg(test)]
mod start_tests {
    use super::running_app_did_not_answer;

    #[test]
    fn only_a_failed_hand_over_starts_again() {
        let hand_over = tauri::Error::PluginInitialization(
            "single-instance".into(),
            "failed to forward arguments to the running instance: NoReply".into(),
        );
        assert!(running_app_did_not_answer(&hand_over));
        let other = tauri::Error::PluginInitialization("store".into(), "disk full".into());
        assert!(!running_app_did_not_answer(&other));
        assert!(!running_app_did_not_answer(
            &tauri::Error::FailedToReceiveMessage
        ));
    }
}
