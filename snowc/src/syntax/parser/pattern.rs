//! Patterns (§8) and parameters (§5.2).

use nom::combinator::{cut, opt};
use nom::sequence::preceded;

use super::error::PErr;
use super::input::{delimited_list, ident, is_upper, to_failure, tok, word, Input, PResult};
use super::types::{path, ty};
use crate::syntax::ast::{Name, Param, Pattern, PatternKind, Span};
use crate::syntax::token::{Kw, Tok};

fn mk(i: Input, start: Input, kind: PatternKind) -> Pattern {
    Pattern {
        id: i.fresh_id(),
        kind,
        span: i.since(start),
    }
}

/// `pattern = cons ["as" IDENT]`
pub fn pattern(i: Input) -> PResult<Pattern> {
    let _guard = i.nest()?;
    let start = i;
    let (i, p) = cons_pat(i)?;
    if matches!(i.peek(), Tok::Ident(s) if s == "as") && matches!(i.peek_at(1), Tok::Ident(_)) {
        let (i, name) = preceded(word("as"), ident)(i)?;
        let kind = PatternKind::As(Box::new(p), name);
        return Ok((i, mk(i, start, kind)));
    }
    Ok((i, p))
}

/// `cons = alt ["::" cons]` (right-associative)
fn cons_pat(i: Input) -> PResult<Pattern> {
    let _guard = i.nest()?;
    let start = i;
    let (i, head) = or_pat(i)?;
    let (i, tail) = opt(preceded(tok(Tok::ColonColon), cut(cons_pat)))(i)?;
    Ok(match tail {
        Some(t) => (
            i,
            mk(i, start, PatternKind::Cons(Box::new(head), Box::new(t))),
        ),
        None => (i, head),
    })
}

/// `alt = prim {"|" prim}`
fn or_pat(i: Input) -> PResult<Pattern> {
    let start = i;
    let (mut i, first) = prim_pat(i)?;
    if !i.is(&Tok::Bar) {
        return Ok((i, first));
    }
    let mut alts = vec![first];
    while i.is(&Tok::Bar) && can_start_pattern(i.advance(1)) {
        let (rest, p) = prim_pat(i.advance(1)).map_err(to_failure)?;
        alts.push(p);
        i = rest;
    }
    if alts.len() == 1 {
        return Ok((i, alts.remove(0)));
    }
    Ok((i, mk(i, start, PatternKind::Or(alts))))
}

pub fn can_start_pattern(i: Input) -> bool {
    match i.peek() {
        Tok::Ident(_) | Tok::Int(_) | Tok::Float(_) | Tok::StrStart | Tok::LParen => true,
        Tok::Kw(Kw::True | Kw::False | Kw::Nil) => true,
        Tok::Minus => matches!(i.peek_at(1), Tok::Int(_) | Tok::Float(_)),
        _ => false,
    }
}

pub fn prim_pat(i: Input) -> PResult<Pattern> {
    let start = i;
    let one = |kind| {
        let rest = i.advance(1);
        Ok((rest, mk(rest, start, kind)))
    };
    match i.peek() {
        Tok::Int(n) => one(PatternKind::Int(*n)),
        Tok::Float(f) => one(PatternKind::Float(*f)),
        Tok::Kw(Kw::True) => one(PatternKind::Bool(true)),
        Tok::Kw(Kw::False) => one(PatternKind::Bool(false)),
        Tok::Kw(Kw::Nil) => one(PatternKind::Nil),
        Tok::Minus => {
            let rest = i.advance(2);
            match i.peek_at(1) {
                Tok::Int(n) => Ok((rest, mk(rest, start, PatternKind::Int(n.wrapping_neg())))),
                Tok::Float(f) => Ok((rest, mk(rest, start, PatternKind::Float(-f)))),
                _ => Err(i.advance(1).failure("number after `-` in pattern")),
            }
        }
        Tok::StrStart => string_pat(i),
        Tok::LParen => {
            let (i, mut elems) = delimited_list(i, Tok::RParen, pattern)?;
            if elems.len() == 1 {
                // `(p)` is just `p`.
                return Ok((i, elems.remove(0)));
            }
            Ok((i, mk(i, start, PatternKind::Tuple(elems))))
        }
        Tok::Ident(s) if s == "_" => one(PatternKind::Wild),
        Tok::Ident(_) => ident_pat(i),
        Tok::LBracket => Err(list_pattern_error(i)),
        _ => Err(i.err("pattern")),
    }
}

