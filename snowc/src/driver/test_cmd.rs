//! `snowc test [DIR] [OPTIONS]`: every `DIR/tests/*.snow` is a program (its
//! own module `Main`) compiled together with the project's modules except
//! `main.snow`, and with the dependencies, so a test imports what it tests.
//! A test passes when its program exits with status 0 and writes nothing
//! to stderr: it reports a failure with `IO.eprintln` (and goes on) or by
//! panicking (and stops). A test that does not compile fails with its
//! diagnostics. The tests are built and run in parallel; the report lists
//! them in name order, then `N passed, N failed`.

use super::args::{self, Mode};
use super::report::{self, Style};
use super::{cache, deps, project, Driver, EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The outcome of one test file: passed, and what to show when it failed.
type Outcome = (bool, String);

pub fn main(rest: Vec<OsString>) -> i32 {
    // The options of `snowc build` apply (optimisation level, C compiler...).
    let mut full = vec![OsString::from("build")];
    full.extend(rest);
    let args = match args::parse(full) {
        Ok(a) if a.output.is_some() || a.emit_c.is_some() => {
            report::eprint_line(
                "snowc: error: `-o` and `--emit-c` cannot be used with `snowc test`",
            );
            return EXIT_USAGE;
        }
        Ok(a) => a,
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            return EXIT_USAGE;
        }
    };
    if args.mode == Mode::Help {
        let _ = io::stdout().write_all(args::USAGE.as_bytes());
        return EXIT_OK;
    }
    let root = args.input.clone().unwrap_or_else(|| PathBuf::from("."));
    let driver = Driver::new(args);
    match run_tests(&driver, &root) {
        Ok(code) | Err(code) => code,
    }
}

/// `root/tests/*.snow`, sorted, relative to `root`.
fn test_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "snow"))
                .filter_map(|p| Some(Path::new("tests").join(p.file_name()?)))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn run_tests(driver: &Driver, root: &Path) -> Result<i32, i32> {
    super::set_stage("reading sources");
    let modules = deps::library_sources(root).or_else(|msg| driver.fail(msg))?;
    let tests = test_files(root);
    let scratch = cache::TempDir::new("snowc-test")
        .or_else(|e| driver.fail(format!("cannot create a temporary directory: {e}")))?;
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; tests.len()]);
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tests.len());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(test) = tests.get(i) else { break };
                let exe = scratch.path().join(format!("test{i}"));
                let outcome = run_one(driver, root, &modules, test, &exe);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(outcome);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let (mut passed, mut failed) = (0, 0);
    let mut out = io::stdout().lock();
    for (test, result) in tests.iter().zip(results) {
        let (ok, shown) = result.unwrap_or((false, "the test did not run\n".to_string()));
        let name = test.display();
        if ok {
            passed += 1;
            let _ = writeln!(out, "ok     {name}");
        } else {
            failed += 1;
            let _ = writeln!(out, "FAILED {name}");
            for line in shown.lines() {
                if line.trim().is_empty() {
                    let _ = writeln!(out);
                } else {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        EXIT_OK
    } else {
        EXIT_COMPILE_ERROR
    })
}

/// Compiles, builds and runs one test.
fn run_one(
    driver: &Driver,
    root: &Path,
    modules: &[(String, PathBuf)],
    test: &Path,
    exe: &Path,
) -> Outcome {
    let shown = PathBuf::from(project::display_path(root, test));
    let mut list = vec![("Main".to_string(), shown)];
    list.extend(modules.iter().cloned());
    let sources = match project::load_modules(&list) {
        Ok(s) => s,
        Err(e) => return (false, format!("{e}\n")),
    };
    let c_code = match super::compile_on_big_stack(&sources, &driver.options()) {
        Ok(out) => out.c_code,
        Err(diags) => {
            let mut buf = Vec::new();
            report::emit(&mut buf, &sources, &diags, Style::Human { color: false });
            return (false, String::from_utf8_lossy(&buf).into_owned());
        }
    };
    if driver.build_binary(&c_code, exe).is_err() {
        return (false, "the C build failed (see above)\n".to_string());
    }
    let ran = Command::new(exe)
        .current_dir(root)
        .stdin(Stdio::null())
        .output();
    match ran {
        Ok(o) => {
            // Stdout, then stderr, each ending its last line.
            let mut text = String::new();
            for part in [&o.stdout, &o.stderr] {
                text.push_str(&String::from_utf8_lossy(part));
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
            }
            let status = match o.status.code() {
                Some(0) => None,
                Some(c) => Some(format!("exit status {c}")),
                None => Some("killed by a signal".to_string()),
            };
            match status {
                None if o.stderr.is_empty() => (true, String::new()),
                None => (false, text),
                Some(s) => (false, format!("{text}({s})\n")),
            }
        }
        Err(e) => (false, format!("cannot run the test: {e}\n")),
    }
}
