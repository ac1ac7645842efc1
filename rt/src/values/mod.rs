//! Values.

pub mod fmt;
pub mod hash;
pub mod hash_table;
pub mod layout;
pub mod list;
pub mod map;
pub mod protocols;
pub mod set;
pub mod string;

#[cfg(test)]
mod values_tests;
