//! The formatter's safety net: the output must parse to the same syntax tree
//! (spans aside) and keep every comment, in order.

use super::trivia::{self, Atom, Piece};
use crate::diag::FileId;
use crate::syntax::{self, ast};

pub fn same_program(before: &ast::File, atoms: &[Atom], out: &str) -> Result<(), String> {
    let after = syntax::parse_file(FileId(0), out)
        .map_err(|_| "the formatted text does not parse".to_string())?;
    if shape(before) != shape(&after) {
        return Err("the formatted text parses to a different program".into());
    }
    let out_atoms = trivia::atoms(out).ok_or("the formatted text does not lex")?;
    if comments(atoms) != comments(&out_atoms) {
        return Err("the formatted text lost or changed a comment".into());
    }
    Ok(())
}

/// The tree's debug text without its spans (`12..34`), which layout moves.
fn shape(f: &ast::File) -> Vec<u8> {
    let text = format!("{f:?}");
    let b = text.as_bytes();
    let digits_from = |mut k: usize| {
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        k
    };
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let j = digits_from(i);
            let k = digits_from(j + 2);
            if b[j..].starts_with(b"..") && k > j + 2 {
                out.push(b'@');
            } else {
                out.extend_from_slice(&b[i..j]);
            }
            i = if out.last() == Some(&b'@') { k } else { j };
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn comments(atoms: &[Atom]) -> Vec<&str> {
    atoms
        .iter()
        .flat_map(|a| &a.before)
        .filter_map(|p| match p {
            Piece::LineComment(t) | Piece::BlockComment(t) => Some(t.as_str()),
            Piece::Newlines(_) => None,
        })
        .collect()
}
