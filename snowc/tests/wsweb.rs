//! WebSockets served by an HTTP router (`HTTP.ws`): `tests/wsweb/site.snow`
//! and `examples/chat/main.snow` on 127.0.0.1 with port 0, driven by a raw
//! socket, by Python's `websockets` (`tests/wsweb/client.py`) and, for the
//! chat page, by headless Chromium through chromedriver
//! (`tests/wsweb/browser.py`). Every test kills the server it started.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

mod common;

use common::http_server::*;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fn site(env: &[(&str, &str)]) -> Server {
    Server::start("wsweb/site", env)
}

fn chat() -> Server {
    Server::start("../examples/chat/main", &[])
}

/// Runs `script` from tests/wsweb with `args`: its stdout, asserting it
/// succeeded.
fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg(common::repo_root().join("tests/wsweb").join(script))
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{script} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn upgrade(method: &str, path: &str, extra_headers: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\n{extra_headers}\r\n"
    )
}

/// Reads up to the end of a response head.
fn head(s: &mut TcpStream) -> String {
    let mut h = Vec::new();
    let mut b = [0u8; 1];
    while !h.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).unwrap();
        h.push(b[0]);
    }
    String::from_utf8(h).unwrap()
}

/// A masked client frame (payloads under 126 bytes).
fn frame(b0: u8, payload: &[u8]) -> Vec<u8> {
    let key = [7u8, 0x51, 0xee, 0x20];
    let mut f = vec![b0, 0x80 | payload.len() as u8];
    f.extend_from_slice(&key);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    f
}

/// The next server frame (short ones): first byte and payload.
fn recv(s: &mut TcpStream) -> (u8, String) {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).unwrap();
    assert!(h[1] < 126, "a short unmasked frame");
    let mut p = vec![0u8; h[1] as usize];
    s.read_exact(&mut p).unwrap();
    (h[0], String::from_utf8_lossy(&p).into_owned())
}

#[test]
fn one_connection_gets_a_page_then_upgrades_on_the_same_port() {
    let s = site(&[]);
    let mut c = s.connect();
    c.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!(
        head(&mut c),
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\n"
    );
    let mut body = [0u8; 4];
    c.read_exact(&mut body).unwrap();
    assert_eq!(&body, b"home");
    // The same kept-alive connection upgrades; a frame sent right after
    // the head is not lost.
    let mut req = upgrade("GET", "/sock?q=1", "Sec-WebSocket-Version: 13\r\n").into_bytes();
    req.extend(frame(0x81, b"first"));
    c.write_all(&req).unwrap();
    assert_eq!(
        head(&mut c),
        format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\n\r\n")
    );
    assert_eq!(recv(&mut c), (0x81, "hi /sock?q=1".into()));
    assert_eq!(recv(&mut c), (0x81, "echo first".into()));
    c.write_all(&frame(0x89, b"p")).unwrap();
    assert_eq!(recv(&mut c), (0x8a, "p".into()));
    c.write_all(&frame(0x88, &[0x03, 0xe8])).unwrap();
    assert_eq!(recv(&mut c), (0x88, "\u{3}\u{fffd}".into()));
    assert_eq!(read_to_close(&mut c), "");
    assert!(s.stderr_has("closed 1000 []"));
    assert!(s.stderr_has("mw GET /\nmw GET /sock\n"));
}

#[test]
fn requests_that_fail_the_handshake_get_its_400_through_the_middleware() {
    let s = site(&[]);
    let bad = |reason: &str, extra: &str| {
        let body = format!("Bad Request: {reason}");
        format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            body.len()
        )
    };
    // A plain GET to a WebSocket path is not passed to other routes.
    assert_eq!(
        s.exchange(b"GET /sock HTTP/1.1\r\nHost: t\r\n\r\n"),
        bad("missing or invalid Upgrade header", "")
    );
    assert_eq!(
        s.exchange(upgrade("POST", "/sock", "Sec-WebSocket-Version: 13\r\n").as_bytes()),
        bad("method must be GET", "")
    );
    let v8 = s.exchange(upgrade("GET", "/sock", "Sec-WebSocket-Version: 8\r\n").as_bytes());
    assert!(
        v8.ends_with("\r\n\r\nBad Request: missing or invalid Sec-WebSocket-Version (must be 13)"),
        "{v8}"
    );
    assert!(v8.contains("\r\nSec-WebSocket-Version: 13\r\n"), "{v8}");
    assert!(s.stderr_has("mw GET /sock\nmw POST /sock\nmw GET /sock\n"));
}

