//! Pattern matching (`case`, multi-clause functions, `let` patterns,
//! `receive`): the arms' decision tree (`match_tree`) as nested `Switch`es
//! and `If`s. Occurrences are read when a path first needs them (into the
//! bound variable when a binding needs them first) and kept for the rest of
//! the path. Nothing is emitted twice but what is as small as a jump:
//! - a node several places reach is emitted once after the tree (reading
//!   again what it needs), the places jumping there;
//! - an arm whose body several leaves reach is emitted once after the
//!   tree, each leaf binding its variables and jumping there; when such an
//!   arm has a guard, a failed guard jumps back to the leaf's own
//!   continuation (chosen by a selector local the leaf sets).

use std::collections::HashMap;

use super::lower::{Lowerer, FB};
use super::match_tree::{self, Access, Key, Node, NodeId, Tree};
use super::{Label, Local, Operand, RtOp, Rv, Stmt};
use crate::syntax::ast::BinOp;
use crate::types::tast::{MatchFail, Pos, TArm, TExpr, TExprKind, TPat};
use crate::types::ty::Ty;

/// An arm as the match compiler sees it; `body` is `None` for a `let`
/// pattern (its bindings are the point).
pub struct Arm<'x> {
    pub pats: &'x [TPat],
    pub guard: Option<&'x TExpr>,
    pub body: Option<&'x TExpr>,
}

impl<'x> Arm<'x> {
    pub fn of(a: &'x TArm) -> Arm<'x> {
        Arm {
            pats: &a.pats,
            guard: a.guard.as_ref(),
            body: Some(&a.body),
        }
    }
}

/// What happens when no arm matches.
pub enum NoMatch {
    Panic(String, Pos),
    /// The function's `no function clause matching` report.
    Clauses(Pos),
    /// These statements (which do not fall through).
    Stmts(Vec<Stmt>),
}

/// A `receive`'s arms take message `h` of type `msg` before their body;
/// `in_place[arm]` when the arm binds only scalars (the message is dropped
/// instead, its fields already read in place).
pub struct Take {
    pub h: Local,
    pub msg: Ty,
    pub in_place: Vec<bool>,
}

pub struct Plan<'x> {
    pub arms: Vec<Arm<'x>>,
    pub no_match: NoMatch,
    /// Where the value of an arm's body goes.
    pub result: Option<Local>,
    pub tail: bool,
    pub take: Option<Take>,
    /// Per scrutinee written as a tuple: its parts (the tuple itself, in
    /// the scrutinee's local, is built only if a path needs it whole).
    pub parts: Vec<Option<Vec<Operand>>>,
    pub pos: Pos,
}

/// The state of emitting one tree.
struct Emit<'x, 'p> {
    plan: &'p Plan<'x>,
    scr: &'p [(Operand, Ty)],
    tree: Tree,
    /// Per node: how many places go to it.
    refs: Vec<usize>,
    /// The labels of the nodes emitted once for several places, and those
    /// not emitted yet.
    labels: HashMap<NodeId, Label>,
    queue: Vec<NodeId>,
    /// Per arm: the label of its body when several leaves reach it.
    shared: Vec<Option<Label>>,
    /// Per shared guarded arm: its selector and the leaves' continuations.
    conts: Vec<Option<(Local, Vec<Label>)>>,
    /// The shared no-match code, when several leaves reach it.
    fail: Option<Label>,
    /// The code emitted since the last block started can fall through.
    falls: bool,
}

/// The values of a path's occurrences read so far.
type Known = HashMap<usize, Operand>;

