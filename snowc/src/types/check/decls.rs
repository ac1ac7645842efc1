//! Declarations: built-in sum types, user structs/sum types/aliases,
//! function grouping and the order in which function groups are inferred.

use std::borrow::Cow;
use std::collections::HashMap;

use super::scope::{Scope, TypeRes, ValueRes};
use super::{fns, modules, Checker, FnInfo};
use crate::diag::{Diagnostic, FileId};
use crate::syntax::ast::{self, FnDef, Item, StmtKind};
use crate::syntax::ParsedFile;
use crate::types::tast::FnId;
use crate::types::ty::{AdtDef, AdtId, AdtKind, Derives, GenId, Opaque, Ty, TyCon, VariantDef};

/// A group of consecutive same-name clauses forming one function.
pub struct FnGroup<'a> {
    pub id: FnId,
    pub clauses: Vec<Cow<'a, FnDef>>,
    pub file: FileId,
    pub module: usize,
    /// The type of a `self` parameter (impl methods, default methods).
    pub self_ty: Option<Ty>,
    /// Generic parameters declared by the context (the impl's type
    /// parameters, or `Self` of a default method), before the function's own.
    pub decl_gens: Vec<GenId>,
    /// The type the interface prescribes (impl methods): parameters the
    /// impl leaves unannotated take their types from it.
    pub expected: Option<Ty>,
    /// An actor (its body is the clause; the terminate block is here).
    pub actor: Option<&'a ast::ActorDef>,
}

fn all_derives(is_struct: bool) -> Derives {
    Derives {
        eq: true,
        ord: true,
        hash: is_struct,
        display: false,
        debug: true,
        json: false,
        row: false,
    }
}

pub fn register_builtin_adts(ck: &mut Checker) {
    let a = ck.sub.fresh_gen();
    let b = ck.sub.fresh_gen();
    let full = Derives {
        display: true,
        hash: true,
        ..all_derives(false)
    };
    let var = |name: &str, fields: Vec<Ty>| VariantDef {
        name: name.to_string(),
        field_names: vec![None; fields.len()],
        fields,
    };
    ck.adts.push(AdtDef {
        name: "Option".into(),
        module: String::new(),
        generics: vec![a],
        kind: AdtKind::Sum {
            variants: vec![var("Some", vec![Ty::Gen(a)]), var("None", vec![])],
        },
        derives: full.clone(),
        qualified: false,
    });
    let (ra, rb) = (ck.sub.fresh_gen(), ck.sub.fresh_gen());
    ck.adts.push(AdtDef {
        name: "Result".into(),
        module: String::new(),
        generics: vec![ra, rb],
        kind: AdtKind::Sum {
            variants: vec![var("Ok", vec![Ty::Gen(ra)]), var("Err", vec![Ty::Gen(rb)])],
        },
        derives: full.clone(),
        qualified: false,
    });
    ck.adts.push(AdtDef {
        name: "Ordering".into(),
        module: String::new(),
        generics: vec![],
        kind: AdtKind::Sum {
            variants: vec![
                var("Less", vec![]),
                var("Equal", vec![]),
                var("Greater", vec![]),
            ],
        },
        derives: full,
        qualified: false,
    });
    let _ = b;
}

/// Names every module scope starts with.
fn prelude_scope() -> Scope {
    let mut s = Scope::default();
    for (name, con, n) in [
        ("Int", TyCon::Int, 0),
        ("Float", TyCon::Float, 0),
        ("Bool", TyCon::Bool, 0),
        ("String", TyCon::String, 0),
        ("List", TyCon::List, 1),
        ("Map", TyCon::Map, 2),
        ("Set", TyCon::Set, 1),
        ("Range", TyCon::Range, 0),
        ("Queue", TyCon::Queue, 1),
        ("Json", TyCon::Json, 0),
        ("Pid", TyCon::Pid, 1),
    ] {
        s.types.insert(name.to_string(), TypeRes::Prim(con, n));
    }
    for o in Opaque::ALL {
        s.types
            .insert(o.name().to_string(), TypeRes::Prim(TyCon::Opaque(o), 0));
    }
    s.types.insert("Unit".into(), TypeRes::Unit);
    for (id, name) in [(0u32, "Option"), (1, "Result"), (2, "Ordering")] {
        s.types.insert(name.to_string(), TypeRes::Adt(AdtId(id)));
    }
    for (i, name) in crate::types::ty::BUILTIN_IFACES.iter().enumerate() {
        s.types.insert(
            name.to_string(),
            TypeRes::Iface(crate::types::ty::IfaceId(i as u32)),
        );
    }
    for (adt, names) in [
        (0u32, &["Some", "None"][..]),
        (1, &["Ok", "Err"][..]),
        (2, &["Less", "Equal", "Greater"][..]),
    ] {
        for (i, n) in names.iter().enumerate() {
            s.values
                .insert(n.to_string(), ValueRes::Ctor(AdtId(adt), i as u32));
        }
    }
    s
}

