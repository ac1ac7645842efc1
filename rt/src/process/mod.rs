//! Processes.

pub mod clock;
pub mod copy;
pub mod grow;
pub mod lifecycle;
pub mod mailbox;
pub mod pcb;
pub mod pid_table;
pub mod primitives;
pub mod protect;
pub mod reason;
pub mod scheduler;
pub mod segments;
pub mod service;
pub mod signal;
pub mod stack;
pub mod supervisor;
pub mod trim;
pub mod worker;

#[cfg(test)]
mod actor_tests;
#[cfg(test)]
mod list_room_tests;
#[cfg(test)]
pub(crate) mod stack_tests;
