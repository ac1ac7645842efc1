//! The HTTP server's values (§5.0.1) and their Snow functions: routers,
//! requests and responses are immutable heap objects laid out as structs
//! of word-sized fields, so the collector traces them and messages copy
//! them like any record.
//!
//! - A router is a chain of nodes, newest first: `route`, `on_*` and `use`
//!   add one node in front and share the rest (the old router is
//!   unchanged). The root node is `HTTP.router()`.
//! - Header and parameter lists are one string of `name NUL value NUL`
//!   pairs: one object however many there are.

use crate::base::abi::*;
use crate::values::layout::{new_record, option};
use crate::values::string::new_str;
use core::ffi::c_void;

/// A table of descriptor pointers a static descriptor can point to.
#[repr(transparent)]
pub struct Params<const N: usize>(pub [*const SnowType; N]);
// SAFETY: the pointers are to immutable statics.
unsafe impl<const N: usize> Sync for Params<N> {}

pub const fn record(
    kind: u32,
    name: &'static core::ffi::CStr,
    n: usize,
    params: *const *const SnowType,
    offsets: &'static [u32],
    show: ShowFn,
) -> SnowType {
    SnowType {
        flags: F_DISPLAY | F_DEBUG,
        size: offsets[n - 1] + 8,
        nparams: n as u32,
        params,
        offsets: offsets.as_ptr(),
        display: Some(show),
        debug: Some(show),
        ..SnowType::bare(kind, name)
    }
}

/// Display and Debug of a router: `Router(2 routes, 1 middleware)`.
unsafe extern "C" fn show_router(ctx: *mut Ctx, w: Word) -> Word {
    let (mut routes, mut uses) = (0, 0);
    let mut n = w as usize as *const c_void;
    while !n.is_null() {
        match field(n, 1) as i64 {
            ROUTE | WS => routes += 1,
            USE => uses += 1,
            _ => {}
        }
        n = field(n, 0) as usize as *const c_void;
    }
    s(
        ctx,
        format!("Router({routes} routes, {uses} middleware)").as_bytes(),
    )
}

/// Display and Debug of a request: `Request(GET /users/42)`.
unsafe extern "C" fn show_request(ctx: *mut Ctx, w: Word) -> Word {
    let r = w as usize as *const c_void;
    let mut t = b"Request(".to_vec();
    t.extend_from_slice(text(r, 0));
    t.push(b' ');
    t.extend_from_slice(text(r, 1));
    t.push(b')');
    s(ctx, &t)
}

/// Display and Debug of a response: `Response(200)`.
unsafe extern "C" fn show_response(ctx: *mut Ctx, w: Word) -> Word {
    let status = field(w as usize as *const c_void, 0) as i64;
    s(ctx, format!("Response({status})").as_bytes())
}

/// Any closure, as a field type (tracing and copying read the object's own
/// descriptor; the field's only says it is a pointer).
pub static ANY_CLOSURE: SnowType = SnowType {
    size: 16,
    ..SnowType::bare(K_CLOSURE, c"closure")
};

pub const OFFSETS: [u32; 6] = [16, 24, 32, 40, 48, 56];
const S: *const SnowType = &snow_t_String;

/// Router node: previous node, kind (`ROOT`, `ROUTE`, `USE`, `WS`), method
/// ("" for any), pattern, closure (or a `WsHandler` record).
static ROUTER_FIELDS: Params<5> = Params([&snow_t_Router, &snow_t_Int, S, S, &ANY_CLOSURE]);
#[no_mangle]
pub static snow_t_Router: SnowType = record(
    K_STRUCT,
    c"Router",
    5,
    ROUTER_FIELDS.0.as_ptr(),
    &OFFSETS,
    show_router,
);

/// Request: method, path, query, body, headers, params.
static REQUEST_FIELDS: Params<6> = Params([S, S, S, S, S, S]);
#[no_mangle]
pub static snow_t_Request: SnowType = record(
    K_STRUCT,
    c"Request",
    6,
    REQUEST_FIELDS.0.as_ptr(),
    &OFFSETS,
    show_request,
);

/// Response: status, body, headers.
static RESPONSE_FIELDS: Params<3> = Params([&snow_t_Int, S, S]);
#[no_mangle]
pub static snow_t_Response: SnowType = record(
    K_STRUCT,
    c"Response",
    3,
    RESPONSE_FIELDS.0.as_ptr(),
    &OFFSETS,
    show_response,
);

pub const ROOT: i64 = 0;
pub const ROUTE: i64 = 1;
pub const USE: i64 = 2;
/// A WebSocket route (`HTTP.ws`): its closure field holds a `WsHandler`.
pub const WS: i64 = 3;

/// Field `i` of a record made here.
///
/// # Safety
/// `o` is one of this module's objects with at least `i + 1` fields.
pub unsafe fn field(o: *const c_void, i: usize) -> Word {
    ((o as *const u8).add(OFFSETS[i] as usize) as *const Word).read_unaligned()
}

/// The bytes of string field `i`.
///
/// # Safety
/// As `field`, and field `i` is a string.
pub unsafe fn text<'a>(o: *const c_void, i: usize) -> &'a [u8] {
    SnowStr::bytes(field(o, i) as usize as *const SnowStr)
}

