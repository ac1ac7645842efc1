//! The Snow entry points that start servers (§5.3.1, ruling 4): a
//! `WsHandler` is a record of the three callbacks; `Ws.serve` in either
//! form runs the HTTP server's accept loop with the WebSocket connection
//! process; the handler is frozen once (`share`) and every connection's
//! `http::conn::Conn` points to it.

use super::conn;
use crate::base::abi::*;
use crate::library::http::server;
use crate::library::http::values::{Params, ANY_CLOSURE};
use crate::values::string::new_str;
use core::ffi::c_void;

unsafe extern "C" fn show_handler(ctx: *mut Ctx, _: Word) -> Word {
    new_str(ctx, b"WsHandler") as usize as Word
}

/// `WsHandler`: on_connect, on_message, on_close.
static HANDLER_OFFSETS: [u32; 3] = [16, 24, 32];
static HANDLER_FIELDS: Params<3> = Params([&ANY_CLOSURE, &ANY_CLOSURE, &ANY_CLOSURE]);
#[no_mangle]
pub static snow_t_WsHandler: SnowType = SnowType {
    flags: F_DISPLAY | F_DEBUG,
    size: 40,
    nparams: 3,
    params: HANDLER_FIELDS.0.as_ptr(),
    offsets: HANDLER_OFFSETS.as_ptr(),
    display: Some(show_handler),
    debug: Some(show_handler),
    ..SnowType::bare(K_STRUCT, c"WsHandler")
};

/// Freezes `handler` into the literal area, shared by every connection
/// process (as a router is, `http::dispatch::share`).
///
/// # Safety
/// `handler` is a live handler.
pub unsafe fn share(handler: *mut c_void) -> *mut c_void {
    crate::process::literal::freeze(&snow_t_WsHandler, handler as usize as Word) as usize
        as *mut c_void
}

/// `Map<String, String>`, the type of `on_connect`'s headers.
static MAP_PARAMS: Params<2> = Params([&snow_t_String, &snow_t_String]);
static HEADERS_T: SnowType = SnowType {
    nparams: 2,
    params: MAP_PARAMS.0.as_ptr(),
    ..SnowType::bare(K_MAP, c"Map<String, String>")
};

/// The request's headers as `on_connect` gets them: names in lower case,
/// the last duplicate's value.
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn headers_map(ctx: *mut Ctx, headers: &[(String, String)]) -> *mut c_void {
    let mut m = crate::values::map::snow_map_new(ctx, &HEADERS_T);
    for (n, v) in headers {
        let k = new_str(ctx, n.to_ascii_lowercase().as_bytes()) as usize as Word;
        let v = new_str(ctx, v.as_bytes()) as usize as Word;
        m = crate::values::map::snow_map_put(ctx, m, k, v);
    }
    m as *mut c_void
}

/// `Ws.handler(on_connect, on_message, on_close)`.
///
/// # Safety
/// `ctx` is the running process; the closures are live.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_handler(
    ctx: *mut Ctx,
    on_connect: *mut c_void,
    on_message: *mut c_void,
    on_close: *mut c_void,
) -> *mut c_void {
    let fields = [on_connect, on_message, on_close].map(|c| c as usize as Word);
    crate::values::layout::new_record(ctx, &snow_t_WsHandler, &fields) as usize as *mut c_void
}

/// `Ws.serve(handler, port)`: runs for ever (returns after a failed bind).
///
/// # Safety
/// `ctx` is the running process; `handler` a live handler.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_serve(ctx: *mut Ctx, handler: *mut c_void, port: i64) {
    server::serve(ctx, share(handler), port, "WebSocket", conn::entry, 0)
}

/// `Ws.serve(on_connect, on_message, on_close, port)`.
///
/// # Safety
/// As `snow_ws_handler`.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_serve_callbacks(
    ctx: *mut Ctx,
    on_connect: *mut c_void,
    on_message: *mut c_void,
    on_close: *mut c_void,
    port: i64,
) {
    let h = snow_ws_handler(ctx, on_connect, on_message, on_close);
    snow_ws_serve(ctx, h, port)
}
