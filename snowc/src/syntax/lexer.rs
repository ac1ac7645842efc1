//! Lexer: source text to tokens (§2), then the N1 newline pass (§3).
//!
//! The token-level pieces (trivia, numbers, identifiers, punctuation) are nom
//! parsers over `&str`; a small driver loop strings them together because a
//! string literal yields several tokens and recurses into `${…}`.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char as ch, one_of, satisfy};
use nom::combinator::{opt, recognize, value};
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0;
use nom::sequence::{pair, preceded};
use nom::IResult;

use super::ast::Span;
use super::token::{Kw, Tok, Token};

/// A lexical error: where (the remaining input at the offending place), how
/// long the offending text is, and what is wrong.
#[derive(Debug, Clone)]
pub struct LexError<'a> {
    pub at: &'a str,
    pub len: usize,
    pub msg: String,
}

impl<'a> LexError<'a> {
    fn new(at: &'a str, len: usize, msg: impl Into<String>) -> Self {
        LexError {
            at,
            len,
            msg: msg.into(),
        }
    }
}

impl<'a> ParseError<&'a str> for LexError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        let len = input.chars().next().map_or(0, char::len_utf8);
        LexError::new(input, len, "unexpected character")
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type LResult<'a, O> = IResult<&'a str, O, LexError<'a>>;

fn fail<'a, O>(at: &'a str, len: usize, msg: impl Into<String>) -> LResult<'a, O> {
    Err(nom::Err::Failure(LexError::new(at, len, msg)))
}

/// Lex `src` and apply rule N1. The result always ends with an `Eof` token.
/// Errors carry a byte span and a message (without the "Parse error" prefix).
pub fn lex(src: &str) -> Result<Vec<Token>, (Span, String)> {
    let mut lx = Lexer {
        src,
        toks: Vec::new(),
        depth: 0,
    };
    // A leading byte-order mark is not part of the program.
    let body = src.strip_prefix('\u{feff}').unwrap_or(src);
    match lx.run(body, false) {
        Ok(_) => {}
        Err(e) => {
            let start = src.len() - e.at.len();
            let end = (start + e.len).min(src.len());
            return Err((Span::new(start as u32, end as u32), e.msg));
        }
    }
    let end = src.len() as u32;
    lx.toks.push(Token {
        tok: Tok::Eof,
        span: Span::new(end, end),
    });
    Ok(drop_bracketed_newlines(lx.toks))
}

/// N1: a NEWLINE inside `(` `[` `{` is not significant. The `${`…`}`
/// delimiters are distinct tokens, so they do not count.
fn drop_bracketed_newlines(toks: Vec<Token>) -> Vec<Token> {
    let mut depth = 0usize;
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        match t.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth = depth.saturating_sub(1),
            Tok::Newline if depth > 0 => continue,
            _ => {}
        }
        out.push(t);
    }
    out
}

struct Lexer<'a> {
    src: &'a str,
    toks: Vec<Token>,
    /// Current nesting of strings inside interpolations.
    depth: u32,
}

impl<'a> Lexer<'a> {
    fn off(&self, rest: &str) -> u32 {
        (self.src.len() - rest.len()) as u32
    }

    fn push(&mut self, tok: Tok, from: &str, to: &str) {
        let span = Span::new(self.off(from), self.off(to));
        self.toks.push(Token { tok, span });
    }

