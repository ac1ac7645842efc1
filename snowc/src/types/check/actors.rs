//! Actors: `spawn`, `send`, `receive`, `self()`, `link`, self-calls, and
//! the rule that an actor is only called by `spawn` or by itself in tail
//! position.

use std::collections::HashMap;

use super::errors::{MatchCheck, MatchKind};
use super::{ActorCtx, Checker};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, Expr, ExprKind, Span};
use crate::types::tast::{Builtin, FnId, TArm, TExpr, TExprKind, TStmt};
use crate::types::ty::{Ty, TyCon};

impl Checker<'_> {
    pub fn actor_ctx(&self) -> Option<&ActorCtx> {
        self.fn_ctx.last().and_then(|c| c.actor.as_ref())
    }

    fn builtin_call(&self, b: Builtin, args: Vec<TExpr>, ret: Ty, span: Span) -> TExpr {
        let fty = Ty::Fun(
            args.iter().map(|a| a.ty.clone()).collect(),
            Box::new(ret.clone()),
        );
        let callee = self.mk_expr(TExprKind::Builtin(b), fty, span);
        self.mk_expr(
            TExprKind::Call {
                callee: Box::new(callee),
                args,
            },
            ret,
            span,
        )
    }

    pub fn mk_expr(&self, kind: TExprKind, ty: Ty, span: Span) -> TExpr {
        TExpr {
            kind,
            ty,
            pos: self.pos(span),
        }
    }

    fn infer_all(&mut self, args: &[Expr]) -> Vec<TExpr> {
        args.iter().map(|a| self.infer_expr(a)).collect()
    }

    fn arity(&mut self, args: &[Expr], n: usize, what: &str, span: Span) -> bool {
        if args.len() == n {
            return true;
        }
        self.error(
            Diagnostic::error(
                Some("E0003"),
                format!("expected {n} argument(s), found {}", args.len()),
            )
            .with_message(format!(
                "arity mismatch: `{what}` expects {n} argument(s), found {}",
                args.len()
            ))
            .with_primary(self.file, span, format!("`{what}` takes {n} argument(s)")),
        );
        self.infer_all(args);
        false
    }

    /// `self()`
    pub fn infer_self_pid(&mut self, span: Span) -> TExpr {
        match self.actor_ctx() {
            Some(a) => {
                let t = Ty::pid(a.msg.clone());
                self.builtin_call(Builtin::SelfPid, vec![], t, span)
            }
            None => {
                self.error(
                    Diagnostic::error(Some("E0015"), "self() used outside actor block")
                        .with_primary(self.file, span, "not inside an `actor` body")
                        .with_help("functions that need the current PID take it as an argument"),
                );
                self.error_expr(span)
            }
        }
    }

    /// `spawn(actor, args...)`: a call of the actor, run in a new process.
    pub fn infer_spawn(&mut self, args: &[Expr], span: Span) -> TExpr {
        let Some((first, rest)) = args.split_first() else {
            self.arity(args, 1, "spawn", span);
            return self.error_expr(span);
        };
        let f = self.infer_expr(first);
        let is_actor = matches!(&f.kind, TExprKind::FnRef(id, _) if self.actors.contains_key(id));
        if !is_actor {
            let ft = self.sub.zonk(&f.ty);
            let d = if matches!(ft, Ty::Fun(..)) {
                Diagnostic::error(
                    Some("E0016"),
                    format!(
                        "cannot spawn `{}`: only actors and supervisors can be spawned",
                        self.show(&ft)
                    ),
                )
                .with_primary(self.file, first.span, "not an actor")
            } else {
                let t = self.show(&ft);
                Diagnostic::error(
                    Some("E0016"),
                    format!("cannot spawn non-function: found {t}"),
                )
                .with_primary(self.file, first.span, format!("this has type {t}"))
            };
            self.error(d);
            self.infer_all(rest);
            return self.error_expr(span);
        }
        let call = self.apply(f, rest, span);
        let t = call.ty.clone();
        self.builtin_call(Builtin::Spawn, vec![call], t, span)
    }

    /// `send(pid, message)`
    pub fn infer_send(&mut self, args: &[Expr], span: Span) -> TExpr {
        if !self.arity(args, 2, "send", span) {
            return self.error_expr(span);
        }
        let pid = self.infer_expr(&args[0]);
        let msg = self.infer_expr(&args[1]);
        let pt = self.sub.zonk(&pid.ty);
        match &pt {
            Ty::Con(TyCon::Pid, ms) if ms.len() == 1 => {
                if self.sub.unify(&ms[0], &msg.ty).is_err() {
                    let (m, t) = (self.show(&ms[0]), self.show(&msg.ty));
                    self.error(
                        Diagnostic::error(
                            Some("E0014"),
                            format!("message type mismatch: expected {m}, found {t}"),
                        )
                        .with_help(format!("this Pid accepts messages of type {m}"))
                        .with_primary(self.file, args[1].span, format!("this is {t}"))
                        .with_secondary(
                            self.file,
                            args[0].span,
                            format!("this process accepts {m}"),
                        ),
                    );
                }
            }
            Ty::Con(TyCon::Pid, _) => {}
            _ => {
                let want = Ty::pid(msg.ty.clone());
                self.unify_at(&want, &pid.ty, args[0].span, None);
            }
        }
        self.builtin_call(Builtin::Send, vec![pid, msg], Ty::unit(), span)
    }

    /// `link(pid)`
    pub fn infer_link(&mut self, args: &[Expr], span: Span) -> TExpr {
        if !self.arity(args, 1, "link", span) {
            return self.error_expr(span);
        }
        let pid = self.infer_expr(&args[0]);
        self.unify_at(&Ty::Con(TyCon::Pid, vec![]), &pid.ty, args[0].span, None);
        self.builtin_call(Builtin::Link, vec![pid], Ty::unit(), span)
    }

    /// `receive do arms [after t -> e] end`
    pub fn infer_receive(
        &mut self,
        arms: &[ast::Arm],
        after: &Option<(Box<Expr>, Box<Expr>)>,
        span: Span,
    ) -> TExpr {
        let msg = match self.actor_ctx() {
            Some(a) if a.in_terminate => {
                self.error(
                    Diagnostic::error(Some("E0017"), "receive used inside a terminate block")
                        .with_primary(self.file, span, "a terminate block must not receive"),
                );
                return self.error_expr(span);
            }
            Some(a) => a.msg.clone(),
            None => {
                self.error(
                    Diagnostic::error(Some("E0017"), "receive used outside actor block")
                        .with_primary(self.file, span, "not inside an `actor` body"),
                );
                return self.error_expr(span);
            }
        };
        let result = self.sub.fresh();
        let mut any = false;
        let mut tarms = Vec::new();
        let mut bad_pattern = false;
        let mut bodies: Vec<(Ty, Span)> = Vec::new();
        for a in arms {
            self.scopes.push();
            let mut binds = Vec::new();
            let before = self.diags.len();
            let p = self.check_pattern(&a.pattern, &msg, &mut binds);
            bad_pattern |= self.diags.len() > before;
            self.bind_all(&binds);
            let guard = a.guard.as_ref().map(|g| {
                let ge = self.infer_expr(g);
                self.unify_at(&Ty::bool(), &ge.ty, g.span, None);
                ge
            });
            let body = self.infer_expr(&a.body);
            self.scopes.pop();
            bodies.push((body.ty.clone(), a.body.span));
            tarms.push(TArm {
                pats: vec![p],
                guard,
                body,
            });
        }
        let after = after.as_ref().map(|(t, e)| {
            if let ExprKind::Int(n) = t.kind {
                if n < 0 {
                    self.error(
                        Diagnostic::warning(
                            Some("W0003"),
                            "a negative `after` timeout means no deadline",
                        )
                        .with_primary(
                            self.file,
                            t.span,
                            "this receive waits forever",
                        ),
                    );
                }
            }
            let tt = self.infer_expr(t);
            self.unify_at(&Ty::int(), &tt.ty, t.span, None);
            let body = self.infer_expr(e);
            bodies.push((body.ty.clone(), e.span));
            (Box::new(tt), Box::new(body))
        });
        for (t, sp) in bodies {
            if self.sub.shallow(&t) == Ty::Never {
                continue;
            }
            if any {
                let (rs, bs) = (self.show(&result), self.show(&t));
                if self.sub.unify(&result, &t).is_err() {
                    self.error(
                        Diagnostic::error(Some("E0001"), format!("expected {rs}, found {bs}"))
                            .with_message(format!("type mismatch: expected `{rs}`, found `{bs}`"))
                            .with_primary(self.file, sp, format!("found {bs}")),
                    );
                }
            } else {
                let _ = self.sub.unify(&result, &t);
                any = true;
            }
        }
        let ty = if arms.is_empty() && after.is_none() {
            Ty::unit()
        } else if !any {
            Ty::Never
        } else {
            result
        };
        // Redundant arms are still worth a warning; missing ones are not
        // (unmatched messages stay queued). A pattern in error would read as
        // a catch-all: no warning on top of its own error.
        if !bad_pattern {
            self.match_checks.push(MatchCheck {
                kind: MatchKind::Receive,
                pos: self.pos(span),
                scrut_tys: vec![msg.clone()],
                rows: tarms
                    .iter()
                    .map(|a| (a.pats.clone(), a.guard.is_some(), a.pats[0].pos))
                    .collect(),
                what: String::new(),
            });
        }
        self.mk_expr(
            TExprKind::Receive {
                msg,
                arms: tarms,
                after,
            },
            ty,
            span,
        )
    }

    /// `__sup_child(name, start, restart, shutdown)` from a supervisor's
    /// child: `start` must be a closure returning a Pid (E0018).
    pub fn infer_sup_child(&mut self, callee: &Expr, args: &[Expr], span: Span) -> TExpr {
        let child = match &args[0].kind {
            ExprKind::Str(parts) => match parts.first() {
                Some(ast::StrPart::Text(t)) => t.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let start = self.infer_expr(&args[1]);
        let st = self.sub.zonk(&start.ty);
        let found = match &st {
            Ty::Fun(ps, r) if ps.is_empty() => {
                let r = (**r).clone();
                if self.sub.unify(&r, &Ty::Con(TyCon::Pid, vec![])).is_ok() {
                    None
                } else {
                    Some(self.sub.zonk(&r))
                }
            }
            Ty::Var(_) => {
                let want = Ty::Fun(vec![], Box::new(Ty::Con(TyCon::Pid, vec![])));
                self.sub.unify(&st, &want).err().map(|_| st.clone())
            }
            other => Some(other.clone()),
        };
        if let Some(t) = found {
            let ts = self.show(&t);
            self.error(
                Diagnostic::error(
                    Some("E0018"),
                    format!("child `{child}` start function must return Pid, found `{ts}`"),
                )
                .with_primary(self.file, args[1].span, format!("this returns {ts}"))
                .with_help("start a child with `fn -> spawn(actor, args) end`"),
            );
        }
        let rest: Vec<TExpr> = [&args[0], &args[2], &args[3]]
            .iter()
            .map(|a| self.infer_expr(a))
            .collect();
        let mut it = rest.into_iter();
        let (n, r, s) = (it.next(), it.next(), it.next());
        let args = vec![
            n.expect("name"),
            start,
            r.expect("restart"),
            s.expect("shutdown"),
        ];
        let _ = callee;
        self.builtin_call(
            Builtin::SupChild,
            args,
            crate::types::builtins::child_spec(),
            span,
        )
    }

    /// A call of the current actor by name (a loop): it never returns.
    pub fn actor_self_callee(&mut self, mut f: TExpr) -> TExpr {
        if let TExprKind::FnRef(id, _) = &f.kind {
            if let Some(a) = self.actor_ctx() {
                if a.id == *id && !a.in_terminate {
                    f.ty = Ty::Fun(a.params.clone(), Box::new(Ty::Never));
                }
            }
        }
        f
    }

    /// Actors are called only by `spawn` or by themselves in tail position.
    pub fn check_actor_calls(&mut self) {
        if self.actors.is_empty() {
            return;
        }
        let mut bad = Vec::new();
        for (i, f) in self.fns.iter().enumerate() {
            let Some(tf) = &f.body else { continue };
            let me = FnId(i as u32);
            let own = self.actors.contains_key(&me).then_some(me);
            actor_uses(&tf.body, true, own, &self.actors, &mut bad);
            if let Some(t) = tf.actor.as_ref().and_then(|a| a.terminate.as_ref()) {
                actor_uses(t, false, None, &self.actors, &mut bad);
            }
        }
        for (pos, called) in bad {
            let d = if called {
                Diagnostic::error(
                    Some("E0016"),
                    "an actor can only call itself in tail position; use spawn",
                )
                .with_primary(pos.file, pos.span, "actor called here")
            } else {
                Diagnostic::error(
                    Some("E0016"),
                    "an actor is not a value: use it as spawn's first argument",
                )
                .with_primary(pos.file, pos.span, "actor used as a value here")
                .with_help("start it with `spawn(name, args...)`")
            };
            self.error(d);
        }
    }
}

fn actor_uses(
    e: &TExpr,
    tail: bool,
    own: Option<FnId>,
    actors: &HashMap<FnId, Span>,
    bad: &mut Vec<(crate::types::tast::Pos, bool)>,
) {
    let sub = |x: &TExpr, t: bool, bad: &mut Vec<_>| actor_uses(x, t, own, actors, bad);
    match &e.kind {
        TExprKind::FnRef(id, _) if actors.contains_key(id) => bad.push((e.pos, false)),
        TExprKind::Call { callee, args } => {
            match &callee.kind {
                TExprKind::FnRef(id, _) if actors.contains_key(id) => {
                    if !(tail && own == Some(*id)) {
                        bad.push((e.pos, true));
                    }
                }
                // spawn(actor(args)): the inner call is the spawn itself
                TExprKind::Builtin(Builtin::Spawn) => {
                    if let Some(TExprKind::Call { args: inner, .. }) = args.first().map(|a| &a.kind)
                    {
                        inner.iter().for_each(|a| sub(a, false, bad));
                    }
                    return;
                }
                _ => sub(callee, false, bad),
            }
            args.iter().for_each(|a| sub(a, false, bad));
        }
        TExprKind::Block(stmts) => {
            for (i, s) in stmts.iter().enumerate() {
                let last = i + 1 == stmts.len();
                match s {
                    TStmt::Expr(x) => sub(x, tail && last, bad),
                    TStmt::Let { value, .. } | TStmt::LetPat { value, .. } => {
                        sub(value, false, bad)
                    }
                }
            }
        }
        TExprKind::If {
            cond,
            then_e,
            else_e,
        } => {
            sub(cond, false, bad);
            sub(then_e, tail, bad);
            sub(else_e, tail, bad);
        }
        TExprKind::Match {
            scrutinees, arms, ..
        } => {
            scrutinees.iter().for_each(|s| sub(s, false, bad));
            for a in arms {
                if let Some(g) = &a.guard {
                    sub(g, false, bad);
                }
                sub(&a.body, tail, bad);
            }
        }
        TExprKind::Receive { arms, after, .. } => {
            for a in arms {
                if let Some(g) = &a.guard {
                    sub(g, false, bad);
                }
                sub(&a.body, tail, bad);
            }
            if let Some((t, b)) = after {
                sub(t, false, bad);
                sub(b, tail, bad);
            }
        }
        TExprKind::Return(x) => sub(x, true, bad),
        TExprKind::Closure(c) => actor_uses(&c.body, false, None, actors, bad),
        _ => {
            // Every other position is not a tail position.
            for c in e.children() {
                actor_uses(c, false, own, actors, bad);
            }
        }
    }
}
