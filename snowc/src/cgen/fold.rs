//! Shaping a function's C before it is written: which statements are dead,
//! which compiler temporaries are folded into their one use, and which
//! locals are only another name for a parameter or an earlier local.
//!
//! Folding keeps C's evaluation order: a temporary is folded only into the
//! statement right after its assignment, and only when it is assigned
//! once and read once. So the folded expression runs where it ran before,
//! first among the effects of that statement (a C function's arguments are
//! evaluated before the call; the other operands of the statement are
//! locals and constants, which no call can change), and a statement takes
//! at most one folded expression, so no two effects become unsequenced.
//! The collector scans stack and registers, and a folded value lives in
//! one or the other exactly as a named local would.

use std::collections::{HashMap, HashSet};

use super::func::{has_effect, is_unit_like, rv_operands};
use crate::mir::{Func, Operand, RtOp, Rv, Stmt};
use crate::stdlib;

/// Does control never reach the statement after `s`?
fn ends_flow(s: &Stmt) -> bool {
    matches!(
        s,
        Stmt::Goto(_)
            | Stmt::Return(_)
            | Stmt::Break
            | Stmt::Continue
            | Stmt::TailJump(_)
            | Stmt::Panic(..)
    )
}

fn has_label(s: &Stmt, targets: &HashSet<u32>) -> bool {
    match s {
        Stmt::Label(l) => targets.contains(&l.0),
        _ => s
            .blocks()
            .into_iter()
            .any(|b| b.iter().any(|s| has_label(s, targets))),
    }
}

/// The statements of a block that can run: those after a statement that
/// ends the flow are skipped until one holding a jump target.
pub fn live<'s>(stmts: &'s [Stmt], targets: &HashSet<u32>) -> Vec<&'s Stmt> {
    let mut out = Vec::new();
    let mut dead = false;
    for s in stmts {
        if dead && !has_label(s, targets) {
            continue;
        }
        dead = ends_flow(s);
        out.push(s);
    }
    out
}

/// The labels some live `goto` jumps to. Dropping dead code can drop the
/// only jump to a label, which makes more code dead; so this repeats until
/// nothing changes (each round only removes labels).
pub fn jump_targets(body: &[Stmt]) -> HashSet<u32> {
    fn gotos(stmts: &[Stmt], t: &HashSet<u32>, out: &mut HashSet<u32>) {
        for s in live(stmts, t) {
            if let Stmt::Goto(l) = s {
                out.insert(l.0);
            }
            for b in s.blocks() {
                gotos(b, t, out);
            }
        }
    }
    let mut all = HashSet::new();
    fn every(stmts: &[Stmt], out: &mut HashSet<u32>) {
        for s in stmts {
            if let Stmt::Goto(l) = s {
                out.insert(l.0);
            }
            for b in s.blocks() {
                every(b, out);
            }
        }
    }
    every(body, &mut all);
    loop {
        let mut next = HashSet::new();
        gotos(body, &all, &mut next);
        if next == all {
            return all;
        }
        all = next;
    }
}

/// Is this assignment or evaluation written into the C at all?
pub fn emitted(s: &Stmt, read: &HashSet<u32>) -> bool {
    match s {
        Stmt::Assign(l, rv) => read.contains(&l.0) || has_effect(rv),
        Stmt::Eval(rv) => has_effect(rv),
        _ => true,
    }
}

/// The locals a statement reads itself (not in nested blocks), as often as
/// the C text names them.
pub fn top_reads(s: &Stmt, read: &HashSet<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut local = |o: &Operand| {
        if let Operand::Local(l) = o {
            out.push(l.0)
        }
    };
    if !emitted(s, read) {
        return out;
    }
    match s {
        Stmt::Assign(_, rv) | Stmt::Eval(rv) => {
            rv_operands(rv, &mut local);
            if duplicates(rv) {
                // Each operand appears twice in the C.
                rv_operands(rv, &mut local);
            }
            if let Rv::CallClosure(c, ..) = rv {
                // The closure is called through its own `fn` field.
                local(c);
            }
        }
        Stmt::If(c, ..) | Stmt::Switch(c, ..) | Stmt::Return(c) => local(c),
        Stmt::TailJump(ops) => ops.iter().for_each(local),
        _ => {}
    }
    out
}

/// Operations whose C form names an operand more than once.
fn duplicates(rv: &Rv) -> bool {
    matches!(
        rv,
        Rv::Rt(
            RtOp::Abs(_) | RtOp::Min(_) | RtOp::Max(_) | RtOp::OrderingOf,
            ..
        )
    )
}

