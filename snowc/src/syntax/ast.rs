//! The untyped syntax tree produced by the parser.
//!
//! Every node carries a `Span` (byte offsets into its source file). Expressions
//! and patterns also carry a `NodeId`, unique within one parse, that later
//! stages may use as a key. Desugarings that are purely syntactic are done by
//! the parser: pipes (`a |> f(b)` becomes `f(a, b)`), trailing closures (an
//! extra last argument), `match` (= `case`), `def` (= `fn`), `&&`/`||`/`!`
//! (= `and`/`or`/`not`), `(e)` grouping and `(T)` in types.

use std::fmt;

/// Byte range `[start, end)` in one source file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Unique (per parsed file) id of an expression or pattern node.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// An identifier occurrence.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// `A.B.C`: a dotted path (module paths, qualified type names, interface names).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Path {
    pub segments: Vec<Name>,
    pub span: Span,
}

/// One parsed `.snow` file: a block that ends at EOF.
#[derive(Clone, Debug)]
pub struct File {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A statement sequence; its value is its last expression statement.
#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Item(Item),
    /// `let pat [:: ty] = value`. `pat` is a `Bind`, `Wild` or `Tuple` pattern.
    Let {
        pat: Pattern,
        ty: Option<Type>,
        value: Expr,
    },
    /// An expression statement (includes statement-level `return`, which is
    /// parsed as `ExprKind::Return`).
    Expr(Expr),
}

#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Item {
    Fn(FnDef),
    Struct(StructDef),
    SumType(SumTypeDef),
    TypeAlias(TypeAliasDef),
    Interface(InterfaceDef),
    Impl(ImplDef),
    Module(ModuleDef),
    Import(ImportDecl),
    FromImport(FromImportDecl),
    Actor(ActorDef),
    Service(ServiceDef),
    Supervisor(SupervisorDef),
}

