//! The declarations of a file, read from its syntax tree: the outline
//! (document symbols), where a module's items are (go to definition) and
//! its public functions (completion).

use crate::syntax::ast::{Item, Param, ServiceMember, Span, Stmt, StmtKind};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Fn,
    Struct,
    SumType,
    Alias,
    Interface,
    Impl,
    Module,
    Actor,
    Service,
    Supervisor,
    Field,
    Variant,
    Method,
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub name: String,
    pub kind: Kind,
    pub is_pub: bool,
    pub name_span: Span,
    pub span: Span,
    /// A short description (`fn add(a, b)`).
    pub detail: String,
    pub children: Vec<Decl>,
}

fn decl(name: &crate::syntax::ast::Name, kind: Kind, span: Span, detail: String) -> Decl {
    Decl {
        name: name.text.clone(),
        kind,
        is_pub: false,
        name_span: name.span,
        span,
        detail,
        children: Vec::new(),
    }
}

fn params(ps: &[Param]) -> String {
    let names: Vec<&str> = ps
        .iter()
        .map(|p| match p {
            Param::Plain { name, .. } => name.text.as_str(),
            Param::Pattern(_) => "_",
        })
        .collect();
    format!("({})", names.join(", "))
}

/// The declarations of a block, in order (consecutive clauses of one
/// function are one declaration).
pub fn decls(stmts: &[Stmt]) -> Vec<Decl> {
    let mut out: Vec<Decl> = Vec::new();
    for st in stmts {
        let StmtKind::Item(item) = &st.kind else {
            continue;
        };
        let d = match item {
            Item::Fn(f) => {
                let ps = params(f.params.as_deref().unwrap_or(&[]));
                let same = out
                    .last()
                    .is_some_and(|l| l.kind == Kind::Fn && l.name == f.name.text);
                if same {
                    if let Some(l) = out.last_mut() {
                        l.span = l.span.to(f.span);
                    }
                    continue;
                }
                Decl {
                    is_pub: f.is_pub,
                    ..decl(&f.name, Kind::Fn, f.span, format!("fn {}{ps}", f.name.text))
                }
            }
            Item::Struct(s) => Decl {
                is_pub: s.is_pub,
                children: s
                    .fields
                    .iter()
                    .map(|f| decl(&f.name, Kind::Field, f.span, String::new()))
                    .collect(),
                ..decl(&s.name, Kind::Struct, s.span, "struct".into())
            },
            Item::SumType(s) => Decl {
                is_pub: s.is_pub,
                children: s
                    .variants
                    .iter()
                    .map(|v| decl(&v.name, Kind::Variant, v.span, String::new()))
                    .collect(),
                ..decl(&s.name, Kind::SumType, s.span, "type".into())
            },
            Item::TypeAlias(a) => Decl {
                is_pub: a.is_pub,
                ..decl(&a.name, Kind::Alias, a.span, "type alias".into())
            },
            Item::Interface(i) => Decl {
                is_pub: i.is_pub,
                children: i
                    .methods
                    .iter()
                    .map(|m| decl(&m.name, Kind::Method, m.span, String::new()))
                    .collect(),
                ..decl(&i.name, Kind::Interface, i.span, "interface".into())
            },
            Item::Impl(i) => {
                let path = |p: &crate::syntax::ast::Path| {
                    let segs: Vec<&str> = p.segments.iter().map(|s| s.text.as_str()).collect();
                    segs.join(".")
                };
                let name = format!("impl {} for {}", path(&i.interface), path(&i.target));
                Decl {
                    name,
                    kind: Kind::Impl,
                    is_pub: false,
                    name_span: i.interface.span,
                    span: i.span,
                    detail: String::new(),
                    children: decls(&i.body.stmts),
                }
            }
            Item::Module(m) => Decl {
                is_pub: m.is_pub,
                children: decls(&m.body.stmts),
                ..decl(&m.name, Kind::Module, m.span, "module".into())
            },
            Item::Actor(a) => decl(
                &a.name,
                Kind::Actor,
                a.span,
                format!("actor {}{}", a.name.text, params(&a.params)),
            ),
            Item::Service(s) => Decl {
                children: s
                    .members
                    .iter()
                    .map(|m| match m {
                        ServiceMember::Fn(f) => decl(&f.name, Kind::Fn, f.span, String::new()),
                        ServiceMember::Call(h) => {
                            decl(&h.name, Kind::Method, h.span, "call".into())
                        }
                        ServiceMember::Cast(h) => {
                            decl(&h.name, Kind::Method, h.span, "cast".into())
                        }
                    })
                    .collect(),
                ..decl(&s.name, Kind::Service, s.span, "service".into())
            },
            Item::Supervisor(s) => Decl {
                is_pub: s.is_pub,
                ..decl(&s.name, Kind::Supervisor, s.span, "supervisor".into())
            },
            Item::Import(_) | Item::FromImport(_) => continue,
        };
        out.push(d);
    }
    out
}

/// The declaration at `path` (`["Shape", "Circle"]`: a variant of a type;
/// `["Inner", "f"]`: a function of an inline module).
pub fn find<'a>(decls: &'a [Decl], path: &[&str]) -> Option<&'a Decl> {
    let (first, rest) = path.split_first()?;
    let d = decls
        .iter()
        .find(|d| d.name == *first && d.kind != Kind::Impl)?;
    if rest.is_empty() {
        Some(d)
    } else {
        find(&d.children, rest)
    }
}