/// Does the statement set `ctx->loc` before it runs?
pub fn sets_loc(s: &Stmt) -> bool {
    match s {
        Stmt::Assign(_, Rv::Rt(RtOp::Extern(i, _), ..))
        | Stmt::Eval(Rv::Rt(RtOp::Extern(i, _), ..)) => stdlib::RT_FNS[*i].has(stdlib::MAY_PANIC),
        _ => false,
    }
}

/// What the emitter does beyond writing each statement as it comes.
#[derive(Default, Debug)]
pub struct Plan {
    /// Temporaries whose expression is written into the next statement.
    pub folded: HashSet<u32>,
    /// Locals stored in another local: a copy between the two is not
    /// written (`x = p` of a parameter never reassigned; `y = e; ...; t = y`
    /// of a temporary `t`, which is then `y`; `t = e; ...; x = t` of a
    /// temporary read only by the copy, which then assigns `x` at once).
    pub alias: HashMap<u32, u32>,
}

impl Plan {
    /// Do the two locals share one C variable?
    pub fn same(&self, a: u32, b: u32) -> bool {
        self.alias.get(&a) == Some(&b) || self.alias.get(&b) == Some(&a)
    }
}

/// Counts of assignments and reads of each local over the live statements.
fn counts(f: &Func, targets: &HashSet<u32>, read: &HashSet<u32>) -> (Vec<u32>, Vec<u32>) {
    fn walk(
        stmts: &[Stmt],
        t: &HashSet<u32>,
        read: &HashSet<u32>,
        defs: &mut [u32],
        reads: &mut [u32],
    ) {
        for s in live(stmts, t) {
            if let Stmt::Assign(l, _) = s {
                defs[l.0 as usize] += 1;
            }
            for l in top_reads(s, read) {
                reads[l as usize] += 1;
            }
            for b in s.blocks() {
                walk(b, t, read, defs, reads);
            }
        }
    }
    let n = f.locals.len();
    let (mut defs, mut reads) = (vec![0; n], vec![0; n]);
    walk(&f.body, targets, read, &mut defs, &mut reads);
    for p in &f.params {
        // A parameter holds its argument, and tail jumps reassign it.
        defs[p.0 as usize] += if f.has_tail_jump { 2 } else { 0 };
    }
    (defs, reads)
}

/// Plans the folding and aliasing of function `f`, whose needed locals are
/// `read`; aliases' originals join `read` and the aliases leave it.
pub fn plan(f: &Func, targets: &HashSet<u32>, read: &mut HashSet<u32>) -> Plan {
    let (defs, reads) = counts(f, targets, read);
    let params: HashSet<u32> = f.params.iter().map(|p| p.0).collect();
    let mut plan = Plan::default();
    let cx = AliasCx {
        f,
        targets,
        read,
        defs: &defs,
        reads: &reads,
        params: &params,
        looped: looped(&f.body, false),
    };
    cx.find(&f.body, &mut plan);
    for (x, y) in plan.alias.clone() {
        if read.contains(&x) {
            read.insert(y);
        }
    }
    let involved: HashSet<u32> = plan.alias.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let foldable = |l: u32| {
        let i = l as usize;
        !f.locals[i].user
            && !involved.contains(&l)
            && !params.contains(&l)
            && read.contains(&l)
            && defs[i] == 1
            && reads[i] == 1
            && !is_unit_like(&f.locals[i].ty)
    };
    find_folds(&f.body, targets, read, &foldable, &mut plan);
    plan
}

/// The locals assigned in a loop (`inside`: the statements are in one).
fn looped(stmts: &[Stmt], inside: bool) -> HashSet<u32> {
    let mut out = HashSet::new();
    for s in stmts {
        match s {
            Stmt::Assign(l, _) if inside => {
                out.insert(l.0);
            }
            Stmt::Loop(b) => out.extend(looped(b, true)),
            _ => {
                for b in s.blocks() {
                    out.extend(looped(b, inside));
                }
            }
        }
    }
    out
}

struct AliasCx<'a> {
    f: &'a Func,
    targets: &'a HashSet<u32>,
    read: &'a HashSet<u32>,
    defs: &'a [u32],
    reads: &'a [u32],
    params: &'a HashSet<u32>,
    /// Locals assigned inside a loop.
    looped: HashSet<u32>,
}

