//! Decision trees for pattern matching. Each arm's patterns become a row of
//! tests on *occurrences*: a scrutinee, or a part of one reached through
//! tuple fields, variant payloads and list heads and tails. The tree tests
//! one occurrence at a time, taken from the first remaining row (the one
//! the most rows test), and specialises every row to each outcome: rows
//! with another constructor there drop out, rows without a test there stay
//! in every branch. So a path tests each occurrence once, arms share their
//! tests, and a sum type's tag is read once per switch.
//!
//! The tree is a DAG: a sub-problem met again (the same rows with the same
//! tests left) is the node already built, and equal nodes are one node, so
//! the lowering can emit a node reached from several places once.
//!
//! Arm order is kept: a leaf is the first row whose tests have all passed.
//! When its arm's guard fails, the rows of the later arms go on from there
//! (with what the path has learnt). An or-pattern splits its row into one
//! row per alternative, in order; the first alternative that matches
//! decides, so after a failed guard the arm's other alternatives are not
//! tried (as when arms were tested one after another).

use std::collections::HashMap;

use crate::types::tast::{Lit, LocalId, TPat, TPatKind, TypedProgram};
use crate::types::ty::{AdtKind, Ty, TyCon};

/// How an occurrence is reached from its parent occurrence.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Access {
    /// Field `i` of a tuple.
    Field(u32),
    /// Payload field `.1` of variant `.0` (the parent has that tag).
    Payload(u32, u32),
    /// Head and tail of a non-empty list.
    Head,
    Tail,
}

/// A value the tree may test or bind: scrutinee `i` is occurrence `i`.
#[derive(Clone, Debug)]
pub struct Occ {
    pub parent: Option<(usize, Access)>,
    pub ty: Ty,
}

/// An outcome of testing an occurrence.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    Tag(u32),
    Int(i64),
    /// The bits of a float (`-0.0` made `0.0`: they are equal).
    Float(u64),
    Str(String),
    Bool(bool),
    /// A non-empty list (the empty list is the test's default).
    Cons,
}

/// A node of the tree, by its index in `Tree::nodes`.
pub type NodeId = usize;

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Node {
    /// No arm matches.
    Fail,
    /// Arm `arm` matches, binding each local to its occurrence; for an arm
    /// with a guard, `guard_fail` goes on when the guard is false.
    Leaf {
        arm: usize,
        binds: Vec<(LocalId, usize)>,
        guard_fail: Option<NodeId>,
    },
    /// Test occurrence `occ`: the node of the case listing its key, else
    /// `default` (`None` when the cases cover every value).
    Test {
        occ: usize,
        cases: Vec<(Vec<Key>, NodeId)>,
        default: Option<NodeId>,
    },
}

impl Node {
    /// The nodes this one goes on to.
    pub fn next(&self) -> Vec<NodeId> {
        match self {
            Node::Fail => vec![],
            Node::Leaf { guard_fail, .. } => guard_fail.iter().copied().collect(),
            Node::Test { cases, default, .. } => {
                cases.iter().map(|c| c.1).chain(*default).collect()
            }
        }
    }
}

pub struct Tree {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    pub occs: Vec<Occ>,
}

/// The tests a row still needs, in pattern order, and its bindings so far.
#[derive(Clone)]
struct Row<'p> {
    tests: Vec<(usize, &'p TPat)>,
    binds: Vec<(LocalId, usize)>,
    arm: usize,
}

impl Row<'_> {
    fn test_at(&self, occ: usize) -> Option<usize> {
        self.tests.iter().position(|(o, _)| *o == occ)
    }
}

/// What identifies a sub-problem: per row its arm, tests (the patterns
/// by address) and bindings.
type RowsKey = Vec<(usize, Vec<(usize, usize)>, Vec<(LocalId, usize)>)>;

struct Builder<'a> {
    tp: &'a TypedProgram,
    occs: Vec<Occ>,
    index: HashMap<(usize, Access), usize>,
    guarded: Vec<bool>,
    nodes: Vec<Node>,
    interned: HashMap<Node, NodeId>,
    solved: HashMap<RowsKey, NodeId>,
}

/// The decision tree of arms (their patterns, one per scrutinee of types
/// `scrutinees`, and whether each has a guard).
pub fn build(tp: &TypedProgram, scrutinees: &[Ty], arms: &[(&[TPat], bool)]) -> Tree {
    let mut b = Builder {
        tp,
        occs: scrutinees
            .iter()
            .map(|t| Occ {
                parent: None,
                ty: t.clone(),
            })
            .collect(),
        index: HashMap::new(),
        guarded: arms.iter().map(|a| a.1).collect(),
        nodes: Vec::new(),
        interned: HashMap::new(),
        solved: HashMap::new(),
    };
    let mut rows = Vec::new();
    for (arm, (pats, _)) in arms.iter().enumerate() {
        let mut rs = vec![Row {
            tests: Vec::new(),
            binds: Vec::new(),
            arm,
        }];
        for (i, p) in pats.iter().enumerate() {
            rs = b.add(rs, i, p);
        }
        rows.extend(rs);
    }
    let root = b.tree(rows);
    Tree {
        nodes: b.nodes,
        root,
        occs: b.occs,
    }
}

