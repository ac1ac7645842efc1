use super::{err, p};
use crate::syntax::lexer::lex;
use crate::syntax::token::Tok;

fn toks(src: &str) -> Vec<Tok> {
    let mut v: Vec<Tok> = lex(src)
        .expect("lexes")
        .into_iter()
        .map(|t| t.tok)
        .collect();
    v.pop();
    v
}

#[test]
fn numbers() {
    assert_eq!(p("1_000"), "1000");
    assert_eq!(p("0xff"), "255");
    assert_eq!(p("0XFF_FF"), "65535");
    assert_eq!(p("0b1010"), "10");
    assert_eq!(p("0o17"), "15");
    assert_eq!(p("007"), "7");
    assert_eq!(p("2.5"), "2.5");
    assert_eq!(p("1e3"), "1000.0");
    assert_eq!(p("1.5E-2"), "0.015");
    assert_eq!(p("1_0.2_5"), "10.25");
    assert_eq!(p("9223372036854775807"), "9223372036854775807");
    assert_eq!(p("1..5"), "(.. 1 5)");
    assert_eq!(p("3.to_string()"), "(call (. 3 to_string))");
}

#[test]
fn bad_numbers() {
    assert_eq!(
        err("9223372036854775808"),
        "Parse error: integer literal is too large"
    );
    assert_eq!(err("0x"), "Parse error: missing digits after `0x`");
    assert_eq!(err("0b_"), "Parse error: missing digits after `0b`");
    assert_eq!(err("1e"), "Parse error: missing digits in exponent");
    assert_eq!(err("1e+"), "Parse error: missing digits in exponent");
    assert_eq!(
        err("10px"),
        "Parse error: invalid suffix `px` on number literal"
    );
    assert_eq!(
        err("0b102"),
        "Parse error: invalid digit `2` in number literal"
    );
    assert_eq!(
        err("0xfg"),
        "Parse error: invalid digit `g` in number literal"
    );
    assert_eq!(
        err("1.5x"),
        "Parse error: invalid suffix `x` on number literal"
    );
    assert_eq!(err("1e999"), "Parse error: float literal is out of range");
}

#[test]
fn operators_maximal_munch() {
    use Tok::*;
    assert_eq!(
        toks("a--b"),
        vec![Ident("a".into()), Minus, Minus, Ident("b".into())]
    );
    assert_eq!(toks("..."), vec![DotDot, Dot]);
    assert_eq!(toks(">>"), vec![Gt, Gt]);
    assert_eq!(
        toks("== => != <= <> >= && || |> ++ -> :: .."),
        vec![
            EqEq, FatArrow, NotEq, Le, LtGt, Ge, AndAnd, OrOr, PipeGt, PlusPlus, Arrow, ColonColon,
            DotDot
        ]
    );
    assert_eq!(toks("empty?"), vec![Ident("empty".into()), Question]);
}

#[test]
fn keywords_and_idents() {
    use crate::syntax::token::Kw;
    assert_eq!(
        toks("fn _x Übung"),
        vec![
            Tok::Kw(Kw::Fn),
            Tok::Ident("_x".into()),
            Tok::Ident("Übung".into())
        ]
    );
    assert_eq!(
        toks("self from"),
        vec![Tok::Kw(Kw::SelfKw), Tok::Ident("from".into())]
    );
}

#[test]
fn keywords_right_after_a_dot_are_member_names() {
    assert_eq!(p("Ws.send(c, t)"), "(call (. Ws send) c t)");
    assert_eq!(p("Pg.query(c)"), "(call (. Pg query) c)");
    assert_eq!(p("x.type.end"), "(. (. x type) end)");
    assert_eq!(p("Process.monitor(p)"), "(call (. Process monitor) p)");
    // Everywhere else they stay keywords; `..` is not a dot.
    assert_eq!(p("1..end_"), "(.. 1 end_)");
    assert!(err("let send = 1").contains("keyword `send`"));
}

#[test]
fn comments() {
    assert_eq!(p("1 # c\n2"), "1 2");
    assert_eq!(p("## doc\n##! mod\n3"), "3");
    assert_eq!(p("#= a #= b =# c =# 4"), "4");
    assert_eq!(p("let x = 1 #= \n =# + 2"), "(let x (+ 1 2))");
    assert_eq!(
        toks("a #= x\ny =# b"),
        vec![Tok::Ident("a".into()), Tok::Ident("b".into())]
    );
    assert_eq!(
        toks("a # x\nb"),
        vec![Tok::Ident("a".into()), Tok::Newline, Tok::Ident("b".into())]
    );
    assert_eq!(
        err("#= a #= b =#"),
        "Parse error: unterminated block comment"
    );
}

