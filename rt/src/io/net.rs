//! TCP sockets on the reactor: a process that would block on accept, read
//! or write parks on its registration until the socket is ready or its
//! deadline passes; the worker thread runs other processes meanwhile.
//!
//! `Stream` implements `std::io::Read` and `Write` by parking, so
//! synchronous protocol code (and later a TLS layer over it) runs in a
//! process unchanged. Each carries the deadline its next read or write must
//! meet; a missed one is an `io::ErrorKind::TimedOut` error.
//!
//! Sockets belong to the process that made them (`process::resources`):
//! `Listener::bind` and `Stream::adopt` hand them over at once, so a process
//! killed while parked still gives its descriptors back.

use super::readiness::{Interest, Readiness, Registration};
use crate::base::abi::Ctx;
use crate::process::resources;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

/// Parks the process of `ctx` on `reg` until `interest` or `deadline`.
unsafe fn park<T: std::os::fd::AsFd>(
    ctx: *mut Ctx,
    reg: &Registration<T>,
    interest: Interest,
    deadline: Option<u64>,
) -> io::Result<()> {
    match reg.wait(ctx, interest, deadline)? {
        Readiness::Ready => Ok(()),
        Readiness::TimedOut => Err(io::Error::new(ErrorKind::TimedOut, "timed out")),
    }
}

/// A listening socket owned by the process that bound it.
pub struct Listener {
    reg: Registration<TcpListener>,
}

impl Listener {
    /// Binds `addr` (non-blocking) and gives the socket to the process of
    /// `ctx`; the pointer lives until `close` or the process's exit.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn bind(ctx: *mut Ctx, addr: &str) -> io::Result<*mut Listener> {
        let l = TcpListener::bind(addr)?;
        // The standard library listens with a backlog of 128: a burst of
        // connections beyond it while the accepting process waits for a
        // worker has its SYNs dropped, and each such client waits a second
        // to retry. Listening again raises the backlog (the kernel caps it
        // at `net.core.somaxconn`).
        // SAFETY: listen(2) on a socket this function owns.
        if unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&l), 4096) } != 0 {
            return Err(io::Error::last_os_error());
        }
        l.set_nonblocking(true)?;
        let reg = Registration::new(l)?;
        Ok(resources::own(ctx, Listener { reg }))
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.reg.get().local_addr()
    }

    pub fn raw_fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.reg.get().as_raw_fd()
    }

    /// The next connection (non-blocking, not yet registered), parking
    /// while there is none.
    ///
    /// # Safety
    /// `ctx` is the running process's context, the owner of `self`.
    pub unsafe fn accept(&self, ctx: *mut Ctx) -> io::Result<TcpStream> {
        loop {
            match self.reg.get().accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(true)?;
                    return Ok(s);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    park(ctx, &self.reg, Interest::Readable, None)?
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Closes the socket now.
    ///
    /// # Safety
    /// `ctx` is the owner's context; `l` is not used again.
    pub unsafe fn close(ctx: *mut Ctx, l: *mut Listener) {
        resources::release(ctx, l)
    }
}

/// A connected socket owned by one process.
pub struct Stream {
    reg: Registration<TcpStream>,
    ctx: *mut Ctx,
    /// Deadlines (`process::clock::now_ns`) of the next read and write.
    pub read_deadline: Option<u64>,
    pub write_deadline: Option<u64>,
}

impl Stream {
    /// Registers `s` and gives it to the process of `ctx`.
    ///
    /// # Safety
    /// `ctx` is the running process's context; only that process uses the
    /// returned stream.
    pub unsafe fn adopt(ctx: *mut Ctx, s: TcpStream) -> io::Result<*mut Stream> {
        s.set_nonblocking(true)?;
        let reg = Registration::new(s)?;
        Ok(resources::own(
            ctx,
            Stream {
                reg,
                ctx,
                read_deadline: None,
                write_deadline: None,
            },
        ))
    }

    /// Makes the process of `ctx` the one that parks on this stream. A
    /// stream taken out of its process (`resources::disown`) and shared
    /// (a PostgreSQL connection) is given to each caller in turn, while it
    /// holds the connection's lock.
    pub fn set_owner(&mut self, ctx: *mut Ctx) {
        self.ctx = ctx;
    }

    pub fn socket(&self) -> &TcpStream {
        self.reg.get()
    }

    /// Parks until the socket is readable or the read deadline passes (a
    /// `TimedOut` error), without holding a buffer meanwhile.
    pub fn wait_readable(&mut self) -> io::Result<()> {
        // SAFETY: the stream is used only by its owner, running.
        unsafe { park(self.ctx, &self.reg, Interest::Readable, self.read_deadline) }
    }

    /// Parks until the socket is readable, `read_deadline` passes or
    /// `pending()` holds (see `Registration::wait_or`).
    pub fn wait_readable_or(&self, pending: impl Fn() -> bool) -> io::Result<Readiness> {
        // SAFETY: the stream is used only by its owner, running.
        unsafe {
            self.reg
                .wait_or(self.ctx, Interest::Readable, self.read_deadline, pending)
        }
    }

    /// Closes the socket now.
    ///
    /// # Safety
    /// `ctx` is the owner's context; `s` is not used again.
    pub unsafe fn close(ctx: *mut Ctx, s: *mut Stream) {
        resources::release(ctx, s)
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.reg.get().read(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    // SAFETY: the stream is used only by its owner, running.
                    unsafe { park(self.ctx, &self.reg, Interest::Readable, self.read_deadline)? }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                r => return r,
            }
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        let fd = self.reg.get().as_raw_fd();
        loop {
            // `send` with MSG_NOSIGNAL: a peer that went away is an EPIPE
            // error, not a SIGPIPE (the program does not ignore it).
            // SAFETY: `buf` is valid for `buf.len()` bytes.
            let n = unsafe {
                libc::send(
                    fd,
                    buf.as_ptr() as *const libc::c_void,
                    buf.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            let r = if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            };
            match r {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    // SAFETY: the stream is used only by its owner, running.
                    unsafe { park(self.ctx, &self.reg, Interest::Writable, self.write_deadline)? }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                r => return r,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[path = "net_connect.rs"]
mod connect;

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
