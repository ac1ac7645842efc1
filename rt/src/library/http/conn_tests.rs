//! A connection process killed at any point gives back what it holds
//! outside its heap: the in-flight count the shutdown drain waits on, and
//! its socket (adopted or not yet).

use super::conn::{entry, Conn};
use super::dispatch::share;
use super::server::in_flight;
use super::values::{snow_http_on_get, snow_http_router, ANY_CLOSURE};
use crate::base::abi::{Ctx, Hdr, GC_STATIC};
use crate::io::machine_tests::{give_way, kill_and_wait, run_program, yield_until_or_minute};
use crate::io::timers::snow_sleep;
use crate::process::resources::spawn_owning;
use crate::values::string::new_str;
use core::ffi::c_void;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;

/// A closure object as the compiler emits static ones.
#[repr(C)]
struct StaticClosure {
    h: Hdr,
    code: unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void) -> *mut c_void,
}
// SAFETY: immutable after initialisation.
unsafe impl Sync for StaticClosure {}

/// A handler that never answers: sleeps until its process is killed.
unsafe extern "C" fn stuck(ctx: *mut Ctx, _: *mut c_void, _: *mut c_void) -> *mut c_void {
    loop {
        snow_sleep(ctx, 1_000_000);
    }
}

static STUCK: StaticClosure = StaticClosure {
    h: Hdr {
        ty: &ANY_CLOSURE,
        gc: GC_STATIC,
    },
    code: stuck,
};

/// (in flight while stuck, in flight after the kill, bytes the client read
/// after each kill: 0 = end of stream).
static SEEN: Mutex<Option<(usize, usize, usize, usize)>> = Mutex::new(None);

/// What the client reads before the end of the stream (a hang detector
/// only: an open descriptor would never answer).
fn read_rest(c: &mut TcpStream) -> usize {
    c.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("timeout");
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).map_or(usize::MAX, |_| rest.len())
}

unsafe extern "C" fn killed_mid_request(ctx: *mut Ctx) {
    let r = snow_http_router(ctx);
    let pattern = new_str(ctx, b"/stuck");
    let r = snow_http_on_get(ctx, r, pattern, &STUCK as *const _ as *mut c_void);
    let router = share(r);
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let connect = || {
        let c = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
        (c, l.accept().expect("accept").0)
    };
    // Killed inside its handler.
    let (mut client, server_side) = connect();
    let pid = spawn_owning(ctx, entry, Conn::new(router, server_side, 0));
    client
        .write_all(b"GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    while in_flight() == 0 {
        give_way(ctx);
    }
    let during = in_flight();
    kill_and_wait(ctx, pid);
    // The count drops with its resources, just after its pid leaves the
    // table, on a worker a loaded machine may hold up.
    yield_until_or_minute(ctx, || in_flight() == 0);
    let after = in_flight();
    let read = read_rest(&mut client);
    // Killed before it ever ran (or at once): its socket is closed all the
    // same.
    let (mut client, server_side) = connect();
    let pid = spawn_owning(ctx, entry, Conn::new(router, server_side, 0));
    kill_and_wait(ctx, pid);
    *SEEN.lock().unwrap() = Some((during, after, read, read_rest(&mut client)));
}

#[test]
fn a_connection_killed_mid_request_releases_its_count_and_socket() {
    assert_eq!(run_program(killed_mid_request), 0);
    assert_eq!(*SEEN.lock().unwrap(), Some((1, 0, 0, 0)));
}
