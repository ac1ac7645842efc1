//! `String.*` (chapter 03 §3.7): the C entry points. The algorithms are in
//! `text.rs`; results are computed in Rust memory and copied into a new
//! string at the end, so the inputs need no rooting during allocation.

use super::text;
use crate::base::abi::*;
use crate::base::panic::panic_msg;
use crate::values::layout;
use crate::values::list;
use crate::values::string::{alloc_str, new_str};

/// The contents of a Snow string. Snow strings are valid UTF-8 by
/// construction: literals, runtime results and every input boundary
/// (files, stdin, environment) are validated.
///
/// # Safety
/// `s` is a live string.
pub unsafe fn str_of<'a>(s: *const SnowStr) -> &'a str {
    core::str::from_utf8_unchecked(SnowStr::bytes(s))
}

/// A Rust copy, for functions that allocate several objects from one input.
unsafe fn owned(s: *const SnowStr) -> String {
    str_of(s).to_owned()
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_slice(
    ctx: *mut Ctx,
    s: *mut SnowStr,
    start: i64,
    stop: i64,
) -> *mut SnowStr {
    let out = text::slice(str_of(s), start, stop).to_owned();
    new_str(ctx, out.as_bytes())
}

/// # Safety
/// Both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_contains(s: *mut SnowStr, needle: *mut SnowStr) -> bool {
    str_of(s).contains(str_of(needle))
}

/// # Safety
/// Both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_starts_with(s: *mut SnowStr, prefix: *mut SnowStr) -> bool {
    SnowStr::bytes(s).starts_with(SnowStr::bytes(prefix))
}

/// # Safety
/// Both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_ends_with(s: *mut SnowStr, suffix: *mut SnowStr) -> bool {
    SnowStr::bytes(s).ends_with(SnowStr::bytes(suffix))
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_is_empty(s: *mut SnowStr) -> bool {
    (*s).len == 0
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_trim(ctx: *mut Ctx, s: *mut SnowStr) -> *mut SnowStr {
    let t = str_of(s).trim().to_owned();
    new_str(ctx, t.as_bytes())
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_to_upper(ctx: *mut Ctx, s: *mut SnowStr) -> *mut SnowStr {
    let t = str_of(s).to_uppercase();
    new_str(ctx, t.as_bytes())
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_to_lower(ctx: *mut Ctx, s: *mut SnowStr) -> *mut SnowStr {
    let t = str_of(s).to_lowercase();
    new_str(ctx, t.as_bytes())
}

/// # Safety
/// All three are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_replace(
    ctx: *mut Ctx,
    s: *mut SnowStr,
    from: *mut SnowStr,
    to: *mut SnowStr,
) -> *mut SnowStr {
    let t = text::replace(str_of(s), str_of(from), str_of(to));
    new_str(ctx, t.as_bytes())
}

/// `s` repeated `n` times (`String.repeat`); a negative count panics, as
/// Go's `strings.Repeat` and Elixir's `String.duplicate` do.
///
/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_repeat(ctx: *mut Ctx, s: *mut SnowStr, n: i64) -> *mut SnowStr {
    if n < 0 {
        panic_msg(ctx, &format!("String.repeat: negative count {n}"));
    }
    let piece = owned(s);
    let count = usize::try_from(n).unwrap_or(usize::MAX);
    let total = piece
        .len()
        .checked_mul(count)
        .filter(|t| *t <= isize::MAX as usize);
    let Some(total) = total else {
        panic_msg(ctx, "String.repeat: result too large");
    };
    let out = alloc_str(ctx, total);
    let data = (*out).data.as_mut_ptr();
    for k in (0..total).step_by(piece.len().max(1)) {
        core::ptr::copy_nonoverlapping(piece.as_ptr(), data.add(k), piece.len());
    }
    out
}

/// # Safety
/// `list_type` is `List<String>`; both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_split(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    s: *mut SnowStr,
    sep: *mut SnowStr,
) -> *mut SnowList {
    let (s, sep) = (owned(s), owned(sep));
    let parts = text::split(&s, &sep);
    layout::list_of_strs(ctx, list_type, parts.iter().map(|p| p.as_bytes()))
}

/// One single-code-point string per code point ([proposed] `String.chars`).
///
/// # Safety
/// `list_type` is `List<String>`; `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_chars(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    s: *mut SnowStr,
) -> *mut SnowList {
    let s = owned(s);
    let parts: Vec<&str> = s
        .char_indices()
        .map(|(i, c)| &s[i..i + c.len_utf8()])
        .collect();
    layout::list_of_strs(ctx, list_type, parts.iter().map(|p| p.as_bytes()))
}

/// # Safety
/// `parts` is a live `List<String>`, `sep` a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_join(
    ctx: *mut Ctx,
    parts: *mut SnowList,
    sep: *mut SnowStr,
) -> *mut SnowStr {
    let sep = SnowStr::bytes(sep);
    let mut out = Vec::new();
    for (i, &w) in list::items(parts).iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(SnowStr::bytes(w as usize as *const SnowStr));
    }
    new_str(ctx, &out)
}

/// # Safety
/// `opt` is `Option<Int>`; `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_to_int(
    ctx: *mut Ctx,
    opt: *const SnowType,
    s: *mut SnowStr,
) -> *mut u8 {
    let v = text::to_int(str_of(s));
    layout::option(ctx, opt, v.map(|n| n as Word))
}

/// # Safety
/// `opt` is `Option<Float>`; `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_to_float(
    ctx: *mut Ctx,
    opt: *const SnowType,
    s: *mut SnowStr,
) -> *mut u8 {
    let v = text::to_float(str_of(s));
    layout::option(ctx, opt, v.map(f64::to_bits))
}
