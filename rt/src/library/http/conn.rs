//! One connection's process: reads requests (heads through `wire`, bodies
//! by length or chunked), answers each in order through `dispatch`, and
//! keeps the connection open per ruling 11. Every wait parks the process
//! on the reactor under a deadline (§5.1.6); a missed deadline or a peer
//! that goes away ends the connection without a response. The same loop
//! serves plain sockets and TLS (`Transport`); a request on an `HTTP.ws`
//! route hands the connection over to the WebSocket loop.
//!
//! Everything the process holds outside its heap while it may park or run
//! Snow code (the socket, buffers, the request's head, the in-flight count)
//! lives in resources it owns, so a process killed at any point releases
//! all of it.

use super::dispatch::respond;
use super::server::{self, InFlight, Timeouts};
use super::values::*;
use super::wire::{self, Framing, Head, Refusal};
use crate::base::abi::{Ctx, Word};
use crate::base::console;
use crate::io::net::Stream;
use crate::library::ws::{self, conn::Wire, handshake};
use crate::process::clock;
use core::ffi::c_void;
use std::io::{Read, Write};
use std::net::TcpStream;

/// What a connection is served over: the socket itself (`serve`) or TLS
/// over it (`serve_tls`); either way every wait is the socket's, under its
/// deadlines.
pub trait Transport: Read + Write {
    fn tcp(&mut self) -> &mut Stream;
    /// Reads what is already there without waiting (`WouldBlock` if
    /// nothing is), so an idle connection can drop its buffer before it
    /// parks.
    fn read_now(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;

    /// Writes all of `bytes` within `timeout` ns; whether it all went out.
    fn write_within(&mut self, bytes: &[u8], timeout: u64) -> bool {
        self.tcp().write_deadline = Some(clock::now_ns() + timeout);
        // TLS may hold the last record until flushed.
        self.write_all(bytes).is_ok() && self.flush().is_ok()
    }
}

impl Transport for Stream {
    fn tcp(&mut self) -> &mut Stream {
        self
    }
    fn read_now(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.socket().read(buf)
    }
}

/// Most requests answered on one connection (ruling 11).
const MAX_REQUESTS: usize = 1000;

/// A kept-alive connection idle this long gives its heap's blocks back
/// before it waits on (`gc::clear_heap`).
const REST_NS: u64 = 1_000_000_000;

/// What a connection process owns from its spawn on (see
/// `resources::spawn_owning`), so a kill frees it: the shared router, the
/// socket until the process adopts it, the bytes read and not yet used,
/// the head of the request being answered, a chunked body being decoded,
/// the response being written, and whether a request is in progress;
/// `extra` is the transport's (TLS: its configuration).
pub struct Conn {
    pub shared: *mut c_void,
    pub extra: Word,
    sock: Option<TcpStream>,
    pub buf: Vec<u8>,
    head: Option<Head>,
    chunked: Option<wire::Chunked>,
    out: Vec<u8>,
    busy: InFlight,
}

impl Conn {
    pub fn new(router: *mut c_void, sock: TcpStream, extra: Word) -> Conn {
        Conn {
            shared: router,
            extra,
            sock: Some(sock),
            buf: Vec::new(),
            head: None,
            chunked: None,
            out: Vec::new(),
            busy: InFlight::default(),
        }
    }
}

/// Why reading a request stopped.
enum Stop {
    /// Close without a response (end of stream, timeout, error).
    Quiet,
    /// Answer with an error status, then close.
    Refuse(Refusal),
}

/// The entry of a connection process: `arg` points to its `Conn`.
///
/// # Safety
/// Called as the entry of a process spawned with `spawn_owning(Conn)`.
pub unsafe extern "C" fn entry(ctx: *mut Ctx, arg: Word) {
    with_socket(ctx, arg, |c, st| serve_connection(ctx, c, st));
}

/// Adopts the socket of the `Conn` at `arg`, runs `serve(conn, socket)`,
/// then closes.
///
/// # Safety
/// `ctx` is the running connection process; `arg` its `Conn`.
pub unsafe fn with_socket(ctx: *mut Ctx, arg: Word, serve: impl FnOnce(&mut Conn, &mut Stream)) {
    let c = &mut *(arg as usize as *mut Conn);
    let Some(sock) = c.sock.take() else { return };
    // Each response goes out at once (pipelined ones too), as Go's server
    // does.
    let _ = sock.set_nodelay(true);
    let Ok(st) = Stream::adopt(ctx, sock) else {
        return;
    };
    serve(c, &mut *st);
    let _ = (*st).socket().shutdown(std::net::Shutdown::Write);
    Stream::close(ctx, st);
}

/// Answers the requests of one connection, in order, until it closes.
///
/// # Safety
/// `ctx` is the running connection process; `c` its `Conn`.
pub unsafe fn serve_connection(ctx: *mut Ctx, c: &mut Conn, st: &mut impl Wire) {
    let t = server::timeouts();
    for served in 0..MAX_REQUESTS {
        match read_head(ctx, st, &mut c.buf, t, served == 0) {
            Ok(h) => c.head = Some(h),
            Err(stop) => return refuse(st, stop, t),
        };
        c.busy.start();
        let done = answer(ctx, c, st, t, served + 1 < MAX_REQUESTS);
        c.busy.finish();
        c.head = None;
        // Nothing in the heap outlives a request (the router is shared, the
        // rest is the connection's own Rust memory): it starts empty again,
        // so a connection needs no collection and stays at the size one
        // request takes.
        crate::gc::clear_heap(ctx, false);
        if c.buf.is_empty() {
            // An idle connection keeps no buffer.
            c.buf = Vec::new();
        }
        if !done {
            return;
        }
    }
}

/// Reads until `buf` starts with a complete head. Before the first byte of
/// a request after the first, the idle timeout applies (the heap is released
/// after `REST_NS` of it); from the first byte, the header deadline (and
/// the read timeout per read).
unsafe fn read_head(
    ctx: *mut Ctx,
    st: &mut impl Transport,
    buf: &mut Vec<u8>,
    t: &Timeouts,
    first: bool,
) -> Result<Head, Stop> {
    let mut head_deadline = (first || !buf.is_empty()).then(|| clock::now_ns() + t.header);
    let idle_end = clock::now_ns() + t.idle;
    let mut rested = false;
    loop {
        if let Some(h) = wire::parse_head(buf).map_err(Stop::Refuse)? {
            return Ok(h);
        }
        if server::shutting_down() && buf.is_empty() {
            return Err(Stop::Quiet);
        }
        let now = clock::now_ns();
        let resting = head_deadline.is_none() && !rested && now + REST_NS < idle_end;
        st.tcp().read_deadline = Some(match head_deadline {
            Some(d) => d.min(now + t.read),
            None if resting => now + REST_NS,
            None => idle_end,
        });
        match read_more(st, buf) {
            Ok(0) => return Err(Stop::Quiet),
            Ok(_) => {}
            Err(e) if resting && e.kind() == std::io::ErrorKind::TimedOut => {
                crate::gc::clear_heap(ctx, true);
                rested = true;
                continue;
            }
            Err(_) => return Err(Stop::Quiet),
        }
        head_deadline.get_or_insert(clock::now_ns() + t.header);
    }
}

/// Reads more bytes onto `buf`: the count (0 at the end of the stream).
fn fill(st: &mut impl Transport, buf: &mut Vec<u8>) -> Result<usize, Stop> {
    read_more(st, buf).map_err(|_| Stop::Quiet)
}

/// Straight into the buffer's spare room (4 KiB at a time). A connection
/// waiting with nothing buffered holds no buffer while it waits.
fn read_more(st: &mut impl Transport, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut waited = false;
    loop {
        let len = buf.len();
        buf.resize(len + 4096, 0);
        let r = if len == 0 && !waited {
            // Without waiting: on WouldBlock the buffer goes first.
            st.read_now(&mut buf[..])
        } else {
            st.read(&mut buf[len..])
        };
        let n = r.as_ref().map_or(0, |n| *n);
        buf.truncate(len + n);
        match r {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                *buf = Vec::new();
                st.tcp().wait_readable()?;
                waited = true;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

/// A line on stderr about what a handler gave back.
fn complain(what: &str) {
    console::write_fd(2, format!("[snow-rt] {what}\n").as_bytes());
}

fn write_all(st: &mut impl Transport, bytes: &[u8], t: &Timeouts) -> bool {
    st.write_within(bytes, t.write)
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
/// A chunked body is decoded in `chunked` (the connection's).
fn read_body<T: Transport>(
    st: &mut T,
    buf: &mut Vec<u8>,
    chunked: &mut Option<wire::Chunked>,
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
            let c = chunked.insert(wire::Chunked::at(head.len));
            while !c.advance(buf).map_err(Stop::Refuse)? {
                more(st, buf)?;
            }
            buf.drain(..c.used);
            Ok(chunked.take().map(|c| c.body).unwrap_or_default())
        }
    }
}

/// Answers the request whose head is `c.head`; whether the connection
/// stays open.
unsafe fn answer(
    ctx: *mut Ctx,
    c: &mut Conn,
    st: &mut impl Wire,
    t: &Timeouts,
    may_keep: bool,
) -> bool {
    let Some(head) = c.head.as_ref() else {
        return false;
    };
    let req = match read_body(st, &mut c.buf, &mut c.chunked, t, head) {
        Ok(body) => {
            let headers = encode_pairs(
                head.headers
                    .iter()
                    .map(|(n, v)| (n.as_bytes(), v.as_bytes())),
            );
            new_request(ctx, &head.method, &head.target, &body, &headers, b"")
        }
        Err(stop) => {
            refuse(st, stop, t);
            return false;
        }
    };
    let head_only = head.method == "HEAD";
    let mut keep = may_keep && head.keep_alive();
    c.out = match respond(ctx, c.shared, req, || handshake::check(head)) {
        Ok(answer) => {
            // A shutdown that began meanwhile closes the connection.
            keep &= !server::shutting_down();
            let resp = answer.response;
            let mut status = field(resp, 0) as i64;
            let mut body = text(resp, 1);
            let hs: Vec<(String, String)> = pairs(text(resp, 2))
                .map(|(n, v)| {
                    (
                        String::from_utf8_lossy(n).into_owned(),
                        String::from_utf8_lossy(v).into_owned(),
                    )
                })
                .collect();
            let mut extra: Vec<(&str, &str)> =
                hs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            if let Some(bad) = wire::invalid_header(&extra) {
                // Written as is, a CR or LF would end the header line and
                // the rest would pass for headers or a response of its own.
                complain(&format!(
                    "HTTP handler returned an invalid header `{}`; sent 500",
                    bad.escape_debug()
                ));
                (status, body, extra) = (500, b"Internal Server Error".as_slice(), Vec::new());
            }
            if let Some((handler, accept)) = answer.ws {
                // A WebSocket route's answer closes the connection, unless
                // it is the upgrade (middleware may have replaced it).
                keep = false;
                if let (Some(accept), 101) = (accept, status) {
                    // The connection is no request in progress any more.
                    c.busy.finish();
                    if write_all(st, &handshake::switching(&accept, &extra), t) {
                        ws::conn::upgraded(ctx, handler, st, &mut c.buf, head);
                    }
                    return false;
                }
            }
            // A 1xx is an interim answer the client would take as followed
            // by another (a WebSocket route's 101 went out above).
            if !(200..=599).contains(&status) {
                complain(&format!("HTTP handler returned status {status}; sent 500"));
                status = 500;
            }
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
    let sent = write_all(st, &c.out, t);
    c.out = Vec::new();
    sent && keep
}