struct AdtSrc<'a> {
    id: AdtId,
    file: FileId,
    module: usize,
    item: &'a Item,
}

/// Check all files; returns the entry function.
pub fn check_files(ck: &mut Checker, files: &[ParsedFile]) -> Option<FnId> {
    let mut adt_srcs: Vec<AdtSrc> = Vec::new();
    let mut groups: Vec<FnGroup> = Vec::new();
    let units = modules::units(ck, files);
    modules::init_scopes(ck, &units, prelude_scope());
    let edges = modules::imports(ck, &units);
    modules::check_cycles(ck, &units, &edges);
    super::dups::check(ck, &units);
    // Pass 1: type names and constructors.
    for (mi, u) in units.iter().enumerate() {
        ck.file = u.file;
        ck.scopes.current = mi;
        for st in u.stmts {
            if let StmtKind::Item(item) = &st.kind {
                register_type_name(ck, item, mi, u.file, &mut adt_srcs);
                super::ifaces::register_iface_name(ck, item, mi);
                note_visibility(ck, item, mi);
            }
        }
    }
    modules::from_imports(ck, &units, false);
    // Pass 2: aliases (in dependency order, so an alias may be used before
    // its declaration), then field types (which may use aliases).
    let mut aliases: Vec<(usize, &ast::TypeAliasDef)> = Vec::new();
    for (mi, u) in units.iter().enumerate() {
        for st in u.stmts {
            if let StmtKind::Item(Item::TypeAlias(a)) = &st.kind {
                aliases.push((mi, a));
            }
        }
    }
    let deps: Vec<Vec<usize>> = aliases
        .iter()
        .map(|(mi, a)| {
            let mut names = Vec::new();
            type_names(&a.ty, &mut names);
            aliases
                .iter()
                .enumerate()
                .filter(|(_, (mj, b))| mj == mi && names.contains(&b.name.text))
                .map(|(j, _)| j)
                .collect()
        })
        .collect();
    for scc in fns::tarjan(&deps) {
        for &i in &scc {
            let (mi, a) = aliases[i];
            ck.file = units[mi].file;
            ck.scopes.current = mi;
            if scc.len() > 1 || deps[i].contains(&i) {
                ck.error(
                    Diagnostic::error(
                        Some("E0040"),
                        format!("type alias `{}` refers to itself", a.name.text),
                    )
                    .with_primary(ck.file, a.span, "recursive type alias"),
                );
                continue;
            }
            let gens: Vec<GenId> = a.generics.iter().map(|_| ck.sub.fresh_gen()).collect();
            ck.scopes.push();
            for (n, g) in a.generics.iter().zip(&gens) {
                ck.scopes.bind_type(&n.text, TypeRes::Gen(*g));
                ck.gen_names.insert(*g, n.text.clone());
            }
            let t = ck.resolve_type(&a.ty);
            ck.scopes.pop();
            ck.scopes.modules[mi]
                .types
                .insert(a.name.text.clone(), TypeRes::Alias(gens, t));
        }
    }
    // Aliases exist now: import them too (imports are idempotent).
    modules::from_imports(ck, &units, false);
    for src in &adt_srcs {
        ck.file = src.file;
        ck.scopes.current = src.module;
        resolve_adt(ck, src);
    }
    for src in &adt_srcs {
        ck.file = src.file;
        check_derive_fields(ck, src);
    }
    super::ifaces::resolve_ifaces(ck, &units, &mut groups);
    super::ifaces::collect_impls(ck, &units, &mut groups);
    // Pass 3: functions.
    for (mi, u) in units.iter().enumerate() {
        ck.file = u.file;
        ck.scopes.current = mi;
        collect_fns(ck, u.stmts, mi, u.file, &mut groups);
    }
    modules::from_imports(ck, &units, true);
    // Pass 4: infer in dependency order. The Snow-written stdlib depends on
    // no user code, so it goes first: method calls (`xs.map(f)`), which the
    // dependency scan cannot see, then always find it generalised.
    let mut order = fns::sccs(ck, &groups);
    order.sort_by_key(|scc| !scc.iter().all(|&i| units[groups[i].module].prelude));
    for scc in order {
        let members: Vec<&FnGroup> = scc.iter().map(|&i| &groups[i]).collect();
        fns::infer_scc(ck, &members);
    }
    super::ifaces::check_impl_signatures(ck);
    let main_mod = ck
        .scopes
        .module_names
        .iter()
        .position(|m| m == "Main")
        .unwrap_or(0);
    match ck
        .scopes
        .modules
        .get(main_mod)
        .and_then(|s| s.values.get("main"))
    {
        Some(ValueRes::Fn(id)) => Some(*id),
        _ => {
            let f = files.first().map(|f| f.file).unwrap_or_default();
            ck.error(
                Diagnostic::error(Some("E0004"), "undefined variable: main")
                    .with_message(
                        "no `main` function: a Snow program starts at `fn main() do ... end`",
                    )
                    .with_primary(f, ast::Span::default(), "the entry module has no `main`"),
            );
            None
        }
    }
}

