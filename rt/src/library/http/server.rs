//! `HTTP.serve`: binds, announces itself on stderr (§5.0.3), and accepts
//! in its own process, spawning one process per connection (`conn`). The
//! spawn queues the connection on the accepting worker, and idle workers
//! steal it, which is how connections spread over the workers. What the
//! connections share (a router, or a WebSocket handler) is frozen once into
//! the literal area by the caller (`dispatch::share`, `ws::api::share`), so
//! connection processes share it instead of each copying it into its heap.
//! `serve_tls` (`tls`) and `Ws.serve` run the same loop with their own
//! connection entries.
//!
//! Shutdown: SIGINT and SIGTERM write a byte to a pipe that a watcher
//! process waits on; it stops every listener, lets requests in progress
//! finish and asks open WebSocket connections to close with 1001 (at most
//! 5 s; the last one to finish writes to the pipe too) and ends the
//! program with status 0.

use super::{conn, dispatch};
use crate::base::abi::{Ctx, Word};
use crate::base::console;
use crate::gc::heap::Heap;
use crate::io::net::Listener;
use crate::io::readiness::{Interest, Registration};
use crate::io::timers::snow_sleep;
use crate::library::system::env_ms;
use crate::process::park::{park, S_WAIT_TIMER};
use crate::process::primitives::me;
use crate::process::{clock, lifecycle, resources, scheduler};
use core::ffi::c_void;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Deadlines of a connection, in nanoseconds.
pub struct Timeouts {
    /// From the first byte of a request to the end of its head.
    pub header: u64,
    /// Between requests on a kept-alive connection.
    pub idle: u64,
    /// One read (of a head or a body).
    pub read: u64,
    /// One response.
    pub write: u64,
}

/// The timeouts of §5.1.6 and ruling 11; the header and idle ones can be
/// shortened for tests (`SNOW_HTTP_HEADER_TIMEOUT_MS`,
/// `SNOW_HTTP_IDLE_TIMEOUT_MS`).
pub fn timeouts() -> &'static Timeouts {
    static T: OnceLock<Timeouts> = OnceLock::new();
    T.get_or_init(|| Timeouts {
        header: env_ms("SNOW_HTTP_HEADER_TIMEOUT_MS", 10_000),
        idle: env_ms("SNOW_HTTP_IDLE_TIMEOUT_MS", 5_000),
        read: 30_000_000_000,
        write: 30_000_000_000,
    })
}

static SHUTDOWN: AtomicBool = AtomicBool::new(false);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static LISTENERS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// The signal pipe's write end (-1 until a server starts).
static SIGNAL_FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

pub fn shutting_down() -> bool {
    SHUTDOWN.load(Ordering::SeqCst)
}
/// Requests in progress: the shutdown drain waits for none to be left.
pub fn in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}

/// A connection's request in progress, counted in `in_flight` between
/// `start` and `finish`. Part of what the connection process owns, so a
/// process killed mid-request stops counting when its resources drop.
#[derive(Default)]
pub struct InFlight {
    counted: bool,
}

