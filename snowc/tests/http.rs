//! The HTTP server end to end: Snow programs in `tests/http/` are built,
//! started on 127.0.0.1 (port 0, read back from the readiness line) and
//! driven over raw TCP. Every test starts its own server and kills it when
//! done; reads have a generous timeout that only detects hangs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;

mod common;

use common::http_server::*;

/// Reads one response (head, then Content-Length bytes) from `r`.
fn read_response(r: &mut BufReader<TcpStream>) -> String {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap() == 0 {
            return head;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

fn body(resp: &str) -> &str {
    resp.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

fn status(resp: &str) -> &str {
    resp.lines().next().unwrap_or("")
}

/// The exact response of §5.1.5.
fn exact(status: &str, body: &str, conn: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: {conn}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn exact_response_bytes_with_connection_close() {
    let s = Server::start("plain", &[]);
    assert_eq!(s.get("/health"), exact("200 OK", "ok", "close"));
    assert_eq!(
        s.get("/nothing"),
        exact("404 Not Found", "Not Found", "close")
    );
    assert_eq!(
        s.get("/status/422"),
        exact("422 Unprocessable Content", "s", "close")
    );
    assert_eq!(
        s.get("/status/700"),
        exact("500 Internal Server Error", "s", "close")
    );
    assert!(s.stderr_has("returned status 700"));
}

#[test]
fn parity_scenarios() {
    let s = Server::start("server", &[]);
    let r = s.get("/health");
    assert_eq!(status(&r), "HTTP/1.1 200 OK");
    assert_eq!(body(&r), "ok");
    assert_eq!(body(&s.get("/users/42")), "42");
    assert_eq!(body(&s.get("/users/42/")), "42");
    assert_eq!(body(&s.get("/users/me")), "me");
    let post = s.exchange(
        b"POST /data HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assert_eq!(status(&post), "HTTP/1.1 201 Created");
    assert_eq!(body(&post), "got abc");
    let fall = s.exchange(b"POST /users/42 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(body(&fall), "wild POST /users/42");
    assert_eq!(body(&s.get("/greet?name=ann&x")), "hello ann");
    assert_eq!(body(&s.get("/greet")), "hello nobody");
}

#[test]
fn middleware_order_short_circuit_and_404() {
    let s = Server::start("server", &[]);
    // Outer runs first: the inner one sees the handler's response before
    // the outer adds its header.
    let r = s.get("/health");
    assert!(r.contains("\r\nX-Inner: 200 no\r\nX-Outer: 1\r\n"), "{r}");
    let denied = s.exchange(
        b"GET /health HTTP/1.1\r\nHost: t\r\nAuthorization: deny\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(denied, exact("401 Unauthorized", "Unauthorized", "close"));
    let plain = Server::start("plain", &[]);
    assert_eq!(status(&plain.get("/missing")), "HTTP/1.1 404 Not Found");
}

#[test]
fn not_found_goes_through_middleware() {
    // `server` has a `/*` route, so the 404 needs a program of its own.
    let s = Server::start("mw404", &[]);
    let r = s.get("/nowhere");
    assert!(r.starts_with("HTTP/1.1 404 Not Found\r\n"), "{r}");
    assert!(r.contains("\r\nX-Seen: 404\r\n"), "{r}");
    assert_eq!(body(&r), "Not Found");
}

#[test]
fn crash_gives_500_and_the_server_keeps_serving() {
    let s = Server::start("server", &[]);
    let r = s.get("/crash");
    assert_eq!(
        r,
        exact(
            "500 Internal Server Error",
            "Internal Server Error",
            "close"
        )
    );
    assert!(s.stderr_has("[snow-rt] HTTP handler panicked: List.get: index 5 out of bounds"));
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn a_header_that_would_split_the_response_gives_500() {
    // A CR or LF in a value (or a name that is no token) would end the
    // header line and smuggle in headers or a response of its own.
    let s = Server::start("server", &[]);
    for (path, name) in [("/inject", "X-A"), ("/badname", "X B")] {
        let r = s.get(path);
        assert!(
            r.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
            "{r}"
        );
        assert!(!r.contains("Injected") && !r.contains("X B"), "{r}");
        assert_eq!(body(&r), "Internal Server Error");
        let line = format!("[snow-rt] HTTP handler returned an invalid header `{name}`; sent 500");
        assert!(s.stderr_has(&line), "no `{line}`");
    }
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn a_handler_looping_forever_does_not_stop_others() {
    let s = Server::start("server", &[]);
    let mut spinning = s.connect();
    spinning
        .write_all(b"GET /spin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    for _ in 0..20 {
        assert_eq!(body(&s.get("/health")), "ok");
    }
    drop(spinning);
}

#[test]
fn closures_capture_values_and_call_services() {
    let s = Server::start("server", &[]);
    assert_eq!(body(&s.get("/count")), "1");
    assert_eq!(body(&s.get("/count")), "2");
    assert_eq!(body(&s.get("/greet?name=x")), "hello x");
}

#[test]
fn headers_are_case_insensitive() {
    let s = Server::start("server", &[]);
    let r = s.exchange(
        b"GET /agent HTTP/1.1\r\nHost: t\r\nUSER-AGENT: probe/1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(body(&r), "probe/1");
    let r = s.exchange(
        b"GET /headers HTTP/1.1\r\nHost: t\r\nX-ONE: a\r\nx-one: b\r\nConnection: close\r\n\r\n",
    );
    // x-one, connection and host.
    assert_eq!(body(&r), "b 3");
    let r = s.get("/text");
    assert!(r.contains("\r\nContent-Type: text/plain\r\n"), "{r}");
}

#[test]
fn keep_alive_and_pipelining_answer_in_order() {
    let s = Server::start("plain", &[]);
    let c = s.connect();
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r), exact("200 OK", "ok", "keep-alive"));
    // Three requests in one write, the first slow: answered in order.
    w.write_all(
        b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhiGET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(read_response(&mut r), exact("200 OK", "slow", "keep-alive"));
    assert_eq!(read_response(&mut r), exact("200 OK", "hi", "keep-alive"));
    assert_eq!(read_response(&mut r), exact("200 OK", "ok", "close"));
    let mut rest = String::new();
    r.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "");
    // HTTP/1.0 closes unless asked to keep alive.
    assert_eq!(
        s.exchange(b"GET /health HTTP/1.0\r\n\r\n"),
        exact("200 OK", "ok", "close")
    );
}

#[test]
fn idle_keep_alive_connections_are_closed() {
    let s = Server::start("plain", &[("SNOW_HTTP_IDLE_TIMEOUT_MS", "100")]);
    let c = s.connect();
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r), exact("200 OK", "ok", "keep-alive"));
    let mut rest = String::new();
    r.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "");
}

#[test]
fn slowloris_heads_hit_the_header_deadline() {
    let s = Server::start("plain", &[("SNOW_HTTP_HEADER_TIMEOUT_MS", "200")]);
    let mut c = s.connect();
    c.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        .unwrap();
    // Closed without a response once the deadline passes.
    assert_eq!(read_to_close(&mut c), "");
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn chunked_bodies_are_decoded() {
    let s = Server::start("plain", &[]);
    let r = s.exchange(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n",
    );
    assert_eq!(r, exact("200 OK", "abcdefg", "close"));
    let r = s.exchange(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n");
    assert_eq!(r, exact("501 Not Implemented", "Not Implemented", "close"));
}

#[test]
fn expect_100_continue_is_answered() {
    let s = Server::start("plain", &[]);
    let c = s.connect();
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
    )
    .unwrap();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 100 Continue\r\n");
    r.read_line(&mut line).unwrap();
    w.write_all(b"body").unwrap();
    assert_eq!(read_response(&mut r), exact("200 OK", "body", "keep-alive"));
}

#[test]
fn head_is_answered_without_a_body() {
    let s = Server::start("plain", &[]);
    let r = s.exchange(b"HEAD /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(
        r,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn protocol_errors_get_their_status_then_close() {
    let s = Server::start("plain", &[]);
    let big = format!(
        "GET /health HTTP/1.1\r\nHost: t\r\nX: {}\r\n\r\n",
        "a".repeat(9000)
    );
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            big.into_bytes(),
            "431 Request Header Fields Too Large",
            "Request Header Fields Too Large",
        ),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 9000000\r\n\r\n".to_vec(),
            "413 Content Too Large",
            "Content Too Large",
        ),
        (
            b"GET /health HTTP/2.0\r\n\r\n".to_vec(),
            "505 HTTP Version Not Supported",
            "HTTP Version Not Supported",
        ),
        (
            b"GET\x01 / HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(),
            "400 Bad Request",
            "Bad Request",
        ),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
                .to_vec(),
            "400 Bad Request",
            "Bad Request",
        ),
    ];
    for (raw, st, b) in cases {
        assert_eq!(s.exchange(&raw), exact(st, b, "close"));
    }
    let many: String = (0..101).map(|i| format!("h{i}: v\r\n")).collect();
    let r = s.exchange(format!("GET /health HTTP/1.1\r\nHost: t\r\n{many}\r\n").as_bytes());
    assert_eq!(status(&r), "HTTP/1.1 431 Request Header Fields Too Large");
    assert!(s.stderr_has("[snow-rt] HTTP parse error: "));
    // End of stream before the blank line: closed without a response.
    let mut c = s.connect();
    c.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n").unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut c), "");
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn clients_leaving_mid_request_do_not_disturb_the_server() {
    let s = Server::start("plain", &[]);
    for _ in 0..50 {
        let mut c = s.connect();
        c.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nhalf")
            .unwrap();
        drop(c);
    }
    let mut slow = s.connect();
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    drop(slow);
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn sigterm_lets_requests_finish_then_exits_0() {
    let mut s = Server::start("plain", &[]);
    let mut c = s.connect();
    c.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    // The handler says when it runs.
    assert!(s.stderr_has("slow request started"));
    let pid = s.child.id() as i32;
    assert!(Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success());
    let r = read_to_close(&mut c);
    assert_eq!(r, exact("200 OK", "slow", "close"));
    let st = s.child.wait().unwrap();
    assert_eq!(st.code(), Some(0));
}

#[test]
fn random_and_mutated_requests_never_bring_the_server_down() {
    let s = Server::start("plain", &[("SNOW_HTTP_HEADER_TIMEOUT_MS", "300")]);
    let seeds: [&[u8]; 4] = [
        b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        b"GET /status/201?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ];
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for i in 0..2000 {
        let mut raw = seeds[i % seeds.len()].to_vec();
        match next() % 4 {
            0 => {
                let n = (next() % 64) as usize;
                raw = (0..n).map(|_| next() as u8).collect();
            }
            _ => {
                for _ in 0..(next() % 6) {
                    let at = (next() as usize) % raw.len().max(1);
                    match next() % 3 {
                        0 if !raw.is_empty() => raw[at] = next() as u8,
                        1 => raw.insert(at, next() as u8),
                        _ if !raw.is_empty() => drop(raw.remove(at)),
                        _ => {}
                    }
                }
            }
        }
        let mut c = s.connect();
        let _ = c.write_all(&raw);
        let _ = c.shutdown(Shutdown::Write);
        let answer = read_to_close(&mut c);
        // A well-formed response or a close.
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 "),
            "{answer:?} for {raw:?}"
        );
    }
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn requests_work_under_gc_stress() {
    let s = Server::start("server", &[("SNOW_GC_STRESS", "1")]);
    for _ in 0..3 {
        assert_eq!(body(&s.get("/users/7")), "7");
        assert!(!body(&s.get("/count")).is_empty());
    }
    let r = s.exchange(b"POST /data HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nxy\r\n0\r\n\r\n");
    assert_eq!(body(&r), "got xy");
}

#[test]
fn a_failed_bind_is_reported_and_serve_returns() {
    let s = Server::start("plain", &[]);
    let out = Command::new(built("plain"))
        .env("SNOW_HTTP_HOST", "127.0.0.1")
        .env("PORT", s.port.to_string())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "[snow-rt] Failed to start HTTP server on 127.0.0.1:{}: ",
        s.port
    );
    assert!(err.starts_with(&want), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn writing_to_a_client_that_left_does_not_kill_the_server() {
    let s = Server::start("plain", &[]);
    for _ in 0..3 {
        let mut c = s.connect();
        // Two pipelined requests, then gone: the first answer draws a
        // reset, the second write meets a closed socket.
        c.write_all(
            b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /slow HTTP/1.1\r\nHost: t\r\n\r\n",
        )
        .unwrap();
        drop(c);
    }
    let mut c = s.connect();
    c.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(body(&read_to_close(&mut c)), "slow");
    assert_eq!(body(&s.get("/health")), "ok");
}

#[test]
fn two_thousand_concurrent_connections_are_all_served() {
    raise_nofile();
    let s = Server::start("plain", &[]);
    // All open at once before any request, then one request on each.
    let conns: Vec<TcpStream> = (0..2000).map(|_| s.connect()).collect();
    for mut c in &conns {
        c.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
    }
    for c in conns {
        let mut r = BufReader::new(c);
        assert_eq!(read_response(&mut r), exact("200 OK", "ok", "keep-alive"));
    }
    assert_eq!(body(&s.get("/health")), "ok");
}

/// Sends `n` keep-alive requests (a mix of routes, 50 pipelined at a
/// time), a new connection every 1,000 (the most one connection serves).
fn keep_alive_requests(s: &Server, n: usize) {
    let batch: Vec<u8> = [
        &b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n"[..],
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
        b"GET /status/201 HTTP/1.1\r\nHost: t\r\nX-A: b\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
        b"GET /missing HTTP/1.1\r\nHost: t\r\n\r\n",
    ]
    .repeat(10)
    .concat();
    let bodies = ["ok", "hello", "s", "hi", "Not Found"];
    for _ in 0..n / 1000 {
        let c = s.connect();
        let mut w = c.try_clone().unwrap();
        let mut r = BufReader::new(c);
        for _ in 0..1000 / 50 {
            w.write_all(&batch).unwrap();
            for i in 0..50 {
                assert_eq!(body(&read_response(&mut r)), bodies[i % 5]);
            }
        }
    }
}

#[test]
fn server_memory_stays_bounded_over_200000_keep_alive_requests() {
    let s = Server::start("plain", &[]);
    keep_alive_requests(&s, 20_000);
    let warm = rss_kib(s.child.id());
    keep_alive_requests(&s, 180_000);
    let end = rss_kib(s.child.id());
    // The bound of docs/decisions.md: 2 MiB over 180,000 requests (a leak
    // of 12 bytes a request would pass it).
    assert!(
        end <= warm + 2048,
        "RSS {warm} KiB after warm-up, {end} KiB after"
    );
}

#[test]
fn malformed_header_lines_get_400_and_nothing_is_smuggled() {
    let s = Server::start("plain", &[]);
    // Skipped, each line left the body to be read as a second request.
    let smuggled = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    for (line, reason) in [
        (&b"Content-Length : 33"[..], "invalid header name"),
        (b"Transfer-Encoding : chunked", "invalid header name"),
        (b"Content-Length: 33\x01", "invalid header value"),
        (b"Transfer-Encoding: \x0bchunked", "invalid header value"),
        (b"Content Length: 33", "invalid header name"),
        (b"X-A: 1\r\n Content-Length: 33", "invalid header name"),
    ] {
        let mut raw = b"POST /echo HTTP/1.1\r\nHost: x\r\n".to_vec();
        raw.extend_from_slice(line);
        raw.extend_from_slice(b"\r\n\r\n");
        raw.extend_from_slice(smuggled);
        assert_eq!(
            s.exchange(&raw),
            exact("400 Bad Request", "Bad Request", "close"),
            "{}",
            line.escape_ascii()
        );
        assert!(s.stderr_has(&format!("[snow-rt] HTTP parse error: {reason}\n")));
    }
    // A line without a colon is skipped (§5.1.5): it cannot frame a body.
    assert_eq!(
        s.exchange(
            b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length 33\r\nConnection: close\r\n\r\n"
        ),
        exact("200 OK", "ok", "close")
    );
}

#[test]
fn host_is_required_once_on_http_1_1() {
    let s = Server::start("plain", &[]);
    let bad = exact("400 Bad Request", "Bad Request", "close");
    assert_eq!(s.exchange(b"GET /health HTTP/1.1\r\n\r\n"), bad);
    assert!(s.stderr_has("[snow-rt] HTTP parse error: missing Host header\n"));
    assert_eq!(
        s.exchange(b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        bad
    );
    assert!(s.stderr_has("[snow-rt] HTTP parse error: more than one Host header\n"));
    assert_eq!(
        s.exchange(b"GET /health HTTP/1.0\r\n\r\n"),
        exact("200 OK", "ok", "close")
    );
}

#[test]
fn absolute_form_targets_route_by_their_path() {
    let s = Server::start("server", &[]);
    let get = |target: &str| {
        s.exchange(
            format!("GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    assert_eq!(body(&get("http://t/health")), "ok");
    assert_eq!(body(&get("http://t:80/users/42")), "42");
    assert_eq!(body(&get("HTTPS://t/greet?name=ann")), "hello ann");
    assert_eq!(body(&get("http://t/a/b?c")), "wild GET /a/b");
    // `OPTIONS *` routes like any target: only a route that matches `*`
    // (none here but the `/*` wildcard, which needs a leading slash) takes it.
    let r = s.exchange(b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&r), "HTTP/1.1 404 Not Found");
}

#[test]
fn no_content_and_not_modified_go_without_body_and_1xx_is_a_500() {
    let s = Server::start("plain", &[]);
    for (code, phrase) in [(204, "No Content"), (304, "Not Modified")] {
        // Kept alive: a body sent after the head would pass for the next
        // response.
        let raw = format!(
            "GET /status/{code} HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            s.exchange(raw.as_bytes()),
            format!(
                "HTTP/1.1 {code} {phrase}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: keep-alive\r\n\r\n{}",
                exact("200 OK", "ok", "close")
            )
        );
    }
    for code in [100, 101, 199] {
        assert_eq!(
            s.get(&format!("/status/{code}")),
            exact("500 Internal Server Error", "s", "close")
        );
        assert!(s.stderr_has(&format!(
            "[snow-rt] HTTP handler returned status {code}; sent 500\n"
        )));
    }
}

#[test]
fn doubtful_framing_is_answered_then_closed_or_refused() {
    let s = Server::start("plain", &[]);
    // Content-Length and Transfer-Encoding both: chunked wins, the
    // connection closes after the answer (the pipelined GET is not read).
    let r = s.exchange(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assert_eq!(r, exact("200 OK", "hi", "close"));
    // Transfer-Encoding on HTTP/1.0 has no trustworthy framing.
    let r = s.exchange(
        b"POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    );
    assert_eq!(r, exact("400 Bad Request", "Bad Request", "close"));
    assert!(s.stderr_has("[snow-rt] HTTP parse error: Transfer-Encoding in an HTTP/1.0 request\n"));
    // Trailers count like header lines: 101 of them is too many.
    let trailers: String = (0..101).map(|i| format!("t{i}: v\r\n")).collect();
    let r = s.exchange(
        format!("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n{trailers}\r\n")
            .as_bytes(),
    );
    assert_eq!(
        r,
        exact(
            "431 Request Header Fields Too Large",
            "Request Header Fields Too Large",
            "close"
        )
    );
    assert_eq!(body(&s.get("/health")), "ok");
}
