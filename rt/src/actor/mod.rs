//! Processes: control blocks (`pcb`), exit reasons (`reason`), mailboxes
//! (`mailbox`), deep copies of values crossing process boundaries (`copy`),
//! the pid table and name registry (`table`), process start and exit, links and signals
//! (`lifecycle`, `signal`), moves to new stack segments (`grow`), and the C
//! ABI generated code calls (`abi`).

pub mod abi;
pub mod copy;
pub mod grow;
pub mod lifecycle;
pub mod mailbox;
pub mod pcb;
pub mod protect;
pub mod reason;
pub mod service;
pub mod signal;
pub mod supervisor;
pub mod table;

pub use pcb::Actor;

#[cfg(test)]
mod tests;
