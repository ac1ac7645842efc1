//! `JSON.*` (chapter 03 §3.16) on `serde_json` (pinned, without
//! `preserve_order`: object keys come out sorted, floats in its format, and
//! parse errors in its words, all as the chapter requires).
//!
//! A `Json` value is stored as its canonical compact encoding: an object
//! with a string's layout (`{len, bytes}`) and the descriptor `snow_t_Json`.
//! Snow code cannot look inside a `Json` (only re-encode it), so the
//! canonical text is a complete representation; it holds no pointers, so
//! the collector needs no special tracing, and encoding is a copy.

use crate::base::abi::*;
use crate::gc;
use crate::gc::store::Table;
use crate::values::hash_table;
use crate::values::layout;
use crate::values::list;
use crate::values::string::new_str;
use crate::values::string::str_of;
use serde_json::Value;
use std::collections::BTreeMap;

unsafe extern "C" fn json_show(_ctx: *mut Ctx, v: Word) -> Word {
    // Display/Debug of a Json is its compact encoding ([proposed] §3.19);
    // the object has a string's layout, so it serves as its own text.
    v
}

unsafe extern "C" fn json_eq(_ctx: *mut Ctx, a: Word, b: Word) -> bool {
    text(a) == text(b)
}

unsafe extern "C" fn json_hash(_ctx: *mut Ctx, v: Word) -> i64 {
    crate::values::hash::fnv(text(v))
}

unsafe fn text<'a>(v: Word) -> &'a [u8] {
    SnowStr::bytes(v as usize as *const SnowStr)
}

#[no_mangle]
pub static snow_t_Json: SnowType = SnowType {
    flags: F_DISPLAY | F_DEBUG,
    display: Some(json_show),
    debug: Some(json_show),
    eq: Some(json_eq),
    hash: Some(json_hash),
    ..SnowType::bare(K_OPAQUE, c"Json")
};

/// A new `Json` object holding `canonical` (compact, sorted keys).
///
/// # Safety
/// `ctx` is the running context; `canonical` is Rust memory.
pub unsafe fn new_json(ctx: *mut Ctx, canonical: &[u8]) -> *mut SnowStr {
    let size = core::mem::size_of::<SnowStr>() + canonical.len() + 1;
    let j = gc::alloc(ctx, &snow_t_Json, size) as *mut SnowStr;
    (*j).len = canonical.len() as i64;
    core::ptr::copy_nonoverlapping(canonical.as_ptr(), (*j).data.as_mut_ptr(), canonical.len());
    j
}

/// Integers that do not fit an Int are Floats in the `Json` model.
pub fn normalise(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => {
            if let Some(f) = n.as_f64().and_then(serde_json::Number::from_f64) {
                *n = f;
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(normalise),
        Value::Object(m) => m.values_mut().for_each(normalise),
        _ => {}
    }
}

/// Parses `text` strictly and returns its canonical encoding, or serde_json's
/// error message.
pub fn canonical(text: &str) -> Result<String, String> {
    parse_value(text).map(|v| canonical_value(&v))
}

/// Parses `text` strictly into the `Json` model (integers beyond i64 are
/// Floats), or returns serde_json's error message.
pub fn parse_value(text: &str) -> Result<Value, String> {
    let mut v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    normalise(&mut v);
    Ok(v)
}

/// The canonical (compact, sorted) encoding of a parsed document.
pub fn canonical_value(v: &Value) -> String {
    v.to_string()
}

/// Compact serde_json text of a string, number, bool, string list or map
/// (serialising those cannot fail).
macro_rules! encode {
    ($v:expr) => {
        serde_json::to_string($v).unwrap_or_default()
    };
}

/// # Safety
/// `res` is `Result<Json, String>`; `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_json_parse(
    ctx: *mut Ctx,
    res: *const SnowType,
    s: *mut SnowStr,
) -> *mut u8 {
    match canonical(str_of(s)) {
        Ok(c) => {
            let j = new_json(ctx, c.as_bytes()) as usize as Word;
            layout::result(ctx, res, Ok(j))
        }
        Err(e) => layout::result(ctx, res, Err(e.as_bytes())),
    }
}

