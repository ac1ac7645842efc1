//! The Snow runtime: linked as a staticlib into every compiled Snow program.
//! `c-support/snow.h` is the contract with generated C; `abi` mirrors it.

pub mod abi;
pub mod actor;
pub mod entry;
pub mod fmt;
pub mod gc;
pub mod hash;
pub mod io;
pub mod list;
pub mod map;
pub mod panic;
pub mod process;
pub mod protocols;
pub mod sched;
pub mod set;
pub mod stdlib;
pub mod store;
pub mod string;
pub mod table;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;
