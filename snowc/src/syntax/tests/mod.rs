//! Parser and lexer tests. Helpers render the AST as S-expressions.

mod errors;
mod exprs;
mod fuzz;
mod items;
mod lexing;
mod newlines;
mod programs;
mod sexp;

use crate::diag::{Diagnostic, FileId};
use crate::syntax::{ast, parse_file};

fn parse(src: &str) -> Result<ast::File, Box<Diagnostic>> {
    parse_file(FileId(0), src).map_err(|mut v| Box::new(v.remove(0)))
}

/// Parse a file and render it; panics with the error message on failure.
fn p(src: &str) -> String {
    match parse(src) {
        Ok(f) => sexp::file(&f),
        Err(d) => panic!("unexpected error for {src:?}: {}", d.header),
    }
}

/// The header of the first diagnostic; panics when parsing succeeds.
fn err(src: &str) -> String {
    match parse(src) {
        Ok(f) => panic!("expected an error for {src:?}, got {}", sexp::file(&f)),
        Err(d) => d.header,
    }
}

/// The diagnostic itself.
fn diag(src: &str) -> Diagnostic {
    match parse(src) {
        Ok(f) => panic!("expected an error for {src:?}, got {}", sexp::file(&f)),
        Err(d) => *d,
    }
}

/// (start, end) of the primary label.
fn primary(d: &Diagnostic) -> (u32, u32) {
    let l = d.labels.iter().find(|l| l.primary).expect("primary label");
    (l.span.start, l.span.end)
}
