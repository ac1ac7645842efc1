//! Typed AST → MIR: monomorphisation (one MIR function per instance),
//! closure conversion, let-polymorphism by instance, tail self-calls.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Func, FuncId, Label, Local, LocalDecl, Operand, Program, RtOp, Rv, Stmt};
use crate::syntax::ast::BinOp;
use crate::types::tast::{
    Builtin, FnId, Lit, LocalId, Pos, TClosure, TExpr, TExprKind, TPat, TPatKind, TStmt, TStrPart,
    TypedProgram,
};
use crate::types::ty::{GenId, Ty, TyCon, OPTION};

/// One MIR function under construction.
pub struct FB {
    pub locals: Vec<LocalDecl>,
    pub blocks: Vec<Vec<Stmt>>,
    pub next_label: u32,
    pub env: HashMap<(LocalId, Vec<Ty>), Local>,
    pub subst: HashMap<GenId, Ty>,
    pub self_fn: Option<(FnId, Vec<Ty>)>,
    pub params: Vec<Local>,
    pub ret: Ty,
    pub has_tail_jump: bool,
    /// Local (typed-AST) that names this closure itself, for recursion.
    pub closure_self: Option<LocalId>,
    /// Captured (local, instance) pairs of this closure, by env index.
    pub captures: Vec<(LocalId, Vec<Ty>)>,
    /// Generalised lets, by local: for instances not known where the let
    /// stands (they depend on a later generic let), materialised at use.
    pub poly: HashMap<LocalId, (TExpr, Vec<GenId>)>,
    pub name: String,
    /// `Func::label` of the function being built.
    pub label: String,
    pub closure_count: u32,
}

impl FB {
    pub fn new(name: String, subst: HashMap<GenId, Ty>, ret: Ty) -> FB {
        FB {
            locals: Vec::new(),
            blocks: vec![Vec::new()],
            next_label: 0,
            env: HashMap::new(),
            subst,
            self_fn: None,
            params: Vec::new(),
            ret,
            has_tail_jump: false,
            closure_self: None,
            captures: Vec::new(),
            poly: HashMap::new(),
            name,
            label: String::new(),
            closure_count: 0,
        }
    }
    pub fn emit(&mut self, s: Stmt) {
        self.blocks.last_mut().expect("a block is open").push(s);
    }
    pub fn push_block(&mut self) {
        self.blocks.push(Vec::new());
    }
    pub fn pop_block(&mut self) -> Vec<Stmt> {
        self.blocks.pop().expect("balanced blocks")
    }
    pub fn label(&mut self) -> Label {
        self.next_label += 1;
        Label(self.next_label)
    }
    pub fn new_local(&mut self, name: &str, ty: Ty) -> Local {
        self.locals.push(LocalDecl {
            name: name.to_string(),
            ty,
            user: false,
        });
        Local(self.locals.len() as u32 - 1)
    }
    /// A local for a source variable.
    pub fn user_local(&mut self, name: &str, ty: Ty) -> Local {
        let l = self.new_local(name, ty);
        self.locals[l.0 as usize].user = true;
        l
    }
    pub fn temp(&mut self, ty: Ty, rv: Rv) -> Operand {
        let l = self.new_local("t", ty);
        self.emit(Stmt::Assign(l, rv));
        Operand::Local(l)
    }

    /// A temporary holding a call of runtime-table entry `module.name`.
    pub fn lib(
        &mut self,
        module: &str,
        name: &str,
        ops: Vec<Operand>,
        tys: Vec<Ty>,
        ret: Ty,
        pos: Pos,
    ) -> Operand {
        self.temp(ret.clone(), Rv::lib(module, name, ops, tys, ret, pos))
    }
}

pub struct Lowerer<'a> {
    pub tp: &'a TypedProgram,
    pub funcs: Vec<Option<Func>>,
    instances: HashMap<(FnId, Vec<Ty>), FuncId>,
    queue: VecDeque<(FuncId, FnId, Vec<Ty>)>,
    pub wrappers: HashMap<String, FuncId>,
}

pub fn lower_program(tp: &TypedProgram) -> Program {
    let mut lw = Lowerer {
        tp,
        funcs: Vec::new(),
        instances: HashMap::new(),
        queue: VecDeque::new(),
        wrappers: HashMap::new(),
    };
    let entry = tp.main.map(|m| lw.instance(m, vec![]));
    // Lowering instances can reveal types whose user impls the runtime must
    // reach (hooks), whose instances can reveal more types: iterate.
    let mut hooks: Vec<super::Hook> = Vec::new();
    let mut seen: Vec<Ty> = Vec::new();
    loop {
        while let Some((fid, f, inst)) = lw.queue.pop_front() {
            let func = lw.lower_fn(f, &inst);
            lw.funcs[fid.0 as usize] = Some(func);
        }
        let mut fresh = Vec::new();
        for f in lw.funcs.iter().flatten() {
            for l in &f.locals {
                collect_adt_types(&l.ty, &mut seen, &mut fresh);
            }
            let mut tys = Vec::new();
            stmt_types(&f.body, &mut tys);
            for t in &tys {
                collect_adt_types(t, &mut seen, &mut fresh);
            }
        }
        if fresh.is_empty() {
            break;
        }
        hooks.extend(lw.collect_hooks(&fresh));
    }
    Program {
        adts: tp.adts.clone(),
        funcs: lw
            .funcs
            .into_iter()
            .map(|f| f.expect("every queued function is lowered"))
            .collect(),
        entry,
        hooks,
    }
}