/// Single-segment type names mentioned in a type (for alias ordering).
fn type_names(t: &ast::Type, out: &mut Vec<String>) {
    match &t.kind {
        ast::TypeKind::Named { path, args } => {
            if path.segments.len() == 1 {
                out.push(path.segments[0].text.clone());
            }
            args.iter().for_each(|a| type_names(a, out));
        }
        ast::TypeKind::Tuple(ts) => ts.iter().for_each(|a| type_names(a, out)),
        ast::TypeKind::Fun(ps, r) => {
            ps.iter().for_each(|a| type_names(a, out));
            type_names(r, out)
        }
        ast::TypeKind::Option(x) => type_names(x, out),
        ast::TypeKind::Result(x, e) => {
            type_names(x, out);
            type_names(e, out)
        }
    }
}

/// A field type as a user reads it: the element type a bare `Set` or
/// `Queue` leaves open (inferred from uses) shows as `_`, not `?0`.
fn shown_as_written(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len());
    let mut chars = shown.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// E0038 / E0039: the fields of `deriving(Json)` / `deriving(Row)` types.
fn check_derive_fields(ck: &mut Checker, src: &AdtSrc) {
    let adt = ck.adts[src.id.0 as usize].clone();
    // (label, type, span) of every field.
    let fields: Vec<(String, Ty, ast::Span)> = match src.item {
        Item::Struct(s) => s
            .fields
            .iter()
            .zip(adt.kind_fields())
            .map(|(f, t)| (f.name.text.clone(), t, f.span))
            .collect(),
        Item::SumType(s) => s
            .variants
            .iter()
            .zip(adt.variants())
            .flat_map(|(v, vd)| {
                v.fields
                    .iter()
                    .zip(&vd.fields)
                    .enumerate()
                    .map(move |(i, (f, t))| {
                        let label = match &f.name {
                            Some(n) => format!("{}::{}", v.name.text, n.text),
                            None => format!("{}::{i}", v.name.text),
                        };
                        (label, t.clone(), f.span)
                    })
            })
            .collect(),
        _ => return,
    };
    let mut json_ok = true;
    for (label, t, span) in &fields {
        if ck.mentions_poisoned(t) {
            continue; // an unknown type, reported where it is written
        }
        if adt.derives.json && ck.serialisable(t, &adt.generics) != Some(true) {
            json_ok = false;
            let ts = shown_as_written(&ck.show(t));
            ck.error(
                Diagnostic::error(Some("E0038"), format!("field `{label}` of type `{ts}` is not JSON-serializable"))
                    .with_primary(ck.file, *span, "not JSON-serializable")
                    .with_help(format!(
                        "type `{ts}` does not derive Json; add `deriving(Json)` to its definition, or use a serializable type (Int, Float, Bool, String, Option<T>, List<T>, Map<String, V>)"
                    )),
            );
        }
        if adt.derives.row && adt.is_struct() && !row_mappable(t) {
            let ts = shown_as_written(&ck.show(t));
            ck.error(
                Diagnostic::error(Some("E0039"), format!("field `{label}` has type `{ts}` which cannot be mapped from a database row"))
                    .with_message(format!(
                        "field `{label}` has type `{ts}` which cannot be mapped from a database row (only Int, Float, Bool, String, and Option<T> are supported)"
                    ))
                    .with_primary(ck.file, *span, "not mappable from a row")
                    .with_help("only Int, Float, Bool, String, and Option<T> fields are supported for deriving(Row)"),
            );
        }
    }
    if !json_ok {
        // The impls are omitted, so uses report a missing impl once.
        ck.adts[src.id.0 as usize].derives.json = false;
    }
}

