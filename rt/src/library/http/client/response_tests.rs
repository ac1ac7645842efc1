//! Reading responses from bytes: framings, interim heads, trailers, gzip
//! and the cap.

use super::*;

fn ok(raw: &[u8]) -> Reply {
    match read(&mut &raw[..], false) {
        Ok(r) => r,
        Err(Failure::Io(e)) => panic!("io: {e}"),
        Err(Failure::Malformed(m)) => panic!("malformed: {m}"),
        Err(Failure::TooBig) => panic!("too big"),
    }
}

fn failure(raw: &[u8]) -> String {
    match read(&mut &raw[..], false) {
        Ok(_) => "ok".into(),
        Err(Failure::Io(e)) => format!("io: {e}"),
        Err(Failure::Malformed(m)) => format!("malformed: {m}"),
        Err(Failure::TooBig) => "too big".into(),
    }
}

#[test]
fn length_chunked_and_close_delimited_bodies() {
    let r = ok(b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\nabcEXTRA");
    assert_eq!((r.status, &r.body[..]), (201, &b"abc"[..]));
    assert_eq!(r.header("x-a").as_deref(), Some("1, 2"));
    let c = ok(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\na\r\n0123456789\r\n0\r\nT: x\r\n\r\n");
    assert_eq!(c.body, b"abc0123456789");
    let e = ok(b"HTTP/1.0 200 OK\r\n\r\nto the end");
    assert_eq!(e.body, b"to the end");
}

#[test]
fn no_body_for_head_204_304_and_interim_heads_skipped() {
    let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    let h = read(&mut &raw[..], true).ok().expect("head");
    assert_eq!((h.status, h.body.len()), (200, 0));
    assert_eq!(ok(b"HTTP/1.1 204 No Content\r\n\r\n").body.len(), 0);
    let i = ok(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert_eq!((i.status, &i.body[..]), (200, &b"ok"[..]));
}

#[test]
fn gzip_is_decoded_and_its_headers_dropped() {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(b"squeezed").unwrap();
    let z = z.finish().unwrap();
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: GZIP\r\nContent-Length: {}\r\n\r\n",
        z.len()
    )
    .into_bytes();
    raw.extend_from_slice(&z);
    let r = ok(&raw);
    assert_eq!(r.body, b"squeezed");
    assert_eq!(
        (r.header("content-encoding"), r.header("content-length")),
        (None, None)
    );
}

#[test]
fn truncated_malformed_and_oversized_responses_fail() {
    assert_eq!(
        failure(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"),
        "io: connection closed before the response was complete"
    );
    assert_eq!(failure(b""), "io: connection closed without a response");
    assert_eq!(
        failure(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
        "malformed: bad Content-Length `x`"
    );
    assert_eq!(
        failure(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        "io: bad chunk size"
    );
    let mut big = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
        BODY_CAP + 1
    )
    .into_bytes();
    big.resize(big.len() + BODY_CAP + 1, b'a');
    assert_eq!(failure(&big), "too big");
}

#[test]
fn endless_interim_heads_fail_after_the_cap() {
    let head = b"HTTP/1.1 100 Continue\r\n\r\n";
    let real = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let raw = |interim: usize| {
        let mut raw = head.repeat(interim);
        raw.extend_from_slice(real);
        raw
    };
    assert_eq!(ok(&raw(MAX_INTERIM)).body, b"ok");
    assert_eq!(
        failure(&raw(MAX_INTERIM + 1)),
        "malformed: more than 5 interim (1xx) responses"
    );
    // A stream of them that never ends stops at the cap too.
    assert_eq!(
        failure(&head.repeat(1000)),
        "malformed: more than 5 interim (1xx) responses"
    );
}
