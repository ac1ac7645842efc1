//! One WebSocket connection's process (§5.3.2): the handshake, then one
//! loop that writes what other processes queued (`registry`), reads and
//! decodes frames (`frame`), answers control frames, keeps the heartbeat
//! and runs the callbacks, until the connection ends; then it leaves its
//! rooms, runs `on_close` once and releases the handle.
//!
//! The process waits in one place: parked on its socket, woken by
//! readiness, its deadline (heartbeat) or a nudge from a process that
//! queued a frame for it. So an idle connection costs its process and no
//! thread, and only this process writes to the socket.

use super::frame::{self, Decoder, Event, Fail, OP_PING, OP_PONG};
use super::handshake;
use super::registry::{self, Conn};
use crate::base::abi::{closure_code, Ctx, SnowStr, Word};
use crate::base::console;
use crate::io::net::Stream;
use crate::io::readiness::Readiness;
use crate::library::http::conn::{with_socket, Transport};
use crate::library::http::{server, values::field, wire};
use crate::process::mailbox::SysMsg;
use crate::process::{clock, pid_table, primitives::me, protect, signal};
use core::ffi::c_void;
use std::io::ErrorKind;
use std::sync::{Arc, OnceLock};

type OnConnect =
    unsafe extern "C" fn(*mut Ctx, *mut c_void, Word, *mut SnowStr, *mut c_void) -> *mut u8;
type OnMessage = unsafe extern "C" fn(*mut Ctx, *mut c_void, Word, *mut SnowStr) -> Word;
type OnClose = unsafe extern "C" fn(*mut Ctx, *mut c_void, Word, i64, *mut SnowStr) -> Word;

/// Heartbeat timings in nanoseconds: 30 s between pings, 10 s for the
/// pong (`SNOW_WS_PING_MS` and `SNOW_WS_PONG_MS` shorten them for tests).
fn heartbeat() -> (u64, u64) {
    static T: OnceLock<(u64, u64)> = OnceLock::new();
    *T.get_or_init(|| {
        let ms = crate::library::system::env_ms;
        (ms("SNOW_WS_PING_MS", 30_000), ms("SNOW_WS_PONG_MS", 10_000))
    })
}

/// How long a closing connection waits for the peer's Close.
const CLOSE_WAIT: u64 = 5_000_000_000;
const WRITE_TIMEOUT: u64 = 30_000_000_000;
/// A connection idle this long after a message gives its heap's blocks
/// back (as a kept-alive HTTP connection does).
const REST_NS: u64 = 1_000_000_000;

/// What a connection runs over: the socket, or TLS over it (`tls`).
pub trait Wire: Transport {
    /// Is data already decoded and waiting (so the socket need not be)?
    fn buffered(&mut self) -> bool {
        false
    }
}

impl Wire for Stream {}

/// How a connection ended: the code and reason `on_close` gets.
struct End {
    code: i64,
    reason: Vec<u8>,
}

fn end(code: u16, reason: &[u8]) -> End {
    End {
        code: code as i64,
        reason: reason.to_vec(),
    }
}

/// The entry of a connection process: `arg` is its `http::conn::Conn`,
/// whose shared value is the frozen handler.
///
/// # Safety
/// Called as a spawned process's entry.
pub unsafe extern "C" fn entry(ctx: *mut Ctx, arg: Word) {
    with_socket(ctx, arg, |c, st| serve(ctx, c.shared, st, &mut c.buf));
}

/// Serves one connection over `st`.
///
/// # Safety
/// `ctx` is the running connection process; `handler` its live handler.
pub unsafe fn serve(ctx: *mut Ctx, handler: *mut c_void, st: &mut impl Wire, buf: &mut Vec<u8>) {
    let Some(head) = read_head(st, buf) else {
        return;
    };
    let accept = match handshake::check(&head) {
        Ok(a) => a,
        Err(reason) => {
            write_all(st, &handshake::bad_request(reason));
            return;
        }
    };
    if !write_all(st, &handshake::switching(&accept, &[])) {
        return;
    }
    // What follows the head is the first frames' bytes.
    buf.drain(..head.len);
    upgraded(ctx, handler, st, buf, &head)
}

