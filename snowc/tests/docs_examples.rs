//! Every Snow example in the documentation (`README.md`, `docs/**/*.md`)
//! compiles and does what the text beside it says. A fenced block is one of:
//!
//! - ```` ```snow ````: a complete program; the next fenced block must be
//!   ```` ```output ```` holding its exact standard output. The program must
//!   exit with status 0, or with `N` when the block is ```` ```output exit=N
//!   ````. An optional ```` ```stderr ```` block right after it holds lines
//!   that must each occur in the program's standard error.
//! - ```` ```snow error ````: a program the compiler rejects (exit status
//!   1); the next fenced block, ```` ```error ````, holds lines that must
//!   each occur in the diagnostics (compiled with `--no-color`).
//! - ```` ```snow fragment ````: a piece of a program shown for its syntax
//!   (used sparingly); it is not compiled.
//!
//! Examples are compiled as `example.snow` in a scratch directory, which
//! is also their working directory.
//!
//! Also: every program in `examples/` compiles and runs successfully (a
//! server only compiles here; `httpex.rs` drives it), the
//! README's tour table lists each of them, and relative links between the
//! documents point at files that exist.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Clone, Debug)]
enum Kind {
    Program {
        exit: i32,
        output: String,
        stderr: String,
    },
    Error {
        lines: String,
    },
}

#[derive(Clone, Debug)]
struct Example {
    /// `docs/guide.md:120` (the line of the opening fence).
    name: String,
    source: String,
    kind: Kind,
}

/// A fenced block: its info string, body and the line of its opening fence.
struct Fence {
    info: String,
    body: String,
    line: usize,
}

fn fences(text: &str) -> Result<Vec<Fence>, String> {
    let mut out = Vec::new();
    let mut open: Option<Fence> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Fence {
                    info: info.trim().to_string(),
                    body: String::new(),
                    line: i + 1,
                })
            }
            (Some(_), Some("")) => out.push(open.take().expect("open fence")),
            (Some(f), _) => {
                f.body.push_str(line);
                f.body.push('\n');
            }
            (None, None) => {}
        }
    }
    match open {
        Some(f) => Err(format!("unclosed fence at line {}", f.line)),
        None => Ok(out),
    }
}

/// The examples of one Markdown file (`rel` is its path for test names).
fn examples(rel: &str, text: &str) -> Result<Vec<Example>, String> {
    let fences = fences(text).map_err(|e| format!("{rel}: {e}"))?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < fences.len() {
        let f = &fences[i];
        let name = format!("{rel}:{}", f.line);
        let mut words = f.info.split_whitespace();
        if words.next() != Some("snow") {
            i += 1;
            continue;
        }
        let next = fences.get(i + 1);
        let next_info: Vec<&str> = next.map_or(vec![], |n| n.info.split_whitespace().collect());
        let kind = match (words.next(), next_info.first()) {
            (Some("fragment"), _) => {
                i += 1;
                continue;
            }
            (None, Some(&"output")) => {
                let exit = match next_info.get(1).map(|w| w.strip_prefix("exit=")) {
                    None => 0,
                    Some(Some(n)) => n.parse().map_err(|_| format!("{name}: bad exit=N"))?,
                    Some(None) => return Err(format!("{name}: unknown output option")),
                };
                let stderr = fences.get(i + 2).filter(|f| f.info == "stderr");
                if stderr.is_some() {
                    i += 1;
                }
                Kind::Program {
                    exit,
                    output: next.expect("next").body.clone(),
                    stderr: stderr.map_or(String::new(), |f| f.body.clone()),
                }
            }
            (Some("error"), Some(&"error")) => Kind::Error {
                lines: next.expect("next").body.clone(),
            },
            _ => {
                return Err(format!(
                    "{name}: a ```snow block must be followed by an ```output block, \
                     a ```snow error block by an ```error block; mark pieces that are \
                     not programs ```snow fragment"
                ))
            }
        };
        out.push(Example {
            name,
            source: f.body.clone(),
            kind,
        });
        i += 2;
    }
    Ok(out)
}

/// `README.md` and every Markdown file below `docs/`, as (relative path, path).
fn markdown_files() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let root = repo_root();
    let mut paths = vec![root.join("README.md")];
    walk(&root.join("docs"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            (rel, p)
        })
        .collect()
}

