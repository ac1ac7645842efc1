//! Running a nested `cargo build` of the runtime (`rt/`): by `snowc/build.rs`
//! for the embedded host runtime, and by `snowc --target` for a cross
//! target's runtime (`driver::cross`). Included by both through `#[path]`.

use std::process::Command;

/// Variables of an outer cargo that must not leak into the nested build:
/// they would redirect its output, change its flags or wrap rustc.
const CLEARED_VARS: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_PKG_NAME",
    "OUT_DIR",
    "__CARGO_FIX_PLZ",
    "CARGO_LLVM_COV",
    "LLVM_PROFILE_FILE",
];

/// Link flags used when the runtime build does not report its own.
pub const DEFAULT_NATIVE_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// `cargo build --release --lib` of the runtime manifest, with the outer
/// cargo's variables removed, `panic = "abort"` (unwinding through
/// generated C frames is undefined), one codegen unit per crate and rustc
/// asked to print the system libraries the staticlib needs (see
/// `native_libs`). One codegen unit makes programs smaller (7-18 KB of
/// code in a static hello world) and message passing a little faster;
/// fat LTO, smaller still, made the actor ring slower (docs/decisions.md).
pub fn runtime_build(cargo: &std::ffi::OsStr, manifest: &std::path::Path) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--lib")
        .arg("--manifest-path")
        .arg(manifest);
    for var in CLEARED_VARS {
        cmd.env_remove(var);
    }
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_FEATURE_") || key.starts_with("CARGO_CFG_") {
            cmd.env_remove(&*key);
        }
    }
    cmd.env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    cmd.env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1");
    cmd.env("CARGO_ENCODED_RUSTFLAGS", "--print=native-static-libs");
    cmd.env("CARGO_TERM_COLOR", "never");
    cmd
}

/// The `native-static-libs:` line of a build's stderr (absent when cargo
/// had nothing to rebuild).
pub fn native_libs(stderr: &str) -> Option<String> {
    stderr.lines().find_map(|l| {
        l.split_once("native-static-libs:")
            .map(|(_, libs)| libs.trim().to_string())
    })
}
