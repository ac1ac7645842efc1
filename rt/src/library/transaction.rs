//! The transaction runner behind `Sqlite.transaction` and `Pg.transaction`
//! (§5.5.3): each database implements `Tx` for its connection, and `reply`
//! does the rest, from calling the Snow callback to the `Result` value.
//!
//! The steps and their results (§5.5.3):
//! 1. BEGIN; if it fails, `Err("BEGIN: <m>")` and the callback never runs;
//!    but a connection already closed (or dropped) gives the plain
//!    `Err("connection is closed")` of every call on it (§5.0.1).
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

use crate::base::abi::{closure_code, Ctx, SnowType, Word};
use crate::base::console;
use crate::library::handles::CLOSED;
use crate::process::primitives::me;
use crate::process::protect;
use crate::values::layout::{self, result_text, OK};
use core::ffi::c_void;

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
    /// The Snow function, for the crash line (e.g. `Pg.transaction`).
    fn name(&self) -> &'static str;
}

/// How a transaction ended.
enum Outcome {
    Committed,
    /// The callback's own `Err` value (a `Result` object), rolled back.
    CallbackErr(Word),
    /// A failure of ours: the `Err` text.
    Failed(String),
}

/// The Snow callback: a closure of type `Fun(Conn) -> ()!String`.
type Callback = unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void) -> *mut c_void;

/// Runs a transaction on `tx` around the Snow closure `f`, called with
/// the connection word `conn`, and gives the call's `Result` of type `res`.
///
/// # Safety
/// `ctx` is the running process's context; `res` describes
/// `Result<(), String>`; `f` is a live closure taking `conn`.
pub unsafe fn reply(
    ctx: *mut Ctx,
    res: *const SnowType,
    tx: &mut dyn Tx,
    f: *mut c_void,
    conn: *mut c_void,
) -> *mut u8 {
    let outcome = run(ctx, tx, &mut |ctx| {
        let code: Callback = core::mem::transmute(closure_code(f));
        code(ctx, f, conn) as usize as Word
    });
    match outcome {
        Outcome::Committed => result_text(ctx, res, Ok(0)),
        Outcome::CallbackErr(e) => e as usize as *mut u8,
        Outcome::Failed(m) => result_text(ctx, res, Err(m)),
    }
}

/// Runs a transaction on `tx` around `callback`, which calls the Snow
/// callback and returns its `Result` object.
///
/// # Safety
/// `ctx` is the running process's context.
unsafe fn run(
    ctx: *mut Ctx,
    tx: &mut dyn Tx,
    callback: &mut dyn FnMut(*mut Ctx) -> Word,
) -> Outcome {
    if let Err(m) = tx.begin(ctx) {
        // `CLOSED` comes only from a stale handle or a dropped connection,
        // never from BEGIN's own exchange.
        return Outcome::Failed(if m == CLOSED {
            m
        } else {
            format!("BEGIN: {m}")
        });
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
        Ok(res) if layout::tag(res) != OK => {
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
