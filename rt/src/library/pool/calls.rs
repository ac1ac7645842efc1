//! The `Pool.*` entry points (§5.6). `Pool.query` and `Pool.execute`
//! (and their `_opt` forms) are the Pg calls between a checkout and a checkin (which
//! happens after an error too), so their results are exactly Pg's.

use super::ops;
use crate::base::abi::{Ctx, SnowList, SnowStr, SnowType, Word};
use crate::library::pg::calls::{
    handle, roomy, snow_pg_execute, snow_pg_execute_opt, snow_pg_query, snow_pg_query_opt,
};
use crate::values::layout::result_text;
use crate::values::string::str_of;
use core::ffi::c_void;

/// `Pool.open(url, min, max, timeout_ms) -> PoolHandle!String`.
///
/// # Safety
/// `res` describes `Result<PoolHandle, String>`; `url` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_open(
    ctx: *mut Ctx,
    res: *const SnowType,
    url: *mut SnowStr,
    min: i64,
    max: i64,
    timeout_ms: i64,
) -> *mut u8 {
    let text = str_of(url).to_string();
    let r = roomy(ctx, || ops::open(ctx, &text, min, max, timeout_ms));
    result_text(ctx, res, r.map(|h| h as Word))
}

/// `Pool.checkout(pool) -> PgConn!String`.
///
/// # Safety
/// `res` describes `Result<PgConn, String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_checkout(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
) -> *mut u8 {
    let r = roomy(ctx, || ops::checkout(ctx, handle(pool)));
    result_text(ctx, res, r.map(|c| c as Word))
}

/// `Pool.checkin(pool, conn)`.
///
/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_checkin(ctx: *mut Ctx, pool: *mut c_void, conn: *mut c_void) {
    roomy(ctx, || ops::checkin(ctx, handle(pool), handle(conn)))
}

/// `Pool.close(pool)`.
///
/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_close(ctx: *mut Ctx, pool: *mut c_void) {
    roomy(ctx, || ops::close(ctx, handle(pool)))
}

type PgCall = unsafe extern "C" fn(
    *mut Ctx,
    *const SnowType,
    *mut c_void,
    *mut SnowStr,
    *mut SnowList,
) -> *mut u8;

/// `call` on a connection checked out for it, checked in afterwards. The
/// checkin allocates nothing in the heap, so the result stays put.
unsafe fn on_a_connection(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
    call: PgCall,
) -> *mut u8 {
    let h = handle(pool);
    match roomy(ctx, || ops::checkout(ctx, h)) {
        Err(e) => result_text(ctx, res, Err(e)),
        Ok(conn) => {
            let r = call(ctx, res, conn as usize as *mut c_void, sql, params);
            roomy(ctx, || ops::checkin(ctx, h, conn));
            r
        }
    }
}

/// `Pool.query(pool, sql, params)`: as `Pg.query`.
///
/// # Safety
/// `res` describes `Result<List<Map<String, String>>, String>`; the
/// arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_query(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    on_a_connection(ctx, res, pool, sql, params, snow_pg_query)
}

/// `Pool.execute(pool, sql, params)`: as `Pg.execute`.
///
/// # Safety
/// `res` describes `Result<Int, String>`; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_execute(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    on_a_connection(ctx, res, pool, sql, params, snow_pg_execute)
}

/// `Pool.query_opt(pool, sql, params)`: as `Pg.query_opt` (`None` is NULL).
///
/// # Safety
/// As `snow_pool_query`.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_query_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    on_a_connection(ctx, res, pool, sql, params, snow_pg_query_opt)
}

/// `Pool.execute_opt(pool, sql, params)`: as `Pg.execute_opt` (`None` is
/// NULL).
///
/// # Safety
/// As `snow_pool_execute`.
#[no_mangle]
pub unsafe extern "C" fn snow_pool_execute_opt(
    ctx: *mut Ctx,
    res: *const SnowType,
    pool: *mut c_void,
    sql: *mut SnowStr,
    params: *mut SnowList,
) -> *mut u8 {
    on_a_connection(ctx, res, pool, sql, params, snow_pg_execute_opt)
}
