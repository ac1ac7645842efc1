//! The C that `snowc --emit-c` produces for every e2e program must compile
//! warning-free: with `gcc -std=c11 -O2 -Wall -Wextra -Werror` and, when they
//! are installed, with clang (same flags) and `tcc -Wall -Werror`; and it
//! is deterministic.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = HANG_TIMEOUT;

fn have(compiler: &str) -> bool {
    Command::new(compiler)
        .arg("-v")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn cc(compiler: &str, flags: &[&str], c_file: &Path, obj: &Path) -> Result<(), Failed> {
    let out = run(
        Command::new(compiler)
            .args(flags)
            .arg("-c")
            .arg("-I")
            .arg(c_support_dir())
            .arg(c_file)
            .arg("-o")
            .arg(obj),
        TIMEOUT,
    )?;
    if out.status != Some(0) {
        return Err(describe(&format!("{compiler} rejected the generated C"), &out).into());
    }
    Ok(())
}

const STRICT: &[&str] = &["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"];

fn check(name: &str, src: &Path, clang: bool, tcc: bool) -> Result<(), Failed> {
    let dir = scratch_dir("c_warnings", name);
    let c_file = dir.join(format!("{name}.c"));
    let emitted = run(
        Command::new(snowc()).arg(src).arg("--emit-c").arg(&c_file),
        TIMEOUT,
    )?;
    if emitted.status != Some(0) {
        return Err(describe("snowc --emit-c failed", &emitted).into());
    }
    // The output is deterministic: a second run writes the same bytes.
    let again = dir.join(format!("{name}.again.c"));
    run(
        Command::new(snowc()).arg(src).arg("--emit-c").arg(&again),
        TIMEOUT,
    )?;
    if std::fs::read(&c_file).ok() != std::fs::read(&again).ok() {
        return Err("two runs of snowc --emit-c wrote different C".into());
    }
    cc("gcc", STRICT, &c_file, &dir.join("gcc.o"))?;
    if clang {
        cc("clang", STRICT, &c_file, &dir.join("clang.o"))?;
    }
    if tcc {
        cc("tcc", &["-Wall", "-Werror"], &c_file, &dir.join("tcc.o"))?;
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let (clang, tcc) = (have("clang"), have("tcc"));
    for (name, present) in [("clang", clang), ("tcc", tcc)] {
        if !present {
            eprintln!("note: {name} is not installed; the generated C is not checked with it");
        }
    }
    let trials = programs(&tests_dir("e2e"))
        .into_iter()
        .map(|(name, path)| {
            let test_name = name.clone();
            Trial::test(test_name, move || check(&name, &path, clang, tcc))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
