//! Commands over the history: opening and paging conversations, search, rename, star, archive, delete all,
//! export and import (IPC.md).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::state::AppState;
use crate::history::{
    ConversationCursor, ConversationPage, ConversationSummary, HistoryError, ImportReport, Message,
    MessagePage, Origin, SearchHit, SearchOrder, SearchQuery,
};
use crate::openrouter::ErrorKind;
use crate::user_error::UserError;

type CmdResult<T> = Result<T, UserError>;

const MAX_TITLE_CHARS: usize = 200;
/// How many messages a conversation opens with: a few screens' worth; the rest comes as the page scrolls.
const OPEN_PAGE_MESSAGES: usize = 100;
/// A search result opens with this many messages on each side of it.
const AROUND_MESSAGES: usize = 50;
/// The most one page of messages or conversations may ask for.
const MAX_PAGE: usize = 500;

#[derive(Debug, Serialize)]
pub struct ConversationDetail {
    conversation: ConversationSummary,
    messages: Vec<Message>,
    has_older: bool,
    has_newer: bool,
}

/// Opens a conversation: its summary and its newest messages, or, with `around`, the messages around that
/// one (a search result).
#[tauri::command]
pub async fn get_conversation(
    id: i64,
    around: Option<i64>,
    state: State<'_, AppState>,
) -> CmdResult<ConversationDetail> {
    // Inner Err: a plain sentence for a conversation or message that is gone (deleted, or a retried reply).
    let opened = state
        .chat
        .db(move |h| {
            let Some(conversation) = h.get_conversation(id)? else {
                return Ok(Err("That conversation no longer exists."));
            };
            let page = match around {
                Some(message_id) => {
                    match h.messages_around(id, message_id, AROUND_MESSAGES, AROUND_MESSAGES) {
                        Err(HistoryError::NotFound(_)) => {
                            return Ok(Err("That message is no longer in this conversation."))
                        }
                        other => other?,
                    }
                }
                None => h.latest_page(id, OPEN_PAGE_MESSAGES)?,
            };
            Ok(Ok((conversation, page)))
        })
        .await?;
    let (conversation, page) = opened.map_err(UserError::invalid_input)?;
    Ok(ConversationDetail {
        conversation,
        messages: page.messages,
        has_older: page.has_older,
        has_newer: page.has_newer,
    })
}

/// The messages before `before_id`, oldest first (scrolling up a long conversation).
#[tauri::command]
pub async fn older_messages(
    conversation_id: i64,
    before_id: i64,
    limit: usize,
    state: State<'_, AppState>,
) -> CmdResult<MessagePage> {
    let limit = limit.clamp(1, MAX_PAGE);
    state
        .chat
        .db(move |h| h.older_page(conversation_id, before_id, limit))
        .await
}

/// The messages after `after_id`, oldest first (scrolling down from a search result).
#[tauri::command]
pub async fn newer_messages(
    conversation_id: i64,
    after_id: i64,
    limit: usize,
    state: State<'_, AppState>,
) -> CmdResult<MessagePage> {
    let limit = limit.clamp(1, MAX_PAGE);
    state
        .chat
        .db(move |h| h.newer_page(conversation_id, after_id, limit))
        .await
}

/// One page of the conversation list: from the top, or after `before` (the last one already listed); with
/// `origin`, only the conversations started there (the sidebar's "Quick prompts").
#[tauri::command]
pub async fn list_conversations_page(
    before: Option<ConversationCursor>,
    limit: usize,
    origin: Option<Origin>,
    state: State<'_, AppState>,
) -> CmdResult<ConversationPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    state
        .chat
        .db(move |h| h.conversation_page(before, limit, origin))
        .await
}

#[derive(Debug, Deserialize)]
pub struct SearchInput {
    text: String,
    model: Option<String>,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    #[serde(default)]
    starred_only: bool,
    order: SearchOrder,
    limit: usize,
}

