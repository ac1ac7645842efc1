//! Diagnostics shared by every stage: source files, labelled messages with
//! error codes. Rendering (human via codespan-reporting, or `--json`) lives in
//! `driver::report`.

use crate::syntax::ast::Span;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// One `.snow` source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as shown in diagnostics and `#line` directives.
    pub path: String,
    /// Module name (`Main`, `Net.HttpClient`).
    pub module: String,
    pub text: String,
}

/// All files of one compilation, indexed by `FileId`.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, id: FileId, offset: u32) -> (u32, u32) {
        let text = &self.get(id).text;
        let offset = (offset as usize).min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() as u32 + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    /// The primary label marks the main location (first primary label is
    /// where `file:line:col` points).
    pub primary: bool,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// `E0001`..`E0040`, `W0001`, `W0002`; `None` for parse errors and the like.
    pub code: Option<String>,
    pub severity: Severity,
    /// The header line (`expected Int, found String`).
    pub header: String,
    /// The short message (`--json` `message`); same as header when empty.
    pub message: String,
    pub labels: Vec<Label>,
    /// `Help: ...` / `Note: ...` lines, each including its prefix word.
    pub notes: Vec<String>,
    /// A suggested fix, if any (`--json` `fix`).
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Option<&str>, header: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: code.map(str::to_string),
            severity: Severity::Error,
            header: header.into(),
            message: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            fix: None,
        }
    }
    pub fn warning(code: Option<&str>, header: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, header)
        }
    }
    pub fn with_message(mut self, m: impl Into<String>) -> Self {
        self.message = m.into();
        self
    }
    pub fn with_primary(mut self, file: FileId, span: Span, msg: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: msg.into(),
            primary: true,
        });
        self
    }
    pub fn with_secondary(mut self, file: FileId, span: Span, msg: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: msg.into(),
            primary: false,
        });
        self
    }
    pub fn with_help(mut self, h: impl Into<String>) -> Self {
        self.notes.push(format!("Help: {}", h.into()));
        self
    }
    pub fn with_note(mut self, n: impl Into<String>) -> Self {
        self.notes.push(format!("Note: {}", n.into()));
        self
    }
    /// The text for `--json` `message`.
    pub fn short(&self) -> &str {
        if self.message.is_empty() {
            &self.header
        } else {
            &self.message
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
