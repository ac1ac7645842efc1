//! Every dedicated error message, plus spans of a few errors.

use super::{diag, err, primary};

#[test]
fn missing_end() {
    let d = diag("fn f() do\n  1\n");
    assert_eq!(d.header, "Parse error: expected `end`, found end of file");
    assert_eq!(primary(&d), (14, 14));
    let sec = d.labels.iter().find(|l| !l.primary).unwrap();
    assert_eq!((sec.span.start, sec.span.end), (7, 9));
    assert_eq!(sec.message, "this `do` is never closed");

    let d = diag("f(fn x do x)");
    assert_eq!(d.header, "Parse error: expected `end`, found `)`");
    assert_eq!(primary(&d), (11, 12));
    assert!(d.labels.iter().any(|l| !l.primary && l.span.start == 7));

    assert_eq!(
        err("if a do 1"),
        "Parse error: expected `else` or `end`, found end of file"
    );
    assert_eq!(
        err("case x do 1 -> 2"),
        "Parse error: expected pattern or `end`, found end of file"
    );
    assert_eq!(
        err("while a do"),
        "Parse error: expected `end`, found end of file"
    );
    assert_eq!(
        err("struct S do\n a :: Int\n"),
        "Parse error: expected field or `end`, found end of file"
    );
    assert_eq!(
        err("f(fn x -> x)"),
        "Parse error: expected `|` or `end`, found `)`"
    );
    let d = diag("f(fn x -> x)");
    assert_eq!(d.labels[1].message, "this `fn` is never closed");
}

#[test]
fn glob_import() {
    let d = diag("from M import *");
    assert_eq!(
        d.header,
        "Parse error: glob imports are not supported; list the names to import (`from M import a, b`)"
    );
    assert_eq!(primary(&d), (14, 15));
}

#[test]
fn misplaced_pub() {
    for src in [
        "pub let x = 1",
        "pub impl A for B do end",
        "pub actor a do end",
        "pub service S do end",
        "pub import A",
        "pub 1",
    ] {
        assert_eq!(
            err(src),
            "Parse error: misplaced `pub`: only fn, def, module, struct, type, interface and supervisor definitions can be public",
            "{src}"
        );
    }
    assert_eq!(primary(&diag("x\npub let y = 1")), (2, 5));
}

#[test]
fn deriving_on_next_line() {
    let d = diag("struct S do\n a :: Int\nend\nderiving(Eq)");
    assert_eq!(
        d.header,
        "Parse error: deriving clause must follow `end` on the same line"
    );
    assert_eq!(primary(&d), (26, 34));
    assert_eq!(
        err("type T do A end\nderiving(Eq)"),
        "Parse error: deriving clause must follow `end` on the same line"
    );
    // Elsewhere `deriving(…)` is an ordinary call.
    assert_eq!(super::p("f()\nderiving(Eq)"), "(call f) (call deriving Eq)");
}

#[test]
fn second_terminate() {
    let d = diag("actor a do\n terminate do 1 end\n terminate do 2 end\nend");
    assert_eq!(
        d.header,
        "Parse error: an actor can have at most one `terminate` block"
    );
    assert_eq!(primary(&d), (32, 41));
    assert_eq!(
        err("terminate do end"),
        "Parse error: `terminate` is only allowed in an actor body"
    );
}

#[test]
fn def_closure() {
    assert_eq!(
        err("def (x) -> x end"),
        "Parse error: `def` cannot define a closure; use `fn`"
    );
    assert_eq!(
        err("f(def x -> x end)"),
        "Parse error: `def` cannot define a closure; use `fn`"
    );
}

#[test]
fn assignment() {
    let d = diag("let x = 1\nx = 2");
    assert_eq!(
        d.header,
        "Parse error: there is no assignment in Snow; use `let` to bind a name"
    );
    assert_eq!(primary(&d), (12, 13));
}

#[test]
fn reserved_words() {
    for w in ["alias", "cond", "monitor", "trait", "trap", "with"] {
        assert_eq!(
            err(&format!("let x = {w}")),
            format!("Parse error: `{w}` is a reserved word and cannot be used")
        );
    }
    assert_eq!(
        err("monitor(pid)"),
        "Parse error: `monitor` is a reserved word and cannot be used"
    );
    assert_eq!(
        err("fn f(with) = 1"),
        "Parse error: `with` is a reserved word and cannot be used"
    );
    assert_eq!(
        err("Process. monitor(p)"),
        "Parse error: expected field name after `.`, found keyword `monitor`"
    );
}

#[test]
fn keywords_are_never_names() {
    // Ruling 14: only right after `.` is a keyword a member name.
    assert_eq!(
        err("p. type"),
        "Parse error: expected field name after `.`, found keyword `type`"
    );
    assert_eq!(
        err("t.0"),
        "Parse error: expected field name after `.`, found integer `0`"
    );
    assert_eq!(
        err("let end = 1"),
        "Parse error: expected name or tuple pattern after `let`, found keyword `end`"
    );
    assert_eq!(
        err("struct S do type :: Int end"),
        "Parse error: expected field or `end`, found keyword `type`"
    );
}

