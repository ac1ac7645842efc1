//! From atoms to a layout document. Outside brackets the source's line
//! structure is the program's (a line break ends a statement), so it is
//! kept: every line break stays one, runs of blank lines become one, and
//! indentation follows the `do`/`fn` … `end` nesting. Inside brackets line
//! breaks mean nothing to the parser, so the layout there is chosen by width
//! (`brackets.rs`). The only other break the formatter adds is before `|>`,
//! which the grammar allows at the start of a line.

use super::doc::Doc;
use super::roles::Role;
use super::spacing::space_between;
use super::trivia::{Atom, Piece};
use crate::syntax::token::{Kw, Tok};

pub struct Builder<'a> {
    pub atoms: &'a [Atom],
    pub roles: &'a [Role],
    /// The next atom.
    pub i: usize,
    /// The last atom printed.
    last: Option<usize>,
    /// Atoms whose trivia has been printed already.
    trivia_done: usize,
    /// The next atom follows a break that already separates it.
    pub fresh: bool,
    /// A line comment was printed inside the current bracket group.
    pub saw_comment: bool,
}

/// The statements of one block (or the file) as they are being laid out.
#[derive(Default)]
struct Lines {
    out: Vec<Doc>,
    /// The current line, split at `|>`: segment 0 then one per pipe.
    segments: Vec<Vec<Doc>>,
    /// A `|>` started a line in the source: keep the pipeline broken.
    pipe_broken: bool,
    /// Nothing printed yet in this block.
    first: bool,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            segments: vec![Vec::new()],
            first: true,
            ..Lines::default()
        }
    }
    fn push(&mut self, d: Doc) {
        self.first = false;
        if let Some(seg) = self.segments.last_mut() {
            seg.push(d);
        }
    }
    fn flush(&mut self) {
        let mut segs = std::mem::replace(&mut self.segments, vec![Vec::new()]);
        if segs.len() == 1 {
            self.out.extend(segs.pop().unwrap_or_default());
        } else {
            let head = Doc::Concat(segs.remove(0));
            let mut tail = Vec::new();
            for s in segs {
                tail.push(Doc::line());
                tail.extend(s);
            }
            let body = Doc::Concat(vec![head, Doc::indent(Doc::Concat(tail))]);
            self.out.push(Doc::group(body, self.pipe_broken));
        }
        self.pipe_broken = false;
    }
    fn newline(&mut self, blank: bool) {
        self.flush();
        self.out.push(if blank { Doc::Blank } else { Doc::Hard });
    }
}

/// Where a block's statements stop.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    File,
    Block,
}

