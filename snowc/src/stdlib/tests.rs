//! The table against itself, the special forms, `c-support/snow.h` and the
//! runtime's sources: a drift between them fails here, not in a C compiler.

use super::*;
use crate::types::builtins::SPECIALS;
use crate::types::ty::Ty;
use std::collections::{HashMap, HashSet};
use std::path::Path;

const SNOW_H: &str = include_str!("../../../c-support/snow.h");
const SQLITE_C: &str = include_str!("../../../c-support/snow_sqlite.c");

fn rt_src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rt/src")
}

#[test]
fn every_signature_parses_to_a_function() {
    for f in RT_FNS {
        let (_, t) = signature(f.sig);
        assert!(
            matches!(t, Ty::Fun(..)),
            "{}.{}: {}",
            f.module,
            f.name,
            f.sig
        );
        let (ps, _) = c_params(f);
        if f.has(CONST) {
            assert!(
                f.sig.starts_with("()"),
                "constant {} has parameters",
                f.name
            );
            assert!(ps.is_empty() || ps == ["snow_ctx *"]);
        }
        if f.has(ARG_DESC) || f.has(SERIAL) {
            assert!(
                f.sig.contains('a'),
                "{}: flag about `a` without `a`",
                f.name
            );
        }
    }
}

#[test]
fn qualified_names_are_unique_and_modules_known() {
    let mut seen = HashSet::new();
    let specials = SPECIALS.iter().filter(|s| !s.module.is_empty());
    let names = RT_FNS
        .iter()
        .map(|f| (f.module, f.name))
        .chain(specials.map(|s| (s.module, s.name)));
    for (m, n) in names {
        assert!(seen.insert((m, n)), "{m}.{n} is named twice");
        let internal = m.is_empty() && n.starts_with("__");
        assert!(
            internal || module(m).is_some(),
            "{m}.{n}: module {m} is not in MODULES"
        );
    }
}

#[test]
fn c_names_are_unique_unless_one_function() {
    let mut by_c: HashMap<&str, &RtFn> = HashMap::new();
    for f in RT_FNS {
        if let Some(g) = by_c.insert(f.c_name, f) {
            // `List.nth` is `List.get`: one C function under two names.
            assert!(
                g.sig == f.sig && g.flags == f.flags,
                "{} is both {}.{} and {}.{}",
                f.c_name,
                g.module,
                g.name,
                f.module,
                f.name
            );
        }
    }
}

#[test]
fn bare_names_are_unique() {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut add = |bare: String, what: String| {
        if let Some(prev) = seen.insert(bare.clone(), what.clone()) {
            panic!("`{bare}` names both {prev} and {what}");
        }
    };
    for f in RT_FNS {
        let what = format!("{}.{}", f.module, f.name);
        if let Some(flat) = flat_name(f.module, f.name, f.flags) {
            assert!(answers_to(f.module, f.name, f.flags, &flat), "{flat}");
            add(flat, what.clone());
        }
        if f.has(GLOBAL) {
            add(f.name.to_string(), what);
        }
    }
    for s in SPECIALS {
        let what = format!("{}.{}", s.module, s.name);
        if let Some(flat) = flat_name(s.module, s.name, s.flags) {
            add(flat, what.clone());
        }
        if s.flags & GLOBAL != 0 {
            add(s.name.to_string(), what);
        }
    }
    assert_eq!(lookup_bare("string_length"), lookup("String", "length"));
    assert_eq!(lookup_bare("println"), lookup("IO", "println"));
    assert_eq!(lookup_bare("io_println"), None);
    assert_eq!(lookup_bare("math_sqrt"), None);
    assert_eq!(lookup_bare("String_length"), None);
    assert_eq!(lookup_bare("_length"), None);
    assert_eq!(lookup_bare("stringlength"), None);
    assert_eq!(lookup_bare("head"), lookup("List", "head"));
    assert_eq!(lookup("Json", "parse"), lookup("JSON", "parse"));
}

/// The prototype `snow.h` declares for `name`: (return type, parameter
/// types), blanks removed (`snow_str*`).
fn header_prototype(name: &str) -> Option<(String, Vec<String>)> {
    let call = format!("{name}(");
    let mut offset = 0;
    while let Some(i) = SNOW_H[offset..].find(&call).map(|i| i + offset) {
        offset = i + call.len();
        let line_start = SNOW_H[..i].rfind('\n').map_or(0, |n| n + 1);
        let before = &SNOW_H[line_start..i];
        let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if before.trim_start().starts_with(['/', '*']) || before.ends_with(ident_char) {
            continue; // a comment, or a longer name ending in `name`
        }
        let ret = before
            .replace("static inline SNOW_UNUSED", "")
            .replace("SNOW_COLD", "")
            .replace("_Noreturn", "");
        let close = SNOW_H[offset..].find(')')? + offset;
        let params = &SNOW_H[offset..close];
        let strip = |s: &str| s.split_whitespace().collect::<String>();
        let types = params
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "void")
            .map(|p| {
                // Drop the parameter name.
                let cut = p.trim_end_matches(ident_char);
                strip(cut)
            })
            .collect();
        return Some((strip(&ret), types));
    }
    None
}

