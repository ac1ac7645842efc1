//! Type representation shared by the checker, the typed AST and lowering.

use std::fmt;

/// A unification variable (only during checking).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct TvId(pub u32);

/// A quantified (generic) type parameter. Ids are unique in the whole
/// program, so substitutions of nested generic scopes compose.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct GenId(pub u32);

/// Index into `TypedProgram::adts`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct AdtId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum TyCon {
    Int,
    Float,
    Bool,
    String,
    List,
    Map,
    Set,
    Range,
    Queue,
    /// A parsed JSON document (opaque runtime object).
    Json,
    /// `Pid<M>`; a bare `Pid` is `Pid<Untyped>` with zero args.
    Pid,
    /// A runtime value the language sees only through its functions
    /// (§5.0.1): HTTP, WebSocket and database objects and handles.
    Opaque(Opaque),
    Adt(AdtId),
}

/// The opaque types of the networking and database libraries (ordered
/// as they were declared, like `TyCon`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Opaque {
    /// The HTTP server's values (§5.0.1).
    Router,
    Request,
    Response,
    /// The HTTP client's answer (§5.2 `HTTP.request`).
    HttpReply,
    /// The WebSocket server's values (§5.0.1, ruling 4).
    WsConn,
    WsHandler,
    /// A SQLite connection handle (§5.4).
    SqliteConn,
    /// A PostgreSQL connection handle (§5.5).
    PgConn,
    /// A PostgreSQL connection pool handle (§5.6).
    PoolHandle,
}

impl Opaque {
    pub const ALL: [Opaque; 9] = [
        Opaque::Router,
        Opaque::Request,
        Opaque::Response,
        Opaque::HttpReply,
        Opaque::WsConn,
        Opaque::WsHandler,
        Opaque::SqliteConn,
        Opaque::PgConn,
        Opaque::PoolHandle,
    ];

    /// The type's name in Snow source.
    pub fn name(self) -> &'static str {
        match self {
            Opaque::Router => "Router",
            Opaque::Request => "Request",
            Opaque::Response => "Response",
            Opaque::HttpReply => "HttpReply",
            Opaque::WsConn => "WsConn",
            Opaque::WsHandler => "WsHandler",
            Opaque::SqliteConn => "SqliteConn",
            Opaque::PgConn => "PgConn",
            Opaque::PoolHandle => "PoolHandle",
        }
    }

    pub fn from_name(name: &str) -> Option<Opaque> {
        Opaque::ALL.into_iter().find(|o| o.name() == name)
    }

    /// A connection handle: an integer in a pointer-sized word (the others
    /// point to runtime objects with descriptors of their own).
    pub fn is_handle(self) -> bool {
        matches!(
            self,
            Opaque::WsConn | Opaque::SqliteConn | Opaque::PgConn | Opaque::PoolHandle
        )
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ty {
    Var(TvId),
    Gen(GenId),
    Con(TyCon, Vec<Ty>),
    /// `()` is the empty tuple.
    Tuple(Vec<Ty>),
    Fun(Vec<Ty>, Box<Ty>),
    Never,
}

impl Ty {
    pub fn int() -> Ty {
        Ty::Con(TyCon::Int, vec![])
    }
    pub fn float() -> Ty {
        Ty::Con(TyCon::Float, vec![])
    }
    pub fn bool() -> Ty {
        Ty::Con(TyCon::Bool, vec![])
    }
    pub fn string() -> Ty {
        Ty::Con(TyCon::String, vec![])
    }
    pub fn unit() -> Ty {
        Ty::Tuple(vec![])
    }
    pub fn list(t: Ty) -> Ty {
        Ty::Con(TyCon::List, vec![t])
    }
    pub fn pid(m: Ty) -> Ty {
        Ty::Con(TyCon::Pid, vec![m])
    }
    pub fn is_unit(&self) -> bool {
        matches!(self, Ty::Tuple(v) if v.is_empty())
    }
    /// A value of this type holds no pointer: Int, Float, Bool, Pid, ().
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::Pid, _)
        ) || self.is_unit()
    }
    /// Apply `f` to every direct child type.
    pub fn map_children(&self, f: &mut impl FnMut(&Ty) -> Ty) -> Ty {
        match self {
            Ty::Var(_) | Ty::Gen(_) | Ty::Never => self.clone(),
            Ty::Con(c, args) => Ty::Con(*c, args.iter().map(&mut *f).collect()),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(&mut *f).collect()),
            Ty::Fun(ps, r) => Ty::Fun(ps.iter().map(&mut *f).collect(), Box::new(f(r))),
        }
    }
    /// Replace generic parameters according to `subst`.
    pub fn subst_gen(&self, subst: &dyn Fn(GenId) -> Option<Ty>) -> Ty {
        match self {
            Ty::Gen(g) => subst(*g).unwrap_or_else(|| self.clone()),
            _ => self.map_children(&mut |t| t.subst_gen(subst)),
        }
    }
    pub fn any(&self, pred: &mut impl FnMut(&Ty) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        match self {
            Ty::Var(_) | Ty::Gen(_) | Ty::Never => false,
            Ty::Con(_, a) | Ty::Tuple(a) => a.iter().any(|t| t.any(pred)),
            Ty::Fun(ps, r) => ps.iter().any(|t| t.any(pred)) || r.any(pred),
        }
    }
}

