//! `snowc lsp`: a language server on stdio (synchronous: one message at a
//! time, each document re-checked with its project on every change; the
//! project's files are gathered again only when they may have changed).

mod analysis;
mod completion;
mod definition;
mod docs;
mod formatting;
mod hover;
mod items;
mod load_error;
mod projects;
mod server;
mod stdlib_src;
mod symbols;
mod text;
mod transport;

use std::ffi::OsString;

/// Runs the server until `exit`; the exit status is 0 after a `shutdown`
/// request, 1 otherwise (LSP), 2 for bad arguments.
pub fn run(args: &[OsString]) -> i32 {
    // Editors' clients may say which transport they use; stdio is the only one.
    if let Some(a) = args.iter().find(|a| *a != "--stdio") {
        crate::driver::report::eprint_line(&format!(
            "snowc: error: `snowc lsp` takes no arguments (found `{}`)",
            a.to_string_lossy()
        ));
        return crate::driver::EXIT_USAGE;
    }
    let (conn, writer) = transport::stdio();
    let code = server::serve(&conn);
    drop(conn);
    let _ = writer.join();
    code
}