fn mangle_ty(t: &Ty, tp: &TypedProgram) -> String {
    crate::types::ty::mangle(t, &tp.adts)
}

use crate::types::ty::c_ident;

impl<'a> Lowerer<'a> {
    pub fn instance(&mut self, f: FnId, inst: Vec<Ty>) -> FuncId {
        if let Some(id) = self.instances.get(&(f, inst.clone())) {
            return *id;
        }
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(None);
        self.instances.insert((f, inst.clone()), id);
        self.queue.push_back((id, f, inst));
        id
    }

    pub fn fn_c_name(&self, f: FnId, inst: &[Ty]) -> String {
        let tf = &self.tp.fns[f.0 as usize];
        let mut s = c_ident(&tf.name.replace('.', "_"));
        if !inst.is_empty() {
            s.push_str("__");
            s.push_str(
                &inst
                    .iter()
                    .map(|t| mangle_ty(t, self.tp))
                    .collect::<Vec<_>>()
                    .join("_"),
            );
        }
        s
    }

    fn lower_fn(&mut self, f: FnId, inst: &[Ty]) -> Func {
        let tf = &self.tp.fns[f.0 as usize];
        let subst: HashMap<GenId, Ty> = tf
            .generics
            .iter()
            .copied()
            .zip(inst.iter().cloned())
            .collect();
        let name = self.fn_c_name(f, inst);
        let ret = concrete(&tf.ret, &subst);
        let mut fb = FB::new(name.clone(), subst, ret.clone());
        fb.label = fn_label(&tf.name, tf.params.len());
        fb.self_fn = Some((f, inst.to_vec()));
        for p in &tf.params {
            let info = self.tp.local(*p);
            let t = concrete(&info.ty, &fb.subst);
            let l = fb.user_local(&info.name, t);
            fb.env.insert((*p, vec![]), l);
            fb.params.push(l);
        }
        fb.emit(Stmt::At(tf.pos));
        let v = self.expr(&mut fb, &tf.body, true);
        fb.emit(Stmt::Return(v));
        Func {
            name,
            label: fb.label,
            params: fb.params.clone(),
            ret,
            locals: fb.locals,
            body: super::checks::place(fb.blocks.pop().unwrap_or_default(), &fb.params),
            closure: None,
            pos: tf.pos,
            has_tail_jump: fb.has_tail_jump,
            is_wrapper: false,
            word_abi: false,
        }
    }

    pub fn ty(&self, fb: &FB, t: &Ty) -> Ty {
        concrete(t, &fb.subst)
    }

    /// The MIR local for a typed-AST local at a concrete instance.
    fn lookup(&mut self, fb: &mut FB, id: LocalId, inst: Vec<Ty>, pos: Pos) -> Operand {
        if inst.is_empty() && fb.closure_self == Some(id) && !fb.env.contains_key(&(id, vec![])) {
            let t = self.ty(fb, &self.tp.local(id).ty);
            return fb.temp(t, Rv::SelfClosure);
        }
        if let Some(l) = fb.env.get(&(id, inst.clone())) {
            return Operand::Local(*l);
        }
        if let Some((value, gens)) = fb.poly.get(&id).cloned() {
            // An instance the let could not foresee (its types depend on a
            // generic let further in): materialise it here.
            return Operand::Local(self.materialise(fb, id, &value, &gens, inst));
        }
        // The checker binds every local before its uses.
        unreachable!(
            "unbound local `{}` at {:?}",
            self.tp.local(id).name,
            pos.span
        )
    }

    /// Evaluate a let-polymorphic value at one instance and bind it.
    fn materialise(
        &mut self,
        fb: &mut FB,
        id: LocalId,
        value: &TExpr,
        gens: &[GenId],
        inst: Vec<Ty>,
    ) -> Local {
        let saved = fb.subst.clone();
        for (g, t) in gens.iter().zip(&inst) {
            fb.subst.insert(*g, t.clone());
        }
        let t = self.ty(fb, &value.ty);
        let v = self.expr(fb, value, false);
        fb.subst = saved;
        let l = fb.user_local(&self.tp.local(id).name, t);
        fb.emit(Stmt::Assign(l, Rv::Use(v)));
        fb.env.insert((id, inst), l);
        l
    }

    /// A generalised let runs where it stands: once per distinct instance
    /// the rest of its scope uses, or once at `()` when it is never used.
    fn poly_let(
        &mut self,
        fb: &mut FB,
        id: LocalId,
        gens: &[GenId],
        value: &TExpr,
        rest: &[TStmt],
    ) {
        fb.emit(Stmt::At(value.pos));
        fb.poly.insert(id, (value.clone(), gens.to_vec()));
        let mut uses = Vec::new();
        for s in rest {
            match s {
                TStmt::Expr(x) | TStmt::Let { value: x, .. } | TStmt::LetPat { value: x, .. } => {
                    uses_in(x, &mut uses)
                }
            }
        }
        let mut insts: Vec<Vec<Ty>> = Vec::new();
        let mut used = false;
        for (u, inst) in uses {
            if u != id {
                continue;
            }
            used = true;
            // A type naming a generic of a later let is known only at that
            // let's instances; such uses are materialised where they occur.
            let unknown =
                |t: &Ty| t.any(&mut |c| matches!(c, Ty::Gen(g) if !fb.subst.contains_key(g)));
            if inst.iter().any(unknown) {
                continue;
            }
            let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
            if !insts.contains(&inst) {
                insts.push(inst);
            }
        }
        if !used {
            insts.push(gens.iter().map(|_| Ty::unit()).collect());
        }
        for inst in insts {
            self.materialise(fb, id, value, gens, inst);
        }
    }

