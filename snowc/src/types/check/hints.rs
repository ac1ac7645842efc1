//! Suggestions attached to diagnostics: "did you mean" for module members
//! and type names, pointers for habits brought from Elixir, and concrete
//! conversion texts.

use super::scope::{closest, TypeRes};
use super::{Checker, Trait};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, Expr, ExprKind, Span};
use crate::types::builtins;
use crate::types::tast::TExpr;
use crate::types::ty::{Ty, TyCon, BUILTIN_IFACES, DISPLAY};

/// What kind of type name a position accepts (for suggestions).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TypeWant {
    Type,
    Struct,
    Iface,
}

/// `Enum.each` and `List.each`: Snow iterates for effects with `for`.
const EACH_HINT: &str = "run code for each element with `for x in xs do ... end`";

/// The longest operand text quoted in a suggestion.
const MAX_QUOTED: usize = 24;

impl Checker<'_> {
    /// Adds "did you mean" for an unknown type `name` of the kind `want`
    /// accepts: the nearest such type visible here, or for a qualified
    /// `M.name` the nearest of module `M`'s.
    pub fn with_type_hint(&self, d: Diagnostic, name: &str, want: TypeWant) -> Diagnostic {
        let fits = |r: &TypeRes| match want {
            TypeWant::Type => !matches!(r, TypeRes::Iface(_)),
            TypeWant::Struct => {
                matches!(r, TypeRes::Adt(id) if self.adts[id.0 as usize].is_struct())
            }
            TypeWant::Iface => matches!(r, TypeRes::Iface(_)),
        };
        let names = |types: Vec<(String, TypeRes)>| -> Vec<String> {
            types
                .into_iter()
                .filter(|(_, r)| fits(r))
                .map(|(n, _)| n)
                .collect()
        };
        let guess = match name.rsplit_once('.') {
            None => closest(name, names(self.scopes.all_types())),
            Some((m, n)) => self.scopes.module_index(m).and_then(|mi| {
                let types = &self.scopes.modules[mi].types;
                let all = types.iter().map(|(n, r)| (n.clone(), r.clone())).collect();
                closest(n, names(all)).map(|c| format!("{m}.{c}"))
            }),
        };
        let protocol = (want == TypeWant::Iface).then(|| derive_only_protocol(name));
        if let Some(h) = protocol.flatten() {
            return d.with_help(h);
        }
        match guess {
            Some(c) => d.with_help(format!("did you mean `{c}`?")),
            None => d,
        }
    }

    /// The help for `M.name` when module `M` has no `name`: the Snow
    /// spelling of an Elixir habit, else the nearest member.
    pub fn member_hint(&self, m: &str, name: &str) -> Option<String> {
        let elixir = match (m, name) {
            ("IO", "puts") => Some("Snow prints a line with `println(text)`"),
            ("IO", "write") => Some("Snow prints without a newline with `print(text)`"),
            ("IO", "inspect") => {
                Some("`inspect(x)` gives the debug text of a value; print it with `println`")
            }
            (_, "each" | "for_each") => Some(EACH_HINT),
            ("Json" | "JSON", "decode") => Some(
                "`Json.parse(text)` reads any JSON into a `Json` value; \
                 `T.from_json(text)` decodes into a type `T` with `deriving(Json)`",
            ),
            _ => None,
        };
        if let Some(h) = elixir {
            return Some(h.to_string());
        }
        let mut names: Vec<String> = Vec::new();
        if crate::stdlib::is_runtime_module(m) {
            names.extend(
                builtins::member_names()
                    .filter(|n| builtins::qualified(m, n).is_some())
                    .map(str::to_string),
            );
        }
        if let Some(&pm) = self.scopes.prelude_modules.get(m) {
            names.extend(self.scopes.modules[pm].values.keys().cloned());
        }
        if let Some(mi) = self.scopes.module_index(m) {
            // What `M.x` may name from here: its own values, public ones
            // unless we are inside `M`.
            let md = &self.scopes.modules[mi];
            let inside = mi == self.scopes.current;
            names.extend(
                md.defined
                    .iter()
                    .filter(|n| md.values.contains_key(*n) && (inside || md.public.contains(*n)))
                    .cloned(),
            );
        }
        closest(name, names).map(|c| format!("did you mean `{m}.{c}`?"))
    }

    /// `segs` (`Models.Item.Kind.Part`) starts with the full name of a
    /// module imported here by its last segment (`import Models.Item`),
    /// which is its only name (chapter 1 §5.9): the help spelling it so.
    pub fn imported_module_hint(&self, segs: &[&str]) -> Option<String> {
        let modules = self.scopes.visible_modules();
        (2..=segs.len()).rev().find_map(|j| {
            let full = segs[..j].join(".");
            let (alias, _) = modules
                .iter()
                .find(|(_, mi)| self.scopes.module_names[*mi] == full)?;
            let written: Vec<&str> = std::iter::once(alias.as_str())
                .chain(segs[j..].iter().copied())
                .collect();
            let whole = if j == segs.len() {
                format!(" for `{full}`")
            } else {
                String::new()
            };
            Some(format!(
                "an imported module is named by its last segment: write `{}`{whole}",
                written.join(".")
            ))
        })
    }

    /// `M.name` where `M` is neither a value, a module nor a type:
    /// reported once here (E0004 on `M`), so no "cannot infer" follows
    /// for the member. The arguments are still checked for their own
    /// errors.
    pub fn unknown_qualifier(
        &mut self,
        m: &str,
        base: &Expr,
        name: &ast::Name,
        args: &[Expr],
        span: Span,
    ) -> Option<TExpr> {
        if m.contains('.') || builtins::prelude(m).is_some() || builtins::prelude_alias(m).is_some()
        {
            return None;
        }
        let mut d = Diagnostic::error(Some("E0004"), format!("undefined variable: {m}"))
            .with_message(format!("unbound variable `{m}`"))
            .with_primary(self.file, base.span, "not found in this scope");
        let habit = match m {
            "Enum" if matches!(name.text.as_str(), "each" | "for_each") => {
                Some(format!("Snow has no `Enum` module; {EACH_HINT}"))
            }
            "Enum" => Some(self.elixir_module_hint(m, "List", &name.text)),
            "Integer" => Some(self.elixir_module_hint(m, "Int", &name.text)),
            _ => None,
        };
        let habit = habit.or_else(|| self.imported_module_hint(&[m, &name.text]));
        let guess = habit.or_else(|| {
            let mut names = self.scopes.all_value_names();
            names.extend(self.scopes.all_types().into_iter().map(|(n, _)| n));
            names.extend(self.scopes.prelude_modules.keys().cloned());
            if let Some(a) = self.scopes.aliases.get(self.scopes.current) {
                names.extend(a.keys().cloned());
            }
            closest(m, names).map(|c| format!("did you mean `{c}`?"))
        });
        if let Some(h) = guess {
            d = d.with_help(h);
        }
        self.error(d);
        self.infer_orphan_args(args);
        Some(self.error_expr(span))
    }

    /// The arguments of a call already reported as wrong, checked for
    /// their own errors. Closures among them get poisoned parameter and
    /// result types, so their bodies cause no "cannot infer" follow-ups.
    pub fn infer_orphan_args(&mut self, args: &[Expr]) -> Vec<TExpr> {
        args.iter()
            .map(|a| {
                if let ExprKind::Closure(c) = &a.kind {
                    let n = c.clauses.first().map_or(0, |cl| cl.params.len());
                    let ps = (0..n).map(|_| self.poisoned_var()).collect();
                    let r = self.poisoned_var();
                    self.closure_hint = Some(Ty::Fun(ps, Box::new(r)));
                }
                let x = self.infer_expr(a);
                self.closure_hint = None;
                x
            })
            .collect()
    }

    /// Elixir's module `elixir` is Snow's `snow`: name the function when
    /// `snow` has it.
    fn elixir_module_hint(&self, elixir: &str, snow: &str, name: &str) -> String {
        let has =
            builtins::qualified(snow, name).is_some() || self.module_value(snow, name).is_some();
        if has {
            format!("Snow has no `{elixir}` module; use `{snow}.{name}`")
        } else {
            format!("Snow has no `{elixir}` module; see the `{snow}` module")
        }
    }

    /// The help of E0006 for `t` (the culprit) lacking `tr` (named `tn`):
    /// `<>` for strings added with `+`; `deriving` or an `impl` only where
    /// one can be written (never for Pids, functions, tuples).
    pub fn unsatisfied_help(&self, t: &Ty, tr: Trait, tn: &str) -> Option<String> {
        let t = self.sub.zonk(t);
        let show = tr == Trait::Show || tr == Trait::Iface(DISPLAY);
        let name = match &t {
            Ty::Con(TyCon::String, _) if tr == Trait::Num("Add") => {
                return Some("use `<>` to concatenate strings".into())
            }
            Ty::Con(TyCon::List, _) if tr == Trait::Num("Add") => {
                return Some("use `++` to concatenate lists".into())
            }
            Ty::Con(TyCon::Pid, _) if show => {
                return Some("a `Pid` has no text form and cannot be converted to a string".into())
            }
            Ty::Fun(..) if show => {
                return Some(
                    "a function has no text form and cannot be converted to a string".into(),
                )
            }
            Ty::Con(TyCon::Adt(id), _) => {
                let adt = &self.adts[id.0 as usize];
                let derivable =
                    match tr {
                        Trait::Eq => Some("Eq"),
                        Trait::Ord => Some("Ord"),
                        Trait::Show => Some("Display"),
                        Trait::Debug => Some("Debug"),
                        Trait::Iface(i) => ["Display", "Debug", "Eq", "Ord", "Hash"]
                            .into_iter()
                            .find(|n| {
                                self.ifaces[i.0 as usize].name == *n && BUILTIN_IFACES.contains(n)
                            }),
                        _ => None,
                    };
                if let (Some(dn), false) = (derivable, adt.module.is_empty()) {
                    let n = &adt.name;
                    let what = if dn == "Ord" && !adt.derives.eq {
                        "Eq, Ord"
                    } else {
                        dn
                    };
                    let derive = if self.explicit_derives.contains_key(id) {
                        format!("add `{what}` to the `deriving(...)` of `{n}`")
                    } else {
                        format!("add `deriving({what})` to `{n}`")
                    };
                    let inspect = if show && adt.derives.debug {
                        "; `inspect(...)` gives its debug text"
                    } else {
                        ""
                    };
                    return Some(format!(
                        "{derive}, or write `impl {dn} for {n} do ... end`{inspect}"
                    ));
                }
                adt.name.clone()
            }
            Ty::Con(c, _) if *c != TyCon::Pid => {
                // The type's name without arguments: an impl target.
                let shown = self.show(&t);
                shown.split('<').next().unwrap_or(&shown).to_string()
            }
            _ => return None,
        };
        Some(format!("add `impl {tn} for {name} do ... end`"))
    }

    /// The help for mixing `Int` and `Float` operands `a` and `b`:
    /// convert the Int side, quoting it when short.
    pub fn int_float_hint(&self, a: &Expr, at: &Ty, b: &Expr, bt: &Ty) -> Option<String> {
        let is = |t: &Ty, c: TyCon| matches!(self.sub.zonk(t), Ty::Con(x, _) if x == c);
        let int_side = if is(at, TyCon::Int) && is(bt, TyCon::Float) {
            a
        } else if is(at, TyCon::Float) && is(bt, TyCon::Int) {
            b
        } else {
            return None;
        };
        let text = self.source_text(int_side.span);
        let arg = if text.is_empty() || text.len() > MAX_QUOTED || text.contains('\n') {
            "..."
        } else {
            text
        };
        Some(format!("use Float conversion: `Int.to_float({arg})`"))
    }

    /// The source text at `span` in the current file ("" if out of range).
    pub fn source_text(&self, span: Span) -> &str {
        self.sources
            .files
            .get(self.file.0 as usize)
            .and_then(|f| f.text.get(span.start as usize..span.end as usize))
            .unwrap_or("")
    }

    /// A function whose last expression is a `for` returns the list the
    /// loop builds; when the declared result is something else, say so at
    /// the `for` rather than at the whole body.
    pub fn report_for_result(&mut self, expected: &Ty, found: &Ty, for_span: Span) {
        let (es, fs) = (self.show(expected), self.show(found));
        let kw = Span::new(for_span.start, (for_span.start + 3).min(for_span.end));
        self.error(
            Diagnostic::error(Some("E0001"), format!("expected {es}, found {fs}"))
                .with_message(format!("type mismatch: expected `{es}`, found `{fs}`"))
                .with_primary(self.file, kw, format!("this `for` builds a `{fs}`"))
                .with_note(
                    "a `for` whose value is used builds a list of its body's values; as the last expression it is the function's result",
                )
                .with_help(format!("end the function with the `{es}` value to return, after the loop")),
        );
    }
}

/// The help for naming `FromRow` / `FromJson` as an interface: they are
/// what a derive provides, not interfaces a program can name.
fn derive_only_protocol(name: &str) -> Option<String> {
    let (derive, f) = match name {
        "FromRow" => ("Row", "from_row"),
        "FromJson" => ("Json", "from_json"),
        _ => return None,
    };
    Some(format!(
        "`{name}` cannot be named in Snow: `deriving({derive})` gives a type its `{f}`; \
         a generic function takes the decoder as an argument (pass `Item.{f}`)"
    ))
}
