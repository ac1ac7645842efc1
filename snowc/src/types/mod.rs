//! Type checking: AST to typed AST.

pub mod builtins;
pub mod check;
pub mod exhaust;
pub mod tast;
pub mod ty;
pub mod unify;

pub use check::{check_program, check_program_indexed};
pub use tast::TypedProgram;

#[cfg(test)]
mod tests;
