//! Expression and block inference.

use super::errors::{MatchCheck, MatchKind};
use super::fns::{infer_clauses, BodyRef, ClauseRef};
use super::hints::TypeWant;
use super::scope::{closest, TypeRes, ValueRes};
use super::{Checker, Trait};
use crate::diag::Diagnostic;
use crate::stdlib;
use crate::syntax::ast::{
    self, BinOp, Block, Expr, ExprKind, Item, PatternKind, Span, StmtKind, StrPart, UnOp,
};
use crate::types::builtins;
use crate::types::tast::{
    Builtin, ForSource, Lit, MatchFail, TArm, TClosure, TExpr, TExprKind, TPat, TPatKind, TStmt,
    TStrPart,
};
use crate::types::ty::{AdtId, AdtKind, GenId, IfaceId, Ty, TyCon, OPTION, RESULT};

impl Checker<'_> {
    pub(super) fn mk(&self, kind: TExprKind, ty: Ty, span: Span) -> TExpr {
        self.record_expr(&kind, &ty, span);
        TExpr {
            kind,
            ty,
            pos: self.pos(span),
        }
    }

    pub fn error_expr(&mut self, span: Span) -> TExpr {
        let t = self.poisoned_var();
        self.mk(TExprKind::Lit(Lit::Unit), t, span)
    }

    /// An expression nested beyond what the compiler's stack holds (long
    /// chains of calls, pipes or method calls nest too): the parser's
    /// "nesting is too deep" error, reported once (and alone: see
    /// `check_program`).
    fn too_deep(&mut self, span: Span) -> TExpr {
        const HEADER: &str = crate::stack::TOO_DEEP;
        if !self.diags.iter().any(|d| d.header == HEADER) {
            // Only the start: the expression may be megabytes long.
            let at = Span {
                start: span.start,
                end: span.start.saturating_add(1).min(span.end),
            };
            self.error(Diagnostic::error(None, HEADER).with_primary(
                self.file,
                at,
                "too deeply nested to compile: split this chain or nesting with `let`s",
            ));
        }
        self.error_expr(span)
    }

    /// `if c1 do a else if c2 do b ... else z end`. The `else if` chain is
    /// walked with a loop (generated code can chain tens of thousands of
    /// them): conditions and branches are inferred in source order, then
    /// the branch types are joined from the innermost `if` out, as the
    /// nested form would.
    fn infer_if_chain(&mut self, e: &Expr) -> TExpr {
        // (the `if`, its condition, its then-branch and block) down the chain
        let mut links: Vec<(&Expr, TExpr, TExpr, &Block)> = Vec::new();
        let mut cur = e;
        let last_else = loop {
            let ExprKind::If {
                cond,
                then_block,
                else_block,
            } = &cur.kind
            else {
                unreachable!("the chain holds `if`s only")
            };
            let c = self.check_cond(cond);
            let t = self.infer_block(then_block);
            links.push((cur, c, t, then_block));
            match else_block {
                Some(eb) => match nested_if(eb) {
                    Some(next) => cur = next,
                    None => break Some(eb),
                },
                None => break None,
            }
        };
        let mut acc: Option<(TExpr, Span)> =
            last_else.map(|eb| (self.infer_block(eb), last_span(eb)));
        while let Some((ife, c, t, then_block)) = links.pop() {
            let (el, ty) = match acc.take() {
                None => (
                    self.mk(TExprKind::Block(vec![]), Ty::unit(), ife.span),
                    Ty::unit(),
                ),
                Some((el, el_span)) => {
                    let ty = self.join(&t.ty, &el.ty, last_span(then_block), el_span);
                    (el, ty)
                }
            };
            let node = self.mk(
                TExprKind::If {
                    cond: Box::new(c),
                    then_e: Box::new(t),
                    else_e: Box::new(el),
                },
                ty,
                ife.span,
            );
            // The enclosing `if` sees this one as its else block, whose last
            // statement it is.
            acc = Some((node, ife.span));
        }
        acc.expect("the chain has at least one `if`").0
    }

    pub fn check_expr(&mut self, e: &Expr, expected: &Ty) -> TExpr {
        let t = self.infer_hinted(e, Some(expected));
        self.unify_at(expected, &t.ty, e.span, None);
        t
    }

    pub fn infer_expr(&mut self, e: &Expr) -> TExpr {
        let span = e.span;
        if crate::stack::low() {
            return self.too_deep(span);
        }
        match &e.kind {
            ExprKind::Int(n) => self.mk(TExprKind::Lit(Lit::Int(*n)), Ty::int(), span),
            ExprKind::Float(x) => self.mk(TExprKind::Lit(Lit::Float(*x)), Ty::float(), span),
            ExprKind::Bool(b) => self.mk(TExprKind::Lit(Lit::Bool(*b)), Ty::bool(), span),
            ExprKind::Nil => self.mk(TExprKind::Lit(Lit::Unit), Ty::unit(), span),
            ExprKind::Str(parts) => self.infer_string(parts, span),
            ExprKind::Name(_) | ExprKind::Field { .. } if self.tuple_fn_of(e).is_some() => {
                self.infer_hinted(e, None)
            }
            ExprKind::Name(n) => {
                let v = self.resolve_name(n, span);
                self.builtin_value_check(v)
            }
            ExprKind::Tuple(xs) if xs.is_empty() => {
                self.mk(TExprKind::Lit(Lit::Unit), Ty::unit(), span)
            }
            ExprKind::Tuple(xs) => {
                let items: Vec<TExpr> = xs.iter().map(|x| self.infer_expr(x)).collect();
                let t = Ty::Tuple(items.iter().map(|x| x.ty.clone()).collect());
                self.mk(TExprKind::Tuple(items), t, span)
            }
            ExprKind::List(xs) => {
                let elem = self.sub.fresh();
                let items: Vec<TExpr> = xs.iter().map(|x| self.check_expr(x, &elem)).collect();
                self.mk(TExprKind::List(items), Ty::list(elem), span)
            }
            ExprKind::Map(kvs) => {
                let (k, v) = (self.sub.fresh(), self.sub.fresh());
                let items: Vec<(TExpr, TExpr)> = kvs
                    .iter()
                    .map(|(a, b)| (self.check_expr(a, &k), self.check_expr(b, &v)))
                    .collect();
                self.oblige(&k, Trait::Eq, span);
                self.mk(TExprKind::Map(items), Ty::Con(TyCon::Map, vec![k, v]), span)
            }
            ExprKind::Binary(op, a, b) => self.infer_binary(*op, a, b, span),
            ExprKind::Unary(UnOp::Neg, a) => {
                let x = self.infer_expr(a);
                self.oblige(&x.ty, Trait::Neg, span);
                let t = x.ty.clone();
                self.mk(TExprKind::Neg(Box::new(x)), t, span)
            }
            ExprKind::Unary(UnOp::Not, a) => {
                let x = self.check_expr(a, &Ty::bool());
                self.mk(TExprKind::Not(Box::new(x)), Ty::bool(), span)
            }
            ExprKind::Call { callee, args } => self.infer_call(callee, args, span),
            ExprKind::Field { base, name } => self.infer_field(base, name, span),
            ExprKind::Index { base, index } => {
                // The base's type picks the function to suggest.
                let b = self.infer_expr(base);
                self.infer_expr(index);
                let bt = self.sub.zonk(&b.ty);
                let hint = match bt {
                    Ty::Con(TyCon::Map, _) => {
                        "use Map.find(map, key) (an Option) or Map.get_or(map, key, default)"
                    }
                    Ty::Con(TyCon::String, _) => "use String.slice(text, from, to)",
                    _ => "use List.get(list, index)",
                };
                self.error(
                    Diagnostic::error(Some("E0040"), "indexing with `[]` is not supported")
                        .with_primary(self.file, span, hint),
                );
                self.error_expr(span)
            }
            ExprKind::Try(x) => self.infer_try(x, span),
            ExprKind::StructLit { name, fields } => self.infer_struct_lit(name, fields, span),
            ExprKind::If { .. } => self.infer_if_chain(e),
            ExprKind::Case { scrutinee, arms } => self.infer_case(scrutinee, arms, span),
            ExprKind::Closure(c) => self.infer_closure(c, None),
            ExprKind::While { cond, body } => {
                let c = self.check_cond(cond);
                self.loop_depth(1);
                let b = self.infer_block(body);
                self.loop_depth(-1);
                self.mk(
                    TExprKind::While {
                        cond: Box::new(c),
                        body: Box::new(b),
                    },
                    Ty::unit(),
                    span,
                )
            }
            ExprKind::For {
                binder,
                iter,
                filter,
                body,
            } => self.infer_for(binder, iter, filter.as_deref(), body, span),
            ExprKind::Break | ExprKind::Continue => {
                let is_break = matches!(e.kind, ExprKind::Break);
                if self.fn_ctx.last().map_or(0, |c| c.loops) == 0 {
                    let (code, w) = if is_break {
                        ("E0032", "break")
                    } else {
                        ("E0033", "continue")
                    };
                    self.error(
                        Diagnostic::error(Some(code), format!("`{w}` outside of loop"))
                            .with_primary(
                                self.file,
                                span,
                                format!("`{w}` must be inside `while` or `for`"),
                            ),
                    );
                }
                let k = if is_break {
                    TExprKind::Break
                } else {
                    TExprKind::Continue
                };
                self.mk(k, Ty::Never, span)
            }
            ExprKind::Return(x) => {
                let ret = self.fn_ctx.last().map(|c| c.ret.clone());
                let v = match x {
                    Some(x) => self.infer_expr(x),
                    None => self.mk(TExprKind::Lit(Lit::Unit), Ty::unit(), span),
                };
                match ret {
                    Some(r) => {
                        self.unify_at(&r, &v.ty, x.as_ref().map_or(span, |x| x.span), None);
                    }
                    None => self.error(
                        Diagnostic::error(None, "`return` outside of a function").with_primary(
                            self.file,
                            span,
                            "not inside a function",
                        ),
                    ),
                }
                self.mk(TExprKind::Return(Box::new(v)), Ty::Never, span)
            }
            ExprKind::Receive { arms, after } => self.infer_receive(arms, after, span),
            ExprKind::Block(b) => self.infer_block(b),
            ExprKind::SelfPid => self.infer_self_pid(span),
            ExprKind::Spawn(args) => self.infer_spawn(args, span),
            ExprKind::Send(args) => self.infer_send(args, span),
            ExprKind::Link(args) => self.infer_link(args, span),
            ExprKind::SelfValue => self.resolve_name("self", span),
        }
    }

    fn infer_for(
        &mut self,
        binder: &ast::ForBinder,
        iter: &Expr,
        filter: Option<&Expr>,
        body: &Block,
        span: Span,
    ) -> TExpr {
        // The source and the types its binders get.
        let (source, elem_tys): (ForSource, Vec<Ty>) = match &iter.kind {
            ExprKind::Binary(BinOp::Range, a, b) => {
                let x = self.check_expr(a, &Ty::int());
                let y = self.check_expr(b, &Ty::int());
                (ForSource::Span(Box::new(x), Box::new(y)), vec![Ty::int()])
            }
            _ => {
                let it = self.infer_expr(iter);
                match self.sub.shallow(&it.ty) {
                    Ty::Con(TyCon::Range, _) => (ForSource::Range(Box::new(it)), vec![Ty::int()]),
                    Ty::Con(TyCon::List, a) => (ForSource::List(Box::new(it)), vec![a[0].clone()]),
                    Ty::Con(TyCon::Set, a) => (ForSource::Set(Box::new(it)), vec![a[0].clone()]),
                    Ty::Con(TyCon::Map, a) => (ForSource::Map(Box::new(it)), a.clone()),
                    Ty::Var(_) => {
                        let elem = self.sub.fresh();
                        if self.is_poisoned(&it.ty) {
                            self.poison(&elem);
                        }
                        self.unify_at(&Ty::list(elem.clone()), &it.ty, iter.span, None);
                        (ForSource::List(Box::new(it)), vec![elem])
                    }
                    other => {
                        let ts = self.show(&other);
                        self.error(
                            Diagnostic::error(
                                Some("E0001"),
                                format!("expected List, Map, Set or Range, found {ts}"),
                            )
                            .with_message(format!(
                                "type mismatch: expected an iterable, found `{ts}`"
                            ))
                            .with_primary(
                                self.file,
                                iter.span,
                                format!("`{ts}` cannot be iterated"),
                            ),
                        );
                        (ForSource::List(Box::new(it)), vec![self.sub.fresh()])
                    }
                }
            }
        };
        let names: Vec<&ast::Name> = match binder {
            ast::ForBinder::Name(n) => vec![n],
            ast::ForBinder::Braced(ns) => ns.iter().collect(),
        };
        let is_map = matches!(source, ForSource::Map(_));
        let want = if is_map && matches!(binder, ast::ForBinder::Braced(_)) {
            2
        } else {
            1
        };
        if names.len() != want {
            self.error(
                Diagnostic::error(
                    Some("E0003"),
                    format!("expected {want} argument(s), found {}", names.len()),
                )
                .with_message(format!(
                    "this loop binds {want} name(s), found {}",
                    names.len()
                ))
                .with_primary(self.file, span, "wrong number of loop variables"),
            );
        }
        self.scopes.push();
        let mut binds = Vec::new();
        for (i, n) in names.iter().enumerate().take(want) {
            let t = elem_tys.get(i).cloned().unwrap_or(Ty::unit());
            let id = self.new_local(&n.text, t.clone());
            self.record_bind(id, &t, n.span);
            if n.text != "_" {
                self.scopes.bind_value(
                    &n.text,
                    ValueRes::Local {
                        id,
                        gens: vec![],
                        ty: t,
                        cons: vec![],
                    },
                );
            }
            binds.push(id);
        }
        self.loop_depth(1);
        let f = filter.map(|f| Box::new(self.check_expr(f, &Ty::bool())));
        let b = self.infer_block(body);
        self.loop_depth(-1);
        self.scopes.pop();
        let ty = Ty::list(b.ty.clone());
        self.mk(
            TExprKind::For {
                source,
                binds,
                filter: f,
                body: Box::new(b),
            },
            ty,
            span,
        )
    }

    fn loop_depth(&mut self, d: i32) {
        if let Some(c) = self.fn_ctx.last_mut() {
            c.loops = (c.loops as i32 + d).max(0) as u32;
        }
    }

    fn check_cond(&mut self, cond: &Expr) -> TExpr {
        let c = self.infer_expr(cond);
        self.unify_at(&Ty::bool(), &c.ty, cond.span, None);
        c
    }

    /// The type of `if`/`else` with branch types `a` and `b`, the last
    /// expressions of the branches at `a_span` and `span`: a `Never` side
    /// yields the other side; a mismatch is E0001 labelled `expected A`
    /// and `found B` (§10).
    fn join(&mut self, a: &Ty, b: &Ty, a_span: Span, span: Span) -> Ty {
        let (sa, sb) = (self.sub.shallow(a), self.sub.shallow(b));
        if sa == Ty::Never {
            return b.clone();
        }
        if sb == Ty::Never {
            return a.clone();
        }
        let ea = self.show(a);
        let fb = self.show(b);
        if self.sub.unify(a, b).is_err() {
            self.error(
                Diagnostic::error(Some("E0001"), format!("expected {ea}, found {fb}"))
                    .with_message(format!("type mismatch: expected `{ea}`, found `{fb}`"))
                    .with_primary(self.file, span, format!("found {fb}"))
                    .with_secondary(self.file, a_span, format!("expected {ea}")),
            );
        }
        a.clone()
    }

    fn infer_string(&mut self, parts: &[StrPart], span: Span) -> TExpr {
        if parts.iter().all(|p| matches!(p, StrPart::Text(_))) {
            let s: String = parts
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => t.as_str(),
                    StrPart::Interp(_) => "",
                })
                .collect();
            return self.mk(TExprKind::Lit(Lit::Str(s)), Ty::string(), span);
        }
        let out = parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => TStrPart::Text(t.clone()),
                StrPart::Interp(e) => {
                    let x = self.infer_expr(e);
                    self.oblige(&x.ty, Trait::Show, e.span);
                    TStrPart::Value(x)
                }
            })
            .collect();
        self.mk(TExprKind::Interp(out), Ty::string(), span)
    }

    fn infer_binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> TExpr {
        let (x, y, ty) = match op {
            BinOp::And | BinOp::Or => {
                let x = self.check_expr(a, &Ty::bool());
                let y = self.check_expr(b, &Ty::bool());
                (x, y, Ty::bool())
            }
            BinOp::Range => {
                let x = self.check_expr(a, &Ty::int());
                let y = self.check_expr(b, &Ty::int());
                (x, y, Ty::Con(TyCon::Range, vec![]))
            }
            _ => {
                let x = self.infer_expr(a);
                let y = self.infer_expr(b);
                if let Err(e) = self.sub.unify(&x.ty, &y.ty) {
                    let help = self.int_float_hint(a, &x.ty, b, &y.ty);
                    self.report_unify_with(e, &x.ty, &y.ty, b.span, None, help);
                }
                let (tr, res) = match op {
                    BinOp::Add => (Trait::Num("Add"), x.ty.clone()),
                    BinOp::Sub => (Trait::Num("Sub"), x.ty.clone()),
                    BinOp::Mul => (Trait::Num("Mul"), x.ty.clone()),
                    BinOp::Div => (Trait::Num("Div"), x.ty.clone()),
                    BinOp::Mod => (Trait::Num("Mod"), x.ty.clone()),
                    BinOp::Eq | BinOp::Ne => (Trait::Eq, Ty::bool()),
                    BinOp::Concat => (Trait::Concat, x.ty.clone()),
                    _ => (Trait::Ord, Ty::bool()),
                };
                self.oblige(&x.ty, tr, span);
                (x, y, res)
            }
        };
        self.mk(
            TExprKind::Binary {
                op,
                lhs: Box::new(x),
                rhs: Box::new(y),
            },
            ty,
            span,
        )
    }

    /// A bare name in expression position.
    pub fn resolve_name(&mut self, n: &str, span: Span) -> TExpr {
        match self.scopes.value(n).cloned() {
            Some(r) => self.instantiate_res(r, span),
            None => {
                if let Some(b) = builtins::prelude(n) {
                    return self.builtin_ref(b, span);
                }
                if let Some(r) =
                    builtins::prelude_alias(n).and_then(|(m, f)| self.module_value(m, f))
                {
                    return self.instantiate_res(r, span);
                }
                if n == "default" {
                    return self.default_method(span);
                }
                self.unknown_name(n, span)
            }
        }
    }

    /// `default()`: Default's static method at the type the context gives.
    fn default_method(&mut self, span: Span) -> TExpr {
        let iface = crate::types::ty::DEFAULT;
        let t = self.sub.fresh();
        self.oblige(&t, Trait::Iface(iface), span);
        let ty = self.method_type(iface, 0, &t);
        self.mk(
            TExprKind::Method {
                iface,
                method: 0,
                self_ty: t,
            },
            ty,
            span,
        )
    }

    fn unknown_name(&mut self, n: &str, span: Span) -> TExpr {
        let mut d = Diagnostic::error(Some("E0004"), format!("undefined variable: {n}"))
            .with_message(format!("unbound variable `{n}`"))
            .with_primary(self.file, span, "not found in this scope");
        let mut names = self.scopes.all_value_names();
        names.extend(builtins::bare_names().map(str::to_string));
        if let Some(c) = closest(n, names) {
            d = d.with_help(format!("did you mean `{c}`?"));
        }
        self.error(d);
        self.error_expr(span)
    }

    pub fn instantiate_res(&mut self, r: ValueRes, span: Span) -> TExpr {
        match r {
            ValueRes::Local { id, gens, ty, cons } => {
                let (t, inst) = self.sub.instantiate(&gens, &ty);
                self.push_constraints(&gens, &inst, &cons, span);
                self.mk(TExprKind::Local(id, inst), t, span)
            }
            ValueRes::Fn(id) => {
                let info = &self.fns[id.0 as usize];
                if info.done {
                    let (gens, ty, cons) =
                        (info.gens.clone(), info.ty.clone(), info.constraints.clone());
                    let (t, inst) = self.sub.instantiate(&gens, &ty);
                    self.push_constraints(&gens, &inst, &cons, span);
                    self.mk(TExprKind::FnRef(id, inst), t, span)
                } else {
                    let t = info.ty.clone();
                    self.mk(TExprKind::FnRef(id, vec![]), t, span)
                }
            }
            ValueRes::Ctor(adt, v) => self.ctor_ref(adt, v, span),
            ValueRes::Builtin(b) => self.builtin_ref(b, span),
        }
    }

    fn push_constraints(&mut self, gens: &[GenId], inst: &[Ty], cons: &[(Ty, Trait)], span: Span) {
        for (t, tr) in cons {
            let t = t.subst_gen(&|g| gens.iter().position(|x| *x == g).map(|i| inst[i].clone()));
            self.oblige(&t, *tr, span);
        }
    }

    pub fn ctor_ref(&mut self, adt: AdtId, v: u32, span: Span) -> TExpr {
        let (gens, fields) = {
            let a = &self.adts[adt.0 as usize];
            (a.generics.clone(), a.variants()[v as usize].fields.clone())
        };
        let fresh: Vec<Ty> = gens.iter().map(|_| self.sub.fresh()).collect();
        let sub = |g| gens.iter().position(|x| *x == g).map(|i| fresh[i].clone());
        let res = Ty::Con(TyCon::Adt(adt), fresh.clone());
        let ty = if fields.is_empty() {
            res
        } else {
            Ty::Fun(
                fields.iter().map(|f| f.subst_gen(&sub)).collect(),
                Box::new(res),
            )
        };
        self.mk(TExprKind::Ctor(adt, v), ty, span)
    }

    /// `T.from_json` / `T.from_row`: the runtime decoder at `(String) ->
    /// Result<T, String>` / `(Map<String, String>) -> Result<T, String>`,
    /// driven by the result's descriptor, for a type deriving Json / Row.
    fn decoder_ref(&mut self, id: AdtId, m: &str, kind: Decoder, span: Span) -> TExpr {
        let derives = &self.adts[id.0 as usize].derives;
        let (derived, input, (module, entry), code) = match kind {
            Decoder::Json => (derives.json, Ty::string(), ("Json", "__decode"), "E0038"),
            Decoder::Row => (
                derives.row,
                Ty::Con(TyCon::Map, vec![Ty::string(), Ty::string()]),
                ("", "__from_row"),
                "E0039",
            ),
        };
        let tr = kind.derive();
        if !derived {
            let f = kind.name();
            self.error(
                Diagnostic::error(Some(code), format!("type {m} does not derive {tr}"))
                    .with_message(format!("`{m}.{f}` needs `deriving({tr})` on `{m}`"))
                    .with_primary(self.file, span, format!("no `{f}` for this type"))
                    .with_help(format!("add `deriving({tr})` to the definition of `{m}`")),
            );
            return self.error_expr(span);
        }
        let i = stdlib::entry(module, entry);
        let f = self.builtin_ref(Builtin::Rt(i as u16), span);
        let n = self.adts[id.0 as usize].generics.len();
        let args = (0..n).map(|_| self.sub.fresh()).collect();
        let want = Ty::Fun(
            vec![input],
            Box::new(Ty::Con(
                TyCon::Adt(crate::types::ty::RESULT),
                vec![Ty::Con(TyCon::Adt(id), args), Ty::string()],
            )),
        );
        let _ = self.sub.unify(&f.ty, &want);
        f
    }

    pub fn builtin_ref(&mut self, b: Builtin, span: Span) -> TExpr {
        let sig = builtins::sig(b);
        let gens: Vec<GenId> = (0..sig.ngens).map(stdlib::sig_gen).collect();
        let (t, inst) = self.sub.instantiate(&gens, &sig.ty);
        match b {
            // `to_string` is Display's method: no Debug fallback (§3.2.1).
            Builtin::ToString => {
                self.oblige(&inst[0], Trait::Iface(crate::types::ty::DISPLAY), span)
            }
            Builtin::Hash => self.oblige(&inst[0], Trait::Iface(crate::types::ty::HASH), span),
            Builtin::Inspect => self.oblige(&inst[0], Trait::Debug, span),
            Builtin::Compare => self.oblige(&inst[0], Trait::Ord, span),
            Builtin::MathAbs | Builtin::MathMin | Builtin::MathMax => {
                self.oblige(&inst[0], Trait::Neg, span)
            }
            // The actor a supervisor is desugared into receives nothing: its
            // Pid is `Pid<()>` (ch02 §9).
            Builtin::Supervise => {
                if let Some(m) = self.actor_ctx().map(|a| a.msg.clone()) {
                    let _ = self.sub.unify(&m, &Ty::unit());
                }
            }
            Builtin::Rt(i) if stdlib::RT_FNS[i as usize].has(stdlib::SERIAL) => {
                self.oblige(&inst[0], Trait::Json, span)
            }
            _ => {}
        }
        self.mk(TExprKind::Builtin(b), t, span)
    }

    /// `name` in the Snow-written stdlib module `m` (never a user module
    /// of that name: prelude aliases and method syntax mean the stdlib).
    pub(super) fn module_value(&self, m: &str, name: &str) -> Option<ValueRes> {
        let mi = *self.scopes.prelude_modules.get(m)?;
        self.scopes.modules[mi].values.get(name).cloned()
    }

    /// Does the user module that `m` names define `name`? (It then wins
    /// over the stdlib module `m`, chapter 03 §3.1.3.)
    pub(super) fn user_module_defines(&self, m: &str, name: &str) -> bool {
        self.scopes.module_index(m).is_some_and(|mi| {
            !self.scopes.is_prelude(mi) && self.scopes.modules[mi].defined.contains(name)
        })
    }

    /// `base` names a module or type rather than a value? (`M`, or a
    /// dotted path `Outer.Inner` naming a module.)
    fn static_base(&self, base: &Expr) -> Option<String> {
        match &base.kind {
            ExprKind::Name(m) if self.scopes.value(m).is_none() => Some(m.clone()),
            ExprKind::Field { base: b, name } => {
                let head = self.static_base(b)?;
                let path = format!("{head}.{}", name.text);
                let known = self.scopes.module_index(&path).is_some()
                    || self.scopes.path_ty(&path).is_some();
                known.then_some(path)
            }
            _ => None,
        }
    }

    /// `M.name(...)` with `n` arguments, for a runtime function with a
    /// second arity (the table's internal `__name_n`, e.g. the positional
    /// `Ws.serve`), unless a user module `M` shadows it.
    fn arity_overload(&mut self, m: &str, name: &ast::Name, n: usize, span: Span) -> Option<TExpr> {
        if !stdlib::is_runtime_module(m) || self.scopes.module_index(m).is_some() {
            return None;
        }
        let i = stdlib::lookup(m, &format!("__{}_{n}", name.text))?;
        Some(self.builtin_ref(Builtin::Rt(i as u16), span))
    }

    /// `M.name` where `M` is a module or a type.
    fn resolve_qualified(&mut self, m: &str, name: &ast::Name, span: Span) -> Option<TExpr> {
        if let Some(mi) = self.scopes.module_index(m) {
            let defined = self.scopes.modules[mi].defined.contains(&name.text)
                || self.scopes.prelude_modules.get(m) == Some(&mi);
            if let Some(r) = self.scopes.modules[mi]
                .values
                .get(&name.text)
                .cloned()
                .filter(|_| defined)
            {
                self.check_visible(mi, m, &name.text, name.span);
                return Some(self.instantiate_res(r, span));
            }
        }
        if let Some(r) = self.module_value(m, &name.text) {
            // A user module without `name` falls back to the stdlib one.
            return Some(self.instantiate_res(r, span));
        }
        let ty = self.scopes.path_ty_seen_through(m);
        if let Some((Some(mi), _)) = &ty {
            // `M.T.x`: `T` must be visible from here, as `M.f` must.
            let (written, t) = m.rsplit_once('.').unwrap_or(("", m));
            self.check_visible(*mi, written, t, span);
        }
        let ty = ty.map(|(_, t)| t);
        if let Some(TypeRes::Adt(id)) = ty.clone() {
            if let Some(v) = self.adts[id.0 as usize].variant_index(&name.text) {
                return Some(self.ctor_ref(id, v as u32, span));
            }
            if let Some(kind) = Decoder::named(&name.text) {
                return Some(self.decoder_ref(id, m, kind, span));
            }
        }
        if let Some(TypeRes::Gen(_)) = ty {
            return Some(self.type_param_member(m, name, span));
        }
        if let Some(TypeRes::Iface(iface)) = ty.clone() {
            // `Iface.method(value, ...)`: the receiver is the first argument.
            let d = &self.ifaces[iface.0 as usize];
            if let Some(k) = d.methods.iter().position(|x| x.name == name.text) {
                let t = self.sub.fresh();
                self.oblige(&t, Trait::Iface(iface), span);
                let ty = self.method_type(iface, k as u32, &t);
                return Some(self.mk(
                    TExprKind::Method {
                        iface,
                        method: k as u32,
                        self_ty: t,
                    },
                    ty,
                    span,
                ));
            }
        }
        if stdlib::is_runtime_module(m) {
            if let Some(b) = builtins::qualified(m, &name.text) {
                let f = self.builtin_ref(b, span);
                if let Builtin::Rt(i) = b {
                    if stdlib::RT_FNS[i as usize].has(stdlib::CONST) {
                        // `Math.pi`: a constant is its function's value.
                        return Some(self.apply(f, &[], span));
                    }
                }
                return Some(f);
            }
            if let Some(f) = self.protocol_member(m, &name.text, span) {
                return Some(f);
            }
        }
        // A missing member is E0034 for stdlib and user modules alike.
        if stdlib::is_runtime_module(m) || self.scopes.module_index(m).is_some() || ty.is_some() {
            let module = stdlib::is_runtime_module(m)
                || self.scopes.module_index(m).is_some()
                || self.scopes.prelude_modules.contains_key(m);
            let what = if !module {
                format!("`{}` is not a variant or function of type `{m}`", name.text)
            } else {
                format!("`{}` is not exported by module `{m}`", name.text)
            };
            let mut d = Diagnostic::error(Some("E0034"), "name not found in module")
                .with_message(what.clone())
                .with_primary(self.file, name.span, what);
            if let Some(h) = self.member_hint(m, &name.text) {
                d = d.with_help(h);
            }
            self.error(d);
            return Some(self.error_expr(span));
        }
        None
    }

    /// `T.name` for a type parameter `T`: a generic body has no static
    /// members to reach (`T.from_row` exists only on a named type).
    fn type_param_member(&mut self, t: &str, name: &ast::Name, span: Span) -> TExpr {
        let n = &name.text;
        let mut d = Diagnostic::error(
            Some("E0040"),
            format!("`{t}.{n}` is not available on a type parameter"),
        )
        .with_primary(self.file, span, format!("`{t}` is a type parameter"));
        if let Some(kind) = Decoder::named(n) {
            let tr = kind.derive();
            d = d.with_help(format!(
                "`{n}` belongs to each type with `deriving({tr})`; take the decoder as a \
                 function argument and pass it, e.g. `Item.{n}`"
            ));
        }
        self.error(d);
        self.error_expr(span)
    }

    fn infer_field(&mut self, base: &Expr, name: &ast::Name, span: Span) -> TExpr {
        if let Some(m) = self.static_base(base) {
            self.record_path(base_segments(base));
            if let Some(e) = self.resolve_qualified(&m, name, span) {
                return self.builtin_value_check(e);
            }
            if let Some(e) = self.unknown_qualifier(&m, base, name, &[], span) {
                return e;
            }
        }
        let b = self.infer_expr(base);
        self.field_of(b, name, span)
    }

    fn struct_with_field(&self, field: &str) -> Vec<AdtId> {
        self.adts
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(&a.kind, AdtKind::Struct { fields } if fields.iter().any(|(n, _)| n == field)))
            .map(|(i, _)| AdtId(i as u32))
            .collect()
    }

    /// Field access on a value; `None` if `b`'s type has no such field.
    fn field_of(&mut self, b: TExpr, name: &ast::Name, span: Span) -> TExpr {
        let mut t = self.sub.shallow(&b.ty);
        if let Ty::Var(_) = t {
            let cands = self.struct_with_field(&name.text);
            if cands.len() == 1 {
                let n = self.adts[cands[0].0 as usize].generics.len();
                let fresh = (0..n).map(|_| self.sub.fresh()).collect();
                let st = Ty::Con(TyCon::Adt(cands[0]), fresh);
                let _ = self.sub.unify(&b.ty, &st);
                t = st;
            } else {
                if self.is_poisoned(&b.ty) {
                    return self.error_expr(span);
                }
                self.error(
                    Diagnostic::error(
                        Some("E0040"),
                        "cannot infer the type of this expression; add a type annotation",
                    )
                    .with_primary(
                        self.file,
                        b.pos.span,
                        format!("type must be known to access `.{}`", name.text),
                    ),
                );
                return self.error_expr(span);
            }
        }
        if let Ty::Con(TyCon::Adt(id), args) = &t {
            let adt = &self.adts[id.0 as usize];
            if let AdtKind::Struct { fields } = &adt.kind {
                if let Some(i) = fields.iter().position(|(n, _)| *n == name.text) {
                    let gens = adt.generics.clone();
                    let ft = fields[i]
                        .1
                        .subst_gen(&|g| gens.iter().position(|x| *x == g).map(|k| args[k].clone()));
                    return self.mk(
                        TExprKind::Field {
                            base: Box::new(b),
                            index: i as u32,
                        },
                        ft,
                        span,
                    );
                }
            }
        }
        let ts = self.show(&t);
        self.error(
            Diagnostic::error(
                Some("E0009"),
                format!("type {ts} has no field {}", name.text),
            )
            .with_primary(self.file, name.span, format!("no field `{}`", name.text)),
        );
        self.error_expr(span)
    }

    fn infer_call(&mut self, callee: &Expr, args: &[Expr], span: Span) -> TExpr {
        // `Tuple.first/second/nth/size` are typed by the tuple's arity.
        if let Some(which) = self.tuple_fn_of(callee) {
            return self.tuple_call(&which, args, span);
        }
        if let ExprKind::Field { base, name } = &callee.kind {
            if let Some(m) = self.static_base(base) {
                self.record_path(base_segments(base));
                if let Some(f) = self.arity_overload(&m, name, args.len(), callee.span) {
                    return self.apply(f, args, span);
                }
                if let Some(f) = self.resolve_qualified(&m, name, callee.span) {
                    return self.apply(f, args, span);
                }
                if let Some(e) = self.unknown_qualifier(&m, base, name, args, span) {
                    return e;
                }
            } else {
                return self.infer_method_call(base, name, args, callee.span, span);
            }
        }
        if matches!(&callee.kind, ExprKind::Name(n) if n == "__sup_child") && args.len() == 4 {
            return self.infer_sup_child(callee, args, span);
        }
        if let ExprKind::Name(n) = &callee.kind {
            if let Some(e) = self.user_protocol_call(n, callee.span, args, span) {
                return e;
            }
            let unbound = self.scopes.value(n).is_none()
                && builtins::prelude(n).is_none()
                && builtins::prelude_alias(n).is_none();
            if unbound && !args.is_empty() && !self.ifaces_declaring(n).is_empty() {
                // `m(x, ...)` is `x.m(...)` for an interface method `m`.
                let first = self.infer_expr(&args[0]);
                let t = self.sub.zonk(&first.ty);
                let nm = ast::Name {
                    text: n.clone(),
                    span: callee.span,
                };
                let f = match self.iface_method_callee(&t, &nm, callee.span) {
                    Some(f) => f,
                    None => {
                        let decl = self.ifaces_declaring(n);
                        let (iface, m) = decl[0];
                        self.oblige(&t, Trait::Iface(iface), callee.span);
                        let ty = self.method_type(iface, m, &t);
                        self.mk(
                            TExprKind::Method {
                                iface,
                                method: m,
                                self_ty: t.clone(),
                            },
                            ty,
                            callee.span,
                        )
                    }
                };
                return self.apply_with_first(f, first, &args[1..], span);
            }
        }
        let f = match &callee.kind {
            // A callee, not a value: no value-position checks.
            ExprKind::Name(n) => self.resolve_name(n, callee.span),
            _ => self.infer_expr(callee),
        };
        let f = self.actor_self_callee(f);
        let call = self.apply(f, args, span);
        self.builtin_call_check(call)
    }

    fn infer_method_call(
        &mut self,
        base: &Expr,
        name: &ast::Name,
        args: &[Expr],
        cspan: Span,
        span: Span,
    ) -> TExpr {
        let b = self.infer_expr(base);
        let t = self.sub.zonk(&b.ty);
        // a struct field holding a function
        if let Ty::Con(TyCon::Adt(id), _) = &t {
            if let AdtKind::Struct { fields } = &self.adts[id.0 as usize].kind {
                if fields.iter().any(|(n, _)| *n == name.text) {
                    let f = self.field_of(b, name, cspan);
                    return self.apply(f, args, span);
                }
            }
        }
        if let Some(f) = self.iface_method_callee(&t, name, cspan) {
            return self.apply_with_first(f, b, args, span);
        }
        let builtin = protocol_of_method(&name.text).map(|(_, b)| b).or_else(|| {
            stdlib::module_for_receiver(&t).and_then(|m| builtins::qualified(m, &name.text))
        });
        let in_module =
            stdlib::module_for_receiver(&t).and_then(|m| self.module_value(m, &name.text));
        match (builtin, in_module) {
            (Some(bi), _) => {
                let f = self.builtin_ref(bi, cspan);
                self.apply_with_first(f, b, args, span)
            }
            (None, Some(r)) => {
                let f = self.instantiate_res(r, cspan);
                self.apply_with_first(f, b, args, span)
            }
            (None, None) => {
                if self.is_poisoned(&t) {
                    // already reported
                } else if let Ty::Var(_) = t {
                    self.error(
                        Diagnostic::error(
                            Some("E0040"),
                            "cannot infer the type of this expression; add a type annotation",
                        )
                        .with_primary(
                            self.file,
                            base.span,
                            format!("type must be known to call `.{}`", name.text),
                        ),
                    );
                } else {
                    let ts = self.show(&t);
                    self.error(
                        Diagnostic::error(
                            Some("E0030"),
                            format!("no method `{}` on type `{ts}`", name.text),
                        )
                        .with_primary(self.file, name.span, "method not found")
                        .with_help(format!(
                            "type `{ts}` has no trait impl providing `{}`",
                            name.text
                        )),
                    );
                }
                for a in args {
                    self.infer_expr(a);
                }
                self.error_expr(span)
            }
        }
    }

    fn tuple_call(&mut self, which: &str, args: &[Expr], span: Span) -> TExpr {
        let want = if which == "nth" { 2 } else { 1 };
        if args.len() != want {
            self.error(
                Diagnostic::error(
                    Some("E0003"),
                    format!("expected {want} argument(s), found {}", args.len()),
                )
                .with_primary(
                    self.file,
                    span,
                    format!("`Tuple.{which}` takes {want} argument(s)"),
                ),
            );
            return self.error_expr(span);
        }
        let t = self.infer_expr(&args[0]);
        let elems = match self.sub.shallow(&t.ty) {
            Ty::Tuple(ts) if !ts.is_empty() => ts,
            other => {
                let ts = self.show(&other);
                self.error(
                    Diagnostic::error(Some("E0001"), format!("expected a tuple, found {ts}"))
                        .with_message(format!("type mismatch: expected a tuple, found `{ts}`"))
                        .with_primary(
                            self.file,
                            args[0].span,
                            format!("`Tuple.{which}` needs a tuple"),
                        ),
                );
                return self.error_expr(span);
            }
        };
        let index = match which {
            "size" => {
                return self.mk(
                    TExprKind::Lit(Lit::Int(elems.len() as i64)),
                    Ty::int(),
                    span,
                )
            }
            "first" => 0,
            "second" => 1,
            _ => match int_literal(&args[1]) {
                Some(i) => i,
                None => return self.tuple_nth_computed(t, elems, &args[1], span),
            },
        };
        if index < 0 || index as usize >= elems.len() {
            let n = elems.len();
            self.error(
                Diagnostic::error(
                    Some("E0003"),
                    format!("tuple index {index} out of range for a tuple of {n} elements"),
                )
                .with_primary(
                    self.file,
                    span,
                    format!("this tuple has {n} element(s)"),
                ),
            );
            return self.error_expr(span);
        }
        let ty = elems[index as usize].clone();
        self.mk(
            TExprKind::Field {
                base: Box::new(t),
                index: index as u32,
            },
            ty,
            span,
        )
    }

    /// `Tuple.nth(t, i)` with a non-literal `i`: all elements must have one
    /// type. Becomes a match of `(t, i)` against `((x, _, ..), 0)`,
    /// `((_, x, ..), 1)`, ... whose failure is the out-of-range panic.
    fn tuple_nth_computed(&mut self, t: TExpr, elems: Vec<Ty>, index: &Expr, span: Span) -> TExpr {
        let i = self.check_expr(index, &Ty::int());
        let elem = match self.nth_elem(&elems) {
            Some(elem) => elem,
            None => {
                let ts = self.show(&t.ty);
                self.error(
                    super::values::nth_mixed(&ts)
                        .with_primary(self.file, index.span, "not an integer literal")
                        .with_secondary(
                            self.file,
                            t.pos.span,
                            format!("the elements of `{ts}` differ in type"),
                        )
                        .with_help("write the index as an integer literal"),
                );
                return self.error_expr(span);
            }
        };
        let x = self.new_local("nth", elem.clone());
        let pos = self.pos(span);
        let pat = |kind, ty: &Ty| TPat {
            kind,
            ty: ty.clone(),
            pos,
        };
        let arms = (0..elems.len())
            .map(|k| {
                let fields = elems
                    .iter()
                    .enumerate()
                    .map(|(j, et)| {
                        pat(
                            if j == k {
                                TPatKind::Bind(x)
                            } else {
                                TPatKind::Wild
                            },
                            et,
                        )
                    })
                    .collect();
                TArm {
                    pats: vec![
                        pat(TPatKind::Tuple(fields), &t.ty),
                        pat(TPatKind::Lit(Lit::Int(k as i64)), &Ty::int()),
                    ],
                    guard: None,
                    body: self.mk(TExprKind::Local(x, vec![]), elem.clone(), span),
                }
            })
            .collect();
        self.mk(
            TExprKind::Match {
                scrutinees: vec![t, i],
                arms,
                fail: MatchFail::Panic("Tuple.nth: index out of range"),
            },
            elem,
            span,
        )
    }

    /// `recv.name(...)` through an interface: a user impl of the receiver's
    /// type, a bound of a generic receiver, or (for a generic receiver) the
    /// unique interface declaring `name`. `None` when no interface applies.
    fn iface_method_callee(&mut self, recv: &Ty, name: &ast::Name, span: Span) -> Option<TExpr> {
        let mut found = self.find_methods(recv, &name.text);
        // A protocol the type has without an impl (derived, or built in)
        // also provides its method: with a user interface's method of the
        // same name, the call is ambiguous (ch02 §5.4 step 7).
        if let Some((proto, _)) = protocol_of_method(&name.text) {
            let has_user = found.iter().any(|(i, _)| i.is_user());
            if has_user
                && !found.iter().any(|(i, _)| *i == proto)
                && self.satisfies(recv, Trait::Iface(proto)) == Some(true)
            {
                found.push((proto, 0));
            }
        }
        if found.is_empty() {
            if let Ty::Gen(_) = recv {
                let decl = self.ifaces_declaring(&name.text);
                if decl.len() == 1 {
                    // An implicit bound, checked at each instantiation.
                    self.oblige(recv, Trait::Iface(decl[0].0), span);
                    found = decl;
                }
            }
        }
        found.dedup();
        if found.len() > 1 {
            let mut names: Vec<String> = found
                .iter()
                .map(|(i, _)| self.ifaces[i.0 as usize].name.clone())
                .collect();
            names.sort();
            let ts = self.show(recv);
            self.error(
                Diagnostic::error(
                    Some("E0027"),
                    format!(
                        "ambiguous method `{}` for type `{ts}`: candidates from traits [{}]",
                        name.text,
                        names.join(", ")
                    ),
                )
                .with_primary(
                    self.file,
                    name.span,
                    "several interfaces provide this method",
                )
                .with_help(format!(
                    "use qualified syntax: {}.{}(value) or {}.{}(value)",
                    names[0], name.text, names[1], name.text
                )),
            );
        }
        let (iface, m) = *found.first()?;
        let ty = self.method_type(iface, m, recv);
        Some(self.mk(
            TExprKind::Method {
                iface,
                method: m,
                self_ty: recv.clone(),
            },
            ty,
            span,
        ))
    }

    /// A bare call of a protocol method name (`inspect(x)`, `to_string(x)`,
    /// `hash(x)`) that a user interface also declares: if exactly one
    /// user-declared interface with an impl for `x`'s type provides it, that
    /// method is called (ch02 §5.4); otherwise the protocol's. None when
    /// the name is bound locally or no user interface declares it.
    fn user_protocol_call(
        &mut self,
        n: &str,
        cspan: Span,
        args: &[Expr],
        span: Span,
    ) -> Option<TExpr> {
        let (_, builtin) = protocol_of_method(n)?;
        if args.is_empty() || self.scopes.value(n).is_some() {
            return None;
        }
        if !self.ifaces_declaring(n).iter().any(|(i, _)| i.is_user()) {
            return None;
        }
        let first = self.infer_expr(&args[0]);
        let t = self.sub.zonk(&first.ty);
        let mut user: Vec<(IfaceId, u32)> = self
            .find_methods(&t, n)
            .into_iter()
            .filter(|(i, _)| i.is_user())
            .collect();
        user.dedup();
        let f = if user.len() == 1 {
            let (iface, m) = user[0];
            let ty = self.method_type(iface, m, &t);
            self.mk(
                TExprKind::Method {
                    iface,
                    method: m,
                    self_ty: t,
                },
                ty,
                cspan,
            )
        } else {
            self.builtin_ref(builtin, cspan)
        };
        Some(self.apply_with_first(f, first, &args[1..], span))
    }

    fn apply_with_first(&mut self, f: TExpr, first: TExpr, args: &[Expr], span: Span) -> TExpr {
        let mut targs = vec![first];
        let ft = self.sub.shallow(&f.ty);
        if let Ty::Fun(ps, _) = &ft {
            if let Some(p0) = ps.first() {
                let a0 = targs[0].ty.clone();
                let sp = targs[0].pos.span;
                self.unify_at(p0, &a0, sp, None);
            }
        }
        self.apply_inner(f, &mut targs, args, span)
    }

    pub fn apply(&mut self, f: TExpr, args: &[Expr], span: Span) -> TExpr {
        self.apply_inner(f, &mut Vec::new(), args, span)
    }

    /// Apply `f` to `pre` (already inferred) followed by `args`.
    fn apply_inner(&mut self, f: TExpr, pre: &mut Vec<TExpr>, args: &[Expr], span: Span) -> TExpr {
        let ft = self.sub.shallow(&f.ty);
        let n = pre.len() + args.len();
        let ret = match ft {
            Ty::Fun(ps, r) => {
                if ps.len() != n {
                    let m = ps.len();
                    let help = if n < m {
                        format!("missing {} argument(s)", m - n)
                    } else {
                        format!("{} extra argument(s)", n - m)
                    };
                    self.error(
                        Diagnostic::error(
                            Some("E0003"),
                            format!("expected {m} argument(s), found {n}"),
                        )
                        .with_message(format!("arity mismatch: expected {m} arguments, found {n}"))
                        .with_primary(
                            self.file,
                            span,
                            format!("expected {m} argument(s), found {n}"),
                        )
                        .with_help(help),
                    );
                    for a in args {
                        pre.push(self.infer_expr(a));
                    }
                } else {
                    for (i, a) in args.iter().enumerate() {
                        let p = &ps[pre.len()];
                        if let ExprKind::Closure(_) = a.kind {
                            self.closure_hint = Some(p.clone());
                        }
                        let x = self.infer_hinted(a, Some(p));
                        self.closure_hint = None;
                        if let Err(e) = self.sub.unify(p, &x.ty) {
                            let label = format!(
                                "argument {} has type {}, expected {}",
                                i + 1 + (n - args.len()),
                                self.show(&x.ty),
                                self.show(p)
                            );
                            self.report_unify(e, p, &x.ty, a.span, Some(&label));
                        }
                        pre.push(x);
                    }
                }
                *r
            }
            Ty::Var(_) | Ty::Never => {
                let poisoned = self.is_poisoned(&f.ty);
                if poisoned {
                    pre.extend(self.infer_orphan_args(args));
                } else {
                    for a in args {
                        pre.push(self.infer_expr(a));
                    }
                }
                let r = self.sub.fresh();
                if poisoned {
                    self.poison(&r);
                }
                let want = Ty::Fun(
                    pre.iter().map(|x| x.ty.clone()).collect(),
                    Box::new(r.clone()),
                );
                self.unify_at(&f.ty, &want, span, None);
                r
            }
            other => {
                for a in args {
                    pre.push(self.infer_expr(a));
                }
                let r = self.sub.fresh();
                let want = Ty::Fun(
                    pre.iter().map(|x| x.ty.clone()).collect(),
                    Box::new(r.clone()),
                );
                self.poison(&r);
                let (es, fs) = (self.show(&other), self.show(&want));
                self.error(
                    Diagnostic::error(Some("E0001"), format!("expected {es}, found {fs}"))
                        .with_message(format!("type mismatch: expected `{es}`, found `{fs}`"))
                        .with_primary(
                            self.file,
                            f.pos.span,
                            format!("this has type {es} and is not a function"),
                        ),
                );
                r
            }
        };
        let args = std::mem::take(pre);
        self.mk(
            TExprKind::Call {
                callee: Box::new(f),
                args,
            },
            ret,
            span,
        )
    }

    fn infer_struct_lit(&mut self, name: &Expr, fields: &[(ast::Name, Expr)], span: Span) -> TExpr {
        // `Point`, `Geo.Point`, `A.B.Point`, or an alias of a struct type.
        let segs = base_segments(name);
        let sname = segs.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(".");
        let id = match self.scopes.path_ty_seen_through(&sname) {
            Some((mi, TypeRes::Adt(id))) if self.adts[id.0 as usize].is_struct() => {
                if let (Some(mi), Some((m, t))) = (mi, sname.rsplit_once('.')) {
                    // `M.T { ... }`: `T` must be visible from here.
                    let at = segs.last().map_or(name.span, |(_, sp)| *sp);
                    self.check_visible(mi, m, t, at);
                }
                id
            }
            _ => {
                let d = Diagnostic::error(Some("E0040"), format!("unknown struct `{sname}`"))
                    .with_primary(self.file, name.span, "not a struct type in scope");
                let d = self.with_type_hint(d, &sname, TypeWant::Struct);
                self.error(d);
                for (_, e) in fields {
                    self.infer_expr(e);
                }
                return self.error_expr(span);
            }
        };
        self.record_type_ref(id, name.span);
        let (gens, decl) = {
            let a = &self.adts[id.0 as usize];
            let AdtKind::Struct { fields } = &a.kind else {
                unreachable!("checked is_struct")
            };
            (a.generics.clone(), fields.clone())
        };
        let fresh: Vec<Ty> = gens.iter().map(|_| self.sub.fresh()).collect();
        let sub = |g| gens.iter().position(|x| *x == g).map(|i| fresh[i].clone());
        let sdisp = self.adts[id.0 as usize].name.clone();
        let mut seen = vec![false; decl.len()];
        let mut out = Vec::new();
        for (fname, e) in fields {
            match decl.iter().position(|(n, _)| *n == fname.text) {
                Some(i) => {
                    if seen[i] {
                        self.error(
                            Diagnostic::error(
                                Some("E0009"),
                                format!("duplicate field {} in struct {sdisp}", fname.text),
                            )
                            .with_primary(
                                self.file,
                                fname.span,
                                "given twice",
                            ),
                        );
                    }
                    seen[i] = true;
                    let ft = decl[i].1.subst_gen(&sub);
                    self.record_field(id, i as u32, &ft, fname.span);
                    out.push((i as u32, self.check_expr(e, &ft)));
                }
                None => {
                    self.error(
                        Diagnostic::error(
                            Some("E0009"),
                            format!("unknown field {} in struct {sdisp}", fname.text),
                        )
                        .with_primary(
                            self.file,
                            fname.span,
                            "no such field",
                        ),
                    );
                    self.infer_expr(e);
                }
            }
        }
        for (i, (n, _)) in decl.iter().enumerate() {
            if !seen[i] {
                self.error(
                    Diagnostic::error(
                        Some("E0009"),
                        format!("missing field {n} in struct {sdisp}"),
                    )
                    .with_primary(self.file, span, format!("`{n}` is not given"))
                    .with_help(format!("add `{n}: <value>`")),
                );
            }
        }
        self.mk(
            TExprKind::StructLit {
                adt: id,
                fields: out,
            },
            Ty::Con(TyCon::Adt(id), fresh),
            span,
        )
    }

    fn infer_try(&mut self, x: &Expr, span: Span) -> TExpr {
        let inner = self.infer_expr(x);
        if self.is_poisoned(&inner.ty) {
            return self.error_expr(span);
        }
        let t = self.sub.shallow(&inner.ty);
        let (is_result, val, err) = match &t {
            Ty::Con(TyCon::Adt(id), args) if *id == RESULT => {
                (true, args[0].clone(), Some(args[1].clone()))
            }
            Ty::Con(TyCon::Adt(id), args) if *id == OPTION => (false, args[0].clone(), None),
            Ty::Var(_) => {
                let (a, b) = (self.sub.fresh(), self.sub.fresh());
                let _ = self
                    .sub
                    .unify(&t, &Ty::Con(TyCon::Adt(RESULT), vec![a.clone(), b.clone()]));
                (true, a, Some(b))
            }
            _ => {
                let ts = self.show(&t);
                self.error(
                    Diagnostic::error(Some("E0037"), "`?` requires `Result` or `Option`")
                        .with_message(format!(
                            "`?` operator requires `Result` or `Option`, found `{ts}`"
                        ))
                        .with_primary(self.file, x.span, format!("this has type `{ts}`")),
                );
                return self.error_expr(span);
            }
        };
        let ret = self.fn_ctx.last().map(|c| c.ret.clone());
        let ok = match &ret {
            None => false,
            Some(r) => {
                let want = if is_result {
                    let g = self.sub.fresh();
                    Ty::Con(
                        TyCon::Adt(RESULT),
                        vec![g, err.clone().unwrap_or(Ty::Never)],
                    )
                } else {
                    let g = self.sub.fresh();
                    Ty::Con(TyCon::Adt(OPTION), vec![g])
                };
                let rs = self.sub.shallow(r);
                let same_head = match (&rs, is_result) {
                    (Ty::Var(_), _) => true,
                    (Ty::Con(TyCon::Adt(id), _), true) => *id == RESULT,
                    (Ty::Con(TyCon::Adt(id), _), false) => *id == OPTION,
                    _ => false,
                };
                if same_head {
                    self.unify_at(r, &want, x.span, None);
                }
                same_head
            }
        };
        if !ok {
            let rs = ret
                .as_ref()
                .map(|r| self.show(r))
                .unwrap_or_else(|| "()".into());
            self.error(
                Diagnostic::error(Some("E0036"), "`?` operator requires function to return `Result` or `Option`")
                    .with_message(format!(
                        "`?` operator requires function to return `Result` or `Option`, found `{rs}`"
                    ))
                    .with_primary(self.file, span, "`?` used here")
                    .with_note(format!(
                        "the enclosing function returns `{rs}`, but `?` requires `Result<_, _>` or `Option<_>`"
                    )),
            );
        }
        self.mk(
            TExprKind::Try {
                expr: Box::new(inner),
                is_result,
            },
            val,
            span,
        )
    }

    fn infer_case(&mut self, scrutinee: &Expr, arms: &[ast::Arm], span: Span) -> TExpr {
        let s = self.infer_expr(scrutinee);
        let poisoned = self.is_poisoned(&s.ty);
        let result = self.sub.fresh();
        let mut tarms = Vec::new();
        let mut rows = Vec::new();
        let mut any = false;
        let mut bad_pattern = false;
        for a in arms {
            self.scopes.push();
            let mut binds = Vec::new();
            let before = self.diags.len();
            let p = self.check_pattern(&a.pattern, &s.ty, &mut binds);
            if poisoned {
                // What the patterns bind comes from the erroneous value.
                self.poison_within(&s.ty);
            }
            bad_pattern |= self.diags.len() > before;
            self.bind_all(&binds);
            let guard = a.guard.as_ref().map(|g| {
                self.check_guard_syntax(g);
                let ge = self.infer_expr(g);
                self.unify_at(&Ty::bool(), &ge.ty, g.span, None);
                ge
            });
            let body = self.infer_expr(&a.body);
            self.scopes.pop();
            if self.sub.shallow(&body.ty) != Ty::Never {
                if any {
                    let (rs, bs) = (self.show(&result), self.show(&body.ty));
                    if self.sub.unify(&result, &body.ty).is_err() {
                        self.error(
                            Diagnostic::error(Some("E0001"), format!("expected {rs}, found {bs}"))
                                .with_message(format!(
                                    "type mismatch: expected `{rs}`, found `{bs}`"
                                ))
                                .with_primary(self.file, a.body.span, format!("found {bs}")),
                        );
                    }
                } else {
                    let _ = self.sub.unify(&result, &body.ty);
                    any = true;
                }
            }
            rows.push((vec![p.clone()], guard.is_some(), self.pos(a.pattern.span)));
            tarms.push(TArm {
                pats: vec![p],
                guard,
                body,
            });
        }
        let ty = if arms.is_empty() {
            Ty::unit()
        } else if !any {
            Ty::Never
        } else {
            result
        };
        // A pattern in error would read as a catch-all (or a gap): no
        // coverage warnings on top of its own error.
        if !bad_pattern {
            self.match_checks.push(MatchCheck {
                kind: MatchKind::Case,
                pos: self.pos(span),
                scrut_tys: vec![s.ty.clone()],
                rows,
                what: String::new(),
            });
        }
        self.mk(
            TExprKind::Match {
                scrutinees: vec![s],
                arms: tarms,
                fail: MatchFail::Panic("no case clause matching"),
            },
            ty,
            span,
        )
    }

    fn check_guard_syntax(&mut self, g: &Expr) {
        let bad: Option<(Span, String)> = guard_violation(g);
        if let Some((sp, reason)) = bad {
            self.error(
                Diagnostic::error(Some("E0013"), format!("invalid guard: {reason}")).with_primary(
                    self.file,
                    sp,
                    "only comparisons, boolean ops, literals, and names allowed",
                ),
            );
        }
    }

    pub fn bind_all(&mut self, binds: &[(String, crate::types::tast::LocalId, Ty)]) {
        for (n, id, t) in binds {
            self.scopes.bind_value(
                n,
                ValueRes::Local {
                    id: *id,
                    gens: vec![],
                    ty: t.clone(),
                    cons: vec![],
                },
            );
        }
    }

    fn infer_closure(
        &mut self,
        c: &ast::Closure,
        self_local: Option<crate::types::tast::LocalId>,
    ) -> TExpr {
        let clauses: Vec<ClauseRef> = c
            .clauses
            .iter()
            .map(|cl| ClauseRef {
                params: &cl.params,
                guard: cl.guard.as_ref(),
                body: BodyRef::Block(&cl.body),
                ret_ann: None,
                span: cl.span,
            })
            .collect();
        if clauses
            .iter()
            .any(|cl| cl.params.len() != clauses[0].params.len())
        {
            self.error(
                Diagnostic::error(
                    Some("E0024"),
                    "all clauses of `closure` must have the same number of parameters",
                )
                .with_primary(self.file, c.span, "clauses differ in arity"),
            );
        }
        let (params, fty, body) = infer_clauses(self, &clauses, "closure");
        let ret = match &fty {
            Ty::Fun(_, r) => (**r).clone(),
            _ => Ty::unit(),
        };
        self.mk(
            TExprKind::Closure(Box::new(TClosure {
                params,
                ret,
                body,
                self_local,
            })),
            fty,
            c.span,
        )
    }

    pub fn infer_block(&mut self, b: &Block) -> TExpr {
        self.scopes.push();
        let mut out = Vec::new();
        let mut ty = Ty::unit();
        let mut i = 0;
        let stmts = &b.stmts;
        while i < stmts.len() {
            let st = &stmts[i];
            let is_last = i + 1 == stmts.len();
            match &st.kind {
                StmtKind::Expr(e) => {
                    let x = self.infer_expr(e);
                    if is_last {
                        ty = x.ty.clone();
                    } else if self.sub.shallow(&x.ty) == Ty::Never {
                        ty = Ty::Never;
                    }
                    out.push(TStmt::Expr(x));
                }
                StmtKind::Let {
                    pat,
                    ty: ann,
                    value,
                } => {
                    out.push(self.infer_let(pat, ann.as_ref(), value));
                    if is_last {
                        ty = Ty::unit();
                    }
                }
                StmtKind::Item(Item::Fn(f)) => {
                    let mut clauses = vec![f];
                    while let Some(StmtKind::Item(Item::Fn(g))) = stmts.get(i + 1).map(|s| &s.kind)
                    {
                        if g.name.text != f.name.text {
                            break;
                        }
                        clauses.push(g);
                        i += 1;
                    }
                    out.push(self.infer_local_fn(&clauses));
                    if i + 1 == stmts.len() {
                        ty = Ty::unit();
                    }
                }
                StmtKind::Item(_) => {
                    self.error(
                        Diagnostic::error(None, "not supported yet: declarations inside a block")
                            .with_primary(self.file, st.span, "move this to the top level"),
                    );
                }
            }
            i += 1;
        }
        // a block that always diverges has type Never
        if let Some(TStmt::Expr(x)) = out.last() {
            if self.sub.shallow(&x.ty) == Ty::Never {
                ty = Ty::Never;
            }
        }
        self.scopes.pop();
        self.mk(TExprKind::Block(out), ty, b.span)
    }

    fn infer_let(&mut self, pat: &ast::Pattern, ann: Option<&ast::Type>, value: &Expr) -> TStmt {
        if let PatternKind::Ident(name) = &pat.kind {
            let is_ctor = matches!(self.scopes.value(name), Some(ValueRes::Ctor(..)));
            if !is_ctor {
                self.sub.enter();
                let mark = self.obligations.len();
                let at = ann.map(|a| self.resolve_type(a));
                let v = self.infer_hinted(value, at.as_ref());
                // The binding has the annotated type even when the value
                // does not match it (no follow-up errors at its uses).
                let mut ty = v.ty.clone();
                if let Some(at) = at {
                    self.unify_at(
                        &at,
                        &v.ty,
                        value.span,
                        Some(&format!("expected {} from annotation", self.show(&at))),
                    );
                    ty = at;
                }
                self.sub.exit();
                // An erroneous value stays one poisoned type for every use.
                let (gens, gty) = if self.is_poisoned(&ty) {
                    (Vec::new(), ty)
                } else {
                    self.sub.generalize(&ty)
                };
                let mut cons = Vec::new();
                if !gens.is_empty() {
                    let obs: Vec<_> = self.obligations.drain(mark..).collect();
                    for ob in obs {
                        let t = self.sub.zonk(&ob.ty);
                        if t.any(&mut |x| matches!(x, Ty::Gen(g) if gens.contains(g))) {
                            cons.push((t, ob.tr));
                        } else {
                            self.obligations.push(ob);
                        }
                    }
                }
                let id = self.new_local(name, gty.clone());
                self.record_bind(id, &gty, pat.span);
                self.scopes.bind_value(
                    name,
                    ValueRes::Local {
                        id,
                        gens: gens.clone(),
                        ty: gty,
                        cons,
                    },
                );
                return TStmt::Let {
                    local: id,
                    generics: gens,
                    value: v,
                };
            }
        }
        let v = self.infer_expr(value);
        if let Some(a) = ann {
            let at = self.resolve_type(a);
            self.unify_at(
                &at,
                &v.ty,
                value.span,
                Some(&format!("expected {} from annotation", self.show(&at))),
            );
        }
        let mut binds = Vec::new();
        let poisoned = self.is_poisoned(&v.ty);
        let p = self.check_pattern(pat, &v.ty, &mut binds);
        if poisoned {
            self.poison_within(&v.ty);
        }
        self.bind_all(&binds);
        self.match_checks.push(MatchCheck {
            kind: MatchKind::Let,
            pos: self.pos(pat.span),
            scrut_tys: vec![v.ty.clone()],
            rows: vec![(vec![p.clone()], false, self.pos(pat.span))],
            what: String::new(),
        });
        TStmt::LetPat { pat: p, value: v }
    }

    fn infer_local_fn(&mut self, clauses: &[&ast::FnDef]) -> TStmt {
        let first = clauses[0];
        let name = &first.name.text;
        self.sub.enter();
        let self_ty = self.sub.fresh();
        let id = self.new_local(name, self_ty.clone());
        self.record_bind(id, &self_ty, first.name.span);
        self.scopes.push();
        self.scopes.bind_value(
            name,
            ValueRes::Local {
                id,
                gens: vec![],
                ty: self_ty.clone(),
                cons: vec![],
            },
        );
        for n in &first.generics {
            let gid = self.sub.fresh_gen();
            self.gen_names.insert(gid, n.text.clone());
            self.scopes.bind_type(&n.text, TypeRes::Gen(gid));
        }
        let crefs: Vec<ClauseRef> = clauses.iter().map(|c| ClauseRef::from_fn(c)).collect();
        let what = format!("{name}/{}", crefs[0].params.len());
        let (params, fty, body) = infer_clauses(self, &crefs, &what);
        self.unify_at(&self_ty, &fty, first.name.span, None);
        self.scopes.pop();
        self.sub.exit();
        let (gens, gty) = self.sub.generalize(&self_ty);
        self.locals[id.0 as usize].ty = gty.clone();
        self.scopes.bind_value(
            name,
            ValueRes::Local {
                id,
                gens: gens.clone(),
                ty: gty.clone(),
                cons: vec![],
            },
        );
        let ret = match &gty {
            Ty::Fun(_, r) => (**r).clone(),
            _ => Ty::unit(),
        };
        let value = TExpr {
            kind: TExprKind::Closure(Box::new(TClosure {
                params,
                ret,
                body,
                self_local: Some(id),
            })),
            ty: gty,
            pos: self.pos(first.span),
        };
        TStmt::Let {
            local: id,
            generics: gens,
            value,
        }
    }
}

