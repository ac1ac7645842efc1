//! The garbage collector: per-process heaps (`heap`), precise object tracing
//! (`trace`), conservative stack roots (`roots`), OS memory (`os`) and the shared
//! pool of free blocks (`pool`).

pub mod heap;
pub mod os;
pub mod pool;
pub mod process_state;
pub mod roots;
pub mod store;
pub mod trace;

#[cfg(test)]
mod heap_tests;
#[cfg(test)]
pub(crate) mod testutil;

use crate::base::abi::{Ctx, Hdr, SnowType};

/// Allocates a zeroed object of `size` bytes with its header's type set, in
/// the heap of the process running `ctx`, collecting first when due.
///
/// # Safety
/// `ctx` is the context of the process running on this thread's stack.
pub unsafe fn alloc(ctx: *mut Ctx, ty: *const SnowType, size: usize) -> *mut u8 {
    let size = size.max(core::mem::size_of::<Hdr>());
    // `proc_` is the process state created with `ctx`, touched only by the
    // thread running it.
    let p = &mut *(*ctx).proc_;
    if p.heap.should_collect(size) {
        roots::collect_process(p);
    }
    let o = p.heap.alloc(size);
    (*(o as *mut Hdr)).ty = ty;
    o
}

/// # Safety
/// `ctx` is the running process's context; `size` covers the header.
#[no_mangle]
pub unsafe extern "C" fn snow_alloc(ctx: *mut Ctx, ty: *const SnowType, size: usize) -> *mut u8 {
    alloc(ctx, ty, size)
}
