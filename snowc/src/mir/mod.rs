//! MIR: monomorphic functions over typed locals, with closures converted to
//! (function, environment) pairs, pattern matching compiled to decision
//! trees (`match_tree`), and every allocation explicit. Types are concrete
//! `Ty`s (no variables, no generic parameters).

mod checks;
mod lower;
mod lower_actor;
mod lower_iface;
mod lower_loop;
mod lower_match;
mod lower_value;
mod match_tree;
#[cfg(test)]
mod tests;

pub use lower::lower_program;

/// Substitute nothing: make leftover generic parameters `()`.
pub fn concrete(t: &Ty) -> Ty {
    lower::concrete(t, &Default::default())
}

use crate::syntax::ast::BinOp;
use crate::types::tast::Pos;
use crate::types::ty::{AdtDef, Ty};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct FuncId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Local(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Label(pub u32);

#[derive(Clone, Debug)]
pub struct Program {
    pub adts: Vec<AdtDef>,
    pub funcs: Vec<Func>,
    pub entry: Option<FuncId>,
    /// User protocol impls the runtime calls through type descriptors.
    pub hooks: Vec<Hook>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HookKind {
    Display,
    Debug,
    Eq,
    /// `Ord.lt`; the descriptor's comparison is derived from it (and Eq).
    Lt,
    /// `Ord.compare` written by the user.
    Compare,
    Hash,
}

/// `func` implements `kind` for values of `ty`.
#[derive(Clone, Debug)]
pub struct Hook {
    pub ty: Ty,
    pub kind: HookKind,
    pub func: FuncId,
}

#[derive(Clone, Debug)]
pub struct LocalDecl {
    pub name: String,
    pub ty: Ty,
    /// Named in the source (else a compiler temporary; the C names of the
    /// two kinds cannot meet, see `cgen::names`).
    pub user: bool,
}

#[derive(Clone, Debug)]
pub struct Func {
    /// C name, e.g. `Main_fib`, `Main_pair__Int_String`, `Main_main__closure1`.
    pub name: String,
    /// The name a Snow programmer knows it by, with its arity (`fib/1`,
    /// `anonymous fn/1 in main/0`), for runtime reports; empty for
    /// functions the compiler made up.
    pub label: String,
    pub params: Vec<Local>,
    pub ret: Ty,
    pub locals: Vec<LocalDecl>,
    pub body: Vec<Stmt>,
    /// Closure functions take the environment after ctx; `captures` are the
    /// types of the environment fields.
    pub closure: Option<Vec<Ty>>,
    pub pos: Pos,
    /// Contains a tail self-call (emit the entry label).
    pub has_tail_jump: bool,
    /// When this function exists to make `target` a value (a named function
    /// or constructor used as a closure).
    pub is_wrapper: bool,
    /// Called by the runtime with every parameter (at least one) and the
    /// result as a `snow_word` (`void` for `()`): process entries,
    /// terminate blocks, service handlers.
    pub word_abi: bool,
}

#[derive(Clone, Debug)]
pub enum Operand {
    Local(Local),
    Int(i64),
    Float(f64),
    Bool(bool),
    Unit,
    Str(String),
    /// A nullary variant of a concrete sum type (a static object).
    Nullary(Ty, u32),
    /// A function as a value: the static closure of wrapper function `f`
    /// (which has an unused environment parameter).
    FnValue(FuncId, Ty),
}

/// Operations with concrete operand types; the C emitter picks the C form.
#[derive(Clone, Debug)]
pub enum Rv {
    Use(Operand),
    /// Arithmetic or comparison of two values of type `ty`.
    Bin(BinOp, Operand, Operand, Ty, Pos),
    Neg(Operand, Ty),
    Not(Operand),
    Call(FuncId, Vec<Operand>),
    /// Call a closure value of function type `ty`.
    CallClosure(Operand, Vec<Operand>, Ty),
    /// A runtime operation (see `RtOp`).
    Rt(RtOp, Vec<Operand>, Pos),
    /// Allocate a tuple or struct of type `ty` with these field values.
    MakeRecord(Ty, Vec<Operand>),
    /// Allocate variant `tag` of sum type `ty` (payload non-empty).
    MakeVariant(Ty, u32, Vec<Operand>),
    /// Allocate a closure of function `f` (type `ty`) capturing values.
    MakeClosure(FuncId, Ty, Vec<Operand>),
    /// Field `i` of a tuple/struct value of type `ty`.
    Field(Operand, Ty, u32),
    /// Payload field `i` of variant `tag` of a sum value of type `ty`.
    VariantField(Operand, Ty, u32, u32),
    /// The tag of a sum value.
    Tag(Operand),
    /// Capture `i` of the current closure environment.
    EnvField(u32),
    /// The current closure itself (recursive local functions).
    SelfClosure,
}

impl Rv {
    /// A call of the runtime-table entry `module.name` on operands of types
    /// `tys`, giving a `ret`.
    pub fn lib(module: &str, name: &str, ops: Vec<Operand>, tys: Vec<Ty>, ret: Ty, pos: Pos) -> Rv {
        let i = crate::stdlib::entry(module, name);
        Rv::Rt(RtOp::Extern(i, Ty::Fun(tys, Box::new(ret))), ops, pos)
    }
}

/// Runtime operations of the language's own forms (literals, interpolation,
/// loops, `receive`, ...); a stdlib function is an `Extern` call of its
/// runtime-table entry. Argument types are given by `tys` where generic.
#[derive(Clone, Debug)]
pub enum RtOp {
    /// Display-else-Debug of a value of this type (inline for scalars).
    Display(Ty),
    /// Concatenate n strings.
    ConcatN,
    ListLit(Ty),
    /// `[a, b] ++ xs` (true: operands `xs, a, b`) or `xs ++ [a, b]`
    /// (false): the items go straight onto the list, without building the
    /// literal.
    ListAddItems(bool),
    MapLit(Ty),
    /// Element i of a list, unchecked (loop bounds guarantee it).
    ListItem(Ty),
    RangeStart,
    RangeStop,
    /// Stable sort of a `List<T>` (T given) with a comparator closure.
    SortBy(Ty),
    /// Math.abs / min / max on Int or Float.
    Abs(Ty),
    Min(Ty),
    Max(Ty),
    /// The Ordering value of a -1/0/1 comparison.
    OrderingOf,
    /// Entry `i` of `crate::stdlib::RT_FNS`, called at this concrete
    /// function type.
    Extern(usize, Ty),
    /// Processes: spawn with the entry function `f` (word ABI) and its
    /// argument of type `ty`; send / send_after a message of type `ty`; set
    /// the terminate block (function `f`, word ABI).
    Spawn(FuncId, Ty),
    Send(Ty),
    SendAfter(Ty),
    SetTerminate(FuncId),
    /// Receive: the next queued message of type `ty` after handle `seen`
    /// (an Int, 0 when none), its value then read by `RecvValue`; take a
    /// message (its value, now in this heap).
    RecvNext(Ty),
    RecvValue(Ty),
    RecvTake(Ty),
    /// Remove a message without moving it into this heap (its arm bound
    /// only scalars, already read in place).
    RecvDrop,
    /// Services: start with the word-ABI dispatcher `f` and a state of type
    /// `.1`, requests of type `.2`; call (request, reply types); cast.
    ServiceStart(FuncId, Ty, Ty),
    ServiceCall(Ty, Ty),
    ServiceCast(Ty),
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Assign(Local, Rv),
    Eval(Rv),
    If(Operand, Vec<Stmt>, Vec<Stmt>),
    /// `switch` on an Int (a value, or a sum value's tag): the statements
    /// of the case listing it, else the default; no case falls through
    /// into another.
    Switch(Operand, Vec<(Vec<i64>, Vec<Stmt>)>, Vec<Stmt>),
    Goto(Label),
    Label(Label),
    /// `for (;;) { body }` with a preemption check at the back-edge.
    Loop(Vec<Stmt>),
    Break,
    Continue,
    Return(Operand),
    /// Assign the parameters (all values computed first) and jump to the
    /// function's start, with a preemption check.
    TailJump(Vec<Operand>),
    /// Runtime error at a source position.
    Panic(String, Pos),
    /// Source position of the statements that follow (`#line`).
    At(Pos),
    /// The function-entry stack/yield check (see `checks`).
    EntryCheck,
}

impl Stmt {
    /// The statement lists nested directly in this statement.
    pub fn blocks(&self) -> Vec<&[Stmt]> {
        match self {
            Stmt::If(_, a, b) => vec![a, b],
            Stmt::Loop(b) => vec![b],
            Stmt::Switch(_, cases, default) => cases
                .iter()
                .map(|(_, b)| &b[..])
                .chain([&default[..]])
                .collect(),
            _ => vec![],
        }
    }
}
