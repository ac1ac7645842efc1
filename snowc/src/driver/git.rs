//! Git dependencies through the system `git`: one bare clone per URL under
//! `<cache>/git/db/`, and one checkout per commit under
//! `<cache>/git/checkouts/<url key>/<commit>/`. A checkout never changes
//! once made, so a locked build reads it without touching the network.

use super::cache::{self, Fnv};
use super::manifest::GitRef;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct GitCache {
    root: PathBuf,
}

fn url_key(url: &str) -> String {
    let mut h = Fnv::new();
    h.field(url.as_bytes());
    h.hex()
}

/// `git [--git-dir DIR]` that never prompts: a bad URL or a missing
/// credential must fail, not hang (ssh in batch mode unless the user chose
/// an ssh command).
fn command(git_dir: Option<&Path>) -> Command {
    let mut cmd = Command::new("git");
    if let Some(d) = git_dir {
        cmd.arg("--git-dir").arg(d);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .stdin(Stdio::null());
    if std::env::var_os("GIT_SSH_COMMAND").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    cmd
}

/// Runs `cmd`; its trimmed stdout, or its trimmed stderr (else `failed`)
/// as the error.
fn output(cmd: &mut Command, failed: impl FnOnce() -> String) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `git` (is it installed?): {e}"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    Err(if err.is_empty() { failed() } else { err })
}

/// Runs `git ARGS` (on the bare repository `dir`).
fn git(args: &[&str], dir: Option<&Path>) -> Result<String, String> {
    output(command(dir).args(args), || {
        format!("`git {}` failed", args.join(" "))
    })
}

impl GitCache {
    pub fn new(cache_root: &Path) -> GitCache {
        GitCache {
            root: cache_root.join("git"),
        }
    }

    fn db(&self, url: &str) -> PathBuf {
        self.root.join("db").join(url_key(url))
    }

    /// The bare clone of `url`, made on first use; `true` when it was just
    /// cloned (so it is fresh).
    fn ensure_db(&self, url: &str) -> Result<(PathBuf, bool), String> {
        let db = self.db(url);
        if db.is_dir() {
            return Ok((db, false));
        }
        cache::install_dir_with(
            &db,
            |tmp| {
                let tmp = tmp.to_string_lossy().into_owned();
                git(&["clone", "--bare", "--quiet", "--", url, &tmp], None)
                    .map(|_| ())
                    .map_err(|e| format!("cannot clone `{url}`: {e}"))
            },
            cache_error,
        )?;
        Ok((db, true))
    }

    fn fetch(&self, db: &Path, url: &str) -> Result<(), String> {
        git(
            &[
                "fetch",
                "--quiet",
                "--force",
                "--prune",
                "--",
                url,
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ],
            Some(db),
        )
        .map(|_| ())
        .map_err(|e| format!("cannot fetch `{url}`: {e}"))
    }

    /// The commit `reference` names in `url` now (fetching first).
    pub fn resolve(&self, url: &str, reference: &GitRef) -> Result<String, String> {
        let (db, fresh) = self.ensure_db(url)?;
        if !fresh {
            self.fetch(&db, url)?;
        }
        let spec = match reference {
            GitRef::Tag(t) => format!("refs/tags/{t}^{{commit}}"),
            GitRef::Branch(b) => format!("refs/heads/{b}^{{commit}}"),
            GitRef::Rev(r) => format!("{r}^{{commit}}"),
        };
        git(&["rev-parse", "--verify", "--quiet", &spec], Some(&db)).map_err(|e| {
            let detail = if e.contains("failed") || e.is_empty() {
                String::new()
            } else {
                format!(": {e}")
            };
            format!("{reference} not found in `{url}`{detail}")
        })
    }

    fn checkout_dir(&self, url: &str, commit: &str) -> PathBuf {
        self.root.join("checkouts").join(url_key(url)).join(commit)
    }

    /// The files of `url` at `commit` when already checked out.
    pub fn checked_out(&self, url: &str, commit: &str) -> Option<PathBuf> {
        Some(self.checkout_dir(url, commit)).filter(|d| d.is_dir())
    }

    /// The files of `url` at `commit` (a full hash), checked out once.
    pub fn checkout(&self, url: &str, commit: &str) -> Result<PathBuf, String> {
        if let Some(dir) = self.checked_out(url, commit) {
            return Ok(dir);
        }
        let dir = self.checkout_dir(url, commit);
        let (db, fresh) = self.ensure_db(url)?;
        let object = format!("{commit}^{{commit}}");
        let has = |db: &Path| git(&["cat-file", "-e", &object], Some(db)).is_ok();
        if !has(&db) && !fresh {
            self.fetch(&db, url)?;
        }
        if !has(&db) {
            return Err(format!(
                "commit {commit} is not in `{url}` (run `snowc update` to lock another)"
            ));
        }
        cache::install_dir_with(
            &dir,
            |tmp| {
                check_out(&db, commit, tmp)
                    .map_err(|e| format!("cannot check out {commit} of `{url}`: {e}"))
            },
            cache_error,
        )?;
        Ok(dir)
    }
}

fn cache_error(e: std::io::Error) -> String {
    format!("cannot write into the cache: {e}")
}

/// Writes the tree of `commit` into the empty directory `dir` (no `.git`).
fn check_out(db: &Path, commit: &str, dir: &Path) -> Result<(), String> {
    let index = dir.join(".snow-index");
    let mut cmd = command(Some(db));
    cmd.arg("--work-tree")
        .arg(dir)
        .args(["checkout", "--quiet", "--force", commit, "--", "."])
        // A private index: the bare clone's own stays untouched.
        .env("GIT_INDEX_FILE", &index);
    let done = output(&mut cmd, || "`git checkout` failed".to_string());
    let _ = fs::remove_file(&index);
    done.map(|_| ())
}
