//! The shape of the generated C, under review.
//!
//! For a set of programs chosen to cover what the emitter writes (the
//! examples, actors and services, closures, decision trees, loops with
//! `break` inside a `switch`, tail calls, protocol impls called by the
//! runtime, sorting, maps, `try`, big frames), the C of
//! `snowc FILE --emit-c - --no-line-directives` is checked in under
//! `snowc/tests/snapshots/NAME.c`. A change of the emitter then shows up in
//! review as a change of these files. `SNOW_BLESS=1` rewrites them.

mod common;

use common::*;
use std::path::PathBuf;
use std::process::Command;

const REGENERATE: &str = "SNOW_BLESS=1 cargo test --release -p snowc --test cgen_snapshots";

/// Programs, relative to the repository root.
const PROGRAMS: &[&str] = &[
    "examples/actors.snow",
    "examples/closures.snow",
    "examples/functions.snow",
    "examples/hello.snow",
    "examples/interfaces.snow",
    "examples/loops.snow",
    "examples/patterns.snow",
    "examples/structs.snow",
    "tests/e2e/actor_selective_receive.snow",
    "tests/e2e/closure_nested_capture.snow",
    "tests/e2e/derive_ord_sum.snow",
    "tests/e2e/dtree_guards.snow",
    "tests/e2e/dtree_lists.snow",
    "tests/e2e/dtree_receive.snow",
    "tests/e2e/loop_nested_break.snow",
    "tests/e2e/list_sort_stable.snow",
    "tests/e2e/proto_eq_user.snow",
    "tests/e2e/service_inventory.snow",
    "tests/e2e/stack_segments_big_frames.snow",
    "tests/e2e/std_map_ops.snow",
    "tests/e2e/tail_accumulator.snow",
    "tests/e2e/try_result.snow",
];

fn snapshot_path(program: &str) -> PathBuf {
    let stem = program
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".snow"))
        .expect("a .snow path");
    let dir = if program.starts_with("examples/") {
        "example_"
    } else {
        ""
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{dir}{stem}.c"))
}

fn emit_c(program: &str) -> String {
    let out = Command::new(snowc())
        .current_dir(repo_root())
        .args([program, "--emit-c", "-", "--no-line-directives"])
        .output()
        .expect("run snowc");
    assert!(
        out.status.success(),
        "snowc failed on {program}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the C is UTF-8")
}

/// The first line where the two texts differ, for the failure message.
fn first_difference(want: &str, got: &str) -> String {
    let (mut w, mut g) = (want.lines(), got.lines());
    let mut n = 1;
    loop {
        match (w.next(), g.next()) {
            (Some(a), Some(b)) if a == b => n += 1,
            (None, None) => return "no line differs (line endings?)".into(),
            (a, b) => {
                return format!(
                    "line {n}:\n  snapshot:  {}\n  generated: {}",
                    a.unwrap_or("<end>"),
                    b.unwrap_or("<end>")
                )
            }
        }
    }
}

#[test]
fn generated_c_matches_the_snapshots() {
    let bless = std::env::var_os("SNOW_BLESS").is_some();
    let mut problems = Vec::new();
    for program in PROGRAMS {
        let got = emit_c(program);
        let path = snapshot_path(program);
        if bless {
            std::fs::write(&path, &got).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => problems.push(format!(
                "{} differs from {program}'s C at {}",
                path.display(),
                first_difference(&want, &got)
            )),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    // Every snapshot belongs to a listed program.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let listed: Vec<PathBuf> = PROGRAMS.iter().map(|p| snapshot_path(p)).collect();
    for entry in std::fs::read_dir(&dir).expect("read snapshots") {
        let path = entry.expect("dir entry").path();
        if !listed.contains(&path) {
            problems.push(format!("{} belongs to no listed program", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change of the C is intended, run `{REGENERATE}` and review the diff.",
        problems.join("\n")
    );
}

#[test]
fn the_snapshot_programs_exist() {
    for program in PROGRAMS {
        assert!(repo_root().join(program).exists(), "{program} is missing");
    }
}