unsafe fn s(ctx: *mut Ctx, b: &[u8]) -> Word {
    new_str(ctx, b) as usize as Word
}

/// `name NUL value NUL` pairs.
pub fn encode_pairs<'a>(pairs: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, v) in pairs {
        out.extend_from_slice(n);
        out.push(0);
        out.extend_from_slice(v);
        out.push(0);
    }
    out
}

/// The pairs of an encoded list.
pub fn pairs(enc: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut parts = enc.split(|&b| b == 0);
    core::iter::from_fn(move || {
        let n = parts.next()?;
        let v = parts.next()?;
        Some((n, v))
    })
}

/// The last value under `name` (ASCII case-insensitive with `fold`).
pub fn lookup<'a>(enc: &'a [u8], name: &[u8], fold: bool) -> Option<&'a [u8]> {
    pairs(enc)
        .filter(|(n, _)| {
            if fold {
                n.eq_ignore_ascii_case(name)
            } else {
                *n == name
            }
        })
        .last()
        .map(|(_, v)| v)
}

/// A new router node in front of `prev`.
unsafe fn node(
    ctx: *mut Ctx,
    prev: *mut c_void,
    kind: i64,
    method: &[u8],
    pattern: *mut SnowStr,
    f: *mut c_void,
) -> *mut c_void {
    let m = s(ctx, method);
    let fields = [
        prev as usize as Word,
        kind as Word,
        m,
        pattern as usize as Word,
        f as usize as Word,
    ];
    new_record(ctx, &snow_t_Router, &fields) as usize as *mut c_void
}

/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_http_router(ctx: *mut Ctx) -> *mut c_void {
    let empty = new_str(ctx, b"");
    node(
        ctx,
        core::ptr::null_mut(),
        ROOT,
        b"",
        empty,
        core::ptr::null_mut(),
    )
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_route(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    h: *mut c_void,
) -> *mut c_void {
    node(ctx, r, ROUTE, b"", pattern, h)
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_on_get(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    h: *mut c_void,
) -> *mut c_void {
    node(ctx, r, ROUTE, b"GET", pattern, h)
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_on_post(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    h: *mut c_void,
) -> *mut c_void {
    node(ctx, r, ROUTE, b"POST", pattern, h)
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_on_put(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    h: *mut c_void,
) -> *mut c_void {
    node(ctx, r, ROUTE, b"PUT", pattern, h)
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_on_delete(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    h: *mut c_void,
) -> *mut c_void {
    node(ctx, r, ROUTE, b"DELETE", pattern, h)
}

/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_use(
    ctx: *mut Ctx,
    r: *mut c_void,
    mw: *mut c_void,
) -> *mut c_void {
    let empty = new_str(ctx, b"");
    node(ctx, r, USE, b"", empty, mw)
}

/// `HTTP.ws(r, path, handler)`: upgrade requests routed to `path` (any
/// method, so a POST gets the handshake's 400) become WebSocket
/// connections run by `handler`.
///
/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_ws(
    ctx: *mut Ctx,
    r: *mut c_void,
    pattern: *mut SnowStr,
    handler: *mut c_void,
) -> *mut c_void {
    node(ctx, r, WS, b"", pattern, handler)
}

/// A new response.
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn new_response(ctx: *mut Ctx, status: i64, body: Word, headers: &[u8]) -> *mut c_void {
    let h = s(ctx, headers);
    new_record(ctx, &snow_t_Response, &[status as Word, body, h]) as usize as *mut c_void
}

/// # Safety
/// `ctx` is the running process; `body` a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_http_response(
    ctx: *mut Ctx,
    status: i64,
    body: *mut SnowStr,
) -> *mut c_void {
    new_response(ctx, status, body as usize as Word, b"")
}

/// `HTTP.with_header`: a copy of `resp` with `name` set to `value`
/// (replacing a header of that name, ASCII case-insensitively).
///
/// # Safety
/// `ctx` is the running process; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_with_header(
    ctx: *mut Ctx,
    resp: *mut c_void,
    name: *mut SnowStr,
    value: *mut SnowStr,
) -> *mut c_void {
    let (n, v) = (SnowStr::bytes(name), SnowStr::bytes(value));
    let kept = pairs(text(resp, 2)).filter(|(hn, _)| !hn.eq_ignore_ascii_case(n));
    let enc = encode_pairs(kept.chain([(n, v)]));
    new_response(ctx, field(resp, 0) as i64, field(resp, 1), &enc)
}

/// A new request; `headers` and `params` are encoded pair lists.
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn new_request(
    ctx: *mut Ctx,
    method: &str,
    target: &str,
    body: &[u8],
    headers: &[u8],
    params: &[u8],
) -> *mut c_void {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let body = String::from_utf8_lossy(body);
    let f = [
        s(ctx, method.as_bytes()),
        s(ctx, path.as_bytes()),
        s(ctx, query.as_bytes()),
        s(ctx, body.as_bytes()),
        s(ctx, headers),
        s(ctx, params),
    ];
    new_record(ctx, &snow_t_Request, &f) as usize as *mut c_void
}

/// The same request with other parameters.
///
/// # Safety
/// `ctx` is the running process; `req` a live request.
pub unsafe fn with_params(ctx: *mut Ctx, req: *mut c_void, params: &[u8]) -> *mut c_void {
    let p = s(ctx, params);
    let f = [
        field(req, 0),
        field(req, 1),
        field(req, 2),
        field(req, 3),
        field(req, 4),
        p,
    ];
    new_record(ctx, &snow_t_Request, &f) as usize as *mut c_void
}

/// # Safety
/// `req` is a live request.
#[no_mangle]
pub unsafe extern "C" fn snow_request_method(_ctx: *mut Ctx, req: *mut c_void) -> *mut SnowStr {
    field(req, 0) as usize as *mut SnowStr
}

/// # Safety
/// `req` is a live request.
#[no_mangle]
pub unsafe extern "C" fn snow_request_path(_ctx: *mut Ctx, req: *mut c_void) -> *mut SnowStr {
    field(req, 1) as usize as *mut SnowStr
}

/// # Safety
/// `req` is a live request.
#[no_mangle]
pub unsafe extern "C" fn snow_request_body(_ctx: *mut Ctx, req: *mut c_void) -> *mut SnowStr {
    field(req, 3) as usize as *mut SnowStr
}

/// `Some(v)` (a new string) or `None` of the Option descriptor `opt`.
///
/// # Safety
/// `ctx` is the running process; `opt` describes `Option<String>`.
pub unsafe fn opt_str(ctx: *mut Ctx, opt: *const SnowType, v: Option<&[u8]>) -> *mut u8 {
    // `v` is in a rooted object (the heap does not move), so it stays
    // valid across the allocations.
    match v {
        Some(b) => {
            let w = s(ctx, b);
            option(ctx, opt, Some(w))
        }
        None => option(ctx, opt, None),
    }
}

/// # Safety
/// `opt` describes `Option<String>`; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_request_header(
    ctx: *mut Ctx,
    opt: *const SnowType,
    req: *mut c_void,
    name: *mut SnowStr,
) -> *mut u8 {
    opt_str(ctx, opt, lookup(text(req, 4), SnowStr::bytes(name), true))
}

/// # Safety
/// `opt` describes `Option<String>`; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_request_param(
    ctx: *mut Ctx,
    opt: *const SnowType,
    req: *mut c_void,
    name: *mut SnowStr,
) -> *mut u8 {
    opt_str(ctx, opt, lookup(text(req, 5), SnowStr::bytes(name), false))
}

/// The value of `name` in a query string (§5.1.4: pieces without `=`
/// skipped, split at the first `=`, last duplicate wins, nothing decoded).
pub fn query_value<'a>(query: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    query
        .split(|&b| b == b'&')
        .filter_map(|piece| {
            let i = piece.iter().position(|&b| b == b'=')?;
            (&piece[..i] == name).then(|| &piece[i + 1..])
        })
        .next_back()
}

