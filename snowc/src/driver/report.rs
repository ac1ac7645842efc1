//! Rendering diagnostics: human-readable (codespan-reporting, with our own
//! header line) or `--json` (one object per line). Format: chapter 02 §10.1.

use crate::diag::{Diagnostic, Severity, SourceMap};
use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};
use std::fmt::Write as _;
use std::io::{self, Write};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Json,
    Human { color: bool },
}

/// Errors first, then warnings, each group in source order (by the main
/// label's file and offset; diagnostics without a location last, in the
/// order they were made).
pub fn ordered(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let at = |d: &Diagnostic| {
        d.labels
            .iter()
            .find(|l| l.primary)
            .or(d.labels.first())
            .map_or((1, 0, 0), |l| (0, l.file.0, l.span.start))
    };
    let mut out: Vec<&Diagnostic> = diags.iter().collect();
    out.sort_by_key(|d| (!d.is_error(), at(d)));
    out
}

/// Prints `diags` (errors first) to `out`.
pub fn emit(out: &mut dyn Write, sources: &SourceMap, diags: &[Diagnostic], style: Style) {
    let mut text = Vec::new();
    match style {
        Style::Json => {
            for d in ordered(diags) {
                text.extend_from_slice(render_json(sources, d).as_bytes());
                text.push(b'\n');
            }
        }
        Style::Human { color } => {
            let files = simple_files(sources);
            for d in ordered(diags) {
                text.extend_from_slice(&render_human(sources, &files, d, color));
            }
        }
    }
    let _ = out.write_all(&text);
    let _ = out.flush();
}

/// A driver-level error (bad input file, ...) as a diagnostic.
pub fn plain_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(None, message)
}

type Files<'a> = SimpleFiles<&'a str, &'a str>;

fn simple_files(sources: &SourceMap) -> Files<'_> {
    let mut files = SimpleFiles::new();
    for f in &sources.files {
        files.add(f.path.as_str(), f.text.as_str());
    }
    files
}

/// `[E0012] Error: header` / `[W0001] Warning: header` / `Error: header`.
pub fn header_line(d: &Diagnostic) -> String {
    let word = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    match &d.code {
        Some(code) => format!("[{code}] {word}: {}", d.header),
        None => format!("{word}: {}", d.header),
    }
}

