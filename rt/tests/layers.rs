//! The layer rule of `rt/src/lib.rs`: each top-level module of the runtime
//! is a layer, declared bottom first, and a file may refer only to its own
//! layer and those below it. This reads every `.rs` file under `rt/src`,
//! takes its layer from its directory, and looks at every `crate::` and
//! `super::` path in its code (comments and string literals skipped, `use`
//! groups expanded, inline modules followed for `super`).

use std::path::{Path, PathBuf};

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The layers, bottom first, as lib.rs's header lists them
/// (`//! Layers, bottom first: a, b, c.`).
fn layers(lib: &str) -> Vec<String> {
    let line = lib
        .lines()
        .find_map(|l| l.strip_prefix("//! Layers, bottom first:"))
        .expect("lib.rs's header lists the layers");
    line.trim()
        .trim_end_matches('.')
        .split(',')
        .map(|l| l.trim().trim_matches('`').to_string())
        .collect()
}

/// The modules lib.rs declares.
fn declared(lib: &str) -> Vec<String> {
    let mut mods: Vec<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').trim().to_string())
        .collect();
    mods.sort();
    mods
}

/// `code` with comments and the insides of string and character literals
/// replaced by spaces (line breaks kept, so line numbers stay right).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let blank = |c: u8| if c == b'\n' { b'\n' } else { b' ' };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    out.extend(b"  ");
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    out.extend(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if rest.starts_with(b"r#\"") || rest.starts_with(b"r\"") {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            out.push(b'"');
            i += 2 + hashes;
            while i < b.len() && !b[i..].starts_with(&close) {
                out.push(blank(b[i]));
                i += 1;
            }
            out.extend(&close);
            i += close.len();
        } else if b[i] == b'"' {
            out.push(b'"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    out.push(b' ');
                    i += 1;
                }
                out.push(blank(b[i]));
                i += 1;
            }
            out.push(b'"');
            i += 1;
        } else if b[i] == b'\'' && (rest.get(2) == Some(&b'\'') || (rest.get(1) == Some(&b'\\'))) {
            // A character literal ('x', '\n', '\''); a lifetime has no
            // closing quote after one character.
            let from = if rest[1] == b'\\' { 3 } else { 2 };
            let end = rest[from..]
                .iter()
                .position(|&c| c == b'\'')
                .map_or(1, |p| from + p + 1);
            out.extend(std::iter::repeat_n(b' ', end));
            i += end;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("blanking keeps the text valid")
}

