//! From a request to a response: route selection on the router's nodes,
//! then the middleware chain (first added outermost) around the handler or
//! the synthetic 404, all inside one protected call so that a crash
//! anywhere in it comes back as a report (§5.1.7).
//!
//! A router is read into a `Table` (routes and middleware in registration
//! order). A served router is frozen into the literal area (`share`) and its
//! table made once and kept for the program's life; any other router gets
//! a table per request.

use super::route;
use super::values::*;
use crate::base::abi::{closure_code, snow_t_Int, Ctx, Hdr, SnowType, Word, GC_STATIC, K_CLOSURE};
use crate::process::primitives::me;
use crate::process::{literal, protect};
use core::ffi::c_void;
use std::cell::Cell;
use std::sync::RwLock;

type HandlerFn = unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void) -> *mut c_void;
type MiddlewareFn =
    unsafe extern "C" fn(*mut Ctx, *mut c_void, *mut c_void, *mut c_void) -> *mut c_void;

/// The router's nodes of the given kinds, in registration order: (kind,
/// method, pattern, closure).
unsafe fn nodes(
    router: *mut c_void,
    kinds: &[i64],
) -> Vec<(i64, &'static [u8], &'static [u8], *mut c_void)> {
    let mut out = Vec::new();
    let mut n = router;
    while !n.is_null() {
        let kind = field(n, 1) as i64;
        if kinds.contains(&kind) {
            let f = field(n, 4) as usize as *mut c_void;
            out.push((kind, text(n, 2), text(n, 3), f));
        }
        n = field(n, 0) as usize as *mut c_void;
    }
    out.reverse();
    out
}

/// A router's routes (method, pattern) with their handlers (and whether
/// each is a WebSocket route, whose handler is a `WsHandler`), and its
/// middleware, in registration order.
pub struct Table {
    keys: Vec<(&'static str, &'static str)>,
    handlers: Vec<*mut c_void>,
    ws: Vec<bool>,
    middleware: Vec<*mut c_void>,
}

// SAFETY: a shared table points only into the literal area, which nothing
// writes or frees.
unsafe impl Send for Table {}
unsafe impl Sync for Table {}

impl Table {
    /// # Safety
    /// `router` is a live router; the table is used only while it lives.
    unsafe fn of(router: *mut c_void) -> Table {
        let routes = nodes(router, &[ROUTE, WS]);
        let keys = routes
            .iter()
            .map(|(_, m, p, _)| {
                (
                    core::str::from_utf8(m).unwrap_or(""),
                    core::str::from_utf8(p).unwrap_or(""),
                )
            })
            .collect();
        Table {
            keys,
            handlers: routes.iter().map(|r| r.3).collect(),
            ws: routes.iter().map(|r| r.0 == WS).collect(),
            middleware: nodes(router, &[USE]).into_iter().map(|n| n.3).collect(),
        }
    }
}

