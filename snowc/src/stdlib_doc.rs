//! The standard library as the compiler sees it, for the generated tables of
//! `docs/reference/stdlib.md` (the `docs_stdlib` test renders and compares
//! them). Every source of stdlib names is read here: the runtime table
//! (`stdlib::RT_FNS`), the special forms (`types::builtins::SPECIALS`) and
//! the modules written in Snow (`prelude/`), whose signatures are inferred
//! by type-checking them.

use crate::diag::{SourceFile, SourceMap};
use crate::stdlib::{self, RT_FNS};
use crate::syntax::ast::{Item, StmtKind};
use crate::types::builtins::{self, SPECIALS};
use crate::types::tast::Builtin;
use crate::types::ty::{AdtDef, GenId, Ty, TyDisplay};
use std::collections::BTreeMap;

/// A function reached as `Module.name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFn {
    pub module: String,
    pub name: String,
    /// `(P1, P2) -> R`, type parameters named `T`, `U`, ... in order of
    /// appearance.
    pub sig: String,
    /// The flat alias (`string_length`), when the compiler accepts it.
    pub flat: Option<String>,
}

/// A function reached by a bare name (`println`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalFn {
    pub name: String,
    pub sig: String,
    /// `Module.name` when the global is another name for it.
    pub same_as: Option<String>,
}

/// What a stdlib name resolves to, for comparing aliases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target<'a> {
    Builtin(Builtin),
    Snow(&'a str, &'a str),
}

/// Everything collected once: the inferred prelude signatures and the
/// type names needed to print signatures.
struct Stdlib {
    adts: Vec<AdtDef>,
    /// `(module, name)` of each public Snow-written function → signature.
    snow: BTreeMap<(String, String), String>,
}

/// Prints `ty`, naming its type parameters `T`, `U`, `V`, ... by first
/// appearance.
pub(crate) fn render(ty: &Ty, adts: &[AdtDef]) -> String {
    fn collect(t: &Ty, out: &mut Vec<GenId>) {
        match t {
            Ty::Gen(g) if !out.contains(g) => out.push(*g),
            Ty::Con(_, ts) | Ty::Tuple(ts) => ts.iter().for_each(|t| collect(t, out)),
            Ty::Fun(ps, r) => {
                ps.iter().for_each(|t| collect(t, out));
                collect(r, out);
            }
            _ => {}
        }
    }
    let mut order = Vec::new();
    collect(ty, &mut order);
    let names = |g: GenId| {
        let i = order.iter().position(|x| *x == g)?;
        Some(
            ["T", "U", "V", "W", "X", "Y"]
                .get(i)
                .map_or_else(|| format!("T{i}"), |n| n.to_string()),
        )
    };
    TyDisplay {
        ty,
        adts,
        gen_names: &names,
    }
    .to_string()
}

impl Stdlib {
    fn load() -> Stdlib {
        let mut sources = SourceMap::default();
        sources.add(SourceFile {
            path: "main.snow".into(),
            module: "Main".into(),
            text: "fn main() do\nend\n".into(),
        });
        crate::prelude::add_to(&mut sources);
        let parsed = crate::syntax::parse_all(&sources).expect("the prelude parses");
        let (program, _) =
            crate::types::check_program(&sources, &parsed).expect("the prelude type-checks");
        let mut snow = BTreeMap::new();
        for file in &parsed {
            let module = &sources.get(file.file).module;
            for stmt in &file.ast.stmts {
                let StmtKind::Item(Item::Fn(f)) = &stmt.kind else {
                    continue;
                };
                if !f.is_pub || snow.contains_key(&(module.clone(), f.name.text.clone())) {
                    continue;
                }
                let qualified = format!("{module}.{}", f.name.text);
                let Some(tf) = program.fns.iter().find(|t| t.name == qualified) else {
                    continue;
                };
                let params = tf.params.iter().map(|p| program.local(*p).ty.clone());
                let ty = Ty::Fun(params.collect(), Box::new(tf.ret.clone()));
                let sig = render(&ty, &program.adts);
                snow.insert((module.clone(), f.name.text.clone()), sig);
            }
        }
        Stdlib {
            adts: program.adts,
            snow,
        }
    }

    fn builtin_sig(&self, b: Builtin) -> String {
        if let Some(s) = builtins::doc_signature(b) {
            return s.to_string();
        }
        match (b, builtins::sig(b).ty) {
            // A constant (`Math.pi`) is written without a call: its type.
            (Builtin::Rt(i), Ty::Fun(_, r)) if RT_FNS[i as usize].has(stdlib::CONST) => {
                render(&r, &self.adts)
            }
            (_, ty) => render(&ty, &self.adts),
        }
    }

    /// What `Module.name` means, looking where the checker looks: a
    /// Snow-written module first, then the special forms and the runtime
    /// table.
    fn qualified<'a>(&self, module: &'a str, name: &'a str) -> Option<Target<'a>> {
        if self
            .snow
            .contains_key(&(module.to_string(), name.to_string()))
        {
            return Some(Target::Snow(module, name));
        }
        builtins::qualified(module, name).map(Target::Builtin)
    }

