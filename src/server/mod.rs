//! `tripline server`: a language server on standard input and output.
//! The editor's unsaved text is checked as `tripline check FILE` checks
//! the file, in its repository (the nginx.conf that includes it, the zone
//! a fragment belongs to); findings become diagnostics and the fixes rules
//! state become quick fixes, each checked again before it is offered.
//!
//! One thread answers, in order: messages that arrived together are read
//! first, so a burst of keystrokes is checked once.

mod convert;
mod session;

use crate::cli::Cli;
use crate::command_error::CommandError as AppError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as ask, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability,
    LogMessageParams, MessageType, SaveOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use session::Session;

/// Serves one editor until it says `exit` or closes standard input.
pub fn run(cli: &Cli) -> Result<(), AppError> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = serde_json::to_value(capabilities()).map_err(protocol)?;
    connection.initialize(capabilities).map_err(protocol)?;
    let served = serve(&connection, &mut Session::new(cli));
    // The writer thread ends when the last sender is gone.
    drop(connection);
    io_threads.join()?;
    served
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection, session: &mut Session<'_>) -> Result<(), AppError> {
    let mut shutting_down = false;
    while let Ok(first) = connection.receiver.recv() {
        let burst: Vec<Message> = std::iter::once(first)
            .chain(connection.receiver.try_iter())
            .collect();
        for message in burst {
            match message {
                Message::Request(request) => {
                    // Diagnostics of what changed before the question first.
                    publish(connection, session)?;
                    if request.method == ask::Shutdown::METHOD {
                        shutting_down = true;
                        send(connection, Response::new_ok(request.id, ()))?;
                        continue;
                    }
                    let response = answer(session, request, shutting_down);
                    send(connection, response)?;
                }
                Message::Notification(n) if n.method == notify::Exit::METHOD => {
                    return match shutting_down {
                        true => Ok(()),
                        false => Err(AppError::Server("exit before shutdown".into())),
                    };
                }
                Message::Notification(notification) => note(session, notification),
                Message::Response(_) => {}
            }
        }
        publish(connection, session)?;
    }
    Ok(())
}

fn publish(connection: &Connection, session: &mut Session<'_>) -> Result<(), AppError> {
    for params in session.publish_stale() {
        let method = notify::PublishDiagnostics::METHOD.to_string();
        send(connection, Notification::new(method, params))?;
    }
    for note in session.take_log() {
        let params = LogMessageParams {
            typ: MessageType::INFO,
            message: format!("tripline: {}", crate::report::escape::visible(&note)),
        };
        let method = notify::LogMessage::METHOD.to_string();
        send(connection, Notification::new(method, params))?;
    }
    Ok(())
}

fn send(connection: &Connection, message: impl Into<Message>) -> Result<(), AppError> {
    (connection.sender.send(message.into()))
        .map_err(|_| AppError::Server("the editor's connection is closed".into()))
}

/// What a notification changes; malformed ones are dropped, as the
/// protocol has no way to answer them.
fn note(session: &mut Session<'_>, notification: Notification) {
    match notification.method.as_str() {
        notify::DidOpenTextDocument::METHOD => {
            if let Ok(p) = params::<notify::DidOpenTextDocument>(notification) {
                let doc = p.text_document;
                session.open(doc.uri, doc.version, doc.text);
            }
        }
        notify::DidChangeTextDocument::METHOD => {
            if let Ok(p) = params::<notify::DidChangeTextDocument>(notification) {
                // Full synchronisation: the last change is the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    session.change(&p.text_document.uri, p.text_document.version, change.text);
                }
            }
        }
        notify::DidSaveTextDocument::METHOD => {
            if let Ok(p) = params::<notify::DidSaveTextDocument>(notification) {
                session.saved(&p.text_document.uri);
            }
        }
        notify::DidCloseTextDocument::METHOD => {
            if let Ok(p) = params::<notify::DidCloseTextDocument>(notification) {
                session.close(&p.text_document.uri);
            }
        }
        notify::DidChangeWatchedFiles::METHOD | notify::DidChangeConfiguration::METHOD => {
            session.recheck_all();
        }
        _ => {}
    }
}

fn params<N: notify::Notification>(notification: Notification) -> Result<N::Params, ()> {
    notification.extract(N::METHOD).map_err(|_| ())
}

/// The answer to a request: code actions, hover, else "not supported".
fn answer(session: &mut Session<'_>, request: Request, shutting_down: bool) -> Response {
    let id = request.id.clone();
    if shutting_down {
        return error(id, ErrorCode::InvalidRequest, "the server is shutting down");
    }
    match request.method.as_str() {
        ask::CodeActionRequest::METHOD => match request.extract(ask::CodeActionRequest::METHOD) {
            Ok((id, p)) => match session.code_actions(&p) {
                Ok(actions) => Response::new_ok(id, actions),
                Err(e) => error(id, ErrorCode::RequestFailed, &e.to_string()),
            },
            Err(e) => error(id, ErrorCode::InvalidParams, &format!("{e:?}")),
        },
        ask::HoverRequest::METHOD => match request.extract(ask::HoverRequest::METHOD) {
            Ok((id, p)) => Response::new_ok(id, session.hover(&p)),
            Err(e) => error(id, ErrorCode::InvalidParams, &format!("{e:?}")),
        },
        _ => error(id, ErrorCode::MethodNotFound, "not supported by tripline"),
    }
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

fn protocol(e: impl std::fmt::Display) -> AppError {
    AppError::Server(e.to_string())
}