/// Runs a connection whose `101` has gone out (here, or from an HTTP
/// router's `HTTP.ws` route); `buf` holds what followed the head.
///
/// # Safety
/// As `serve`.
pub unsafe fn upgraded(
    ctx: *mut Ctx,
    handler: *mut c_void,
    st: &mut impl Wire,
    buf: &mut Vec<u8>,
    head: &wire::Head,
) {
    let Some(actor) = pid_table::get(me(ctx).pid) else {
        return;
    };
    // A linked process's exit arrives as a system message (`linked_exit`).
    me(ctx).lock().trap_exits = true;
    // Between callbacks nothing receives: messages sent to the process are
    // dropped as they arrive instead of piling up (`protected`).
    signal::set_deaf(me(ctx), true);
    // An open connection holds off the shutdown drain until it has closed.
    let mut busy = server::InFlight::default();
    busy.start();
    let conn = registry::open(actor);
    if server::shutting_down() {
        // Opened after the drain closed the others.
        conn.close(1001, registry::SHUTTING_DOWN);
    }
    // A process killed while parked still gives its handle back.
    let _guard = crate::process::resources::own(ctx, Release(conn.clone()));
    let mut c = Connection {
        ctx,
        handler,
        st,
        buf,
        conn,
        decoder: Decoder::default(),
    };
    let ended = match c.connect(head) {
        Ok(true) => c.run(),
        Ok(false) => return c.finish_rejected(),
        Err(report) => c.crashed(report),
    };
    c.close_down(ended);
}

/// Releases a connection's handle when its process ends.
struct Release(Arc<Conn>);

impl Drop for Release {
    fn drop(&mut self) {
        registry::release(&self.0);
    }
}

/// Reads the request head (under the HTTP server's header deadline and
/// limits); `None` after answering a refusal or losing the peer.
fn read_head(st: &mut impl Wire, buf: &mut Vec<u8>) -> Option<wire::Head> {
    let deadline = clock::now_ns() + server::timeouts().header;
    loop {
        match wire::parse_head(buf) {
            Ok(Some(h)) => return Some(h),
            Ok(None) => {}
            Err(r) => {
                let body = wire::reason(r.status);
                write_all(
                    st,
                    &wire::response(r.status, body.as_bytes(), &[], false, false),
                );
                return None;
            }
        }
        st.tcp().read_deadline = Some(deadline);
        let len = buf.len();
        buf.resize(len + 4096, 0);
        let n = st.read(&mut buf[len..]).unwrap_or(0);
        buf.truncate(len + n);
        if n == 0 {
            return None;
        }
    }
}

fn write_all(st: &mut impl Wire, bytes: &[u8]) -> bool {
    st.write_within(bytes, WRITE_TIMEOUT)
}

struct Connection<'a, W: Wire> {
    ctx: *mut Ctx,
    handler: *mut c_void,
    st: &'a mut W,
    buf: &'a mut Vec<u8>,
    conn: Arc<Conn>,
    decoder: Decoder,
}

/// What the loop does after looking at its queue.
enum Next {
    Go,
    Stop(End),
}

