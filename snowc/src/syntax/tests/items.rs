use super::{err, p};

#[test]
fn functions() {
    assert_eq!(
        p("pub fn area(w :: Float, h :: Float) -> Float do\n  w * h\nend"),
        "(fn area pub (w::Float h::Float) -> Float (do (* w h)))"
    );
    assert_eq!(p("fn square(x) = x * x"), "(fn square (x) = (* x x))");
    assert_eq!(
        p("def cube(x :: Int) -> Int = x"),
        "(fn cube (x::Int) -> Int = x)"
    );
    assert_eq!(
        p("fn banner do\n  println(\"hi\")\nend"),
        "(fn banner (do (call println \"hi\")))"
    );
    assert_eq!(
        p("fn larger<T>(a :: T, b :: T) -> T where T: Ord do\n  a\nend"),
        "(fn larger <(T)> (a::T b::T) -> T (where T:Ord) (do a))"
    );
    assert_eq!(
        p("fn f<A, B,>() where A: Ord, B: Geo.Shape = 1"),
        "(fn f <(A B)> () (where A:Ord B:Geo.Shape) = 1)"
    );
    assert_eq!(
        p("fn f() = case n do\n 0 -> 0\nend"),
        "(fn f () = (case n (arm 0 0)))"
    );
    assert_eq!(p("fn f = 1"), "(fn f = 1)");
    assert_eq!(p("fn f(x,) = 1"), "(fn f (x) = 1)");
    assert_eq!(
        p("fn f() = run() do 1 end"),
        "(fn f () = (call run (fn (clause () (do 1)))))"
    );
}

#[test]
fn multi_clause_functions_are_separate_items() {
    assert_eq!(
        p("fn label(0) = \"none\"\nfn label(n) when n < 0 = \"invalid\"\nfn label(_) = \"many\""),
        "(fn label (0) = \"none\") (fn label (n) (when (< n 0)) = \"invalid\") (fn label (_) = \"many\")"
    );
}

#[test]
fn parameters() {
    assert_eq!(
        p("fn f(1, 2.5, \"s\", true, nil, -3, _, (a, b)) = 0"),
        "(fn f (1 2.5 \"s\" true nil -3 _ (tuple a b)) = 0)"
    );
    assert_eq!(
        p("fn f(Some(x), Ev.Key(k), Ev.Tick) = 0"),
        "(fn f ((ctor Some x) (ctor Ev.Key k) (ctor Ev.Tick)) = 0)"
    );
    // [Fix] a bare UIDENT parameter is a constructor pattern.
    assert_eq!(p("fn f(None) = 0"), "(fn f ((ctor None)) = 0)");
    assert_eq!(p("fn f(self, x :: Int) = x"), "(fn f (self x::Int) = x)");
    assert_eq!(p("fn f(h :: t) = h"), "(fn f (h::t) = h)");
    assert_eq!(p("fn f((a)) = a"), "(fn f (a) = a)");
    assert_eq!(p("fn f(1 | 2) = a"), "(fn f ((or 1 2)) = a)");
    assert_eq!(p("fn f(_ :: rest) = a"), "(fn f ((cons _ rest)) = a)");
}

#[test]
fn patterns() {
    let arm = |pat: &str| {
        let out = p(&format!("case x do {pat} -> 0 end"));
        out.trim_start_matches("(case x (arm ")
            .trim_end_matches(" 0))")
            .to_string()
    };
    assert_eq!(arm("_"), "_");
    assert_eq!(arm("total"), "total");
    assert_eq!(arm("Tick"), "Tick");
    assert_eq!(arm("-1"), "-1");
    assert_eq!(arm("-2.5"), "-2.5");
    assert_eq!(arm("\"GET\""), "\"GET\"");
    assert_eq!(arm("()"), "(tuple)");
    assert_eq!(arm("(p)"), "p");
    assert_eq!(arm("(x, 0,)"), "(tuple x 0)");
    assert_eq!(arm("Node(l, v, r)"), "(ctor Node l v r)");
    assert_eq!(arm("Event.Key(k)"), "(ctor Event.Key k)");
    assert_eq!(arm("Event.Tick"), "(ctor Event.Tick)");
    assert_eq!(arm("h :: t"), "(cons h t)");
    assert_eq!(arm("a :: b :: rest"), "(cons a (cons b rest))");
    assert_eq!(arm("1 | 2 | 3"), "(or 1 2 3)");
    assert_eq!(arm("a | b :: t"), "(cons (or a b) t)");
    assert_eq!(arm("h :: t as all"), "(as (cons h t) all)");
    assert_eq!(arm("Node(_, _, _) as n"), "(as (ctor Node _ _ _) n)");
    assert_eq!(arm("V()"), "(ctor V)");
    assert_eq!(
        err("case x do \"a${b}\" -> 0 end"),
        "Parse error: string patterns cannot contain interpolation"
    );
    assert_eq!(
        err("case x do [a] -> 0 end"),
        "Parse error: there are no list-literal patterns like `[]` or `[a]`"
    );
    assert_eq!(
        err("case x do Some([]) -> 0 end"),
        "Parse error: there are no list-literal patterns like `[]` or `[a]`"
    );
    assert_eq!(
        err("fn f([]) = 0"),
        "Parse error: there are no list-literal patterns like `[]` or `[a]`"
    );
    assert_eq!(
        err("case x do - a -> 0 end"),
        "Parse error: expected pattern or `end`, found `-`"
    );
}

