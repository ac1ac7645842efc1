//! I/O: the reactor on the OS main thread (`reactor`), its timers
//! (`timers`, with `sleep` and `send_after`), and parking a process until a
//! file descriptor is ready (`readiness`): the home of networking.

mod epoll;
pub mod net;
pub mod reactor;
pub mod readiness;
pub mod resolve;
pub mod timers;

#[cfg(test)]
pub(crate) mod machine_tests;
