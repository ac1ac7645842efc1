//! One connection's process: reads requests (heads through `wire`, bodies
//! by length or chunked), answers each in order through `dispatch`, and
//! keeps the connection open per ruling 11. Every wait parks the process
//! on the reactor under a deadline (§5.1.6); a missed deadline or a peer
//! that goes away ends the connection without a response.

use super::dispatch::respond;
use super::server::{self, Timeouts};
use super::values::*;
use super::wire::{self, Framing, Head, Refusal};
use crate::base::abi::{Ctx, Word};
use crate::base::console;
use crate::io::net::Stream;
use crate::process::clock;
use crate::process::resources;
use core::ffi::c_void;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;

/// What a connection is served over: the socket itself (`serve`) or TLS
/// over it (`serve_tls`); either way every wait is the socket's, under its
/// deadlines.
pub trait Transport: Read + Write {
    fn tcp(&mut self) -> &mut Stream;
}

impl Transport for Stream {
    fn tcp(&mut self) -> &mut Stream {
        self
    }
}

/// Most requests answered on one connection (ruling 11).
const MAX_REQUESTS: usize = 1000;

/// What a connection keeps between requests (owned by its process, so a
/// kill frees it).
#[derive(Default)]
struct Buffer {
    bytes: Vec<u8>,
}

/// Why reading a request stopped.
enum Stop {
    /// Close without a response (end of stream, timeout, error).
    Quiet,
    /// Answer with an error status, then close.
    Refuse(Refusal),
}

/// The entry of a connection process: `arg` is the record (router, fd).
///
/// # Safety
/// Called as a spawned process's entry.
pub unsafe extern "C" fn entry(ctx: *mut Ctx, arg: Word) {
    with_socket(ctx, arg, |router, st, buf| {
        serve_connection(ctx, router, st, buf)
    });
}

/// Adopts the socket of the connection record `arg` (router, fd, extra)
/// and a buffer, runs `serve(router, socket, buffer)`, then closes.
///
/// # Safety
/// `ctx` is the running connection process; `arg` its record.
pub unsafe fn with_socket(
    ctx: *mut Ctx,
    arg: Word,
    serve: impl FnOnce(*mut c_void, &mut Stream, &mut Vec<u8>),
) {
    let argp = arg as usize as *mut c_void;
    let router = field(argp, 0) as usize as *mut c_void;
    let fd = field(argp, 1) as i32;
    let sock = std::net::TcpStream::from_raw_fd(fd);
    let Ok(st) = Stream::adopt(ctx, sock) else {
        return;
    };
    let buf = resources::own(ctx, Buffer::default());
    serve(router, &mut *st, &mut (*buf).bytes);
    let _ = (*st).socket().shutdown(std::net::Shutdown::Write);
    Stream::close(ctx, st);
    resources::release(ctx, buf);
}

/// Answers the requests of one connection, in order, until it closes.
///
/// # Safety
/// `ctx` is the running connection process; `router` a live router.
pub unsafe fn serve_connection(
    ctx: *mut Ctx,
    router: *mut c_void,
    st: &mut impl Transport,
    buf: &mut Vec<u8>,
) {
    let t = server::timeouts();
    for served in 0..MAX_REQUESTS {
        let head = match read_head(st, buf, t, served == 0) {
            Ok(h) => h,
            Err(stop) => return refuse(st, stop, t),
        };
        server::request_started();
        let done = answer(ctx, router, st, buf, t, head, served + 1 < MAX_REQUESTS);
        server::request_finished();
        if !done {
            return;
        }
    }
}

/// Reads until `buf` starts with a complete head. Before the first byte of
/// a request after the first, the idle timeout applies; from the first
/// byte, the header deadline (and the read timeout per read).
fn read_head(
    st: &mut impl Transport,
    buf: &mut Vec<u8>,
    t: &Timeouts,
    first: bool,
) -> Result<Head, Stop> {
    let mut head_deadline = (first || !buf.is_empty()).then(|| clock::now_ns() + t.header);
    loop {
        if let Some(h) = wire::parse_head(buf).map_err(Stop::Refuse)? {
            return Ok(h);
        }
        if server::shutting_down() && buf.is_empty() {
            return Err(Stop::Quiet);
        }
        let now = clock::now_ns();
        st.tcp().read_deadline = Some(match head_deadline {
            Some(d) => d.min(now + t.read),
            None => now + t.idle,
        });
        if fill(st, buf)? == 0 {
            return Err(Stop::Quiet);
        }
        head_deadline.get_or_insert(clock::now_ns() + t.header);
    }
}

