//! One PostgreSQL connection: connecting (§5.5.1: resolve, TCP, the
//! SSLRequest and TLS, the StartupMessage, authentication, up to the first
//! ReadyForQuery) and reading backend messages (lengths and message types
//! checked before the protocol crate parses them).

use super::sock::{Sock, Timed};
use super::url::{PgUrl, SslMode};
use super::{auth, tls};
use crate::base::abi::Ctx;
use crate::io::net::Stream;
use crate::io::resolve::resolve;
use crate::process::{clock, resources};
use bytes::BytesMut;
use postgres_protocol::message::backend::Message;
use postgres_protocol::message::frontend;
use std::io::{self, ErrorKind, Read, Write};

const CONNECT_NS: u64 = 10_000_000_000;

/// The longest backend message taken: PostgreSQL sends none longer (its
/// allocations stop at 1 GiB).
const MAX_MESSAGE: u32 = 1 << 30;

/// The type bytes of the backend messages protocol v3 defines.
const BACKEND_TAGS: &[u8] = b"123ACDEGHIKNRSTVWZcdnst";

/// A connection: its stream, read buffer and transaction status.
pub struct Conn {
    pub sock: Sock,
    buf: BytesMut,
    /// The status byte of the last ReadyForQuery: `I`, `T` or `E`.
    pub status: u8,
    /// The statements parsed on this connection.
    pub stmts: super::stmts::Cache,
    /// A request went out and its reply was not read through
    /// ReadyForQuery (an I/O error, a timeout, a message out of step, or
    /// a holder killed meanwhile): what comes next on the socket is not
    /// the answer to the next request, so the connection is unusable.
    pub broken: bool,
}

/// The text of an I/O failure.
pub fn io_text(e: &io::Error) -> String {
    if let Some(t) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return format!("TLS: {t}");
    }
    match e.kind() {
        ErrorKind::TimedOut => "timed out".into(),
        ErrorKind::UnexpectedEof => "server closed the connection".into(),
        _ => e.to_string(),
    }
}

impl Conn {
    /// Connects and authenticates as `url` says. The connection belongs to
    /// the process of `ctx` meanwhile (a kill frees it); the caller takes
    /// it out with `resources::disown`.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn open(ctx: *mut Ctx, url: &PgUrl) -> Result<*mut Conn, String> {
        let connect_by = clock::now_ns() + CONNECT_NS;
        let addrs = resolve(ctx, &url.host, url.port, connect_by)
            .map_err(|e| format!("DNS resolution failed: {}", io_text(&e)))?;
        // Only the first address is tried (§5.5.1).
        let addr = addrs.first().ok_or("could not resolve host")?;
        let s = Stream::connect(ctx, addr, Some(connect_by))
            .map_err(|e| format!("connection failed: {}", io_text(&e)))?;
        let _ = (*s).socket().set_nodelay(true);
        let stream = *resources::disown(ctx, s).ok_or("connection failed: lost socket")?;
        let conn = resources::own(
            ctx,
            Conn {
                sock: Sock {
                    tcp: Timed(stream, false),
                    tls: None,
                },
                buf: BytesMut::with_capacity(8192),
                status: b'I',
                stmts: Default::default(),
                broken: false,
            },
        );
        let r = (*conn).start(url);
        match r {
            Ok(()) => Ok(conn),
            Err(e) => {
                resources::release(ctx, conn);
                Err(e)
            }
        }
    }

    fn start(&mut self, url: &PgUrl) -> Result<(), String> {
        if url.sslmode != SslMode::Disable {
            tls::negotiate(&mut self.sock, url)?;
        }
        let mut out = BytesMut::new();
        let params = [
            ("user", url.user.as_str()),
            ("database", url.database.as_str()),
            ("client_encoding", "UTF8"),
            ("application_name", "snow"),
        ];
        frontend::startup_message(params.iter().copied(), &mut out)
            .map_err(|e| format!("send startup: {e}"))?;
        self.send(&out)
            .map_err(|e| format!("send startup: {}", io_text(&e)))?;
        auth::authenticate(self, url)?;
        // Up to ReadyForQuery: parameters, the key, notices pass by.
        loop {
            match self
                .next_message()
                .map_err(|e| format!("post-auth read: {}", io_text(&e)))?
            {
                Message::ReadyForQuery(b) => {
                    self.status = b.status();
                    return Ok(());
                }
                Message::ErrorResponse(b) => return Err(super::query::error_text(&b)),
                _ => {}
            }
        }
    }

    /// Writes `bytes` out in full.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sock.write_all(bytes)?;
        self.sock.flush()
    }

    /// The next backend message. An authentication request of a kind we
    /// do not support (Kerberos, GSS, SSPI, ...) comes back as an
    /// `Unsupported` error with its code as the message.
    pub fn next_message(&mut self) -> io::Result<Message> {
        loop {
            if self.buf.len() >= 9 && self.buf[0] == b'R' {
                let code = i32::from_be_bytes([self.buf[5], self.buf[6], self.buf[7], self.buf[8]]);
                if !matches!(code, 0 | 3 | 5 | 10 | 11 | 12) {
                    return Err(io::Error::new(ErrorKind::Unsupported, code.to_string()));
                }
            }
            // Parsed only once complete: the parser would reserve room for
            // the whole message up front, whatever length the server
            // claims (4 GiB from a hostile one).
            if let Some(&tag) = self.buf.first() {
                // The parser's own error would show the tag as a decimal.
                if !BACKEND_TAGS.contains(&tag) {
                    let m = format!("unknown message type 0x{tag:02x}");
                    return Err(io::Error::new(ErrorKind::InvalidData, m));
                }
            }
            if self.buf.len() >= 5 {
                let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]);
                if !(4..=MAX_MESSAGE).contains(&len) {
                    let m = format!("invalid message length {len}");
                    return Err(io::Error::new(ErrorKind::InvalidData, m));
                }
                if self.buf.len() > len as usize {
                    if let Some(m) = Message::parse(&mut self.buf)? {
                        return Ok(m);
                    }
                }
            }
            let mut chunk = [0u8; 8192];
            let n = self.sock.read(&mut chunk)?;
            if n == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends Terminate (best effort: the connection ends either way).
    pub fn terminate(&mut self) {
        let mut out = BytesMut::new();
        frontend::terminate(&mut out);
        let _ = self.send(&out);
        if let Some(t) = &mut self.sock.tls {
            t.send_close_notify();
            let _ = t.complete_io(&mut self.sock.tcp);
        }
    }
}
