//! The message loop: document sync, diagnostics, request dispatch.

use super::analysis::{self, Analysis};
use super::docs::{self, Docs};
use super::projects::Projects;
use super::{completion, definition, formatting, hover, load_error, stdlib_src, symbols, text};
use crate::diag::{Diagnostic, Severity};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CompletionOptions, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A position request's answer source: an analysis, the requested file
/// in it, the cursor's offset in the analysed text; the document's current
/// text and how it differs from the analysed one (when older).
pub struct Here {
    pub a: Rc<Analysis>,
    pub file: crate::diag::FileId,
    pub offset: usize,
    pub text: String,
    pub diff: Option<text::Diff>,
}

impl Here {
    /// The current range of a span of `file` in the analysed text (none
    /// when it was edited since).
    pub fn range(
        &self,
        file: crate::diag::FileId,
        span: crate::syntax::ast::Span,
    ) -> Option<lsp_types::Range> {
        let (s, e) = (span.start as usize, span.end as usize);
        if file != self.file {
            return Some(text::range(self.a.text(file), s, e));
        }
        let (s, e) = match self.diff {
            Some(d) => d.to_new(s, e)?,
            None => (s, e),
        };
        Some(text::range(&self.text, s, e))
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Analyses by scope (project root, or a lone file).
#[derive(Default)]
struct Server {
    docs: Docs,
    projects: Projects,
    /// The latest analysis of each scope.
    latest: HashMap<PathBuf, Rc<Analysis>>,
    /// The latest analysis of each scope in which every file parsed.
    good: HashMap<PathBuf, Rc<Analysis>>,
    /// Files given diagnostics, per scope (to clear them later).
    published: HashMap<PathBuf, HashSet<PathBuf>>,
}

pub fn serve(conn: &Connection) -> i32 {
    let caps = serde_json::to_value(capabilities()).unwrap_or(Value::Null);
    let info = serde_json::json!({
        "capabilities": caps,
        "serverInfo": {"name": "snowc", "version": env!("CARGO_PKG_VERSION")},
    });
    let Ok(init) = initialize(conn, info) else {
        return 1;
    };
    watch_files(conn, &init);
    let mut server = Server::default();
    let mut shut_down = false;
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                let reply = if shut_down {
                    error(
                        &req,
                        ErrorCode::InvalidRequest,
                        "the server is shutting down",
                    )
                } else if req.method == "shutdown" {
                    shut_down = true;
                    Response::new_ok(req.id.clone(), ())
                } else {
                    guarded(&req, || server.request(&req))
                };
                if conn.sender.send(reply.into()).is_err() {
                    break;
                }
            }
            Message::Notification(n) if n.method == "exit" => return i32::from(!shut_down),
            Message::Notification(n) => {
                let _ = panic::catch_unwind(AssertUnwindSafe(|| server.notification(conn, &n)));
            }
            Message::Response(_) => {}
        }
    }
    i32::from(!shut_down)
}

/// Waits for `initialize`, answering other requests with an error (the
/// `initialized` notification that follows is ignored like any other);
/// the client's parameters.
fn initialize(conn: &Connection, info: Value) -> Result<Value, ()> {
    loop {
        match conn.receiver.recv().map_err(|_| ())? {
            Message::Request(req) if req.method == "initialize" => {
                let reply = Response::new_ok(req.id, info);
                conn.sender.send(reply.into()).map_err(|_| ())?;
                return Ok(req.params);
            }
            Message::Request(req) => {
                let reply = error(&req, ErrorCode::ServerNotInitialized, "not initialized");
                conn.sender.send(reply.into()).map_err(|_| ())?;
            }
            Message::Notification(n) if n.method == "exit" => return Err(()),
            _ => {}
        }
    }
}

/// Asks a client that can watch files for us to tell about changes to
/// Snow files, manifests and lock files made outside the editor (the
/// projects' files are kept between changes).
fn watch_files(conn: &Connection, init: &Value) {
    let can = &init["capabilities"]["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"];
    if can != &Value::Bool(true) {
        return;
    }
    let watchers: Vec<Value> = ["**/*.snow", "**/snow.toml", "**/snow.lock"]
        .iter()
        .map(|g| serde_json::json!({ "globPattern": g }))
        .collect();
    let params = serde_json::json!({"registrations": [{
        "id": "snow-files",
        "method": "workspace/didChangeWatchedFiles",
        "registerOptions": { "watchers": watchers },
    }]});
    let id = lsp_server::RequestId::from("snow-watch".to_string());
    let req = Request::new(id, "client/registerCapability".to_string(), params);
    let _ = conn.sender.send(req.into());
}

