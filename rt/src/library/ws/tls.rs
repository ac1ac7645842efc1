//! `Ws.serve_tls` (wss): the HTTP server's TLS setup (`http::tls`) around
//! the WebSocket connection loop. Reads that must not wait take what the
//! socket has into rustls and the plaintext out of it; writes and the
//! handshake park like any TLS write.

use super::conn::{self, Wire};
use crate::base::abi::{Ctx, SnowStr, Word};
use crate::io::net::Stream;
use crate::library::http::tls;
use core::ffi::c_void;
use rustls::ServerConnection;

impl Wire for rustls::Stream<'_, ServerConnection, Stream> {
    fn buffered(&mut self) -> bool {
        self.conn
            .process_new_packets()
            .is_ok_and(|s| s.plaintext_bytes_to_read() > 0)
    }
}

unsafe extern "C" fn entry(ctx: *mut Ctx, arg: Word) {
    tls::over_tls(ctx, arg, |c, st| conn::serve(ctx, c.shared, st, &mut c.buf));
}

/// `Ws.serve_tls(handler, port, cert, key)`.
///
/// # Safety
/// `ctx` is the running process; the arguments are live.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_serve_tls(
    ctx: *mut Ctx,
    handler: *mut c_void,
    port: i64,
    cert: *mut SnowStr,
    key: *mut SnowStr,
) {
    let kind = "WebSocket TLS";
    let handler = super::api::share(handler);
    tls::serve_tls(ctx, handler, port, kind, entry, cert, key)
}

/// `Ws.serve_tls(on_connect, on_message, on_close, port, cert, key)`.
///
/// # Safety
/// As `snow_ws_serve_tls`.
#[no_mangle]
pub unsafe extern "C" fn snow_ws_serve_tls_callbacks(
    ctx: *mut Ctx,
    on_connect: *mut c_void,
    on_message: *mut c_void,
    on_close: *mut c_void,
    port: i64,
    cert: *mut SnowStr,
    key: *mut SnowStr,
) {
    let h = super::api::snow_ws_handler(ctx, on_connect, on_message, on_close);
    snow_ws_serve_tls(ctx, h, port, cert, key)
}
