//! I/O: the reactor on the OS main thread (`reactor`) and its timers
//! (`timers`, with `sleep` and `send_after`); the home of networking.

pub mod reactor;
pub mod timers;

#[cfg(test)]
mod machine_tests;
