//! Program entry (`snow_main`: starts the scheduler, runs `main` as a
//! process and the reactor on this thread) and the preemption slow path.

use crate::abi::{Ctx, FnLoc, BUDGET};
use crate::actor::lifecycle;
use crate::actor::pcb::{actor_of, Entry};
use crate::actor::table;
use crate::gc::heap::Heap;
use crate::io;
use crate::sched::{self, stack, worker};
use core::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

static ARGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();

/// Command-line arguments as given to `snow_main` (for `Env.args`).
pub fn args() -> &'static [Vec<u8>] {
    ARGS.get().map(|v| v.as_slice()).unwrap_or(&[])
}

fn install_panic_hook() {
    // A Rust panic inside the runtime is a runtime bug. Report it and abort:
    // unwinding through generated C frames is undefined.
    std::panic::set_hook(Box::new(|info| {
        io::flush_stdout();
        let text = format!("internal runtime error: {info}\n");
        io::write_fd(2, text.as_bytes());
        std::process::abort();
    }));
}

/// Stack of the main process: as large as a usual OS main-thread stack, so
/// deep recursion in `main` behaves as before processes existed. Committed
/// lazily like every process stack.
const MAIN_STACK: usize = 8 * 1024 * 1024;

/// # Safety
/// Called once from the generated C `main` with its own arguments.
#[no_mangle]
pub unsafe extern "C" fn snow_main(
    argc: c_int,
    argv: *mut *mut c_char,
    entry: unsafe extern "C" fn(*mut Ctx),
) -> c_int {
    install_panic_hook();
    let args = (0..argc.max(0) as usize)
        .map(|i| CStr::from_ptr(*argv.add(i)).to_bytes().to_vec())
        .collect();
    let _ = ARGS.set(args);
    io::init();

    // `main` runs as a process like any other (so it can block in receive,
    // sleep and be preempted); this thread becomes the reactor.
    let stress = std::env::var_os("SNOW_GC_STRESS").is_some_and(|v| v == "1");
    let seeds = sched::init(sched::worker_count(), stress);
    let pid = table::next_pid();
    let main = lifecycle::create(
        pid,
        true,
        Entry::Main(entry),
        Heap::new(stress),
        stack::alloc_dedicated(MAIN_STACK.max(stack::default_size())),
    );
    sched::enqueue(main, core::ptr::null_mut());
    worker::spawn_threads(seeds);
    let status = sched::get().reactor.run();
    io::flush_stdout();
    status
}

/// (About) the current stack pointer: the address of a local of the
/// caller's frame.
#[inline(always)]
pub fn stack_pointer() -> usize {
    let probe = 0u8;
    core::hint::black_box(&probe) as *const u8 as usize
}

/// Runtime code that recurses as deep as a value, named in its `stack
/// overflow` report.
pub static IN_EQ: FnLoc = FnLoc::runtime(c"==");
pub static IN_COMPARE: FnLoc = FnLoc::runtime(c"compare");
pub static IN_HASH: FnLoc = FnLoc::runtime(c"hash");
pub static IN_SHOW: FnLoc = FnLoc::runtime(c"Display/Debug");
pub static IN_TO_JSON: FnLoc = FnLoc::runtime(c"to_json");
pub static IN_FROM_JSON: FnLoc = FnLoc::runtime(c"from_json");

/// The generated prologue's check, for runtime code that recurses as deep
/// as a value (Display, equality, ordering, hashing, JSON): below the
/// limit it panics with `stack overflow` (or yields, when a yield was
/// requested), instead of running past the process's stack.
///
/// # Safety
/// `ctx` is null or the running process's context, on its own stack.
#[inline]
pub unsafe fn check_stack(ctx: *mut Ctx, site: &'static FnLoc) {
    if !ctx.is_null() && stack_pointer() < (*ctx).stack_limit as usize {
        snow_slow_path(ctx, site);
    }
}

/// Entered by a stack check that failed: a yield request, spent budget,
/// a pending exit, the first use of a stack below its `KEEP` mark, or a
/// stack overflow in the function `site` (null when unknown).
///
/// # Safety
/// `ctx` is the running process's context; `site` null or valid.
#[no_mangle]
pub unsafe extern "C" fn snow_slow_path(ctx: *mut Ctx, site: *const FnLoc) {
    if let Some(a) = actor_of(ctx) {
        lifecycle::slow_path(ctx, a, site);
        return;
    }
    // A context without a scheduled process (runtime unit tests): only the
    // overflow check applies.
    if stack_pointer() < (*ctx).stack_limit as usize {
        crate::panic::overflow(ctx, site, 0);
    }
    (*ctx).budget = BUDGET;
}
