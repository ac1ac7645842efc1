//! The runtime of a cross target (`--target`): `snowc` embeds the runtime
//! built for its own target only, plus the runtime's sources
//! (`RUNTIME_SOURCES`). On first use of another target, those sources are
//! built with `cargo build --target` by a Rust toolchain that has the
//! target's standard library (rustup's `rustup target add`, or a
//! distribution's, e.g. Debian's `libstd-rust-web-dev:arm64` for
//! `/usr/bin/rustc`), and the result is cached like the host runtime, in
//! `rt-<rust triple>-<hash of the sources>`. Later builds reuse it.

use super::cache;
use super::cc::runs;
use super::nested_cargo;
use super::runtime::{self, Runtime, ARCHIVE_NAME};
use super::target::Target;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIBS_FILE: &str = "native-libs.txt";

/// The runtime for `target` under `cache_root`, built first if needed.
/// `cc` is the C compiler chosen for the target (the runtime's C helpers
/// are compiled with it too). The error is a complete message.
pub fn materialise(cache_root: &Path, target: &Target, cc: &[String]) -> Result<Runtime, String> {
    let dir = cache_root.join(format!("rt-{}-{}", target.rust, runtime::SOURCES_HASH));
    if let Some(rt) = cached(&dir) {
        return Ok(rt);
    }
    let io_err = |e: std::io::Error| format!("cannot write the runtime into the cache: {e}");
    fs::create_dir_all(cache_root).map_err(io_err)?;
    // One build per target at a time: parallel `snowc` runs wait here and
    // then find the finished runtime.
    let lock_path = dir.with_extension("lock");
    let lock = fs::File::create(&lock_path).map_err(io_err)?;
    lock.lock().map_err(io_err)?;
    if let Some(rt) = cached(&dir) {
        return Ok(rt);
    }
    let tools = Toolchain::find(target)?;
    let src = cache_root.join(format!("rt-src-{}", runtime::SOURCES_HASH));
    cache::install_dir(&src, |tmp| {
        runtime::write_files(tmp, runtime::RUNTIME_SOURCES)?;
        runtime::write_files(&tmp.join("c-support"), runtime::C_SUPPORT_FILES)
    })
    .map_err(io_err)?;
    eprintln!(
        "snowc: building the runtime for {} (once; cached in {})",
        target.rust,
        dir.display()
    );
    // Under the lock of this runtime only: named like it.
    let build_dir = cache_root.join(format!(
        "rt-build-{}-{}",
        target.rust,
        runtime::SOURCES_HASH
    ));
    let built = build(&tools, target, cc, &src, &build_dir);
    let result = built.and_then(|(archive, libs)| {
        cache::install_dir(&dir, |tmp| {
            fs::copy(&archive, tmp.join(ARCHIVE_NAME))?;
            strip_debug(&tmp.join(ARCHIVE_NAME), target);
            fs::write(tmp.join(LIBS_FILE), libs.join(" "))?;
            runtime::write_files(&tmp.join("include"), runtime::C_SUPPORT_FILES)
        })
        .map_err(io_err)?;
        Ok(Runtime::at(&dir, libs))
    });
    // The intermediate files are large and rebuilt only for a new snowc.
    let _ = fs::remove_dir_all(&build_dir);
    result
}

fn cached(dir: &Path) -> Option<Runtime> {
    let libs = fs::read_to_string(dir.join(LIBS_FILE)).ok()?;
    Some(Runtime::at(
        dir,
        libs.split_whitespace().map(str::to_string).collect(),
    ))
}

/// The cargo and rustc that build the runtime for a target.
struct Toolchain {
    cargo: OsString,
    rustc: OsString,
}

/// Whether the sysroot of `rustc` holds the standard library for `rust`.
fn has_std(rustc: &OsString, rust: &str) -> bool {
    let Ok(out) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let lib = Path::new(&sysroot)
        .join("lib")
        .join("rustlib")
        .join(rust)
        .join("lib");
    fs::read_dir(lib).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
    })
}

impl Toolchain {
    /// `$RUSTC`, else `rustc` on the PATH, else `/usr/bin/rustc` (where a
    /// distribution installs its compiler next to rustup's): the first
    /// whose sysroot has the target's standard library. Cargo likewise.
    fn find(target: &Target) -> Result<Toolchain, String> {
        let mut rustcs: Vec<OsString> = std::env::var_os("RUSTC")
            .filter(|r| !r.is_empty())
            .into_iter()
            .collect();
        rustcs.extend(["rustc".into(), "/usr/bin/rustc".into()]);
        Toolchain::find_in(
            target,
            rustcs,
            vec!["cargo".into(), "/usr/bin/cargo".into()],
        )
    }

