//! Emitting one MIR function as one C function.

use std::collections::HashSet;
use std::fmt::Write;

use super::fold;
use super::grow;
use super::types::{is_scalar, sep, TypeTable};
use super::Emitter;
use crate::mir::{Func, FuncId, Local, Operand, RtOp, Rv, Stmt};
use crate::stdlib;
use crate::syntax::ast::BinOp;
use crate::types::tast::Pos;
use crate::types::ty::{Ty, TyCon};

struct FnCx<'f> {
    f: &'f Func,
    names: Vec<String>,
    read: HashSet<u32>,
    targets: HashSet<u32>,
    env_struct: Option<String>,
    out: String,
    indent: usize,
    last_line: Option<(u32, u32)>,
    /// The function's `snow_fn_loc` for its stack checks, once needed.
    site: Option<String>,
    /// C names for continuing on a new stack segment; `grows` once a
    /// check uses them.
    grow: grow::Names,
    grows: bool,
    /// The function declares one stack probe for all its checks.
    own_probe: bool,
    /// The C parameters after `ctx` and the C result type.
    c_params: Vec<(String, String)>,
    c_ret: String,
    /// The loops around the statement being emitted, innermost last.
    loops: Vec<LoopExit>,
    loop_count: u32,
    plan: fold::Plan,
    /// Folded temporaries' expressions, waiting for the statement that
    /// reads them.
    pending: Vec<(u32, CExpr)>,
}

/// A C expression, and whether it can stand before a postfix or after a
/// unary operator without parentheses.
#[derive(Default)]
struct CExpr {
    text: String,
    tight: bool,
    /// The text without its outer parentheses, where it has them only to
    /// be tight (a comparison alone in a condition needs none).
    bare: Option<String>,
    /// The negation, standing alone, when it is simpler than `!(...)`.
    negated: Option<String>,
    /// For a `()` value made by a call: the call, which is all a statement
    /// discarding the value needs.
    effect: Option<String>,
    /// For a value unwrapped from a word: that word.
    word: Option<String>,
}

impl CExpr {
    /// A call, name or literal.
    fn call(text: String) -> Self {
        CExpr {
            text,
            tight: true,
            ..Default::default()
        }
    }

    /// A unary expression or cast.
    fn unary(text: String) -> Self {
        CExpr {
            text,
            ..Default::default()
        }
    }

    /// A binary operation, parenthesised.
    fn infix(text: String) -> Self {
        CExpr {
            text: format!("({text})"),
            tight: true,
            bare: Some(text),
            ..Default::default()
        }
    }

    /// The `()` result of a call whose C value is void or unused.
    fn unit_call(call: String) -> Self {
        CExpr {
            text: format!("({call}, (snow_unit)0)"),
            tight: true,
            effect: Some(call),
            ..Default::default()
        }
    }

    /// With `text` as the expression's negation (standing alone).
    fn negation(mut self, text: String) -> Self {
        self.negated = Some(text);
        self
    }

    /// The text where the expression stands alone.
    fn alone(&self) -> &str {
        self.bare.as_deref().unwrap_or(&self.text)
    }
}

/// A loop being emitted: within a C `switch`, `break` would leave the
/// `switch`, so a MIR `Break` there jumps to a label after the loop.
struct LoopExit {
    id: u32,
    /// The `switch`es inside the loop around the current statement.
    switches: usize,
    /// The label after the loop is needed.
    used: bool,
}

pub fn signature(em: &mut Emitter, id: FuncId) -> String {
    let name = em.fn_name(id);
    signature_named(em, id, &name)
}

/// The C result type of function `f`.
fn c_ret(em: &mut Emitter, f: &Func) -> String {
    if f.word_abi {
        if is_unit_like(&f.ret) {
            "void"
        } else {
            "snow_word"
        }
        .into()
    } else {
        em.types.cty(&f.ret, &em.prog.adts)
    }
}

/// The signature of function `id` under the C name `name`.
fn signature_named(em: &mut Emitter, id: FuncId, name: &str) -> String {
    let f = &em.prog.funcs[id.0 as usize];
    let ret = c_ret(em, f);
    let names = super::names::local_names(f);
    let mut ps = vec!["snow_ctx *ctx".to_string()];
    for (t, n) in grow::c_params(em, f, &names) {
        ps.push(format!("{t}{}{n}", sep(&t)));
    }
    // Functions only the runtime calls (hooks) may end up unreferenced.
    let hook = em.prog.hooks.iter().any(|h| h.func == id);
    let attr = if hook { "SNOW_UNUSED " } else { "" };
    format!("{attr}static {ret}{}{name}({})", sep(&ret), ps.join(", "))
}

