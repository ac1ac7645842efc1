//! Protected calls: run a piece of Snow code (a supervisor child's `start`
//! closure) so that a panic inside it comes back as an error to the caller
//! instead of ending the process (§4.6: the supervisor then stops the
//! children it started and exits with `child c failed to start`).
//!
//! Panics never unwind (see `lifecycle`), so the call runs on a stack of its
//! own: a panic switches straight back to the caller's saved context and
//! the callee's frames are simply abandoned with their stack. While the
//! call runs, the process's stack limit is that stack's, and the collector
//! scans both the callee's stack and the suspended caller's part of the
//! process stack.

use super::lifecycle::{snow_ctx_make, snow_ctx_switch};
use super::pcb::{Actor, Owned};
use crate::abi::{Ctx, Word};
use crate::sched::{stack, stack::Stack, worker};
use core::ffi::c_void;

/// A protected call in progress (on the caller's stack).
pub struct Guard {
    /// The caller's saved context while the call runs.
    outer_sp: *mut c_void,
    /// Where the callee's frames live.
    pub stack: Stack,
    /// The panic report, if the call panicked.
    failure: Option<Vec<u8>>,
    result: Word,
    call: *mut c_void,
    ctx: *mut Ctx,
    /// What the call replaced, restored when it ends or is abandoned.
    saved_limit: usize,
    saved_base: usize,
    outer: *mut Guard,
}

/// Runs `f` on a fresh stack; its panic becomes `Err(report)` (the
/// message with its place and location, as a crash report gives them).
///
/// # Safety
/// `ctx` is the running process `a`'s context, on its own stack.
pub unsafe fn call(
    ctx: *mut Ctx,
    a: &Actor,
    f: &mut dyn FnMut(*mut Ctx) -> Word,
) -> Result<Word, Vec<u8>> {
    let o = a.owned();
    let st = stack::alloc(worker::stack_cache((*o).worker));
    // The trampoline receives one thin pointer: to this (fat) one, which
    // lives in this frame for the whole call.
    let mut callee: *mut (dyn FnMut(*mut Ctx) -> Word + '_) = f;
    let mut g = Guard {
        outer_sp: core::ptr::null_mut(),
        stack: st,
        failure: None,
        result: 0,
        call: &mut callee as *mut _ as *mut c_void,
        ctx,
        saved_limit: (*o).real_limit,
        saved_base: (*o).process.stack_base,
        outer: (*o).guard,
    };
    let inner_sp = snow_ctx_make(
        g.stack.lo as *mut c_void,
        g.stack.top() - g.stack.lo,
        trampoline,
        &mut g as *mut Guard as *mut c_void,
    );
    (*o).guard = &mut g;
    (*o).real_limit = g.stack.soft_limit();
    (*ctx).stack_limit = g.stack.soft_limit() as *mut _;
    (*o).process.stack_base = g.stack.top();
    snow_ctx_switch(&mut g.outer_sp, inner_sp);
    // Back on the caller's stack, after a return or a panic.
    end(o, &mut g);
    (*ctx).stack_limit = (*o).real_limit as *mut _;
    match g.failure.take() {
        Some(msg) => Err(msg),
        None => Ok(g.result),
    }
}

/// Restores what call `g` replaced and frees its stack.
unsafe fn end(o: *mut Owned, g: *mut Guard) {
    (*o).real_limit = (*g).saved_limit;
    (*o).process.stack_base = (*g).saved_base;
    (*o).guard = (*g).outer;
    let st = core::mem::replace(&mut (*g).stack, Stack::none());
    stack::release(st, worker::stack_cache((*o).worker));
}

/// Drops every protected call in progress of a process that is exiting
/// (its frames are dead): limits and stack base become the process stack's
/// again and the calls' stacks are freed. Runs on the worker's stack,
/// before anything reuses the process stack.
///
/// # Safety
/// The process `o` belongs to is switched out for good or for a fresh
/// context.
pub unsafe fn abandon(o: *mut Owned) {
    while !(*o).guard.is_null() {
        end(o, (*o).guard);
    }
}

/// The stack ranges of the callers suspended in protected calls of the
/// process `p` (for the collector, besides the running stack).
///
/// # Safety
/// `p` is the running process.
pub unsafe fn suspended_ranges(p: &crate::process::Process) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if p.actor.is_null() {
        return out;
    }
    let mut g = (*(*p.actor).owned()).guard;
    while !g.is_null() {
        out.push(((*g).outer_sp as usize, (*g).saved_base));
        g = (*g).outer;
    }
    out
}

/// First frame of the callee's stack.
unsafe extern "C" fn trampoline(arg: *mut c_void) {
    let g = arg as *mut Guard;
    let f = &mut **((*g).call as *mut *mut dyn FnMut(*mut Ctx) -> Word);
    (*g).result = f((*g).ctx);
    let mut dead: *mut c_void = core::ptr::null_mut();
    snow_ctx_switch(&mut dead, (*g).outer_sp);
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
    let mut dead: *mut c_void = core::ptr::null_mut();
    snow_ctx_switch(&mut dead, (*g).outer_sp);
}
