//! Robustness: the lexer and parser must never panic.

use super::parse;

const SAMPLES: &[&str] = &[
    "pub fn area(w :: Float, h :: Float) -> Float do\n  w * h\nend\n",
    "let s = \"a${f(\"b${c}\")}d\" <> \"\"\"x\"\"\"\n",
    "case ev do\n Tick | Key(\"\") -> 1\n Key(k) when k == \"q\" -> 2\n h :: t as all -> 3\nend\n",
    "run(fn x do\n log(x)\n (x, 1)\nend) |> List.map(fn 0 -> 1 | n -> n end)\n",
    "actor a(n :: Int) do receive do x -> a(n + x) after 100 -> 0 end terminate do 1 end end\n",
    "service S do call Get :: Int do |s| (s, s) end cast Put(v) do |s| v end end\n",
    "supervisor B do strategy: one_for_one child c do start: fn -> spawn(f) end end end\n",
    "type T<A> do Leaf Node(T<A>, l :: A) end deriving(Eq)\nstruct P do x :: Int end\n",
    "for {k, v} in %{1 => 2} when k > 0 do v end; while a do break end\n",
    "let (a, b) :: (Int, Fun(Int) -> Int?!E) = x #= c #= d =# =#\nfrom M import a, b\n",
    "retry(3) do |n| if n > 0 do n else if n < 0 do -n else 0 end end\n",
    "impl Show<Int> for Geo.Pt where T: Ord do fn show(self) = \"${self.x}\" end\n",
    "interface I do fn m(self) -> Int\n fn d(self) do 1 end end\nx[0]?.y { a: 1 }\n",
];

/// A tiny deterministic generator (no external crates needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn boundaries(s: &str) -> Vec<usize> {
    (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect()
}

#[test]
fn truncations_never_panic() {
    for s in SAMPLES {
        for i in boundaries(s) {
            let _ = parse(&s[..i]);
            let _ = parse(&s[i..]);
        }
    }
}

#[test]
fn samples_parse() {
    for s in SAMPLES {
        if let Err(d) = parse(s) {
            panic!("{s:?}: {}", d.header);
        }
    }
}

#[test]
fn random_mutations_never_panic() {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "%{",
        "\"",
        "\"\"\"",
        "${",
        "\\",
        "#",
        "#=",
        "=#",
        "\n",
        ";",
        "|",
        "|>",
        "->",
        "=>",
        "::",
        ":",
        ",",
        ".",
        "..",
        "?",
        "!",
        "-",
        "fn",
        "do",
        "end",
        "if",
        "else",
        "case",
        "when",
        "let",
        "pub",
        "def",
        "type",
        "struct",
        "receive",
        "after",
        "x",
        "X",
        "1",
        "0x",
        "1e",
        "2.5",
        "_",
        "as",
        "from",
        "import",
        "deriving",
        "self",
        "terminate",
        "é",
        "\r",
        "\t",
        "with",
        "return",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let base = SAMPLES[rng.below(SAMPLES.len())];
        let mut s = base.to_string();
        for _ in 0..1 + rng.below(4) {
            let b = boundaries(&s);
            let at = b[rng.below(b.len())];
            match rng.below(3) {
                0 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
                1 => {
                    let end = b[rng.below(b.len())].max(at);
                    s.replace_range(at..end, "");
                }
                _ => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    s.insert_str(at, piece);
                    s.insert_str(at, piece);
                }
            }
        }
        let _ = parse(&s);
    }
    for _ in 0..2000 {
        let n = rng.below(30);
        let s: String = (0..n)
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let _ = parse(&s);
    }
}

#[test]
fn deep_nesting_is_fine() {
    let s = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    assert!(parse(&s).is_ok());
    let s = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(
        parse(&s).unwrap_err().header,
        "Parse error: nesting is too deep"
    );
    for src in [
        "-".repeat(5000),
        "[".repeat(5000),
        "fn -> ".repeat(3000),
        "case (".repeat(3000),
    ] {
        assert!(parse(&src).is_err());
    }
    let s = format!("let x :: {}Int{} = 1", "(".repeat(5000), ")".repeat(5000));
    assert!(parse(&s).is_err());
    let s = format!(
        "case x do {}a{} -> 1 end",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert!(parse(&s).is_err());
    let s = "\"${".repeat(100);
    assert_eq!(
        parse(&s).unwrap_err().header,
        "Parse error: interpolations are nested too deeply"
    );
}
