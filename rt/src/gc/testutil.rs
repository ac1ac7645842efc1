//! Test support: a process context on the test thread's own stack, and
//! descriptors for test object graphs (`values::string::lit` makes test
//! strings).

use crate::base::abi::*;
use crate::gc::process_state::{self, ProcessState};
use core::ffi::{c_char, CStr};

/// Runs `f` with a fresh process whose stack base is just above this frame.
pub fn with_ctx<R>(stress: bool, f: impl FnOnce(*mut Ctx) -> R) -> R {
    let anchor = 0u64;
    let base = (core::hint::black_box(&anchor) as *const u64 as usize + 256) & !15;
    let mut p = Box::new(ProcessState::new(base, true, stress));
    let mut ctx = Ctx {
        budget: BUDGET,
        stack_limit: core::ptr::null_mut(),
        loc: core::ptr::null(),
        proc_: &mut *p as *mut ProcessState as *mut core::ffi::c_void,
    };
    let r = run_below(f, &mut ctx);
    core::hint::black_box(&ctx);
    r
}

/// Calls `f` in a frame of its own, so every local of `f` lies below the
/// anchor used as stack base (within one frame the layout is arbitrary).
#[inline(never)]
fn run_below<R>(f: impl FnOnce(*mut Ctx) -> R, ctx: *mut Ctx) -> R {
    let r = f(core::hint::black_box(ctx));
    core::hint::black_box(());
    r
}

pub fn process(ctx: *mut Ctx) -> &'static mut ProcessState {
    // SAFETY: test contexts always carry a live process.
    unsafe { &mut *process_state::of(ctx) }
}

pub fn text(s: *mut SnowStr) -> String {
    // SAFETY: the caller passes a live string.
    String::from_utf8(unsafe { SnowStr::bytes(s) }.to_vec()).unwrap()
}

/// Leaks a descriptor for the lifetime of the test process.
#[allow(clippy::too_many_arguments)]
pub fn desc(
    kind: u32,
    flags: u32,
    name: &'static CStr,
    size: u32,
    params: Vec<&'static SnowType>,
    offsets: Vec<u32>,
    field_names: Vec<&'static CStr>,
    tag: i64,
) -> &'static SnowType {
    let nparams = params.len() as u32;
    let params: &'static [*const SnowType] = Box::leak(
        params
            .into_iter()
            .map(|p| p as *const SnowType)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let offsets: &'static [u32] = Box::leak(offsets.into_boxed_slice());
    let names: &'static [*const c_char] = Box::leak(
        field_names
            .into_iter()
            .map(|n| n.as_ptr())
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    Box::leak(Box::new(SnowType {
        kind,
        flags,
        name: name.as_ptr(),
        size,
        nparams,
        params: params.as_ptr(),
        offsets: if offsets.is_empty() {
            core::ptr::null()
        } else {
            offsets.as_ptr()
        },
        field_names: if names.is_empty() {
            core::ptr::null()
        } else {
            names.as_ptr()
        },
        tag,
        display: None,
        debug: None,
        eq: None,
        cmp: None,
        hash: None,
    }))
}

pub fn list_of(elem: &'static SnowType) -> &'static SnowType {
    desc(
        K_LIST,
        F_DISPLAY | F_DEBUG,
        c"List",
        0,
        vec![elem],
        vec![],
        vec![],
        0,
    )
}
