//! Getting a connection: name resolution on the blocking pool (the
//! process parks meanwhile), a non-blocking connect on the
//! reactor, and for `https` a rustls client session verified against the
//! webpki roots plus the certificates of `SSL_CERT_FILE` (ruling 12).

use super::url::Url;
use crate::base::abi::Ctx;
use crate::io::blocking;
use crate::io::net::Stream;
use crate::process::resources;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, OnceLock};

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
        let addrs = resolve(ctx, &url.host, url.port, connect_by)?;
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
            let session = tls_config()
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

/// The addresses of `host`: numeric hosts at once, names through
/// `getaddrinfo` on the blocking pool while the process parks (it blocks,
/// and must not hold a worker); abandoned if `deadline` passes first.
unsafe fn resolve(
    ctx: *mut Ctx,
    host: &str,
    port: u16,
    deadline: u64,
) -> Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let name = host.to_string();
    let lookup = move || (name.as_str(), port).to_socket_addrs().map(|a| a.collect());
    match blocking::run(ctx, Some(deadline), lookup) {
        Some(r) => r.map_err(|e: io::Error| format!("could not resolve host `{host}`: {e}")),
        None => Err("timed out resolving the host".into()),
    }
}

/// The client configuration, built once: ring, TLS 1.2 and 1.3, the
/// webpki roots and those of `SSL_CERT_FILE`.
fn tls_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            // Unset or empty: the webpki roots alone.
            if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
                let p = path.to_string_lossy().into_owned();
                let bad = |e: String| format!("TLS: SSL_CERT_FILE {p}: {e}");
                let pem = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
                let mut n = 0;
                for c in CertificateDer::pem_slice_iter(&pem) {
                    let c = c.map_err(|e| bad(e.to_string()))?;
                    roots.add(c).map_err(|e| bad(e.to_string()))?;
                    n += 1;
                }
                if n == 0 {
                    return Err(bad("no certificates".into()));
                }
            }
            // ring, as the project chose (its deprecation only notes
            // that it has no post-quantum key exchange).
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let cfg = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS: {e}"))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(Arc::new(cfg))
        })
        .clone()
}
