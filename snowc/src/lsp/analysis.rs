//! Checking a document with the rest of its project: finding the project,
//! gathering its files (open buffers win over the disk), parsing and
//! checking under `catch_unwind` on a big stack, as the driver does.

use super::docs::Docs;
use crate::diag::{Diagnostic, FileId, SourceFile, SourceMap};
use crate::syntax::{self, ast, ParsedFile};
use crate::types::check::index::{Index, Node};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

pub struct Analysis {
    /// The project root, or the lone file.
    pub scope: PathBuf,
    /// The user files (first, by `FileId`) and the stdlib's.
    pub sources: SourceMap,
    /// The user files' paths, by `FileId`.
    pub paths: Vec<PathBuf>,
    /// The user files' syntax trees (`None`: a syntax error).
    pub asts: Vec<Option<ast::File>>,
    pub index: Index,
    /// Errors and warnings, as `snowc build` reports them.
    pub diags: Vec<Diagnostic>,
    /// Every file parsed (so the program was checked and `index` is filled).
    pub parsed: bool,
}

impl Analysis {
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let i = self.paths.iter().position(|p| p == path)?;
        Some(FileId(i as u32))
    }
    pub fn path(&self, f: FileId) -> Option<&Path> {
        self.paths.get(f.0 as usize).map(PathBuf::as_path)
    }
    pub fn text(&self, f: FileId) -> &str {
        &self.sources.get(f).text
    }
    /// The file holding module `module`.
    pub fn module_file(&self, module: &str) -> Option<FileId> {
        let i = (0..self.paths.len()).find(|i| self.sources.files[*i].module == module)?;
        Some(FileId(i as u32))
    }

    /// The innermost recorded node at byte `offset` of `file` (the node
    /// with the shortest span; among equal spans one that names something,
    /// else the last recorded, which is the outer one of a chain built on
    /// the same span).
    pub fn node_at(&self, file: FileId, offset: usize) -> Option<&Node> {
        let offset = offset as u32;
        let at = |n: &&Node, end_ok: bool| {
            n.pos.file == file
                && n.pos.span.start <= offset
                && (offset < n.pos.span.end || (end_ok && offset == n.pos.span.end))
        };
        let pick = |end_ok: bool| {
            self.index
                .nodes
                .iter()
                .filter(|n| at(n, end_ok))
                .min_by_key(|n| (n.pos.span.end - n.pos.span.start, n.def.is_none()))
        };
        // A cursor just after a name (where typing leaves it) counts too.
        pick(false).or_else(|| pick(true))
    }
}

/// The project directory of `file`: the nearest ancestor holding
/// `snow.toml`, else the nearest holding `main.snow`.
pub fn project_of(file: &Path) -> Option<PathBuf> {
    let dirs = || file.ancestors().skip(1);
    dirs()
        .find(|d| d.join("snow.toml").is_file())
        .or_else(|| dirs().find(|d| d.join("main.snow").is_file()))
        .map(Path::to_path_buf)
}

/// The files of the project in `root` with their module names, as
/// `snowc build` gathers them (with its dependencies' modules).
fn gather(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    Ok(crate::driver::deps::project_sources(root)?
        .into_iter()
        .map(|(module, path)| (root.join(path), module))
        .collect())
}

/// The files checked together with `file`, and the scope's key.
fn files_for(file: &Path) -> (PathBuf, Vec<(PathBuf, String)>) {
    if let Some(root) = project_of(file) {
        if let Ok(files) = gather(&root) {
            if files.iter().any(|(p, _)| p == file) {
                return (root, files);
            }
        }
    }
    (
        file.to_path_buf(),
        vec![(file.to_path_buf(), "Main".to_string())],
    )
}

/// The key under which `file`'s analysis is kept.
pub fn scope_of(file: &Path) -> PathBuf {
    files_for(file).0
}

pub fn analyse(file: &Path, docs: &Docs) -> Analysis {
    let (scope, files) = files_for(file);
    let mut sources = SourceMap::default();
    let mut paths = Vec::new();
    for (path, module) in files {
        // An unreadable file is checked as empty (its own error is not
        // this document's).
        let text = docs.text(&path).unwrap_or_default();
        sources.add(SourceFile {
            path: path.display().to_string(),
            module,
            text,
        });
        paths.push(path);
    }
    let users = paths.len();
    crate::prelude::add_to(&mut sources);
    let run = || check(&sources, users);
    let (asts, index, diags, parsed) = match panic::catch_unwind(AssertUnwindSafe(|| {
        crate::driver::on_big_stack(run)
    })) {
        Ok(r) => r,
        Err(_) => {
            let d = Diagnostic::error(
                    None,
                    "internal compiler error while checking this project (a bug in snowc; please report it)",
                );
            (vec![None; users], Index::default(), vec![d], false)
        }
    };
    Analysis {
        scope,
        sources,
        paths,
        asts,
        index,
        diags,
        parsed,
    }
}

type Checked = (Vec<Option<ast::File>>, Index, Vec<Diagnostic>, bool);

/// Parses every file; when all parse, checks the program.
fn check(sources: &SourceMap, users: usize) -> Checked {
    let mut parsed = Vec::new();
    let mut asts = Vec::new();
    let mut diags = Vec::new();
    for (i, f) in sources.files.iter().enumerate() {
        let id = FileId(i as u32);
        match syntax::parse_file(id, &f.text) {
            Ok(ast) => parsed.push(ParsedFile { file: id, ast }),
            Err(errs) => diags.extend(errs),
        }
    }
    if !diags.is_empty() {
        for f in 0..users {
            let ast = parsed.iter().find(|p| p.file.0 as usize == f);
            asts.push(ast.map(|p| p.ast.clone()));
        }
        return (asts, Index::default(), diags, false);
    }
    let (checked, index) = crate::types::check_program_indexed(sources, &parsed);
    diags = match checked {
        Ok((_, warnings)) => warnings,
        Err(all) => all,
    };
    asts = parsed
        .into_iter()
        .take(users)
        .map(|p| Some(p.ast))
        .collect();
    (asts, index, diags, true)
}
