//! Dependencies: resolving a project's `snow.toml` graph (path and git
//! dependencies, transitively, pinned by `snow.lock`) and gathering the
//! modules a build compiles.
//!
//! Every package names its modules by their path inside the package, as a
//! project always has (`geometry/shapes.snow` is `Geometry.Shapes`), so a
//! package's modules have the same names whether it is built on its own or
//! as a dependency. A dependency's own `main.snow` and `tests/` are not part
//! of it; two files giving one module name are an error.

use super::cache;
use super::git::GitCache;
use super::lock::{self, Locked};
use super::manifest::{self, Dependency, GitRef, Manifest, Source};
use super::project;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One package of a resolved graph.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Where its files are (canonical for dependencies).
    pub root: PathBuf,
}

/// A package reached through the graph, with how it was reached.
struct Found {
    package: Package,
    /// What tells two sources apart: the canonical path, or URL and commit.
    identity: String,
    /// How the source is shown in messages.
    shown: String,
    /// The names from the root to it.
    chain: Vec<String>,
}

struct Resolver<'a> {
    git: GitCache,
    old_lock: &'a [Locked],
    /// Ignore the lock and resolve every git reference again.
    refresh: bool,
    /// Clone, fetch and check out git dependencies as needed; when not,
    /// only locked commits already checked out in the cache are used (an
    /// editor must not touch the network or write files).
    fetch: bool,
    found: BTreeMap<String, Found>,
    new_lock: Vec<Locked>,
}

/// The resolved graph: the dependencies (sorted by name, the root package
/// not included) and the lock entries describing it.
pub struct Resolution {
    pub deps: Vec<Package>,
    pub lock: Vec<Locked>,
}

/// Resolves the dependencies of the project in `root` (which has a
/// `snow.toml`). Git references come from `snow.lock` when its entry still
/// matches the manifest, unless `refresh`; see `Resolver::fetch`.
pub fn resolve(root: &Path, refresh: bool, fetch: bool) -> Result<Resolution, String> {
    let manifest = manifest::read(root)?;
    let old_lock = lock::read(root)?;
    let mut r = Resolver {
        git: GitCache::new(&cache::cache_root()),
        old_lock: &old_lock,
        refresh,
        fetch,
        found: BTreeMap::new(),
        new_lock: Vec::new(),
    };
    let mut chain = vec![manifest.name.clone()];
    // Absolute, so that messages show where a missing dependency was sought.
    let dir = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let base = dir.to_string_lossy().into_owned();
    r.visit(&dir, &base, &manifest, &mut chain)?;
    let deps = r.found.into_values().map(|f| f.package).collect();
    let mut lock = r.new_lock;
    lock.sort();
    Ok(Resolution { deps, lock })
}

