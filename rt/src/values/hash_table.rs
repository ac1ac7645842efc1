//! The shared engine of maps and sets: an insertion-ordered hash table with
//! persistent versions.
//!
//! Representation. All versions derived from one another by successive
//! `put`/`delete` share an append-only *log* of entries (`keys`, `vals`,
//! `meta`) and a hash *index* (key -> newest log entry for that key). A
//! version is a small object that records how long a prefix of the log it
//! sees (`n`) and its live count (`size`). A `put` of a new key appends an
//! entry; a `put` on an existing key appends an entry that *supersedes* the
//! old one but keeps its position (its `origin`); a `delete` appends a
//! tombstone. Only the version that ends at the log's used end may append,
//! so each entry is superseded at most once and older versions stay valid:
//! they walk a key's `prev` chain back below their own `n`.
//!
//! Iteration order is the log order of *origins* (first insertions, or
//! re-insertions after a delete) that are live in the version.
//!
//! Costs: put/delete/add/remove on the newest version: amortised O(1)
//! (plus hashing); on an older version: O(n) (the live entries are copied
//! into a fresh log). Lookups on the newest version: O(1) expected; on an
//! older version O(1 + later updates of that key). `size`: O(1).
//! `entry_at(i)`: O(1) when the version has no superseded entries, else
//! amortised O(1) for ascending i (a cursor is cached in the version) and
//! O(n) for random access. When the log is full it is rebuilt from the live
//! entries with double capacity, which also drops superseded entries, so
//! memory stays proportional to the live size.

use crate::base::abi::*;
use crate::gc;
use crate::gc::store::{Store, Table};
use crate::values::hash;
use crate::values::protocols;

const META: usize = 5;
const M_PREV: usize = 0;
const M_ORIGIN: usize = 1;
const M_LAST: usize = 2;
const M_TOMB: usize = 3;
const M_HASH: usize = 4;

unsafe fn meta(t: *const Table, e: usize, f: usize) -> i64 {
    Store::get((*t).meta, e * META + f) as i64
}

unsafe fn set_meta(t: *const Table, e: usize, f: usize, v: i64) {
    Store::set((*t).meta, e * META + f, v as Word);
}

/// The key descriptor (params[0] of both Map and Set).
unsafe fn key_type<'a>(t: *const Table) -> &'a SnowType {
    (*(*t).h.ty).param(0)
}

unsafe fn is_map(t: *const Table) -> bool {
    (*(*t).h.ty).kind == K_MAP
}

/// Hash used by the index: the §3.2.7 hash, inlined for Int and String keys.
/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn key_hash(ctx: *mut Ctx, kt: &SnowType, k: Word) -> u64 {
    if kt.hash.is_none() {
        match kt.kind {
            K_INT | K_PID => return hash::hash_int(k as i64) as u64,
            K_STRING => return hash::fnv(SnowStr::bytes(k as usize as *const SnowStr)) as u64,
            _ => {}
        }
    }
    protocols::hash(ctx, kt, k) as u64
}

/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn key_eq(ctx: *mut Ctx, kt: &SnowType, a: Word, b: Word) -> bool {
    if a == b && kt.kind != K_FLOAT {
        return true;
    }
    if kt.eq.is_none() {
        match kt.kind {
            K_INT | K_PID | K_BOOL | K_UNIT => return false,
            K_STRING => {
                return SnowStr::bytes(a as usize as *const SnowStr)
                    == SnowStr::bytes(b as usize as *const SnowStr)
            }
            _ => {}
        }
    }
    protocols::eq(ctx, kt, a, b)
}

/// An empty map or set of descriptor `ty`.
///
/// # Safety
/// `ctx` is the running process's context; `ty` a Map or Set descriptor.
pub unsafe fn new(ctx: *mut Ctx, ty: *const SnowType) -> *mut Table {
    let t = gc::alloc(ctx, ty, core::mem::size_of::<Table>()) as *mut Table;
    (*t).cur_i = -1;
    t
}

/// The first slot probed for hash `h`. The §3.2.7 FNV hash mixes poorly
/// into its low bits (each input byte is xored in and multiplied by a prime
/// whose low part is small), so the index uses the high half of a
/// Fibonacci-hashing product, folded down: without it, linear probing over
/// a million Int keys degenerates into long clusters.
fn home_slot(h: u64, mask: usize) -> usize {
    let x = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x >> 32) ^ x) as usize & mask
}

/// Result of probing the index for a key.
struct Probe {
    slot: usize,
    /// Newest log entry for the key (any version), or -1.
    latest: i64,
}

