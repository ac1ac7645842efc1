//! End-to-end programs: `tests/e2e/NAME.snow` is compiled with `snowc`, run,
//! and its stdout compared exactly with `NAME.out`. The exit status must be 0,
//! or the number in `NAME.status`; every line of `NAME.err` must occur in the
//! program's stderr. With `NAME.mem_mb`, the program runs with its address
//! space limited to that many MiB (bounded-memory tests); `NAME.env` gives
//! environment variables for every run, one `VAR=value` a line.
//!
//! Every program runs three times: as is, with `SNOW_GC_STRESS=1` (a
//! collection at every allocation, to expose missing GC roots; skipped when
//! `NAME.nostress` gives a reason) and with `SNOW_SCHEDULERS=1`.
//!
//! With `SNOW_TEST_TARGET=TRIPLE` the programs are cross-compiled with
//! `snowc --target TRIPLE` and run under `SNOW_TEST_RUNNER` (default: the
//! target's qemu-user, see `common::runner`), compared exactly as on the
//! host. `SNOW_TEST_SKIP_FILE` names a file of programs not to run there
//! (`NAME # reason`, one a line); they are reported as ignored. Under an
//! emulator the address-space
//! limit of `.mem_mb` would apply to the emulator, not the program, so
//! those programs run without it there.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const COMPILE_TIMEOUT: Duration = HANG_TIMEOUT;
const RUN_TIMEOUT: Duration = HANG_TIMEOUT;

fn check(name: &str, src: &Path) -> Result<(), Failed> {
    let expected_out = sidecar(src, "out").ok_or("missing .out file")?;
    let expected_status: i32 = match sidecar(src, "status") {
        Some(s) => s
            .trim()
            .parse()
            .map_err(|e| format!("bad .status file: {e}"))?,
        None => 0,
    };
    let dir = scratch_dir("e2e", name);
    let exe = dir.join(name);

    let mut snowc_cmd = Command::new(snowc());
    snowc_cmd.arg(src).arg("-o").arg(&exe);
    if let Some(t) = test_target() {
        snowc_cmd.arg("--target").arg(t.rust);
    }
    let compiled = run(&mut snowc_cmd, COMPILE_TIMEOUT)?;
    if compiled.status != Some(0) {
        return Err(describe("snowc failed", &compiled).into());
    }
    if !exe.exists() {
        return Err(describe("snowc exited 0 but wrote no executable", &compiled).into());
    }

    let stress = sidecar(src, "nostress").is_none();
    let modes: &[(&str, &str, &str)] = &[
        ("", "", ""),
        ("SNOW_GC_STRESS=1: ", "SNOW_GC_STRESS", "1"),
        ("SNOW_SCHEDULERS=1: ", "SNOW_SCHEDULERS", "1"),
    ];
    for (label, var, val) in modes {
        if *var == "SNOW_GC_STRESS" && !stress {
            continue;
        }
        run_mode(src, &dir, &exe, (var, val), &expected_out, expected_status)
            .map_err(|e| format!("{label}{e}"))?;
    }
    Ok(())
}

fn run_mode(
    src: &Path,
    dir: &Path,
    exe: &Path,
    (var, val): (&str, &str),
    expected_out: &str,
    expected_status: i32,
) -> Result<(), String> {
    let emulated = test_target().is_some_and(|t| !t.is_host());
    let mut cmd = match sidecar(src, "mem_mb").filter(|_| !emulated) {
        Some(mb) => {
            let kb = mb
                .trim()
                .parse::<u64>()
                .map_err(|e| format!("bad .mem_mb: {e}"))?
                * 1024;
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -v {kb} && exec \"$0\""))
                .arg(exe);
            c
        }
        None => program_command(exe),
    };
    cmd.env_remove("SNOW_GC_STRESS")
        .env_remove("SNOW_SCHEDULERS")
        .env_remove("SNOW_STACK_SIZE");
    for line in sidecar(src, "env").unwrap_or_default().lines() {
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("bad .env line: {line}"))?;
        cmd.env(k.trim(), v.trim());
    }
    if !var.is_empty() {
        cmd.env(var, val);
    }
    let ran = run(cmd.current_dir(dir), RUN_TIMEOUT)?;
    if ran.timed_out {
        return Err(describe("program timed out", &ran));
    }
    if ran.stdout != expected_out {
        return Err(format!(
            "{}\n--- stderr ---\n{}",
            diff(expected_out, &ran.stdout),
            ran.stderr
        ));
    }
    if ran.status != Some(expected_status) {
        return Err(describe(
            &format!("expected exit status {expected_status}"),
            &ran,
        ));
    }
    if let Some(err) = sidecar(src, "err") {
        check_stderr_lines(&err, &ran.stderr)?;
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let skip: Vec<String> = std::env::var_os("SNOW_TEST_SKIP_FILE")
        .map(|f| {
            let text = std::fs::read_to_string(&f)
                .unwrap_or_else(|e| panic!("SNOW_TEST_SKIP_FILE {}: {e}", Path::new(&f).display()));
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let all = programs(&tests_dir("e2e"));
    if let Some(unknown) = skip.iter().find(|s| !all.iter().any(|(n, _)| n == *s)) {
        panic!("SNOW_TEST_SKIP_FILE names `{unknown}`, which is no e2e program");
    }
    let trials = all
        .into_iter()
        .map(|(name, path)| {
            let test_name = name.clone();
            let ignored = skip.contains(&name);
            Trial::test(test_name, move || check(&name, &path)).with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
