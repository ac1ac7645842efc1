//! `String.*` (chapter 03 §3.7): the C entry points, then the pure text
//! algorithms behind them, on Rust strings so they can be unit-tested
//! without a heap (indices and lengths count code points). Results are
//! computed in Rust memory and copied into a new string at the end, so the
//! inputs need no rooting during allocation.

use crate::base::abi::*;
use crate::base::panic::panic_msg;
use crate::values::layout;
use crate::values::list;
use crate::values::string::{alloc_str, new_str, str_of};

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
    let out = slice(str_of(s), start, stop).to_owned();
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
    let t = replace(str_of(s), str_of(from), str_of(to));
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
    let parts = split(&s, &sep);
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
    let v = to_int(str_of(s));
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
    let v = to_float(str_of(s));
    layout::option(ctx, opt, v.map(f64::to_bits))
}

/// `String.slice`: code points `start <= i < stop`, both clamped to
/// `[0, length]`; an inverted range is empty.
pub fn slice(s: &str, start: i64, stop: i64) -> &str {
    let len = s.chars().count() as i64;
    let a = start.clamp(0, len) as usize;
    let b = stop.clamp(0, len) as usize;
    if b <= a {
        return "";
    }
    let byte_at = |cp: usize| s.char_indices().nth(cp).map_or(s.len(), |(i, _)| i);
    let from = byte_at(a);
    let to = from
        + s[from..]
            .char_indices()
            .nth(b - a)
            .map_or(s.len() - from, |(i, _)| i);
    &s[from..to]
}

/// `String.replace`: every non-overlapping occurrence, left to right; an
/// empty `from` inserts `to` before every code point and at the end.
pub fn replace(s: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        let mut out = String::with_capacity(s.len() + (s.len() + 1) * to.len());
        for c in s.chars() {
            out.push_str(to);
            out.push(c);
        }
        out.push_str(to);
        return out;
    }
    s.replace(from, to)
}

/// `String.split`: keeps empty pieces; an empty separator yields an empty
/// piece, each code point, and an empty piece.
pub fn split<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    if sep.is_empty() {
        let mut out = vec![""];
        out.extend(s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]));
        out.push("");
        return out;
    }
    s.split(sep).collect()
}

/// `String.to_int`: trimmed, optional sign, one or more ASCII digits, in
/// range. (Rust's `i64::from_str` has exactly this grammar.)
pub fn to_int(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok()
}

/// `String.to_float`: trimmed, then Rust's `f64::from_str` grammar, which
/// also accepts `inf`, `infinity` and `nan` in any case.
pub fn to_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// `IO.read_line`'s line ending rule: drop one trailing `\n`, then one `\r`
/// before it.
pub fn strip_line_end(mut line: &[u8]) -> &[u8] {
    if let Some(l) = line.strip_suffix(b"\n") {
        line = l.strip_suffix(b"\r").unwrap_or(l);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_clamps_and_counts_code_points() {
        assert_eq!(slice("abcdef", 1, 4), "bcd");
        assert_eq!(slice("abc", -5, 100), "abc");
        assert_eq!(slice("abc", 2, 1), "");
        assert_eq!(slice("héllo", 1, 3), "él");
        assert_eq!(slice("日本語", 2, 3), "語");
        assert_eq!(slice("", 0, 1), "");
        assert_eq!(slice("abc", 3, 3), "");
        assert_eq!(slice("abc", i64::MIN, i64::MAX), "abc");
    }

    #[test]
    fn replace_cases() {
        assert_eq!(replace("aaa", "aa", "b"), "ba");
        assert_eq!(replace("ab", "", "-"), "-a-b-");
        assert_eq!(replace("", "", "-"), "-");
        assert_eq!(replace("héllo", "l", "L"), "héLLo");
        assert_eq!(replace("abc", "x", "y"), "abc");
    }

    #[test]
    fn split_cases() {
        assert_eq!(split("a,b,,c", ","), ["a", "b", "", "c"]);
        assert_eq!(split("", ","), [""]);
        assert_eq!(split("abc", "x"), ["abc"]);
        assert_eq!(split("ab", ""), ["", "a", "b", ""]);
        assert_eq!(split("é", ""), ["", "é", ""]);
        assert_eq!(split("a--b", "--"), ["a", "b"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(to_int(" 42 "), Some(42));
        assert_eq!(to_int("-0"), Some(0));
        assert_eq!(to_int("+7"), Some(7));
        for bad in [
            "",
            "1_000",
            "0x1F",
            "1e3",
            "12abc",
            "9223372036854775808",
            "+",
            "- 1",
        ] {
            assert_eq!(to_int(bad), None, "{bad}");
        }
        assert_eq!(to_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(to_int("\u{a0}5\u{3000}"), Some(5));
        assert_eq!(to_float(".5"), Some(0.5));
        assert_eq!(to_float("5."), Some(5.0));
        assert_eq!(to_float(" 1e3 "), Some(1000.0));
        assert_eq!(to_float("-2.5E-1"), Some(-0.25));
        assert_eq!(to_float("INF"), Some(f64::INFINITY));
        assert_eq!(to_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(to_float("NaN").unwrap().is_nan());
        for bad in ["bad", "1,5", "0x10", "1_0", "", ".", "e5"] {
            assert_eq!(to_float(bad), None, "{bad}");
        }
    }

    #[test]
    fn line_endings() {
        assert_eq!(strip_line_end(b"alpha\r\n"), b"alpha");
        assert_eq!(strip_line_end(b"beta"), b"beta");
        assert_eq!(strip_line_end(b"x\r"), b"x\r");
        assert_eq!(strip_line_end(b"\n"), b"");
        assert_eq!(strip_line_end(b"a\n\n"), b"a\n");
    }
}
