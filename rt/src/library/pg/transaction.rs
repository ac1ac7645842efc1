//! `Pg.transaction(conn, f)` (§5.5.3): BEGIN, the callback inside a crash
//! boundary (`process::protect`, as the HTTP handler's), then COMMIT or
//! ROLLBACK. The connection's lock is held throughout, so processes
//! sharing the connection cannot slip statements into the transaction
//! (the callback's own calls nest).
//!
//! [deviation] A callback that swallowed an SQL error and returned `Ok`
//! leaves the status `E`; PostgreSQL would turn COMMIT into a rollback
//! and report success, so the status is checked first.

use super::calls::{control, finish, handle};
use super::slot;
use crate::base::abi::{closure_code, obj_type, Ctx, Hdr, SnowStr, SnowType, Word};
use crate::process::primitives::me;
use crate::process::protect;
use crate::values::layout::OK;
use core::ffi::c_void;

type Callback = unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void) -> *mut c_void;

const ABORTED: &str = "COMMIT: transaction is aborted, changes were rolled back";
const PANICKED: &str = "transaction aborted: panic in callback";

/// # Safety
/// `res` describes `Result<(), String>`; `f` is a live closure of type
/// `Fun(PgConn) -> ()!String`.
#[no_mangle]
pub unsafe extern "C" fn snow_pg_transaction(
    ctx: *mut Ctx,
    res: *const SnowType,
    conn: *mut c_void,
    f: *mut c_void,
) -> *mut u8 {
    let h = handle(conn);
    let r = slot::holding(ctx, h, || run(ctx, h, conn, f));
    finish(ctx, res, r.map(|()| 0))
}

unsafe fn run(ctx: *mut Ctx, h: i64, conn: *mut c_void, f: *mut c_void) -> Result<(), String> {
    control(ctx, h, "BEGIN").map_err(|m| format!("BEGIN: {m}"))?;
    let cb: Callback = core::mem::transmute(closure_code(f));
    let outcome = protect::call(ctx, me(ctx), &mut |ctx| cb(ctx, f, conn) as usize as Word);
    let rollback = || {
        let _ = control(ctx, h, "ROLLBACK");
    };
    match outcome {
        Err(report) => {
            crate::base::console::write_fd(
                2,
                format!(
                    "[snow-rt] Pg.transaction callback panicked: {}\n",
                    String::from_utf8_lossy(&report)
                )
                .as_bytes(),
            );
            rollback();
            Err(PANICKED.into())
        }
        Ok(w) => match callback_error(w) {
            Some(e) => {
                rollback();
                Err(e)
            }
            None if slot::with(ctx, h, |c| Ok(c.status)) == Ok(b'E') => {
                rollback();
                Err(ABORTED.into())
            }
            None => control(ctx, h, "COMMIT").map_err(|m| {
                rollback();
                format!("COMMIT: {m}")
            }),
        },
    }
}

/// The message of an `Err` returned by the callback (copied out of the
/// heap before any further park), `None` for `Ok(())`.
unsafe fn callback_error(w: Word) -> Option<String> {
    let res = w as usize as *const u8;
    let tag = (res.add(core::mem::size_of::<Hdr>()) as *const i64).read_unaligned();
    if tag == OK as i64 {
        return None;
    }
    let t = obj_type(w);
    let msg = (res.add(t.offset(0)) as *const *mut SnowStr).read_unaligned();
    Some(String::from_utf8_lossy(SnowStr::bytes(msg)).into_owned())
}
