//! Checking a document with the rest of its project: finding the project,
//! gathering its files (open buffers win over the disk), parsing and
//! checking under `catch_unwind` on a big stack, as the driver does.

use super::docs::Docs;
use super::projects::Projects;
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
    /// Why the project's files could not be gathered, also shown on its
    /// `snow.toml` (when it has one).
    pub load_error: Option<String>,
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

pub fn analyse(file: &Path, docs: &Docs, projects: &mut Projects) -> Analysis {
    let (scope, files) = projects.files_for(file);
    // A project whose files cannot be gathered (a broken `snow.toml`, a
    // missing dependency) is not checked: its error is the diagnostic,
    // and the file is only parsed.
    let (files, broken) = match files {
        Ok(files) => (files, None),
        Err(e) => (vec![(file.to_path_buf(), "Main".to_string())], Some(e)),
    };
    let mut sources = SourceMap::default();
    let mut paths = Vec::new();
    for (path, module) in files {
        // An unreadable file is checked as empty (its own error is not
        // this document's).
        let text = match docs.open.get(&path) {
            Some(d) => d.text.clone(),
            None => projects.disk_text(&path).unwrap_or_default(),
        };
        sources.add(SourceFile {
            path: path.display().to_string(),
            module,
            text,
        });
        paths.push(path);
    }
    let users = paths.len();
    crate::prelude::add_to(&mut sources);
    let run = || match &broken {
        None => check(&sources, users),
        Some(e) => {
            let (parsed, mut diags) = parse(&sources);
            let shown = format!("cannot load the project in `{}`: {e}", scope.display());
            diags.insert(0, Diagnostic::error(None, shown));
            (user_asts(&parsed, users), Index::default(), diags, false)
        }
    };
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
        load_error: broken,
    }
}

type Checked = (Vec<Option<ast::File>>, Index, Vec<Diagnostic>, bool);

/// Every file parsed: the trees of those that parse, the syntax errors.
fn parse(sources: &SourceMap) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    let mut parsed = Vec::new();
    let mut diags = Vec::new();
    for (i, f) in sources.files.iter().enumerate() {
        let id = FileId(i as u32);
        match syntax::parse_file(id, &f.text) {
            Ok(ast) => parsed.push(ParsedFile { file: id, ast }),
            Err(errs) => diags.extend(errs),
        }
    }
    (parsed, diags)
}

/// The user files' trees (`None`: a syntax error).
fn user_asts(parsed: &[ParsedFile], users: usize) -> Vec<Option<ast::File>> {
    (0..users)
        .map(|f| {
            let ast = parsed.iter().find(|p| p.file.0 as usize == f);
            ast.map(|p| p.ast.clone())
        })
        .collect()
}

/// Parses every file; when all parse, checks the program.
fn check(sources: &SourceMap, users: usize) -> Checked {
    let (parsed, diags) = parse(sources);
    if !diags.is_empty() {
        return (user_asts(&parsed, users), Index::default(), diags, false);
    }
    let (checked, index) = crate::types::check_program_indexed(sources, &parsed);
    let diags = match checked {
        Ok((_, warnings)) => warnings,
        Err(all) => all,
    };
    (user_asts(&parsed, users), index, diags, true)
}
