//! The special forms of the standard library (see `crate::stdlib`'s header
//! for why they are not table entries), their signatures, and how bare and
//! qualified stdlib names resolve to them or to the runtime table.

use super::tast::Builtin;
use super::ty::{IfaceId, Ty, TyCon, DEBUG, DISPLAY, HASH, ORDERING, RESULT};
use crate::stdlib::{self, GLOBAL};

/// A builtin's scheme: generic parameters (`stdlib::sig_gen(0..n)`) and type.
pub struct Sig {
    pub ngens: u32,
    pub ty: Ty,
}

fn g(i: u32) -> Ty {
    Ty::Gen(stdlib::sig_gen(i))
}

fn f(ps: Vec<Ty>, r: Ty) -> Ty {
    Ty::Fun(ps, Box::new(r))
}

pub fn sig(b: Builtin) -> Sig {
    use Builtin::*;
    if let Rt(i) = b {
        let (ngens, ty) = stdlib::signature(stdlib::RT_FNS[i as usize].sig);
        return Sig { ngens, ty };
    }
    let (ngens, ty) = match b {
        ToString | Inspect => (1, f(vec![g(0)], Ty::string())),
        Hash => (1, f(vec![g(0)], Ty::int())),
        MathAbs => (1, f(vec![g(0)], g(0))),
        MathMin | MathMax => (1, f(vec![g(0), g(0)], g(0))),
        // Typed specially by the checker (arity-dependent).
        TupleFirst | TupleSecond => (2, f(vec![g(0)], g(1))),
        TupleNth => (2, f(vec![g(0), Ty::int()], g(1))),
        TupleSize => (1, f(vec![g(0)], Ty::int())),
        ListSort => (
            1,
            f(
                vec![Ty::list(g(0)), f(vec![g(0), g(0)], Ty::int())],
                Ty::list(g(0)),
            ),
        ),
        Compare => (
            1,
            f(vec![g(0), g(0)], Ty::Con(TyCon::Adt(ORDERING), vec![])),
        ),
        // Typed by the checker (`check/actors.rs`).
        SelfPid => (1, f(vec![], Ty::pid(g(0)))),
        Spawn => (1, f(vec![g(0)], g(0))),
        Send => (1, f(vec![Ty::pid(g(0)), g(0)], Ty::unit())),
        Link => (0, f(vec![Ty::Con(TyCon::Pid, vec![])], Ty::unit())),
        SendAfter => (1, f(vec![Ty::pid(g(0)), Ty::int(), g(0)], Ty::unit())),
        ServiceStart => (
            2,
            f(vec![f(vec![g(0), g(1)], g(0)), g(0)], Ty::pid(Ty::unit())),
        ),
        ServiceCall => (2, f(vec![Ty::Con(TyCon::Pid, vec![]), g(0)], g(1))),
        ServiceCast => (1, f(vec![Ty::Con(TyCon::Pid, vec![]), g(0)], Ty::unit())),
        ServiceReply => (1, f(vec![g(0)], Ty::unit())),
        Supervise => (
            0,
            f(
                vec![
                    Ty::int(),
                    Ty::int(),
                    Ty::int(),
                    Ty::list(child_spec()),
                    Ty::string(),
                ],
                Ty::unit(),
            ),
        ),
        SupChild => {
            let Ty::Tuple(ps) = child_spec() else {
                unreachable!()
            };
            (0, f(ps, child_spec()))
        }
        JobAsync => (1, f(vec![f(vec![], g(0))], Ty::pid(g(0)))),
        JobAwait => (1, f(vec![Ty::pid(g(0))], job_result(g(0)))),
        JobAwaitTimeout => (1, f(vec![Ty::pid(g(0)), Ty::int()], job_result(g(0)))),
        Rt(_) => unreachable!("handled above"),
    };
    Sig { ngens, ty }
}

/// How the reference shows a builtin whose type the checker works out per
/// call (`sig` is only a placeholder for these).
pub fn doc_signature(b: Builtin) -> Option<&'static str> {
    use Builtin::*;
    Some(match b {
        TupleFirst => "((T, ...)) -> T",
        TupleSecond => "((T, U, ...)) -> U",
        TupleNth => "((T, ...), Int) -> T",
        TupleSize => "((T, ...)) -> Int",
        _ => return None,
    })
}

/// A supervisor child: (name, start, restart, shutdown).
pub fn child_spec() -> Ty {
    Ty::Tuple(vec![
        Ty::string(),
        f(vec![], Ty::Con(TyCon::Pid, vec![])),
        Ty::int(),
        Ty::int(),
    ])
}

fn job_result(t: Ty) -> Ty {
    Ty::Con(TyCon::Adt(RESULT), vec![t, Ty::string()])
}

/// A special form's names: `module.name` (no module: a bare name only),
/// with the table's `GLOBAL`/`NO_FLAT` naming flags.
pub struct Special {
    pub module: &'static str,
    pub name: &'static str,
    pub builtin: Builtin,
    pub flags: u16,
}

