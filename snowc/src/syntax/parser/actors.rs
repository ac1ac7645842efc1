//! Actors, services and supervisors (§10).

use super::error::PErr;
use super::expr::expr;
use super::input::{
    delimited_list, expect, ident, int_lit, seps, to_failure, word, Input, PResult,
};
use super::items::fn_def;
use super::pattern::simple_param;
use super::stmt::{block, block_span, close_end, expect_do, stmts, Mode};
use super::types::ty;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, Tok};

fn simple_params(i: Input) -> PResult<Vec<Param>> {
    if i.is(&Tok::LParen) {
        delimited_list(i, Tok::RParen, simple_param)
    } else {
        Ok((i, Vec::new()))
    }
}

/// `"actor" IDENT [simple_params] "do" actor_block "end"`
pub fn actor_def(i: Input) -> PResult<Item> {
    let start = i;
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, params) = simple_params(i)?;
    let (i, do_span) = expect_do(i)?;
    let body_start = i;
    let (i, (body, terminate)) = stmts(i, Mode::Actor)?;
    let body_span = block_span(body_start, i, &body);
    let (i, _) = close_end(i, do_span, &[])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Actor(ActorDef {
            name,
            params,
            body: Block {
                stmts: body,
                span: body_span,
            },
            terminate,
            span,
        }),
    ))
}

/// `"service" IDENT "do" {member} "end"`
pub fn service_def(i: Input) -> PResult<Item> {
    let start = i;
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (mut i, do_span) = expect_do(i)?;
    let mut members = Vec::new();
    loop {
        i = seps(i);
        let mstart = i;
        let member = match i.peek() {
            Tok::Kw(Kw::Pub) if matches!(i.peek_at(1), Tok::Kw(Kw::Fn | Kw::Def)) => {
                let (rest, f) = fn_def(i.advance(1), mstart, true)?;
                i = rest;
                ServiceMember::Fn(f)
            }
            Tok::Kw(Kw::Fn | Kw::Def) => {
                let (rest, f) = fn_def(i, mstart, false)?;
                i = rest;
                ServiceMember::Fn(f)
            }
            Tok::Kw(Kw::Call) => {
                let (rest, h) = handler(i, true)?;
                i = rest;
                ServiceMember::Call(h)
            }
            Tok::Kw(Kw::Cast) => {
                let (rest, h) = handler(i, false)?;
                i = rest;
                ServiceMember::Cast(h)
            }
            _ => break,
        };
        members.push(member);
    }
    let (i, _) = close_end(i, do_span, &["`fn`", "`call`", "`cast`"])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Service(ServiceDef {
            name,
            members,
            span,
        }),
    ))
}

/// `("call"|"cast") IDENT [simple_params] ["::" type] "do" ["|" IDENT "|"] block "end"`
fn handler(i: Input, is_call: bool) -> PResult<Handler> {
    let start = i;
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (i, params) = simple_params(i)?;
    let (i, reply) = if is_call && i.is(&Tok::ColonColon) {
        let (i, t) = ty(i.advance(1)).map_err(to_failure)?;
        (i, Some(t))
    } else {
        (i, None)
    };
    let (i, do_span) = expect_do(i)?;
    let (i, state) = if i.is(&Tok::Bar) {
        let (i, n) = ident(i.advance(1)).map_err(|_| i.advance(1).failure("state name"))?;
        let (i, _) = expect(Tok::Bar)(i)?;
        (i, Some(n))
    } else {
        (i, None)
    };
    let (i, body) = block(i)?;
    let (i, _) = close_end(i, do_span, &[])?;
    let span = i.since(start);
    Ok((
        i,
        Handler {
            name,
            params,
            reply,
            state,
            body,
            span,
        },
    ))
}

fn key_colon<'a>(i: Input<'a>, key: &'static str) -> PResult<'a, ()> {
    let (i, _) = word(key)(i)?;
    let (i, _) = expect(Tok::Colon)(i)?;
    Ok((i, ()))
}

fn unknown_key(i: Input, what: &str) -> nom::Err<PErr> {
    let found = i.peek().describe();
    i.custom(format!("unknown {what} entry: found {found}"))
}

/// `["pub"] "supervisor" IDENT "do" {sup_entry} "end"`
pub fn supervisor_def<'a>(i: Input<'a>, start: Input<'a>, is_pub: bool) -> PResult<'a, Item> {
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (mut i, do_span) = expect_do(i)?;
    let mut entries = Vec::new();
    loop {
        i = seps(i);
        let Tok::Ident(key) = i.peek() else { break };
        let (rest, e) = match key.as_str() {
            "strategy" => {
                let (r, _) = key_colon(i, "strategy")?;
                let (r, n) = ident(r).map_err(|_| r.failure("strategy name"))?;
                (r, SupEntry::Strategy(n))
            }
            "max_restarts" | "max_seconds" => {
                let restarts = key == "max_restarts";
                let (r, _) = key_colon(
                    i,
                    if restarts {
                        "max_restarts"
                    } else {
                        "max_seconds"
                    },
                )?;
                let (r, (n, sp)) = int_lit(r).map_err(to_failure)?;
                let e = if restarts {
                    SupEntry::MaxRestarts(n, sp)
                } else {
                    SupEntry::MaxSeconds(n, sp)
                };
                (r, e)
            }
            "child" => {
                let (r, c) = child(i)?;
                (r, SupEntry::Child(c))
            }
            _ => return Err(unknown_key(i, "supervisor")),
        };
        entries.push(e);
        i = rest;
    }
    let (i, _) = close_end(i, do_span, &["supervisor entry"])?;
    let span = i.since(start);
    Ok((
        i,
        Item::Supervisor(SupervisorDef {
            is_pub,
            name,
            entries,
            span,
        }),
    ))
}

/// `"child" IDENT "do" {child_entry} "end"`
fn child(i: Input) -> PResult<ChildSpec> {
    let start = i;
    let (i, name) = ident(i.advance(1)).map_err(to_failure)?;
    let (mut i, do_span) = expect_do(i)?;
    let mut entries = Vec::new();
    loop {
        i = seps(i);
        let Tok::Ident(key) = i.peek() else { break };
        let (rest, e) = match key.as_str() {
            "start" => {
                let (r, _) = key_colon(i, "start")?;
                let (r, e) = expr(r).map_err(to_failure)?;
                (r, ChildEntry::Start(e))
            }
            "restart" => {
                let (r, _) = key_colon(i, "restart")?;
                let (r, n) = ident(r).map_err(|_| r.failure("restart policy"))?;
                (r, ChildEntry::Restart(n))
            }
            "shutdown" => {
                let (r, _) = key_colon(i, "shutdown")?;
                match r.peek() {
                    Tok::Int(n) => (r.advance(1), ChildEntry::ShutdownMs(*n, r.span())),
                    _ => {
                        let (r2, n) =
                            ident(r).map_err(|_| r.failure("milliseconds or `brutal_kill`"))?;
                        (r2, ChildEntry::ShutdownName(n))
                    }
                }
            }
            _ => return Err(unknown_key(i, "child")),
        };
        entries.push(e);
        i = rest;
    }
    let (i, _) = close_end(i, do_span, &["child entry"])?;
    let span = i.since(start);
    Ok((
        i,
        ChildSpec {
            name,
            entries,
            span,
        },
    ))
}
