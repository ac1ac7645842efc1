//! `Json.encode` of any serialisable value and `T.from_json` (chapter 03
//! §3.16.2–4), driven by the descriptors the compiler emits: the checker has
//! already proved the type serialisable, so the walk below only meets
//! Int, Float, Bool, String, Json, List, Map<String, _>, Option, structs and
//! sum types.
//!
//! Encoding writes straight into one byte buffer (serde_json writes the
//! strings and numbers, so escapes and the float format are its own).
//! Decoding parses the whole text first, so a syntax error anywhere wins
//! over a type error, then builds the value type-directed; every new object
//! is allocated before its fields are decoded and each field is stored into
//! it at once (the GC discipline of `gc`).

use super::json::{canonical_value, new_json, parse_value, snow_t_Json};
use crate::base::abi::*;
use crate::gc;
use crate::gc::store::Table;
use crate::values::hash_table;
use crate::values::layout::{self, write_field, OK, SOME};
use crate::values::list;
use crate::values::string::new_str;
use serde_json::Value;

fn is_json(t: &SnowType) -> bool {
    core::ptr::eq(t, &snow_t_Json)
}

/// The built-in Option (None is `null`, Some is its payload).
pub(super) fn is_option(t: &SnowType) -> bool {
    t.kind == K_SUM && t.flags & F_OPTION != 0
}

fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    // Snow strings are UTF-8; the checked conversion keeps this safe code.
    let s = core::str::from_utf8(s).unwrap_or_default();
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends the encoding of `w`, a value of type `t`.
unsafe fn encode(ctx: *mut Ctx, out: &mut Vec<u8>, t: &SnowType, w: Word) {
    // The walks recurse as deep as the value, growing the process stack.
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_TO_JSON, || {
        encode_here(ctx, out, t, w)
    })
}

unsafe fn encode_here(ctx: *mut Ctx, out: &mut Vec<u8>, t: &SnowType, w: Word) {
    match t.kind {
        K_INT => {
            let _ = serde_json::to_writer(&mut *out, &(w as i64));
        }
        K_FLOAT => {
            let _ = serde_json::to_writer(&mut *out, &f64_of(w));
        }
        K_BOOL => out.extend_from_slice(if w != 0 { b"true" } else { b"false" }),
        K_STRING => put_str(out, SnowStr::bytes(w as usize as *const SnowStr)),
        K_LIST => {
            let et = t.param(0);
            out.push(b'[');
            for (i, &x) in list::items(w as usize as *const SnowList)
                .iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(b',');
                }
                encode(ctx, out, et, x);
            }
            out.push(b']');
        }
        K_MAP => {
            let vt = t.param(1);
            let mut entries = Vec::new();
            hash_table::for_each(w as usize as *mut Table, |k, v| {
                entries.push((SnowStr::bytes(k as usize as *const SnowStr), v));
            });
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                put_str(out, k);
                out.push(b':');
                encode(ctx, out, vt, v);
            }
            out.push(b'}');
        }
        K_STRUCT => encode_struct(ctx, out, t, w),
        K_SUM => {
            // A sum value's header points to its variant's descriptor.
            let vt = obj_type(w);
            if is_option(t) {
                if vt.tag as usize == SOME {
                    let (x, xt) = field(w as usize as *const u8, vt, 0);
                    encode(ctx, out, xt, x);
                } else {
                    out.extend_from_slice(b"null");
                }
                return;
            }
            // Members sorted by key: "fields" before "tag".
            out.extend_from_slice(b"{\"fields\":[");
            for i in 0..vt.nparams as usize {
                if i > 0 {
                    out.push(b',');
                }
                let (x, xt) = field(w as usize as *const u8, vt, i);
                encode(ctx, out, xt, x);
            }
            out.extend_from_slice(b"],\"tag\":");
            put_str(out, vt.name_bytes());
            out.push(b'}');
        }
        _ if is_json(t) => out.extend_from_slice(SnowStr::bytes(w as usize as *const SnowStr)),
        // Unreachable for checked programs; `null` keeps the text valid.
        _ => out.extend_from_slice(b"null"),
    }
}

/// What the JSON layer needs of a struct type's field names, computed once
/// per descriptor (per worker thread): descriptors are static and their
/// names C strings, so this saves a `strlen` per comparison.
pub(super) struct StructKeys {
    pub names: Vec<&'static [u8]>,
    /// Field indices in member order (sorted by name bytes).
    order: Vec<usize>,
    /// `"name":` of each field.
    prefixes: Vec<Vec<u8>>,
}

