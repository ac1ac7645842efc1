//! Services and supervisors become ordinary declarations before checking:
//!
//! * `service S` becomes a module `S` with a request sum type (one variant
//!   per handler), `start`, one client function per handler, and a
//!   `__handle(state, request)` dispatcher, built on the runtime's service
//!   calls (`__service_start/call/cast/reply`).
//! * `supervisor S` becomes an actor `S()` whose body is one
//!   `__supervise(strategy, max_restarts, max_seconds, [children], name)`
//!   call.
//!
//! Syntactic errors (handler names, settings) are reported here; types are
//! checked on the result like any user code.

use crate::diag::{Diagnostic, FileId};
use crate::syntax::ast::*;

pub const REQUEST: &str = "Request__";

/// The names a desugared service declares for its callers (`start`, the
/// client functions, the request variants), empty for another module.
/// They are reachable only qualified (`S.start`): inside the handlers a
/// bare name means what it means in the enclosing file.
pub fn service_api_names(body: &[Stmt]) -> Vec<String> {
    let mut out = Vec::new();
    let mut service = false;
    for st in body {
        match &st.kind {
            StmtKind::Item(Item::SumType(t)) if t.name.text == REQUEST => {
                service = true;
                out.extend(t.variants.iter().map(|v| v.name.text.clone()));
            }
            StmtKind::Item(Item::Fn(f)) if f.is_pub => out.push(f.name.text.clone()),
            _ => {}
        }
    }
    if !service {
        out.clear();
    }
    out
}

pub fn file(
    f: &crate::syntax::ParsedFile,
    diags: &mut Vec<Diagnostic>,
) -> crate::syntax::ParsedFile {
    let mut out = f.clone();
    let mut d = Desugar {
        file: f.file,
        diags,
    };
    d.stmts(&mut out.ast.stmts);
    out
}

struct Desugar<'a> {
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

fn name(text: &str, span: Span) -> Name {
    Name {
        text: text.to_string(),
        span,
    }
}

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr {
        id: NodeId(u32::MAX),
        kind,
        span,
    }
}

fn var(text: &str, span: Span) -> Expr {
    expr(ExprKind::Name(text.to_string()), span)
}

fn call(f: &str, args: Vec<Expr>, span: Span) -> Expr {
    expr(
        ExprKind::Call {
            callee: Box::new(var(f, span)),
            args,
        },
        span,
    )
}

fn int(n: i64, span: Span) -> Expr {
    expr(ExprKind::Int(n), span)
}

fn pat(kind: PatternKind, span: Span) -> Pattern {
    Pattern {
        id: NodeId(u32::MAX),
        kind,
        span,
    }
}

fn stmt(kind: StmtKind, span: Span) -> Stmt {
    Stmt { kind, span }
}

fn ty_named(text: &str, span: Span) -> Type {
    Type {
        kind: TypeKind::Named {
            path: Path {
                segments: vec![name(text, span)],
                span,
            },
            args: vec![],
        },
        span,
    }
}

fn plain(n: &str, ty: Option<Type>, span: Span) -> Param {
    Param::Plain {
        name: name(n, span),
        ty,
    }
}

#[allow(clippy::too_many_arguments)]
fn fn_def(
    is_pub: bool,
    n: &str,
    params: Vec<Param>,
    ret: Option<Type>,
    body: Vec<Stmt>,
    span: Span,
) -> Stmt {
    stmt(
        StmtKind::Item(Item::Fn(FnDef {
            is_pub,
            name: name(n, span),
            generics: vec![],
            params: Some(params),
            ret,
            where_clause: vec![],
            guard: None,
            body: FnBody::Block(Block { stmts: body, span }),
            span,
        })),
        span,
    )
}

/// `GetCount` → `get_count`, `IOStat` → `i_o_stat` (spec §4.5).
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

