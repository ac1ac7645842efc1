//! Go to definition: locals from the checker's records; functions, types,
//! variants, fields, interface methods and modules looked up in the
//! declarations of the project's files.

use super::analysis::Analysis;
use super::server::Here;
use super::{docs, items};
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

pub fn definition(h: &Here) -> Option<GotoDefinitionResponse> {
    let a = &h.a;
    let node = a.node_at(h.file, h.offset)?;
    // The name clicked must be one the edit left alone.
    h.range(h.file, node.pos.span)?;
    let (f, span) = match node.def.as_ref()? {
        Def::Local { pos, .. } => (pos.file, pos.span),
        Def::Fn { module, name, .. } => declared(a, module, &[name])?,
        Def::Variant {
            module,
            ty,
            variant,
        } => declared(a, module, &[ty, variant])?,
        Def::Type { module, name } => declared(a, module, &[name])?,
        Def::Field { module, ty, field } => declared(a, module, &[ty, field])?,
        Def::Module(m) => match a.module_file(m) {
            Some(f) => (f, Span::new(0, 0)),
            None => {
                let (parent, name) = m.rsplit_once('.')?;
                declared(a, parent, &[name])?
            }
        },
        Def::Method {
            module,
            iface,
            method,
        } => declared(a, module, &[iface, method])?,
        Def::Stdlib { .. } => return None,
    };
    location(h, f, span)
}