    pub fn bind(&mut self, fb: &mut FB, id: LocalId, ty: Ty) -> Local {
        if let Some(l) = fb.env.get(&(id, vec![])) {
            return *l;
        }
        let l = fb.user_local(&self.tp.local(id).name, ty);
        fb.env.insert((id, vec![]), l);
        l
    }

    pub fn operand_local(&mut self, fb: &mut FB, op: Operand, ty: Ty) -> Operand {
        match op {
            Operand::Local(_) => op,
            other => fb.temp(ty, Rv::Use(other)),
        }
    }

    /// Lower an expression; returns the operand holding its value.
    pub fn expr(&mut self, fb: &mut FB, e: &TExpr, tail: bool) -> Operand {
        let ty = self.ty(fb, &e.ty);
        match &e.kind {
            TExprKind::Lit(l) => lit(l),
            TExprKind::Local(id, inst) => {
                let inst = inst.iter().map(|t| self.ty(fb, t)).collect();
                self.lookup(fb, *id, inst, e.pos)
            }
            TExprKind::FnRef(f, inst) => {
                let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
                let target = self.instance(*f, inst.clone());
                let w = self.fn_wrapper(target, &ty);
                Operand::FnValue(w, ty)
            }
            TExprKind::Ctor(_, v) => match &ty {
                Ty::Fun(..) => {
                    let w = self.ctor_wrapper(&ty, *v);
                    Operand::FnValue(w, ty)
                }
                _ => Operand::Nullary(ty, *v),
            },
            TExprKind::Method {
                iface,
                method,
                self_ty,
            } => {
                let st = self.ty(fb, self_ty);
                match self.method_target(*iface, *method, &st) {
                    super::lower_iface::Target::Func(f) => {
                        let w = self.fn_wrapper(f, &ty);
                        Operand::FnValue(w, ty)
                    }
                    super::lower_iface::Target::Builtin(iface, name) => {
                        let w = self.method_value(iface, name, &st, &ty, e.pos);
                        Operand::FnValue(w, ty)
                    }
                }
            }
            TExprKind::Builtin(b) => {
                let w = self.builtin_value(*b, &ty, e.pos);
                Operand::FnValue(w, ty)
            }
            TExprKind::Call { callee, args } => self.call(fb, callee, args, &ty, tail, e.pos),
            TExprKind::Tuple(xs) => {
                let ops: Vec<Operand> = xs.iter().map(|x| self.expr(fb, x, false)).collect();
                fb.temp(ty.clone(), Rv::MakeRecord(ty, ops))
            }
            TExprKind::List(xs) => {
                let ops: Vec<Operand> = xs.iter().map(|x| self.expr(fb, x, false)).collect();
                fb.temp(ty.clone(), Rv::Rt(RtOp::ListLit(ty), ops, e.pos))
            }
            TExprKind::Map(kvs) => {
                let mut ops = Vec::new();
                for (k, v) in kvs {
                    ops.push(self.expr(fb, k, false));
                    ops.push(self.expr(fb, v, false));
                }
                fb.temp(ty.clone(), Rv::Rt(RtOp::MapLit(ty), ops, e.pos))
            }
            TExprKind::StructLit { fields, .. } => {
                let mut vals: Vec<(u32, Operand)> = fields
                    .iter()
                    .map(|(i, x)| {
                        let v = self.expr(fb, x, false);
                        let t = self.ty(fb, &x.ty);
                        (*i, self.operand_local(fb, v, t))
                    })
                    .collect();
                vals.sort_by_key(|(i, _)| *i);
                let ops = vals.into_iter().map(|(_, o)| o).collect();
                fb.temp(ty.clone(), Rv::MakeRecord(ty, ops))
            }
            TExprKind::Field { base, index } => {
                let b = self.expr(fb, base, false);
                let bt = self.ty(fb, &base.ty);
                fb.temp(ty, Rv::Field(b, bt, *index))
            }
            TExprKind::Binary { op, lhs, rhs } => self.binary(fb, *op, lhs, rhs, ty, e.pos),
            TExprKind::Neg(x) => {
                // Fold negative literals.
                match &x.kind {
                    TExprKind::Lit(Lit::Int(n)) => return Operand::Int(n.wrapping_neg()),
                    TExprKind::Lit(Lit::Float(f)) => return Operand::Float(-f),
                    _ => {}
                }
                let v = self.expr(fb, x, false);
                fb.temp(ty.clone(), Rv::Neg(v, ty))
            }
            TExprKind::Not(x) => {
                let v = self.expr(fb, x, false);
                fb.temp(ty, Rv::Not(v))
            }
            TExprKind::Interp(parts) => {
                let mut ops = Vec::new();
                for p in parts {
                    match p {
                        TStrPart::Text(s) => ops.push(Operand::Str(s.clone())),
                        TStrPart::Value(x) => {
                            let v = self.expr(fb, x, false);
                            let t = self.ty(fb, &x.ty);
                            ops.push(self.display(fb, v, t, x.pos));
                        }
                    }
                }
                fb.temp(Ty::string(), Rv::Rt(RtOp::ConcatN, ops, e.pos))
            }
            TExprKind::If { .. } => self.if_chain(fb, e, ty, tail),
            TExprKind::Match {
                scrutinees,
                arms,
                fail,
            } => self.lower_match(fb, scrutinees, arms, fail, ty, tail, e.pos),
            TExprKind::Block(stmts) => self.block(fb, stmts, tail, ty),
            TExprKind::Closure(c) => self.closure(fb, c, ty),
            TExprKind::Return(x) => {
                let v = self.expr(fb, x, true);
                fb.emit(Stmt::Return(v));
                Operand::Unit
            }
            TExprKind::Break => {
                fb.emit(Stmt::Break);
                Operand::Unit
            }
            TExprKind::Continue => {
                fb.emit(Stmt::Continue);
                Operand::Unit
            }
            TExprKind::While { cond, body } => {
                fb.push_block();
                let c = self.expr(fb, cond, false);
                fb.emit(Stmt::If(c, vec![], vec![Stmt::Break]));
                self.expr(fb, body, false);
                let b = fb.pop_block();
                fb.emit(Stmt::Loop(b));
                Operand::Unit
            }
            TExprKind::Try { expr, is_result } => self.lower_try(fb, expr, *is_result, ty, e.pos),
            TExprKind::Receive { msg, arms, after } => {
                let m = self.ty(fb, msg);
                self.receive(fb, &m, arms, after.as_ref(), ty, tail, e.pos)
            }
            TExprKind::For {
                source,
                binds,
                filter,
                body,
            } => self.lower_for(fb, source, binds, filter.as_deref(), body, ty, true, e.pos),
        }
    }

