//! Compact S-expression rendering of the AST, so tests can compare strings.

use crate::syntax::ast::*;

fn list(head: &str, items: impl IntoIterator<Item = String>) -> String {
    let mut s = format!("({head}");
    for it in items {
        s.push(' ');
        s.push_str(&it);
    }
    s.push(')');
    s
}

pub fn file(f: &File) -> String {
    f.stmts.iter().map(stmt).collect::<Vec<_>>().join(" ")
}

pub fn block(b: &Block) -> String {
    list("do", b.stmts.iter().map(stmt))
}

pub fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Item(it) => item(it),
        StmtKind::Let { pat, ty: t, value } => {
            let mut v = vec![pattern(pat)];
            if let Some(t) = t {
                v.push(ty(t));
            }
            v.push(expr(value));
            list("let", v)
        }
        StmtKind::Expr(e) => expr(e),
    }
}

fn path(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| s.text.clone())
        .collect::<Vec<_>>()
        .join(".")
}

fn names(ns: &[Name]) -> String {
    list("", ns.iter().map(|n| n.text.clone())).replacen("( ", "(", 1)
}

fn param(p: &Param) -> String {
    match p {
        Param::Plain { name, ty: None } => name.text.clone(),
        Param::Plain { name, ty: Some(t) } => format!("{}::{}", name.text, ty(t)),
        Param::Pattern(p) => pattern(p),
    }
}

fn params(ps: &[Param]) -> String {
    list("", ps.iter().map(param)).replacen("( ", "(", 1)
}

fn bounds(bs: &[Bound]) -> Vec<String> {
    bs.iter()
        .map(|b| format!("{}:{}", b.param.text, path(&b.interface)))
        .collect()
}

pub fn fn_def(f: &FnDef) -> String {
    let mut v = vec![f.name.text.clone()];
    if f.is_pub {
        v.push("pub".into());
    }
    if !f.generics.is_empty() {
        v.push(format!("<{}>", names(&f.generics)));
    }
    if let Some(ps) = &f.params {
        v.push(params(ps));
    }
    if let Some(r) = &f.ret {
        v.push(format!("-> {}", ty(r)));
    }
    if !f.where_clause.is_empty() {
        v.push(list("where", bounds(&f.where_clause)));
    }
    if let Some(g) = &f.guard {
        v.push(list("when", [expr(g)]));
    }
    v.push(match &f.body {
        FnBody::Expr(e) => format!("= {}", expr(e)),
        FnBody::Block(b) => block(b),
    });
    list("fn", v)
}

fn deriving(d: &Option<Deriving>) -> Vec<String> {
    d.iter()
        .map(|d| list("deriving", d.names.iter().map(|n| n.text.clone())))
        .collect()
}

