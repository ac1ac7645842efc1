//! SQLite (`Sqlite.*`): the bundled library (`libsqlite3-sys`, `bundled`),
//! so no system dependency; only programs that call `Sqlite` link it (the
//! runtime is a static library and nothing else refers to these objects).
//!
//! Design:
//! - `conn`: one database connection over the raw C API, with the value
//!   table, the error strings, the 5 s busy timeout and the change count
//!   that is 0 for anything but a row change. It knows nothing of processes.
//! - `handles`: the generation-checked table behind `SqliteConn`. A handle
//!   is `index << 32 | generation`; a closed or never-issued handle finds
//!   nothing, so it gives `connection is closed`, never a use-after-free.
//!   Each entry holds its connection under a mutex, which serialises calls
//!   on one connection (a connection may be shared between processes).
//! - `blocking`: a small pool of OS threads (4, started on first use) that
//!   run SQLite calls off the scheduler's workers, as the BEAM's dirty
//!   schedulers do: a long query then costs a pool thread, not a worker,
//!   and the calling process parks until the job signals completion.
//!   (Switched off for now, see `calls::PARK`: calls run on the worker.)
//! - `calls`: the C entry points behind `Sqlite.*`.

pub mod blocking;
pub mod calls;
pub mod conn;
pub mod handles;

#[cfg(test)]
mod tests;
