//! The HTTP server (chapter 05 §5.1): values and their functions
//! (`values`), route selection (`route`), the wire format (`wire`), the
//! middleware chain (`dispatch`), connection processes (`conn`) and the
//! accepting process with shutdown (`server`), HTTPS (`tls`). Sockets are
//! `io::net`'s.

pub mod conn;
pub mod dispatch;
pub mod route;
pub mod server;
pub mod tls;
pub mod values;
pub mod wire;

/// The HTTP client (§5.2), on the same sockets.
pub mod client;
#[cfg(test)]
mod conn_tests;
