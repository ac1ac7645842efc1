//! The document outline: functions, types (with their fields and
//! variants), interfaces, impls, modules, actors, services, supervisors.

use super::analysis::Analysis;
use super::items::{self, Decl, Kind};
use super::text;
use crate::diag::FileId;
use lsp_types::{DocumentSymbol, DocumentSymbolResponse, SymbolKind};

fn kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Fn => SymbolKind::FUNCTION,
        Kind::Struct => SymbolKind::STRUCT,
        Kind::SumType => SymbolKind::ENUM,
        Kind::Alias => SymbolKind::TYPE_PARAMETER,
        Kind::Interface => SymbolKind::INTERFACE,
        Kind::Impl => SymbolKind::OBJECT,
        Kind::Module => SymbolKind::MODULE,
        Kind::Actor | Kind::Service | Kind::Supervisor => SymbolKind::CLASS,
        Kind::Field => SymbolKind::FIELD,
        Kind::Variant => SymbolKind::ENUM_MEMBER,
        Kind::Method => SymbolKind::METHOD,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be given
fn symbol(text: &str, d: &Decl) -> DocumentSymbol {
    let range = text::range(text, d.span.start as usize, d.span.end as usize);
    // The name must lie inside the whole (a desugared name may not).
    let name_range = if d.span.start <= d.name_span.start && d.name_span.end <= d.span.end {
        text::range(text, d.name_span.start as usize, d.name_span.end as usize)
    } else {
        range
    };
    DocumentSymbol {
        name: d.name.clone(),
        detail: (!d.detail.is_empty()).then(|| d.detail.clone()),
        kind: kind(d.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: name_range,
        children: (!d.children.is_empty())
            .then(|| d.children.iter().map(|c| symbol(text, c)).collect()),
    }
}

pub fn symbols(a: &Analysis, file: FileId) -> DocumentSymbolResponse {
    let text = a.text(file);
    let decls = a
        .asts
        .get(file.0 as usize)
        .and_then(Option::as_ref)
        .map(|ast| items::decls(&ast.stmts))
        .unwrap_or_default();
    DocumentSymbolResponse::Nested(decls.iter().map(|d| symbol(text, d)).collect())
}