    /// Lex tokens until end of input, or (inside an interpolation) until the
    /// `}` that closes it, which is left unconsumed.
    fn run(&mut self, mut i: &'a str, interp: bool) -> Result<&'a str, LexError<'a>> {
        let mut depth = 0usize;
        loop {
            i = unwrap(trivia(i))?.0;
            let Some(c) = i.chars().next() else {
                return Ok(i);
            };
            if interp && depth == 0 && c == '}' {
                return Ok(i);
            }
            let start = i;
            if let Ok((rest, _)) = newline(i) {
                self.push(Tok::Newline, start, rest);
                i = rest;
            } else if c == '"' {
                i = self.string(i)?;
            } else if c.is_ascii_digit() {
                let (rest, tok) = unwrap(number(i))?;
                self.push(tok, start, rest);
                i = rest;
            } else if c.is_alphabetic() || c == '_' {
                let (rest, word) = unwrap(word(i))?;
                // Ruling 14: a word right after `.` is a member name, even a
                // keyword (`Ws.send`, `Pg.query`, `x.type`).
                let member = self
                    .toks
                    .last()
                    .is_some_and(|t| t.tok == Tok::Dot && t.span.end == self.off(start));
                let tok = match Kw::from_word(word) {
                    Some(k) if !member => Tok::Kw(k),
                    _ => Tok::Ident(word.to_string()),
                };
                self.push(tok, start, rest);
                i = rest;
            } else {
                let (rest, tok) = match punct(i) {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(LexError::new(
                            i,
                            c.len_utf8(),
                            format!("unexpected character `{}`", show_char(c)),
                        ))
                    }
                };
                if interp {
                    match tok {
                        Tok::LBrace => depth += 1,
                        Tok::RBrace => depth -= 1,
                        _ => {}
                    }
                }
                self.push(tok, start, rest);
                i = rest;
            }
        }
    }

    /// A regular or triple-quoted string starting at `i` (which begins with `"`).
    fn string(&mut self, i: &'a str) -> Result<&'a str, LexError<'a>> {
        let triple = i.starts_with("\"\"\"");
        let close = if triple { "\"\"\"" } else { "\"" };
        let start = i;
        let mut rest = &i[close.len()..];
        self.push(Tok::StrStart, start, rest);
        let mut text = String::new();
        let mut text_start = rest;
        loop {
            if let Some(after) = rest.strip_prefix(close) {
                self.flush_text(&mut text, text_start, rest);
                self.push(Tok::StrEnd, rest, after);
                return Ok(after);
            }
            let Some(c) = rest.chars().next() else {
                let what = if triple {
                    "triple-quoted string"
                } else {
                    "string"
                };
                return Err(LexError::new(
                    start,
                    close.len(),
                    format!("unterminated {what}"),
                ));
            };
            if c == '\\' {
                let (after, decoded) = unwrap(escape(rest))?;
                text.push(decoded);
                rest = after;
            } else if rest.starts_with("${") {
                self.flush_text(&mut text, text_start, rest);
                let open = rest;
                rest = &rest[2..];
                self.push(Tok::InterpOpen, open, rest);
                let before = self.toks.len();
                if self.depth >= 32 {
                    return Err(LexError::new(
                        open,
                        2,
                        "interpolations are nested too deeply",
                    ));
                }
                self.depth += 1;
                rest = self.run(rest, true)?;
                self.depth -= 1;
                if rest.is_empty() {
                    return Err(LexError::new(open, 2, "unterminated interpolation `${`"));
                }
                if self.toks.len() == before {
                    return Err(LexError::new(open, 2, "empty interpolation `${}`"));
                }
                let after = &rest[1..];
                self.push(Tok::InterpClose, rest, after);
                rest = after;
                text_start = rest;
            } else {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }

    fn flush_text(&mut self, text: &mut String, from: &str, to: &str) {
        if !text.is_empty() {
            self.push(Tok::StrText(std::mem::take(text)), from, to);
        }
    }
}

/// Invisible characters are shown as `\u{…}` escapes.
fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        c.escape_unicode().to_string()
    } else {
        c.to_string()
    }
}

/// Turn a recoverable nom error into a failure-style `LexError`.
fn unwrap<'a, O>(r: LResult<'a, O>) -> Result<(&'a str, O), LexError<'a>> {
    r.map_err(|e| match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e,
        nom::Err::Incomplete(_) => LexError::new("", 0, "incomplete input"),
    })
}

fn newline(i: &str) -> LResult<'_, &str> {
    alt((tag("\r\n"), tag("\n"), tag("\r")))(i)
}

/// Spaces, tabs and comments (never line breaks, except inside block comments).
fn trivia(i: &str) -> LResult<'_, ()> {
    let spaces = take_while1(|c| c == ' ' || c == '\t');
    // `#`, `##` and `##!` all run to the line break; `#=` opens a block.
    let line_comment = recognize(pair(ch('#'), take_while(|c| c != '\n' && c != '\r')));
    value(
        (),
        many0(alt((spaces, recognize(block_comment), line_comment))),
    )(i)
}

/// `#= … =#`, nesting.
fn block_comment(i: &str) -> LResult<'_, ()> {
    let start = i;
    let (mut rest, _) = tag("#=")(i)?;
    let mut depth = 1;
    while depth > 0 {
        if rest.is_empty() {
            return fail(start, 2, "unterminated block comment");
        }
        if rest.starts_with("#=") {
            depth += 1;
            rest = &rest[2..];
        } else if rest.starts_with("=#") {
            depth -= 1;
            rest = &rest[2..];
        } else {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[c..];
        }
    }
    Ok((rest, ()))
}

fn word(i: &str) -> LResult<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_alphabetic() || c == '_'),
        take_while(|c: char| c.is_alphanumeric() || c == '_'),
    ))(i)
}

/// One backslash escape (§2.8 with ruling 1): decoded, or an error.
fn escape(i: &str) -> LResult<'_, char> {
    let simple: LResult<char> = alt((
        value('\n', tag("\\n")),
        value('\t', tag("\\t")),
        value('\r', tag("\\r")),
        value('\0', tag("\\0")),
        value('\\', tag("\\\\")),
        value('"', tag("\\\"")),
        value('$', tag("\\$")),
    ))(i);
    if let Ok(r) = simple {
        return Ok(r);
    }
    if let Some(body) = i.strip_prefix("\\u{") {
        let (rest, hex) = take_while(|c: char| c.is_ascii_hexdigit())(body)?;
        let Some(rest) = rest.strip_prefix('}') else {
            return fail(
                i,
                3 + hex.len(),
                "malformed unicode escape, expected `\\u{XXXX}`",
            );
        };
        let len = i.len() - rest.len();
        if hex.is_empty() || hex.len() > 6 {
            return fail(i, len, "unicode escape must have 1 to 6 hex digits");
        }
        return match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            Some(c) => Ok((rest, c)),
            None => fail(i, len, "invalid unicode scalar value in escape"),
        };
    }
    match i[1..].chars().next() {
        None => fail(i, 1, "unterminated string"),
        Some(c) => fail(
            i,
            1 + c.len_utf8(),
            format!("unknown escape sequence `\\{}`", show_char(c)),
        ),
    }
}

