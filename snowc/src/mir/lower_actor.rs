//! Processes: `spawn` through a per-actor entry function, terminate blocks,
//! and selective `receive` as a scan over the mailbox.

use std::collections::HashMap;

use super::lower::{Lowerer, FB};
use super::lower_match::{Arm, NoMatch, Plan, Take};
use super::{Func, FuncId, Local, Operand, RtOp, Rv, Stmt};
use crate::syntax::ast::BinOp;
use crate::types::tast::{FnId, Pos, TArm, TExpr, TExprKind, TPat, TPatKind};
use crate::types::ty::{GenId, Ty};

impl Lowerer<'_> {
    /// `spawn(actor(args))`: pack the arguments (one value, or a tuple of
    /// several) for the actor's entry function.
    pub fn spawn(&mut self, fb: &mut FB, call: &TExpr, pos: Pos) -> Operand {
        let TExprKind::Call { callee, args } = &call.kind else {
            unreachable!("the checker wraps a call of the actor")
        };
        let TExprKind::FnRef(f, inst) = &callee.kind else {
            unreachable!("only actors are spawned")
        };
        let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
        let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
        let tys: Vec<Ty> = args.iter().map(|a| self.ty(fb, &a.ty)).collect();
        let (arg, arg_ty) = match ops.len() {
            0 => (Operand::Unit, Ty::unit()),
            1 => (ops[0].clone(), tys[0].clone()),
            _ => {
                let t = Ty::Tuple(tys.clone());
                (fb.temp(t.clone(), Rv::MakeRecord(t.clone(), ops)), t)
            }
        };
        let entry = self.actor_entry(*f, inst, &tys);
        let pid = self.ty(fb, &call.ty);
        fb.temp(pid, Rv::Rt(RtOp::Spawn(entry, arg_ty), vec![arg], pos))
    }

    /// `void Actor__entry(ctx, arg)`: set the terminate block, unpack the
    /// arguments, run the body.
    fn actor_entry(&mut self, f: FnId, inst: Vec<Ty>, tys: &[Ty]) -> FuncId {
        let key = format!("entry{}:{inst:?}", f.0);
        if let Some(id) = self.wrappers.get(&key) {
            return *id;
        }
        let id = self.reserve(key);
        let body_fn = self.instance(f, inst.clone());
        let name = format!("{}__entry", self.fn_c_name(f, &inst));
        let tf = &self.tp.fns[f.0 as usize];
        let pos = tf.pos;
        let terminate = tf.actor.as_ref().and_then(|a| a.terminate.clone());
        let subst: HashMap<GenId, Ty> = tf.generics.iter().copied().zip(inst).collect();
        let mut fb = FB::new(name.clone(), subst.clone(), Ty::unit());
        let arg_ty = match tys.len() {
            0 => Ty::unit(),
            1 => tys[0].clone(),
            _ => Ty::Tuple(tys.to_vec()),
        };
        let arg = fb.new_local("arg", arg_ty.clone());
        if let Some(t) = terminate {
            let tname = format!("{}__terminate", name.trim_end_matches("__entry"));
            let tid = self.word_fn(tname, subst, &t);
            fb.emit(Stmt::Eval(Rv::Rt(RtOp::SetTerminate(tid), vec![], pos)));
        }
        let args: Vec<Operand> = match tys.len() {
            0 => vec![],
            1 => vec![Operand::Local(arg)],
            _ => (0..tys.len())
                .map(|i| {
                    fb.temp(
                        tys[i].clone(),
                        Rv::Field(Operand::Local(arg), arg_ty.clone(), i as u32),
                    )
                })
                .collect(),
        };
        fb.emit(Stmt::Eval(Rv::Call(body_fn, args)));
        fb.emit(Stmt::Return(Operand::Unit));
        self.funcs[id.0 as usize] = Some(word_func(name, vec![arg], Ty::unit(), fb, pos));
        id
    }

    /// A word-ABI function `void name(ctx, snow_word)` evaluating `body`.
    fn word_fn(&mut self, name: String, subst: HashMap<GenId, Ty>, body: &TExpr) -> FuncId {
        let id = self.reserve(name.clone());
        let mut fb = FB::new(name.clone(), subst, Ty::unit());
        let unused = fb.new_local("env", Ty::unit());
        fb.emit(Stmt::At(body.pos));
        self.expr(&mut fb, body, false);
        fb.emit(Stmt::Return(Operand::Unit));
        self.funcs[id.0 as usize] = Some(word_func(name, vec![unused], Ty::unit(), fb, body.pos));
        id
    }

    pub(super) fn reserve(&mut self, key: String) -> FuncId {
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(None);
        self.wrappers.insert(key, id);
        id
    }

    /// `__service_start(handle, state)`: the dispatcher behind a word-ABI
    /// wrapper the runtime calls per request.
    pub fn service_start(&mut self, fb: &mut FB, args: &[TExpr], pos: Pos) -> Operand {
        let TExprKind::FnRef(f, inst) = &args[0].kind else {
            unreachable!("desugaring passes the dispatcher by name")
        };
        let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
        let target = self.instance(*f, inst.clone());
        let state_ty = self.ty(fb, &args[1].ty);
        let Ty::Fun(ps, _) = self.ty(fb, &args[0].ty) else {
            unreachable!("the dispatcher is a function")
        };
        let key = format!("handle{}:{inst:?}", f.0);
        let handle = match self.wrappers.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.reserve(key);
                let name = format!("{}__word", self.fn_c_name(*f, &inst));
                let mut w = FB::new(name.clone(), HashMap::new(), state_ty.clone());
                let params: Vec<Local> = ps.iter().map(|t| w.new_local("a", t.clone())).collect();
                let v = w.temp(
                    state_ty.clone(),
                    Rv::Call(target, params.iter().map(|l| Operand::Local(*l)).collect()),
                );
                w.emit(Stmt::Return(v));
                self.funcs[id.0 as usize] = Some(word_func(name, params, state_ty.clone(), w, pos));
                id
            }
        };
        let state = self.expr(fb, &args[1], false);
        fb.temp(
            Ty::Con(crate::types::ty::TyCon::Pid, vec![]),
            Rv::Rt(
                RtOp::ServiceStart(handle, state_ty, ps[1].clone()),
                vec![state],
                pos,
            ),
        )
    }

    /// `Job.async(f)`: the job runs a closure that calls `f` and hands the
    /// result to the runtime (so the runtime never calls a closure with a
    /// result of unknown C type).
    pub fn job_async(&mut self, fb: &mut FB, fv: Operand, fty: &Ty, ty: &Ty, pos: Pos) -> Operand {
        let Ty::Fun(_, r) = fty else {
            unreachable!("Job.async takes a function")
        };
        let r = (**r).clone();
        let fty = fty.clone();
        let key = format!("job:{fty:?}");
        let body = match self.wrappers.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.reserve(key);
                let name = format!("Job_body__{}", self.funcs.len());
                let mut w = FB::new(name.clone(), HashMap::new(), Ty::unit());
                let g = w.temp(fty.clone(), Rv::EnvField(0));
                let v = w.temp(r.clone(), Rv::CallClosure(g, vec![], fty.clone()));
                let ret = Rv::lib("Job", "__return", vec![v], vec![r.clone()], Ty::unit(), pos);
                w.emit(Stmt::Eval(ret));
                w.emit(Stmt::Return(Operand::Unit));
                let mut func = word_func(name, vec![], Ty::unit(), w, pos);
                func.word_abi = false;
                func.closure = Some(vec![fty.clone()]);
                self.funcs[id.0 as usize] = Some(func);
                id
            }
        };
        let cty = Ty::Fun(vec![], Box::new(Ty::unit()));
        let c = fb.temp(cty.clone(), Rv::MakeClosure(body, cty.clone(), vec![fv]));
        fb.temp(
            ty.clone(),
            Rv::lib("Job", "__async", vec![c], vec![cty], ty.clone(), pos),
        )
    }

    /// Selective receive (see `snow_recv_next` in snow.h):
    ///
    /// ```text
    /// deadline = Deadline(t); seen = 0
    /// loop {
    ///   loop {                                  // scan new messages
    ///     h = RecvNext(seen); if h == 0 break; w = RecvValue
    ///     match w (decision tree): an arm whose pattern and guard pass
    ///       -> { w2 = RecvTake(h); bind from w2; body; goto done }
    ///     no arm -> seen = h
    ///   }
    ///   if !RecvWait(deadline) { after body; goto done }
    /// }
    /// done:
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn receive(
        &mut self,
        fb: &mut FB,
        msg: &Ty,
        arms: &[TArm],
        after: Option<&(Box<TExpr>, Box<TExpr>)>,
        ty: Ty,
        tail: bool,
        pos: Pos,
    ) -> Operand {
        let deadline = match after {
            Some((t, _)) => {
                let t = self.expr(fb, t, false);
                let ints = vec![Ty::int()];
                fb.temp(
                    Ty::int(),
                    Rv::lib("Process", "__deadline", vec![t], ints, Ty::int(), pos),
                )
            }
            None => Operand::Int(-1),
        };
        let seen = fb.new_local("seen", Ty::int());
        fb.emit(Stmt::Assign(seen, Rv::Use(Operand::Int(0))));
        let result = fb.new_local("got", ty);
        let (scan, wait, done) = (fb.label(), fb.label(), fb.label());
        // Gotos, not MIR loops: a `break` in an arm belongs to the user's loop.
        fb.emit(Stmt::Label(scan));
        let h = fb.new_local("h", Ty::int());
        fb.emit(Stmt::Assign(
            h,
            Rv::Rt(RtOp::RecvNext(msg.clone()), vec![Operand::Local(seen)], pos),
        ));
        let none = fb.temp(
            Ty::bool(),
            Rv::Bin(
                BinOp::Eq,
                Operand::Local(h),
                Operand::Int(0),
                Ty::int(),
                pos,
            ),
        );
        fb.emit(Stmt::If(none, vec![Stmt::Goto(wait)], vec![]));
        let w = fb.new_local("msg", msg.clone());
        fb.emit(Stmt::Assign(
            w,
            Rv::Rt(RtOp::RecvValue(msg.clone()), vec![], pos),
        ));
        let plan = Plan {
            arms: arms.iter().map(Arm::of).collect(),
            // A message no arm takes stays queued: scan on from it.
            no_match: NoMatch::Stmts(vec![
                Stmt::Assign(seen, Rv::Use(Operand::Local(h))),
                Stmt::Goto(scan),
            ]),
            result: Some(result),
            tail,
            take: Some(Take {
                h,
                msg: msg.clone(),
                in_place: arms
                    .iter()
                    .map(|a| self.binds_only_scalars(fb, &a.pats[0]))
                    .collect(),
            }),
            parts: vec![],
            pos,
        };
        self.compile_match(fb, &[(Operand::Local(w), msg.clone())], &plan);
        fb.emit(Stmt::Goto(done));
        fb.emit(Stmt::Label(wait));
        let wait_rv = Rv::lib(
            "Process",
            "__wait",
            vec![deadline],
            vec![Ty::int()],
            Ty::bool(),
            pos,
        );
        let ok = fb.temp(Ty::bool(), wait_rv);
        fb.emit(Stmt::If(ok, vec![Stmt::Goto(scan)], vec![]));
        if let Some((_, body)) = after {
            fb.emit(Stmt::At(body.pos));
            let v = self.expr(fb, body, tail);
            fb.emit(Stmt::Assign(result, Rv::Use(v)));
        }
        fb.emit(Stmt::Label(done));
        Operand::Local(result)
    }

    /// Every variable `p` binds holds a scalar (no pointer into the
    /// message survives its tests).
    fn binds_only_scalars(&self, fb: &FB, p: &TPat) -> bool {
        match &p.kind {
            TPatKind::Wild | TPatKind::Lit(_) => true,
            TPatKind::Bind(_) => self.ty(fb, &p.ty).is_scalar(),
            TPatKind::As(inner, _) => {
                self.ty(fb, &p.ty).is_scalar() && self.binds_only_scalars(fb, inner)
            }
            TPatKind::Tuple(ps) | TPatKind::Or(ps) => {
                ps.iter().all(|q| self.binds_only_scalars(fb, q))
            }
            TPatKind::Ctor { args, .. } => args.iter().all(|q| self.binds_only_scalars(fb, q)),
            TPatKind::Cons(a, b) => {
                self.binds_only_scalars(fb, a) && self.binds_only_scalars(fb, b)
            }
        }
    }
}

fn word_func(name: String, params: Vec<Local>, ret: Ty, mut fb: FB, pos: Pos) -> Func {
    let body = super::checks::place(fb.blocks.pop().unwrap_or_default(), &params);
    Func {
        name,
        label: std::mem::take(&mut fb.label),
        params,
        ret,
        locals: std::mem::take(&mut fb.locals),
        body,
        closure: None,
        pos,
        has_tail_jump: false,
        is_wrapper: false,
        word_abi: true,
    }
}