#[test]
fn expected_messages() {
    let d = diag("let t = a +\n b");
    assert_eq!(primary(&d), (11, 12));
    assert_eq!(d.labels[0].message, "expected expression");
    assert_eq!(
        err("f(1 2)"),
        "Parse error: expected `,` or `)`, found integer `2`"
    );
    assert_eq!(
        err("[1 2]"),
        "Parse error: expected `,` or `]`, found integer `2`"
    );
    assert_eq!(
        err("fn f(x) x"),
        "Parse error: expected `->`, `where`, `when`, `=` or `do`, found identifier `x`"
    );
    assert_eq!(
        err("fn f x"),
        "Parse error: expected `<`, `(`, `->`, `where`, `when`, `=` or `do`, found identifier `x`"
    );
    assert_eq!(
        err("fn f() -> Int x"),
        "Parse error: expected `where`, `when`, `=` or `do`, found identifier `x`"
    );
    assert_eq!(err("let x :: = 1"), "Parse error: expected type, found `=`");
    assert_eq!(
        err("type T"),
        "Parse error: expected `do` or `=`, found end of file"
    );
    assert_eq!(
        err("import"),
        "Parse error: expected identifier, found end of file"
    );
    assert_eq!(
        err("x = "),
        "Parse error: there is no assignment in Snow; use `let` to bind a name"
    );
    assert_eq!(err(")"), "Parse error: expected statement, found `)`");
    assert_eq!(
        err("end"),
        "Parse error: expected statement, found keyword `end`"
    );
    assert_eq!(
        err("f(fn + end)"),
        "Parse error: expected `(`, `->`, `do` or parameter, found `+`"
    );
    assert_eq!(
        err("case x do 1 2 end"),
        "Parse error: expected `when` or `->`, found integer `2`"
    );
    assert_eq!(
        err("P { x 1 }"),
        "Parse error: expected `:`, found integer `1`"
    );
    assert_eq!(
        err("%{1 2}"),
        "Parse error: expected `=>`, found integer `2`"
    );
    assert_eq!(
        err("import A\nfn f() do import B end"),
        "Parse error: imports are only allowed at the top level of a file"
    );
    assert_eq!(
        err("fn f() do\n a\n)\nend"),
        "Parse error: expected `end`, found `)`"
    );
}

#[test]
fn lexical_error_spans() {
    let d = diag("let x = 10px");
    assert_eq!(
        d.header,
        "Parse error: invalid suffix `px` on number literal"
    );
    assert_eq!(primary(&d), (8, 12));
    assert_eq!(primary(&diag("a @ b")), (2, 3));
    assert_eq!(primary(&diag("x = \"ab\\qc\"")), (7, 9));
    assert_eq!(primary(&diag("1 + \"abc")), (4, 5));
    assert_eq!(primary(&diag("1 #= #= =#")), (2, 4));
    assert_eq!(primary(&diag("0x")), (0, 2));
}

#[test]
fn statement_start_rules() {
    // `fn IDENT` at statement start is always a definition.
    assert!(err("fn x -> x + n end").starts_with("Parse error: expected"));
    assert_eq!(
        super::p("fn(x) -> x + n end"),
        "(fn (clause (x) (do (+ x n))))"
    );
    assert_eq!(
        err("where"),
        "Parse error: expected statement, found keyword `where`"
    );
    assert_eq!(
        err("fn f() where T: Ord, = 1"),
        "Parse error: expected `when`, `=` or `do`, found `,`"
    );
    assert_eq!(super::p("\u{feff}x"), "x");
}

#[test]
fn missing_end_blames_the_block_whose_end_is_dedented() {
    let secondary = |src: &str| -> Vec<(usize, String)> {
        diag(src)
            .labels
            .iter()
            .filter(|l| !l.primary)
            .map(|l| (l.span.start as usize, l.message.clone()))
            .collect()
    };
    // The `if` takes `fn main`'s `end`.
    let src = "fn main() do\n  if a do\n    b\n  c\nend\n";
    let got = secondary(src);
    assert_eq!(
        got[0],
        (
            src.find("do\n    b").unwrap(),
            "this `do` is never closed".into()
        )
    );
    assert_eq!(got[1].0, src.rfind("end").unwrap());
    // Innermost of a chain: the `if` inside the `for`.
    let src = "fn f() do\n  for x in y do\n    if a do\n      b\n  end\nend\n";
    assert_eq!(secondary(src)[0].0, src.find("do\n      b").unwrap());
    // A closure opened by `fn` keeps that word.
    let src = "fn main() do\n  let g = fn ->\n    1\n  g()\nend\n";
    assert_eq!(
        secondary(src)[0],
        (
            src.find("fn ->").unwrap(),
            "this `fn` is never closed".into()
        )
    );
    let src = "fn f() do\n  let g = fn x do\n    x\nend\n";
    assert_eq!(
        secondary(src)[0],
        (
            src.find("do\n    x").unwrap(),
            "this `do` is never closed".into()
        )
    );
    // Consistent indentation: the outer block is the one left open.
    let src = "fn main() do\n  if a do\n    b\n  end\n";
    assert_eq!(
        secondary(src),
        vec![(10, "this `do` is never closed".into())]
    );
}
