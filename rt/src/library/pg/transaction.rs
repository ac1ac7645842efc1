//! `Pg.transaction(conn, f)` (§5.5.3) through the runner every database
//! shares (`library::transaction`): BEGIN, COMMIT and ROLLBACK over the
//! simple protocol, and "already aborted" from the `E` status byte of the
//! last ReadyForQuery ([deviation]: PostgreSQL would turn the COMMIT into
//! a silent rollback). The connection's lock is held throughout, so
//! processes sharing the connection cannot slip statements into the
//! transaction (the callback's own calls nest).

use super::calls::{control, handle};
use super::slot;
use crate::base::abi::{Ctx, SnowType};
use crate::library::transaction::{self, Tx};
use crate::values::layout::result_text;
use core::ffi::c_void;

/// A connection's transaction control, by handle.
struct PgTx(i64);

/// BEGIN inside a transaction (§5.5.3: no nesting), worded as SQLite's.
const NESTED: &str = "cannot start a transaction within a transaction";

impl Tx for PgTx {
    /// BEGIN, refused when a transaction is already open (status `T` or
    /// `E`): PostgreSQL would only warn, and the inner COMMIT would end the
    /// outer transaction.
    unsafe fn begin(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        if slot::with(ctx, self.0, |c| Ok(c.status))? != b'I' {
            return Err(NESTED.into());
        }
        control(ctx, self.0, "BEGIN")
    }

    unsafe fn commit(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        control(ctx, self.0, "COMMIT")
    }

    unsafe fn rollback(&mut self, ctx: *mut Ctx) -> Result<(), String> {
        control(ctx, self.0, "ROLLBACK")
    }

    unsafe fn aborted(&mut self, ctx: *mut Ctx) -> bool {
        slot::with(ctx, self.0, |c| Ok(c.status)) == Ok(b'E')
    }

    fn name(&self) -> &'static str {
        "Pg.transaction"
    }
}

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
    slot::holding(ctx, h, || {
        Ok(transaction::reply(ctx, res, &mut PgTx(h), f, conn))
    })
    .unwrap_or_else(|m| result_text(ctx, res, Err(m)))
}
