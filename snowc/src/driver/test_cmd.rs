//! `snowc test [DIR] [OPTIONS]`: every `DIR/tests/*.snow` is a program (its
//! own module `Main`) compiled together with the project's modules except
//! `main.snow`, and with the dependencies, so a test imports what it tests.
//! A test passes when its program exits with status 0 and writes nothing
//! to stderr: it reports a failure with `IO.eprintln` (and goes on) or by
//! panicking (and stops). A test that does not compile fails with its
//! diagnostics. A test still running after the timeout (`--timeout SECS`,
//! default 60) is killed and fails. The tests are built and run in
//! parallel; each result is printed, in name order, as soon as it and all
//! before it are known, then `N passed, N failed`.

use super::args::{self, Mode};
use super::report::{self, Style};
use super::{cache, deps, manifest, project, Driver, EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How one test file ended.
#[derive(Clone)]
enum Outcome {
    Passed,
    /// What to show under the `FAILED` line.
    Failed(String),
    TimedOut,
}

const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// Takes `--timeout SECS` (or `--timeout=SECS`) out of `rest`.
fn take_timeout(rest: &mut Vec<OsString>) -> Result<u64, String> {
    let mut secs = DEFAULT_TIMEOUT_SECS;
    let mut i = 0;
    while i < rest.len() {
        let word = rest[i].to_string_lossy().into_owned();
        let value = if word == "--timeout" {
            rest.remove(i);
            if i == rest.len() {
                return Err("`--timeout` needs a number of seconds".to_string());
            }
            rest.remove(i).to_string_lossy().into_owned()
        } else if let Some(v) = word.strip_prefix("--timeout=") {
            rest.remove(i);
            v.to_string()
        } else {
            i += 1;
            continue;
        };
        secs = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
            format!("`--timeout` expects a whole number of seconds, got `{value}`")
        })?;
    }
    Ok(secs)
}

pub fn main(mut rest: Vec<OsString>) -> i32 {
    let timeout = match take_timeout(&mut rest) {
        Ok(t) => Duration::from_secs(t),
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            return EXIT_USAGE;
        }
    };
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
    let root = args.input.clone().unwrap_or_else(deps::default_root);
    let driver = Driver::new(args);
    if !manifest::has_manifest(&root) && !root.join("main.snow").is_file() {
        let place = if driver.args.input.is_none() {
            "no snow.toml here or above"
        } else {
            "no snow.toml"
        };
        let _: Result<(), i32> = driver.fail(format!(
            "`{}` is not a project ({place}, no main.snow here)",
            root.display()
        ));
        return EXIT_COMPILE_ERROR;
    }
    match run_tests(&driver, &root, timeout) {
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

fn run_tests(driver: &Driver, root: &Path, timeout: Duration) -> Result<i32, i32> {
    super::set_stage("reading sources");
    let modules = deps::library_sources(root).or_else(|msg| driver.fail(msg))?;
    let tests = test_files(root);
    let scratch = cache::TempDir::new("snowc-test")
        .or_else(|e| driver.fail(format!("cannot create a temporary directory: {e}")))?;
    let report = Mutex::new(Report {
        results: vec![None; tests.len()],
        printed: 0,
        passed: 0,
        failed: 0,
    });
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
                let outcome = run_one(driver, root, &modules, test, &exe, timeout);
                let _ = std::fs::remove_file(&exe);
                if let Ok(mut r) = report.lock() {
                    r.results[i] = Some(outcome);
                    r.print_ready(&tests, timeout);
                }
            });
        }
    });
    let Ok(Report { passed, failed, .. }) = report.into_inner() else {
        return Err(EXIT_COMPILE_ERROR);
    };
    let _ = writeln!(io::stdout(), "{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        EXIT_OK
    } else {
        EXIT_COMPILE_ERROR
    })
}

/// The results known so far and how many of them are printed.
struct Report {
    results: Vec<Option<Outcome>>,
    printed: usize,
    passed: usize,
    failed: usize,
}

impl Report {
    /// Prints the results not printed yet that follow the printed ones
    /// without a gap (name order, while the slower tests still run).
    fn print_ready(&mut self, tests: &[PathBuf], timeout: Duration) {
        let mut out = io::stdout().lock();
        while let Some(Some(outcome)) = self.results.get(self.printed) {
            let name = tests[self.printed].display();
            match outcome {
                Outcome::Passed => {
                    self.passed += 1;
                    let _ = writeln!(out, "ok     {name}");
                }
                Outcome::TimedOut => {
                    self.failed += 1;
                    let _ = writeln!(out, "TIMEOUT {name} (after {} s)", timeout.as_secs());
                }
                Outcome::Failed(shown) => {
                    self.failed += 1;
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
            self.printed += 1;
        }
        let _ = out.flush();
    }
}

/// Runs `cmd` with its output captured, killing it after `timeout`; `None`
/// when it was killed.
fn output_within(cmd: &mut Command, timeout: Duration) -> io::Result<Option<std::process::Output>> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes meanwhile, so a chatty test cannot block on a full one.
    let drain = |pipe: Option<Box<dyn io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = wait_until(&mut child, Instant::now() + timeout)?;
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Ok(None);
    };
    Ok(Some(std::process::Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }))
}

fn wait_until(
    child: &mut Child,
    deadline: Instant,
) -> io::Result<Option<std::process::ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Compiles, builds and runs one test.
fn run_one(
    driver: &Driver,
    root: &Path,
    modules: &[(String, PathBuf)],
    test: &Path,
    exe: &Path,
    timeout: Duration,
) -> Outcome {
    let shown = PathBuf::from(project::display_path(root, test));
    let mut list = vec![("Main".to_string(), shown)];
    list.extend(modules.iter().cloned());
    let sources = match project::load_modules(&list) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(format!("{e}\n")),
    };
    let c_code = match super::compile_on_big_stack(&sources, &driver.options()) {
        Ok(out) => out.c_code,
        Err(diags) => {
            let mut buf = Vec::new();
            report::emit(&mut buf, &sources, &diags, Style::Human { color: false });
            return Outcome::Failed(String::from_utf8_lossy(&buf).into_owned());
        }
    };
    if driver.build_binary(&c_code, exe).is_err() {
        return Outcome::Failed("the C build failed (see above)\n".to_string());
    }
    let ran = output_within(Command::new(exe).current_dir(root), timeout);
    match ran {
        Ok(None) => Outcome::TimedOut,
        Ok(Some(o)) => {
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
                None if o.stderr.is_empty() => Outcome::Passed,
                None => Outcome::Failed(text),
                Some(s) => Outcome::Failed(format!("{text}({s})\n")),
            }
        }
        Err(e) => Outcome::Failed(format!("cannot run the test: {e}\n")),
    }
}
