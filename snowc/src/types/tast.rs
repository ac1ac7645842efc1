//! The typed AST: the checker's output and lowering's input.
//!
//! Every name is resolved (locals, functions, constructors, built-ins), every
//! node has its final type (generic code mentions `Ty::Gen`), multi-clause
//! functions and closures are single-bodied with a `Match` over their
//! parameters, and purely syntactic sugar is gone.

use super::ty::{AdtDef, AdtId, GenId, IfaceDef, IfaceId, ImplInfo, Ty};
use crate::diag::FileId;
use crate::syntax::ast::{BinOp, Span};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct LocalId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct FnId(pub u32);

/// A source position: file and span.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Pos {
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: String,
    pub ty: Ty,
}

/// A top-level (or module-level) named function after checking.
#[derive(Clone, Debug)]
pub struct TFn {
    /// Qualified readable name: `Main.fib`, `Geometry.area`.
    pub name: String,
    /// The function's generic parameters (instantiated by `FnRef::inst`).
    pub generics: Vec<GenId>,
    pub params: Vec<LocalId>,
    pub ret: Ty,
    pub body: TExpr,
    pub pos: Pos,
    /// For an actor: its message type and terminate block.
    pub actor: Option<Box<TActor>>,
}

#[derive(Clone, Debug)]
pub struct TActor {
    /// `M` of the actor's `Pid<M>`.
    pub msg: Ty,
    pub terminate: Option<TExpr>,
}

/// What a `Match` does when no arm matches.
#[derive(Clone, Debug)]
pub enum MatchFail {
    /// Panic with this message.
    Panic(&'static str),
    /// No clause of the function being built matched its arguments: the
    /// panic names the function and shows the arguments (Debug).
    Clauses,
}

#[derive(Clone, Debug, Default)]
pub struct TypedProgram {
    pub adts: Vec<AdtDef>,
    pub ifaces: Vec<IfaceDef>,
    pub impls: Vec<ImplInfo>,
    pub fns: Vec<TFn>,
    pub locals: Vec<LocalInfo>,
    /// The entry point `main` (of module `Main`).
    pub main: Option<FnId>,
}

impl TypedProgram {
    pub fn local(&self, id: LocalId) -> &LocalInfo {
        &self.locals[id.0 as usize]
    }
    pub fn adt(&self, id: AdtId) -> &AdtDef {
        &self.adts[id.0 as usize]
    }
}

#[derive(Clone, Debug)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: Ty,
    pub pos: Pos,
}

/// The special forms of the standard library (see `crate::stdlib` for why
/// each is not a runtime-table entry), and the table's entries.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Builtin {
    /// Display-else-Debug of any value (`to_string`, interpolation).
    ToString,
    /// Debug of any value.
    Inspect,
    /// FNV-1a hash of any value (chapter 03 §3.2.7).
    Hash,
    /// `Math.abs/min/max` on Int or Float.
    MathAbs,
    MathMin,
    MathMax,
    /// `Tuple.first/second/nth/size` (typed by the checker per arity).
    TupleFirst,
    TupleSecond,
    TupleNth,
    TupleSize,
    /// `List.sort(xs, cmp)`: a merge sort in generated C calling `cmp`.
    ListSort,
    /// `compare(a, b)` → Ordering
    Compare,
    /// `self()`, `spawn(actor(args))` (its one argument is the call of the
    /// actor), `send(pid, msg)`, `link(pid)`, `Timer.send_after(pid, ms, msg)`.
    SelfPid,
    Spawn,
    Send,
    Link,
    SendAfter,
    /// Services and supervisors (made by desugaring): `__service_start(handle,
    /// state)`, `__service_call(pid, request)`, `__service_cast`,
    /// `__service_reply(value)`, `__supervise(strategy, max_restarts,
    /// max_seconds, children, name)`, `__sup_child(name, start, restart,
    /// shutdown)`.
    ServiceStart,
    ServiceCall,
    ServiceCast,
    ServiceReply,
    Supervise,
    SupChild,
    /// `Job.async(f)`, `Job.await(job)`, `Job.await_timeout(job, ms)`.
    JobAsync,
    JobAwait,
    JobAwaitTimeout,
    /// Entry `i` of `crate::stdlib::RT_FNS`.
    Rt(u16),
}

#[derive(Clone, Debug)]
pub enum Lit {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    Unit,
}

#[derive(Clone, Debug)]
pub enum TStrPart {
    Text(String),
    /// Converted with Display-else-Debug.
    Value(TExpr),
}