    fn lower_try(&mut self, fb: &mut FB, x: &TExpr, is_result: bool, ty: Ty, pos: Pos) -> Operand {
        let v = self.expr(fb, x, false);
        let xt = self.ty(fb, &x.ty);
        let v = self.operand_local(fb, v, xt.clone());
        let tag = fb.temp(Ty::int(), Rv::Tag(v.clone()));
        let is_ok = fb.temp(
            Ty::bool(),
            Rv::Bin(BinOp::Eq, tag, Operand::Int(0), Ty::int(), pos),
        );
        let ret = fb.ret.clone();
        fb.push_block();
        let out = if is_result {
            let e = fb.temp(
                variant_field_ty(&xt, 1),
                Rv::VariantField(v.clone(), xt.clone(), 1, 0),
            );
            fb.temp(ret.clone(), Rv::MakeVariant(ret.clone(), 1, vec![e]))
        } else {
            Operand::Nullary(ret.clone(), 1)
        };
        fb.emit(Stmt::Return(out));
        let fail = fb.pop_block();
        fb.emit(Stmt::If(is_ok, vec![], fail));
        fb.temp(ty, Rv::VariantField(v, xt, 0, 0))
    }

    pub fn display(&mut self, fb: &mut FB, v: Operand, t: Ty, pos: Pos) -> Operand {
        if t == Ty::string() {
            return v;
        }
        fb.temp(Ty::string(), Rv::Rt(RtOp::Display(t), vec![v], pos))
    }

    /// `[a, b] ++ xs` and `xs ++ [a, b]` add the literal's items to the
    /// other list directly (in place on its store's spare room when `xs` is
    /// the newest version) instead of building the literal first. Operands
    /// are evaluated left to right as usual.
    fn concat_literal(
        &mut self,
        fb: &mut FB,
        lhs: &TExpr,
        rhs: &TExpr,
        ty: &Ty,
        pos: Pos,
    ) -> Option<Operand> {
        if !matches!(self.ty(fb, &lhs.ty), Ty::Con(TyCon::List, _)) {
            return None;
        }
        let ops = match (&lhs.kind, &rhs.kind) {
            (TExprKind::List(xs), _) if !xs.is_empty() => {
                let mut ops: Vec<Operand> = xs.iter().map(|x| self.expr(fb, x, false)).collect();
                ops.insert(0, self.expr(fb, rhs, false));
                (true, ops)
            }
            (_, TExprKind::List(xs)) if !xs.is_empty() => {
                let mut ops = vec![self.expr(fb, lhs, false)];
                ops.extend(xs.iter().map(|x| self.expr(fb, x, false)));
                (false, ops)
            }
            _ => return None,
        };
        Some(fb.temp(ty.clone(), Rv::Rt(RtOp::ListAddItems(ops.0), ops.1, pos)))
    }

    fn binary(
        &mut self,
        fb: &mut FB,
        op: BinOp,
        lhs: &TExpr,
        rhs: &TExpr,
        ty: Ty,
        pos: Pos,
    ) -> Operand {
        match op {
            BinOp::And | BinOp::Or => {
                let a = self.expr(fb, lhs, false);
                let r = fb.new_local("r", Ty::bool());
                fb.emit(Stmt::Assign(r, Rv::Use(a)));
                fb.push_block();
                let b = self.expr(fb, rhs, false);
                fb.emit(Stmt::Assign(r, Rv::Use(b)));
                let rest = fb.pop_block();
                let s = if op == BinOp::And {
                    Stmt::If(Operand::Local(r), rest, vec![])
                } else {
                    Stmt::If(Operand::Local(r), vec![], rest)
                };
                fb.emit(s);
                Operand::Local(r)
            }
            _ => {
                if op == BinOp::Concat {
                    if let Some(r) = self.concat_literal(fb, lhs, rhs, &ty, pos) {
                        return r;
                    }
                }
                let a = self.expr(fb, lhs, false);
                let b = self.expr(fb, rhs, false);
                let ot = self.ty(fb, &lhs.ty);
                if let Some(r) = self.user_operator(fb, op, a.clone(), b.clone(), &ot, pos) {
                    return r;
                }
                match (op, &ot) {
                    (BinOp::Concat, Ty::Con(TyCon::List, _)) => {
                        let tys = vec![ot.clone(), ot.clone()];
                        fb.temp(
                            ty.clone(),
                            Rv::lib("List", "concat", vec![a, b], tys, ty, pos),
                        )
                    }
                    (BinOp::Concat, _) => {
                        let tys = vec![Ty::string(), Ty::string()];
                        fb.temp(
                            ty.clone(),
                            Rv::lib("String", "__concat", vec![a, b], tys, ty, pos),
                        )
                    }
                    (BinOp::Range, _) => {
                        let tys = vec![Ty::int(), Ty::int()];
                        fb.temp(
                            ty.clone(),
                            Rv::lib("Range", "new", vec![a, b], tys, ty, pos),
                        )
                    }
                    _ => fb.temp(ty, Rv::Bin(op, a, b, ot, pos)),
                }
            }
        }
    }

