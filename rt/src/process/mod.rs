//! Processes: control blocks (`pcb`), the pid table and name registry
//! (`pid_table`), parking and waking (`park`: the one protocol every wait
//! uses), the scheduler and its worker threads (`scheduler`, `worker`),
//! stack memory and the segment chains of process stacks (`stack`,
//! `segments`, `trim`), moves to new segments and the slow paths of stack
//! checks (`grow`, `slow_path`), process start, preemption and exit
//! (`lifecycle`), exit reasons (`reason`), mailboxes (`mailbox`), deep
//! copies of values crossing processes (`copy`), values shared by all
//! processes (`literal`), links and signals
//! (`signal`), the C primitives generated code calls (`primitives`),
//! services and jobs (`service`), supervisors (`supervisor`), protected
//! calls (`protect`), and the monotonic clock (`clock`).

pub mod clock;
pub mod copy;
pub mod cpus;
pub mod grow;
pub mod lifecycle;
pub mod literal;
pub mod mailbox;
pub mod park;
pub mod pcb;
pub mod pid_table;
pub mod primitives;
pub mod protect;
pub mod reason;
pub mod resources;
pub mod scheduler;
pub mod segments;
pub mod service;
pub mod signal;
pub mod slow_path;
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
