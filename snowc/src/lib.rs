//! snowc: the Snow compiler.
//!
//! Pipeline (one-way): source text → `syntax` (tokens, AST with spans) →
//! `types` (typed AST) → `mir` (monomorphic, closure-converted, decision
//! trees) → `cgen` (C11 text) → `driver` (C compiler, link with the runtime).

pub mod cgen;
pub mod diag;
pub mod driver;
pub mod fmt;
pub mod lsp;
pub mod mir;
pub mod prelude;
pub mod stack;
pub mod stdlib;
pub mod stdlib_doc;
pub mod syntax;
pub mod types;

use diag::{Diagnostic, SourceMap};

/// Options that affect the generated C.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Emit `#line` directives pointing back at the `.snow` sources.
    pub line_directives: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            line_directives: true,
        }
    }
}

/// The result of compiling Snow sources to C.
#[derive(Clone, Debug)]
pub struct CompileOutput {
    pub c_code: String,
    /// Warnings (compilation succeeded).
    pub warnings: Vec<Diagnostic>,
}

/// Compile every file of `sources` (the entry module is the one named `Main`)
/// to one C translation unit. On failure returns all diagnostics (errors and
/// warnings).
pub fn compile_to_c(
    sources: &SourceMap,
    opts: &CompileOptions,
) -> Result<CompileOutput, Vec<Diagnostic>> {
    let mut all = sources.clone();
    prelude::add_to(&mut all);
    let parsed = syntax::parse_all(&all)?;
    let (typed, warnings) = types::check_program(&all, &parsed)?;
    let program = mir::lower_program(&typed);
    let c_code = cgen::emit_program(&program, &all, opts);
    Ok(CompileOutput { c_code, warnings })
}

/// A type made concrete for code generation (generic leftovers become `()`).
pub(crate) fn mir_concrete(t: &types::ty::Ty) -> types::ty::Ty {
    mir::concrete(t)
}