impl InFlight {
    pub fn start(&mut self) {
        if !self.counted {
            self.counted = true;
            IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn finish(&mut self) {
        if self.counted {
            self.counted = false;
            // The last request of a drain wakes the watcher.
            if IN_FLIGHT.fetch_sub(1, Ordering::SeqCst) == 1 && shutting_down() {
                on_signal(0);
            }
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Many connections need many descriptors: the soft limit goes up to the
/// hard one.
fn raise_nofile() {
    // SAFETY: plain system calls on a local struct.
    unsafe {
        let mut r = core::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 && r.rlim_cur < r.rlim_max {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// # Safety
/// `ctx` is the running process; `router` a live router.
#[no_mangle]
pub unsafe extern "C" fn snow_http_serve(ctx: *mut Ctx, router: *mut c_void, port: i64) {
    serve(ctx, dispatch::share(router), port, "HTTP", conn::entry, 0)
}

/// Serves on `port`: `kind` names the server in its lines, and each
/// connection is a process running `entry` on its `conn::Conn` (the socket,
/// `shared` and `extra`). `shared` is frozen into the literal area, as
/// `dispatch::share` does for a router (the WebSocket server passes its
/// handler), so connection processes share it instead of copying it.
///
/// # Safety
/// `ctx` is the running process; `shared` a frozen value; `extra` lives as
/// long as the server.
pub unsafe fn serve(
    ctx: *mut Ctx,
    shared: *mut c_void,
    port: i64,
    kind: &str,
    entry: crate::process::pcb::SpawnEntry,
    extra: Word,
) {
    let host = std::env::var("SNOW_HTTP_HOST").unwrap_or_else(|_| "0.0.0.0".into());
    raise_nofile();
    let l = match Listener::bind(ctx, &format!("{host}:{port}")) {
        Ok(l) => l,
        Err(e) => {
            let line = format!("[snow-rt] Failed to start {kind} server on {host}:{port}: {e}\n");
            console::write_fd(2, line.as_bytes());
            return;
        }
    };
    let bound = (*l).local_addr().map_or(port, |a| a.port() as i64);
    console::write_fd(
        2,
        format!("[snow-rt] {kind} server listening on {host}:{bound}\n").as_bytes(),
    );
    LISTENERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((*l).raw_fd());
    start_watcher(ctx);
    loop {
        match (*l).accept(ctx) {
            Ok(_) if shutting_down() => break,
            Ok(s) => {
                resources::spawn_owning(ctx, entry, conn::Conn::new(shared, s, extra));
            }
            Err(_) if shutting_down() => break,
            // Out of descriptors or a connection reset before accept: try
            // again a little later.
            Err(_) => snow_sleep(ctx, 10),
        }
    }
    Listener::close(ctx, l);
    // The watcher ends the program: nothing but an exit signal wakes this
    // park (no timer is armed).
    loop {
        park(me(ctx), S_WAIT_TIMER, None);
    }
}

extern "C" fn on_signal(_: libc::c_int) {
    let fd = SIGNAL_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe.
        unsafe { libc::write(fd, b"x".as_ptr() as *const c_void, 1) };
    }
}

/// Installs the signal handlers and the watcher process (once).
unsafe fn start_watcher(ctx: *mut Ctx) {
    if SIGNAL_FD.load(Ordering::SeqCst) >= 0 {
        return;
    }
    let mut fds = [0i32; 2];
    if libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) != 0 {
        return;
    }
    SIGNAL_FD.store(fds[1], Ordering::SeqCst);
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let mut sa = core::mem::zeroed::<libc::sigaction>();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(sig, &sa, core::ptr::null_mut());
    }
    let heap = Heap::new(scheduler::get().gc_stress);
    lifecycle::spawn(ctx, watcher, fds[0] as Word, heap);
}

/// The watcher process: waits for a signal, then shuts the servers down.
unsafe extern "C" fn watcher(ctx: *mut Ctx, fd: Word) {
    let pipe = OwnedFd::from_raw_fd(fd as i32);
    let Ok(reg) = Registration::new(pipe) else {
        return;
    };
    let reg = resources::own(ctx, reg);
    while (*reg).wait(ctx, Interest::Readable, None).is_err() {}
    SHUTDOWN.store(true, Ordering::SeqCst);
    for &fd in LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        // Refuses new connections and wakes the accepting process.
        libc::shutdown(fd, libc::SHUT_RD);
    }
    // Open WebSocket connections count as in flight until they have closed.
    crate::library::ws::registry::close_all();
    let deadline = clock::now_ns() + 5_000_000_000;
    loop {
        drain_pipe((*reg).get().as_raw_fd());
        if in_flight() == 0 || clock::now_ns() >= deadline {
            break;
        }
        // Woken by the last request to finish (`InFlight::finish`).
        let _ = (*reg).wait(ctx, Interest::Readable, Some(deadline));
    }
    console::flush_stdout();
    std::process::exit(0);
}

/// Reads whatever the (non-blocking) pipe holds.
fn drain_pipe(fd: i32) {
    let mut b = [0u8; 64];
    // SAFETY: reading into a local buffer.
    while unsafe { libc::read(fd, b.as_mut_ptr() as *mut c_void, b.len()) } > 0 {}
}
