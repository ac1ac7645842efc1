//! Program entry (`snow_main`) and the preemption/stack-check slow path.

use crate::abi::{Ctx, BUDGET};
use crate::io;
use crate::panic::panic_msg;
use crate::process::Process;
use core::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

static ARGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();

/// Command-line arguments as given to `snow_main` (for `Env.args`).
pub fn args() -> &'static [Vec<u8>] {
    ARGS.get().map(|v| v.as_slice()).unwrap_or(&[])
}

/// Stack kept free below the limit so that runtime calls made after the
/// check (including the panic report itself) still fit.
const STACK_HEADROOM: usize = 64 * 1024;
const DEFAULT_STACK: usize = 8 * 1024 * 1024;

/// Estimates the highest address of the main thread's stack: the argument
/// and environment strings sit just below it.
unsafe fn stack_top_estimate(argc: c_int, argv: *mut *mut c_char, fallback: usize) -> usize {
    let mut top = fallback;
    let mut note = |p: *const c_char| {
        if !p.is_null() {
            let end = p as usize + CStr::from_ptr(p).to_bytes().len() + 1;
            top = top.max(end);
        }
    };
    for i in 0..argc.max(0) as usize {
        note(*argv.add(i));
    }
    extern "C" {
        static environ: *const *const c_char;
    }
    let mut e = environ;
    while !e.is_null() && !(*e).is_null() {
        note(*e);
        e = e.add(1);
    }
    (top + 4095) & !4095
}

fn stack_size_limit() -> usize {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct we pass.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut rl) } == 0;
    if !ok || rl.rlim_cur == libc::RLIM_INFINITY {
        DEFAULT_STACK
    } else {
        rl.rlim_cur as usize
    }
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

    // The stack base for root scanning: a little above this frame, still
    // inside the (mapped) frames of our caller. Everything the program
    // allocates is referenced from frames below it.
    let anchor = 0u64;
    let here = core::hint::black_box(&anchor) as *const u64 as usize;
    let base = (here + 256) & !15;
    let top = stack_top_estimate(argc, argv, base);
    let limit = top
        .saturating_sub(stack_size_limit())
        .saturating_add(STACK_HEADROOM)
        .min(here);

    let stress = std::env::var_os("SNOW_GC_STRESS").is_some_and(|v| v == "1");
    let process = Box::into_raw(Box::new(Process::new(base, true, stress)));
    let mut ctx = Ctx {
        budget: BUDGET,
        stack_limit: limit as *mut c_char,
        loc: core::ptr::null(),
        proc_: process,
    };
    entry(&mut ctx);
    io::flush_stdout();
    0
}

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_slow_path(ctx: *mut Ctx) {
    let probe = 0u8;
    let sp = core::hint::black_box(&probe) as *const u8 as usize;
    if sp < (*ctx).stack_limit as usize {
        panic_msg(ctx, "stack overflow");
    }
    // Only the main process exists yet, so there is nobody to yield to.
    (*ctx).budget = BUDGET;
}
