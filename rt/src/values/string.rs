//! Strings: immutable UTF-8 byte runs with a length. The runtime always
//! stores a trailing NUL after the bytes (not counted in `len`) so C callers
//! can hand runtime-made strings to C APIs directly.

use crate::base::abi::{snow_t_String, Ctx, SnowStr};
use crate::gc;
use crate::values::hash;
use core::ffi::c_char;
use std::cmp::Ordering;

/// The contents of a Snow string. Snow strings are valid UTF-8 by
/// construction: literals, runtime results and every input boundary
/// (files, stdin, environment) are validated.
///
/// # Safety
/// `s` is a live string.
pub unsafe fn str_of<'a>(s: *const SnowStr) -> &'a str {
    core::str::from_utf8_unchecked(SnowStr::bytes(s))
}

/// Allocates a string holding `bytes` (which must not point into the GC heap).
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn new_str(ctx: *mut Ctx, bytes: &[u8]) -> *mut SnowStr {
    let s = alloc_str(ctx, bytes.len());
    core::ptr::copy_nonoverlapping(bytes.as_ptr(), (*s).data.as_mut_ptr(), bytes.len());
    s
}

/// Allocates a zeroed string of `len` bytes (plus the NUL) for the caller to fill.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn alloc_str(ctx: *mut Ctx, len: usize) -> *mut SnowStr {
    let size = core::mem::size_of::<SnowStr>() + len + 1;
    let s = gc::alloc(ctx, &snow_t_String, size) as *mut SnowStr;
    (*s).len = len as i64;
    s
}

/// # Safety
/// `bytes` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn snow_str_new(
    ctx: *mut Ctx,
    bytes: *const c_char,
    len: i64,
) -> *mut SnowStr {
    let len = len.max(0) as usize;
    let s = alloc_str(ctx, len);
    if len > 0 {
        core::ptr::copy_nonoverlapping(bytes as *const u8, (*s).data.as_mut_ptr(), len);
    }
    s
}

/// # Safety
/// `a` and `b` are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_concat(
    ctx: *mut Ctx,
    a: *mut SnowStr,
    b: *mut SnowStr,
) -> *mut SnowStr {
    if (*a).len == 0 {
        return b;
    }
    if (*b).len == 0 {
        return a;
    }
    let (la, lb) = ((*a).len as usize, (*b).len as usize);
    let s = alloc_str(ctx, la + lb);
    // `a` and `b` are still referenced below, so they stay rooted across the
    // allocation.
    let d = (*s).data.as_mut_ptr();
    core::ptr::copy_nonoverlapping((*a).data.as_ptr(), d, la);
    core::ptr::copy_nonoverlapping((*b).data.as_ptr(), d.add(la), lb);
    s
}

/// # Safety
/// `parts` points to `n` live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_concat_n(
    ctx: *mut Ctx,
    n: i64,
    parts: *const *mut SnowStr,
) -> *mut SnowStr {
    let n = n.max(0) as usize;
    let total: usize = (0..n).map(|i| (**parts.add(i)).len as usize).sum();
    let s = alloc_str(ctx, total);
    let mut d = (*s).data.as_mut_ptr();
    for i in 0..n {
        let p = *parts.add(i);
        let l = (*p).len as usize;
        core::ptr::copy_nonoverlapping((*p).data.as_ptr(), d, l);
        d = d.add(l);
    }
    s
}

/// # Safety
/// `a` and `b` are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_eq(a: *mut SnowStr, b: *mut SnowStr) -> bool {
    core::ptr::eq(a, b) || SnowStr::bytes(a) == SnowStr::bytes(b)
}

pub fn ordering_to_int(o: Ordering) -> i64 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// # Safety
/// `a` and `b` are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_str_cmp(a: *mut SnowStr, b: *mut SnowStr) -> i64 {
    ordering_to_int(SnowStr::bytes(a).cmp(SnowStr::bytes(b)))
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_hash(s: *mut SnowStr) -> i64 {
    hash::fnv(SnowStr::bytes(s))
}

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_int_to_str(ctx: *mut Ctx, v: i64) -> *mut SnowStr {
    let mut buf = Vec::with_capacity(20);
    push_int(&mut buf, v);
    new_str(ctx, &buf)
}

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_float_to_str(ctx: *mut Ctx, v: f64) -> *mut SnowStr {
    let mut buf = Vec::with_capacity(24);
    push_float(&mut buf, v);
    new_str(ctx, &buf)
}

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_bool_to_str(ctx: *mut Ctx, v: bool) -> *mut SnowStr {
    new_str(ctx, if v { b"true" } else { b"false" })
}

/// Appends the decimal text of `v`.
pub fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends Rust's `Display` text of `v` (shortest round-trip, no exponent),
/// as chapter 03 §3.2.3 requires.
pub fn push_float(out: &mut Vec<u8>, v: f64) {
    use std::io::Write;
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{v}");
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_str_length(s: *mut SnowStr) -> i64 {
    let b = SnowStr::bytes(s);
    // Count code points: every byte that is not a UTF-8 continuation byte.
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as i64
}

/// A string word for tests.
#[cfg(test)]
pub(crate) fn lit(ctx: *mut Ctx, s: &str) -> crate::base::abi::Word {
    // SAFETY: `ctx` is a test context.
    unsafe { new_str(ctx, s.as_bytes()) as usize as crate::base::abi::Word }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut b = Vec::new();
        push_float(&mut b, v);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn float_text() {
        assert_eq!(f(1.0), "1");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(f64::NEG_INFINITY), "-inf");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(1e-7), "0.0000001");
    }

    #[test]
    fn int_text() {
        for v in [0, 7, -7, 42, i64::MIN, i64::MAX] {
            let mut b = Vec::new();
            push_int(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), v.to_string());
        }
    }
}
