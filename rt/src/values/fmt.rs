//! Display and Debug text of every kind of value (chapter 03 §3.2, chapter
//! 02 §6–§7, ruling 2), driven by descriptors. Text is built in a Rust
//! buffer and copied into one Snow string at the end; user hooks return
//! Snow strings whose bytes are copied out at once, so nothing in the buffer
//! needs to be a GC root.

use crate::base::abi::*;
use crate::gc::store::Table;
use crate::values::hash_table;
use crate::values::list;
use crate::values::string::{new_str, push_float, push_int};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Display, falling back to Debug (interpolation, elements, fields).
    Display,
    Debug,
}

unsafe fn call_hook(ctx: *mut Ctx, h: ShowFn, v: Word, out: &mut Vec<u8>) {
    let s = h(ctx, v) as usize as *const SnowStr;
    out.extend_from_slice(SnowStr::bytes(s));
}

fn is_user(kind: u32) -> bool {
    matches!(kind, K_STRUCT | K_SUM | K_VARIANT | K_TUPLE)
}

/// Appends the text of `v` (of type `t`) in `mode`.
///
/// # Safety
/// `t` describes `v`, and `v` (if a pointer) is a live object.
pub unsafe fn show(ctx: *mut Ctx, t: &SnowType, v: Word, mode: Mode, out: &mut Vec<u8>) {
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_SHOW, || {
        show_here(ctx, t, v, mode, out)
    })
}

unsafe fn show_here(ctx: *mut Ctx, t: &SnowType, v: Word, mode: Mode, out: &mut Vec<u8>) {
    match mode {
        Mode::Display => {
            if let Some(h) = t.display {
                return call_hook(ctx, h, v, out);
            }
            if is_user(t.kind) && t.kind != K_TUPLE && t.flags & F_DISPLAY == 0 {
                if let Some(h) = t.debug {
                    return call_hook(ctx, h, v, out);
                }
                return derived(ctx, t, v, Mode::Debug, out);
            }
            derived(ctx, t, v, Mode::Display, out)
        }
        Mode::Debug => {
            if let Some(h) = t.debug {
                return call_hook(ctx, h, v, out);
            }
            derived(ctx, t, v, Mode::Debug, out)
        }
    }
}

/// Elements, fields and payloads: Display-else-Debug, joined by `, `.
unsafe fn elems(
    ctx: *mut Ctx,
    items: impl Iterator<Item = (Word, *const SnowType)>,
    out: &mut Vec<u8>,
) {
    for (i, (w, t)) in items.enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        show(ctx, &*t, w, Mode::Display, out);
    }
}

unsafe fn fields(obj: Word, t: &SnowType) -> impl Iterator<Item = (Word, *const SnowType)> + '_ {
    (0..t.nparams as usize).map(move |i| {
        let (w, ft) = field(obj as usize as *const u8, t, i);
        (w, ft as *const SnowType)
    })
}

/// `Name` or `Name(a, b)`: both derived Display and Debug of a variant.
unsafe fn variant(ctx: *mut Ctx, vt: &SnowType, v: Word, out: &mut Vec<u8>) {
    out.extend_from_slice(vt.name_bytes());
    if vt.nparams > 0 {
        out.push(b'(');
        elems(ctx, fields(v, vt), out);
        out.push(b')');
    }
}