fn key(p: &TPat) -> Key {
    match &p.kind {
        TPatKind::Lit(Lit::Int(n)) => Key::Int(*n),
        TPatKind::Lit(Lit::Float(x)) => Key::Float((x + 0.0).to_bits()),
        TPatKind::Lit(Lit::Str(s)) => Key::Str(s.clone()),
        TPatKind::Lit(Lit::Bool(b)) => Key::Bool(*b),
        TPatKind::Ctor { variant, .. } => Key::Tag(*variant),
        TPatKind::Cons(..) => Key::Cons,
        // `add` keeps only the tests above.
        _ => unreachable!("not a test: {:?}", p.kind),
    }
}

impl<'p> Builder<'_> {
    /// The occurrence reached from `parent` by `access`, of type `ty`.
    fn occ(&mut self, parent: usize, access: Access, ty: Ty) -> usize {
        if let Some(o) = self.index.get(&(parent, access)) {
            return *o;
        }
        self.occs.push(Occ {
            parent: Some((parent, access)),
            ty,
        });
        self.index.insert((parent, access), self.occs.len() - 1);
        self.occs.len() - 1
    }

    /// The variants of a sum type instance, with concrete field types.
    fn variants(&self, t: &Ty) -> Vec<Vec<Ty>> {
        let Ty::Con(TyCon::Adt(id), targs) = t else {
            return vec![];
        };
        let a = self.tp.adt(*id);
        let AdtKind::Sum { variants } = &a.kind else {
            return vec![];
        };
        let sub = |g| {
            a.generics
                .iter()
                .position(|x| *x == g)
                .and_then(|i| targs.get(i).cloned())
        };
        variants
            .iter()
            .map(|v| {
                v.fields
                    .iter()
                    .map(|f| super::concrete(&f.subst_gen(&sub)))
                    .collect()
            })
            .collect()
    }

