//! Closures (§7.8) and trailing closures (§7.3).

use super::error::PErr;
use super::expr::{expr, head_expr, mk};
use super::input::{delimited_list, expect, is_upper, newlines, to_failure, Input, PResult};
use super::pattern::{param, simple_param};
use super::stmt::{block, close_end};
use crate::syntax::ast::{Block, Closure, ClosureClause, Expr, ExprKind, Param, Stmt, StmtKind};
use crate::syntax::token::{Kw, Tok};

/// `fn … end` in expression position; `i` is at `fn`.
pub fn closure(i: Input) -> PResult<Expr> {
    let start = i;
    let fn_span = i.span();
    let i = i.advance(1);
    let mut clauses = Vec::new();
    // `fn -> block end` / `fn do block end`: no parameters, one block body.
    if matches!(i.peek(), Tok::Arrow | Tok::Kw(Kw::Do)) {
        let (rest, body) = block(i.advance(1))?;
        let (rest, _) = close_end(rest, fn_span, &[])
            .map_err(|e| rename_secondary(e, "this `fn` is never closed"))?;
        clauses.push(ClosureClause {
            params: Vec::new(),
            guard: None,
            span: body.span,
            body,
        });
        return finish(rest, start, clauses);
    }
    let mut cstart = i;
    let (mut i, params) = if i.is(&Tok::LParen) {
        delimited_list(i, Tok::RParen, param)?
    } else if bare_params_start(i) {
        bare_params(i)?
    } else {
        let mut e = PErr::expected(i, "`(`");
        e.expected
            .extend(["`->`", "`do`", "parameter"].map(String::from));
        return Err(nom::Err::Failure(e));
    };
    let mut pending = Some(params);
    let mut first = true;
    loop {
        let ps = match pending.take() {
            Some(ps) => ps,
            None => {
                let (rest, ps) = clause_params(i)?;
                i = rest;
                ps
            }
        };
        let (rest, guard) = if i.is_kw(Kw::When) {
            let (r, g) = head_expr(i.advance(1)).map_err(to_failure)?;
            (r, Some(g))
        } else {
            (i, None)
        };
        i = rest;
        match i.peek() {
            Tok::Kw(Kw::Do) => {
                let (rest, body) = block(i.advance(1))?;
                let (rest, _) = close_end(rest, i.span(), &[])?;
                let span = rest.since(cstart);
                clauses.push(ClosureClause {
                    params: ps,
                    guard,
                    body,
                    span,
                });
                i = rest;
                // `fn params do … end` closes the whole closure.
                if first {
                    return finish(i, start, clauses);
                }
            }
            Tok::Arrow if i.advance(1).is_kw(Kw::Let) => {
                return Err(nom::Err::Failure(
                    PErr::custom(i, i.advance(1).span(), "an arrow closure's body cannot start with `let`")
                        .with_help("the body after `->` is a single expression; use the `do ... end` form for a block: `fn x do let y = ...; y end`"),
                ));
            }
            Tok::Arrow => {
                let (rest, body) = expr(i.advance(1)).map_err(to_failure)?;
                let span = rest.since(cstart);
                let bspan = body.span;
                clauses.push(ClosureClause {
                    params: ps,
                    guard,
                    body: Block {
                        stmts: vec![Stmt {
                            kind: StmtKind::Expr(body),
                            span: bspan,
                        }],
                        span: bspan,
                    },
                    span,
                });
                i = rest;
            }
            _ => {
                let mut e = PErr::expected(i, "`->`");
                if guard.is_none() {
                    e.expected.insert(0, "`when`".to_string());
                }
                e.expected.push("`do`".to_string());
                return Err(nom::Err::Failure(e));
            }
        }
        first = false;
        // [Ext] line breaks are allowed before `|` and `end`.
        let next = newlines(i);
        if next.is(&Tok::Bar) {
            i = next.advance(1);
            cstart = i;
            continue;
        }
        let (rest, _) = close_end(next, fn_span, &["`|`"])
            .map_err(|e| rename_secondary(e, "this `fn` is never closed"))?;
        return finish(rest, start, clauses);
    }
}

fn rename_secondary(e: nom::Err<PErr>, msg: &str) -> nom::Err<PErr> {
    match e {
        nom::Err::Failure(mut p) => {
            if let Some((_, m)) = &mut p.secondary {
                *m = msg.to_string();
            }
            nom::Err::Failure(p)
        }
        other => other,
    }
}

fn finish<'a>(i: Input<'a>, start: Input<'a>, clauses: Vec<ClosureClause>) -> PResult<'a, Expr> {
    let span = i.since(start);
    Ok((
        i,
        mk(i, start, ExprKind::Closure(Closure { clauses, span })),
    ))
}

/// Parameters of a later clause: a list, nothing, or bare parameters.
fn clause_params(i: Input) -> PResult<Vec<Param>> {
    match i.peek() {
        Tok::LParen => delimited_list(i, Tok::RParen, param),
        Tok::Arrow | Tok::Kw(Kw::When | Kw::Do) => Ok((i, Vec::new())),
        _ => bare_params(i).map_err(to_failure),
    }
}

/// Does a bare parameter list start here (§7.8)?
fn bare_params_start(i: Input) -> bool {
    match i.peek() {
        Tok::Int(_) | Tok::Float(_) | Tok::StrStart => true,
        Tok::Kw(Kw::True | Kw::False | Kw::Nil) => true,
        Tok::Minus => matches!(i.peek_at(1), Tok::Int(_) | Tok::Float(_)),
        Tok::Ident(s) if s == "_" => true,
        Tok::Ident(s) if is_upper(s) && matches!(i.peek_at(1), Tok::LParen | Tok::Dot) => true,
        Tok::Ident(_) | Tok::Kw(Kw::SelfKw) => matches!(
            i.peek_at(1),
            Tok::Comma | Tok::Arrow | Tok::Kw(Kw::When | Kw::Do) | Tok::ColonColon
        ),
        _ => false,
    }
}

/// `param {"," param}` up to `->`, `when` or `do`.
fn bare_params(i: Input) -> PResult<Vec<Param>> {
    let (mut i, first) = param(i)?;
    let mut out = vec![first];
    while i.is(&Tok::Comma) {
        let (rest, p) = param(i.advance(1)).map_err(to_failure)?;
        out.push(p);
        i = rest;
    }
    Ok((i, out))
}

/// `do ["|" simple_params "|"] block end` after a call's `)`.
pub fn trailing_closure(i: Input) -> PResult<Expr> {
    let start = i;
    let do_span = i.span();
    let i = i.advance(1);
    let (i, params) = match i.peek() {
        Tok::OrOr => (i.advance(1), Vec::new()),
        Tok::Bar => {
            let mut i = i.advance(1);
            let mut ps = Vec::new();
            while !i.is(&Tok::Bar) {
                let (rest, p) = simple_param(i).map_err(|e| match e {
                    nom::Err::Error(mut p) => {
                        p.expected.push("`|`".to_string());
                        nom::Err::Failure(p)
                    }
                    other => other,
                })?;
                ps.push(p);
                i = rest;
                if i.is(&Tok::Comma) {
                    i = i.advance(1);
                } else {
                    break;
                }
            }
            let (i, _) = expect(Tok::Bar)(i)?;
            (i, ps)
        }
        _ => (i, Vec::new()),
    };
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let span = i.since(start);
    let clause = ClosureClause {
        params,
        guard: None,
        body,
        span,
    };
    finish(i, start, vec![clause])
}
