//! Placement of the function-entry stack check: before the first call on
//! each path, so paths that call nothing (the base case of a recursion, leaf
//! functions) pay nothing.
//!
//! When the stack is too short there, the slow path runs the function
//! again from its start on a new stack segment, with the current parameter
//! values (see `snow.h`). That is the same computation only if nothing on
//! the path before the check must not happen twice, so the check goes no
//! later than the first statement that (anywhere inside) has an effect
//! other than computing a value, may run user code through the runtime,
//! assigns a parameter, or jumps (a label may be a loop head; a goto may
//! skip the check, unless nothing after its target calls). Loops count as
//! calls: their back-edge checks use the same probe, so a loop starts only
//! in a frame that passed an entry check.

use super::{Label, Local, RtOp, Rv, Stmt};
use crate::stdlib;
use crate::types::ty::Ty;

fn rv_calls(rv: &Rv) -> bool {
    matches!(rv, Rv::Call(..) | Rv::CallClosure(..))
}

/// May executing these statements call a Snow function or start a loop?
fn calls(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign(_, rv) | Stmt::Eval(rv) => rv_calls(rv),
        Stmt::If(..) | Stmt::Switch(..) => s.blocks().into_iter().any(calls),
        Stmt::Loop(_) => true,
        // A tail jump re-enters the function, which checks again.
        _ => false,
    })
}

/// Jumps make "the rest of the statements" ill-defined; only sink the check
/// through plainly structured code.
fn has_jumps(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Goto(_) | Stmt::Label(_) | Stmt::TailJump(_) => true,
        Stmt::If(..) | Stmt::Switch(..) | Stmt::Loop(_) => s.blocks().into_iter().any(has_jumps),
        _ => false,
    })
}

/// Runtime operations that only compute a value from their operands (and
/// allocate): doing one twice is invisible. Everything that may run user
/// code (protocol hooks of keys and values, comparator closures) or talks
/// to the world is excluded.
fn repeatable_rt(op: &RtOp) -> bool {
    match op {
        RtOp::ConcatN
        | RtOp::ListLit(_)
        | RtOp::ListAddItems(_)
        | RtOp::ListItem(_)
        | RtOp::Abs(_)
        | RtOp::Min(_)
        | RtOp::Max(_)
        | RtOp::RangeStart
        | RtOp::RangeStop
        | RtOp::OrderingOf => true,
        // Setting the same terminate block again changes nothing; and an
        // actor's entry must set it before its first preemption point (an
        // exit taken there still runs the block).
        RtOp::SetTerminate(_) => true,
        RtOp::Extern(i, _) => repeatable_extern(&stdlib::RT_FNS[*i]),
        _ => false,
    }
}

/// A table entry is repeatable when it cannot reach user code or the world:
/// a leaf without a context, or a function of a data module (`data` in
/// `stdlib::MODULES`) that takes no descriptor and no bare element (a
/// parameter whose type is a type variable: its equality or hash may be a
/// user's implementation); and `self`.
fn repeatable_extern(f: &stdlib::RtFn) -> bool {
    if f.flags & stdlib::NO_CTX != 0 || (f.module, f.name) == ("Process", "__self") {
        return true;
    }
    let data = stdlib::module(f.module).is_some_and(|m| m.data);
    if !data || f.flags & stdlib::ARG_DESC != 0 {
        return false;
    }
    let Ty::Fun(params, _) = stdlib::signature(f.sig).1 else {
        unreachable!("signatures are functions")
    };
    !params.iter().any(|p| matches!(p, Ty::Gen(_)))
}

/// What the placement knows of a function: its parameters, and the labels
/// of its top level after which nothing calls (a jump there needs no check).
struct Cx<'a> {
    params: &'a [Local],
    quiet: Vec<Label>,
}

/// Must the entry check come before these statements (see the module
/// comment)? Only asked of statements that call nothing.
fn barrier(stmts: &[Stmt], cx: &Cx) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign(l, rv) => cx.params.contains(l) || !repeatable(rv),
        Stmt::Eval(rv) => !repeatable(rv),
        Stmt::If(..) | Stmt::Switch(..) | Stmt::Loop(_) => {
            s.blocks().into_iter().any(|b| barrier(b, cx))
        }
        Stmt::Goto(l) => !cx.quiet.contains(l),
        Stmt::Label(_) | Stmt::TailJump(_) => true,
        Stmt::Break
        | Stmt::Continue
        | Stmt::Return(_)
        | Stmt::Panic(..)
        | Stmt::At(_)
        | Stmt::EntryCheck => false,
    })
}

fn repeatable(rv: &Rv) -> bool {
    match rv {
        Rv::Rt(op, ..) => repeatable_rt(op),
        _ => true,
    }
}