const fn sp(module: &'static str, name: &'static str, builtin: Builtin) -> Special {
    Special {
        module,
        name,
        builtin,
        flags: 0,
    }
}

/// Bare names only.
const fn global(name: &'static str, builtin: Builtin) -> Special {
    Special {
        flags: GLOBAL,
        ..sp("", name, builtin)
    }
}

/// The named special forms; `__` names are made by desugaring.
pub const SPECIALS: &[Special] = {
    use Builtin::*;
    &[
        global("to_string", ToString),
        global("inspect", Inspect),
        global("hash", Hash),
        global("compare", Compare),
        sp("Math", "abs", MathAbs),
        sp("Math", "min", MathMin),
        sp("Math", "max", MathMax),
        sp("Tuple", "first", TupleFirst),
        sp("Tuple", "second", TupleSecond),
        sp("Tuple", "nth", TupleNth),
        sp("Tuple", "size", TupleSize),
        sp("List", "sort", ListSort),
        sp("Timer", "send_after", SendAfter),
        sp("Job", "async", JobAsync),
        sp("Job", "await", JobAwait),
        sp("Job", "await_timeout", JobAwaitTimeout),
        global("__service_start", ServiceStart),
        global("__service_call", ServiceCall),
        global("__service_cast", ServiceCast),
        global("__service_reply", ServiceReply),
        global("__supervise", Supervise),
        global("__sup_child", SupChild),
    ]
};

/// Bare (prelude) names: special forms, then the runtime table's flat and
/// global names.
pub fn prelude(name: &str) -> Option<Builtin> {
    let special = |s: &&Special| stdlib::answers_to(s.module, s.name, s.flags, name);
    if let Some(s) = SPECIALS.iter().find(special) {
        return Some(s.builtin);
    }
    Some(Builtin::Rt(stdlib::lookup_bare(name)? as u16))
}

/// Bare and flat names of stdlib functions written in Snow (the prelude
/// modules): `map` and `list_map` are `List.map`.
pub fn prelude_alias(name: &str) -> Option<(&'static str, &'static str)> {
    const LIST: &[&str] = &[
        "map",
        "filter",
        "reduce",
        "find",
        "any",
        "all",
        "contains",
        "zip",
        "flat_map",
        "flatten",
        "enumerate",
        "take",
        "drop",
    ];
    const RANGE: &[&str] = &["map", "filter"];
    if let Some(f) = LIST.iter().find(|f| **f == name) {
        if matches!(*f, "map" | "filter" | "reduce") {
            return Some(("List", f));
        }
    }
    if let Some(rest) = name.strip_prefix("range_") {
        return RANGE.iter().find(|f| **f == rest).map(|f| ("Range", *f));
    }
    let rest = name.strip_prefix("list_")?;
    LIST.iter().find(|f| **f == rest).map(|f| ("List", *f))
}

/// `Module.name` for stdlib modules.
pub fn qualified(module: &str, name: &str) -> Option<Builtin> {
    if let Some(s) = SPECIALS
        .iter()
        .find(|s| !s.module.is_empty() && s.module == module && s.name == name)
    {
        return Some(s.builtin);
    }
    // `__` names are internal entries (`Json.__decode` is `T.from_json`).
    if name.starts_with("__") {
        return None;
    }
    Some(Builtin::Rt(stdlib::lookup(module, name)? as u16))
}

/// The stdlib functions callable by their bare name (`println`, `map`),
/// for "did you mean" on a misspelled one.
pub fn bare_names() -> impl Iterator<Item = &'static str> {
    let bare = |m: &str, n: &'static str, f: u16| stdlib::answers_to(m, n, f, n).then_some(n);
    let specials = SPECIALS
        .iter()
        .filter_map(move |s| bare(s.module, s.name, s.flags));
    let rt = stdlib::RT_FNS
        .iter()
        .filter_map(move |f| bare(f.module, f.name, f.flags));
    specials.chain(rt).chain(["map", "filter", "reduce"])
}

/// Every member name of the stdlib modules (for "did you mean").
pub fn member_names() -> impl Iterator<Item = &'static str> {
    let specials = SPECIALS.iter().filter(|s| !s.module.is_empty());
    stdlib::RT_FNS
        .iter()
        .map(|f| f.name)
        .chain(specials.map(|s| s.name))
}

/// Built-in protocol methods: `x.to_string()`, and `Int.to_string` as a
/// member of the scalar modules below (pipelines pass them as values).
pub const PROTOCOL_METHODS: &[(&str, IfaceId, Builtin)] = &[
    ("to_string", DISPLAY, Builtin::ToString),
    ("inspect", DEBUG, Builtin::Inspect),
    ("hash", HASH, Builtin::Hash),
];

/// The scalar stdlib modules whose protocol methods are members, with the
/// receiver type (`Int.to_string` is `(Int) -> String`).
pub fn protocol_module(module: &str) -> Option<Ty> {
    stdlib::protocol_receiver(module)
}