unsafe fn derived(ctx: *mut Ctx, t: &SnowType, v: Word, mode: Mode, out: &mut Vec<u8>) {
    match t.kind {
        K_INT => push_int(out, v as i64),
        K_FLOAT => push_float(out, f64_of(v)),
        K_BOOL => out.extend_from_slice(if v != 0 { b"true" } else { b"false" }),
        K_UNIT => out.extend_from_slice(b"()"),
        K_PID => {
            out.extend_from_slice(b"<0.");
            push_int(out, v as i64);
            out.push(b'>');
        }
        K_STRING => {
            let b = SnowStr::bytes(v as usize as *const SnowStr);
            if mode == Mode::Debug {
                out.push(b'"');
                out.extend_from_slice(b);
                out.push(b'"');
            } else {
                out.extend_from_slice(b);
            }
        }
        K_LIST => {
            let et = t.param(0) as *const SnowType;
            out.push(b'[');
            elems(
                ctx,
                list::items(v as usize as *const SnowList)
                    .iter()
                    .map(|&w| (w, et)),
                out,
            );
            out.push(b']');
        }
        K_MAP => {
            let (kt, vt) = (t.param(0), t.param(1));
            out.extend_from_slice(b"%{");
            let mut first = true;
            hash_table::for_each(v as usize as *mut Table, |k, val| {
                if !first {
                    out.extend_from_slice(b", ");
                }
                first = false;
                show(ctx, kt, k, Mode::Display, out);
                out.extend_from_slice(b" => ");
                show(ctx, vt, val, Mode::Display, out);
            });
            out.push(b'}');
        }
        K_SET => {
            let et = t.param(0);
            out.extend_from_slice(b"#{");
            let mut first = true;
            hash_table::for_each(v as usize as *mut Table, |k, _| {
                if !first {
                    out.extend_from_slice(b", ");
                }
                first = false;
                show(ctx, et, k, Mode::Display, out);
            });
            out.push(b'}');
        }
        K_RANGE => {
            let r = v as usize as *const SnowRange;
            push_int(out, (*r).start);
            out.extend_from_slice(b"..");
            push_int(out, (*r).stop);
        }
        K_TUPLE => {
            out.push(b'(');
            elems(ctx, fields(v, t), out);
            out.push(b')');
        }
        K_STRUCT => {
            out.extend_from_slice(t.name_bytes());
            if mode == Mode::Display {
                out.push(b'(');
                elems(ctx, fields(v, t), out);
                out.push(b')');
            } else if t.nparams == 0 {
                out.extend_from_slice(b" {}");
            } else {
                out.extend_from_slice(b" { ");
                for i in 0..t.nparams as usize {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(t.field_name(i));
                    out.extend_from_slice(b": ");
                    let (w, ft) = field(v as usize as *const u8, t, i);
                    show(ctx, ft, w, Mode::Display, out);
                }
                out.extend_from_slice(b" }");
            }
        }
        K_SUM if t.nparams == 0 => {
            out.push(b'<');
            out.extend_from_slice(t.name_bytes());
            out.push(b'>');
        }
        // The object's header names its VARIANT descriptor (and thus its tag).
        K_SUM | K_VARIANT => variant(ctx, obj_type(v), v, out),
        // Function values have no text; the compiler never asks for it.
        K_CLOSURE => out.extend_from_slice(b"<fn>"),
        _ => {
            out.push(b'<');
            out.extend_from_slice(t.name_bytes());
            out.push(b'>');
        }
    }
}

/// Display-else-Debug text of `v` as a Rust buffer.
///
/// # Safety
/// As `show`.
pub unsafe fn to_bytes(ctx: *mut Ctx, t: &SnowType, v: Word, mode: Mode) -> Vec<u8> {
    let mut out = Vec::new();
    show(ctx, t, v, mode, &mut out);
    out
}

/// # Safety
/// `t` describes `v`.
#[no_mangle]
pub unsafe extern "C" fn snow_display(ctx: *mut Ctx, t: *const SnowType, v: Word) -> *mut SnowStr {
    if (*t).kind == K_STRING {
        return v as usize as *mut SnowStr;
    }
    let b = to_bytes(ctx, &*t, v, Mode::Display);
    new_str(ctx, &b)
}

/// # Safety
/// `t` describes `v`.
#[no_mangle]
pub unsafe extern "C" fn snow_debug(ctx: *mut Ctx, t: *const SnowType, v: Word) -> *mut SnowStr {
    let b = to_bytes(ctx, &*t, v, Mode::Debug);
    new_str(ctx, &b)
}
