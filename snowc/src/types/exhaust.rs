//! Exhaustiveness and redundancy of matches (Maranget's usefulness
//! algorithm over constructor patterns).

use crate::diag::Diagnostic;
use crate::types::check::{Checker, MatchCheck, MatchKind};
use crate::types::tast::{Lit, TPat, TPatKind};
use crate::types::ty::{AdtDef, AdtKind, Ty, TyCon};

#[derive(Clone, Debug, PartialEq)]
enum Key {
    Variant(u32),
    True,
    False,
    /// The single constructor of tuples and `()`.
    Tuple,
    Cons,
    /// A literal of an infinite domain (never completes).
    Lit(String),
}

#[derive(Clone, Debug)]
enum P {
    Wild,
    Ctor(Key, Vec<P>),
    Or(Vec<P>),
}

fn convert(p: &TPat) -> P {
    match &p.kind {
        TPatKind::Wild | TPatKind::Bind(_) => P::Wild,
        TPatKind::As(inner, _) => convert(inner),
        TPatKind::Lit(Lit::Bool(true)) => P::Ctor(Key::True, vec![]),
        TPatKind::Lit(Lit::Bool(false)) => P::Ctor(Key::False, vec![]),
        TPatKind::Lit(Lit::Unit) => P::Ctor(Key::Tuple, vec![]),
        TPatKind::Lit(Lit::Int(n)) => P::Ctor(Key::Lit(format!("i{n}")), vec![]),
        TPatKind::Lit(Lit::Float(x)) => P::Ctor(Key::Lit(format!("f{x}")), vec![]),
        TPatKind::Lit(Lit::Str(s)) => P::Ctor(Key::Lit(format!("s{s}")), vec![]),
        TPatKind::Tuple(ps) => P::Ctor(Key::Tuple, ps.iter().map(convert).collect()),
        TPatKind::Ctor { variant, args, .. } => {
            P::Ctor(Key::Variant(*variant), args.iter().map(convert).collect())
        }
        TPatKind::Cons(h, t) => P::Ctor(Key::Cons, vec![convert(h), convert(t)]),
        TPatKind::Or(ps) => P::Or(ps.iter().map(convert).collect()),
    }
}

struct Ctx<'a> {
    adts: &'a [AdtDef],
}