fn ident_at(s: &[u8], i: usize) -> Option<&str> {
    let n = s[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    (n > 0).then(|| std::str::from_utf8(&s[i..i + n]).expect("ASCII"))
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The first names of the items of the `use` group opening at `s[i]`
/// (`{a::b, c, d::{e, f}}` gives a, c, d).
fn group_heads(s: &[u8], mut i: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut want = true;
    while i < s.len() {
        match s[i] {
            b'{' => {
                depth += 1;
                want = depth == 1;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => want = true,
            c if want && depth == 1 && is_ident_byte(c) => {
                let id = ident_at(s, i).expect("an identifier starts here");
                heads.push(id.to_string());
                i += id.len();
                want = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// Every module path a file refers to, as (line, absolute path below the
/// crate root, the text written). `module` is the file's own module path
/// (`["process", "worker"]`; a `mod.rs` is its directory's module).
fn references(src: &str, module: &[String]) -> Vec<(usize, Vec<String>, String)> {
    let code = code_only(src);
    let s = code.as_bytes();
    let mut out = Vec::new();
    // Inline modules open around the current position: (name, brace depth
    // inside them).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut line = 1;
    let mut pending_mod: Option<String> = None;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'\n' {
            line += 1;
        }
        if c == b'{' {
            depth += 1;
            if let Some(name) = pending_mod.take() {
                inline.push((name, depth));
            }
        } else if c == b'}' {
            if inline.last().is_some_and(|&(_, d)| d == depth) {
                inline.pop();
            }
            depth -= 1;
        } else if c == b';' {
            pending_mod = None;
        }
        let boundary = i == 0 || !is_ident_byte(s[i - 1]) && s[i - 1] != b'$';
        if !boundary || !is_ident_byte(c) {
            i += 1;
            continue;
        }
        let word = ident_at(s, i).expect("an identifier starts here");
        let start = i;
        i += word.len();
        match word {
            "mod" => {
                let mut j = i;
                while j < s.len() && s[j].is_ascii_whitespace() {
                    j += 1;
                }
                pending_mod = ident_at(s, j).map(str::to_string);
            }
            "crate" | "super" if s[i..].starts_with(b"::") => {
                let mut here: Vec<String> = module.to_vec();
                here.extend(inline.iter().map(|(n, _)| n.clone()));
                let mut base = if word == "crate" {
                    Vec::new()
                } else {
                    here[..here.len().saturating_sub(1)].to_vec()
                };
                i += 2;
                while s[i..].starts_with(b"super::") {
                    base.pop();
                    i += 7;
                }
                let heads = if s.get(i) == Some(&b'{') {
                    group_heads(s, i)
                } else {
                    ident_at(s, i)
                        .map(|id| vec![id.to_string()])
                        .unwrap_or_default()
                };
                let end = s[i..]
                    .iter()
                    .position(|&c| c == b';' || c == b'\n')
                    .map_or(s.len(), |p| i + p);
                let text = String::from_utf8_lossy(&s[start..end]).trim().to_string();
                for h in heads {
                    if h == "self" {
                        continue;
                    }
                    let mut path = base.clone();
                    path.push(h);
                    out.push((line, path, text.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The file's module path, from its path below `src`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The violations of the layer rule among `files` (path below `src`,
/// text), one line each: `file:line: ...`.
fn violations(layers: &[String], files: &[(PathBuf, String)]) -> Vec<String> {
    let rank = |name: &str| layers.iter().position(|l| l == name);
    let mut bad = Vec::new();
    for (rel, text) in files {
        let module = module_of(rel);
        let shown = format!("rt/src/{}", rel.display());
        let Some(own) = module.first() else {
            continue; // lib.rs declares the layers
        };
        let Some(own_rank) = rank(own) else {
            bad.push(format!("{shown}: not inside a layer directory"));
            continue;
        };
        for (line, path, written) in references(text, &module) {
            let Some(target) = path.first() else {
                continue;
            };
            match rank(target) {
                Some(r) if r <= own_rank => {}
                Some(_) => bad.push(format!(
                    "{shown}:{line}: layer `{own}` uses the higher layer `{target}`: {written}"
                )),
                None => bad.push(format!(
                    "{shown}:{line}: `{target}` is not a layer: {written}"
                )),
            }
        }
    }
    bad
}

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir)
        .expect("rt/src is readable")
        .flatten()
    {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, root, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).expect("readable");
            out.push((p.strip_prefix(root).expect("below src").to_path_buf(), text));
        }
    }
}

#[test]
fn every_file_uses_only_its_layer_and_those_below() {
    let src = src_dir();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let layers = layers(&lib);
    let mut sorted = layers.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        declared(&lib),
        "lib.rs's header lists exactly the modules it declares"
    );
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    assert!(files.len() > 50, "found the runtime's sources");
    let bad = violations(&layers, &files);
    assert!(bad.is_empty(), "layer rule broken:\n{}", bad.join("\n"));
}

fn layer_names() -> Vec<String> {
    layers("//! Layers, bottom first: low, mid, high.\n")
}

fn check(path: &str, text: &str) -> Vec<String> {
    violations(&layer_names(), &[(PathBuf::from(path), text.to_string())])
}

#[test]
fn a_higher_import_is_reported_with_file_and_line() {
    let text = "use crate::low::a;\n\nuse crate::high::b::C;\n";
    assert_eq!(
        check("mid/x.rs", text),
        ["rt/src/mid/x.rs:3: layer `mid` uses the higher layer `high`: crate::high::b::C"]
    );
    assert!(check("high/x.rs", text).is_empty());
}

#[test]
fn groups_paths_in_code_and_super_are_followed() {
    // Every member of a group counts, nested groups included.
    let bad = check("low/x.rs", "use crate::{low::a, mid::{b, c}, high};\n");
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].contains("`mid`") && bad[1].contains("`high`"));
    // A path in an expression, not only in `use`.
    assert_eq!(check("low/x.rs", "fn f() { crate::mid::g() }\n").len(), 1);
    // `super` from a layer's mod.rs leaves the layer; from a file inside
    // it, it does not; two of them do.
    assert_eq!(check("low/mod.rs", "use super::high::x;\n").len(), 1);
    assert!(check("low/x.rs", "use super::y;\n").is_empty());
    assert_eq!(check("low/x.rs", "use super::super::mid::y;\n").len(), 1);
    // Inside an inline module, `super` is the file's module.
    assert!(check(
        "low/mod.rs",
        "mod tests {\n use super::*;\n use super::a::b;\n}\n"
    )
    .is_empty());
}

#[test]
fn comments_strings_and_unknown_places_are_handled() {
    let text = "// crate::high::x\n/* crate::high */ const S: &str = \"crate::high::y\";\n\
                const R: &str = r#\"crate::high\"#; const C: [char; 2] = ['\"', '\\''];\nuse crate::mid::z;\n";
    assert_eq!(
        check("low/x.rs", text),
        ["rt/src/low/x.rs:4: layer `low` uses the higher layer `mid`: crate::mid::z"]
    );
    assert_eq!(
        check("stray.rs", ""),
        ["rt/src/stray.rs: not inside a layer directory"]
    );
    assert_eq!(check("low/x.rs", "use crate::elsewhere;\n").len(), 1);
}
