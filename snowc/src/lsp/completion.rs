//! Completion: after `Module.` the module's functions (the stdlib's, or a
//! project or dependency module's public ones, also when named by the last
//! segment of an import) with their signatures; elsewhere
//! keywords, the file's functions and the locals bound before the cursor
//! in the function around it.

use super::analysis::Analysis;
use super::items::{self, Kind};
use crate::stdlib_doc::{self, ModuleFn};
use crate::syntax::ast::{Item, Span, StmtKind};
use crate::types::check::index::Def;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionResponse};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// Every stdlib `Module.name` function with its signature (computed once:
/// it type-checks the Snow-written stdlib).
pub fn stdlib() -> &'static [ModuleFn] {
    static FNS: OnceLock<Vec<ModuleFn>> = OnceLock::new();
    FNS.get_or_init(stdlib_doc::module_functions)
}

/// The dotted name just before `offset` when the cursor follows
/// `Name.Name.partial`: (`Name.Name`, `partial`).
fn qualifier(text: &str, offset: usize) -> Option<(&str, &str)> {
    let before = text.get(..offset)?;
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let partial_start = before.trim_end_matches(word).len();
    let head = before[..partial_start].strip_suffix('.')?;
    let path_start = head.trim_end_matches(|c: char| word(c) || c == '.').len();
    let path = head[path_start..].trim_start_matches('.');
    path.starts_with(|c: char| c.is_uppercase())
        .then(|| (path, &before[partial_start..]))
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// The public functions of the project module `module` (a file's, or an
/// inline module's).
fn module_members(a: &Analysis, module: &str) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for (i, f) in a.sources.files.iter().enumerate().take(a.paths.len()) {
        let inner = if f.module == module {
            Some("")
        } else {
            module
                .strip_prefix(f.module.as_str())
                .and_then(|r| r.strip_prefix('.'))
        };
        let (Some(inner), Some(Some(ast))) = (inner, a.asts.get(i)) else {
            continue;
        };
        let decls = items::decls(&ast.stmts);
        let path: Vec<&str> = inner.split('.').filter(|s| !s.is_empty()).collect();
        let members = if path.is_empty() {
            &decls[..]
        } else {
            match items::find(&decls, &path) {
                Some(d) => &d.children[..],
                None => continue,
            }
        };
        for d in members.iter().filter(|d| d.is_pub) {
            let kind = match d.kind {
                Kind::Fn => CompletionItemKind::FUNCTION,
                Kind::Module => CompletionItemKind::MODULE,
                Kind::Struct | Kind::SumType | Kind::Alias => CompletionItemKind::STRUCT,
                _ => continue,
            };
            // A function's checked signature, as for the stdlib's.
            let sig = a.index.nodes.iter().find_map(|n| match &n.def {
                Some(Def::Fn {
                    module: m,
                    name,
                    sig,
                }) if *m == module && *name == d.name => Some(sig.clone()),
                _ => None,
            });
            out.push(item(
                &d.name,
                kind,
                Some(sig.unwrap_or_else(|| d.detail.clone())),
            ));
        }
    }
    out
}

/// `module` written through the file's imports: `import Mathx.Stats`
/// lets `Stats.f` name `Mathx.Stats.f`.
fn imported_as(a: &Analysis, path: &Path, module: &str) -> String {
    let (head, rest) = module.split_once('.').unwrap_or((module, ""));
    let ast = a
        .file_id(path)
        .and_then(|f| a.asts.get(f.0 as usize)?.as_ref());
    let imported = ast
        .into_iter()
        .flat_map(|ast| &ast.stmts)
        .find_map(|s| match &s.kind {
            StmtKind::Item(Item::Import(i)) if i.path.segments.last()?.text == head => Some(
                i.path
                    .segments
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            _ => None,
        });
    match imported {
        Some(full) if rest.is_empty() => full,
        Some(full) => format!("{full}.{rest}"),
        None => module.to_string(),
    }
}

pub fn complete(
    text: &str,
    offset: usize,
    latest: &Analysis,
    good: Option<&Analysis>,
    path: &Path,
) -> CompletionResponse {
    // The project's declarations: from the latest analysis where the file
    // parses, else from the last one where it did.
    let file = latest.file_id(path);
    let parsed = |a: &Analysis| {
        a.file_id(path)
            .and_then(|f| a.asts.get(f.0 as usize))
            .is_some_and(Option::is_some)
    };
    let a = match good {
        Some(g) if !parsed(latest) && parsed(g) => g,
        _ => latest,
    };
    if let Some((module, _)) = qualifier(text, offset) {
        let full = imported_as(a, path, module);
        let mut items = module_members(a, &full);
        if items.is_empty() || crate::stdlib::module(module).is_some() {
            items.extend(
                stdlib()
                    .iter()
                    .filter(|f| f.module == module)
                    .map(|f| item(&f.name, CompletionItemKind::FUNCTION, Some(f.sig.clone()))),
            );
        }
        return CompletionResponse::Array(items);
    }
    let mut names: BTreeMap<String, CompletionItem> = BTreeMap::new();
    for k in crate::syntax::token::keywords() {
        names.insert(k.to_string(), item(k, CompletionItemKind::KEYWORD, None));
    }
    if let Some(f) = a.file_id(path).or(file) {
        if let Some(Some(ast)) = a.asts.get(f.0 as usize) {
            for d in items::decls(&ast.stmts)
                .iter()
                .filter(|d| d.kind == Kind::Fn)
            {
                let it = item(
                    &d.name,
                    CompletionItemKind::FUNCTION,
                    Some(d.detail.clone()),
                );
                names.insert(d.name.clone(), it);
            }
        }
        // The locals bound before the cursor in the function around it.
        let at = match a.text(f) {
            t if t == text => offset,
            t => super::text::Diff::new(t, text).to_old_near(offset),
        };
        let scope = a
            .asts
            .get(f.0 as usize)
            .and_then(Option::as_ref)
            .and_then(|ast| enclosing_fn(&items::decls(&ast.stmts), at as u32));
        for n in a.index.nodes.iter().filter(|n| n.pos.file == f) {
            let Some(Def::Local { name, pos }) = &n.def else {
                continue;
            };
            let visible = scope.is_some_and(|s| {
                s.start <= pos.span.start && pos.span.end <= s.end && pos.span.end as usize <= at
            });
            if visible {
                let it = item(name, CompletionItemKind::VARIABLE, n.ty.clone());
                names.entry(name.clone()).or_insert(it);
            }
        }
    }
    CompletionResponse::Array(names.into_values().collect())
}

/// The span of the innermost function (or actor, or service handler)
/// around `offset`.
fn enclosing_fn(decls: &[items::Decl], offset: u32) -> Option<Span> {
    let d = decls
        .iter()
        .find(|d| d.span.start <= offset && offset <= d.span.end)?;
    let inner = enclosing_fn(&d.children, offset);
    let own = matches!(d.kind, Kind::Fn | Kind::Actor | Kind::Method).then_some(d.span);
    inner.or(own)
}

#[cfg(test)]
mod tests {
    use super::qualifier;

    #[test]
    fn qualifiers() {
        assert_eq!(qualifier("x = String.", 11), Some(("String", "")));
        assert_eq!(qualifier("  Net.Http.ge", 13), Some(("Net.Http", "ge")));
        assert_eq!(qualifier("foo.ba", 6), None);
        assert_eq!(qualifier("let x = 1", 9), None);
    }
}
