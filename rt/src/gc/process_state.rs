//! Runtime-private process state, reached from generated code through
//! `snow_ctx.proc`: the parts the collector needs (heap, stack base, exact
//! roots). Each process owns its heap and collects it alone. Scheduled
//! processes also point back to their control block (`owner`, opaque here:
//! the process layer above knows it); contexts made by unit tests have none.

use crate::base::abi::Ctx;
use crate::gc::heap::Heap;
use core::ffi::c_void;

/// In C order: the fields every runtime call reads come first, the heap's
/// large bookkeeping last (see `process::pcb::Owned`).
#[repr(C)]
pub struct ProcessState {
    /// The control block (`process::pcb::Actor`) of a scheduled process;
    /// null for test contexts.
    pub owner: *const c_void,
    /// Highest stack address the collector scans (the stack's base).
    pub stack_base: usize,
    pub is_main: bool,
    /// Exact roots held by the runtime on behalf of the process (objects it
    /// keeps outside the stack, e.g. a terminate closure).
    pub roots: Vec<usize>,
    pub heap: Heap,
}

impl ProcessState {
    pub fn new(stack_base: usize, is_main: bool, gc_stress: bool) -> ProcessState {
        ProcessState::with_heap(stack_base, is_main, Heap::new(gc_stress))
    }

    pub fn with_heap(stack_base: usize, is_main: bool, heap: Heap) -> ProcessState {
        ProcessState {
            heap,
            stack_base,
            is_main,
            roots: Vec::new(),
            owner: core::ptr::null(),
        }
    }
}

/// The process state of `ctx` (null when the context has none).
///
/// # Safety
/// `ctx` is a live context.
#[inline(always)]
pub unsafe fn of(ctx: *mut Ctx) -> *mut ProcessState {
    (*ctx).proc_ as *mut ProcessState
}
