//! Interfaces and impls: declarations, default methods, impl validation,
//! and method lookup by receiver type.

use std::borrow::Cow;

use super::decls::FnGroup;
use super::hints::TypeWant;
use super::modules::Unit;
use super::scope::TypeRes;
use super::{Checker, FnInfo};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, FnBody, FnDef, Item, Param, StmtKind};
use crate::types::tast::FnId;
use crate::types::ty::{
    GenId, IfaceDef, IfaceId, IfaceMethodDef, ImplInfo, Ty, TyCon, BUILTIN_IFACES, ORDERING,
};

/// Register the built-in interfaces (ids in `BUILTIN_IFACES` order).
pub fn register_builtin_ifaces(ck: &mut Checker) {
    for name in BUILTIN_IFACES {
        let g = ck.sub.fresh_gen();
        ck.gen_names.insert(g, "Self".into());
        let me = Ty::Gen(g);
        let m = |n: &str, ps: Vec<Ty>, r: Ty| IfaceMethodDef {
            name: n.into(),
            has_self: !ps.is_empty(),
            ty: Ty::Fun(ps, Box::new(r)),
            default: None,
        };
        let methods = match *name {
            "Display" => vec![m("to_string", vec![me.clone()], Ty::string())],
            "Debug" => vec![m("inspect", vec![me.clone()], Ty::string())],
            "Eq" => vec![m("eq", vec![me.clone(), me.clone()], Ty::bool())],
            "Ord" => vec![
                m("lt", vec![me.clone(), me.clone()], Ty::bool()),
                m(
                    "compare",
                    vec![me.clone(), me.clone()],
                    Ty::Con(TyCon::Adt(ORDERING), vec![]),
                ),
            ],
            "Hash" => vec![m("hash", vec![me.clone()], Ty::int())],
            "Default" => vec![m("default", vec![], me.clone())],
            "Not" => vec![m("not", vec![me.clone()], Ty::bool())],
            arith => {
                let n = arith.to_lowercase();
                vec![m(&n, vec![me.clone(), me.clone()], me.clone())]
            }
        };
        ck.ifaces.push(IfaceDef {
            name: name.to_string(),
            module: String::new(),
            self_gen: g,
            methods,
        });
    }
}

/// Pass 1: interface names.
pub fn register_iface_name(ck: &mut Checker, item: &Item, mi: usize) {
    let Item::Interface(d) = item else { return };
    if !d.generics.is_empty() {
        ck.error(
            Diagnostic::error(
                Some("E0040"),
                format!("interface `{}` cannot have type parameters", d.name.text),
            )
            .with_primary(ck.file, d.name.span, "generic interfaces are not supported"),
        );
    }
    let g = ck.sub.fresh_gen();
    ck.gen_names.insert(g, "Self".into());
    let id = IfaceId(ck.ifaces.len() as u32);
    ck.ifaces.push(IfaceDef {
        name: d.name.text.clone(),
        module: ck.scopes.module_names[mi].clone(),
        self_gen: g,
        methods: vec![],
    });
    ck.scopes.modules[mi]
        .types
        .insert(d.name.text.clone(), TypeRes::Iface(id));
}

impl Checker<'_> {
    pub fn resolve_iface_path(&self, path: &ast::Path) -> Option<IfaceId> {
        lookup_iface(self, path)
    }
}

fn lookup_iface(ck: &Checker, path: &ast::Path) -> Option<IfaceId> {
    let name = &path.segments.last()?.text;
    let r = if path.segments.len() == 1 {
        ck.scopes.ty(name).cloned()
    } else {
        let m: Vec<&str> = path.segments[..path.segments.len() - 1]
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        let mi = ck.scopes.module_index(&m.join("."))?;
        ck.scopes.modules[mi].types.get(name).cloned()
    };
    match r {
        Some(TypeRes::Iface(id)) => Some(id),
        _ => None,
    }
}

