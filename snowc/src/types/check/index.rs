//! What an editor asks of the checker: the type of each expression and
//! pattern by position, and what each name refers to. Recorded only when
//! asked for (`check_program_indexed`), so compiling is unaffected.

use std::cell::RefCell;
use std::collections::HashMap;

use super::scope::{TypeRes, ValueRes};
use super::Checker;
use crate::stdlib::RT_FNS;
use crate::syntax::ast::Span;
use crate::types::tast::{Builtin, FnId, LocalId, Pos, TExprKind, TPatKind};
use crate::types::ty::{AdtId, AdtKind, IfaceId, Ty, TyCon};

/// A name the compiler made up (never written by the user).
fn internal(name: &str) -> bool {
    name.ends_with("__")
}

fn internal_def(d: &Def) -> bool {
    match d {
        Def::Local { name, .. } | Def::Fn { name, .. } => internal(name),
        Def::Variant { ty, .. } | Def::Field { ty, .. } => internal(ty),
        Def::Type { name, .. } => internal(name),
        Def::Method { iface, .. } => internal(iface),
        Def::Stdlib { .. } | Def::Module(_) => false,
    }
}

/// What a recorded node refers to, while checking.
#[derive(Clone, Debug)]
enum Target {
    Local(LocalId),
    Fn(FnId),
    Ctor(AdtId, u32),
    Adt(AdtId),
    /// Field `index` of the struct `base` (a type resolved at the end).
    Field(Ty, u32),
    Module(String),
    Builtin(Builtin),
    /// Method `method` of interface `iface`.
    Method(IfaceId, u32),
}

/// The raw records, filled while checking.
#[derive(Default)]
pub struct Recorder {
    /// Per file: is it a user file (not the stdlib prelude)?
    user: Vec<bool>,
    nodes: Vec<(Pos, Option<Ty>, Option<Target>)>,
    local_defs: HashMap<LocalId, Pos>,
}

/// What a name refers to, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Def {
    /// A local variable or parameter, bound at `pos`.
    Local {
        name: String,
        pos: Pos,
    },
    /// A named function of `module` with its generic signature.
    Fn {
        module: String,
        name: String,
        sig: String,
    },
    /// A runtime stdlib function `module.name`.
    Stdlib {
        module: String,
        name: String,
    },
    Variant {
        module: String,
        ty: String,
        variant: String,
    },
    Type {
        module: String,
        name: String,
    },
    Field {
        module: String,
        ty: String,
        field: String,
    },
    Module(String),
    /// Method `method` of interface `iface` of `module` (for a built-in
    /// interface, `module` is empty).
    Method {
        module: String,
        iface: String,
        method: String,
    },
}

/// One expression, pattern or name in a user file.
#[derive(Clone, Debug)]
pub struct Node {
    pub pos: Pos,
    /// Its type as diagnostics show it (absent for type and module names).
    pub ty: Option<String>,
    pub def: Option<Def>,
}

/// Every recorded node of the user files, in recording order.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub nodes: Vec<Node>,
}