impl Ctx<'_> {
    /// Field types of constructor `k` of type `t`.
    fn fields(&self, t: &Ty, k: &Key) -> Vec<Ty> {
        match (t, k) {
            (Ty::Tuple(ts), Key::Tuple) => ts.clone(),
            (Ty::Con(TyCon::List, a), Key::Cons) => {
                vec![a.first().cloned().unwrap_or(Ty::unit()), t.clone()]
            }
            (Ty::Con(TyCon::Adt(id), args), Key::Variant(v)) => {
                let adt = &self.adts[id.0 as usize];
                let gens = adt.generics.clone();
                match &adt.kind {
                    AdtKind::Sum { variants } => variants[*v as usize]
                        .fields
                        .iter()
                        .map(|f| {
                            f.subst_gen(&|g| {
                                gens.iter()
                                    .position(|x| *x == g)
                                    .and_then(|i| args.get(i).cloned())
                            })
                        })
                        .collect(),
                    AdtKind::Struct { .. } => vec![],
                }
            }
            _ => vec![],
        }
    }

    /// All constructors of `t`, or `None` for an infinite/unknown domain.
    fn all_ctors(&self, t: &Ty) -> Option<Vec<Key>> {
        match t {
            Ty::Con(TyCon::Bool, _) => Some(vec![Key::True, Key::False]),
            Ty::Tuple(_) => Some(vec![Key::Tuple]),
            Ty::Con(TyCon::Adt(id), _) => match &self.adts[id.0 as usize].kind {
                AdtKind::Sum { variants } => {
                    Some((0..variants.len() as u32).map(Key::Variant).collect())
                }
                AdtKind::Struct { .. } => None,
            },
            _ => None,
        }
    }

    fn specialize(&self, rows: &[Vec<P>], k: &Key, arity: usize) -> Vec<Vec<P>> {
        let mut out = Vec::new();
        for r in rows {
            self.spec_row(r, k, arity, &mut out);
        }
        out
    }

    fn spec_row(&self, r: &[P], k: &Key, arity: usize, out: &mut Vec<Vec<P>>) {
        match &r[0] {
            P::Ctor(k2, args) if k2 == k => {
                // Ill-typed patterns (already reported) may have the wrong arity.
                let mut v = args.clone();
                v.resize(arity, P::Wild);
                v.extend_from_slice(&r[1..]);
                out.push(v);
            }
            P::Ctor(..) => {}
            P::Wild => {
                let mut v = vec![P::Wild; arity];
                v.extend_from_slice(&r[1..]);
                out.push(v);
            }
            P::Or(alts) => {
                for a in alts {
                    let mut row = vec![a.clone()];
                    row.extend_from_slice(&r[1..]);
                    self.spec_row(&row, k, arity, out);
                }
            }
        }
    }

    fn default_rows(&self, rows: &[Vec<P>]) -> Vec<Vec<P>> {
        let mut out = Vec::new();
        for r in rows {
            self.default_row(r, &mut out);
        }
        out
    }

    fn default_row(&self, r: &[P], out: &mut Vec<Vec<P>>) {
        match &r[0] {
            P::Wild => out.push(r[1..].to_vec()),
            P::Ctor(..) => {}
            P::Or(alts) => {
                for a in alts {
                    let mut row = vec![a.clone()];
                    row.extend_from_slice(&r[1..]);
                    self.default_row(&row, out);
                }
            }
        }
    }

    fn head_keys(&self, rows: &[Vec<P>], out: &mut Vec<Key>) {
        fn go(p: &P, out: &mut Vec<Key>) {
            match p {
                P::Ctor(k, _) => {
                    if !out.contains(k) {
                        out.push(k.clone())
                    }
                }
                P::Or(alts) => alts.iter().for_each(|a| go(a, out)),
                P::Wild => {}
            }
        }
        for r in rows {
            go(&r[0], out);
        }
    }

    fn useful(&self, rows: &[Vec<P>], v: &[P], tys: &[Ty]) -> bool {
        if v.is_empty() {
            return rows.is_empty();
        }
        if rows.iter().any(|r| r.len() != v.len()) || tys.len() < v.len() {
            // Only reachable with ill-typed patterns, which are reported already.
            return false;
        }
        let t = &tys[0];
        match &v[0] {
            P::Or(alts) => alts.iter().any(|a| {
                let mut w = vec![a.clone()];
                w.extend_from_slice(&v[1..]);
                self.useful(rows, &w, tys)
            }),
            P::Ctor(k, args) => {
                let ft = self.fields_for(t, k, args.len());
                let rows2 = self.specialize(rows, k, args.len());
                let mut w = args.clone();
                w.extend_from_slice(&v[1..]);
                let mut tys2 = ft;
                tys2.extend_from_slice(&tys[1..]);
                self.useful(&rows2, &w, &tys2)
            }
            P::Wild => {
                let mut sigma = Vec::new();
                self.head_keys(rows, &mut sigma);
                let all = self.all_ctors(t);
                let complete = match &all {
                    Some(all) => !all.is_empty() && all.iter().all(|k| sigma.contains(k)),
                    None => false,
                };
                if complete {
                    all.unwrap_or_default().iter().any(|k| {
                        let ft = self.fields_for(t, k, usize::MAX);
                        let n = ft.len();
                        let rows2 = self.specialize(rows, k, n);
                        let mut w = vec![P::Wild; n];
                        w.extend_from_slice(&v[1..]);
                        let mut tys2 = ft;
                        tys2.extend_from_slice(&tys[1..]);
                        self.useful(&rows2, &w, &tys2)
                    })
                } else {
                    self.useful(&self.default_rows(rows), &v[1..], &tys[1..])
                }
            }
        }
    }

    /// Field types, falling back to unknowns when the type is not known.
    fn fields_for(&self, t: &Ty, k: &Key, arity: usize) -> Vec<Ty> {
        let f = self.fields(t, k);
        if arity != usize::MAX && f.len() != arity {
            return vec![Ty::Never; arity];
        }
        f
    }

    fn witness_name(&self, t: &Ty, k: &Key) -> String {
        match (t, k) {
            (_, Key::True) => "true".into(),
            (_, Key::False) => "false".into(),
            (Ty::Con(TyCon::Adt(id), _), Key::Variant(v)) => {
                let var = &self.adts[id.0 as usize].variants()[*v as usize];
                if var.fields.is_empty() {
                    var.name.clone()
                } else {
                    format!("{}({})", var.name, vec!["_"; var.fields.len()].join(", "))
                }
            }
            _ => "_".into(),
        }
    }
}