/// An integer literal, possibly negated (`-1` is out of range at compile
/// time rather than a computed index).
fn int_literal(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Int(i) => Some(*i),
        ExprKind::Unary(UnOp::Neg, a) => match a.kind {
            ExprKind::Int(i) => Some(i.wrapping_neg()),
            _ => None,
        },
        _ => None,
    }
}

/// The `if` of an `else if`: an else block made of one `if` expression.
fn nested_if(b: &Block) -> Option<&Expr> {
    match b.stmts.as_slice() {
        [st] => match &st.kind {
            StmtKind::Expr(x) if matches!(x.kind, ExprKind::If { .. }) => Some(x),
            _ => None,
        },
        _ => None,
    }
}

fn last_span(b: &Block) -> Span {
    b.stmts.last().map_or(b.span, |s| s.span)
}

/// The first construct a `case` guard may not contain.
fn guard_violation(g: &Expr) -> Option<(Span, String)> {
    match &g.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Nil
        | ExprKind::Name(_) => None,
        ExprKind::Str(parts) if parts.iter().all(|p| matches!(p, StrPart::Text(_))) => None,
        ExprKind::Binary(op, a, b) => match op {
            BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Gt
            | BinOp::Le
            | BinOp::Ge
            | BinOp::And
            | BinOp::Or => guard_violation(a).or_else(|| guard_violation(b)),
            other => Some((
                g.span,
                format!("operator `{}` not allowed in guard", op_text(*other)),
            )),
        },
        ExprKind::Unary(UnOp::Not, a) => guard_violation(a),
        ExprKind::Unary(UnOp::Neg, a)
            if matches!(a.kind, ExprKind::Int(_) | ExprKind::Float(_)) =>
        {
            None
        }
        ExprKind::Call { callee, args } => match &callee.kind {
            ExprKind::Name(_) => args.iter().find_map(guard_violation),
            _ => Some((g.span, "only named function calls allowed in guard".into())),
        },
        _ => Some((g.span, "expression not allowed in guard".into())),
    }
}

