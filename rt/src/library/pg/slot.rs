//! The table of open connections (generation-checked handles, §5.0.1) and
//! entering a connection for a call: its process lock (`proc_lock`), the
//! socket given to the caller, dropping a connection a call left out of
//! step (`Conn::broken`), and clean-up after a holder that was killed
//! mid-call.

use super::conn::Conn;
use crate::base::abi::Ctx;
use crate::library::handles::Handles;
use crate::library::proc_lock::{Acquired, ProcLock};
use core::cell::UnsafeCell;
use std::sync::{Arc, OnceLock};

pub use crate::library::handles::CLOSED;

/// A connection in the table. `conn` is touched only by the holder of
/// `lock`; `None` once closed, or dropped once `broken` (a call that
/// failed or whose holder died between its request and its
/// ReadyForQuery).
pub struct Slot {
    lock: ProcLock,
    conn: UnsafeCell<Option<Box<Conn>>>,
}

// SAFETY: `conn` (whose socket names the process parking on it) is only
// reached by the process holding `lock`, which hands the socket to itself
// first.
unsafe impl Send for Slot {}
unsafe impl Sync for Slot {}

fn table() -> &'static Handles<Slot> {
    static T: OnceLock<Handles<Slot>> = OnceLock::new();
    T.get_or_init(Handles::default)
}

/// Enters a new connection in the table: its handle.
/// Connects to the server of the URL `text` and enters the connection in
/// the table: its handle.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn connect(ctx: *mut Ctx, text: &str) -> Result<i64, String> {
    let u = super::url::parse(text)?;
    let c = Conn::open(ctx, &u)?;
    let c = crate::process::resources::disown(ctx, c).ok_or("connection failed: lost")?;
    Ok(insert(c))
}

pub fn insert(conn: Box<Conn>) -> i64 {
    table().insert(Slot {
        lock: ProcLock::default(),
        conn: UnsafeCell::new(Some(conn)),
    })
}

/// Takes the connection of `handle` out of the table (later calls see a
/// stale handle) and sends Terminate once no call runs on it.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn close(ctx: *mut Ctx, handle: i64) {
    if let Some(slot) = table().remove(handle) {
        let _ = enter(ctx, &slot, |c| {
            c.terminate();
            Ok(())
        });
        slot.lock.acquire(ctx);
        *slot.conn.get() = None;
        slot.lock.release(ctx);
    }
}

/// Takes the connection of `handle` out of the table without any I/O
/// (outside a process: the pool dropping a connection whose process ended
/// without checking it in). The socket closes once no call runs on it.
pub fn discard(handle: i64) {
    drop(table().remove(handle));
}

/// Runs `f` on the connection of `handle`, holding its lock.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn with<R>(
    ctx: *mut Ctx,
    handle: i64,
    f: impl FnOnce(&mut Conn) -> Result<R, String>,
) -> Result<R, String> {
    let slot = table().get(handle).ok_or(CLOSED)?;
    enter(ctx, &slot, f)
}

/// Holds the lock of `handle`'s connection (if live) while `f` runs:
/// `Pg.transaction` around its callback, whose calls then nest.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn holding<R>(
    ctx: *mut Ctx,
    handle: i64,
    f: impl FnOnce() -> Result<R, String>,
) -> Result<R, String> {
    let slot = table().get(handle).ok_or(CLOSED)?;
    let how = slot.lock.acquire(ctx);
    recover(ctx, &slot, how);
    let r = f();
    slot.lock.release(ctx);
    r
}

unsafe fn enter<R>(
    ctx: *mut Ctx,
    slot: &Arc<Slot>,
    f: impl FnOnce(&mut Conn) -> Result<R, String>,
) -> Result<R, String> {
    let how = slot.lock.acquire(ctx);
    recover(ctx, slot, how);
    let conn = &mut *slot.conn.get();
    let r = match conn {
        Some(c) => {
            c.sock.set_owner(ctx);
            f(c)
        }
        None => Err(CLOSED.into()),
    };
    drop_broken(conn);
    slot.lock.release(ctx);
    r
}

/// A connection whose protocol is out of step (`Conn::broken`) is
/// dropped: the call that broke it returned its error, later ones get
/// `connection is closed`, and a pool discards it at checkin.
fn drop_broken(conn: &mut Option<Box<Conn>>) {
    if conn.as_ref().is_some_and(|c| c.broken) {
        *conn = None;
    }
}

/// After a holder died: a call it left half done leaves the connection
/// broken, so it is dropped; a transaction it left open is rolled back.
unsafe fn recover(ctx: *mut Ctx, slot: &Slot, how: Acquired) {
    if how != Acquired::Orphaned {
        return;
    }
    let conn = &mut *slot.conn.get();
    drop_broken(conn);
    if let Some(c) = conn {
        if c.status != b'I' {
            c.sock.set_owner(ctx);
            let _ = c.simple("ROLLBACK");
        }
    }
}
