//! Runtime-private process state, reached from generated code only through
//! `snow_ctx.proc`. For now only the main process exists; each process owns
//! its heap and collects it alone.

use crate::gc::heap::Heap;

pub struct Process {
    pub heap: Heap,
    /// Highest stack address the collector scans (the stack's base).
    pub stack_base: usize,
    pub is_main: bool,
    /// Exact roots held by the runtime on behalf of the process (objects it
    /// keeps outside the stack, e.g. while unpacking spawn arguments).
    pub roots: Vec<usize>,
}

impl Process {
    pub fn new(stack_base: usize, is_main: bool, gc_stress: bool) -> Process {
        Process {
            heap: Heap::new(gc_stress),
            stack_base,
            is_main,
            roots: Vec::new(),
        }
    }
}
