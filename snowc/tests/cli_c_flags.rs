//! `snowc print-c-flags`: the C that `--emit-c` writes builds with a plain
//! `cc` and the printed flags, exactly as the README shows, and runs.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Uses the runtime's scheduler, collector, strings, maps and JSON.
const PROGRAM: &str = r#"
struct Point do
  x :: Int
  y :: Int
end deriving(Json)

actor doubler(reply_to) do
  receive do
    n -> send(reply_to, n * 2)
  end
end

actor collector() do
  receive do
    n -> println("doubled: ${n}")
  end
end

fn main() do
  let words = String.split("emit c by hand", " ")
  let lengths = List.map(words, fn w -> String.length(w) end)
  println("${Map.from_list(List.zip(words, lengths))}")
  println(Json.encode(Point { x: 1, y: 2 }))
  println("${Math.sqrt(2.0)}")
  let d = spawn(doubler, spawn(collector))
  send(d, 21)
end
"#;

const EXPECTED: &str = "%{emit => 4, c => 1, by => 2, hand => 4}\n\
{\"x\":1,\"y\":2}\n1.4142135623730951\ndoubled: 42\n";

/// Runs `script` with `sh -c` in `dir`, with `$SNOWC` naming the compiler
/// and a private cache, so the runtime is materialised from scratch.
fn sh(dir: &Path, script: &str) -> Output {
    let out = run(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .env("SNOWC", snowc())
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env_remove("CFLAGS")
            .env_remove("LDFLAGS"),
        HANG_TIMEOUT,
    )
    .unwrap();
    assert_eq!(out.status, Some(0), "{}", describe(script, &out));
    out
}

#[test]
fn printed_flags_build_emitted_c_with_plain_cc() {
    let dir = scratch_dir("cli_c_flags", "build");
    std::fs::write(dir.join("app.snow"), PROGRAM).unwrap();
    sh(&dir, r#""$SNOWC" app.snow --emit-c app.c"#);

    // The README's one-line form.
    sh(&dir, r#"cc app.c $("$SNOWC" print-c-flags) -o app"#);
    // Separate compile and link steps.
    sh(
        &dir,
        r#"cc -c app.c $("$SNOWC" print-c-flags --cflags) -o app.o &&
           cc app.o $("$SNOWC" print-c-flags --libs) -o app2"#,
    );
    for exe in ["app", "app2"] {
        let ran = sh(&dir, &format!("./{exe}"));
        assert_eq!(ran.stdout, EXPECTED, "{exe}");
    }
}

#[test]
fn printed_paths_exist() {
    let dir = scratch_dir("cli_c_flags", "paths");
    let cflags = sh(&dir, r#""$SNOWC" print-c-flags --cflags"#).stdout;
    let words: Vec<&str> = cflags.split_whitespace().collect();
    assert_eq!(words[..2], ["-std=c11", "-I"], "{cflags}");
    assert!(Path::new(words[2]).join("snow.h").is_file(), "{cflags}");
    assert_eq!(words.len(), 3, "{cflags}");

    let libs = sh(&dir, r#""$SNOWC" print-c-flags --libs"#).stdout;
    let archive = libs.split_whitespace().next().unwrap();
    assert!(archive.ends_with("libsnowrt.a"), "{libs}");
    assert!(Path::new(archive).is_file(), "{libs}");
    assert!(libs.contains("-lm") && libs.contains("-lpthread"), "{libs}");

    let both = sh(&dir, r#""$SNOWC" print-c-flags"#).stdout;
    assert_eq!(both, format!("{} {libs}", cflags.trim_end()));
}
