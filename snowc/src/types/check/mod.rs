//! The type checker: name resolution and Hindley–Milner inference over the
//! AST, producing the typed AST.

mod actors;
mod annot;
mod decls;
mod desugar;
mod dups;
pub mod errors;
mod expr;
mod fns;
mod hints;
mod ifaces;
pub mod index;
mod modules;
mod names;
mod pat;
mod pat_path;
mod scope;
mod values;
mod zonk;

use std::collections::HashMap;

use super::tast::{FnId, LocalId, LocalInfo, Pos, TFn, TypedProgram};
use super::ty::{AdtDef, AdtId, GenId, IfaceDef, IfaceId, ImplInfo, Ty};
use super::unify::Subst;
use crate::diag::{Diagnostic, FileId, SourceMap};
use crate::syntax::ast::{self, Span};
use crate::syntax::ParsedFile;
pub use desugar::snake;
pub use errors::{MatchCheck, MatchKind};
pub use scope::{TypeRes, ValueRes};

/// Built-in protocols that operators and conversions require.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Trait {
    /// `+ - * / %` (Add, Sub, ... collapsed: all are Int/Float only)
    Num(&'static str),
    Eq,
    Ord,
    /// Display-else-Debug (interpolation, `to_string`)
    Show,
    Debug,
    /// `<>` / `++`: String or List
    Concat,
    /// unary minus: Int or Float
    Neg,
    /// A user (or built-in) interface.
    Iface(IfaceId),
    /// JSON-serialisable (§3.16.2): `Json.encode`'s argument.
    Json,
}

/// A deferred requirement `ty: trait`.
#[derive(Clone, Debug)]
pub struct Obligation {
    pub ty: Ty,
    pub tr: Trait,
    pub pos: Pos,
}

/// What is known about a function during and after inference.
pub struct FnInfo {
    pub name: String,
    pub module: String,
    /// Generic parameters once generalised (declared ones included).
    pub gens: Vec<GenId>,
    /// Its type: monomorphic while its SCC is being inferred.
    pub ty: Ty,
    /// Requirements on its generic parameters, re-checked per use.
    pub constraints: Vec<(Ty, Trait)>,
    /// True once generalised (uses instantiate `gens`).
    pub done: bool,
    pub body: Option<TFn>,
}

pub struct Checker<'a> {
    pub sources: &'a SourceMap,
    pub diags: Vec<Diagnostic>,
    pub sub: Subst,
    pub adts: Vec<AdtDef>,
    pub fns: Vec<FnInfo>,
    pub locals: Vec<LocalInfo>,
    pub scopes: scope::Scopes,
    /// Names to show for generic parameters in diagnostics.
    pub gen_names: HashMap<GenId, String>,
    /// Current file (for positions).
    pub file: FileId,
    /// Function contexts (return type, loop depth), innermost last.
    pub fn_ctx: Vec<FnCtx>,
    pub obligations: Vec<Obligation>,
    /// Matches whose exhaustiveness is checked once types are known.
    pub match_checks: Vec<errors::MatchCheck>,
    pub ifaces: Vec<IfaceDef>,
    pub impls: Vec<ImplInfo>,
    /// Interface bounds of generic parameters (`where T: I`, `Self`).
    pub bounds: HashMap<GenId, Vec<IfaceId>>,
    /// The traits named in each type's explicit `deriving` clause.
    pub explicit_derives: HashMap<AdtId, Vec<String>>,
    /// The type of `self` in the method being checked.
    pub cur_self: Option<Ty>,
    /// The expected function type of the closure being checked (from the
    /// parameter it is passed to), so its body sees its parameter types.
    pub closure_hint: Option<Ty>,
    /// Several user files (a project build): struct names in diagnostics
    /// carry their module prefix.
    pub project: bool,
    /// Set by `infer_group` for an actor: the next function context pushed
    /// (its body's) is that actor's.
    pub pending_actor: Option<ActorCtx>,
    /// Actors (and supervisors, which are actors) by function.
    pub actors: HashMap<FnId, ast::Span>,
    /// Types standing for expressions already reported as errors: a
    /// follow-up error about them would be a cascade.
    pub poisoned: Vec<Ty>,
    /// Editor records (`check_program_indexed` only).
    pub index: Option<std::cell::RefCell<index::Recorder>>,
}