    /// Rows `rows` after also matching occurrence `occ` against `p`:
    /// refutable parts become tests, variables bindings, tuples and
    /// one-variant types their parts; an or-pattern makes one row per
    /// alternative.
    fn add(&mut self, rows: Vec<Row<'p>>, occ: usize, p: &'p TPat) -> Vec<Row<'p>> {
        match &p.kind {
            TPatKind::Wild | TPatKind::Lit(Lit::Unit) => rows,
            TPatKind::Bind(id) => rows
                .into_iter()
                .map(|mut r| {
                    r.binds.push((*id, occ));
                    r
                })
                .collect(),
            TPatKind::As(inner, id) => {
                let rows = rows
                    .into_iter()
                    .map(|mut r| {
                        r.binds.push((*id, occ));
                        r
                    })
                    .collect();
                self.add(rows, occ, inner)
            }
            TPatKind::Tuple(ps) => {
                let tys = match &self.occs[occ].ty {
                    Ty::Tuple(ts) => ts.clone(),
                    _ => vec![Ty::unit(); ps.len()],
                };
                let parts: Vec<(Access, Ty)> = (0..ps.len())
                    .map(|i| (Access::Field(i as u32), tys[i].clone()))
                    .collect();
                self.add_parts(rows, occ, &parts, ps)
            }
            TPatKind::Ctor { variant, args, .. } => {
                let variants = self.variants(&self.occs[occ].ty);
                if variants.len() > 1 {
                    return push_test(rows, occ, p);
                }
                let fields = variants.into_iter().next().unwrap_or_default();
                let parts = parts_of(*variant, &fields);
                self.add_parts(rows, occ, &parts, args)
            }
            TPatKind::Lit(_) | TPatKind::Cons(..) => push_test(rows, occ, p),
            TPatKind::Or(alts) => {
                let mut out = Vec::new();
                for r in rows {
                    for a in alts {
                        out.extend(self.add(vec![r.clone()], occ, a));
                    }
                }
                out
            }
        }
    }

    fn add_parts(
        &mut self,
        mut rows: Vec<Row<'p>>,
        occ: usize,
        parts: &[(Access, Ty)],
        pats: &'p [TPat],
    ) -> Vec<Row<'p>> {
        for ((access, ty), q) in parts.iter().zip(pats) {
            let o = self.occ(occ, *access, ty.clone());
            rows = self.add(rows, o, q);
        }
        rows
    }

    /// Row `r` once its test `j` has passed: the test's parts take its
    /// place.
    fn specialise(&mut self, mut r: Row<'p>, j: usize) -> Vec<Row<'p>> {
        let rest = r.tests.split_off(j + 1);
        let (occ, p) = r.tests.pop().expect("test j exists");
        let ty = self.occs[occ].ty.clone();
        let rows = match &p.kind {
            TPatKind::Ctor { variant, args, .. } => {
                let fields = self.variants(&ty).swap_remove(*variant as usize);
                let parts = parts_of(*variant, &fields);
                self.add_parts(vec![r], occ, &parts, args)
            }
            TPatKind::Cons(h, t) => {
                let elem = match &ty {
                    Ty::Con(TyCon::List, a) => a[0].clone(),
                    _ => Ty::unit(),
                };
                let hd = self.occ(occ, Access::Head, elem);
                let tl = self.occ(occ, Access::Tail, ty);
                let rows = self.add(vec![r], hd, h);
                self.add(rows, tl, t)
            }
            _ => vec![r],
        };
        rows.into_iter()
            .map(|mut r| {
                r.tests.extend(rest.iter().copied());
                r
            })
            .collect()
    }

    fn node(&mut self, n: Node) -> NodeId {
        if let Some(id) = self.interned.get(&n) {
            return *id;
        }
        self.nodes.push(n.clone());
        self.interned.insert(n, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn tree(&mut self, mut rows: Vec<Row<'p>>) -> NodeId {
        // Rows after one that matches unconditionally are never reached.
        if let Some(i) = rows
            .iter()
            .position(|r| r.tests.is_empty() && !self.guarded[r.arm])
        {
            rows.truncate(i + 1);
        }
        let key: RowsKey = rows
            .iter()
            .map(|r| {
                let tests = r
                    .tests
                    .iter()
                    .map(|(o, p)| (*o, *p as *const TPat as usize));
                (r.arm, tests.collect(), r.binds.clone())
            })
            .collect();
        if let Some(id) = self.solved.get(&key) {
            return *id;
        }
        let n = self.solve(rows);
        let id = self.node(n);
        self.solved.insert(key, id);
        id
    }

    fn solve(&mut self, rows: Vec<Row<'p>>) -> Node {
        let Some(first) = rows.first() else {
            return Node::Fail;
        };
        if first.tests.is_empty() {
            let arm = first.arm;
            let guard_fail = self.guarded[arm].then(|| {
                let later = rows[1..].iter().filter(|r| r.arm != arm).cloned();
                self.tree(later.collect())
            });
            return Node::Leaf {
                arm,
                binds: first.binds.clone(),
                guard_fail,
            };
        }
        // Of the first row's tests (all needed for it to match), the one
        // the most rows share; the leftmost on a tie.
        let tested = |o: usize| rows.iter().filter(|r| r.test_at(o).is_some()).count();
        let mut occ = first.tests[0].0;
        for (o, _) in &first.tests {
            if tested(*o) > tested(occ) {
                occ = *o;
            }
        }
        let mut keys: Vec<Key> = Vec::new();
        for r in &rows {
            if let Some(j) = r.test_at(occ) {
                let k = key(r.tests[j].1);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let complete = match &self.occs[occ].ty {
            Ty::Con(TyCon::Bool, _) => keys.len() == 2,
            t @ Ty::Con(TyCon::Adt(_), _) => keys.len() == self.variants(t).len(),
            _ => false,
        };
        let mut cases: Vec<(Vec<Key>, NodeId)> = Vec::new();
        for k in keys {
            let mut sub = Vec::new();
            for r in &rows {
                match r.test_at(occ) {
                    None => sub.push(r.clone()),
                    Some(j) if key(r.tests[j].1) == k => sub.extend(self.specialise(r.clone(), j)),
                    Some(_) => {}
                }
            }
            let t = self.tree(sub);
            match cases.iter_mut().find(|(_, c)| *c == t) {
                Some((ks, _)) => ks.push(k),
                None => cases.push((vec![k], t)),
            }
        }
        let mut default = if complete {
            None
        } else {
            let rest = rows.iter().filter(|r| r.test_at(occ).is_none()).cloned();
            Some(self.tree(rest.collect()))
        };
        match &default {
            Some(d) => cases.retain(|(_, t)| t != d),
            // The largest group of several keys is the default.
            None => {
                let big = (0..cases.len()).max_by_key(|&i| (cases[i].0.len(), usize::MAX - i));
                if let Some(i) = big.filter(|&i| cases[i].0.len() > 1 || cases.len() == 1) {
                    default = Some(cases.remove(i).1);
                }
            }
        }
        match default {
            Some(d) if cases.is_empty() => self.nodes[d].clone(),
            default => Node::Test {
                occ,
                cases,
                default,
            },
        }
    }
}

fn push_test<'p>(rows: Vec<Row<'p>>, occ: usize, p: &'p TPat) -> Vec<Row<'p>> {
    rows.into_iter()
        .map(|mut r| {
            r.tests.push((occ, p));
            r
        })
        .collect()
}

/// The accesses of variant `v`'s payload fields.
fn parts_of(v: u32, fields: &[Ty]) -> Vec<(Access, Ty)> {
    (0..fields.len())
        .map(|i| (Access::Payload(v, i as u32), fields[i].clone()))
        .collect()
}
