//! Parser: tokens to `ast::File` (§4–§10), built from nom combinators over a
//! token slice.

mod actors;
mod closure;
mod control;
mod error;
mod expr;
mod input;
mod items;
mod pattern;
mod stmt;
mod typedefs;
mod types;
mod unclosed;

use self::error::{join_expected, PErr};
use self::input::{Ctx, Input};
use self::stmt::{stmts, Mode};
use super::ast::{File, Span};
use super::token::{Tok, Token};
use crate::diag::{Diagnostic, FileId};

/// Parse a whole file (`text`) from its tokens (which end with `Eof`).
pub fn parse_tokens(file: FileId, toks: &[Token], text: &str) -> Result<File, Vec<Diagnostic>> {
    let ctx = Ctx::new(toks);
    let i = Input { toks, ctx: &ctx };
    match stmts(i, Mode::File) {
        Ok((_, (stmts, _))) => Ok(File {
            stmts,
            span: Span::new(0, text.len() as u32),
        }),
        Err(nom::Err::Error(mut e) | nom::Err::Failure(mut e)) => {
            unclosed::reblame(&mut e, &ctx.closes.borrow(), text);
            Err(vec![to_diag(file, toks, e)])
        }
        Err(nom::Err::Incomplete(_)) => Err(vec![Diagnostic::error(
            None,
            "Parse error: incomplete input",
        )]),
    }
}

fn to_diag(file: FileId, toks: &[Token], e: PErr) -> Diagnostic {
    let found = toks.get(e.pos).map_or(&Tok::Eof, |t| &t.tok);
    let (header, label) = match (&e.custom, found) {
        (Some(m), _) => (m.clone(), m.clone()),
        (None, Tok::Kw(k)) if k.is_reserved_only() => {
            let m = format!("`{}` is a reserved word and cannot be used", k.text());
            (m.clone(), m)
        }
        (None, _) if e.expected.is_empty() => {
            let m = format!("unexpected {}", found.describe());
            (m.clone(), m)
        }
        (None, _) => {
            let exp = join_expected(&e.expected);
            (
                format!("expected {exp}, found {}", found.describe()),
                format!("expected {exp}"),
            )
        }
    };
    let mut d =
        Diagnostic::error(None, format!("Parse error: {header}")).with_primary(file, e.span, label);
    if let Some((span, msg)) = e.secondary {
        d = d.with_secondary(file, span, msg);
    }
    let extra = e.extra.map(|x| *x).unwrap_or_default();
    if let Some((span, msg)) = extra.tertiary {
        d = d.with_secondary(file, span, msg);
    }
    if let Some(h) = extra.help {
        d = d.with_help(h);
    }
    d
}
