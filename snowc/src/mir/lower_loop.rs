//! `for` loops: a counted C loop over a range, list, map or set that pushes
//! each body value onto a list builder (the loop's value).

use super::lower::{Lowerer, FB};
use super::{Operand, RtOp, Rv, Stmt};
use crate::syntax::ast::BinOp;
use crate::types::tast::{ForSource, LocalId, Pos, TExpr};
use crate::types::ty::{Ty, TyCon};

impl Lowerer<'_> {
    /// Lower a `for`; `want` is false when its value is discarded.
    #[allow(clippy::too_many_arguments)]
    pub fn lower_for(
        &mut self,
        fb: &mut FB,
        source: &ForSource,
        binds: &[LocalId],
        filter: Option<&TExpr>,
        body: &TExpr,
        ty: Ty,
        want: bool,
        pos: Pos,
    ) -> Operand {
        let elem_ty = match &ty {
            Ty::Con(TyCon::List, a) => a[0].clone(),
            _ => Ty::unit(),
        };
        let builder = if want {
            let b = fb.new_local("out", ty.clone());
            fb.emit(Stmt::Assign(
                b,
                Rv::lib(
                    "List",
                    "__builder",
                    vec![Operand::Int(0)],
                    vec![Ty::int()],
                    ty.clone(),
                    pos,
                ),
            ));
            Some(b)
        } else {
            None
        };
        // Loop state: the index and its end.
        let i = fb.new_local("i", Ty::int());
        let end = fb.new_local("n", Ty::int());
        let (coll, coll_ty) = match source {
            ForSource::Span(a, b) => {
                let a = self.expr(fb, a, false);
                let b = self.expr(fb, b, false);
                fb.emit(Stmt::Assign(i, Rv::Use(a)));
                fb.emit(Stmt::Assign(end, Rv::Use(b)));
                (None, Ty::int())
            }
            ForSource::Range(r) => {
                let rt = self.ty(fb, &r.ty);
                let r = self.expr(fb, r, false);
                fb.emit(Stmt::Assign(
                    i,
                    Rv::Rt(RtOp::RangeStart, vec![r.clone()], pos),
                ));
                fb.emit(Stmt::Assign(end, Rv::Rt(RtOp::RangeStop, vec![r], pos)));
                let _ = rt;
                (None, Ty::int())
            }
            ForSource::List(e) | ForSource::Map(e) | ForSource::Set(e) => {
                let t = self.ty(fb, &e.ty);
                let v = self.expr(fb, e, false);
                let c = fb.new_local("coll", t.clone());
                fb.emit(Stmt::Assign(c, Rv::Use(v)));
                let module = match source {
                    ForSource::List(_) => "List",
                    ForSource::Map(_) => "Map",
                    _ => "Set",
                };
                let name = if module == "List" { "length" } else { "size" };
                fb.emit(Stmt::Assign(i, Rv::Use(Operand::Int(0))));
                fb.emit(Stmt::Assign(
                    end,
                    Rv::lib(
                        module,
                        name,
                        vec![Operand::Local(c)],
                        vec![t.clone()],
                        Ty::int(),
                        pos,
                    ),
                ));
                (Some(c), t)
            }
        };
        fb.push_block();
        let more = fb.temp(
            Ty::bool(),
            Rv::Bin(
                BinOp::Lt,
                Operand::Local(i),
                Operand::Local(end),
                Ty::int(),
                pos,
            ),
        );
        fb.emit(Stmt::If(more, vec![], vec![Stmt::Break]));
        // Bind the loop variables, then advance (so `continue` is safe).
        let targs = match &coll_ty {
            Ty::Con(_, a) => a.clone(),
            _ => vec![],
        };
        for (k, b) in binds.iter().enumerate() {
            let bt = self.ty(fb, &self.tp.local(*b).ty);
            let l = self.bind(fb, *b, bt.clone());
            let rv = match (source, coll) {
                (ForSource::Span(..) | ForSource::Range(_), _) => Rv::Use(Operand::Local(i)),
                (ForSource::List(_), Some(c)) => Rv::Rt(
                    RtOp::ListItem(bt),
                    vec![Operand::Local(c), Operand::Local(i)],
                    pos,
                ),
                (ForSource::Set(_) | ForSource::Map(_), Some(c)) => {
                    let (module, name) = match source {
                        ForSource::Set(_) => ("Set", "__at"),
                        _ if k == 0 => ("Map", "__key_at"),
                        _ => ("Map", "__value_at"),
                    };
                    let ops = vec![Operand::Local(c), Operand::Local(i)];
                    Rv::lib(module, name, ops, vec![coll_ty.clone(), Ty::int()], bt, pos)
                }
                _ => Rv::Use(Operand::Unit),
            };
            fb.emit(Stmt::Assign(l, rv));
        }
        let _ = targs;
        fb.emit(Stmt::Assign(
            i,
            Rv::Bin(
                BinOp::Add,
                Operand::Local(i),
                Operand::Int(1),
                Ty::int(),
                pos,
            ),
        ));
        if let Some(f) = filter {
            let c = self.expr(fb, f, false);
            fb.emit(Stmt::If(c, vec![], vec![Stmt::Continue]));
        }
        let v = self.expr(fb, body, false);
        if let Some(b) = builder {
            let tys = vec![ty.clone(), elem_ty];
            let push = Rv::lib(
                "List",
                "__push",
                vec![Operand::Local(b), v],
                tys,
                Ty::unit(),
                pos,
            );
            fb.emit(Stmt::Eval(push));
        }
        let b = fb.pop_block();
        fb.emit(Stmt::Loop(b));
        match builder {
            Some(b) => Operand::Local(b),
            None => Operand::Unit,
        }
    }
}
