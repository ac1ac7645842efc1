//! `snowc update [DIR]`: resolves every git dependency of the project again
//! (tags and branches may have moved) and rewrites `snow.lock`.

use super::{deps, lock, manifest, report, EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

pub fn main(rest: Vec<OsString>) -> i32 {
    let root = match rest.as_slice() {
        [] => deps::default_root(),
        [dir] if !dir.to_string_lossy().starts_with('-') => PathBuf::from(dir),
        _ => {
            report::eprint_line("snowc: error: usage: snowc update [DIR]");
            return EXIT_USAGE;
        }
    };
    if !manifest::has_manifest(&root) {
        report::eprint_line(&format!(
            "snowc: error: no snow.toml in `{}`",
            root.display()
        ));
        return EXIT_COMPILE_ERROR;
    }
    match deps::update(&root) {
        Ok(changes) => {
            let mut out = io::stdout().lock();
            if changes.is_empty() && root.join(lock::LOCK).exists() {
                let _ = writeln!(out, "snow.lock is up to date");
            } else if changes.is_empty() {
                let _ = writeln!(out, "no git dependencies");
            }
            for c in changes {
                let _ = writeln!(out, "{c}");
            }
            EXIT_OK
        }
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            EXIT_COMPILE_ERROR
        }
    }
}
