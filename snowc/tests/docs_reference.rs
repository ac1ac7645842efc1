//! The reference stays true to the compiler.
//!
//! The function tables of `docs/reference/stdlib.md` are generated from the
//! compiler's own view of the standard library (`snowc::stdlib_doc`) plus
//! one line of prose per function from `docs/reference/stdlib-functions.txt`.
//! The test fails when the checked-in tables are out of date, when a
//! function has no prose line, or when a prose line names no function.
//! `SNOW_BLESS=1` rewrites the tables.
//!
//! Every diagnostic code the compiler's sources contain has a row in
//! `docs/reference/errors.md`, and every row names such a code.

mod common;

use snowc::stdlib_doc::{global_functions, module_functions, GlobalFn, ModuleFn};
use std::collections::{BTreeSet, HashMap};

const BEGIN: &str =
    "<!-- BEGIN GENERATED stdlib tables: do not edit (see stdlib-functions.txt) -->";
const END: &str = "<!-- END GENERATED stdlib tables -->";
const REGENERATE: &str = "SNOW_BLESS=1 cargo test --release -p snowc --test docs_reference";

/// The prose file: `Module: intro`, `Module.name: text` and `global: text`
/// lines, in the order the reference shows them; `#` starts a comment.
struct Prose {
    /// Keys in file order.
    order: Vec<String>,
    text: HashMap<String, String>,
}

fn parse_prose(src: &str) -> Result<Prose, Vec<String>> {
    let mut p = Prose {
        order: Vec::new(),
        text: HashMap::new(),
    };
    let mut problems = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, text)) = line.split_once(": ") else {
            problems.push(format!("line {}: expected `Name: text`", i + 1));
            continue;
        };
        if p.text
            .insert(key.to_string(), text.trim().to_string())
            .is_some()
        {
            problems.push(format!("line {}: `{key}` is described twice", i + 1));
        }
        p.order.push(key.to_string());
    }
    if problems.is_empty() {
        Ok(p)
    } else {
        Err(problems)
    }
}

fn is_module(key: &str) -> bool {
    !key.contains('.') && key.starts_with(|c: char| c.is_ascii_uppercase())
}

fn render(
    prose: &Prose,
    modules: &[ModuleFn],
    globals: &[GlobalFn],
) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for f in modules {
        known.insert(f.module.clone());
        known.insert(format!("{}.{}", f.module, f.name));
    }
    known.extend(globals.iter().map(|g| g.name.clone()));
    // The intro of the globals table.
    known.insert("Global".to_string());
    for key in &known {
        if !prose.text.contains_key(key) {
            problems.push(format!(
                "`{key}` has no description: add a line `{key}: ...` to docs/reference/stdlib-functions.txt"
            ));
        }
    }
    for key in &prose.order {
        if !known.contains(key) {
            problems.push(format!(
                "docs/reference/stdlib-functions.txt describes `{key}`, which the compiler does not know"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut out = String::new();
    out.push_str("## Global functions\n\n");
    out.push_str(&prose.text["Global"]);
    out.push_str("\n\n| Function | Signature | Description |\n|---|---|---|\n");
    for key in prose
        .order
        .iter()
        .filter(|k| !is_module(k) && !k.contains('.'))
    {
        let g = globals.iter().find(|g| &g.name == key).expect("known");
        let same = match &g.same_as {
            Some(f) => format!("Same as `{f}`. "),
            None => String::new(),
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {same}{} |\n",
            g.name, g.sig, prose.text[key]
        ));
    }
    for module in prose
        .order
        .iter()
        .filter(|k| is_module(k) && *k != "Global")
    {
        let fns: Vec<&ModuleFn> = prose
            .order
            .iter()
            .filter_map(|k| k.strip_prefix(&format!("{module}.")))
            .map(|name| {
                modules
                    .iter()
                    .find(|f| &f.module == module && f.name == name)
                    .expect("known")
            })
            .collect();
        let flat = fns.iter().any(|f| f.flat.is_some());
        out.push_str(&format!("\n## {module}\n\n{}\n\n", prose.text[module]));
        if flat {
            out.push_str("| Function | Signature | Flat name | Description |\n|---|---|---|---|\n");
        } else {
            out.push_str("| Function | Signature | Description |\n|---|---|---|\n");
        }
        for f in fns {
            let text = &prose.text[&format!("{module}.{}", f.name)];
            let flat = match (&f.flat, flat) {
                (Some(n), _) => format!(" `{n}` |"),
                (None, true) => " |".to_string(),
                (None, false) => String::new(),
            };
            out.push_str(&format!(
                "| `{}.{}` | `{}` |{flat} {text} |\n",
                f.module, f.name, f.sig
            ));
        }
    }
    Ok(out)
}

#[test]
fn stdlib_reference_is_up_to_date() {
    let dir = common::repo_root().join("docs").join("reference");
    let prose_src = std::fs::read_to_string(dir.join("stdlib-functions.txt")).unwrap();
    let prose = parse_prose(&prose_src).unwrap_or_else(|p| panic!("{}", p.join("\n")));
    if !prose.text.contains_key("Global") {
        panic!("docs/reference/stdlib-functions.txt needs a `Global: ...` intro line");
    }
    let tables = render(&prose, &module_functions(), &global_functions())
        .unwrap_or_else(|p| panic!("{}", p.join("\n")));

    let path = dir.join("stdlib.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/reference/stdlib.md lacks the markers\n{BEGIN}\n{END}");
    };
    let start = b + BEGIN.len() + 1;
    let current = &doc[start.min(e)..e];
    let wanted = format!("\n{tables}\n");
    if current == wanted {
        return;
    }
    if std::env::var_os("SNOW_BLESS").is_some_and(|v| v == "1") {
        let updated = format!("{}{wanted}{}", &doc[..start], &doc[e..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    let first = current
        .lines()
        .zip(wanted.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(current.lines().count().min(wanted.lines().count()));
    panic!(
        "docs/reference/stdlib.md is out of date (first difference in line {} of the tables:\n  have: {:?}\n  want: {:?});\nregenerate it with `{REGENERATE}`",
        first + 1,
        current.lines().nth(first).unwrap_or(""),
        wanted.lines().nth(first).unwrap_or(""),
    );
}

/// The codes in `"E0001"`-style string literals below `dir`.
fn codes_in_sources(dir: &std::path::Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            codes_in_sources(&path, out);
            continue;
        }
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for piece in text.split('"').skip(1).step_by(2) {
            if is_code(piece) {
                out.insert(piece.to_string());
            }
        }
    }
}

fn is_code(s: &str) -> bool {
    s.len() == 5
        && (s.starts_with('E') || s.starts_with('W'))
        && s[1..].bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn every_error_code_is_documented() {
    let mut used = BTreeSet::new();
    codes_in_sources(&common::repo_root().join("snowc").join("src"), &mut used);
    let doc =
        std::fs::read_to_string(common::repo_root().join("docs/reference/errors.md")).unwrap();
    let documented: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|c| is_code(c))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = used.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&used).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/reference/errors.md is out of date: add rows for {missing:?}, remove rows for {stale:?}"
    );
}
