//! Name resolution for outgoing connections: `getaddrinfo` blocks, so it
//! runs on a helper thread while the calling process parks on a socket
//! pair (the helper closes its end when it has the answer). Shared by the
//! HTTP client and the PostgreSQL client.

use super::readiness::{Interest, Readiness, Registration};
use crate::base::abi::Ctx;
use crate::process::{clock, resources};
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

/// The addresses of `host`: numeric hosts at once, names on a helper
/// thread; abandoned with an `ErrorKind::TimedOut` error if `deadline`
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
    let (waiting, signal) = UnixStream::pair()?;
    waiting.set_nonblocking(true)?;
    let answer: Arc<Mutex<Option<io::Result<Vec<SocketAddr>>>>> = Arc::default();
    let (slot, name) = (answer.clone(), host.to_string());
    let helper = std::thread::Builder::new()
        .name("snow-resolve".into())
        .spawn(move || {
            let r = (name.as_str(), port).to_socket_addrs().map(|a| a.collect());
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            // Dropping `signal` wakes the waiting end (end of stream).
            drop(signal);
        });
    if helper.is_err() {
        // No thread to spare: resolve here rather than fail.
        return (host, port).to_socket_addrs().map(|a| a.collect());
    }
    // Owned by the process, so a kill while parked here unregisters it.
    let reg = resources::own(ctx, Registration::new(waiting)?);
    let r = wait_for(ctx, &*reg, &answer, deadline);
    resources::release(ctx, reg);
    r
}

/// Parks on `reg` until the helper thread has put its answer in `answer`
/// (or `deadline`).
unsafe fn wait_for(
    ctx: *mut Ctx,
    reg: &Registration<UnixStream>,
    answer: &Mutex<Option<io::Result<Vec<SocketAddr>>>>,
    deadline: u64,
) -> io::Result<Vec<SocketAddr>> {
    loop {
        if let Some(r) = answer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return r;
        }
        match reg.wait(ctx, Interest::Readable, Some(deadline))? {
            Readiness::Ready if clock::now_ns() < deadline => {}
            _ => return Err(io::Error::new(ErrorKind::TimedOut, "timed out")),
        }
    }
}
