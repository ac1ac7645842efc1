//! Modules: every file and every inline `module` block is a unit with its
//! own scope; `import A.B` makes `B` name module `A.B` in the importing
//! unit, `from A.B import x` binds `x`; items are private unless `pub`.
//! An inline module (a service too) sees the names of the units around it
//! (lexical scoping); its own items and imports come first.
//! `from M import x` and `import M` also take an inline module visible
//! where they stand (found as `M.f` finds it; no file-graph edge).

use std::collections::HashMap;

use super::scope::{Scope, TypeRes, ValueRes};
use super::Checker;
use crate::diag::{Diagnostic, FileId};
use crate::syntax::ast::{Item, Path, Span, Stmt, StmtKind};
use crate::syntax::ParsedFile;

/// A file or an inline module.
pub struct Unit<'a> {
    pub file: FileId,
    pub name: String,
    pub stmts: &'a [Stmt],
    /// The enclosing unit of an inline module.
    pub parent: Option<usize>,
    /// Part of the Snow-written standard library.
    pub prelude: bool,
    /// Names reachable only qualified (a service's generated items).
    pub hidden: Vec<String>,
}

/// Files and (recursively) their inline modules, files first.
pub fn units<'a>(ck: &Checker, files: &'a [ParsedFile]) -> Vec<Unit<'a>> {
    let mut out: Vec<Unit> = files
        .iter()
        .map(|pf| {
            let f = ck.sources.get(pf.file);
            Unit {
                file: pf.file,
                name: f.module.clone(),
                stmts: &pf.ast.stmts,
                parent: None,
                prelude: f.path.starts_with("<prelude>"),
                hidden: Vec::new(),
            }
        })
        .collect();
    let mut i = 0;
    while i < out.len() {
        let (file, name, prelude) = (out[i].file, out[i].name.clone(), out[i].prelude);
        for st in out[i].stmts {
            if let StmtKind::Item(Item::Module(m)) = &st.kind {
                out.push(Unit {
                    file,
                    name: format!("{name}.{}", m.name.text),
                    stmts: &m.body.stmts,
                    parent: Some(i),
                    prelude,
                    hidden: super::desugar::service_api_names(&m.body.stmts),
                });
            }
        }
        i += 1;
    }
    out
}

/// Set up one scope per unit and the module names; inline modules are
/// reachable from their parent by their own name. Only files start with the
/// prelude's names: an inline module finds them through its file.
pub fn init_scopes(ck: &mut Checker, units: &[Unit], prelude: Scope) {
    for u in units {
        let mut s = Scope::default();
        if u.parent.is_none() {
            s.values.clone_from(&prelude.values);
            s.types.clone_from(&prelude.types);
        }
        s.hidden = u.hidden.iter().cloned().collect();
        ck.scopes.modules.push(s);
        ck.scopes.parents.push(u.parent);
        ck.scopes.module_names.push(u.name.clone());
        ck.scopes.aliases.push(HashMap::new());
        if u.prelude {
            ck.scopes
                .prelude_modules
                .insert(u.name.clone(), ck.scopes.modules.len() - 1);
        }
    }
    for (i, u) in units.iter().enumerate() {
        let stdlib_name = crate::stdlib::is_runtime_module(&u.name)
            || ck.scopes.prelude_modules.contains_key(&u.name);
        if !u.prelude && u.parent.is_none() && stdlib_name {
            ck.scopes.user_stdlib.insert(u.name.clone(), i);
        }
    }
    for (i, u) in units.iter().enumerate() {
        if let Some(p) = u.parent {
            let short = u.name.rsplit('.').next().unwrap_or(&u.name).to_string();
            ck.scopes.aliases[p].insert(short, i);
        }
    }
}

