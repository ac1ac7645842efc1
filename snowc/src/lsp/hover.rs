//! Hover: the inferred type of the expression or name under the cursor;
//! for a function, its signature.

use super::analysis::Analysis;
use super::completion;
use super::server::Here;
use crate::diag::FileId;
use crate::types::check::index::Def;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// `fn M.f(A) -> R` for a function, `M.c: T` for a constant.
fn signature(qualified: &str, sig: &str) -> String {
    if sig.starts_with('(') {
        format!("fn {qualified}{sig}")
    } else {
        format!("{qualified}: {sig}")
    }
}

/// The hover text of the node at `offset`: lines of Snow.
pub fn describe(a: &Analysis, file: FileId, offset: usize) -> Option<(Vec<String>, (u32, u32))> {
    let node = a.node_at(file, offset)?;
    let ty = node.ty.clone();
    let mut lines = Vec::new();
    match (&node.def, &ty) {
        (Some(Def::Local { name, .. }), Some(t)) => lines.push(format!("{name}: {t}")),
        (Some(Def::Fn { module, name, sig }), _) => {
            lines.push(signature(&format!("{module}.{name}"), sig));
            lines.extend(ty.filter(|t| t != sig));
        }
        (Some(Def::Stdlib { module, name }), _) => {
            let sig = completion::stdlib()
                .iter()
                .find(|f| f.module == *module && f.name == *name)
                .map(|f| f.sig.clone());
            match &sig {
                Some(s) => lines.push(signature(&format!("{module}.{name}"), s)),
                None => lines.push(format!("{module}.{name}")),
            }
            lines.extend(ty.filter(|t| Some(t) != sig.as_ref()));
        }
        (Some(Def::Variant { ty: t, variant, .. }), Some(vt)) => {
            lines.push(format!("{t}.{variant}: {vt}"))
        }
        (Some(Def::Field { field, .. }), Some(ft)) => lines.push(format!("{field}: {ft}")),
        (Some(Def::Type { module, name }), _) => lines.push(format!("type {module}.{name}")),
        (Some(Def::Module(m)), _) => lines.push(format!("module {m}")),
        (
            Some(Def::Method {
                module,
                iface,
                method,
            }),
            _,
        ) => {
            let qualified = match module.as_str() {
                "" => format!("{iface}.{method}"),
                m => format!("{m}.{iface}.{method}"),
            };
            match &ty {
                Some(t) => lines.push(signature(&qualified, t)),
                None => lines.push(format!("fn {qualified}")),
            }
        }
        (_, Some(t)) => lines.push(t.clone()),
        (_, None) => return None,
    }
    Some((lines, (node.pos.span.start, node.pos.span.end)))
}

pub fn hover(h: &Here) -> Option<Hover> {
    let (lines, (start, end)) = describe(&h.a, h.file, h.offset)?;
    let range = h.range(h.file, crate::syntax::ast::Span::new(start, end))?;
    let value = format!("```snow\n{}\n```", lines.join("\n"));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    })
}
