//! `if`, `case`/`match`, `while`, `for`, `receive` (§7.5–7.9).

use super::error::PErr;
use super::expr::{expr, head_expr, mk};
use super::input::{delimited_list, expect, ident, kw, newlines, to_failure, Input, PResult};
use super::pattern::{can_start_pattern, list_pattern_error, pattern};
use super::stmt::{block, close_end, expect_do};
use crate::syntax::ast::{Arm, Block, ExprKind, ForBinder, Stmt, StmtKind};
use crate::syntax::token::{Kw, Tok};

/// `"if" expr "do" block ("end" | "else" (if_expr | block "end"))`
pub fn if_expr(i: Input) -> PResult<crate::syntax::ast::Expr> {
    let start = i;
    let (i, cond) = head_expr(i.advance(1)).map_err(to_failure)?;
    let (i, do_span) = expect_do(i)?;
    let (i, then_block) = block(i)?;
    let (i, else_block) = if i.is_kw(Kw::Else) {
        let i = i.advance(1);
        if i.is_kw(Kw::If) {
            // `else if` on one line: the chained `if` owns the final `end`.
            let (i, nested) = if_expr(i)?;
            let span = nested.span;
            let stmt = Stmt {
                kind: StmtKind::Expr(nested),
                span,
            };
            let b = Block {
                stmts: vec![stmt],
                span,
            };
            (i, Some(b))
        } else {
            let (i, b) = block(i)?;
            let (i, _) = close_end(i, do_span, &[])?;
            (i, Some(b))
        }
    } else {
        let (i, _) = close_end(i, do_span, &["`else`"])?;
        (i, None)
    };
    let kind = ExprKind::If {
        cond: Box::new(cond),
        then_block,
        else_block,
    };
    Ok((i, mk(i, start, kind)))
}

/// `("case" | "match") expr "do" {arm} "end"`
pub fn case_expr(i: Input) -> PResult<crate::syntax::ast::Expr> {
    let start = i;
    let (i, scrutinee) = head_expr(i.advance(1)).map_err(to_failure)?;
    let (i, do_span) = expect_do(i)?;
    let (i, arms) = arms(i)?;
    let (i, _) = close_end(i, do_span, &["pattern"])?;
    let kind = ExprKind::Case {
        scrutinee: Box::new(scrutinee),
        arms,
    };
    Ok((i, mk(i, start, kind)))
}

/// Arms separated by line breaks or nothing; stops at anything that cannot
/// start a pattern.
fn arms(mut i: Input) -> PResult<Vec<Arm>> {
    let mut out = Vec::new();
    loop {
        i = newlines(i);
        if i.is(&Tok::LBracket) {
            return Err(list_pattern_error(i));
        }
        if !can_start_pattern(i) {
            return Ok((i, out));
        }
        let (rest, a) = arm(i)?;
        out.push(a);
        i = rest;
    }
}

/// `pattern ["when" expr] "->" expr`
fn arm(i: Input) -> PResult<Arm> {
    let start = i;
    let (i, pattern) = pattern(i).map_err(to_failure)?;
    let (i, guard) = if i.is_kw(Kw::When) {
        let (i, g) = head_expr(i.advance(1)).map_err(to_failure)?;
        (i, Some(g))
    } else {
        (i, None)
    };
    let arrow = i.span();
    let (i, _) = expect(Tok::Arrow)(i).map_err(|e| add_expected(e, guard.is_none(), "`when`"))?;
    if i.is(&Tok::Newline) {
        return Err(nom::Err::Failure(
            PErr::custom(
                i,
                arrow,
                "an arm's body must start on the same line as its `->`",
            )
            .with_help(
                "an arm's body is one expression (it may be a multi-line `if`, `case` or call); \
                     for several statements, move them into a function and call it after the `->`",
            ),
        ));
    }
    let (i, body) = expr(i).map_err(to_failure)?;
    let span = i.since(start);
    Ok((
        i,
        Arm {
            pattern,
            guard,
            body,
            span,
        },
    ))
}

fn add_expected(
    e: nom::Err<super::error::PErr>,
    yes: bool,
    what: &str,
) -> nom::Err<super::error::PErr> {
    match e {
        nom::Err::Failure(mut p) if yes => {
            p.expected.insert(0, what.to_string());
            nom::Err::Failure(p)
        }
        other => other,
    }
}

/// `"while" expr "do" block "end"`
pub fn while_expr(i: Input) -> PResult<crate::syntax::ast::Expr> {
    let start = i;
    let (i, cond) = head_expr(i.advance(1)).map_err(to_failure)?;
    let (i, do_span) = expect_do(i)?;
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let kind = ExprKind::While {
        cond: Box::new(cond),
        body,
    };
    Ok((i, mk(i, start, kind)))
}

/// `"for" (IDENT | "{" names "}") "in" expr ["when" expr] "do" block "end"`
pub fn for_expr(i: Input) -> PResult<crate::syntax::ast::Expr> {
    let start = i;
    let i = i.advance(1);
    let (i, binder) = if i.is(&Tok::LBrace) {
        let (i, names) = delimited_list(i, Tok::RBrace, ident)?;
        (i, ForBinder::Braced(names))
    } else {
        let (i, n) = ident(i).map_err(|_| i.failure("loop variable or `{`"))?;
        (i, ForBinder::Name(n))
    };
    let (i, _) = kw(Kw::In)(i).map_err(to_failure)?;
    let (i, iter) = head_expr(i).map_err(to_failure)?;
    let (i, filter) = if i.is_kw(Kw::When) {
        let (i, f) = head_expr(i.advance(1)).map_err(to_failure)?;
        (i, Some(Box::new(f)))
    } else {
        (i, None)
    };
    let (i, do_span) = expect_do(i).map_err(|e| add_expected(e, filter.is_none(), "`when`"))?;
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let kind = ExprKind::For {
        binder,
        iter: Box::new(iter),
        filter,
        body,
    };
    Ok((i, mk(i, start, kind)))
}

/// `"receive" "do" {arm} ["after" expr "->" expr] "end"`
pub fn receive_expr(i: Input) -> PResult<crate::syntax::ast::Expr> {
    let start = i;
    let (i, do_span) = expect_do(i.advance(1))?;
    let (i, arms) = arms(i)?;
    let (i, after) = if i.is_kw(Kw::After) {
        let (i, timeout) = head_expr(i.advance(1)).map_err(to_failure)?;
        let (i, _) = expect(Tok::Arrow)(i)?;
        let (i, body) = expr(i).map_err(to_failure)?;
        // [Fix] line breaks are allowed before the `end`.
        (newlines(i), Some((Box::new(timeout), Box::new(body))))
    } else {
        (i, None)
    };
    let also: &[&str] = if after.is_some() {
        &[]
    } else {
        &["pattern", "`after`"]
    };
    let (i, _) = close_end(i, do_span, also)?;
    Ok((i, mk(i, start, ExprKind::Receive { arms, after })))
}