#[test]
fn types() {
    let t = |ty: &str| {
        let out = p(&format!("let x :: {ty} = 0"));
        out.trim_start_matches("(let x ")
            .trim_end_matches(" 0)")
            .to_string()
    };
    assert_eq!(t("Int"), "Int");
    assert_eq!(t("List<Int>"), "(List Int)");
    assert_eq!(t("Map<String, List<Int>>"), "(Map String (List Int))");
    assert_eq!(t("()"), "(tuple)");
    assert_eq!(t("(Int, String)"), "(tuple Int String)");
    assert_eq!(t("(Int)"), "Int");
    assert_eq!(t("Fun(Int, Int) -> Bool"), "(Fun (Int Int) Bool)");
    assert_eq!(t("Fun() -> Int"), "(Fun () Int)");
    assert_eq!(t("Fun(A) -> Fun(B) -> C"), "(Fun (A) (Fun (B) C))");
    assert_eq!(t("Fun(A) -> R?"), "(Fun (A) (opt R))");
    assert_eq!(t("T?"), "(opt T)");
    assert_eq!(t("T!E"), "(result T E)");
    assert_eq!(t("A!B!C"), "(result A (result B C))");
    assert_eq!(t("T?!E"), "(result (opt T) E)");
    assert_eq!(t("Geo.Point"), "Geo.Point");
    assert_eq!(t("(Int, Int)?"), "(opt (tuple Int Int))");
    assert_eq!(t("(Fun() -> Int)?"), "(opt (Fun () Int))");
    assert_eq!(t("Fun"), "Fun");
    assert_eq!(t("Pid<Msg>"), "(Pid Msg)");
}

#[test]
fn structs_and_sum_types() {
    assert_eq!(
        p("pub struct Reading<T> do\n  sensor :: String\n\n  # c\n  value :: T\nend deriving(Eq, Display)"),
        "(struct Reading pub <(T)> sensor::String value::T (deriving Eq Display))"
    );
    assert_eq!(p("struct E do end"), "(struct E)");
    assert_eq!(p("struct E do end deriving()"), "(struct E (deriving))");
    assert_eq!(
        p("type Event do\n  Tick\n  Key(String)\n  Resize(width :: Int, height :: Int)\nend deriving(Debug, Eq)"),
        "(sumtype Event (Tick) (Key String) (Resize width::Int height::Int) (deriving Debug Eq))"
    );
    assert_eq!(
        p("type Tree<T> do\n  Leaf\n  Node(Tree<T>, T, Tree<T>)\nend"),
        "(sumtype Tree <(T)> (Leaf) (Node (Tree T) T (Tree T)))"
    );
    assert_eq!(p("type Dir do N S end"), "(sumtype Dir (N) (S))");
    assert_eq!(p("type V do A() end"), "(sumtype V (A))");
    assert_eq!(
        err("type Dir do N | S end"),
        "Parse error: expected variant or `end`, found `|`"
    );
    assert_eq!(
        err("struct S do x :: Int; y :: Int end"),
        "Parse error: expected field or `end`, found `;`"
    );
    assert_eq!(
        err("struct S do x end"),
        "Parse error: expected `::`, found keyword `end`"
    );
}

#[test]
fn aliases() {
    assert_eq!(
        p("type Handler = Fun(String) -> Bool"),
        "(alias Handler (Fun (String) Bool))"
    );
    assert_eq!(
        p("type Lookup<V> = Map<String, V>"),
        "(alias Lookup <(V)> (Map String V))"
    );
    assert_eq!(p("pub type A = Int"), "(alias A pub Int)");
}