unsafe fn probe(ctx: *mut Ctx, t: *const Table, k: Word, h: u64) -> Probe {
    let idx = (*t).index;
    let slots = (*idx).cap as usize / 2;
    let mask = slots - 1;
    let kt = key_type(t);
    let mut i = home_slot(h, mask);
    loop {
        let e = Store::get(idx, 2 * i + 1);
        if e == 0 {
            return Probe {
                slot: i,
                latest: -1,
            };
        }
        let e = e as usize - 1;
        if Store::get(idx, 2 * i) == h && key_eq(ctx, kt, Store::get((*t).keys, e), k) {
            return Probe {
                slot: i,
                latest: e as i64,
            };
        }
        i = (i + 1) & mask;
    }
}

/// The newest entry of a key chain as seen by version `t`, starting from
/// any later entry `e` of that chain; -1 if the key is not in the prefix.
unsafe fn in_version(t: *const Table, mut e: i64) -> i64 {
    while e >= (*t).n {
        e = meta(t, e as usize, M_PREV);
    }
    e
}

/// The live entry for `k` in version `t`.
/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn lookup(ctx: *mut Ctx, t: *const Table, k: Word) -> Option<usize> {
    if (*t).size == 0 {
        return None;
    }
    lookup_hashed(ctx, t, k, key_hash(ctx, key_type(t), k))
}

unsafe fn lookup_hashed(ctx: *mut Ctx, t: *const Table, k: Word, h: u64) -> Option<usize> {
    if (*t).size == 0 {
        return None;
    }
    let e = in_version(t, probe(ctx, t, k, h).latest);
    if e < 0 || meta(t, e as usize, M_TOMB) != 0 {
        None
    } else {
        Some(e as usize)
    }
}

/// The live entry whose position (origin) is `j`, if `j` is one.
unsafe fn live_origin(t: *const Table, j: usize) -> Option<usize> {
    if meta(t, j, M_ORIGIN) as usize != j {
        return None;
    }
    let e = in_version(t, meta(t, j, M_LAST));
    if meta(t, e as usize, M_TOMB) != 0 {
        None
    } else {
        Some(e as usize)
    }
}

/// The log entry of the `i`-th live element in insertion order.
///
/// # Safety
/// `t` is a live table and `0 <= i < size`.
pub unsafe fn entry_at(t: *mut Table, i: usize) -> usize {
    if (*t).n == (*t).size {
        // No entry in the prefix was superseded or deleted: dense.
        return i;
    }
    let (mut pos, mut j) = if (*t).cur_i >= 0 && i as i64 >= (*t).cur_i {
        ((*t).cur_i, (*t).cur_j)
    } else {
        (-1, -1)
    };
    let mut e = (*t).cur_e;
    while pos < i as i64 {
        j += 1;
        if let Some(le) = live_origin(t, j as usize) {
            pos += 1;
            e = le as i64;
        }
    }
    // A static version (shared between threads) keeps no cursor.
    if (*t).h.gc & GC_STATIC == 0 {
        (*t).cur_i = pos;
        (*t).cur_j = j;
        (*t).cur_e = e;
    }
    e as usize
}

/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn key_of(t: *const Table, e: usize) -> Word {
    Store::get((*t).keys, e)
}

/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn val_of(t: *const Table, e: usize) -> Word {
    Store::get((*t).vals, e)
}

/// Calls `f(key, value)` for every live entry in insertion order (value 0
/// for sets).
/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn for_each(t: *mut Table, mut f: impl FnMut(Word, Word)) {
    for i in 0..(*t).size as usize {
        let e = entry_at(t, i);
        let v = if is_map(t) { val_of(t, e) } else { 0 };
        f(key_of(t, e), v);
    }
}

/// A new version of `m` at the used end of a log with room for one more
/// entry: shares the log when `m` is the newest version and the log has
/// room, else rebuilds the live entries into a fresh log.
unsafe fn writable(ctx: *mut Ctx, m: *mut Table) -> *mut Table {
    let keys = (*m).keys;
    // A static log (the literal area, shared between threads) is never
    // written.
    if !keys.is_null()
        && (*m).n == (*keys).used
        && (*keys).used < (*keys).cap
        && (*keys).h.gc & GC_STATIC == 0
    {
        let r = new(ctx, (*m).h.ty);
        (*r).size = (*m).size;
        (*r).n = (*m).n;
        (*r).keys = (*m).keys;
        (*r).vals = (*m).vals;
        (*r).meta = (*m).meta;
        (*r).index = (*m).index;
        return r;
    }
    rebuild(ctx, m, (2 * ((*m).size as usize + 1)).max(8))
}