/// Reads more bytes onto `buf`: the count (0 at the end of the stream).
/// Straight into the buffer's spare room (4 KiB at a time), so an idle
/// connection holds little memory.
fn fill(st: &mut impl Transport, buf: &mut Vec<u8>) -> Result<usize, Stop> {
    let len = buf.len();
    buf.resize(len + 4096, 0);
    let r = st.read(&mut buf[len..]);
    let n = r.as_ref().map_or(0, |n| *n);
    buf.truncate(len + n);
    r.map_err(|_| Stop::Quiet)
}

fn write_all(st: &mut impl Transport, bytes: &[u8], t: &Timeouts) -> bool {
    st.tcp().write_deadline = Some(clock::now_ns() + t.write);
    // TLS may hold the last record until flushed.
    st.write_all(bytes).is_ok() && st.flush().is_ok()
}

fn refuse(st: &mut impl Transport, stop: Stop, t: &Timeouts) {
    if let Stop::Refuse(r) = stop {
        console::write_fd(
            2,
            format!("[snow-rt] HTTP parse error: {}\n", r.reason).as_bytes(),
        );
        let body = wire::reason(r.status);
        write_all(
            st,
            &wire::response(r.status, body.as_bytes(), &[], false, false),
            t,
        );
    }
}

/// Reads the body of `head`: the bytes, having consumed them from `buf`.
fn read_body<T: Transport>(
    st: &mut T,
    buf: &mut Vec<u8>,
    t: &Timeouts,
    head: &Head,
) -> Result<Vec<u8>, Stop> {
    let framing = head.framing().map_err(Stop::Refuse)?;
    let expects = head.minor == 1 && head.lists("expect", "100-continue");
    let need_more = |buf: &Vec<u8>| match framing {
        Framing::Length(n) => buf.len() < head.len + n,
        Framing::Chunked => buf.len() == head.len,
    };
    if expects && need_more(buf) && !write_all(st, b"HTTP/1.1 100 Continue\r\n\r\n", t) {
        return Err(Stop::Quiet);
    }
    let more = |st: &mut T, buf: &mut Vec<u8>| {
        st.tcp().read_deadline = Some(clock::now_ns() + t.read);
        match fill(st, buf)? {
            0 => Err(Stop::Quiet),
            n => Ok(n),
        }
    };
    match framing {
        Framing::Length(n) => {
            while buf.len() < head.len + n {
                more(st, buf)?;
            }
            let body = buf[head.len..head.len + n].to_vec();
            buf.drain(..head.len + n);
            Ok(body)
        }
        Framing::Chunked => {
            let mut c = wire::Chunked::at(head.len);
            while !c.advance(buf).map_err(Stop::Refuse)? {
                more(st, buf)?;
            }
            buf.drain(..c.used);
            Ok(std::mem::take(&mut c.body))
        }
    }
}

/// Answers one request; whether the connection stays open.
unsafe fn answer(
    ctx: *mut Ctx,
    router: *mut c_void,
    st: &mut impl Transport,
    buf: &mut Vec<u8>,
    t: &Timeouts,
    head: Head,
    may_keep: bool,
) -> bool {
    let body = match read_body(st, buf, t, &head) {
        Ok(b) => b,
        Err(stop) => {
            refuse(st, stop, t);
            return false;
        }
    };
    let headers = encode_pairs(
        head.headers
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes())),
    );
    let req = new_request(ctx, &head.method, &head.target, &body, &headers, b"");
    drop((body, headers));
    let head_only = head.method == "HEAD";
    let mut keep = may_keep && head.keep_alive();
    let bytes = match respond(ctx, router, req) {
        Ok(resp) => {
            // A shutdown that began meanwhile closes the connection.
            keep &= !server::shutting_down();
            let mut status = field(resp, 0) as i64;
            if !(100..=599).contains(&status) {
                console::write_fd(
                    2,
                    format!("[snow-rt] HTTP handler returned status {status}; sent 500\n")
                        .as_bytes(),
                );
                status = 500;
            }
            let body = text(resp, 1);
            let hs: Vec<(String, String)> = pairs(text(resp, 2))
                .map(|(n, v)| {
                    (
                        String::from_utf8_lossy(n).into_owned(),
                        String::from_utf8_lossy(v).into_owned(),
                    )
                })
                .collect();
            let extra: Vec<(&str, &str)> =
                hs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            wire::response(status, body, &extra, keep, head_only)
        }
        Err(report) => {
            let mut line = b"[snow-rt] HTTP handler panicked: ".to_vec();
            line.extend_from_slice(&report);
            line.push(b'\n');
            console::write_fd(2, &line);
            keep = false;
            wire::response(500, b"Internal Server Error", &[], false, head_only)
        }
    };
    write_all(st, &bytes, t) && keep
}
