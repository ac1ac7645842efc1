//! `snowc fmt [--check] [--line-width N] [--indent-size N] [PATH...|-]`.
//!
//! Files are rewritten in place; directories are searched for `*.snow`
//! files (skipping dot-directories, the build outputs `target/` and `_build/`,
//! and symbolic links to directories). `--check` writes nothing
//! and lists the files that would change. `-` formats standard input to
//! standard output (the contract `snowc lsp` relies on: on a syntax error,
//! exit 1 with the diagnostic on stderr and nothing on stdout).

use super::report::{self, Style};
use super::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use crate::diag::{SourceFile, SourceMap};
use crate::fmt::{format_source, FmtError, Options};
use std::ffi::OsString;
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

pub const USAGE: &str = "\
Usage: snowc fmt [--check] [--line-width N] [--indent-size N] [--] [PATH...]
  Formats .snow files in place; a directory means every .snow file under it
  (dot-directories, target/, _build/ and links to directories skipped); no
  PATH means `.`; `-` formats standard input to standard output; `--` ends
  the options (for a file whose name starts with `-`).
  --check            change nothing; list the files that would change and
                     exit 1 if there are any
  --line-width N     preferred maximum line length, 1 to 1000 (default 100)
  --indent-size N    spaces per indentation level, 1 to 16 (default 2)
";

struct FmtArgs {
    check: bool,
    opts: Options,
    paths: Vec<PathBuf>,
}

/// Runs `snowc fmt` with the arguments after `fmt`; returns the exit status.
pub fn run(args: &[OsString]) -> i32 {
    let a = match parse(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            let _ = io::stdout().write_all(USAGE.as_bytes());
            return EXIT_OK;
        }
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            return EXIT_USAGE;
        }
    };
    let style = Style::Human {
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && io::stderr().is_terminal(),
    };
    if a.paths.iter().any(|p| p.as_os_str() == "-") {
        if a.paths.len() > 1 {
            report::eprint_line("snowc: error: `-` (standard input) cannot be mixed with paths");
            return EXIT_USAGE;
        }
        return stdin(&a, style);
    }
    let mut files = Vec::new();
    for p in &a.paths {
        if p.is_dir() {
            collect(p, &mut files);
        } else {
            files.push(p.clone());
        }
    }
    let mut status = EXIT_OK;
    for f in &files {
        match one_file(f, &a, style) {
            Ok(changed) => {
                if changed && a.check {
                    let _ = writeln!(io::stdout(), "{}", f.display());
                    status = EXIT_COMPILE_ERROR;
                }
            }
            Err(()) => status = EXIT_COMPILE_ERROR,
        }
    }
    status
}

fn parse(args: &[OsString]) -> Result<Option<FmtArgs>, String> {
    let mut a = FmtArgs {
        check: false,
        opts: Options::default(),
        paths: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            a.paths.extend(it.map(PathBuf::from));
            break;
        }
        let s = arg.to_string_lossy();
        let (flag, inline) = match s.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (s.to_string(), None),
        };
        let mut number = |name: &str, max: usize| -> Result<usize, String> {
            let v = match &inline {
                Some(v) => v.clone(),
                None => it
                    .next()
                    .map(|v| v.to_string_lossy().into_owned())
                    .ok_or(format!("{name} needs a number"))?,
            };
            match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!("{name} needs a number from 1 to {max}, not `{v}`")),
            }
        };
        match flag.as_str() {
            "--check" => a.check = true,
            "--line-width" => a.opts.line_width = number("--line-width", 1000)?,
            "--indent-size" => a.opts.indent_size = number("--indent-size", 16)?,
            "-h" | "--help" => return Ok(None),
            f if f.starts_with('-') && f != "-" => {
                return Err(format!("unknown option `{f}` for `snowc fmt`"))
            }
            _ => a.paths.push(PathBuf::from(arg)),
        }
    }
    if a.paths.is_empty() {
        a.paths.push(PathBuf::from("."));
    }
    Ok(Some(a))
}

/// Every `*.snow` file under `dir`, in a stable order. Links to directories
/// are not followed: they would list files twice, or forever (`a/up -> ..`).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(PathBuf, bool)> = rd
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.path(), e.file_type().ok()?.is_dir()))
        })
        .collect();
    entries.sort();
    for (p, is_dir) in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        if is_dir {
            if !name.starts_with('.') && name != "target" && name != "_build" {
                collect(&p, out);
            }
        } else if name.ends_with(".snow") && !p.is_dir() {
            out.push(p);
        }
    }
}

/// Formats one file; `Ok(true)` when its text changes (written unless
/// checking). Errors are reported here.
fn one_file(path: &Path, a: &FmtArgs, style: Style) -> Result<bool, ()> {
    let shown = path.display().to_string();
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            report::eprint_line(&format!("snowc: error: cannot read {shown}: {e}"));
            return Err(());
        }
    };
    let out = format_reporting(&shown, &text, &a.opts, style)?;
    if out == text {
        return Ok(false);
    }
    if !a.check {
        if let Err(e) = fs::write(path, &out) {
            report::eprint_line(&format!("snowc: error: cannot write {shown}: {e}"));
            return Err(());
        }
    }
    Ok(true)
}

fn stdin(a: &FmtArgs, style: Style) -> i32 {
    let mut text = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut text) {
        report::eprint_line(&format!("snowc: error: cannot read standard input: {e}"));
        return EXIT_COMPILE_ERROR;
    }
    let Ok(out) = format_reporting("<stdin>", &text, &a.opts, style) else {
        return EXIT_COMPILE_ERROR;
    };
    if a.check {
        if out == text {
            return EXIT_OK;
        }
        let _ = writeln!(io::stdout(), "<stdin>");
        return EXIT_COMPILE_ERROR;
    }
    let _ = io::stdout().write_all(out.as_bytes());
    EXIT_OK
}

/// The formatted text, or the error reported on stderr.
fn format_reporting(shown: &str, text: &str, opts: &Options, style: Style) -> Result<String, ()> {
    match format_source(text, opts) {
        Ok(out) => Ok(out),
        Err(FmtError::Syntax(diags)) => {
            let mut sources = SourceMap::default();
            sources.add(SourceFile {
                path: shown.to_string(),
                module: "Main".to_string(),
                text: text.to_string(),
            });
            report::emit(&mut io::stderr().lock(), &sources, &diags, style);
            Err(())
        }
        Err(FmtError::Internal(msg)) => {
            report::eprint_line(&format!(
                "snowc: error: cannot format {shown}: {msg} (a formatter bug; the file is left as it is)"
            ));
            Err(())
        }
    }
}
