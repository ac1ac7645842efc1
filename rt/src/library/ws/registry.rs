//! Connections by handle, and rooms (§5.3.6), shared by every server of
//! the program and usable from any process.
//!
//! A `WsConn` is an integer handle into `CONNS`; handles are never reused,
//! so a released one finds nothing and every call on it returns -1.
//! Sending only enqueues a frame on the connection's outbound queue and
//! nudges its process, which alone writes to the socket (so writes are
//! serialised, and a slow member never stalls a broadcaster). A queue that
//! would pass 16 MiB is dropped and the connection closed with
//! `1008 send buffer overflow`.
//!
//! Lock order: `ROOMS`, then a connection's `rooms`, then its `out`;
//! `CONNS` is never held while taking another.

use super::frame::{self, OP_BINARY, OP_TEXT};
use crate::base::abi::SnowStr;
use crate::io::readiness::nudge;
use crate::process::pcb::Actor;
use core::ffi::c_void;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Most bytes queued for one connection.
pub const MAX_QUEUE: usize = 16 << 20;

/// A connection's outbound side.
#[derive(Default)]
pub struct Out {
    /// Frames to write, oldest first (a broadcast shares one).
    pub frames: VecDeque<Arc<[u8]>>,
    pub bytes: usize,
    /// A close asked for (`Ws.close`, overflow): code and reason.
    pub close: Option<(u16, Vec<u8>)>,
    /// Closing or closed: nothing more is accepted.
    pub done: bool,
}

/// One open connection.
pub struct Conn {
    pub id: i64,
    actor: Arc<Actor>,
    pub out: Mutex<Out>,
    /// The rooms it is in (the reverse index of `ROOMS`).
    rooms: Mutex<HashSet<Vec<u8>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Conn {
    pub fn out(&self) -> MutexGuard<'_, Out> {
        lock(&self.out)
    }

    /// Queues `bytes` for writing: whether it was accepted.
    pub fn enqueue(&self, bytes: Arc<[u8]>) -> bool {
        let mut out = self.out();
        if out.done || out.close.is_some() {
            return false;
        }
        if out.bytes + bytes.len() > MAX_QUEUE {
            out.frames.clear();
            out.bytes = 0;
            out.close = Some((1008, b"send buffer overflow".to_vec()));
        } else {
            out.bytes += bytes.len();
            out.frames.push_back(bytes);
        }
        let accepted = out.close.is_none();
        drop(out);
        nudge(&self.actor);
        accepted
    }

    /// Asks the connection's process to close with `code` and `reason`.
    pub fn close(&self, code: u16, reason: &[u8]) -> bool {
        let mut out = self.out();
        if out.done || out.close.is_some() {
            return false;
        }
        out.close = Some((code, reason.to_vec()));
        drop(out);
        nudge(&self.actor);
        true
    }

    /// Is it closing (skipped by broadcasts)?
    fn closing(&self) -> bool {
        let out = self.out();
        out.done || out.close.is_some()
    }
}

static CONNS: Mutex<Option<HashMap<i64, Arc<Conn>>>> = Mutex::new(None);
static ROOMS: Mutex<Option<HashMap<Vec<u8>, HashSet<i64>>>> = Mutex::new(None);
static NEXT: AtomicI64 = AtomicI64::new(1);

/// Enters a new connection run by `actor`.
pub fn open(actor: Arc<Actor>) -> Arc<Conn> {
    let c = Arc::new(Conn {
        id: NEXT.fetch_add(1, Ordering::Relaxed),
        actor,
        out: Mutex::default(),
        rooms: Mutex::default(),
    });
    lock(&CONNS)
        .get_or_insert_with(HashMap::new)
        .insert(c.id, c.clone());
    c
}

pub fn get(id: i64) -> Option<Arc<Conn>> {
    lock(&CONNS).as_ref()?.get(&id).cloned()
}

/// Stops accepting frames and leaves every room (before `on_close`).
pub fn retire(c: &Conn) {
    c.out().done = true;
    let mut rooms = lock(&ROOMS);
    let mine = std::mem::take(&mut *lock(&c.rooms));
    if let Some(map) = rooms.as_mut() {
        for r in mine {
            if let Some(set) = map.get_mut(&r) {
                set.remove(&c.id);
                if set.is_empty() {
                    map.remove(&r);
                }
            }
        }
    }
}

/// The reason of the Close a shutdown sends (with 1001).
pub const SHUTTING_DOWN: &[u8] = b"server shutting down";

