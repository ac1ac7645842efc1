//! Positions: the compiler counts bytes, LSP counts lines and UTF-16 code
//! units.

use lsp_types::{Position, Range};

/// The LSP position of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count() as u32;
    Position { line, character }
}

pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range {
        start: position(text, start),
        end: position(text, end),
    }
}

/// The byte offset of an LSP position (clamped to its line and the text).
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// A range covering all of `text`.
pub fn whole(text: &str) -> Range {
    range(text, 0, text.len())
}

/// How an edited text relates to an older one: the common prefix and
/// suffix are unchanged, what lies between them was edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Diff {
    prefix: usize,
    suffix: usize,
    old_len: usize,
    new_len: usize,
}

impl Diff {
    pub fn new(old: &str, new: &str) -> Diff {
        let (o, n) = (old.as_bytes(), new.as_bytes());
        let mut prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
        while !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = o.len().min(n.len()) - prefix;
        let mut suffix = o
            .iter()
            .rev()
            .zip(n.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !new.is_char_boundary(n.len() - suffix) {
            suffix -= 1;
        }
        Diff {
            prefix,
            suffix,
            old_len: o.len(),
            new_len: n.len(),
        }
    }

    /// Offset `new_offset` of the new text in the old one (`None` inside
    /// the edited part).
    pub fn to_old(self, new_offset: usize) -> Option<usize> {
        if new_offset <= self.prefix {
            Some(new_offset)
        } else if new_offset >= self.new_len - self.suffix {
            Some(new_offset - self.new_len + self.old_len)
        } else {
            None
        }
    }

    /// Like `to_old`, the start of the edit for an offset inside it.
    pub fn to_old_near(self, new_offset: usize) -> usize {
        self.to_old(new_offset).unwrap_or(self.prefix)
    }

    /// The old text's `start..end` in the new text, when it lies wholly in
    /// the unchanged prefix or suffix.
    pub fn to_new(self, start: usize, end: usize) -> Option<(usize, usize)> {
        let old_suffix = self.old_len - self.suffix;
        if end <= self.prefix {
            Some((start, end))
        } else if start >= old_suffix {
            Some((
                start - old_suffix + self.new_len - self.suffix,
                end - old_suffix + self.new_len - self.suffix,
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "let é = \"𝄞x\"\nnext";
        // `x` is after a 4-byte, 2-unit character.
        let x = text.find('x').unwrap();
        let p = position(text, x);
        assert_eq!((p.line, p.character), (0, 11));
        assert_eq!(offset(text, p), x);
        let n = text.find("next").unwrap();
        assert_eq!(position(text, n), Position::new(1, 0));
        assert_eq!(offset(text, Position::new(1, 2)), n + 2);
        // Past the end of a line or of the text: clamped.
        assert_eq!(offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn diffs_map_unchanged_parts_only() {
        let old = "let abc = f(x)\nfoo";
        let new = "let abc = f((x)\nfoo";
        let d = Diff::new(old, new);
        // `abc` (before the edit) keeps its place; `foo` (after) moves by one.
        assert_eq!(d.to_old(5), Some(5));
        assert_eq!(d.to_new(4, 7), Some((4, 7)));
        let foo = new.find("foo").unwrap();
        assert_eq!(d.to_old(foo), Some(foo - 1));
        assert_eq!(d.to_new(foo - 1, foo + 2), Some((foo, foo + 3)));
        // A span across the edit has no counterpart.
        assert_eq!(d.to_new(10, 14), None);
        // A renamed identifier is inside the edit.
        let d = Diff::new("add(1)", "adx(1)");
        assert_eq!(d.to_old(3), Some(3));
        assert_eq!(d.to_new(0, 3), None);
        assert_eq!(Diff::new("é", "è").to_old(1), None);
    }
}
