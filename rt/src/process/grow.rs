//! Moving a running process to a new stack segment: the slow path of a
//! check whose function can run again, which runs it on a new segment when
//! the stack is short (`snow.h` describes the protocol with generated
//! code).
//!
//! While the call runs, the process's limit and the collector's stack base
//! are the new segment's, and the chain (`process::segments`) records where
//! the old segment was left; when it returns, both are restored and the
//! segment stays with the process as its spare. A process that exits
//! while deep never returns here: its segments are given back at exit.

use super::lifecycle::{move_limit, slow_path};
use super::pcb::Actor;
use crate::base::abi::{Ctx, FnLoc};
use crate::process::segments::MIN_NEED;
use crate::process::{stack, trim};
use crate::values::recursion::{stack_pointer, Resume};
use core::ffi::c_void;

extern "C" {
    fn snow_stack_call(ctx: *mut c_void, arg: *mut c_void, f: Resume, link: *mut [usize; 2]);
}

/// The slow path (a pending exit, a yield request, spent budget), then
/// `f(ctx, arg)`: on this stack, or on a new segment when this one has no
/// room for a frame of `frame` bytes (measured here, a little below the
/// frame that failed its check, so a check that failed only because of a
/// yield request may move a little early).
///
/// # Safety
/// As `call_on_new_segment`.
pub unsafe fn slow_path_rerun(
    ctx: *mut Ctx,
    a: &Actor,
    site: *const FnLoc,
    frame: usize,
    f: Resume,
    arg: *mut c_void,
) {
    slow_path(ctx, a);
    let here = stack_pointer();
    if here.saturating_sub(frame) < (*a.owned()).real_limit {
        call_on_new_segment(ctx, a, site, frame, f, arg);
    } else {
        f(ctx, arg);
    }
}

/// Makes sure the reactor's sweep knows that the running process `a` holds
/// extra segments (it gives back their memory if the process stays parked).
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn register(a: &Actor) {
    let o = a.owned();
    if !(*o).stacks.registered() {
        (*o).stacks.set_registered(true);
        trim::register(a);
    }
}

/// Runs `f(ctx, arg)` on a new segment with room for a frame of `frame`
/// bytes, and comes back; when that would exceed the process's stack
/// size, ends the process with `stack overflow` in `site` instead.
///
/// # Safety
/// `ctx` is the context of `a`, running on this stack; `site` null or
/// valid; `f` and `arg` as `snow_call_on_new_segment` requires.
pub unsafe fn call_on_new_segment(
    ctx: *mut Ctx,
    a: &Actor,
    site: *const FnLoc,
    frame: usize,
    f: Resume,
    arg: *mut c_void,
) {
    let o = a.owned();
    let cap = stack::max_size();
    let (old_limit, old_base) = ((*o).real_limit, (*o).process.stack_base);
    let Some(seg) = (*o).stacks.enter(frame + MIN_NEED, cap) else {
        super::slow_path::overflow(ctx, site, cap)
    };
    let (limit, top) = (seg.limit, seg.top);
    let link = (*o).stacks.link();
    register(a);
    (*o).real_limit = limit;
    (*o).process.stack_base = top;
    move_limit(ctx, old_limit, limit);
    snow_stack_call(ctx as *mut c_void, arg, f, link);
    // Back on the old segment (possibly on another worker thread).
    (*o).stacks.leave();
    (*o).real_limit = old_limit;
    (*o).process.stack_base = old_base;
    move_limit(ctx, limit, old_limit);
}