/// Clamps a byte span into `text`, on character boundaries.
fn clamp_span(text: &str, start: u32, end: u32) -> std::ops::Range<usize> {
    let fix = |i: u32| {
        let mut i = (i as usize).min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (fix(start), fix(end));
    a.min(b)..a.max(b)
}

fn to_codespan(sources: &SourceMap, d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let labels = d
        .labels
        .iter()
        .filter(|l| (l.file.0 as usize) < sources.files.len())
        .map(|l| {
            let id = l.file.0 as usize;
            let range = clamp_span(&sources.files[id].text, l.span.start, l.span.end);
            let label = if l.primary {
                CsLabel::primary(id, range)
            } else {
                CsLabel::secondary(id, range)
            };
            label.with_message(l.message.clone())
        })
        .collect();
    let mut cs = CsDiagnostic::new(severity)
        .with_message(d.header.clone())
        .with_labels(labels)
        .with_notes(d.notes.clone());
    if let Some(code) = &d.code {
        cs = cs.with_code(code.clone());
    }
    cs
}

fn render_human(sources: &SourceMap, files: &Files<'_>, d: &Diagnostic, color: bool) -> Vec<u8> {
    let mut body = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    let rendered = term::emit(&mut body, &config, files, &to_codespan(sources, d));

    let mut out = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let head_color = match d.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let _ = out.set_color(ColorSpec::new().set_fg(Some(head_color)).set_bold(true));
    let header = header_line(d);
    let (kind, rest) = header.split_once(": ").unwrap_or((&header, ""));
    let _ = write!(out, "{kind}:");
    let _ = out.set_color(ColorSpec::new().set_bold(true));
    let _ = write!(out, " {rest}");
    let _ = out.reset();
    let _ = writeln!(out);

    match rendered {
        Ok(()) => {
            // Drop codespan's own header (as many lines as the message has).
            let skip = d.header.split('\n').count();
            let bytes = body.as_slice();
            let mut start = 0;
            for _ in 0..skip {
                match bytes[start..].iter().position(|&b| b == b'\n') {
                    Some(i) => start += i + 1,
                    None => start = bytes.len(),
                }
            }
            let _ = out.write_all(&bytes[start..]);
        }
        Err(_) => {
            // Fall back to plain locations if codespan rejects the spans.
            for l in &d.labels {
                if let Some(f) = sources.files.get(l.file.0 as usize) {
                    let (line, col) = sources.line_col(l.file, l.span.start);
                    let _ = writeln!(out, "  --> {}:{line}:{col}: {}", f.path, l.message);
                }
            }
            for n in &d.notes {
                let _ = writeln!(out, "  = {n}");
            }
        }
    }
    out.into_inner()
}

/// One JSON object (without the trailing newline).
pub fn render_json(sources: &SourceMap, d: &Diagnostic) -> String {
    let mut s = String::from("{\"code\":");
    match &d.code {
        Some(c) => push_json_str(&mut s, c),
        None => s.push_str("null"),
    }
    s.push_str(",\"severity\":");
    push_json_str(
        &mut s,
        match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
    );
    s.push_str(",\"message\":");
    push_json_str(&mut s, d.short());
    s.push_str(",\"file\":");
    let main_label = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    match main_label.and_then(|l| sources.files.get(l.file.0 as usize)) {
        Some(f) => push_json_str(&mut s, &f.path),
        None => s.push_str("null"),
    }
    s.push_str(",\"spans\":[");
    for (i, l) in d.labels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{{\"start\":{},\"end\":{},", l.span.start, l.span.end);
        if let Some(f) = sources.files.get(l.file.0 as usize) {
            let (line, col) = sources.line_col(l.file, l.span.start);
            let (end_line, end_col) = sources.line_col(l.file, l.span.end);
            s.push_str("\"file\":");
            push_json_str(&mut s, &f.path);
            let _ = write!(
                s,
                ",\"line\":{line},\"column\":{col},\"end_line\":{end_line},\"end_column\":{end_col},"
            );
        }
        s.push_str("\"label\":");
        push_json_str(&mut s, &l.message);
        s.push('}');
    }
    s.push_str("],\"fix\":");
    match &d.fix {
        Some(f) => push_json_str(&mut s, f),
        None => s.push_str("null"),
    }
    s.push('}');
    s
}

/// Appends `text` as a JSON string literal (RFC 8259 escaping).
pub fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a line to stderr, ignoring failures (a closed stderr must not
/// turn into a panic).
pub fn eprint_line(line: &str) {
    let stderr = io::stderr();
    let mut lock = stderr.lock();
    let _ = writeln!(lock, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, SourceFile};
    use crate::syntax::ast::Span;

    fn sources() -> SourceMap {
        let mut m = SourceMap::default();
        m.add(SourceFile {
            path: "src/main.snow".into(),
            module: "Main".into(),
            text: "type Light do\n  Red\n  Amber\nend\nfn main() do\n  case l do\n    Red -> 1\n  end\nend\n"
                .into(),
        });
        m
    }

    fn e0012() -> Diagnostic {
        let text = &sources().files[0].text;
        let start = text.find("case").unwrap() as u32;
        Diagnostic::error(Some("E0012"), "non-exhaustive match on `Light`")
            .with_message("non-exhaustive match on `Light`: missing patterns [Amber]")
            .with_primary(FileId(0), Span::new(start, start + 9), "missing: Amber")
            .with_help("add the missing patterns or a wildcard `_` arm")
    }

    #[test]
    fn json_escaping() {
        let mut s = String::new();
        push_json_str(&mut s, "a\"b\\c\nd\te\u{1}f\u{7f}é\u{2028}");
        assert_eq!(s, r#""a\"b\\c\nd\te\u0001f\u007fé\u2028""#);
    }

    #[test]
    fn json_rendering() {
        let src = sources();
        let d = e0012();
        let start = d.labels[0].span.start;
        assert_eq!(
            render_json(&src, &d),
            format!(
                "{{\"code\":\"E0012\",\"severity\":\"error\",\"message\":\"non-exhaustive match on `Light`: missing patterns [Amber]\",\"file\":\"src/main.snow\",\"spans\":[{{\"start\":{start},\"end\":{},\"file\":\"src/main.snow\",\"line\":6,\"column\":3,\"end_line\":6,\"end_column\":12,\"label\":\"missing: Amber\"}}],\"fix\":null}}",
                start + 9
            )
        );
        let w = Diagnostic::warning(Some("W0001"), "redundant match arm (arm 2)").with_message("");
        let mut w = w;
        w.fix = Some("remove \"it\"".into());
        assert_eq!(
            render_json(&src, &w),
            "{\"code\":\"W0001\",\"severity\":\"warning\",\"message\":\"redundant match arm (arm 2)\",\"file\":null,\"spans\":[],\"fix\":\"remove \\\"it\\\"\"}"
        );
        let p = plain_error("Parse error: expected `end`");
        assert!(render_json(&src, &p).starts_with("{\"code\":null,\"severity\":\"error\""));
    }

    #[test]
    fn human_rendering_replaces_header() {
        let src = sources();
        let mut out = Vec::new();
        emit(&mut out, &src, &[e0012()], Style::Human { color: false });
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("[E0012] Error: non-exhaustive match on `Light`")
        );
        assert!(!text.contains("error[E0012]"));
        assert!(text.contains("src/main.snow:6:3"), "{text}");
        assert!(text.contains("missing: Amber"));
        assert!(text.contains("Help: add the missing patterns or a wildcard `_` arm"));
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn human_rendering_without_code_or_labels_and_with_color() {
        let src = sources();
        let mut out = Vec::new();
        let d = plain_error("Parse error: unexpected `)`").with_note("something");
        emit(
            &mut out,
            &src,
            std::slice::from_ref(&d),
            Style::Human { color: false },
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("Error: Parse error: unexpected `)`\n"),
            "{text}"
        );
        assert!(text.contains("Note: something"));

        let mut out = Vec::new();
        emit(&mut out, &src, &[d], Style::Human { color: true });
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains('\u{1b}'));
        assert!(text.contains("Parse error: unexpected `)`"));
    }

    #[test]
    fn errors_before_warnings_and_bad_spans_survive() {
        let src = sources();
        let w = Diagnostic::warning(Some("W0002"), "w");
        // Out-of-range and reversed spans, and an unknown file id.
        let e = Diagnostic::error(Some("E0001"), "expected Int, found String")
            .with_primary(FileId(0), Span::new(500, 3), "here")
            .with_secondary(FileId(7), Span::new(0, 1), "nowhere");
        let mut out = Vec::new();
        emit(&mut out, &src, &[w, e], Style::Human { color: false });
        let text = String::from_utf8(out).unwrap();
        let e_at = text.find("[E0001] Error").unwrap();
        let w_at = text.find("[W0002] Warning: w").unwrap();
        assert!(e_at < w_at);

        let mut out = Vec::new();
        let w = Diagnostic::warning(None, "w");
        let e = Diagnostic::error(None, "e");
        emit(&mut out, &src, &[w, e], Style::Json);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("\"severity\":\"error\""));
        assert!(lines[1].contains("\"severity\":\"warning\""));
    }

    #[test]
    fn errors_in_source_order_then_warnings() {
        let src = sources();
        let at = |code: &str, start: u32| {
            Diagnostic::error(Some(code), code).with_primary(
                FileId(0),
                Span::new(start, start + 1),
                "",
            )
        };
        let w =
            Diagnostic::warning(Some("W0001"), "w").with_primary(FileId(0), Span::new(0, 1), "");
        let diags = [
            Diagnostic::error(None, "nowhere"),
            at("E0003", 40),
            w,
            at("E0001", 5),
            at("E0002", 20),
        ];
        let order: Vec<&str> = ordered(&diags).iter().map(|d| d.header.as_str()).collect();
        assert_eq!(order, ["E0001", "E0002", "E0003", "nowhere", "w"]);
        let mut out = Vec::new();
        emit(&mut out, &src, &diags, Style::Human { color: false });
        let text = String::from_utf8(out).unwrap();
        assert!(text.find("[E0001]").unwrap() < text.find("[E0003]").unwrap());
    }

    #[test]
    fn json_columns_count_characters() {
        let mut src = SourceMap::default();
        src.add(SourceFile {
            path: "é.snow".into(),
            module: "Main".into(),
            text: "let é = 1\n  éé x\n".into(),
        });
        let x = src.files[0].text.find('x').unwrap() as u32;
        let d = Diagnostic::error(Some("E0004"), "undefined variable: x").with_primary(
            FileId(0),
            Span::new(x, x + 1),
            "here",
        );
        let j = render_json(&src, &d);
        assert!(
            j.contains(&format!("\"start\":{x},\"end\":{},\"file\":\"é.snow\",\"line\":2,\"column\":6,\"end_line\":2,\"end_column\":7,", x + 1)),
            "{j}"
        );
    }

    #[test]
    fn multibyte_spans_are_clamped_to_boundaries() {
        assert_eq!(clamp_span("aé", 2, 3), 1..3);
        assert_eq!(clamp_span("abc", 9, 1), 1..3);
    }
}
