//! A project that cannot be loaded (a malformed `snow.toml`, a missing or
//! not yet fetched dependency): its error is also shown on the manifest,
//! on the line of the key it names.

use super::{docs, text};
use crate::driver::manifest::MANIFEST;
use std::path::{Path, PathBuf};

/// The diagnostic for `message` on `root/snow.toml` (none without one);
/// `read` gives a file's text (an open buffer or the disk).
pub fn on_manifest(
    root: &Path,
    message: &str,
    read: impl Fn(&Path) -> Option<String>,
) -> Option<(PathBuf, lsp_types::Diagnostic)> {
    let path = root.join(MANIFEST);
    let content = read(&path)?;
    docs::uri_of(&path)?;
    let d = lsp_types::Diagnostic {
        range: key_line(&content, message),
        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
        source: Some("snowc".to_string()),
        message: message.to_string(),
        ..lsp_types::Diagnostic::default()
    };
    Some((path, d))
}

/// The first line `key = ...` whose key the message names (`textkit`
/// in "git dependency `textkit` of `app`: ..."), else the start.
fn key_line(content: &str, message: &str) -> lsp_types::Range {
    let mut start = 0;
    for line in content.split_inclusive('\n') {
        let key = line.split('=').next().unwrap_or_default().trim();
        let body = line.trim_end();
        if line.contains('=') && !key.is_empty() && message.contains(&format!("`{key}`")) {
            return text::range(content, start, start + body.len());
        }
        start += line.len();
    }
    text::range(content, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_dependency_line() {
        let toml = "[package]\nname = \"app\"\n\n[dependencies]\ntextkit = { git = \"/r\" }\n";
        let r = key_line(toml, "git dependency `textkit` of `app`: not fetched");
        assert_eq!(
            (r.start.line, r.start.character, r.end.character),
            (4, 0, 24)
        );
        let r = key_line(toml, "dependency cycle");
        assert_eq!((r.start.line, r.end.line, r.end.character), (0, 0, 0));
    }
}