impl<'a> Builder<'a> {
    pub fn new(atoms: &'a [Atom], roles: &'a [Role]) -> Builder<'a> {
        Builder {
            atoms,
            roles,
            i: 0,
            last: None,
            trivia_done: 0,
            fresh: false,
            saw_comment: false,
        }
    }

    pub fn tok(&self) -> &Tok {
        self.atoms.get(self.i).map_or(&Tok::Eof, |a| &a.tok)
    }

    /// The whole file.
    pub fn file(&mut self) -> Doc {
        let (doc, _) = self.lines(Stop::File);
        Doc::Concat(doc)
    }

    /// Statements up to the block's `end`/`else` (not consumed), or the end of
    /// the file. Returns them and whether a line break precedes the stop.
    fn lines(&mut self, stop: Stop) -> (Vec<Doc>, bool) {
        let mut l = Lines::new();
        loop {
            let at_stop = match self.tok() {
                Tok::Eof => true,
                Tok::Kw(Kw::End | Kw::Else | Kw::After | Kw::Terminate)
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace => stop == Stop::Block,
                _ => false,
            };
            let pipe = *self.tok() == Tok::PipeGt && !l.first;
            let segs = l.segments.len();
            let broke = self.line_trivia(&mut l, at_stop, pipe);
            if at_stop {
                l.flush();
                return (l.out, broke);
            }
            if pipe {
                // A line break before `|>` in the source keeps the pipeline
                // one stage per line.
                l.pipe_broken |= l.segments.len() > segs;
                if l.segments.len() == segs {
                    l.segments.push(Vec::new());
                }
                self.fresh = true;
            }
            // One node per item: the line breaks inside a nested block are
            // not this block's statement breaks.
            let mut parts = Vec::new();
            self.item(&mut parts);
            l.push(Doc::Concat(parts));
        }
    }

    /// Trivia before the current atom in statement context. Returns whether
    /// it held a line break after its last comment.
    fn line_trivia(&mut self, l: &mut Lines, at_stop: bool, pipe: bool) -> bool {
        let Some(pieces) = self.take_trivia() else {
            return false;
        };
        let mut broke = false;
        let mut new_segment = false;
        for p in pieces {
            match p {
                Piece::Newlines(0) => {}
                Piece::Newlines(n) => {
                    if pipe && !new_segment {
                        // What follows goes with the `|>` on its new line.
                        l.segments.push(Vec::new());
                        new_segment = true;
                    }
                    broke = true;
                    if pipe || at_stop {
                        continue;
                    }
                    if l.first {
                        // No blank line at the start of a block.
                        l.flush();
                        if !l.out.is_empty() || self.last.is_some() {
                            l.out.push(Doc::Hard);
                        }
                        l.first = false;
                        continue;
                    }
                    l.newline(*n > 1);
                }
                Piece::LineComment(c) => {
                    // A pending break before a comment at a block's end.
                    if at_stop && broke && !pipe {
                        l.newline(false);
                    }
                    let first = l.first;
                    l.push(Doc::LineComment(if broke {
                        c.clone()
                    } else {
                        format!(" {c}")
                    }));
                    // A comment after the opener is not the block's first line.
                    l.first = first && !broke && self.last.is_some();
                    broke = false;
                }
                Piece::BlockComment(c) => {
                    if at_stop && broke && !pipe {
                        l.newline(false);
                    }
                    l.push(Doc::text(format!(" {c} ")));
                    broke = false;
                }
            }
        }
        broke
    }

    /// The trivia of the current atom, unless printed already.
    fn take_trivia(&mut self) -> Option<&'a [Piece]> {
        if self.trivia_done > self.i {
            return None;
        }
        self.trivia_done = self.i + 1;
        self.atoms.get(self.i).map(|a| a.before.as_slice())
    }

    /// Mark the current atom's trivia as printed (brackets do their own).
    pub fn trivia_of_current(&mut self) -> &'a [Piece] {
        self.take_trivia().unwrap_or(&[])
    }

    /// One atom with everything it opens: a bracket group, or a block up to
    /// its `end`.
    pub fn item(&mut self, out: &mut Vec<Doc>) {
        let i = self.i;
        let Some(a) = self.atoms.get(i) else {
            return;
        };
        self.space(out);
        match a.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => {
                out.push(self.bracket());
                return;
            }
            _ => {}
        }
        out.push(Doc::text(a.text.clone()));
        self.last = Some(i);
        self.i += 1;
        let opens = a.tok == Tok::Kw(Kw::Do) || self.roles[i] == Role::ArrowFn;
        if opens {
            self.block(out);
        }
    }

    /// The body of a block whose opener was just printed, its `else` parts
    /// and its `end`.
    fn block(&mut self, out: &mut Vec<Doc>) {
        // Comments in the block break its lines anyway, not the brackets
        // around it.
        let saw = std::mem::take(&mut self.saw_comment);
        self.block_parts(out);
        self.saw_comment = saw;
    }

    fn block_parts(&mut self, out: &mut Vec<Doc>) {
        loop {
            let (mut body, broke) = self.lines(Stop::Block);
            // What shares the opener's line is not indented (a one-line
            // body's brackets break relative to the statement).
            let first_break = body
                .iter()
                .position(|d| matches!(d, Doc::Hard | Doc::Blank))
                .unwrap_or(body.len());
            let rest = body.split_off(first_break);
            out.extend(body);
            out.push(Doc::indent(Doc::Concat(rest)));
            if broke {
                out.push(Doc::Hard);
            }
            match self.tok() {
                Tok::Kw(Kw::End) => {
                    self.emit_keyword(out);
                    return;
                }
                Tok::Kw(Kw::Else) => {
                    self.emit_keyword(out);
                    // `else if` hands the rest of the chain to the inner `if`.
                    if *self.tok() == Tok::Kw(Kw::If) {
                        return;
                    }
                }
                // `receive`'s timeout clause lines up with `receive`, like `else`.
                Tok::Kw(Kw::After) => self.emit_keyword(out),
                // An actor's `terminate do … end` lines up with `actor`; the
                // actor's body goes on after it.
                Tok::Kw(Kw::Terminate) => {
                    self.emit_keyword(out);
                    if *self.tok() == Tok::Kw(Kw::Do) {
                        self.item(out);
                    }
                }
                _ => return,
            }
        }
    }

    /// The blank (if any) between the last atom and the current one.
    fn space(&mut self, out: &mut Vec<Doc>) {
        let i = self.i;
        if std::mem::take(&mut self.fresh) {
            return;
        }
        if let (Some(p), Some(a)) = (self.last, self.atoms.get(i)) {
            if space_between(&self.atoms[p], self.roles[p], a, self.roles[i]) {
                out.push(Doc::text(" "));
            }
        }
    }

    fn emit_keyword(&mut self, out: &mut Vec<Doc>) {
        let i = self.i;
        self.space(out);
        out.push(Doc::text(self.atoms[i].text.clone()));
        self.last = Some(i);
        self.i += 1;
    }

    pub fn set_last(&mut self, i: usize) {
        self.last = Some(i);
    }
}
