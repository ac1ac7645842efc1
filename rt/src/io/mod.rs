//! I/O.

pub mod reactor;

#[cfg(test)]
mod machine_tests;
