//! Expressions (§7): precedence climbing, postfix forms, primaries.

use super::closure::{closure, trailing_closure};
use super::control::{case_expr, for_expr, if_expr, receive_expr, while_expr};
use super::input::{delimited_list, expect, ident, newlines, to_failure, Input, PResult};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Name, StrPart, UnOp};
use crate::syntax::token::{Kw, Tok};

pub fn mk(i: Input, start: Input, kind: ExprKind) -> Expr {
    Expr {
        id: i.fresh_id(),
        kind,
        span: i.since(start),
    }
}

/// A full expression where trailing closures are allowed.
pub fn expr(i: Input) -> PResult<Expr> {
    expr_bp(i, 0, false)
}

/// A full expression in a control-flow head or guard: a `do` after a call
/// belongs to the enclosing construct, never to a trailing closure.
pub fn head_expr(i: Input) -> PResult<Expr> {
    expr_bp(i, 0, true)
}

enum Op {
    Pipe,
    Bin(BinOp),
}

/// Left binding power of an infix operator; the right side binds one tighter.
fn infix(t: &Tok) -> Option<(Op, u8)> {
    use BinOp::*;
    Some(match t {
        Tok::PipeGt => (Op::Pipe, 1),
        Tok::Kw(Kw::Or) | Tok::OrOr => (Op::Bin(Or), 3),
        Tok::Kw(Kw::And) | Tok::AndAnd => (Op::Bin(And), 5),
        Tok::EqEq => (Op::Bin(Eq), 7),
        Tok::NotEq => (Op::Bin(Ne), 7),
        Tok::Lt => (Op::Bin(Lt), 9),
        Tok::Gt => (Op::Bin(Gt), 9),
        Tok::Le => (Op::Bin(Le), 9),
        Tok::Ge => (Op::Bin(Ge), 9),
        Tok::DotDot => (Op::Bin(Range), 11),
        Tok::LtGt | Tok::PlusPlus => (Op::Bin(Concat), 13),
        Tok::Plus => (Op::Bin(Add), 15),
        Tok::Minus => (Op::Bin(Sub), 15),
        Tok::Star => (Op::Bin(Mul), 17),
        Tok::Slash => (Op::Bin(Div), 17),
        Tok::Percent => (Op::Bin(Mod), 17),
        _ => return None,
    })
}

pub fn expr_bp(i: Input, min: u8, no_trail: bool) -> PResult<Expr> {
    let _guard = i.nest()?;
    let (mut i, mut lhs) = unary(i, no_trail)?;
    loop {
        // [Ext] A line starting with `|>` continues the expression.
        let mut look = i;
        if look.is(&Tok::Newline) && newlines(look).is(&Tok::PipeGt) {
            look = newlines(look);
        }
        let Some((op, lbp)) = infix(look.peek()) else {
            break;
        };
        if lbp < min {
            break;
        }
        let (rest, rhs) = expr_bp(look.advance(1), lbp + 1, no_trail).map_err(to_failure)?;
        let span = lhs.span.to(rhs.span);
        let kind = match op {
            Op::Bin(b) => ExprKind::Binary(b, Box::new(lhs), Box::new(rhs)),
            Op::Pipe => pipe(lhs, rhs),
        };
        lhs = Expr {
            id: rest.fresh_id(),
            kind,
            span,
        };
        i = rest;
    }
    Ok((i, lhs))
}

/// `a |> f(x)` is `f(a, x)`; `a |> e` is `e(a)`.
fn pipe(lhs: Expr, rhs: Expr) -> ExprKind {
    match rhs.kind {
        ExprKind::Call { callee, mut args } => {
            args.insert(0, lhs);
            ExprKind::Call { callee, args }
        }
        _ => ExprKind::Call {
            callee: Box::new(rhs),
            args: vec![lhs],
        },
    }
}

fn unary(i: Input, no_trail: bool) -> PResult<Expr> {
    let op = match i.peek() {
        Tok::Minus => UnOp::Neg,
        Tok::Bang | Tok::Kw(Kw::Not) => UnOp::Not,
        _ => return postfix(i, no_trail),
    };
    let start = i;
    let _guard = i.nest()?;
    let (i, operand) = unary(i.advance(1), no_trail).map_err(to_failure)?;
    Ok((i, mk(i, start, ExprKind::Unary(op, Box::new(operand)))))
}

