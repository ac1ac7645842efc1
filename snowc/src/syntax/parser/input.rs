//! The token-slice input type and the token-matching primitive parsers.

use std::cell::{Cell, RefCell};

use nom::InputLength;

use super::error::PErr;
use crate::syntax::ast::{Name, NodeId, Span};
use crate::syntax::token::{Kw, Tok, Token};

pub type PResult<'a, O> = nom::IResult<Input<'a>, O, PErr>;

/// Shared per-parse state: the whole token array (for positions and the
/// previous token's end) and the node-id counter.
pub struct Ctx<'a> {
    pub all: &'a [Token],
    next_id: Cell<u32>,
    depth: Cell<u32>,
    /// Every `do` (or `fn`) and the `end` that closed it, for blaming a
    /// missing `end` on the right block (`unclosed.rs`).
    pub closes: RefCell<Vec<(Span, Span)>>,
}

/// Maximum nesting of expressions/patterns/types, so that hostile input
/// gets an error instead of overflowing the stack.
const MAX_DEPTH: u32 = 256;

/// Leaves one nesting level when dropped.
pub struct DepthGuard<'a>(&'a Cell<u32>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl<'a> Ctx<'a> {
    pub fn new(all: &'a [Token]) -> Ctx<'a> {
        Ctx {
            all,
            next_id: Cell::new(0),
            depth: Cell::new(0),
            closes: RefCell::new(Vec::new()),
        }
    }
}

/// The remaining tokens. The slice always ends with `Eof`, which no
/// primitive consumes, so `peek` never runs out.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub toks: &'a [Token],
    pub ctx: &'a Ctx<'a>,
}

impl InputLength for Input<'_> {
    fn input_len(&self) -> usize {
        self.toks.len()
    }
}

static EOF: Tok = Tok::Eof;

impl<'a> Input<'a> {
    pub fn pos(&self) -> usize {
        self.ctx.all.len() - self.toks.len()
    }
    pub fn peek(&self) -> &'a Tok {
        self.peek_at(0)
    }
    pub fn peek_at(&self, n: usize) -> &'a Tok {
        self.toks.get(n).map_or(&EOF, |t| &t.tok)
    }
    pub fn is(&self, t: &Tok) -> bool {
        self.peek() == t
    }
    pub fn is_kw(&self, k: Kw) -> bool {
        *self.peek() == Tok::Kw(k)
    }
    /// Span of the current token.
    pub fn span(&self) -> Span {
        self.span_at(0)
    }
    pub fn span_at(&self, n: usize) -> Span {
        match self.toks.get(n).or(self.ctx.all.last()) {
            Some(t) => t.span,
            None => Span::default(),
        }
    }
    /// Skip `n` tokens (never past `Eof`).
    pub fn advance(self, n: usize) -> Input<'a> {
        let keep_eof = self.toks.len().saturating_sub(1);
        Input {
            toks: &self.toks[n.min(keep_eof)..],
            ctx: self.ctx,
        }
    }
    /// End offset of the last consumed token.
    pub fn prev_end(&self) -> u32 {
        match self.pos().checked_sub(1) {
            Some(p) => self.ctx.all[p].span.end,
            None => self.span().start,
        }
    }
    /// Span from the start of `start`'s first token to the end of the last
    /// token consumed before `self`.
    pub fn since(&self, start: Input) -> Span {
        let s = start.span().start;
        Span::new(s, self.prev_end().max(s))
    }
    pub fn fresh_id(&self) -> NodeId {
        let id = self.ctx.next_id.get();
        self.ctx.next_id.set(id + 1);
        NodeId(id)
    }
    /// Enter one level of recursion.
    pub fn nest(&self) -> Result<DepthGuard<'a>, nom::Err<PErr>> {
        let d = &self.ctx.depth;
        if d.get() >= MAX_DEPTH {
            return Err(self.custom("nesting is too deep"));
        }
        d.set(d.get() + 1);
        Ok(DepthGuard(d))
    }
    pub fn err(&self, what: impl Into<String>) -> nom::Err<PErr> {
        nom::Err::Error(PErr::expected(*self, what))
    }
    pub fn failure(&self, what: impl Into<String>) -> nom::Err<PErr> {
        nom::Err::Failure(PErr::expected(*self, what))
    }
    /// A dedicated message at the current token.
    pub fn custom(&self, msg: impl Into<String>) -> nom::Err<PErr> {
        nom::Err::Failure(PErr::custom(*self, self.span(), msg))
    }
}

/// Match exactly token `t`; yields its span.
pub fn tok<'a>(t: Tok) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i: Input<'a>| {
        if *i.peek() == t {
            Ok((i.advance(1), i.span()))
        } else {
            Err(i.err(t.expected_name()))
        }
    }
}

pub fn kw<'a>(k: Kw) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    tok(Tok::Kw(k))
}

/// Like `tok`, but a mismatch is a failure (no backtracking).
pub fn expect<'a>(t: Tok) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i: Input<'a>| {
        if *i.peek() == t {
            Ok((i.advance(1), i.span()))
        } else {
            Err(i.failure(t.expected_name()))
        }
    }
}

pub fn ident(i: Input) -> PResult<Name> {
    match i.peek() {
        Tok::Ident(s) => Ok((
            i.advance(1),
            Name {
                text: s.clone(),
                span: i.span(),
            },
        )),
        _ => Err(i.err("identifier")),
    }
}

/// An identifier with a particular spelling (contextual words).
pub fn word<'a>(w: &'static str) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i: Input<'a>| match i.peek() {
        Tok::Ident(s) if s == w => Ok((i.advance(1), i.span())),
        _ => Err(i.err(format!("`{w}`"))),
    }
}

pub fn int_lit(i: Input) -> PResult<(i64, Span)> {
    match i.peek() {
        Tok::Int(n) => Ok((i.advance(1), (*n, i.span()))),
        _ => Err(i.err("integer")),
    }
}

/// Zero or more significant newlines.
pub fn newlines(mut i: Input) -> Input {
    while i.is(&Tok::Newline) {
        i = i.advance(1);
    }
    i
}

/// Zero or more statement separators (newline or `;`).
pub fn seps(mut i: Input) -> Input {
    while matches!(i.peek(), Tok::Newline | Tok::Semi) {
        i = i.advance(1);
    }
    i
}

pub fn is_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// Parse `open elem {, elem} [,] close`, with good errors. `open` must be
/// the current token.
pub fn delimited_list<'a, O>(
    i: Input<'a>,
    close: Tok,
    mut elem: impl FnMut(Input<'a>) -> PResult<'a, O>,
) -> PResult<'a, Vec<O>> {
    let mut i = i.advance(1);
    let mut out = Vec::new();
    loop {
        if *i.peek() == close {
            return Ok((i.advance(1), out));
        }
        let (rest, e) = elem(i).map_err(to_failure)?;
        out.push(e);
        i = rest;
        if i.is(&Tok::Comma) {
            i = i.advance(1);
        } else if *i.peek() != close {
            let mut e = PErr::expected(i, "`,`");
            e.expected.push(close.expected_name());
            return Err(nom::Err::Failure(e));
        }
    }
}

/// Commit to the current branch: recoverable errors become failures.
pub fn to_failure(e: nom::Err<PErr>) -> nom::Err<PErr> {
    match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    }
}
