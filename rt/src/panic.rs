//! Snow panics: report on stderr and end the running process (the whole
//! program when it is `main`). Never unwinds:
//! the runtime is built with panic=abort and a Snow panic is not a Rust
//! panic.

use crate::abi::{Ctx, Loc, SnowStr};
use crate::actor::lifecycle;
use crate::actor::pcb::actor_of;
use crate::io;
use core::ffi::{c_char, CStr};

/// Prints `panic: <msg>` and `  at file:line:col`, then ends the process.
///
/// # Safety
/// `ctx` is the running process's context; `loc` is null or valid.
pub unsafe fn fail(ctx: *mut Ctx, msg: &[u8], loc: *const Loc) -> ! {
    if let Some(a) = actor_of(ctx) {
        // Inside a protected call the panic goes back to its caller.
        crate::actor::protect::catch(a, msg);
        if !a.is_main {
            // Crash isolation: only this process ends.
            lifecycle::crash(a, msg);
        }
    }
    io::flush_stdout();
    let mut text = Vec::with_capacity(msg.len() + 64);
    text.extend_from_slice(b"panic: ");
    text.extend_from_slice(msg);
    text.push(b'\n');
    if !loc.is_null() && !(*loc).file.is_null() {
        let file = CStr::from_ptr((*loc).file).to_bytes();
        text.extend_from_slice(b"  at ");
        text.extend_from_slice(file);
        text.extend_from_slice(format!(":{}:{}\n", (*loc).line, (*loc).col).as_bytes());
    }
    io::write_fd(2, &text);
    end_process(ctx)
}

/// Ends the program after a panic of the main process (or of a context
/// without a scheduled process) with status 101 (ruling 8).
unsafe fn end_process(_ctx: *mut Ctx) -> ! {
    io::flush_stdout();
    std::process::exit(101)
}

/// Panics with a message at the location of the runtime call in progress.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn panic_msg(ctx: *mut Ctx, msg: &str) -> ! {
    let loc = if ctx.is_null() {
        core::ptr::null()
    } else {
        (*ctx).loc
    };
    fail(ctx, msg.as_bytes(), loc)
}

/// # Safety
/// `ctx` is the running context; `msg` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn snow_panic(ctx: *mut Ctx, msg: *const c_char) -> ! {
    let loc = if ctx.is_null() {
        core::ptr::null()
    } else {
        (*ctx).loc
    };
    fail(ctx, CStr::from_ptr(msg).to_bytes(), loc)
}

/// # Safety
/// As `snow_panic`; `loc` null or valid.
#[no_mangle]
pub unsafe extern "C" fn snow_panic_at(ctx: *mut Ctx, msg: *const c_char, loc: *const Loc) -> ! {
    fail(ctx, CStr::from_ptr(msg).to_bytes(), loc)
}

/// # Safety
/// As `snow_panic`; `msg` a live string object.
#[no_mangle]
pub unsafe extern "C" fn snow_panic_str(ctx: *mut Ctx, msg: *mut SnowStr) -> ! {
    let loc = if ctx.is_null() {
        core::ptr::null()
    } else {
        (*ctx).loc
    };
    fail(ctx, SnowStr::bytes(msg), loc)
}
