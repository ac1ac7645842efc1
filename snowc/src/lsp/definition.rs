//! Go to definition: locals from the checker's records (the names of a
//! `from M import` line among them); functions, types, variants, fields,
//! interface methods and modules looked up in the declarations of the
//! project's files, else in the read-only copies of the stdlib modules
//! written in Snow (`stdlib_src`).

use super::analysis::Analysis;
use super::server::Here;
use super::{docs, items, stdlib_src};
use crate::diag::FileId;
use crate::syntax::ast::Span;
use crate::types::check::index::Def;
use lsp_types::{GotoDefinitionResponse, Location};

fn location(h: &Here, file: FileId, span: Span) -> Option<GotoDefinitionResponse> {
    let uri = docs::uri_of(h.a.path(file)?)?;
    let range = h.range(file, span)?;
    Some(GotoDefinitionResponse::Scalar(Location { uri, range }))
}

/// The declaration `path` inside module `module` (a file's module or an
/// inline module of one): its file and the span of its name.
fn declared(a: &Analysis, module: &str, path: &[&str]) -> Option<(FileId, Span)> {
    // The file whose module is the longest prefix of `module`.
    let (file, inner) = (0..a.paths.len())
        .filter_map(|i| {
            let m = &a.sources.files[i].module;
            let rest = if module == m {
                Some("")
            } else {
                module.strip_prefix(m.as_str())?.strip_prefix('.')
            }?;
            Some((FileId(i as u32), rest, m.len()))
        })
        .max_by_key(|(_, _, len)| *len)
        .map(|(f, rest, _)| (f, rest))?;
    let mut full: Vec<&str> = inner.split('.').filter(|s| !s.is_empty()).collect();
    full.extend_from_slice(path);
    let decls = items::decls(&a.asts.get(file.0 as usize)?.as_ref()?.stmts);
    let d = items::find(&decls, &full).or_else(|| service_fn(&decls, &full))?;
    Some((file, d.name_span))
}

/// What a service's generated function `path` (`[.., "Stack", "push"]`)
/// comes from: `start` from `init` (or the service), a client function
/// from its handler.
fn service_fn<'a>(decls: &'a [items::Decl], path: &[&str]) -> Option<&'a items::Decl> {
    let (name, service) = path.split_last()?;
    let s = items::find(decls, service).filter(|s| s.kind == items::Kind::Service)?;
    if *name == "start" {
        return Some(s.children.iter().find(|c| c.name == "init").unwrap_or(s));
    }
    s.children
        .iter()
        .find(|c| c.kind == items::Kind::Method && crate::types::check::snake(&c.name) == *name)
}

/// Where a definition is: in a file of the project, or in the copy of a
/// stdlib module.
enum Found {
    Project(FileId, Span),
    Stdlib(Location),
}

pub fn definition(h: &Here) -> Option<GotoDefinitionResponse> {
    let a = &h.a;
    let node = a.node_at(h.file, h.offset)?;
    // The name clicked must be one the edit left alone.
    h.range(h.file, node.pos.span)?;
    // An item of the project, else of the stdlib modules written in Snow.
    let item = |module: &str, path: &[&str]| match declared(a, module, path) {
        Some((f, span)) => Some(Found::Project(f, span)),
        None => stdlib_src::declared(a, module, path).map(Found::Stdlib),
    };
    let found = match node.def.as_ref()? {
        Def::Local { pos, .. } => Found::Project(pos.file, pos.span),
        Def::Fn { module, name, .. } => item(module, &[name])?,
        Def::Variant {
            module,
            ty,
            variant,
        } => item(module, &[ty, variant])?,
        Def::Type { module, name } => item(module, &[name])?,
        Def::Field { module, ty, field } => item(module, &[ty, field])?,
        Def::Module(m) => match a.module_file(m) {
            Some(f) => Found::Project(f, Span::new(0, 0)),
            None => {
                let (parent, name) = m.rsplit_once('.')?;
                let (f, span) = declared(a, parent, &[name])?;
                Found::Project(f, span)
            }
        },
        Def::Method {
            module,
            iface,
            method,
        } => item(module, &[iface, method])?,
        Def::Stdlib { .. } => return None,
    };
    match found {
        Found::Stdlib(l) => Some(GotoDefinitionResponse::Scalar(l)),
        Found::Project(f, span) => location(h, f, span),
    }
}