impl Checker<'_> {
    /// Starts recording (before checking).
    pub(super) fn enable_index(&mut self) {
        let user = self
            .sources
            .files
            .iter()
            .map(|f| !f.path.starts_with("<prelude>"))
            .collect();
        self.index = Some(RefCell::new(Recorder {
            user,
            ..Recorder::default()
        }));
    }

    fn record(&self, span: Span, ty: Option<&Ty>, target: Option<Target>) {
        let Some(rec) = &self.index else { return };
        let mut rec = rec.borrow_mut();
        if rec.user.get(self.file.0 as usize) == Some(&true) {
            rec.nodes.push((self.pos(span), ty.cloned(), target));
        }
    }

    pub(super) fn record_expr(&self, kind: &TExprKind, ty: &Ty, span: Span) {
        if self.index.is_none() {
            return;
        }
        let target = match kind {
            TExprKind::Local(id, _) => Some(Target::Local(*id)),
            TExprKind::FnRef(id, _) => Some(Target::Fn(*id)),
            TExprKind::Ctor(adt, v) => Some(Target::Ctor(*adt, *v)),
            TExprKind::Builtin(b) => Some(Target::Builtin(*b)),
            TExprKind::Method { iface, method, .. } => Some(Target::Method(*iface, *method)),
            TExprKind::Field { base, index } => Some(Target::Field(base.ty.clone(), *index)),
            _ => None,
        };
        self.record(span, Some(ty), target);
    }

    pub(super) fn record_pat(&self, kind: &TPatKind, ty: &Ty, span: Span) {
        if self.index.is_none() {
            return;
        }
        let target = match kind {
            TPatKind::Bind(id) | TPatKind::As(_, id) => {
                self.note_local(*id, span);
                Some(Target::Local(*id))
            }
            TPatKind::Ctor { adt, variant, .. } => Some(Target::Ctor(*adt, *variant)),
            _ => None,
        };
        self.record(span, Some(ty), target);
    }

    /// The local `id` is bound by the name at `span`.
    pub(super) fn note_local(&self, id: LocalId, span: Span) {
        if let Some(rec) = &self.index {
            rec.borrow_mut()
                .local_defs
                .entry(id)
                .or_insert_with(|| self.pos(span));
        }
    }

    /// The name at `span` binds the local `id` of type `ty` (parameters,
    /// `let` names, loop variables: the bindings made without a pattern).
    pub(super) fn record_bind(&self, id: LocalId, ty: &Ty, span: Span) {
        if self.index.is_some() {
            self.note_local(id, span);
            self.record(span, Some(ty), Some(Target::Local(id)));
        }
    }

    /// The name of field `index` of struct `adt` (of type `ty`) written at
    /// `span` (in a struct literal).
    pub(super) fn record_field(&self, adt: AdtId, index: u32, ty: &Ty, span: Span) {
        if self.index.is_some() {
            let base = Ty::Con(TyCon::Adt(adt), vec![]);
            self.record(span, Some(ty), Some(Target::Field(base, index)));
        }
    }

    /// The name of function `id` at its definition.
    pub(super) fn record_fn_name(&self, id: FnId, span: Span) {
        if self.index.is_some() && span.start < span.end {
            self.record(span, None, Some(Target::Fn(id)));
        }
    }

    /// A type name written at `span`.
    pub(super) fn record_type_ref(&self, adt: AdtId, span: Span) {
        if self.index.is_some() {
            self.record(span, None, Some(Target::Adt(adt)));
        }
    }

    /// The module path of an `import` at `span` (`module` is the unit's
    /// full name).
    pub(super) fn record_import(&self, module: String, span: Span) {
        if self.index.is_some() {
            self.record(span, None, Some(Target::Module(module)));
        }
    }

    /// A name of a `from M import` line at `span`, bound to the value `v`
    /// or else the type `ty` of the module.
    pub(super) fn record_imported(&self, v: Option<&ValueRes>, ty: Option<&TypeRes>, span: Span) {
        if self.index.is_none() {
            return;
        }
        let target = match (v, ty) {
            (Some(ValueRes::Fn(id)), _) => Target::Fn(*id),
            (Some(ValueRes::Ctor(adt, i)), _) => Target::Ctor(*adt, *i),
            (Some(ValueRes::Builtin(b)), _) => Target::Builtin(*b),
            (_, Some(TypeRes::Adt(id))) => Target::Adt(*id),
            _ => return,
        };
        self.record(span, None, Some(target));
    }

    /// A written path `A.B.T` (segments with their spans): each prefix
    /// naming a module or a named type (also through an alias) is recorded
    /// at its last segment, so
    /// an editor goes from `Db` to the module and from `Item` to the type.
    pub(super) fn record_path<'a>(&self, segs: impl IntoIterator<Item = (&'a str, Span)>) {
        if self.index.is_none() {
            return;
        }
        let mut prefix = String::new();
        for (seg, span) in segs {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(seg);
            if let Some(mi) = self.scopes.module_index(&prefix) {
                let name = self.scopes.module_names[mi].clone();
                self.record(span, None, Some(Target::Module(name)));
            } else if let Some((_, TypeRes::Adt(id))) = self.scopes.path_ty_seen_through(&prefix) {
                self.record_type_ref(id, span);
            }
        }
    }

    /// The records with their types and targets resolved (after checking),
    /// without the compiler's own names (what services and supervisors
    /// are desugared into: `state__`, `Request__`, ...): a handler's name
    /// stands for its client function, the rest is left out.
    pub(super) fn take_index(&mut self) -> Option<Index> {
        let rec = self.index.take()?.into_inner();
        let nodes = rec
            .nodes
            .iter()
            .filter_map(|(pos, ty, target)| {
                let client = match target {
                    Some(Target::Ctor(adt, v)) => self.service_client(*adt, *v),
                    _ => None,
                };
                let (ty, def) = match client {
                    Some(f) => (None, self.resolve_target(&Target::Fn(f), &rec)),
                    None => (
                        ty.as_ref().map(|t| self.show(t)),
                        target.as_ref().and_then(|t| self.resolve_target(t, &rec)),
                    ),
                };
                let def = match def {
                    // A renamed user function (a service's `init`): by the
                    // name written.
                    Some(Def::Fn { module, name, sig })
                        if name.strip_suffix("__") == Some(self.written(*pos)) =>
                    {
                        let name = self.written(*pos).to_string();
                        Some(Def::Fn { module, name, sig })
                    }
                    Some(d) if internal_def(&d) => return None,
                    d => d,
                };
                let ty = ty.filter(|t| {
                    !t.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(internal)
                });
                (ty.is_some() || def.is_some()).then_some(Node { pos: *pos, ty, def })
            })
            .collect();
        Some(Index { nodes })
    }

    /// The source text at `pos`.
    fn written(&self, pos: Pos) -> &str {
        let text = &self.sources.get(pos.file).text;
        text.get(pos.span.start as usize..pos.span.end as usize)
            .unwrap_or_default()
    }

    /// The client function of variant `v` of a service's request type.
    fn service_client(&self, adt: AdtId, v: u32) -> Option<FnId> {
        let a = &self.adts[adt.0 as usize];
        if a.name != super::desugar::REQUEST {
            return None;
        }
        let variant = &a.variants().get(v as usize)?.name;
        let name = format!("{}.{}", a.module, super::desugar::snake(variant));
        let i = self.fns.iter().position(|f| f.name == name)?;
        Some(FnId(i as u32))
    }

    fn resolve_target(&self, t: &Target, rec: &Recorder) -> Option<Def> {
        let adt_names = |id: AdtId| {
            let a = &self.adts[id.0 as usize];
            (a.module.clone(), a.name.clone())
        };
        Some(match t {
            Target::Local(id) => Def::Local {
                name: self.locals[id.0 as usize].name.clone(),
                pos: *rec.local_defs.get(id)?,
            },
            Target::Fn(id) => {
                let f = &self.fns[id.0 as usize];
                let name = f.name.strip_prefix(&format!("{}.", f.module))?;
                Def::Fn {
                    module: f.module.clone(),
                    name: name.to_string(),
                    sig: crate::stdlib_doc::render(&self.sub.zonk(&f.ty), &self.adts),
                }
            }
            Target::Ctor(adt, v) => {
                let (module, ty) = adt_names(*adt);
                let variant = self.adts[adt.0 as usize].variants()[*v as usize]
                    .name
                    .clone();
                Def::Variant {
                    module,
                    ty,
                    variant,
                }
            }
            Target::Adt(adt) => {
                let (module, name) = adt_names(*adt);
                Def::Type { module, name }
            }
            Target::Field(base, i) => {
                let Ty::Con(TyCon::Adt(adt), _) = self.sub.zonk(base) else {
                    return None;
                };
                let AdtKind::Struct { fields } = &self.adts[adt.0 as usize].kind else {
                    return None;
                };
                let (module, ty) = adt_names(adt);
                Def::Field {
                    module,
                    ty,
                    field: fields.get(*i as usize)?.0.clone(),
                }
            }
            Target::Module(m) => Def::Module(m.clone()),
            Target::Builtin(Builtin::Rt(i)) => {
                let f = &RT_FNS[*i as usize];
                if f.name.starts_with("__") {
                    return None;
                }
                Def::Stdlib {
                    module: f.module.to_string(),
                    name: f.name.to_string(),
                }
            }
            Target::Builtin(_) => return None,
            Target::Method(iface, m) => {
                let i = &self.ifaces[iface.0 as usize];
                Def::Method {
                    module: i.module.clone(),
                    iface: i.name.clone(),
                    method: i.methods.get(*m as usize)?.name.clone(),
                }
            }
        })
    }
}
