//! Type checker unit tests: inferred schemes and diagnostics of small
//! programs.

use std::collections::HashMap;

use crate::diag::{SourceFile, SourceMap};
use crate::syntax;
use crate::types::check_program;
use crate::types::ty::{GenId, Ty, TyDisplay};

fn sources(src: &str) -> SourceMap {
    let mut sm = SourceMap::default();
    sm.add(SourceFile {
        path: "t.snow".into(),
        module: "Main".into(),
        text: src.into(),
    });
    sm
}

/// The inferred type of top-level function `name`, generic parameters
/// renamed `a`, `b`, ... in order of appearance.
fn type_of(src: &str, name: &str) -> String {
    let sm = sources(src);
    let parsed = syntax::parse_all(&sm).expect("parses");
    let (tp, _) =
        check_program(&sm, &parsed).unwrap_or_else(|d| panic!("type errors: {:?}", headers_of(&d)));
    let f = tp
        .fns
        .iter()
        .find(|f| f.name == format!("Main.{name}"))
        .expect("function exists");
    let ty = Ty::Fun(
        f.params.iter().map(|p| tp.local(*p).ty.clone()).collect(),
        Box::new(f.ret.clone()),
    );
    let mut order: Vec<GenId> = Vec::new();
    ty.any(&mut |t| {
        if let Ty::Gen(g) = t {
            if !order.contains(g) {
                order.push(*g);
            }
        }
        false
    });
    let names: HashMap<GenId, String> = order
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, ((b'a' + i as u8) as char).to_string()))
        .collect();
    let gen_names = |g| names.get(&g).cloned();
    TyDisplay {
        ty: &ty,
        adts: &tp.adts,
        gen_names: &gen_names,
    }
    .to_string()
}

fn headers_of(d: &[crate::diag::Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|d| format!("[{}] {}", d.code.clone().unwrap_or_default(), d.header))
        .collect()
}

/// All diagnostics (errors and warnings) as `[CODE] header`.
fn diags(src: &str) -> Vec<String> {
    let sm = sources(src);
    let parsed = syntax::parse_all(&sm).expect("parses");
    match check_program(&sm, &parsed) {
        Ok((_, w)) => headers_of(&w),
        Err(d) => headers_of(&d),
    }
}

fn has(src: &str, want: &str) {
    let d = diags(src);
    assert!(
        d.iter().any(|h| h.contains(want)),
        "wanted {want:?} in {d:?}"
    );
}

const MAIN: &str = "\nfn main() do\n  println(\"x\")\nend\n";

#[test]
fn infers_monomorphic_functions() {
    assert_eq!(
        type_of(&format!("fn sq(x) = x * 2{MAIN}"), "sq"),
        "(Int) -> Int"
    );
    assert_eq!(
        type_of(&format!("fn half(x) = x / 2.0{MAIN}"), "half"),
        "(Float) -> Float"
    );
}

#[test]
fn generalises_polymorphic_functions() {
    assert_eq!(type_of(&format!("fn id(x) = x{MAIN}"), "id"), "(a) -> a");
    assert_eq!(
        type_of(&format!("fn pair(a, b) = (a, b){MAIN}"), "pair"),
        "(a, b) -> (a, b)"
    );
    assert_eq!(
        type_of(&format!("fn apply(f, x) = f(x){MAIN}"), "apply"),
        "((a) -> b, a) -> b"
    );
}

#[test]
fn arithmetic_on_unknown_types_stays_generic() {
    assert_eq!(
        type_of(&format!("fn add(a, b) = a + b{MAIN}"), "add"),
        "(a, a) -> a"
    );
}

#[test]
fn obligations_are_checked_at_instantiation() {
    has(
        "fn add(a, b) = a + b\nfn main() do\n  println(add(\"x\", \"y\"))\nend\n",
        "[E0006] String does not implement Add",
    );
}

#[test]
fn forward_references_and_mutual_recursion() {
    let src = format!(
        "fn is_even(n) = if n == 0 do true else is_odd(n - 1) end\nfn is_odd(n) = if n == 0 do false else is_even(n - 1) end{MAIN}"
    );
    assert_eq!(type_of(&src, "is_even"), "(Int) -> Bool");
    assert_eq!(type_of(&src, "is_odd"), "(Int) -> Bool");
}

#[test]
fn let_polymorphism() {
    let src = "fn main() do\n  let ident = fn x -> x end\n  let a = ident(1)\n  let b = ident(\"s\")\n  println(\"${a}${b}\")\nend\n";
    assert!(diags(src).is_empty(), "{:?}", diags(src));
}

#[test]
fn lambda_parameters_are_monomorphic() {
    has(
        "fn use_twice(f) = (f(1), f(\"s\"))\nfn main() do\n  println(\"x\")\nend\n",
        "[E0001] expected Int, found String",
    );
}

#[test]
fn annotations_are_expected_types() {
    has(
        "fn main() do\n  let x :: Int = \"s\"\n  println(\"${x}\")\nend\n",
        "[E0001] expected Int, found String",
    );
    assert_eq!(
        type_of(&format!("fn f(xs :: List<Int>) -> Int? = None{MAIN}"), "f"),
        "(List<Int>) -> Option<Int>"
    );
}

