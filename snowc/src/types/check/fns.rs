//! Functions: dependency order (SCCs), clause inference shared by named
//! functions, local functions and closures, and generalisation.

use std::collections::HashMap;

use super::decls::FnGroup;
use super::errors::{MatchCheck, MatchKind};
use super::hints::TypeWant;
use super::scope::{TypeRes, ValueRes};
use super::{Checker, FnCtx};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, Block, Expr, FnBody, Param, Span};
use crate::types::tast::{FnId, LocalId, MatchFail, TArm, TExpr, TExprKind, TFn, TPat, TPatKind};
use crate::types::ty::{Ty, TyCon};

/// One clause of a function or closure, independent of its syntax.
pub struct ClauseRef<'a> {
    pub params: &'a [Param],
    pub guard: Option<&'a Expr>,
    pub body: BodyRef<'a>,
    pub ret_ann: Option<&'a ast::Type>,
    pub span: Span,
}

#[derive(Clone, Copy)]
pub enum BodyRef<'a> {
    Expr(&'a Expr),
    Block(&'a Block),
}

const NO_PARAMS: &[Param] = &[];

impl<'a> ClauseRef<'a> {
    pub fn from_fn(f: &'a ast::FnDef) -> ClauseRef<'a> {
        ClauseRef {
            params: f.params.as_deref().unwrap_or(NO_PARAMS),
            guard: f.guard.as_ref(),
            body: match &f.body {
                FnBody::Expr(e) => BodyRef::Expr(e),
                FnBody::Block(b) => BodyRef::Block(b),
            },
            ret_ann: f.ret.as_ref(),
            span: f.span,
        }
    }
}

/// Strongly connected components of the call graph, dependencies first.
pub fn sccs(ck: &Checker, groups: &[FnGroup]) -> Vec<Vec<usize>> {
    let by_id: HashMap<FnId, usize> = groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let edges: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| {
            let mut names = Vec::new();
            for c in &g.clauses {
                super::names::fn_names(c, &mut names);
            }
            let lookup = |m: &str, f: &str| {
                let mi = ck.scopes.module_from(g.module, m)?;
                ck.scopes.modules[mi].values.get(f).cloned()
            };
            let mut out: Vec<usize> = names
                .iter()
                .filter_map(|n| {
                    let r = match ck.scopes.unit_value(g.module, n) {
                        Some(r) => Some(r.clone()),
                        None => match n.rsplit_once('.') {
                            Some((m, f)) => lookup(m, f),
                            None => crate::types::builtins::prelude_alias(n)
                                .and_then(|(m, f)| ck.module_value(m, f)),
                        },
                    };
                    match r {
                        Some(ValueRes::Fn(id)) => by_id.get(&id).copied(),
                        _ => None,
                    }
                })
                .collect();
            out.sort();
            out.dedup();
            out
        })
        .collect();
    tarjan(&edges)
}

pub fn tarjan(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct St<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut St, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on[v] = true;
        for i in 0..s.edges[v].len() {
            let w = s.edges[v][i];
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            comp.sort();
            s.out.push(comp);
        }
    }
    let n = edges.len();
    let mut s = St {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

pub fn infer_scc(ck: &mut Checker, members: &[&FnGroup]) {
    ck.sub.enter();
    for g in members {
        let v = ck.sub.fresh();
        ck.fns[g.id.0 as usize].ty = v;
    }
    let mut declared = Vec::new();
    for g in members {
        let (tfn, decl) = infer_group(ck, g);
        declared.push(decl);
        ck.fns[g.id.0 as usize].body = Some(tfn);
    }
    ck.sub.exit();
    let tys: Vec<Ty> = members
        .iter()
        .map(|g| ck.fns[g.id.0 as usize].ty.clone())
        .collect();
    let (_gens, gtys) = ck.sub.generalize_many(&tys);
    for ((g, t), decl) in members.iter().zip(gtys).zip(declared) {
        let mut gens = decl;
        t.any(&mut |x| {
            if let Ty::Gen(id) = x {
                if !gens.contains(id) {
                    gens.push(*id);
                }
            }
            false
        });
        let info = &mut ck.fns[g.id.0 as usize];
        info.ty = t;
        info.gens = gens;
        info.done = true;
    }
    // Requirements on generic parameters become constraints of the scheme.
    let obs = std::mem::take(&mut ck.obligations);
    for ob in obs {
        let t = ck.sub.zonk(&ob.ty);
        let mut owner = None;
        for g in members {
            let gens = &ck.fns[g.id.0 as usize].gens;
            if t.any(&mut |x| matches!(x, Ty::Gen(id) if gens.contains(id))) {
                owner = Some(g.id);
            }
        }
        match owner {
            Some(id) => ck.fns[id.0 as usize].constraints.push((t, ob.tr)),
            None => ck.obligations.push(ob),
        }
    }
    ck.check_obligations();
}

/// Infer one named top-level function; returns it and its declared generics.
fn infer_group(ck: &mut Checker, g: &FnGroup) -> (TFn, Vec<crate::types::ty::GenId>) {
    ck.file = g.file;
    ck.scopes.current = g.module;
    let first: &ast::FnDef = &g.clauses[0];
    ck.record_fn_name(g.id, first.name.span);
    ck.scopes.push();
    let mut declared = g.decl_gens.clone();
    if let Some(st) = &g.self_ty {
        ck.scopes
            .bind_type("Self", TypeRes::Alias(vec![], st.clone()));
    }
    for n in &first.generics {
        let gid = ck.sub.fresh_gen();
        ck.gen_names.insert(gid, n.text.clone());
        ck.scopes.bind_type(&n.text, TypeRes::Gen(gid));
        declared.push(gid);
    }
    // `where T: I` bounds: usable in the body, checked at every use.
    let mut bound_constraints = Vec::new();
    for b in &first.where_clause {
        let gen = match ck.scopes.ty(&b.param.text) {
            Some(TypeRes::Gen(g)) => Some(*g),
            _ => None,
        };
        let iface = match ck.resolve_iface_path(&b.interface) {
            Some(i) => Some(i),
            None => {
                let n = b
                    .interface
                    .segments
                    .last()
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                let e = Diagnostic::error(Some("E0040"), format!("unknown interface `{n}`"))
                    .with_primary(ck.file, b.interface.span, "not an interface in scope");
                let e = ck.with_type_hint(e, &n, TypeWant::Iface);
                ck.error(e);
                None
            }
        };
        match (gen, iface) {
            (Some(g), Some(i)) => {
                ck.bounds.entry(g).or_default().push(i);
                bound_constraints.push((Ty::Gen(g), super::Trait::Iface(i)));
            }
            (None, _) => ck.error(
                Diagnostic::error(
                    Some("E0040"),
                    format!("unknown type parameter `{}`", b.param.text),
                )
                .with_primary(
                    ck.file,
                    b.param.span,
                    "not a generic parameter of this function",
                ),
            ),
            _ => {}
        }
    }
    ck.fns[g.id.0 as usize]
        .constraints
        .extend(bound_constraints);
    let saved_self = std::mem::replace(&mut ck.cur_self, g.self_ty.clone());
    ck.closure_hint = g.expected.clone();
    let all: Vec<&ast::FnDef> = g.clauses.iter().map(|c| &**c).collect();
    warn_later_clauses(ck, &all);
    let clauses: Vec<ClauseRef> = all.iter().map(|c| ClauseRef::from_fn(c)).collect();
    let self_ty = ck.fns[g.id.0 as usize].ty.clone();
    let what = format!("{}/{}", first.name.text, clauses[0].params.len());
    let msg = g.actor.map(|_| ck.sub.fresh());
    if let Some(m) = &msg {
        ck.pending_actor = Some(super::ActorCtx {
            id: g.id,
            msg: m.clone(),
            params: vec![],
            in_terminate: false,
        });
    }
    let (params, fun_ty, body) = infer_clauses(ck, &clauses, &what);
    ck.cur_self = saved_self;
    // An actor's type is `fn(params) -> Pid<M>` (what `spawn` returns); its
    // body's own value is discarded.
    let spawn_ty = match (&msg, &fun_ty) {
        (Some(m), Ty::Fun(ps, _)) => Ty::Fun(ps.clone(), Box::new(Ty::pid(m.clone()))),
        _ => fun_ty.clone(),
    };
    ck.unify_at(&self_ty, &spawn_ty, first.name.span, None);
    let actor = match (g.actor, msg) {
        (Some(a), Some(m)) => {
            let terminate = a.terminate.as_ref().map(|b| {
                ck.fn_ctx.push(FnCtx {
                    ret: Ty::unit(),
                    loops: 0,
                    actor: Some(super::ActorCtx {
                        id: g.id,
                        msg: m.clone(),
                        params: vec![],
                        in_terminate: true,
                    }),
                });
                ck.scopes.push();
                let t = ck.infer_block(b);
                ck.scopes.pop();
                ck.fn_ctx.pop();
                t
            });
            Some(Box::new(crate::types::tast::TActor { msg: m, terminate }))
        }
        _ => None,
    };
    ck.scopes.pop();
    let ret = match &fun_ty {
        Ty::Fun(_, r) => (**r).clone(),
        _ => Ty::unit(),
    };
    let pos = ck.pos(first.span);
    (
        TFn {
            name: ck.fns[g.id.0 as usize].name.clone(),
            generics: vec![],
            params,
            ret,
            body,
            pos,
            actor,
        },
        declared,
    )
}

fn warn_later_clauses(ck: &mut Checker, clauses: &[&ast::FnDef]) {
    let name = &clauses[0].name.text;
    for c in clauses.iter().skip(1) {
        let mut what = Vec::new();
        if c.is_pub {
            what.push("visibility");
        }
        if !c.generics.is_empty() {
            what.push("generic parameters");
        }
        if c.ret.is_some() {
            what.push("return type annotation");
        }
        if !c.where_clause.is_empty() {
            what.push("where clause");
        }
        for w in what {
            ck.error(
                Diagnostic::warning(
                    Some("W0002"),
                    format!("{w} on non-first clause of `{name}` will be ignored"),
                )
                .with_primary(ck.file, c.name.span, "this clause"),
            );
        }
    }
}

fn is_catch_all(c: &ClauseRef) -> bool {
    c.guard.is_none()
        && c.params.iter().all(|p| match p {
            Param::Plain { .. } => true,
            Param::Pattern(p) => matches!(p.kind, ast::PatternKind::Wild),
        })
}

/// Infer clauses sharing one parameter list. Returns the parameter locals,
/// the function type and the body (a `Match` when patterns or several
/// clauses are involved). The caller has pushed a function context or not;
/// this pushes its own.
pub fn infer_clauses(
    ck: &mut Checker,
    clauses: &[ClauseRef],
    what: &str,
) -> (Vec<LocalId>, Ty, TExpr) {
    let first = &clauses[0];
    let arity = first.params.len();
    let cur_self = ck.cur_self.take();
    let param_tys: Vec<Ty> = first
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| match (p, &cur_self) {
            (Param::Plain { name, .. }, Some(st)) if i == 0 && name.text == "self" => st.clone(),
            (Param::Plain { ty: Some(t), .. }, _) => ck.resolve_type(t),
            _ => ck.sub.fresh(),
        })
        .collect();
    let ret = match first.ret_ann {
        Some(t) => ck.resolve_type(t),
        None => ck.sub.fresh(),
    };
    if let Some(Ty::Fun(hp, hr)) = ck.closure_hint.take().map(|h| ck.sub.shallow(&h)) {
        if hp.len() == param_tys.len() {
            for (p, h) in param_tys.iter().zip(&hp) {
                let _ = ck.sub.unify(p, h);
            }
            let _ = ck.sub.unify(&ret, &hr);
        }
    }
    let actor = match ck.pending_actor.take() {
        Some(mut a) => {
            a.params = param_tys.clone();
            Some(a)
        }
        None => ck.fn_ctx.last().and_then(|c| c.actor.clone()),
    };
    ck.fn_ctx.push(FnCtx {
        ret: ret.clone(),
        loops: 0,
        actor,
    });
    let simple = clauses.len() == 1
        && first.guard.is_none()
        && first
            .params
            .iter()
            .all(|p| matches!(p, Param::Plain { .. }));
    let (params, body) = if simple {
        ck.scopes.push();
        let mut locals = Vec::new();
        for (p, t) in first.params.iter().zip(&param_tys) {
            if let Param::Plain { name, .. } = p {
                let id = ck.new_local(&name.text, t.clone());
                ck.record_bind(id, t, name.span);
                ck.scopes.bind_value(
                    &name.text,
                    ValueRes::Local {
                        id,
                        gens: vec![],
                        ty: t.clone(),
                        cons: vec![],
                    },
                );
                locals.push(id);
            }
        }
        let body = ck.check_body(first.body, &ret);
        ck.scopes.pop();
        (locals, body)
    } else {
        let locals: Vec<LocalId> = param_tys
            .iter()
            .enumerate()
            .map(|(i, t)| ck.new_local(&format!("arg{i}"), t.clone()))
            .collect();
        let mut arms = Vec::new();
        let mut rows = Vec::new();
        let mut bad_pattern = false;
        for (ci, c) in clauses.iter().enumerate() {
            if c.params.len() != arity {
                continue; // E0024 already reported
            }
            if ci + 1 < clauses.len() && is_catch_all(c) {
                ck.error(
                    Diagnostic::error(
                        Some("E0022"),
                        format!("catch-all clause must be the last clause of function `{what}`"),
                    )
                    .with_primary(
                        ck.file,
                        c.span,
                        "later clauses can never match",
                    ),
                );
            }
            ck.scopes.push();
            let mut binds = Vec::new();
            let before = ck.diags.len();
            let pats: Vec<TPat> = c
                .params
                .iter()
                .zip(&param_tys)
                .map(|(p, t)| match p {
                    Param::Plain { name, ty } => {
                        if let (Some(a), true) = (ty, ci > 0) {
                            let at = ck.resolve_type(a);
                            ck.unify_at(&at, t, a.span, None);
                        }
                        let id = ck.new_local(&name.text, t.clone());
                        ck.record_bind(id, t, name.span);
                        binds.push((name.text.clone(), id, t.clone()));
                        TPat {
                            kind: if name.text == "_" {
                                TPatKind::Wild
                            } else {
                                TPatKind::Bind(id)
                            },
                            ty: t.clone(),
                            pos: ck.pos(name.span),
                        }
                    }
                    Param::Pattern(p) => ck.check_pattern(p, t, &mut binds),
                })
                .collect();
            bad_pattern |= ck.diags.len() > before;
            for (n, id, t) in &binds {
                ck.scopes.bind_value(
                    n,
                    ValueRes::Local {
                        id: *id,
                        gens: vec![],
                        ty: t.clone(),
                        cons: vec![],
                    },
                );
            }
            let guard = c.guard.map(|g| {
                let ge = ck.infer_expr(g);
                ck.unify_at(&Ty::bool(), &ge.ty, g.span, None);
                ge
            });
            let body = ck.check_body(c.body, &ret);
            ck.scopes.pop();
            rows.push((pats.clone(), guard.is_some(), ck.pos(c.span)));
            arms.push(TArm { pats, guard, body });
        }
        let scrutinees: Vec<TExpr> = locals
            .iter()
            .zip(&param_tys)
            .map(|(l, t)| TExpr {
                kind: TExprKind::Local(*l, vec![]),
                ty: t.clone(),
                pos: ck.pos(first.span),
            })
            .collect();
        // As for `case`: a pattern in error gets no coverage warnings.
        if !bad_pattern {
            ck.match_checks.push(MatchCheck {
                kind: MatchKind::Clauses,
                pos: ck.pos(first.span),
                scrut_tys: param_tys.clone(),
                rows,
                what: what.to_string(),
            });
        }
        let body = TExpr {
            kind: TExprKind::Match {
                scrutinees,
                arms,
                fail: MatchFail::Clauses,
            },
            ty: ret.clone(),
            pos: ck.pos(first.span),
        };
        (locals, body)
    };
    ck.fn_ctx.pop();
    (params, Ty::Fun(param_tys, Box::new(ret)), body)
}

impl Checker<'_> {
    /// Check a function/closure body against the return type.
    pub fn check_body(&mut self, body: BodyRef, ret: &Ty) -> TExpr {
        let (e, span, last) = match body {
            BodyRef::Expr(e) => (self.infer_expr(e), e.span, Some(e)),
            BodyRef::Block(b) => (
                self.infer_block(b),
                b.span,
                b.stmts.last().and_then(|s| match &s.kind {
                    ast::StmtKind::Expr(x) => Some(x),
                    _ => None,
                }),
            ),
        };
        if let Err(err) = self.sub.unify(ret, &e.ty) {
            let ret_list = matches!(self.sub.zonk(ret), Ty::Con(TyCon::List, _));
            match last.filter(|x| !ret_list && matches!(x.kind, ast::ExprKind::For { .. })) {
                Some(f) => self.report_for_result(ret, &e.ty, f.span),
                None => self.report_unify(err, ret, &e.ty, span, None),
            }
        }
        e
    }
}