#[derive(Clone, Debug)]
pub enum TExprKind {
    Lit(Lit),
    /// A local variable; `inst` instantiates a let-polymorphic binding's
    /// generics (empty for monomorphic locals).
    Local(LocalId, Vec<Ty>),
    /// A named function as a value or callee, with its instantiation.
    FnRef(FnId, Vec<Ty>),
    Builtin(Builtin),
    /// Interface method `method` of `iface` for receiver type `self_ty`;
    /// lowering picks the impl (or the default body, or the built-in
    /// behaviour) for the concrete type.
    Method {
        iface: IfaceId,
        method: u32,
        self_ty: Ty,
    },
    /// A constructor as a value: nullary variants are values, others
    /// functions. `ty` of the node is the instantiated type.
    Ctor(AdtId, u32),
    Call {
        callee: Box<TExpr>,
        args: Vec<TExpr>,
    },
    Tuple(Vec<TExpr>),
    List(Vec<TExpr>),
    Map(Vec<(TExpr, TExpr)>),
    /// Fields in source order as (field index, value).
    StructLit {
        adt: AdtId,
        fields: Vec<(u32, TExpr)>,
    },
    Field {
        base: Box<TExpr>,
        index: u32,
    },
    /// Arithmetic, comparison, equality on `operand` type; `and`/`or` are
    /// short-circuit; `Concat` on String or List; `Range` builds a Range.
    Binary {
        op: BinOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    Neg(Box<TExpr>),
    Not(Box<TExpr>),
    Interp(Vec<TStrPart>),
    If {
        cond: Box<TExpr>,
        then_e: Box<TExpr>,
        else_e: Box<TExpr>,
    },
    /// Match several scrutinees at once (one for `case`, the parameters of
    /// a multi-clause function). Arms are tried in order.
    Match {
        scrutinees: Vec<TExpr>,
        arms: Vec<TArm>,
        /// What to do when nothing matches.
        fail: MatchFail,
    },
    Block(Vec<TStmt>),
    Closure(Box<TClosure>),
    Return(Box<TExpr>),
    Break,
    Continue,
    While {
        cond: Box<TExpr>,
        body: Box<TExpr>,
    },
    /// `for binds in source [when filter] do body end`: the list of body
    /// values.
    For {
        source: ForSource,
        binds: Vec<LocalId>,
        filter: Option<Box<TExpr>>,
        body: Box<TExpr>,
    },
    /// `x?` on an Option (`is_result == false`) or Result.
    Try {
        expr: Box<TExpr>,
        is_result: bool,
    },
    /// Selective receive of messages of type `msg` (one pattern per arm).
    Receive {
        msg: Ty,
        arms: Vec<TArm>,
        after: Option<(Box<TExpr>, Box<TExpr>)>,
    },
}

/// What a `for` loop iterates.
#[derive(Clone, Debug)]
pub enum ForSource {
    /// `a..b` written in the header: no Range value is built.
    Span(Box<TExpr>, Box<TExpr>),
    /// A `Range` value.
    Range(Box<TExpr>),
    List(Box<TExpr>),
    /// Binds the key, or key and value.
    Map(Box<TExpr>),
    Set(Box<TExpr>),
}

impl ForSource {
    pub fn exprs_mut(&mut self) -> Vec<&mut TExpr> {
        match self {
            ForSource::Span(a, b) => vec![a, b],
            ForSource::Range(e) | ForSource::List(e) | ForSource::Map(e) | ForSource::Set(e) => {
                vec![e]
            }
        }
    }
    pub fn exprs(&self) -> Vec<&TExpr> {
        match self {
            ForSource::Span(a, b) => vec![a, b],
            ForSource::Range(e) | ForSource::List(e) | ForSource::Map(e) | ForSource::Set(e) => {
                vec![e]
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct TArm {
    pub pats: Vec<TPat>,
    pub guard: Option<TExpr>,
    pub body: TExpr,
}

#[derive(Clone, Debug)]
pub struct TClosure {
    pub params: Vec<LocalId>,
    pub ret: Ty,
    pub body: TExpr,
    /// For local named functions: the local the body uses to refer to the
    /// closure itself (recursion).
    pub self_local: Option<LocalId>,
}

#[derive(Clone, Debug)]
pub enum TStmt {
    /// `let local = value` with let-polymorphism: `generics` are the
    /// binding's quantified parameters (instantiated at each `Local` use).
    Let {
        local: LocalId,
        generics: Vec<GenId>,
        value: TExpr,
    },
    /// `let pattern = value` (irrefutable, already checked).
    LetPat {
        pat: TPat,
        value: TExpr,
    },
    Expr(TExpr),
}

#[derive(Clone, Debug)]
pub struct TPat {
    pub kind: TPatKind,
    pub ty: Ty,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum TPatKind {
    Wild,
    Bind(LocalId),
    Lit(Lit),
    Tuple(Vec<TPat>),
    /// Variant `variant` of sum type `adt`.
    Ctor {
        adt: AdtId,
        variant: u32,
        args: Vec<TPat>,
    },
    /// Non-empty list: head and tail.
    Cons(Box<TPat>, Box<TPat>),
    Or(Vec<TPat>),
    /// `p as x`
    As(Box<TPat>, LocalId),
}

/// The direct sub-expressions of an expression, by `&` (`children!(e,)`)
/// or `&mut` (`children!(e, mut)`).
macro_rules! children {
    ($e:expr, $($m:tt)?) => {{
        let mut out = Vec::new();
        match & $($m)? $e.kind {
            TExprKind::Lit(_)
            | TExprKind::Local(..)
            | TExprKind::FnRef(..)
            | TExprKind::Builtin(_)
            | TExprKind::Method { .. }
            | TExprKind::Ctor(..)
            | TExprKind::Break
            | TExprKind::Continue => {}
            TExprKind::Call { callee, args } => {
                out.push(& $($m)? **callee);
                for a in args {
                    out.push(a);
                }
            }
            TExprKind::Tuple(xs) | TExprKind::List(xs) => {
                for x in xs {
                    out.push(x);
                }
            }
            TExprKind::Map(kvs) => {
                for (k, v) in kvs {
                    out.push(k);
                    out.push(v);
                }
            }
            TExprKind::StructLit { fields, .. } => {
                for (_, v) in fields {
                    out.push(v);
                }
            }
            TExprKind::Field { base: x, .. }
            | TExprKind::Neg(x)
            | TExprKind::Not(x)
            | TExprKind::Return(x)
            | TExprKind::Try { expr: x, .. } => out.push(& $($m)? **x),
            TExprKind::Binary { lhs, rhs, .. } => {
                out.push(& $($m)? **lhs);
                out.push(& $($m)? **rhs);
            }
            TExprKind::Interp(parts) => {
                for p in parts {
                    if let TStrPart::Value(x) = p {
                        out.push(x);
                    }
                }
            }
            TExprKind::If {
                cond,
                then_e,
                else_e,
            } => {
                out.push(& $($m)? **cond);
                out.push(& $($m)? **then_e);
                out.push(& $($m)? **else_e);
            }
            TExprKind::Match {
                scrutinees, arms, ..
            } => {
                for x in scrutinees {
                    out.push(x);
                }
                for a in arms {
                    if let Some(g) = & $($m)? a.guard {
                        out.push(g);
                    }
                    out.push(& $($m)? a.body);
                }
            }
            TExprKind::Receive { arms, after, .. } => {
                for a in arms {
                    if let Some(g) = & $($m)? a.guard {
                        out.push(g);
                    }
                    out.push(& $($m)? a.body);
                }
                if let Some((t, b)) = after {
                    out.push(& $($m)? **t);
                    out.push(& $($m)? **b);
                }
            }
            TExprKind::Block(stmts) => {
                for s in stmts {
                    match s {
                        TStmt::Expr(x)
                        | TStmt::Let { value: x, .. }
                        | TStmt::LetPat { value: x, .. } => out.push(x),
                    }
                }
            }
            TExprKind::Closure(c) => out.push(& $($m)? c.body),
            TExprKind::While { cond, body } => {
                out.push(& $($m)? **cond);
                out.push(& $($m)? **body);
            }
            TExprKind::For {
                source,
                filter,
                body,
                ..
            } => {
                match source {
                    ForSource::Span(a, b) => {
                        out.push(& $($m)? **a);
                        out.push(& $($m)? **b);
                    }
                    ForSource::Range(x)
                    | ForSource::List(x)
                    | ForSource::Map(x)
                    | ForSource::Set(x) => out.push(& $($m)? **x),
                }
                if let Some(f) = filter {
                    out.push(& $($m)? **f);
                }
                out.push(& $($m)? **body);
            }
        }
        out
    }};
}

impl TExpr {
    /// The direct sub-expressions, mutably.
    pub fn children_mut(&mut self) -> Vec<&mut TExpr> {
        children!(self, mut)
    }

    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&TExpr> {
        children!(self,)
    }

    /// Apply `f` to this expression and every sub-expression (pre-order).
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut TExpr)) {
        f(self);
        for c in self.children_mut() {
            c.walk_mut(f);
        }
    }
}
