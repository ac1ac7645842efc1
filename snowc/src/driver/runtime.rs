//! The runtime embedded in `snowc` (see `snowc/build.rs`): the `libsnowrt.a`
//! archive and the `c-support/` headers. They are written once into a
//! cache directory named after their hash and passed to the C compiler.

use super::cache;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_runtime.rs"));
}

pub use embedded::{
    C_SUPPORT_FILES, NATIVE_LIBS, RUNTIME_ARCHIVE, RUNTIME_HASH, RUNTIME_SOURCES, SOURCES_HASH,
};

/// The file name of the archive inside the runtime directory.
pub const ARCHIVE_NAME: &str = "libsnowrt.a";

/// A materialised runtime.
#[derive(Clone, Debug)]
pub struct Runtime {
    /// The static library to link.
    pub archive: PathBuf,
    /// The directory to pass with `-I` (holds `snow.h`).
    pub include_dir: PathBuf,
    /// The system libraries the archive needs (`-lpthread`, ...).
    pub native_libs: Vec<String>,
}

impl Runtime {
    pub fn at(dir: &Path, native_libs: Vec<String>) -> Runtime {
        Runtime {
            archive: dir.join(ARCHIVE_NAME),
            include_dir: dir.join("include"),
            native_libs,
        }
    }
}

/// Writes `files` (relative path, content) below `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) -> io::Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)?;
    }
    Ok(())
}

/// The runtime directory under `cache_root`, created on first use.
pub fn materialise(cache_root: &Path) -> io::Result<Runtime> {
    let dir = cache_root.join(format!("rt-{RUNTIME_HASH}"));
    cache::install_dir(&dir, |tmp| {
        fs::write(tmp.join(ARCHIVE_NAME), RUNTIME_ARCHIVE)?;
        write_files(&tmp.join("include"), C_SUPPORT_FILES)
    })?;
    let libs = NATIVE_LIBS.iter().map(|l| l.to_string()).collect();
    Ok(Runtime::at(&dir, libs))
}

/// The global symbols defined by a System V / GNU `ar` archive, read from
/// its symbol table (the first member, named `/`). Empty if there is none.
pub fn archive_symbols(archive: &[u8]) -> Vec<String> {
    const MAGIC: &[u8] = b"!<arch>\n";
    const HEADER: usize = 60;
    if !archive.starts_with(MAGIC) || archive.len() < MAGIC.len() + HEADER {
        return Vec::new();
    }
    let header = &archive[MAGIC.len()..MAGIC.len() + HEADER];
    if &header[..16] != b"/               " {
        return Vec::new();
    }
    let size: usize = match std::str::from_utf8(&header[48..58])
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        Some(n) => n,
        None => return Vec::new(),
    };
    let start = MAGIC.len() + HEADER;
    let Some(table) = archive.get(start..start + size) else {
        return Vec::new();
    };
    if table.len() < 4 {
        return Vec::new();
    }
    let count = u32::from_be_bytes([table[0], table[1], table[2], table[3]]) as usize;
    let names_start = 4 + count.saturating_mul(4);
    let Some(names) = table.get(names_start..) else {
        return Vec::new();
    };
    names
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .take(count)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::cache::TempDir;

    #[test]
    fn embedded_runtime_is_present() {
        assert!(RUNTIME_ARCHIVE.starts_with(b"!<arch>\n"));
        assert!(C_SUPPORT_FILES.iter().any(|(name, _)| *name == "snow.h"));
        assert_eq!(RUNTIME_HASH.len(), 16);
    }

    #[test]
    fn materialise_writes_archive_and_headers_once() {
        let tmp = TempDir::new("snowc-rt-test").unwrap();
        let rt = materialise(tmp.path()).unwrap();
        assert_eq!(fs::read(&rt.archive).unwrap(), RUNTIME_ARCHIVE);
        let header = fs::read(rt.include_dir.join("snow.h")).unwrap();
        assert!(String::from_utf8_lossy(&header).contains("snow_main"));
        let again = materialise(tmp.path()).unwrap();
        assert_eq!(again.archive, rt.archive);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn archive_symbol_table_parses() {
        // A hand-made archive with a symbol table of two names.
        let mut table = Vec::new();
        table.extend_from_slice(&2u32.to_be_bytes());
        table.extend_from_slice(&[0; 8]);
        table.extend_from_slice(b"snow_main\0snow_panic\0");
        let mut ar = b"!<arch>\n".to_vec();
        ar.extend_from_slice(format!("{:<16}{:<32}{:<10}`\n", "/", "0", table.len()).as_bytes());
        ar.extend_from_slice(&table);
        assert_eq!(archive_symbols(&ar), vec!["snow_main", "snow_panic"]);
        assert!(archive_symbols(b"not an archive").is_empty());
    }
}
