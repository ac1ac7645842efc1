//! What every layer uses.

pub mod abi;
pub mod console;
pub mod panic;