impl Resolver<'_> {
    /// Visits the dependencies of `m`, whose files are in `dir`; `base` is
    /// where its relative git URLs start from: its directory, or for a
    /// package inside a git repository, that repository's URL (joined with
    /// the path inside it).
    fn visit(
        &mut self,
        dir: &Path,
        base: &str,
        m: &Manifest,
        chain: &mut Vec<String>,
    ) -> Result<(), String> {
        for dep in &m.deps {
            if let Some(pos) = chain.iter().position(|n| *n == dep.name) {
                let mut cycle = chain[pos..].to_vec();
                cycle.push(dep.name.clone());
                return Err(format!("dependency cycle: {}", cycle.join(" -> ")));
            }
            let (dep_dir, dep_base, identity, shown) = self.locate(dir, base, &m.name, dep)?;
            let dep_manifest = if manifest::has_manifest(&dep_dir) {
                manifest::read(&dep_dir)?
            } else {
                return Err(format!(
                    "dependency `{}` of `{}` ({shown}) has no snow.toml",
                    dep.name, m.name
                ));
            };
            if dep_manifest.name != dep.name {
                return Err(format!(
                    "dependency `{}` of `{}` ({shown}) is the package `{}`; \
                     the dependency must have the package's name",
                    dep.name, m.name, dep_manifest.name
                ));
            }
            chain.push(dep.name.clone());
            let here = Found {
                package: Package {
                    name: dep.name.clone(),
                    version: dep_manifest.version.clone(),
                    root: dep_dir.clone(),
                },
                identity,
                shown,
                chain: chain.clone(),
            };
            match self.found.get(&dep.name) {
                Some(seen) if seen.identity == here.identity => {}
                Some(seen) => return Err(conflict(seen, &here)),
                None => {
                    self.found.insert(dep.name.clone(), here);
                    self.visit(&dep_dir, &dep_base, &dep_manifest, chain)?;
                }
            }
            chain.pop();
        }
        Ok(())
    }

    /// Where the files of `dep` (of package `of` in `dir`, relative git
    /// URLs starting from `base`) are: (directory, its base, identity, how
    /// it is shown).
    fn locate(
        &mut self,
        dir: &Path,
        base: &str,
        of: &str,
        dep: &Dependency,
    ) -> Result<(PathBuf, String, String, String), String> {
        match &dep.source {
            Source::Path(p) => {
                let joined = dir.join(p);
                let canonical = joined
                    .canonicalize()
                    .ok()
                    .filter(|c| c.is_dir())
                    .ok_or_else(|| {
                        format!(
                            "dependency `{}` of `{of}`: directory `{}` not found",
                            dep.name,
                            joined.display()
                        )
                    })?;
                let shown = format!("path {}", canonical.display());
                let dep_base = if p.is_absolute() {
                    canonical.to_string_lossy().into_owned()
                } else {
                    join_url(base, &p.to_string_lossy()).unwrap_or_else(|| base.to_string())
                };
                Ok((canonical, dep_base, shown.clone(), shown))
            }
            Source::Git {
                url: written,
                reference,
            } => {
                let in_git = |e: String| format!("git dependency `{}` of `{of}`: {e}", dep.name);
                let url = if is_relative_url(written) {
                    join_url(base, written).ok_or_else(|| {
                        in_git(format!(
                            "cannot resolve the relative URL `{written}` from `{base}`"
                        ))
                    })?
                } else {
                    written.clone()
                };
                let commit = self
                    .commit(&dep.name, written, &url, reference)
                    .map_err(in_git)?;
                let short = lock::short(&commit);
                let checkout = if self.fetch {
                    self.git.checkout(&url, &commit)
                } else {
                    self.git.checked_out(&url, &commit).ok_or_else(|| {
                        format!("commit {short} is not fetched yet (run `snowc build` to fetch it)")
                    })
                }
                .map_err(in_git)?;
                Ok((
                    checkout,
                    url.clone(),
                    format!("git {url} {commit}"),
                    format!("git {url} ({reference}, commit {short})"),
                ))
            }
        }
    }

    /// The commit of a git dependency (`url` as written in the manifest,
    /// fetched from `fetch_url`): as already resolved in this run (a package
    /// reached twice), else locked, else freshly resolved.
    fn commit(
        &mut self,
        name: &str,
        url: &str,
        fetch_url: &str,
        reference: &GitRef,
    ) -> Result<String, String> {
        let same = |l: &&Locked| l.name == name && l.url == url && l.reference == *reference;
        let old = self.old_lock.iter().filter(|_| !self.refresh);
        let known = self
            .new_lock
            .iter()
            .chain(old)
            .find(same)
            .map(|l| l.commit.clone());
        let commit = match known {
            Some(c) => c,
            None if !self.fetch => {
                return Err(format!(
                    "{reference} is not locked in `snow.lock` yet \
                     (run `snowc build` or `snowc update` to fetch it)"
                ))
            }
            None => self.git.resolve(fetch_url, reference)?,
        };
        let entry = Locked {
            name: name.to_string(),
            url: url.to_string(),
            reference: reference.clone(),
            commit: commit.clone(),
        };
        if !self.new_lock.contains(&entry) {
            self.new_lock.push(entry);
        }
        Ok(commit)
    }
}

/// A git URL relative to the package naming it (`../repo`).
fn is_relative_url(url: &str) -> bool {
    url.starts_with("./") || url.starts_with("../")
}

