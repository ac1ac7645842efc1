//! Mutation fuzzing of the compiler: every program of `tests/e2e` and
//! `tests/compile_fail` is mutated (lines and tokens deleted, duplicated or
//! swapped, identifiers renamed to C keywords, reserved or generated-looking
//! names, literals made huge, expressions nested deeply or chained long,
//! lines spliced in from other programs) and each mutant is compiled to a
//! binary with `snowc MUTANT -o BIN`. For any input snowc must build or
//! print a diagnostic: the test fails on any exit status other than 0 and 1
//! (101 is an internal compiler error or C the C compiler rejected; a
//! signal is a crash) and on a compilation that does not finish in time.
//!
//! Deterministic: mutant `i` depends only on the seed and `i`.
//!   SNOW_FUZZ_MUTANTS=N  how many (default 1500)
//!   SNOW_FUZZ_SEED=S     the seed (default 1)
//! Failing mutants are kept under Cargo's target tmp dir (`fuzz/failures`).

mod common;

use common::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// splitmix64: small, fast, and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, i: u64) -> Rng {
        let mut r = Rng(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Names that C, its headers, `snow.h` or the generated code use.
const HOSTILE_NAMES: &[&str] = &[
    "int",
    "char",
    "static",
    "return",
    "struct",
    "void",
    "while",
    "default",
    "register",
    "restrict",
    "inline",
    "auto",
    "goto",
    "signed",
    "typeof",
    "asm",
    "_Bool",
    "_Atomic",
    "_Generic",
    "_Noreturn",
    "__LINE__",
    "__FILE__",
    "__GNUC__",
    "__x",
    "_X",
    "int64_t",
    "uint64_t",
    "uintptr_t",
    "size_t",
    "NULL",
    "bool",
    "true",
    "false",
    "errno",
    "stdout",
    "stderr",
    "INT64_MIN",
    "INT64_C",
    "NAN",
    "INFINITY",
    "EOF",
    "offsetof",
    "fmod",
    "fabs",
    "math_errhandling",
    "unix",
    "linux",
    "t1",
    "t2",
    "r3",
    "m4",
    "i5",
    "n6",
    "a0",
    "next0",
    "x__w",
    "main__closure1",
    "f__closure1__env",
    "id__Int",
    "str_0",
    "loc_0",
    "snow_str_0",
    "snow_loc_0",
    "snow_ty_Int",
    "snow_alloc",
    "snow_entry",
    "snow_h",
    "snow_msg_w",
    "Main_main",
    "Main_f",
    "Main_P_Y",
    "P_Y",
    "ctx",
    "env",
    "tail",
    "main",
    "L1",
    "o",
    "v0",
    "f0",
    "c0",
    "tag",
    "hook_eq_Main_P",
    "Tup_Int_Int",
    "List_Int",
    "Option_Int_Some",
];

/// Literals that stress the back end.
const HOSTILE_LITERALS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999999",
    "0x7fffffffffffffff",
    "1.7976931348623157e308",
    "1e999",
    "0.0000000000000000000000001",
    "\"\\\\\"",
    "\"${\"",
    "\"*/ /* ??= ??/ %s%n\"",
    "\"\\u{10FFFF}\\u{0}\"",
    "\"#line 1\"",
    "'a'",
];