/// `[pub] fn name<T>(params) -> R where T: I when guard = expr` / `do block end`.
/// One clause; consecutive same-name clauses are grouped by the type checker.
#[derive(Clone, Debug)]
pub struct FnDef {
    pub is_pub: bool,
    pub name: Name,
    pub generics: Vec<Name>,
    /// `None` when the parameter list is omitted entirely (`fn banner do`).
    pub params: Option<Vec<Param>>,
    pub ret: Option<Type>,
    pub where_clause: Vec<Bound>,
    pub guard: Option<Expr>,
    pub body: FnBody,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum FnBody {
    /// `= expr`
    Expr(Expr),
    /// `do block end`
    Block(Block),
}

/// A function or closure parameter, classified by the first-token rule.
#[derive(Clone, Debug)]
pub enum Param {
    /// `name [:: Type]` (also `self`, with text "self").
    Plain { name: Name, ty: Option<Type> },
    /// A pattern parameter (literal, `_`, tuple, constructor, ...).
    Pattern(Pattern),
}

/// `T: Path` in a `where` clause.
#[derive(Clone, Debug)]
pub struct Bound {
    pub param: Name,
    pub interface: Path,
    pub span: Span,
}

/// `deriving(A, B)`; `None` on the def when no clause is written.
#[derive(Clone, Debug)]
pub struct Deriving {
    pub names: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub is_pub: bool,
    pub name: Name,
    pub generics: Vec<Name>,
    pub fields: Vec<FieldDef>,
    pub deriving: Option<Deriving>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: Name,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SumTypeDef {
    pub is_pub: bool,
    pub name: Name,
    pub generics: Vec<Name>,
    pub variants: Vec<VariantDef>,
    pub deriving: Option<Deriving>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VariantDef {
    pub name: Name,
    /// Empty for nullary variants (`Tick`) and for `V()`.
    pub fields: Vec<VariantField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VariantField {
    /// `Some` for named fields (`w :: Float`).
    pub name: Option<Name>,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TypeAliasDef {
    pub is_pub: bool,
    pub name: Name,
    pub generics: Vec<Name>,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct InterfaceDef {
    pub is_pub: bool,
    pub name: Name,
    pub generics: Vec<Name>,
    pub methods: Vec<MethodSig>,
    pub span: Span,
}

/// `fn name(params) -> R [do default body end]` inside an interface.
#[derive(Clone, Debug)]
pub struct MethodSig {
    pub name: Name,
    /// Simple parameters only (`self` or `name [:: T]`); `None` if omitted.
    pub params: Option<Vec<Param>>,
    pub ret: Option<Type>,
    pub default_body: Option<Block>,
    pub span: Span,
}

/// `impl Iface<Args> for Target where ... do block end`.
#[derive(Clone, Debug)]
pub struct ImplDef {
    pub interface: Path,
    pub interface_args: Vec<Type>,
    pub target: Path,
    pub where_clause: Vec<Bound>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ModuleDef {
    pub is_pub: bool,
    pub name: Name,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ImportDecl {
    pub path: Path,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FromImportDecl {
    pub path: Path,
    pub names: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ActorDef {
    pub name: Name,
    /// Simple parameters; empty for `actor a do` and `actor a() do`.
    pub params: Vec<Param>,
    /// The body without the terminate block.
    pub body: Block,
    pub terminate: Option<Block>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ServiceDef {
    pub name: Name,
    pub members: Vec<ServiceMember>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ServiceMember {
    Fn(FnDef),
    Call(Handler),
    Cast(Handler),
}

/// `call Name(params) :: Reply do |state| block end` (cast: no reply type).
#[derive(Clone, Debug)]
pub struct Handler {
    pub name: Name,
    pub params: Vec<Param>,
    pub reply: Option<Type>,
    pub state: Option<Name>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SupervisorDef {
    pub is_pub: bool,
    pub name: Name,
    pub entries: Vec<SupEntry>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum SupEntry {
    Strategy(Name),
    MaxRestarts(i64, Span),
    MaxSeconds(i64, Span),
    Child(ChildSpec),
}

#[derive(Clone, Debug)]
pub struct ChildSpec {
    pub name: Name,
    pub entries: Vec<ChildEntry>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ChildEntry {
    Start(Expr),
    Restart(Name),
    /// `shutdown: 5000`
    ShutdownMs(i64, Span),
    /// `shutdown: brutal_kill` (any identifier; checked semantically)
    ShutdownName(Name),
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug)]
pub struct Expr {
    pub id: NodeId,
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    And,
    Or,
    /// `<>` and `++` (synonyms)
    Concat,
    /// `..`
    Range,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Debug)]
pub enum StrPart {
    /// Literal text, escapes already decoded.
    Text(String),
    /// `${expr}`
    Interp(Expr),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    /// A string literal; a literal without interpolation has a single `Text`
    /// part (or none when empty).
    Str(Vec<StrPart>),
    Bool(bool),
    /// `nil` (the unit value); `()` is `Tuple(vec![])`.
    Nil,
    /// A bare identifier (variable, function, constructor, module name).
    Name(String),
    /// `()` (empty) or `(a, b, ...)` with at least two elements.
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    /// `callee(args)`; pipes and trailing closures are already folded in.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `base.name`
    Field {
        base: Box<Expr>,
        name: Name,
    },
    /// `base[index]` (rejected by the checker)
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `e?`
    Try(Box<Expr>),
    /// `Name { f: e, ... }`; `name` is whatever expression preceded the `{`.
    StructLit {
        name: Box<Expr>,
        fields: Vec<(Name, Expr)>,
    },
    /// `if c do a else b end`; `else if` chains nest in `else_`.
    If {
        cond: Box<Expr>,
        then_block: Block,
        else_block: Option<Block>,
    },
    Case {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
    },
    Closure(Closure),
    While {
        cond: Box<Expr>,
        body: Block,
    },
    For {
        binder: ForBinder,
        iter: Box<Expr>,
        filter: Option<Box<Expr>>,
        body: Block,
    },
    Break,
    Continue,
    Return(Option<Box<Expr>>),
    Receive {
        arms: Vec<Arm>,
        /// `after timeout -> body`
        after: Option<(Box<Expr>, Box<Expr>)>,
    },
    /// `self()`
    SelfPid,
    /// A bare `self` (the receiver parameter).
    SelfValue,
    Spawn(Vec<Expr>),
    Send(Vec<Expr>),
    Link(Vec<Expr>),
    /// A block as an expression (never parsed; made by desugaring).
    Block(Block),
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ForBinder {
    /// `for x in ...` (may be `_`)
    Name(Name),
    /// `for {k, v} in ...`
    Braced(Vec<Name>),
}

/// `fn ... end`: one or more clauses.
#[derive(Clone, Debug)]
pub struct Closure {
    pub clauses: Vec<ClosureClause>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClosureClause {
    pub params: Vec<Param>,
    pub guard: Option<Expr>,
    /// Arrow bodies are wrapped in a one-statement block.
    pub body: Block,
    pub span: Span,
}

// ---------------------------------------------------------------- patterns

#[derive(Clone, Debug)]
pub struct Pattern {
    pub id: NodeId,
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatternKind {
    Wild,
    /// A bare identifier: a binding, or a nullary constructor in scope
    /// (decided by the checker).
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Nil,
    /// `()` or `(p1, p2, ...)`; `(p)` is just `p`.
    Tuple(Vec<Pattern>),
    /// `V(p...)`, `T.V(p...)`, `T.V`, `M.T.V(p...)`. `qualifier` is the
    /// path before the variant (`T`, `M.T`, `A.B.T`) when written.
    /// `args` is `None` when no parentheses were written (`T.V`).
    Ctor {
        qualifier: Option<Path>,
        name: Name,
        args: Option<Vec<Pattern>>,
    },
    /// `head :: tail`
    Cons(Box<Pattern>, Box<Pattern>),
    /// `p1 | p2 | ...`
    Or(Vec<Pattern>),
    /// `p as name`
    As(Box<Pattern>, Name),
}

// ---------------------------------------------------------------- types

#[derive(Clone, Debug)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `Int`, `Geo.Point`, `Map<K, V>`, `T`
    Named { path: Path, args: Vec<Type> },
    /// `()` (empty) or `(A, B, ...)`; `(T)` is just `T`.
    Tuple(Vec<Type>),
    /// `Fun(A, B) -> R`
    Fun(Vec<Type>, Box<Type>),
    /// `T?`
    Option(Box<Type>),
    /// `T!E`
    Result(Box<Type>, Box<Type>),
}
