//! Builtins and built-in protocol methods used as values (ruling 13): like a
//! named function used as a value, each becomes a static closure around a
//! generated wrapper, one per builtin and instance type, whose body is the
//! ordinary lowering of a call on the wrapper's parameters.

use std::collections::HashMap;

use super::lower::{wrapper_func, Lowerer, FB};
use super::{FuncId, Local, Operand, Rv, Stmt};
use crate::stdlib::{MAY_PANIC, RT_FNS};
use crate::syntax::ast::BinOp;
use crate::types::tast::{Builtin, Pos};
use crate::types::ty::{c_ident, Ty};

/// Builtins that can panic: their wrapper is made per use site, so the
/// panic reports where the builtin was used as a value.
fn may_panic(b: Builtin) -> bool {
    match b {
        Builtin::TupleNth => true,
        Builtin::Rt(i) => RT_FNS[i as usize].has(MAY_PANIC),
        _ => false,
    }
}

/// A readable part of the wrapper's C name (`List_head`, `println`).
fn builtin_name(b: Builtin) -> String {
    match b {
        Builtin::Rt(i) => {
            let f = &RT_FNS[i as usize];
            c_ident(&format!("{}_{}", f.module, f.name))
        }
        other => format!("{other:?}").to_lowercase(),
    }
}

impl Lowerer<'_> {
    /// The wrapper of builtin `b` at function type `fty`.
    pub fn builtin_value(&mut self, b: Builtin, fty: &Ty, pos: Pos) -> FuncId {
        let site = if may_panic(b) {
            format!("{pos:?}")
        } else {
            String::new()
        };
        let key = format!("builtin{b:?}:{fty:?}{site}");
        self.value_wrapper(key, &builtin_name(b), fty, pos, |me, fb, ops, tys, r| {
            me.builtin_ops(fb, b, ops, tys, r, pos)
        })
    }

    /// The wrapper of built-in protocol method `iface.method` on `self_ty`
    /// (a type without a user impl) at function type `fty`.
    pub fn method_value(
        &mut self,
        iface: &'static str,
        method: String,
        self_ty: &Ty,
        fty: &Ty,
        pos: Pos,
    ) -> FuncId {
        let key = format!("method{iface}.{method}:{self_ty:?}:{fty:?}");
        let what = format!("{iface}_{method}").to_lowercase();
        self.value_wrapper(key, &what, fty, pos, |me, fb, ops, _, r| {
            me.builtin_method(fb, iface, &method, ops, self_ty, r, pos)
        })
    }

    /// A closure-callable function of type `fty`, one per `key`, whose
    /// result `body` computes from the parameters (operands and types).
    fn value_wrapper(
        &mut self,
        key: String,
        what: &str,
        fty: &Ty,
        pos: Pos,
        body: impl FnOnce(&mut Self, &mut FB, Vec<Operand>, &[Ty], &Ty) -> Operand,
    ) -> FuncId {
        if let Some(w) = self.wrappers.get(&key) {
            return *w;
        }
        let Ty::Fun(ps, r) = fty else {
            unreachable!("a value wrapper has a function type, not {fty:?}")
        };
        let id = self.reserve(key);
        let name = format!("builtin_{what}__value{}", id.0);
        let mut fb = FB::new(name.clone(), HashMap::new(), (**r).clone());
        let params: Vec<Local> = ps
            .iter()
            .enumerate()
            .map(|(i, t)| fb.new_local(&format!("a{i}"), t.clone()))
            .collect();
        let ops = params.iter().map(|l| Operand::Local(*l)).collect();
        fb.emit(Stmt::At(pos));
        let v = body(self, &mut fb, ops, ps, r);
        fb.emit(Stmt::Return(v));
        let mut f = wrapper_func(name, params, (**r).clone(), fb);
        f.body = super::checks::place(std::mem::take(&mut f.body), &f.params);
        f.pos = pos;
        self.funcs[id.0 as usize] = Some(f);
        id
    }

    /// `Tuple.first/second/size/nth` on a lowered tuple (the checker types
    /// direct calls as field accesses; these are the functions as values).
    pub fn tuple_op(
        &mut self,
        fb: &mut FB,
        b: Builtin,
        ops: Vec<Operand>,
        tys: &[Ty],
        ty: &Ty,
        pos: Pos,
    ) -> Operand {
        let Ty::Tuple(elems) = &tys[0] else {
            unreachable!("the checker gives Tuple functions a tuple type")
        };
        let t = ops[0].clone();
        match b {
            Builtin::TupleFirst => fb.temp(ty.clone(), Rv::Field(t, tys[0].clone(), 0)),
            Builtin::TupleSecond => fb.temp(ty.clone(), Rv::Field(t, tys[0].clone(), 1)),
            Builtin::TupleSize => Operand::Int(elems.len() as i64),
            _ => {
                // One test per index; the checker made all elements `ty`.
                let r = fb.new_local("r", ty.clone());
                let done = fb.label();
                for k in 0..elems.len() {
                    let hit = fb.temp(
                        Ty::bool(),
                        Rv::Bin(
                            BinOp::Eq,
                            ops[1].clone(),
                            Operand::Int(k as i64),
                            Ty::int(),
                            pos,
                        ),
                    );
                    fb.push_block();
                    fb.emit(Stmt::Assign(
                        r,
                        Rv::Field(t.clone(), tys[0].clone(), k as u32),
                    ));
                    fb.emit(Stmt::Goto(done));
                    let then = fb.pop_block();
                    fb.emit(Stmt::If(hit, then, vec![]));
                }
                fb.emit(Stmt::Panic("Tuple.nth: index out of range".into(), pos));
                fb.emit(Stmt::Label(done));
                Operand::Local(r)
            }
        }
    }
}