#[test]
fn middleware_can_refuse_an_upgrade() {
    let s = site(&[]);
    let r = s.exchange(upgrade("GET", "/private/sock", "Sec-WebSocket-Version: 13\r\n").as_bytes());
    assert_eq!(
        r,
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndenied"
    );
    let mut c = s.connect();
    c.write_all(
        upgrade(
            "GET",
            "/private/sock",
            "Sec-WebSocket-Version: 13\r\nX-Token: s3cret\r\n",
        )
        .as_bytes(),
    )
    .unwrap();
    assert!(head(&mut c).starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
    assert_eq!(recv(&mut c), (0x81, "hi /private/sock".into()));
}

#[test]
fn a_parameterised_websocket_route() {
    let s = site(&[]);
    let mut c = s.connect();
    c.write_all(upgrade("GET", "/rooms/blue/", "Sec-WebSocket-Version: 13\r\n").as_bytes())
        .unwrap();
    assert_eq!(
        head(&mut c),
        format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\nSet-Cookie: room=seen\r\n\r\n")
    );
    assert_eq!(recv(&mut c), (0x81, "hi /rooms/blue/".into()));
    let other =
        s.exchange(upgrade("GET", "/rooms/blue/x", "Sec-WebSocket-Version: 13\r\n").as_bytes());
    assert!(other.starts_with("HTTP/1.1 404 Not Found\r\n"), "{other}");
}

#[test]
fn websockets_client_echo_rooms_reject_and_guard() {
    let s = site(&[]);
    assert_eq!(
        python("client.py", &[&s.port.to_string(), "site"]),
        "hi /sock?a=1\nhi /sock\necho snow ❄\njoined 0\njoined 0\nto everyone | to everyone\n\
         status 404\nclosed 1008 [not here: /sock?reject]\nstatus 401\nhi /private/sock\n"
    );
}

#[test]
fn wss_on_an_https_router() {
    let (cert, key) = self_signed();
    let s = site(&[("CERT", &cert), ("KEY", &key)]);
    assert_eq!(
        python("client.py", &[&s.port.to_string(), "wss", &cert]),
        "hi /sock\necho over tls\n70005\n"
    );
    assert!(s.stderr_has("closed 1000 []"));
}

#[test]
fn chat_example_with_two_clients() {
    let s = chat();
    let page = s.get("/");
    assert!(
        page.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"),
        "{page}"
    );
    assert!(
        page.contains("new WebSocket(scheme + location.host + '/chat')"),
        "{page}"
    );
    assert_eq!(
        python("client.py", &[&s.port.to_string(), "chat"]),
        "a: * welcome; you are in lobby\na: * a new user arrived\nb: * welcome; you are in lobby\n\
         a: * someone joined snow\na: * someone joined snow\nb: * someone joined snow\n\
         b: snow> hello from a\na: snow>  and back from b\na: lobby> lobby talk\n\
         b: * someone left snow\na: lobby> still here\nstatus 404\n"
    );
    assert!(s.stderr_has("client gone: 1000 \nclient gone: 1000 \n"));
}

/// The path of `tool`, if installed.
fn which(tool: &str) -> Option<String> {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !p.is_empty()).then_some(p)
}

#[test]
fn chat_page_in_two_headless_chromium_sessions() {
    let (Some(chromium), Some(driver)) = (which("chromium"), which("chromedriver")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium and chromedriver are required in CI (ci/install-deps.sh installs them)"
        );
        eprintln!("note: chromium or chromedriver missing; the browser test did not run");
        return;
    };
    let s = chat();
    let url = format!("http://127.0.0.1:{}/", s.port);
    assert_eq!(
        python("browser.py", &[&driver, &chromium, &url]),
        "A: [\"* welcome; you are in lobby\", \"* a new user arrived\", \"you: /join snow\", \
         \"* someone joined snow\", \"* someone joined snow\", \"you: snow hello from tab a\", \
         \"snow> hi a, this is b\"]\n\
         B: [\"* welcome; you are in lobby\", \"you: /join snow\", \"* someone joined snow\", \
         \"snow> hello from tab a\", \"you: snow hi a, this is b\"]\n"
    );
}