/// SIGINT or SIGTERM: asks every open connection to close with `1001
/// server shutting down` (the shutdown drain then waits for them).
pub fn close_all() {
    let all: Vec<Arc<Conn>> = match lock(&CONNS).as_ref() {
        Some(m) => m.values().cloned().collect(),
        None => return,
    };
    for c in all {
        c.close(1001, SHUTTING_DOWN);
    }
}

/// Releases the handle (after `on_close`).
pub fn release(c: &Conn) {
    retire(c);
    if let Some(m) = lock(&CONNS).as_mut() {
        m.remove(&c.id);
    }
}

pub fn join(id: i64, room: &[u8]) -> i64 {
    let Some(c) = get(id) else { return -1 };
    let mut rooms = lock(&ROOMS);
    if c.closing() {
        return -1;
    }
    lock(&c.rooms).insert(room.to_vec());
    rooms
        .get_or_insert_with(HashMap::new)
        .entry(room.to_vec())
        .or_default()
        .insert(id);
    0
}

pub fn leave(id: i64, room: &[u8]) -> i64 {
    let Some(c) = get(id) else { return -1 };
    let mut rooms = lock(&ROOMS);
    lock(&c.rooms).remove(room);
    if let Some(map) = rooms.as_mut() {
        if let Some(set) = map.get_mut(room) {
            set.remove(&id);
            if set.is_empty() {
                map.remove(room);
            }
        }
    }
    0
}

/// Sends `text` to a snapshot of the room's members except `skip`: the
/// number it failed for (members already closing are skipped).
pub fn broadcast(room: &[u8], text: &[u8], skip: Option<i64>) -> i64 {
    let members: Vec<i64> = match lock(&ROOMS).as_ref().and_then(|m| m.get(room)) {
        Some(set) => set.iter().copied().filter(|&i| Some(i) != skip).collect(),
        None => return 0,
    };
    let f: Arc<[u8]> = frame::encode(OP_TEXT, text).into();
    let mut failed = 0;
    for id in members {
        match get(id) {
            Some(c) if c.closing() => {}
            Some(c) if c.enqueue(f.clone()) => {}
            _ => failed += 1,
        }
    }
    failed
}

/// `Ws.send` and `Ws.send_binary`.
pub fn send(id: i64, payload: &[u8], binary: bool) -> i64 {
    let op = if binary { OP_BINARY } else { OP_TEXT };
    match get(id) {
        Some(c) if c.enqueue(frame::encode(op, payload).into()) => 0,
        _ => -1,
    }
}

unsafe fn bytes<'a>(s: *mut SnowStr) -> &'a [u8] {
    SnowStr::bytes(s)
}

// A `WsConn` is an integer handle in a pointer-sized word (`void *` in C).

/// # Safety
/// `text` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_send(conn: *mut c_void, text: *mut SnowStr) -> i64 {
    send(conn as usize as i64, bytes(text), false)
}

/// # Safety
/// `data` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_send_binary(conn: *mut c_void, data: *mut SnowStr) -> i64 {
    send(conn as usize as i64, bytes(data), true)
}

/// # Safety
/// `room` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_join(conn: *mut c_void, room: *mut SnowStr) -> i64 {
    join(conn as usize as i64, bytes(room))
}

/// # Safety
/// `room` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_leave(conn: *mut c_void, room: *mut SnowStr) -> i64 {
    leave(conn as usize as i64, bytes(room))
}

/// # Safety
/// The strings are live.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_broadcast(room: *mut SnowStr, text: *mut SnowStr) -> i64 {
    broadcast(bytes(room), bytes(text), None)
}

/// # Safety
/// The strings are live.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_broadcast_except(
    room: *mut SnowStr,
    text: *mut SnowStr,
    conn: *mut c_void,
) -> i64 {
    broadcast(bytes(room), bytes(text), Some(conn as usize as i64))
}

/// `Ws.close` (ruling 15): 0, or -1 for a closed or bad handle. A code
/// outside 1000..=4999 is sent as 1000.
///
/// # Safety
/// `reason` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_close(conn: *mut c_void, code: i64, reason: *mut SnowStr) -> i64 {
    let code = if (1000..=4999).contains(&code) {
        code as u16
    } else {
        1000
    };
    match get(conn as usize as i64) {
        Some(c) if c.close(code, bytes(reason)) => 0,
        _ => -1,
    }
}
