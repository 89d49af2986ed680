fn main() {
    // A new file in the built UI must trigger a rebuild, since it is embedded in the binary.
    println!("cargo:rerun-if-changed=../ui/dist");
    // App commands are declared so each window's capability grants only the commands it uses.
    let commands = &[
        "app_status",
        "save_api_key",
        "forget_api_key",
        "list_models",
        "list_conversations",
        "get_conversation",
        "delete_conversation",
        "send_message",
        "retry_reply",
        "stop_reply",
        "get_settings",
        "update_settings",
        "open_external",
        "search_messages",
        "rename_conversation",
        "set_starred",
        "set_archived",
        "list_archived",
        "delete_all_history",
        "export_history",
        "import_history",
        "list_conversations_page",
        "older_messages",
        "newer_messages",
        "start_fresh_history",
        "retry_open_history",
        "get_catalogue",
        "refresh_catalogue",
        "model_endpoints",
        "list_providers",
        "model_picks",
        "set_favorite",
        "get_routing",
        "set_routing",
        "get_model_browser_state",
        "set_model_browser_state",
        "conversation_spend",
        "estimate_prompt",
        "spend_windows",
        "spend_report",
        "key_status",
        "save_management_key",
        "forget_management_key",
        "account_status",
        "budget_status",
        "export_ledger_csv",
    ];
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
