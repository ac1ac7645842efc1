use super::*;

fn head(raw: &str) -> Head {
    parse_head(raw.as_bytes())
        .expect("valid")
        .expect("complete")
}

#[test]
fn heads_parse_with_lf_or_crlf_and_report_their_length() {
    let h = head("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Y:  v  \r\n\r\nrest");
    assert_eq!(
        (h.method.as_str(), h.target.as_str(), h.minor),
        ("GET", "/a?b=1", 1)
    );
    assert_eq!(h.header("x-y"), Some("v"));
    assert_eq!(
        h.len,
        "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Y:  v  \r\n\r\n".len()
    );
    assert_eq!(head("GET / HTTP/1.0\nA: 1\n\n").minor, 0);
    assert_eq!(parse_head(b""), Ok(None));
    assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n"), Ok(None));
    let raw = "GET /t HTTP/1.1 \t \r\nHost: x\r\n\r\nnext";
    let h = head(raw);
    assert_eq!(
        (h.target.as_str(), h.minor, h.len),
        ("/t", 1, raw.len() - 4)
    );
    // (`httparse` alone refuses it.)
    assert!(parse_trimmed(raw.as_bytes()).is_err());
}

#[test]
fn bad_heads_are_refused_with_their_status() {
    let status = |raw: &[u8]| parse_head(raw).err().map(|r| r.status);
    assert_eq!(status(b"GET / HTTP/2.0\r\n\r\n"), Some(505));
    assert_eq!(status(b"GET / FOO\r\n\r\n"), Some(400));
    assert_eq!(status(b"\x01\x02 / HTTP/1.1\r\n\r\n"), Some(400));
    let many: String = (0..101).map(|i| format!("h{i}: v\r\n")).collect();
    assert_eq!(
        status(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
        Some(431)
    );
    let long = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
    assert_eq!(status(long.as_bytes()), Some(431));
}

#[test]
fn framing_follows_length_and_transfer_encoding() {
    let f = |hs: &str| head(&format!("POST / HTTP/1.1\r\nHost: x\r\n{hs}\r\n")).framing();
    assert_eq!(f(""), Ok(Framing::Length(0)));
    assert_eq!(f("Content-Length: 5\r\n"), Ok(Framing::Length(5)));
    assert_eq!(
        f("Content-Length: 5\r\ncontent-length: 5\r\n"),
        Ok(Framing::Length(5))
    );
    assert_eq!(
        f("Content-Length: 5\r\nContent-Length: 6\r\n")
            .unwrap_err()
            .status,
        400
    );
    assert_eq!(f("Content-Length: -1\r\n").unwrap_err().status, 400);
    assert_eq!(f("Content-Length: x\r\n").unwrap_err().status, 400);
    assert_eq!(f("Content-Length: 8388609\r\n").unwrap_err().status, 413);
    assert_eq!(f("Transfer-Encoding: Chunked\r\n"), Ok(Framing::Chunked));
    assert_eq!(
        f("Transfer-Encoding: gzip, chunked\r\n")
            .unwrap_err()
            .status,
        501
    );
}

#[test]
fn keep_alive_follows_version_and_connection() {
    assert!(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n").keep_alive());
    assert!(!head("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").keep_alive());
    assert!(!head("GET / HTTP/1.0\r\n\r\n").keep_alive());
    assert!(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive());
}

#[test]
fn chunked_bodies_decode_in_any_split() {
    let raw = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for split in 0..raw.len() {
        let mut c = Chunked::at(0);
        let mut buf = raw[..split].to_vec();
        let mut done = c.advance(&buf).expect("well formed");
        if !done {
            buf.extend_from_slice(&raw[split..]);
            done = c.advance(&buf).expect("well formed");
        }
        assert!(done, "split {split}");
        buf.extend_from_slice(&raw[buf.len()..]);
        assert_eq!(c.body, b"Wikipedia");
        assert_eq!(&buf[c.used..], b"NEXT", "split {split}");
    }
    assert_eq!(Chunked::at(0).advance(b"zz\r\n").unwrap_err().status, 400);
    assert_eq!(
        Chunked::at(0).advance(b"4\r\nWikiXX").unwrap_err().status,
        400
    );
    assert_eq!(
        Chunked::at(0).advance(b"900000\r\n").unwrap_err().status,
        413
    );
}

#[test]
fn responses_have_the_fixed_layout() {
    let r = response(200, b"hi", &[], false, false);
    assert_eq!(
        String::from_utf8(r).unwrap(),
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
    );
    let r = response(
        422,
        b"hi",
        &[("content-type", "text/plain"), ("X-A", "1")],
        true,
        true,
    );
    assert_eq!(
        String::from_utf8(r).unwrap(),
        "HTTP/1.1 422 Unprocessable Content\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nX-A: 1\r\n\r\n"
    );
    let r = response(404, &[b'x'; 10_203], &[], true, true);
    assert_eq!(
        String::from_utf8(r).unwrap(),
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 10203\r\nConnection: keep-alive\r\n\r\n"
    );
    let r = response(100, b"", &[], true, false);
    assert!(r.starts_with(b"HTTP/1.1 100 Continue\r\n"));
    assert!(r.ends_with(b"Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"));
    assert_eq!(reason(431), "Request Header Fields Too Large");
    assert_eq!(reason(599), "Server Error");
}

#[test]
fn headers_that_would_break_the_line_are_found() {
    assert_eq!(invalid_header(&[("X-A", "a b\tc"), ("Y", "")]), None);
    assert_eq!(
        invalid_header(&[("X-A", "ok"), ("X-B", "a\r\nInjected: 1")]),
        Some("X-B")
    );
    assert_eq!(invalid_header(&[("X-A", "a\nb")]), Some("X-A"));
    assert_eq!(invalid_header(&[("X-A", "a\0b")]), Some("X-A"));
    assert_eq!(invalid_header(&[("X B", "v")]), Some("X B"));
    assert_eq!(invalid_header(&[("", "v")]), Some(""));
    assert_eq!(invalid_header(&[("X:A", "v")]), Some("X:A"));
    assert!(is_token("GET") && is_token("X-Request-Id") && !is_token("a b"));
}

#[test]
fn malformed_header_lines_are_refused_not_skipped() {
    let refusal = |line: &[u8]| {
        let mut raw = b"POST /echo HTTP/1.1\r\nHost: x\r\n".to_vec();
        raw.extend_from_slice(line);
        raw.extend_from_slice(b"\r\n\r\n");
        parse_head(&raw).err()
    };
    let (name, value) = ("invalid header name", "invalid header value");
    for (line, reason) in [
        // Whitespace before the colon, a space or other non-token byte in
        // the name, an obs-fold continuation line.
        (&b"Content-Length : 34"[..], name),
        (b"Transfer-Encoding\t: chunked", name),
        (b"Content Length: 34", name),
        (b"X(a): 1", name),
        (b": empty name", name),
        (b" folded", name),
        (b"\tfolded", name),
        // Control bytes other than HTAB in a value (DEL too).
        (b"Content-Length: 34\x01", value),
        (b"Transfer-Encoding: \x0bchunked", value),
        (b"X: a\x00b", value),
        (b"X: a\x7fb", value),
        (b"X: a\rb", value),
    ] {
        let want = Some(Refusal::new(400, reason));
        assert_eq!(refusal(line), want, "{}", line.escape_ascii());
    }
    // A line without a colon is skipped (§5.1.5).
    let h = head("GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\nX: 1\r\n\r\n");
    assert_eq!((h.header("x"), h.headers.len()), (Some("1"), 2));
    // A tab inside or around a value, and obs-text, are fine.
    let h = head("GET / HTTP/1.1\r\nHost: x\r\nX: a\tb\t\r\nY: é\r\n\r\n");
    assert_eq!((h.header("x"), h.header("y")), (Some("a\tb"), Some("é")));
}

#[test]
fn http_1_1_needs_exactly_one_host() {
    let status = |raw: &str| parse_head(raw.as_bytes()).err().map(|r| r.reason);
    assert_eq!(
        status("GET / HTTP/1.1\r\n\r\n"),
        Some("missing Host header")
    );
    assert_eq!(
        status("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
        Some("more than one Host header")
    );
    assert_eq!(
        status("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"),
        Some("more than one Host header")
    );
    assert_eq!(status("GET / HTTP/1.0\r\n\r\n"), None);
    assert_eq!(status("GET / HTTP/1.1\r\nHOST:\r\n\r\n"), None);
}

#[test]
fn absolute_form_targets_become_their_path_and_query() {
    let target = |t: &str| head(&format!("GET {t} HTTP/1.1\r\nHost: h\r\n\r\n")).target;
    assert_eq!(target("http://h/health"), "/health");
    assert_eq!(target("HTTPS://h:8443/a/b?x=1"), "/a/b?x=1");
    assert_eq!(target("http://h"), "/");
    assert_eq!(target("http://h?x=1"), "/?x=1");
    assert_eq!(target("/plain?u=http://h/x"), "/plain?u=http://h/x");
    assert_eq!(target("ftp://h/x"), "ftp://h/x");
    assert_eq!(target("*"), "*");
}

#[test]
fn framing_with_both_codings_or_on_http_1_0_is_not_trusted() {
    let both = head(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert_eq!(both.framing(), Ok(Framing::Chunked));
    assert!(!both.keep_alive());
    let old =
        head("POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!(
        old.framing(),
        Err(Refusal::new(
            400,
            "Transfer-Encoding in an HTTP/1.0 request"
        ))
    );
}

#[test]
fn trailers_count_against_the_head_limits() {
    let trailers = |n: usize, each: usize| {
        let mut raw = b"1\r\na\r\n0\r\n".to_vec();
        for i in 0..n {
            raw.extend_from_slice(format!("T{i}: {}\r\n", "v".repeat(each)).as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        Chunked::at(0).advance(&raw).map_err(|r| r.status)
    };
    assert_eq!(trailers(MAX_HEADERS, 1), Ok(true));
    assert_eq!(trailers(MAX_HEADERS + 1, 1), Err(431));
    assert_eq!(trailers(2, 5000), Err(431));
    // One endless trailer line, before its end arrives.
    let mut raw = b"0\r\nT: ".to_vec();
    raw.extend_from_slice(&[b'v'; MAX_HEAD]);
    assert_eq!(Chunked::at(0).advance(&raw).map_err(|r| r.status), Err(431));
}

#[test]
fn no_content_and_not_modified_have_no_body_or_length() {
    for (status, phrase) in [(204, "No Content"), (304, "Not Modified")] {
        let r = response(status, b"{\"a\":1}", &[], true, false);
        assert_eq!(
            String::from_utf8(r).unwrap(),
            format!("HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: keep-alive\r\n\r\n")
        );
    }
}