/// # Safety
/// `j` is a live Json.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode(ctx: *mut Ctx, j: *mut SnowStr) -> *mut SnowStr {
    let t = SnowStr::bytes(j).to_vec();
    new_str(ctx, &t)
}

/// # Safety
/// `s` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_string(ctx: *mut Ctx, s: *mut SnowStr) -> *mut SnowStr {
    let t = encode!(str_of(s));
    new_str(ctx, t.as_bytes())
}

/// # Safety
/// `ctx` is the running context.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_int(ctx: *mut Ctx, n: i64) -> *mut SnowStr {
    new_str(ctx, encode!(&n).as_bytes())
}

/// # Safety
/// `ctx` is the running context.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_bool(ctx: *mut Ctx, b: bool) -> *mut SnowStr {
    new_str(ctx, encode!(&b).as_bytes())
}

/// [proposed] `JSON.encode_float`: §3.16.3 format; NaN and ±∞ are `null`.
///
/// # Safety
/// `ctx` is the running context.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_float(ctx: *mut Ctx, x: f64) -> *mut SnowStr {
    new_str(ctx, encode!(&x).as_bytes())
}

/// A JSON object of string values, keys sorted by bytes.
///
/// # Safety
/// `m` is a live `Map<String, String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_map(ctx: *mut Ctx, m: *mut Table) -> *mut SnowStr {
    let mut sorted = BTreeMap::new();
    hash_table::for_each(m, |k, v| {
        sorted.insert(
            str_of(k as usize as *const SnowStr),
            str_of(v as usize as *const SnowStr),
        );
    });
    let t = encode!(&sorted);
    new_str(ctx, t.as_bytes())
}

/// # Safety
/// `xs` is a live `List<String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_list(ctx: *mut Ctx, xs: *mut SnowList) -> *mut SnowStr {
    let items: Vec<&str> = list::items(xs)
        .iter()
        .map(|&w| str_of(w as usize as *const SnowStr))
        .collect();
    let t = encode!(&items);
    new_str(ctx, t.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_are_serde_json_words() {
        let cases = [
            ("not json", "expected ident at line 1 column 2"),
            ("{invalid}", "key must be a string at line 1 column 2"),
            ("", "EOF while parsing a value at line 1 column 0"),
            ("{\"x\":1", "EOF while parsing an object at line 1 column 6"),
            ("[1,]", "trailing comma at line 1 column 4"),
            ("1 2", "trailing characters at line 1 column 3"),
        ];
        for (input, msg) in cases {
            assert_eq!(canonical(input), Err(msg.to_string()), "{input:?}");
        }
    }

    #[test]
    fn canonical_form() {
        assert_eq!(
            canonical(" {\"b\": [1, 2.5, null], \"a\": true, \"B\": \"x\"} ").unwrap(),
            r#"{"B":"x","a":true,"b":[1,2.5,null]}"#
        );
        assert_eq!(canonical(r#"{"k":1,"k":2}"#).unwrap(), r#"{"k":2}"#);
        assert_eq!(
            canonical("18446744073709551615").unwrap(),
            "1.8446744073709552e+19"
        );
        assert_eq!(
            canonical("-9223372036854775808").unwrap(),
            "-9223372036854775808"
        );
        assert_eq!(canonical("2.0").unwrap(), "2.0");
        assert_eq!(canonical("-0.0").unwrap(), "-0.0");
        assert_eq!(canonical(r#""a\/b\u00e9""#).unwrap(), "\"a/bé\"");
    }

    #[test]
    fn float_format() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (95.5, "95.5"),
            (2.0, "2.0"),
            (100.0, "100.0"),
            (0.00001, "0.00001"),
            (9990000000000000.0, "9990000000000000.0"),
            (123456.789, "123456.789"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e20, "1e+20"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (9.9e-6, "9.9e-6"),
            (1e-7, "1e-7"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
        ];
        for (x, text) in cases {
            assert_eq!(encode!(&x), text, "{x}");
        }
    }

    #[test]
    fn string_escapes() {
        assert_eq!(encode!("hi"), "\"hi\"");
        assert_eq!(encode!("a/b"), "\"a/b\"");
        assert_eq!(
            encode!("\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}é"),
            "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}é\""
        );
    }
}
