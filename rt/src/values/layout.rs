//! Building compiler-laid-out values (tuples, Option/Result variants, lists)
//! from the descriptors the compiler passes with `RET_DESC`. The reading
//! side is `base::abi::read_field`.

use crate::base::abi::*;
use crate::gc;
use crate::values::list;

/// Option/Result variant tags (declaration order, chapter 03 §3.15).
pub const SOME: usize = 0;
pub const NONE: usize = 1;
pub const OK: usize = 0;
pub const ERR: usize = 1;

/// Byte offset of the `int64_t tag` every variant object has after its header.
const TAG_OFFSET: usize = core::mem::size_of::<Hdr>();

/// The variant tag of the variant object `w` (`OK`/`ERR`, `SOME`/`NONE`).
///
/// # Safety
/// `w` is a live variant object.
pub unsafe fn tag(w: Word) -> usize {
    ((w as usize as *const u8).add(TAG_OFFSET) as *const i64).read_unaligned() as usize
}

/// Stores word `w` into the field at `p` in the natural C type of `kind`
/// (the inverse of `base::abi::read_field`).
///
/// # Safety
/// `p` points to a writable field of that kind.
pub unsafe fn write_field(p: *mut u8, kind: u32, w: Word) {
    match kind {
        K_INT | K_PID | K_FLOAT => (p as *mut u64).write_unaligned(w),
        // `bool` and `snow_unit` are one byte.
        K_BOOL => p.write((w != 0) as u8),
        K_UNIT => p.write(0),
        _ => (p as *mut usize).write_unaligned(w as usize),
    }
}

/// Allocates an object laid out by the TUPLE/STRUCT/VARIANT descriptor `t`
/// and stores `fields` (one word per field, in order).
///
/// # Safety
/// `fields` lives on the Rust stack (so pointer words stay rooted across the
/// allocation) and has `t.nparams` words of the field types.
pub unsafe fn new_record(ctx: *mut Ctx, t: &SnowType, fields: &[Word]) -> Word {
    let o = gc::alloc(ctx, t, t.size as usize);
    for (i, &w) in fields.iter().enumerate().take(t.nparams as usize) {
        write_field(o.add(t.offset(i)), t.param(i).kind, w);
    }
    o as usize as Word
}

/// Allocates variant `tag` of the SUM descriptor `sum` with payload `fields`.
///
/// # Safety
/// As `new_record`; `tag` is a variant of `sum`.
pub unsafe fn new_variant(ctx: *mut Ctx, sum: &SnowType, tag: usize, fields: &[Word]) -> Word {
    let vt = sum.param(tag);
    let o = new_record(ctx, vt, fields);
    write_tag(o as usize as *mut u8, vt);
    o
}

/// A zeroed object of the VARIANT descriptor `vt` with its tag set, for a
/// caller that stores the payload field by field (`write_field`).
///
/// # Safety
/// `ctx` is the running context; `vt` a VARIANT descriptor.
pub unsafe fn alloc_variant(ctx: *mut Ctx, vt: &SnowType) -> *mut u8 {
    let o = gc::alloc(ctx, vt, vt.size as usize);
    write_tag(o, vt);
    o
}

unsafe fn write_tag(o: *mut u8, vt: &SnowType) {
    (o.add(TAG_OFFSET) as *mut i64).write_unaligned(vt.tag);
}

/// `Some(w)` / `Ok(w)` and friends as a `void *` result.
///
/// # Safety
/// As `new_variant`.
pub unsafe fn variant(ctx: *mut Ctx, sum: *const SnowType, tag: usize, fields: &[Word]) -> *mut u8 {
    new_variant(ctx, &*sum, tag, fields) as usize as *mut u8
}

/// `Some(w)` or `None` of the Option descriptor `opt`.
///
/// # Safety
/// `opt` is an `Option<T>` descriptor and `w` a word of `T`.
pub unsafe fn option(ctx: *mut Ctx, opt: *const SnowType, w: Option<Word>) -> *mut u8 {
    match w {
        Some(w) => variant(ctx, opt, SOME, &[w]),
        None => variant(ctx, opt, NONE, &[]),
    }
}

/// `Ok(w)` with a payload word, or `Err(message)` (a new string).
///
/// # Safety
/// `res` is a `Result<T, String>` descriptor and `w` a word of `T`.
pub unsafe fn result(ctx: *mut Ctx, res: *const SnowType, r: Result<Word, &[u8]>) -> *mut u8 {
    match r {
        Ok(w) => variant(ctx, res, OK, &[w]),
        Err(msg) => {
            let s = crate::values::string::new_str(ctx, msg) as usize as Word;
            variant(ctx, res, ERR, &[s])
        }
    }
}

/// `result` for an error text the runtime owns (the usual shape of a
/// library call's outcome).
///
/// # Safety
/// As `result`.
pub unsafe fn result_text(ctx: *mut Ctx, res: *const SnowType, r: Result<Word, String>) -> *mut u8 {
    result(ctx, res, r.as_ref().map(|w| *w).map_err(|e| e.as_bytes()))
}

/// The element descriptor of a List (or Set/Queue) descriptor.
///
/// # Safety
/// `t` is such a descriptor.
pub unsafe fn elem<'a>(t: *const SnowType) -> &'a SnowType {
    (*t).param(0)
}

/// A list of scalar words (no pointers), copied from Rust memory.
///
/// # Safety
/// `list_type` is a List descriptor whose elements are not pointers, or the
/// words are otherwise kept alive by the caller.
pub unsafe fn list_of_words(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    ws: &[Word],
) -> *mut SnowList {
    list::from_slice(ctx, list_type, ws)
}

/// A `List<String>` of new strings with the given contents. Each string is
/// pushed onto the (locally held) builder as soon as it exists.
///
/// # Safety
/// `list_type` is a `List<String>` descriptor; `parts` is Rust memory.
pub unsafe fn list_of_strs<'p>(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    parts: impl ExactSizeIterator<Item = &'p [u8]>,
) -> *mut SnowList {
    let b = list::snow_list_builder(ctx, list_type, parts.len() as i64);
    for p in parts {
        let s = crate::values::string::new_str(ctx, p) as usize as Word;
        list::snow_list_builder_push(ctx, b, s);
    }
    b
}
