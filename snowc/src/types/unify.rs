//! Unification variables, substitution, unification with occurs check, and
//! level-based generalisation (Hindley–Milner).

use super::ty::{GenId, TvId, Ty};

#[derive(Debug)]
pub enum UnifyError {
    /// Constructor or shape mismatch (E0001).
    Mismatch,
    /// Function/tuple arity mismatch (E0003), with expected and found counts.
    Arity(usize, usize),
    /// Occurs check failure (E0002): the variable and the type.
    Infinite(TvId, Ty),
}

/// The substitution: one slot per variable, plus its level.
#[derive(Default)]
pub struct Subst {
    bound: Vec<Option<Ty>>,
    levels: Vec<u32>,
    pub level: u32,
    next_gen: u32,
}

impl Subst {
    pub fn fresh(&mut self) -> Ty {
        self.bound.push(None);
        self.levels.push(self.level);
        Ty::Var(TvId(self.bound.len() as u32 - 1))
    }

    pub fn fresh_gen(&mut self) -> GenId {
        self.next_gen += 1;
        GenId(self.next_gen)
    }

    /// Resolve the head of `t` (not its children).
    pub fn shallow(&self, t: &Ty) -> Ty {
        let mut t = t.clone();
        while let Ty::Var(v) = t {
            match &self.bound[v.0 as usize] {
                Some(b) => t = b.clone(),
                None => return t,
            }
        }
        t
    }

    /// Resolve `t` completely.
    pub fn zonk(&self, t: &Ty) -> Ty {
        match self.shallow(t) {
            Ty::Var(v) => Ty::Var(v),
            other => other.map_children(&mut |c| self.zonk(c)),
        }
    }

    fn occurs_and_adjust(&mut self, v: TvId, t: &Ty, level: u32) -> bool {
        match self.shallow(t) {
            Ty::Var(w) => {
                if w == v {
                    return true;
                }
                let l = &mut self.levels[w.0 as usize];
                if *l > level {
                    *l = level;
                }
                false
            }
            Ty::Gen(_) | Ty::Never => false,
            Ty::Con(_, args) | Ty::Tuple(args) => {
                args.iter().any(|a| self.occurs_and_adjust(v, a, level))
            }
            Ty::Fun(ps, r) => {
                ps.iter().any(|a| self.occurs_and_adjust(v, a, level))
                    || self.occurs_and_adjust(v, &r, level)
            }
        }
    }

    fn bind(&mut self, v: TvId, t: &Ty) -> Result<(), UnifyError> {
        let level = self.levels[v.0 as usize];
        if self.occurs_and_adjust(v, t, level) {
            return Err(UnifyError::Infinite(v, self.zonk(t)));
        }
        self.bound[v.0 as usize] = Some(t.clone());
        Ok(())
    }

    /// Unify two types. `Never` unifies with anything; `Pid` without
    /// arguments unifies with every `Pid<M>`.
    pub fn unify(&mut self, a: &Ty, b: &Ty) -> Result<(), UnifyError> {
        let a = self.shallow(a);
        let b = self.shallow(b);
        match (&a, &b) {
            (Ty::Var(x), Ty::Var(y)) if x == y => Ok(()),
            (Ty::Var(x), _) => self.bind(*x, &b),
            (_, Ty::Var(y)) => self.bind(*y, &a),
            (Ty::Never, _) | (_, Ty::Never) => Ok(()),
            (Ty::Gen(x), Ty::Gen(y)) if x == y => Ok(()),
            (Ty::Con(c1, a1), Ty::Con(c2, a2)) if c1 == c2 => {
                if a1.is_empty() || a2.is_empty() {
                    // bare `Pid` (and other bare collection names) unify with any instance
                    if a1.len() != a2.len() && !matches!(c1, super::ty::TyCon::Pid) {
                        return Err(UnifyError::Mismatch);
                    }
                    return Ok(());
                }
                if a1.len() != a2.len() {
                    return Err(UnifyError::Mismatch);
                }
                for (x, y) in a1.iter().zip(a2.iter()) {
                    self.unify(x, y)?;
                }
                Ok(())
            }
            (Ty::Tuple(t1), Ty::Tuple(t2)) => {
                if t1.len() != t2.len() {
                    if t1.is_empty() || t2.is_empty() {
                        return Err(UnifyError::Mismatch);
                    }
                    return Err(UnifyError::Arity(t1.len(), t2.len()));
                }
                for (x, y) in t1.iter().zip(t2.iter()) {
                    self.unify(x, y)?;
                }
                Ok(())
            }
            (Ty::Fun(p1, r1), Ty::Fun(p2, r2)) => {
                if p1.len() != p2.len() {
                    return Err(UnifyError::Arity(p1.len(), p2.len()));
                }
                for (x, y) in p1.iter().zip(p2.iter()) {
                    self.unify(x, y)?;
                }
                self.unify(r1, r2)
            }
            _ => Err(UnifyError::Mismatch),
        }
    }

    /// Replace every unbound variable deeper than the current level by a
    /// fresh generic parameter; returns the new parameters and the type.
    pub fn generalize(&mut self, t: &Ty) -> (Vec<GenId>, Ty) {
        let mut gens: Vec<(TvId, GenId)> = Vec::new();
        let out = self.generalize_rec(t, &mut gens);
        (gens.into_iter().map(|(_, g)| g).collect(), out)
    }

    /// Generalise several types together (an SCC of functions): shared
    /// variables map to the same parameters.
    pub fn generalize_many(&mut self, ts: &[Ty]) -> (Vec<GenId>, Vec<Ty>) {
        let mut gens: Vec<(TvId, GenId)> = Vec::new();
        let out = ts
            .iter()
            .map(|t| self.generalize_rec(t, &mut gens))
            .collect();
        (gens.into_iter().map(|(_, g)| g).collect(), out)
    }

    fn generalize_rec(&mut self, t: &Ty, gens: &mut Vec<(TvId, GenId)>) -> Ty {
        match self.shallow(t) {
            Ty::Var(v) => {
                if self.levels[v.0 as usize] > self.level {
                    if let Some((_, g)) = gens.iter().find(|(w, _)| *w == v) {
                        return Ty::Gen(*g);
                    }
                    let g = self.fresh_gen();
                    gens.push((v, g));
                    // Bind the variable so later zonks of the body see the parameter.
                    self.bound[v.0 as usize] = Some(Ty::Gen(g));
                    Ty::Gen(g)
                } else {
                    Ty::Var(v)
                }
            }
            other => other.map_children(&mut |c| self.generalize_rec(c, gens)),
        }
    }

    /// Instantiate generic parameters `gens` in `t` with fresh variables.
    pub fn instantiate(&mut self, gens: &[GenId], t: &Ty) -> (Ty, Vec<Ty>) {
        let fresh: Vec<Ty> = gens.iter().map(|_| self.fresh()).collect();
        let out = t.subst_gen(&|g| gens.iter().position(|x| *x == g).map(|i| fresh[i].clone()));
        (out, fresh)
    }

    pub fn enter(&mut self) {
        self.level += 1;
    }
    pub fn exit(&mut self) {
        self.level -= 1;
    }

    /// Default every unbound variable in `t` to `()` (end of checking).
    pub fn default_vars(&mut self, t: &Ty) {
        match self.shallow(t) {
            Ty::Var(v) => self.bound[v.0 as usize] = Some(Ty::unit()),
            other => {
                other.map_children(&mut |c| {
                    self.default_vars(c);
                    Ty::Never
                });
            }
        }
    }
}