/// Which built-in protocols a user type has, and where they come from.
#[derive(Clone, Debug, Default)]
pub struct Derives {
    pub eq: bool,
    pub ord: bool,
    pub hash: bool,
    pub display: bool,
    pub debug: bool,
    pub json: bool,
    pub row: bool,
}

#[derive(Clone, Debug)]
pub struct VariantDef {
    pub name: String,
    pub fields: Vec<Ty>,
    /// Names of named fields (`None` for positional ones).
    pub field_names: Vec<Option<String>>,
}

#[derive(Clone, Debug)]
pub enum AdtKind {
    Struct { fields: Vec<(String, Ty)> },
    Sum { variants: Vec<VariantDef> },
}

/// A struct or sum type (user-defined or built-in like Option).
#[derive(Clone, Debug)]
pub struct AdtDef {
    /// Base name (`Point`, `Option`).
    pub name: String,
    /// Defining module (`Main`, `Geometry`; `` for built-ins).
    pub module: String,
    /// The type's parameters.
    pub generics: Vec<GenId>,
    pub kind: AdtKind,
    pub derives: Derives,
    /// Show the module prefix in diagnostics (structs in project builds).
    pub qualified: bool,
}

impl AdtDef {
    /// The types of every field (a struct's) or payload (all variants'),
    /// with the type parameters replaced by `args`.
    pub fn field_types(&self, args: &[Ty]) -> Vec<Ty> {
        let sub = |g| {
            self.generics
                .iter()
                .position(|x| *x == g)
                .and_then(|i| args.get(i).cloned())
        };
        match &self.kind {
            AdtKind::Struct { fields } => fields.iter().map(|(_, f)| f.subst_gen(&sub)).collect(),
            AdtKind::Sum { variants } => variants
                .iter()
                .flat_map(|v| v.fields.iter().map(|f| f.subst_gen(&sub)))
                .collect(),
        }
    }

    pub fn is_struct(&self) -> bool {
        matches!(self.kind, AdtKind::Struct { .. })
    }
    pub fn variants(&self) -> &[VariantDef] {
        match &self.kind {
            AdtKind::Sum { variants } => variants,
            AdtKind::Struct { .. } => &[],
        }
    }
    /// A struct's field types, in order (empty for sum types).
    pub fn kind_fields(&self) -> Vec<Ty> {
        match &self.kind {
            AdtKind::Struct { fields } => fields.iter().map(|(_, t)| t.clone()).collect(),
            AdtKind::Sum { .. } => vec![],
        }
    }
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants().iter().position(|v| v.name == name)
    }
}

/// Built-in sum types always occupy these ids.
pub const OPTION: AdtId = AdtId(0);
pub const RESULT: AdtId = AdtId(1);
pub const ORDERING: AdtId = AdtId(2);

/// Formats types for diagnostics (needs ADT names).
pub struct TyDisplay<'a> {
    pub ty: &'a Ty,
    pub adts: &'a [AdtDef],
    pub gen_names: &'a dyn Fn(GenId) -> Option<String>,
}

