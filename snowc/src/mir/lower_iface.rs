//! Static dispatch of interface methods: for a concrete receiver type pick
//! the user impl's function, else the interface's default body, else the
//! built-in behaviour of the built-in protocols. Also the descriptor hooks
//! that let the runtime call user impls of Display/Debug/Eq/Ord/Hash.

use super::lower::{Lowerer, FB};
use super::{FuncId, Hook, HookKind, Operand, RtOp, Rv};
use crate::syntax::ast::BinOp;
use crate::types::tast::{Pos, TExpr};
use crate::types::ty::{IfaceId, Ty, TyCon, BUILTIN_IFACES, DEBUG, DISPLAY, EQ, HASH, ORD};

/// What a method call turns into.
pub enum Target {
    Func(FuncId),
    /// A built-in protocol method on a type without a user impl.
    Builtin(&'static str, String),
}

fn head(t: &Ty) -> Option<TyCon> {
    match t {
        Ty::Con(c, _) => Some(*c),
        _ => None,
    }
}

impl Lowerer<'_> {
    /// The user function implementing `iface.method` for `self_ty`, if any
    /// (an impl method, or the interface's default body).
    pub fn user_method(&mut self, iface: IfaceId, method: &str, self_ty: &Ty) -> Option<FuncId> {
        let con = head(self_ty)?;
        let args = match self_ty {
            Ty::Con(_, a) => a.clone(),
            _ => vec![],
        };
        let imp = self
            .tp
            .impls
            .iter()
            .find(|i| i.iface == iface && i.target == con)?;
        if let Some((_, f)) = imp.methods.iter().find(|(n, _)| n == method) {
            let f = *f;
            let n = self.tp.fns[f.0 as usize].generics.len();
            let mut inst = args;
            inst.resize(n, Ty::unit());
            return Some(self.instance(f, inst));
        }
        let d = &self.tp.ifaces[iface.0 as usize];
        let def = d.methods.iter().find(|m| m.name == method)?.default?;
        let n = self.tp.fns[def.0 as usize].generics.len();
        let mut inst = vec![self_ty.clone()];
        inst.resize(n, Ty::unit());
        Some(self.instance(def, inst))
    }

    pub fn method_target(&mut self, iface: IfaceId, method: u32, self_ty: &Ty) -> Target {
        let name = self.tp.ifaces[iface.0 as usize].methods[method as usize]
            .name
            .clone();
        match self.user_method(iface, &name, self_ty) {
            Some(f) => Target::Func(f),
            None => Target::Builtin(
                BUILTIN_IFACES.get(iface.0 as usize).copied().unwrap_or("?"),
                name,
            ),
        }
    }

    /// Built-in behaviour of a protocol method on already-lowered operands.
    #[allow(clippy::too_many_arguments)]
    pub fn builtin_method(
        &mut self,
        fb: &mut FB,
        iface: &str,
        method: &str,
        ops: Vec<Operand>,
        self_ty: &Ty,
        ret: &Ty,
        pos: Pos,
    ) -> Operand {
        let t = self_ty.clone();
        let a = ops.first().cloned().unwrap_or(Operand::Unit);
        let b = ops.get(1).cloned().unwrap_or(Operand::Unit);
        match (iface, method) {
            ("Display", _) => self.display(fb, a, t, pos),
            ("Debug", _) => {
                let rv = Rv::lib("", "__debug", vec![a], vec![t], Ty::string(), pos);
                fb.temp(Ty::string(), rv)
            }
            ("Eq", _) => fb.temp(Ty::bool(), Rv::Bin(BinOp::Eq, a, b, t, pos)),
            ("Ord", "lt") => fb.temp(Ty::bool(), Rv::Bin(BinOp::Lt, a, b, t, pos)),
            ("Ord", _) => {
                let rv = Rv::lib("", "__cmp", vec![a, b], vec![t.clone(), t], Ty::int(), pos);
                let c = fb.temp(Ty::int(), rv);
                self.ordering_of(fb, c, pos)
            }
            ("Hash", _) => fb.temp(
                Ty::int(),
                Rv::lib("", "__hash", vec![a], vec![t], Ty::int(), pos),
            ),
            ("Default", _) => match &t {
                Ty::Con(TyCon::Int, _) => Operand::Int(0),
                Ty::Con(TyCon::Float, _) => Operand::Float(0.0),
                Ty::Con(TyCon::Bool, _) => Operand::Bool(false),
                Ty::Con(TyCon::String, _) => Operand::Str(String::new()),
                _ => Operand::Unit,
            },
            ("Not", _) => fb.temp(Ty::bool(), Rv::Not(a)),
            (arith, _) => {
                let op = match arith {
                    "Add" => BinOp::Add,
                    "Sub" => BinOp::Sub,
                    "Mul" => BinOp::Mul,
                    "Div" => BinOp::Div,
                    _ => BinOp::Mod,
                };
                fb.temp(ret.clone(), Rv::Bin(op, a, b, t, pos))
            }
        }
    }

