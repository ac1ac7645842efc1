//! `snowc fmt`: the source formatter.
//!
//! The formatter prints the file's tokens again (literals verbatim, so their
//! meaning cannot change) with the comments recovered from the text between
//! them (`trivia`), deciding only the white space: blanks by token roles
//! (`roles`, `spacing`), indentation by block nesting and line breaks by the
//! source's statements plus a width-aware layout of bracketed lists and
//! pipelines (`build`, `brackets`, `doc`). The parsed syntax tree is the
//! reference: a result that does not parse to the same tree, or that lost a
//! comment, is refused (`check`).

mod brackets;
mod build;
mod check;
mod doc;
mod roles;
mod spacing;
#[cfg(test)]
mod tests;
mod trivia;

use crate::diag::{Diagnostic, FileId};
use crate::syntax;

/// Layout settings.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Preferred maximum line length.
    pub line_width: usize,
    /// Spaces per indentation level.
    pub indent_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            line_width: 100,
            indent_size: 2,
        }
    }
}

/// Why a file could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The file does not parse (the compiler's own diagnostics).
    Syntax(Vec<Diagnostic>),
    /// The formatter would have changed the program; nothing is written.
    Internal(String),
}

/// The formatted text of `text` (a whole `.snow` file).
pub fn format_source(text: &str, opts: &Options) -> Result<String, FmtError> {
    let ast = syntax::parse_file(FileId(0), text).map_err(FmtError::Syntax)?;
    let atoms = trivia::atoms(text)
        .ok_or_else(|| FmtError::Internal("the file parses but does not lex".into()))?;
    let roles = roles::roles(&atoms);
    let doc = build::Builder::new(&atoms, &roles).file();
    let out = doc::print(&doc, opts.line_width, opts.indent_size.max(1));
    check::same_program(&ast, &atoms, &out).map_err(FmtError::Internal)?;
    Ok(out)
}
