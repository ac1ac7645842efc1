//! Links small C programs against the runtime staticlib exactly as snowc's
//! output is linked (`cc ... libsnowrt.a -lm -lpthread -ldl`) and checks
//! their output: the ABI of snow.h works from C, including under
//! SNOW_GC_STRESS=1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Drops unreferenced sections when linking: the staticlib carries all of
/// std, and without this a hello-world is about 1 MB stripped instead of
/// about 400 KB. The driver links with the same flag.
#[cfg(target_os = "macos")]
const DEAD_CODE_FLAG: &str = "-Wl,-dead_strip";
#[cfg(not(target_os = "macos"))]
const DEAD_CODE_FLAG: &str = "-Wl,--gc-sections";

fn target_dir() -> PathBuf {
    // The test binary lives in target/<profile>/deps/.
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

fn build(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = target_dir().join("libsnowrt.a");
    if !lib.exists() {
        // `cargo test` builds the library only as an rlib; build the
        // staticlib in the same profile (the build lock is free while tests
        // run).
        let release = target_dir().ends_with("release");
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo
            .args(["build", "-q", "-p", "snow-rt", "--lib"])
            .current_dir(root);
        if release {
            cargo.arg("--release");
        }
        let ok = cargo.status().map(|s| s.success()).unwrap_or(false);
        assert!(ok && lib.exists(), "could not build {}", lib.display());
    }
    let out = std::env::temp_dir().join(format!("snowrt-test-{}-{name}", std::process::id()));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-O2", "-Wall", "-Werror", "-o"])
        .arg(&out)
        .arg("-I")
        .arg(root.join("../c-support"))
        .arg(root.join(format!("tests/c/{name}.c")))
        .arg(&lib)
        .args(["-lm", "-lpthread", "-ldl"])
        .arg(DEAD_CODE_FLAG)
        .status()
        .expect("running cc");
    assert!(status.success(), "cc failed for {name}");
    out
}

fn run(bin: &Path, args: &[&str], stress: bool) -> Output {
    let mut cmd = Command::new(bin);
    cmd.args(args);
    if stress {
        cmd.env("SNOW_GC_STRESS", "1");
    } else {
        cmd.env_remove("SNOW_GC_STRESS");
    }
    cmd.output().unwrap()
}

const SMOKE_OUT: &str = "\
[item0, item1, item2]
item999
%{item0 => [2996], item1 => [2997], item2 => [2998], item3 => [2999]}
%{item0 => [2996], item2 => [2998], item3 => [2999]}
%{item0 => [2996], item1 => [2997], item2 => [2998], item3 => [2999]}
total: 20000000 | 0.30000000000000004
#{3, 1, 2}
Point(1, -2)
Point { x: 1, y: -2 }
HASH
[Circle(2.5), Empty, Label(done, true)]
true
-1
\"done\"
no newline, done
";

fn expected_smoke() -> String {
    let h = |v: i64| {
        let mut x: u64 = 0xcbf29ce484222325;
        for b in v.to_le_bytes() {
            x ^= b as u64;
            x = x.wrapping_mul(0x100000001b3);
        }
        x
    };
    let mut x = h(1);
    for b in (h(-2) as i64).to_le_bytes() {
        x ^= b as u64;
        x = x.wrapping_mul(0x100000001b3);
    }
    SMOKE_OUT.replace("HASH", &(x as i64).to_string())
}

#[test]
fn smoke_program_output() {
    let bin = build("smoke");
    for stress in [false, true] {
        let out = run(&bin, &[], stress);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected_smoke(),
            "stress={stress}"
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "done\n");
        assert_eq!(out.status.code(), Some(0));
    }
    if !cfg!(debug_assertions) {
        // Release runtime: a stripped program must stay well under 1 MB.
        let stripped = bin.with_extension("stripped");
        let ok = Command::new("strip")
            .arg("-o")
            .arg(&stripped)
            .arg(&bin)
            .status();
        if ok.map(|s| s.success()).unwrap_or(false) {
            let size = std::fs::metadata(&stripped).unwrap().len();
            assert!(size < 1_000_000, "stripped size {size}");
            let _ = std::fs::remove_file(&stripped);
        }
    }
    let _ = std::fs::remove_file(&bin);
}

#[test]
fn panics_report_and_exit_101() {
    let bin = build("panic");
    let out = run(&bin, &["index"], false);
    assert_eq!(out.status.code(), Some(101));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "panic: List.get: index 5 out of bounds (len 3)\n  at main.snow:3:7\n"
    );
    let out = run(&bin, &["div"], false);
    assert_eq!(out.status.code(), Some(101));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "panic: division by zero\n  at main.snow:3:7\n"
    );
    let out = run(&bin, &["deep"], false);
    assert_eq!(out.status.code(), Some(101));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "panic: stack overflow in deep/1 (stack size 256 MiB; set SNOW_STACK_SIZE to raise it)\n  at main.snow:9:1\n"
    );
    let out = run(&bin, &["none"], false);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before");
    let _ = std::fs::remove_file(&bin);
}