fn item(it: &Item) -> String {
    match it {
        Item::Fn(f) => fn_def(f),
        Item::Struct(s) => {
            let mut v = vec![s.name.text.clone()];
            if s.is_pub {
                v.push("pub".into());
            }
            if !s.generics.is_empty() {
                v.push(format!("<{}>", names(&s.generics)));
            }
            v.extend(
                s.fields
                    .iter()
                    .map(|f| format!("{}::{}", f.name.text, ty(&f.ty))),
            );
            v.extend(deriving(&s.deriving));
            list("struct", v)
        }
        Item::SumType(s) => {
            let mut v = vec![s.name.text.clone()];
            if s.is_pub {
                v.push("pub".into());
            }
            if !s.generics.is_empty() {
                v.push(format!("<{}>", names(&s.generics)));
            }
            for var in &s.variants {
                let fs = var.fields.iter().map(|f| match &f.name {
                    Some(n) => format!("{}::{}", n.text, ty(&f.ty)),
                    None => ty(&f.ty),
                });
                v.push(list(&var.name.text, fs));
            }
            v.extend(deriving(&s.deriving));
            list("sumtype", v)
        }
        Item::TypeAlias(a) => {
            let mut v = vec![a.name.text.clone()];
            if a.is_pub {
                v.push("pub".into());
            }
            if !a.generics.is_empty() {
                v.push(format!("<{}>", names(&a.generics)));
            }
            v.push(ty(&a.ty));
            list("alias", v)
        }
        Item::Interface(d) => {
            let mut v = vec![d.name.text.clone()];
            if d.is_pub {
                v.push("pub".into());
            }
            if !d.generics.is_empty() {
                v.push(format!("<{}>", names(&d.generics)));
            }
            for m in &d.methods {
                let mut mv = vec![m.name.text.clone()];
                if let Some(ps) = &m.params {
                    mv.push(params(ps));
                }
                if let Some(r) = &m.ret {
                    mv.push(format!("-> {}", ty(r)));
                }
                if let Some(b) = &m.default_body {
                    mv.push(block(b));
                }
                v.push(list("method", mv));
            }
            list("interface", v)
        }
        Item::Impl(d) => {
            let mut v = vec![path(&d.interface)];
            if !d.interface_args.is_empty() {
                v.push(list("", d.interface_args.iter().map(ty)).replacen("( ", "<", 1));
            }
            v.push("for".into());
            v.push(path(&d.target));
            if !d.where_clause.is_empty() {
                v.push(list("where", bounds(&d.where_clause)));
            }
            v.push(block(&d.body));
            list("impl", v)
        }
        Item::Module(m) => {
            let mut v = vec![m.name.text.clone()];
            if m.is_pub {
                v.push("pub".into());
            }
            v.push(block(&m.body));
            list("module", v)
        }
        Item::Import(d) => list("import", [path(&d.path)]),
        Item::FromImport(d) => {
            let mut v = vec![path(&d.path)];
            v.extend(d.names.iter().map(|n| n.text.clone()));
            list("from", v)
        }
        Item::Actor(a) => {
            let mut v = vec![a.name.text.clone(), params(&a.params), block(&a.body)];
            if let Some(t) = &a.terminate {
                v.push(list("terminate", [block(t)]));
            }
            list("actor", v)
        }
        Item::Service(s) => {
            let mut v = vec![s.name.text.clone()];
            for m in &s.members {
                v.push(match m {
                    ServiceMember::Fn(f) => fn_def(f),
                    ServiceMember::Call(h) => handler("call", h),
                    ServiceMember::Cast(h) => handler("cast", h),
                });
            }
            list("service", v)
        }
        Item::Supervisor(s) => {
            let mut v = vec![s.name.text.clone()];
            if s.is_pub {
                v.push("pub".into());
            }
            for e in &s.entries {
                v.push(match e {
                    SupEntry::Strategy(n) => format!("strategy:{}", n.text),
                    SupEntry::MaxRestarts(n, _) => format!("max_restarts:{n}"),
                    SupEntry::MaxSeconds(n, _) => format!("max_seconds:{n}"),
                    SupEntry::Child(c) => {
                        let es = c.entries.iter().map(|e| match e {
                            ChildEntry::Start(x) => format!("start:{}", expr(x)),
                            ChildEntry::Restart(n) => format!("restart:{}", n.text),
                            ChildEntry::ShutdownMs(n, _) => format!("shutdown:{n}"),
                            ChildEntry::ShutdownName(n) => format!("shutdown:{}", n.text),
                        });
                        list(&format!("child {}", c.name.text), es)
                    }
                });
            }
            list("supervisor", v)
        }
    }
}

fn handler(kind: &str, h: &Handler) -> String {
    let mut v = vec![h.name.text.clone(), params(&h.params)];
    if let Some(r) = &h.reply {
        v.push(format!(":: {}", ty(r)));
    }
    if let Some(s) = &h.state {
        v.push(format!("|{}|", s.text));
    }
    v.push(block(&h.body));
    list(kind, v)
}

fn binop(op: BinOp) -> &'static str {
    use BinOp::*;
    match op {
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Mod => "%",
        Eq => "==",
        Ne => "!=",
        Lt => "<",
        Gt => ">",
        Le => "<=",
        Ge => ">=",
        And => "and",
        Or => "or",
        Concat => "<>",
        Range => "..",
    }
}