    /// Lower a call whose callee is an interface method.
    pub fn call_method(
        &mut self,
        fb: &mut FB,
        (iface, method, self_ty): (IfaceId, u32, &Ty),
        args: &[TExpr],
        ty: &Ty,
        pos: Pos,
    ) -> Operand {
        let st = self.ty(fb, self_ty);
        let ops: Vec<Operand> = args.iter().map(|a| self.expr(fb, a, false)).collect();
        match self.method_target(iface, method, &st) {
            Target::Func(f) => fb.temp(ty.clone(), Rv::Call(f, ops)),
            Target::Builtin(i, m) => self.builtin_method(fb, i, &m, ops, &st, ty, pos),
        }
    }

    /// Operators on types with a user impl of the operator's protocol call
    /// that impl; `None` means the built-in operator applies.
    pub fn user_operator(
        &mut self,
        fb: &mut FB,
        op: BinOp,
        a: Operand,
        b: Operand,
        t: &Ty,
        pos: Pos,
    ) -> Option<Operand> {
        let iface_named = |n: &str| {
            IfaceId(
                BUILTIN_IFACES
                    .iter()
                    .position(|x| *x == n)
                    .expect("built-in") as u32,
            )
        };
        let (iface, method, swap, negate) = match op {
            BinOp::Add => (iface_named("Add"), "add", false, false),
            BinOp::Sub => (iface_named("Sub"), "sub", false, false),
            BinOp::Mul => (iface_named("Mul"), "mul", false, false),
            BinOp::Div => (iface_named("Div"), "div", false, false),
            BinOp::Mod => (iface_named("Mod"), "mod", false, false),
            BinOp::Eq => (EQ, "eq", false, false),
            BinOp::Ne => (EQ, "eq", false, true),
            BinOp::Lt => (ORD, "lt", false, false),
            BinOp::Gt => (ORD, "lt", true, false),
            BinOp::Le => (ORD, "lt", true, true),
            BinOp::Ge => (ORD, "lt", false, true),
            _ => return None,
        };
        // Only impls and defaults written by the user count here.
        let con = head(t)?;
        if !self
            .tp
            .impls
            .iter()
            .any(|i| i.iface == iface && i.target == con)
        {
            return None;
        }
        let f = self.user_method(iface, method, t)?;
        let ops = if swap { vec![b, a] } else { vec![a, b] };
        let rt = if matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
        ) {
            t.clone()
        } else {
            Ty::bool()
        };
        let r = fb.temp(rt, Rv::Call(f, ops));
        let _ = pos;
        Some(if negate {
            fb.temp(Ty::bool(), Rv::Not(r))
        } else {
            r
        })
    }

    /// `Less`/`Equal`/`Greater` from a -1/0/1 comparison result.
    pub fn ordering_of(&mut self, fb: &mut FB, c: Operand, pos: Pos) -> Operand {
        fb.temp(
            Ty::Con(TyCon::Adt(crate::types::ty::ORDERING), vec![]),
            Rv::Rt(RtOp::OrderingOf, vec![c], pos),
        )
    }

    /// Hooks for every concrete type with user impls of the runtime
    /// protocols, so nested values (in lists, derived structs) use them.
    pub fn collect_hooks(&mut self, seen: &[Ty]) -> Vec<Hook> {
        let mut out = Vec::new();
        for t in seen {
            let Some(con) = head(t) else { continue };
            let has =
                |me: &Self, i: IfaceId| me.tp.impls.iter().any(|x| x.iface == i && x.target == con);
            for (iface, method, kind) in [
                (DISPLAY, "to_string", HookKind::Display),
                (DEBUG, "inspect", HookKind::Debug),
                (EQ, "eq", HookKind::Eq),
                (ORD, "compare", HookKind::Compare),
                (ORD, "lt", HookKind::Lt),
                (HASH, "hash", HookKind::Hash),
            ] {
                // A user `compare` makes the `lt`-derived comparison moot.
                let has_compare = self.tp.impls.iter().any(|x| {
                    x.iface == ORD
                        && x.target == con
                        && x.methods.iter().any(|(n, _)| n == "compare")
                });
                if kind == HookKind::Compare && !has_compare || kind == HookKind::Lt && has_compare
                {
                    continue;
                }
                if has(self, iface) {
                    if let Some(f) = self.user_method(iface, method, t) {
                        out.push(Hook {
                            ty: t.clone(),
                            kind,
                            func: f,
                        });
                    }
                }
            }
        }
        out
    }
}