#[test]
fn rigid_type_parameters() {
    has(
        "fn f<T>(x :: T) -> T = 5\nfn main() do\n  println(\"x\")\nend\n",
        "[E0001] expected T, found Int",
    );
    assert_eq!(
        type_of(&format!("fn keep<T>(x :: T) -> T = x{MAIN}"), "keep"),
        "(a) -> a"
    );
}

#[test]
fn occurs_check() {
    has(
        "fn main() do\n  let f = fn x -> x(x) end\n  println(\"x\")\nend\n",
        "[E0002] infinite type",
    );
}

#[test]
fn unknown_names_suggest() {
    has(
        "fn main() do\n  let count = 1\n  println(\"${cuont}\")\nend\n",
        "[E0004] undefined variable: cuont",
    );
    let d = diags("fn main() do\n  let count = 1\n  println(\"${cuont}\")\nend\n");
    assert_eq!(d.len(), 1);
}

#[test]
fn struct_fields_and_generic_structs() {
    let src = format!("struct Box<T> do\n  value :: T\nend\nfn unbox(b) = b.value\nfn make(x) = Box {{ value: x }}{MAIN}");
    assert_eq!(type_of(&src, "unbox"), "(Box<a>) -> a");
    assert_eq!(type_of(&src, "make"), "(a) -> Box<a>");
    has(
        "struct P do\n  x :: Int\nend\nfn main() do\n  let p = P { x: 1, y: 2 }\n  println(\"x\")\nend\n",
        "[E0009] unknown field y in struct P",
    );
    has(
        "struct P do\n  x :: Int\n  y :: Int\nend\nfn main() do\n  let p = P { x: 1 }\n  println(\"x\")\nend\n",
        "[E0009] missing field y in struct P",
    );
}

#[test]
fn sum_types_and_exhaustiveness() {
    let light = "type Light do\n  Red\n  Amber\n  Green\nend\n";
    has(
        &format!("{light}fn next(l :: Light) -> Light do\n  case l do\n    Red -> Green\n    Green -> Amber\n  end\nend{MAIN}"),
        "[E0012] non-exhaustive match on `Light`",
    );
    has(
        &format!("{light}fn f(l :: Light) -> Int do\n  case l do\n    _ -> 1\n    Red -> 2\n  end\nend{MAIN}"),
        "[W0001] redundant match arm (arm 2)",
    );
    has(
        "fn f(b :: Bool) -> Int do\n  case b do\n    true -> 1\n  end\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0012] non-exhaustive match on `Bool`",
    );
}

#[test]
fn cons_patterns_need_a_catch_all() {
    has(
        "fn f(xs :: List<Int>) -> Int do\n  case xs do\n    h :: _ -> h\n  end\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0012] non-exhaustive match on `List<Int>`",
    );
}

#[test]
fn multi_clause_gaps_are_warnings() {
    let d = diags("fn f(0) = 1\nfn f(1) = 2\nfn main() do\n  println(\"x\")\nend\n");
    assert_eq!(d, vec!["[E0012] non-exhaustive match on `Int`".to_string()]);
    has(
        "fn f(x) = 1\nfn f(0) = 2\nfn main() do\n  println(\"x\")\nend\n",
        "[E0022] catch-all clause must be the last clause of function `f/1`",
    );
    has(
        "fn f(0) = 1\nfn g() = 1\nfn f(x) = 2\nfn main() do\n  println(\"x\")\nend\n",
        "[E0023] function `f/1` already defined",
    );
}

#[test]
fn try_operator_rules() {
    has(
        "fn f() -> Int do\n  let x = Some(1)?\n  x\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0036]",
    );
    has(
        "fn f() -> Int? do\n  let x = 5?\n  Some(x)\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0037]",
    );
    assert_eq!(
        type_of(
            &format!("fn first(o :: Int?) do\n  let v = o?\n  Some(v + 1)\nend{MAIN}"),
            "first"
        ),
        "(Option<Int>) -> Option<Int>"
    );
}

#[test]
fn loops_and_break() {
    has(
        "fn main() do\n  break\nend\n",
        "[E0032] `break` outside of loop",
    );
    has(
        "fn main() do\n  while true do\n    let f = fn -> continue end\n  end\nend\n",
        "[E0033] `continue` outside of loop",
    );
}

#[test]
fn never_joins_with_other_branches() {
    assert_eq!(
        type_of(
            &format!("fn f(x) do\n  if x > 0 do\n    return 1\n  else\n    2\n  end\nend{MAIN}"),
            "f"
        ),
        "(Int) -> Int"
    );
}

#[test]
fn calling_a_non_function() {
    has(
        "fn main() do\n  let x = 1\n  x(2)\nend\n",
        "[E0001] expected Int, found (Int) ->",
    );
}

#[test]
fn or_patterns_bind_the_same_names() {
    has(
        "type T do\n  A(Int)\n  B(Int, Int)\nend\nfn f(t :: T) -> Int do\n  case t do\n    A(x) | B(x, y) -> x\n  end\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0011] or-pattern alternatives bind different variables: [x] vs [x, y]",
    );
}

#[test]
fn guards_are_restricted_in_case() {
    has(
        "fn f(n :: Int) -> Int do\n  case n do\n    x when x % 2 == 0 -> 1\n    _ -> 0\n  end\nend\nfn main() do\n  println(\"x\")\nend\n",
        "[E0013] invalid guard: operator `%` not allowed in guard",
    );
}
