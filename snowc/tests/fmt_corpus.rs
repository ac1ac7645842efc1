//! `snowc fmt` against every Snow program of the repository (`tests/` and
//! `examples/`): formatting is idempotent and keeps the meaning. A program
//! is one file, or a project directory (one holding `main.snow`) with all
//! its modules. Its formatted version must compile to the same C as the
//! original (without `#line` directives), or, when the original does not
//! compile, fail with the same diagnostics (error codes and headers).
//!
//! The C names source positions (panic sites, function locations) by line
//! and column, which layout moves. The formatter keeps the token sequence,
//! so the n-th token of the original is the n-th of the result: the
//! original C's positions are mapped token by token to the formatted file's
//! before the texts are compared. A position that is not a token start
//! fails the comparison.

mod common;

use common::repo_root;
use libtest_mimic::{Arguments, Failed, Trial};
use snowc::diag::{Diagnostic, SourceMap};
use snowc::driver::project::{load_file, load_project};
use snowc::fmt::{format_source, FmtError, Options};
use snowc::syntax::lexer::lex;
use snowc::syntax::token::Tok;
use snowc::CompileOptions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Program roots below `dir`: project directories and single files.
fn programs(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join("main.snow").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            programs(&p, out);
        } else if p.extension().is_some_and(|e| e == "snow") {
            out.push(p);
        }
    }
}

/// What compiling `sources` gives: the C text, or the diagnostics' codes and
/// headers.
fn compile(sources: &SourceMap) -> Result<String, Vec<String>> {
    let opts = CompileOptions {
        line_directives: false,
    };
    snowc::compile_to_c(sources, &opts)
        .map(|o| o.c_code)
        .map_err(|ds| {
            ds.iter()
                .filter(|d| d.is_error())
                .map(|d: &Diagnostic| format!("{:?} {}", d.code, d.short()))
                .collect()
        })
}

/// 1-based line and column.
type LineCol = (u32, u32);

/// (line, column) of every token start of `before` to the same token's in
/// `after`, for file `i` of both maps.
fn token_positions(
    before: &SourceMap,
    after: &SourceMap,
    i: usize,
) -> Result<HashMap<LineCol, LineCol>, String> {
    let starts = |m: &SourceMap| -> Result<Vec<u32>, String> {
        let toks = lex(&m.files[i].text).map_err(|e| e.1)?;
        Ok(toks
            .iter()
            .filter(|t| t.tok != Tok::Newline)
            .map(|t| t.span.start)
            .collect())
    };
    let (a, b) = (starts(before)?, starts(after)?);
    if a.len() != b.len() {
        return Err(format!("{}: the token count changed", before.files[i].path));
    }
    let id = snowc::diag::FileId(i as u32);
    Ok(a.iter()
        .zip(&b)
        .map(|(&x, &y)| (before.line_col(id, x), after.line_col(id, y)))
        .collect())
}

/// `c` with every `{"PATH", LINE, COL}` of a file of `before` moved to the
/// same token's position in `after`.
fn relocate(c: &str, before: &SourceMap, after: &SourceMap) -> Result<String, String> {
    let mut out = c.to_string();
    for i in 0..before.files.len() {
        if before.files[i].text == after.files[i].text {
            continue;
        }
        let map = token_positions(before, after, i)?;
        let key = format!("{{\"{}\", ", before.files[i].path);
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(at) = rest.find(&key) {
            let (head, tail) = rest.split_at(at + key.len());
            result.push_str(head);
            let close = tail.find('}').ok_or("unterminated location")?;
            let nums: Vec<u32> = tail[..close]
                .split(", ")
                .map(|n| n.trim().parse::<u32>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("unexpected location `{}`", &tail[..close]))?;
            let [line, col] = nums[..] else {
                return Err(format!("unexpected location `{}`", &tail[..close]));
            };
            let (l2, c2) = map
                .get(&(line, col))
                .ok_or(format!("{line}:{col} is not the start of a token"))?;
            result.push_str(&format!("{l2}, {c2}"));
            rest = &tail[close..];
        }
        result.push_str(rest);
        out = result;
    }
    Ok(out)
}

fn check(root: &Path) -> Result<(), Failed> {
    let original = if root.is_dir() {
        load_project(root)?
    } else {
        load_file(root)?
    };
    let mut formatted = original.clone();
    let opts = Options::default();
    let mut unparsable = 0;
    for f in &mut formatted.files {
        match format_source(&f.text, &opts) {
            Ok(out) => {
                let again = format_source(&out, &opts).map_err(|e| format!("{e:?}"))?;
                if again != out {
                    return Err(format!(
                        "{}: formatting is not idempotent:\n{}",
                        f.path,
                        common::diff(&out, &again)
                    )
                    .into());
                }
                f.text = out;
            }
            Err(FmtError::Syntax(_)) => unparsable += 1,
            Err(FmtError::Internal(m)) => return Err(format!("{}: {m}", f.path).into()),
        }
    }
    let (before, after) = (compile(&original), compile(&formatted));
    let how = match (&before, &after) {
        (Ok(a), Ok(b)) => {
            let a = relocate(a, &original, &formatted)?;
            if a != *b {
                return Err(format!("the C differs:\n{}", common::diff(&a, b)).into());
            }
            "same C"
        }
        (Err(a), Err(b)) if a == b => {
            if unparsable > 0 {
                "unparsable"
            } else {
                "same errors"
            }
        }
        _ => {
            return Err(format!("compiling gave {before:?}, after formatting {after:?}").into());
        }
    };
    // Counted by the report: `--nocapture` shows one line per program.
    println!("fmt-corpus: {how}: {}", root.display());
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = repo_root();
    let mut roots = Vec::new();
    programs(&root.join("tests"), &mut roots);
    programs(&root.join("examples"), &mut roots);
    let trials = roots
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
            Trial::test(name, move || check(&p))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
