//! Root discovery: a conservative scan of the running process's stack, from
//! below the current frame up to the stack base recorded for the process
//! (the top of the stack segment in use), and of every segment below it
//! from where it was left to its top, after spilling callee-saved
//! registers through the C helper.

use crate::gc::process_state::Process;
use core::ffi::c_void;

extern "C" {
    fn snow_rt_spill_and_call(f: unsafe extern "C" fn(*mut c_void, *mut c_void), arg: *mut c_void);
}

unsafe extern "C" fn collect_here(arg: *mut c_void, sp: *mut c_void) {
    let p = &mut *(arg as *mut Process);
    let local = 0usize;
    let here = core::hint::black_box(&local) as *const usize as usize;
    let lo = here.min(sp as usize);
    let mut ranges = vec![(lo, p.stack_base)];
    if !p.actor.is_null() {
        (*(*p.actor).owned()).stacks.suspended(&mut ranges);
    }
    p.heap.collect(&ranges, &p.roots);
}

/// Collects the heap of the process `p`, which must be the process running
/// on this stack.
pub fn collect_process(p: &mut Process) {
    // SAFETY: the helper calls back `collect_here` with `p` on this stack,
    // whose base is recorded in `p`; everything between is live stack.
    unsafe { snow_rt_spill_and_call(collect_here, p as *mut Process as *mut c_void) }
}