fn op_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        BinOp::Concat => "<>",
        BinOp::Range => "..",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Gt => ">",
        BinOp::Le => "<=",
        BinOp::Ge => ">=",
        BinOp::And => "and",
        BinOp::Or => "or",
    }
}

/// The built-in protocol whose method a name is, with its builtin.
pub(super) fn protocol_of_method(n: &str) -> Option<(IfaceId, Builtin)> {
    crate::types::builtins::PROTOCOL_METHODS
        .iter()
        .find(|(m, _, _)| *m == n)
        .map(|(_, p, b)| (*p, *b))
}

/// The static decoders a derive gives a type (`T.from_json`, `T.from_row`).
#[derive(Clone, Copy)]
enum Decoder {
    Json,
    Row,
}

impl Decoder {
    fn named(name: &str) -> Option<Decoder> {
        match name {
            "from_json" => Some(Decoder::Json),
            "from_row" => Some(Decoder::Row),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Decoder::Json => "from_json",
            Decoder::Row => "from_row",
        }
    }

    /// The derive that provides it.
    fn derive(self) -> &'static str {
        match self {
            Decoder::Json => "Json",
            Decoder::Row => "Row",
        }
    }
}

/// The names of a static base `A.B.C` with their spans, outermost first.
fn base_segments(base: &Expr) -> Vec<(&str, Span)> {
    match &base.kind {
        ExprKind::Name(m) => vec![(m.as_str(), base.span)],
        ExprKind::Field { base: b, name } => {
            let mut v = base_segments(b);
            v.push((name.text.as_str(), name.span));
            v
        }
        _ => Vec::new(),
    }
}
