//! The Map, Set, Range and List functions of chapter 03 §3.8–§3.12 that take
//! no closures, over the insertion-ordered hash table (`values::hash_table`).
//!
//! Keys and values read out of a table stay reachable through the table
//! argument, which is kept alive (`black_box`) until the new object holding
//! them exists.

use crate::base::abi::*;
use crate::gc::store::Table;
use crate::values::hash_table;
use crate::values::layout;
use crate::values::list;
use core::hint::black_box;

unsafe fn entries(m: *mut Table) -> Vec<(Word, Word)> {
    let mut v = Vec::with_capacity((*m).size as usize);
    hash_table::for_each(m, |k, x| v.push((k, x)));
    v
}

/// # Safety
/// `list_type` is `List<K>`; `m` a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_keys(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    m: *mut Table,
) -> *mut SnowList {
    let ks: Vec<Word> = entries(m).into_iter().map(|(k, _)| k).collect();
    let l = list::from_slice(ctx, list_type, &ks);
    black_box(m);
    l
}

/// # Safety
/// `list_type` is `List<V>`; `m` a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_values(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    m: *mut Table,
) -> *mut SnowList {
    let vs: Vec<Word> = entries(m).into_iter().map(|(_, v)| v).collect();
    let l = list::from_slice(ctx, list_type, &vs);
    black_box(m);
    l
}

/// Entries as `(K, V)` tuples in insertion order.
///
/// # Safety
/// `list_type` is `List<(K, V)>`; `m` a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_to_list(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    m: *mut Table,
) -> *mut SnowList {
    let tuple = layout::elem(list_type);
    let es = entries(m);
    let b = list::snow_list_builder(ctx, list_type, es.len() as i64);
    for (k, v) in es {
        let t = layout::new_record(ctx, tuple, &[k, v]);
        list::snow_list_builder_push(ctx, b, t);
    }
    black_box(m);
    b
}

/// Folds `put` over the pairs: the last value wins, at the first position.
///
/// # Safety
/// `map_type` is `Map<K, V>`; `ps` a live `List<(K, V)>`.
#[no_mangle]
pub unsafe extern "C" fn snow_map_from_list(
    ctx: *mut Ctx,
    map_type: *const SnowType,
    ps: *mut SnowList,
) -> *mut Table {
    let tuple = layout::elem((*ps).h.ty);
    let mut m = hash_table::new(ctx, map_type);
    for &p in list::items(ps) {
        let (k, _) = field(p as usize as *const u8, tuple, 0);
        let (v, _) = field(p as usize as *const u8, tuple, 1);
        m = hash_table::put(ctx, m, k, v);
    }
    black_box(ps);
    m
}

/// `b`'s entries put onto `a` in `b`'s order.
///
/// # Safety
/// `a` and `b` are live maps of one type.
#[no_mangle]
pub unsafe extern "C" fn snow_map_merge(ctx: *mut Ctx, a: *mut Table, b: *mut Table) -> *mut Table {
    let mut m = a;
    for (k, v) in entries(b) {
        m = hash_table::put(ctx, m, k, v);
    }
    black_box(b);
    m
}

/// [proposed] `Map.find`: `Some(value)` or `None`.
///
/// # Safety
/// `opt` is `Option<V>`; `m` a live map; `k` a word of its key type.
#[no_mangle]
pub unsafe extern "C" fn snow_map_find(
    ctx: *mut Ctx,
    opt: *const SnowType,
    m: *mut Table,
    k: Word,
) -> *mut u8 {
    let v = hash_table::lookup(ctx, m, k).map(|e| hash_table::val_of(m, e));
    let r = layout::option(ctx, opt, v);
    black_box(m);
    r
}

/// [proposed] `Map.get_or`: the value for `k`, or `d`.
///
/// # Safety
/// `m` a live map; `k`/`d` words of its key/value types.
#[no_mangle]
pub unsafe extern "C" fn snow_map_get_or(ctx: *mut Ctx, m: *mut Table, k: Word, d: Word) -> Word {
    hash_table::lookup(ctx, m, k).map_or(d, |e| hash_table::val_of(m, e))
}

unsafe fn keys(s: *mut Table) -> Vec<Word> {
    entries(s).into_iter().map(|(k, _)| k).collect()
}

/// `a`'s elements, then `b`'s elements not in `a`.
///
/// # Safety
/// `a` and `b` are live sets of one type.
#[no_mangle]
pub unsafe extern "C" fn snow_set_union(ctx: *mut Ctx, a: *mut Table, b: *mut Table) -> *mut Table {
    let mut s = a;
    for k in keys(b) {
        s = hash_table::put(ctx, s, k, 0);
    }
    black_box(b);
    s
}

unsafe fn filter(ctx: *mut Ctx, a: *mut Table, b: *mut Table, keep_common: bool) -> *mut Table {
    let mut s = hash_table::new(ctx, (*a).h.ty);
    for k in keys(a) {
        if hash_table::lookup(ctx, b, k).is_some() == keep_common {
            s = hash_table::put(ctx, s, k, 0);
        }
    }
    black_box((a, b));
    s
}

/// Elements of `a` also in `b`, in `a`'s order.
///
/// # Safety
/// `a` and `b` are live sets of one type.
#[no_mangle]
pub unsafe extern "C" fn snow_set_intersection(
    ctx: *mut Ctx,
    a: *mut Table,
    b: *mut Table,
) -> *mut Table {
    filter(ctx, a, b, true)
}

/// Elements of `a` not in `b`, in `a`'s order.
///
/// # Safety
/// `a` and `b` are live sets of one type.
#[no_mangle]
pub unsafe extern "C" fn snow_set_difference(
    ctx: *mut Ctx,
    a: *mut Table,
    b: *mut Table,
) -> *mut Table {
    filter(ctx, a, b, false)
}

/// # Safety
/// `list_type` is `List<T>`; `s` a live set.
#[no_mangle]
pub unsafe extern "C" fn snow_set_to_list(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    s: *mut Table,
) -> *mut SnowList {
    let l = list::from_slice(ctx, list_type, &keys(s));
    black_box(s);
    l
}

/// Distinct elements at their first positions.
///
/// # Safety
/// `set_type` is `Set<T>`; `xs` a live `List<T>`.
#[no_mangle]
pub unsafe extern "C" fn snow_set_from_list(
    ctx: *mut Ctx,
    set_type: *const SnowType,
    xs: *mut SnowList,
) -> *mut Table {
    let mut s = hash_table::new(ctx, set_type);
    for &x in list::items(xs) {
        s = hash_table::put(ctx, s, x, 0);
    }
    black_box(xs);
    s
}

/// # Safety
/// `r` is a live range.
#[no_mangle]
pub unsafe extern "C" fn snow_range_length(r: *mut SnowRange) -> i64 {
    // In i128: `stop - start` can overflow i64 for extreme bounds.
    let (a, b) = ((*r).start as i128, (*r).stop as i128);
    (b - a).clamp(0, i64::MAX as i128) as i64
}

/// # Safety
/// `list_type` is `List<Int>`; `r` a live range.
#[no_mangle]
pub unsafe extern "C" fn snow_range_to_list(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    r: *mut SnowRange,
) -> *mut SnowList {
    let ws: Vec<Word> = ((*r).start..(*r).stop).map(|i| i as Word).collect();
    list::from_slice(ctx, list_type, &ws)
}
