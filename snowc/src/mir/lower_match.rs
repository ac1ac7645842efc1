//! Pattern matching: each arm becomes a sequence of tests that jump to the
//! next arm on failure; bindings are assigned as tests succeed.

use super::lower::{Lowerer, FB};
use super::{Operand, RtOp, Rv, Stmt};
use crate::syntax::ast::BinOp;
use crate::types::tast::{Lit, MatchFail, Pos, TArm, TExpr, TPat, TPatKind};
use crate::types::ty::{AdtKind, Ty, TyCon};

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
        let mut scr = Vec::new();
        for s in scrutinees {
            let v = self.expr(fb, s, false);
            let t = self.ty(fb, &s.ty);
            let v = match v {
                Operand::Local(_) => v,
                other => fb.temp(t.clone(), Rv::Use(other)),
            };
            scr.push((v, t));
        }
        let result = fb.new_local("m", ty);
        let end = fb.label();
        for arm in arms {
            let next = fb.label();
            for (p, (v, t)) in arm.pats.iter().zip(&scr) {
                self.test(fb, p, v.clone(), t, next);
            }
            if let Some(g) = &arm.guard {
                let gv = self.expr(fb, g, false);
                fb.emit(Stmt::If(gv, vec![], vec![Stmt::Goto(next)]));
            }
            fb.emit(Stmt::At(arm.body.pos));
            let b = self.expr(fb, &arm.body, tail);
            fb.emit(Stmt::Assign(result, Rv::Use(b)));
            fb.emit(Stmt::Goto(end));
            fb.emit(Stmt::Label(next));
        }
        match fail {
            MatchFail::Panic(msg) => fb.emit(Stmt::Panic(msg.to_string(), pos)),
            MatchFail::Clauses => self.no_clause(fb, &scr, pos),
        }
        fb.emit(Stmt::Label(end));
        Operand::Local(result)
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

    fn fail_unless(&mut self, fb: &mut FB, cond: Operand, fail: super::Label) {
        fb.emit(Stmt::If(cond, vec![], vec![Stmt::Goto(fail)]));
    }

    /// Emit tests of `v` (of type `t`) against `p`, jumping to `fail` on mismatch.
    pub fn test(&mut self, fb: &mut FB, p: &TPat, v: Operand, t: &Ty, fail: super::Label) {
        match &p.kind {
            TPatKind::Wild => {}
            TPatKind::Bind(id) => {
                let l = self.bind(fb, *id, t.clone());
                fb.emit(Stmt::Assign(l, Rv::Use(v)));
            }
            TPatKind::As(inner, id) => {
                let l = self.bind(fb, *id, t.clone());
                fb.emit(Stmt::Assign(l, Rv::Use(v.clone())));
                self.test(fb, inner, v, t, fail);
            }
            TPatKind::Lit(l) => {
                let (lit, lt) = match l {
                    Lit::Unit => return,
                    Lit::Int(n) => (Operand::Int(*n), Ty::int()),
                    Lit::Float(x) => (Operand::Float(*x), Ty::float()),
                    Lit::Bool(b) => (Operand::Bool(*b), Ty::bool()),
                    Lit::Str(s) => {
                        let c = fb.temp(
                            Ty::bool(),
                            Rv::lib(
                                "String",
                                "__eq",
                                vec![v, Operand::Str(s.clone())],
                                vec![Ty::string(), Ty::string()],
                                Ty::bool(),
                                p.pos,
                            ),
                        );
                        return self.fail_unless(fb, c, fail);
                    }
                };
                let c = fb.temp(Ty::bool(), Rv::Bin(BinOp::Eq, v, lit, lt, p.pos));
                self.fail_unless(fb, c, fail);
            }
            TPatKind::Tuple(ps) => {
                let tys = match t {
                    Ty::Tuple(ts) => ts.clone(),
                    _ => vec![Ty::unit(); ps.len()],
                };
                for (i, (q, qt)) in ps.iter().zip(&tys).enumerate() {
                    if matches!(q.kind, TPatKind::Wild) {
                        continue;
                    }
                    let f = fb.temp(qt.clone(), Rv::Field(v.clone(), t.clone(), i as u32));
                    self.test(fb, q, f, qt, fail);
                }
            }
            TPatKind::Ctor { adt, variant, args } => {
                let (nvariants, fields) = {
                    let a = self.tp.adt(*adt);
                    let targs = match t {
                        Ty::Con(TyCon::Adt(_), args) => args.clone(),
                        _ => vec![],
                    };
                    let gens = a.generics.clone();
                    match &a.kind {
                        AdtKind::Sum { variants } => (
                            variants.len(),
                            variants[*variant as usize]
                                .fields
                                .iter()
                                .map(|f| {
                                    let g = f.subst_gen(&|g| {
                                        gens.iter()
                                            .position(|x| *x == g)
                                            .and_then(|i| targs.get(i).cloned())
                                    });
                                    super::lower::concrete(&g, &Default::default())
                                })
                                .collect::<Vec<Ty>>(),
                        ),
                        AdtKind::Struct { .. } => (1, vec![]),
                    }
                };
                if nvariants > 1 {
                    let tag = fb.temp(Ty::int(), Rv::Tag(v.clone()));
                    let c = fb.temp(
                        Ty::bool(),
                        Rv::Bin(
                            BinOp::Eq,
                            tag,
                            Operand::Int(*variant as i64),
                            Ty::int(),
                            p.pos,
                        ),
                    );
                    self.fail_unless(fb, c, fail);
                }
                for (i, (q, qt)) in args.iter().zip(&fields).enumerate() {
                    if matches!(q.kind, TPatKind::Wild) {
                        continue;
                    }
                    let f = fb.temp(
                        qt.clone(),
                        Rv::VariantField(v.clone(), t.clone(), *variant, i as u32),
                    );
                    self.test(fb, q, f, qt, fail);
                }
            }
            TPatKind::Cons(h, tl) => {
                let (ts, pos) = (vec![t.clone()], p.pos);
                let e = fb.temp(
                    Ty::bool(),
                    Rv::lib(
                        "List",
                        "is_empty",
                        vec![v.clone()],
                        ts.clone(),
                        Ty::bool(),
                        pos,
                    ),
                );
                fb.emit(Stmt::If(e, vec![Stmt::Goto(fail)], vec![]));
                let et = match t {
                    Ty::Con(TyCon::List, a) => a[0].clone(),
                    _ => Ty::unit(),
                };
                if !matches!(h.kind, TPatKind::Wild) {
                    let hv = fb.temp(
                        et.clone(),
                        Rv::lib("List", "head", vec![v.clone()], ts.clone(), et.clone(), pos),
                    );
                    self.test(fb, h, hv, &et, fail);
                }
                if !matches!(tl.kind, TPatKind::Wild) {
                    let tail = Rv::lib("List", "tail", vec![v], ts, t.clone(), pos);
                    let tv = fb.temp(t.clone(), tail);
                    self.test(fb, tl, tv, t, fail);
                }
            }
            TPatKind::Or(alts) => {
                let ok = fb.label();
                for a in alts {
                    let next = fb.label();
                    self.test(fb, a, v.clone(), t, next);
                    fb.emit(Stmt::Goto(ok));
                    fb.emit(Stmt::Label(next));
                }
                fb.emit(Stmt::Goto(fail));
                fb.emit(Stmt::Label(ok));
            }
        }
    }
}
