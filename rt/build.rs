//! Compiles the C helpers in c-support/ into the runtime staticlib.

fn main() {
    let support = "../c-support/snow_rt_support.c";
    println!("cargo:rerun-if-changed={support}");
    println!("cargo:rerun-if-changed=../c-support/snow.h");
    cc::Build::new()
        .file(support)
        .include("../c-support")
        .opt_level(2)
        .warnings(true)
        .compile("snowrt_support");
}
