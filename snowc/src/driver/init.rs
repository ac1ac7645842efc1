//! `snowc init NAME`: a new project directory, ready for `snowc build`,
//! `snowc run` and `snowc test` inside it.

use super::manifest::{self, MANIFEST};
use super::project::{pascal_case, BUILD_DIR};
use super::report;
use super::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// `{module}` is replaced by the package's module prefix (`MyApp`).
const MAIN: &str = "\
import {module}.Greeting

fn main() do
  println(Greeting.hello(\"world\"))
end
";

const GREETING: &str = "\
pub fn hello(name :: String) -> String = \"Hello, ${name}!\"
";

const TEST: &str = "\
# A test is a program: it fails when it panics or writes to stderr.
import {module}.Greeting

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
/// The files of a new package `name`, as (relative path, content). The
/// example module lives in the library layout (`NAME/greeting.snow`), so
/// two new packages can depend on each other without a module clash.
pub fn template(name: &str) -> Vec<(String, String)> {
    let module = pascal_case(name);
    let with_module = |text: &str| text.replace("{module}", &module);
    vec![
        (
            MANIFEST.to_string(),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\n"),
        ),
        ("main.snow".to_string(), with_module(MAIN)),
        (format!("{name}/greeting.snow"), GREETING.to_string()),
        ("tests/greeting_test.snow".to_string(), with_module(TEST)),
        // `snowc build` writes the executable into `_build/`.
        (".gitignore".to_string(), format!("/{BUILD_DIR}/\n")),
    ]
}

const USAGE: &str = "\
usage: snowc init NAME

Creates the package NAME in the directory NAME (which must not exist, or
be empty; `.` is the current directory, named after it). The package name
is the last part of NAME: a lower-case letter, then lower-case letters,
digits and `_`.
";

pub fn main(rest: Vec<OsString>) -> i32 {
    let words: Vec<String> = rest
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if words.iter().any(|w| w == "-h" || w == "--help") {
        let _ = io::stdout().write_all(USAGE.as_bytes());
        return EXIT_OK;
    }
    if let Some(option) = words.iter().find(|w| w.starts_with('-')) {
        report::eprint_line(&format!(
            "snowc: error: unknown option `{option}` for `snowc init`"
        ));
        return EXIT_USAGE;
    }
    let [dir] = rest.as_slice() else {
        report::eprint_line("snowc: error: usage: snowc init NAME");
        return EXIT_USAGE;
    };
    let dir = Path::new(dir);
    // `.` or `..` have no name of their own: take the directory's.
    let name = dir
        .file_name()
        .map(|n| n.to_os_string())
        .or_else(|| Some(dir.canonicalize().ok()?.file_name()?.to_os_string()))
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match create(dir, &name) {
        Ok(()) => {
            let next = if dir == Path::new(".") {
                "next: snowc run".to_string()
            } else {
                format!("next: cd {} && snowc run", dir.display())
            };
            let _ = writeln!(
                io::stdout(),
                "created package `{name}` in {}\n{next}",
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

/// A valid package name close to `name` (`my-app` -> `my_app`), if any.
fn suggestion(name: &str) -> Option<String> {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    (s != name && manifest::check_name(&s).is_ok()).then_some(s)
}

fn create(dir: &Path, name: &str) -> Result<(), String> {
    manifest::check_name(name).map_err(|e| match suggestion(name) {
        Some(s) => format!("{e}; try `{s}`"),
        None => e,
    })?;
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
