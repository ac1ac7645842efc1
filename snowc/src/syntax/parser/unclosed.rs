//! Blaming a missing `end` on the right block. Blocks close at the first
//! `end`, so a nested `if` without its `end` takes its parent's, and the
//! error surfaces at the outermost block. Indentation tells the real
//! culprit: the innermost block whose `end` sits left of the line that
//! opened it.

use super::error::PErr;
use crate::syntax::ast::Span;

/// If `e` reports a never-closed block, move the blame to the first block
/// inside it that took an `end` indented less than its own opening line.
/// `closes` holds every (opening `do`/`fn`, closing `end`) pair parsed.
pub fn reblame(e: &mut PErr, closes: &[(Span, Span)], text: &str) {
    let Some((outer, msg)) = &e.secondary else {
        return;
    };
    if !msg.ends_with("is never closed") {
        return;
    }
    let culprit = closes
        .iter()
        .filter(|(open, end)| {
            open.start > outer.start && indent(text, end.start) < indent(text, open.start)
        })
        .min_by_key(|(_, end)| end.start);
    let Some((open, end)) = culprit else {
        return;
    };
    let word = text
        .get(open.start as usize..open.end as usize)
        .unwrap_or("do");
    e.secondary = Some((*open, format!("this `{word}` is never closed")));
    e.extra.get_or_insert_with(Box::default).tertiary = Some((
        *end,
        format!("this `end` closes that `{word}`, but its indentation matches an outer block"),
    ));
}

/// Leading blanks of the line holding byte `offset`.
fn indent(text: &str, offset: u32) -> usize {
    let offset = (offset as usize).min(text.len());
    let start = text.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    text.as_bytes()[start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}
