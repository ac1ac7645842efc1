//! The row parsers and the field table of chapter 05 §5.7.

use crate::library::row::*;

#[test]
fn int_accepts_a_sign_and_digits_within_i64() {
    assert_eq!(parse_int("30"), Ok(30));
    assert_eq!(parse_int(" -7 "), Ok(-7));
    assert_eq!(parse_int("+42"), Ok(42));
    assert_eq!(parse_int("9223372036854775807"), Ok(i64::MAX));
    assert_eq!(parse_int("-9223372036854775808"), Ok(i64::MIN));
    for bad in [
        "30.0",
        "1e3",
        "",
        " ",
        "+",
        "--1",
        "0x10",
        "1_000",
        "9223372036854775808",
        "abc",
    ] {
        assert_eq!(parse_int(bad), Err(format!("cannot parse '{bad}' as Int")));
    }
}

#[test]
fn float_accepts_decimal_exponent_and_the_specials() {
    assert_eq!(parse_float("95.5"), Ok(95.5));
    assert_eq!(parse_float(".5"), Ok(0.5));
    assert_eq!(parse_float("5."), Ok(5.0));
    assert_eq!(parse_float("-1e-3"), Ok(-0.001));
    assert_eq!(parse_float("1E3"), Ok(1000.0));
    assert_eq!(parse_float(" 30 "), Ok(30.0));
    for inf in ["inf", "INF", "infinity", "Infinity", "iNfInItY", "+inf"] {
        assert_eq!(parse_float(inf), Ok(f64::INFINITY), "{inf}");
    }
    assert_eq!(parse_float("-Infinity"), Ok(f64::NEG_INFINITY));
    for nan in ["nan", "NaN", "NAN"] {
        assert!(parse_float(nan).unwrap().is_nan(), "{nan}");
    }
    for bad in [
        "", ".", "e3", "1e", "1.2.3", "abc", "0x1p3", "infinit", "1,5",
    ] {
        assert_eq!(
            parse_float(bad),
            Err(format!("cannot parse '{bad}' as Float"))
        );
    }
}

#[test]
fn bool_accepts_eight_words_in_any_case() {
    for t in ["true", "t", "1", "yes", "TRUE", "T", "Yes", " t "] {
        assert_eq!(parse_bool(t), Ok(true), "{t}");
    }
    for f in ["false", "f", "0", "no", "FALSE", "F", "NO", "No"] {
        assert_eq!(parse_bool(f), Ok(false), "{f}");
    }
    for bad in ["", "y", "n", "on", "off", "2", "True!", "Maybe"] {
        assert_eq!(
            parse_bool(bad),
            Err(format!("cannot parse '{bad}' as Bool"))
        );
    }
}

fn field(name: &str, scalar: Scalar, optional: bool) -> Field<'_> {
    Field {
        name,
        scalar,
        optional,
    }
}

fn row<'r>(cols: &'r [(&'r str, &'r str)]) -> impl Fn(&str) -> Option<&'r str> {
    move |name| cols.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

#[test]
fn decode_follows_the_field_table() {
    let user = [
        field("name", Scalar::Str, false),
        field("age", Scalar::Int, false),
        field("score", Scalar::Float, false),
        field("active", Scalar::Bool, false),
    ];
    let alice = [
        ("active", "t"),
        ("score", "95.5"),
        ("age", "30"),
        ("name", "Alice"),
        ("extra", "ignored"),
    ];
    assert_eq!(
        decode(&user, row(&alice)),
        Ok(vec![
            Cell::Str("Alice".into()),
            Cell::Int(30),
            Cell::Float(95.5),
            Cell::Bool(true)
        ])
    );
    // Declaration order: the first failing field is reported.
    let bad = [("name", ""), ("age", "x"), ("active", "maybe")];
    assert_eq!(
        decode(&user, row(&bad)),
        Err("cannot parse 'x' as Int".into())
    );
    assert_eq!(
        decode(&user, row(&[("name", "a"), ("age", "1")])),
        Err("missing column: score".into())
    );
    // NULL (`""`): String keeps it, the others cannot parse it.
    assert_eq!(
        decode(&user[..2], row(&[("name", ""), ("age", "")])),
        Err("cannot parse '' as Int".into())
    );
    assert_eq!(
        decode(&user[..1], row(&[("name", "")])),
        Ok(vec![Cell::Str(String::new())])
    );
    // A String is the text as it is, not trimmed.
    assert_eq!(
        decode(&user[..1], row(&[("name", " a ")])),
        Ok(vec![Cell::Str(" a ".into())])
    );
}

#[test]
fn decode_options_map_missing_and_null_to_none() {
    let fs = [
        field("n", Scalar::Int, true),
        field("s", Scalar::Str, true),
        field("b", Scalar::Bool, true),
    ];
    assert_eq!(
        decode(&fs, row(&[("n", ""), ("b", "")])),
        Ok(vec![Cell::None, Cell::None, Cell::None])
    );
    assert_eq!(
        decode(&fs, row(&[("n", "5"), ("s", "x"), ("b", "no")])),
        Ok(vec![Cell::Int(5), Cell::Str("x".into()), Cell::Bool(false)])
    );
    // Only `""` is NULL: blanks are a value, parsed after trimming.
    assert_eq!(
        decode(&fs, row(&[("n", " ")])),
        Err("cannot parse ' ' as Int".into())
    );
    assert_eq!(
        decode(&fs, row(&[("n", "1"), ("s", " ")])),
        Ok(vec![Cell::Int(1), Cell::Str(" ".into()), Cell::None])
    );
    assert_eq!(
        decode(&fs, row(&[("n", "1.5")])),
        Err("cannot parse '1.5' as Int".into())
    );
}
