//! Program entry (`snow_main`: starts the scheduler, runs `main` as a
//! process and the reactor on this thread), the preemption slow paths and
//! the move to a new stack segment (see `actor::grow`).

use crate::base::abi::{Ctx, FnLoc, BUDGET};
use crate::base::console;
use crate::gc::heap::Heap;
use crate::process::grow::{self, Resume};
use crate::process::lifecycle;
use crate::process::pcb::{actor_of, Entry};
use crate::process::pid_table;
use crate::process::{scheduler, stack, worker};
use core::ffi::{c_char, c_int, c_void, CStr};
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
        console::flush_stdout();
        let text = format!("internal runtime error: {info}\n");
        console::write_fd(2, text.as_bytes());
        std::process::abort();
    }));
}

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
    console::init();

    // `main` runs as a process like any other (so it can block in receive,
    // sleep and be preempted); this thread becomes the reactor.
    let stress = std::env::var_os("SNOW_GC_STRESS").is_some_and(|v| v == "1");
    let seeds = scheduler::init(scheduler::worker_count(), stress);
    let pid = pid_table::next_pid();
    let main = lifecycle::create(
        pid,
        true,
        Entry::Main(entry),
        Heap::new(stress),
        stack::alloc(None),
    );
    scheduler::enqueue(main, core::ptr::null_mut());
    worker::spawn_threads(seeds);
    let status = scheduler::get().reactor.run();
    console::flush_stdout();
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

/// Runs `f`, which recurses as deep as a value (Display, equality,
/// ordering, hashing, JSON), like a generated function behind its entry
/// check: when the check fails, through the slow path, which runs it on a
/// new stack segment if this one is short; `site` names the operation in a
/// `stack overflow` report.
///
/// # Safety
/// `ctx` is null or the running process's context, on its own stack.
#[inline(always)]
pub unsafe fn deeper<R>(ctx: *mut Ctx, site: &'static FnLoc, f: impl FnOnce() -> R) -> R {
    if !ctx.is_null() && stack_pointer() < (*ctx).stack_limit as usize {
        return rerun(ctx, site, f);
    }
    f()
}

#[inline(never)]
unsafe fn rerun<R, F: FnOnce() -> R>(ctx: *mut Ctx, site: &'static FnLoc, f: F) -> R {
    // The closure and then its result live in this frame, where the
    // collector finds what they hold.
    let mut slot: (Option<F>, Option<R>) = (Some(f), None);
    unsafe extern "C" fn run<R, F: FnOnce() -> R>(_ctx: *mut Ctx, p: *mut c_void) {
        let slot = &mut *(p as *mut (Option<F>, Option<R>));
        if let Some(f) = slot.0.take() {
            slot.1 = Some(f());
        }
    }
    let args = &mut slot as *mut _ as *mut c_void;
    snow_slow_path_rerun(ctx, site, 0, run::<R, F>, args);
    slot.1.take().expect("a rerun returns its result")
}

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
/// frame of `frame` bytes, on a new segment (see `actor::grow`).
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
                crate::base::panic::overflow(ctx, site, 0);
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
    crate::base::panic::overflow(ctx, site, size)
}
