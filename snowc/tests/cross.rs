//! `snowc --target`: a few e2e programs (values, hashing, JSON, GC, actors)
//! cross-compiled for 64-bit and 32-bit ARM and run under qemu-user, a
//! `--static` executable, and the host triple spelled out. A target whose
//! tools are missing (cross gcc, qemu, the Rust standard library) is
//! skipped with a note, except under CI (`CI=true`), which installs them
//! (`ci/install-cross.sh`) and must really run these tests. The whole e2e
//! suite runs under qemu from `ci/cross-test.sh`.

mod common;

use common::*;
use snowc::driver::cc;
use snowc::driver::target::{self, Target};
use std::path::Path;
use std::process::Command;

/// Programs whose output depends on word size if anything does: 64-bit
/// arithmetic and formatting, hashing (map order), JSON, the collector,
/// messages between processes.
const PROGRAMS: &[&str] = &[
    "arith_overflow_wrap",
    "derive_hash",
    "loop_map_set_order",
    "std_json_parse",
    "std_gc_pressure",
    "actor_messages_copy",
    "sup_one_for_one",
];

/// Whether `t` can be tested here; prints why not (and fails under CI).
fn available(t: &Target, what: &str) -> bool {
    let gcc = format!("{}-gcc", t.gnu);
    let missing: Vec<&str> = [gcc.as_str(), t.qemu]
        .into_iter()
        .filter(|p| !cc::runs(p))
        .collect();
    if missing.is_empty() {
        return true;
    }
    skip(t, what, &format!("{} not installed", missing.join(", ")));
    false
}

fn skip(t: &Target, what: &str, why: &str) {
    let msg = format!(
        "SKIPPED {what} for {}: {why} (bash ci/install-cross.sh installs it)",
        t.gnu
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("{msg}");
}

/// Builds `src` for `t` into `exe` with `extra` options; `Ok(false)` when
/// the target's Rust standard library is missing (skipped).
fn build(t: &Target, src: &Path, exe: &Path, extra: &[&str]) -> Result<bool, String> {
    let out = run(
        Command::new(snowc())
            .arg(src)
            .arg("-o")
            .arg(exe)
            .arg("--target")
            .arg(t.gnu)
            .args(extra),
        HANG_TIMEOUT,
    )?;
    if out.status == Some(0) {
        return Ok(true);
    }
    if out.stderr.contains("Rust standard library for") {
        skip(t, "cross build", out.stderr.trim());
        return Ok(false);
    }
    Err(describe("snowc failed", &out))
}

fn arm_targets() -> Vec<Target> {
    ["aarch64-linux-gnu", "arm-linux-gnueabihf"]
        .iter()
        .map(|n| target::parse(n).unwrap())
        .collect()
}

#[test]
fn cross_e2e_programs_under_qemu() {
    for t in arm_targets() {
        if !available(&t, "e2e programs") {
            continue;
        }
        let dir = scratch_dir("cross", t.gnu);
        for name in PROGRAMS {
            let src = tests_dir("e2e").join(format!("{name}.snow"));
            let exe = dir.join(name);
            match build(&t, &src, &exe, &[]) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => panic!("{name} for {}: {e}", t.gnu),
            }
            let mut cmd = Command::new(t.qemu);
            cmd.args(&qemu_command(&t)[1..]).arg(&exe).current_dir(&dir);
            let ran = run(&mut cmd, HANG_TIMEOUT).unwrap();
            let expected = sidecar(&src, "out").unwrap();
            assert!(
                ran.stdout == expected,
                "{name} for {}:\n{}",
                t.gnu,
                diff(&expected, &ran.stdout)
            );
            assert_eq!(ran.status, Some(0), "{}", describe(name, &ran));
        }
    }
}

#[test]
fn cross_static_executable_needs_no_libraries() {
    let t = target::parse("aarch64-unknown-linux-gnu").unwrap();
    if !available(&t, "--static") {
        return;
    }
    let dir = scratch_dir("cross", "static");
    let exe = dir.join("hello");
    let src = repo_root().join("examples").join("hello.snow");
    if !build(&t, &src, &exe, &["--static", "--release"]).unwrap() {
        return;
    }
    // No -L: a static executable loads nothing from the cross sysroot.
    let ran = run(Command::new(t.qemu).arg(&exe), HANG_TIMEOUT).unwrap();
    assert_eq!(ran.stdout, "Hello, Snow!\n", "{}", describe("hello", &ran));
    let bytes = std::fs::read(&exe).unwrap();
    // ELF, 64-bit, AArch64 (e_machine 183), and no program interpreter.
    assert_eq!(&bytes[..5], b"\x7fELF\x02");
    assert_eq!(u16::from_le_bytes([bytes[18], bytes[19]]), 183);
    assert!(!bytes.windows(14).any(|w| w == b"/lib/ld-linux-"));
    // Only a program that opens a database links SQLite: its date
    // functions bring glibc's time zone code (`tzset`), which took the
    // stripped hello world across a 64 KiB step and out of its 1 MB budget.
    let has = |bytes: &[u8], s: &[u8]| bytes.windows(s.len()).any(|w| w == s);
    assert!(!has(&bytes, b"tzset"), "hello links SQLite");
    let db = dir.join("sqlite_values");
    let src = repo_root().join("tests/e2e/sqlite_values.snow");
    assert!(build(&t, &src, &db, &["--static", "--release"]).unwrap());
    let ran = run(Command::new(t.qemu).arg(&db), HANG_TIMEOUT).unwrap();
    assert_eq!(ran.stdout, sidecar(&src, "out").unwrap());
    let bytes = std::fs::read(&db).unwrap();
    assert!(has(&bytes, b"tzset") && has(&bytes, b"sqlite3_open_v2"));
}

#[test]
fn cross_host_triple_spelled_out_builds_a_project() {
    let host = Target::host().expect("the host is a supported target");
    let dir = scratch_dir("cross", "host-project");
    let proj = dir.join("shop");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("main.snow"),
        "fn main() do\n  println(\"built for the host\")\nend\n",
    )
    .unwrap();
    for spelling in [host.rust, host.gnu] {
        let out = run(
            Command::new(snowc())
                .arg("build")
                .arg(&proj)
                .arg("--target")
                .arg(spelling),
            HANG_TIMEOUT,
        )
        .unwrap();
        assert_eq!(out.status, Some(0), "{}", describe("snowc build", &out));
        // The embedded runtime: nothing is built for the host.
        assert!(
            !out.stderr.contains("building the runtime"),
            "{}",
            out.stderr
        );
        let ran = run(&mut Command::new(proj.join("shop")), HANG_TIMEOUT).unwrap();
        assert_eq!(ran.stdout, "built for the host\n");
    }
}

#[test]
fn cross_unknown_target_is_a_usage_error() {
    let out = run(
        Command::new(snowc()).args(["x.snow", "--target", "mips-linux-gnu"]),
        HANG_TIMEOUT,
    )
    .unwrap();
    assert_eq!(out.status, Some(2));
    assert!(
        out.stderr.contains("unknown target `mips-linux-gnu`")
            && out
                .stderr
                .contains("arm-linux-gnueabihf (armv7-unknown-linux-gnueabihf)"),
        "{}",
        out.stderr
    );
}
