//! The top layer: the chapter 03 standard-library functions implemented in
//! the runtime (one file per Snow module, `text` for `String`), and the
//! program entry (`program`). Each `#[no_mangle]` function here is an entry
//! of the compiler's table `snowc/src/stdlib/table.rs` and is declared in
//! the "standard library" section of `c-support/snow.h` (the compiler's
//! `stdlib::tests` check all three agree). Functions that allocate follow
//! the GC discipline in `gc`'s module comment.

pub mod collections;
pub mod file;
pub mod handles;
pub mod http;
pub mod json;
pub mod json_stream;
pub mod json_value;
pub mod math;
pub mod pg;
pub mod pool;
pub mod proc_lock;
pub mod program;
pub mod queue;
pub mod row;
pub mod sqlite;
pub mod system;
pub mod text;
pub mod tls_client;
pub mod transaction;
pub mod ws;

#[cfg(test)]
mod json_tests;
#[cfg(test)]
mod row_tests;
