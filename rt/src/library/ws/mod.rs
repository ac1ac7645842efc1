//! The WebSocket server (chapter 05 §5.3): frames (`frame`), the opening
//! handshake (`handshake`), connections by handle and rooms (`registry`),
//! the connection process (`conn`) and the Snow entry points (`api`). The
//! accept loop, head parsing and deadlines are the HTTP server's.

pub mod api;
pub mod conn;
pub mod frame;
pub mod handshake;
pub mod registry;
pub mod tls;