/// Integer or float literal with the [Fix] checks of §2.6.
fn number(i: &str) -> LResult<'_, Tok> {
    let start = i;
    let radix = |c: char| match c {
        'x' | 'X' => Some(16),
        'b' | 'B' => Some(2),
        'o' | 'O' => Some(8),
        _ => None,
    };
    let mut cs = i.chars();
    if let (Some('0'), Some(r)) = (cs.next(), cs.next().and_then(radix)) {
        // Take every identifier character so `0b102` and `0xfg` are one bad literal.
        let (rest, body) = take_while(|c: char| c.is_alphanumeric() || c == '_')(&i[2..])?;
        let len = i.len() - rest.len();
        let digits: String = body.chars().filter(|&c| c != '_').collect();
        if let Some(bad) = digits.chars().find(|c| !c.is_digit(r)) {
            return fail(
                start,
                len,
                format!("invalid digit `{bad}` in number literal"),
            );
        }
        if digits.is_empty() {
            return fail(start, len, format!("missing digits after `{}`", &i[..2]));
        }
        return match i64::from_str_radix(&digits, r) {
            Ok(n) => Ok((rest, Tok::Int(n))),
            Err(_) => fail(start, len, "integer literal is too large"),
        };
    }
    let digits = digits1;
    let frac = preceded(ch('.'), pair(satisfy(|c| c.is_ascii_digit()), digits_opt));
    let (rest, text) = recognize(pair(digits, opt(frac)))(i)?;
    let mut rest = rest;
    let mut is_float = text.contains('.');
    if let Ok((after_e, _)) = one_of::<_, _, LexError>("eE")(rest) {
        let (after_sign, _) = opt(one_of::<_, _, LexError>("+-"))(after_e)?;
        if !after_sign.starts_with(|c: char| c.is_ascii_digit()) {
            let len = i.len() - after_sign.len();
            return fail(start, len, "missing digits in exponent");
        }
        rest = digits(after_sign)?.0;
        is_float = true;
    }
    let len = i.len() - rest.len();
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        let (_, suffix) = take_while(|c: char| c.is_alphanumeric() || c == '_')(rest)?;
        return fail(
            start,
            len + suffix.len(),
            format!("invalid suffix `{suffix}` on number literal"),
        );
    }
    let clean: String = i[..len].chars().filter(|&c| c != '_').collect();
    if is_float {
        match clean.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok((rest, Tok::Float(f))),
            _ => fail(start, len, "float literal is out of range"),
        }
    } else {
        match clean.parse::<i64>() {
            Ok(n) => Ok((rest, Tok::Int(n))),
            Err(_) => fail(start, len, "integer literal is too large"),
        }
    }
}

fn digits1(i: &str) -> LResult<'_, &str> {
    take_while1(|c: char| c.is_ascii_digit() || c == '_')(i)
}

fn digits_opt(i: &str) -> LResult<'_, &str> {
    take_while(|c: char| c.is_ascii_digit() || c == '_')(i)
}

fn punct(i: &str) -> LResult<'_, Tok> {
    // Two-character tokens first (maximal munch).
    let two = alt((
        value(Tok::EqEq, tag("==")),
        value(Tok::FatArrow, tag("=>")),
        value(Tok::NotEq, tag("!=")),
        value(Tok::Le, tag("<=")),
        value(Tok::LtGt, tag("<>")),
        value(Tok::Ge, tag(">=")),
        value(Tok::AndAnd, tag("&&")),
        value(Tok::OrOr, tag("||")),
        value(Tok::PipeGt, tag("|>")),
        value(Tok::PlusPlus, tag("++")),
        value(Tok::Arrow, tag("->")),
        value(Tok::ColonColon, tag("::")),
        value(Tok::DotDot, tag("..")),
    ));
    let one = alt((
        value(Tok::Plus, ch('+')),
        value(Tok::Minus, ch('-')),
        value(Tok::Star, ch('*')),
        value(Tok::Slash, ch('/')),
        value(Tok::Percent, ch('%')),
        value(Tok::Lt, ch('<')),
        value(Tok::Gt, ch('>')),
        value(Tok::Bang, ch('!')),
        value(Tok::Assign, ch('=')),
        value(Tok::Colon, ch(':')),
        value(Tok::Question, ch('?')),
        value(Tok::Bar, ch('|')),
        value(Tok::LParen, ch('(')),
        value(Tok::RParen, ch(')')),
        value(Tok::LBracket, ch('[')),
        value(Tok::RBracket, ch(']')),
        value(Tok::LBrace, ch('{')),
        value(Tok::RBrace, ch('}')),
        value(Tok::Comma, ch(',')),
        value(Tok::Dot, ch('.')),
        value(Tok::Semi, ch(';')),
    ));
    alt((two, one))(i)
}