    fn block(&mut self, fb: &mut FB, stmts: &[TStmt], tail: bool, ty: Ty) -> Operand {
        let mut last = Operand::Unit;
        for (i, s) in stmts.iter().enumerate() {
            let is_last = i + 1 == stmts.len();
            last = Operand::Unit;
            match s {
                TStmt::Expr(x) => {
                    fb.emit(Stmt::At(x.pos));
                    if let (
                        false,
                        TExprKind::For {
                            source,
                            binds,
                            filter,
                            body,
                        },
                    ) = (is_last, &x.kind)
                    {
                        // A loop used as a statement builds no list.
                        let t = self.ty(fb, &x.ty);
                        self.lower_for(fb, source, binds, filter.as_deref(), body, t, false, x.pos);
                        continue;
                    }
                    let v = self.expr(fb, x, tail && is_last);
                    if is_last {
                        last = v;
                    }
                }
                TStmt::Let {
                    local,
                    generics,
                    value,
                } if !generics.is_empty() => {
                    self.poly_let(fb, *local, generics, value, &stmts[i + 1..]);
                }
                TStmt::Let { local, value, .. } => {
                    fb.emit(Stmt::At(value.pos));
                    let t = self.ty(fb, &self.tp.local(*local).ty);
                    let l = self.bind(fb, *local, t);
                    let v = self.expr(fb, value, false);
                    fb.emit(Stmt::Assign(l, Rv::Use(v)));
                }
                TStmt::LetPat { pat, value } => {
                    fb.emit(Stmt::At(value.pos));
                    self.let_pattern(fb, pat, value);
                }
            }
        }
        let _ = ty;
        last
    }

    fn call(
        &mut self,
        fb: &mut FB,
        callee: &TExpr,
        args: &[TExpr],
        ty: &Ty,
        tail: bool,
        pos: Pos,
    ) -> Operand {
        match &callee.kind {
            TExprKind::FnRef(f, inst) => {
                let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
                let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
                if tail && fb.self_fn.as_ref() == Some(&(*f, inst.clone())) {
                    fb.has_tail_jump = true;
                    fb.emit(Stmt::TailJump(ops));
                    return Operand::Unit;
                }
                let id = self.instance(*f, inst);
                fb.temp(ty.clone(), Rv::Call(id, ops))
            }
            TExprKind::Ctor(_, v) => {
                let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
                fb.temp(ty.clone(), Rv::MakeVariant(ty.clone(), *v, ops))
            }
            TExprKind::Builtin(b) => self.builtin(fb, *b, args, ty, pos),
            TExprKind::Method {
                iface,
                method,
                self_ty,
            } => self.call_method(fb, (*iface, *method, self_ty), args, ty, pos),
            _ => {
                let c = self.expr(fb, callee, false);
                let ct = self.ty(fb, &callee.ty);
                let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
                fb.temp(ty.clone(), Rv::CallClosure(c, ops, ct))
            }
        }
    }

    fn builtin(&mut self, fb: &mut FB, b: Builtin, args: &[TExpr], ty: &Ty, pos: Pos) -> Operand {
        match b {
            Builtin::Spawn => return self.spawn(fb, &args[0], pos),
            Builtin::ServiceStart => return self.service_start(fb, args, pos),
            _ => {}
        }
        let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
        let tys: Vec<Ty> = args.iter().map(|a| self.ty(fb, &a.ty)).collect();
        self.builtin_ops(fb, b, ops, &tys, ty, pos)
    }