impl<W: Wire> Connection<'_, W> {
    fn handle(&self) -> Word {
        self.conn.id as Word
    }

    fn callback(&self, i: usize) -> *mut c_void {
        // SAFETY: the handler is frozen, so it lives for ever.
        unsafe { field(self.handler, i) as usize as *mut c_void }
    }

    /// Runs `f` protected: its crash comes back as the report. A callback
    /// may `receive` (a reply it asked for), so it hears messages while it
    /// runs; what it leaves unread is dropped after it.
    unsafe fn protected(&self, f: &mut dyn FnMut(*mut Ctx) -> Word) -> Result<Word, Vec<u8>> {
        signal::set_deaf(me(self.ctx), false);
        let r = protect::call(self.ctx, me(self.ctx), f);
        signal::set_deaf(me(self.ctx), true);
        r
    }

    /// `on_connect`: accepted, rejected (after sending 1008), or crashed.
    unsafe fn connect(&mut self, head: &wire::Head) -> Result<bool, Vec<u8>> {
        let (target, headers) = (head.target.as_bytes(), &head.headers);
        let clo = self.callback(0);
        let conn = self.handle();
        let res = self.protected(&mut |ctx| {
            let path = crate::values::string::new_str(ctx, target);
            let map = super::api::headers_map(ctx, headers);
            let f: OnConnect = core::mem::transmute(closure_code(clo));
            f(ctx, clo, conn, path, map) as usize as Word
        })?;
        let res = res as usize as *const u8;
        // Result<(), String>: the tag after the header, then the payload.
        let tag_at = core::mem::size_of::<crate::base::abi::Hdr>();
        let tag = (res.add(tag_at) as *const i64).read_unaligned();
        let accepted = tag == crate::values::layout::OK as i64;
        if !accepted {
            let t = crate::base::abi::obj_type(res as usize as Word);
            let reason = (res.add(t.offset(0)) as *const *mut SnowStr).read_unaligned();
            self.conn.close(1008, SnowStr::bytes(reason));
        }
        // Nothing in the heap outlives a callback (the handler is frozen,
        // sends copy): most connections now idle, so the blocks go back.
        crate::gc::clear_heap(self.ctx, true);
        Ok(accepted)
    }

    /// A rejected connection: its Close 1008 goes out, no `on_close`.
    unsafe fn finish_rejected(&mut self) {
        registry::retire(&self.conn);
        let close = self.conn.out().close.take();
        if let Some((code, reason)) = close {
            self.send_close(Some(code), &reason);
            self.await_close();
        }
    }

    /// The main loop: the end of the connection.
    unsafe fn run(&mut self) -> End {
        let (ping_every, pong_within) = heartbeat();
        let mut next_ping = clock::now_ns() + ping_every;
        let mut awaiting: Option<([u8; 4], u64)> = None;
        // When an idle connection gives its heap's blocks back (`None`:
        // given back, nothing used since).
        let mut rest_at: Option<u64> = None;
        loop {
            if let Next::Stop(e) = self.flush() {
                return e;
            }
            match self.decoder.next(self.buf) {
                Ok(Some(ev)) => {
                    if matches!(ev, Event::Text(_) | Event::Binary(_)) {
                        rest_at = Some(clock::now_ns() + REST_NS);
                    }
                    if let Some(e) = self.event(ev, &mut awaiting) {
                        return e;
                    }
                    continue;
                }
                Ok(None) => {}
                Err(f) => return self.fail(f),
            }
            if self.buf.is_empty() {
                // An idle connection keeps no buffer.
                *self.buf = Vec::new();
            }
            let beat = awaiting.map_or(next_ping, |(_, d)| d);
            let deadline = rest_at.map_or(beat, |r| r.min(beat));
            let conn = self.conn.clone();
            let a = me(self.ctx);
            let woke = if self.st.buffered() {
                Ok(Readiness::Ready)
            } else {
                let tcp = self.st.tcp();
                tcp.read_deadline = Some(deadline);
                tcp.wait_readable_or(|| {
                    let out = conn.out();
                    !out.frames.is_empty() || out.close.is_some() || !a.lock().sys.is_empty()
                })
            };
            if self.linked_exit() {
                registry::retire(&self.conn);
                self.send_close(Some(1001), b"going away");
                self.await_close();
                return end(1001, b"going away");
            }
            match woke {
                Ok(Readiness::Ready) => {
                    if let Some(e) = self.read_some() {
                        return e;
                    }
                }
                Ok(Readiness::TimedOut) if rest_at.is_some_and(|r| r < beat) => {
                    crate::gc::clear_heap(self.ctx, true);
                    rest_at = None;
                }
                Ok(Readiness::TimedOut) if awaiting.is_some() => {
                    self.send_close(Some(1001), b"pong timeout");
                    return end(1001, b"pong timeout");
                }
                Ok(Readiness::TimedOut) => {
                    let payload = random4();
                    self.write(&frame::encode(OP_PING, &payload));
                    awaiting = Some((payload, clock::now_ns() + pong_within));
                    next_ping = clock::now_ns() + ping_every;
                }
                Err(_) => return end(1006, b""),
            }
        }
    }

    /// Did a linked process exit abnormally? (Takes the system messages:
    /// callbacks cannot receive them.)
    fn linked_exit(&self) -> bool {
        // SAFETY: `ctx` is this running process.
        let a = unsafe { me(self.ctx) };
        let mut s = a.lock();
        let mut ended = false;
        while let Some(m) = s.sys.pop_front() {
            if let SysMsg::Exit { reason, .. } = m {
                ended |= !reason.is_normal();
            }
        }
        ended
    }

    /// Reads what the socket has: `Some` when the peer is gone.
    fn read_some(&mut self) -> Option<End> {
        let len = self.buf.len();
        let want = (self.decoder.wants(self.buf) - len).clamp(4096, 1 << 20);
        self.buf.resize(len + want, 0);
        let r = self.st.read_now(&mut self.buf[len..]);
        let n = *r.as_ref().unwrap_or(&0);
        self.buf.truncate(len + n);
        match r {
            Ok(0) => Some(end(1006, b"")),
            Ok(_) => None,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => None,
            Err(_) => Some(end(1006, b"")),
        }
    }

    /// Writes the queued frames, then the close asked for after them.
    unsafe fn flush(&mut self) -> Next {
        loop {
            let (frames, close) = {
                let mut out = self.conn.out();
                out.bytes = 0;
                let frames = std::mem::take(&mut out.frames);
                // A close waits until the frames queued before it are out.
                let close = if frames.is_empty() {
                    out.close.take()
                } else {
                    None
                };
                (frames, close)
            };
            if let Some((code, reason)) = close {
                registry::retire(&self.conn);
                self.send_close(Some(code), &reason);
                if code == 1008 {
                    // Overflow: the peer is not reading; do not wait for it.
                    return Next::Stop(end(code, &reason));
                }
                // `Ws.close`: the peer's echo decides what `on_close` gets.
                let echo = self.await_close();
                return Next::Stop(echo.unwrap_or_else(|| end(code, &reason)));
            }
            if frames.is_empty() {
                return Next::Go;
            }
            for f in frames {
                if !self.write(&f) {
                    return Next::Stop(end(1006, b""));
                }
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> bool {
        write_all(self.st, bytes)
    }

    fn send_close(&mut self, code: Option<u16>, reason: &[u8]) {
        self.write(&frame::close(code, reason));
    }

    /// After sending a Close: reads until the peer's Close, the end of the
    /// stream or `CLOSE_WAIT`; the peer's code and reason, if it sent one.
    fn await_close(&mut self) -> Option<End> {
        let deadline = clock::now_ns() + CLOSE_WAIT;
        loop {
            match self.decoder.next(self.buf) {
                Ok(Some(Event::Close(c))) => {
                    return Some(c.map_or(end(1005, b""), |(code, r)| end(code, &r)))
                }
                Ok(Some(_)) => continue,
                Ok(None) => {}
                Err(_) => return None,
            }
            let woke = if self.st.buffered() {
                Ok(Readiness::Ready)
            } else {
                self.st.tcp().read_deadline = Some(deadline);
                self.st.tcp().wait_readable_or(|| false)
            };
            match woke {
                Ok(Readiness::Ready) if self.read_some().is_none() => {}
                _ => return None,
            }
        }
    }

    /// Handles one event: `Some` when it ends the connection.
    unsafe fn event(&mut self, ev: Event, awaiting: &mut Option<([u8; 4], u64)>) -> Option<End> {
        match ev {
            Event::Ping(p) => {
                self.write(&frame::encode(OP_PONG, &p));
                None
            }
            Event::Pong(p) => {
                if awaiting.is_some_and(|(want, _)| want[..] == p[..]) {
                    *awaiting = None;
                }
                None
            }
            Event::Close(c) => {
                registry::retire(&self.conn);
                Some(match c {
                    Some((code, reason)) => {
                        self.send_close(Some(code), b"");
                        end(code, &reason)
                    }
                    None => {
                        self.send_close(None, b"");
                        end(1005, b"")
                    }
                })
            }
            Event::Text(t) => self.message(&t),
            Event::Binary(b) => self.message(String::from_utf8_lossy(&b).as_bytes()),
        }
    }

    unsafe fn message(&mut self, payload: &[u8]) -> Option<End> {
        let clo = self.callback(1);
        let conn = self.handle();
        let r = self.protected(&mut |ctx| {
            let s = crate::values::string::new_str(ctx, payload);
            let f: OnMessage = core::mem::transmute(closure_code(clo));
            f(ctx, clo, conn, s)
        });
        // The next message starts from an empty heap: no collection ever
        // runs in a connection (the blocks stay until it rests).
        crate::gc::clear_heap(self.ctx, false);
        r.err().map(|report| self.crashed(report))
    }

    /// A broken protocol rule: Close with its code, then wait for the echo.
    fn fail(&mut self, f: Fail) -> End {
        registry::retire(&self.conn);
        self.send_close(Some(f.code), f.reason.as_bytes());
        self.await_close();
        end(f.code, f.reason.as_bytes())
    }

    /// A callback crashed: logged, Close 1011.
    fn crashed(&mut self, report: Vec<u8>) -> End {
        let mut line = b"[snow-rt] WebSocket callback panicked: ".to_vec();
        line.extend_from_slice(&report);
        line.push(b'\n');
        console::write_fd(2, &line);
        registry::retire(&self.conn);
        self.send_close(Some(1011), b"internal error");
        self.await_close();
        end(1011, b"internal error")
    }

    /// Leaves the rooms, runs `on_close` once (a crash in it is logged),
    /// and lets the handle go.
    unsafe fn close_down(&mut self, e: End) {
        registry::retire(&self.conn);
        let clo = self.callback(2);
        let conn = self.handle();
        let r = self.protected(&mut |ctx| {
            let s = crate::values::string::new_str(ctx, &e.reason);
            let f: OnClose = core::mem::transmute(closure_code(clo));
            f(ctx, clo, conn, e.code, s)
        });
        if let Err(report) = r {
            let mut line = b"[snow-rt] WebSocket on_close panicked: ".to_vec();
            line.extend_from_slice(&report);
            line.push(b'\n');
            console::write_fd(2, &line);
        }
    }
}

/// Four unpredictable bytes for a heartbeat ping.
fn random4() -> [u8; 4] {
    let mut b = [0u8; 4];
    // SAFETY: writes at most 4 bytes into `b`.
    let n = unsafe { libc::getrandom(b.as_mut_ptr() as *mut c_void, 4, 0) };
    if n != 4 {
        b = (clock::now_ns() as u32).to_be_bytes();
    }
    b
}