fn json(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn error(req: &Request, code: ErrorCode, message: &str) -> Response {
    Response::new_err(req.id.clone(), code as i32, message.to_string())
}

/// Runs a handler; a panic becomes an internal error reply.
fn guarded(req: &Request, f: impl FnOnce() -> Result<Value, (ErrorCode, String)>) -> Response {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Response::new_ok(req.id.clone(), v),
        Ok(Err((code, m))) => error(req, code, &m),
        Err(_) => error(req, ErrorCode::InternalError, "internal error in snowc lsp"),
    }
}

fn params<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v.clone()).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

impl Server {
    fn request(&mut self, req: &Request) -> Result<Value, (ErrorCode, String)> {
        const POSITIONAL: [&str; 3] = [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ];
        const WHOLE: [&str; 2] = ["textDocument/documentSymbol", "textDocument/formatting"];
        let m = req.method.as_str();
        if !POSITIONAL.contains(&m) && !WHOLE.contains(&m) {
            return Err((
                ErrorCode::MethodNotFound,
                format!("unsupported method `{m}`"),
            ));
        }
        let uri: Uri = params(&req.params["textDocument"]["uri"])?;
        let path = docs::path_of(&uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!(
                    "`{}` is not a local file: only `file:` URIs of this machine are supported",
                    uri.as_str()
                ),
            )
        })?;
        let position = || params::<lsp_types::Position>(&req.params["position"]);
        match m {
            "textDocument/hover" => {
                let here = self.located(&path, position()?);
                Ok(json(here.and_then(|h| hover::hover(&h))))
            }
            "textDocument/definition" => {
                let here = self.located(&path, position()?);
                Ok(json(here.and_then(|h| definition::definition(&h))))
            }
            "textDocument/completion" => {
                let position = position()?;
                let text = self.docs.text(&path).unwrap_or_default();
                let a = self.analysis(&path);
                let good = self.good.get(&a.scope).cloned();
                let off = text::offset(&text, position);
                Ok(json(completion::complete(
                    &text,
                    off,
                    &a,
                    good.as_deref(),
                    &path,
                )))
            }
            "textDocument/documentSymbol" => {
                let a = self.analysis(&path);
                let found = a.file_id(&path).map(|f| (a, f));
                Ok(json(found.map(|(a, f)| symbols::symbols(&a, f))))
            }
            _ => {
                let p: lsp_types::DocumentFormattingParams = params(&req.params)?;
                let text = self.docs.text(&path).unwrap_or_default();
                formatting::format(&text, &p.options).map(json)
            }
        }
    }

    fn notification(&mut self, conn: &Connection, n: &Notification) {
        use lsp_types::{
            DidChangeTextDocumentParams as Change, DidCloseTextDocumentParams as Close,
            DidOpenTextDocumentParams as Open, DidSaveTextDocumentParams as Save,
        };
        // Files may have changed on the disk (a document is written on
        // save, read from the disk once closed; others are edited outside
        // the editor): the projects are gathered again.
        let method = n.method.as_str();
        const EVENTS: [&str; 4] = [
            "textDocument/didOpen",
            "textDocument/didClose",
            "textDocument/didSave",
            "workspace/didChangeWatchedFiles",
        ];
        if EVENTS.contains(&method) {
            self.projects.forget();
        }
        let changed = match method {
            "textDocument/didOpen" => params::<Open>(&n.params).ok().and_then(|p| {
                let d = p.text_document;
                self.docs.set(d.uri, d.text, d.version)
            }),
            // Full sync: the last change holds the whole text.
            "textDocument/didChange" => params::<Change>(&n.params).ok().and_then(|p| {
                let text = p.content_changes.into_iter().last()?.text;
                let d = p.text_document;
                self.docs.set(d.uri, text, d.version)
            }),
            "textDocument/didSave" => params::<Save>(&n.params)
                .ok()
                .and_then(|p| docs::path_of(&p.text_document.uri)),
            "textDocument/didClose" => params::<Close>(&n.params)
                .ok()
                .and_then(|p| self.docs.close(&p.text_document.uri)),
            "workspace/didChangeWatchedFiles" => {
                self.refresh_open(conn);
                None
            }
            _ => None,
        };
        // A read-only copy of a stdlib module is not a program of its own.
        let changed = changed.filter(|p| !stdlib_src::is_copy(p));
        if let Some(path) = changed {
            let a = self.reanalyse(&path);
            self.publish(conn, &a, &path);
        }
    }

    /// Checks every scope with an open document again.
    fn refresh_open(&mut self, conn: &Connection) {
        let mut open: Vec<PathBuf> = self.docs.open.keys().cloned().collect();
        open.retain(|p| !stdlib_src::is_copy(p));
        open.sort();
        let mut done = HashSet::new();
        for path in open {
            if done.insert(self.projects.files_for(&path).0) {
                let a = self.reanalyse(&path);
                self.publish(conn, &a, &path);
            }
        }
    }

    /// The analysis of `path`'s scope: the latest one, made if missing.
    fn analysis(&mut self, path: &Path) -> Rc<Analysis> {
        match self.latest.get(&self.projects.files_for(path).0) {
            Some(a) if a.file_id(path).is_some() => a.clone(),
            _ => self.reanalyse(path),
        }
    }

    fn reanalyse(&mut self, path: &Path) -> Rc<Analysis> {
        let a = Rc::new(analysis::analyse(path, &self.docs, &mut self.projects));
        self.latest.insert(a.scope.clone(), a.clone());
        if a.parsed {
            self.good.insert(a.scope.clone(), a.clone());
        }
        a
    }

    /// What a position request in `path` is answered from: the latest
    /// analysis, or when the project does not parse now, the last one in
    /// which it did (with the cursor mapped into that older text).
    fn located(&mut self, path: &Path, pos: lsp_types::Position) -> Option<Here> {
        let latest = self.analysis(path);
        let file = latest.file_id(path)?;
        let text = latest.text(file).to_string();
        let offset = text::offset(&text, pos);
        if latest.parsed {
            return Some(Here {
                a: latest,
                file,
                offset,
                text,
                diff: None,
            });
        }
        let a = self.good.get(&latest.scope).cloned()?;
        let file = a.file_id(path)?;
        let diff = text::Diff::new(a.text(file), &text);
        Some(Here {
            offset: diff.to_old(offset)?,
            a,
            file,
            text,
            diff: Some(diff),
        })
    }

    /// Diagnostics for every file of the analysis; files that had some
    /// before and have none now get an empty list.
    fn publish(&mut self, conn: &Connection, a: &Analysis, changed: &Path) {
        let mut by_file: HashMap<PathBuf, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for d in &a.diags {
            let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
            let (file, span) = match primary {
                Some(l) if a.path(l.file).is_some() => (l.file, l.span),
                // Nowhere in the user's files: shown at the top of the
                // changed one.
                _ => match a.file_id(changed) {
                    Some(f) => (f, crate::syntax::ast::Span::new(0, 0)),
                    None => continue,
                },
            };
            let Some(path) = a.path(file) else { continue };
            let lsp = to_lsp(a, d, file, span);
            by_file.entry(path.to_path_buf()).or_default().push(lsp);
        }
        if let Some((manifest, d)) = a
            .load_error
            .as_ref()
            .and_then(|e| load_error::on_manifest(&a.scope, e, |p| self.docs.text(p)))
        {
            by_file.entry(manifest).or_default().push(d);
        }
        let before = self.published.remove(&a.scope).unwrap_or_default();
        let mut now = HashSet::new();
        let mut paths: Vec<PathBuf> = before
            .union(&by_file.keys().cloned().collect())
            .cloned()
            .collect();
        paths.push(changed.to_path_buf());
        paths.sort();
        paths.dedup();
        for path in paths {
            let diagnostics = by_file.remove(&path).unwrap_or_default();
            if !diagnostics.is_empty() {
                now.insert(path.clone());
            }
            let (uri, version) = match self.docs.open.get(&path) {
                Some(d) => (d.uri.clone(), Some(d.version)),
                None => match docs::uri_of(&path) {
                    Some(u) => (u, None),
                    None => continue,
                },
            };
            send_diagnostics(conn, uri, diagnostics, version);
        }
        self.published.insert(a.scope.clone(), now);
    }
}

fn send_diagnostics(
    conn: &Connection,
    uri: Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let n = Notification::new("textDocument/publishDiagnostics".to_string(), params);
    let _ = conn.sender.send(n.into());
}

/// A compiler diagnostic as LSP shows it: the CLI's code and message
/// (`--json`'s `message`), the notes on following lines, the other labels
/// as related information.
fn to_lsp(
    a: &Analysis,
    d: &Diagnostic,
    file: crate::diag::FileId,
    span: crate::syntax::ast::Span,
) -> lsp_types::Diagnostic {
    let text = a.text(file);
    let mut message = d.short().to_string();
    for n in &d.notes {
        message.push('\n');
        message.push_str(n);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.message.is_empty() && (l.file, l.span) != (file, span))
        .filter_map(|l| {
            let path = a.path(l.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: docs::uri_of(path)?,
                    range: text::range(a.text(l.file), l.span.start as usize, l.span.end as usize),
                },
                message: l.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: text::range(text, span.start as usize, span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: d.code.clone().map(NumberOrString::String),
        source: Some("snowc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
