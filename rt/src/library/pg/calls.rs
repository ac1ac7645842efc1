//! The `Pg.*` entry points (§5.5) but `Pg.transaction`. Each copies its
//! arguments out of the process heap, does its I/O parking the process
//! (never the worker), and builds the result in the heap afterwards.

use super::slot;
use crate::base::abi::{Ctx, FnLoc, SnowList, SnowStr, SnowType, Word};
use crate::library::row::rows_list;
use crate::values::layout::result_text;
use crate::values::layout::OK;
use crate::values::list;
use crate::values::recursion::with_room;
use crate::values::string::str_of;
use core::ffi::c_void;

/// The stack a call needs (rustls and ring in the handshake, PBKDF2).
const STACK_ROOM: usize = 256 << 10;
static IN_PG: FnLoc = FnLoc::runtime(c"PostgreSQL client");

/// Runs `f` where the stack has room for the client.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn roomy<R>(ctx: *mut Ctx, f: impl FnOnce() -> R) -> R {
    with_room(ctx, &IN_PG, STACK_ROOM, f)
}

pub fn handle(conn: *mut c_void) -> i64 {
    conn as usize as i64
}

/// `Pg.connect(url) -> PgConn!String`.
///
/// # Safety
/// `res` describes `Result<PgConn, String>`; `url` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_connect(
    ctx: *mut Ctx,
    res: *const SnowType,
    url: *mut SnowStr,
) -> *mut u8 {
    let text = str_of(url).to_string();
    let r = roomy(ctx, || slot::connect(ctx, &text).map(|h| h as Word));
    result_text(ctx, res, r)
}

/// `Pg.close(conn)`: Terminate, then the handle is stale; closing twice
/// (or a stale handle) does nothing.
///
/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_close(ctx: *mut Ctx, conn: *mut c_void) {
    roomy(ctx, || slot::close(ctx, handle(conn)))
}

/// `Pg.execute` on parameters already read.
unsafe fn execute(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: Vec<Option<String>>,
) -> *mut u8 {
    let sql = str_of(sql).to_string();
    let r = roomy(ctx, || {
        slot::with(ctx, handle(conn), |c| {
            c.extended("execute", &sql, &params, false)
        })
    });
    result_text(ctx, res, r.map(|o| o.count as Word))
}

/// `Pg.query` on parameters already read.
unsafe fn query(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: Vec<Option<String>>,
) -> *mut u8 {
    let sql = str_of(sql).to_string();
    let r = roomy(ctx, || {
        slot::with(ctx, handle(conn), |c| {
            c.extended("query", &sql, &params, true)
        })
    });
    let r = r.map(|o| rows_list(ctx, (*res).param(OK).param(0), &o.rows) as Word);
    result_text(ctx, res, r)
}

/// `Pg.execute(conn, sql, params) -> Int!String`.
///
/// # Safety
/// `res` describes `Result<Int, String>`; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_execute(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    execute(ctx, res, conn, sql, list::some_strings(params))
}

/// `Pg.execute_opt(conn, sql, params) -> Int!String`: `None` is NULL.
///
/// # Safety
/// `res` describes `Result<Int, String>`; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_execute_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    execute(ctx, res, conn, sql, list::opt_strings(params))
}

/// `Pg.query(conn, sql, params) -> List<Map<String, String>>!String`.
///
/// # Safety
/// `res` describes `Result<List<Map<String, String>>, String>`; the
/// arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_query(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    query(ctx, res, conn, sql, list::some_strings(params))
}

/// `Pg.query_opt(conn, sql, params)`: `None` is NULL.
///
/// # Safety
/// As `snow_pg_query`.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_query_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    query(ctx, res, conn, sql, list::opt_strings(params))
}

/// `BEGIN`, `COMMIT`, `ROLLBACK` over the simple protocol: `()!String`.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn control(ctx: *mut Ctx, conn: i64, sql: &str) -> Result<(), String> {
    roomy(ctx, || slot::with(ctx, conn, |c| c.simple(sql).map(|_| ())))
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_begin(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    result_text(ctx, res, control(ctx, handle(conn), "BEGIN").map(|()| 0))
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_commit(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    result_text(ctx, res, control(ctx, handle(conn), "COMMIT").map(|()| 0))
}

/// # Safety
/// `res` describes `Result<(), String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_rollback(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
) -> *mut u8 {
    result_text(ctx, res, control(ctx, handle(conn), "ROLLBACK").map(|()| 0))
}
