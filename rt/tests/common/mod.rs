//! Building and running the C test programs in tests/c/ against the
//! runtime staticlib, linked as snowc links its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[cfg(target_os = "macos")]
const DEAD_CODE_FLAG: &str = "-Wl,-dead_strip";
#[cfg(not(target_os = "macos"))]
const DEAD_CODE_FLAG: &str = "-Wl,--gc-sections";

fn target_dir() -> PathBuf {
    // The test binary lives in target/<profile>/deps/.
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The most recently built runtime archive: `cargo test` builds the
/// staticlib under deps/ without copying it to the profile directory, so a
/// copy there may be older than the code under test.
fn newest_lib() -> PathBuf {
    let dir = target_dir();
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for d in [dir.clone(), dir.join("deps")] {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("libsnowrt") && name.ends_with(".a") {
                let t = e.metadata().and_then(|m| m.modified()).ok();
                if let Some(t) = t {
                    if best.as_ref().is_none_or(|(b, _)| t > *b) {
                        best = Some((t, e.path()));
                    }
                }
            }
        }
    }
    best.expect("no libsnowrt archive built").1
}

/// Compiles tests/c/<name>.c warning-free (-Wall -Wextra -Werror) and links
/// it with the runtime.
pub fn build(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = newest_lib();
    let out = std::env::temp_dir().join(format!("snowrt-test-{}-{name}", std::process::id()));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&out)
        .arg("-I")
        .arg(root.join("../c-support"))
        .arg(root.join(format!("tests/c/{name}.c")))
        .arg(&lib)
        .args(["-lm", "-lpthread", "-ldl"])
        .arg(DEAD_CODE_FLAG)
        .status()
        .expect("running cc");
    assert!(status.success(), "cc failed for {name}");
    out
}

/// Runs `bin` with `args` and extra environment variables; GC stress and
/// scheduler count come only from `env`.
pub fn run(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env_remove("SNOW_GC_STRESS")
        .env_remove("SNOW_SCHEDULERS")
        .env_remove("SNOW_STACK_SIZE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}
