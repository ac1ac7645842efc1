//! Multi-file projects: `tests/projects/NAME/` holds `main.snow` and other
//! modules. It is built with `snowc build`; with `expected.out` the program
//! must print exactly that, with `expected.err` the build must fail (status
//! 1) and every line of it must occur in the diagnostics.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = HANG_TIMEOUT;

fn check(name: &str, dir: &Path) -> Result<(), Failed> {
    let scratch = scratch_dir("projects", name);
    let exe = scratch.join(name);
    let built = run(
        Command::new(snowc())
            .arg("build")
            .arg(dir)
            .arg("-o")
            .arg(&exe)
            .arg("--no-color"),
        TIMEOUT,
    )?;
    check_no_ice(&built.stderr)?;
    if let Ok(err) = std::fs::read_to_string(dir.join("expected.err")) {
        if built.status != Some(1) {
            return Err(describe("expected the build to fail with status 1", &built).into());
        }
        return Ok(check_stderr_lines(&err, &built.stderr)?);
    }
    let expected = std::fs::read_to_string(dir.join("expected.out"))
        .map_err(|e| format!("expected.out: {e}"))?;
    if built.status != Some(0) {
        return Err(describe("snowc build failed", &built).into());
    }
    let ran = run(Command::new(&exe).current_dir(&scratch), TIMEOUT)?;
    if ran.stdout != expected || ran.status != Some(0) {
        return Err(format!(
            "{}\n--- stderr ---\n{}",
            diff(&expected, &ran.stdout),
            ran.stderr
        )
        .into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = tests_dir("projects");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let trials = dirs
        .into_iter()
        .map(|d| {
            let name = d
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Trial::test(name.clone(), move || check(&name, &d))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
