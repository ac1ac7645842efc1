//! The layout engine: a Wadler-style document of text, line breaks, indents
//! and groups, printed to fit a line width.
//!
//! A group prints flat (its soft lines as a space or nothing) when everything
//! up to its end, or up to the first hard line inside it, fits in the rest
//! of the line; otherwise its soft lines break. Hard lines always break, so a
//! multi-line closure can sit inside a flat argument list
//! (`map(xs, fn x ->` … `end)`). A group that holds a line comment is always
//! broken, because such a comment runs to the end of its line.

use std::rc::Rc;

/// One node of the document.
#[derive(Clone, Debug)]
pub enum Doc {
    Text(String),
    /// A break: `flat` when its group is flat, a line break otherwise.
    Line {
        flat: &'static str,
    },
    /// Always a line break.
    Hard,
    /// An empty line (two line breaks; trailing blanks are trimmed).
    Blank,
    /// A comment that runs to the end of the line: whatever follows it
    /// starts on a new line.
    LineComment(String),
    /// Contents one level deeper after line breaks. `soft` indents only when
    /// the enclosing group is broken (bracket contents).
    Indent {
        soft: bool,
        doc: Box<Doc>,
    },
    Group {
        broken: bool,
        doc: Box<Doc>,
    },
    /// A bracket group with one literal element: `normal` flat if it fits,
    /// else `hugged` (flat around the literal, the literal broken) if its
    /// first line fits, else `normal` broken.
    Hug {
        normal: Box<Doc>,
        hugged: Box<Doc>,
    },
    Concat(Vec<Doc>),
    /// A sub-document used in more than one place (the two layouts of a
    /// `Hug`), stored once so that nested hugs stay linear in size.
    Shared(Rc<Doc>),
}

impl Doc {
    pub fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }
    pub fn line() -> Doc {
        Doc::Line { flat: " " }
    }
    pub fn indent(doc: Doc) -> Doc {
        Doc::Indent {
            soft: false,
            doc: Box::new(doc),
        }
    }
    pub fn soft_indent(doc: Doc) -> Doc {
        Doc::Indent {
            soft: true,
            doc: Box::new(doc),
        }
    }
    pub fn group(doc: Doc, broken: bool) -> Doc {
        Doc::Group {
            broken,
            doc: Box::new(doc),
        }
    }
}

