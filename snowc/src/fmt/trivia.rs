//! The formatter's view of a source file: its tokens as printable atoms, each
//! with the trivia (line breaks and comments) found in the source before it.
//! The lexer drops comments, so they are recovered here from the text
//! between tokens.

use crate::syntax::lexer;
use crate::syntax::token::Tok;

/// What sits between two tokens.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// A run of line breaks (outside comments).
    Newlines(usize),
    /// `# …` to the end of the line.
    LineComment(String),
    /// `#= … =#` (may span lines; printed verbatim).
    BlockComment(String),
}

/// One printable token: a whole string literal (with its interpolations)
/// counts as one atom, printed verbatim from the source.
#[derive(Clone, Debug)]
pub struct Atom {
    pub tok: Tok,
    pub text: String,
    /// Trivia between the previous atom and this one.
    pub before: Vec<Piece>,
}

impl Atom {
    pub fn newlines_before(&self) -> usize {
        self.before
            .iter()
            .map(|p| match p {
                Piece::Newlines(n) => *n,
                _ => 0,
            })
            .sum()
    }
    /// Was there white space or a comment between this atom and the last?
    pub fn spaced(&self) -> bool {
        !self.before.is_empty()
    }
}

/// The atoms of `src` (the last one is `Eof`, carrying the trailing trivia).
/// `None` when the source does not lex (the caller reports the parse error).
pub fn atoms(src: &str) -> Option<Vec<Atom>> {
    let toks = lexer::lex(src).ok()?;
    let mut out: Vec<Atom> = Vec::new();
    let mut prev_end = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.tok == Tok::Newline {
            i += 1;
            continue;
        }
        let start = t.span.start as usize;
        let mut end = t.span.end as usize;
        if t.tok == Tok::StrStart {
            // Up to the matching end of string (strings nest through `${}`).
            let mut depth = 0;
            while i < toks.len() {
                match toks[i].tok {
                    Tok::StrStart => depth += 1,
                    Tok::StrEnd => depth -= 1,
                    _ => {}
                }
                end = toks[i].span.end as usize;
                if depth == 0 {
                    break;
                }
                i += 1;
            }
        }
        let before = pieces(src.get(prev_end..start).unwrap_or(""));
        out.push(Atom {
            tok: t.tok.clone(),
            text: src.get(start..end).unwrap_or("").to_string(),
            before,
        });
        prev_end = end;
        i += 1;
    }
    Some(out)
}

/// Split the text between two tokens into line breaks and comments.
pub fn pieces(gap: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = gap;
    let mut spaced = false;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("#=") {
            let len = block_comment_len(rest);
            out.push(Piece::BlockComment(rest[..len].to_string()));
            rest = &rest[len..];
        } else if c == '#' {
            let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
            out.push(Piece::LineComment(rest[..len].trim_end().to_string()));
            rest = &rest[len..];
        } else if c == '\n' || c == '\r' {
            let len = if rest.starts_with("\r\n") { 2 } else { 1 };
            match out.last_mut() {
                Some(Piece::Newlines(n)) => *n += 1,
                _ => out.push(Piece::Newlines(1)),
            }
            rest = &rest[len..];
        } else {
            // Blanks (and a byte-order mark) are not kept.
            spaced = true;
            rest = &rest[c.len_utf8()..];
        }
    }
    if out.is_empty() && spaced {
        // Remember that the tokens were apart.
        out.push(Piece::Newlines(0));
    }
    out
}

/// Length of the (nesting) block comment at the start of `s`.
fn block_comment_len(s: &str) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with("#=") {
            depth += 1;
            i += 2;
        } else if s[i..].starts_with("=#") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    s.len()
}