    /// A builtin applied to lowered arguments of types `tys` (a call, or
    /// the body of the wrapper of a builtin used as a value).
    pub fn builtin_ops(
        &mut self,
        fb: &mut FB,
        b: Builtin,
        ops: Vec<Operand>,
        tys: &[Ty],
        ty: &Ty,
        pos: Pos,
    ) -> Operand {
        let op = match b {
            Builtin::ToString => {
                let t = tys[0].clone();
                return self.display(fb, ops[0].clone(), t, pos);
            }
            Builtin::Inspect => return fb.lib("", "__debug", ops, tys.to_vec(), ty.clone(), pos),
            Builtin::Hash => return fb.lib("", "__hash", ops, tys.to_vec(), ty.clone(), pos),
            Builtin::MathAbs => RtOp::Abs(tys[0].clone()),
            Builtin::MathMin => RtOp::Min(tys[0].clone()),
            Builtin::MathMax => RtOp::Max(tys[0].clone()),
            Builtin::TupleFirst | Builtin::TupleSecond | Builtin::TupleNth | Builtin::TupleSize => {
                return self.tuple_op(fb, b, ops, tys, ty, pos)
            }
            Builtin::ListSort => {
                let elem = match ty {
                    Ty::Con(_, a) if !a.is_empty() => a[0].clone(),
                    _ => Ty::unit(),
                };
                RtOp::SortBy(elem)
            }
            Builtin::Compare => {
                let t = tys[0].clone();
                let c = fb.lib("", "__cmp", ops, vec![t.clone(), t], Ty::int(), pos);
                return self.ordering_of(fb, c, pos);
            }
            Builtin::Spawn | Builtin::ServiceStart => {
                unreachable!("lowered from their typed arguments; never values")
            }
            Builtin::JobAsync => return self.job_async(fb, ops[0].clone(), &tys[0], ty, pos),
            Builtin::ServiceCall => RtOp::ServiceCall(tys[1].clone(), ty.clone()),
            Builtin::ServiceCast => RtOp::ServiceCast(tys[1].clone()),
            Builtin::ServiceReply => {
                return fb.lib("Process", "__reply", ops, tys.to_vec(), ty.clone(), pos)
            }
            Builtin::Supervise => {
                return fb.lib("Process", "__supervise", ops, tys.to_vec(), ty.clone(), pos)
            }
            Builtin::SupChild => {
                return fb.temp(ty.clone(), Rv::MakeRecord(ty.clone(), ops));
            }
            Builtin::JobAwait => {
                let mut ops = ops;
                ops.push(Operand::Int(-1));
                let tys = [tys[0].clone(), Ty::int()];
                return fb.lib("Job", "__await", ops, tys.to_vec(), ty.clone(), pos);
            }
            Builtin::JobAwaitTimeout => {
                return fb.lib("Job", "__await", ops, tys.to_vec(), ty.clone(), pos)
            }
            Builtin::SelfPid => {
                return fb.lib("Process", "__self", ops, tys.to_vec(), ty.clone(), pos)
            }
            Builtin::Send => RtOp::Send(tys[1].clone()),
            Builtin::SendAfter => RtOp::SendAfter(tys[2].clone()),
            Builtin::Link => {
                return fb.lib("Process", "__link", ops, tys.to_vec(), ty.clone(), pos)
            }
            Builtin::Rt(i) => {
                let ps = tys.to_vec();
                RtOp::Extern(i as usize, Ty::Fun(ps, Box::new(ty.clone())))
            }
        };
        fb.temp(ty.clone(), Rv::Rt(op, ops, pos))
    }

    /// `if`, and a chain of `else if`s flat (generated code can chain tens
    /// of thousands): each condition guards its branch, which jumps to the
    /// end; the last `else` falls through.
    fn if_chain(&mut self, fb: &mut FB, e: &TExpr, ty: Ty, tail: bool) -> Operand {
        let r = fb.new_local("r", ty);
        let end = fb.label();
        let mut cur = e;
        while let TExprKind::If {
            cond,
            then_e,
            else_e,
        } = &cur.kind
        {
            let c = self.expr(fb, cond, false);
            fb.push_block();
            let a = self.expr(fb, then_e, tail);
            fb.emit(Stmt::Assign(r, Rv::Use(a)));
            fb.emit(Stmt::Goto(end));
            let tb = fb.pop_block();
            fb.emit(Stmt::If(c, tb, vec![]));
            cur = else_e;
        }
        let b = self.expr(fb, cur, tail);
        fb.emit(Stmt::Assign(r, Rv::Use(b)));
        fb.emit(Stmt::Label(end));
        Operand::Local(r)
    }

    /// A closure-callable wrapper around a named function instance.
    pub fn fn_wrapper(&mut self, target: FuncId, fty: &Ty) -> FuncId {
        let key = format!("fn{}:{:?}", target.0, fty);
        if let Some(w) = self.wrappers.get(&key) {
            return *w;
        }
        let (ps, r) = match fty {
            Ty::Fun(ps, r) => (ps.clone(), (**r).clone()),
            _ => (vec![], Ty::unit()),
        };
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(None);
        self.wrappers.insert(key, id);
        let name = format!("{}__value", self.funcs_name_hint(target));
        let mut fb = FB::new(name.clone(), HashMap::new(), r.clone());
        let params: Vec<Local> = ps.iter().map(|t| fb.new_local("a", t.clone())).collect();
        let v = fb.temp(
            r.clone(),
            Rv::Call(target, params.iter().map(|l| Operand::Local(*l)).collect()),
        );
        fb.emit(Stmt::Return(v));
        self.funcs[id.0 as usize] = Some(wrapper_func(name, params, r, fb));
        id
    }

    fn funcs_name_hint(&self, target: FuncId) -> String {
        self.instances
            .iter()
            .find(|(_, v)| **v == target)
            .map(|((f, inst), _)| self.fn_c_name(*f, inst))
            .unwrap_or_else(|| format!("fn{}", target.0))
    }

    fn ctor_wrapper(&mut self, fty: &Ty, v: u32) -> FuncId {
        let key = format!("ctor{v}:{fty:?}");
        if let Some(w) = self.wrappers.get(&key) {
            return *w;
        }
        let (ps, r) = match fty {
            Ty::Fun(ps, r) => (ps.clone(), (**r).clone()),
            _ => (vec![], Ty::unit()),
        };
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(None);
        self.wrappers.insert(key, id);
        let vname = match &r {
            Ty::Con(TyCon::Adt(a), _) => self.tp.adt(*a).variants()[v as usize].name.clone(),
            _ => "ctor".into(),
        };
        let name = format!("{}_{}__value", c_ident(&mangle_ty(&r, self.tp)), vname);
        let mut fb = FB::new(name.clone(), HashMap::new(), r.clone());
        let params: Vec<Local> = ps.iter().map(|t| fb.new_local("a", t.clone())).collect();
        let out = fb.temp(
            r.clone(),
            Rv::MakeVariant(
                r.clone(),
                v,
                params.iter().map(|l| Operand::Local(*l)).collect(),
            ),
        );
        fb.emit(Stmt::Return(out));
        self.funcs[id.0 as usize] = Some(wrapper_func(name, params, r, fb));
        id
    }

