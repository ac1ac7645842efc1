//! Blocks, statement dispatch (§4) and `let` (§6).

use super::error::PErr;
use super::expr::{can_start_expr, expr};
use super::input::{expect, ident, seps, to_failure, Input, PResult};
use super::items::item;
use super::pattern::prim_pat;
use super::types::ty;
use crate::syntax::ast::{Block, Item, Pattern, PatternKind, Span, Stmt, StmtKind};
use crate::syntax::token::{Kw, Tok};

/// Where a statement sequence sits; decides what it may contain.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// File top level: imports allowed, ends only at EOF.
    File,
    Block,
    /// Actor body: may hold one `terminate` block.
    Actor,
}

/// `block = {SEP} {stmt {SEP}}`, stopping before `end`/`else`/EOF.
pub fn block(i: Input) -> PResult<Block> {
    let start = i;
    let (i, (stmts, _)) = stmts(i, Mode::Block)?;
    let span = block_span(start, i, &stmts);
    Ok((i, Block { stmts, span }))
}

pub fn block_span(start: Input, end: Input, stmts: &[Stmt]) -> Span {
    match (stmts.first(), stmts.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => Span::new(start.span().start, end.span().start.max(start.span().start)),
    }
}

/// Statements up to a terminator. In `Mode::Actor` also returns the
/// `terminate` block.
pub fn stmts(mut i: Input, mode: Mode) -> PResult<(Vec<Stmt>, Option<Block>)> {
    let mut out: Vec<Stmt> = Vec::new();
    let mut terminate: Option<Block> = None;
    loop {
        i = seps(i);
        match i.peek() {
            Tok::PipeGt => return Err(i.custom("a statement cannot start with `|>`")),
            Tok::Kw(Kw::Terminate) if mode == Mode::Actor => {
                if terminate.is_some() {
                    return Err(i.custom("an actor can have at most one `terminate` block"));
                }
                let (rest, do_span) = expect_do(i.advance(1))?;
                let (rest, b) = block(rest)?;
                let (rest, _) = close_end(rest, do_span, &[])?;
                terminate = Some(b);
                i = rest;
                continue;
            }
            Tok::Kw(Kw::Terminate) => {
                return Err(i.custom("`terminate` is only allowed in an actor body"))
            }
            Tok::Ident(s)
                if s == "deriving" && i.peek_at(1) == &Tok::LParen && follows_type_end(&out) =>
            {
                return Err(i.custom("deriving clause must follow `end` on the same line"));
            }
            _ => {}
        }
        if !can_start_stmt(i.peek()) {
            return match (mode, i.peek()) {
                (Mode::File, Tok::Eof) => Ok((i, (out, terminate))),
                (Mode::File, _) => Err(i.failure("statement")),
                (_, Tok::Kw(Kw::End | Kw::Else) | Tok::Eof) => Ok((i, (out, terminate))),
                (_, Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::InterpClose) => {
                    Ok((i, (out, terminate)))
                }
                _ => Err(i.failure("statement")),
            };
        }
        let (rest, s) = stmt(i, mode)?;
        if rest.is(&Tok::Assign) {
            if let StmtKind::Expr(_) = s.kind {
                return Err(nom::Err::Failure(PErr::custom(
                    rest,
                    rest.span(),
                    "there is no assignment in Snow; use `let` to bind a name",
                )));
            }
        }
        out.push(s);
        i = rest;
    }
}

/// The last statement is a struct/sum type written without `deriving`.
fn follows_type_end(out: &[Stmt]) -> bool {
    match out.last().map(|s| &s.kind) {
        Some(StmtKind::Item(Item::Struct(d))) => d.deriving.is_none(),
        Some(StmtKind::Item(Item::SumType(d))) => d.deriving.is_none(),
        _ => false,
    }
}

pub fn can_start_stmt(t: &Tok) -> bool {
    can_start_expr(t)
        || matches!(
            t,
            Tok::Kw(
                Kw::Pub
                    | Kw::Def
                    | Kw::Let
                    | Kw::Module
                    | Kw::Import
                    | Kw::Struct
                    | Kw::Type
                    | Kw::Interface
                    | Kw::Impl
                    | Kw::Actor
                    | Kw::Service
                    | Kw::Supervisor
            )
        )
}

fn stmt(i: Input, mode: Mode) -> PResult<Stmt> {
    let start = i;
    if i.is_kw(Kw::Let) {
        return let_stmt(i);
    }
    if let Some(r) = item(i, mode) {
        let (i, it) = r?;
        let span = i.since(start);
        return Ok((
            i,
            Stmt {
                kind: StmtKind::Item(it),
                span,
            },
        ));
    }
    let (i, e) = expr(i).map_err(to_failure)?;
    let span = e.span;
    Ok((
        i,
        Stmt {
            kind: StmtKind::Expr(e),
            span,
        },
    ))
}

/// `"let" (IDENT | tuple_pattern) ["::" type] "=" expr`
fn let_stmt(i: Input) -> PResult<Stmt> {
    let start = i;
    let i = i.advance(1);
    let (i, pat) = match i.peek() {
        Tok::Ident(_) => {
            let (rest, name) = ident(i)?;
            let kind = if name.text == "_" {
                PatternKind::Wild
            } else {
                PatternKind::Ident(name.text)
            };
            let p = Pattern {
                id: rest.fresh_id(),
                kind,
                span: name.span,
            };
            (rest, p)
        }
        // Only a tuple here: `::` after it starts the annotation.
        Tok::LParen => prim_pat(i).map_err(to_failure)?,
        _ => return Err(i.failure("name or tuple pattern after `let`")),
    };
    let (i, ty) = if i.is(&Tok::ColonColon) {
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        (i, Some(t))
    } else {
        (i, None)
    };
    let (i, _) = expect(Tok::Assign)(i).map_err(|e| match e {
        nom::Err::Failure(mut p) if ty.is_none() => {
            p.expected.insert(0, "`::`".to_string());
            nom::Err::Failure(p)
        }
        other => other,
    })?;
    let (i, value) = expr(i).map_err(to_failure)?;
    let span = i.since(start);
    Ok((
        i,
        Stmt {
            kind: StmtKind::Let { pat, ty, value },
            span,
        },
    ))
}

/// `do` on the current line; yields its span for "never closed" reports.
pub fn expect_do(i: Input) -> PResult<Span> {
    expect(Tok::Kw(Kw::Do))(i)
}

/// The `end` closing the `do` at `do_span`. A mismatch names the `do`.
pub fn close_end<'a>(i: Input<'a>, do_span: Span, also: &[&str]) -> PResult<'a, Span> {
    if i.is_kw(Kw::End) {
        i.ctx.closes.borrow_mut().push((do_span, i.span()));
        return Ok((i.advance(1), i.span()));
    }
    let mut e = PErr::expected(i, "`end`");
    e.expected = also.iter().map(|s| s.to_string()).collect();
    e.expected.push("`end`".to_string());
    Err(nom::Err::Failure(
        e.with_secondary(do_span, "this `do` is never closed"),
    ))
}