impl fmt::Display for TyDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn sub<'b>(me: &TyDisplay<'b>, t: &'b Ty) -> TyDisplay<'b> {
            TyDisplay {
                ty: t,
                adts: me.adts,
                gen_names: me.gen_names,
            }
        }
        let list = |f: &mut fmt::Formatter<'_>, ts: &'_ [Ty]| -> fmt::Result {
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}", sub(self, t))?;
            }
            Ok(())
        };
        match self.ty {
            Ty::Var(v) => write!(f, "?{}", v.0),
            Ty::Gen(g) => match (self.gen_names)(*g) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "T{}", g.0),
            },
            Ty::Never => write!(f, "Never"),
            Ty::Tuple(ts) => {
                write!(f, "(")?;
                list(f, ts)?;
                write!(f, ")")
            }
            Ty::Fun(ps, r) => {
                write!(f, "(")?;
                list(f, ps)?;
                write!(f, ") -> {}", sub(self, r))
            }
            Ty::Con(c, args) => {
                let name = match c {
                    TyCon::Int => "Int".to_string(),
                    TyCon::Float => "Float".to_string(),
                    TyCon::Bool => "Bool".to_string(),
                    TyCon::String => "String".to_string(),
                    TyCon::List => "List".to_string(),
                    TyCon::Map => "Map".to_string(),
                    TyCon::Set => "Set".to_string(),
                    TyCon::Range => "Range".to_string(),
                    TyCon::Queue => "Queue".to_string(),
                    TyCon::Json => "Json".to_string(),
                    TyCon::Pid => "Pid".to_string(),
                    TyCon::Opaque(o) => o.name().to_string(),
                    TyCon::Adt(id) => {
                        let a = &self.adts[id.0 as usize];
                        if a.qualified {
                            format!("{}.{}", a.module, a.name)
                        } else {
                            a.name.clone()
                        }
                    }
                };
                write!(f, "{name}")?;
                if !args.is_empty() {
                    write!(f, "<")?;
                    list(f, args)?;
                    write!(f, ">")?;
                }
                Ok(())
            }
        }
    }
}

/// A readable mangled name of a concrete type.
pub fn mangle(t: &Ty, adts: &[AdtDef]) -> String {
    match t {
        Ty::Con(c, args) => {
            let mut s = match c {
                TyCon::Adt(id) => {
                    let a = &adts[id.0 as usize];
                    if a.module.is_empty() {
                        a.name.clone()
                    } else {
                        format!("{}_{}", a.module.replace('.', "_"), a.name)
                    }
                }
                other => format!("{other:?}"),
            };
            for a in args {
                s.push('_');
                s.push_str(&mangle(a, adts));
            }
            c_ident(&s)
        }
        Ty::Tuple(ts) if ts.is_empty() => "Unit".into(),
        Ty::Tuple(ts) => format!(
            "Tup{}",
            ts.iter()
                .map(|x| format!("_{}", mangle(x, adts)))
                .collect::<String>()
        ),
        Ty::Fun(ps, r) => format!(
            "Fn{}_to_{}",
            ps.iter()
                .map(|x| format!("_{}", mangle(x, adts)))
                .collect::<String>(),
            mangle(r, adts)
        ),
        _ => "Unit".into(),
    }
}

/// Replace every character a C identifier cannot hold by `_`.
pub fn c_ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Index into `TypedProgram::ifaces`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct IfaceId(pub u32);

impl IfaceId {
    /// Declared in the program (not one of `BUILTIN_IFACES`).
    pub fn is_user(self) -> bool {
        self.0 as usize >= BUILTIN_IFACES.len()
    }
}

/// The built-in interfaces occupy the first ids, in this order.
pub const BUILTIN_IFACES: &[&str] = &[
    "Display", "Debug", "Eq", "Ord", "Hash", "Default", "Add", "Sub", "Mul", "Div", "Mod", "Not",
];
pub const DISPLAY: IfaceId = IfaceId(0);
pub const DEBUG: IfaceId = IfaceId(1);
pub const EQ: IfaceId = IfaceId(2);
pub const ORD: IfaceId = IfaceId(3);
pub const HASH: IfaceId = IfaceId(4);
pub const DEFAULT: IfaceId = IfaceId(5);

/// An interface (trait).
#[derive(Clone, Debug)]
pub struct IfaceDef {
    pub name: String,
    pub module: String,
    /// `Self` in the method signatures.
    pub self_gen: GenId,
    pub methods: Vec<IfaceMethodDef>,
}

#[derive(Clone, Debug)]
pub struct IfaceMethodDef {
    pub name: String,
    /// The method's type, `Self` being `Gen(self_gen)`.
    pub ty: Ty,
    /// Takes `self` first (else a static method like `default`).
    pub has_self: bool,
    /// The default body: a function generic over `Self` (its first and only
    /// generic parameter).
    pub default: Option<super::tast::FnId>,
}

/// `impl Iface for Target`.
#[derive(Clone, Debug)]
pub struct ImplInfo {
    pub iface: IfaceId,
    pub target: TyCon,
    /// The impl's type parameters: the target's arguments, in order. Each
    /// method function is generic over exactly these.
    pub generics: Vec<GenId>,
    pub methods: Vec<(String, super::tast::FnId)>,
}
