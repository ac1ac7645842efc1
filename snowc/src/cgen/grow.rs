//! What a function needs to run again from a failed entry check, possibly
//! on a new stack segment (see `snow.h`): its arguments as a struct, a
//! `rerun` function that calls it from that struct, and a cold `slow`
//! helper that the check returns through; and, for a function whose frame
//! may be larger than the room kept below every stack limit, a small front
//! function that checks for the whole frame before the body makes it.

use std::fmt::Write;

use super::types::sep;
use super::Emitter;
use crate::mir::{Func, FuncId, RtOp, Rv, Stmt};

/// Frames up to this many bytes (by `frame_bound`) fit in the room below
/// every stack limit; larger ones are checked for in full.
pub const BIG_FRAME: usize = 4096;

/// An upper bound on the function's C frame without optimisation, where
/// every variable and compound literal has a slot of its own: 16 bytes a
/// slot (8 and alignment), and 256 for saved registers and outgoing
/// arguments. Optimised frames are much smaller.
pub fn frame_bound(f: &Func) -> usize {
    let per_site = f.params.len() + 2;
    let slots = f.locals.len() + f.params.len() + 4 + extra_slots(&f.body, per_site);
    slots * 16 + 256
}

/// Slots beyond the locals: tail-call temporaries, array literals, the
/// argument struct of each check.
fn extra_slots(stmts: &[Stmt], per_site: usize) -> usize {
    stmts
        .iter()
        .map(|s| match s {
            Stmt::TailJump(ops) => ops.len() + per_site,
            Stmt::EntryCheck => per_site,
            Stmt::Assign(_, Rv::Rt(op, ops, _)) | Stmt::Eval(Rv::Rt(op, ops, _)) => match op {
                RtOp::ListLit(_) | RtOp::ConcatN | RtOp::ListAddItems(_) => ops.len(),
                _ => 0,
            },
            Stmt::If(..) | Stmt::Switch(..) | Stmt::Loop(_) => {
                s.blocks().iter().map(|b| extra_slots(b, per_site)).sum()
            }
            _ => 0,
        })
        .sum()
}

/// The C names a growable function's support uses.
pub struct Names {
    /// The function callers call (for a big frame, the front function).
    pub func: String,
    /// The argument struct's tag, the rerun function and the cold helper
    /// a check returns through.
    pub args: String,
    pub rerun: String,
    pub slow: String,
    /// The function holding the body: `func` itself, or for a big frame a
    /// separate function the front calls.
    pub body: String,
}

impl Names {
    pub fn new(em: &mut Emitter, id: FuncId, big: bool) -> Names {
        let func = em.fn_name(id);
        let mut derived =
            |what, suffix: &str| em.types.derived(what, &func, |n| format!("{n}__{suffix}"));
        let args = derived("rerun args", "args");
        let rerun = derived("rerun", "rerun");
        let slow = derived("slow", "slow");
        let body = if big {
            derived("body", "body")
        } else {
            func.clone()
        };
        Names {
            func,
            args,
            rerun,
            slow,
            body,
        }
    }
}

/// The C parameters after `ctx` (the environment of a closure first), as
/// (type, name).
pub fn c_params(em: &mut Emitter, f: &Func, names: &[String]) -> Vec<(String, String)> {
    let mut ps = Vec::new();
    if f.closure.is_some() {
        ps.push(("snow_closure *".to_string(), "env".to_string()));
    }
    for p in &f.params {
        let n = &names[p.0 as usize];
        if f.word_abi {
            ps.push(("snow_word".into(), format!("{n}__w")));
        } else {
            let t = &f.locals[p.0 as usize].ty;
            ps.push((em.types.cty(t, &em.prog.adts), n.clone()));
        }
    }
    ps
}

/// Emitted before the function: the argument struct, the rerun function
/// that calls the function from it, and the cold helper that runs it again
/// through the slow path, which moves to a new segment with room for
/// `frame` bytes if need be (`site`: its `snow_fn_loc`). `ret` is the
/// function's C result type.
pub fn support(n: &Names, ps: &[(String, String)], ret: &str, site: &str, frame: usize) -> String {
    let void = ret == "void";
    let mut out = format!("struct {} {{\n", n.args);
    for (i, (t, _)) in ps.iter().enumerate() {
        let _ = writeln!(out, "    {t}{}p{i};", sep(t));
    }
    if !void {
        let _ = writeln!(out, "    {ret}{}ret;", sep(ret));
    } else if ps.is_empty() {
        out.push_str("    char unused;\n");
    }
    out.push_str("};\n\n");
    let args: Vec<String> = std::iter::once("ctx".to_string())
        .chain((0..ps.len()).map(|i| format!("a->p{i}")))
        .collect();
    let set = if void { "" } else { "a->ret = " };
    let _ = write!(
        out,
        "static void {}(snow_ctx *ctx, void *p) {{\n    struct {} *a = (struct {} *)p;\n    {set}{}({});\n}}\n\n",
        n.rerun,
        n.args,
        n.args,
        n.func,
        args.join(", ")
    );
    let params: Vec<String> = std::iter::once("snow_ctx *ctx".to_string())
        .chain(
            ps.iter()
                .enumerate()
                .map(|(i, (t, _))| format!("{t}{}p{i}", sep(t))),
        )
        .collect();
    let init: Vec<String> = (0..ps.len()).map(|i| format!(".p{i} = p{i}")).collect();
    let init = if init.is_empty() {
        "{0}".to_string()
    } else {
        format!("{{{}}}", init.join(", "))
    };
    let _ = write!(
        out,
        "SNOW_COLD SNOW_NOINLINE static {ret}{}{}({}) {{\n    struct {} a = {init};\n    snow_slow_path_rerun(ctx, {site}, {frame}, {}, &a);\n{}}}\n\n",
        sep(ret),
        n.slow,
        params.join(", "),
        n.args,
        n.rerun,
        if void { "" } else { "    return a.ret;\n" }
    );
    out
}

/// The statement a failed check runs: return what the function returns
/// when it runs again, given its argument values `vals` (C expressions, in
/// `c_params` order).
pub fn rerun(n: &Names, vals: &[String], ret: &str) -> String {
    let call = format!(
        "{}({})",
        n.slow,
        std::iter::once("ctx")
            .chain(vals.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if ret == "void" {
        format!("{{\n    {call};\n    return;\n}}")
    } else {
        format!("return {call};")
    }
}

/// The front function of a big frame: checks for `frame` bytes, then calls
/// the body (declared first, never inlined into it or its callers).
pub fn front(
    n: &Names,
    sig: &str,
    body_sig: &str,
    ps: &[(String, String)],
    ret: &str,
    frame: usize,
) -> String {
    let vals: Vec<String> = ps.iter().map(|(_, v)| v.clone()).collect();
    let mut out = format!("SNOW_NOINLINE {body_sig};\n\n{sig} {{\n    char snow_probe_;\n");
    let _ = writeln!(
        out,
        "    if (SNOW_STACK_SHORT_FRAME(ctx, {frame})) {}",
        rerun(n, &vals, ret).replace('\n', "\n    ")
    );
    let call = format!(
        "{}({})",
        n.body,
        std::iter::once("ctx".to_string())
            .chain(vals)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if ret == "void" {
        let _ = writeln!(out, "    {call};");
    } else {
        let _ = writeln!(out, "    return {call};");
    }
    out.push_str("}\n\n");
    out
}
