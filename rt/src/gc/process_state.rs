//! Runtime-private process state, reached from generated code through
//! `snow_ctx.proc`: the parts the collector needs (heap, stack base, exact
//! roots). Each process owns its heap and collects it alone. Scheduled
//! processes also point back to their control block (`actor`); contexts made
//! by unit tests have none.

use crate::gc::heap::Heap;
use crate::process::pcb::Actor;

/// In C order: the fields every runtime call reads come first, the heap's
/// large bookkeeping last (see `actor::pcb::Owned`).
#[repr(C)]
pub struct Process {
    /// The control block of a scheduled process; null for test contexts.
    pub actor: *const Actor,
    /// Highest stack address the collector scans (the stack's base).
    pub stack_base: usize,
    pub is_main: bool,
    /// Exact roots held by the runtime on behalf of the process (objects it
    /// keeps outside the stack, e.g. a terminate closure).
    pub roots: Vec<usize>,
    pub heap: Heap,
}

impl Process {
    pub fn new(stack_base: usize, is_main: bool, gc_stress: bool) -> Process {
        Process::with_heap(stack_base, is_main, Heap::new(gc_stress))
    }

    pub fn with_heap(stack_base: usize, is_main: bool, heap: Heap) -> Process {
        Process {
            heap,
            stack_base,
            is_main,
            roots: Vec::new(),
            actor: core::ptr::null(),
        }
    }
}
