//! SQLite (`Sqlite.*`): the bundled library (`libsqlite3-sys`, `bundled`),
//! so no system dependency; only programs that call `Sqlite` link it (the
//! runtime is a static library and nothing else refers to these objects).
//!
//! Design:
//! - `api`: the SQLite functions, as a table `Sqlite.open`'s C entry point
//!   hands over (so only programs that open a database link SQLite).
//! - `conn`: one database connection over the raw C API, with the value
//!   table, the error strings, the 5 s busy timeout and the change count
//!   that is 0 for anything but a row change. It knows nothing of processes.
//! - `calls`: the C entry points behind `Sqlite.*` (`Sqlite.transaction`
//!   through `library::transaction`). Connections live in a
//!   generation-checked `library::handles` table, so a closed or
//!   never-issued handle gives `connection is closed`, never a
//!   use-after-free; each entry has a process lock (`library::proc_lock`,
//!   shared with Pg), which serialises the calls of processes sharing a
//!   connection and which `Sqlite.transaction` holds for its callback.
//!   Every call runs on the runtime's blocking pool
//!   (`io::blocking`), off the scheduler's workers, while the calling
//!   process parks: a long query costs a pool thread, never a worker.

pub mod api;
pub mod calls;
pub mod conn;

#[cfg(test)]
mod tests;
