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
}
