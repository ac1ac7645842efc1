//! Type-level declarations: structs and `deriving`, sum types, aliases,
//! interfaces and impls (§5.3–5.7).

use super::error::PErr;
use super::input::{delimited_list, expect, ident, newlines, to_failure, Input, PResult};
use super::items::{generics, where_clause};
use super::pattern::simple_param;
use super::stmt::{block, close_end, expect_do};
use super::types::{path, ty};
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, Tok};

/// `deriving(A, B)` directly after `end` (same line).
fn deriving(i: Input) -> PResult<Option<Deriving>> {
    if !matches!(i.peek(), Tok::Ident(s) if s == "deriving") {
        return Ok((i, None));
    }
    let start = i;
    let at = i.advance(1);
    if !at.is(&Tok::LParen) {
        return Err(at.failure("`(` after `deriving`"));
    }
    let (i, names) = delimited_list(at, Tok::RParen, ident)?;
    let span = i.since(start);
    Ok((i, Some(Deriving { names, span })))
}

pub fn struct_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, Item> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, generics) = generics(i)?;
    let (mut i, do_span) = expect_do(i)?;
    let mut fields = Vec::new();
    loop {
        i = newlines(i);
        if !matches!(i.peek(), Tok::Ident(_)) {
            break;
        }
        let fstart = i;
        let (rest, fname) = ident(i)?;
        let (rest, _) = expect(Tok::ColonColon)(rest)?;
        let (rest, fty) = ty(rest).map_err(to_failure)?;
        fields.push(FieldDef {
            name: fname,
            ty: fty,
            span: rest.since(fstart),
        });
        i = rest;
    }
    let (i, _) = close_end(i, do_span, &["field"])?;
    let (i, deriving) = deriving(i)?;
    let span = i.since(start);
    Ok((
        i,
        Item::Struct(StructDef {
            is_pub,
            name,
            generics,
            fields,
            deriving,
            span,
        }),
    ))
}

/// Sum type (`type N do … end`) or alias (`type N = T`).
pub fn type_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, Item> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, generics) = generics(i)?;
    if i.is(&Tok::Assign) {
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        let span = i.since(start);
        return Ok((
            i,
            Item::TypeAlias(TypeAliasDef {
                is_pub,
                name,
                generics,
                ty: t,
                span,
            }),
        ));
    }
    if !i.is_kw(Kw::Do) {
        let mut e = PErr::expected(i, "`do`");
        e.expected.push("`=`".to_string());
        return Err(nom::Err::Failure(e));
    }
    let do_span = i.span();
    let mut i = i.advance(1);
    let mut variants = Vec::new();
    loop {
        i = newlines(i);
        if !matches!(i.peek(), Tok::Ident(_)) {
            break;
        }
        let vstart = i;
        let (rest, vname) = ident(i)?;
        let (rest, fields) = if rest.is(&Tok::LParen) {
            delimited_list(rest, Tok::RParen, variant_field)?
        } else {
            (rest, Vec::new())
        };
        variants.push(VariantDef {
            name: vname,
            fields,
            span: rest.since(vstart),
        });
        i = rest;
    }
    let (i, _) = close_end(i, do_span, &["variant"])?;
    let (i, deriving) = deriving(i)?;
    let span = i.since(start);
    Ok((
        i,
        Item::SumType(SumTypeDef {
            is_pub,
            name,
            generics,
            variants,
            deriving,
            span,
        }),
    ))
}

/// `IDENT "::" type | type`
fn variant_field(i: Input) -> PResult<VariantField> {
    let start = i;
    if matches!(i.peek(), Tok::Ident(_)) && i.peek_at(1) == &Tok::ColonColon {
        let (i, name) = ident(i)?;
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        let span = i.since(start);
        return Ok((
            i,
            VariantField {
                name: Some(name),
                ty: t,
                span,
            },
        ));
    }
    let (i, t) = ty(i)?;
    let span = i.since(start);
    Ok((
        i,
        VariantField {
            name: None,
            ty: t,
            span,
        },
    ))
}

pub fn interface_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, Item> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, generics) = generics(i)?;
    let (mut i, do_span) = expect_do(i)?;
    let mut methods = Vec::new();
    loop {
        i = newlines(i);
        if !matches!(i.peek(), Tok::Kw(Kw::Fn | Kw::Def)) {
            break;
        }
        let (rest, m) = method_sig(i)?;
        methods.push(m);
        i = rest;
    }
    let (i, _) = close_end(i, do_span, &["`fn`"])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Interface(InterfaceDef {
            is_pub,
            name,
            generics,
            methods,
            span,
        }),
    ))
}

/// `("fn"|"def") IDENT [simple_params] ["->" type] ["do" block "end"]`
fn method_sig(i: Input) -> PResult<MethodSig> {
    let start = i;
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, params) = if i.is(&Tok::LParen) {
        let (i, ps) = delimited_list(i, Tok::RParen, simple_param)?;
        (i, Some(ps))
    } else {
        (i, None)
    };
    let (i, ret) = if i.is(&Tok::Arrow) {
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        (i, Some(t))
    } else {
        (i, None)
    };
    let (i, default_body) = if i.is_kw(Kw::Do) {
        let do_span = i.span();
        let (i, b) = block(i.advance(1))?;
        let (i, _) = close_end(i, do_span, &[])?;
        (i, Some(b))
    } else {
        (i, None)
    };
    let span = i.since(start);
    Ok((
        i,
        MethodSig {
            name,
            params,
            ret,
            default_body,
            span,
        },
    ))
}

/// `"impl" path ["<" types ">"] "for" path [where] "do" block "end"`
pub fn impl_def(i: Input) -> PResult<Item> {
    let start = i;
    let (i, interface) = path(i.advance(1)).map_err(to_failure)?;
    let (i, interface_args) = if i.is(&Tok::Lt) {
        delimited_list(i, Tok::Gt, ty)?
    } else {
        (i, Vec::new())
    };
    let (i, _) = expect(Tok::Kw(Kw::For))(i)?;
    let (i, target) = path(i).map_err(to_failure)?;
    let (i, where_clause) = where_clause(i)?;
    let (i, do_span) = expect_do(i)?;
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Impl(ImplDef {
            interface,
            interface_args,
            target,
            where_clause,
            body,
            span,
        }),
    ))
}