/// A synthetic function definition for a default method body.
fn default_fn(sig: &ast::MethodSig, body: &ast::Block) -> FnDef {
    FnDef {
        is_pub: true,
        name: sig.name.clone(),
        generics: vec![],
        params: sig.params.clone(),
        ret: sig.ret.clone(),
        where_clause: vec![],
        guard: None,
        body: FnBody::Block(body.clone()),
        span: sig.span,
    }
}

fn register_fn(ck: &mut Checker, qualified: String, module: &str) -> FnId {
    let id = FnId(ck.fns.len() as u32);
    let ty = ck.sub.fresh();
    ck.fns.push(FnInfo {
        name: qualified,
        module: module.to_string(),
        gens: vec![],
        ty,
        constraints: vec![],
        done: false,
        body: None,
    });
    id
}

/// Pass 2: method signatures; default bodies become functions generic over
/// `Self`, bounded by the interface.
pub fn resolve_ifaces<'a>(ck: &mut Checker, units: &[Unit<'a>], groups: &mut Vec<FnGroup<'a>>) {
    for (mi, pf) in units.iter().enumerate() {
        ck.file = pf.file;
        ck.scopes.current = mi;
        for st in pf.stmts {
            let StmtKind::Item(Item::Interface(d)) = &st.kind else {
                continue;
            };
            let Some(id) = lookup_iface(
                ck,
                &ast::Path {
                    segments: vec![d.name.clone()],
                    span: d.name.span,
                },
            ) else {
                continue;
            };
            let self_gen = ck.ifaces[id.0 as usize].self_gen;
            ck.scopes.push();
            ck.scopes.bind_type("Self", TypeRes::Gen(self_gen));
            let mut methods = Vec::new();
            for sig in &d.methods {
                let params = sig.params.as_deref().unwrap_or(&[]);
                let mut has_self = false;
                let ps: Vec<Ty> = params
                    .iter()
                    .enumerate()
                    .map(|(i, p)| match p {
                        Param::Plain { name, .. } if i == 0 && name.text == "self" => {
                            has_self = true;
                            Ty::Gen(self_gen)
                        }
                        Param::Plain { ty: Some(t), .. } => ck.resolve_type(t),
                        _ => Ty::Gen(self_gen),
                    })
                    .collect();
                let ret = sig
                    .ret
                    .as_ref()
                    .map(|t| ck.resolve_type(t))
                    .unwrap_or(Ty::unit());
                let default = sig.default_body.as_ref().map(|b| {
                    let module = ck.scopes.module_names[mi].clone();
                    let fid = register_fn(
                        ck,
                        format!("{module}.{}.{}", d.name.text, sig.name.text),
                        &module,
                    );
                    ck.bounds.entry(self_gen).or_default().push(id);
                    groups.push(FnGroup {
                        id: fid,
                        clauses: vec![Cow::Owned(default_fn(sig, b))],
                        file: pf.file,
                        module: mi,
                        self_ty: Some(Ty::Gen(self_gen)),
                        decl_gens: vec![self_gen],
                        expected: None,
                        actor: None,
                    });
                    fid
                });
                methods.push(IfaceMethodDef {
                    name: sig.name.text.clone(),
                    ty: Ty::Fun(ps, Box::new(ret)),
                    has_self,
                    default,
                });
            }
            ck.scopes.pop();
            ck.ifaces[id.0 as usize].methods = methods;
        }
    }
}

/// The head constructor of a type named by an impl target.
fn target_con(ck: &Checker, path: &ast::Path) -> Option<(TyCon, usize)> {
    let name = &path.segments.last()?.text;
    let r = if path.segments.len() == 1 {
        ck.scopes.ty(name).cloned()
    } else {
        let m: Vec<&str> = path.segments[..path.segments.len() - 1]
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        let mi = ck.scopes.module_index(&m.join("."))?;
        ck.scopes.modules[mi].types.get(name).cloned()
    };
    match r? {
        TypeRes::Prim(c, n) => Some((c, n)),
        TypeRes::Adt(id) => Some((TyCon::Adt(id), ck.adts[id.0 as usize].generics.len())),
        _ => None,
    }
}

