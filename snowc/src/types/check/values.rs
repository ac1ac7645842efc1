//! Stdlib functions used as values (ruling 13). Most have an ordinary
//! scheme and need nothing here; `Tuple.first/second/size/nth` are typed by
//! the tuple's arity, so as values they take their type from where they are
//! passed (a parameter, an annotation, a struct field) and are an error
//! where that type is not known yet.

use super::scope::ValueRes;
use super::Checker;
use crate::diag::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, Span};
use crate::types::tast::{Builtin, TExpr, TExprKind};
use crate::types::ty::Ty;

impl Checker<'_> {
    /// `Tuple.first`, `tuple_first` or an imported `first` naming the
    /// built-in Tuple function: which one (`"first"`, ...).
    pub fn tuple_fn_of(&self, e: &Expr) -> Option<String> {
        let which = match &e.kind {
            ExprKind::Field { base, name } if matches!(&base.kind, ExprKind::Name(m) if m == "Tuple" && self.scopes.value(m).is_none()) =>
            {
                // A user module `Tuple` defining the name wins (§3.1.3).
                (!self.user_module_defines("Tuple", &name.text)).then(|| name.text.clone())
            }
            ExprKind::Name(n) => match self.scopes.value(n) {
                None => n.strip_prefix("tuple_").map(str::to_string),
                Some(ValueRes::Builtin(b)) => tuple_builtin_name(*b).map(str::to_string),
                Some(_) => None,
            },
            _ => None,
        };
        which.filter(|w| matches!(w.as_str(), "first" | "second" | "nth" | "size"))
    }

    /// Infer `e`, a value expected to have type `hint` (not yet unified):
    /// a Tuple function takes its type from the hint.
    pub fn infer_hinted(&mut self, e: &Expr, hint: Option<&Ty>) -> TExpr {
        match self.tuple_fn_of(e) {
            Some(which) => self.tuple_fn_value(&which, hint, e.span),
            None => self.infer_expr(e),
        }
    }

    /// `Tuple.<which>` as a value of the function type `hint`.
    fn tuple_fn_value(&mut self, which: &str, hint: Option<&Ty>, span: Span) -> TExpr {
        let nparams = if which == "nth" { 2 } else { 1 };
        let hint = hint.map(|h| self.sub.zonk(h));
        let elems = match &hint {
            Some(Ty::Fun(ps, _)) if ps.len() == nparams => match &ps[0] {
                Ty::Tuple(ts) if !ts.is_empty() => Some(ts.clone()),
                Ty::Var(_) => None,
                other => {
                    let ts = self.show(other);
                    self.error(
                        Diagnostic::error(Some("E0001"), format!("expected a tuple, found {ts}"))
                            .with_message(format!("type mismatch: expected a tuple, found `{ts}`"))
                            .with_primary(
                                self.file,
                                span,
                                format!("`Tuple.{which}` needs a tuple"),
                            ),
                    );
                    return self.error_expr(span);
                }
            },
            _ => None,
        };
        let Some(elems) = elems else {
            self.error(
                Diagnostic::error(
                    Some("E0040"),
                    format!("cannot infer the tuple type of `Tuple.{which}` used as a value"),
                )
                .with_primary(self.file, span, "the tuple type must be known here")
                .with_help(format!(
                    "pass it where a function on a known tuple type is expected, or write `{}`",
                    if which == "nth" {
                        "fn t, i -> Tuple.nth(t, i) end".to_string()
                    } else {
                        format!("fn t -> Tuple.{which}(t) end")
                    }
                )),
            );
            return self.error_expr(span);
        };
        let tuple = Ty::Tuple(elems.clone());
        let (b, params, ret) = match which {
            "size" => (Builtin::TupleSize, vec![tuple], Ty::int()),
            "nth" => match self.nth_elem(&elems) {
                Some(elem) => (Builtin::TupleNth, vec![tuple, Ty::int()], elem),
                None => {
                    let ts = self.show(&tuple);
                    let label = format!("the elements of `{ts}` differ in type");
                    self.error(nth_mixed(&ts).with_primary(self.file, span, label));
                    return self.error_expr(span);
                }
            },
            _ => {
                let (b, i) = if which == "first" {
                    (Builtin::TupleFirst, 0)
                } else {
                    (Builtin::TupleSecond, 1)
                };
                let Some(elem) = elems.get(i).cloned() else {
                    let n = elems.len();
                    self.error(
                        Diagnostic::error(
                            Some("E0003"),
                            format!("tuple index {i} out of range for a tuple of {n} elements"),
                        )
                        .with_primary(
                            self.file,
                            span,
                            format!("this tuple has {n} element(s)"),
                        ),
                    );
                    return self.error_expr(span);
                };
                (b, vec![tuple], elem)
            }
        };
        self.mk(TExprKind::Builtin(b), Ty::Fun(params, Box::new(ret)), span)
    }

    /// The one element type of a tuple read at a computed index
    /// (`Tuple.nth`); `None` when the elements differ (see `nth_mixed`).
    pub(super) fn nth_elem(&mut self, elems: &[Ty]) -> Option<Ty> {
        let elem = elems[0].clone();
        elems[1..]
            .iter()
            .all(|e| self.sub.unify(&elem, e).is_ok())
            .then_some(elem)
    }

    /// `Int.to_string`, `Float.inspect`, `String.hash`: a protocol method
    /// at the type of a scalar stdlib module (pipelines pass them as values).
    pub fn protocol_member(&mut self, module: &str, name: &str, span: Span) -> Option<TExpr> {
        let recv = crate::types::builtins::protocol_module(module)?;
        let (_, b) = super::expr::protocol_of_method(name)?;
        let f = self.builtin_ref(b, span);
        if let Ty::Fun(ps, _) = &f.ty {
            let p = ps[0].clone();
            self.unify_at(&p, &recv, span, None);
        }
        Some(f)
    }

    /// `__service_start(handle, state)` (made by the service desugaring)
    /// needs its handler by name: the runtime calls a generated wrapper.
    pub fn builtin_call_check(&mut self, e: TExpr) -> TExpr {
        if let TExprKind::Call { callee, args } = &e.kind {
            let by_name = matches!(args.first().map(|a| &a.kind), Some(TExprKind::FnRef(..)));
            if matches!(callee.kind, TExprKind::Builtin(Builtin::ServiceStart)) && !by_name {
                self.error(
                    Diagnostic::error(
                        Some("E0040"),
                        "`__service_start` needs a function name as its handler",
                    )
                    .with_primary(
                        self.file,
                        e.pos.span,
                        "not a named function",
                    ),
                );
            }
        }
        e
    }

    /// A builtin named in value position (not called): the ones whose
    /// lowering needs their arguments' syntax cannot be values.
    pub fn builtin_value_check(&mut self, e: TExpr) -> TExpr {
        if let TExprKind::Builtin(Builtin::ServiceStart) = e.kind {
            self.error(
                Diagnostic::error(Some("E0040"), "`__service_start` cannot be used as a value")
                    .with_primary(self.file, e.pos.span, "call it with the handler's name"),
            );
        }
        e
    }
}

/// E0040 (without labels) for `Tuple.nth` on a tuple of mixed types `ts`.
pub(super) fn nth_mixed(ts: &str) -> Diagnostic {
    Diagnostic::error(
        Some("E0040"),
        "`Tuple.nth` with a non-literal index needs all elements of one type",
    )
    .with_message(format!(
        "`Tuple.nth` with a non-literal index needs all elements of one type, found `{ts}`"
    ))
}

fn tuple_builtin_name(b: Builtin) -> Option<&'static str> {
    Some(match b {
        Builtin::TupleFirst => "first",
        Builtin::TupleSecond => "second",
        Builtin::TupleNth => "nth",
        Builtin::TupleSize => "size",
        _ => return None,
    })
}