pub(super) fn path_text(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn module_by_name(ck: &Checker, name: &str) -> Option<usize> {
    ck.scopes.module_names.iter().position(|m| m == name)
}

/// The module a user `import`/`from` in unit `ui` names: an inline module
/// visible there (lexically, as for `M.f`), else a module by its full name;
/// a user module wins over the stdlib module of the same name; `None` means
/// the stdlib one.
fn import_target(ck: &Checker, units: &[Unit], ui: usize, name: &str) -> Option<usize> {
    let target = lexical_inline(ck, units, ui, name).or_else(|| module_by_name(ck, name));
    if crate::stdlib::is_runtime_module(name) {
        return target.filter(|t| !units[*t].prelude);
    }
    target
}

/// The inline module `name` denotes in unit `ui` by lexical scoping.
fn lexical_inline(ck: &Checker, units: &[Unit], ui: usize, name: &str) -> Option<usize> {
    ck.scopes
        .module_from(ui, name)
        .filter(|t| units[*t].parent.is_some() && !units[*t].prelude)
}

/// Resolve `import` declarations; returns the import graph edges (for the
/// cycle check).
pub fn imports(ck: &mut Checker, units: &[Unit]) -> Vec<Vec<usize>> {
    let mut edges = vec![Vec::new(); units.len()];
    for (ui, u) in units.iter().enumerate() {
        ck.file = u.file;
        for st in u.stmts {
            let (path, span) = match &st.kind {
                StmtKind::Item(Item::Import(d)) => (&d.path, d.span),
                StmtKind::Item(Item::FromImport(d)) => (&d.path, d.span),
                _ => continue,
            };
            let name = path_text(path);
            let target = import_target(ck, units, ui, &name);
            if target.is_none() && crate::stdlib::is_runtime_module(&name) {
                continue; // `import String` is allowed and changes nothing
            }
            if lexical_inline(ck, units, ui, &name).is_some() {
                // An inline module is already in scope by name; using it is
                // not an edge of the file import graph.
                continue;
            }
            let Some(target) = target else {
                ck.error(
                    Diagnostic::error(Some("E0031"), "module not found")
                        .with_message(format!("module `{name}` not found"))
                        .with_primary(u.file, path.span, format!("module `{name}` not found")),
                );
                continue;
            };
            edges[ui].push(target);
            ck.record_import(units[target].name.clone(), path.span);
            if let StmtKind::Item(Item::Import(_)) = &st.kind {
                let short = path
                    .segments
                    .last()
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                ck.scopes.aliases[ui].insert(short, target);
            }
            let _ = span;
        }
    }
    edges
}

/// Report import cycles, naming the modules in order.
pub fn check_cycles(ck: &mut Checker, units: &[Unit], edges: &[Vec<usize>]) {
    for scc in super::fns::tarjan(edges) {
        let cyclic = scc.len() > 1 || edges[scc[0]].contains(&scc[0]);
        if !cyclic {
            continue;
        }
        // Walk the cycle from its first member.
        let start = scc[0];
        let mut order = vec![start];
        let mut cur = start;
        while let Some(&next) = edges[cur]
            .iter()
            .find(|n| scc.contains(n) && (!order.contains(n) || **n == start))
        {
            if next == start {
                break;
            }
            order.push(next);
            cur = next;
        }
        let names: Vec<String> = order
            .iter()
            .chain(std::iter::once(&start))
            .map(|&i| units[i].name.clone())
            .collect();
        let u = &units[start];
        let span = u
            .stmts
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Item(Item::Import(d)) => Some(d.span),
                StmtKind::Item(Item::FromImport(d)) => Some(d.span),
                _ => None,
            })
            .unwrap_or_default();
        ck.error(
            Diagnostic::error(None, format!("import cycle: {}", names.join(" -> ")))
                .with_primary(u.file, span, "this import is part of the cycle")
                .with_help("move the shared items into a module both can import"),
        );
    }
}