fn check(ex: &Example) -> Result<(), Failed> {
    let dir = scratch_dir("docs_examples", &ex.name.replace(['/', ':', '.'], "_"));
    std::fs::write(dir.join("example.snow"), &ex.source).map_err(|e| e.to_string())?;
    let compiled = run(
        Command::new(snowc())
            .args(["example.snow", "-o", "example", "--no-color"])
            .current_dir(&dir),
        HANG_TIMEOUT,
    )?;
    check_no_ice(&compiled.stderr)?;
    match &ex.kind {
        Kind::Error { lines } => {
            if compiled.status != Some(1) {
                return Err(
                    describe("expected the compiler to reject the example", &compiled).into(),
                );
            }
            check_stderr_lines(lines, &compiled.stderr)?;
        }
        Kind::Program {
            exit,
            output,
            stderr,
        } => {
            if compiled.status != Some(0) {
                return Err(describe("the example does not compile", &compiled).into());
            }
            let ran = run(
                Command::new(dir.join("example"))
                    .current_dir(&dir)
                    .env_remove("SNOW_GC_STRESS")
                    .env_remove("SNOW_SCHEDULERS"),
                HANG_TIMEOUT,
            )?;
            if &ran.stdout != output {
                return Err(format!(
                    "{}\n--- stderr ---\n{}",
                    diff(output, &ran.stdout),
                    ran.stderr
                )
                .into());
            }
            if ran.status != Some(*exit) {
                return Err(describe(&format!("expected exit status {exit}"), &ran).into());
            }
            check_stderr_lines(stderr, &ran.stderr)?;
        }
    }
    Ok(())
}

/// A tour program compiles and exits with status 0.
fn run_example(name: &str, src: &Path) -> Result<(), Failed> {
    let dir = scratch_dir("docs_examples", &format!("examples_{name}"));
    let exe = dir.join(name);
    let compiled = run(
        Command::new(snowc()).arg(src).arg("-o").arg(&exe),
        HANG_TIMEOUT,
    )?;
    if compiled.status != Some(0) {
        return Err(describe("snowc failed", &compiled).into());
    }
    // A server runs until stopped; `httpex.rs` drives it over HTTP.
    if std::fs::read_to_string(src).is_ok_and(|s| s.contains("HTTP.serve(")) {
        return Ok(());
    }
    let ran = run(Command::new(&exe).current_dir(&dir), HANG_TIMEOUT)?;
    if ran.status != Some(0) || ran.stdout.is_empty() {
        return Err(describe("the example failed", &ran).into());
    }
    Ok(())
}

/// Relative link targets (`](path)` and `](path#anchor)`) of `text` that do
/// not exist next to `file`.
fn broken_links(file: &Path, text: &str) -> Vec<String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|target| !target.contains("://") && !target.starts_with('#'))
        .filter(|target| {
            let path = target.split('#').next().unwrap_or("");
            !path.is_empty() && !dir.join(path).exists()
        })
        .map(str::to_string)
        .collect()
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let mut problems = Vec::new();
    for (rel, path) in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for link in broken_links(&path, &text) {
            problems.push(format!("{rel}: broken link to {link}"));
        }
        match examples(&rel, &text) {
            Ok(list) => trials.extend(
                list.into_iter()
                    .map(|ex| Trial::test(ex.name.clone(), move || check(&ex))),
            ),
            Err(e) => problems.push(e),
        }
    }
    let tour = programs(&repo_root().join("examples"));
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap_or_default();
    let unlisted: Vec<String> = tour
        .iter()
        .map(|(name, _)| format!("examples/{name}.snow"))
        .filter(|rel| !readme.contains(&format!("[`{rel}`]({rel})")))
        .collect();
    trials.push(Trial::test("readme_lists_every_example", move || {
        if unlisted.is_empty() {
            Ok(())
        } else {
            Err(format!("add to the README's tour table: {}", unlisted.join(", ")).into())
        }
    }));
    for (name, path) in tour {
        trials.push(Trial::test(format!("examples/{name}.snow"), move || {
            run_example(&name, &path)
        }));
    }
    // A malformed document is a failing test of its own.
    trials.push(Trial::test("well_formed_blocks", move || {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
