//! The WebSocket server end to end (chapter 05 §5.3): `tests/ws/echo.snow`
//! (and `keeper.snow`, `wss.snow`) started on 127.0.0.1 with port 0, driven by Python's
//! `websockets` as a strict client (`tests/ws/client.py`) and by a raw
//! socket for the frame-level rules and close codes. Every test starts its
//! own server and kills it when done.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;

mod common;

use common::http_server::*;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fn echo(env: &[(&str, &str)]) -> Server {
    Server::start("ws/echo", env)
}

/// Runs a scenario of `client.py`: its stdout, asserting it succeeded.
fn python(s: &Server, scenario: &str) -> String {
    python_with(s, scenario, &[])
}

fn python_with(s: &Server, scenario: &str, extra: &[&str]) -> String {
    let script = common::repo_root().join("tests/ws/client.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(s.port.to_string())
        .arg(scenario)
        .args(extra)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{scenario}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A client frame (masked with a fixed key); `len_form` 0 is the
/// shortest, else 7, 16 or 64.
fn frame(b0: u8, payload: &[u8], len_form: u8) -> Vec<u8> {
    let key = [0xa1, 0x02, 0x7c, 0x3e];
    let n = payload.len();
    let form = match (len_form, n) {
        (0, 0..=125) => 7,
        (0, 126..=65535) => 16,
        (0, _) => 64,
        (f, _) => f,
    };
    let mut out = vec![b0];
    match form {
        7 => out.push(0x80 | n as u8),
        16 => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        _ => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&key);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    out
}

fn text(t: &str) -> Vec<u8> {
    frame(0x81, t.as_bytes(), 0)
}

/// A raw WebSocket connection.
struct Raw {
    s: TcpStream,
}

impl Raw {
    /// Connects and upgrades, sending `extra` right after the head.
    fn open(s: &Server, path: &str, extra: &[u8]) -> Raw {
        let mut st = s.connect();
        let mut req = format!(
            "GET {path} HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .into_bytes();
        req.extend_from_slice(extra);
        st.write_all(&req).unwrap();
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            st.read_exact(&mut b).unwrap();
            head.push(b[0]);
        }
        assert_eq!(
            String::from_utf8(head).unwrap(),
            format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\n\r\n")
        );
        Raw { s: st }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).unwrap();
    }

    /// The next server frame: (first byte, payload). Server frames are
    /// never masked and use the shortest length form.
    fn recv(&mut self) -> (u8, Vec<u8>) {
        let mut h = [0u8; 2];
        self.s.read_exact(&mut h).unwrap();
        assert_eq!(h[1] & 0x80, 0, "server frames are not masked");
        let n = match h[1] & 0x7f {
            126 => {
                let mut l = [0u8; 2];
                self.s.read_exact(&mut l).unwrap();
                let n = u16::from_be_bytes(l) as usize;
                assert!(n > 125, "shortest form");
                n
            }
            127 => {
                let mut l = [0u8; 8];
                self.s.read_exact(&mut l).unwrap();
                let n = u64::from_be_bytes(l) as usize;
                assert!(n > 65535, "shortest form");
                n
            }
            n => n as usize,
        };
        let mut p = vec![0; n];
        self.s.read_exact(&mut p).unwrap();
        (h[0], p)
    }

    fn recv_text(&mut self) -> String {
        let (b0, p) = self.recv();
        assert_eq!(b0, 0x81);
        String::from_utf8(p).unwrap()
    }

    /// Expects a Close with this code and reason, echoes it, and expects
    /// the server to end the stream.
    fn expect_close(&mut self, code: u16, reason: &str) {
        let (b0, p) = self.recv();
        assert_eq!(b0, 0x88, "a close frame, got payload {p:?}");
        assert_eq!(u16::from_be_bytes([p[0], p[1]]), code);
        assert_eq!(String::from_utf8_lossy(&p[2..]), reason);
        let _ = self.s.write_all(&frame(0x88, &code.to_be_bytes(), 0));
        let mut rest = Vec::new();
        let _ = self.s.read_to_end(&mut rest);
        assert!(rest.is_empty(), "nothing after the close: {rest:?}");
    }
}

#[test]
fn echo_binary_headers_and_every_length_form() {
    let s = echo(&[]);
    let out = python(&s, "echo");
    assert_eq!(
        out,
        "hello ann at /hello?x=1\nTrue 2\nTrue 0\nTrue 14\nTrue 126\nTrue 70000\n'\\x00\\x01raw'\nb'abc'\n"
    );
    let mut r = Raw::open(&s, "/", b"");
    for (n, form) in [(3, 7), (3, 16), (3, 64), (200, 16), (66000, 64)] {
        let t = "q".repeat(n);
        r.send(&frame(0x81, t.as_bytes(), form));
        assert_eq!(r.recv_text(), t);
    }
}

#[test]
fn messages_near_and_over_the_cap() {
    let s = echo(&[]);
    assert_eq!(python(&s, "large"), "True\nclosed 1009 [message too big]\n");
    assert!(s.stderr_has("closed 1009 [message too big]"));
    // Over the cap is refused from the frame header alone.
    let mut r = Raw::open(&s, "/", b"");
    let mut h = vec![0x82, 0x80 | 127];
    h.extend_from_slice(&((16u64 << 20) + 1).to_be_bytes());
    h.extend_from_slice(&[1, 2, 3, 4]);
    r.send(&h);
    r.expect_close(1009, "message too big");
}

#[test]
fn fragments_ping_pong_and_close_codes_with_python() {
    let s = echo(&[]);
    assert_eq!(python(&s, "fragments"), "fragmented snow ❄\nbytes\n");
    assert_eq!(python(&s, "ping"), "pong\nafter ping\n");
    assert_eq!(
        python(&s, "close_codes"),
        "client close echoed: 4000 \nclosed 4001 [done here]\n"
    );
    assert!(s.stderr_has("closed 4000 [bye]"));
    assert!(s.stderr_has("closed 4001 [done here]"));
}

#[test]
fn on_connect_rejection_is_1008_with_the_reason_and_no_on_close() {
    let s = echo(&[]);
    assert_eq!(python(&s, "reject"), "closed 1008 [go away: /reject/me]\n");
    let mut r = Raw::open(&s, "/reject/raw", b"");
    r.expect_close(1008, "go away: /reject/raw");
    // The accepted connection after it is the first to reach on_close.
    let mut ok = Raw::open(&s, "/", b"");
    ok.send(&frame(0x88, &1000u16.to_be_bytes(), 0));
    let (b0, p) = ok.recv();
    assert_eq!((b0, p), (0x88, 1000u16.to_be_bytes().to_vec()));
    assert!(s.stderr_has("closed 1000 []"));
    assert!(!s.stderr.lock().unwrap().contains("reject"));
    assert_eq!(s.stderr.lock().unwrap().matches("closed").count(), 1);
}

#[test]
fn rooms_and_broadcast_with_many_clients() {
    let s = echo(&[]);
    assert_eq!(
        python(&s, "rooms"),
        "joined 0 joined 0\n24 {'hello from 0'}\nleft 0\n['everyone']\nonly one | failed 0\nfailed 0\n"
    );
}

#[test]
fn a_crash_in_on_message_closes_only_that_client_with_1011() {
    let s = echo(&[]);
    assert_eq!(
        python(&s, "crash"),
        "joined 0\njoined 0\nclosed 1011 [internal error]\nstill here\nonly b left | failed 0\n"
    );
    assert!(s.stderr_has("[snow-rt] WebSocket callback panicked: List.get: index 5 out of bounds"));
    assert!(s.stderr_has("closed 1011 [internal error]"));
}

#[test]
fn handshake_failures_are_400_with_the_reason() {
    let s = echo(&[]);
    let base = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", KEY),
        ("Sec-WebSocket-Version", "13"),
    ];
    let ask = |method: &str, skip: Option<usize>, version: &str| {
        let mut req = format!("{method} /chat HTTP/1.1\r\nHost: t\r\n");
        for (i, (n, v)) in base.iter().enumerate() {
            if Some(i) != skip {
                let v = if i == 3 { version } else { v };
                req.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        req.push_str("\r\n");
        s.exchange(req.as_bytes())
    };
    let bad = |reason: &str, extra: &str| {
        let body = format!("Bad Request: {reason}");
        format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
            body.len()
        )
    };
    assert_eq!(ask("POST", None, "13"), bad("method must be GET", ""));
    assert_eq!(
        ask("GET", Some(0), "13"),
        bad("missing or invalid Upgrade header", "")
    );
    assert_eq!(
        ask("GET", Some(1), "13"),
        bad("missing or invalid Connection header", "")
    );
    assert_eq!(
        ask("GET", Some(2), "13"),
        bad("missing Sec-WebSocket-Key header", "")
    );
    // A key that is not base64 of 16 bytes counts as missing (RFC 6455 §4.1).
    let short = "GET /chat HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n";
    assert_eq!(
        s.exchange(short.as_bytes()),
        bad("missing Sec-WebSocket-Key header", "")
    );
    let version = "missing or invalid Sec-WebSocket-Version (must be 13)";
    let v13 = "Sec-WebSocket-Version: 13\r\n";
    assert_eq!(ask("GET", Some(3), "13"), bad(version, v13));
    assert_eq!(ask("GET", None, "8"), bad(version, v13));
    // The HTTP server's header limits apply.
    let huge = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(9000));
    assert!(s.exchange(huge.as_bytes()).starts_with("HTTP/1.1 431 "));
    assert!(!s.stderr.lock().unwrap().contains("closed"));
}