pub fn check(ck: &mut Checker, mc: MatchCheck) {
    let tys: Vec<Ty> = mc.scrut_tys.iter().map(|t| ck.sub.zonk(t)).collect();
    let cx = Ctx { adts: &ck.adts };
    let mut diags = Vec::new();
    let mut prior: Vec<Vec<P>> = Vec::new();
    for (i, (pats, guarded, pos)) in mc.rows.iter().enumerate() {
        let row: Vec<P> = pats.iter().map(convert).collect();
        if !cx.useful(&prior, &row, &tys) {
            diags.push(
                Diagnostic::warning(
                    Some("W0001"),
                    format!("redundant match arm (arm {})", i + 1),
                )
                .with_primary(pos.file, pos.span, "this arm is unreachable"),
            );
        }
        if !guarded {
            prior.push(row);
        }
    }
    let wild = vec![P::Wild; tys.len()];
    // A receive need not cover every message: the rest stay queued.
    if mc.kind != MatchKind::Receive && cx.useful(&prior, &wild, &tys) {
        let missing: Vec<String> = if tys.len() == 1 {
            match cx.all_ctors(&tys[0]) {
                Some(all) => all
                    .iter()
                    .filter(|k| {
                        let n = cx.fields(&tys[0], k).len();
                        cx.useful(&prior, &[P::Ctor((*k).clone(), vec![P::Wild; n])], &tys)
                    })
                    .map(|k| cx.witness_name(&tys[0], k))
                    .collect(),
                None => vec!["_".into()],
            }
        } else {
            vec![format!("({})", vec!["_"; tys.len()].join(", "))]
        };
        let tname = if tys.len() == 1 {
            ck.show(&tys[0])
        } else {
            ck.show(&Ty::Tuple(tys.clone()))
        };
        let list = missing.join(", ");
        let header = format!("non-exhaustive match on `{tname}`");
        let short = format!("non-exhaustive match on `{tname}`: missing patterns [{list}]");
        let d = match mc.kind {
            MatchKind::Case | MatchKind::Let => Diagnostic::error(Some("E0012"), header),
            MatchKind::Clauses | MatchKind::Receive => Diagnostic::warning(Some("E0012"), header),
        };
        let help = match mc.kind {
            MatchKind::Let => "use `case` to handle the other shapes".to_string(),
            MatchKind::Clauses => format!("add a clause of `{}` for the missing patterns", mc.what),
            MatchKind::Case | MatchKind::Receive => {
                "add the missing patterns or a wildcard `_` arm".to_string()
            }
        };
        diags.push(
            d.with_message(short)
                .with_primary(mc.pos.file, mc.pos.span, format!("missing: {list}"))
                .with_help(help),
        );
    }
    ck.diags.extend(diags);
}