/// `from M import a, b`: bind the names (types first pass, values second).
pub fn from_imports(ck: &mut Checker, units: &[Unit], values: bool) {
    for (ui, u) in units.iter().enumerate() {
        ck.file = u.file;
        for st in u.stmts {
            let StmtKind::Item(Item::FromImport(d)) = &st.kind else {
                continue;
            };
            let mname = path_text(&d.path);
            let stdlib = crate::stdlib::is_runtime_module(&mname);
            let target = import_target(ck, units, ui, &mname);
            for n in &d.names {
                // A user module shadowing a stdlib one falls back to it.
                let user_has =
                    target.is_some_and(|t| ck.scopes.modules[t].defined.contains(&n.text));
                if stdlib && !user_has {
                    if values {
                        bind_stdlib(ck, ui, &mname, &n.text, n.span, u.file);
                    }
                    continue;
                }
                let Some(t) = target else { continue };
                let src = &ck.scopes.modules[t];
                let v = src.values.get(&n.text).cloned();
                let ty = src.types.get(&n.text).cloned();
                let public = src.public.contains(&n.text);
                let defined_here = src.defined.contains(&n.text);
                if !defined_here {
                    if values {
                        let mut avail: Vec<String> = src.public.iter().cloned().collect();
                        avail.sort();
                        let mut d = Diagnostic::error(Some("E0034"), "name not found in module")
                            .with_message(if avail.is_empty() {
                                format!("`{}` is not exported by module `{mname}`", n.text)
                            } else {
                                format!(
                                    "`{}` is not exported by module `{mname}`; available: {}",
                                    n.text,
                                    avail.join(", ")
                                )
                            })
                            .with_primary(
                                u.file,
                                n.span,
                                format!("`{}` is not exported by module `{mname}`", n.text),
                            );
                        if !avail.is_empty() {
                            d = d.with_note(format!("available exports: {}", avail.join(", ")));
                        }
                        ck.error(d);
                    }
                    continue;
                }
                if !public {
                    if values {
                        ck.error(
                            Diagnostic::error(Some("E0035"), "private item cannot be imported")
                                .with_message(private_label(&n.text, &mname))
                                .with_primary(u.file, n.span, private_label(&n.text, &mname)),
                        );
                    }
                    continue;
                }
                if values {
                    ck.record_imported(v.as_ref(), ty.as_ref(), n.span);
                    if let Some(v) = v {
                        import_value(ck, ui, &n.text, v);
                    }
                    // Importing a sum type brings its constructors along
                    // (ruling 10); its variants are known by now.
                    if let Some(TypeRes::Adt(id)) = &ty {
                        let ctors: Vec<(String, ValueRes)> = ck.adts[id.0 as usize]
                            .variants()
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (v.name.clone(), ValueRes::Ctor(*id, i as u32)))
                            .collect();
                        for (cn, r) in ctors {
                            import_value(ck, ui, &cn, r);
                        }
                    }
                } else if let Some(ty) = ty {
                    let scope = &mut ck.scopes.modules[ui];
                    if !scope.defined.contains(&n.text) {
                        scope.types.insert(n.text.clone(), ty);
                    }
                }
            }
        }
    }
}

/// Bind an imported name in unit `ui`, unless the unit declares that name
/// itself: its own items shadow its imports.
fn import_value(ck: &mut Checker, ui: usize, name: &str, v: ValueRes) {
    let scope = &mut ck.scopes.modules[ui];
    if !scope.defined.contains(name) {
        scope.values.insert(name.to_string(), v);
    }
}

/// E0035's message, also its label (ruling 10: the label carries the help).
fn private_label(name: &str, module: &str) -> String {
    format!("`{name}` is private in module `{module}`; add `pub` to make it accessible")
}

fn bind_stdlib(ck: &mut Checker, ui: usize, module: &str, name: &str, span: Span, file: FileId) {
    use crate::types::builtins;
    let found = builtins::qualified(module, name)
        .map(ValueRes::Builtin)
        .or_else(|| {
            let pm = *ck.scopes.prelude_modules.get(module)?;
            ck.scopes.modules[pm].values.get(name).cloned()
        });
    if let Some(v) = found {
        ck.record_imported(Some(&v), None, span);
        import_value(ck, ui, name, v);
        return;
    }
    ck.error(
        Diagnostic::error(Some("E0034"), "name not found in module")
            .with_message(format!("`{name}` is not exported by module `{module}`"))
            .with_primary(
                file,
                span,
                format!("`{name}` is not exported by module `{module}`"),
            ),
    );
}

impl Checker<'_> {
    /// `M.x` from another unit: is `x` visible? Reports E0035 when not,
    /// naming the module as `written` (`Db`, not `Main.Db`).
    pub fn check_visible(&mut self, module: usize, written: &str, name: &str, span: Span) {
        // A module's own items and those of the modules around it are
        // visible in it (lexically), qualified or not.
        if self.scopes.encloses(module, self.scopes.current)
            || self.scopes.prelude_modules.values().any(|m| *m == module)
        {
            return;
        }
        // A module's parent sees only its `pub` items.
        if !self.scopes.modules[module].public.contains(name) {
            self.error(
                Diagnostic::error(Some("E0035"), "private item cannot be imported")
                    .with_message(private_label(name, written))
                    .with_primary(self.file, span, private_label(name, written)),
            );
        }
    }
}