impl Desugar<'_> {
    fn error(&mut self, code: &str, msg: String, span: Span, label: &str) {
        self.diags
            .push(Diagnostic::error(Some(code), msg).with_primary(
                self.file,
                span,
                label.to_string(),
            ));
    }

    fn stmts(&mut self, stmts: &mut [Stmt]) {
        for st in stmts.iter_mut() {
            let StmtKind::Item(item) = &mut st.kind else {
                continue;
            };
            let new = match item {
                Item::Service(s) => Some(Item::Module(self.service(s))),
                Item::Supervisor(s) => Some(Item::Actor(self.supervisor(s))),
                Item::Module(m) => {
                    self.stmts(&mut m.body.stmts);
                    None
                }
                _ => None,
            };
            if let Some(n) = new {
                *item = n;
            }
        }
    }

    fn service(&mut self, s: &ServiceDef) -> ModuleDef {
        let sp = s.span;
        let mut init: Option<&FnDef> = None;
        let mut handlers: Vec<(&Handler, bool)> = Vec::new();
        for m in &s.members {
            match m {
                ServiceMember::Fn(f) if f.name.text == "init" && init.is_none() => init = Some(f),
                ServiceMember::Fn(f) => self.error(
                    "E0041",
                    format!(
                        "unexpected function `{}` in service `{}`: only `init` is allowed",
                        f.name.text, s.name.text
                    ),
                    f.name.span,
                    "not `init`",
                ),
                ServiceMember::Call(h) => handlers.push((h, true)),
                ServiceMember::Cast(h) => handlers.push((h, false)),
            }
        }
        let mut seen: Vec<(String, Span)> = Vec::new();
        for (h, is_call) in &handlers {
            let sn = snake(&h.name.text);
            if h.name.text == "Start" || sn == "start" {
                self.error(
                    "E0041",
                    format!(
                        "a service handler cannot be named `{}`: `{}.start` starts the service",
                        h.name.text, s.name.text
                    ),
                    h.name.span,
                    "reserved name",
                );
            }
            if let Some((_, prev)) = seen.iter().find(|(n, _)| *n == sn) {
                let prev = *prev;
                self.diags.push(
                    Diagnostic::error(
                        Some("E0041"),
                        format!(
                            "handlers of service `{}` clash: both are `{}.{sn}`",
                            s.name.text, s.name.text
                        ),
                    )
                    .with_primary(self.file, h.name.span, "this handler")
                    .with_secondary(
                        self.file,
                        prev,
                        "same client function name as this one",
                    ),
                );
            }
            seen.push((sn, h.name.span));
            for p in &h.params {
                if !matches!(p, Param::Plain { ty: Some(_), .. }) {
                    let sp = match p {
                        Param::Plain { name, .. } => name.span,
                        Param::Pattern(p) => p.span,
                    };
                    self.error(
                        "E0041",
                        format!(
                            "parameters of service handler `{}` need a type: `name :: Type`",
                            h.name.text
                        ),
                        sp,
                        "no type annotation",
                    );
                }
            }
            if *is_call && h.reply.is_none() {
                self.error(
                    "E0041",
                    format!(
                        "call handler `{}` needs a reply type: `call {}(...) :: Type do`",
                        h.name.text, h.name.text
                    ),
                    h.name.span,
                    "no reply type",
                );
            }
        }
        let mut body = Vec::new();
        // The request type: one variant per handler carrying its arguments.
        body.push(stmt(
            StmtKind::Item(Item::SumType(SumTypeDef {
                is_pub: false,
                name: name(REQUEST, sp),
                generics: vec![],
                variants: handlers
                    .iter()
                    .map(|(h, _)| VariantDef {
                        name: h.name.clone(),
                        fields: h
                            .params
                            .iter()
                            .filter_map(|p| match p {
                                Param::Plain { ty: Some(t), .. } => Some(VariantField {
                                    name: None,
                                    ty: t.clone(),
                                    span: t.span,
                                }),
                                _ => None,
                            })
                            .collect(),
                        span: h.span,
                    })
                    .collect(),
                deriving: Some(Deriving {
                    names: vec![],
                    span: sp,
                }),
                span: sp,
            })),
            sp,
        ));
        // start(init args) -> Pid<()>
        let (start_params, state0) = match init {
            Some(f) => {
                let mut init_fn = f.clone();
                init_fn.name = name("init__", f.name.span);
                init_fn.is_pub = false;
                body.push(stmt(StmtKind::Item(Item::Fn(init_fn)), f.span));
                let ps = f.params.clone().unwrap_or_default();
                let args = ps.iter().map(|p| param_expr(p, f.span)).collect();
                (ps, call("init__", args, f.span))
            }
            None => (vec![], int(0, sp)),
        };
        body.push(fn_def(
            true,
            "start",
            start_params,
            // Inferred from `__service_start`: `Pid<()>` (ch02 §9).
            None,
            vec![stmt(
                StmtKind::Expr(call(
                    "__service_start",
                    vec![var("handle__", sp), state0],
                    sp,
                )),
                sp,
            )],
            sp,
        ));
        // Client functions.
        for (h, is_call) in &handlers {
            let hs = h.span;
            // The pid `start` returns.
            let mut pid = ty_named("Pid", hs);
            if let TypeKind::Named { args, .. } = &mut pid.kind {
                args.push(Type {
                    kind: TypeKind::Tuple(vec![]),
                    span: hs,
                });
            }
            let mut params = vec![plain("pid__", Some(pid), hs)];
            params.extend(h.params.iter().cloned());
            let req = request_expr(h);
            let (f, ret) = if *is_call {
                ("__service_call", h.reply.clone())
            } else {
                ("__service_cast", None)
            };
            body.push(fn_def(
                true,
                &snake(&h.name.text),
                params,
                ret,
                vec![stmt(
                    StmtKind::Expr(call(f, vec![var("pid__", hs), req], hs)),
                    hs,
                )],
                hs,
            ));
        }
        // The dispatcher.
        let arms = handlers
            .iter()
            .map(|(h, is_call)| handler_arm(h, *is_call))
            .collect();
        let case = expr(
            ExprKind::Case {
                scrutinee: Box::new(var("request__", sp)),
                arms,
            },
            sp,
        );
        body.push(fn_def(
            false,
            "handle__",
            vec![
                plain("state__", None, sp),
                plain("request__", Some(ty_named(REQUEST, sp)), sp),
            ],
            None,
            vec![stmt(StmtKind::Expr(case), sp)],
            sp,
        ));
        ModuleDef {
            is_pub: true,
            name: s.name.clone(),
            body: Block {
                stmts: body,
                span: sp,
            },
            span: sp,
        }
    }

    fn supervisor(&mut self, s: &SupervisorDef) -> ActorDef {
        let sp = s.span;
        let (mut strategy, mut max_r, mut max_s) = (0, 3, 5);
        let mut children: Vec<Expr> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for e in &s.entries {
            match e {
                SupEntry::Strategy(n) => {
                    strategy = match n.text.as_str() {
                        "one_for_one" => 0,
                        "one_for_all" => 1,
                        "rest_for_one" => 2,
                        "simple_one_for_one" => 3,
                        other => {
                            self.error(
                                "E0019",
                                format!("unknown supervision strategy `{other}`, expected one_for_one, one_for_all, rest_for_one, or simple_one_for_one"),
                                n.span,
                                "unknown strategy",
                            );
                            0
                        }
                    }
                }
                SupEntry::MaxRestarts(n, _) => max_r = *n,
                SupEntry::MaxSeconds(n, _) => max_s = *n,
                SupEntry::Child(c) => {
                    if names.contains(&c.name.text) {
                        self.error(
                            "E0019",
                            format!(
                                "duplicate child name `{}` in supervisor `{}`",
                                c.name.text, s.name.text
                            ),
                            c.name.span,
                            "defined twice",
                        );
                    }
                    names.push(c.name.text.clone());
                    if let Some(ch) = self.child(c) {
                        children.push(ch);
                    }
                }
            }
        }
        let list = expr(ExprKind::List(children), sp);
        let sname = expr(ExprKind::Str(vec![StrPart::Text(s.name.text.clone())]), sp);
        let body = call(
            "__supervise",
            vec![
                int(strategy, sp),
                int(max_r, sp),
                int(max_s, sp),
                list,
                sname,
            ],
            sp,
        );
        ActorDef {
            name: s.name.clone(),
            params: vec![],
            body: Block {
                stmts: vec![stmt(StmtKind::Expr(body), sp)],
                span: sp,
            },
            terminate: None,
            span: sp,
        }
    }

    /// `__sup_child(name, start, restart, shutdown)`
    fn child(&mut self, c: &ChildSpec) -> Option<Expr> {
        let cs = c.span;
        let cn = &c.name.text;
        let (mut start, mut restart, mut shutdown) = (None, 0, 5000);
        for e in &c.entries {
            match e {
                ChildEntry::Start(x) => start = Some(x.clone()),
                ChildEntry::Restart(n) => {
                    restart = match n.text.as_str() {
                        "permanent" => 0,
                        "transient" => 1,
                        "temporary" => 2,
                        other => {
                            self.error(
                                "E0020",
                                format!("invalid restart type `{other}` for child `{cn}`, expected permanent, transient, or temporary"),
                                n.span,
                                "unknown restart type",
                            );
                            0
                        }
                    }
                }
                ChildEntry::ShutdownMs(ms, sp) => {
                    if *ms <= 0 {
                        self.error(
                            "E0021",
                            format!("invalid shutdown value `{ms}` for child `{cn}`, expected a positive integer or brutal_kill"),
                            *sp,
                            "not a positive number of milliseconds",
                        );
                    }
                    shutdown = *ms;
                }
                ChildEntry::ShutdownName(n) => {
                    if n.text == "brutal_kill" {
                        shutdown = -1;
                    } else {
                        self.error(
                            "E0021",
                            format!("invalid shutdown value `{}` for child `{cn}`, expected a positive integer or brutal_kill", n.text),
                            n.span,
                            "not brutal_kill",
                        );
                    }
                }
            }
        }
        let Some(start) = start else {
            self.error(
                "E0018",
                format!("child `{cn}` has no start function: add `start: fn -> spawn(...) end`"),
                c.name.span,
                "no `start:`",
            );
            return None;
        };
        let name = expr(ExprKind::Str(vec![StrPart::Text(cn.clone())]), c.name.span);
        Some(call(
            "__sup_child",
            vec![name, start, int(restart, cs), int(shutdown, cs)],
            cs,
        ))
    }
}