/// # Safety
/// `opt` describes `Option<String>`; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_request_query(
    ctx: *mut Ctx,
    opt: *const SnowType,
    req: *mut c_void,
    name: *mut SnowStr,
) -> *mut u8 {
    opt_str(ctx, opt, query_value(text(req, 2), SnowStr::bytes(name)))
}

/// `Request.headers`: names in lower case (they match case-insensitively),
/// the last duplicate's value.
///
/// # Safety
/// `map_type` describes `Map<String, String>`; `req` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_request_headers(
    ctx: *mut Ctx,
    map_type: *const SnowType,
    req: *mut c_void,
) -> *mut c_void {
    pairs_map(ctx, map_type, text(req, 4).to_vec())
}

/// A `Map<String, String>` of encoded pairs, names in lower case (the last
/// duplicate's value).
///
/// # Safety
/// `map_type` describes `Map<String, String>`.
pub unsafe fn pairs_map(ctx: *mut Ctx, map_type: *const SnowType, enc: Vec<u8>) -> *mut c_void {
    let mut m = crate::values::map::snow_map_new(ctx, map_type);
    for (n, v) in pairs(&enc) {
        let k = s(ctx, &n.to_ascii_lowercase());
        let v = s(ctx, v);
        m = crate::values::map::snow_map_put(ctx, m, k, v);
    }
    m as *mut c_void
}

/// # Safety
/// `resp` is a live response.
#[no_mangle]
pub unsafe extern "C" fn snow_response_status(resp: *mut c_void) -> i64 {
    field(resp, 0) as i64
}

/// # Safety
/// `resp` is a live response.
#[no_mangle]
pub unsafe extern "C" fn snow_response_body(_ctx: *mut Ctx, resp: *mut c_void) -> *mut SnowStr {
    field(resp, 1) as usize as *mut SnowStr
}

/// # Safety
/// `opt` describes `Option<String>`; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_response_header(
    ctx: *mut Ctx,
    opt: *const SnowType,
    resp: *mut c_void,
    name: *mut SnowStr,
) -> *mut u8 {
    opt_str(ctx, opt, lookup(text(resp, 2), SnowStr::bytes(name), true))
}
