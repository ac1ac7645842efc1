//! The work of bench/json.snow with serde derive and serde_json: the same
//! structs, the same phases, the same output. Fields are declared in sorted
//! order so the text matches Snow's (which sorts members) byte for byte.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct User {
    active: bool,
    age: i64,
    name: String,
    nick: Option<String>,
    score: f64,
    tags: Vec<String>,
}

fn user(i: i64) -> User {
    User {
        name: format!("user number {i}"),
        age: i % 90,
        score: i as f64 * 0.25,
        active: i % 2 == 0,
        tags: vec![format!("a{}", i % 7), "b".to_string()],
        nick: if i % 3 == 0 {
            None
        } else {
            Some(format!("n{i}"))
        },
    }
}

fn main() {
    let n = 100_000;
    let phase = std::env::args().nth(1).unwrap_or_default();
    let users: Vec<User> = (0..n).map(user).collect();
    if phase == "none" {
        println!("none {}", users.len());
        return;
    }
    let texts: Vec<String> = users
        .iter()
        .map(|u| serde_json::to_string(u).unwrap_or_default())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    if phase == "encode" {
        println!("encode {bytes}");
    } else {
        let ages: i64 = texts
            .iter()
            .filter_map(|t| serde_json::from_str::<User>(t).ok())
            .map(|u| u.age)
            .sum();
        println!("both {bytes} {ages}");
    }
}
