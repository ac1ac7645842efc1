//! Protected calls: run a piece of Snow code (a supervisor child's `start`
//! closure) so that a panic inside it comes back as an error to the caller
//! instead of ending the process (§4.6: the supervisor then stops the
//! children it started and exits with `child c failed to start`).
//!
//! Panics never unwind (see `lifecycle`), so the call runs in a context of
//! its own on a new segment of the process's stack: a panic switches
//! straight back to the caller's saved context, the callee's frames are
//! simply abandoned, and the segments they used are left like those of a
//! call that returned. The segment chain (`process::segments`) records where
//! the caller's segment was left, so the collector scans it while the call
//! runs, and the limit follows the call's segments.

use super::lifecycle::{snow_ctx_make, snow_ctx_switch};
use super::pcb::{Actor, Owned};
use crate::base::abi::{Ctx, Word};
use crate::process::segments::MIN_NEED;
use crate::process::stack;
use core::ffi::c_void;

/// A protected call in progress (on the caller's stack).
pub struct Guard {
    /// The panic report, if the call panicked.
    failure: Option<Vec<u8>>,
    result: Word,
    call: *mut c_void,
    ctx: *mut Ctx,
    /// Extra segments in use when the call started; the call's own is the
    /// next one, whose link holds the caller's saved context.
    depth: usize,
    /// What the call replaced, restored when it ends.
    saved_limit: usize,
    saved_base: usize,
    outer: *mut Guard,
}

/// Runs `f` on a new segment; its panic becomes `Err(report)` (the message
/// with its place and location, as a crash report gives them).
///
/// # Safety
/// `ctx` is the running process `a`'s context, on its own stack.
pub unsafe fn call(
    ctx: *mut Ctx,
    a: &Actor,
    f: &mut dyn FnMut(*mut Ctx) -> Word,
) -> Result<Word, Vec<u8>> {
    let o = a.owned();
    // The trampoline receives one thin pointer: to this (fat) one, which
    // lives in this frame for the whole call.
    let mut callee: *mut (dyn FnMut(*mut Ctx) -> Word + '_) = f;
    let mut g = Guard {
        failure: None,
        result: 0,
        call: &mut callee as *mut _ as *mut c_void,
        ctx,
        depth: (*o).stacks.depth(),
        saved_limit: (*o).real_limit,
        saved_base: (*o).process.stack_base,
        outer: (*o).guard,
    };
    let cap = stack::max_size();
    let Some(seg) = (*o).stacks.enter(MIN_NEED, cap) else {
        super::slow_path::overflow(ctx, core::ptr::null(), cap)
    };
    let (lo, top, limit) = (seg.stack.lo, seg.top, seg.limit);
    super::grow::register(a);
    let inner_sp = snow_ctx_make(
        lo as *mut c_void,
        top - lo,
        trampoline,
        &mut g as *mut Guard as *mut c_void,
    );
    (*o).guard = &mut g;
    (*o).real_limit = limit;
    (*ctx).stack_limit = limit as *mut _;
    (*o).process.stack_base = top;
    let link = (*o).stacks.link();
    snow_ctx_switch(link as *mut *mut c_void, inner_sp);
    // Back on the caller's stack, after a return or a panic.
    end(o, &mut g);
    (*ctx).stack_limit = (*o).real_limit as *mut _;
    match g.failure.take() {
        Some(msg) => Err(msg),
        None => Ok(g.result),
    }
}

/// Restores what call `g` replaced and leaves its segments.
unsafe fn end(o: *mut Owned, g: *mut Guard) {
    (*o).stacks.leave_to((*g).depth);
    (*o).real_limit = (*g).saved_limit;
    (*o).process.stack_base = (*g).saved_base;
    (*o).guard = (*g).outer;
}

/// Switches back to the caller of protected call `g` (it has returned or
/// panicked); never comes back.
unsafe fn back_to_caller(a: *const Actor, g: *mut Guard) -> ! {
    let outer_sp = (*(*a).owned()).stacks.left_at((*g).depth);
    let mut dead: *mut c_void = core::ptr::null_mut();
    snow_ctx_switch(&mut dead, outer_sp as *mut c_void);
    unreachable!("a finished protected call is never resumed")
}

/// First frame of the callee's stack.
unsafe extern "C" fn trampoline(arg: *mut c_void) {
    let g = arg as *mut Guard;
    let f = &mut **((*g).call as *mut *mut dyn FnMut(*mut Ctx) -> Word);
    (*g).result = f((*g).ctx);
    let a = super::pcb::actor_of((*g).ctx).expect("protected calls run in scheduled processes");
    back_to_caller(a, g)
}

/// A panic of the running process `a`: if it is inside a protected call,
/// returns there with the report `text` (and does not come back);
/// otherwise returns.
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn catch(a: &Actor, text: &[u8]) {
    let g = (*a.owned()).guard;
    if g.is_null() {
        return;
    }
    (*g).failure = Some(text.to_vec());
    back_to_caller(a, g)
}
