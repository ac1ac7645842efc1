//! The parser's nom error type: a token position plus either a set of
//! expected things or a dedicated message.

use nom::error::{ErrorKind, ParseError};

use super::input::Input;
use crate::syntax::ast::Span;

#[derive(Clone, Debug)]
pub struct PErr {
    /// Index of the offending token.
    pub pos: usize,
    /// Span of the offending token (or of the construct a dedicated message
    /// is about).
    pub span: Span,
    /// What would have been accepted here ("expression", "`end`", …).
    pub expected: Vec<String>,
    /// A dedicated message replacing "expected …, found …".
    pub custom: Option<String>,
    /// A related location, e.g. the `do` that is never closed.
    pub secondary: Option<(Span, String)>,
    /// Rarely present parts, boxed to keep the error small.
    pub extra: Option<Box<Extra>>,
}

#[derive(Clone, Debug, Default)]
pub struct Extra {
    /// A `Help:` line for a mistake with a known remedy.
    pub help: Option<String>,
    /// One more related location (the `end` a block took from its parent).
    pub tertiary: Option<(Span, String)>,
}

impl PErr {
    pub fn expected(i: Input, what: impl Into<String>) -> PErr {
        PErr {
            pos: i.pos(),
            span: i.span(),
            expected: vec![what.into()],
            custom: None,
            secondary: None,
            extra: None,
        }
    }
    pub fn custom(i: Input, span: Span, msg: impl Into<String>) -> PErr {
        PErr {
            pos: i.pos(),
            span,
            expected: Vec::new(),
            custom: Some(msg.into()),
            secondary: None,
            extra: None,
        }
    }
    pub fn with_secondary(mut self, span: Span, msg: impl Into<String>) -> PErr {
        self.secondary = Some((span, msg.into()));
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> PErr {
        self.extra.get_or_insert_with(Box::default).help = Some(help.into());
        self
    }
}

impl<'a> ParseError<Input<'a>> for PErr {
    fn from_error_kind(input: Input<'a>, _kind: ErrorKind) -> Self {
        PErr {
            pos: input.pos(),
            span: input.span(),
            expected: Vec::new(),
            custom: None,
            secondary: None,
            extra: None,
        }
    }
    fn append(_: Input<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }
    /// Keep the error that got furthest; at a tie, prefer a dedicated message,
    /// else merge the expectations.
    fn or(self, other: Self) -> Self {
        use std::cmp::Ordering::*;
        match self.pos.cmp(&other.pos) {
            Greater => self,
            Less => other,
            Equal if self.custom.is_some() => self,
            Equal if other.custom.is_some() => other,
            Equal => {
                let mut merged = self;
                for e in other.expected {
                    if !merged.expected.contains(&e) {
                        merged.expected.push(e);
                    }
                }
                merged
            }
        }
    }
}

/// "a", "a or b", "a, b or c".
pub fn join_expected(items: &[String]) -> String {
    match items {
        [] => "something".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}