    fn closure(&mut self, fb: &mut FB, c: &TClosure, ty: Ty) -> Operand {
        // Free locals of the body (locals are globally unique, so "defined
        // anywhere inside" is exact).
        let mut defined = HashSet::new();
        for p in &c.params {
            defined.insert(*p);
        }
        defined_in(&c.body, &mut defined);
        let mut uses = Vec::new();
        uses_in(&c.body, &mut uses);
        let mut caps: Vec<(LocalId, Vec<Ty>)> = Vec::new();
        for (id, inst) in uses {
            if defined.contains(&id) || (inst.is_empty() && c.self_local == Some(id)) {
                continue;
            }
            let inst: Vec<Ty> = inst.iter().map(|t| self.ty(fb, t)).collect();
            if !caps.contains(&(id, inst.clone())) {
                caps.push((id, inst));
            }
        }
        let cap_ops: Vec<Operand> = caps
            .iter()
            .map(|(id, inst)| self.lookup(fb, *id, inst.clone(), c.body.pos))
            .collect();
        let cap_tys: Vec<Ty> = cap_ops.iter().map(|o| operand_ty(fb, o)).collect();
        fb.closure_count += 1;
        let name = format!("{}__closure{}", fb.name, fb.closure_count);
        let ret = self.ty(fb, &c.ret);
        let mut inner = FB::new(name.clone(), fb.subst.clone(), ret.clone());
        // A local named function is known by its name.
        let own = match c.self_local {
            Some(id) => format!("{}/{}", self.tp.local(id).name, c.params.len()),
            None => format!("anonymous fn/{}", c.params.len()),
        };
        inner.label = match fb.label.as_str() {
            "" => own,
            outer => format!("{own} in {outer}"),
        };
        inner.closure_self = c.self_local;
        inner.captures = caps.clone();
        for (i, (id, inst)) in caps.iter().enumerate() {
            let l = inner.user_local(&self.tp.local(*id).name, cap_tys[i].clone());
            inner.emit(Stmt::Assign(l, Rv::EnvField(i as u32)));
            inner.env.insert((*id, inst.clone()), l);
        }
        // let-polymorphic values visible from the closure stay available
        inner.poly = fb.poly.clone();
        for p in &c.params {
            let t = self.ty(fb, &self.tp.local(*p).ty);
            let l = inner.user_local(&self.tp.local(*p).name, t);
            inner.env.insert((*p, vec![]), l);
            inner.params.push(l);
        }
        inner.emit(Stmt::At(c.body.pos));
        let v = self.expr(&mut inner, &c.body, true);
        inner.emit(Stmt::Return(v));
        fb.closure_count += inner.closure_count;
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(Some(Func {
            name,
            label: inner.label,
            params: inner.params.clone(),
            ret,
            locals: inner.locals,
            body: super::checks::place(inner.blocks.pop().unwrap_or_default(), &inner.params),
            closure: Some(cap_tys),
            pos: c.body.pos,
            has_tail_jump: inner.has_tail_jump,
            is_wrapper: false,
            word_abi: false,
        }));
        fb.temp(ty.clone(), Rv::MakeClosure(id, ty, cap_ops))
    }
}

/// Types named by runtime operations and constant operands (values of
/// them may reach the runtime without ever sitting in a local).
fn stmt_types(stmts: &[Stmt], out: &mut Vec<Ty>) {
    let op = |o: &Operand, out: &mut Vec<Ty>| {
        if let Operand::Nullary(t, _) | Operand::FnValue(_, t) = o {
            out.push(t.clone());
        }
    };
    for s in stmts {
        match s {
            Stmt::Assign(_, rv) | Stmt::Eval(rv) => {
                if let Rv::Rt(r, ops, _) = rv {
                    match r {
                        RtOp::Display(t) | RtOp::ListLit(t) | RtOp::MapLit(t) => {
                            out.push(t.clone())
                        }
                        // The types whose descriptors the call passes.
                        RtOp::Extern(i, Ty::Fun(ps, ret)) => {
                            let f = &crate::stdlib::RT_FNS[*i];
                            if f.has(crate::stdlib::ARG_DESC) {
                                out.extend(ps.first().cloned());
                            }
                            if f.has(crate::stdlib::RET_DESC) {
                                out.push((**ret).clone());
                            }
                        }
                        _ => {}
                    }
                    ops.iter().for_each(|o| op(o, out));
                }
                if let Rv::Use(o) = rv {
                    op(o, out);
                }
            }
            Stmt::If(..) | Stmt::Loop(_) | Stmt::Switch(..) => {
                s.blocks().into_iter().for_each(|b| stmt_types(b, out))
            }
            Stmt::Return(o) => op(o, out),
            _ => {}
        }
    }
}

