//! Names mentioned by a function body (for the dependency order of
//! top-level functions). Over-approximates: shadowing is ignored.

use crate::syntax::ast::{Block, Expr, ExprKind, FnBody, FnDef, Item, StmtKind, StrPart};

pub fn fn_names(f: &FnDef, out: &mut Vec<String>) {
    if let Some(g) = &f.guard {
        expr(g, out);
    }
    match &f.body {
        FnBody::Expr(e) => expr(e, out),
        FnBody::Block(b) => block(b, out),
    }
}

fn block(b: &Block, out: &mut Vec<String>) {
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let { value, .. } => expr(value, out),
            StmtKind::Expr(e) => expr(e, out),
            StmtKind::Item(Item::Fn(f)) => fn_names(f, out),
            StmtKind::Item(_) => {}
        }
    }
}

/// `A` or `A.B.C` written as names only.
fn dotted(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Field { base, name } => Some(format!("{}.{}", dotted(base)?, name.text)),
        _ => None,
    }
}

fn expr(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Nil
        | ExprKind::Break
        | ExprKind::Continue
        | ExprKind::SelfPid
        | ExprKind::SelfValue => {}
        ExprKind::Str(parts) => {
            for p in parts {
                if let StrPart::Interp(x) = p {
                    expr(x, out);
                }
            }
        }
        ExprKind::Tuple(xs)
        | ExprKind::List(xs)
        | ExprKind::Spawn(xs)
        | ExprKind::Send(xs)
        | ExprKind::Link(xs) => xs.iter().for_each(|x| expr(x, out)),
        ExprKind::Map(kvs) => kvs.iter().for_each(|(k, v)| {
            expr(k, out);
            expr(v, out)
        }),
        ExprKind::Binary(_, a, b) | ExprKind::Index { base: a, index: b } => {
            expr(a, out);
            expr(b, out)
        }
        ExprKind::Unary(_, a) | ExprKind::Try(a) => expr(a, out),
        ExprKind::Call { callee, args } => {
            expr(callee, out);
            args.iter().for_each(|x| expr(x, out))
        }
        ExprKind::Field { base, name } => {
            // `M.f` or `Outer.Inner.f` may name a function of another module.
            if let Some(m) = dotted(base) {
                out.push(format!("{m}.{}", name.text));
            }
            expr(base, out)
        }
        ExprKind::StructLit { name, fields } => {
            expr(name, out);
            fields.iter().for_each(|(_, x)| expr(x, out))
        }
        ExprKind::If {
            cond,
            then_block,
            else_block,
        } => {
            expr(cond, out);
            block(then_block, out);
            if let Some(b) = else_block {
                block(b, out)
            }
        }
        ExprKind::Case { scrutinee, arms } => {
            expr(scrutinee, out);
            for a in arms {
                if let Some(g) = &a.guard {
                    expr(g, out)
                }
                expr(&a.body, out)
            }
        }
        ExprKind::Block(b) => block(b, out),
        ExprKind::Receive { arms, after } => {
            for a in arms {
                if let Some(g) = &a.guard {
                    expr(g, out)
                }
                expr(&a.body, out)
            }
            if let Some((t, b)) = after {
                expr(t, out);
                expr(b, out)
            }
        }
        ExprKind::Closure(c) => {
            for cl in &c.clauses {
                if let Some(g) = &cl.guard {
                    expr(g, out)
                }
                block(&cl.body, out)
            }
        }
        ExprKind::While { cond, body } => {
            expr(cond, out);
            block(body, out)
        }
        ExprKind::For {
            iter, filter, body, ..
        } => {
            expr(iter, out);
            if let Some(f) = filter {
                expr(f, out)
            }
            block(body, out)
        }
        ExprKind::Return(x) => {
            if let Some(x) = x {
                expr(x, out)
            }
        }
    }
}
