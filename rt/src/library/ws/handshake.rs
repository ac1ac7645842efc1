//! The opening handshake (§5.3.3), without I/O: the checks on a request
//! head (parsed by the HTTP server's `wire`, under its limits), in their
//! order, and the two possible answers.

use crate::library::http::wire::{self, Head};

const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The `Sec-WebSocket-Accept` value of the check that passed, or the
/// reason of the first one that failed.
pub fn check(head: &Head) -> Result<String, &'static str> {
    if !head.method.eq_ignore_ascii_case("GET") {
        return Err("method must be GET");
    }
    let contains = |name: &str, token: &str| {
        head.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .any(|(_, v)| v.to_ascii_lowercase().contains(token))
    };
    if !contains("upgrade", "websocket") {
        return Err("missing or invalid Upgrade header");
    }
    if !contains("connection", "upgrade") {
        return Err("missing or invalid Connection header");
    }
    // A key that is not a nonce (base64 of 16 bytes, RFC 6455 §4.1) counts
    // as missing: the reasons are the spec's five.
    let Some(key) = head.header("sec-websocket-key").filter(|k| is_nonce(k)) else {
        return Err("missing Sec-WebSocket-Key header");
    };
    if head.header("sec-websocket-version") != Some("13") {
        return Err("missing or invalid Sec-WebSocket-Version (must be 13)");
    }
    Ok(accept(key))
}

/// Whether `key` is the base64 of 16 bytes: 22 base64 digits, then `==`.
fn is_nonce(key: &str) -> bool {
    let k = key.as_bytes();
    k.len() == 24
        && k.ends_with(b"==")
        && k[..22]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

/// base64(SHA-1(key ‖ GUID)).
pub fn accept(key: &str) -> String {
    let mut data = key.as_bytes().to_vec();
    data.extend_from_slice(GUID);
    let d = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &data);
    base64(d.as_ref())
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The `101 Switching Protocols` answer, with `extra` headers (what
/// middleware added to it, e.g. a cookie) except those the handshake or
/// the absence of a body decide.
pub fn switching(accept: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
    );
    let ours = |n: &str| {
        wire::is_framing(n)
            || n.eq_ignore_ascii_case("upgrade")
            || n.eq_ignore_ascii_case("sec-websocket-accept")
    };
    for (n, v) in extra {
        if !ours(n) {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The `400` answer to a failed check (a version failure names the
/// version we speak).
pub fn bad_request(reason: &str) -> Vec<u8> {
    let body = format!("Bad Request: {reason}");
    let mut extra = vec![("Content-Type", "text/plain")];
    if reason.contains("Version") {
        extra.push(("Sec-WebSocket-Version", "13"));
    }
    wire::response(400, body.as_bytes(), &extra, false, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(method: &str, headers: &[(&str, &str)]) -> Head {
        Head {
            method: method.into(),
            target: "/".into(),
            minor: 1,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            len: 0,
        }
    }

    #[test]
    fn the_rfc_vector() {
        assert_eq!(
            accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn the_101_carries_added_headers_but_not_framing_ones() {
        let extra = [
            ("Set-Cookie", "a=1"),
            ("content-type", "text/plain"),
            ("Content-Length", "5"),
            ("Connection", "close"),
            ("X-Id", "7"),
        ];
        let r = String::from_utf8(switching("K", &extra)).unwrap();
        assert_eq!(
            r,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: K\r\nSet-Cookie: a=1\r\nX-Id: 7\r\n\r\n"
        );
    }

    #[test]
    fn checks_in_order() {
        let good = [
            ("Upgrade", "WebSocket"),
            ("Connection", "keep-alive, Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("sec-websocket-version", "13"),
        ];
        assert_eq!(
            check(&head("get", &good)),
            Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into())
        );
        assert_eq!(check(&head("POST", &good)), Err("method must be GET"));
        let without = |i: usize| {
            let hs: Vec<_> = good
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, h)| *h)
                .collect();
            check(&head("GET", &hs)).unwrap_err()
        };
        assert_eq!(without(0), "missing or invalid Upgrade header");
        assert_eq!(without(1), "missing or invalid Connection header");
        assert_eq!(without(2), "missing Sec-WebSocket-Key header");
        assert_eq!(
            without(3),
            "missing or invalid Sec-WebSocket-Version (must be 13)"
        );
        let with_key = |key: &'static str| {
            let mut hs = good.to_vec();
            hs[2] = ("Sec-WebSocket-Key", key);
            check(&head("GET", &hs))
        };
        for bad in [
            "short",
            "",
            "dGhlIHNhbXBsZSBub25jZQ=",
            "dGhlIHNhbXBsZSBub25jZQ===",
            "dGhlIHNhbXBsZSBub25jZQ-=",
            "dGhlIHNhbXBsZSBub25j*Q==",
            "dGhlIHNhbXBsZSBub25jZQAA",
        ] {
            assert_eq!(
                with_key(bad),
                Err("missing Sec-WebSocket-Key header"),
                "{bad}"
            );
        }
        assert!(with_key("AAAAAAAAAAAAAAAAAAAA+/==").is_ok());
        let mut v8 = good.to_vec();
        v8[3] = ("Sec-WebSocket-Version", "8");
        assert!(check(&head("GET", &v8)).is_err());
    }

    #[test]
    fn the_400_answer() {
        let r = String::from_utf8(bad_request("method must be GET")).unwrap();
        assert!(r.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{r}");
        assert!(r.contains("Content-Type: text/plain\r\n"));
        assert!(r.contains("Connection: close\r\n"));
        assert!(r.ends_with("\r\n\r\nBad Request: method must be GET"));
    }
}