fn arm(a: &Arm) -> String {
    let mut v = vec![pattern(&a.pattern)];
    if let Some(g) = &a.guard {
        v.push(list("when", [expr(g)]));
    }
    v.push(expr(&a.body));
    list("arm", v)
}

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(parts) => {
            if let [StrPart::Text(t)] = parts.as_slice() {
                return format!("{t:?}");
            }
            list(
                "str",
                parts.iter().map(|p| match p {
                    StrPart::Text(t) => format!("{t:?}"),
                    StrPart::Interp(e) => expr(e),
                }),
            )
        }
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Nil => "nil".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Tuple(es) => list("tuple", es.iter().map(expr)),
        ExprKind::List(es) => list("list", es.iter().map(expr)),
        ExprKind::Map(es) => list(
            "map",
            es.iter().map(|(k, v)| format!("({} {})", expr(k), expr(v))),
        ),
        ExprKind::Binary(op, a, b) => list(binop(*op), [expr(a), expr(b)]),
        ExprKind::Unary(UnOp::Neg, a) => list("neg", [expr(a)]),
        ExprKind::Unary(UnOp::Not, a) => list("not", [expr(a)]),
        ExprKind::Call { callee, args } => list(
            "call",
            std::iter::once(expr(callee)).chain(args.iter().map(expr)),
        ),
        ExprKind::Field { base, name } => list(".", [expr(base), name.text.clone()]),
        ExprKind::Index { base, index } => list("index", [expr(base), expr(index)]),
        ExprKind::Try(a) => list("?", [expr(a)]),
        ExprKind::StructLit { name, fields } => list(
            "struct",
            std::iter::once(expr(name)).chain(
                fields
                    .iter()
                    .map(|(n, v)| format!("({} {})", n.text, expr(v))),
            ),
        ),
        ExprKind::If {
            cond,
            then_block,
            else_block,
        } => {
            let mut v = vec![expr(cond), block(then_block)];
            if let Some(b) = else_block {
                v.push(block(b));
            }
            list("if", v)
        }
        ExprKind::Case { scrutinee, arms } => list(
            "case",
            std::iter::once(expr(scrutinee)).chain(arms.iter().map(arm)),
        ),
        ExprKind::Closure(c) => list(
            "fn",
            c.clauses.iter().map(|cl| {
                let mut v = vec![params(&cl.params)];
                if let Some(g) = &cl.guard {
                    v.push(list("when", [expr(g)]));
                }
                v.push(block(&cl.body));
                list("clause", v)
            }),
        ),
        ExprKind::While { cond, body } => list("while", [expr(cond), block(body)]),
        ExprKind::For {
            binder,
            iter,
            filter,
            body,
        } => {
            let b = match binder {
                ForBinder::Name(n) => n.text.clone(),
                ForBinder::Braced(ns) => format!("{{{}}}", names(ns)),
            };
            let mut v = vec![b, expr(iter)];
            if let Some(f) = filter {
                v.push(list("when", [expr(f)]));
            }
            v.push(block(body));
            list("for", v)
        }
        ExprKind::Break => "break".into(),
        ExprKind::Continue => "continue".into(),
        ExprKind::Return(None) => "(return)".into(),
        ExprKind::Return(Some(v)) => list("return", [expr(v)]),
        ExprKind::Receive { arms, after } => {
            let mut v: Vec<String> = arms.iter().map(arm).collect();
            if let Some((t, b)) = after {
                v.push(list("after", [expr(t), expr(b)]));
            }
            list("receive", v)
        }
        ExprKind::SelfPid => "(self)".into(),
        ExprKind::SelfValue => "self".into(),
        ExprKind::Spawn(a) => list("spawn", a.iter().map(expr)),
        ExprKind::Send(a) => list("send", a.iter().map(expr)),
        ExprKind::Link(a) => list("link", a.iter().map(expr)),
        ExprKind::Block(b) => block(b),
    }
}

pub fn pattern(p: &Pattern) -> String {
    match &p.kind {
        PatternKind::Wild => "_".into(),
        PatternKind::Ident(s) => s.clone(),
        PatternKind::Int(n) => n.to_string(),
        PatternKind::Float(f) => format!("{f:?}"),
        PatternKind::Str(s) => format!("{s:?}"),
        PatternKind::Bool(b) => b.to_string(),
        PatternKind::Nil => "nil".into(),
        PatternKind::Tuple(ps) => list("tuple", ps.iter().map(pattern)),
        PatternKind::Ctor {
            qualifier,
            name,
            args,
        } => {
            let n = match qualifier {
                Some(q) => {
                    let q: Vec<&str> = q.segments.iter().map(|s| s.text.as_str()).collect();
                    format!("{}.{}", q.join("."), name.text)
                }
                None => name.text.clone(),
            };
            match args {
                None => list("ctor", [n]),
                Some(a) => list("ctor", std::iter::once(n).chain(a.iter().map(pattern))),
            }
        }
        PatternKind::Cons(h, t) => list("cons", [pattern(h), pattern(t)]),
        PatternKind::Or(ps) => list("or", ps.iter().map(pattern)),
        PatternKind::As(p, n) => list("as", [pattern(p), n.text.clone()]),
    }
}

pub fn ty(t: &Type) -> String {
    match &t.kind {
        TypeKind::Named { path: p, args } if args.is_empty() => path(p),
        TypeKind::Named { path: p, args } => list(&path(p), args.iter().map(ty)),
        TypeKind::Tuple(ts) => list("tuple", ts.iter().map(ty)),
        TypeKind::Fun(ps, r) => list(
            "Fun",
            [list("", ps.iter().map(ty)).replacen("( ", "(", 1), ty(r)],
        ),
        TypeKind::Option(a) => list("opt", [ty(a)]),
        TypeKind::Result(a, b) => list("result", [ty(a), ty(b)]),
    }
}
