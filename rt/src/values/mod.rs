//! Values and their operations, built on the collector: strings
//! (`string`), lists (`list`), maps and sets (`map`, `set`) over the
//! insertion-ordered hash table (`hash_table`), §3.2.7 hashing (`hash`),
//! Display/Debug (`fmt`), equality, ordering and hashing through
//! descriptors (`protocols`), building compiler-laid-out values (`layout`),
//! and the stack check of runtime code that recurses as deep as a value
//! (`recursion`). Their `#[no_mangle]` functions are the C ABI generated
//! code uses for the built-in types.

pub mod fmt;
pub mod hash;
pub mod hash_table;
pub mod layout;
pub mod list;
pub mod map;
pub mod protocols;
pub mod recursion;
pub mod set;
pub mod string;

#[cfg(test)]
mod values_tests;