#[test]
fn line_terminators() {
    assert_eq!(toks("a\r\nb\rc\n"), {
        use Tok::*;
        vec![
            Ident("a".into()),
            Newline,
            Ident("b".into()),
            Newline,
            Ident("c".into()),
            Newline,
        ]
    });
}

#[test]
fn bad_characters() {
    for (src, c) in [
        ("@", "@"),
        ("a ' b", "'"),
        ("`", "`"),
        ("^", "^"),
        ("~", "~"),
        ("&", "&"),
        ("$", "$"),
        ("\\", "\\"),
        ("\u{c}", "\\u{c}"),
        ("\u{a0}", "\\u{a0}"),
    ] {
        assert_eq!(
            err(src),
            format!("Parse error: unexpected character `{c}`"),
            "{src:?}"
        );
    }
    assert_eq!(
        err("let x = :ok"),
        "Parse error: expected expression, found `:`"
    );
}

#[test]
fn strings() {
    assert_eq!(p(r#""a\nb\t\r\0\\\"\$""#), r#""a\nb\t\r\0\\\"$""#);
    assert_eq!(p(r#""\u{48}\u{1F600}""#), "\"H😀\"");
    assert_eq!(p("\"\""), "(str)");
    assert_eq!(p("\"line1\nline2\""), "\"line1\\nline2\"");
    assert_eq!(p("\"\"\"a \"b\" \"\"c\"\"\""), r#""a \"b\" \"\"c""#);
    assert_eq!(p("\"\"\"\nx\"\"\""), r#""\nx""#);
    assert_eq!(p("\"#not a comment\""), "\"#not a comment\"");
    assert_eq!(p(r#""cost: \${x} $y""#), r#""cost: ${x} $y""#);
}

#[test]
fn interpolation() {
    assert_eq!(p(r#""a${x}b""#), r#"(str "a" x "b")"#);
    assert_eq!(p(r#""${f(1, 2)}""#), "(str (call f 1 2))");
    assert_eq!(p(r#""${ "in ${y}" }""#), r#"(str (str "in " y))"#);
    assert_eq!(p(r#""${P { x: 1 }.x}""#), "(str (. (struct P (x 1)) x))");
    assert_eq!(p(r#""${%{1 => 2}}""#), "(str (map (1 2)))");
    assert_eq!(p("\"\"\"${a}\"\"\""), "(str a)");
}

#[test]
fn bad_strings() {
    assert_eq!(err("\"abc"), "Parse error: unterminated string");
    assert_eq!(
        err("\"\"\"abc\"\""),
        "Parse error: unterminated triple-quoted string"
    );
    assert_eq!(err(r#""\q""#), "Parse error: unknown escape sequence `\\q`");
    assert_eq!(
        err(r#""\u{}""#),
        "Parse error: unicode escape must have 1 to 6 hex digits"
    );
    assert_eq!(
        err(r#""\u{D800}""#),
        "Parse error: invalid unicode scalar value in escape"
    );
    assert_eq!(
        err(r#""\u{41""#),
        "Parse error: malformed unicode escape, expected `\\u{XXXX}`"
    );
    assert_eq!(err(r#""${}""#), "Parse error: empty interpolation `${}`");
    assert_eq!(
        err(r#""${a"#),
        "Parse error: unterminated interpolation `${`"
    );
    assert_eq!(
        err(r#""${a b}""#),
        "Parse error: expected `}`, found identifier `b`"
    );
    // `#` inside `${…}` comments out the rest of the line.
    assert_eq!(
        err("\"${a # }\"\n}\""),
        "Parse error: expected `}`, found newline"
    );
    assert_eq!(
        err("\"${a # }\"\n"),
        "Parse error: unterminated interpolation `${`"
    );
}

#[test]
fn interpolation_braces_are_not_brackets() {
    // A line break directly inside `${…}` at depth 0 is significant...
    assert_eq!(
        err("\"${a\n}\""),
        "Parse error: expected `}`, found newline"
    );
    // ...but inside brackets it is deleted.
    assert_eq!(p("f(\"${a\n}\")"), "(call f (str a))");
}
