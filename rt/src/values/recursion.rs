//! Runtime code that recurses as deep as a value (Display, equality,
//! ordering, hashing, JSON) checks the stack like a generated function
//! behind its entry check (see `snow.h`): when the check fails it goes
//! through the slow path, which runs it on a new stack segment if this one
//! is short. The slow path belongs to the process layer, which registers it
//! with `set_rerun` at start-up.

use crate::base::abi::{Ctx, FnLoc};
use core::ffi::c_void;
use std::sync::OnceLock;

/// (About) the current stack pointer: the address of a local of the
/// caller's frame.
#[inline(always)]
pub fn stack_pointer() -> usize {
    let probe = 0u8;
    core::hint::black_box(&probe) as *const u8 as usize
}

/// Runtime code that recurses as deep as a value, named in its `stack
/// overflow` report.
pub static IN_EQ: FnLoc = FnLoc::runtime(c"==");
pub static IN_COMPARE: FnLoc = FnLoc::runtime(c"compare");
pub static IN_HASH: FnLoc = FnLoc::runtime(c"hash");
pub static IN_SHOW: FnLoc = FnLoc::runtime(c"Display/Debug");
pub static IN_TO_JSON: FnLoc = FnLoc::runtime(c"to_json");
pub static IN_FROM_JSON: FnLoc = FnLoc::runtime(c"from_json");

/// A function resumed by the slow path: `rerun(ctx, args)`.
pub type Resume = unsafe extern "C" fn(*mut Ctx, *mut c_void);

/// `snow_slow_path_rerun(ctx, site, frame, rerun, args)` of `snow.h`.
pub type Rerun = unsafe extern "C" fn(*mut Ctx, *const FnLoc, usize, Resume, *mut c_void);

static RERUN: OnceLock<Rerun> = OnceLock::new();

/// Registers the slow path (once; later calls are ignored).
pub fn set_rerun(f: Rerun) {
    let _ = RERUN.set(f);
}

/// Runs `f`, which recurses as deep as a value, behind a stack check: when
/// the check fails, through the slow path, which runs it on a new stack
/// segment if this one is short; `site` names the operation in a `stack
/// overflow` report.
///
/// # Safety
/// `ctx` is null or the running process's context, on its own stack.
#[inline(always)]
pub unsafe fn deeper<R>(ctx: *mut Ctx, site: &'static FnLoc, f: impl FnOnce() -> R) -> R {
    if !ctx.is_null() && stack_pointer() < (*ctx).stack_limit as usize {
        return rerun(ctx, site, 0, f);
    }
    f()
}

/// Runs `f` with at least `room` bytes of stack below this frame: on a new
/// segment when this one has less. For runtime code deeper than the
/// reserve below the limit allows (TLS with its cryptography).
///
/// # Safety
/// As `deeper`.
#[inline(always)]
pub unsafe fn with_room<R>(
    ctx: *mut Ctx,
    site: &'static FnLoc,
    room: usize,
    f: impl FnOnce() -> R,
) -> R {
    if !ctx.is_null() && stack_pointer().saturating_sub(room) < (*ctx).stack_limit as usize {
        return rerun(ctx, site, room, f);
    }
    f()
}

#[inline(never)]
unsafe fn rerun<R, F: FnOnce() -> R>(ctx: *mut Ctx, site: &'static FnLoc, frame: usize, f: F) -> R {
    // Only contexts of the process layer have a limit that can fail the
    // check, and it registers the slow path before making any.
    let Some(slow_path) = RERUN.get() else {
        return f();
    };
    // The closure and then its result live in this frame, where the
    // collector finds what they hold.
    let mut slot: (Option<F>, Option<R>) = (Some(f), None);
    unsafe extern "C" fn run<R, F: FnOnce() -> R>(_ctx: *mut Ctx, p: *mut c_void) {
        let slot = &mut *(p as *mut (Option<F>, Option<R>));
        if let Some(f) = slot.0.take() {
            slot.1 = Some(f());
        }
    }
    let args = &mut slot as *mut _ as *mut c_void;
    slow_path(ctx, site, frame, run::<R, F>, args);
    slot.1.take().expect("a rerun returns its result")
}