#[test]
fn bytes_after_the_head_are_the_first_frames() {
    let s = echo(&[]);
    let mut first = text("early one");
    first.extend(text("early two"));
    let mut r = Raw::open(&s, "/", &first);
    assert_eq!(r.recv_text(), "early one");
    assert_eq!(r.recv_text(), "early two");
}

#[test]
fn fragments_with_a_ping_between_and_utf8_split_across_them() {
    let s = echo(&[]);
    let mut r = Raw::open(&s, "/", b"");
    let snow = "❄".as_bytes();
    r.send(&frame(0x01, &[b"a".as_slice(), &snow[..1]].concat(), 0));
    r.send(&frame(0x89, b"mid", 0));
    assert_eq!(r.recv(), (0x8A, b"mid".to_vec()));
    r.send(&frame(0x00, &snow[1..2], 0));
    r.send(&frame(0x80, &[&snow[2..], b"z".as_slice()].concat(), 0));
    assert_eq!(r.recv_text(), "a❄z");
    // A close with no payload is echoed empty; on_close gets 1005.
    r.send(&frame(0x88, b"", 0));
    assert_eq!(r.recv(), (0x88, vec![]));
    assert!(s.stderr_has("closed 1005 []"));
}

/// One connection that breaks a rule: the Close it gets, and what
/// `on_close` reports.
fn broken(s: &Server, frames: &[Vec<u8>], code: u16, reason: &str) {
    let mut r = Raw::open(s, "/", b"");
    for f in frames {
        r.send(f);
    }
    r.expect_close(code, reason);
    assert!(
        s.stderr_has(&format!("closed {code} [{reason}]")),
        "{reason}"
    );
}

