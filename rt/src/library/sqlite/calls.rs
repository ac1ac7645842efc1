//! The `Sqlite.*` entry points. Each call copies its arguments out of the
//! process heap, takes the connection's process lock (`proc_lock`, held by
//! `Sqlite.transaction` for its callback), runs on the blocking pool while
//! the caller parks (`io::blocking`), and builds the result back in the
//! heap.

use super::api;
use super::conn::Conn;
use crate::base::abi::{Ctx, SnowList, SnowStr, SnowType, Word};
use crate::io::blocking;
use crate::library::handles::Handles;
use crate::library::proc_lock::ProcLock;
use crate::library::row::rows_list;
use crate::library::transaction::{self, Tx};
use crate::process::primitives::me;
use crate::values::layout::result_text;
use crate::values::layout::OK;
use crate::values::list;
use crate::values::string::str_of;
use core::ffi::c_void;
use std::sync::{Mutex, OnceLock};

pub use crate::library::handles::CLOSED;

/// An open connection. The process lock lets one process at a time call
/// on it, and `Sqlite.transaction` hold it for its callback; the mutex
/// guards the connection on the pool thread running a call (the call of
/// a process killed while it waited may still be running there).
struct Entry {
    lock: ProcLock,
    conn: Mutex<Conn>,
}

/// Open connections.
fn table() -> &'static Handles<Entry> {
    static T: OnceLock<Handles<Entry>> = OnceLock::new();
    T.get_or_init(Handles::default)
}

/// Runs `f` on the connection of `conn` off the worker, once no other
/// process holds it.
unsafe fn on_conn<R: Send + 'static>(
    ctx: *mut Ctx,
    conn: *mut c_void,
    f: impl FnOnce(&mut Conn) -> Result<R, String> + Send + 'static,
) -> Result<R, String> {
    let Some(e) = table().get(conn as usize as i64) else {
        return Err(CLOSED.into());
    };
    // A holder that died is dealt with by `Conn::call` (its transaction
    // is rolled back), whatever way the lock was taken.
    e.lock.acquire(ctx);
    let c = e.clone();
    let r = blocking::run_to_end(ctx, move || {
        c.conn.lock().unwrap_or_else(|e| e.into_inner()).call(f)
    });
    e.lock.release(ctx);
    r
}

/// `Sqlite.open(path) -> SqliteConn!String`, called by its C entry point
/// `snow_sqlite_open` (c-support/snow_sqlite.c) with the SQLite table.
///
/// # Safety
/// `api` is that table; `res` describes `Result<SqliteConn, String>`;
/// `path` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_rs_sqlite_open(
    api: *const api::Api,
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
) -> *mut u8 {
    api::set(api);
    let path = str_of(path).to_string();
    let r = blocking::run_to_end(ctx, move || Conn::open(&path));
    let r = r.map(|c| {
        table().insert(Entry {
            lock: ProcLock::default(),
            conn: Mutex::new(c),
        }) as Word
    });
    result_text(ctx, res, r)
}

/// `Sqlite.close(conn)`: stale handles are ignored. A call still running
/// on the connection keeps it until it finishes.
#[no_mangle]
pub extern "C" fn snow_sqlite_close(conn: *mut c_void) {
    table().remove(conn as usize as i64);
}

unsafe fn execute(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: Vec<Option<String>>,
) -> *mut u8 {
    let sql = str_of(sql).to_string();
    let r = on_conn(ctx, conn, move |c| c.execute(&sql, &params));
    result_text(ctx, res, r.map(|n| n as Word))
}

unsafe fn query(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: Vec<Option<String>>,
) -> *mut u8 {
    let sql = str_of(sql).to_string();
    let r = on_conn(ctx, conn, move |c| c.query(&sql, &params));
    let r = r.map(|rows| rows_list(ctx, (*res).param(OK).param(0), &rows) as Word);
    result_text(ctx, res, r)
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
    execute(ctx, res, conn, sql, list::some_strings(params))
}

/// `Sqlite.execute_opt(conn, sql, params) -> Int!String`: `None` is NULL.
///
/// # Safety
/// `res` describes `Result<Int, String>`; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_execute_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    execute(ctx, res, conn, sql, list::opt_strings(params))
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
    query(ctx, res, conn, sql, list::some_strings(params))
}

/// `Sqlite.query_opt(conn, sql, params)`: `None` is NULL.
///
/// # Safety
/// `res` describes `Result<List<Map<String, String>>, String>`; the
/// arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_query_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    query(ctx, res, conn, sql, list::opt_strings(params))
}

/// `BEGIN` (deferred), `COMMIT`, `ROLLBACK`: `()!String`.
unsafe fn control(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: &'static str,
) -> *mut u8 {
    let r = on_conn(ctx, conn, move |c| c.execute(sql, &[]));
    result_text(ctx, res, r.map(|_| 0))
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

/// A transaction on the connection of a `SqliteConn`: `aborted` holds
/// when SQLite ended the transaction itself (autocommit is back on) with
/// a rollback since our BEGIN, such as `INSERT OR ROLLBACK` hitting a
/// constraint, or an I/O error.
struct SqliteTx {
    conn: *mut c_void,
    /// The connection's rollback count just after BEGIN.
    since: u64,
}

impl Tx for SqliteTx {
    unsafe fn begin(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        let pid = me(ctx).pid;
        self.since = on_conn(ctx, self.conn, move |c| c.begin_owned(pid))?;
        Ok(())
    }

    unsafe fn commit(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        on_conn(ctx, self.conn, |c| c.execute("COMMIT", &[]).map(drop))
    }

    unsafe fn rollback(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        on_conn(ctx, self.conn, |c| c.execute("ROLLBACK", &[]).map(drop))
    }

    unsafe fn aborted(&mut self, ctx: *mut Ctx) -> bool {
        let since = self.since;
        on_conn(ctx, self.conn, move |c| {
            Ok(c.autocommit() && c.rollbacks() > since)
        })
        .unwrap_or(false)
    }

    fn name(&self) -> &'static str {
        "Sqlite.transaction"
    }
}

/// `Sqlite.transaction(conn, f) -> ()!String` (§5.5.3's contract, see
/// `library::transaction`), holding the connection throughout: calls of
/// other processes on it wait until the transaction is over (the
/// callback's own go through), so none slips into the transaction or
/// meets its BEGIN. A stale handle gives `connection is closed`.
///
/// # Safety
/// `res` describes `Result<(), String>`; `f` is a live closure of type
/// `Fun(SqliteConn) -> ()!String`.
#[no_mangle]
pub unsafe extern "C" fn snow_sqlite_transaction(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    f: *mut c_void,
) -> *mut u8 {
    let held = table().get(conn as usize as i64);
    if let Some(e) = &held {
        e.lock.acquire(ctx);
    }
    let r = transaction::reply(ctx, res, &mut SqliteTx { conn, since: 0 }, f, conn);
    if let Some(e) = &held {
        e.lock.release(ctx);
    }
    r
}
