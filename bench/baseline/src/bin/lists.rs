//! The work of bench/lists.snow in Rust: prepends with
//! `VecDeque::push_front` (not `Vec::insert(0, _)`, which is quadratic),
//! appends with `Vec::push`, and a reversed copy of a Vec. Same arguments
//! (phase, rounds), same output.

use std::collections::VecDeque;
use std::hint::black_box;

const N: i64 = 1_000_000;

fn append() -> Vec<i64> {
    let mut v = Vec::new();
    for i in 0..N {
        v.push(black_box(i));
    }
    v
}

fn summary(xs: &[i64]) -> String {
    format!("{} {} {} {}", xs.len(), xs[0], xs[500_000], xs[xs.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let phase = args.get(1).cloned().unwrap_or_default();
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1);
    if phase == "none" {
        println!("none");
        return;
    }
    let base = if phase == "build" || phase == "reverse" {
        append()
    } else {
        Vec::new()
    };
    let mut last = String::new();
    for _ in 0..rounds {
        last = match phase.as_str() {
            "prepend" | "prepend_fn" => {
                let mut d = VecDeque::new();
                for i in 0..N {
                    d.push_front(black_box(i));
                }
                summary(d.make_contiguous())
            }
            "append" => summary(&append()),
            "reverse" => {
                let r: Vec<i64> = base.iter().rev().copied().collect();
                summary(&black_box(r))
            }
            _ => summary(&base),
        };
    }
    println!("{phase} {last}");
}
