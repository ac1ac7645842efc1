//! The projects' files, kept between changes. Which files make up a project
//! (`snow.toml`, its dependencies, a walk of its directories) is gathered
//! again only after an event (a document opened, closed or saved, a
//! watched file changed) or when the times and sizes of its manifests, its
//! lock file or its directories changed; a file's text is read again only
//! when its own time or size changed. Gathering never writes into the
//! project nor fetches git dependencies (`deps::editor_sources`).

use crate::driver::{deps, lock, manifest};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What tells that a file or directory changed: its time and size.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(p: &Path) -> Stamp {
    let m = fs::metadata(p).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// The files checked together (path, module), or why they cannot be
/// gathered.
pub type Files = Result<Vec<(PathBuf, String)>, String>;

struct Gathered {
    files: Files,
    /// What, when changed, makes the files gathered again.
    watched: Vec<(Stamp, PathBuf)>,
}

impl Gathered {
    fn new(root: &Path) -> Gathered {
        let found = deps::editor_sources(root);
        let mut watched = vec![
            root.to_path_buf(),
            root.join(manifest::MANIFEST),
            root.join(lock::LOCK),
            root.join("main.snow"),
        ];
        let files = found.map(|(modules, dep_roots)| {
            watched.extend(dep_roots.iter().map(|d| d.join(manifest::MANIFEST)));
            let files: Vec<(PathBuf, String)> = modules
                .into_iter()
                .map(|(module, path)| (root.join(path), module))
                .collect();
            // A file added next to the others changes their directory.
            watched.extend(files.iter().filter_map(|(p, _)| Some(p.parent()?.into())));
            files
        });
        watched.sort();
        watched.dedup();
        let watched = watched.into_iter().map(|p| (stamp(&p), p)).collect();
        Gathered { files, watched }
    }

    fn current(&self) -> bool {
        self.watched.iter().all(|(s, p)| stamp(p) == *s)
    }
}

#[derive(Default)]
pub struct Projects {
    /// The project directory of each file asked about (`None`: none).
    roots: HashMap<PathBuf, Option<PathBuf>>,
    gathered: HashMap<PathBuf, Gathered>,
    /// Files' texts as last read from the disk.
    texts: HashMap<PathBuf, (Stamp, String)>,
}

impl Projects {
    /// Something may have changed on the disk: gather again on next use.
    pub fn forget(&mut self) {
        self.roots.clear();
        self.gathered.clear();
    }

    /// The files checked together with `file` (or why the project's files
    /// cannot be gathered), and the scope's key: the project root, or the
    /// file itself when it is not part of a project.
    pub fn files_for(&mut self, file: &Path) -> (PathBuf, Files) {
        let root = self
            .roots
            .entry(file.to_path_buf())
            .or_insert_with(|| project_of(file))
            .clone();
        if let Some(root) = root {
            let fresh = self.gathered.get(&root).is_some_and(Gathered::current);
            if !fresh {
                self.gathered.insert(root.clone(), Gathered::new(&root));
            }
            match &self.gathered[&root].files {
                Ok(files) if files.iter().any(|(p, _)| p == file) => {
                    return (root, Ok(files.clone()))
                }
                Ok(_) => {}
                Err(e) => return (root, Err(e.clone())),
            }
        }
        let alone = vec![(file.to_path_buf(), "Main".to_string())];
        (file.to_path_buf(), Ok(alone))
    }

    /// The text of `path` on the disk (read again when it changed).
    pub fn disk_text(&mut self, path: &Path) -> Option<String> {
        let now = stamp(path);
        match self.texts.get(path) {
            Some((s, text)) if *s == now && now.is_some() => Some(text.clone()),
            _ => {
                let text = fs::read_to_string(path).ok()?;
                self.texts.insert(path.to_path_buf(), (now, text.clone()));
                Some(text)
            }
        }
    }
}

/// The project directory of `file` (as the driver finds it), written
/// through the same path as `file` so that the project's paths match the
/// documents' (`find_project_root` canonicalises).
pub fn project_of(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    let root = deps::find_project_root(dir)?;
    let canonical = dir.canonicalize().ok()?;
    let depth = canonical.strip_prefix(&root).ok()?.components().count();
    dir.ancestors().nth(depth).map(Path::to_path_buf)
}
