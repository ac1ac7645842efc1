//! `HttpReply`, what `HTTP.request` answers with: an immutable heap record
//! laid out like a server `Response` (status, body, headers as one string
//! of `name NUL value NUL` pairs, names in lower case), read through the
//! `HttpReply.*` accessors.

use super::super::values::{
    encode_pairs, field, lookup, opt_str, pairs_map, record, text, Params, OFFSETS,
};
use crate::base::abi::{snow_t_Int, snow_t_String, Ctx, SnowStr, SnowType, Word, K_STRUCT};
use crate::values::layout::new_record;
use crate::values::string::new_str;
use core::ffi::c_void;

/// Display and Debug: `HttpReply(200)`.
unsafe extern "C" fn show_reply(ctx: *mut Ctx, w: Word) -> Word {
    let status = field(w as usize as *const c_void, 0) as i64;
    new_str(ctx, format!("HttpReply({status})").as_bytes()) as usize as Word
}

static REPLY_FIELDS: Params<3> = Params([&snow_t_Int, &snow_t_String, &snow_t_String]);
#[no_mangle]
pub static snow_t_HttpReply: SnowType = record(
    K_STRUCT,
    c"HttpReply",
    3,
    REPLY_FIELDS.0.as_ptr(),
    &OFFSETS,
    show_reply,
);

/// A new reply (a word for a `Result`'s payload).
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn new_reply(ctx: *mut Ctx, r: &super::response::Reply) -> Word {
    let mut names: Vec<&str> = Vec::new();
    for (n, _) in &r.headers {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    let joined: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.to_string(), r.header(n).unwrap_or_default()))
        .collect();
    let enc = encode_pairs(joined.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())));
    let body = String::from_utf8_lossy(&r.body);
    let b = new_str(ctx, body.as_bytes()) as usize as Word;
    let h = new_str(ctx, &enc) as usize as Word;
    new_record(ctx, &snow_t_HttpReply, &[r.status as Word, b, h])
}

/// # Safety
/// `r` is a live reply.
#[no_mangle]
pub unsafe extern "C" fn snow_http_reply_status(r: *mut c_void) -> i64 {
    field(r, 0) as i64
}

/// # Safety
/// `r` is a live reply.
#[no_mangle]
pub unsafe extern "C" fn snow_http_reply_body(_ctx: *mut Ctx, r: *mut c_void) -> *mut SnowStr {
    field(r, 1) as usize as *mut SnowStr
}

/// # Safety
/// `opt` describes `Option<String>`; the arguments are live values.
#[no_mangle]
pub unsafe extern "C" fn snow_http_reply_header(
    ctx: *mut Ctx,
    opt: *const SnowType,
    r: *mut c_void,
    name: *mut SnowStr,
) -> *mut u8 {
    opt_str(ctx, opt, lookup(text(r, 2), SnowStr::bytes(name), true))
}

/// # Safety
/// `map_type` describes `Map<String, String>`; `r` is live.
#[no_mangle]
pub unsafe extern "C" fn snow_http_reply_headers(
    ctx: *mut Ctx,
    map_type: *const SnowType,
    r: *mut c_void,
) -> *mut c_void {
    pairs_map(ctx, map_type, text(r, 2).to_vec())
}
