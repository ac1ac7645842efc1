//! MIR: monomorphic, closure-converted, explicit allocation.

use crate::types::TypedProgram;

#[derive(Clone, Debug, Default)]
pub struct Program {}

pub fn lower_program(_typed: &TypedProgram) -> Program {
    Program {}
}
