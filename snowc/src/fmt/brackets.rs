//! Bracketed lists (arguments, parameters, lists, tuples, maps, struct
//! literals): on one line when they fit, else one element per line, indented,
//! with the closing bracket on its own line. Line breaks inside brackets do
//! not matter to the parser (§3 rule N1), so any layout here is safe.

use super::build::Builder;
use super::doc::Doc;
use super::roles::Role;
use super::trivia::Piece;
use crate::syntax::token::{Kw, Tok};
use std::rc::Rc;

impl Builder<'_> {
    /// The bracket group starting at the current (opening) atom.
    pub fn bracket(&mut self) -> Doc {
        let open_i = self.i;
        let open = self.atoms[open_i].text.clone();
        let prev = open_i.checked_sub(1);
        let tight = prev.is_some_and(|p| {
            self.roles[p] == Role::MapSigil || self.atoms[p].tok == Tok::Kw(Kw::For)
        });
        let pad = if self.atoms[open_i].tok == Tok::LBrace && !tight {
            " "
        } else {
            ""
        };
        self.set_last(open_i);
        self.i += 1;
        let outer_saw = std::mem::take(&mut self.saw_comment);
        let mut inner: Vec<Doc> = Vec::new();
        let literals = self.elements(pad, &mut inner);
        // Comments before the closing bracket.
        let (trailing, leading) = split_comments(self.trivia_of_current());
        self.push_comments(&mut inner, &trailing, true);
        if !leading.is_empty() {
            inner.push(Doc::Line { flat: pad });
            self.push_comments(&mut inner, &leading, false);
        }
        let broken = self.saw_comment;
        self.saw_comment = outer_saw || broken;
        let close = self.closing_bracket();
        if literals.is_empty() && inner.is_empty() {
            return Doc::text(format!("{open}{close}"));
        }
        let brackets = Brackets { open, close, pad };
        match hug_candidate(&literals).filter(|_| !broken) {
            Some(pos) => brackets.hug(inner, pos),
            None => Doc::group(brackets.wrap(inner), broken),
        }
    }

    /// The elements up to the closing bracket (not consumed). Per element:
    /// where its doc sits in `inner` if it is one list or map literal (a
    /// candidate for hugging).
    fn elements(&mut self, pad: &'static str, inner: &mut Vec<Doc>) -> Vec<Option<usize>> {
        let mut literals = Vec::new();
        // Depth of type arguments, whose commas do not separate elements.
        let mut angle = 0usize;
        while !self.closes_here() {
            self.element_start(pad, literals.is_empty(), inner);
            literals.push(self.element(&mut angle, inner));
        }
        literals
    }

    /// The break before an element. Comments on the line of the previous
    /// separator stay there; comments on their own lines go before the
    /// element.
    fn element_start(&mut self, pad: &'static str, first: bool, inner: &mut Vec<Doc>) {
        let (trailing, mut leading) = split_comments(self.trivia_of_current());
        // A block comment before the element stays in front of it.
        let (blocks, trailing): (Vec<&Piece>, Vec<&Piece>) = trailing
            .into_iter()
            .partition(|p| matches!(p, Piece::BlockComment(_)));
        leading.splice(0..0, blocks);
        self.push_comments(inner, &trailing, true);
        inner.push(if first {
            Doc::Line { flat: pad }
        } else {
            Doc::line()
        });
        self.push_comments(inner, &leading, false);
        self.fresh = true;
    }

    /// One element with its comma, if any; where its doc sits in `inner` if
    /// it is one list or map literal.
    fn element(&mut self, angle: &mut usize, inner: &mut Vec<Doc>) -> Option<usize> {
        let opens_literal =
            matches!(self.tok(), Tok::LBracket) || self.roles.get(self.i) == Some(&Role::MapSigil);
        let mut literal = None;
        let mut items = 0;
        while !self.closes_here() {
            if items > 0 {
                let pieces = self.trivia_of_current();
                self.push_comments(inner, &comments(pieces), true);
            }
            match self.roles.get(self.i) {
                Some(Role::AngleOpen) => *angle += 1,
                Some(Role::AngleClose) => *angle = angle.saturating_sub(1),
                _ => {}
            }
            let comma = *self.tok() == Tok::Comma && *angle == 0;
            let bracket = matches!(self.tok(), Tok::LBracket | Tok::LBrace);
            self.item(inner);
            if comma {
                break;
            }
            items += 1;
            // `[…]`, or `%{…}` (the sigil and the braces).
            let whole = items == 1 || items == 2 && bracket;
            literal = (opens_literal && bracket && whole).then(|| inner.len() - 1);
        }
        literal
    }

    /// Consumes the closing bracket and returns it (nothing in broken input).
    fn closing_bracket(&mut self) -> String {
        if !matches!(self.tok(), Tok::RParen | Tok::RBracket | Tok::RBrace) {
            return String::new();
        }
        let text = self.atoms[self.i].text.clone();
        self.set_last(self.i);
        self.i += 1;
        text
    }

    /// At this group's closing bracket (or, in broken input, the end)?
    fn closes_here(&self) -> bool {
        matches!(
            self.tok(),
            Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::Eof
        )
    }

    fn push_comments(&mut self, out: &mut Vec<Doc>, cs: &[&Piece], trailing: bool) {
        for c in cs {
            match c {
                Piece::LineComment(t) => {
                    self.saw_comment = true;
                    out.push(Doc::LineComment(if trailing {
                        format!(" {t}")
                    } else {
                        t.clone()
                    }));
                }
                Piece::BlockComment(t) if trailing => out.push(Doc::text(format!(" {t}"))),
                Piece::BlockComment(t) => out.push(Doc::text(format!("{t} "))),
                Piece::Newlines(_) => {}
            }
        }
    }
}

