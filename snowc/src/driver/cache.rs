//! The on-disk cache (`$XDG_CACHE_HOME/snow`, else `~/.cache/snow`): the
//! materialised runtime and `snowc run` binaries. Every entry is created
//! under a unique temporary name and renamed into place, so concurrent
//! `snowc` processes never see a half-written entry. Also temporary
//! directories (`TempDir`), whose orphans a killed snowc left are swept.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The cache root for the given environment values.
pub fn cache_root_from(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> PathBuf {
    if let Some(x) = xdg_cache_home.filter(|x| Path::new(x).is_absolute()) {
        return PathBuf::from(x).join("snow");
    }
    if let Some(h) = home.filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".cache").join("snow");
    }
    std::env::temp_dir().join("snow-cache")
}

/// The cache root of this process.
pub fn cache_root() -> PathBuf {
    cache_root_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

pub use super::fnv::Fnv;

/// A path next to `target` that no other process or thread uses.
pub fn unique_sibling(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(
        ".tmp-{}-{}-{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    target.with_file_name(name)
}

/// Makes sure the directory `target` exists with the content produced by
/// `fill`, which is called with a fresh temporary directory. If another
/// process creates `target` first, its content is kept and ours discarded.
pub fn install_dir(target: &Path, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    if target.is_dir() {
        return Ok(());
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = unique_sibling(target);
    fs::create_dir(&tmp)?;
    let filled = fill(&tmp);
    let result = filled.and_then(|()| fs::rename(&tmp, target));
    match result {
        Ok(()) => Ok(()),
        // Lost the race: the winner's directory is complete.
        Err(_) if target.is_dir() => {
            let _ = fs::remove_dir_all(&tmp);
            Ok(())
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// `install_dir` with a `fill` failing with its own error (a git or C
/// compiler error, already worded): that error, else the error of
/// installing the directory as `io_error` words it.
pub fn install_dir_with<E>(
    target: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
    io_error: impl FnOnce(io::Error) -> E,
) -> Result<(), E> {
    let mut failed = None;
    let installed = install_dir(target, |tmp| {
        fill(tmp).map_err(|e| {
            failed = Some(e);
            io::Error::other("filling the directory failed")
        })
    });
    match failed {
        Some(e) => Err(e),
        None => installed.map_err(io_error),
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename, so
/// readers see either nothing or the whole content.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = unique_sibling(path);
    let result = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A temporary directory removed (with its content) when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        let base = std::env::temp_dir();
        sweep_orphans(&base, prefix);
        let path = unique_sibling(&base.join(prefix));
        fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Removes the `prefix` temporary directories in `base` left by a snowc
/// that was killed (Ctrl-C during `snowc test`: `Drop` never ran). The pid
/// in each name (`unique_sibling`) tells whether its owner still runs.
fn sweep_orphans(base: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    let head = format!("{prefix}.tmp-");
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&head))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Is process `pid` running? Unknown (no `/proc`) counts as running, so
/// nothing is removed where we cannot tell.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_root_prefers_xdg_then_home() {
        assert_eq!(
            cache_root_from(Some("/x/cache".into()), Some("/home/u".into())),
            PathBuf::from("/x/cache/snow")
        );
        // A relative XDG_CACHE_HOME is invalid per the XDG spec: ignored.
        assert_eq!(
            cache_root_from(Some("rel".into()), Some("/home/u".into())),
            PathBuf::from("/home/u/.cache/snow")
        );
        assert_eq!(
            cache_root_from(None, None),
            std::env::temp_dir().join("snow-cache")
        );
    }

    #[test]
    fn temp_dirs_of_dead_snowcs_are_swept() {
        let base = TempDir::new("snowc-sweep-test").unwrap();
        let prefix = "snowc-x";
        // A pid that cannot be running (above the kernel's pid limit).
        let dead = base.path().join(format!("{prefix}.tmp-4999999-1-0"));
        let mine = base
            .path()
            .join(format!("{prefix}.tmp-{}-1-0", std::process::id()));
        let other = base.path().join("snowc-y.tmp-4999999-1-0");
        for d in [&dead, &mine, &other] {
            fs::create_dir_all(d.join("inner")).unwrap();
        }
        sweep_orphans(base.path(), prefix);
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists());
        }
        assert!(mine.exists() && other.exists());
    }

    #[test]
    fn fnv_known_values() {
        let mut h = Fnv::new();
        assert_eq!(h.finish(), 0xcbf2_9ce4_8422_2325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
        let (mut a, mut b) = (Fnv::new(), Fnv::new());
        a.field(b"ab");
        a.field(b"c");
        b.field(b"a");
        b.field(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn install_dir_is_idempotent_and_keeps_first() {
        let tmp = TempDir::new("snowc-cache-test").unwrap();
        let target = tmp.path().join("entry");
        install_dir(&target, |d| fs::write(d.join("f"), "one")).unwrap();
        install_dir(&target, |d| fs::write(d.join("f"), "two")).unwrap();
        assert_eq!(fs::read_to_string(target.join("f")).unwrap(), "one");
        // No temporary directories are left behind.
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn install_dir_reports_fill_errors_and_cleans_up() {
        let tmp = TempDir::new("snowc-cache-test").unwrap();
        let target = tmp.path().join("entry");
        let err = install_dir(&target, |_| Err(io::Error::other("boom")));
        assert!(err.is_err());
        assert!(!target.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn atomic_writes_replace_content() {
        let tmp = TempDir::new("snowc-cache-test").unwrap();
        let f = tmp.path().join("sub").join("f");
        write_atomically(&f, b"one").unwrap();
        write_atomically(&f, b"two").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(fs::read_dir(f.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn parallel_installs_agree() {
        let tmp = TempDir::new("snowc-cache-test").unwrap();
        let target = tmp.path().join("entry");
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let target = target.clone();
                std::thread::spawn(move || {
                    install_dir(&target, |d| fs::write(d.join("f"), format!("{i}"))).unwrap();
                    fs::read_to_string(target.join("f")).unwrap()
                })
            })
            .collect();
        let seen: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(seen.iter().all(|s| s == &seen[0]));
    }
}
