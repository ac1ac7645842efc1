//! Program entry: `snow_main` starts the layers (the scheduler, which
//! registers the process layer with the layers below, then the reactor,
//! which registers itself with the scheduler), runs `main` as a process and
//! the reactor on this thread. Also the command-line arguments.

use crate::base::abi::Ctx;
use crate::base::console;
use crate::gc::heap::Heap;
use crate::io::reactor;
use crate::process::lifecycle;
use crate::process::pcb::Entry;
use crate::process::pid_table;
use crate::process::{scheduler, stack, worker};
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
    let reactor = reactor::start();
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
    let status = reactor.run();
    console::flush_stdout();
    status
}