impl Lowerer<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn lower_match(
        &mut self,
        fb: &mut FB,
        scrutinees: &[TExpr],
        arms: &[TArm],
        fail: &MatchFail,
        ty: Ty,
        tail: bool,
        pos: Pos,
    ) -> Operand {
        let (mut scr, mut parts) = (Vec::new(), Vec::new());
        for s in scrutinees {
            let (v, t, p) = self.scrutinee(fb, s);
            scr.push((v, t));
            parts.push(p);
        }
        let result = fb.new_local("m", ty);
        let plan = Plan {
            arms: arms.iter().map(Arm::of).collect(),
            no_match: match fail {
                MatchFail::Panic(msg) => NoMatch::Panic(msg.to_string(), pos),
                MatchFail::Clauses => NoMatch::Clauses(pos),
            },
            result: Some(result),
            tail,
            take: None,
            parts,
            pos,
        };
        self.compile_match(fb, &scr, &plan);
        Operand::Local(result)
    }

    /// A scrutinee's value in a local, its type, and for a tuple written
    /// in place its parts: the tuple is built only if an arm binds it whole.
    fn scrutinee(&mut self, fb: &mut FB, e: &TExpr) -> (Operand, Ty, Option<Vec<Operand>>) {
        let t = self.ty(fb, &e.ty);
        if let TExprKind::Tuple(xs) = &e.kind {
            // Constants stay constants: a part no arm reads costs nothing.
            let parts = xs.iter().map(|x| self.expr(fb, x, false)).collect();
            let l = fb.new_local("t", t.clone());
            return (Operand::Local(l), t, Some(parts));
        }
        let v = self.expr(fb, e, false);
        (self.operand_local(fb, v, t.clone()), t, None)
    }

    /// `let pat = value`.
    pub fn let_pattern(&mut self, fb: &mut FB, pat: &TPat, value: &TExpr) {
        let (v, t, parts) = self.scrutinee(fb, value);
        let plan = Plan {
            arms: vec![Arm {
                pats: std::slice::from_ref(pat),
                guard: None,
                body: None,
            }],
            no_match: NoMatch::Panic("no match of right hand side value".into(), pat.pos),
            result: None,
            tail: false,
            take: None,
            parts: vec![parts],
            pos: pat.pos,
        };
        self.compile_match(fb, &[(v, t)], &plan);
    }

    /// Match the scrutinees (locals, with their types) against the plan's
    /// arms; control continues after the emitted statements once an arm's
    /// body has run.
    pub fn compile_match(&mut self, fb: &mut FB, scr: &[(Operand, Ty)], plan: &Plan) {
        let tys: Vec<Ty> = scr.iter().map(|(_, t)| t.clone()).collect();
        let rows: Vec<(&[TPat], bool)> = plan
            .arms
            .iter()
            .map(|a| (a.pats, a.guard.is_some()))
            .collect();
        let tree = match_tree::build(self.tp, &tys, &rows);
        let refs = references(&tree);
        let mut leaves = vec![0; plan.arms.len()];
        let mut fails = 0;
        for (id, n) in tree.nodes.iter().enumerate() {
            let reached = refs[id] > 0 || id == tree.root;
            match n {
                Node::Leaf { arm, .. } if reached => leaves[*arm] += 1,
                Node::Fail if reached => fails += refs[id].max(1),
                _ => {}
            }
        }
        let shared = (0..plan.arms.len())
            .map(|k| (leaves[k] > 1 && !trivial(plan, k)).then(|| fb.label()))
            .collect();
        let sharing_fail = fails > 1 && matches!(plan.no_match, NoMatch::Clauses(_));
        let root = tree.root;
        let mut em = Emit {
            plan,
            scr,
            tree,
            refs,
            labels: HashMap::new(),
            queue: Vec::new(),
            shared,
            conts: vec![None; plan.arms.len()],
            fail: sharing_fail.then(|| fb.label()),
            falls: false,
        };
        let mut roots: Known = Known::new();
        for (i, (v, _)) in scr.iter().enumerate() {
            if plan.parts.get(i).is_none_or(|p| p.is_none()) {
                roots.insert(i, v.clone());
            }
        }
        self.emit_node(fb, &mut em, root, &mut roots.clone());
        // The blocks several places jump to, each after the previous one
        // (which jumps to the end when it can fall through).
        let end = fb.label();
        let mut blocks = false;
        let mut start = |fb: &mut FB, em: &mut Emit, l: Label| {
            if std::mem::take(&mut em.falls) {
                fb.emit(Stmt::Goto(end));
            }
            fb.emit(Stmt::Label(l));
            blocks = true;
        };
        let mut next = 0;
        while let Some(&id) = em.queue.get(next) {
            next += 1;
            let l = em.labels[&id];
            start(fb, &mut em, l);
            self.emit_here(fb, &mut em, id, &mut roots.clone());
        }
        for k in 0..plan.arms.len() {
            if let Some(l) = em.shared[k] {
                start(fb, &mut em, l);
                self.shared_arm(fb, &mut em, k);
                em.falls = true;
            }
        }
        if let Some(l) = em.fail {
            start(fb, &mut em, l);
            self.no_match(fb, &em);
        }
        if blocks {
            fb.emit(Stmt::Label(end));
        }
    }

    /// Node `id` here, or a jump to its block when several places reach it
    /// (except where a copy is as small as the jump).
    fn emit_node(&mut self, fb: &mut FB, em: &mut Emit, id: NodeId, known: &mut Known) {
        let small = match &em.tree.nodes[id] {
            Node::Fail => true,
            Node::Leaf { arm, .. } => trivial(em.plan, *arm),
            Node::Test { .. } => false,
        };
        if em.refs[id] < 2 || small {
            return self.emit_here(fb, em, id, known);
        }
        let l = match em.labels.get(&id) {
            Some(l) => *l,
            None => {
                let l = fb.label();
                em.labels.insert(id, l);
                em.queue.push(id);
                l
            }
        };
        fb.emit(Stmt::Goto(l));
    }

    fn emit_here(&mut self, fb: &mut FB, em: &mut Emit, id: NodeId, known: &mut Known) {
        match em.tree.nodes[id].clone() {
            Node::Fail => match em.fail {
                Some(l) => fb.emit(Stmt::Goto(l)),
                None => self.no_match(fb, em),
            },
            Node::Leaf {
                arm,
                binds,
                guard_fail,
            } => {
                let a = &em.plan.arms[arm];
                // A taken message is bound again from its copy: binding
                // in place is for the guard only.
                let retaken = em.plan.take.as_ref().is_some_and(|t| !t.in_place[arm]);
                if !retaken || a.guard.is_some() {
                    for (id, occ) in binds {
                        let ty = em.tree.occs[occ].ty.clone();
                        let l = self.bind(fb, id, ty);
                        self.load(fb, em, known, occ, Some(l));
                    }
                }
                let Some(label) = em.shared[arm] else {
                    match (a.guard, guard_fail) {
                        (Some(g), Some(rest)) => {
                            let gv = self.expr(fb, g, false);
                            fb.push_block();
                            self.arm_body(fb, em, arm);
                            let then_b = fb.pop_block();
                            let else_b = self.subtree(fb, em, Some(rest), known);
                            fb.emit(Stmt::If(gv, then_b, else_b));
                        }
                        _ => self.arm_body(fb, em, arm),
                    }
                    em.falls = true;
                    return;
                };
                if let Some(rest) = guard_fail {
                    let (sel, conts) = em.conts[arm]
                        .get_or_insert_with(|| (fb.new_local("sel", Ty::int()), Vec::new()));
                    let sel = *sel;
                    let cont = fb.label();
                    let i = conts.len() as i64;
                    conts.push(cont);
                    fb.emit(Stmt::Assign(sel, Rv::Use(Operand::Int(i))));
                    fb.emit(Stmt::Goto(label));
                    fb.emit(Stmt::Label(cont));
                    self.emit_node(fb, em, rest, known);
                } else {
                    fb.emit(Stmt::Goto(label));
                }
            }
            Node::Test {
                occ,
                cases,
                default,
            } => {
                let v = self.load(fb, em, known, occ, None);
                let pos = em.plan.pos;
                let s = match &cases[0].0[0] {
                    Key::Tag(_) | Key::Int(_) => {
                        let tag = matches!(cases[0].0[0], Key::Tag(_));
                        let on = if tag {
                            fb.temp(Ty::int(), Rv::Tag(v))
                        } else {
                            v
                        };
                        if !tag && cases.len() == 1 && cases[0].0.len() == 1 {
                            let c = Rv::Bin(BinOp::Eq, on, int_of(&cases[0].0[0]), Ty::int(), pos);
                            let c = fb.temp(Ty::bool(), c);
                            let a = self.subtree(fb, em, Some(cases[0].1), known);
                            let b = self.subtree(fb, em, default, known);
                            Stmt::If(c, a, b)
                        } else {
                            let mut arms = Vec::new();
                            for (keys, t) in &cases {
                                let vals = keys.iter().map(int_value).collect();
                                arms.push((vals, self.subtree(fb, em, Some(*t), known)));
                            }
                            Stmt::Switch(on, arms, self.subtree(fb, em, default, known))
                        }
                    }
                    Key::Bool(_) => {
                        let (mut yes, mut no) = (default, default);
                        for (keys, t) in &cases {
                            for k in keys {
                                if *k == Key::Bool(true) {
                                    yes = Some(*t);
                                } else {
                                    no = Some(*t);
                                }
                            }
                        }
                        let a = self.subtree(fb, em, yes, known);
                        let b = self.subtree(fb, em, no, known);
                        Stmt::If(v, a, b)
                    }
                    Key::Cons => {
                        let ts = vec![em.tree.occs[occ].ty.clone()];
                        let e = fb.lib("List", "is_empty", vec![v], ts, Ty::bool(), pos);
                        let a = self.subtree(fb, em, default, known);
                        let b = self.subtree(fb, em, Some(cases[0].1), known);
                        Stmt::If(e, a, b)
                    }
                    Key::Str(_) | Key::Float(_) => {
                        return self.chain(fb, em, v, &cases, default, known);
                    }
                };
                fb.emit(s);
            }
        }
    }

    /// Equality tests one after another (strings, floats): each case's
    /// subtree, else the next test, else the default.
    fn chain(
        &mut self,
        fb: &mut FB,
        em: &mut Emit,
        v: Operand,
        cases: &[(Vec<Key>, NodeId)],
        default: Option<NodeId>,
        known: &Known,
    ) {
        let Some(((keys, t), rest)) = cases.split_first() else {
            if let Some(d) = default {
                self.emit_node(fb, em, d, &mut known.clone());
            }
            return;
        };
        let pos = em.plan.pos;
        let mut c = None;
        for k in keys {
            let test = match k {
                Key::Str(s) => Rv::lib(
                    "String",
                    "__eq",
                    vec![v.clone(), Operand::Str(s.clone())],
                    vec![Ty::string(), Ty::string()],
                    Ty::bool(),
                    pos,
                ),
                Key::Float(x) => {
                    let x = Operand::Float(f64::from_bits(*x));
                    Rv::Bin(BinOp::Eq, v.clone(), x, Ty::float(), pos)
                }
                _ => unreachable!("chained keys are strings or floats"),
            };
            // Several keys of one case: `a or b`.
            let r = match c {
                None => fb.new_local("t", Ty::bool()),
                Some(r) => r,
            };
            let s = Stmt::Assign(r, test);
            match c {
                None => fb.emit(s),
                Some(_) => fb.emit(Stmt::If(Operand::Local(r), vec![], vec![s])),
            }
            c = Some(r);
        }
        let c = Operand::Local(c.expect("a case lists a key"));
        let a = self.subtree(fb, em, Some(*t), known);
        fb.push_block();
        self.chain(fb, em, v, rest, default, known);
        let b = fb.pop_block();
        fb.emit(Stmt::If(c, a, b));
    }

    /// The statements of subtree `t` (none for a default that is never
    /// taken) on a path that knows `known`.
    fn subtree(
        &mut self,
        fb: &mut FB,
        em: &mut Emit,
        t: Option<NodeId>,
        known: &Known,
    ) -> Vec<Stmt> {
        fb.push_block();
        if let Some(t) = t {
            self.emit_node(fb, em, t, &mut known.clone());
        }
        fb.pop_block()
    }

    /// The value of occurrence `occ` on this path (read now if need be,
    /// into `into` when given).
    fn load(
        &mut self,
        fb: &mut FB,
        em: &Emit,
        known: &mut Known,
        occ: usize,
        into: Option<Local>,
    ) -> Operand {
        if let Some(v) = known.get(&occ) {
            let v = v.clone();
            return match into {
                Some(l) => {
                    fb.emit(Stmt::Assign(l, Rv::Use(v)));
                    Operand::Local(l)
                }
                None => v,
            };
        }
        let Some((parent, access)) = em.tree.occs[occ].parent else {
            // A tuple scrutinee needed whole after all.
            let (l, t) = &em.scr[occ];
            let parts = em.plan.parts[occ]
                .clone()
                .expect("the other scrutinees are known");
            let Operand::Local(l) = *l else {
                unreachable!("scrutinees are locals")
            };
            fb.emit(Stmt::Assign(l, Rv::MakeRecord(t.clone(), parts)));
            known.insert(occ, Operand::Local(l));
            return self.load(fb, em, known, occ, into);
        };
        if let (Access::Field(i), Some(Some(parts))) = (access, em.plan.parts.get(parent)) {
            known.insert(occ, parts[i as usize].clone());
            return self.load(fb, em, known, occ, into);
        }
        let pv = self.load(fb, em, known, parent, None);
        let pt = em.tree.occs[parent].ty.clone();
        let ty = em.tree.occs[occ].ty.clone();
        let pos = em.plan.pos;
        let rv = match access {
            Access::Field(i) => Rv::Field(pv, pt, i),
            Access::Payload(v, i) => Rv::VariantField(pv, pt, v, i),
            Access::Head => Rv::lib("List", "head", vec![pv], vec![pt], ty.clone(), pos),
            Access::Tail => Rv::lib("List", "tail", vec![pv], vec![pt], ty.clone(), pos),
        };
        let l = into.unwrap_or_else(|| fb.new_local("t", ty));
        fb.emit(Stmt::Assign(l, rv));
        known.insert(occ, Operand::Local(l));
        Operand::Local(l)
    }

    /// The body of a shared arm: its guard (a failure goes back to the
    /// continuation of the leaf that came), then the body.
    fn shared_arm(&mut self, fb: &mut FB, em: &mut Emit, arm: usize) {
        if let Some(g) = em.plan.arms[arm].guard {
            let gv = self.expr(fb, g, false);
            let (sel, conts) = em.conts[arm]
                .clone()
                .expect("guarded leaves set a selector");
            let back = conts
                .iter()
                .enumerate()
                .map(|(i, c)| (vec![i as i64], vec![Stmt::Goto(*c)]))
                .collect();
            let dispatch = Stmt::Switch(Operand::Local(sel), back, vec![]);
            fb.emit(Stmt::If(gv, vec![], vec![dispatch]));
        }
        self.arm_body(fb, em, arm);
    }

    /// An arm's body once its patterns and guard have passed.
    fn arm_body(&mut self, fb: &mut FB, em: &Emit, arm: usize) {
        let plan = em.plan;
        let a = &plan.arms[arm];
        if let Some(t) = &plan.take {
            let h = vec![Operand::Local(t.h)];
            if t.in_place[arm] {
                // Everything the arm uses was read in place: drop the
                // message without copying it into this heap.
                fb.emit(Stmt::Eval(Rv::Rt(RtOp::RecvDrop, h, plan.pos)));
            } else {
                // The message moves into this heap at the take: bind again
                // from the taken value (of the same shape).
                let rv = Rv::Rt(RtOp::RecvTake(t.msg.clone()), h, plan.pos);
                let taken = fb.temp(t.msg.clone(), rv);
                let again = Plan {
                    arms: vec![Arm {
                        pats: a.pats,
                        guard: None,
                        body: None,
                    }],
                    no_match: NoMatch::Panic(
                        "internal error: received message changed".into(),
                        plan.pos,
                    ),
                    result: None,
                    tail: false,
                    take: None,
                    parts: vec![],
                    pos: plan.pos,
                };
                self.compile_match(fb, &[(taken, t.msg.clone())], &again);
            }
        }
        if let Some(body) = a.body {
            fb.emit(Stmt::At(body.pos));
            let b = self.expr(fb, body, plan.tail);
            if let Some(r) = plan.result {
                fb.emit(Stmt::Assign(r, Rv::Use(b)));
            }
        }
    }

    fn no_match(&mut self, fb: &mut FB, em: &Emit) {
        match &em.plan.no_match {
            NoMatch::Panic(msg, pos) => fb.emit(Stmt::Panic(msg.clone(), *pos)),
            NoMatch::Clauses(pos) => self.no_clause(fb, em.scr, *pos),
            NoMatch::Stmts(s) => s.iter().for_each(|s| fb.emit(s.clone())),
        }
    }

    /// `no function clause matching area/1 called with (Square(2.0))`:
    /// the function being built and its arguments, formatted with Debug.
    fn no_clause(&mut self, fb: &mut FB, args: &[(Operand, Ty)], pos: Pos) {
        let mut parts = vec![Operand::Str(format!(
            "no function clause matching {} called with (",
            fb.label
        ))];
        for (i, (v, t)) in args.iter().enumerate() {
            if i > 0 {
                parts.push(Operand::Str(", ".into()));
            }
            let text = Rv::lib(
                "",
                "__debug",
                vec![v.clone()],
                vec![t.clone()],
                Ty::string(),
                pos,
            );
            parts.push(fb.temp(Ty::string(), text));
        }
        parts.push(Operand::Str(")".into()));
        let msg = fb.temp(Ty::string(), Rv::Rt(RtOp::ConcatN, parts, pos));
        let string = vec![Ty::string()];
        fb.emit(Stmt::Eval(Rv::lib(
            "",
            "__panic",
            vec![msg],
            string,
            Ty::unit(),
            pos,
        )));
    }
}