#[test]
fn interfaces_and_impls() {
    assert_eq!(
        p("interface Describe do\n  fn label(self) -> String\n  fn tag(self) -> String do\n    \"item\"\n  end\nend"),
        "(interface Describe (method label (self) -> String) (method tag (self) -> String (do \"item\")))"
    );
    assert_eq!(
        p("pub interface I<T> do def m end"),
        "(interface I pub <(T)> (method m))"
    );
    assert_eq!(
        p("impl Describe for Invoice do\n  fn label(self) -> String do\n    \"invoice\"\n  end\nend"),
        "(impl Describe for Invoice (do (fn label (self) -> String (do \"invoice\"))))"
    );
    assert_eq!(
        p("impl Geo.Conv<Int, T> for Geo.Pt where T: Ord do end"),
        "(impl Geo.Conv <Int T) for Geo.Pt (where T:Ord) (do))"
    );
    assert_eq!(
        err("impl Show for List<Int> do end"),
        "Parse error: expected `do`, found `<`"
    );
}

#[test]
fn modules_and_imports() {
    assert_eq!(
        p("module Geometry do\n  pub fn double(x) = x * 2\nend"),
        "(module Geometry (do (fn double pub (x) = (* x 2))))"
    );
    assert_eq!(
        p("pub module A do module B do end end"),
        "(module A pub (do (module B (do))))"
    );
    assert_eq!(p("import Net.HttpClient"), "(import Net.HttpClient)");
    assert_eq!(
        p("from Billing import total, Invoice"),
        "(from Billing total Invoice)"
    );
    assert_eq!(p("from A.B import x,\ny"), "(from A.B x) y");
    assert_eq!(p("from(x)"), "(call from x)");
    assert_eq!(
        err("from = 1"),
        "Parse error: there is no assignment in Snow; use `let` to bind a name"
    );
}

#[test]
fn actors() {
    assert_eq!(
        p("actor tally(count :: Int) do\n  receive do\n    n -> tally(count + n)\n  end\n  terminate do\n    println(count)\n  end\nend"),
        "(actor tally (count::Int) (do (receive (arm n (call tally (+ count n))))) (terminate (do (call println count))))"
    );
    assert_eq!(p("actor a do end"), "(actor a () (do))");
    assert_eq!(p("actor a() do 1 end"), "(actor a () (do 1))");
}

#[test]
fn services() {
    assert_eq!(
        p("service Inventory do\n  fn init(start :: Int) -> Int do\n    start\n  end\n  call Take(n :: Int) :: Int do |qty|\n    (qty - n, qty - n)\n  end\n  cast Refill(n :: Int) do |qty|\n    qty + n\n  end\nend"),
        "(service Inventory (fn init (start::Int) -> Int (do start)) (call Take (n::Int) :: Int |qty| (do (tuple (- qty n) (- qty n)))) (cast Refill (n::Int) |qty| (do (+ qty n))))"
    );
    assert_eq!(
        p("service S do; call Get do 1 end; end"),
        "(service S (call Get () (do 1)))"
    );
    assert_eq!(
        err("service S do\n let x = 1\nend"),
        "Parse error: expected `fn`, `call`, `cast` or `end`, found keyword `let`"
    );
}

#[test]
fn supervisors() {
    assert_eq!(
        p("supervisor Backend do\n  strategy: one_for_all\n  max_restarts: 5\n  max_seconds: 30\n  child cache do\n    start: fn -> spawn(cache_loop, 0) end\n    restart: transient\n    shutdown: brutal_kill\n  end\nend"),
        "(supervisor Backend strategy:one_for_all max_restarts:5 max_seconds:30 (child cache start:(fn (clause () (do (spawn cache_loop 0)))) restart:transient shutdown:brutal_kill))"
    );
    assert_eq!(
        p("pub supervisor S do child c do shutdown: 5000; start: f end end"),
        "(supervisor S pub (child c shutdown:5000 start:f))"
    );
    assert_eq!(
        err("supervisor S do\n  speed: 3\nend"),
        "Parse error: unknown supervisor entry: found identifier `speed`"
    );
    assert_eq!(
        err("supervisor S do child c do stop: 1 end end"),
        "Parse error: unknown child entry: found identifier `stop`"
    );
}