fn postfix(i: Input, no_trail: bool) -> PResult<Expr> {
    let start = i;
    let (mut i, mut e) = primary(i, no_trail)?;
    loop {
        let kind = match i.peek() {
            Tok::LParen => {
                let (rest, mut args) = delimited_list(i, Tok::RParen, expr)?;
                i = rest;
                if !no_trail && i.is_kw(Kw::Do) {
                    let (rest, c) = trailing_closure(i)?;
                    args.push(c);
                    i = rest;
                }
                ExprKind::Call {
                    callee: Box::new(e),
                    args,
                }
            }
            Tok::Dot => {
                let at = i.advance(1);
                let (rest, name) = match at.peek() {
                    Tok::Kw(k) => {
                        return Err(at.custom(format!(
                            "expected field name after `.`, found keyword `{}`",
                            k.text()
                        )))
                    }
                    _ => ident(at).map_err(|_| at.failure("field name after `.`"))?,
                };
                i = rest;
                ExprKind::Field {
                    base: Box::new(e),
                    name,
                }
            }
            Tok::LBracket => {
                let (rest, index) = expr(i.advance(1)).map_err(to_failure)?;
                let (rest, _) = expect(Tok::RBracket)(rest)?;
                i = rest;
                ExprKind::Index {
                    base: Box::new(e),
                    index: Box::new(index),
                }
            }
            Tok::Question => {
                i = i.advance(1);
                ExprKind::Try(Box::new(e))
            }
            Tok::LBrace => {
                let (rest, fields) = struct_body(i)?;
                i = rest;
                ExprKind::StructLit {
                    name: Box::new(e),
                    fields,
                }
            }
            _ => break,
        };
        e = mk(i, start, kind);
    }
    Ok((i, e))
}

/// `{ [IDENT ":" expr { [","] IDENT ":" expr } [","]] }`
fn struct_body(i: Input) -> PResult<Vec<(Name, Expr)>> {
    let mut i = i.advance(1);
    let mut fields = Vec::new();
    loop {
        if i.is(&Tok::RBrace) {
            return Ok((i.advance(1), fields));
        }
        let (rest, name) = ident(i).map_err(|_| {
            let mut e = super::error::PErr::expected(i, "field name");
            e.expected.push("`}`".to_string());
            nom::Err::Failure(e)
        })?;
        let (rest, _) = expect(Tok::Colon)(rest)?;
        let (rest, value) = expr(rest).map_err(to_failure)?;
        fields.push((name, value));
        i = rest;
        if i.is(&Tok::Comma) {
            i = i.advance(1);
        }
    }
}

/// Can this token begin an expression? (Decides whether `return` has a value.)
pub fn can_start_expr(t: &Tok) -> bool {
    match t {
        Tok::Int(_) | Tok::Float(_) | Tok::Ident(_) | Tok::StrStart => true,
        Tok::LParen | Tok::LBracket | Tok::Percent | Tok::Minus | Tok::Bang => true,
        Tok::Kw(k) => matches!(
            k,
            Kw::True
                | Kw::False
                | Kw::Nil
                | Kw::Not
                | Kw::If
                | Kw::Case
                | Kw::Match
                | Kw::Fn
                | Kw::While
                | Kw::For
                | Kw::Break
                | Kw::Continue
                | Kw::Receive
                | Kw::SelfKw
                | Kw::Spawn
                | Kw::Send
                | Kw::Link
                | Kw::Return
        ),
        _ => false,
    }
}

