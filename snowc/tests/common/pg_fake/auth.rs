//! The server side of authentication: the fake checks what the client
//! sends against the script's password (cleartext, the MD5 hash, the
//! SCRAM-SHA-256 client proof) and signs SCRAM's server-final message, so
//! a wrong password gets 28P01 and a client that skips the signature check
//! would be caught by `Auth::ScramBadSignature`.

use super::wire::{self, Body};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::{digest, hmac, pbkdf2};
use std::io::{self, Read, Write};
use std::num::NonZeroU32;

/// How the fake authenticates a session.
#[derive(Clone)]
pub enum Auth {
    Trust,
    Cleartext,
    Md5,
    Scram,
    /// SCRAM whose server-final carries a wrong signature.
    ScramBadSignature,
    /// SASL offering only `SCRAM-SHA-256-PLUS`.
    ScramPlusOnly,
    /// These bytes instead of an authentication request, then the
    /// connection is closed (an unsupported request, a torn message).
    Raw(Vec<u8>),
    /// Accepts the startup and never answers.
    Silent,
}

const SALT: &[u8] = b"snow-fake-salt-1";
const ROUNDS: u32 = 4096;
const SERVER_NONCE: &str = "fakeServerNonce0123456789";

fn wrong_password(user: &str) -> Vec<u8> {
    let m = format!("password authentication failed for user \"{user}\"");
    wire::error("28P01", &m)
}

/// The client's password message (`p`).
fn password<S: Read>(s: &mut S) -> io::Result<Vec<u8>> {
    let (tag, body) = wire::read_tagged(s)?;
    if tag != b'p' {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a password"));
    }
    Ok(body)
}

/// Runs the exchange; `Ok(true)` once AuthenticationOk is sent.
pub fn authenticate<S: Read + Write>(
    s: &mut S,
    how: &Auth,
    user: &str,
    pass: &str,
) -> io::Result<bool> {
    match how {
        Auth::Trust => {}
        Auth::Cleartext => {
            s.write_all(&wire::auth(3, &[]))?;
            let got = password(s)?;
            if Body(&got).cstr() != pass {
                s.write_all(&wrong_password(user))?;
                return Ok(false);
            }
        }
        Auth::Md5 => {
            let salt = [7, 1, 2, 9];
            s.write_all(&wire::auth(5, &salt))?;
            let got = password(s)?;
            let want =
                postgres_protocol::authentication::md5_hash(user.as_bytes(), pass.as_bytes(), salt);
            if Body(&got).cstr() != want {
                s.write_all(&wrong_password(user))?;
                return Ok(false);
            }
        }
        Auth::Scram | Auth::ScramBadSignature => {
            s.write_all(&wire::auth(10, b"SCRAM-SHA-256\0\0"))?;
            if !scram(s, pass, matches!(how, Auth::ScramBadSignature))? {
                s.write_all(&wrong_password(user))?;
                return Ok(false);
            }
        }
        Auth::ScramPlusOnly => {
            s.write_all(&wire::auth(10, b"SCRAM-SHA-256-PLUS\0\0"))?;
            // The client gives up: wait for it to leave.
            let _ = s.read(&mut [0u8; 64]);
            return Ok(false);
        }
        Auth::Raw(bytes) => {
            s.write_all(bytes)?;
            return Ok(false);
        }
        Auth::Silent => {
            while s.read(&mut [0u8; 64])? > 0 {}
            return Ok(false);
        }
    }
    s.write_all(&wire::auth(0, &[]))?;
    Ok(true)
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&k, data).as_ref().to_vec()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

/// SCRAM-SHA-256 (RFC 5802/7677) without channel binding: `Ok(false)` when
/// the client's proof does not match the password.
fn scram<S: Read + Write>(s: &mut S, pass: &str, bad_sig: bool) -> io::Result<bool> {
    let invalid = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    // SASLInitialResponse: mechanism, length, client-first.
    let first = password(s)?;
    let mut b = Body(&first);
    if b.cstr() != "SCRAM-SHA-256" {
        return Err(invalid("mechanism"));
    }
    let n = b.i32() as usize;
    let client_first = String::from_utf8_lossy(b.bytes(n)).into_owned();
    let bare = client_first
        .strip_prefix("n,,")
        .ok_or_else(|| invalid("gs2 header"))?;
    let client_nonce = bare
        .split(',')
        .find_map(|a| a.strip_prefix("r="))
        .ok_or_else(|| invalid("nonce"))?;
    let nonce = format!("{client_nonce}{SERVER_NONCE}");
    let server_first = format!("r={nonce},s={},i={ROUNDS}", B64.encode(SALT));
    s.write_all(&wire::auth(11, server_first.as_bytes()))?;
    // SASLResponse: client-final.
    let fin = password(s)?;
    let client_final = String::from_utf8_lossy(&fin).into_owned();
    let (without_proof, proof) = client_final
        .rsplit_once(",p=")
        .ok_or_else(|| invalid("proof"))?;
    if without_proof != format!("c=biws,r={nonce}") {
        return Ok(false);
    }
    let proof = B64.decode(proof).map_err(|_| invalid("proof base64"))?;
    let mut salted = [0u8; 32];
    let rounds = NonZeroU32::new(ROUNDS).unwrap();
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        SALT,
        pass.as_bytes(),
        &mut salted,
    );
    let stored_key = sha256(&hmac(&salted, b"Client Key"));
    let auth_message = format!("{bare},{server_first},{without_proof}");
    let client_sig = hmac(&stored_key, auth_message.as_bytes());
    let client_key: Vec<u8> = proof.iter().zip(&client_sig).map(|(p, c)| p ^ c).collect();
    if proof.len() != 32 || sha256(&client_key) != stored_key {
        return Ok(false);
    }
    let mut server_sig = hmac(&hmac(&salted, b"Server Key"), auth_message.as_bytes());
    if bad_sig {
        server_sig[0] ^= 1;
    }
    let server_final = format!("v={}", B64.encode(&server_sig));
    s.write_all(&wire::auth(12, server_final.as_bytes()))?;
    Ok(true)
}
