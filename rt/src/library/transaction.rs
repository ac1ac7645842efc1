//! The transaction runner behind `Sqlite.transaction`, written for any
//! database: `Pg.transaction` (§5.5.3) is meant to plug into it too, by
//! implementing `Tx` for its connection (BEGIN/COMMIT/ROLLBACK over the
//! simple protocol, `aborted` from the `E` status byte).
//!
//! The steps and their results (§5.5.3):
//! 1. BEGIN; if it fails, `Err("BEGIN: <m>")` and the callback never runs.
//! 2. The callback, inside a crash boundary (`process::protect`, the same
//!    protected call the HTTP handler runs in).
//! 3. `Ok(())`: if the database already rolled the transaction back (an
//!    error the callback swallowed), ROLLBACK and
//!    `Err("COMMIT: transaction is aborted, changes were rolled back")`;
//!    else COMMIT, and if that fails, ROLLBACK and `Err("COMMIT: <m>")`.
//! 4. `Err(e)`: ROLLBACK (its result ignored) and the callback's own
//!    `Err(e)`, the very same value.
//! 5. A crash: ROLLBACK, a line on stderr
//!    (`[snow-rt] <name> callback panicked: <report>`), and
//!    `Err("transaction aborted: panic in callback")`; the caller goes on.

use crate::base::abi::{Ctx, Hdr, Word};
use crate::base::console;
use crate::process::primitives::me;
use crate::process::protect;
use crate::values::layout::OK;

/// §5.5.3's texts.
pub const ABORTED: &str = "COMMIT: transaction is aborted, changes were rolled back";
pub const PANICKED: &str = "transaction aborted: panic in callback";

/// One connection's transaction control. Each call may park the process
/// (the database work runs off the worker or on the reactor).
/// In every method, `ctx` is the running process's context.
pub trait Tx {
    /// # Safety
    /// As the trait says of `ctx`.
    unsafe fn begin(&mut self, ctx: *mut Ctx) -> Result<(), String>;
    /// # Safety
    /// As the trait says of `ctx`.
    unsafe fn commit(&mut self, ctx: *mut Ctx) -> Result<(), String>;
    /// # Safety
    /// As the trait says of `ctx`.
    unsafe fn rollback(&mut self, ctx: *mut Ctx) -> Result<(), String>;
    /// The database has already rolled this transaction back, so a
    /// COMMIT would commit nothing (PostgreSQL: status `E`).
    ///
    /// # Safety
    /// As the trait says of `ctx`.
    unsafe fn aborted(&mut self, ctx: *mut Ctx) -> bool;
    /// The Snow function, for the crash line (`Pg.transaction`).
    fn name(&self) -> &'static str;
}

/// How a transaction ended.
pub enum Outcome {
    Committed,
    /// The callback's own `Err` value (a `Result` object), rolled back.
    CallbackErr(Word),
    /// A failure of ours: the `Err` text.
    Failed(String),
}

/// Whether the `Result` object `res` is an `Ok`.
///
/// # Safety
/// `res` is a live `Result` object.
unsafe fn is_ok(res: Word) -> bool {
    let at = (res as usize as *const u8).add(core::mem::size_of::<Hdr>());
    (at as *const i64).read_unaligned() == OK as i64
}

/// Runs a transaction on `tx` around `callback`, which calls the Snow
/// callback and returns its `Result` object.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn run(
    ctx: *mut Ctx,
    tx: &mut dyn Tx,
    callback: &mut dyn FnMut(*mut Ctx) -> Word,
) -> Outcome {
    if let Err(m) = tx.begin(ctx) {
        return Outcome::Failed(format!("BEGIN: {m}"));
    }
    match protect::call(ctx, me(ctx), callback) {
        Err(report) => {
            let mut line = format!("[snow-rt] {} callback panicked: ", tx.name()).into_bytes();
            line.extend_from_slice(&report);
            line.push(b'\n');
            console::flush_stdout();
            console::write_fd(2, &line);
            let _ = tx.rollback(ctx);
            Outcome::Failed(PANICKED.into())
        }
        Ok(res) if !is_ok(res) => {
            let _ = tx.rollback(ctx);
            Outcome::CallbackErr(res)
        }
        Ok(_) if tx.aborted(ctx) => {
            let _ = tx.rollback(ctx);
            Outcome::Failed(ABORTED.into())
        }
        Ok(_) => match tx.commit(ctx) {
            Ok(()) => Outcome::Committed,
            Err(m) => {
                let _ = tx.rollback(ctx);
                Outcome::Failed(format!("COMMIT: {m}"))
            }
        },
    }
}