pub fn emit_func(em: &mut Emitter, id: FuncId) -> String {
    let f = &em.prog.funcs[id.0 as usize];
    let targets = fold::jump_targets(&f.body);
    let mut read = live_reads(f, &targets);
    // `()` values are never stored: reading one is the constant 0.
    read.retain(|l| !is_unit_like(&f.locals[*l as usize].ty));
    let plan = fold::plan(f, &targets, &mut read);
    let fname = em.fn_name(id);
    let env_struct = f
        .closure
        .as_ref()
        .map(|caps| em.types.closure_struct(&fname, caps, &em.prog.adts));
    let frame = grow::frame_bound(f);
    let big = frame > grow::BIG_FRAME;
    let grow = grow::Names::new(em, id, big);
    let mut names = super::names::local_names(f);
    for (x, y) in &plan.alias {
        names[*x as usize] = names[*y as usize].clone();
    }

    let c_params = grow::c_params(em, f, &names);
    let c_ret = c_ret(em, f);
    let mut cx = FnCx {
        f,
        names,
        read,
        targets,
        env_struct,
        out: String::new(),
        indent: 1,
        last_line: None,
        site: None,
        grow,
        grows: big,
        own_probe: has_loops(&f.body),
        c_params,
        c_ret,
        loops: Vec::new(),
        loop_count: 0,
        plan,
        pending: Vec::new(),
    };
    let sig = signature_named(em, id, &cx.grow.body);
    let sig = if big {
        format!("SNOW_NOINLINE {sig}")
    } else {
        sig
    };
    let _ = writeln!(cx.out, "{sig} {{");
    if em.opts.line_directives && f.pos.span.end > 0 {
        let (line, _) = em.line_col(f.pos);
        let path = em.file_path(f.pos);
        let _ = writeln!(cx.out, "#line {line} {}", super::c_string(&path));
        cx.last_line = Some((f.pos.file.0, line));
    }
    let params: HashSet<u32> = f.params.iter().map(|p| p.0).collect();
    for (i, l) in f.locals.iter().enumerate() {
        let i32 = i as u32;
        if params.contains(&i32)
            || !cx.read.contains(&i32)
            || cx.plan.folded.contains(&i32)
            || cx.plan.alias.contains_key(&i32)
        {
            continue;
        }
        let ct = em.types.cty(&l.ty, &em.prog.adts);
        let zero = zero_value(&l.ty);
        cx.line(&format!("{ct}{}{} = {zero};", sep(&ct), cx.names[i]));
    }
    if f.word_abi {
        for p in &f.params {
            let n = cx.names[p.0 as usize].clone();
            if cx.read.contains(&p.0) {
                let t = f.locals[p.0 as usize].ty.clone();
                let ct = em.types.cty(&t, &em.prog.adts);
                let v = cx.unword(em, &format!("{n}__w"), &t);
                cx.line(&format!("{ct}{}{n} = {v};", sep(&ct)));
            } else {
                cx.line(&format!("(void){n}__w;"));
            }
        }
    }
    if receives(&f.body) {
        cx.line("snow_word snow_msg_w = 0;");
    }
    if !uses_ctx(&f.body) {
        cx.line("(void)ctx;");
    }
    if f.closure.is_some() && !uses_env(&f.body) {
        cx.line("(void)env;");
    }
    for p in &f.params {
        if !cx.read.contains(&p.0) && !f.word_abi {
            let n = cx.names[p.0 as usize].clone();
            cx.line(&format!("(void){n};"));
        }
    }
    if has_loops(&f.body) {
        // One probe for the whole function: its loops' back-edge checks
        // then fail only on a raised limit, never on a frame placed below
        // the entry check's probe.
        cx.line("char snow_probe_;");
    }
    if f.has_tail_jump {
        cx.out.push_str("tail:\n");
    }
    let body = f.body.clone();
    cx.stmts(em, &body);
    cx.out.push_str("}\n");
    let mut out = String::new();
    if cx.grows {
        let site = cx.site(em);
        let f_frame = if big { frame } else { 0 };
        out.push_str(&grow::support(
            &cx.grow,
            &cx.c_params,
            &cx.c_ret,
            &site,
            f_frame,
        ));
    }
    if big {
        let front_sig = signature(em, id);
        let body_sig = signature_named(em, id, &cx.grow.body);
        out.push_str(&grow::front(
            &cx.grow,
            &front_sig,
            &body_sig,
            &cx.c_params,
            &cx.c_ret,
            frame,
        ));
    }
    out.push_str(&cx.out);
    out
}

fn has_loops(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Loop(_) => true,
        Stmt::If(..) | Stmt::Switch(..) => s.blocks().into_iter().any(has_loops),
        _ => false,
    })
}

/// Does the function take messages (and so needs the message word)?
fn receives(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign(_, Rv::Rt(RtOp::RecvNext(_), ..)) => true,
        Stmt::If(..) | Stmt::Switch(..) | Stmt::Loop(_) => s.blocks().into_iter().any(receives),
        _ => false,
    })
}

pub(super) fn is_unit_like(t: &Ty) -> bool {
    t.is_unit() || matches!(t, Ty::Never)
}

fn zero_value(t: &Ty) -> &'static str {
    match t {
        Ty::Con(TyCon::Float, _) => "0.0",
        Ty::Con(TyCon::Bool, _) => "false",
        _ if is_scalar(t) => "0",
        _ => "NULL",
    }
}

/// Does the body certainly use `ctx`? (When unsure, the caller marks it
/// used with a cast, which costs nothing.)
fn uses_ctx(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::EntryCheck | Stmt::Loop(_) | Stmt::TailJump(_) | Stmt::Panic(..) => true,
        Stmt::Assign(_, rv) | Stmt::Eval(rv) => match rv {
            Rv::Call(..) | Rv::CallClosure(..) | Rv::MakeRecord(..) | Rv::MakeClosure(..) => true,
            Rv::MakeVariant(_, _, ops) => !ops.is_empty(),
            Rv::Rt(op, ..) => rt_uses_ctx(op),
            _ => false,
        },
        Stmt::If(..) | Stmt::Switch(..) => s.blocks().into_iter().any(uses_ctx),
        _ => false,
    })
}

/// Runtime operations whose C form mentions `ctx`.
fn rt_uses_ctx(op: &RtOp) -> bool {
    match op {
        RtOp::Extern(i, _) => !stdlib::RT_FNS[*i].has(stdlib::NO_CTX),
        RtOp::ListItem(_)
        | RtOp::RangeStart
        | RtOp::RangeStop
        | RtOp::Abs(_)
        | RtOp::Min(_)
        | RtOp::Max(_)
        | RtOp::Display(Ty::Con(TyCon::String, _)) => false,
        _ => true,
    }
}

fn uses_env(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign(_, rv) | Stmt::Eval(rv) => matches!(rv, Rv::EnvField(_) | Rv::SelfClosure),
        Stmt::If(..) | Stmt::Switch(..) | Stmt::Loop(_) => s.blocks().into_iter().any(uses_env),
        _ => false,
    })
}

/// The locals whose value is needed, and the jump targets. Reads through
/// assignments to unneeded locals do not count: an effect-free assignment's
/// operands are needed only once its target is, so needs propagate along
/// assignments from the roots (effects, conditions, returns) with a
/// worklist, in time linear in the function's size. A `()` local needs
/// nothing: it is never stored (e.g. an `if` without `else` whose branch
/// ends in a `receive` of another type).
fn live_reads(f: &Func, targets: &HashSet<u32>) -> HashSet<u32> {
    let mut feeds: Vec<Vec<u32>> = vec![Vec::new(); f.locals.len()];
    let mut roots = Vec::new();
    scan(&f.body, targets, &mut feeds, &mut roots);
    let mut read = HashSet::new();
    while let Some(l) = roots.pop() {
        if read.insert(l) && !is_unit_like(&f.locals[l as usize].ty) {
            roots.extend(feeds[l as usize].iter().copied());
        }
    }
    read
}