    fn find_in(
        target: &Target,
        rustcs: Vec<OsString>,
        cargos: Vec<OsString>,
    ) -> Result<Toolchain, String> {
        let Some(cargo) = cargos.into_iter().find(|c| runs(c)) else {
            return Err(format!(
                "building the Snow runtime for {} needs cargo, which is not installed \
                 (install Rust with rustup, or on Debian: apt-get install cargo-web rustc-web)",
                target.rust
            ));
        };
        let Some(rustc) = rustcs.into_iter().find(|r| has_std(r, target.rust)) else {
            return Err(format!(
                "the Rust standard library for {rust} is not installed; snowc needs it to build \
                 the Snow runtime for that target. Install it with `rustup target add {rust}`, \
                 or on Debian 12: `dpkg --add-architecture {arch} && apt-get update && \
                 apt-get install rustc-web cargo-web libstd-rust-web-dev:{arch}`",
                rust = target.rust,
                arch = target.debian_arch,
            ));
        };
        Ok(Toolchain { cargo, rustc })
    }
}

/// Runs the nested build; returns the archive and its system libraries.
fn build(
    tools: &Toolchain,
    target: &Target,
    cc: &[String],
    src: &Path,
    build_dir: &Path,
) -> Result<(PathBuf, Vec<String>), String> {
    let mut cmd = nested_cargo::runtime_build(&tools.cargo, &src.join("rt").join("Cargo.toml"));
    cmd.arg("--target")
        .arg(target.rust)
        .arg("--target-dir")
        .arg(build_dir)
        .env("RUSTC", &tools.rustc)
        .env_remove("RUSTC_WRAPPER")
        .env(
            format!("CC_{}", target.rust.replace('-', "_")),
            cc.join(" "),
        );
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo to build the Snow runtime: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "building the Snow runtime for {} failed ({} with RUSTC={}):\n{}",
            target.rust,
            tools.cargo.to_string_lossy(),
            tools.rustc.to_string_lossy(),
            tail.join("\n")
        ));
    }
    let libs = nested_cargo::native_libs(&stderr)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_else(|| {
            nested_cargo::DEFAULT_NATIVE_LIBS
                .iter()
                .map(|l| l.to_string())
                .collect()
        });
    let archive = build_dir
        .join(target.rust)
        .join("release")
        .join(ARCHIVE_NAME);
    Ok((archive, libs))
}

/// Removes debug sections with the target's `strip` (the C compiler links
/// faster); without one the archive stays as it is.
fn strip_debug(archive: &Path, target: &Target) {
    let tmp = archive.with_extension("stripped.a");
    let ok = Command::new(format!("{}-strip", target.gnu))
        .arg("--strip-debug")
        .arg("-o")
        .arg(&tmp)
        .arg(archive)
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        let _ = fs::rename(&tmp, archive);
    } else {
        let _ = fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::target;

    #[test]
    fn cross_missing_std_names_what_to_install() {
        let t = target::parse("arm-linux-gnueabihf").unwrap();
        let none = vec![OsString::from("/nonexistent/rustc")];
        let cargo = vec![OsString::from("/nonexistent/cargo")];
        let e = Toolchain::find_in(&t, none.clone(), cargo).err().unwrap();
        assert!(e.contains("needs cargo") && e.contains("cargo-web"), "{e}");
        // Any runnable program stands in for cargo here.
        let cargo = vec![
            OsString::from("/nonexistent/cargo"),
            OsString::from("rustc"),
        ];
        let e = Toolchain::find_in(&t, none, cargo).err().unwrap();
        for part in [
            "Rust standard library for armv7-unknown-linux-gnueabihf is not installed",
            "rustup target add armv7-unknown-linux-gnueabihf",
            "dpkg --add-architecture armhf",
            "libstd-rust-web-dev:armhf",
        ] {
            assert!(e.contains(part), "{part}: {e}");
        }
    }

    #[test]
    fn cross_host_std_is_found_for_the_host() {
        // The toolchain that built snowc has its own target's library.
        let host = target::Target::host().unwrap();
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        assert!(has_std(&rustc, host.rust));
        assert!(!has_std(&rustc, "no-such-target"));
    }
}
