//! Go to definition into the standard library modules written in Snow
//! (`snowc/src/prelude/`, embedded in the compiler): there is no file of
//! the user's to point at, so each is copied, read-only, into the cache
//! (`<cache>/stdlib/<hash of its text>/list.snow`) and the definition
//! points into that copy. Runtime functions (written in Rust) have none.

use super::analysis::Analysis;
use super::{docs, items, text};
use crate::diag::FileId;
use crate::driver::cache;
use std::fs;
use std::path::{Path, PathBuf};

/// The location of declaration `path` of the stdlib module `module`.
pub fn declared(a: &Analysis, module: &str, path: &[&str]) -> Option<lsp_types::Location> {
    let users = a.paths.len();
    let (i, f) = a
        .sources
        .files
        .iter()
        .enumerate()
        .skip(users)
        .find(|(_, f)| f.module == module)?;
    let ast = crate::syntax::parse_file(FileId(i as u32), &f.text).ok()?;
    let decls = items::decls(&ast.stmts);
    let d = items::find(&decls, path)?;
    let name = Path::new(&f.path).file_name()?;
    let copy = copy_of(&f.text, name)?;
    let (s, e) = (d.name_span.start as usize, d.name_span.end as usize);
    Some(lsp_types::Location {
        uri: docs::uri_of(&copy)?,
        range: text::range(&f.text, s, e),
    })
}

/// The cache directory holding the copies.
fn copies_root() -> PathBuf {
    cache::cache_root().join("stdlib")
}

/// Whether `path` is one of the copies (not a program of its own: it
/// gets no diagnostics).
pub fn is_copy(path: &Path) -> bool {
    path.starts_with(copies_root())
}

/// The read-only copy of `source` named `name`, written once.
fn copy_of(source: &str, name: &std::ffi::OsStr) -> Option<PathBuf> {
    let mut h = cache::Fnv::new();
    h.field(source.as_bytes());
    let dir = copies_root().join(h.hex());
    cache::install_dir(&dir, |tmp| {
        let file = tmp.join(name);
        fs::write(&file, source)?;
        let mut perms = fs::metadata(&file)?.permissions();
        perms.set_readonly(true);
        fs::set_permissions(&file, perms)
    })
    .ok()?;
    Some(dir.join(name))
}