thread_local! {
    static STRUCT_KEYS: core::cell::RefCell<std::collections::HashMap<usize, &'static StructKeys>> =
        Default::default();
}

/// # Safety
/// `t` is a static STRUCT descriptor.
pub(super) unsafe fn struct_keys(t: &SnowType) -> &'static StructKeys {
    let id = t as *const SnowType as usize;
    if let Some(k) = STRUCT_KEYS.with(|c| c.borrow().get(&id).copied()) {
        return k;
    }
    let t: &'static SnowType = &*(t as *const SnowType);
    let names: Vec<&'static [u8]> = (0..t.nparams as usize).map(|i| t.field_name(i)).collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    let prefixes = names
        .iter()
        .map(|n| {
            let mut p = Vec::new();
            put_str(&mut p, n);
            p.push(b':');
            p
        })
        .collect();
    // Leaked once per struct type: the table lives as long as the program.
    let keys: &'static StructKeys = Box::leak(Box::new(StructKeys {
        names,
        order,
        prefixes,
    }));
    STRUCT_KEYS.with(|c| c.borrow_mut().insert(id, keys));
    keys
}

/// A struct as an object with its members sorted by field name.
unsafe fn encode_struct(ctx: *mut Ctx, out: &mut Vec<u8>, t: &SnowType, w: Word) {
    let keys = struct_keys(t);
    out.push(b'{');
    for (k, &i) in keys.order.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&keys.prefixes[i]);
        let (x, xt) = field(w as usize as *const u8, t, i);
        encode(ctx, out, xt, x);
    }
    out.push(b'}');
}

/// `Json.encode(v)`: `t` is the descriptor of `v`'s type.
///
/// # Safety
/// `t` describes `v`, a live value of a serialisable type.
#[no_mangle]
pub unsafe extern "C" fn snow_json_encode_value(
    ctx: *mut Ctx,
    t: *const SnowType,
    v: Word,
) -> *mut SnowStr {
    let mut out = Vec::with_capacity(64);
    encode(ctx, &mut out, &*t, v);
    new_str(ctx, &out)
}

pub type Decoded = Result<Word, String>;

fn expected(what: &str) -> String {
    format!("expected {what}")
}

/// The error for a JSON number whose Int value would not fit 64 bits.
pub(super) const OUT_OF_RANGE: &str = "number out of range for Int";

/// A JSON Float as an Int: truncated toward zero (§3.16.4), or None when the
/// result is outside the Int range; saturating would silently change the value.
pub(super) fn int_of_float(x: f64) -> Option<i64> {
    // -2^63 is exact as an f64; 2^63 is the first value past i64::MAX.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let t = x.trunc();
    (-LIMIT..LIMIT).contains(&t).then_some(t as i64)
}

/// Builds the value of type `t` that the document `v` encodes.
///
/// # Safety
/// `ctx` is the running context; `t` a serialisable type's descriptor.
pub unsafe fn decode_tree(ctx: *mut Ctx, t: &SnowType, v: &Value) -> Decoded {
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_FROM_JSON, || {
        decode_tree_here(ctx, t, v)
    })
}