/// `[]` or `[a, b]` where a pattern belongs: Snow has no list-literal
/// patterns (§8), so say what to write instead.
pub fn list_pattern_error(i: Input) -> nom::Err<PErr> {
    nom::Err::Failure(
        PErr::custom(i, i.span(), "there are no list-literal patterns like `[]` or `[a]`")
            .with_help(
                "match a non-empty list with `h :: t -> ...`, then the empty list with a final `_ -> ...` arm",
            ),
    )
}

/// `IDENT {"." IDENT} [args]` (a constructor qualified by its type and
/// any module path: `Shape.Circle(r)`, `Geo.Shape.Unit`), `UIDENT args`, or
/// a bare `IDENT`.
fn ident_pat(i: Input) -> PResult<Pattern> {
    let start = i;
    let (i, mut path) = path(i)?;
    if path.segments.len() > 1 {
        let name = path.segments.pop().expect("two segments or more");
        let last = path.segments.last().expect("one segment left").span;
        path.span = Span::new(path.span.start, last.end);
        let (i, args) = opt_args(i)?;
        let kind = PatternKind::Ctor {
            qualifier: Some(path),
            name,
            args,
        };
        return Ok((i, mk(i, start, kind)));
    }
    let first = path.segments.remove(0);
    if is_upper(&first.text) && i.is(&Tok::LParen) {
        let (i, args) = opt_args(i)?;
        let kind = PatternKind::Ctor {
            qualifier: None,
            name: first,
            args,
        };
        return Ok((i, mk(i, start, kind)));
    }
    Ok((i, mk(i, start, PatternKind::Ident(first.text))))
}

fn opt_args(i: Input) -> PResult<Option<Vec<Pattern>>> {
    if i.is(&Tok::LParen) {
        let (i, args) = delimited_list(i, Tok::RParen, pattern)?;
        Ok((i, Some(args)))
    } else {
        Ok((i, None))
    }
}

/// A string without interpolation.
fn string_pat(i: Input) -> PResult<Pattern> {
    let start = i;
    let mut i = i.advance(1);
    let mut text = String::new();
    loop {
        match i.peek() {
            Tok::StrText(s) => text.push_str(s),
            Tok::StrEnd => break,
            _ => return Err(i.custom("string patterns cannot contain interpolation")),
        }
        i = i.advance(1);
    }
    let i = i.advance(1);
    Ok((i, mk(i, start, PatternKind::Str(text))))
}

/// A function or closure parameter, classified by its first token (§5.2).
pub fn param(i: Input) -> PResult<Param> {
    match i.peek() {
        Tok::Kw(Kw::SelfKw) => {
            let name = Name {
                text: "self".to_string(),
                span: i.span(),
            };
            let (i, ty) = opt_annot(i.advance(1))?;
            Ok((i, Param::Plain { name, ty }))
        }
        Tok::Ident(s) if s != "_" && !is_upper(s) => {
            let (i, name) = ident(i)?;
            let (i, ty) = opt_annot(i)?;
            Ok((i, Param::Plain { name, ty }))
        }
        _ if can_start_pattern(i) => {
            let (i, mut p) = pattern(i)?;
            // [Fix] A bare UIDENT parameter matches that nullary constructor.
            if let PatternKind::Ident(s) = &p.kind {
                if is_upper(s) {
                    let name = Name {
                        text: s.clone(),
                        span: p.span,
                    };
                    p.kind = PatternKind::Ctor {
                        qualifier: None,
                        name,
                        args: None,
                    };
                }
            }
            Ok((i, Param::Pattern(p)))
        }
        Tok::LBracket => Err(list_pattern_error(i)),
        _ => Err(i.err("parameter")),
    }
}

/// `(IDENT | "self") ["::" type]`
pub fn simple_param(i: Input) -> PResult<Param> {
    let name = match i.peek() {
        Tok::Kw(Kw::SelfKw) => Name {
            text: "self".to_string(),
            span: i.span(),
        },
        Tok::Ident(s) => Name {
            text: s.clone(),
            span: i.span(),
        },
        _ => return Err(i.err("parameter name")),
    };
    let (i, ty) = opt_annot(i.advance(1))?;
    Ok((i, Param::Plain { name, ty }))
}

fn opt_annot(i: Input) -> PResult<Option<crate::syntax::ast::Type>> {
    opt(preceded(tok(Tok::ColonColon), |i| {
        ty(i).map_err(to_failure)
    }))(i)
}