/// `rel` joined to `base` (a directory or a repository URL), the way git
/// joins relative submodule URLs: each `..` drops one path segment of
/// `base`, never its `scheme://host`. `None` when `..` goes too far.
fn join_url(base: &str, rel: &str) -> Option<String> {
    let mut out = base.trim_end_matches('/').to_string();
    let keep = match out.find("://") {
        Some(i) => out[i + 3..].find('/').map_or(out.len(), |j| i + 3 + j),
        None => 0,
    };
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                let cut = out.rfind('/').filter(|&c| c >= keep)?;
                out.truncate(cut);
            }
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
    Some(out)
}

fn conflict(a: &Found, b: &Found) -> String {
    let line = |f: &Found| {
        format!(
            "  {}: version {} from {}",
            f.chain.join(" -> "),
            f.package.version,
            f.shown
        )
    };
    format!(
        "package `{}` is required from two different sources:\n{}\n{}",
        a.package.name,
        line(a),
        line(b)
    )
}

/// Whether `rel` (relative to a package root) is under its `tests/`.
fn in_tests(rel: &Path) -> bool {
    rel.components()
        .next()
        .is_some_and(|c| c.as_os_str() == "tests")
}

/// The modules of a package: every `*.snow` file except `tests/` and, unless
/// `with_main`, the root `main.snow`. As (module name, path).
fn package_modules(root: &Path, with_main: bool) -> Result<Vec<(String, PathBuf)>, String> {
    let files = project::snow_files(root)?;
    let main = Path::new("main.snow");
    let kept = files
        .iter()
        .filter(|rel| !in_tests(rel) && (with_main || rel.as_path() != main));
    Ok(named(root, kept))
}

/// The files `rels` of the package in `root` as (module name, path as
/// shown), `Main` first as the build expects.
fn named<'a>(root: &Path, rels: impl Iterator<Item = &'a PathBuf>) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = rels
        .map(|rel| {
            let shown = PathBuf::from(project::display_path(root, rel));
            (project::module_name(rel), shown)
        })
        .collect();
    if let Some(pos) = out.iter().position(|(m, _)| m == "Main") {
        let entry = out.remove(pos);
        out.insert(0, entry);
    }
    out
}

/// Which modules of the root package to take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The program: `main.snow` and the other modules.
    Program,
    /// Everything but `main.snow` (what the tests are compiled with).
    Library,
}

/// Every module `snowc build` compiles for the project in `root`, as
/// (module name, path), `Main` first: without a `snow.toml` all `*.snow`
/// files of the directory; with one the package's modules (not `tests/`)
/// and those of its dependencies (resolved, and `snow.lock` written).
pub fn project_sources(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if !manifest::has_manifest(root) {
        return Ok(named(root, project::collect_project(root)?.iter()));
    }
    gather(root, Part::Program)
}

/// The modules `snowc test` compiles each test with: those of
/// `project_sources` except `main.snow` (and never `tests/`).
pub fn library_sources(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if !manifest::has_manifest(root) {
        if !root.is_dir() {
            return Err(format!("`{}` is not a directory", root.display()));
        }
        return package_modules(root, false);
    }
    gather(root, Part::Library)
}

/// Writes `root/snow.lock`, unless there is nothing to lock and no lock
/// file yet.
fn write_lock(root: &Path, entries: &[Locked]) -> Result<(), String> {
    if entries.is_empty() && !root.join(lock::LOCK).exists() {
        return Ok(());
    }
    lock::write(root, entries)
}

fn gather(root: &Path, part: Part) -> Result<Vec<(String, PathBuf)>, String> {
    let resolution = resolve(root, false, true)?;
    write_lock(root, &resolution.lock)?;
    modules_of(root, part, &resolution.deps)
}

/// Modules as (module name, path).
pub type Modules = Vec<(String, PathBuf)>;

/// What an editor checks a file of the project in `root` with: the modules
/// of `project_sources`, but resolved without writing `snow.lock` or
/// fetching (a git dependency not locked and checked out yet is an error
/// saying so); with the dependencies' roots.
pub fn editor_sources(root: &Path) -> Result<(Modules, Vec<PathBuf>), String> {
    if !manifest::has_manifest(root) {
        return Ok((project_sources(root)?, Vec::new()));
    }
    let resolution = resolve(root, false, false)?;
    let modules = modules_of(root, Part::Program, &resolution.deps)?;
    Ok((
        modules,
        resolution.deps.into_iter().map(|d| d.root).collect(),
    ))
}

