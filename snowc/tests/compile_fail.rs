//! Programs the compiler must reject: `tests/compile_fail/NAME.snow` is
//! compiled with `--no-color`; `snowc` must exit with status 1 without
//! crashing, and every line of `NAME.err` must occur in its stderr (a line
//! starting with `!` must not; one starting with `>` must come after the
//! line before it; one starting with `=` must occur exactly once). With a `NAME.json`, the program is compiled once more
//! with `--json` and that file's lines are checked the same way.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const COMPILE_TIMEOUT: Duration = HANG_TIMEOUT;

fn check(name: &str, src: &Path) -> Result<(), Failed> {
    let expected = sidecar(src, "err").ok_or("missing .err file")?;
    let dir = scratch_dir("compile_fail", name);
    let out = run(
        Command::new(snowc())
            .arg(src)
            .arg("-o")
            .arg(dir.join(name))
            .arg("--no-color"),
        COMPILE_TIMEOUT,
    )?;
    check_no_ice(&out.stderr)?;
    if out.status != Some(1) {
        return Err(describe("expected snowc to exit with status 1", &out).into());
    }
    check_stderr_lines(&expected, &out.stderr)?;
    if let Some(json) = sidecar(src, "json") {
        let out = run(
            Command::new(snowc())
                .arg(src)
                .arg("-o")
                .arg(dir.join(name))
                .arg("--json"),
            COMPILE_TIMEOUT,
        )?;
        check_no_ice(&out.stderr)?;
        if out.status != Some(1) {
            return Err(describe("expected snowc --json to exit with status 1", &out).into());
        }
        check_stderr_lines(&json, &out.stderr)?;
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let trials = programs(&tests_dir("compile_fail"))
        .into_iter()
        .map(|(name, path)| {
            let test_name = name.clone();
            Trial::test(test_name, move || check(&name, &path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