fn scan(stmts: &[Stmt], targets: &HashSet<u32>, feeds: &mut [Vec<u32>], roots: &mut Vec<u32>) {
    let local = |o: &Operand| match o {
        Operand::Local(l) => Some(l.0),
        _ => None,
    };
    for s in fold::live(stmts, targets) {
        match *s {
            // An assignment without effect needs its operands only if its
            // target is needed.
            Stmt::Assign(ref l, ref rv) if !has_effect(rv) => {
                let f = &mut feeds[l.0 as usize];
                rv_operands(rv, &mut |o| f.extend(local(o)));
            }
            Stmt::Assign(_, ref rv) | Stmt::Eval(ref rv) => {
                rv_operands(rv, &mut |o| roots.extend(local(o)))
            }
            Stmt::If(ref c, ..) | Stmt::Switch(ref c, ..) => {
                roots.extend(local(c));
                for b in s.blocks() {
                    scan(b, targets, feeds, roots);
                }
            }
            Stmt::Loop(ref b) => scan(b, targets, feeds, roots),
            Stmt::Return(ref o) => roots.extend(local(o)),
            Stmt::TailJump(ref ops) => roots.extend(ops.iter().filter_map(local)),
            Stmt::Goto(_)
            | Stmt::Label(_)
            | Stmt::Break
            | Stmt::Continue
            | Stmt::Panic(..)
            | Stmt::At(_)
            | Stmt::EntryCheck => {}
        }
    }
}

pub(super) fn rv_operands(rv: &Rv, f: &mut dyn FnMut(&Operand)) {
    match rv {
        Rv::Use(o) | Rv::Neg(o, _) | Rv::Not(o) | Rv::Tag(o) => f(o),
        Rv::Bin(_, a, b, _, _) => {
            f(a);
            f(b)
        }
        Rv::Call(_, ops)
        | Rv::Rt(_, ops, _)
        | Rv::MakeRecord(_, ops)
        | Rv::MakeVariant(_, _, ops)
        | Rv::MakeClosure(_, _, ops) => ops.iter().for_each(f),
        Rv::CallClosure(c, ops, _) => {
            f(c);
            ops.iter().for_each(f)
        }
        Rv::Field(o, _, _) | Rv::VariantField(o, _, _, _) => f(o),
        Rv::EnvField(_) | Rv::SelfClosure => {}
    }
}

/// Does evaluating this rvalue have an effect (so it must be kept even if
/// its result is unused)?
pub(super) fn has_effect(rv: &Rv) -> bool {
    match rv {
        Rv::Use(_)
        | Rv::Neg(..)
        | Rv::Not(_)
        | Rv::Field(..)
        | Rv::VariantField(..)
        | Rv::Tag(_)
        | Rv::EnvField(_)
        | Rv::SelfClosure => false,
        Rv::Bin(op, ..) => matches!(op, BinOp::Div | BinOp::Mod),
        Rv::MakeRecord(..) | Rv::MakeVariant(..) | Rv::MakeClosure(..) => false,
        _ => true,
    }
}

/// A statement evaluating `e` for its effect only.
fn discarded(e: &CExpr) -> String {
    match &e.effect {
        Some(call) => format!("{call};"),
        None => format!("(void){};", e.text),
    }
}

fn word(e: &str, t: &Ty) -> String {
    match t {
        Ty::Con(TyCon::Int, _) => format!("snow_w_int({e})"),
        Ty::Con(TyCon::Float, _) => format!("snow_w_float({e})"),
        Ty::Con(TyCon::Bool, _) => format!("snow_w_bool({e})"),
        Ty::Con(TyCon::Pid, _) => format!("(snow_word)({e})"),
        _ if is_scalar(t) => "(snow_word)0".into(),
        _ => format!("snow_w_ptr({e})"),
    }
}

