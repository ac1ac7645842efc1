//! Declarations (§5): dispatch, functions, modules, imports.

use nom::combinator::cut;
use nom::multi::separated_list1;
use nom::sequence::{pair, preceded};

use super::actors::{actor_def, service_def, supervisor_def};
use super::error::PErr;
use super::expr::{expr, head_expr};
use super::input::{delimited_list, expect, ident, to_failure, tok, word, Input, PResult};
use super::pattern::param;
use super::stmt::{block, close_end, expect_do, Mode};
use super::typedefs::{impl_def, interface_def, struct_def, type_def};
use super::types::{path, ty};
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, Tok};

/// A declaration, if the leading tokens announce one (§4); `None` means the
/// statement is something else.
pub fn item(i: Input, mode: Mode) -> Option<PResult<Item>> {
    let start = i;
    let (is_pub, i) = if i.is_kw(Kw::Pub) {
        (true, i.advance(1))
    } else {
        (false, i)
    };
    let r = match i.peek() {
        Tok::Kw(Kw::Fn | Kw::Def) if matches!(i.peek_at(1), Tok::Ident(_)) => {
            fn_def(i, start, is_pub).map(|(i, f)| (i, Item::Fn(f)))
        }
        Tok::Kw(Kw::Def) => Err(i.custom("`def` cannot define a closure; use `fn`")),
        Tok::Kw(Kw::Struct) => struct_def(i, start, is_pub),
        Tok::Kw(Kw::Type) => type_def(i, start, is_pub),
        Tok::Kw(Kw::Interface) => interface_def(i, start, is_pub),
        Tok::Kw(Kw::Module) => module_def(i, start, is_pub),
        Tok::Kw(Kw::Supervisor) => supervisor_def(i, start, is_pub),
        _ if is_pub => Err(nom::Err::Failure(PErr::custom(
            start,
            start.span(),
            "misplaced `pub`: only fn, def, module, struct, type, interface and supervisor definitions can be public",
        ))),
        Tok::Kw(Kw::Impl) => impl_def(i),
        Tok::Kw(Kw::Import) => import(i, mode),
        Tok::Kw(Kw::Actor) => actor_def(i),
        Tok::Kw(Kw::Service) => service_def(i),
        Tok::Ident(s) if s == "from" && matches!(i.peek_at(1), Tok::Ident(_)) => {
            from_import(i, mode)
        }
        _ => return None,
    };
    Some(r)
}

pub fn generics(i: Input) -> PResult<Vec<Name>> {
    if i.is(&Tok::Lt) {
        delimited_list(i, Tok::Gt, ident)
    } else {
        Ok((i, Vec::new()))
    }
}

/// `where T: Path, U: Path` (no trailing comma)
pub fn where_clause(i: Input) -> PResult<Vec<Bound>> {
    if !i.is_kw(Kw::Where) {
        return Ok((i, Vec::new()));
    }
    cut(separated_list1(tok(Tok::Comma), bound))(i.advance(1))
}

/// `IDENT ":" path`
fn bound(i: Input) -> PResult<Bound> {
    let start = i;
    let (i, (param, interface)) = pair(ident, preceded(cut(tok(Tok::Colon)), cut(path)))(i)?;
    let span = i.since(start);
    Ok((
        i,
        Bound {
            param,
            interface,
            span,
        },
    ))
}

/// `("fn"|"def") IDENT [generics] [params] ["->" type] [where] ["when" expr]
/// ("=" expr | "do" block "end")`; `i` is at `fn`/`def`.
pub fn fn_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, FnDef> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let mut expected = vec!["`<`", "`(`", "`->`", "`where`", "`when`"];
    let (i, generics) = generics(i)?;
    if !generics.is_empty() || i.pos() > name_end(start) {
        expected.retain(|e| *e != "`<`");
    }
    let (i, params) = if i.is(&Tok::LParen) {
        expected.retain(|e| *e != "`<`" && *e != "`(`");
        let (i, ps) = delimited_list(i, Tok::RParen, param)?;
        (i, Some(ps))
    } else {
        (i, None)
    };
    let (i, ret) = if i.is(&Tok::Arrow) {
        expected.retain(|e| *e == "`where`" || *e == "`when`");
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        (i, Some(t))
    } else {
        (i, None)
    };
    let (i, where_clause) = where_clause(i)?;
    if !where_clause.is_empty() {
        expected.retain(|e| *e == "`when`");
    }
    let (i, guard) = if i.is_kw(Kw::When) {
        expected.clear();
        let (i, g) = head_expr(i.advance(1)).map_err(to_failure)?;
        (i, Some(g))
    } else {
        (i, None)
    };
    let (i, body) = match i.peek() {
        Tok::Assign => {
            let (i, e) = expr(i.advance(1)).map_err(to_failure)?;
            (i, FnBody::Expr(e))
        }
        Tok::Kw(Kw::Do) => {
            let do_span = i.span();
            let (i, b) = block(i.advance(1))?;
            let (i, _) = close_end(i, do_span, &[])?;
            (i, FnBody::Block(b))
        }
        _ => {
            let mut e = PErr::expected(i, "`=`");
            e.expected = expected.iter().map(|s| s.to_string()).collect();
            e.expected.extend(["`=`".to_string(), "`do`".to_string()]);
            return Err(nom::Err::Failure(e));
        }
    };
    let span = i.since(start);
    Ok((
        i,
        FnDef {
            is_pub,
            name,
            generics,
            params,
            ret,
            where_clause,
            guard,
            body,
            span,
        },
    ))
}

/// Token index just past `[pub] fn NAME`.
fn name_end(start: Input) -> usize {
    start.pos() + if start.is_kw(Kw::Pub) { 3 } else { 2 }
}

fn module_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, Item> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, do_span) = expect_do(i)?;
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Module(ModuleDef {
            is_pub,
            name,
            body,
            span,
        }),
    ))
}

fn top_level_only(i: Input, mode: Mode) -> PResult<()> {
    if mode == Mode::File {
        Ok((i, ()))
    } else {
        Err(i.custom("imports are only allowed at the top level of a file"))
    }
}

/// `"import" path`
fn import(i: Input, mode: Mode) -> PResult<Item> {
    let start = i;
    top_level_only(i, mode)?;
    let (i, p) = path(i.advance(1)).map_err(to_failure)?;
    let span = i.since(start);
    Ok((i, Item::Import(ImportDecl { path: p, span })))
}

/// `"from" path "import" IDENT {"," IDENT} [","]`, all on one line.
fn from_import(i: Input, mode: Mode) -> PResult<Item> {
    let start = i;
    top_level_only(i, mode)?;
    let (i, _) = word("from")(i)?;
    let (i, p) = path(i).map_err(to_failure)?;
    let (mut i, _) = expect(Tok::Kw(Kw::Import))(i)?;
    let mut names = Vec::new();
    loop {
        if i.is(&Tok::Star) {
            return Err(i.custom(
                "glob imports are not supported; list the names to import (`from M import a, b`)",
            ));
        }
        let (rest, n) = ident(i).map_err(|_| i.failure("name to import"))?;
        names.push(n);
        i = rest;
        if !i.is(&Tok::Comma) {
            break;
        }
        i = i.advance(1);
        // A trailing comma only directly before the line break.
        if matches!(i.peek(), Tok::Newline | Tok::Semi | Tok::Eof) {
            break;
        }
    }
    let span = i.since(start);
    Ok((
        i,
        Item::FromImport(FromImportDecl {
            path: p,
            names,
            span,
        }),
    ))
}
