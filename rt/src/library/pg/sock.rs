//! The byte stream of a connection: the parking TCP socket with per-call
//! deadlines (30 s for each read, 10 s for each write, §5.5.1; the read
//! one is `SNOW_PG_READ_TIMEOUT_MS` when set, for tests of servers that
//! never answer), and over it, once negotiated, a rustls session.

use crate::base::abi::Ctx;
use crate::io::net::Stream;
use crate::process::clock;
use rustls::ClientConnection;
use std::io::{self, Read, Write};
use std::sync::OnceLock;

const WRITE_NS: u64 = 10_000_000_000;

/// The read timeout: 30 s; tests shorten it with `SNOW_PG_READ_TIMEOUT_MS`.
fn read_ns() -> u64 {
    static NS: OnceLock<u64> = OnceLock::new();
    *NS.get_or_init(|| crate::library::system::env_ms("SNOW_PG_READ_TIMEOUT_MS", 30_000))
}

/// The socket; each read and write gets a fresh deadline. `reply_due`
/// says a request has just gone out: the next read waits for the socket
/// to become readable before trying, since the answer cannot be there yet
/// (a read that finds nothing is a wasted system call per round trip).
/// Waiting first is only a hint: a socket already readable reports at once.
pub struct Timed(pub Stream, pub bool);

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_deadline = Some(clock::now_ns() + read_ns());
        if std::mem::take(&mut self.1) {
            self.0.wait_readable()?;
        }
        self.0.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_deadline = Some(clock::now_ns() + WRITE_NS);
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The socket and, after a successful SSLRequest, the TLS session.
pub struct Sock {
    pub tcp: Timed,
    pub tls: Option<Box<ClientConnection>>,
}

impl Sock {
    /// Makes the process of `ctx` the one that parks on the socket.
    pub fn set_owner(&mut self, ctx: *mut Ctx) {
        self.tcp.0.set_owner(ctx);
    }

    /// A request has been written; its reply is awaited (see `Timed`).
    pub fn reply_due(&mut self) {
        self.tcp.1 = true;
    }

    /// Drives the TLS handshake to its end.
    pub fn handshake(&mut self) -> io::Result<()> {
        if let Some(t) = &mut self.tls {
            while t.is_handshaking() {
                t.complete_io(&mut self.tcp)?;
            }
        }
        Ok(())
    }
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.tls {
            Some(t) => rustls::Stream::new(&mut **t, &mut self.tcp).read(buf),
            None => self.tcp.read(buf),
        }
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.tls {
            Some(t) => rustls::Stream::new(&mut **t, &mut self.tcp).write(buf),
            None => self.tcp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.tls {
            Some(t) => rustls::Stream::new(&mut **t, &mut self.tcp).flush(),
            None => Ok(()),
        }
    }
}
