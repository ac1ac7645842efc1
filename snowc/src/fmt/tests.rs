//! Style cases of the formatter (exact output).

use super::{format_source, FmtError, Options};

fn fmt(src: &str) -> String {
    fmt_with(src, Options::default())
}

fn fmt_with(src: &str, opts: Options) -> String {
    match format_source(src, &opts) {
        Ok(out) => {
            let again = format_source(&out, &opts).expect("formatted text formats");
            assert_eq!(again, out, "not idempotent");
            out
        }
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn issue_example() {
    assert_eq!(
        fmt("fn add(a,b) do\na+b\nend"),
        "fn add(a, b) do\n  a + b\nend\n"
    );
}

#[test]
fn spacing_of_operators_and_punctuation() {
    assert_eq!(
        fmt("let  x=-1+f( a ,b )*2\nlet m=%{ \"a\"=>1 }\nlet p=P{x:1}\nlet t=( 1 , 2 )\n"),
        "let x = -1 + f(a, b) * 2\nlet m = %{\"a\" => 1}\nlet p = P { x: 1 }\nlet t = (1, 2)\n"
    );
    assert_eq!(
        fmt("pub fn id<T>(x::T)->T=x\nfn r()->Int!String=Ok(1)\nfn o(x::Int?)->List<Map<String,Int>> = []\n"),
        "pub fn id<T>(x :: T) -> T = x\nfn r() -> Int!String = Ok(1)\nfn o(x :: Int?) -> List<Map<String, Int>> = []\n"
    );
    assert_eq!(
        fmt("fn f() do\nif a&&!b do 1 else 2 end\nfor {k,v} in m do k end\nxs.len\n1..n\nend"),
        "fn f() do\n  if a && !b do 1 else 2 end\n  for {k, v} in m do k end\n  xs.len\n  1..n\nend\n"
    );
}

#[test]
fn qualified_constructor_patterns() {
    assert_eq!(
        fmt("fn f(s) do\ncase s do\nGeo . Shape.Circle( r )|Geo.Shape .Square(r)->r\nGeo.Shape.Unit->0\nend\nend\nfn g( Geo.Shape.Unit) = 0\n"),
        "fn f(s) do\n  case s do\n    Geo.Shape.Circle(r) | Geo.Shape.Square(r) -> r\n    Geo.Shape.Unit -> 0\n  end\nend\nfn g(Geo.Shape.Unit) = 0\n"
    );
}

#[test]
fn trailing_closure_parameters() {
    assert_eq!(
        fmt("service S do\ncast Push(x::Int) do | xs |\n[x] ++ xs\nend\nend\n"),
        "service S do\n  cast Push(x :: Int) do |xs|\n    [x] ++ xs\n  end\nend\n"
    );
}

#[test]
fn comments_are_kept_in_odd_places() {
    let src = "\
# head


fn main() do # after do


  let xs = [1,   # one
  # own line
    3
    # before close
  ]
  case xs do
    # first arm
    0 -> 0   # end of arm
    # between arms

    _ -> #= inline =# 1
  end
  if a do
    x
  else
    y
    # before end
  end
end
# tail
";
    let want = "\
# head

fn main() do # after do
  let xs = [
    1, # one
    # own line
    3
    # before close
  ]
  case xs do
    # first arm
    0 -> 0 # end of arm
    # between arms

    _ -> #= inline =# 1
  end
  if a do
    x
  else
    y
    # before end
  end
end
# tail
";
    assert_eq!(fmt(src), want);
}

#[test]
fn blank_lines_collapse_and_vanish_at_block_edges() {
    assert_eq!(
        fmt("\n\nfn a() = 1\n\n\n\nfn b() do\n\n  1\n\n\nend\n\n\n"),
        "fn a() = 1\n\nfn b() do\n  1\nend\n"
    );
}

#[test]
fn long_calls_break_one_argument_per_line() {
    let opts = Options {
        line_width: 30,
        indent_size: 2,
    };
    assert_eq!(
        fmt_with(
            "fn main() do\nprintln(combine(alpha, beta), gamma_delta)\nend",
            opts
        ),
        "fn main() do\n  println(\n    combine(alpha, beta),\n    gamma_delta\n  )\nend\n"
    );
    assert_eq!(
        fmt_with("fn f(first :: Int, second :: Int) -> Int = 1", opts),
        "fn f(\n  first :: Int,\n  second :: Int\n) -> Int = 1\n"
    );
    // A closure body stays with its line; its own brackets break there.
    assert_eq!(
        fmt_with("fn main() do\nrun(fn x ->\nwork(x)\nend)\nend", opts),
        "fn main() do\n  run(fn x ->\n    work(x)\n  end)\nend\n"
    );
}

#[test]
fn long_pipelines_put_one_stage_per_line() {
    let opts = Options {
        line_width: 30,
        indent_size: 4,
    };
    assert_eq!(
        fmt_with("fn main() do\nxs |> List.map(f) |> List.sort()\nend", opts),
        "fn main() do\n    xs\n        |> List.map(f)\n        |> List.sort()\nend\n"
    );
    // Short enough: one line; a break in the source keeps them broken.
    assert_eq!(fmt("let y = xs |> f()\n"), "let y = xs |> f()\n");
    assert_eq!(
        fmt("let y = xs\n|> f() |> g()\n"),
        "let y = xs\n  |> f()\n  |> g()\n"
    );
    // Comments between stages stay between them.
    assert_eq!(
        fmt("fn main() do\nx # a\n# b\n|> f()\n|> g() # c\ny\nend\n"),
        "fn main() do\n  x # a\n    # b\n    |> f()\n    |> g() # c\n  y\nend\n"
    );
}

#[test]
fn literals_are_printed_verbatim() {
    let src = "let s = \"a${ x+1 }\\n\"\nlet t = \"\"\"\n  raw  ${y}\n\"\"\"\nlet n = 0x1F + 1_000 + 2.5e3\n";
    assert_eq!(
        fmt(src),
        "let s = \"a${ x+1 }\\n\"\nlet t = \"\"\"\n  raw  ${y}\n\"\"\"\nlet n = 0x1F + 1_000 + 2.5e3\n"
    );
}

#[test]
fn syntax_errors_are_the_parsers() {
    match format_source("fn main( do\n", &Options::default()) {
        Err(FmtError::Syntax(d)) => assert!(d[0].short().starts_with("Parse error")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn section_keywords_line_up_with_their_block() {
    // `else`, `receive`'s `after` and an actor's `terminate` sit at the
    // level of the construct they belong to.
    let src = "actor a(n :: Int) do\nlet v = receive do\nm -> m\nafter 10 -> 0\nend\nif v > 0 do\n1\nelse if v < 0 do\n-1\nelse\n0\nend\nterminate do\nprintln(\"bye\")\nend\nend\n";
    let want = "actor a(n :: Int) do\n  let v = receive do\n    m -> m\n  after 10 -> 0\n  end\n  if v > 0 do\n    1\n  else if v < 0 do\n    -1\n  else\n    0\n  end\nterminate do\n  println(\"bye\")\nend\nend\n";
    assert_eq!(fmt(src), want);
}

#[test]
fn minus_at_line_start_is_a_sign() {
    assert_eq!(
        fmt("fn f(x) = case x do\n1 -> \"one\"\n-1 -> \"minus\"\n_ -> \"other\"\nend\n"),
        "fn f(x) = case x do\n  1 -> \"one\"\n  -1 -> \"minus\"\n  _ -> \"other\"\nend\n"
    );
}

#[test]
fn blocks_closing_on_one_line() {
    let src =
        "fn f(xs) = List.flat_map(xs, fn o -> case o do\nSome(v) -> [v]\nNone -> []\nend end)\n";
    assert_eq!(
        fmt(src),
        "fn f(xs) = List.flat_map(xs, fn o -> case o do\n  Some(v) -> [v]\n  None -> []\nend end)\n"
    );
}

#[test]
fn line_endings_become_newlines() {
    assert_eq!(
        fmt("\u{feff}fn a() do\r\n  1 # c\r\nend\r\n"),
        "fn a() do\n  1 # c\nend\n"
    );
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("# only a comment"), "# only a comment\n");
    // A line break inside a token is part of it and stays as written.
    assert_eq!(
        fmt("let s = \"\"\"a\r\nb\"\"\"\r\n#= c\r\nd =#\r\n"),
        "let s = \"\"\"a\r\nb\"\"\"\n#= c\r\nd =#\n"
    );
}

#[test]
fn a_lone_list_argument_hugs_the_call() {
    let opts = Options {
        line_width: 30,
        indent_size: 2,
    };
    assert_eq!(
        fmt_with(
            "let s = String.join([\"alpha\", \"beta\", \"gamma\"], sep)\n",
            opts
        ),
        "let s = String.join([\n  \"alpha\",\n  \"beta\",\n  \"gamma\"\n], sep)\n"
    );
    // Two literals: no hugging.
    assert_eq!(
        fmt_with(
            "let s = zip([\"alpha\", \"beta\"], [\"gamma\", \"d\"])\n",
            opts
        ),
        "let s = zip(\n  [\"alpha\", \"beta\"],\n  [\"gamma\", \"d\"]\n)\n"
    );
}

/// `[0, [1, [2, … [n, 0]…]]]` and `[[[…1…]]]`, `n` levels deep.
fn nested_lists(n: usize) -> [String; 2] {
    let mut tail = format!("[{n}, 0]");
    for i in (0..n).rev() {
        tail = format!("[{i}, {tail}]");
    }
    let deep = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    [format!("let x = {tail}\n"), format!("let x = {deep}\n")]
}

#[test]
fn document_size_is_linear_in_list_nesting() {
    use super::{build::Builder, roles::roles, trivia::atoms};
    let nodes = |src: &str| {
        let atoms = atoms(src).expect("lexes");
        let roles = roles(&atoms);
        Builder::new(&atoms, &roles).file().stored_nodes()
    };
    for shape in 0..2 {
        let sizes: Vec<usize> = [3, 6, 9, 12]
            .map(|n| nodes(&nested_lists(n)[shape]))
            .to_vec();
        let steps: Vec<usize> = sizes.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            steps.iter().all(|s| *s == steps[0]),
            "shape {shape}: sizes {sizes:?} do not grow by the same step"
        );
    }
}
