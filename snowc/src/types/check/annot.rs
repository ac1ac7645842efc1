//! Resolving written type annotations to types.

use super::hints::TypeWant;
use super::scope::TypeRes;
use super::Checker;
use crate::diag::Diagnostic;
use crate::syntax::ast::{Type, TypeKind};
use crate::types::ty::{Ty, TyCon, OPTION, RESULT};

impl Checker<'_> {
    pub fn resolve_type(&mut self, t: &Type) -> Ty {
        match &t.kind {
            TypeKind::Tuple(ts) => Ty::Tuple(ts.iter().map(|x| self.resolve_type(x)).collect()),
            TypeKind::Fun(ps, r) => Ty::Fun(
                ps.iter().map(|x| self.resolve_type(x)).collect(),
                Box::new(self.resolve_type(r)),
            ),
            TypeKind::Option(x) => Ty::Con(TyCon::Adt(OPTION), vec![self.resolve_type(x)]),
            TypeKind::Result(x, e) => Ty::Con(
                TyCon::Adt(RESULT),
                vec![self.resolve_type(x), self.resolve_type(e)],
            ),
            TypeKind::Named { path, args } => {
                let args: Vec<Ty> = args.iter().map(|a| self.resolve_type(a)).collect();
                let name = &path.segments.last().expect("paths are non-empty").text;
                let res = if path.segments.len() == 1 {
                    self.scopes.ty(name).cloned()
                } else {
                    let m: Vec<&str> = path.segments[..path.segments.len() - 1]
                        .iter()
                        .map(|s| s.text.as_str())
                        .collect();
                    let m = m.join(".");
                    self.scopes
                        .module_index(&m)
                        .and_then(|i| self.scopes.modules[i].types.get(name).cloned())
                };
                let Some(res) = res else {
                    let d = Diagnostic::error(Some("E0040"), format!("unknown type `{}`", name))
                        .with_primary(self.file, t.span, "not found in this scope");
                    let full: Vec<&str> = path.segments.iter().map(|s| s.text.as_str()).collect();
                    let d = self.with_type_hint(d, &full.join("."), TypeWant::Type);
                    self.error(d);
                    return self.poisoned_var();
                };
                if let TypeRes::Iface(_) = res {
                    self.error(
                        Diagnostic::error(
                            Some("E0040"),
                            format!("interface `{name}` is not a type"),
                        )
                        .with_primary(
                            self.file,
                            t.span,
                            "use a type parameter with a `where` bound",
                        ),
                    );
                    return self.poisoned_var();
                }
                if let TypeRes::Adt(id) = res {
                    self.record_type_ref(id, path.segments.last().map_or(t.span, |s| s.span));
                }
                let want = match &res {
                    TypeRes::Prim(_, n) => *n,
                    TypeRes::Unit | TypeRes::Gen(_) => 0,
                    TypeRes::Adt(id) => self.adts[id.0 as usize].generics.len(),
                    TypeRes::Alias(g, _) => g.len(),
                    TypeRes::Iface(_) => 0,
                };
                let bare_ok = matches!(
                    res,
                    TypeRes::Prim(TyCon::Pid | TyCon::Set | TyCon::Queue, _)
                );
                if args.len() != want && !(args.is_empty() && bare_ok) {
                    let n = args.len();
                    self.error(
                        Diagnostic::error(Some("E0003"), format!("expected {want} argument(s), found {n}"))
                            .with_message(format!(
                                "arity mismatch: expected {want} type arguments for `{name}`, found {n}"
                            ))
                            .with_primary(self.file, t.span, "wrong number of type arguments"),
                    );
                    return self.poisoned_var();
                }
                match res {
                    TypeRes::Prim(TyCon::Set, _) | TypeRes::Prim(TyCon::Queue, _)
                        if args.is_empty() =>
                    {
                        let con = if let TypeRes::Prim(c, _) = res {
                            c
                        } else {
                            unreachable!()
                        };
                        Ty::Con(con, vec![self.sub.fresh()])
                    }
                    TypeRes::Prim(c, _) => Ty::Con(c, args),
                    TypeRes::Unit => Ty::unit(),
                    TypeRes::Gen(g) => Ty::Gen(g),
                    TypeRes::Adt(id) => Ty::Con(TyCon::Adt(id), args),
                    TypeRes::Alias(gens, body) => body
                        .subst_gen(&|g| gens.iter().position(|x| *x == g).map(|i| args[i].clone())),
                    TypeRes::Iface(_) => self.sub.fresh(),
                }
            }
        }
    }
}