#[test]
fn protocol_errors_get_a_close_frame_with_1002() {
    let s = echo(&[]);
    let unmasked = vec![0x81, 2, b'h', b'i'];
    broken(&s, &[unmasked], 1002, "unmasked client frame");
    broken(&s, &[frame(0xC1, b"x", 0)], 1002, "reserved bits set");
    broken(&s, &[frame(0x83, b"x", 0)], 1002, "unknown opcode");
    broken(&s, &[frame(0x8F, b"x", 0)], 1002, "unknown opcode");
    broken(
        &s,
        &[frame(0x89, &[7; 126], 0)],
        1002,
        "control frame too large",
    );
    broken(
        &s,
        &[frame(0x09, b"x", 0)],
        1002,
        "fragmented control frame",
    );
    broken(
        &s,
        &[frame(0x80, b"x", 0)],
        1002,
        "unexpected continuation frame",
    );
    broken(
        &s,
        &[frame(0x01, b"a", 0), frame(0x81, b"b", 0)],
        1002,
        "new message during fragmented sequence",
    );
}

#[test]
fn invalid_utf8_split_across_fragments_is_1007() {
    let s = echo(&[]);
    // A valid start of a 3-byte character, then a byte that cannot follow.
    broken(
        &s,
        &[frame(0x01, &[0x61, 0xe2, 0x82], 0), frame(0x80, &[0x28], 0)],
        1007,
        "invalid UTF-8",
    );
    // The same bytes as binary are fine (replaced for on_message).
    let mut r = Raw::open(&s, "/", b"");
    r.send(&frame(0x82, &[0x61, 0xe2, 0x82, 0x28], 0));
    assert_eq!(r.recv_text(), "a\u{fffd}(");
}

#[test]
fn heartbeat_pings_and_closes_a_silent_client_with_1001() {
    let s = echo(&[("SNOW_WS_PING_MS", "200"), ("SNOW_WS_PONG_MS", "300")]);
    // Python answers pings: alive after several intervals.
    assert_eq!(python(&s, "heartbeat"), "alive\n");
    let mut silent = Raw::open(&s, "/", b"");
    let (b0, p) = silent.recv();
    assert_eq!((b0, p.len()), (0x89, 4), "a ping with 4 bytes");
    silent.expect_close(1001, "pong timeout");
    assert!(s.stderr_has("closed 1001 [pong timeout]"));
    // A client that answers keeps its connection.
    let mut polite = Raw::open(&s, "/", b"");
    for _ in 0..3 {
        let (b0, p) = polite.recv();
        assert_eq!(b0, 0x89);
        polite.send(&frame(0x8A, &p, 0));
    }
    polite.send(&text("still"));
    loop {
        let (b0, p) = polite.recv();
        if b0 == 0x81 {
            assert_eq!(p, b"still");
            break;
        }
        polite.send(&frame(0x8A, &p, 0));
    }
}

