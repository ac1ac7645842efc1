//! Lexing and parsing: source text to `ast::File`.

pub mod ast;

use crate::diag::{Diagnostic, FileId, SourceMap};

/// A parsed file with its id.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub file: FileId,
    pub ast: ast::File,
}

/// Parse one file. Returns the AST or the parse errors (at least one).
pub fn parse_file(_file: FileId, _text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    Err(vec![Diagnostic::error(
        None,
        "Parse error: parser not written yet",
    )])
}

/// Parse every file of the source map.
pub fn parse_all(sources: &SourceMap) -> Result<Vec<ParsedFile>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (i, f) in sources.files.iter().enumerate() {
        let id = FileId(i as u32);
        match parse_file(id, &f.text) {
            Ok(ast) => out.push(ParsedFile { file: id, ast }),
            Err(mut e) => errs.append(&mut e),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}
