//! Name resolution for outgoing connections: `getaddrinfo` blocks, so it
//! runs on the blocking pool (`io::blocking`) while the calling process
//! parks. Shared by the HTTP client and the PostgreSQL client.

use super::blocking;
use crate::base::abi::Ctx;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// The addresses of `host`: numeric hosts at once, names on the blocking
/// pool; abandoned with an `ErrorKind::TimedOut` error if `deadline`
/// passes first.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn resolve(
    ctx: *mut Ctx,
    host: &str,
    port: u16,
    deadline: u64,
) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let name = host.to_string();
    let lookup = move || (name.as_str(), port).to_socket_addrs().map(|a| a.collect());
    blocking::run(ctx, Some(deadline), lookup)
        .unwrap_or_else(|| Err(io::Error::new(ErrorKind::TimedOut, "timed out")))
}