/// Int, Float, Bool, String, or an `Option` of one of those (not of an
/// Option: a column has one NULL, so `Option<Option<T>>` has no mapping).
fn row_mappable(t: &Ty) -> bool {
    let scalar = |t: &Ty| {
        matches!(
            t,
            Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::String, _)
        )
    };
    match t {
        Ty::Con(TyCon::Adt(id), a) if *id == crate::types::ty::OPTION => a.iter().all(scalar),
        _ => scalar(t),
    }
}

/// Record which of a module's names are its own and which are `pub`.
fn note_visibility(ck: &mut Checker, item: &Item, mi: usize) {
    let (name, is_pub, ctors): (&str, bool, Vec<String>) = match item {
        Item::Fn(f) => (&f.name.text, f.is_pub, vec![]),
        Item::Struct(d) => (&d.name.text, d.is_pub, vec![]),
        Item::SumType(d) => (
            &d.name.text,
            d.is_pub,
            d.variants.iter().map(|v| v.name.text.clone()).collect(),
        ),
        Item::TypeAlias(d) => (&d.name.text, d.is_pub, vec![]),
        Item::Interface(d) => (&d.name.text, d.is_pub, vec![]),
        Item::Module(d) => (&d.name.text, d.is_pub, vec![]),
        Item::Supervisor(d) => (&d.name.text, d.is_pub, vec![]),
        Item::Actor(d) => (&d.name.text, true, vec![]),
        Item::Service(d) => (&d.name.text, true, vec![]),
        _ => return,
    };
    let scope = &mut ck.scopes.modules[mi];
    for n in std::iter::once(name.to_string()).chain(ctors) {
        scope.defined.insert(n.clone());
        if is_pub {
            scope.public.insert(n);
        }
    }
}

fn register_type_name<'a>(
    ck: &mut Checker,
    item: &'a Item,
    mi: usize,
    file: FileId,
    srcs: &mut Vec<AdtSrc<'a>>,
) {
    let (name, generics, is_struct) = match item {
        Item::Struct(s) => (&s.name, &s.generics, true),
        Item::SumType(s) => (&s.name, &s.generics, false),
        _ => return,
    };
    let id = AdtId(ck.adts.len() as u32);
    let gens: Vec<GenId> = generics.iter().map(|_| ck.sub.fresh_gen()).collect();
    for (n, g) in generics.iter().zip(&gens) {
        ck.gen_names.insert(*g, n.text.clone());
    }
    ck.adts.push(AdtDef {
        name: name.text.clone(),
        module: ck.scopes.module_names[mi].clone(),
        generics: gens,
        kind: if is_struct {
            AdtKind::Struct { fields: vec![] }
        } else {
            AdtKind::Sum { variants: vec![] }
        },
        derives: all_derives(is_struct),
        qualified: is_struct && ck.project,
    });
    let scope = &mut ck.scopes.modules[mi];
    scope.types.insert(name.text.clone(), TypeRes::Adt(id));
    if let Item::SumType(s) = item {
        for (i, v) in s.variants.iter().enumerate() {
            scope
                .values
                .insert(v.name.text.clone(), ValueRes::Ctor(id, i as u32));
        }
    }
    srcs.push(AdtSrc {
        id,
        file,
        module: mi,
        item,
    });
}

