//! `snowc fmt` on the command line: standard input, `--check`, directories,
//! options, syntax errors.

mod common;

use common::{scratch_dir, snowc};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const UGLY: &str = "fn main() do\nprintln( \"hi\" )\nend\n";
const PRETTY: &str = "fn main() do\n  println(\"hi\")\nend\n";

/// Runs `snowc fmt ARGS` in `dir` with `input` on stdin: (status, stdout, stderr).
fn fmt(dir: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(snowc())
        .arg("fmt")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("snowc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    let out = child.wait_with_output().expect("snowc finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

#[test]
fn stdin_to_stdout() {
    let dir = scratch_dir("fmt_cli", "stdin");
    let (status, out, err) = fmt(&dir, &["-"], "fn add(a,b) do\na+b\nend");
    assert_eq!(
        (status, out.as_str(), err.as_str()),
        (0, "fn add(a, b) do\n  a + b\nend\n", "")
    );
    let (status, out, _) = fmt(&dir, &["--indent-size", "4", "--line-width=20", "-"], UGLY);
    assert_eq!(status, 0);
    assert_eq!(out, "fn main() do\n    println(\"hi\")\nend\n");
    let (status, out, _) = fmt(&dir, &["--line-width", "14", "-"], UGLY);
    assert_eq!(status, 0);
    assert_eq!(out, "fn main() do\n  println(\n    \"hi\"\n  )\nend\n");
}

#[test]
fn syntax_error_is_the_compilers_diagnostic() {
    let dir = scratch_dir("fmt_cli", "syntax");
    let (status, out, err) = fmt(&dir, &["-"], "fn main( do\n");
    assert_eq!((status, out.as_str()), (1, ""));
    assert!(
        err.contains("Parse error: expected parameter, found keyword `do`"),
        "{err}"
    );
    assert!(err.contains("<stdin>:1:10"), "{err}");
    // In a directory: the broken file is reported and left alone, the
    // others are still formatted.
    write(&dir, "bad.snow", "fn main( do\n");
    write(&dir, "good.snow", UGLY);
    let (status, out, err) = fmt(&dir, &["."], "");
    assert_eq!((status, out.as_str()), (1, ""));
    assert!(err.contains("bad.snow:1:10"), "{err}");
    assert_eq!(read(&dir, "bad.snow"), "fn main( do\n");
    assert_eq!(read(&dir, "good.snow"), PRETTY);
}

#[test]
fn check_lists_files_and_changes_nothing() {
    let dir = scratch_dir("fmt_cli", "check");
    write(&dir, "a.snow", PRETTY);
    write(&dir, "b.snow", UGLY);
    write(&dir, "sub/c.snow", UGLY);
    write(&dir, ".hidden/d.snow", UGLY);
    write(&dir, "target/e.snow", UGLY);
    write(&dir, "_build/f.snow", UGLY);
    write(&dir, "notes.txt", UGLY);
    let (status, out, err) = fmt(&dir, &["--check"], "");
    assert_eq!(
        (status, out.as_str(), err.as_str()),
        (1, "./b.snow\n./sub/c.snow\n", "")
    );
    assert_eq!(read(&dir, "b.snow"), UGLY);
    // Without --check: rewritten in place; dot-directories, target/,
    // _build/ and other files are not touched.
    let (status, out, _) = fmt(&dir, &[], "");
    assert_eq!((status, out.as_str()), (0, ""));
    assert_eq!(read(&dir, "b.snow"), PRETTY);
    assert_eq!(read(&dir, "sub/c.snow"), PRETTY);
    for untouched in [
        ".hidden/d.snow",
        "target/e.snow",
        "_build/f.snow",
        "notes.txt",
    ] {
        assert_eq!(read(&dir, untouched), UGLY);
    }
    let (status, out, _) = fmt(&dir, &["--check", "."], "");
    assert_eq!((status, out.as_str()), (0, ""));
    // An explicit file is formatted whatever its name.
    let (status, _, _) = fmt(&dir, &["notes.txt"], "");
    assert_eq!((status, read(&dir, "notes.txt").as_str()), (0, PRETTY));
}

#[test]
fn bad_usage_exits_2() {
    let dir = scratch_dir("fmt_cli", "usage");
    let (status, _, err) = fmt(&dir, &["--bogus"], "");
    assert_eq!(status, 2);
    assert!(err.contains("unknown option `--bogus`"), "{err}");
    let (status, _, err) = fmt(&dir, &["--line-width", "wide", "-"], "");
    assert_eq!(status, 2, "{err}");
    // Out of range is refused, not clamped; the message gives the range.
    let (status, _, err) = fmt(&dir, &["--indent-size", "40", "-"], "");
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "snowc: error: --indent-size needs a number from 1 to 16, not `40`\n"
        )
    );
    let (status, _, err) = fmt(&dir, &["--line-width=1001", "-"], "");
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "snowc: error: --line-width needs a number from 1 to 1000, not `1001`\n"
        )
    );
    let (status, out, _) = fmt(&dir, &["--indent-size=16", "-"], UGLY);
    assert_eq!(
        (status, out.as_str()),
        (0, "fn main() do\n                println(\"hi\")\nend\n")
    );
    let (status, out, _) = fmt(&dir, &["--help"], "");
    assert_eq!(status, 0);
    assert!(out.starts_with("Usage: snowc fmt"));
}