/// Collect `impl` blocks: register them and their methods as functions.
pub fn collect_impls<'a>(ck: &mut Checker, units: &[Unit<'a>], groups: &mut Vec<FnGroup<'a>>) {
    for (mi, pf) in units.iter().enumerate() {
        ck.file = pf.file;
        ck.scopes.current = mi;
        for st in pf.stmts {
            let StmtKind::Item(Item::Impl(d)) = &st.kind else {
                continue;
            };
            let Some(iface) = lookup_iface(ck, &d.interface) else {
                let n = d
                    .interface
                    .segments
                    .last()
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                let e = Diagnostic::error(Some("E0040"), format!("unknown interface `{n}`"))
                    .with_primary(pf.file, d.interface.span, "not an interface in scope");
                let e = ck.with_type_hint(e, &n, TypeWant::Iface);
                ck.error(e);
                continue;
            };
            let Some((con, nargs)) = target_con(ck, &d.target) else {
                let n = d
                    .target
                    .segments
                    .last()
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                let e = Diagnostic::error(Some("E0040"), format!("unknown type `{n}`"))
                    .with_primary(pf.file, d.target.span, "not a type in scope");
                let e = ck.with_type_hint(e, &n, TypeWant::Type);
                ck.error(e);
                continue;
            };
            let iname = ck.ifaces[iface.0 as usize].name.clone();
            let tname = con_name(ck, con);
            if let Some(prev) = ck
                .impls
                .iter()
                .position(|i| i.iface == iface && i.target == con)
            {
                let _ = prev;
                ck.error(
                    Diagnostic::error(
                        Some("E0026"),
                        format!("duplicate impl: `{iname}` is already implemented for `{tname}`"),
                    )
                    .with_primary(
                        pf.file,
                        d.span,
                        format!("previously defined for `{tname}`"),
                    ),
                );
                continue;
            }
            if derived_explicitly(ck, iface, con) {
                ck.error(
                    Diagnostic::error(
                        Some("E0026"),
                        format!("duplicate impl: `{iname}` is already implemented for `{tname}`"),
                    )
                    .with_primary(
                        pf.file,
                        d.span,
                        format!("previously defined for `{tname}` by deriving"),
                    ),
                );
                continue;
            }
            if is_builtin_impl(iface, con) {
                ck.error(
                    Diagnostic::error(
                        Some("E0026"),
                        format!("duplicate impl: `{iname}` is already implemented for `{tname}`"),
                    )
                    .with_primary(
                        pf.file,
                        d.span,
                        format!("previously defined for `{tname}` (built in)"),
                    ),
                );
                continue;
            }
            let generics: Vec<GenId> = (0..nargs).map(|_| ck.sub.fresh_gen()).collect();
            let self_ty = Ty::Con(con, generics.iter().map(|g| Ty::Gen(*g)).collect());
            let module = ck.scopes.module_names[mi].clone();
            let mut methods = Vec::new();
            let mut last: Option<usize> = None;
            for mst in &d.body.stmts {
                let StmtKind::Item(Item::Fn(f)) = &mst.kind else {
                    ck.error(
                        Diagnostic::error(
                            None,
                            "only function definitions may appear in an impl block",
                        )
                        .with_primary(pf.file, mst.span, "not a function"),
                    );
                    continue;
                };
                if let Some(gi) = last {
                    if groups[gi].clauses[0].name.text == f.name.text {
                        groups[gi].clauses.push(Cow::Borrowed(f));
                        continue;
                    }
                }
                let fid = register_fn(
                    ck,
                    format!("{module}.{iname}.{tname}.{}", f.name.text),
                    &module,
                );
                methods.push((f.name.text.clone(), fid));
                let idef = &ck.ifaces[iface.0 as usize];
                let expected = idef
                    .methods
                    .iter()
                    .find(|m| m.name == f.name.text)
                    .map(|m| {
                        let sg = idef.self_gen;
                        m.ty.subst_gen(&|g| (g == sg).then(|| self_ty.clone()))
                    });
                groups.push(FnGroup {
                    id: fid,
                    clauses: vec![Cow::Borrowed(f)],
                    file: pf.file,
                    module: mi,
                    self_ty: Some(self_ty.clone()),
                    decl_gens: generics.clone(),
                    expected,
                    actor: None,
                });
                last = Some(groups.len() - 1);
            }
            // E0007: required methods must be present.
            let idef = ck.ifaces[iface.0 as usize].clone();
            for m in &idef.methods {
                if m.default.is_none()
                    && !methods.iter().any(|(n, _)| *n == m.name)
                    && !builtin_default(iface, &m.name)
                {
                    ck.error(
                        Diagnostic::error(
                            Some("E0007"),
                            format!("impl {iname} for {tname} is missing method {}", m.name),
                        )
                        .with_primary(pf.file, d.span, format!("missing `{}`", m.name))
                        .with_help(format!(
                            "add `fn {}(self) ... end` to the impl block",
                            m.name
                        )),
                    );
                }
            }
            for (n, _) in &methods {
                if !idef.methods.iter().any(|m| m.name == *n) {
                    ck.error(
                        Diagnostic::error(
                            Some("E0008"),
                            format!("method {n} is not a member of interface {iname}"),
                        )
                        .with_primary(
                            pf.file,
                            d.span,
                            format!("`{iname}` has no method `{n}`"),
                        ),
                    );
                }
            }
            ck.impls.push(ImplInfo {
                iface,
                target: con,
                generics,
                methods,
            });
        }
    }
}