fn comments(pieces: &[Piece]) -> Vec<&Piece> {
    pieces
        .iter()
        .filter(|p| !matches!(p, Piece::Newlines(_)))
        .collect()
}

/// Comments before the first line break, and those after it.
fn split_comments(pieces: &[Piece]) -> (Vec<&Piece>, Vec<&Piece>) {
    let cut = pieces
        .iter()
        .position(|p| matches!(p, Piece::Newlines(n) if *n > 0))
        .unwrap_or(pieces.len());
    (comments(&pieces[..cut]), comments(&pieces[cut..]))
}

/// The element to hug: the only list or map literal, if it is the first or
/// the last element.
fn hug_candidate(literals: &[Option<usize>]) -> Option<usize> {
    if literals.iter().flatten().count() != 1 {
        return None;
    }
    match (literals.first(), literals.last()) {
        (_, Some(Some(p))) | (Some(Some(p)), _) => Some(*p),
        _ => None,
    }
}

/// A bracket group's own text, around its elements.
struct Brackets {
    open: String,
    close: String,
    /// The blank inside the brackets when flat.
    pad: &'static str,
}

impl Brackets {
    fn wrap(&self, inner: Vec<Doc>) -> Doc {
        Doc::Concat(vec![
            Doc::text(self.open.clone()),
            Doc::soft_indent(Doc::Concat(inner)),
            Doc::Line { flat: self.pad },
            Doc::text(self.close.clone()),
        ])
    }

    /// `f(a, [` … `])`: the other elements stay on the line and only the
    /// literal at `pos` breaks, when that fits and the whole does not. The
    /// two layouts differ only in the literal's group flag, so they share
    /// the rest (copies would double the document per nesting level).
    fn hug(&self, mut inner: Vec<Doc>, pos: usize) -> Doc {
        let mut after = inner.split_off(pos);
        let literal = after.remove(0);
        let before = Rc::new(Doc::Concat(inner));
        let after = Rc::new(Doc::Concat(after));
        let (normal, hugged) = match literal {
            Doc::Group { broken, doc } => {
                let doc = Rc::new(*doc);
                let flagged = |broken| Doc::group(Doc::Shared(doc.clone()), broken);
                (flagged(broken), flagged(true))
            }
            other => {
                let doc = Rc::new(other);
                (Doc::Shared(doc.clone()), Doc::Shared(doc))
            }
        };
        let layout = |literal| {
            self.wrap(vec![
                Doc::Shared(before.clone()),
                literal,
                Doc::Shared(after.clone()),
            ])
        };
        Doc::Hug {
            normal: Box::new(Doc::group(layout(normal), false)),
            hugged: Box::new(layout(hugged)),
        }
    }
}