    /// What a bare name means (as in `check/expr.rs`).
    fn bare(&self, name: &str) -> Option<Target<'static>> {
        if let Some(b) = builtins::prelude(name) {
            return Some(Target::Builtin(b));
        }
        builtins::prelude_alias(name).map(|(m, f)| Target::Snow(m, f))
    }

    fn module_fns(&self) -> Vec<ModuleFn> {
        let mut names: Vec<(String, String)> = RT_FNS
            .iter()
            .filter(|f| !f.name.starts_with("__"))
            .map(|f| (f.module.to_string(), f.name.to_string()))
            .chain(
                SPECIALS
                    .iter()
                    .filter(|s| !s.module.is_empty())
                    .map(|s| (s.module.to_string(), s.name.to_string())),
            )
            .chain(self.snow.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter_map(|(module, name)| {
                let target = self.qualified(&module, &name)?;
                let sig = match target {
                    Target::Snow(..) => self.snow[&(module.clone(), name.clone())].clone(),
                    Target::Builtin(b) => self.builtin_sig(b),
                };
                let flat = format!("{}_{name}", module.to_lowercase());
                let flat = (self.bare(&flat) == Some(target)).then_some(flat);
                Some(ModuleFn {
                    module,
                    name,
                    sig,
                    flat,
                })
            })
            .chain(self.protocol_members())
            .collect()
    }

    /// `Int.to_string`, `Float.inspect`, ...: the built-in protocol methods
    /// as members of the scalar modules, at the module's type.
    fn protocol_members(&self) -> Vec<ModuleFn> {
        let mut out = Vec::new();
        for module in stdlib::MODULES.iter().filter(|m| m.protocols) {
            let module = module.name;
            let recv = builtins::protocol_module(module).expect("a scalar module");
            for (name, _, b) in builtins::PROTOCOL_METHODS {
                let Ty::Fun(_, r) = builtins::sig(*b).ty else {
                    continue;
                };
                out.push(ModuleFn {
                    module: module.to_string(),
                    name: name.to_string(),
                    sig: render(&Ty::Fun(vec![recv.clone()], r), &self.adts),
                    flat: None,
                });
            }
        }
        out
    }

    fn globals(&self, module_fns: &[ModuleFn]) -> Vec<GlobalFn> {
        let mut names: Vec<&str> = SPECIALS
            .iter()
            .filter(|s| s.flags & stdlib::GLOBAL != 0)
            .map(|s| s.name)
            .chain(
                RT_FNS
                    .iter()
                    .filter(|f| f.has(stdlib::GLOBAL))
                    .map(|f| f.name),
            )
            .chain(module_fns.iter().map(|f| f.name.as_str()))
            .filter(|n| !n.starts_with("__"))
            .collect();
        names.sort();
        names.dedup();
        let is_flat = |n: &str| module_fns.iter().any(|f| f.flat.as_deref() == Some(n));
        names
            .into_iter()
            .filter(|n| !is_flat(n))
            .filter_map(|name| {
                let target = self.bare(name)?;
                let same_as = module_fns
                    .iter()
                    .find(|f| self.qualified(&f.module, &f.name) == Some(target))
                    .map(|f| format!("{}.{}", f.module, f.name));
                let sig = match target {
                    Target::Builtin(b) => self.builtin_sig(b),
                    Target::Snow(m, f) => self.snow[&(m.to_string(), f.to_string())].clone(),
                };
                Some(GlobalFn {
                    name: name.to_string(),
                    sig,
                    same_as,
                })
            })
            .collect()
    }
}

/// Every `Module.name` stdlib function, sorted by module and name.
pub fn module_functions() -> Vec<ModuleFn> {
    Stdlib::load().module_fns()
}

/// Every bare-name stdlib function that is not a flat alias, sorted.
pub fn global_functions() -> Vec<GlobalFn> {
    let lib = Stdlib::load();
    let fns = lib.module_fns();
    lib.globals(&fns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_of_each_source() {
        let fns = module_functions();
        let sig = |m: &str, n: &str| {
            fns.iter()
                .find(|f| f.module == m && f.name == n)
                .unwrap_or_else(|| panic!("{m}.{n} missing"))
                .clone()
        };
        // The runtime table.
        assert_eq!(sig("String", "length").sig, "(String) -> Int");
        assert_eq!(sig("Map", "find").sig, "(Map<T, U>, T) -> Option<U>");
        assert_eq!(sig("Map", "put").sig, "(Map<T, U>, T, U) -> Map<T, U>");
        assert_eq!(sig("Math", "pi").sig, "Float");
        // Special forms.
        assert_eq!(sig("Tuple", "first").sig, "((T, ...)) -> T");
        assert_eq!(
            sig("List", "sort").sig,
            "(List<T>, (T, T) -> Int) -> List<T>"
        );
        // Written in Snow and inferred.
        assert_eq!(sig("List", "map").sig, "(List<T>, (T) -> U) -> List<U>");
        assert_eq!(sig("Option", "unwrap_or").sig, "(Option<T>, T) -> T");
        // Flat names only where the compiler accepts them.
        assert_eq!(
            sig("String", "length").flat.as_deref(),
            Some("string_length")
        );
        assert_eq!(sig("List", "map").flat.as_deref(), Some("list_map"));
        assert_eq!(sig("Option", "map").flat, None);
        assert_eq!(sig("Math", "sqrt").flat, None);
        // Internal entries stay hidden.
        assert!(fns.iter().all(|f| !f.name.starts_with("__")));
    }

    #[test]
    fn globals_name_their_module_function() {
        let g = global_functions();
        let find = |n: &str| g.iter().find(|f| f.name == n).cloned();
        let println = find("println").unwrap();
        assert_eq!(println.sig, "(String) -> ()");
        assert_eq!(println.same_as.as_deref(), Some("IO.println"));
        assert_eq!(find("map").unwrap().same_as.as_deref(), Some("List.map"));
        assert_eq!(find("head").unwrap().same_as.as_deref(), Some("List.head"));
        assert_eq!(find("to_string").unwrap().same_as, None);
        // Flat names are listed with their functions, not as globals.
        assert!(find("string_length").is_none());
        assert!(find("list_map").is_none());
    }
}
