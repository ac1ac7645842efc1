//! MIR unit tests: small programs lowered from source, and the shape of the
//! statements of one of their functions.

use super::{Func, Operand, Program, Rv, Stmt};
use crate::diag::{SourceFile, SourceMap};
use crate::syntax::ast::BinOp;

fn lower(src: &str) -> Program {
    let mut sm = SourceMap::default();
    sm.add(SourceFile {
        path: "t.snow".into(),
        module: "Main".into(),
        text: src.into(),
    });
    crate::prelude::add_to(&mut sm);
    let parsed = crate::syntax::parse_all(&sm).expect("parses");
    let (typed, _) = crate::types::check_program(&sm, &parsed).expect("checks");
    super::lower_program(&typed)
}

fn func<'p>(p: &'p Program, name: &str) -> &'p Func {
    p.funcs
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// Every statement, nested ones included, in order.
fn all(stmts: &[Stmt]) -> Vec<&Stmt> {
    let mut out = Vec::new();
    for s in stmts {
        out.push(s);
        for b in s.blocks() {
            out.extend(all(b));
        }
    }
    out
}

fn count(stmts: &[Stmt], f: impl Fn(&Stmt) -> bool) -> usize {
    all(stmts).into_iter().filter(|s| f(s)).count()
}

fn reads_tag(s: &Stmt) -> bool {
    matches!(s, Stmt::Assign(_, Rv::Tag(_)))
}

/// An assignment of the constant `n`.
fn sets(s: &Stmt, n: i64) -> bool {
    matches!(s, Stmt::Assign(_, Rv::Use(Operand::Int(k))) if *k == n)
}

/// A binary operation with the constant `n` on its right.
fn uses_const(s: &Stmt, n: i64) -> bool {
    matches!(s, Stmt::Assign(_, Rv::Bin(_, _, Operand::Int(k), _, _)) if *k == n)
}

#[test]
fn a_twenty_arm_case_on_a_tag_is_one_switch() {
    let variants: String = (0..20).map(|i| format!("  V{i}(Int)\n")).collect();
    let arms: String = (0..20).map(|i| format!("  V{i}(n) -> n + {i}\n")).collect();
    let src = format!(
        "type T do\n{variants}end\n\nfn f(t :: T) -> Int = case t do\n{arms}end\n\n\
         fn main() do\n  println(\"${{f(V3(1))}}\")\nend\n"
    );
    let p = lower(&src);
    let body = &func(&p, "Main_f").body;
    assert_eq!(count(body, reads_tag), 1, "the tag is read once");
    let switches: Vec<_> = all(body)
        .into_iter()
        .filter_map(|s| match s {
            Stmt::Switch(_, cases, default) => Some((cases, default)),
            _ => None,
        })
        .collect();
    assert_eq!(switches.len(), 1);
    let (cases, default) = switches[0];
    let mut tags: Vec<i64> = cases.iter().flat_map(|(k, _)| k.clone()).collect();
    tags.sort();
    assert_eq!(tags, (0..20).collect::<Vec<i64>>(), "one case a variant");
    assert!(default.is_empty(), "the cases cover every variant");
    assert_eq!(count(body, |s| matches!(s, Stmt::Goto(_))), 0);
}

#[test]
fn a_failed_guard_goes_on_with_the_next_candidate_arm() {
    let p = lower(
        "type T do\n  A(Int)\n  B\nend\n\n\
         fn f(t :: T) -> Int = case t do\n  A(n) when n > 5 -> 1\n  B -> 2\n  A(_) -> 3\nend\n\n\
         fn main() do\n  println(\"${f(B)}\")\nend\n",
    );
    let body = &func(&p, "Main_f").body;
    assert_eq!(count(body, reads_tag), 1, "the tag is not tested again");
    let Some(Stmt::Switch(_, cases, _)) = all(body)
        .into_iter()
        .find(|s| matches!(s, Stmt::Switch(..)))
    else {
        panic!("a switch on the tag")
    };
    let (_, a) = cases.iter().find(|(k, _)| k == &[0]).expect("a case for A");
    // In A's case: the guard's If, arm 1 when it holds, arm 3 when not.
    let guard = all(a)
        .into_iter()
        .find_map(|s| match s {
            Stmt::If(_, yes, no) => Some((yes, no)),
            _ => None,
        })
        .expect("the guard's test");
    assert_eq!(count(guard.0, |s| sets(s, 1)), 1);
    assert_eq!(count(guard.1, |s| sets(s, 3)), 1);
    assert_eq!(count(a, |s| sets(s, 2)), 0, "B's arm is not a candidate");
}