#[test]
fn a_client_that_does_not_read_overflows_with_1008() {
    let s = echo(&[]);
    let mut slow = Raw::open(&s, "/", b"");
    slow.send(&text("join feed"));
    assert_eq!(slow.recv_text(), "joined 0");
    let mut fast = Raw::open(&s, "/", b"");
    let chunk = "m".repeat(1 << 20);
    // 40 MiB for a member that reads nothing: past the socket's buffers,
    // its queue passes 16 MiB.
    let mut failed = Vec::new();
    for _ in 0..40 {
        fast.send(&text(&format!("all feed {chunk}")));
        failed.push(fast.recv_text());
    }
    // Counted once: later broadcasts skip a member that is closing.
    assert_eq!(failed.iter().filter(|f| *f == "failed 1").count(), 1);
    assert_eq!(failed.iter().filter(|f| *f == "failed 0").count(), 39);
    // The slow member now reads: whole messages, then the Close.
    loop {
        let (b0, p) = slow.recv();
        if b0 == 0x88 {
            assert_eq!(&p[..2], &1008u16.to_be_bytes());
            assert_eq!(&p[2..], b"send buffer overflow");
            break;
        }
        assert_eq!(p.len(), chunk.len());
    }
    assert!(s.stderr_has("closed 1008 [send buffer overflow]"));
    // The broadcaster was never held up, and keeps working.
    fast.send(&text("after"));
    assert_eq!(fast.recv_text(), "after");
    let _ = slow.s.shutdown(Shutdown::Both);
}

#[test]
fn positional_serve_with_inferred_closures_and_conns_held_by_another_process() {
    let s = Server::start("ws/keeper", &[]);
    assert_eq!(
        python(&s, "keeper"),
        "echo: x\nkept\nkept\nhi | told [-1, 0]\n"
    );
    assert!(s.stderr_has("gone 1000"));
}

#[test]
fn a_linked_process_that_crashes_ends_the_connection_with_1001() {
    let s = echo(&[]);
    let mut r = Raw::open(&s, "/", b"");
    r.send(&text("doomed"));
    assert_eq!(r.recv_text(), "linked");
    r.expect_close(1001, "going away");
    assert!(s.stderr_has("closed 1001 [going away]"));
    // The server goes on.
    let mut other = Raw::open(&s, "/", b"");
    other.send(&text("next"));
    assert_eq!(other.recv_text(), "next");
}

#[test]
fn random_frames_never_stop_the_server() {
    let s = echo(&[]);
    let mut seed: u64 = 0x5eed_1234_abcd_0042;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut watcher = Raw::open(&s, "/", b"");
    for round in 0..60 {
        let mut r = Raw::open(&s, "/", b"");
        let mut bytes = Vec::new();
        for _ in 0..(next() % 6 + 1) {
            // Mostly well-formed masked frames with random header bits,
            // sometimes raw noise.
            let n = (next() % 300) as usize;
            let payload: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            if next() % 4 == 0 {
                bytes.extend_from_slice(&payload);
            } else {
                bytes.extend(frame(
                    next() as u8,
                    &payload,
                    [0, 7, 16, 64][(next() % 4) as usize],
                ));
            }
        }
        let _ = r.s.write_all(&bytes);
        let _ = r.s.shutdown(Shutdown::Write);
        let mut rest = Vec::new();
        let _ = r.s.read_to_end(&mut rest);
        watcher.send(&text(&format!("round {round}")));
        assert_eq!(watcher.recv_text(), format!("round {round}"));
    }
    assert!(!s.stderr.lock().unwrap().contains("panicked"));
}

#[test]
fn ws_close_goes_out_after_the_frames_queued_before_it() {
    let s = echo(&[]);
    let mut r = Raw::open(&s, "/", b"");
    r.send(&text("farewell"));
    assert_eq!(r.recv_text(), "last words");
    r.expect_close(4002, "after words");
    // on_close gets the code the client echoed.
    assert!(s.stderr_has("closed 4002 []"));
}

/// A self-signed certificate for `localhost` and its key, made with the
/// `openssl` CLI: (cert, key) paths.
#[test]
fn wss_echo_ping_and_close_over_tls() {
    let (cert, key) = self_signed();
    let s = Server::start("ws/wss", &[("CERT", &cert), ("KEY", &key)]);
    assert_eq!(
        python_with(&s, "wss", &[&cert]),
        "True 15\nTrue 100007\npong\n'secure \u{fffd}\u{fffd}'\nclosed 1000\n"
    );
    assert!(s.stderr_has("closed 1000"));
    let out = Command::new(built("ws/wss"))
        .env("SNOW_HTTP_HOST", "127.0.0.1")
        .env("CERT", "missing.pem")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "serve_tls returned\n");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("[snow-rt] Failed to load TLS certificates: open cert file: missing.pem"));
}