unsafe fn decode_tree_here(ctx: *mut Ctx, t: &SnowType, v: &Value) -> Decoded {
    match t.kind {
        K_INT => match v {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(i as Word),
                None => int_of_float(n.as_f64().unwrap_or(f64::NAN))
                    .map(|i| i as Word)
                    .ok_or_else(|| OUT_OF_RANGE.to_string()),
            },
            _ => Err(expected("Int")),
        },
        K_FLOAT => match v {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(0.0).to_bits()),
            _ => Err(expected("Float")),
        },
        K_BOOL => match v {
            Value::Bool(b) => Ok(*b as Word),
            _ => Err(expected("Bool")),
        },
        K_STRING => match v {
            Value::String(s) => Ok(new_str(ctx, s.as_bytes()) as usize as Word),
            _ => Err(expected("String")),
        },
        K_LIST => {
            let Value::Array(xs) = v else {
                return Err(expected("Array"));
            };
            let lt = t as *const SnowType;
            let b = list::snow_list_builder(ctx, lt, xs.len() as i64);
            for x in xs {
                let w = decode_tree(ctx, t.param(0), x)?;
                list::snow_list_builder_push(ctx, b, w);
            }
            Ok(b as usize as Word)
        }
        K_MAP => {
            let Value::Object(members) = v else {
                return Err(expected("Object"));
            };
            let mut m = hash_table::new(ctx, t);
            for (k, x) in members {
                let w = decode_tree(ctx, t.param(1), x)?;
                let key = new_str(ctx, k.as_bytes()) as usize as Word;
                m = hash_table::put(ctx, m, key, w);
            }
            Ok(m as usize as Word)
        }
        K_STRUCT => decode_struct(ctx, t, v),
        K_SUM if is_option(t) => match v {
            Value::Null => Ok(layout::option(ctx, t, None) as usize as Word),
            _ => {
                let inner = t.param(SOME).param(0);
                let w = decode_tree(ctx, inner, v)?;
                Ok(layout::option(ctx, t, Some(w)) as usize as Word)
            }
        },
        K_SUM => decode_sum(ctx, t, v),
        _ if is_json(t) => {
            let text = canonical_value(v);
            Ok(new_json(ctx, text.as_bytes()) as usize as Word)
        }
        _ => Err(format!(
            "cannot decode a {}",
            String::from_utf8_lossy(t.name_bytes())
        )),
    }
}

unsafe fn decode_struct(ctx: *mut Ctx, t: &SnowType, v: &Value) -> Decoded {
    let Value::Object(members) = v else {
        return Err(expected("Object"));
    };
    let o = gc::alloc(ctx, t, t.size as usize);
    for i in 0..t.nparams as usize {
        let ft = t.param(i);
        let name = core::str::from_utf8(t.field_name(i)).unwrap_or_default();
        let w = match members.get(name) {
            Some(x) => decode_tree(ctx, ft, x)?,
            // An absent Option member is None.
            None if is_option(ft) => layout::option(ctx, ft, None) as usize as Word,
            None => return Err(format!("missing field: {name}")),
        };
        write_field(o.add(t.offset(i)), ft.kind, w);
    }
    Ok(o as usize as Word)
}

unsafe fn decode_sum(ctx: *mut Ctx, t: &SnowType, v: &Value) -> Decoded {
    let Value::Object(members) = v else {
        return Err(expected("Object"));
    };
    let tag = match members.get("tag") {
        None => return Err("missing field: tag".into()),
        Some(Value::String(s)) => s,
        Some(_) => return Err(expected("String")),
    };
    let Some(k) = (0..t.nparams as usize).find(|&k| t.param(k).name_bytes() == tag.as_bytes())
    else {
        return Err(format!(
            "unknown variant for {}",
            String::from_utf8_lossy(t.name_bytes())
        ));
    };
    let vt = t.param(k);
    let o = layout::alloc_variant(ctx, vt);
    let n = vt.nparams as usize;
    if n > 0 {
        let xs = match members.get("fields") {
            None => return Err("missing field: fields".into()),
            Some(Value::Array(xs)) => xs,
            Some(_) => return Err(expected("Array")),
        };
        for i in 0..n {
            let Some(x) = xs.get(i) else {
                return Err(format!(
                    "array index {i} out of bounds (length {})",
                    xs.len()
                ));
            };
            let ft = vt.param(i);
            let w = decode_tree(ctx, ft, x)?;
            write_field(o.add(vt.offset(i)), ft.kind, w);
        }
    }
    Ok(o as usize as Word)
}

/// `T.from_json(text)`: `res` is the descriptor of `Result<T, String>`.
///
/// # Safety
/// `res` is a `Result<T, String>` descriptor with a serialisable `T`;
/// `text` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_json_decode(
    ctx: *mut Ctx,
    res: *const SnowType,
    text: *mut SnowStr,
) -> *mut u8 {
    let t = (*res).param(OK).param(0);
    let text = crate::values::string::str_of(text);
    if let Some(w) = super::json_stream::decode_fast(ctx, t, text) {
        return layout::result(ctx, res, Ok(w));
    }
    // The two-pass definition, for its error message.
    let doc = match parse_value(text) {
        Ok(doc) => doc,
        Err(e) => return layout::result(ctx, res, Err(e.as_bytes())),
    };
    match decode_tree(ctx, t, &doc) {
        Ok(w) => layout::result(ctx, res, Ok(w)),
        Err(e) => layout::result(ctx, res, Err(e.as_bytes())),
    }
}
