use super::{err, p};

#[test]
fn literals_and_names() {
    assert_eq!(p("true false nil x Tick"), "true false nil x Tick");
    assert_eq!(p("()"), "(tuple)");
    assert_eq!(p("(1)"), "1");
    assert_eq!(p("(1,)"), "1");
    assert_eq!(p("(1, 2,)"), "(tuple 1 2)");
    assert_eq!(p("[1, 2,]"), "(list 1 2)");
    assert_eq!(p("[]"), "(list)");
    assert_eq!(p("%{}"), "(map)");
    assert_eq!(p("%{1 => 2, 3 => 4,}"), "(map (1 2) (3 4))");
    assert_eq!(p("%{\"a\" => 1 \"b\" => 2}"), "(map (\"a\" 1) (\"b\" 2))");
    assert_eq!(p("% {1 => 2}"), "(map (1 2))");
}

#[test]
fn precedence() {
    assert_eq!(p("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(p("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(p("a < b < c"), "(< (< a b) c)");
    assert_eq!(p("0..n - 1"), "(.. 0 (- n 1))");
    assert_eq!(p("a <> b ++ c"), "(<> (<> a b) c)");
    assert_eq!(p("a .. b <> c"), "(.. a (<> b c))");
    assert_eq!(p("a == b < c"), "(== a (< b c))");
    assert_eq!(p("a and b == c"), "(and a (== b c))");
    assert_eq!(p("a or b and c"), "(or a (and b c))");
    assert_eq!(p("a || b && c"), "(or a (and b c))");
    assert_eq!(p("a % b / c"), "(/ (% a b) c)");
    assert_eq!(p("not a == b"), "(== (not a) b)");
    assert_eq!(p("!a && !b"), "(and (not a) (not b))");
    assert_eq!(p("-a * b"), "(* (neg a) b)");
    assert_eq!(p("-p.x"), "(neg (. p x))");
    assert_eq!(p("-parse(s)?"), "(neg (? (call parse s)))");
    assert_eq!(p("- -a"), "(neg (neg a))");
    assert_eq!(p("a--b"), "(- a (neg b))");
    assert_eq!(p("xs |> total + 1"), "(call (+ total 1) xs)");
    assert_eq!(p("a |> f() |> g()"), "(call g (call f a))");
    assert_eq!(p("a or b |> f"), "(call f (or a b))");
    assert_eq!(p("List.new<Int>()"), "(> (< (. List new) Int) (tuple))");
}

#[test]
fn pipes() {
    assert_eq!(p("a |> f(x)"), "(call f a x)");
    assert_eq!(p("3 |> double"), "(call double 3)");
    assert_eq!(
        p("xs |> List.map(fn x -> x * 2 end)"),
        "(call (. List map) xs (fn (clause (x) (do (* x 2)))))"
    );
    assert_eq!(
        p("x |> fn v -> v + 1 end"),
        "(call (fn (clause (v) (do (+ v 1)))) x)"
    );
    assert_eq!(p("a |> make(1)(2)"), "(call (call make 1) a 2)");
}

#[test]
fn postfix_forms() {
    assert_eq!(p("f(1)(2)"), "(call (call f 1) 2)");
    assert_eq!(p("f()"), "(call f)");
    assert_eq!(p("f(1, 2,)"), "(call f 1 2)");
    assert_eq!(p("Math.max(a, b)"), "(call (. Math max) a b)");
    assert_eq!(p("a.b.c"), "(. (. a b) c)");
    assert_eq!(p("a[i + 1]"), "(index a (+ i 1))");
    assert_eq!(p("a[0][1]"), "(index (index a 0) 1)");
    assert_eq!(p("f(x)?"), "(? (call f x))");
    assert_eq!(p("x??"), "(? (? x))");
    assert_eq!(p("Vec2 { x: 0, y: 0 }"), "(struct Vec2 (x 0) (y 0))");
    assert_eq!(p("Vec2 {\n  x: 3\n  y: 4\n}"), "(struct Vec2 (x 3) (y 4))");
    assert_eq!(p("Vec2 { x: 1 y: 2, }"), "(struct Vec2 (x 1) (y 2))");
    assert_eq!(p("Empty {}"), "(struct Empty)");
    assert_eq!(
        p("Geo.Point { x: 1 }.x"),
        "(. (struct (. Geo Point) (x 1)) x)"
    );
    assert_eq!(
        p("if ok do 1 else 2 end.to_string()"),
        "(call (. (if ok (do 1) (do 2)) to_string))"
    );
    assert_eq!(
        p("case r do _ -> 1 end |> describe"),
        "(call describe (case r (arm _ 1)))"
    );
}

#[test]
fn self_and_concurrency() {
    assert_eq!(p("self()"), "(self)");
    assert_eq!(p("self"), "self");
    assert_eq!(p("self.x"), "(. self x)");
    assert_eq!(p("spawn(f, 1, 2)"), "(spawn f 1 2)");
    assert_eq!(p("send(pid, Msg(1))"), "(send pid (call Msg 1))");
    assert_eq!(p("link(p)"), "(link p)");
    assert_eq!(
        err("spawn f"),
        "Parse error: expected `(` after `spawn`, found identifier `f`"
    );
    assert_eq!(
        err("self(1)"),
        "Parse error: expected `)`, found integer `1`"
    );
}

#[test]
fn if_chains() {
    assert_eq!(p("if a do 1 end"), "(if a (do 1))");
    assert_eq!(p("if a do 1 else 2 end"), "(if a (do 1) (do 2))");
    assert_eq!(
        p("if t > 30 do \"hot\" else if t > 15 do \"mild\" else \"cold\" end"),
        "(if (> t 30) (do \"hot\") (do (if (> t 15) (do \"mild\") (do \"cold\"))))"
    );
    // `if` on the line after `else` is nested and needs its own `end`.
    assert_eq!(
        p("if a do\n1\nelse\nif b do 2 end\nend"),
        "(if a (do 1) (do (if b (do 2))))"
    );
    assert_eq!(p("if a do\nend"), "(if a (do))");
}

#[test]
fn case_and_match() {
    assert_eq!(
        p("case ev do\n  Tick | Key(\"\") -> \"idle\"\n  Key(k) when k == \"q\" -> \"quit\"\n  _ -> 0\nend"),
        "(case ev (arm (or Tick (ctor Key \"\")) \"idle\") (arm (ctor Key k) (when (== k \"q\")) \"quit\") (arm _ 0))"
    );
    assert_eq!(
        p("match x do 1 -> a 2 -> b end"),
        "(case x (arm 1 a) (arm 2 b))"
    );
    // A constructor qualified by a module path, with and without fields.
    assert_eq!(
        p("case s do\n  Geo.Shape.Circle(r) | Geo.Circle(r) -> r\n  A.B.Shape.Unit -> 0\nend"),
        "(case s (arm (or (ctor Geo.Shape.Circle r) (ctor Geo.Circle r)) r) (arm (ctor A.B.Shape.Unit) 0))"
    );
    assert_eq!(p("case x do end"), "(case x)");
    assert_eq!(p("case x do\n\nend"), "(case x)");
    assert_eq!(
        p("case n do\n 0 -> 0\n _ -> if n > 0 do 1 else -1 end\nend"),
        "(case n (arm 0 0) (arm _ (if (> n 0) (do 1) (do (neg 1)))))"
    );
    assert_eq!(
        p("case x do\n 1 -> return 5\nend"),
        "(case x (arm 1 (return 5)))"
    );
}

#[test]
fn loops() {
    assert_eq!(
        p("while x < 3 do f(x) end"),
        "(while (< x 3) (do (call f x)))"
    );
    assert_eq!(
        p("for i in 0..5 do i * i end"),
        "(for i (.. 0 5) (do (* i i)))"
    );
    assert_eq!(
        p("for {name, score} in scores when score >= 50 do\n  println(name)\nend"),
        "(for {(name score)} scores (when (>= score 50)) (do (call println name)))"
    );
    assert_eq!(p("for _ in xs do break end"), "(for _ xs (do break))");
    assert_eq!(
        p("for {} in m do continue end"),
        "(for {()} m (do continue))"
    );
    assert_eq!(p("while true do break 5 end"), "(while true (do break 5))");
    assert_eq!(
        err("for (a, b) in pairs do end"),
        "Parse error: expected loop variable or `{`, found `(`"
    );
}

#[test]
fn heads_never_take_trailing_closures() {
    assert_eq!(p("if valid(x) do 1 end"), "(if (call valid x) (do 1))");
    assert_eq!(p("while more(q) do 1 end"), "(while (call more q) (do 1))");
    assert_eq!(
        p("case lookup(k) do _ -> 1 end"),
        "(case (call lookup k) (arm _ 1))"
    );
    assert_eq!(
        p("for x in range(0, 3) do x end"),
        "(for x (call range 0 3) (do x))"
    );
    assert_eq!(
        p("for x in xs when ok(x) do x end"),
        "(for x xs (when (call ok x)) (do x))"
    );
    assert_eq!(
        p("fn f(x) when ok(x) do x end"),
        "(fn f (x) (when (call ok x)) (do x))"
    );
    assert_eq!(
        p("h(fn x when ok(x) do x end)"),
        "(call h (fn (clause (x) (when (call ok x)) (do x))))"
    );
    // Inside brackets the restriction is lifted.
    assert_eq!(
        p("if (run() do 1 end) do 2 end"),
        "(if (call run (fn (clause () (do 1)))) (do 2))"
    );
}

#[test]
fn trailing_closures() {
    assert_eq!(
        p("retry(3) do |attempt|\n  println(attempt)\nend"),
        "(call retry 3 (fn (clause (attempt) (do (call println attempt)))))"
    );
    assert_eq!(
        p("list.each() do |x, y :: Int| x end"),
        "(call (. list each) (fn (clause (x y::Int) (do x))))"
    );
    assert_eq!(p("run() do 1 end"), "(call run (fn (clause () (do 1))))");
    assert_eq!(p("run() do || 1 end"), "(call run (fn (clause () (do 1))))");
    assert_eq!(
        p("xs |> each() do |x| x end"),
        "(call each xs (fn (clause (x) (do x))))"
    );
}

#[test]
fn closures() {
    assert_eq!(p("fn -> 42 end"), "(fn (clause () (do 42)))");
    assert_eq!(p("fn -> a\nb end"), "(fn (clause () (do a b)))");
    assert_eq!(
        p("fn do log(\"x\"); 42 end"),
        "(fn (clause () (do (call log \"x\") 42)))"
    );
    assert_eq!(
        p("fn(a, b) -> a + b end"),
        "(fn (clause (a b) (do (+ a b))))"
    );
    assert_eq!(p("fn (x :: Int) -> x end"), "(fn (clause (x::Int) (do x)))");
    assert_eq!(p("fn() -> 0 end"), "(fn (clause () (do 0)))");
    assert_eq!(
        p("f(fn x -> x * 2 end)"),
        "(call f (fn (clause (x) (do (* x 2)))))"
    );
    assert_eq!(
        p("f(fn acc, x -> acc + x end)"),
        "(call f (fn (clause (acc x) (do (+ acc x)))))"
    );
    assert_eq!(
        p("f(fn x :: Int -> x end)"),
        "(call f (fn (clause (x::Int) (do x))))"
    );
    assert_eq!(
        p("f(fn x do\n  let y = x * 2\n  y + 1\nend)"),
        "(call f (fn (clause (x) (do (let y (* x 2)) (+ y 1)))))"
    );
    assert_eq!(
        p("f(fn x when x > 0 -> x end)"),
        "(call f (fn (clause (x) (when (> x 0)) (do x))))"
    );
    assert_eq!(
        p("f(fn 0 -> \"zero\" | n when n < 0 -> \"neg\" | _ -> \"pos\" end)"),
        "(call f (fn (clause (0) (do \"zero\")) (clause (n) (when (< n 0)) (do \"neg\")) (clause (_) (do \"pos\"))))"
    );
    assert_eq!(
        p("f(fn Some(v) -> v | None -> 0 end)"),
        "(call f (fn (clause ((ctor Some v)) (do v)) (clause ((ctor None)) (do 0))))"
    );
    assert_eq!(
        p("f(fn (a, b) -> a end)"),
        "(call f (fn (clause (a b) (do a))))"
    );
    assert_eq!(
        p("f(fn((a, b)) -> a end)"),
        "(call f (fn (clause ((tuple a b)) (do a))))"
    );
    assert_eq!(p("f(fn -1 -> 0 end)"), "(call f (fn (clause (-1) (do 0))))");
    assert_eq!(
        p("f(fn Ev.Key(k) -> k end)"),
        "(call f (fn (clause ((ctor Ev.Key k)) (do k))))"
    );
    assert_eq!(
        p("f(fn M.Ev.Key(k) :: _ -> k end)"),
        "(call f (fn (clause ((cons (ctor M.Ev.Key k) _)) (do k))))"
    );
    assert_eq!(
        p("f(fn \"a\", true -> 1 end)"),
        "(call f (fn (clause (\"a\" true) (do 1))))"
    );
    // A later `do` clause needs its own `end` plus the closure's.
    assert_eq!(
        p("f(fn 0 -> 1 | n do\n n\nend end)"),
        "(call f (fn (clause (0) (do 1)) (clause (n) (do n))))"
    );
    assert_eq!(
        p("f(fn 0 -> 1 | -> 2 end)"),
        "(call f (fn (clause (0) (do 1)) (clause () (do 2))))"
    );
    assert_eq!(
        p("f(fn 0 -> 1 | (a) -> 2 end)"),
        "(call f (fn (clause (0) (do 1)) (clause (a) (do 2))))"
    );
}

#[test]
fn closure_ext_line_breaks() {
    // [Ext] line breaks before `end` and `|` after an arrow body.
    assert_eq!(
        p("let f = fn x -> x + 1\nend"),
        "(let f (fn (clause (x) (do (+ x 1)))))"
    );
    assert_eq!(
        p("let f = fn 0 -> 1\n  | _ -> 2\nend"),
        "(let f (fn (clause (0) (do 1)) (clause (_) (do 2))))"
    );
}

#[test]
fn receive() {
    assert_eq!(
        p("receive do\n  Ping(s) -> answer(s)\n  n when n > 100 -> n\nafter 2000 -> 0 end"),
        "(receive (arm (ctor Ping s) (call answer s)) (arm n (when (> n 100)) n) (after 2000 0))"
    );
    assert_eq!(
        p("receive do\n  x -> x\nafter 5 -> 0\nend"),
        "(receive (arm x x) (after 5 0))"
    );
    assert_eq!(p("receive do\n  x -> x\nend"), "(receive (arm x x))");
    assert_eq!(p("receive do after 1 -> 2 end"), "(receive (after 1 2))");
}

#[test]
fn returns() {
    assert_eq!(p("fn f() do\n return\nend"), "(fn f () (do (return)))");
    assert_eq!(p("fn f() do return; 1 end"), "(fn f () (do (return) 1))");
    assert_eq!(
        p("fn f() do return 1 + 2 end"),
        "(fn f () (do (return (+ 1 2))))"
    );
    assert_eq!(
        p("if a do return else 1 end"),
        "(if a (do (return)) (do 1))"
    );
    assert_eq!(
        p("f(fn x -> return x end)"),
        "(call f (fn (clause (x) (do (return x)))))"
    );
    assert_eq!(p("f(return)"), "(call f (return))");
    assert_eq!(p("return"), "(return)");
}

#[test]
fn let_statements() {
    assert_eq!(p("let x = 1"), "(let x 1)");
    assert_eq!(p("let x :: Int = 1"), "(let x Int 1)");
    assert_eq!(p("let _ = f()"), "(let _ (call f))");
    assert_eq!(p("let (a, _) = t"), "(let (tuple a _) t)");
    assert_eq!(
        p("let (Some(a), b) = pair"),
        "(let (tuple (ctor Some a) b) pair)"
    );
    assert_eq!(
        p("let (a, b) :: (Int, Int) = t"),
        "(let (tuple a b) (tuple Int Int) t)"
    );
    assert_eq!(
        err("let Some(x) = y"),
        "Parse error: expected `::` or `=`, found `(`"
    );
    assert_eq!(
        err("let 1 = y"),
        "Parse error: expected name or tuple pattern after `let`, found integer `1`"
    );
}

#[test]
fn node_ids_are_unique() {
    let f = super::parse("let a = f(1, x) + [2]\ncase a do (b, c) -> b end").unwrap();
    let mut ids = Vec::new();
    fn walk_e(e: &crate::syntax::ast::Expr, ids: &mut Vec<u32>) {
        ids.push(e.id.0);
        use crate::syntax::ast::ExprKind::*;
        match &e.kind {
            Binary(_, a, b) => {
                walk_e(a, ids);
                walk_e(b, ids)
            }
            Call { callee, args } => {
                walk_e(callee, ids);
                args.iter().for_each(|a| walk_e(a, ids))
            }
            List(xs) => xs.iter().for_each(|a| walk_e(a, ids)),
            Case { scrutinee, arms } => {
                walk_e(scrutinee, ids);
                for a in arms {
                    ids.push(a.pattern.id.0);
                    walk_e(&a.body, ids);
                }
            }
            _ => {}
        }
    }
    for s in &f.stmts {
        match &s.kind {
            crate::syntax::ast::StmtKind::Let { pat, value, .. } => {
                ids.push(pat.id.0);
                walk_e(value, &mut ids);
            }
            crate::syntax::ast::StmtKind::Expr(e) => walk_e(e, &mut ids),
            _ => {}
        }
    }
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(n >= 10);
}

#[test]
fn spans() {
    let f = super::parse("let x = foo(1, 2)\nbar.baz").unwrap();
    assert_eq!(f.stmts[0].span, crate::syntax::ast::Span::new(0, 17));
    let crate::syntax::ast::StmtKind::Let { value, pat, .. } = &f.stmts[0].kind else {
        panic!()
    };
    assert_eq!((pat.span.start, pat.span.end), (4, 5));
    assert_eq!((value.span.start, value.span.end), (8, 17));
    assert_eq!((f.stmts[1].span.start, f.stmts[1].span.end), (18, 25));
    let crate::syntax::ast::StmtKind::Expr(e) = &f.stmts[1].kind else {
        panic!()
    };
    let crate::syntax::ast::ExprKind::Field { name, .. } = &e.kind else {
        panic!()
    };
    assert_eq!((name.span.start, name.span.end), (22, 25));
    // Pipe spans cover both sides.
    let f = super::parse("a |> f(b)").unwrap();
    assert_eq!((f.stmts[0].span.start, f.stmts[0].span.end), (0, 9));
    let f = super::parse("fn f(x) = x").unwrap();
    assert_eq!((f.stmts[0].span.start, f.stmts[0].span.end), (0, 11));
}
