//! Qualified constructor patterns (`Shape.Circle(r)`, `Geo.Shape.Unit`,
//! `Geo.Circle(r)`): resolved as the expression `Q.V` is, with the same
//! visibility rule, and a wrong path reported at its first wrong segment.

use super::modules::path_text;
use super::scope::{closest, TypeRes, ValueRes};
use super::Checker;
use crate::diag::Diagnostic;
use crate::syntax::ast::{Name, Path};
use crate::types::ty::AdtId;

impl Checker<'_> {
    /// The constructor `Q.V` names, `Q` being `q`. `None` once an error is
    /// reported; a private one is reported (E0035) and still resolved.
    pub(super) fn qualified_ctor(&mut self, q: &Path, name: &Name) -> Option<(AdtId, u32)> {
        let qs = path_text(q);
        self.record_path(q.segments.iter().map(|s| (s.text.as_str(), s.span)));
        // `M.V`: a constructor module `M` exports (as `M.V(...)` calls it).
        if let Some(mi) = self.scopes.module_index(&qs) {
            let md = &self.scopes.modules[mi];
            let own = md.defined.contains(&name.text) || self.scopes.is_prelude(mi);
            if let Some(ValueRes::Ctor(a, v)) = md.values.get(&name.text).filter(|_| own) {
                let found = (*a, *v);
                self.check_visible(mi, &qs, &name.text, name.span);
                return Some(found);
            }
        }
        let last = q.segments.last().expect("a qualifier has a segment");
        match self.scopes.path_ty_seen_through(&qs) {
            Some((mi, TypeRes::Adt(id))) if !self.adts[id.0 as usize].is_struct() => {
                if let Some(mi) = mi {
                    // `M.T.V`: `T` must be visible from here.
                    let m = qs.rsplit_once('.').map_or("", |(m, _)| m);
                    self.check_visible(mi, m, &last.text, last.span);
                }
                let a = &self.adts[id.0 as usize];
                if let Some(v) = a.variant_index(&name.text) {
                    return Some((id, v as u32));
                }
                let names = a.variants().iter().map(|v| v.name.clone());
                let guess = closest(&name.text, names.collect::<Vec<_>>());
                let label = format!("type `{qs}` has no variant `{}`", name.text);
                let help = guess.map(|g| format!("did you mean `{qs}.{g}`?"));
                self.bad_ctor_path(q, name, name, label, help);
            }
            Some(_) => {
                let label = format!("`{qs}` is not a sum type");
                self.bad_ctor_path(q, name, last, label, None);
            }
            None => self.wrong_qualifier(q, name),
        }
        None
    }

    /// `q` names neither a module with constructor `name` nor a sum type:
    /// report the first segment that is not a module (or the variant, when
    /// they all are).
    fn wrong_qualifier(&mut self, q: &Path, name: &Name) {
        let segs = &q.segments;
        for (k, seg) in segs.iter().enumerate() {
            let prefix = path_text(&Path {
                segments: segs[..=k].to_vec(),
                span: q.span,
            });
            if self.scopes.module_index(&prefix).is_some() {
                continue;
            }
            let s = &seg.text;
            let is_type = self.scopes.path_ty(&prefix).is_some();
            let parent = prefix.rsplit_once('.').map(|(p, _)| p.to_string());
            let (label, help) = match (&parent, is_type) {
                // A type in the middle of the path (`Shape.Circle.X`).
                (_, true) => (format!("`{s}` is a type, not a module"), None),
                (None, false) => (
                    format!("no module or type `{s}` in scope"),
                    self.imported_by_full_name(q, name)
                        .or_else(|| self.head_guess(s).map(|g| format!("did you mean `{g}`?"))),
                ),
                (Some(p), false) => {
                    let mi = self.scopes.module_index(p).expect("checked above");
                    let guess = closest(s, self.module_members(mi));
                    (
                        format!("module `{p}` has no type or module `{s}`"),
                        guess.map(|g| format!("did you mean `{p}.{g}`?")),
                    )
                }
            };
            self.bad_ctor_path(q, name, seg, label, help);
            return;
        }
        let m = path_text(q);
        let mi = self
            .scopes
            .module_index(&m)
            .expect("every segment is a module");
        let md = &self.scopes.modules[mi];
        let ctors = md.values.iter().filter(|(n, r)| {
            matches!(r, ValueRes::Ctor(..)) && md.defined.contains(*n) && md.public.contains(*n)
        });
        let guess = closest(
            &name.text,
            ctors.map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        );
        let label = format!("module `{m}` has no variant `{}`", name.text);
        let help = guess.map(|g| format!("did you mean `{m}.{g}`?"));
        self.bad_ctor_path(q, name, name, label, help);
    }

    /// `Models.Item.T.V` after `import Models.Item`: an imported module is
    /// named by its last segment only (chapter 1 §5.9); say so.
    fn imported_by_full_name(&self, q: &Path, name: &Name) -> Option<String> {
        let mut segs: Vec<&str> = q.segments.iter().map(|s| s.text.as_str()).collect();
        segs.push(&name.text);
        self.imported_module_hint(&segs)
    }

    /// A head segment's nearest name: a visible module or type, else
    /// `M.T` for a type `T` of that name in a visible module `M`.
    fn head_guess(&self, s: &str) -> Option<String> {
        let modules = self.scopes.visible_modules();
        let inside = modules.iter().find_map(|(m, mi)| {
            let md = &self.scopes.modules[*mi];
            (md.defined.contains(s) && md.types.contains_key(s)).then(|| format!("{m}.{s}"))
        });
        inside.or_else(|| {
            let mut names: Vec<String> = modules.into_iter().map(|(m, _)| m).collect();
            names.extend(self.scopes.all_types().into_iter().map(|(n, _)| n));
            closest(s, names)
        })
    }

    /// The types and inline modules a qualified path may name in module `mi`.
    fn module_members(&self, mi: usize) -> Vec<String> {
        let md = &self.scopes.modules[mi];
        let types = md.types.keys().filter(|t| md.defined.contains(*t)).cloned();
        let inner = self.scopes.aliases.get(mi).into_iter().flat_map(|a| {
            a.iter()
                .filter(|(_, m)| self.scopes.parents.get(**m) == Some(&Some(mi)))
                .map(|(n, _)| n.clone())
        });
        types.chain(inner).collect()
    }

    /// E0010 for `Q.V`, labelled at the wrong segment `at`.
    fn bad_ctor_path(
        &mut self,
        q: &Path,
        name: &Name,
        at: &Name,
        label: String,
        help: Option<String>,
    ) {
        let full = format!("{}.{}", path_text(q), name.text);
        let mut d = Diagnostic::error(Some("E0010"), format!("unknown variant: {full}"))
            .with_message(format!("unknown variant `{full}`: {label}"))
            .with_primary(self.file, at.span, label);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.error(d);
    }
}
