//! Whether one blank goes between two tokens printed on the same line.

use super::roles::{ends_operand, Role};
use super::trivia::Atom;
use crate::syntax::token::Tok;

/// Blank between `prev` and `cur` (with their roles)?
pub fn space_between(prev: &Atom, pr: Role, cur: &Atom, cr: Role) -> bool {
    let (p, c) = (&prev.tok, &cur.tok);
    if matches!(
        c,
        Tok::Comma | Tok::Semi | Tok::RParen | Tok::RBracket | Tok::RBrace
    ) || matches!(c, Tok::Dot | Tok::DotDot | Tok::Question | Tok::Colon)
        || matches!(
            p,
            Tok::Dot | Tok::DotDot | Tok::LParen | Tok::LBracket | Tok::LBrace
        )
    {
        return false;
    }
    if matches!(
        pr,
        Role::Prefix | Role::MapSigil | Role::AngleOpen | Role::BarOpen
    ) || matches!(cr, Role::AngleOpen | Role::AngleClose | Role::BarClose)
    {
        return false;
    }
    // `T!E`: a `!` after an operand is the result-type operator.
    if *c == Tok::Bang && ends_operand(p, pr) || *p == Tok::Bang && pr == Role::Plain {
        return false;
    }
    // `f(x)`, `xs[0]`, `if (a)`: keep the source's choice after a word.
    if matches!(c, Tok::LParen | Tok::LBracket) && (ends_operand(p, pr) || matches!(p, Tok::Kw(_)))
    {
        return cur.spaced();
    }
    true
}
