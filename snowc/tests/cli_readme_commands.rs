//! The README's two set-up commands: CI runs exactly its test command, and
//! that command reuses what the build command compiled.

mod common;

use std::fs;

/// The shell commands of the README's fenced `sh` blocks in the Quick start.
fn quick_start_commands() -> Vec<String> {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let start = readme
        .find("## Quick start")
        .expect("README has a Quick start");
    let section = &readme[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in section[..end].lines() {
        match (in_sh, line.trim()) {
            (false, "```sh") => in_sh = true,
            (true, "```") => in_sh = false,
            (true, cmd) if !cmd.is_empty() => commands.push(cmd.to_string()),
            _ => {}
        }
    }
    commands
}

#[test]
fn ci_runs_the_readme_test_command() {
    let commands = quick_start_commands();
    assert_eq!(
        commands.len(),
        2,
        "the Quick start has two commands: {commands:?}"
    );
    assert!(
        commands[0].starts_with("cargo build --release"),
        "{commands:?}"
    );
    let test = &commands[1];
    assert!(test.starts_with("cargo test"), "{commands:?}");
    let ci = fs::read_to_string(common::repo_root().join(".ci").join("run")).unwrap();
    let ci_tests: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("cargo test"))
        .collect();
    assert_eq!(
        ci_tests,
        [test.as_str()],
        ".ci/run must run the README's test command"
    );
    assert!(
        test.contains("--no-fail-fast"),
        "one failing test target must not hide the others"
    );
}

/// `cargo test` always builds test targets to unwind; a release profile
/// with `panic = "abort"` makes it build every dependency a second time
/// instead of reusing what `cargo build --release` compiled.
#[test]
fn release_profile_lets_tests_reuse_the_build() {
    let manifest = fs::read_to_string(common::repo_root().join("Cargo.toml")).unwrap();
    let mut section = "";
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section.starts_with("[profile.") && line.starts_with("panic") {
            panic!("{section} sets `{line}`: `cargo test` would rebuild every dependency");
        }
    }
}
