//! Lexical scopes for values and types.

use std::collections::{HashMap, HashSet};

use crate::types::tast::{Builtin, FnId, LocalId};
use crate::types::ty::{AdtId, GenId, IfaceId, Ty, TyCon};

#[derive(Clone, Debug)]
pub enum ValueRes {
    /// A local; `gens` non-empty for a let-polymorphic binding.
    Local {
        id: LocalId,
        gens: Vec<GenId>,
        ty: Ty,
        /// Requirements on `gens`, re-checked at each use.
        cons: Vec<(Ty, super::Trait)>,
    },
    Fn(FnId),
    Ctor(AdtId, u32),
    Builtin(Builtin),
}

#[derive(Clone, Debug)]
pub enum TypeRes {
    Prim(TyCon, usize),
    Unit,
    Adt(AdtId),
    Alias(Vec<GenId>, Ty),
    Gen(GenId),
    Iface(IfaceId),
}

#[derive(Default, Debug)]
pub struct Scope {
    pub values: HashMap<String, ValueRes>,
    pub types: HashMap<String, TypeRes>,
    /// Module scopes: names declared `pub` here.
    pub public: HashSet<String>,
    /// Module scopes: names declared in this module itself.
    pub defined: HashSet<String>,
    /// Module scopes: names reachable only qualified (`S.start`), skipped
    /// by bare-name lookup inside the module (a service's generated items).
    pub hidden: HashSet<String>,
}

/// The scope chain: local scopes (innermost last) above the current
/// module's scope.
#[derive(Default, Debug)]
pub struct Scopes {
    pub stack: Vec<Scope>,
    pub modules: Vec<Scope>,
    pub module_names: Vec<String>,
    pub current: usize,
    /// Per unit: the unit it is nested in (inline modules and services).
    /// Bare names not found in a unit are looked up there: lexical scoping.
    pub parents: Vec<Option<usize>>,
    /// Per unit: module names it may use (imports, inline modules).
    pub aliases: Vec<HashMap<String, usize>>,
    /// The Snow-written stdlib modules, usable everywhere by name.
    pub prelude_modules: HashMap<String, usize>,
    /// User file modules named like a stdlib module (`math.snow`): usable
    /// everywhere by name like the module they shadow (chapter 03 §3.1.3).
    pub user_stdlib: HashMap<String, usize>,
}

impl Scopes {
    pub fn push(&mut self) {
        self.stack.push(Scope::default());
    }
    pub fn pop(&mut self) {
        self.stack.pop();
    }
    pub fn bind_value(&mut self, name: &str, r: ValueRes) {
        if let Some(s) = self.stack.last_mut() {
            s.values.insert(name.to_string(), r);
        }
    }
    pub fn bind_type(&mut self, name: &str, r: TypeRes) {
        if let Some(s) = self.stack.last_mut() {
            s.types.insert(name.to_string(), r);
        }
    }
    pub fn value(&self, name: &str) -> Option<&ValueRes> {
        self.stack
            .iter()
            .rev()
            .find_map(|s| s.values.get(name))
            .or_else(|| self.unit_value(self.current, name))
    }
    pub fn ty(&self, name: &str) -> Option<&TypeRes> {
        self.stack
            .iter()
            .rev()
            .find_map(|s| s.types.get(name))
            .or_else(|| self.in_units(self.current, name, |s| &s.types))
    }

    /// The type a written name denotes: bare `T` lexically, `M.T` (also
    /// `A.B.T`) among module `M`'s own types (chapter 1 §9), with that
    /// module for the visibility check.
    pub fn path_ty(&self, path: &str) -> Option<(Option<usize>, &TypeRes)> {
        let Some((m, name)) = path.rsplit_once('.') else {
            return self.ty(path).map(|t| (None, t));
        };
        let mi = self.module_index(m)?;
        let s = &self.modules[mi];
        let own = s.defined.contains(name) || self.is_prelude(mi);
        s.types.get(name).filter(|_| own).map(|t| (Some(mi), t))
    }

    /// `path_ty` with an alias of a named type (`type S = Shape`) standing
    /// for that type, so `S.Circle(r)`, `S.from_json` and `M.S.Circle`
    /// reach its members as they would through `Shape`.
    pub fn path_ty_seen_through(&self, path: &str) -> Option<(Option<usize>, TypeRes)> {
        self.path_ty(path).map(|(mi, t)| match t {
            TypeRes::Alias(_, Ty::Con(TyCon::Adt(id), _)) => (mi, TypeRes::Adt(*id)),
            t => (mi, t.clone()),
        })
    }