fn resolve_adt(ck: &mut Checker, src: &AdtSrc) {
    let gens = ck.adts[src.id.0 as usize].generics.clone();
    let (generics, deriving, is_struct, name) = match src.item {
        Item::Struct(s) => (&s.generics, &s.deriving, true, &s.name),
        Item::SumType(s) => (&s.generics, &s.deriving, false, &s.name),
        _ => return,
    };
    ck.scopes.push();
    for (n, g) in generics.iter().zip(&gens) {
        ck.scopes.bind_type(&n.text, TypeRes::Gen(*g));
    }
    let kind = match src.item {
        Item::Struct(s) => {
            let mut fields: Vec<(String, Ty)> = Vec::new();
            for f in &s.fields {
                if fields.iter().any(|(n, _)| *n == f.name.text) {
                    continue; // E0042 already reported
                }
                let t = ck.resolve_type(&f.ty);
                fields.push((f.name.text.clone(), t));
            }
            AdtKind::Struct { fields }
        }
        Item::SumType(s) => AdtKind::Sum {
            variants: s
                .variants
                .iter()
                .map(|v| VariantDef {
                    name: v.name.text.clone(),
                    fields: v.fields.iter().map(|f| ck.resolve_type(&f.ty)).collect(),
                    field_names: v
                        .fields
                        .iter()
                        .map(|f| f.name.as_ref().map(|n| n.text.clone()))
                        .collect(),
                })
                .collect(),
        },
        _ => unreachable!("only structs and sum types are registered"),
    };
    ck.scopes.pop();
    let derives = match deriving {
        None => all_derives(is_struct),
        Some(d) => {
            ck.explicit_derives
                .insert(src.id, d.names.iter().map(|n| n.text.clone()).collect());
            derives_from_clause(ck, d, name, is_struct)
        }
    };
    let adt = &mut ck.adts[src.id.0 as usize];
    adt.kind = kind;
    adt.derives = derives;
}

fn derives_from_clause(
    ck: &mut Checker,
    d: &ast::Deriving,
    tname: &ast::Name,
    is_struct: bool,
) -> Derives {
    let mut out = Derives::default();
    for n in &d.names {
        match n.text.as_str() {
            "Eq" => out.eq = true,
            "Ord" => out.ord = true,
            "Hash" => out.hash = true,
            "Display" => out.display = true,
            "Debug" => out.debug = true,
            "Json" => out.json = true,
            "Row" => {
                // Rejected on a sum type, but `T.from_row` still type checks
                // (as for a struct with a bad field): one error, not two.
                out.row = true;
                if !is_struct {
                    ck.error(
                        Diagnostic::error(
                            Some("E0028"),
                            format!("cannot derive `Row` for `{}`", tname.text),
                        )
                        .with_primary(ck.file, n.span, "not a struct")
                        .with_help("Row can only be derived for structs"),
                    )
                }
            }
            other => ck.error(
                Diagnostic::error(
                    Some("E0028"),
                    format!("cannot derive `{other}` for `{}`", tname.text),
                )
                .with_primary(ck.file, n.span, "unknown derive")
                .with_help("only Eq, Ord, Display, Debug, Hash, Json, and Row are derivable"),
            ),
        }
    }
    if out.ord && !out.eq {
        let t = &tname.text;
        ck.error(
            Diagnostic::error(
                Some("E0029"),
                format!("cannot derive `Ord` for `{t}` without `Eq`"),
            )
            .with_message(format!(
                "deriving `Ord` for `{t}` requires `Eq` to also be derived"
            ))
            .with_primary(ck.file, d.span, "Ord needs Eq")
            .with_help("add `Eq` to the deriving list: deriving(Eq, Ord)"),
        );
        return Derives::default();
    }
    out
}

