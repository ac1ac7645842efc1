//! Final pass: resolve every type in the typed AST (leftover variables
//! default to `()`) and assemble the `TypedProgram`.

use super::Checker;
use crate::types::tast::{
    FnId, TArm, TExpr, TExprKind, TPat, TPatKind, TStmt, TStrPart, TypedProgram,
};
use crate::types::ty::Ty;

pub fn finish(ck: &mut Checker, main: Option<FnId>) -> TypedProgram {
    let mut fns = Vec::new();
    for i in 0..ck.fns.len() {
        let gens = ck.fns[i].gens.clone();
        let Some(mut f) = ck.fns[i].body.take() else {
            continue;
        };
        f.generics = gens;
        let z = Zonker { ck };
        f.ret = z.ty(&f.ret);
        z.expr(&mut f.body);
        if let Some(a) = &mut f.actor {
            a.msg = z.ty(&a.msg);
            if let Some(t) = &mut a.terminate {
                z.expr(t);
            }
        }
        fns.push(f);
    }
    // Recursive references inside an SCC were monomorphic: they name the
    // function's own instance.
    let gens: Vec<Vec<crate::types::ty::GenId>> = fns.iter().map(|f| f.generics.clone()).collect();
    for f in &mut fns {
        fill_recursive_insts(&mut f.body, &gens);
        if let Some(t) = f.actor.as_mut().and_then(|a| a.terminate.as_mut()) {
            fill_recursive_insts(t, &gens);
        }
    }
    let z = Zonker { ck };
    let locals =
        z.ck.locals
            .iter()
            .map(|l| crate::types::tast::LocalInfo {
                name: l.name.clone(),
                ty: z.ty(&l.ty),
            })
            .collect();
    TypedProgram {
        adts: ck.adts.clone(),
        ifaces: ck.ifaces.clone(),
        impls: ck.impls.clone(),
        fns,
        locals,
        main,
    }
}

struct Zonker<'c, 'a> {
    ck: &'c mut Checker<'a>,
}

impl Zonker<'_, '_> {
    fn ty(&self, t: &Ty) -> Ty {
        default_unit(&self.ck.sub.zonk(t))
    }

    fn expr(&self, e: &mut TExpr) {
        e.ty = self.ty(&e.ty);
        match &mut e.kind {
            TExprKind::Lit(_)
            | TExprKind::Builtin(_)
            | TExprKind::Ctor(..)
            | TExprKind::Break
            | TExprKind::Continue => {}
            TExprKind::Method { self_ty, .. } => *self_ty = self.ty(self_ty),
            TExprKind::Local(_, inst) | TExprKind::FnRef(_, inst) => {
                for t in inst.iter_mut() {
                    *t = self.ty(t);
                }
            }
            TExprKind::Call { callee, args } => {
                self.expr(callee);
                args.iter_mut().for_each(|a| self.expr(a));
            }
            TExprKind::Tuple(xs) | TExprKind::List(xs) => xs.iter_mut().for_each(|a| self.expr(a)),
            TExprKind::Map(kvs) => kvs.iter_mut().for_each(|(k, v)| {
                self.expr(k);
                self.expr(v)
            }),
            TExprKind::StructLit { fields, .. } => {
                fields.iter_mut().for_each(|(_, v)| self.expr(v))
            }
            TExprKind::Field { base, .. } => self.expr(base),
            TExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs)
            }
            TExprKind::Neg(x) | TExprKind::Not(x) | TExprKind::Return(x) => self.expr(x),
            TExprKind::Try { expr, .. } => self.expr(expr),
            TExprKind::Interp(parts) => {
                for p in parts {
                    if let TStrPart::Value(x) = p {
                        self.expr(x)
                    }
                }
            }
            TExprKind::If {
                cond,
                then_e,
                else_e,
            } => {
                self.expr(cond);
                self.expr(then_e);
                self.expr(else_e)
            }
            TExprKind::Match {
                scrutinees, arms, ..
            } => {
                scrutinees.iter_mut().for_each(|s| self.expr(s));
                arms.iter_mut().for_each(|a| self.arm(a));
            }
            TExprKind::Block(stmts) => {
                for s in stmts {
                    match s {
                        TStmt::Let { value, .. } => self.expr(value),
                        TStmt::LetPat { pat, value } => {
                            self.pat(pat);
                            self.expr(value)
                        }
                        TStmt::Expr(x) => self.expr(x),
                    }
                }
            }
            TExprKind::Closure(c) => {
                c.ret = self.ty(&c.ret);
                self.expr(&mut c.body)
            }
            TExprKind::While { cond, body } => {
                self.expr(cond);
                self.expr(body)
            }
            TExprKind::Receive { msg, arms, after } => {
                *msg = self.ty(msg);
                arms.iter_mut().for_each(|a| self.arm(a));
                if let Some((t, b)) = after {
                    self.expr(t);
                    self.expr(b);
                }
            }
            TExprKind::For {
                source,
                filter,
                body,
                ..
            } => {
                for x in source.exprs_mut() {
                    self.expr(x);
                }
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.expr(body)
            }
        }
    }

    fn arm(&self, a: &mut TArm) {
        a.pats.iter_mut().for_each(|p| self.pat(p));
        if let Some(g) = &mut a.guard {
            self.expr(g);
        }
        self.expr(&mut a.body);
    }

    fn pat(&self, p: &mut TPat) {
        p.ty = self.ty(&p.ty);
        match &mut p.kind {
            TPatKind::Wild | TPatKind::Bind(_) | TPatKind::Lit(_) => {}
            TPatKind::Tuple(ps) | TPatKind::Or(ps) => ps.iter_mut().for_each(|q| self.pat(q)),
            TPatKind::Ctor { args, .. } => args.iter_mut().for_each(|q| self.pat(q)),
            TPatKind::Cons(h, t) => {
                self.pat(h);
                self.pat(t)
            }
            TPatKind::As(inner, _) => self.pat(inner),
        }
    }
}

fn fill_recursive_insts(e: &mut TExpr, gens: &[Vec<crate::types::ty::GenId>]) {
    e.walk_mut(&mut |x| {
        if let TExprKind::FnRef(id, inst) = &mut x.kind {
            let g = &gens[id.0 as usize];
            if inst.is_empty() && !g.is_empty() {
                *inst = g.iter().map(|g| Ty::Gen(*g)).collect();
            }
        }
    });
}

/// Unresolved variables that survive checking default to `()`.
pub fn default_unit(t: &Ty) -> Ty {
    match t {
        Ty::Var(_) => Ty::unit(),
        _ => t.map_children(&mut default_unit),
    }
}