pub struct FnCtx {
    pub ret: Ty,
    pub loops: u32,
    /// The enclosing actor body (closures inside it inherit it).
    pub actor: Option<ActorCtx>,
}

/// What `self()`, `receive` and self-calls see inside an actor body.
#[derive(Clone, Debug)]
pub struct ActorCtx {
    pub id: FnId,
    /// The message type `M` of `Pid<M>`.
    pub msg: Ty,
    pub params: Vec<Ty>,
    /// Inside the terminate block: `receive` is not allowed.
    pub in_terminate: bool,
}

impl<'a> Checker<'a> {
    pub fn pos(&self, span: Span) -> Pos {
        Pos {
            file: self.file,
            span,
        }
    }

    pub fn new_local(&mut self, name: &str, ty: Ty) -> LocalId {
        self.locals.push(LocalInfo {
            name: name.to_string(),
            ty,
        });
        LocalId(self.locals.len() as u32 - 1)
    }
}

/// What checking gives: the typed program and its warnings, or every
/// diagnostic when there are errors.
pub type Checked = Result<(TypedProgram, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Check a whole program.
pub fn check_program(sources: &SourceMap, files: &[ParsedFile]) -> Checked {
    check(sources, files, false).0
}

/// Check a whole program and record, for an editor, the type of each
/// expression of the user files and what each name refers to (recorded
/// even when there are errors).
pub fn check_program_indexed(sources: &SourceMap, files: &[ParsedFile]) -> (Checked, index::Index) {
    let (checked, index) = check(sources, files, true);
    (checked, index.unwrap_or_default())
}

fn check(
    sources: &SourceMap,
    files: &[ParsedFile],
    indexed: bool,
) -> (Checked, Option<index::Index>) {
    let mut ck = Checker {
        sources,
        diags: Vec::new(),
        sub: Subst::default(),
        adts: Vec::new(),
        fns: Vec::new(),
        locals: Vec::new(),
        scopes: scope::Scopes::default(),
        gen_names: HashMap::new(),
        file: FileId(0),
        fn_ctx: Vec::new(),
        obligations: Vec::new(),
        match_checks: Vec::new(),
        ifaces: Vec::new(),
        impls: Vec::new(),
        bounds: HashMap::new(),
        explicit_derives: HashMap::new(),
        cur_self: None,
        closure_hint: None,
        project: sources
            .files
            .iter()
            .filter(|f| !f.path.starts_with("<prelude>"))
            .count()
            > 1,
        pending_actor: None,
        actors: HashMap::new(),
        poisoned: Vec::new(),
        index: None,
    };
    if indexed {
        ck.enable_index();
    }
    let files: Vec<ParsedFile> = files
        .iter()
        .map(|f| desugar::file(f, &mut ck.diags))
        .collect();
    let files = &files[..];
    decls::register_builtin_adts(&mut ck);
    ifaces::register_builtin_ifaces(&mut ck);
    let main = decls::check_files(&mut ck, files);
    ck.finish_obligations();
    ck.run_match_checks();
    ck.check_actor_calls();
    let program = zonk::finish(&mut ck, main);
    let index = ck.take_index();
    let (errors, warnings): (Vec<_>, Vec<_>) = ck.diags.into_iter().partition(|d| d.is_error());
    // Past a "nesting is too deep" error the checker saw only part of the
    // expression: what it says about the rest is noise.
    if let Some(d) = errors.iter().find(|d| d.header == crate::stack::TOO_DEEP) {
        return (Err(vec![d.clone()]), index);
    }
    let checked = if errors.is_empty() {
        Ok((program, warnings))
    } else {
        let mut all = errors;
        all.extend(warnings);
        Err(all)
    };
    (checked, index)
}
