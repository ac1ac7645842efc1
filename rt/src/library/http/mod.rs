//! The HTTP server (chapter 05 §5.1): values and their functions
//! (`values`), route selection (`route`), the wire format (`wire`), the
//! middleware chain (`dispatch`), connection processes (`conn`) and the
//! accepting process with shutdown (`server`). Sockets are `io::net`'s.

pub mod conn;
pub mod dispatch;
pub mod route;
pub mod server;
pub mod values;
pub mod wire;

#[cfg(test)]
mod conn_tests;
