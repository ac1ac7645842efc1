//! Snow panics: report on stderr and end the running process (the whole
//! program when it is `main`). Never unwinds: the runtime is built with
//! panic=abort and a Snow panic is not a Rust panic.
//!
//! Processes are the process layer's: it registers `set_process_hook` at
//! start-up, which ends a scheduled process other than `main` (or returns
//! the panic to a protected call). A panic of `main`, or of a context
//! without a scheduled process, ends the program here.

use crate::base::abi::{Ctx, Loc, SnowStr};
use crate::base::console;
use core::ffi::{c_char, CStr};
use std::sync::OnceLock;

/// Called with the context, the exit reason's message and the whole report
/// text (`<msg><place> at file:line:col<hint>`); does not return when it
/// ends the process, returns when the program is to end.
pub type ProcessHook = unsafe fn(ctx: *mut Ctx, msg: &[u8], text: &[u8]);

static PROCESS_HOOK: OnceLock<ProcessHook> = OnceLock::new();

/// Registers the process layer's `ProcessHook` (once; later calls are
/// ignored).
pub fn set_process_hook(f: ProcessHook) {
    let _ = PROCESS_HOOK.set(f);
}

/// Prints `panic: <msg>` and `  at file:line:col`, then ends the process.
///
/// # Safety
/// `ctx` is the running process's context; `loc` is null or valid.
pub unsafe fn fail(ctx: *mut Ctx, msg: &[u8], loc: *const Loc) -> ! {
    report(ctx, msg, Detail::default(), loc)
}

/// What a report says beyond the exit reason: where in the code
/// (` in count/1`) and a hint (` (stack size ...)`).
#[derive(Default)]
pub struct Detail<'a> {
    pub place: &'a [u8],
    pub hint: &'a [u8],
}

/// Ends the running process with the reason `msg`. `main` reports
/// `panic: <msg><place><hint>` and `  at file:line:col`; another process
/// the one line `[snow] process <0.N> crashed: <msg><place> at
/// file:line:col<hint>`.
///
/// # Safety
/// As `fail`.
pub unsafe fn report(ctx: *mut Ctx, msg: &[u8], d: Detail, loc: *const Loc) -> ! {
    let at = location(loc);
    if let Some(hook) = PROCESS_HOOK.get() {
        let mut text = [msg, d.place].concat();
        if let Some(at) = &at {
            text.extend_from_slice(b" at ");
            text.extend_from_slice(at);
        }
        text.extend_from_slice(d.hint);
        hook(ctx, msg, &text);
    }
    console::flush_stdout();
    let mut text = [b"panic: ", msg, d.place, d.hint, b"\n"].concat();
    if let Some(at) = at {
        text.extend_from_slice(b"  at ");
        text.extend_from_slice(&at);
        text.push(b'\n');
    }
    console::write_fd(2, &text);
    end_process(ctx)
}

/// `file:line:col` of a location that names a file.
unsafe fn location(loc: *const Loc) -> Option<Vec<u8>> {
    if loc.is_null() || (*loc).file.is_null() {
        return None;
    }
    let mut at = CStr::from_ptr((*loc).file).to_bytes().to_vec();
    at.extend_from_slice(format!(":{}:{}", (*loc).line, (*loc).col).as_bytes());
    Some(at)
}

/// Ends the program after a panic of the main process (or of a context
/// without a scheduled process) with status 101 (ruling 8).
unsafe fn end_process(_ctx: *mut Ctx) -> ! {
    console::flush_stdout();
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