fn param_expr(p: &Param, span: Span) -> Expr {
    match p {
        Param::Plain { name, .. } => var(&name.text, name.span),
        Param::Pattern(_) => var("_", span),
    }
}

/// `Request__.Variant(p1, ...)` (or the bare `Request__.Variant`) from the
/// handler's parameters: qualified, as the variants are hidden names.
fn request_expr(h: &Handler) -> Expr {
    let ctor = expr(
        ExprKind::Field {
            base: Box::new(var(REQUEST, h.span)),
            name: h.name.clone(),
        },
        h.span,
    );
    if h.params.is_empty() {
        return ctor;
    }
    expr(
        ExprKind::Call {
            callee: Box::new(ctor),
            args: h.params.iter().map(|p| param_expr(p, h.span)).collect(),
        },
        h.span,
    )
}

/// One arm of `handle__`: bind the arguments and the state, run the body;
/// a call replies with the second tuple element and keeps the first.
fn handler_arm(h: &Handler, is_call: bool) -> Arm {
    let hs = h.span;
    let args: Vec<Pattern> = h
        .params
        .iter()
        .map(|p| match p {
            Param::Plain { name, .. } => pat(PatternKind::Ident(name.text.clone()), name.span),
            Param::Pattern(p) => p.clone(),
        })
        .collect();
    // On the handler's name: what an editor shows for it.
    let p = pat(
        PatternKind::Ctor {
            qualifier: Some(Path {
                segments: vec![name(REQUEST, hs)],
                span: hs,
            }),
            name: h.name.clone(),
            args: if args.is_empty() { None } else { Some(args) },
        },
        h.name.span,
    );
    let mut stmts = Vec::new();
    if let Some(s) = &h.state {
        stmts.push(stmt(
            StmtKind::Let {
                pat: pat(PatternKind::Ident(s.text.clone()), s.span),
                ty: None,
                value: var("state__", s.span),
            },
            s.span,
        ));
    }
    let body = expr(ExprKind::Block(h.body.clone()), h.body.span);
    if is_call {
        let bs = h.body.span;
        stmts.push(stmt(
            StmtKind::Let {
                pat: pat(
                    PatternKind::Tuple(vec![
                        pat(PatternKind::Ident("new_state__".into()), bs),
                        pat(PatternKind::Ident("reply__".into()), bs),
                    ]),
                    bs,
                ),
                ty: None,
                value: body,
            },
            bs,
        ));
        stmts.push(stmt(
            StmtKind::Let {
                pat: pat(PatternKind::Ident("typed_reply__".into()), bs),
                ty: h.reply.clone(),
                value: var("reply__", bs),
            },
            bs,
        ));
        stmts.push(stmt(
            StmtKind::Expr(call("__service_reply", vec![var("typed_reply__", bs)], bs)),
            bs,
        ));
        stmts.push(stmt(StmtKind::Expr(var("new_state__", bs)), bs));
    } else {
        stmts.push(stmt(StmtKind::Expr(body), h.body.span));
    }
    Arm {
        pattern: p,
        guard: None,
        body: expr(ExprKind::Block(Block { stmts, span: hs }), hs),
        span: hs,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_names() {
        assert_eq!(super::snake("GetCount"), "get_count");
        assert_eq!(super::snake("IOStat"), "i_o_stat");
        assert_eq!(super::snake("Level"), "level");
    }

    /// A call handler's reply type is checked at the client and in the
    /// handler: an unknown one is still reported once.
    #[test]
    fn unknown_reply_type_reported_once() {
        use crate::diag::{SourceFile, SourceMap};
        let mut sm = SourceMap::default();
        sm.add(SourceFile {
            path: "t.snow".into(),
            module: "Main".into(),
            text: "service S do\n  call Go() :: Nope do |st|\n    (st, 1)\n  end\nend\nfn main() do\n  println(\"${S.go(S.start())}\")\nend\n".into(),
        });
        let parsed = crate::syntax::parse_all(&sm).expect("parses");
        let Err(d) = crate::types::check_program(&sm, &parsed) else {
            panic!("an unknown type is an error")
        };
        let unknown = d
            .iter()
            .filter(|d| d.header == "unknown type `Nope`")
            .count();
        assert_eq!(
            unknown,
            1,
            "{:?}",
            d.iter().map(|d| &d.header).collect::<Vec<_>>()
        );
    }
}
