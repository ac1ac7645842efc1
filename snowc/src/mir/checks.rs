//! Placement of the function-entry stack check: before the first call on
//! each path, so paths that call nothing (the base case of a recursion, leaf
//! functions) pay nothing.

use super::{Rv, Stmt};

fn rv_calls(rv: &Rv) -> bool {
    matches!(rv, Rv::Call(..) | Rv::CallClosure(..))
}

/// May executing these statements call a Snow function?
fn calls(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign(_, rv) | Stmt::Eval(rv) => rv_calls(rv),
        Stmt::If(_, a, b) => calls(a) || calls(b),
        Stmt::Loop(b) => calls(b),
        // A tail jump re-enters the function, which checks again.
        _ => false,
    })
}

/// Jumps make "the rest of the statements" ill-defined; only sink the check
/// through plainly structured code.
fn has_jumps(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Goto(_) | Stmt::Label(_) | Stmt::TailJump(_) => true,
        Stmt::If(_, a, b) => has_jumps(a) || has_jumps(b),
        Stmt::Loop(b) => has_jumps(b),
        _ => false,
    })
}

/// Insert `EntryCheck` so that every path reaching a call passes one.
pub fn place(stmts: Vec<Stmt>) -> Vec<Stmt> {
    let Some(first) = stmts.iter().position(|s| calls(std::slice::from_ref(s))) else {
        return stmts;
    };
    let rest_calls = calls(&stmts[first + 1..]);
    let sinkable = !rest_calls && !has_jumps(&stmts) && matches!(stmts[first], Stmt::If(..));
    let mut out = stmts;
    if sinkable {
        if let Stmt::If(c, a, b) = out.remove(first) {
            out.insert(first, Stmt::If(c, place(a), place(b)));
        }
    } else {
        out.insert(first, Stmt::EntryCheck);
    }
    out
}