/// A source split into tokens (whitespace kept as tokens of its own).
fn tokens(src: &str) -> Vec<String> {
    let cs: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let start = i;
        let c = cs[i];
        if c == '"' {
            i += 1;
            while i < cs.len() && cs[i] != '"' && cs[i] != '\n' {
                if cs[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(cs.len());
        } else if c.is_alphanumeric() || c == '_' {
            // A word, or a number with its fraction (`1.5`).
            let number = c.is_ascii_digit();
            let fraction = |j: usize| {
                number && cs[j] == '.' && cs.get(j + 1).is_some_and(|d| d.is_ascii_digit())
            };
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_' || fraction(i)) {
                i += 1;
            }
        } else if c.is_whitespace() {
            while i < cs.len() && cs[i].is_whitespace() && (cs[i] == '\n') == (c == '\n') {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(cs[start..i].iter().collect());
    }
    out
}

fn is_word(t: &str) -> bool {
    !t.trim().is_empty()
}

fn is_ident(t: &str) -> bool {
    t.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// One mutation of `src`; `others` are the other corpus programs. Returns
/// the mutant and a short description.
fn mutate(src: &str, others: &[String], rng: &mut Rng) -> (String, String) {
    let lines: Vec<&str> = src.lines().collect();
    let mut toks = tokens(src);
    let words: Vec<usize> = (0..toks.len()).filter(|&i| is_word(&toks[i])).collect();
    let n = lines.len().max(1);
    match rng.below(14) {
        0 => {
            let i = rng.below(n);
            let mut ls = lines.clone();
            if i < ls.len() {
                ls.remove(i);
            }
            (ls.join("\n"), format!("delete line {}", i + 1))
        }
        1 => {
            let i = rng.below(n).min(lines.len().saturating_sub(1));
            let mut ls = lines.clone();
            if let Some(l) = lines.get(i) {
                ls.insert(i, l);
            }
            (ls.join("\n"), format!("duplicate line {}", i + 1))
        }
        2 => {
            let (a, b) = (rng.below(n), rng.below(n));
            let mut ls = lines.clone();
            if a < ls.len() && b < ls.len() {
                ls.swap(a, b);
            }
            (ls.join("\n"), format!("swap lines {} and {}", a + 1, b + 1))
        }
        3 if !words.is_empty() => {
            let i = *rng.pick(&words);
            let t = std::mem::take(&mut toks[i]);
            (toks.concat(), format!("delete token `{t}`"))
        }
        4 if !words.is_empty() => {
            let i = *rng.pick(&words);
            let t = toks[i].clone();
            toks.insert(i, format!("{t} "));
            (toks.concat(), format!("duplicate token `{t}`"))
        }
        5 if words.len() > 1 => {
            let (a, b) = (*rng.pick(&words), *rng.pick(&words));
            toks.swap(a, b);
            (
                toks.concat(),
                format!("swap tokens `{}` and `{}`", toks[a], toks[b]),
            )
        }
        6..=8 => {
            // Rename every occurrence of one identifier.
            let idents: Vec<usize> = words
                .iter()
                .copied()
                .filter(|&i| is_ident(&toks[i]))
                .collect();
            if idents.is_empty() {
                return (src.to_string(), "nothing".into());
            }
            let from = toks[*rng.pick(&idents)].clone();
            let to = *rng.pick(HOSTILE_NAMES);
            for t in toks.iter_mut() {
                if *t == from {
                    *t = to.to_string();
                }
            }
            (toks.concat(), format!("rename `{from}` to `{to}`"))
        }
        9 => {
            let lits: Vec<usize> = words
                .iter()
                .copied()
                .filter(|&i| toks[i].starts_with(|c: char| c.is_ascii_digit() || c == '"'))
                .collect();
            if lits.is_empty() {
                return (src.to_string(), "nothing".into());
            }
            let i = *rng.pick(&lits);
            let to = *rng.pick(HOSTILE_LITERALS);
            let from = std::mem::replace(&mut toks[i], to.to_string());
            (toks.concat(), format!("replace `{from}` by {to}"))
        }
        10 if !words.is_empty() => {
            // Deep nesting around one token.
            let i = *rng.pick(&words);
            let depth = 1 + rng.below(400);
            let (open, close) = *rng.pick(&[
                ("(", ")"),
                ("[", "]"),
                ("fn() -> ", " end()"),
                ("Some(", ")"),
                ("{", "}"),
                ("if true do ", " else 0 end"),
            ]);
            let t = toks[i].clone();
            toks[i] = format!("{}{t}{}", open.repeat(depth), close.repeat(depth));
            (
                toks.concat(),
                format!("nest `{t}` {depth} deep in {open}{close}"),
            )
        }
        11 if !words.is_empty() => {
            // A long chain after one token.
            let i = *rng.pick(&words);
            let len = 1 + rng.below(3000);
            let step = *rng.pick(&[
                " + 1",
                " ++ [1]",
                " <> \"a\"",
                " |> f",
                ".len()",
                " && true",
                " == 0",
            ]);
            let t = toks[i].clone();
            toks[i] = format!("{t}{}", step.repeat(len));
            (toks.concat(), format!("chain `{step}` x{len} after `{t}`"))
        }
        12..=13 if !others.is_empty() => {
            // A line of another program spliced in.
            let other: Vec<&str> = rng.pick(others).lines().collect();
            let l = other.get(rng.below(other.len())).copied().unwrap_or("");
            let at = rng.below(n + 1).min(lines.len());
            let mut ls = lines.clone();
            ls.insert(at, l);
            (
                ls.join("\n"),
                format!("insert `{}` at line {}", l.trim(), at + 1),
            )
        }
        _ => (src.to_string(), "nothing".into()),
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutants_compile_or_get_a_diagnostic() {
    let count = env_num("SNOW_FUZZ_MUTANTS", 1500) as usize;
    let seed = env_num("SNOW_FUZZ_SEED", 1);
    let mut corpus: Vec<(String, String)> = Vec::new();
    for dir in ["e2e", "compile_fail"] {
        for (name, path) in programs(&tests_dir(dir)) {
            let text = std::fs::read_to_string(&path).expect("readable corpus");
            corpus.push((format!("{dir}/{name}"), text));
        }
    }
    let texts: Vec<String> = corpus.iter().map(|(_, t)| t.clone()).collect();
    let work = scratch_dir("fuzz", "work");
    let kept = scratch_dir("fuzz", "failures");
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let outcomes: Mutex<[usize; 2]> = Mutex::new([0, 0]);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for t in 0..threads {
            let (corpus, texts, work, kept) = (&corpus, &texts, &work, &kept);
            let (next, failures, outcomes) = (&next, &failures, &outcomes);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let mut rng = Rng::new(seed, i as u64);
                let (name, src) = &corpus[rng.below(corpus.len())];
                let (mutant, what) = mutate(src, texts, &mut rng);
                let file: PathBuf = work.join(format!("m{t}.snow"));
                std::fs::write(&file, &mutant).expect("writable scratch dir");
                let out = run(
                    Command::new(snowc())
                        .arg(&file)
                        .arg("-o")
                        .arg(work.join(format!("m{t}.bin")))
                        .env("NO_COLOR", "1"),
                    TIMEOUT,
                );
                let verdict = match &out {
                    Ok(o) if o.status == Some(0) || o.status == Some(1) => {
                        outcomes.lock().unwrap()[o.status.unwrap_or(0) as usize] += 1;
                        None
                    }
                    Ok(o) => Some(describe("snowc", o)),
                    Err(e) => Some(e.clone()),
                };
                if let Some(why) = verdict {
                    let keep = kept.join(format!("seed{seed}_mutant{i}.snow"));
                    let _ = std::fs::write(&keep, &mutant);
                    let short: String = why.lines().take(12).collect::<Vec<_>>().join("\n");
                    failures.lock().unwrap().push(format!(
                        "mutant {i} of {name} ({what}), kept as {}:\n{short}",
                        keep.display()
                    ));
                }
            });
        }
    });
    let [built, rejected] = *outcomes.lock().unwrap();
    eprintln!(
        "fuzz: seed {seed}, {count} mutants: {built} built, {rejected} rejected with a diagnostic"
    );
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {count} mutants crashed or hung snowc:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
