//! The PostgreSQL client (chapter 05 §5.5): protocol v3 in Rust over the
//! reactor, so a process waiting for the server parks and its worker runs
//! other processes. Messages are encoded and decoded by `postgres-protocol`
//! (also the SCRAM-SHA-256 and MD5 hashing); nothing async.
//!
//! - `url`: parsing connection URLs.
//! - `sock`: the socket with its deadlines, and TLS over it.
//! - `tls`: the SSLRequest and the handshake (`sslmode`, `sslrootcert`).
//! - `conn`: connecting and reading messages; `auth`: authentication.
//! - `query`: statements over the extended and simple protocols; `stmts`:
//!   the statements each connection keeps parsed.
//! - `slot`: the handle table and entering a connection for a call.
//! - `calls`, `transaction`: the C entry points behind `Pg.*`.

pub mod auth;
pub mod calls;
pub mod conn;
pub mod query;
pub mod slot;
pub mod sock;
pub mod stmts;
pub mod tls;
pub mod transaction;
pub mod url;