    /// `unit` and the units it is nested in, innermost first.
    fn enclosing(&self, unit: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(unit), |u| self.parents.get(*u).copied().flatten())
    }

    /// Is `outer` the unit `unit` or one it is nested in?
    pub fn encloses(&self, outer: usize, unit: usize) -> bool {
        self.enclosing(unit).any(|u| u == outer)
    }

    /// A bare name at the top of unit `unit` (no locals): its own items
    /// and imports, then those of the enclosing units.
    pub fn unit_value(&self, unit: usize, name: &str) -> Option<&ValueRes> {
        self.in_units(unit, name, |s| &s.values)
    }

    fn in_units<'s, T>(
        &'s self,
        unit: usize,
        name: &str,
        table: impl Fn(&'s Scope) -> &'s HashMap<String, T>,
    ) -> Option<&'s T> {
        self.enclosing(unit).find_map(|u| {
            let s = self.modules.get(u)?;
            table(s).get(name).filter(|_| !s.hidden.contains(name))
        })
    }

    /// The module `name` refers to in the current unit.
    pub fn module_index(&self, name: &str) -> Option<usize> {
        self.module_from(self.current, name)
    }

    /// The module `name` refers to in unit `unit`: its imports and inline
    /// modules, then those of the enclosing units, then stdlib names.
    pub fn module_from(&self, unit: usize, name: &str) -> Option<usize> {
        if let Some((head, rest)) = name.split_once('.') {
            // `Outer.Inner`: walk the inline modules' own names.
            let outer = self.module_from(unit, head)?;
            return self.inner_module(outer, rest);
        }
        self.enclosing(unit)
            .find_map(|u| self.aliases.get(u)?.get(name))
            .or_else(|| {
                // The stdlib itself never sees user modules.
                if self.is_prelude(unit) {
                    return None;
                }
                self.user_stdlib.get(name)
            })
            .or_else(|| self.prelude_modules.get(name))
            .copied()
    }

    /// `Inner.More` named inside module `outer` (no lexical fallback).
    fn inner_module(&self, outer: usize, path: &str) -> Option<usize> {
        let (first, more) = match path.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (path, None),
        };
        let m = *self.aliases.get(outer)?.get(first)?;
        match more {
            Some(more) => self.inner_module(m, more),
            None => Some(m),
        }
    }

    /// The module names usable in the current unit (imports and inline
    /// modules, its own and its enclosing units'), with their modules.
    pub fn visible_modules(&self) -> Vec<(String, usize)> {
        let mut seen = HashSet::new();
        let mut v: Vec<(String, usize)> = self
            .enclosing(self.current)
            .filter_map(|u| self.aliases.get(u))
            .flat_map(|a| a.iter().map(|(n, m)| (n.clone(), *m)))
            .filter(|(n, _)| seen.insert(n.clone()))
            .collect();
        v.sort();
        v
    }

    /// Is `unit` part of the Snow-written stdlib?
    pub fn is_prelude(&self, unit: usize) -> bool {
        self.prelude_modules.values().any(|m| *m == unit)
    }

    /// All value names visible (for "did you mean"), without the
    /// compiler's internal names (`handle__`, `state__`, ...).
    pub fn all_value_names(&self) -> Vec<String> {
        let units = self
            .enclosing(self.current)
            .filter_map(|u| self.modules.get(u));
        let mut v: Vec<String> = self
            .stack
            .iter()
            .flat_map(|s| s.values.keys())
            .chain(units.flat_map(|s| s.values.keys().filter(|n| !s.hidden.contains(*n))))
            .filter(|n| !n.ends_with("__"))
            .cloned()
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// All types visible (for "did you mean").
    pub fn all_types(&self) -> Vec<(String, TypeRes)> {
        self.stack
            .iter()
            .chain(self.modules.get(self.current))
            .flat_map(|s| s.types.iter().map(|(n, r)| (n.clone(), r.clone())))
            .collect()
    }
}

/// The candidate nearest to `name` within edit distance 2 (chapter 02
/// §10) and at most half its length (so `Foo` does not suggest `Bool`),
/// with the same case of its initial (a value is not a constructor), ties
/// broken alphabetically; internal `__` names never.
pub fn closest(name: &str, candidates: impl IntoIterator<Item = String>) -> Option<String> {
    let limit = (name.chars().count() / 2).min(2);
    let upper = |s: &str| s.starts_with(|c: char| c.is_uppercase());
    candidates
        .into_iter()
        .filter(|c| c != name && !c.starts_with("__") && upper(c) == upper(name))
        .map(|c| (edit_distance(name, &c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance for suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