/// Copies the live entries of `m`, in order, into a fresh log of capacity `cap`.
unsafe fn rebuild(ctx: *mut Ctx, m: *mut Table, cap: usize) -> *mut Table {
    let ty = (*m).h.ty;
    let map = (*ty).kind == K_MAP;
    let kptr = kind_is_ptr((*ty).param(0).kind);
    let slots = (2 * cap).next_power_of_two();
    // Each new store is linked into `r` right away so it stays reachable
    // from `r` (itself a local, hence a root) during later allocations.
    let r = new(ctx, ty);
    (*r).keys = Store::new(ctx, cap, kptr);
    if map {
        (*r).vals = Store::new(ctx, cap, kind_is_ptr((*ty).param(1).kind));
    }
    (*r).meta = Store::new(ctx, cap * META, false);
    (*r).index = Store::new(ctx, slots * 2, false);
    let mask = slots - 1;
    let size = (*m).size as usize;
    for i in 0..size {
        let e = entry_at(m, i);
        let h = meta(m, e, M_HASH) as u64;
        Store::set((*r).keys, i, key_of(m, e));
        if map {
            Store::set((*r).vals, i, val_of(m, e));
        }
        set_meta(r, i, M_PREV, -1);
        set_meta(r, i, M_ORIGIN, i as i64);
        set_meta(r, i, M_LAST, i as i64);
        set_meta(r, i, M_TOMB, 0);
        set_meta(r, i, M_HASH, h as i64);
        // Keys are distinct, so the first empty slot is the right one.
        let mut s = home_slot(h, mask);
        while Store::get((*r).index, 2 * s + 1) != 0 {
            s = (s + 1) & mask;
        }
        Store::set((*r).index, 2 * s, h);
        Store::set((*r).index, 2 * s + 1, i as Word + 1);
    }
    (*(*r).keys).used = size as i64;
    if map {
        (*(*r).vals).used = size as i64;
    }
    (*(*r).meta).used = (size * META) as i64;
    (*(*r).index).used = size as i64;
    (*r).size = size as i64;
    (*r).n = size as i64;
    r
}

/// Appends an entry for `k` to the writable version `r` (from `writable`):
/// insert, supersede or (with `tomb`) delete.
/// `known` is a probe of `r`'s index for `k` already made by the caller.
unsafe fn append(
    ctx: *mut Ctx,
    r: *mut Table,
    k: Word,
    v: Word,
    h: u64,
    tomb: bool,
    known: Option<Probe>,
) {
    let p = match known {
        Some(p) => p,
        None => probe(ctx, r, k, h),
    };
    let e = (*r).n as usize;
    let live_before = p.latest >= 0 && meta(r, p.latest as usize, M_TOMB) == 0;
    let origin = if live_before {
        meta(r, p.latest as usize, M_ORIGIN)
    } else {
        e as i64
    };
    Store::set((*r).keys, e, k);
    if !(*r).vals.is_null() {
        Store::set((*r).vals, e, v);
        (*(*r).vals).used += 1;
    }
    set_meta(r, e, M_PREV, p.latest);
    set_meta(r, e, M_ORIGIN, origin);
    set_meta(r, e, M_LAST, e as i64);
    set_meta(r, e, M_TOMB, tomb as i64);
    set_meta(r, e, M_HASH, h as i64);
    if origin != e as i64 {
        set_meta(r, origin as usize, M_LAST, e as i64);
    }
    let idx = (*r).index;
    if p.latest < 0 {
        (*idx).used += 1;
    }
    Store::set(idx, 2 * p.slot, h);
    Store::set(idx, 2 * p.slot + 1, e as Word + 1);
    (*(*r).keys).used += 1;
    (*(*r).meta).used += META as i64;
    (*r).n += 1;
    (*r).size += match (live_before, tomb) {
        (false, false) => 1,
        (true, true) => -1,
        _ => 0,
    };
}

/// `m` with `k` mapped to `v` (`v` ignored for sets). For sets and for an
/// unchanged value the argument itself is returned.
/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn put(ctx: *mut Ctx, m: *mut Table, k: Word, v: Word) -> *mut Table {
    let h = key_hash(ctx, key_type(m), k);
    // One probe serves both the lookup and the append when the new version
    // shares this index (the common case of growing the newest version).
    let p = if (*m).index.is_null() {
        None
    } else {
        Some(probe(ctx, m, k, h))
    };
    if let Some(p) = &p {
        let e = in_version(m, p.latest);
        if e >= 0 && meta(m, e as usize, M_TOMB) == 0 && (!is_map(m) || val_of(m, e as usize) == v)
        {
            return m;
        }
    }
    let r = writable(ctx, m);
    let known = p.filter(|_| core::ptr::eq((*r).index, (*m).index));
    append(ctx, r, k, v, h, false, known);
    r
}

/// `m` without `k` (the argument itself when `k` is absent).
/// # Safety
/// `ctx` is the running context; tables are live; words match the key/value types.
pub unsafe fn delete(ctx: *mut Ctx, m: *mut Table, k: Word) -> *mut Table {
    let h = key_hash(ctx, key_type(m), k);
    if lookup_hashed(ctx, m, k, h).is_none() {
        return m;
    }
    let r = writable(ctx, m);
    append(ctx, r, k, 0, h, true, None);
    r
}
