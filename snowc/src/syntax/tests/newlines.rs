//! The newline rules of §3, one test per row of its table and more.

use super::{err, p};

#[test]
fn table_rows() {
    assert_eq!(
        err("let t = a +\n b"),
        "Parse error: expected expression, found newline"
    );
    assert_eq!(
        err("let t =\n f()"),
        "Parse error: expected expression, found newline"
    );
    assert_eq!(
        err("if ready\ndo 1 end"),
        "Parse error: expected `do`, found newline"
    );
    assert_eq!(
        err("case r do\n Ok(n) ->\n n + 1\nend"),
        "Parse error: an arm's body must start on the same line as its `->`"
    );
    assert_eq!(p("let a = 1 let b = 2"), "(let a 1) (let b 2)");
    assert_eq!(
        p("run(fn x do\n log(x)\n (x, 1)\nend)"),
        "(call run (fn (clause (x) (do (call (call log x) x 1)))))"
    );
    assert_eq!(
        p("run(fn x do\n a\n -1\nend)"),
        "(call run (fn (clause (x) (do (- a 1)))))"
    );
    assert_eq!(p("let x = 1 #= \n =# + 2"), "(let x (+ 1 2))");
}

#[test]
fn pipe_at_line_start_continues() {
    // [Ext] §7.4: a line starting with `|>` continues the previous expression.
    assert_eq!(p("rows\n |> render()"), "(call render rows)");
    assert_eq!(
        p("let x = a\n\n |> f(1)\n |> g"),
        "(let x (call g (call f a 1)))"
    );
    // After something that is not an expression it is still an error.
    assert_eq!(
        err("let x = 1; |> f"),
        "Parse error: a statement cannot start with `|>`"
    );
}

#[test]
fn newline_ends_expression() {
    assert_eq!(p("f\n(1)"), "f 1");
    assert_eq!(p("a\n[1]"), "a (list 1)");
    assert_eq!(err("a\n.b"), "Parse error: expected statement, found `.`");
    assert_eq!(p("a\n-1"), "a (neg 1)");
    assert_eq!(err("x\n?"), "Parse error: expected statement, found `?`");
    assert_eq!(err("P\n{}"), "Parse error: expected statement, found `{`");
}

#[test]
fn brackets_delete_newlines() {
    assert_eq!(p("f(\n 1,\n 2\n)"), "(call f 1 2)");
    assert_eq!(p("[\n a\n .b\n]"), "(list (. a b))");
    assert_eq!(p("%{\n 1 => 2\n 3 => 4\n}"), "(map (1 2) (3 4))");
    assert_eq!(p("(a\n + b)"), "(+ a b)");
}

#[test]
fn separators() {
    assert_eq!(p("a; b;; c\n\n;d"), "a b c d");
    assert_eq!(p(";;\n"), "");
    assert_eq!(p(""), "");
    assert_eq!(p("fn f() do ; a ; b ; end"), "(fn f () (do a b))");
    assert_eq!(
        err("case x do 1 -> a; 2 -> b end"),
        "Parse error: expected pattern or `end`, found `;`"
    );
}
