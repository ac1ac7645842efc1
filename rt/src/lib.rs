//! The Snow runtime: linked as a staticlib into every compiled Snow program.
//! `c-support/snow.h` is the contract with generated C; `base::abi` mirrors it.

pub mod base;
pub mod gc;
pub mod io;
pub mod library;
pub mod process;
pub mod values;
