//! Compiles the C helpers in c-support/ into the runtime staticlib: the
//! register spill for the collector, the coroutine context switch, and
//! `Sqlite.open`'s entry point with the table of SQLite functions (its own
//! object, so only programs that open a database link SQLite).

fn main() {
    let files = [
        "../c-support/snow_rt_support.c",
        "../c-support/snow_switch.c",
        "../c-support/snow_sqlite.c",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    println!("cargo:rerun-if-changed=../c-support/snow.h");
    println!("cargo:rerun-if-changed=../c-support/snow_switch.h");
    cc::Build::new()
        .files(files)
        .include("../c-support")
        .opt_level(2)
        .warnings(true)
        .compile("snowrt_support");
}