impl FnCx<'_> {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn name(&self, l: Local) -> &str {
        &self.names[l.0 as usize]
    }

    fn local_ty(&self, l: Local) -> &Ty {
        &self.f.locals[l.0 as usize].ty
    }

    fn op(&self, em: &mut Emitter, o: &Operand) -> String {
        match o {
            Operand::Local(l) if is_unit_like(self.local_ty(*l)) => "(snow_unit)0".into(),
            Operand::Local(l) => match self.folded(*l) {
                Some(e) => e.text.clone(),
                None => self.name(*l).to_string(),
            },
            Operand::Int(n) => {
                if *n == i64::MIN {
                    "INT64_MIN".into()
                } else if (-2147483648..=2147483647).contains(n) {
                    format!("{n}")
                } else {
                    format!("INT64_C({n})")
                }
            }
            Operand::Float(x) => {
                if x.is_nan() {
                    "NAN".into()
                } else if x.is_infinite() {
                    if *x > 0.0 {
                        "INFINITY".into()
                    } else {
                        "(-INFINITY)".into()
                    }
                } else {
                    let s = format!("{x:?}");
                    if s.starts_with('-') {
                        format!("({s})")
                    } else {
                        s
                    }
                }
            }
            Operand::Bool(b) => format!("{b}"),
            Operand::Unit => "0".into(),
            Operand::Str(s) => em.string(s),
            Operand::Nullary(t, v) => em.types.nullary(t, *v, &em.prog.adts),
            Operand::FnValue(f, _) => em.fn_value(*f),
        }
    }

    fn op_ty(&self, o: &Operand) -> Ty {
        match o {
            Operand::Local(l) => self.local_ty(*l).clone(),
            Operand::Int(_) => Ty::int(),
            Operand::Float(_) => Ty::float(),
            Operand::Bool(_) => Ty::bool(),
            Operand::Unit => Ty::unit(),
            Operand::Str(_) => Ty::string(),
            Operand::Nullary(t, _) | Operand::FnValue(_, t) => t.clone(),
        }
    }

    /// An operand standing alone (a condition, a value returned or
    /// assigned).
    fn op_alone(&self, em: &mut Emitter, o: &Operand) -> String {
        match o {
            Operand::Local(l) => match self.folded(*l) {
                Some(e) => e.alone().to_string(),
                None => self.op(em, o),
            },
            _ => self.op(em, o),
        }
    }

    /// An operand under a postfix or unary operator: a folded expression
    /// that is not tight is parenthesised.
    fn op_tight(&self, em: &mut Emitter, o: &Operand) -> String {
        let e = self.op(em, o);
        if self.tight(o) {
            e
        } else {
            format!("({e})")
        }
    }

    fn tight(&self, o: &Operand) -> bool {
        match o {
            Operand::Local(l) => match self.folded(*l) {
                Some(e) => e.tight,
                None => !is_unit_like(self.local_ty(*l)),
            },
            Operand::Int(n) => *n >= 0,
            _ => true,
        }
    }

    fn folded(&self, l: Local) -> Option<&CExpr> {
        self.pending.iter().find(|(p, _)| *p == l.0).map(|(_, e)| e)
    }

    /// Is the C form of `rv` tight (see `CExpr`)? Casts, `!` and negative
    /// literals are not; calls, member accesses and parenthesised forms are.
    fn rv_tight(&self, rv: &Rv) -> bool {
        match rv {
            Rv::Use(o) => self.tight(o),
            Rv::Not(_) => false,
            Rv::Bin(op, _, _, t, _) => {
                !matches!(op, BinOp::Ne)
                    || matches!(
                        t,
                        Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::Pid, _)
                    )
            }
            Rv::Rt(op, ..) => matches!(
                op,
                RtOp::ConcatN
                    | RtOp::ListLit(_)
                    | RtOp::ListAddItems(_)
                    | RtOp::MapLit(_)
                    | RtOp::RangeStart
                    | RtOp::RangeStop
                    | RtOp::SortBy(_)
                    | RtOp::Abs(_)
                    | RtOp::Min(_)
                    | RtOp::Max(_)
                    | RtOp::OrderingOf
                    | RtOp::Display(Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool, _))
            ),
            _ => true,
        }
    }

    fn w(&self, em: &mut Emitter, o: &Operand) -> String {
        if let Operand::Local(l) = o {
            if let Some(w) = self.folded(*l).and_then(|e| e.word.clone()) {
                // A word unwrapped only to be wrapped again.
                return w;
            }
        }
        let t = self.op_ty(o);
        let e = self.op(em, o);
        word(&e, &t)
    }

    /// A call returning a word, as a value of type `t`.
    fn unword_call(&self, em: &mut Emitter, call: String, t: &Ty) -> CExpr {
        let text = self.unword(em, &call, t);
        let effect = is_scalar(t)
            && !matches!(
                t,
                Ty::Con(TyCon::Int | TyCon::Float | TyCon::Bool | TyCon::Pid, _)
            );
        // Unwrapping and wrapping again gives the same word back for
        // pointers, Int and Float.
        let same_word = !is_scalar(t) || matches!(t, Ty::Con(TyCon::Int | TyCon::Float, _));
        CExpr {
            text,
            word: same_word.then(|| call.clone()),
            effect: effect.then_some(call),
            ..Default::default()
        }
    }

    fn unword(&self, em: &mut Emitter, e: &str, t: &Ty) -> String {
        match t {
            Ty::Con(TyCon::Int, _) => format!("snow_int_w({e})"),
            Ty::Con(TyCon::Float, _) => format!("snow_float_w({e})"),
            Ty::Con(TyCon::Bool, _) => format!("snow_bool_w({e})"),
            Ty::Con(TyCon::Pid, _) => format!("(snow_pid)({e})"),
            _ if is_scalar(t) => format!("((void)({e}), (snow_unit)0)"),
            _ => {
                let ct = em.types.cty(t, &em.prog.adts);
                format!("({ct})snow_ptr_w({e})")
            }
        }
    }

    fn at(&mut self, em: &mut Emitter, pos: Pos) {
        if !em.opts.line_directives || pos.span.end == 0 {
            return;
        }
        let (line, _) = em.line_col(pos);
        let key = (pos.file.0, line);
        if self.last_line == Some(key) {
            return;
        }
        self.last_line = Some(key);
        let path = em.file_path(pos);
        let _ = writeln!(self.out, "#line {line} {}", super::c_string(&path));
    }

    fn stmts(&mut self, em: &mut Emitter, stmts: &[Stmt]) {
        for s in fold::live(stmts, &self.targets) {
            let taken = fold::top_reads(s, &self.read);
            self.stmt(em, s);
            // Forget the folded expressions this statement took.
            self.pending.retain(|(l, _)| !taken.contains(l));
        }
    }

    fn stmt(&mut self, em: &mut Emitter, s: &Stmt) {
        match s {
            Stmt::At(pos) => self.at(em, *pos),
            Stmt::EntryCheck => {
                if self.own_probe {
                    let rerun = self.rerun();
                    self.line(&format!("if (SNOW_STACK_SHORT(ctx)) {rerun}"));
                } else {
                    // A probe of its own in a block lets the C compiler
                    // inline recursive calls freely.
                    self.line("{");
                    self.indent += 1;
                    self.line("char snow_probe_;");
                    let rerun = self.rerun();
                    self.line(&format!("if (SNOW_STACK_SHORT(ctx)) {rerun}"));
                    self.indent -= 1;
                    self.line("}");
                }
            }
            Stmt::Assign(x, Rv::Use(Operand::Local(y))) if self.plan.same(x.0, y.0) => {}
            Stmt::Assign(l, rv) if self.plan.folded.contains(&l.0) => {
                self.set_loc(em, rv);
                let e = self.rv_expr(em, rv);
                self.pending.push((l.0, e));
            }
            Stmt::Assign(l, rv) => {
                self.set_loc(em, rv);
                let e = self.rv_expr(em, rv);
                if self.read.contains(&l.0) {
                    let n = self.name(*l).to_string();
                    self.line(&format!("{n} = {};", e.alone()));
                } else if has_effect(rv) {
                    self.line(&discarded(&e));
                }
            }
            Stmt::Eval(rv) => {
                self.set_loc(em, rv);
                let e = self.rv_expr(em, rv);
                if has_effect(rv) {
                    self.line(&discarded(&e));
                }
            }
            Stmt::If(c, a, b) => {
                // A branch whose statements write nothing is left out.
                let alone = self.op_alone(em, c);
                let negated = match c {
                    Operand::Local(l) => self.folded(*l).and_then(|e| e.negated.clone()),
                    _ => None,
                };
                let negated = negated.unwrap_or_else(|| format!("!{}", self.op_tight(em, c)));
                let ta = self.block_text(em, a);
                if !ta.is_empty() && self.sole_if(em, b) {
                    // `else if`: the nested `if` written at this level,
                    // its closing brace closing the chain.
                    let outer = std::mem::take(&mut self.out);
                    self.stmts(em, b);
                    let tb = std::mem::replace(&mut self.out, outer);
                    self.line(&format!("if ({alone}) {{"));
                    self.out.push_str(&ta);
                    let pad = "    ".repeat(self.indent);
                    let _ = write!(self.out, "{pad}}} else {}", tb.trim_start());
                    return;
                }
                let tb = self.block_text(em, b);
                match (ta.is_empty(), tb.is_empty()) {
                    (true, false) => {
                        self.line(&format!("if ({negated}) {{"));
                        self.out.push_str(&tb);
                    }
                    (_, true) => {
                        self.line(&format!("if ({alone}) {{"));
                        self.out.push_str(&ta);
                    }
                    (false, false) => {
                        self.line(&format!("if ({alone}) {{"));
                        self.out.push_str(&ta);
                        self.line("} else {");
                        self.out.push_str(&tb);
                    }
                }
                self.line("}");
            }
            Stmt::Switch(v, cases, default) => {
                let v = self.op_alone(em, v);
                self.line(&format!("switch ({v}) {{"));
                if let Some(l) = self.loops.last_mut() {
                    l.switches += 1;
                }
                for (keys, b) in cases {
                    for k in keys {
                        let k = self.op(em, &Operand::Int(*k));
                        self.line(&format!("case {k}:"));
                    }
                    self.case_body(em, b);
                }
                if !default.is_empty() {
                    self.line("default:");
                    self.case_body(em, default);
                }
                if let Some(l) = self.loops.last_mut() {
                    l.switches -= 1;
                }
                self.line("}");
            }
            Stmt::Goto(l) => self.line(&format!("goto L{};", l.0)),
            Stmt::Label(l) => {
                if self.targets.contains(&l.0) {
                    let _ = writeln!(self.out, "L{}:;", l.0);
                }
            }
            Stmt::Loop(b) => {
                self.line("for (;;) {");
                self.indent += 1;
                let site = self.site(em);
                self.line(&format!("SNOW_TICK(ctx, {site});"));
                self.indent -= 1;
                self.loop_count += 1;
                self.loops.push(LoopExit {
                    id: self.loop_count,
                    switches: 0,
                    used: false,
                });
                self.block(em, b);
                self.line("}");
                let exit = self.loops.pop().expect("pushed above");
                if exit.used {
                    let _ = writeln!(self.out, "Lbreak{}:;", exit.id);
                }
            }
            Stmt::Break => match self.loops.last_mut() {
                Some(l) if l.switches > 0 => {
                    l.used = true;
                    let id = l.id;
                    self.line(&format!("goto Lbreak{id};"));
                }
                _ => self.line("break;"),
            },
            Stmt::Continue => self.line("continue;"),
            Stmt::Return(o) if self.f.word_abi => {
                if is_unit_like(&self.f.ret) {
                    self.line("return;");
                } else {
                    let e = self.w(em, o);
                    self.line(&format!("return {e};"));
                }
            }
            Stmt::Return(o) => {
                let e = self.op_alone(em, o);
                self.line(&format!("return {e};"));
            }
            Stmt::TailJump(ops) => {
                self.line("{");
                self.indent += 1;
                let mut tmps = Vec::new();
                for (i, (o, p)) in ops.iter().zip(&self.f.params).enumerate() {
                    let ct = em.types.cty(self.local_ty(*p), &em.prog.adts);
                    let e = self.op(em, o);
                    self.line(&format!("{ct}{}next{i} = {e};", sep(&ct)));
                    tmps.push((self.name(*p).to_string(), format!("next{i}")));
                }
                for (p, t) in tmps {
                    self.line(&format!("{p} = {t};"));
                }
                if !self.own_probe {
                    self.line("char snow_probe_;");
                }
                let site = self.site(em);
                let rerun = self.rerun();
                self.line(&format!("if (SNOW_TAIL_SHORT(ctx, {site})) {rerun}"));
                self.line("goto tail;");
                self.indent -= 1;
                self.line("}");
            }
            Stmt::Panic(msg, pos) => {
                let loc = em.loc(*pos);
                let m = super::c_string(msg);
                self.line(&format!("snow_panic_at(ctx, {m}, {loc});"));
            }
        }
    }

    /// The statement that runs the function again with the current
    /// parameter values (on a new stack segment if need be) and returns its
    /// result.
    fn rerun(&mut self) -> String {
        self.grows = true;
        let mut vals = Vec::new();
        if self.f.closure.is_some() {
            vals.push("env".to_string());
        }
        for p in &self.f.params {
            let n = self.name(*p);
            vals.push(if !self.f.word_abi {
                n.to_string()
            } else if self.read.contains(&p.0) {
                // The current value is in the typed local.
                word(n, self.local_ty(*p))
            } else {
                format!("{n}__w")
            });
        }
        let pad = "    ".repeat(self.indent);
        grow::rerun(&self.grow, &vals, &self.c_ret).replace('\n', &format!("\n{pad}"))
    }

    fn site(&mut self, em: &mut Emitter) -> String {
        if self.site.is_none() {
            self.site = Some(em.fn_loc(self.f));
        }
        self.site.clone().unwrap_or_default()
    }

    /// Is the only statement `b` writes an `if` (so `else { if ... }` can
    /// be `else if ...`)? Statements written into it (folded temporaries
    /// that set no location) and statements that write nothing may come
    /// before it.
    fn sole_if(&self, em: &Emitter, b: &[Stmt]) -> bool {
        let mut found = false;
        for s in fold::live(b, &self.targets) {
            match s {
                Stmt::At(_) if !em.opts.line_directives => {}
                Stmt::Assign(l, _) if self.plan.folded.contains(&l.0) && !fold::sets_loc(s) => {}
                Stmt::Assign(x, Rv::Use(Operand::Local(y))) if self.plan.same(x.0, y.0) => {}
                Stmt::Assign(..) | Stmt::Eval(_) if !fold::emitted(s, &self.read) => {}
                Stmt::If(_, a, _) if !found && !a.is_empty() => found = true,
                _ => return false,
            }
        }
        found
    }

    /// The C text of a nested block, without writing it.
    fn block_text(&mut self, em: &mut Emitter, b: &[Stmt]) -> String {
        let outer = std::mem::take(&mut self.out);
        self.block(em, b);
        std::mem::replace(&mut self.out, outer)
    }

    fn block(&mut self, em: &mut Emitter, b: &[Stmt]) {
        self.indent += 1;
        self.stmts(em, b);
        self.indent -= 1;
    }

    /// The statements of a `switch` case, which must not fall through.
    fn case_body(&mut self, em: &mut Emitter, b: &[Stmt]) {
        self.indent += 1;
        self.stmts(em, b);
        let last = b.last();
        if !matches!(
            last,
            Some(Stmt::Goto(_) | Stmt::Return(_) | Stmt::Break | Stmt::Continue)
        ) {
            self.line("break;");
        }
        self.indent -= 1;
    }

    /// Runtime calls that may panic record their source location first.
    fn set_loc(&mut self, em: &mut Emitter, rv: &Rv) {
        if let Rv::Rt(op, _, pos) = rv {
            if matches!(op, RtOp::Extern(i, _) if stdlib::RT_FNS[*i].has(stdlib::MAY_PANIC)) {
                let loc = em.loc(*pos);
                self.line(&format!("ctx->loc = {loc};"));
            }
        }
    }

    fn args(&self, em: &mut Emitter, ops: &[Operand]) -> String {
        let mut s = String::from("ctx");
        for o in ops {
            s.push_str(", ");
            s.push_str(&self.op(em, o));
        }
        s
    }

    /// The C expression of `rv`, with what its uses need to know of it.
    fn rv_expr(&mut self, em: &mut Emitter, rv: &Rv) -> CExpr {
        match rv {
            Rv::Bin(op, a, b, t, pos) => self.bin(em, *op, a, b, t, *pos),
            Rv::Use(Operand::Local(x)) if self.folded(*x).is_some() => {
                let i = self.pending.iter().position(|(p, _)| *p == x.0);
                self.pending.remove(i.unwrap_or_default()).1
            }
            Rv::Rt(op, ops, _) => {
                let mut e = self.rt(em, op, ops);
                e.tight |= self.rv_tight(rv);
                e
            }
            _ => CExpr {
                text: self.rv(em, rv),
                tight: self.rv_tight(rv),
                ..Default::default()
            },
        }
    }

    fn rv(&mut self, em: &mut Emitter, rv: &Rv) -> String {
        let adts = &em.prog.adts;
        match rv {
            Rv::Use(o) => self.op(em, o),
            Rv::Bin(op, a, b, t, pos) => self.bin(em, *op, a, b, t, *pos).text,
            Rv::Neg(a, t) => {
                let a = self.op(em, a);
                if matches!(t, Ty::Con(TyCon::Float, _)) {
                    format!("(-{a})")
                } else {
                    format!("snow_neg({a})")
                }
            }
            Rv::Not(a) => format!("!{}", self.op_tight(em, a)),
            Rv::Call(f, ops) => {
                let name = em.fn_name(*f);
                format!("{name}({})", self.args(em, ops))
            }
            Rv::CallClosure(c, ops, fty) => {
                let Ty::Fun(ps, r) = fty else {
                    return "0".into();
                };
                let mut pts = vec!["snow_ctx *".to_string(), "snow_closure *".to_string()];
                for p in ps {
                    pts.push(em.types.cty(p, adts));
                }
                let rt = em.types.cty(r, adts);
                let c = self.op_tight(em, c);
                let mut args = format!("ctx, {c}");
                for o in ops {
                    args.push_str(", ");
                    args.push_str(&self.op(em, o));
                }
                format!("(({rt} (*)({})){c}->fn)({args})", pts.join(", "))
            }
            Rv::MakeRecord(t, ops) => {
                let ctor = em.types.record_ctor(t, adts);
                format!("{ctor}({})", self.args(em, ops))
            }
            Rv::MakeVariant(t, v, ops) => {
                if ops.is_empty() {
                    return em.types.nullary(t, *v, adts);
                }
                let ctor = em.types.variant_ctor(t, *v, adts);
                format!("{ctor}({})", self.args(em, ops))
            }
            Rv::MakeClosure(f, _, ops) => {
                let name = em.fn_name(*f);
                let caps = em.prog.funcs[f.0 as usize]
                    .closure
                    .clone()
                    .unwrap_or_default();
                let sname = em.types.closure_struct(&name, &caps, adts);
                let mut args = format!("ctx, (snow_fnptr){name}");
                for o in ops {
                    args.push_str(", ");
                    args.push_str(&self.op(em, o));
                }
                let ctor = closure_ctor(em, &sname, &caps);
                format!("{ctor}({args})")
            }
            Rv::Field(o, t, i) => {
                let fields = TypeTable::record_fields(t, adts);
                let e = self.op_tight(em, o);
                format!("{e}->{}", fields[*i as usize].0)
            }
            Rv::VariantField(o, t, v, i) => {
                let vs = em.types.variant_struct(t, *v, adts);
                let e = self.op(em, o);
                format!("((struct {vs} *){e})->f{i}")
            }
            Rv::Tag(o) => format!("{}->tag", self.op_tight(em, o)),
            Rv::EnvField(i) => {
                let s = self.env_struct.clone().unwrap_or_default();
                format!("((struct {s} *)env)->c{i}")
            }
            Rv::SelfClosure => "env".into(),
            Rv::Rt(op, ops, _) => self.rt(em, op, ops).text,
        }
    }

    /// A call of a runtime table function: type-variable positions travel
    /// as words, everything else in its natural C type.
    fn extern_call(&mut self, em: &mut Emitter, i: usize, fty: &Ty, ops: &[Operand]) -> CExpr {
        let f = &stdlib::RT_FNS[i];
        let (_, decl) = stdlib::signature(f.sig);
        let (Ty::Fun(dps, dret), Ty::Fun(_, cret)) = (&decl, fty) else {
            return CExpr::call("0".into());
        };
        let mut args = Vec::new();
        if !f.has(stdlib::NO_CTX) {
            args.push("ctx".to_string());
        }
        if f.has(stdlib::RET_DESC) {
            let d = em.types.desc(cret, &em.prog.adts);
            args.push(format!("&{d}"));
        }
        if f.has(stdlib::ARG_DESC) {
            if let Ty::Fun(cps, _) = fty {
                let d = em.types.desc(&cps[0], &em.prog.adts);
                args.push(format!("&{d}"));
            }
        }
        for (o, dp) in ops.iter().zip(dps) {
            args.push(if matches!(dp, Ty::Gen(_)) {
                self.w(em, o)
            } else {
                self.op(em, o)
            });
        }
        let call = format!("{}({})", f.c_name, args.join(", "));
        if matches!(**dret, Ty::Gen(_)) {
            self.unword_call(em, call, cret)
        } else if dret.is_unit() {
            CExpr::unit_call(call)
        } else if stdlib::c_type(dret) == "void *" {
            // Say which layout the `void *` has: the call may be folded
            // into a use that needs it.
            let ct = em.types.cty(cret, &em.prog.adts);
            CExpr::unary(format!("({ct}){call}"))
        } else {
            CExpr::call(call)
        }
    }

    fn bin(
        &mut self,
        em: &mut Emitter,
        op: BinOp,
        a: &Operand,
        b: &Operand,
        t: &Ty,
        pos: Pos,
    ) -> CExpr {
        let (x, y) = (self.op(em, a), self.op(em, b));
        let call = |text: String| CExpr::call(text);
        let infix = |text: String| CExpr::infix(text);
        // The opposite comparison (exact for integers: no NaN).
        let not = |o: BinOp| match o {
            BinOp::Eq => BinOp::Ne,
            BinOp::Ne => BinOp::Eq,
            BinOp::Lt => BinOp::Ge,
            BinOp::Gt => BinOp::Le,
            BinOp::Le => BinOp::Gt,
            _ => BinOp::Lt,
        };
        let cmp = |o: BinOp| match o {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            _ => ">=",
        };
        match t {
            Ty::Con(TyCon::Int, _) => match op {
                BinOp::Add => call(format!("snow_add({x}, {y})")),
                BinOp::Sub => call(format!("snow_sub({x}, {y})")),
                BinOp::Mul => call(format!("snow_mul({x}, {y})")),
                BinOp::Div => call(format!("snow_div(ctx, {x}, {y}, {})", em.loc(pos))),
                BinOp::Mod => call(format!("snow_mod(ctx, {x}, {y}, {})", em.loc(pos))),
                o => infix(format!("{x} {} {y}", cmp(o)))
                    .negation(format!("{x} {} {y}", cmp(not(o)))),
            },
            Ty::Con(TyCon::Float, _) => match op {
                BinOp::Add => infix(format!("{x} + {y}")),
                BinOp::Sub => infix(format!("{x} - {y}")),
                BinOp::Mul => infix(format!("{x} * {y}")),
                BinOp::Div => infix(format!("{x} / {y}")),
                BinOp::Mod => call(format!("fmod({x}, {y})")),
                o => infix(format!("{x} {} {y}", cmp(o))),
            },
            Ty::Con(TyCon::Bool, _) | Ty::Con(TyCon::Pid, _) => {
                infix(format!("{x} {} {y}", cmp(op)))
            }
            Ty::Con(TyCon::String, _) => match op {
                BinOp::Eq => call(format!("snow_str_eq({x}, {y})")),
                BinOp::Ne => CExpr::unary(format!("!snow_str_eq({x}, {y})")),
                o => infix(format!("snow_str_cmp({x}, {y}) {} 0", cmp(o))),
            },
            _ if t.is_unit() => match op {
                BinOp::Eq | BinOp::Le | BinOp::Ge => call("true".into()),
                _ => call("false".into()),
            },
            _ => {
                let d = em.types.desc(t, &em.prog.adts);
                let (wx, wy) = (word(&x, t), word(&y, t));
                match op {
                    BinOp::Eq => call(format!("snow_eq(ctx, &{d}, {wx}, {wy})")),
                    BinOp::Ne => CExpr::unary(format!("!snow_eq(ctx, &{d}, {wx}, {wy})")),
                    o => infix(format!("snow_cmp(ctx, &{d}, {wx}, {wy}) {} 0", cmp(o))),
                }
            }
        }
    }

    fn rt(&mut self, em: &mut Emitter, op: &RtOp, ops: &[Operand]) -> CExpr {
        let o = |me: &Self, em: &mut Emitter, i: usize| me.op(em, &ops[i]);
        let unit = CExpr::unit_call;
        let text = match op {
            RtOp::Spawn(f, t) => {
                let name = em.fn_name(*f);
                let d = em.types.desc(t, &em.prog.adts);
                format!("snow_spawn(ctx, {name}, &{d}, {})", self.w(em, &ops[0]))
            }
            RtOp::Send(t) => {
                let d = em.types.desc(t, &em.prog.adts);
                let (p, m) = (o(self, em, 0), self.w(em, &ops[1]));
                return unit(format!("snow_send(ctx, {p}, &{d}, {m})"));
            }
            RtOp::SendAfter(t) => {
                let d = em.types.desc(t, &em.prog.adts);
                let (p, ms, m) = (o(self, em, 0), o(self, em, 1), self.w(em, &ops[2]));
                return unit(format!("snow_send_after(ctx, {p}, {ms}, &{d}, {m})"));
            }
            RtOp::SetTerminate(f) => {
                let name = em.fn_name(*f);
                return unit(format!("snow_set_terminate(ctx, {name}, 0)"));
            }
            RtOp::RecvNext(t) => {
                let d = em.types.desc(t, &em.prog.adts);
                format!(
                    "(int64_t)(uintptr_t)snow_recv_next(ctx, (void *)(uintptr_t){}, &{d}, &snow_msg_w)",
                    o(self, em, 0)
                )
            }
            RtOp::RecvValue(t) => self.unword(em, "snow_msg_w", t),
            RtOp::RecvTake(t) => {
                let e = format!("snow_recv_take(ctx, (void *)(uintptr_t){})", o(self, em, 0));
                return self.unword_call(em, e, t);
            }
            RtOp::RecvDrop => {
                return unit(format!(
                    "snow_recv_drop(ctx, (void *)(uintptr_t){})",
                    o(self, em, 0)
                ))
            }
            RtOp::ServiceStart(f, st, rq) => {
                let name = em.fn_name(*f);
                let (ds, dr) = (
                    em.types.desc(st, &em.prog.adts),
                    em.types.desc(rq, &em.prog.adts),
                );
                let w = self.w(em, &ops[0]);
                format!("snow_service_start(ctx, {name}, &{ds}, {w}, &{dr})")
            }
            RtOp::ServiceCall(rq, rp) => {
                let d = em.types.desc(rq, &em.prog.adts);
                let (p, w) = (o(self, em, 0), self.w(em, &ops[1]));
                let e = format!("snow_service_call(ctx, {p}, &{d}, {w})");
                return self.unword_call(em, e, rp);
            }
            RtOp::ServiceCast(rq) => {
                let d = em.types.desc(rq, &em.prog.adts);
                let (p, w) = (o(self, em, 0), self.w(em, &ops[1]));
                return unit(format!("snow_service_cast(ctx, {p}, &{d}, {w})"));
            }
            RtOp::Display(t) => {
                let x = o(self, em, 0);
                match t {
                    Ty::Con(TyCon::Int, _) => format!("snow_int_to_str(ctx, {x})"),
                    Ty::Con(TyCon::Float, _) => format!("snow_float_to_str(ctx, {x})"),
                    Ty::Con(TyCon::Bool, _) => format!("snow_bool_to_str(ctx, {x})"),
                    Ty::Con(TyCon::String, _) => x,
                    _ => {
                        let d = em.types.desc(t, &em.prog.adts);
                        format!("snow_display(ctx, &{d}, {})", word(&x, t))
                    }
                }
            }
            RtOp::ConcatN => {
                let parts: Vec<String> = (0..ops.len()).map(|i| o(self, em, i)).collect();
                format!(
                    "snow_str_concat_n(ctx, {}, (snow_str *const[]){{{}}})",
                    parts.len(),
                    parts.join(", ")
                )
            }
            RtOp::ListLit(t) => {
                let d = em.types.desc(t, &em.prog.adts);
                if ops.is_empty() {
                    return CExpr::call(format!("snow_list_from(ctx, &{d}, 0, NULL)"));
                }
                let ws: Vec<String> = ops.iter().map(|x| self.w(em, x)).collect();
                format!(
                    "snow_list_from(ctx, &{d}, {}, (const snow_word[]){{{}}})",
                    ws.len(),
                    ws.join(", ")
                )
            }
            RtOp::ListAddItems(front) => {
                let f = if *front { "prepend" } else { "append" };
                let ws: Vec<String> = ops[1..].iter().map(|x| self.w(em, x)).collect();
                if let [w] = &ws[..] {
                    format!("snow_list_{f}(ctx, {}, {w})", o(self, em, 0))
                } else {
                    format!(
                        "snow_list_{f}_n(ctx, {}, {}, (const snow_word[]){{{}}})",
                        o(self, em, 0),
                        ws.len(),
                        ws.join(", ")
                    )
                }
            }
            RtOp::MapLit(t) => {
                let d = em.types.desc(t, &em.prog.adts);
                let mut e = format!("snow_map_new(ctx, &{d})");
                for kv in ops.chunks(2) {
                    let (k, v) = (self.w(em, &kv[0]), self.w(em, &kv[1]));
                    e = format!("snow_map_put(ctx, {e}, {k}, {v})");
                }
                e
            }
            RtOp::ListItem(t) => {
                let e = format!("{}->items[{}]", self.op_tight(em, &ops[0]), o(self, em, 1));
                self.unword(em, &e, t)
            }
            RtOp::Extern(i, fty) => return self.extern_call(em, *i, fty, ops),
            RtOp::Abs(t) => {
                let x = o(self, em, 0);
                if matches!(t, Ty::Con(TyCon::Float, _)) {
                    format!("fabs({x})")
                } else {
                    format!("({x} < 0 ? snow_neg({x}) : {x})")
                }
            }
            RtOp::Min(t) | RtOp::Max(t) => {
                let (x, y) = (o(self, em, 0), o(self, em, 1));
                let is_min = matches!(op, RtOp::Min(_));
                if matches!(t, Ty::Con(TyCon::Float, _)) {
                    format!("{}({x}, {y})", if is_min { "fmin" } else { "fmax" })
                } else {
                    format!("({x} {} {y} ? {x} : {y})", if is_min { "<" } else { ">" })
                }
            }
            RtOp::SortBy(t) => {
                let f = sort_helper(em, t);
                let d = em.types.desc(&Ty::list(t.clone()), &em.prog.adts);
                let (xs, cmp) = (o(self, em, 0), o(self, em, 1));
                format!("snow_list_sort_by(ctx, &{d}, {xs}, {cmp}, {f})")
            }
            RtOp::OrderingOf => {
                let c = o(self, em, 0);
                let ord = Ty::Con(TyCon::Adt(crate::types::ty::ORDERING), vec![]);
                let adts = &em.prog.adts;
                let (l, e, g) = (
                    em.types.nullary(&ord, 0, adts),
                    em.types.nullary(&ord, 1, adts),
                    em.types.nullary(&ord, 2, adts),
                );
                format!("({c} < 0 ? {l} : {c} == 0 ? {e} : {g})")
            }
            RtOp::RangeStart => format!("{}->start", self.op_tight(em, &ops[0])),
            RtOp::RangeStop => format!("{}->stop", self.op_tight(em, &ops[0])),
        };
        CExpr {
            text,
            ..Default::default()
        }
    }
}