impl AliasCx<'_> {
    fn find(&self, stmts: &[Stmt], plan: &mut Plan) {
        let ss = live(stmts, self.targets);
        for s in &ss {
            for b in s.blocks() {
                self.find(b, plan);
            }
        }
        // Where each local was assigned in this block, since the last
        // statement that is not an assignment.
        let mut since: HashMap<u32, usize> = HashMap::new();
        for (i, s) in ss.iter().enumerate() {
            if let Stmt::Assign(x, Rv::Use(Operand::Local(y))) = s {
                self.copy(x.0, y.0, since.get(&y.0).map(|&j| &ss[j + 1..i]), plan);
            }
            match s {
                Stmt::At(_) => {}
                Stmt::Assign(l, _) => {
                    since.insert(l.0, i);
                }
                _ => since.clear(),
            }
        }
    }

    /// `x = y`, where `between` are the statements since `y`'s assignment
    /// in the same straight-line run (if there is one).
    fn copy(&self, x: u32, y: u32, between: Option<&[&Stmt]>, plan: &mut Plan) {
        let (xi, yi) = (x as usize, y as usize);
        let (lx, ly) = (&self.f.locals[xi], &self.f.locals[yi]);
        if self.defs[xi] != 1
            || self.params.contains(&x)
            || lx.ty != ly.ty
            || plan.alias.contains_key(&y)
            || plan.alias.contains_key(&x)
            // One step from a name to its variable: `y` may already hold
            // others, `x` may not.
            || plan.alias.values().any(|v| *v == x)
        {
            return;
        }
        if self.params.contains(&y) {
            // A parameter never reassigned: `x` is the parameter.
            if self.defs[yi] == 0 {
                plan.alias.insert(x, y);
            }
            return;
        }
        // (A named `x` keeps its name: a temporary `y` then goes below.)
        if self.defs[yi] == 1 && !self.looped.contains(&y) && (ly.user || !lx.user) {
            // Assigned once per call, before the copy reads it: from then
            // on `y` does not change, so `x` is `y` (a pattern variable
            // bound again in a guarded arm, say).
            plan.alias.insert(x, y);
            return;
        }
        let Some(between) = between else { return };
        if self.defs[yi] == 1 && !lx.user {
            // A temporary copy of a local assigned once, just before in
            // the same straight run: every time `y` is assigned, so is `x`,
            // with the same value, so `x` is `y`.
            plan.alias.insert(x, y);
        } else if self.defs[yi] == 1
            && self.reads[yi] == 1
            && !ly.user
            && !between.iter().any(|s| top_reads(s, self.read).contains(&x))
        {
            // The temporary exists only to be copied: it is `x` itself.
            plan.alias.insert(y, x);
        }
    }
}

/// Does evaluating `rv` do nothing but compute (and maybe allocate) a
/// value? Such expressions commute with every other statement (the heap
/// is immutable and allocation order is unobservable), so one may move
/// down past statements that leave its operands alone.
fn movable(rv: &Rv) -> bool {
    use crate::types::ty::{Ty, TyCon};
    match rv {
        Rv::Rt(op, ..) => matches!(
            op,
            RtOp::ConcatN
                | RtOp::ListLit(_)
                | RtOp::MapLit(_)
                | RtOp::Display(Ty::Con(
                    TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::String,
                    _
                ))
        ),
        Rv::MakeRecord(..) | Rv::MakeVariant(..) | Rv::MakeClosure(..) => true,
        _ => !has_effect(rv),
    }
}

fn find_folds(
    stmts: &[Stmt],
    targets: &HashSet<u32>,
    read: &HashSet<u32>,
    foldable: &dyn Fn(u32) -> bool,
    plan: &mut Plan,
) {
    let ss = live(stmts, targets);
    // For each statement taking folded expressions: whether one of them
    // sets `ctx->loc` (only one location can be current per statement),
    // and whether all of them are movable.
    let mut fed: HashMap<usize, (bool, bool)> = HashMap::new();
    for (i, s) in ss.iter().enumerate() {
        for b in s.blocks() {
            find_folds(b, targets, read, foldable, plan);
        }
        let Stmt::Assign(l, rv) = s else { continue };
        let (fed_loc, fed_movable) = fed.get(&i).copied().unwrap_or((false, true));
        if !foldable(l.0) || duplicates(rv) {
            continue;
        }
        let loc = fed_loc || sets_loc(s);
        let mut operands = HashSet::new();
        rv_operands(rv, &mut |o| {
            if let Operand::Local(x) = o {
                operands.insert(x.0);
            }
        });
        let free = movable(rv) && fed_movable;
        let Some(j) = use_site(&ss, i, l.0, free, &operands, read) else {
            continue;
        };
        let n = ss[j];
        let dup = matches!(n, Stmt::Assign(_, r) | Stmt::Eval(r) if duplicates(r));
        if dup || (loc && (sets_loc(n) || fed.get(&j).is_some_and(|f| f.0))) {
            continue;
        }
        plan.folded.insert(l.0);
        let e = fed.entry(j).or_insert((false, true));
        e.0 |= loc;
        e.1 &= free;
    }
}

