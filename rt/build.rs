//! Compiles the C helpers in c-support/ into the runtime staticlib: the
//! register spill for the collector and the coroutine context switch.

fn main() {
    let files = [
        "../c-support/snow_rt_support.c",
        "../c-support/snow_switch.c",
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