#[tauri::command]
pub async fn search_messages(
    query: SearchInput,
    state: State<'_, AppState>,
) -> CmdResult<Vec<SearchHit>> {
    let query = SearchQuery {
        text: query.text.chars().take(500).collect(),
        model: query.model,
        from_ms: query.from_ms,
        to_ms: query.to_ms,
        starred_only: query.starred_only,
        order: query.order,
        limit: query.limit.min(200),
    };
    state.chat.db(move |h| h.search_messages(&query)).await
}

#[tauri::command]
pub async fn rename_conversation(
    id: i64,
    title: String,
    state: State<'_, AppState>,
) -> CmdResult<()> {
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(UserError::invalid_input(
            "A title needs 1 to 200 characters.",
        ));
    }
    state
        .chat
        .db(move |h| h.rename_conversation(id, &title))
        .await
}

#[tauri::command]
pub async fn set_starred(id: i64, starred: bool, state: State<'_, AppState>) -> CmdResult<()> {
    state.chat.db(move |h| h.set_starred(id, starred)).await
}

#[tauri::command]
pub async fn set_archived(id: i64, archived: bool, state: State<'_, AppState>) -> CmdResult<()> {
    state.chat.db(move |h| h.set_archived(id, archived)).await
}

#[tauri::command]
pub async fn list_archived(state: State<'_, AppState>) -> CmdResult<Vec<ConversationSummary>> {
    state.chat.db(|h| h.list_archived()).await
}

#[tauri::command]
pub async fn delete_all_history(state: State<'_, AppState>) -> CmdResult<()> {
    state.chat.stop_all();
    state.chat.db(|h| h.delete_all_history()).await
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Markdown,
    Json,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ExportResult {
    path: String,
    conversations: usize,
}

#[tauri::command]
pub async fn export_history(
    conversation_ids: Option<Vec<i64>>,
    format: ExportFormat,
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<ExportResult>> {
    let ids = match conversation_ids {
        Some(ids) => ids,
        None => {
            let all = |h: &crate::history::HistoryStore| {
                let archived = h.list_archived()?;
                Ok(h.list_conversations()?
                    .into_iter()
                    .chain(archived)
                    .map(|c| c.id)
                    .collect())
            };
            state.chat.db(all).await?
        }
    };
    let file_name = format!("openrouter-history.{}", format.extension());
    let label = match format {
        ExportFormat::Markdown => "Markdown",
        ExportFormat::Json => "JSON",
    };
    let Some(path) = save_path(&app, &state, &file_name, (label, format.extension())).await else {
        return Ok(None);
    };
    let count = ids.len();
    let text = state
        .chat
        .db(move |h| match format {
            ExportFormat::Json => h.export_json(Some(&ids)),
            ExportFormat::Markdown => ids
                .iter()
                .map(|id| h.export_markdown(*id))
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| parts.join("\n\n---\n\n")),
        })
        .await?;
    write_file(&path, text).await?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        conversations: count,
    }))
}

#[tauri::command]
pub async fn import_history(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<ImportReport>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter("OpenRouter Desktop export", &["json"])
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let Some(picked) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|_| UserError::invalid_input("That file cannot be opened from here."))?;
    let text = tokio::fs::read_to_string(&path)
        .await
        .map_err(|e| UserError::invalid_input(format!("The file could not be read ({e}).")))?;
    state.chat.db(move |h| h.import_json(&text)).await.map(Some)
}

/// Where an export goes: the directory given with `--export-dir` (no question asked: scripted
/// exports and tests), or wherever the user picks in the system's save dialog.
/// Where to save an export: `--export-dir` when given (tests), else the native save dialog. `None`: the
/// user cancelled.
pub(super) async fn save_path(
    app: &AppHandle,
    state: &AppState,
    file_name: &str,
    (label, extension): (&str, &str),
) -> Option<PathBuf> {
    if let Some(dir) = &state.export_dir {
        return Some(dir.join(file_name));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(label, &[extension])
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    rx.await.ok().flatten().and_then(|p| p.into_path().ok())
}

async fn write_file(path: &std::path::Path, text: String) -> CmdResult<()> {
    tokio::fs::write(path, text).await.map_err(|e| {
        UserError::new(
            ErrorKind::Storage,
            format!(
                "The export could not be written to {} ({e}).",
                path.display()
            ),
        )
    })
}
