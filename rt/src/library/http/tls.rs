//! `HTTP.serve_tls` (§5.1.8): `serve` with rustls (ring provider) over each
//! connection's socket. The certificate and key load once, before binding;
//! each connection process runs its own handshake (parking on the reactor
//! like any read) and is then served by `conn` as a plain one is.
//!
//! Only programs that call `serve_tls` reference this module, so the
//! linker's section GC keeps rustls and ring out of every other program.

use super::conn::{self, Transport};
use super::server::{self, Timeouts};
use crate::base::abi::{Ctx, FnLoc, SnowStr, Word};
use crate::base::console;
use crate::io::net::Stream;
use crate::process::{clock, resources};
use crate::values::recursion::with_room;
use core::ffi::c_void;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;

/// Stack that TLS code gets below its frame (ring's arithmetic and
/// rustls' handshake go deeper than the reserve below the limit).
const ROOM: usize = 256 * 1024;
static IN_TLS: FnLoc = FnLoc::runtime(c"TLS");

impl Transport for rustls::Stream<'_, ServerConnection, Stream> {
    fn tcp(&mut self) -> &mut Stream {
        self.sock
    }
    /// Plaintext already decrypted, else what the socket has taken in
    /// and decrypted, without waiting.
    fn read_now(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                r => return r,
            }
            if self.conn.read_tls(&mut self.sock.socket())? == 0 {
                return Ok(0);
            }
            self.conn
                .process_new_packets()
                .map_err(|e| std::io::Error::new(ErrorKind::InvalidData, e))?;
            if self.conn.wants_write() {
                self.flush()?;
            }
        }
    }
}

/// The server configuration from PEM files: `cert` holds the chain (leaf
/// first), `key` the first private key (PKCS#8, PKCS#1 or SEC1). An error
/// is the detail of the §5.0.3 line.
pub fn load_config(cert: &str, key: &str) -> Result<ServerConfig, String> {
    let pem = std::fs::read(cert).map_err(|e| format!("open cert file: {cert}: {e}"))?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("parse certs: {cert}: {e}"))?;
    if chain.is_empty() {
        return Err(format!("parse certs: no CERTIFICATE block in {cert}"));
    }
    let pem = std::fs::read(key).map_err(|e| format!("load key: {key}: {e}"))?;
    let key_der = match PrivateKeyDer::from_pem_slice(&pem) {
        Ok(k) => k,
        Err(rustls::pki_types::pem::Error::NoItemsFound) => {
            return Err(format!("load key: no private key in {key}"))
        }
        Err(e) => return Err(format!("load key: {key}: {e}")),
    };
    let provider = Arc::new(ring_provider());
    provider
        .key_provider
        .load_private_key(key_der.clone_key())
        .map_err(|e| format!("load key: {key}: {e}"))?;
    ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key_der))
        .map_err(|e| format!("TLS config: {e}"))
}

/// rustls' ring provider. rustls 0.23.48 deprecates it for lacking
/// post-quantum key exchange, which only its aws-lc-rs provider has; the
/// runtime stays on ring (no C/CMake build of aws-lc).
#[allow(deprecated)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// # Safety
/// `ctx` is the running process; `router` a live router; `cert` and `key`
/// live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_http_serve_tls(
    ctx: *mut Ctx,
    router: *mut c_void,
    port: i64,
    cert: *mut SnowStr,
    key: *mut SnowStr,
) {
    let router = super::dispatch::share(router);
    serve_tls(ctx, router, port, "HTTPS", entry, cert, key)
}

/// `server::serve` with the configuration from the PEM files `cert` and
/// `key` as each connection's `extra` (or the §5.0.3 line when they cannot
/// be used).
///
/// # Safety
/// As `server::serve`; `cert` and `key` are live strings.
pub unsafe fn serve_tls(
    ctx: *mut Ctx,
    shared: *mut c_void,
    port: i64,
    kind: &str,
    entry: crate::process::pcb::SpawnEntry,
    cert: *mut SnowStr,
    key: *mut SnowStr,
) {
    let path = |s| String::from_utf8_lossy(SnowStr::bytes(s)).into_owned();
    let (cert, key) = (path(cert), path(key));
    match with_room(ctx, &IN_TLS, ROOM, || load_config(&cert, &key)) {
        // The configuration lives as long as the server: for ever, or until
        // a failed bind returns (when it leaks, once).
        Ok(config) => {
            let config = Arc::into_raw(Arc::new(config));
            server::serve(ctx, shared, port, kind, entry, config as usize as Word);
        }
        Err(detail) => console::write_fd(
            2,
            format!("[snow-rt] Failed to load TLS certificates: {detail}\n").as_bytes(),
        ),
    }
}

/// A TLS connection's process: the handshake, then the requests.
unsafe extern "C" fn entry(ctx: *mut Ctx, arg: Word) {
    over_tls(ctx, arg, |c, tls| conn::serve_connection(ctx, c, tls));
}

/// The body of a TLS connection's process (its `Conn`'s `extra` is the
/// configuration): the handshake, then `serve(conn, stream)`, then
/// close_notify.
///
/// # Safety
/// `ctx` is the running connection process; `arg` its `Conn`.
pub unsafe fn over_tls(
    ctx: *mut Ctx,
    arg: Word,
    serve: impl FnOnce(&mut conn::Conn, &mut rustls::Stream<'_, ServerConnection, Stream>),
) {
    let config = (*(arg as usize as *const conn::Conn)).extra as usize;
    let config = config as *const ServerConfig;
    Arc::increment_strong_count(config);
    let config = Arc::from_raw(config);
    conn::with_socket(ctx, arg, |c, st| {
        with_room(ctx, &IN_TLS, ROOM, || {
            let Ok(session) = ServerConnection::new(config) else {
                return;
            };
            // Owned by the process, so a kill while parked frees it.
            let session = resources::own(ctx, session);
            let mut tls = rustls::Stream::new(&mut *session, st);
            let t = server::timeouts();
            if handshake(&mut tls, t) {
                serve(c, &mut tls);
                tls.conn.send_close_notify();
                tls.sock.write_deadline = Some(clock::now_ns() + t.write);
                let _ = tls.flush();
            }
            resources::release(ctx, session);
        })
    });
}

/// Completes the handshake under the read and write timeouts; whether it
/// succeeded. A peer that breaks the protocol is logged as a parse error;
/// one that goes away or stays silent is not.
fn handshake(tls: &mut rustls::Stream<'_, ServerConnection, Stream>, t: &Timeouts) -> bool {
    let now = clock::now_ns();
    tls.sock.read_deadline = Some(now + t.read);
    tls.sock.write_deadline = Some(now + t.write);
    while tls.conn.is_handshaking() {
        match tls.conn.complete_io(tls.sock) {
            Ok((0, 0)) => return false,
            Ok(_) => {}
            Err(e) => {
                if e.kind() == ErrorKind::InvalidData {
                    console::write_fd(
                        2,
                        format!("[snow-rt] HTTP parse error: TLS handshake: {e}\n").as_bytes(),
                    );
                }
                return false;
            }
        }
    }
    true
}
