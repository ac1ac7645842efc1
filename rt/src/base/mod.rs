//! The bottom layer, used by all the others: the Rust mirror of `snow.h`
//! (`abi`), console output (`console`) and panic reports (`panic`).

pub mod abi;
pub mod console;
pub mod panic;
