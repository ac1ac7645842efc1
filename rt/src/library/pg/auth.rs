//! Authentication (§5.5.1 step 4): trust, cleartext, MD5 and SCRAM-SHA-256
//! without channel binding, through `postgres-protocol`'s hashing.
//!
//! A server that rejects the password answers with an ErrorResponse, whose
//! message is the result (`password authentication failed for user "u"`);
//! the `<method> authentication failed` strings are for a server that
//! answers the password with anything but that or AuthenticationOk.

use super::conn::{io_text, Conn};
use super::query::error_text;
use super::url::PgUrl;
use bytes::BytesMut;
use postgres_protocol::authentication::md5_hash;
use postgres_protocol::authentication::sasl::{ChannelBinding, ScramSha256, SCRAM_SHA_256};
use postgres_protocol::message::backend::Message;
use postgres_protocol::message::frontend;
use std::io::{self, ErrorKind};

fn read(conn: &mut Conn) -> Result<Message, String> {
    conn.next_message().map_err(|e| match e.kind() {
        ErrorKind::Unsupported => format!("unsupported auth type: {e}"),
        _ => format!("read auth: {}", io_text(&e)),
    })
}

fn send(conn: &mut Conn, out: &BytesMut) -> Result<(), String> {
    conn.send(out)
        .map_err(|e| format!("send auth: {}", io_text(&e)))
}

/// After the password: AuthenticationOk, or the server's error.
fn expect_ok(conn: &mut Conn, method: &str) -> Result<(), String> {
    match read(conn)? {
        Message::AuthenticationOk => Ok(()),
        Message::ErrorResponse(b) => Err(error_text(&b)),
        _ => Err(format!("{method} authentication failed")),
    }
}

fn bad(e: io::Error) -> String {
    format!("send auth: {e}")
}

pub fn authenticate(conn: &mut Conn, url: &PgUrl) -> Result<(), String> {
    let mut out = BytesMut::new();
    match read(conn)? {
        Message::AuthenticationOk => Ok(()),
        Message::ErrorResponse(b) => Err(error_text(&b)),
        Message::AuthenticationCleartextPassword => {
            frontend::password_message(url.password.as_bytes(), &mut out).map_err(bad)?;
            send(conn, &out)?;
            expect_ok(conn, "cleartext")
        }
        Message::AuthenticationMd5Password(b) => {
            let hash = md5_hash(url.user.as_bytes(), url.password.as_bytes(), b.salt());
            frontend::password_message(hash.as_bytes(), &mut out).map_err(bad)?;
            send(conn, &out)?;
            expect_ok(conn, "MD5")
        }
        Message::AuthenticationSasl(b) => {
            let mut offered = false;
            let mut mechs = b.mechanisms();
            while let Some(m) = fallible_iterator::FallibleIterator::next(&mut mechs)
                .map_err(|e| format!("read auth: {e}"))?
            {
                offered |= m == SCRAM_SHA_256;
            }
            if !offered {
                return Err("server does not support SCRAM-SHA-256".into());
            }
            scram(conn, url)
        }
        _ => Err("read auth: unexpected message".into()),
    }
}

/// SCRAM-SHA-256: client-first, server-first, client-final, server-final
/// (its signature checked), then AuthenticationOk.
fn scram(conn: &mut Conn, url: &PgUrl) -> Result<(), String> {
    let detail = |e: io::Error| format!("SCRAM: {e}");
    let mut s = ScramSha256::new(url.password.as_bytes(), ChannelBinding::unsupported());
    let mut out = BytesMut::new();
    frontend::sasl_initial_response(SCRAM_SHA_256, s.message(), &mut out).map_err(bad)?;
    send(conn, &out)?;
    match read(conn)? {
        Message::AuthenticationSaslContinue(b) => s.update(b.data()).map_err(detail)?,
        Message::ErrorResponse(b) => return Err(error_text(&b)),
        _ => return Err("SCRAM authentication failed".into()),
    }
    out.clear();
    frontend::sasl_response(s.message(), &mut out).map_err(bad)?;
    send(conn, &out)?;
    match read(conn)? {
        // `finish` checks the server's signature (a server that does not
        // know the password cannot forge it); its mismatch error is only
        // `SCRAM verification error`, said plainly here.
        Message::AuthenticationSaslFinal(b) => s.finish(b.data()).map_err(|e| {
            if e.to_string() == "SCRAM verification error" {
                "SCRAM: the server's signature does not match".to_string()
            } else {
                detail(e)
            }
        })?,
        Message::ErrorResponse(b) => return Err(error_text(&b)),
        _ => return Err("SCRAM authentication failed".into()),
    }
    expect_ok(conn, "SCRAM")
}
