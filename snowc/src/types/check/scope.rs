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
}

/// The scope chain: local scopes (innermost last) above the current
/// module's scope.
#[derive(Default, Debug)]
pub struct Scopes {
    pub stack: Vec<Scope>,
    pub modules: Vec<Scope>,
    pub module_names: Vec<String>,
    pub current: usize,
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
            .or_else(|| self.modules.get(self.current)?.values.get(name))
    }
    pub fn ty(&self, name: &str) -> Option<&TypeRes> {
        self.stack
            .iter()
            .rev()
            .find_map(|s| s.types.get(name))
            .or_else(|| self.modules.get(self.current)?.types.get(name))
    }
    /// The module `name` refers to in the current unit.
    pub fn module_index(&self, name: &str) -> Option<usize> {
        self.module_from(self.current, name)
    }

    /// The module `name` refers to in unit `unit`.
    pub fn module_from(&self, unit: usize, name: &str) -> Option<usize> {
        if let Some((head, rest)) = name.split_once('.') {
            // `Outer.Inner`: walk the inline modules' own names.
            let outer = self.module_from(unit, head)?;
            return self
                .aliases
                .get(outer)?
                .get(rest.split('.').next()?)
                .copied()
                .and_then(|m| match rest.split_once('.') {
                    Some((_, more)) => self.module_from(m, more),
                    None => Some(m),
                });
        }
        self.aliases
            .get(unit)
            .and_then(|a| a.get(name))
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

    /// Is `unit` part of the Snow-written stdlib?
    pub fn is_prelude(&self, unit: usize) -> bool {
        self.prelude_modules.values().any(|m| *m == unit)
    }

    /// All value names visible (for "did you mean").
    pub fn all_value_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .stack
            .iter()
            .chain(self.modules.get(self.current))
            .flat_map(|s| s.values.keys().cloned())
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