/// The examples show the house style: `snowc fmt --check examples` passes.
#[test]
fn the_examples_are_formatted() {
    let (status, out, err) = fmt(&common::repo_root(), &["--check", "examples"], "");
    assert_eq!((status, out.as_str(), err.as_str()), (0, "", ""));
}

/// Runs `snowc fmt ARGS` in `dir` with its memory capped at 1 GB (so that a
/// blow-up fails the test instead of the machine) and the hang guard.
fn fmt_capped(dir: &Path, args: &str) -> common::Output {
    let script = format!("ulimit -v 1000000 2>/dev/null; exec \"$0\" fmt {args}");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script]).arg(snowc()).current_dir(dir);
    common::run(&mut cmd, common::HANG_TIMEOUT).expect("sh runs")
}

/// Nested list literals 250 deep (the parser's limit is higher): the
/// layout document must not double per level.
#[test]
fn deeply_nested_lists() {
    let dir = scratch_dir("fmt_cli", "deep");
    let mut hugs = "[250, 0]".to_string();
    for i in (0..250).rev() {
        hugs = format!("[{i}, {hugs}]");
    }
    write(&dir, "hugs.snow", &format!("let x = {hugs}\n"));
    let deep = format!("let x = {}1{}\n", "[".repeat(250), "]".repeat(250));
    write(&dir, "deep.snow", &deep);
    let out = fmt_capped(&dir, "hugs.snow deep.snow");
    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    assert!(read(&dir, "hugs.snow").starts_with("let x = [\n  0,\n  [\n    1,\n"));
    assert!(read(&dir, "deep.snow").starts_with("let x = [\n  [\n    [\n"));
    // Idempotent: formatting again changes nothing.
    let out = fmt_capped(&dir, "--check hugs.snow deep.snow");
    assert_eq!((out.status, out.stdout.as_str()), (Some(0), ""));
}

/// `--` ends the options: a file whose name starts with `-` can be named.
#[test]
fn double_dash_ends_options() {
    let dir = scratch_dir("fmt_cli", "dashdash");
    write(&dir, "-x.snow", UGLY);
    let (status, out, err) = fmt(&dir, &["--check", "--", "-x.snow"], "");
    assert_eq!((status, out.as_str(), err.as_str()), (1, "-x.snow\n", ""));
    let (status, _, err) = fmt(&dir, &["--", "-x.snow"], "");
    assert_eq!((status, err.as_str()), (0, ""));
    assert_eq!(read(&dir, "-x.snow"), PRETTY);
}

/// Links to directories are not followed when walking (`a/loop -> ..`
/// would list every file again, ever deeper); a link named explicitly is.
#[cfg(unix)]
#[test]
fn directory_links_are_not_followed() {
    let dir = scratch_dir("fmt_cli", "links");
    write(&dir, "a/m.snow", UGLY);
    std::os::unix::fs::symlink("..", dir.join("a/loop")).unwrap();
    let (status, out, err) = fmt(&dir, &["--check"], "");
    assert_eq!(
        (status, out.as_str(), err.as_str()),
        (1, "./a/m.snow\n", "")
    );
    let (status, out, _) = fmt(&dir, &["--check", "a/loop"], "");
    assert_eq!((status, out.as_str()), (1, "a/loop/a/m.snow\n"));
}