/// Group consecutive clauses and register every top-level function.
fn collect_fns<'a>(
    ck: &mut Checker,
    stmts: &'a [ast::Stmt],
    mi: usize,
    file: FileId,
    groups: &mut Vec<FnGroup<'a>>,
) {
    let mut seen: HashMap<String, ast::Span> = HashMap::new();
    let mut last: Option<usize> = None; // index into groups of the previous item if it was a fn
    for st in stmts {
        match &st.kind {
            StmtKind::Item(Item::Fn(f)) => {
                let arity = f.params.as_ref().map_or(0, |p| p.len());
                if let Some(gi) = last {
                    let g: &mut FnGroup = &mut groups[gi];
                    let first = &g.clauses[0];
                    if first.name.text == f.name.text {
                        let a0 = first.params.as_ref().map_or(0, |p| p.len());
                        if a0 != arity {
                            ck.error(
                                Diagnostic::error(
                                    Some("E0024"),
                                    format!(
                                        "all clauses of `{}` must have the same number of parameters; expected {a0}, found {arity}",
                                        f.name.text
                                    ),
                                )
                                .with_primary(file, f.span, "this clause"),
                            );
                        }
                        g.clauses.push(Cow::Borrowed(f));
                        continue;
                    }
                }
                if let Some(prev) = seen.get(&f.name.text) {
                    ck.error(
                        Diagnostic::error(
                            Some("E0023"),
                            format!(
                                "function `{}/{arity}` already defined; multi-clause functions must have consecutive clauses",
                                f.name.text
                            ),
                        )
                        .with_primary(file, f.name.span, "defined again here")
                        .with_secondary(file, *prev, "first defined here"),
                    );
                    last = None;
                    continue;
                }
                seen.insert(f.name.text.clone(), f.name.span);
                let id = register_fn(ck, &f.name.text, mi);
                groups.push(FnGroup {
                    id,
                    clauses: vec![Cow::Borrowed(f)],
                    file,
                    module: mi,
                    self_ty: None,
                    decl_gens: vec![],
                    expected: None,
                    actor: None,
                });
                last = Some(groups.len() - 1);
            }
            StmtKind::Item(Item::Actor(a)) => {
                last = None;
                if let Some(prev) = seen.get(&a.name.text) {
                    ck.error(
                        Diagnostic::error(
                            Some("E0023"),
                            format!("`{}` is already defined", a.name.text),
                        )
                        .with_primary(file, a.name.span, "defined again here")
                        .with_secondary(file, *prev, "first defined here"),
                    );
                    continue;
                }
                seen.insert(a.name.text.clone(), a.name.span);
                let id = register_fn(ck, &a.name.text, mi);
                ck.actors.insert(id, a.name.span);
                let def = FnDef {
                    is_pub: true,
                    name: a.name.clone(),
                    generics: vec![],
                    params: Some(a.params.clone()),
                    ret: None,
                    where_clause: vec![],
                    guard: None,
                    body: ast::FnBody::Block(a.body.clone()),
                    span: a.span,
                };
                groups.push(FnGroup {
                    id,
                    clauses: vec![Cow::Owned(def)],
                    file,
                    module: mi,
                    self_ty: None,
                    decl_gens: vec![],
                    expected: None,
                    actor: Some(a),
                });
            }
            StmtKind::Item(item) => {
                last = None;
                unsupported_item(ck, item, st.span);
            }
            StmtKind::Let { .. } | StmtKind::Expr(_) => {
                last = None;
                ck.error(
                    Diagnostic::error(
                        None,
                        "not supported yet: statements at the top level of a file",
                    )
                    .with_primary(
                        file,
                        st.span,
                        "move this into `fn main() do ... end`",
                    ),
                );
            }
        }
    }
}

/// A new top-level function `name` of module `mi`, not yet inferred.
fn register_fn(ck: &mut Checker, name: &str, mi: usize) -> FnId {
    let id = FnId(ck.fns.len() as u32);
    let module = ck.scopes.module_names[mi].clone();
    let ty = ck.sub.fresh();
    ck.fns.push(FnInfo {
        name: format!("{module}.{name}"),
        module,
        gens: vec![],
        ty,
        constraints: vec![],
        done: false,
        body: None,
    });
    ck.scopes.modules[mi]
        .values
        .insert(name.to_string(), ValueRes::Fn(id));
    id
}

fn unsupported_item(ck: &mut Checker, item: &Item, span: ast::Span) {
    let what = match item {
        Item::Struct(_) | Item::SumType(_) | Item::TypeAlias(_) | Item::Fn(_) => return,
        Item::Interface(_) | Item::Impl(_) => return,
        Item::Module(_) => return,
        Item::Import(_) | Item::FromImport(_) => return,
        Item::Actor(_) => return,
        Item::Service(_) => "services",
        Item::Supervisor(_) => "supervisors",
    };
    ck.error(
        Diagnostic::error(None, format!("not supported yet: {what}")).with_primary(
            ck.file,
            span,
            "this declaration",
        ),
    );
}
