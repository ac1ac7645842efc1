//! Pattern checking.

use super::scope::ValueRes;
use super::Checker;
use crate::diag::Diagnostic;
use crate::syntax::ast::{Pattern, PatternKind};
use crate::types::tast::{Lit, LocalId, TPat, TPatKind};
use crate::types::ty::{AdtId, Ty, TyCon};

pub type Binds = Vec<(String, LocalId, Ty)>;

impl Checker<'_> {
    fn tpat(&self, kind: TPatKind, ty: &Ty, p: &Pattern) -> TPat {
        self.record_pat(&kind, ty, p.span);
        TPat {
            kind,
            ty: ty.clone(),
            pos: self.pos(p.span),
        }
    }

    fn lit_pat(&mut self, lit: Lit, lt: Ty, expected: &Ty, p: &Pattern) -> TPat {
        self.unify_at(expected, &lt, p.span, None);
        self.tpat(TPatKind::Lit(lit), expected, p)
    }

    /// Check `p` against `expected`, collecting its bindings in `binds`.
    pub fn check_pattern(&mut self, p: &Pattern, expected: &Ty, binds: &mut Binds) -> TPat {
        match &p.kind {
            PatternKind::Wild => self.tpat(TPatKind::Wild, expected, p),
            PatternKind::Ident(n) => {
                if let Some(ValueRes::Ctor(adt, v)) = self.scopes.value(n).cloned() {
                    return self.ctor_pattern(adt, v, None, expected, p, binds);
                }
                let id = self.new_local(n, expected.clone());
                binds.push((n.clone(), id, expected.clone()));
                self.tpat(TPatKind::Bind(id), expected, p)
            }
            PatternKind::Int(n) => self.lit_pat(Lit::Int(*n), Ty::int(), expected, p),
            PatternKind::Float(x) => self.lit_pat(Lit::Float(*x), Ty::float(), expected, p),
            PatternKind::Str(s) => self.lit_pat(Lit::Str(s.clone()), Ty::string(), expected, p),
            PatternKind::Bool(b) => self.lit_pat(Lit::Bool(*b), Ty::bool(), expected, p),
            PatternKind::Nil => self.lit_pat(Lit::Unit, Ty::unit(), expected, p),
            PatternKind::Tuple(ps) if ps.is_empty() => {
                self.lit_pat(Lit::Unit, Ty::unit(), expected, p)
            }
            PatternKind::Tuple(ps) => {
                let tys: Vec<Ty> = ps.iter().map(|_| self.sub.fresh()).collect();
                self.unify_at(expected, &Ty::Tuple(tys.clone()), p.span, None);
                let items = ps
                    .iter()
                    .zip(&tys)
                    .map(|(q, t)| self.check_pattern(q, t, binds))
                    .collect();
                self.tpat(TPatKind::Tuple(items), expected, p)
            }
            PatternKind::Ctor {
                qualifier,
                name,
                args,
            } => {
                let found = match qualifier {
                    Some(q) => self.qualified_ctor(q, name),
                    None => match self.scopes.value(&name.text) {
                        Some(ValueRes::Ctor(a, v)) => Some((*a, *v)),
                        _ => None,
                    },
                };
                if let Some((adt, v)) = found {
                    return self.ctor_pattern(adt, v, args.as_deref(), expected, p, binds);
                }
                if qualifier.is_none() {
                    self.error(
                        Diagnostic::error(Some("E0010"), format!("unknown variant: {}", name.text))
                            .with_message(format!("unknown variant `{}`", name.text))
                            .with_primary(self.file, name.span, "no such variant in scope"),
                    );
                }
                // Bind its variables anyway: no follow-up E0004.
                for q in args.as_deref().unwrap_or(&[]) {
                    let t = self.sub.fresh();
                    self.check_pattern(q, &t, binds);
                }
                self.tpat(TPatKind::Wild, expected, p)
            }
            PatternKind::Cons(h, t) => {
                let elem = self.sub.fresh();
                self.unify_at(expected, &Ty::list(elem.clone()), p.span, None);
                let hp = self.check_pattern(h, &elem, binds);
                let tp = self.check_pattern(t, expected, binds);
                self.tpat(TPatKind::Cons(Box::new(hp), Box::new(tp)), expected, p)
            }
            PatternKind::Or(alts) => {
                let mut first: Option<Binds> = None;
                let mut out = Vec::new();
                for a in alts {
                    let mut b = Binds::new();
                    let mut tp = self.check_pattern(a, expected, &mut b);
                    match &first {
                        None => first = Some(b),
                        Some(f) => {
                            let mut fa: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
                            let mut fb: Vec<&str> = b.iter().map(|x| x.0.as_str()).collect();
                            fa.sort();
                            fb.sort();
                            if fa != fb {
                                self.error(
                                    Diagnostic::error(
                                        Some("E0011"),
                                        format!(
                                            "or-pattern alternatives bind different variables: [{}] vs [{}]",
                                            fa.join(", "),
                                            fb.join(", ")
                                        ),
                                    )
                                    .with_primary(self.file, a.span, "this alternative"),
                                );
                            } else {
                                // Alternatives share the first one's locals.
                                for (n, id, t) in &b {
                                    let (_, fid, ft) =
                                        f.iter().find(|x| x.0 == *n).expect("same names");
                                    self.unify_at(ft, t, a.span, None);
                                    rename_local(&mut tp, *id, *fid);
                                }
                            }
                        }
                    }
                    out.push(tp);
                }
                binds.extend(first.unwrap_or_default());
                self.tpat(TPatKind::Or(out), expected, p)
            }
            PatternKind::As(inner, name) => {
                let ip = self.check_pattern(inner, expected, binds);
                let id = self.new_local(&name.text, expected.clone());
                binds.push((name.text.clone(), id, expected.clone()));
                self.tpat(TPatKind::As(Box::new(ip), id), expected, p)
            }
        }
    }

    fn ctor_pattern(
        &mut self,
        adt: AdtId,
        v: u32,
        args: Option<&[Pattern]>,
        expected: &Ty,
        p: &Pattern,
        binds: &mut Binds,
    ) -> TPat {
        let (gens, fields, vname) = {
            let a = &self.adts[adt.0 as usize];
            let var = &a.variants()[v as usize];
            (a.generics.clone(), var.fields.clone(), var.name.clone())
        };
        let fresh: Vec<Ty> = gens.iter().map(|_| self.sub.fresh()).collect();
        self.unify_at(
            expected,
            &Ty::Con(TyCon::Adt(adt), fresh.clone()),
            p.span,
            None,
        );
        let sub = |g| gens.iter().position(|x| *x == g).map(|i| fresh[i].clone());
        let args = args.unwrap_or(&[]);
        if args.len() != fields.len() {
            let (m, n) = (fields.len(), args.len());
            self.error(
                Diagnostic::error(
                    Some("E0003"),
                    format!("expected {m} argument(s), found {n}"),
                )
                .with_message(format!("arity mismatch: expected {m} arguments, found {n}"))
                .with_primary(self.file, p.span, format!("`{vname}` has {m} field(s)"))
                .with_help(if n < m {
                    format!("missing {} argument(s)", m - n)
                } else {
                    format!("{} extra argument(s)", n - m)
                }),
            );
            // Go on with the sub-patterns there are (extra ones are checked
            // against fresh types), so their variables exist and the arm
            // covers only this variant: no follow-up errors or warnings.
            for q in args.iter().skip(m) {
                let t = self.sub.fresh();
                self.check_pattern(q, &t, binds);
            }
        }
        let mut sub_pats: Vec<TPat> = args
            .iter()
            .zip(&fields)
            .map(|(q, f)| {
                let ft = f.subst_gen(&sub);
                self.check_pattern(q, &ft, binds)
            })
            .collect();
        for f in fields.iter().skip(sub_pats.len()) {
            let ft = f.subst_gen(&sub);
            sub_pats.push(TPat {
                kind: TPatKind::Wild,
                ty: ft,
                pos: self.pos(p.span),
            });
        }
        self.tpat(
            TPatKind::Ctor {
                adt,
                variant: v,
                args: sub_pats,
            },
            expected,
            p,
        )
    }
}

fn rename_local(p: &mut TPat, from: LocalId, to: LocalId) {
    match &mut p.kind {
        TPatKind::Bind(id) if *id == from => *id = to,
        TPatKind::As(inner, id) => {
            if *id == from {
                *id = to;
            }
            rename_local(inner, from, to);
        }
        TPatKind::Tuple(ps) | TPatKind::Or(ps) => {
            ps.iter_mut().for_each(|q| rename_local(q, from, to))
        }
        TPatKind::Ctor { args, .. } => args.iter_mut().for_each(|q| rename_local(q, from, to)),
        TPatKind::Cons(h, t) => {
            rename_local(h, from, to);
            rename_local(t, from, to);
        }
        TPatKind::Wild | TPatKind::Bind(_) | TPatKind::Lit(_) => {}
    }
}
