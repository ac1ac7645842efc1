//! Names declared twice. A repeated top-level name of a module (a type, an
//! interface, a module or service, a constructor) is E0023 like a repeated
//! function; a name repeated inside one declaration (a struct field, a
//! variant, a variant's named field, an interface method) or imported twice
//! is E0042. Functions and actors are checked where their clauses are
//! grouped (`decls::collect_fns`).

use std::collections::HashMap;

use super::modules::Unit;
use super::Checker;
use crate::diag::{Diagnostic, FileId};
use crate::syntax::ast::{Item, Name, Span, StmtKind};

/// Report every duplicate declaration of the units.
pub fn check(ck: &mut Checker, units: &[Unit]) {
    for u in units {
        let mut types = Seen::default();
        let mut modules = Seen::default();
        let mut ctors = Seen::default();
        // `import A.B` names a module, `from M import x` a value or type.
        let mut imported_modules = Seen::default();
        let mut imports = Seen::default();
        for st in u.stmts {
            let StmtKind::Item(item) = &st.kind else {
                continue;
            };
            match item {
                Item::Struct(s) => {
                    types.top(ck, u.file, &s.name);
                    let mut fields = Seen::default();
                    for f in &s.fields {
                        let what = format!("field `{}` in struct `{}`", f.name.text, s.name.text);
                        fields.member(ck, u.file, &f.name, what);
                    }
                }
                Item::SumType(s) => {
                    types.top(ck, u.file, &s.name);
                    let mut variants = Seen::default();
                    for v in &s.variants {
                        let what = format!("variant `{}` in type `{}`", v.name.text, s.name.text);
                        if variants.member(ck, u.file, &v.name, what) {
                            ctors.top(ck, u.file, &v.name);
                        }
                        let mut fields = Seen::default();
                        for n in v.fields.iter().filter_map(|f| f.name.as_ref()) {
                            let what = format!("field `{}` in variant `{}`", n.text, v.name.text);
                            fields.member(ck, u.file, n, what);
                        }
                    }
                }
                Item::TypeAlias(a) => types.top(ck, u.file, &a.name),
                Item::Interface(d) => {
                    types.top(ck, u.file, &d.name);
                    let mut methods = Seen::default();
                    for m in &d.methods {
                        let what =
                            format!("method `{}` in interface `{}`", m.name.text, d.name.text);
                        methods.member(ck, u.file, &m.name, what);
                    }
                }
                Item::Module(m) => modules.top(ck, u.file, &m.name),
                Item::Import(i) => {
                    if let Some(n) = i.path.segments.last() {
                        let what = format!("import of `{}`", n.text);
                        imported_modules.member(ck, u.file, n, what);
                    }
                }
                Item::FromImport(i) => {
                    for n in &i.names {
                        imports.member(ck, u.file, n, format!("import of `{}`", n.text));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Names met so far in one namespace, with where they were first declared.
#[derive(Default)]
struct Seen(HashMap<String, Span>);

impl Seen {
    /// A top-level name: E0023 when repeated.
    fn top(&mut self, ck: &mut Checker, file: FileId, n: &Name) {
        if let Some(prev) = self.0.get(&n.text) {
            ck.error(
                Diagnostic::error(Some("E0023"), format!("`{}` is already defined", n.text))
                    .with_primary(file, n.span, "defined again here")
                    .with_secondary(file, *prev, "first defined here"),
            );
        } else {
            self.0.insert(n.text.clone(), n.span);
        }
    }

    /// A name inside one declaration (or an import): E0042 when repeated.
    /// Returns whether it is new.
    fn member(&mut self, ck: &mut Checker, file: FileId, n: &Name, what: String) -> bool {
        if let Some(prev) = self.0.get(&n.text) {
            ck.error(
                Diagnostic::error(Some("E0042"), format!("duplicate {what}"))
                    .with_primary(file, n.span, "declared again here")
                    .with_secondary(file, *prev, "first declared here"),
            );
            return false;
        }
        self.0.insert(n.text.clone(), n.span);
        true
    }
}
