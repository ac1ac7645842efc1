//! Signatures of the runtime-provided functions callable from Snow: the
//! prelude (bare names) and the stdlib modules (qualified names).

use super::tast::Builtin;
use super::ty::{GenId, IfaceId, Ty, TyCon, DEBUG, DISPLAY, HASH, OPTION, ORDERING, RESULT};

/// A builtin's scheme: generic parameters (numbered locally 0..n) and type.
pub struct Sig {
    pub ngens: u32,
    pub ty: Ty,
}

fn g(i: u32) -> Ty {
    // Local generic numbering; `instantiate_sig` replaces them.
    Ty::Gen(GenId(u32::MAX - i))
}

fn f(ps: Vec<Ty>, r: Ty) -> Ty {
    Ty::Fun(ps, Box::new(r))
}

fn map(k: Ty, v: Ty) -> Ty {
    Ty::Con(TyCon::Map, vec![k, v])
}

fn set(t: Ty) -> Ty {
    Ty::Con(TyCon::Set, vec![t])
}

pub fn local_gen(i: u32) -> GenId {
    GenId(u32::MAX - i)
}

pub fn sig(b: Builtin) -> Sig {
    use Builtin::*;
    if let Rt(i) = b {
        let (ngens, ty) = super::stdlib::signature(i as usize);
        return Sig { ngens, ty };
    }
    let (ngens, ty) = match b {
        Println | Print | Eprintln => (0, f(vec![Ty::string()], Ty::unit())),
        ToString | Inspect => (1, f(vec![g(0)], Ty::string())),
        Hash => (1, f(vec![g(0)], Ty::int())),
        ListLength => (1, f(vec![Ty::list(g(0))], Ty::int())),
        ListNew => (1, f(vec![], Ty::list(g(0)))),
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
        IntToFloat => (0, f(vec![Ty::int()], Ty::float())),
        FloatToInt => (0, f(vec![Ty::float()], Ty::int())),
        Compare => (
            1,
            f(vec![g(0), g(0)], Ty::Con(TyCon::Adt(ORDERING), vec![])),
        ),
        MapNew => (2, f(vec![], map(g(0), g(1)))),
        MapPut => (2, f(vec![map(g(0), g(1)), g(0), g(1)], map(g(0), g(1)))),
        MapGet => (2, f(vec![map(g(0), g(1)), g(0)], g(1))),
        MapHasKey => (2, f(vec![map(g(0), g(1)), g(0)], Ty::bool())),
        MapSize => (2, f(vec![map(g(0), g(1))], Ty::int())),
        MapDelete => (2, f(vec![map(g(0), g(1)), g(0)], map(g(0), g(1)))),
        SetNew => (1, f(vec![], set(g(0)))),
        SetAdd | SetRemove => (1, f(vec![set(g(0)), g(0)], set(g(0)))),
        SetContains => (1, f(vec![set(g(0)), g(0)], Ty::bool())),
        SetSize => (1, f(vec![set(g(0))], Ty::int())),
        RangeNew => (
            0,
            f(vec![Ty::int(), Ty::int()], Ty::Con(TyCon::Range, vec![])),
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
    let _ = OPTION;
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

/// Bare (prelude) names of functions the compiler provides. `head`,
/// `tail` and the flat names of runtime functions are added by `prelude`.
pub const PRELUDE_FNS: &[(&str, Builtin)] = {
    use Builtin::*;
    &[
        ("println", Println),
        ("print", Print),
        ("to_string", ToString),
        ("inspect", Inspect),
        ("hash", Hash),
        ("compare", Compare),
        ("list_length", ListLength),
        ("list_new", ListNew),
        ("tuple_first", TupleFirst),
        ("tuple_second", TupleSecond),
        ("tuple_nth", TupleNth),
        ("tuple_size", TupleSize),
        ("list_sort", ListSort),
        ("io_eprintln", Eprintln),
        // Proposed global (§3.19).
        ("eprintln", Eprintln),
        ("map_new", MapNew),
        ("map_put", MapPut),
        ("map_get", MapGet),
        ("map_has_key", MapHasKey),
        ("map_size", MapSize),
        ("map_delete", MapDelete),
        ("set_new", SetNew),
        ("set_add", SetAdd),
        ("set_contains", SetContains),
        ("set_size", SetSize),
        ("set_remove", SetRemove),
        ("range_new", RangeNew),
        ("__service_start", ServiceStart),
        ("__service_call", ServiceCall),
        ("__service_cast", ServiceCast),
        ("__service_reply", ServiceReply),
        ("__supervise", Supervise),
        ("__sup_child", SupChild),
    ]
};

/// Bare names of runtime functions that are not flat names.
pub const PRELUDE_RT: &[(&str, &str, &str)] = &[("head", "List", "head"), ("tail", "List", "tail")];

/// Bare (prelude) names.
pub fn prelude(name: &str) -> Option<Builtin> {
    if let Some((_, b)) = PRELUDE_FNS.iter().find(|(n, _)| *n == name) {
        return Some(*b);
    }
    if let Some((_, m, f)) = PRELUDE_RT.iter().find(|(n, _, _)| *n == name) {
        return Some(Builtin::Rt(super::stdlib::lookup(m, f)? as u16));
    }
    Some(Builtin::Rt(super::stdlib::lookup_flat(name)? as u16))
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

/// Stdlib module names.
pub fn is_stdlib_module(name: &str) -> bool {
    matches!(
        name,
        "String"
            | "IO"
            | "Env"
            | "File"
            | "List"
            | "Map"
            | "Set"
            | "Tuple"
            | "Range"
            | "Queue"
            | "HTTP"
            | "Http"
            | "JSON"
            | "Json"
            | "Request"
            | "Job"
            | "Math"
            | "Int"
            | "Float"
            | "Timer"
            | "Sqlite"
            | "Pg"
            | "Pool"
            | "Ws"
            | "Process"
    )
}

/// `Module.name` functions the compiler provides; every other stdlib
/// function is in `stdlib::RT_FNS` or written in Snow (`prelude/`).
pub const QUALIFIED_FNS: &[(&str, &str, Builtin)] = {
    use Builtin::*;
    &[
        ("IO", "eprintln", Eprintln),
        ("IO", "println", Println),
        ("IO", "print", Print),
        ("List", "length", ListLength),
        ("List", "new", ListNew),
        ("Math", "abs", MathAbs),
        ("Math", "min", MathMin),
        ("Math", "max", MathMax),
        ("Tuple", "first", TupleFirst),
        ("Tuple", "second", TupleSecond),
        ("Tuple", "nth", TupleNth),
        ("Tuple", "size", TupleSize),
        ("List", "sort", ListSort),
        ("Int", "to_float", IntToFloat),
        ("Float", "to_int", FloatToInt),
        ("Map", "new", MapNew),
        ("Map", "put", MapPut),
        ("Map", "get", MapGet),
        ("Map", "has_key", MapHasKey),
        ("Map", "size", MapSize),
        ("Map", "delete", MapDelete),
        ("Set", "new", SetNew),
        ("Set", "add", SetAdd),
        ("Set", "contains", SetContains),
        ("Set", "size", SetSize),
        ("Set", "remove", SetRemove),
        ("Range", "new", RangeNew),
        ("Timer", "send_after", SendAfter),
        ("Job", "async", JobAsync),
        ("Job", "await", JobAwait),
        ("Job", "await_timeout", JobAwaitTimeout),
    ]
};

/// `Module.name` for stdlib modules.
pub fn qualified(module: &str, name: &str) -> Option<Builtin> {
    if let Some((_, _, b)) = QUALIFIED_FNS
        .iter()
        .find(|(m, n, _)| *m == module && *n == name)
    {
        return Some(*b);
    }
    // `__` names are internal entries (`Json.__decode` is `T.from_json`).
    if name.starts_with("__") {
        return None;
    }
    Some(Builtin::Rt(super::stdlib::lookup(module, name)? as u16))
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
    match module {
        "Int" => Some(Ty::int()),
        "Float" => Some(Ty::float()),
        "String" => Some(Ty::string()),
        _ => None,
    }
}

/// The stdlib module whose functions apply to a receiver of this type
/// (method syntax fallback).
pub fn module_for_receiver(t: &Ty) -> Option<&'static str> {
    match t {
        Ty::Con(TyCon::String, _) => Some("String"),
        Ty::Con(TyCon::List, _) => Some("List"),
        Ty::Con(TyCon::Map, _) => Some("Map"),
        Ty::Con(TyCon::Set, _) => Some("Set"),
        Ty::Con(TyCon::Range, _) => Some("Range"),
        Ty::Con(TyCon::Int, _) => Some("Int"),
        Ty::Con(TyCon::Float, _) => Some("Float"),
        Ty::Con(TyCon::Queue, _) => Some("Queue"),
        Ty::Con(TyCon::Json, _) => Some("JSON"),
        Ty::Con(TyCon::Adt(OPTION), _) => Some("Option"),
        Ty::Con(TyCon::Adt(RESULT), _) => Some("Result"),
        _ => None,
    }
}
