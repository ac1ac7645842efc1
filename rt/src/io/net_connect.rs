//! Outgoing connections: a non-blocking `connect` whose completion the
//! process waits for on the reactor, like any other read or write.

use super::{park, Stream};
use crate::base::abi::Ctx;
use crate::io::readiness::Interest;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{FromRawFd, RawFd};

/// A new non-blocking socket with `connect` to `addr` begun.
fn start(addr: &SocketAddr) -> io::Result<TcpStream> {
    let (family, raw, len) = sockaddr(addr);
    // SAFETY: plain system calls; the descriptor is owned by the returned
    // stream from the moment it exists.
    unsafe {
        let fd: RawFd = libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        );
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let s = TcpStream::from_raw_fd(fd);
        let r = libc::connect(fd, &raw as *const _ as *const libc::sockaddr, len);
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINPROGRESS) && e.kind() != ErrorKind::Interrupted {
                return Err(e);
            }
        }
        Ok(s)
    }
}

/// `addr` as a C socket address.
fn sockaddr(addr: &SocketAddr) -> (i32, libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid; each arm writes the
    // variant it declares into storage large enough for any of them.
    unsafe {
        let mut st: libc::sockaddr_storage = core::mem::zeroed();
        match addr {
            SocketAddr::V4(a) => {
                let sin = &mut *(&mut st as *mut _ as *mut libc::sockaddr_in);
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = a.port().to_be();
                sin.sin_addr.s_addr = u32::from_ne_bytes(a.ip().octets());
                let len = core::mem::size_of::<libc::sockaddr_in>();
                (libc::AF_INET, st, len as libc::socklen_t)
            }
            SocketAddr::V6(a) => {
                let sin6 = &mut *(&mut st as *mut _ as *mut libc::sockaddr_in6);
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = a.port().to_be();
                sin6.sin6_addr.s6_addr = a.ip().octets();
                sin6.sin6_flowinfo = a.flowinfo();
                sin6.sin6_scope_id = a.scope_id();
                let len = core::mem::size_of::<libc::sockaddr_in6>();
                (libc::AF_INET6, st, len as libc::socklen_t)
            }
        }
    }
}

impl Stream {
    /// Connects to `addr`, parking until the connection is made, refused
    /// or `deadline` passes (`ErrorKind::TimedOut`), and gives the stream
    /// to the process of `ctx`.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn connect(
        ctx: *mut Ctx,
        addr: &SocketAddr,
        deadline: Option<u64>,
    ) -> io::Result<*mut Stream> {
        let s = Stream::adopt(ctx, start(addr)?)?;
        let done = park(ctx, &(*s).reg, Interest::Writable, deadline).and_then(|()| {
            match (*s).socket().take_error()? {
                Some(e) => Err(e),
                None => (*s).socket().peer_addr().map(|_| ()),
            }
        });
        match done {
            Ok(()) => Ok(s),
            Err(e) => {
                Stream::close(ctx, s);
                Err(e)
            }
        }
    }
}
