//! Unit tests of the runtime from Rust: the heap on its own (explicit
//! roots) and the value operations through a real process context.

mod heap;
mod json;
mod list_room;
mod values;
