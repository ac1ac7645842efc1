//! From a request to a response: route selection on the router's nodes,
//! then the middleware chain (first added outermost) around the handler or
//! the synthetic 404, all inside one protected call so that a crash
//! anywhere in it comes back as a report (§5.1.7).

use super::route;
use super::values::*;
use crate::base::abi::{closure_code, snow_t_Int, Ctx, SnowType, Word, K_CLOSURE};
use crate::process::primitives::me;
use crate::process::protect;
use core::ffi::c_void;

type HandlerFn = unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void) -> *mut c_void;
type MiddlewareFn =
    unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void, *mut c_void) -> *mut c_void;

/// The router's nodes of `kind`, in registration order: (method, pattern,
/// closure).
unsafe fn nodes(
    router: *mut c_void,
    kind: i64,
) -> Vec<(&'static [u8], &'static [u8], *mut c_void)> {
    let mut out = Vec::new();
    let mut n = router;
    while !n.is_null() {
        if field(n, 1) as i64 == kind {
            out.push((text(n, 2), text(n, 3), field(n, 4) as usize as *mut c_void));
        }
        n = field(n, 0) as usize as *mut c_void;
    }
    out.reverse();
    out
}

/// The closure `next` handed to middleware `i - 1`: runs the chain from
/// middleware `i` on. Layout: header, code, router, i, handler.
static NEXT_FIELDS: Params<3> = Params([&snow_t_Router, &snow_t_Int, &ANY_CLOSURE]);
static NEXT_OFFSETS: [u32; 3] = [24, 32, 40];
static NEXT_T: SnowType = SnowType {
    size: 48,
    nparams: 3,
    params: NEXT_FIELDS.0.as_ptr(),
    offsets: NEXT_OFFSETS.as_ptr(),
    ..SnowType::bare(K_CLOSURE, c"next")
};

unsafe extern "C" fn next_code(ctx: *mut Ctx, clo: *mut c_void, req: *mut c_void) -> *mut c_void {
    let at = |off: usize| ((clo as *const u8).add(off) as *const Word).read_unaligned();
    chain(
        ctx,
        at(24) as usize as *mut c_void,
        at(32) as usize,
        at(40) as usize as *mut c_void,
        req,
    )
}

/// Runs middleware `i..` then `handler` (null: the 404) on `req`.
unsafe fn chain(
    ctx: *mut Ctx,
    router: *mut c_void,
    i: usize,
    handler: *mut c_void,
    req: *mut c_void,
) -> *mut c_void {
    let mws = nodes(router, USE);
    if let Some(&(_, _, mw)) = mws.get(i) {
        drop(mws);
        let next = crate::gc::alloc(ctx, &NEXT_T, 48);
        (next.add(16) as *mut usize).write(next_code as *const () as usize);
        (next.add(24) as *mut usize).write(router as usize);
        (next.add(32) as *mut usize).write(i + 1);
        (next.add(40) as *mut usize).write(handler as usize);
        let f: MiddlewareFn = core::mem::transmute(closure_code(mw));
        return f(ctx, mw, req, next as *mut c_void);
    }
    if handler.is_null() {
        let body = crate::values::string::new_str(ctx, b"Not Found");
        return new_response(ctx, 404, body as usize as Word, b"");
    }
    let f: HandlerFn = core::mem::transmute(closure_code(handler));
    f(ctx, handler, req)
}

/// Routes `req` and runs the chain: the response, or the crash report.
///
/// # Safety
/// `ctx` is the running process; `router` and `req` live in its heap.
pub unsafe fn respond(
    ctx: *mut Ctx,
    router: *mut c_void,
    req: *mut c_void,
) -> Result<*mut c_void, Vec<u8>> {
    let routes = nodes(router, ROUTE);
    let keys: Vec<(&str, &str)> = routes
        .iter()
        .map(|(m, p, _)| {
            (
                core::str::from_utf8(m).unwrap_or(""),
                core::str::from_utf8(p).unwrap_or(""),
            )
        })
        .collect();
    let method = String::from_utf8_lossy(text(req, 0)).into_owned();
    let path = String::from_utf8_lossy(text(req, 1)).into_owned();
    let (handler, req) = match route::select(&keys, &method, &path) {
        Some((i, caps)) => {
            let enc = encode_pairs(caps.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())));
            let req = if enc.is_empty() {
                req
            } else {
                with_params(ctx, req, &enc)
            };
            (routes[i].2, req)
        }
        None => (core::ptr::null_mut(), req),
    };
    drop((keys, routes));
    let a = me(ctx);
    protect::call(ctx, a, &mut |ctx| {
        chain(ctx, router, 0, handler, req) as usize as Word
    })
    .map(|w| w as usize as *mut c_void)
}