#[test]
fn an_arm_several_leaves_reach_is_emitted_once() {
    // Arm 2 is reached with `a` Some(not 1) and with `a` None; its guard
    // fails differently on each path.
    let p = lower(
        "fn f(a :: Option<Int>, b :: Option<Int>) -> Int = case (a, b) do\n\
         \x20 (Some(1), _) -> 1\n\
         \x20 (_, Some(y)) when y > 55 -> y * 77\n\
         \x20 (Some(x), _) -> x\n\
         \x20 (None, _) -> 4\n\
         end\n\n\
         fn main() do\n  println(\"${f(None, None)}\")\nend\n",
    );
    let body = &func(&p, "Main_f").body;
    assert_eq!(count(body, |s| uses_const(s, 55)), 1, "one guard");
    assert_eq!(count(body, |s| uses_const(s, 77)), 1, "one body");
    // The guard's failure goes back to where each leaf left off.
    let dispatch = all(body).into_iter().find_map(|s| match s {
        Stmt::Switch(_, cases, _)
            if cases.iter().all(|(_, b)| matches!(b[..], [Stmt::Goto(_)])) =>
        {
            Some(cases.len())
        }
        _ => None,
    });
    assert_eq!(dispatch, Some(2));
    assert_eq!(
        count(body, |s| matches!(s, Stmt::Assign(_, Rv::MakeRecord(..)))),
        0,
        "the tuple written in place is never built"
    );
}

#[test]
fn or_patterns_of_literals_share_a_case() {
    let p = lower(
        "fn f(n :: Int) -> Int = case n do\n  0 -> 10\n  1 | 2 | 3 -> 20\n  _ -> 30\nend\n\n\
         fn main() do\n  println(\"${f(2)}\")\nend\n",
    );
    let body = &func(&p, "Main_f").body;
    let keys: Vec<Vec<i64>> = all(body)
        .into_iter()
        .find_map(|s| match s {
            Stmt::Switch(_, cases, _) => Some(cases.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        })
        .expect("a switch on n");
    assert_eq!(keys, vec![vec![0], vec![1, 2, 3]]);
}

#[test]
fn the_entry_check_goes_into_the_case_that_calls() {
    let p = lower(
        "type Tree do\n  Leaf\n  Node(Tree, Tree)\nend\n\n\
         fn size(t :: Tree) -> Int = case t do\n  Leaf -> 0\n  Node(l, r) -> size(l) + size(r) + 1\nend\n\n\
         fn main() do\n  println(\"${size(Node(Leaf, Leaf))}\")\nend\n",
    );
    let body = &func(&p, "Main_size").body;
    assert!(!body.iter().any(|s| matches!(s, Stmt::EntryCheck)));
    let Some(Stmt::Switch(_, cases, default)) = body.iter().find(|s| matches!(s, Stmt::Switch(..)))
    else {
        panic!("a switch on the tag")
    };
    let checks = |b: &[Stmt]| count(b, |s| matches!(s, Stmt::EntryCheck));
    let node = cases
        .iter()
        .find(|(k, _)| k == &[1])
        .map(|(_, b)| &b[..])
        .unwrap_or(default);
    assert_eq!(checks(node), 1);
    assert_eq!(
        count(body, |s| matches!(s, Stmt::EntryCheck)),
        1,
        "only there"
    );
}

#[test]
fn string_cases_are_tested_in_turn() {
    let p = lower(
        "fn f(s :: String) -> Int = case s do\n  \"a\" -> 1\n  \"b\" | \"c\" -> 2\n  _ -> 3\nend\n\n\
         fn main() do\n  println(\"${f(\"b\")}\")\nend\n",
    );
    let body = &func(&p, "Main_f").body;
    let eqs = count(body, |s| {
        matches!(
            s,
            Stmt::Assign(_, Rv::Rt(..)) | Stmt::Assign(_, Rv::Bin(BinOp::Eq, ..))
        )
    });
    assert_eq!(eqs, 3, "one comparison a literal");
    assert_eq!(count(body, |s| matches!(s, Stmt::Switch(..))), 0);
}

/// Clauses over `n` Bool parameters where each tests three of them: a
/// tree without shared sub-problems grows exponentially with `n`.
fn crossed_clauses(n: usize) -> String {
    let mut src = String::new();
    for i in 0..n {
        let mut ps = vec!["_"; n];
        ps[i] = "true";
        ps[(i + 1) % n] = "false";
        ps[(i + 3) % n] = "true";
        src += &format!("fn f({}) = {i}\n", ps.join(", "));
    }
    src += &format!("fn f({}) = 99\n\n", vec!["_"; n].join(", "));
    src += &format!(
        "fn main() do\n  println(\"${{f({})}}\")\nend\n",
        vec!["true"; n].join(", ")
    );
    src
}

#[test]
fn sub_problems_met_again_are_emitted_once() {
    let size = |n| all(&func(&lower(&crossed_clauses(n)), "Main_f").body).len();
    let (small, big) = (size(10), size(30));
    // Exponential growth would make it about 1000 times larger.
    assert!(big < 100 * small, "{small} statements for 10, {big} for 30");
}
