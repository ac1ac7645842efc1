//! `snowc init NAME`: a new project directory, ready for `snowc build`,
//! `snowc run` and `snowc test` inside it.

use super::manifest::{self, MANIFEST};
use super::report;
use super::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

const MAIN: &str = "\
import Greeting

fn main() do
  println(Greeting.hello(\"world\"))
end
";

const GREETING: &str = "\
pub fn hello(name :: String) -> String = \"Hello, ${name}!\"
";

const TEST: &str = "\
# A test is a program: it fails when it panics or writes to stderr.
import Greeting

fn main() do
  check(Greeting.hello(\"Snow\"), \"Hello, Snow!\")
end

fn check(got :: String, want :: String) do
  if got != want do
    IO.eprintln(\"expected ${want}, got ${got}\")
  end
end
";

/// The files of a new package `name`, as (relative path, content).
pub fn template(name: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            MANIFEST,
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\n"),
        ),
        ("main.snow", MAIN.to_string()),
        ("greeting.snow", GREETING.to_string()),
        ("tests/greeting_test.snow", TEST.to_string()),
        // `snowc build` writes the executable `<dir>/<name>`.
        (".gitignore", format!("/{name}\n")),
    ]
}

pub fn main(rest: Vec<OsString>) -> i32 {
    let [dir] = rest.as_slice() else {
        report::eprint_line("snowc: error: usage: snowc init NAME");
        return EXIT_USAGE;
    };
    let dir = Path::new(dir);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match create(dir, &name) {
        Ok(()) => {
            let _ = writeln!(
                io::stdout(),
                "created package `{name}` in {}\nnext: cd {} && snowc run",
                dir.display(),
                dir.display()
            );
            EXIT_OK
        }
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            EXIT_COMPILE_ERROR
        }
    }
}

fn create(dir: &Path, name: &str) -> Result<(), String> {
    manifest::check_name(name)?;
    let shown = dir.display();
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| format!("`{shown}` exists and cannot be read: {e}"))?
            .next()
            .is_none();
        if !empty {
            return Err(format!("`{shown}` already exists and is not empty"));
        }
    }
    for (rel, text) in template(name) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}
