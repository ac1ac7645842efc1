//! Shared helpers for the test targets: `http_server` (servers and
//! clients of the network tests), `pg_cluster` (a throw-away PostgreSQL
//! cluster), `pg_fake` (a scripted fake PostgreSQL server), and here
//! those of the file-driven targets (`e2e`, `compile_fail`, `c_warnings`).
//! Each file-driven target collects `*.snow` programs from a directory
//! under `tests/` at the repository root and turns every program into one
//! named `libtest-mimic` trial, so they run in parallel and can be filtered
//! by name like ordinary tests.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub mod http_server;
pub mod pg_cluster;
pub mod pg_fake;

/// The time limit of every child process the tests run: a hang detector,
/// not a speed limit. The slowest e2e program runs in about 5 s on an idle
/// machine; a loaded machine must not fail the suite. A program too slow for
/// a collection at every allocation gets a `.nostress` file instead.
pub const HANG_TIMEOUT: Duration = Duration::from_secs(300);

/// Outcome of running one child process.
pub struct Output {
    /// `None` when the process was killed by a signal or timed out.
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// Repository root (the parent of `snowc/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("snowc/ has a parent directory")
        .to_path_buf()
}

/// `tests/<sub>` at the repository root.
pub fn tests_dir(sub: &str) -> PathBuf {
    repo_root().join("tests").join(sub)
}

/// `c-support/` at the repository root.
pub fn c_support_dir() -> PathBuf {
    repo_root().join("c-support")
}

/// The `snowc` binary built by Cargo for this test run.
pub fn snowc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_snowc"))
}

/// All `*.snow` files in `dir`, sorted, as (test name, path).
pub fn programs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if path.extension()? != "snow" {
                return None;
            }
            let name = path.file_stem()?.to_str()?.to_string();
            Some((name, path))
        })
        .collect();
    out.sort();
    out
}

/// A scratch directory for one test, unique per target and program, under
/// Cargo's target tmp dir. Emptied first.
pub fn scratch_dir(target: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(target)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Contents of `path` with the extension replaced by `ext`, if that file exists.
pub fn sidecar(path: &Path, ext: &str) -> Option<String> {
    std::fs::read_to_string(path.with_extension(ext)).ok()
}

/// The non-empty lines of a sidecar file (`.err`): each must occur in stderr.
pub fn expected_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// Runs `cmd` with a time limit, capturing stdout and stderr.
pub fn run(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().map_err(|e| e.to_string())?;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for {cmd:?}: {e}")),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Output {
        status: if timed_out { None } else { status.code() },
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        timed_out,
    })
}

/// Describes a finished process for failure messages.
pub fn describe(what: &str, out: &Output) -> String {
    let status = if out.timed_out {
        "timed out".to_string()
    } else {
        match out.status {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        }
    };
    format!(
        "{what}: {status}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.stdout, out.stderr
    )
}