/// Per node, how many places of the tree (reached from its root) go to it.
fn references(t: &Tree) -> Vec<usize> {
    let mut refs = vec![0; t.nodes.len()];
    let mut seen = vec![false; t.nodes.len()];
    let mut todo = vec![t.root];
    while let Some(id) = todo.pop() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        for n in t.nodes[id].next() {
            refs[n] += 1;
            todo.push(n);
        }
    }
    refs
}

/// Copying arm `k` to each of its leaves costs no more than a jump: no
/// guard, no message to take, and a constant or variable for a body.
fn trivial(plan: &Plan, k: usize) -> bool {
    let a = &plan.arms[k];
    a.guard.is_none()
        && plan.take.is_none()
        && a.body.is_none_or(|b| match &b.kind {
            TExprKind::Lit(_) => true,
            TExprKind::Local(_, inst) => inst.is_empty(),
            TExprKind::Ctor(..) => !matches!(b.ty, Ty::Fun(..)),
            _ => false,
        })
}

fn int_value(k: &Key) -> i64 {
    match k {
        Key::Tag(t) => *t as i64,
        Key::Int(n) => *n,
        _ => unreachable!("switched keys are tags or Ints"),
    }
}

fn int_of(k: &Key) -> Operand {
    Operand::Int(int_value(k))
}
