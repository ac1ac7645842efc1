//! The Snow runtime: linked as a staticlib into every compiled Snow program.
//! `c-support/snow.h` is the contract with generated C; `base::abi` mirrors it.
//!
//! The runtime is built in layers, one directory each, and a file uses only
//! its own layer and the layers below it, never one above:
//!
//! Layers, bottom first: base, gc, values, process, io, library.
//!
//! - `base`: the mirror of snow.h (object header, descriptors, context),
//!   console output, panic reports.
//! - `gc`: per-process heaps, allocation, tracing, stack roots, and the
//!   runtime-private objects the collector traces (stores, map tables).
//! - `values`: strings, lists, maps and sets on the shared hash table,
//!   hashing, Display/Debug, equality and ordering, building the values
//!   runtime calls return.
//! - `process`: control blocks, the scheduler and its workers, parking and
//!   waking, stacks and their segments, mailboxes and message copies, links
//!   and signals, services, supervisors, protected calls, the slow paths of
//!   stack checks.
//! - `io`: the reactor on the OS main thread: timers, readiness of file
//!   descriptors, the end of the program; the home of networking.
//! - `library`: the standard library's entry points (chapter 03) and the
//!   program entry `snow_main`, which starts the layers.
//!
//! `rt/tests/layers.rs` checks the rule on every `crate::` and `super::`
//! path. Where a lower layer needs a higher one at run time, the higher one
//! registers a function when it starts, and the lower one calls it:
//! - `gc::roots::set_extra_roots`: the collector asks the process layer for
//!   the stack segments a process left suspended below the one in use;
//! - `base::panic::set_process_hook`: a panic ends the running process
//!   (or returns to its protected call) rather than the program;
//! - `values::recursion::set_rerun`: runtime code that recurses as deep as
//!   a value moves to a new stack segment through the slow path;
//! - `process::scheduler::set_reactor`: the scheduler arms deadline timers
//!   and wakes the reactor, which lives in `io`.

pub mod base;
pub mod gc;
pub mod io;
pub mod library;
pub mod process;
pub mod values;