/// The modules of the root package's `part` and of the packages `deps`.
fn modules_of(root: &Path, part: Part, deps: &[Package]) -> Result<Modules, String> {
    let with_main = part == Part::Program;
    if with_main && !root.join("main.snow").is_file() {
        return Err(project::no_main(root));
    }
    let mut all = package_modules(root, with_main)?;
    for dep in deps {
        all.extend(package_modules(&dep.root, false)?);
    }
    check_clashes(&all)?;
    Ok(all)
}

fn check_clashes(modules: &[(String, PathBuf)]) -> Result<(), String> {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (name, path) in modules {
        if let Some(first) = seen.insert(name, path) {
            return Err(format!(
                "module `{name}` is defined twice: by `{}` and by `{}` \
                 (rename one of the files)",
                first.display(),
                path.display()
            ));
        }
    }
    Ok(())
}

/// The project directory of `file`: its nearest ancestor directory holding
/// a `snow.toml`, else the nearest holding a `main.snow`.
pub fn find_project_root(file: &Path) -> Option<PathBuf> {
    let start = file.canonicalize().ok()?;
    let ancestors = || start.ancestors().skip_while(|d| !d.is_dir());
    ancestors()
        .find(|d| manifest::has_manifest(d))
        .or_else(|| ancestors().find(|d| d.join("main.snow").is_file()))
        .map(Path::to_path_buf)
}

/// The project a command given no DIR works on: the nearest directory from
/// the current one upwards that holds a `snow.toml` (as a relative path such
/// as `..`, so messages stay short), else `.`.
pub fn default_root() -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return PathBuf::from(".");
    };
    match cwd.ancestors().position(manifest::has_manifest) {
        Some(n) if n > 0 => (0..n).map(|_| Path::new("..")).collect(),
        _ => PathBuf::from("."),
    }
}

/// `snowc update [DIR]`: resolves every git dependency again and rewrites
/// `snow.lock` (not making one when nothing is to be locked); returns what
/// changed.
pub fn update(root: &Path) -> Result<Vec<String>, String> {
    let old = lock::read(root)?;
    let resolution = resolve(root, true, true)?;
    write_lock(root, &resolution.lock)?;
    let short = lock::short;
    let mut changes = Vec::new();
    for new in &resolution.lock {
        let before = old
            .iter()
            .find(|o| o.name == new.name && o.url == new.url && o.reference == new.reference);
        match before {
            Some(o) if o.commit == new.commit => {}
            Some(o) => changes.push(format!(
                "updated {}: {} -> {} ({})",
                new.name,
                short(&o.commit),
                short(&new.commit),
                new.reference
            )),
            None => changes.push(format!(
                "locked {} at {} ({})",
                new.name,
                short(&new.commit),
                new.reference
            )),
        }
    }
    for o in &old {
        if !resolution.lock.iter().any(|n| n.name == o.name) {
            changes.push(format!("removed {}", o.name));
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::join_url;

    #[test]
    fn relative_urls_join_like_git_submodules() {
        assert_eq!(
            join_url("/src/app", "../repo").as_deref(),
            Some("/src/repo")
        );
        assert_eq!(
            join_url("/src/app/", "./sub/x").as_deref(),
            Some("/src/app/sub/x")
        );
        assert_eq!(
            join_url("https://example.com/org/textkit.git", "../charset.git").as_deref(),
            Some("https://example.com/org/charset.git")
        );
        assert_eq!(
            join_url("git@example.com:org/textkit.git", "../x.git").as_deref(),
            Some("git@example.com:org/x.git")
        );
        assert_eq!(
            join_url("git@example.com:org/textkit.git", "../../x.git"),
            None
        );
        assert_eq!(join_url("https://example.com/a.git", "../../b.git"), None);
        assert_eq!(join_url("/", "../x"), None);
    }
}
