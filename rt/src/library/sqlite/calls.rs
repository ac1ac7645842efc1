//! The `Sqlite.*` entry points. Each call copies its arguments out of the
//! process heap, runs on the blocking pool while the caller parks on a
//! socket pair (the job closes its end when done), and builds the result
//! back in the heap.

use super::blocking;
use super::conn::{Conn, Row};
use super::handles::Handles;
use crate::base::abi::{Ctx, SnowList, SnowStr, SnowType, Word};
use crate::io::readiness::{Interest, Registration};
use crate::process::{clock, resources};
use crate::values::layout::{self, OK};
use crate::values::string::{new_str, str_of};
use crate::values::{list, map};
use core::ffi::c_void;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, OnceLock};

/// Parking on the blocking pool is off for now: with it, about 1 run in
/// 8 of tests/e2e/sqlite_values (2 schedulers) printed everything and
/// then never exited (the reactor waiting with every process done); not
/// yet understood, so calls run on the worker until it is.
const PARK: bool = false;

/// See `off_worker`.
const RECHECK_NS: u64 = 50_000_000;

/// §5.0.1: the text for a stale handle.
pub const CLOSED: &str = "connection is closed";

/// Open connections; the mutex serialises calls on one connection.
fn table() -> &'static Handles<Mutex<Conn>> {
    static T: OnceLock<Handles<Mutex<Conn>>> = OnceLock::new();
    T.get_or_init(Handles::default)
}

/// Runs `f` on the blocking pool, parking the process of `ctx` until it
/// has finished (inline if the pool or the socket pair is unavailable,
/// and while `PARK` is off).
unsafe fn off_worker<R: Send + 'static>(
    ctx: *mut Ctx,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (pool, threads) = blocking::pool();
    let pair = UnixStream::pair().and_then(|(w, s)| w.set_nonblocking(true).map(|()| (w, s)));
    let reg = pair.and_then(|(w, s)| Registration::new(w).map(|r| (r, s)));
    let (reg, signal) = match reg {
        Ok(r) if PARK && threads > 0 => r,
        _ => return f(),
    };
    let answer: Arc<Mutex<Option<R>>> = Arc::default();
    let slot = answer.clone();
    pool.submit(Box::new(move || {
        let r = f();
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        // Closing our end wakes the waiting one (end of stream).
        drop(signal);
    }));
    // Owned by the process, so a kill while parked here unregisters it.
    let reg = resources::own(ctx, reg);
    let r = loop {
        if let Some(r) = answer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            break r;
        }
        // The wait is bounded: a hang in an earlier version (1 run in ~8,
        // 2 schedulers, not yet understood) suggests a lost wake-up, so
        // the answer is checked again at least every RECHECK_NS. An error
        // (the reactor refused the socket) only costs the same polling.
        let _ = (*reg).wait(ctx, Interest::Readable, Some(clock::now_ns() + RECHECK_NS));
    };
    resources::release(ctx, reg);
    r
}

/// Runs `f` on the connection of `conn` off the worker.
unsafe fn on_conn<R: Send + 'static>(
    ctx: *mut Ctx,
    conn: *mut c_void,
    f: impl FnOnce(&Conn) -> Result<R, String> + Send + 'static,
) -> Result<R, String> {
    let Some(c) = table().get(conn as usize as i64) else {
        return Err(CLOSED.into());
    };
    off_worker(ctx, move || f(&c.lock().unwrap_or_else(|e| e.into_inner())))
}

unsafe fn strings(l: *mut SnowList) -> Vec<String> {
    list::items(l)
        .iter()
        .map(|&w| str_of(w as usize as *const SnowStr).to_string())
        .collect()
}

unsafe fn finish(ctx: *mut Ctx, res: *const SnowType, r: Result<Word, String>) -> *mut u8 {
    layout::result(ctx, res, r.as_ref().map(|w| *w).map_err(|e| e.as_bytes()))
}

/// `Sqlite.open(path) -> SqliteConn!String`.
///
/// # Safety
/// `res` describes `Result<SqliteConn, String>`; `path` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_open(
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
) -> *mut u8 {
    let path = str_of(path).to_string();
    let r = off_worker(ctx, move || Conn::open(&path));
    let r = r.map(|c| table().insert(Mutex::new(c)) as Word);
    finish(ctx, res, r)
}

/// `Sqlite.close(conn)`: stale handles are ignored. A call still running
/// on the connection keeps it until it finishes.
#[no_mangle]
pub extern "C" fn snow_sqlite_close(conn: *mut c_void) {
    table().remove(conn as usize as i64);
}

/// `Sqlite.execute(conn, sql, params) -> Int!String`.
///
/// # Safety
/// `res` describes `Result<Int, String>`; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_execute(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    let (sql, params) = (str_of(sql).to_string(), strings(params));
    let r = on_conn(ctx, conn, move |c| c.execute(&sql, &params));
    finish(ctx, res, r.map(|n| n as Word))
}

/// `Sqlite.query(conn, sql, params) -> List<Map<String, String>>!String`.
///
/// # Safety
/// `res` describes `Result<List<Map<String, String>>, String>`; the
/// arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_query(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    let (sql, params) = (str_of(sql).to_string(), strings(params));
    let r = on_conn(ctx, conn, move |c| c.query(&sql, &params));
    let r = r.map(|rows| rows_list(ctx, (*res).param(OK).param(0), &rows) as Word);
    finish(ctx, res, r)
}

/// The rows as a `List<Map<String, String>>` (a later duplicate column
/// wins). The collector scans this stack, so the locals keep the parts.
unsafe fn rows_list(ctx: *mut Ctx, list_type: &SnowType, rows: &[Row]) -> *mut SnowList {
    let map_type = layout::elem(list_type);
    let b = list::snow_list_builder(ctx, list_type, rows.len() as i64);
    for row in rows {
        let mut m = map::snow_map_new(ctx, map_type);
        for (k, v) in row {
            let k = new_str(ctx, k.as_bytes()) as usize as Word;
            let v = new_str(ctx, v.as_bytes()) as usize as Word;
            m = map::snow_map_put(ctx, m, k, v);
        }
        list::snow_list_builder_push(ctx, b, m as usize as Word);
    }
    b
}

/// `BEGIN` (deferred), `COMMIT`, `ROLLBACK`: `()!String`.
unsafe fn control(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: &'static str,
) -> *mut u8 {
    let r = on_conn(ctx, conn, move |c| c.execute(sql, &[]));
    finish(ctx, res, r.map(|_| 0))
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_begin(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    control(ctx, res, conn, "BEGIN")
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_commit(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    control(ctx, res, conn, "COMMIT")
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_rollback(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    control(ctx, res, conn, "ROLLBACK")
}
