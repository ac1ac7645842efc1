//! The chapter 03 standard-library functions implemented in the runtime
//! (one file per module). Each `#[no_mangle]` function here is an entry of
//! the compiler's table `snowc/src/stdlib/table.rs` and is declared in the
//! "standard library" section of `c-support/snow.h` (the compiler's
//! `stdlib::tests` check all three agree).
//!
//! GC discipline: the collector is non-moving and finds roots by scanning
//! the stack and registers conservatively, so a pointer held in a Rust local
//! keeps its object alive, but one held only inside a Rust heap buffer
//! (`Vec`) does not. Functions that allocate several objects therefore
//! either copy their input to Rust memory first, or store each new object
//! into an already-allocated (and locally held) container right away.

pub mod collections;
pub mod file;
pub mod json;
pub mod json_stream;
pub mod json_value;
pub mod math;
pub mod program;
pub mod queue;
pub mod strings;
pub mod system;
pub mod text;

#[cfg(test)]
mod json_tests;
