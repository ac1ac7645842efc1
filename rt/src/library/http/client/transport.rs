//! Getting a connection: name resolution (`io::resolve`), a non-blocking
//! connect on the reactor, and for `https` a rustls client session verified
//! against the webpki roots plus the certificates of `SSL_CERT_FILE`
//! (ruling 12, `library::tls_client`).

use super::url::Url;
use crate::base::abi::Ctx;
use crate::io::net::Stream;
use crate::io::resolve::resolve;
use crate::library::tls_client;
use crate::process::resources;
use rustls::pki_types::ServerName;
use rustls::ClientConnection;
use std::io::{self, ErrorKind, Read, Write};

/// A connection of the running process: the socket and, for `https`, its
/// TLS session (both owned through `process::resources`, so a process
/// killed mid-request frees them).
pub struct Conn {
    ctx: *mut Ctx,
    stream: *mut Stream,
    tls: Option<*mut ClientConnection>,
}

impl Conn {
    /// Connects to `url`'s host: the connect must finish by `connect_by`,
    /// everything after it (handshake, request, response) by `done_by`.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn open(
        ctx: *mut Ctx,
        url: &Url,
        connect_by: u64,
        done_by: u64,
    ) -> Result<Conn, String> {
        let addrs = resolve(ctx, &url.host, url.port, connect_by).map_err(|e| {
            if e.kind() == ErrorKind::TimedOut {
                "timed out resolving the host".to_string()
            } else {
                format!("could not resolve host `{}`: {e}", url.host)
            }
        })?;
        let mut last = io::Error::new(ErrorKind::NotFound, "no addresses");
        let mut stream = None;
        for a in &addrs {
            match Stream::connect(ctx, a, Some(connect_by)) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) if e.kind() == ErrorKind::TimedOut => {
                    return Err("timed out connecting".into())
                }
                Err(e) => last = e,
            }
        }
        let stream = stream.ok_or_else(|| format!("connection failed: {last}"))?;
        (*stream).read_deadline = Some(done_by);
        (*stream).write_deadline = Some(done_by);
        let mut conn = Conn {
            ctx,
            stream,
            tls: None,
        };
        if url.tls {
            let session = tls_client::default_config()
                .and_then(|cfg| {
                    let name = ServerName::try_from(url.host.clone())
                        .map_err(|e| format!("TLS: bad server name: {e}"))?;
                    ClientConnection::new(cfg, name).map_err(|e| format!("TLS: {e}"))
                })
                .inspect_err(|_| conn.close())?;
            conn.tls = Some(resources::own(ctx, session));
        }
        Ok(conn)
    }

    /// Closes the socket and drops the session.
    pub fn close(&mut self) {
        // SAFETY: both are resources of this process, not used again.
        unsafe {
            if let Some(t) = self.tls.take() {
                resources::release(self.ctx, t);
            }
            if !self.stream.is_null() {
                Stream::close(self.ctx, self.stream);
                self.stream = core::ptr::null_mut();
            }
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.close()
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: the pointers are live resources of the running process.
        unsafe {
            match self.tls {
                Some(t) => rustls::Stream::new(&mut *t, &mut *self.stream).read(buf),
                None => (*self.stream).read(buf),
            }
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: as for `read`.
        unsafe {
            match self.tls {
                Some(t) => rustls::Stream::new(&mut *t, &mut *self.stream).write(buf),
                None => (*self.stream).write(buf),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        // SAFETY: as for `read`.
        unsafe {
            match self.tls {
                Some(t) => rustls::Stream::new(&mut *t, &mut *self.stream).flush(),
                None => Ok(()),
            }
        }
    }
}
