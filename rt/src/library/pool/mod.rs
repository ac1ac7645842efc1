//! The PostgreSQL connection pool (chapter 05 §5.6). A `PoolHandle` is a
//! generation-checked handle like a `PgConn`; the connections it hands out
//! are ordinary `PgConn` handles of the client (`library::pg`), which the
//! pool recognises on checkin by their handles.
//!
//! - `state`: the bookkeeping, without I/O (clamping, the FIFO idle queue,
//!   reserved slots, waiters, ages).
//! - `ops`: open, checkout, checkin and close with their I/O.
//! - `calls`: the C entry points behind `Pool.*`.

pub mod calls;
pub mod ops;
pub mod state;