fn primary(i: Input, no_trail: bool) -> PResult<Expr> {
    let start = i;
    let one = |kind| {
        let rest = i.advance(1);
        Ok((rest, mk(rest, start, kind)))
    };
    match i.peek() {
        Tok::Int(n) => one(ExprKind::Int(*n)),
        Tok::Float(f) => one(ExprKind::Float(*f)),
        Tok::Ident(s) => one(ExprKind::Name(s.clone())),
        Tok::Kw(Kw::True) => one(ExprKind::Bool(true)),
        Tok::Kw(Kw::False) => one(ExprKind::Bool(false)),
        Tok::Kw(Kw::Nil) => one(ExprKind::Nil),
        Tok::Kw(Kw::Break) => one(ExprKind::Break),
        Tok::Kw(Kw::Continue) => one(ExprKind::Continue),
        Tok::StrStart => string(i),
        Tok::LParen => {
            let (rest, mut elems) = delimited_list(i, Tok::RParen, expr)?;
            if elems.len() == 1 {
                // Grouping; `(a,)` is `a` too.
                return Ok((rest, elems.remove(0)));
            }
            Ok((rest, mk(rest, start, ExprKind::Tuple(elems))))
        }
        Tok::LBracket => {
            let (rest, elems) = delimited_list(i, Tok::RBracket, expr)?;
            Ok((rest, mk(rest, start, ExprKind::List(elems))))
        }
        Tok::Percent => map_lit(i),
        Tok::Kw(Kw::If) => if_expr(i),
        Tok::Kw(Kw::Case | Kw::Match) => case_expr(i),
        Tok::Kw(Kw::While) => while_expr(i),
        Tok::Kw(Kw::For) => for_expr(i),
        Tok::Kw(Kw::Receive) => receive_expr(i),
        Tok::Kw(Kw::Fn) => closure(i),
        Tok::Kw(Kw::Def) => Err(i.custom("`def` cannot define a closure; use `fn`")),
        Tok::Kw(Kw::SelfKw) => {
            if i.peek_at(1) == &Tok::LParen {
                let (rest, _) = expect(Tok::RParen)(i.advance(2))?;
                Ok((rest, mk(rest, start, ExprKind::SelfPid)))
            } else {
                one(ExprKind::SelfValue)
            }
        }
        Tok::Kw(k @ (Kw::Spawn | Kw::Send | Kw::Link)) => {
            let at = i.advance(1);
            if !at.is(&Tok::LParen) {
                return Err(at.failure(format!("`(` after `{}`", k.text())));
            }
            let (rest, args) = delimited_list(at, Tok::RParen, expr)?;
            let kind = match k {
                Kw::Spawn => ExprKind::Spawn(args),
                Kw::Send => ExprKind::Send(args),
                _ => ExprKind::Link(args),
            };
            Ok((rest, mk(rest, start, kind)))
        }
        Tok::Kw(Kw::Return) => {
            let at = i.advance(1);
            if !can_start_expr(at.peek()) {
                return Ok((at, mk(at, start, ExprKind::Return(None))));
            }
            let (rest, v) = expr_bp(at, 0, no_trail).map_err(to_failure)?;
            Ok((rest, mk(rest, start, ExprKind::Return(Some(Box::new(v))))))
        }
        _ => Err(i.err("expression")),
    }
}

/// `%{ [k => v { [","] k => v } [","]] }`
fn map_lit(i: Input) -> PResult<Expr> {
    let start = i;
    let (mut i, _) = expect(Tok::LBrace)(i.advance(1))?;
    let mut entries = Vec::new();
    loop {
        if i.is(&Tok::RBrace) {
            let i = i.advance(1);
            return Ok((i, mk(i, start, ExprKind::Map(entries))));
        }
        let (rest, k) = expr(i).map_err(|e| match e {
            nom::Err::Error(mut e) => {
                e.expected.push("`}`".to_string());
                nom::Err::Failure(e)
            }
            other => other,
        })?;
        let (rest, _) = expect(Tok::FatArrow)(rest)?;
        let (rest, v) = expr(rest).map_err(to_failure)?;
        entries.push((k, v));
        i = rest;
        if i.is(&Tok::Comma) {
            i = i.advance(1);
        }
    }
}

/// `STRING_START { text | "${" expr "}" } STRING_END`
fn string(i: Input) -> PResult<Expr> {
    let start = i;
    let mut i = i.advance(1);
    let mut parts = Vec::new();
    loop {
        match i.peek() {
            Tok::StrText(s) => {
                parts.push(StrPart::Text(s.clone()));
                i = i.advance(1);
            }
            Tok::InterpOpen => {
                let (rest, e) = expr(i.advance(1)).map_err(to_failure)?;
                let (rest, _) = expect(Tok::InterpClose)(rest)?;
                parts.push(StrPart::Interp(e));
                i = rest;
            }
            _ => {
                // The lexer guarantees a closing StrEnd.
                let i = i.advance(1);
                return Ok((i, mk(i, start, ExprKind::Str(parts))));
            }
        }
    }
}