/// Insert `EntryCheck` so that every path reaching a call passes one, at a
/// point where the function can start over (`params` are its parameters).
pub fn place(stmts: Vec<Stmt>, params: &[Local]) -> Vec<Stmt> {
    let Some(first) = stmts.iter().position(|s| calls(std::slice::from_ref(s))) else {
        return stmts;
    };
    let quiet = (first..stmts.len())
        .filter_map(|i| match stmts[i] {
            Stmt::Label(l) if !calls(&stmts[i..]) => Some(l),
            _ => None,
        })
        .collect();
    let cx = Cx { params, quiet };
    let mut out = stmts;
    if let Some(b) = (0..first).find(|&i| barrier(&out[i..=i], &cx)) {
        out.insert(b, Stmt::EntryCheck);
        return out;
    }
    let rest_calls = calls(&out[first + 1..]);
    let sinkable = !rest_calls && !has_jumps(&out);
    match out.remove(first) {
        Stmt::If(c, a, b) if sinkable => {
            out.insert(first, Stmt::If(c, place(a, params), place(b, params)))
        }
        Stmt::Switch(v, cases, default) if sinkable => {
            let cases = cases.into_iter().map(|(k, b)| (k, place(b, params)));
            let s = Stmt::Switch(v, cases.collect(), place(default, params));
            out.insert(first, s)
        }
        s => {
            out.insert(first, s);
            out.insert(first, Stmt::EntryCheck);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mir::{FuncId, Operand};
    use crate::types::tast::Pos;

    fn call() -> Stmt {
        Stmt::Assign(Local(1), Rv::Call(FuncId(0), vec![]))
    }

    fn extern_op(module: &str, name: &str) -> RtOp {
        let i = stdlib::RT_FNS
            .iter()
            .position(|f| f.module == module && f.name == name)
            .expect("a table entry");
        RtOp::Extern(i, crate::mir::Ty::unit())
    }

    fn print() -> Stmt {
        Stmt::Eval(Rv::Rt(extern_op("IO", "println"), vec![], Pos::default()))
    }

    fn pure() -> Stmt {
        Stmt::Assign(
            Local(2),
            Rv::Rt(extern_op("List", "tail"), vec![], Pos::default()),
        )
    }

    #[test]
    fn table_entries_that_may_reach_user_code_are_barriers() {
        let rep = |m, n| repeatable_rt(&extern_op(m, n));
        assert!(rep("List", "tail") && rep("String", "length") && rep("Map", "size"));
        assert!(!rep("IO", "println") && !rep("Map", "put") && !rep("Set", "contains"));
        assert!(!rep("Json", "encode") && !rep("Timer", "sleep"));
    }

    fn kinds(stmts: &[Stmt]) -> String {
        stmts
            .iter()
            .map(|s| match s {
                Stmt::EntryCheck => "check".to_string(),
                Stmt::Assign(_, Rv::Call(..)) => "call".into(),
                Stmt::Eval(Rv::Rt(..)) => "print".into(),
                Stmt::Assign(_, Rv::Rt(..)) => "pure".into(),
                Stmt::If(_, a, b) => format!("if[{}][{}]", kinds(a), kinds(b)),
                Stmt::Loop(b) => format!("loop[{}]", kinds(b)),
                Stmt::Label(_) => "label".into(),
                Stmt::Goto(_) => "goto".into(),
                Stmt::Assign(..) => "assign".into(),
                _ => "other".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_check_sinks_past_pure_code_to_the_first_call() {
        let c = Operand::Local(Local(3));
        let body = vec![pure(), Stmt::If(c, vec![pure()], vec![pure(), call()])];
        assert_eq!(
            kinds(&place(body, &[Local(0)])),
            "pure if[pure][pure check call]"
        );
    }

    #[test]
    fn the_check_comes_before_effects_jumps_and_parameter_updates() {
        let body = vec![pure(), print(), call()];
        assert_eq!(kinds(&place(body, &[])), "pure check print call");
        let body = vec![pure(), Stmt::Label(Label(0)), call()];
        assert_eq!(kinds(&place(body, &[])), "pure check label call");
        // A goto past the first call: to a label before another call, or
        // to one after which nothing calls.
        let c = Operand::Local(Local(3));
        let skip = |l| Stmt::If(c.clone(), vec![Stmt::Goto(Label(l))], vec![]);
        let body = vec![skip(0), call(), Stmt::Label(Label(0)), call()];
        assert_eq!(kinds(&place(body, &[])), "check if[goto][] call label call");
        let body = vec![skip(0), pure(), call(), Stmt::Label(Label(0)), pure()];
        assert_eq!(
            kinds(&place(body, &[])),
            "if[goto][] pure check call label pure"
        );
        let set_param = Stmt::Assign(Local(0), Rv::Use(Operand::Int(1)));
        let body = vec![set_param, call()];
        assert_eq!(kinds(&place(body, &[Local(0)])), "check assign call");
        let c = Operand::Local(Local(3));
        let body = vec![Stmt::If(c, vec![print()], vec![]), call()];
        assert_eq!(kinds(&place(body, &[])), "check if[print][] call");
    }

    #[test]
    fn loops_count_as_calls() {
        let body = vec![pure(), Stmt::Loop(vec![pure(), Stmt::Break])];
        assert_eq!(kinds(&place(body, &[])), "pure check loop[pure other]");
        let body = vec![pure(), print()];
        assert_eq!(kinds(&place(body, &[])), "pure print", "nothing to check");
    }
}