/// Methods with built-in default behaviour (Ord's `compare`).
fn builtin_default(iface: IfaceId, method: &str) -> bool {
    iface == crate::types::ty::ORD && method == "compare"
}

/// The built-in types' own protocol impls.
fn is_builtin_impl(iface: IfaceId, con: TyCon) -> bool {
    let name = BUILTIN_IFACES.get(iface.0 as usize).copied().unwrap_or("");
    match con {
        TyCon::Int | TyCon::Float => {
            matches!(
                name,
                "Display"
                    | "Debug"
                    | "Eq"
                    | "Ord"
                    | "Hash"
                    | "Default"
                    | "Add"
                    | "Sub"
                    | "Mul"
                    | "Div"
                    | "Mod"
            )
        }
        TyCon::String => matches!(
            name,
            "Display" | "Debug" | "Eq" | "Ord" | "Hash" | "Default"
        ),
        TyCon::Bool => matches!(
            name,
            "Display" | "Debug" | "Eq" | "Hash" | "Default" | "Not"
        ),
        TyCon::List => matches!(name, "Display" | "Debug" | "Eq" | "Ord"),
        TyCon::Map | TyCon::Set => matches!(name, "Display" | "Debug"),
        _ => false,
    }
}

/// `deriving(X)` written explicitly plus `impl X` is a duplicate (E0026);
/// an implicit derive is silently replaced.
fn derived_explicitly(ck: &Checker, iface: IfaceId, con: TyCon) -> bool {
    let TyCon::Adt(id) = con else { return false };
    let Some(explicit) = ck.explicit_derives.get(&id) else {
        return false;
    };
    explicit
        .iter()
        .any(|n| ck.ifaces[iface.0 as usize].name == *n)
}

pub fn con_name(ck: &Checker, con: TyCon) -> String {
    match con {
        TyCon::Adt(id) => ck.adts[id.0 as usize].name.clone(),
        other => format!("{other:?}"),
    }
}