/// The tables of shared routers, by address (they live as long as the
/// program).
static SHARED: RwLock<Vec<(usize, &'static Table)>> = RwLock::new(Vec::new());

thread_local! {
    /// The shared table this thread used last: most lookups end here.
    static LAST: Cell<(usize, Option<&'static Table>)> = const { Cell::new((0, None)) };
}

/// Freezes `router` into the literal area and makes its table: the router
/// to serve, which every connection process shares.
///
/// # Safety
/// `router` is a live router.
pub unsafe fn share(router: *mut c_void) -> *mut c_void {
    let r = literal::freeze(&snow_t_Router, router as usize as Word) as usize as *mut c_void;
    if !r.is_null() {
        let t: &'static Table = Box::leak(Box::new(Table::of(r)));
        SHARED
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push((r as usize, t));
    }
    r
}

/// Runs `f` on the table of `router`.
unsafe fn with_table<R>(router: *mut c_void, f: impl FnOnce(&Table) -> R) -> R {
    let shared = !router.is_null() && (*(router as *const Hdr)).gc & GC_STATIC != 0;
    if shared {
        let (at, last) = LAST.get();
        if at == router as usize {
            if let Some(t) = last {
                return f(t);
            }
        }
        let found = SHARED
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(a, _)| *a == router as usize)
            .map(|(_, t)| *t);
        if let Some(t) = found {
            LAST.set((router as usize, Some(t)));
            return f(t);
        }
    }
    f(&Table::of(router))
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
    if let Some(mw) = with_table(router, |t| t.middleware.get(i).copied()) {
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

/// The handler of a WebSocket route: a closure that returns the response
/// it holds (the `101`, or the handshake's `400`), so middleware wraps an
/// upgrade like any request. Layout: header, code, response.
static REPLY_FIELDS: Params<1> = Params([&snow_t_Response]);
static REPLY_OFFSETS: [u32; 1] = [24];
static REPLY_T: SnowType = SnowType {
    size: 32,
    nparams: 1,
    params: REPLY_FIELDS.0.as_ptr(),
    offsets: REPLY_OFFSETS.as_ptr(),
    ..SnowType::bare(K_CLOSURE, c"upgrade")
};

unsafe extern "C" fn reply_code(_: *mut Ctx, clo: *mut c_void, _: *mut c_void) -> *mut c_void {
    ((clo as *const u8).add(24) as *const *mut c_void).read_unaligned()
}

/// The handler standing for a WebSocket route: the `101` when the
/// handshake `check` passes (its accept value goes to `upgrade`), else
/// the `400` with the check's reason (§5.3.3).
unsafe fn ws_reply(
    ctx: *mut Ctx,
    check: Result<String, &'static str>,
    upgrade: &mut Option<String>,
) -> *mut c_void {
    let resp = match check {
        Ok(accept) => {
            *upgrade = Some(accept);
            let body = crate::values::string::new_str(ctx, b"");
            new_response(ctx, 101, body as usize as Word, b"")
        }
        Err(reason) => {
            let text = format!("Bad Request: {reason}");
            let body = crate::values::string::new_str(ctx, text.as_bytes());
            let mut hs: Vec<(&[u8], &[u8])> = vec![(b"Content-Type", b"text/plain")];
            if reason.contains("Version") {
                hs.push((b"Sec-WebSocket-Version", b"13"));
            }
            let enc = encode_pairs(hs.into_iter());
            new_response(ctx, 400, body as usize as Word, &enc)
        }
    };
    let clo = crate::gc::alloc(ctx, &REPLY_T, 32);
    (clo.add(16) as *mut usize).write(reply_code as *const () as usize);
    (clo.add(24) as *mut usize).write(resp as usize);
    clo as *mut c_void
}

/// What `respond` produced: the response, and for a WebSocket route its
/// `WsHandler` with the accept value when the handshake passed.
pub struct Answer {
    pub response: *mut c_void,
    pub ws: Option<(*mut c_void, Option<String>)>,
}

/// Routes `req` and runs the chain: the response, or the crash report.
/// `check` is the WebSocket handshake, run only for a WebSocket route.
///
/// # Safety
/// `ctx` is the running process; `router` and `req` live in its heap.
pub unsafe fn respond(
    ctx: *mut Ctx,
    router: *mut c_void,
    req: *mut c_void,
    check: impl FnOnce() -> Result<String, &'static str>,
) -> Result<Answer, Vec<u8>> {
    // Rust values end before the chain runs: a process killed inside it
    // leaves nothing behind.
    let mut ws = None;
    let (handler, req) = {
        let method = String::from_utf8_lossy(text(req, 0));
        let path = String::from_utf8_lossy(text(req, 1));
        let found = with_table(router, |t| {
            route::select(&t.keys, &method, &path).map(|(i, caps)| (t.handlers[i], t.ws[i], caps))
        });
        match found {
            Some((handler, is_ws, caps)) => {
                let enc = encode_pairs(caps.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())));
                let req = if enc.is_empty() {
                    req
                } else {
                    with_params(ctx, req, &enc)
                };
                let handler = if is_ws {
                    let mut accept = None;
                    let h = ws_reply(ctx, check(), &mut accept);
                    ws = Some((handler, accept));
                    h
                } else {
                    handler
                };
                (handler, req)
            }
            None => (core::ptr::null_mut(), req),
        }
    };
    let a = me(ctx);
    let response = protect::call(ctx, a, &mut |ctx| {
        chain(ctx, router, 0, handler, req) as usize as Word
    })? as usize as *mut c_void;
    Ok(Answer { response, ws })
}