/// The statement after `i` that reads local `l`: the next one, or for a
/// `free` (movable) expression any later one in the same straight run of
/// assignments that leave its `operands` alone.
fn use_site(
    ss: &[&Stmt],
    i: usize,
    l: u32,
    free: bool,
    operands: &HashSet<u32>,
    read: &HashSet<u32>,
) -> Option<usize> {
    for (j, s) in ss.iter().enumerate().skip(i + 1) {
        if matches!(s, Stmt::At(_)) {
            continue;
        }
        if top_reads(s, read).contains(&l) {
            return Some(j);
        }
        match s {
            Stmt::Assign(t, _) if free && !operands.contains(&t.0) => {}
            Stmt::Eval(_) if free => {}
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mir::{FuncId, Label, Local, LocalDecl};
    use crate::syntax::ast::BinOp;
    use crate::types::tast::Pos;
    use crate::types::ty::Ty;

    /// A function of `Int`s: local 0 is its parameter `p`, locals 1.. are
    /// temporaries, `user` lists the named ones.
    fn func(locals: usize, user: &[u32], body: Vec<Stmt>) -> Func {
        Func {
            name: "f".into(),
            label: String::new(),
            params: vec![Local(0)],
            ret: Ty::int(),
            locals: (0..locals)
                .map(|i| LocalDecl {
                    name: if i == 0 { "p".into() } else { format!("x{i}") },
                    ty: Ty::int(),
                    user: i == 0 || user.contains(&(i as u32)),
                })
                .collect(),
            body,
            closure: None,
            pos: Pos::default(),
            has_tail_jump: false,
            is_wrapper: false,
            word_abi: false,
        }
    }

    fn l(i: u32) -> Operand {
        Operand::Local(Local(i))
    }

    fn call(args: Vec<Operand>) -> Rv {
        Rv::Call(FuncId(0), args)
    }

    fn set(i: u32, rv: Rv) -> Stmt {
        Stmt::Assign(Local(i), rv)
    }

    fn plan_of(f: &Func) -> Plan {
        let targets = jump_targets(&f.body);
        let mut read: HashSet<u32> = (0..f.locals.len() as u32).collect();
        plan(f, &targets, &mut read)
    }

    fn folded(p: &Plan) -> Vec<u32> {
        let mut v: Vec<u32> = p.folded.iter().copied().collect();
        v.sort();
        v
    }

    #[test]
    fn a_chain_of_calls_nests() {
        let f = func(
            3,
            &[],
            vec![
                set(1, call(vec![l(0)])),
                set(2, call(vec![l(1)])),
                Stmt::Return(l(2)),
            ],
        );
        assert_eq!(folded(&plan_of(&f)), vec![1, 2]);
    }

    #[test]
    fn two_calls_never_become_unsequenced_arguments() {
        // t1 = f(p); t2 = f(p); t3 = f(t1, t2): only t2 (the call just
        // before) may move into t3's call; t1 stays a statement.
        let f = func(
            4,
            &[],
            vec![
                set(1, call(vec![l(0)])),
                set(2, call(vec![l(0)])),
                set(3, call(vec![l(1), l(2)])),
                Stmt::Return(l(3)),
            ],
        );
        assert_eq!(folded(&plan_of(&f)), vec![2, 3]);
    }

    #[test]
    fn an_allocation_moves_past_calls_but_a_call_does_not() {
        let rec = Rv::MakeRecord(Ty::Tuple(vec![Ty::int()]), vec![l(0)]);
        let f = func(
            4,
            &[],
            vec![
                set(1, rec),
                set(2, call(vec![l(0)])),
                Stmt::Eval(call(vec![])),
                Stmt::Eval(call(vec![l(1), l(2)])),
                set(3, call(vec![])),
                Stmt::Return(l(3)),
            ],
        );
        assert_eq!(folded(&plan_of(&f)), vec![1, 3]);
    }

    #[test]
    fn a_move_stops_where_an_operand_is_reassigned() {
        // x1 is assigned twice; t2 = x1 + 1 must not move past `x1 = 5`.
        let add = Rv::Bin(BinOp::Add, l(1), Operand::Int(1), Ty::int(), Pos::default());
        let f = func(
            3,
            &[],
            vec![
                set(1, Rv::Use(Operand::Int(4))),
                set(2, add),
                set(1, Rv::Use(Operand::Int(5))),
                Stmt::Eval(call(vec![l(1), l(2)])),
            ],
        );
        assert!(!plan_of(&f).folded.contains(&2));
    }

    #[test]
    fn a_closure_called_is_named_twice_so_never_folded() {
        let fty = Ty::Fun(vec![Ty::int()], Box::new(Ty::int()));
        let f = func(
            3,
            &[],
            vec![
                set(1, call(vec![l(0)])),
                set(2, Rv::CallClosure(l(1), vec![l(0)], fty)),
                Stmt::Return(l(2)),
            ],
        );
        assert_eq!(folded(&plan_of(&f)), vec![2]);
    }

    #[test]
    fn a_copy_of_a_local_assigned_once_outside_loops_is_that_local() {
        // y1 = f(p); if p { x2 = y1; return x2 }: x2 is y1.
        let f = func(
            3,
            &[1, 2],
            vec![
                set(1, call(vec![l(0)])),
                Stmt::If(
                    l(0),
                    vec![set(2, Rv::Use(l(1))), Stmt::Return(l(2))],
                    vec![],
                ),
                Stmt::Return(l(1)),
            ],
        );
        assert_eq!(plan_of(&f).alias.get(&2), Some(&1));
        // In a loop, y1 changes between iterations: no alias.
        let g = func(
            3,
            &[1, 2],
            vec![Stmt::Loop(vec![
                set(1, call(vec![l(0)])),
                Stmt::If(l(0), vec![Stmt::Break], vec![]),
                set(2, Rv::Use(l(1))),
                Stmt::Eval(call(vec![l(2)])),
            ])],
        );
        assert!(plan_of(&g).alias.is_empty());
    }

    #[test]
    fn named_locals_stay_statements() {
        let f = func(2, &[1], vec![set(1, call(vec![l(0)])), Stmt::Return(l(1))]);
        assert!(plan_of(&f).folded.is_empty());
    }

    #[test]
    fn two_locations_never_meet_in_one_statement() {
        let i = stdlib::RT_FNS
            .iter()
            .position(|f| f.has(stdlib::MAY_PANIC))
            .expect("a runtime function that may panic");
        let rt = |args| Rv::Rt(RtOp::Extern(i, Ty::int()), args, Pos::default());
        let f = func(
            3,
            &[],
            vec![
                set(1, rt(vec![l(0)])),
                set(2, rt(vec![l(1)])),
                Stmt::Return(l(2)),
            ],
        );
        // t1 cannot move into t2 (both set `ctx->loc`); t2 can be returned.
        assert_eq!(folded(&plan_of(&f)), vec![2]);
    }

    #[test]
    fn statements_after_a_return_are_dead_until_a_jump_target() {
        let body = vec![
            Stmt::Goto(Label(1)),
            Stmt::Return(l(0)),
            Stmt::Goto(Label(2)),
            Stmt::Label(Label(1)),
            Stmt::Return(l(0)),
            Stmt::Label(Label(2)),
            Stmt::Return(Operand::Int(0)),
        ];
        let t = jump_targets(&body);
        // `goto L2` is dead, so L2 is no target and what follows it is dead.
        assert_eq!(t, HashSet::from([1]));
        let kept = live(&body, &t);
        assert_eq!(kept.len(), 3);
        assert!(matches!(kept[1], Stmt::Label(Label(1))));
    }

    #[test]
    fn a_copy_of_a_parameter_is_the_parameter() {
        let mut f = func(2, &[1], vec![set(1, Rv::Use(l(0))), Stmt::Return(l(1))]);
        assert_eq!(plan_of(&f).alias.get(&1), Some(&0));
        // A tail jump reassigns the parameter: the copy must stay.
        f.has_tail_jump = true;
        assert!(plan_of(&f).alias.is_empty());
    }

    #[test]
    fn a_temporary_made_only_to_be_copied_is_the_named_local() {
        // t1 = f(p); x2 = t1: t1 is stored in x2 directly.
        let f = func(
            3,
            &[2],
            vec![
                set(1, call(vec![l(0)])),
                set(2, Rv::Use(l(1))),
                Stmt::Eval(call(vec![l(2)])),
                Stmt::Return(l(2)),
            ],
        );
        let p = plan_of(&f);
        assert_eq!(p.alias.get(&1), Some(&2));
        assert!(p.same(2, 1));
    }
}
