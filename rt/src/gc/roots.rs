//! Root discovery: a conservative scan of the running process's stack, from
//! below the current frame up to the stack base recorded for the process
//! (the top of the stack segment in use), and of every segment below it
//! from where it was left to its top, after spilling callee-saved
//! registers through the C helper. The segments are the process layer's
//! business: it registers `set_extra_roots` at start-up.

use crate::gc::process_state::ProcessState;
use core::ffi::c_void;
use std::sync::OnceLock;

extern "C" {
    fn snow_rt_spill_and_call(f: unsafe extern "C" fn(*mut c_void, *mut c_void), arg: *mut c_void);
}

/// Adds to `ranges` the (low, high) stack ranges a process left suspended
/// below the segment in use; called with the process's `owner`.
pub type ExtraRoots = unsafe fn(owner: *const c_void, ranges: &mut Vec<(usize, usize)>);

static EXTRA_ROOTS: OnceLock<ExtraRoots> = OnceLock::new();

/// Registers the process layer's `ExtraRoots` (once; later calls are
/// ignored).
pub fn set_extra_roots(f: ExtraRoots) {
    let _ = EXTRA_ROOTS.set(f);
}

unsafe extern "C" fn collect_here(arg: *mut c_void, sp: *mut c_void) {
    let p = &mut *(arg as *mut ProcessState);
    let local = 0usize;
    let here = core::hint::black_box(&local) as *const usize as usize;
    let lo = here.min(sp as usize);
    let mut ranges = vec![(lo, p.stack_base)];
    if !p.owner.is_null() {
        let extra = EXTRA_ROOTS
            .get()
            .expect("a scheduled process exists only once the process layer registered its roots");
        extra(p.owner, &mut ranges);
    }
    p.heap.collect(&ranges, &p.roots);
}

/// Collects the heap of the process `p`, which must be the process running
/// on this stack.
pub fn collect_process(p: &mut ProcessState) {
    // SAFETY: the helper calls back `collect_here` with `p` on this stack,
    // whose base is recorded in `p`; everything between is live stack.
    unsafe { snow_rt_spill_and_call(collect_here, p as *mut ProcessState as *mut c_void) }
}