/// Every ADT type inside `t` not yet in `seen` goes to `fresh` (and `seen`).
fn collect_adt_types(t: &Ty, seen: &mut Vec<Ty>, fresh: &mut Vec<Ty>) {
    if let Ty::Con(TyCon::Adt(_), _) = t {
        if seen.contains(t) {
            return; // and so are its parts
        }
        seen.push(t.clone());
        fresh.push(t.clone());
    }
    // Direct parts only: each is walked once (`Ty::any` would visit every
    // descendant again for each ancestor, exponential in the nesting).
    match t {
        Ty::Con(_, args) | Ty::Tuple(args) => {
            args.iter().for_each(|a| collect_adt_types(a, seen, fresh))
        }
        Ty::Fun(ps, r) => {
            ps.iter().for_each(|p| collect_adt_types(p, seen, fresh));
            collect_adt_types(r, seen, fresh)
        }
        Ty::Var(_) | Ty::Gen(_) | Ty::Never => {}
    }
}

pub(super) fn wrapper_func(name: String, params: Vec<Local>, ret: Ty, mut fb: FB) -> Func {
    Func {
        name,
        label: String::new(),
        params,
        ret,
        locals: std::mem::take(&mut fb.locals),
        body: fb.blocks.pop().unwrap_or_default(),
        closure: Some(vec![]),
        pos: Pos::default(),
        has_tail_jump: false,
        is_wrapper: true,
        word_abi: false,
    }
}

/// `Func::label` of a named function: `count/1`, `Geo.area/1` (the main
/// file's module is not named).
pub fn fn_label(qualified: &str, arity: usize) -> String {
    let name = qualified.strip_prefix("Main.").unwrap_or(qualified);
    format!("{name}/{arity}")
}

pub fn operand_ty(fb: &FB, o: &Operand) -> Ty {
    match o {
        Operand::Local(l) => fb.locals[l.0 as usize].ty.clone(),
        Operand::Int(_) => Ty::int(),
        Operand::Float(_) => Ty::float(),
        Operand::Bool(_) => Ty::bool(),
        Operand::Unit => Ty::unit(),
        Operand::Str(_) => Ty::string(),
        Operand::Nullary(t, _) | Operand::FnValue(_, t) => t.clone(),
    }
}

pub fn variant_field_ty(t: &Ty, tag: u32) -> Ty {
    // Only used for Result's Err payload and Option/Result payloads.
    match t {
        Ty::Con(TyCon::Adt(id), args) if *id == OPTION => {
            args.first().cloned().unwrap_or(Ty::unit())
        }
        Ty::Con(TyCon::Adt(_), args) => args.get(tag as usize).cloned().unwrap_or(Ty::unit()),
        _ => Ty::unit(),
    }
}

fn lit(l: &Lit) -> Operand {
    match l {
        Lit::Int(n) => Operand::Int(*n),
        Lit::Float(x) => Operand::Float(*x),
        Lit::Bool(b) => Operand::Bool(*b),
        Lit::Str(s) => Operand::Str(s.clone()),
        Lit::Unit => Operand::Unit,
    }
}

/// Substitute the instance's types; anything left generic becomes `()`.
pub fn concrete(t: &Ty, subst: &HashMap<GenId, Ty>) -> Ty {
    match t {
        Ty::Gen(g) => subst.get(g).cloned().unwrap_or(Ty::unit()),
        Ty::Var(_) => Ty::unit(),
        _ => t.map_children(&mut |c| concrete(c, subst)),
    }
}

/// Visit every sub-expression (pre-order) and pattern.
pub fn walk(e: &TExpr, f: &mut dyn FnMut(&TExpr), p: &mut dyn FnMut(&TPat)) {
    f(e);
    match &e.kind {
        TExprKind::Match { arms, .. } | TExprKind::Receive { arms, .. } => arms
            .iter()
            .for_each(|a| a.pats.iter().for_each(|x| walk_pat(x, p))),
        TExprKind::Block(stmts) => stmts.iter().for_each(|s| {
            if let TStmt::LetPat { pat, .. } = s {
                walk_pat(pat, p)
            }
        }),
        _ => {}
    }
    for c in e.children() {
        walk(c, f, p);
    }
}

fn walk_pat(pt: &TPat, p: &mut dyn FnMut(&TPat)) {
    p(pt);
    match &pt.kind {
        TPatKind::Wild | TPatKind::Bind(_) | TPatKind::Lit(_) => {}
        TPatKind::Tuple(ps) | TPatKind::Or(ps) => ps.iter().for_each(|q| walk_pat(q, p)),
        TPatKind::Ctor { args, .. } => args.iter().for_each(|q| walk_pat(q, p)),
        TPatKind::Cons(h, t) => {
            walk_pat(h, p);
            walk_pat(t, p)
        }
        TPatKind::As(inner, _) => walk_pat(inner, p),
    }
}

fn uses_in(e: &TExpr, out: &mut Vec<(LocalId, Vec<Ty>)>) {
    walk(
        e,
        &mut |x| {
            if let TExprKind::Local(id, inst) = &x.kind {
                out.push((*id, inst.clone()));
            }
        },
        &mut |_| {},
    );
}

fn defined_in(e: &TExpr, out: &mut HashSet<LocalId>) {
    let mut pats: Vec<LocalId> = Vec::new();
    walk(
        e,
        &mut |x| match &x.kind {
            TExprKind::Block(stmts) => {
                for s in stmts {
                    if let TStmt::Let { local, .. } = s {
                        out.insert(*local);
                    }
                }
            }
            TExprKind::Closure(c) => {
                out.extend(c.params.iter().copied());
            }
            TExprKind::For { binds, .. } => out.extend(binds.iter().copied()),
            _ => {}
        },
        &mut |p| match &p.kind {
            TPatKind::Bind(id) | TPatKind::As(_, id) => pats.push(*id),
            _ => {}
        },
    );
    out.extend(pats);
}