/// Fails unless every expected line occurs in `stderr`; a line starting
/// with `!` must not occur (the rest of it), e.g. a follow-up error that a
/// diagnostic must not cascade into. A line starting with `>` must occur
/// after the previous expected line's first occurrence (order checks).
pub fn check_stderr_lines(expected: &str, stderr: &str) -> Result<(), String> {
    let mut problems = Vec::new();
    // End of the previous present line's first occurrence.
    let mut after = 0;
    for line in expected_lines(expected) {
        if let Some(absent) = line.strip_prefix('!') {
            if stderr.contains(absent) {
                problems.push(format!("  unexpected: {absent}"));
            }
            continue;
        }
        if let Some(once) = line.strip_prefix('=') {
            let n = stderr.matches(once).count();
            if n != 1 {
                problems.push(format!("  {n} times, not once: {once}"));
            }
            continue;
        }
        let (from, text) = match line.strip_prefix('>') {
            Some(rest) => (after, rest),
            None => (0, line),
        };
        match stderr[from..].find(text) {
            Some(i) => after = from + i + text.len(),
            None if from > 0 && stderr.contains(text) => {
                problems.push(format!("  out of order: {text}"))
            }
            None => problems.push(format!("  missing: {text}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "stderr does not match its expected lines:\n{}\n--- stderr ---\n{stderr}",
            problems.join("\n")
        ))
    }
}

/// A line-by-line comparison of expected and actual text, marking the first
/// differing line and showing a few lines around it.
pub fn diff(expected: &str, actual: &str) -> String {
    let exp: Vec<&str> = expected.split('\n').collect();
    let act: Vec<&str> = actual.split('\n').collect();
    let first = (0..exp.len().max(act.len()))
        .find(|&i| exp.get(i) != act.get(i))
        .unwrap_or(0);
    let from = first.saturating_sub(3);
    let to = (first + 4).min(exp.len().max(act.len()));
    let mut msg = format!("stdout differs at line {}:\n", first + 1);
    for i in from..to {
        match (exp.get(i), act.get(i)) {
            (Some(e), Some(a)) if e == a => msg.push_str(&format!("    {e:?}\n")),
            (e, a) => {
                if let Some(e) = e {
                    msg.push_str(&format!("  - {e:?}\n"));
                }
                if let Some(a) = a {
                    msg.push_str(&format!("  + {a:?}\n"));
                }
            }
        }
    }
    msg.push_str("(- expected, + actual)\n--- full expected ---\n");
    msg.push_str(expected);
    msg.push_str("\n--- full actual ---\n");
    msg.push_str(actual);
    msg
}

/// Fails if the compiler itself crashed.
pub fn check_no_ice(stderr: &str) -> Result<(), String> {
    for marker in ["internal compiler error", "panicked"] {
        if stderr.contains(marker) {
            return Err(format!("compiler crashed ({marker}):\n{stderr}"));
        }
    }
    Ok(())
}

/// The cross target of this run (`SNOW_TEST_TARGET`, any spelling that
/// `snowc --target` accepts), or `None` for the host.
pub fn test_target() -> Option<snowc::driver::target::Target> {
    let name = std::env::var("SNOW_TEST_TARGET").ok()?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some(snowc::driver::target::parse(name).unwrap_or_else(|e| panic!("SNOW_TEST_TARGET: {e}")))
}

/// How to run an executable built for `target` on this machine:
/// `SNOW_TEST_RUNNER` (split on white space), else qemu-user with the
/// cross libraries of Debian's `gcc-<gnu triple>` (see `qemu_command`).
pub fn runner(target: &snowc::driver::target::Target) -> Vec<String> {
    match std::env::var("SNOW_TEST_RUNNER") {
        Ok(r) if !r.trim().is_empty() => r.split_whitespace().map(str::to_string).collect(),
        _ => qemu_command(target),
    }
}

/// `qemu-<arch> -L /usr/<gnu> -E LD_LIBRARY_PATH=/usr/<gnu>/lib`. The
/// library path matters where the target's own libc is installed too
/// (Debian's `libc6:arm64` comes with its Rust standard library): with
/// `-L` alone the loader of the cross libc would load that other libc
/// build, and the program hangs or crashes in its first `pthread_create`.
pub fn qemu_command(target: &snowc::driver::target::Target) -> Vec<String> {
    let sysroot = format!("/usr/{}", target.gnu);
    vec![
        target.qemu.to_string(),
        "-L".to_string(),
        sysroot.clone(),
        "-E".to_string(),
        format!("LD_LIBRARY_PATH={sysroot}/lib"),
    ]
}

/// A command that runs `exe` natively, or under the runner of the cross
/// target of this run.
pub fn program_command(exe: &Path) -> Command {
    match test_target().filter(|t| !t.is_host()) {
        Some(t) => {
            let words = runner(&t);
            let mut cmd = Command::new(&words[0]);
            cmd.args(&words[1..]).arg(exe);
            cmd
        }
        None => Command::new(exe),
    }
}
