//! Lexing and parsing: source text to `ast::File`.

pub mod ast;
pub mod lexer;
mod parser;
#[cfg(test)]
mod tests;
pub mod token;

use crate::diag::{Diagnostic, FileId, SourceMap};

/// A parsed file with its id.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub file: FileId,
    pub ast: ast::File,
}

/// Stack for the parsing thread: the parser is recursive descent, and debug
/// builds use large frames; nesting depth is capped separately.
const PARSER_STACK: usize = 64 << 20;

/// Parse one file. Returns the AST or the parse errors (at least one).
pub fn parse_file(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("snowc-parse".to_string())
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, || parse_file_here(file, text))
            .map(|h| h.join())
    })
    .unwrap_or_else(|_| Ok(parse_file_here(file, text)))
    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

fn parse_file_here(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let toks = match lexer::lex(text) {
        Ok(t) => t,
        Err((span, msg)) => {
            let d = Diagnostic::error(None, format!("Parse error: {msg}"))
                .with_primary(file, span, msg);
            return Err(vec![d]);
        }
    };
    parser::parse_tokens(file, &toks, text)
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
