//! The work of bench/collections.snow with std collections: the same keys,
//! the same phases, the same output.

use std::collections::{HashMap, HashSet};

fn key(i: i64) -> i64 {
    (i.wrapping_mul(2654435761)) % 4294967296
}

fn main() {
    let n = 1_000_000i64;
    let phase = std::env::args().nth(1).unwrap_or_default();
    let keys: Vec<i64> = (0..n).map(|i| key(i) % 1000000007).collect();
    match phase.as_str() {
        "map" => {
            let mut m = HashMap::new();
            for i in 0..n {
                m.insert(key(i), i);
            }
            let sum: i64 = (0..n).map(|i| m[&key(i)]).sum();
            println!("map {} {}", m.len(), sum);
        }
        "set" => {
            let mut s = HashSet::new();
            for i in 0..n {
                s.insert(key(i));
            }
            let hits = (0..n).filter(|&i| s.contains(&key(i))).count();
            println!("set {} {}", s.len(), hits);
        }
        "sort" => {
            let mut sorted = keys.clone();
            sorted.sort_by(|a, b| a.cmp(b));
            println!("sort {} {}", sorted[0], sorted[n as usize - 1]);
        }
        _ => println!("none {}", keys.len()),
    }
}
