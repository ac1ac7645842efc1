//! Types (§9).

use nom::branch::alt;
use nom::combinator::{cut, opt};
use nom::sequence::preceded;

use super::error::PErr;
use super::input::{delimited_list, ident, to_failure, tok, word, Input, PResult};
use crate::syntax::ast::{Path, Type, TypeKind};
use crate::syntax::token::{Kw, Tok};

/// `type = base ["?"] ["!" type]`
pub fn ty(i: Input) -> PResult<Type> {
    let _guard = i.nest()?;
    let start = i;
    let (i, base) = type_base(i)?;
    let (i, q) = opt(tok(Tok::Question))(i)?;
    let base = match q {
        Some(_) => Type {
            kind: TypeKind::Option(Box::new(base)),
            span: i.since(start),
        },
        None => base,
    };
    let (i, err) = opt(preceded(tok(Tok::Bang), cut(ty)))(i)?;
    Ok(match err {
        Some(e) => (
            i,
            Type {
                kind: TypeKind::Result(Box::new(base), Box::new(e)),
                span: i.since(start),
            },
        ),
        None => (i, base),
    })
}

fn type_base(i: Input) -> PResult<Type> {
    if i.is_kw(Kw::Fn) {
        return Err(fun_spelling(i, i));
    }
    alt((tuple_type, fun_type, named_type))(i).map_err(|e| match e {
        nom::Err::Error(mut e) if e.pos == i.pos() => {
            e.expected = vec!["type".to_string()];
            nom::Err::Error(e)
        }
        other => other,
    })
}

fn tuple_type(i: Input) -> PResult<Type> {
    let start = i;
    tok(Tok::LParen)(i)?;
    let (i, mut elems) = delimited_list(i, Tok::RParen, ty)?;
    if i.is(&Tok::Arrow) && looks_like_fun_type(i) {
        return Err(fun_spelling(i, start));
    }
    if elems.len() == 1 {
        // `(T)` is `T`.
        return Ok((i, elems.remove(0)));
    }
    Ok((
        i,
        Type {
            kind: TypeKind::Tuple(elems),
            span: i.since(start),
        },
    ))
}

/// `(A) -> R` followed by what ends a parameter or binding type: a
/// misspelt function type. (`fn p :: (Int, Int) -> p end` is a closure
/// whose bare parameter has a tuple type: its body is not followed by these.)
fn looks_like_fun_type(arrow: Input) -> bool {
    match ty(arrow.advance(1)) {
        Ok((j, _)) => [Tok::Comma, Tok::RParen, Tok::Assign, Tok::Gt]
            .iter()
            .any(|t| j.is(t)),
        Err(_) => false,
    }
}

/// `(Int) -> Int` or `fn(Int) -> Int` where a type is expected: Snow
/// spells function types with `Fun`.
fn fun_spelling(i: Input, start: Input) -> nom::Err<PErr> {
    nom::Err::Failure(
        PErr::custom(i, i.since(start).to(i.span()), "this is not how a function type is written")
            .with_help("function types are written `Fun(Int, String) -> Bool` (`Fun() -> Int` without parameters)"),
    )
}

fn fun_type(i: Input) -> PResult<Type> {
    let start = i;
    let (i, _) = word("Fun")(i)?;
    tok(Tok::LParen)(i)?;
    let (i, params) = delimited_list(i, Tok::RParen, ty)?;
    let (i, _) = tok(Tok::Arrow)(i).map_err(to_failure)?;
    let (i, ret) = ty(i).map_err(to_failure)?;
    Ok((
        i,
        Type {
            kind: TypeKind::Fun(params, Box::new(ret)),
            span: i.since(start),
        },
    ))
}

fn named_type(i: Input) -> PResult<Type> {
    let start = i;
    let (i, path) = path(i)?;
    let (i, args) = if i.is(&Tok::Lt) {
        delimited_list(i, Tok::Gt, ty)?
    } else {
        (i, Vec::new())
    };
    Ok((
        i,
        Type {
            kind: TypeKind::Named { path, args },
            span: i.since(start),
        },
    ))
}

/// `IDENT {"." IDENT}`
pub fn path(i: Input) -> PResult<Path> {
    let start = i;
    let (mut i, first) = ident(i)?;
    let mut segments = vec![first];
    while i.is(&Tok::Dot) {
        let (rest, seg) = ident(i.advance(1)).map_err(to_failure)?;
        segments.push(seg);
        i = rest;
    }
    Ok((
        i,
        Path {
            segments,
            span: i.since(start),
        },
    ))
}
