//! What each token does where it stands, as far as layout cares: a `-` that
//! negates, a `<` that opens type arguments, the `|` around a trailing
//! closure's parameters, the `fn` that opens an arrow closure.

use super::trivia::Atom;
use crate::syntax::token::{Kw, Tok};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Plain,
    /// Prefix `-` or `!`.
    Prefix,
    /// `<` / `>` around type arguments or type parameters.
    AngleOpen,
    AngleClose,
    /// `|` before / after a trailing closure's parameters.
    BarOpen,
    BarClose,
    /// `%` of a map literal `%{`.
    MapSigil,
    /// A `fn` that starts a closure closed by `end` (arrow form).
    ArrowFn,
    /// A `fn` that starts a closure whose first clause has a `do` body.
    DoFn,
}

/// Roles of `atoms`, one each.
pub fn roles(atoms: &[Atom]) -> Vec<Role> {
    let mut out = vec![Role::Plain; atoms.len()];
    let mut angles: Vec<usize> = Vec::new();
    let mut bar_open: Option<usize> = None;
    let mut depth = 0usize;
    for i in 0..atoms.len() {
        let a = &atoms[i];
        let prev = i.checked_sub(1).map(|p| (&atoms[p], out[p]));
        let role = match &a.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => {
                depth += 1;
                Role::Plain
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                depth = depth.saturating_sub(1);
                angles.retain(|&d| d <= depth);
                Role::Plain
            }
            // At the start of a statement line (outside brackets, where line
            // breaks count) a `-` cannot continue the previous line.
            Tok::Minus | Tok::Bang
                if !prev.is_some_and(|(p, r)| ends_operand(&p.tok, r))
                    || depth == 0 && a.newlines_before() > 0 =>
            {
                Role::Prefix
            }
            Tok::Lt if !a.spaced() && opens_angle(atoms, i) => {
                angles.push(depth);
                Role::AngleOpen
            }
            Tok::Gt if angles.last() == Some(&depth) => {
                angles.pop();
                Role::AngleClose
            }
            Tok::Bar if bar_open == Some(depth) => {
                bar_open = None;
                Role::BarClose
            }
            Tok::Bar if prev.is_some_and(|(p, _)| p.tok == Tok::Kw(Kw::Do)) => {
                bar_open = Some(depth);
                Role::BarOpen
            }
            // `%` before `{` is always a map literal's (`x % {…}` means nothing).
            Tok::Percent if atoms.get(i + 1).is_some_and(|n| n.tok == Tok::LBrace) => {
                Role::MapSigil
            }
            Tok::Kw(Kw::Fn) if is_closure(atoms, &out, i) => closure_kind(atoms, i),
            _ => Role::Plain,
        };
        out[i] = role;
    }
    out
}

/// Can the token end an operand (so a following `-` is binary)?
pub fn ends_operand(t: &Tok, role: Role) -> bool {
    match t {
        Tok::Ident(_) | Tok::Int(_) | Tok::Float(_) | Tok::StrStart => true,
        Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::Question => true,
        Tok::Kw(Kw::True | Kw::False | Kw::Nil | Kw::SelfKw | Kw::End) => true,
        Tok::Gt => role == Role::AngleClose,
        _ => false,
    }
}

/// `List<`, `Map<` (a capitalised name) or the name after `fn`/`struct`/...
fn opens_angle(atoms: &[Atom], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|p| &atoms[p]) else {
        return false;
    };
    let Tok::Ident(name) = &prev.tok else {
        return false;
    };
    if name.starts_with(|c: char| c.is_uppercase()) {
        return true;
    }
    i >= 2
        && matches!(
            atoms[i - 2].tok,
            Tok::Kw(Kw::Fn | Kw::Def | Kw::Struct | Kw::Type | Kw::Interface)
        )
}

/// A `fn` in expression position (not a definition's `fn`).
fn is_closure(atoms: &[Atom], roles: &[Role], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|p| &atoms[p]) else {
        return false;
    };
    if matches!(
        prev.tok,
        Tok::Semi | Tok::Kw(Kw::Do | Kw::Pub | Kw::End | Kw::Else)
    ) {
        return false;
    }
    let continues = !ends_operand(&prev.tok, roles[i - 1])
        && (prev.tok.punct_text().is_some()
            || matches!(
                prev.tok,
                Tok::Kw(Kw::Return | Kw::And | Kw::Or | Kw::Not | Kw::In)
            ));
    atoms[i].newlines_before() == 0 || continues
}

/// Arrow closures (`fn x -> … end`) own their `end`; `fn x do … end` leaves
/// it to the `do`.
fn closure_kind(atoms: &[Atom], i: usize) -> Role {
    let mut depth = 0usize;
    for a in &atoms[i + 1..] {
        match a.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Tok::Arrow if depth == 0 => return Role::ArrowFn,
            Tok::Kw(Kw::Do) if depth == 0 => return Role::DoFn,
            Tok::Kw(Kw::End) | Tok::Eof => break,
            _ => {}
        }
    }
    Role::ArrowFn
}