/// The comparison adapter `snow_list_sort_by` (c-support/snow_sort.h)
/// calls for lists of `t`: it unwraps two items and calls the comparator
/// closure in its natural C signature.
fn sort_helper(em: &mut Emitter, t: &Ty) -> String {
    let adts = &em.prog.adts;
    let tname = em.types.tname(t, adts);
    let name = em
        .types
        .derived("sort", &tname, |t| format!("snow_sort_cmp_{t}"));
    if !em.types.made.insert(name.clone()) {
        return name;
    }
    em.includes.insert("snow_sort.h");
    let ct = em.types.cty(t, adts);
    let un = |w: &str| match t {
        Ty::Con(TyCon::Int, _) => format!("snow_int_w({w})"),
        Ty::Con(TyCon::Float, _) => format!("snow_float_w({w})"),
        Ty::Con(TyCon::Bool, _) => format!("snow_bool_w({w})"),
        Ty::Con(TyCon::Pid, _) => format!("(snow_pid)({w})"),
        _ if is_scalar(t) => "(snow_unit)0".to_string(),
        _ => format!("({ct})snow_ptr_w({w})"),
    };
    em.types.helpers.push(format!(
        "static int64_t {name}(snow_ctx *ctx, snow_closure *cmp, snow_word a, snow_word b) {{
    int64_t (*f)(snow_ctx *, snow_closure *, {ct}, {ct}) =
        (int64_t (*)(snow_ctx *, snow_closure *, {ct}, {ct}))cmp->fn;
    return f(ctx, cmp, {}, {});
}}
",
        un("a"),
        un("b")
    ));
    name
}

/// A constructor for a closure environment struct.
fn closure_ctor(em: &mut Emitter, sname: &str, caps: &[Ty]) -> String {
    let fname = em.types.derived("new", sname, |s| format!("{s}_new"));
    let desc = em.types.desc_of(sname);
    if !em.types.made.insert(fname.clone()) {
        return fname;
    }
    let mut params = vec!["snow_ctx *ctx".to_string(), "snow_fnptr fn".to_string()];
    let mut sets = String::new();
    for (i, c) in caps.iter().enumerate() {
        let ct = em.types.cty(c, &em.prog.adts);
        params.push(format!("{ct}{}c{i}", sep(&ct)));
        let _ = writeln!(sets, "    o->c{i} = c{i};");
    }
    em.types.helpers.push(format!(
        "static snow_closure *{fname}({}) {{\n    struct {sname} *o = (struct {sname} *)snow_alloc(ctx, &{desc}, sizeof(struct {sname}));\n    o->c.fn = fn;\n{sets}    return &o->c;\n}}\n",
        params.join(", ")
    ));
    fname
}
