//! The C entries of failed stack checks (`snow.h`): the slow path (a
//! pending exit, a yield request, spent budget), its form for functions
//! that can run again (which moves to a new stack segment when the stack is
//! short, see `grow`), and the `stack overflow` report.

use super::grow;
use super::lifecycle;
use super::pcb::actor_of;
use super::stack;
use crate::base::abi::{Ctx, FnLoc, BUDGET};
use crate::base::panic;
use crate::values::recursion::{stack_pointer, Resume};
use core::ffi::{c_void, CStr};

/// Entered by a failed stack check: a yield request, spent budget or a
/// pending exit (see `lifecycle::slow_path`).
///
/// # Safety
/// `ctx` is the running process's context; `site` null or valid.
#[no_mangle]
pub unsafe extern "C" fn snow_slow_path(ctx: *mut Ctx, _site: *const FnLoc) {
    match actor_of(ctx) {
        Some(a) => lifecycle::slow_path(ctx, a),
        // A context without a scheduled process (runtime unit tests).
        None => (*ctx).budget = BUDGET,
    }
}

/// Entered by a failed check of a function that can run again: the slow
/// path, then `rerun(ctx, args)` here or, when the stack is short for a
/// frame of `frame` bytes, on a new segment (see `process::grow`).
///
/// # Safety
/// `ctx` is the running process's context; `site` null or valid; `rerun`
/// may do anything a function of that process may.
#[no_mangle]
pub unsafe extern "C" fn snow_slow_path_rerun(
    ctx: *mut Ctx,
    site: *const FnLoc,
    frame: usize,
    rerun: Resume,
    args: *mut c_void,
) {
    match actor_of(ctx) {
        Some(a) => grow::slow_path_rerun(ctx, a, site, frame, rerun, args),
        None => {
            if stack_pointer().saturating_sub(frame) < (*ctx).stack_limit as usize {
                overflow(ctx, site, 0);
            }
            rerun(ctx, args)
        }
    }
}

/// # Safety
/// `ctx` is the running process's context; `site` null or valid.
#[no_mangle]
pub unsafe extern "C" fn snow_stack_overflow(ctx: *mut Ctx, site: *const FnLoc) -> ! {
    let size = match actor_of(ctx) {
        Some(_) => stack::max_size(),
        None => 0,
    };
    overflow(ctx, site, size)
}

/// The stack is exhausted on entry to `site` (null when unknown), on a
/// stack of `size` bytes (0 when unknown): ends the process with reason
/// `stack overflow`, reporting the function, where it is defined, and how
/// to get a larger stack.
///
/// # Safety
/// `ctx` is the running process's context; `site` null or valid.
pub unsafe fn overflow(ctx: *mut Ctx, site: *const FnLoc, size: usize) -> ! {
    let mut place = Vec::new();
    let mut loc = core::ptr::null();
    if !site.is_null() {
        place.extend_from_slice(b" in ");
        place.extend_from_slice(CStr::from_ptr((*site).name).to_bytes());
        loc = &(*site).loc;
    }
    let hint = match size {
        0 => " (set SNOW_STACK_SIZE to raise the stack size)".to_string(),
        n => format!(
            " (stack size {}; set SNOW_STACK_SIZE to raise it)",
            stack::show_size(n)
        ),
    };
    let d = panic::Detail {
        place: &place,
        hint: hint.as_bytes(),
    };
    panic::report(ctx, b"stack overflow", d, loc)
}
