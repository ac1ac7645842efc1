//! The garbage collector: per-process heaps (`heap`), allocation (`alloc`
//! below), precise object tracing (`trace`), conservative stack roots
//! (`roots`), OS memory (`os`), the shared pool of free blocks (`pool`), the
//! collector's view of a process (`process_state`), and the runtime-private
//! objects it traces (`store`: word arrays and map/set tables).
//!
//! GC discipline: the collector is non-moving and finds roots by scanning
//! the stack and registers conservatively, so a pointer held in a Rust local
//! keeps its object alive, but one held only inside a Rust heap buffer
//! (`Vec`) does not. Functions that allocate several objects therefore
//! either copy their input to Rust memory first, or store each new object
//! into an already-allocated (and locally held) container right away.

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
    let p = &mut *process_state::of(ctx);
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

/// Frees every object in the heap of the running process at once, keeping
/// its blocks (`release`: giving them back to the pool too), for a process
/// that knows it holds nothing there any more: a connection between
/// requests (after each one, and when it has been idle a while, like the
/// BEAM's hibernation).
///
/// # Safety
/// `ctx` is the running process's context, and nothing it will use refers
/// into its heap (no exact roots, no value it will read again).
pub unsafe fn clear_heap(ctx: *mut Ctx, release: bool) {
    let p = &mut *process_state::of(ctx);
    debug_assert!(p.roots.is_empty());
    if release {
        p.heap.release();
    } else {
        p.heap.clear();
    }
}
