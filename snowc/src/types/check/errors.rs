//! Reporting: type mismatches, unknown names, protocol obligations and the
//! deferred exhaustiveness checks.

use super::{Checker, Obligation, Trait};
use crate::diag::Diagnostic;
use crate::syntax::ast::Span;
use crate::types::exhaust;
use crate::types::tast::{Pos, TPat};
use crate::types::ty::{GenId, Ty, TyCon, TyDisplay};
use crate::types::unify::UnifyError;

/// How a gap in a match is reported.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MatchKind {
    /// `case`: gap is an error.
    Case,
    /// Multi-clause function or closure: gap is a warning.
    Clauses,
    /// `let` destructuring: must be irrefutable.
    Let,
    /// `receive`: only redundant arms are reported.
    Receive,
}

pub struct MatchCheck {
    pub kind: MatchKind,
    pub pos: Pos,
    pub scrut_tys: Vec<Ty>,
    /// Each row: the patterns and whether the arm has a guard, and its position.
    pub rows: Vec<(Vec<TPat>, bool, Pos)>,
    /// For clause checks: `name/arity`.
    pub what: String,
}

impl Checker<'_> {
    pub fn show(&self, t: &Ty) -> String {
        let t = self.sub.zonk(t);
        let names = |g| self.gen_names.get(&g).cloned();
        TyDisplay {
            ty: &t,
            adts: &self.adts,
            gen_names: &names,
        }
        .to_string()
    }

    pub fn error(&mut self, d: Diagnostic) {
        // One annotation can be checked twice (a service's reply type is
        // both the client's result and the handler's reply): report once.
        let at = |x: &Diagnostic| x.labels.first().map(|l| (l.file, l.span));
        let seen = self
            .diags
            .iter()
            .any(|x| x.code == d.code && x.header == d.header && at(x) == at(&d));
        if !seen {
            self.diags.push(d);
        }
    }

    /// Marks `t` (a fresh variable) as the type of an erroneous expression.
    pub fn poison(&mut self, t: &Ty) {
        self.poisoned.push(t.clone());
    }

    /// Poisons every variable left in `t` (the parts a pattern gave an
    /// erroneous value).
    pub fn poison_within(&mut self, t: &Ty) {
        let mut vars = Vec::new();
        self.sub.zonk(t).any(&mut |x| {
            if let Ty::Var(_) = x {
                vars.push(x.clone());
            }
            false
        });
        self.poisoned.extend(vars);
    }

    /// A fresh poisoned variable: the type of something already reported.
    pub fn poisoned_var(&mut self) -> Ty {
        let t = self.sub.fresh();
        self.poison(&t);
        t
    }

    /// Is `t` still the unresolved type of an erroneous expression? Then a
    /// complaint about it would only repeat the first error.
    pub fn is_poisoned(&self, t: &Ty) -> bool {
        if self.poisoned.is_empty() {
            return false;
        }
        let t = self.sub.shallow(t);
        matches!(t, Ty::Var(_)) && self.poisoned.iter().any(|p| self.sub.shallow(p) == t)
    }

    /// Does `t` contain an erroneous part (an unknown type already
    /// reported)? Checks of it would only repeat that error.
    pub fn mentions_poisoned(&self, t: &Ty) -> bool {
        !self.poisoned.is_empty() && self.sub.zonk(t).any(&mut |x| self.is_poisoned(x))
    }

    /// Unify `found` with `expected`; on failure report at `span` with an
    /// optional label. Returns whether they unified.
    pub fn unify_at(&mut self, expected: &Ty, found: &Ty, span: Span, label: Option<&str>) -> bool {
        match self.sub.unify(expected, found) {
            Ok(()) => true,
            Err(e) => {
                self.report_unify(e, expected, found, span, label);
                false
            }
        }
    }

    pub fn report_unify(
        &mut self,
        e: UnifyError,
        expected: &Ty,
        found: &Ty,
        span: Span,
        label: Option<&str>,
    ) {
        self.report_unify_with(e, expected, found, span, label, None);
    }

    /// [`Self::report_unify`] with a help text that replaces the generic
    /// one of a mismatch.
    /// A closure of several parameters where a function of one tuple is
    /// expected (`List.map(pairs, fn (a, b) -> ... end)`).
    fn tuple_param_wanted(&mut self, expected: &Ty, found: &Ty) -> bool {
        let (e, f) = (self.sub.zonk(expected), self.sub.zonk(found));
        match (e, f) {
            (Ty::Fun(ps, _), Ty::Fun(qs, _)) => {
                matches!(ps.as_slice(), [Ty::Tuple(ts)] if ts.len() == qs.len())
            }
            _ => false,
        }
    }

    pub fn report_unify_with(
        &mut self,
        e: UnifyError,
        expected: &Ty,
        found: &Ty,
        span: Span,
        label: Option<&str>,
        help: Option<String>,
    ) {
        let file = self.file;
        match e {
            UnifyError::Mismatch => {
                let (es, fs) = (self.show(expected), self.show(found));
                let mut d = Diagnostic::error(Some("E0001"), format!("expected {es}, found {fs}"))
                    .with_message(format!("type mismatch: expected `{es}`, found `{fs}`"))
                    .with_primary(
                        file,
                        span,
                        label
                            .map(str::to_string)
                            .unwrap_or(format!("expected {es}, found {fs}")),
                    );
                if let Some(h) = help.or_else(|| self.mismatch_help(expected, found)) {
                    d = d.with_help(h);
                }
                self.error(d);
            }
            UnifyError::Arity(n, m) => {
                let help = if self.tuple_param_wanted(expected, found) {
                    format!(
                        "a function of one tuple is expected; `fn (a, b) -> ...` takes {m} parameters, \
                         `fn((a, b)) -> ...` takes one tuple apart"
                    )
                } else if m < n {
                    format!("missing {} argument(s)", n - m)
                } else {
                    format!("{} extra argument(s)", m - n)
                };
                self.error(
                    Diagnostic::error(
                        Some("E0003"),
                        format!("expected {n} argument(s), found {m}"),
                    )
                    .with_message(format!("arity mismatch: expected {n} arguments, found {m}"))
                    .with_primary(file, span, format!("expected {n} argument(s), found {m}"))
                    .with_help(help),
                );
            }
            UnifyError::Infinite(v, t) => {
                let ts = self.show(&t);
                self.error(
                    Diagnostic::error(
                        Some("E0002"),
                        format!("infinite type: ?{} occurs in {ts}", v.0),
                    )
                    .with_primary(file, span, "this expression")
                    .with_help("a value cannot have a type that refers to itself"),
                );
            }
        }
    }

    fn mismatch_help(&self, expected: &Ty, found: &Ty) -> Option<String> {
        let e = self.sub.zonk(expected);
        let f = self.sub.zonk(found);
        let is = |t: &Ty, c: TyCon| matches!(t, Ty::Con(x, _) if *x == c);
        if let Ty::Con(TyCon::Adt(id), args) = &e {
            if *id == crate::types::ty::OPTION && args.first() == Some(&f) {
                return Some("wrap in Some(...)".into());
            }
            if *id == crate::types::ty::RESULT && args.first() == Some(&f) {
                return Some("wrap in Ok(...)".into());
            }
        }
        if is(&e, TyCon::Int) && is(&f, TyCon::Float) {
            return Some("use Int conversion".into());
        }
        if is(&e, TyCon::Float) && is(&f, TyCon::Int) {
            return Some("use Float conversion".into());
        }
        if is(&e, TyCon::String) && !matches!(f, Ty::Var(_)) {
            return Some("use to_string()".into());
        }
        if is(&e, TyCon::Bool) {
            return Some("expected a boolean expression".into());
        }
        if is(&e, TyCon::Json) && !matches!(f, Ty::Var(_)) {
            // `JSON.encode(user)`: the `JSON` module works on parsed
            // documents; derived encoders live under `Json`.
            return Some(
                "`JSON` functions take a parsed `Json` document; `Json.encode(value)` encodes \
                 a value whose type has `deriving(Json)`"
                    .into(),
            );
        }
        None
    }

    pub fn oblige(&mut self, ty: &Ty, tr: Trait, span: Span) {
        let pos = self.pos(span);
        self.obligations.push(Obligation {
            ty: ty.clone(),
            tr,
            pos,
        });
    }

    /// Does a concrete type satisfy a protocol? `None` when undecided (a
    /// variable or generic parameter inside).
    pub fn satisfies(&self, t: &Ty, tr: Trait) -> Option<bool> {
        let t = self.sub.zonk(t);
        if let Trait::Iface(id) = tr {
            return self.satisfies_iface(&t, id);
        }
        if tr == Trait::Json {
            return self.serialisable(&t, &[]);
        }
        if let (Ty::Con(TyCon::Adt(_), _), Trait::Num(n)) = (&t, tr) {
            return Some(self.has_impl_named(n, &t));
        }
        match (&t, tr) {
            (Ty::Gen(g), _) => {
                // A bound on the parameter discharges its protocol.
                let want = match tr {
                    Trait::Eq => Some(crate::types::ty::EQ),
                    Trait::Ord => Some(crate::types::ty::ORD),
                    Trait::Show => Some(crate::types::ty::DISPLAY),
                    Trait::Debug => Some(crate::types::ty::DEBUG),
                    _ => None,
                };
                match want {
                    Some(i) if self.bounds.get(g).is_some_and(|b| b.contains(&i)) => Some(true),
                    _ => None,
                }
            }
            (Ty::Var(_), _) => None,
            (Ty::Never, _) => Some(true),
            (Ty::Con(c, _), Trait::Num(_)) | (Ty::Con(c, _), Trait::Neg) => {
                Some(matches!(c, TyCon::Int | TyCon::Float))
            }
            (_, Trait::Num(_)) | (_, Trait::Neg) => Some(false),
            (Ty::Con(c, _), Trait::Concat) => Some(matches!(c, TyCon::String | TyCon::List)),
            (_, Trait::Concat) => Some(false),
            (Ty::Fun(..), _) => Some(false),
            (Ty::Con(TyCon::Pid, _), Trait::Show | Trait::Debug | Trait::Ord) => Some(false),
            (Ty::Con(TyCon::Bool, _), Trait::Ord) => Some(false),
            (Ty::Con(TyCon::Adt(id), args), _) => {
                let adt = &self.adts[id.0 as usize];
                let user = |i: crate::types::ty::IfaceId| self.has_impl(i, &t);
                if match tr {
                    Trait::Eq => user(crate::types::ty::EQ),
                    Trait::Ord => user(crate::types::ty::ORD),
                    Trait::Show => user(crate::types::ty::DISPLAY) || user(crate::types::ty::DEBUG),
                    Trait::Debug => user(crate::types::ty::DEBUG),
                    Trait::Num(n) => self.has_impl_named(n, &t),
                    _ => false,
                } {
                    return Some(true);
                }
                let ok = match tr {
                    Trait::Eq => adt.derives.eq,
                    Trait::Ord => adt.derives.ord,
                    Trait::Show => adt.derives.display || adt.derives.debug,
                    Trait::Debug => adt.derives.debug,
                    _ => false,
                };
                if !ok {
                    return Some(false);
                }
                // fields must satisfy it too, after instantiation
                let fields = adt.field_types(args);
                // Elements, fields and payloads render Display-else-Debug.
                let tr = if tr == Trait::Debug { Trait::Show } else { tr };
                self.all_satisfy(&fields, tr, &t)
            }
            (Ty::Con(_, args), _) | (Ty::Tuple(args), _) => {
                // Elements, fields and payloads render Display-else-Debug.
                let tr = if tr == Trait::Debug { Trait::Show } else { tr };
                self.all_satisfy(args, tr, &t)
            }
        }
    }

    /// JSON-serialisable (§3.16.2): the generic parameters in `own` count
    /// as serialisable (a deriving type's own parameters, checked per
    /// instantiation); None while a type variable leaves it undecided. A
    /// type deriving Json had its fields checked at its declaration (a
    /// failing one loses the derive), so only its arguments are looked at.
    pub fn serialisable(&self, t: &Ty, own: &[GenId]) -> Option<bool> {
        let all = |ts: &[Ty]| all_hold(ts.iter().map(|x| self.serialisable(x, own)));
        match t {
            Ty::Var(_) => None,
            Ty::Never => Some(true),
            Ty::Gen(g) => Some(own.contains(g)),
            Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::String | TyCon::Json, _) => {
                Some(true)
            }
            Ty::Con(TyCon::List, a) => all(a),
            Ty::Con(TyCon::Map, a) => match &a[0] {
                Ty::Var(_) => None,
                k if *k == Ty::string() => all(&a[1..]),
                _ => Some(false),
            },
            Ty::Con(TyCon::Adt(id), a)
                if *id == crate::types::ty::OPTION || self.adts[id.0 as usize].derives.json =>
            {
                all(a)
            }
            _ => Some(false),
        }
    }

    fn has_impl_named(&self, iface: &str, t: &Ty) -> bool {
        crate::types::ty::BUILTIN_IFACES
            .iter()
            .position(|n| *n == iface)
            .is_some_and(|i| self.has_impl(crate::types::ty::IfaceId(i as u32), t))
    }

    /// Does `t` implement interface `id` (a user impl, a bound, or a
    /// built-in protocol of a built-in type)?
    fn satisfies_iface(&self, t: &Ty, id: crate::types::ty::IfaceId) -> Option<bool> {
        if matches!(t, Ty::Var(_)) {
            return None;
        }
        if self.has_impl(id, t) {
            return Some(true);
        }
        let builtin = match crate::types::ty::BUILTIN_IFACES.get(id.0 as usize) {
            Some(&"Display") => {
                // A `Display` bound needs Display itself (derived or impl),
                // not the Debug fallback interpolation would use.
                return match t {
                    Ty::Con(TyCon::Adt(id), _) => Some(
                        self.adts[id.0 as usize].derives.display
                            || self.has_impl(crate::types::ty::DISPLAY, t),
                    ),
                    _ => self.satisfies(t, Trait::Show),
                };
            }
            Some(&"Debug") => Some(Trait::Debug),
            Some(&"Eq") => Some(Trait::Eq),
            Some(&"Ord") => Some(Trait::Ord),
            Some(&n @ ("Add" | "Sub" | "Mul" | "Div" | "Mod")) => Some(Trait::Num(n)),
            Some(&"Hash") => {
                // Hash is derived for structs only when no clause is written
                // (chapter 02 §7); fields must hash too.
                return match t {
                    Ty::Con(TyCon::Adt(aid), args) => {
                        let adt = &self.adts[aid.0 as usize];
                        if !adt.derives.hash {
                            return Some(false);
                        }
                        self.all_satisfy(&adt.field_types(args), Trait::Iface(id), t)
                    }
                    Ty::Gen(_) => Some(false),
                    _ => self.satisfies(t, Trait::Eq),
                };
            }
            Some(&"Default") => {
                return Some(matches!(
                    t,
                    Ty::Con(TyCon::Int | TyCon::Float | TyCon::String | TyCon::Bool, _)
                ));
            }
            _ => None,
        };
        match (builtin, t) {
            (_, Ty::Gen(_)) => Some(false),
            (Some(tr), _) => self.satisfies(t, tr),
            (None, _) => Some(false),
        }
    }

    fn all_satisfy(&self, ts: &[Ty], tr: Trait, outer: &Ty) -> Option<bool> {
        thread_local! {
            /// The (type, protocol) checks under way on this thread.
            static OPEN: std::cell::RefCell<Vec<(Ty, Trait)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        // A recursive type refers to itself, directly or through other
        // types (`struct S do xs :: List<S> end`): assume what is being
        // checked holds where it recurs.
        let key = (outer.clone(), tr);
        if OPEN.with(|o| o.borrow().contains(&key)) {
            return Some(true);
        }
        OPEN.with(|o| o.borrow_mut().push(key));
        let r = all_hold(
            ts.iter()
                .filter(|a| *a != outer)
                .map(|a| self.satisfies(a, tr)),
        );
        OPEN.with(|o| o.borrow_mut().pop());
        r
    }

    pub fn trait_name(&self, tr: Trait) -> String {
        match tr {
            Trait::Iface(id) => self.ifaces[id.0 as usize].name.clone(),
            other => Self::builtin_trait_name(other).to_string(),
        }
    }

    fn builtin_trait_name(tr: Trait) -> &'static str {
        match tr {
            Trait::Iface(_) => "?",
            Trait::Num(n) => n,
            Trait::Eq => "Eq",
            Trait::Ord => "Ord",
            Trait::Show => "Display",
            Trait::Debug => "Debug",
            Trait::Concat => "Concat",
            Trait::Neg => "Neg",
            Trait::Json => "Json",
        }
    }

    /// The innermost type that makes `t: tr` fail (a field or element
    /// type when `t` itself would have the trait).
    fn culprit(&self, t: &Ty, tr: Trait) -> Ty {
        let t = self.sub.zonk(t);
        let inner = if tr == Trait::Debug { Trait::Show } else { tr };
        let parts: Vec<Ty> = match &t {
            Ty::Con(TyCon::Adt(id), args) => {
                let adt = &self.adts[id.0 as usize];
                let own = match tr {
                    Trait::Json => adt.derives.json || *id == crate::types::ty::OPTION,
                    Trait::Eq => adt.derives.eq,
                    Trait::Ord => adt.derives.ord,
                    Trait::Show => adt.derives.display || adt.derives.debug,
                    Trait::Debug => adt.derives.debug,
                    _ => false,
                };
                if !own {
                    return t.clone();
                }
                adt.field_types(args)
            }
            Ty::Con(TyCon::List | TyCon::Map | TyCon::Set, args) | Ty::Tuple(args) => args.clone(),
            _ => return t.clone(),
        };
        match parts
            .iter()
            .find(|p| **p != t && self.satisfies(p, inner) == Some(false))
        {
            Some(p) => self.culprit(p, inner),
            None => t.clone(),
        }
    }

    pub fn report_unsatisfied(&mut self, t: &Ty, tr: Trait, pos: Pos) {
        let t = &self.culprit(t, tr);
        let ts = self.show(t);
        let tn = self.trait_name(tr);
        let d = match tr {
            Trait::Concat => {
                Diagnostic::error(Some("E0001"), format!("expected String, found {ts}"))
                    .with_message(format!("type mismatch: expected `String`, found `{ts}`"))
                    .with_primary(pos.file, pos.span, "`<>` needs strings or lists")
            }
            Trait::Json => Diagnostic::error(
                Some("E0038"),
                format!("type {ts} is not JSON-serializable"),
            )
            .with_message(format!("type `{ts}` is not JSON-serializable"))
            .with_primary(pos.file, pos.span, format!("`{ts}` cannot be encoded as JSON"))
            .with_help(
                "JSON encodes Int, Float, Bool, String, Json, Option/List of those, Map<String, _>, and types with `deriving(Json)`",
            ),
            Trait::Neg => Diagnostic::error(Some("E0001"), format!("expected Int, found {ts}"))
                .with_message(format!("type mismatch: expected `Int`, found `{ts}`"))
                .with_primary(pos.file, pos.span, "negation needs Int or Float"),
            _ => {
                let d = Diagnostic::error(Some("E0006"), format!("{ts} does not implement {tn}"))
                    .with_message(format!("type `{ts}` does not satisfy trait `{tn}`"))
                    .with_primary(
                        pos.file,
                        pos.span,
                        format!("`{ts}` does not implement `{tn}`"),
                    );
                match self.unsatisfied_help(t, tr, &tn) {
                    Some(h) => d.with_help(h),
                    None => d,
                }
            }
        };
        // A bound can be required twice at one place (a `where` bound of a
        // generic called with the same type for two parameters): once.
        self.error(d);
    }

    /// Check obligations whose types are now concrete; keep the rest.
    pub fn check_obligations(&mut self) {
        let obs = std::mem::take(&mut self.obligations);
        for ob in obs {
            match self.satisfies(&ob.ty, ob.tr) {
                Some(true) => {}
                Some(false) => self.report_unsatisfied(&ob.ty, ob.tr, ob.pos),
                None => self.obligations.push(ob),
            }
        }
    }

    /// At the very end: default leftover variables and check the rest.
    pub fn finish_obligations(&mut self) {
        let obs = std::mem::take(&mut self.obligations);
        // Which requirements are on a type nothing determined (before the
        // first defaulting binds a variable shared by several).
        let unknown: Vec<bool> = obs
            .iter()
            .map(|ob| matches!(self.sub.zonk(&ob.ty), Ty::Var(_)))
            .collect();
        let mut reported: Vec<Pos> = Vec::new();
        for (ob, unknown) in obs.into_iter().zip(unknown) {
            if ob.tr == Trait::Iface(crate::types::ty::DEFAULT) && unknown {
                // `default()` whose type nothing determines (§2.9).
                self.diags.push(
                    Diagnostic::error(
                        Some("E0040"),
                        "cannot infer the type of `default()`; add a type annotation",
                    )
                    .with_primary(
                        ob.pos.file,
                        ob.pos.span,
                        "type must be known here",
                    ),
                );
                continue;
            }
            self.sub.default_vars(&ob.ty);
            if self.satisfies(&ob.ty, ob.tr) == Some(false) {
                if !unknown {
                    self.report_unsatisfied(&ob.ty, ob.tr, ob.pos);
                } else if !reported.contains(&ob.pos) {
                    // `()` is only the default: say the type is unknown
                    // (`[Math.abs]` whose element type nothing fixes).
                    reported.push(ob.pos);
                    self.diags.push(
                        Diagnostic::error(
                            Some("E0040"),
                            "cannot infer the type of this expression; add a type annotation",
                        )
                        .with_primary(
                            ob.pos.file,
                            ob.pos.span,
                            "type must be known here",
                        ),
                    );
                }
            }
        }
    }

    pub fn run_match_checks(&mut self) {
        let checks = std::mem::take(&mut self.match_checks);
        for mc in checks {
            exhaust::check(self, mc);
        }
    }
}

/// Several undecided-or-known checks together: false at the first false,
/// else undecided if any is, else true.
fn all_hold(results: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut undecided = false;
    for r in results {
        match r {
            Some(false) => return Some(false),
            None => undecided = true,
            Some(true) => {}
        }
    }
    (!undecided).then_some(true)
}