#[cfg(test)]
impl Doc {
    /// The nodes stored (a shared node once, however often it is used).
    pub fn stored_nodes(&self) -> usize {
        fn walk(d: &Doc, seen: &mut std::collections::HashSet<*const Doc>) -> usize {
            1 + match d {
                Doc::Indent { doc, .. } | Doc::Group { doc, .. } => walk(doc, seen),
                Doc::Hug { normal, hugged } => walk(normal, seen) + walk(hugged, seen),
                Doc::Concat(items) => items.iter().map(|d| walk(d, seen)).sum(),
                Doc::Shared(doc) if seen.insert(Rc::as_ptr(doc)) => walk(doc, seen),
                _ => 0,
            }
        }
        walk(self, &mut Default::default())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Prints `doc` with lines at most `width` columns where possible, indenting
/// by `step` spaces per level. The result ends with exactly one newline.
pub fn print(doc: &Doc, width: usize, step: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        col: 0,
        pending_newline: false,
        width,
    };
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((ind, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => p.text(s, ind),
            Doc::Line { flat } => match mode {
                Mode::Flat if !p.pending_newline => p.text(flat, ind),
                _ => p.newline(),
            },
            Doc::Hard => p.newline(),
            Doc::Blank => {
                p.newline();
                p.newline();
            }
            Doc::LineComment(s) => {
                p.text(s, ind);
                p.pending_newline = true;
            }
            Doc::Indent { soft, doc } => {
                let extra = if *soft && mode == Mode::Flat { 0 } else { step };
                stack.push((ind + extra, mode, doc));
            }
            Doc::Group { broken, doc } => {
                let m = if *broken || p.pending_newline {
                    Mode::Break
                } else {
                    let rest = p.width.saturating_sub(p.col) as isize;
                    // Breaking cannot help when the text after the group is
                    // too long for the closing bracket's line anyway.
                    let tail_room = p.width.saturating_sub(ind + 1) as isize;
                    let empty = Doc::Concat(Vec::new());
                    if fits(rest, doc, &stack)
                        || fits(rest, doc, &[]) && !fits(tail_room, &empty, &stack)
                    {
                        Mode::Flat
                    } else {
                        Mode::Break
                    }
                };
                stack.push((ind, m, doc));
            }
            Doc::Hug { normal, hugged } => {
                let rest = p.width.saturating_sub(p.col) as isize;
                let hug =
                    !p.pending_newline && !fits(rest, normal, &stack) && fits(rest, hugged, &stack);
                if hug {
                    stack.push((ind, Mode::Flat, hugged));
                } else {
                    stack.push((ind, mode, normal));
                }
            }
            Doc::Concat(items) => {
                for it in items.iter().rev() {
                    stack.push((ind, mode, it));
                }
            }
            Doc::Shared(doc) => stack.push((ind, mode, doc)),
        }
    }
    let mut out = p.out.trim_end().to_string();
    out.push('\n');
    if out.trim().is_empty() {
        return String::new();
    }
    out
}

struct Printer {
    out: String,
    col: usize,
    /// A line comment was printed: the next text starts a new line.
    pending_newline: bool,
    width: usize,
}

impl Printer {
    fn text(&mut self, s: &str, ind: usize) {
        // One blank separates: a comment's padding and a token's space meet.
        if s.is_empty() || s == " " && self.out.ends_with(' ') {
            return;
        }
        if self.pending_newline {
            self.newline();
        }
        if self.col == 0 && !s.starts_with('\n') {
            // Leading blanks of a fresh line come from the indentation.
            let s = s.trim_start_matches(' ');
            if s.is_empty() {
                return;
            }
            self.out.extend(std::iter::repeat_n(' ', ind));
            self.col = ind;
            self.push(s);
        } else {
            self.push(s);
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.col = s[i + 1..].chars().count(),
            None => self.col += s.chars().count(),
        }
    }

    fn newline(&mut self) {
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.col = 0;
        self.pending_newline = false;
    }
}

/// Does `doc` (flat) and what follows it up to the next break fit in `rest`
/// columns? A hard line ends the measurement: only the first line counts.
fn fits(mut rest: isize, doc: &Doc, after: &[(usize, Mode, &Doc)]) -> bool {
    let mut todo: Vec<(Mode, &Doc)> = vec![(Mode::Flat, doc)];
    let mut after = after.iter().rev();
    loop {
        if rest < 0 {
            return false;
        }
        let Some((mode, d)) = todo
            .pop()
            .or_else(|| after.next().map(|(_, m, d)| (*m, *d)))
        else {
            return true;
        };
        match d {
            Doc::Text(s) => match s.find('\n') {
                Some(i) => return rest >= s[..i].chars().count() as isize,
                None => rest -= s.chars().count() as isize,
            },
            Doc::Line { flat } => match mode {
                Mode::Flat => rest -= flat.len() as isize,
                Mode::Break => return true,
            },
            Doc::Hard | Doc::Blank | Doc::LineComment(_) => return true,
            Doc::Indent { doc, .. } => todo.push((mode, doc)),
            Doc::Hug { normal, .. } => todo.push((mode, normal)),
            Doc::Group { broken, doc } => {
                let m = if *broken { Mode::Break } else { mode };
                todo.push((m, doc));
            }
            Doc::Concat(items) => {
                for it in items.iter().rev() {
                    todo.push((mode, it));
                }
            }
            Doc::Shared(doc) => todo.push((mode, doc)),
        }
    }
}
