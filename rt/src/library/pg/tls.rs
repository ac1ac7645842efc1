//! Negotiating TLS (§5.5.1, ruling 12): the SSLRequest, then exactly one
//! byte of answer (a byte more could be plaintext injected before the
//! handshake: CVE-2021-23222), then a rustls session that verifies the
//! certificate chain and the host name under every TLS mode. A failed
//! handshake is an error: there is no plaintext retry.

use super::sock::Sock;
use super::url::{PgUrl, SslMode};
use crate::library::tls_client;
use bytes::BytesMut;
use postgres_protocol::message::frontend;
use rustls::pki_types::ServerName;
use rustls::ClientConnection;
use std::io::{Read, Write};

pub fn negotiate(sock: &mut Sock, url: &PgUrl) -> Result<(), String> {
    let failed = |e: std::io::Error| {
        let t = super::conn::io_text(&e);
        if t.starts_with("TLS: ") {
            t
        } else {
            format!("TLS: {t}")
        }
    };
    let mut out = BytesMut::new();
    frontend::ssl_request(&mut out);
    sock.tcp.write_all(&out).map_err(failed)?;
    let mut answer = [0u8; 1];
    sock.tcp.read_exact(&mut answer).map_err(failed)?;
    match answer[0] {
        b'S' => {}
        b'N' if url.sslmode == SslMode::Prefer => return Ok(()),
        b'N' => return Err("TLS: server does not support SSL".into()),
        b => return Err(format!("TLS: unexpected SSL response: 0x{b:02x}")),
    }
    let cfg = match &url.sslrootcert {
        Some(path) => tls_client::config_with_roots(path)?,
        None => tls_client::default_config()?,
    };
    let name =
        ServerName::try_from(url.host.clone()).map_err(|e| format!("TLS: bad server name: {e}"))?;
    let session = ClientConnection::new(cfg, name).map_err(|e| format!("TLS: {e}"))?;
    sock.tls = Some(Box::new(session));
    sock.handshake().map_err(failed)
}