#[test]
fn snow_h_declares_every_entry_as_the_table_says() {
    let strip = |s: &str| s.split_whitespace().collect::<String>();
    for f in RT_FNS {
        let (ps, r) = c_params(f);
        let Some((hr, hps)) = header_prototype(f.c_name) else {
            panic!(
                "c-support/snow.h does not declare {} ({}.{})",
                f.c_name, f.module, f.name
            );
        };
        let want: Vec<String> = ps.iter().map(|p| strip(p)).collect();
        assert_eq!(
            (hr.as_str(), &hps),
            (strip(r).as_str(), &want),
            "snow.h's {} differs from {}.{} {} (flags {})",
            f.c_name,
            f.module,
            f.name,
            f.sig,
            f.flags
        );
    }
}

/// The `#[no_mangle] extern "C"` functions of `rt/src`: name → (parameter
/// types, return type), blanks removed.
fn rust_exports() -> HashMap<String, (Vec<String>, String)> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir)
            .expect("rt/src is readable")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(std::fs::read_to_string(&p).expect("readable"));
            }
        }
    }
    let mut files = Vec::new();
    walk(&rt_src(), &mut files);
    let mut out = HashMap::new();
    for src in &files {
        for (i, _) in src.match_indices("#[no_mangle]") {
            let rest = &src[i..];
            let Some(f) = rest.find("extern \"C\" fn ") else {
                continue;
            };
            let rest = &rest[f + "extern \"C\" fn ".len()..];
            let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else {
                continue;
            };
            let name = rest[..open].to_string();
            let strip = |s: &str| s.split_whitespace().collect::<String>();
            let params = rest[open + 1..close]
                .split(',')
                .filter_map(|p| p.split_once(':').map(|(_, t)| strip(t)))
                .collect();
            let ret = rest[close + 1..].split('{').next().unwrap_or("");
            let ret = strip(ret.trim_start().trim_start_matches("->"));
            out.insert(name, (params, ret));
        }
    }
    out
}

/// Does a Rust parameter or result type carry this C type?
fn rust_carries(c: &str, rust: &str) -> bool {
    match c {
        "int64_t" => rust == "i64",
        "double" => rust == "f64",
        "bool" => rust == "bool",
        "snow_word" => rust == "Word" || rust == "u64",
        "snow_pid" => rust == "Pid" || rust == "u64",
        "void" => rust.is_empty() || rust == "()" || rust == "!",
        _ => c.ends_with('*') && rust.starts_with('*'),
    }
}

#[test]
fn every_entry_has_a_body() {
    let exports = rust_exports();
    for f in RT_FNS {
        let (ps, r) = c_params(f);
        let Some((rps, rr)) = exports.get(f.c_name) else {
            // An entry point in a C file of c-support/ (`Sqlite.open`, which
            // keeps SQLite out of programs that do not use it) is checked
            // against snow.h by the C compiler: the file includes it.
            let ret = r.trim_end();
            let gap = if ret.ends_with('*') { "" } else { " " };
            let in_c = format!("{ret}{gap}{}(", f.c_name);
            if SQLITE_C.lines().any(|l| l.starts_with(&in_c)) {
                continue;
            }
            // A one-line helper over a field is `static inline` in snow.h.
            let inline = format!("static inline SNOW_UNUSED {}", r.trim_end_matches(' '));
            let def = SNOW_H
                .lines()
                .find(|l| l.contains(&format!("{}(", f.c_name)) && l.starts_with("static inline"));
            assert!(
                def.is_some_and(|l| l.starts_with(inline.as_str())),
                "{} ({}.{}) has no #[no_mangle] body in rt/src nor a static inline one in snow.h",
                f.c_name,
                f.module,
                f.name
            );
            continue;
        };
        assert_eq!(rps.len(), ps.len(), "{}: parameter count", f.c_name);
        for (c, rust) in ps.iter().zip(rps) {
            assert!(
                rust_carries(c.trim(), rust),
                "{}: {c} is {rust} in Rust",
                f.c_name
            );
        }
        assert!(
            rust_carries(r.trim(), rr),
            "{}: returns {r}, Rust {rr}",
            f.c_name
        );
    }
}