/// E0008: each impl method's type must match the interface's signature
/// with `Self` replaced by the target.
pub fn check_impl_signatures(ck: &mut Checker) {
    for imp in ck.impls.clone() {
        let idef = ck.ifaces[imp.iface.0 as usize].clone();
        let target = Ty::Con(
            imp.target,
            imp.generics.iter().map(|g| Ty::Gen(*g)).collect(),
        );
        for (name, fid) in &imp.methods {
            let Some(m) = idef.methods.iter().find(|m| m.name == *name) else {
                continue;
            };
            let want =
                m.ty.subst_gen(&|g| (g == idef.self_gen).then(|| target.clone()));
            let have = ck.fns[fid.0 as usize].ty.clone();
            if !same_shape(&want, &have) {
                let (ws, hs) = (ck.show(&want), ck.show(&have));
                let pos = ck.fns[fid.0 as usize]
                    .body
                    .as_ref()
                    .map(|b| b.pos)
                    .unwrap_or_default();
                ck.error(
                    Diagnostic::error(
                        Some("E0008"),
                        format!("method {name} in impl {} has wrong signature: expected {ws}, found {hs}", idef.name),
                    )
                    .with_primary(pos.file, pos.span, format!("expected {ws}")),
                );
            }
        }
    }
}

/// Structural equality where generic parameters of the method (its own
/// extra type variables) match anything.
fn same_shape(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Gen(_), _) | (_, Ty::Gen(_)) | (Ty::Var(_), _) | (_, Ty::Var(_)) => true,
        (Ty::Con(c1, a1), Ty::Con(c2, a2)) => {
            c1 == c2 && a1.len() == a2.len() && a1.iter().zip(a2).all(|(x, y)| same_shape(x, y))
        }
        (Ty::Tuple(a1), Ty::Tuple(a2)) => {
            a1.len() == a2.len() && a1.iter().zip(a2).all(|(x, y)| same_shape(x, y))
        }
        (Ty::Fun(p1, r1), Ty::Fun(p2, r2)) => {
            p1.len() == p2.len()
                && p1.iter().zip(p2).all(|(x, y)| same_shape(x, y))
                && same_shape(r1, r2)
        }
        (Ty::Never, Ty::Never) => true,
        _ => false,
    }
}

impl Checker<'_> {
    /// Interface methods named `name` applicable to a receiver of type `t`:
    /// user impls for concrete types, bounds for generic parameters.
    pub fn find_methods(&self, t: &Ty, name: &str) -> Vec<(IfaceId, u32)> {
        let method_of = |iface: IfaceId| {
            self.ifaces[iface.0 as usize]
                .methods
                .iter()
                .position(|m| m.name == name)
                .map(|i| (iface, i as u32))
        };
        match t {
            Ty::Con(con, _) => self
                .impls
                .iter()
                .filter(|i| i.target == *con)
                .filter_map(|i| method_of(i.iface))
                .collect(),
            Ty::Gen(g) => self
                .bounds
                .get(g)
                .map(|bs| bs.iter().filter_map(|b| method_of(*b)).collect())
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    /// Interfaces (any) that declare a method `name`.
    pub fn ifaces_declaring(&self, name: &str) -> Vec<(IfaceId, u32)> {
        self.ifaces
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                d.methods
                    .iter()
                    .position(|m| m.name == name)
                    .map(|k| (IfaceId(i as u32), k as u32))
            })
            .collect()
    }

    /// Does a user impl of `iface` exist for the head of `t`?
    pub fn has_impl(&self, iface: IfaceId, t: &Ty) -> bool {
        match t {
            Ty::Con(con, _) => self
                .impls
                .iter()
                .any(|i| i.iface == iface && i.target == *con),
            Ty::Gen(g) => self.bounds.get(g).is_some_and(|b| b.contains(&iface)),
            _ => false,
        }
    }

    /// The type of interface method `m` for receiver type `recv`.
    pub fn method_type(&self, iface: IfaceId, m: u32, recv: &Ty) -> Ty {
        let d = &self.ifaces[iface.0 as usize];
        d.methods[m as usize]
            .ty
            .subst_gen(&|g| (g == d.self_gen).then(|| recv.clone()))
    }
}
