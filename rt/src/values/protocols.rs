//! Derived and built-in equality, ordering and hashing over descriptors.
//! A non-NULL hook in a descriptor (a user `impl`) always wins.

use crate::base::abi::*;
use crate::gc::store::Table;
use crate::values::hash::{self, combine, FNV_OFFSET};
use crate::values::hash_table;
use crate::values::list;
use crate::values::string::ordering_to_int;

/// Equality of two values of type `t`.
///
/// # Safety
/// `t` describes `a` and `b`.
pub unsafe fn eq(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> bool {
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_EQ, || {
        eq_here(ctx, t, a, b)
    })
}

unsafe fn eq_here(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> bool {
    if let Some(h) = t.eq {
        return h(ctx, a, b);
    }
    match t.kind {
        K_INT | K_PID | K_UNIT => a == b,
        K_BOOL => (a != 0) == (b != 0),
        K_FLOAT => f64_of(a) == f64_of(b),
        K_STRING => {
            a == b
                || SnowStr::bytes(a as usize as *const SnowStr)
                    == SnowStr::bytes(b as usize as *const SnowStr)
        }
        K_LIST => {
            let (x, y) = (
                list::items(a as usize as *const SnowList),
                list::items(b as usize as *const SnowList),
            );
            let et = t.param(0);
            x.len() == y.len() && x.iter().zip(y).all(|(&p, &q)| eq(ctx, et, p, q))
        }
        K_MAP | K_SET => {
            let (x, y) = (a as usize as *mut Table, b as usize as *mut Table);
            if (*x).size != (*y).size {
                return false;
            }
            let map = t.kind == K_MAP;
            let mut same = true;
            hash_table::for_each(x, |k, v| {
                if same {
                    same = match hash_table::lookup(ctx, y, k) {
                        None => false,
                        Some(e) => !map || eq(ctx, t.param(1), v, hash_table::val_of(y, e)),
                    };
                }
            });
            same
        }
        K_RANGE => {
            let (x, y) = (
                a as usize as *const SnowRange,
                b as usize as *const SnowRange,
            );
            (*x).start == (*y).start && (*x).stop == (*y).stop
        }
        K_TUPLE | K_STRUCT => a == b || fields_eq(ctx, t, a, b),
        K_SUM | K_VARIANT => {
            let (vx, vy) = (obj_type(a), obj_type(b));
            a == b || (vx.tag == vy.tag && fields_eq(ctx, vx, a, b))
        }
        _ => a == b,
    }
}

unsafe fn fields_eq(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> bool {
    (0..t.nparams as usize).all(|i| {
        let (x, ft) = field(a as usize as *const u8, t, i);
        let (y, _) = field(b as usize as *const u8, t, i);
        eq(ctx, ft, x, y)
    })
}

fn sign<T: PartialOrd>(a: T, b: T) -> i64 {
    // IEEE semantics for floats: unordered (NaN) compares as equal.
    if a < b {
        -1
    } else if b < a {
        1
    } else {
        0
    }
}

/// Ordering of two values of type `t`: -1, 0 or 1.
///
/// # Safety
/// `t` describes `a` and `b`.
pub unsafe fn cmp(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> i64 {
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_COMPARE, || {
        cmp_here(ctx, t, a, b)
    })
}

unsafe fn cmp_here(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> i64 {
    if let Some(h) = t.cmp {
        return h(ctx, a, b).signum();
    }
    match t.kind {
        K_INT | K_PID => sign(a as i64, b as i64),
        K_FLOAT => sign(f64_of(a), f64_of(b)),
        K_BOOL => sign(a != 0, b != 0),
        K_UNIT => 0,
        K_STRING => ordering_to_int(
            SnowStr::bytes(a as usize as *const SnowStr)
                .cmp(SnowStr::bytes(b as usize as *const SnowStr)),
        ),
        K_LIST => {
            let (x, y) = (
                list::items(a as usize as *const SnowList),
                list::items(b as usize as *const SnowList),
            );
            let et = t.param(0);
            for (&p, &q) in x.iter().zip(y) {
                let c = cmp(ctx, et, p, q);
                if c != 0 {
                    return c;
                }
            }
            sign(x.len(), y.len())
        }
        K_RANGE => {
            let (x, y) = (
                a as usize as *const SnowRange,
                b as usize as *const SnowRange,
            );
            let c = sign((*x).start, (*y).start);
            if c != 0 {
                c
            } else {
                sign((*x).stop, (*y).stop)
            }
        }
        K_TUPLE | K_STRUCT => fields_cmp(ctx, t, a, b),
        K_SUM | K_VARIANT => {
            let (vx, vy) = (obj_type(a), obj_type(b));
            let c = sign(vx.tag, vy.tag);
            if c != 0 {
                c
            } else {
                fields_cmp(ctx, vx, a, b)
            }
        }
        K_MAP | K_SET => {
            // Not an Ord type in Snow; a deterministic order for the runtime:
            // size, then entries in insertion order.
            let (x, y) = (a as usize as *mut Table, b as usize as *mut Table);
            let c = sign((*x).size, (*y).size);
            if c != 0 {
                return c;
            }
            for i in 0..(*x).size as usize {
                let (ex, ey) = (hash_table::entry_at(x, i), hash_table::entry_at(y, i));
                let c = cmp(
                    ctx,
                    t.param(0),
                    hash_table::key_of(x, ex),
                    hash_table::key_of(y, ey),
                );
                if c != 0 {
                    return c;
                }
                if t.kind == K_MAP {
                    let c = cmp(
                        ctx,
                        t.param(1),
                        hash_table::val_of(x, ex),
                        hash_table::val_of(y, ey),
                    );
                    if c != 0 {
                        return c;
                    }
                }
            }
            0
        }
        _ => sign(a, b),
    }
}

unsafe fn fields_cmp(ctx: *mut Ctx, t: &SnowType, a: Word, b: Word) -> i64 {
    for i in 0..t.nparams as usize {
        let (x, ft) = field(a as usize as *const u8, t, i);
        let (y, _) = field(b as usize as *const u8, t, i);
        let c = cmp(ctx, ft, x, y);
        if c != 0 {
            return c;
        }
    }
    0
}

/// Folds hashes as §3.2.7 does for struct fields: the first hash, then
/// `combine` with each further one; nothing gives the offset basis. Lists,
/// tuples and sets use this fold over their elements, maps over their keys
/// and values alternately, all in order.
fn fold(hashes: impl Iterator<Item = i64>) -> i64 {
    let mut acc: Option<i64> = None;
    for h in hashes {
        acc = Some(match acc {
            None => h,
            Some(a) => combine(a, h),
        });
    }
    acc.unwrap_or(FNV_OFFSET as i64)
}

/// §3.2.7 hash of a value of type `t`.
///
/// # Safety
/// `t` describes `v`.
pub unsafe fn hash(ctx: *mut Ctx, t: &SnowType, v: Word) -> i64 {
    crate::values::recursion::deeper(ctx, &crate::values::recursion::IN_HASH, || {
        hash_here(ctx, t, v)
    })
}

unsafe fn hash_here(ctx: *mut Ctx, t: &SnowType, v: Word) -> i64 {
    if let Some(h) = t.hash {
        return h(ctx, v);
    }
    match t.kind {
        K_INT | K_PID => hash::hash_int(v as i64),
        K_FLOAT => hash::hash_float(f64_of(v)),
        K_BOOL => hash::hash_bool(v != 0),
        // Unit carries no bytes: the hash of the empty input.
        K_UNIT => FNV_OFFSET as i64,
        K_STRING => hash::fnv(SnowStr::bytes(v as usize as *const SnowStr)),
        K_LIST => {
            let et = t.param(0);
            fold(
                list::items(v as usize as *const SnowList)
                    .iter()
                    .map(|&w| hash(ctx, et, w)),
            )
        }
        K_RANGE => {
            let r = v as usize as *const SnowRange;
            combine(hash::hash_int((*r).start), hash::hash_int((*r).stop))
        }
        K_TUPLE | K_STRUCT => fold((0..t.nparams as usize).map(|i| {
            let (w, ft) = field(v as usize as *const u8, t, i);
            hash(ctx, ft, w)
        })),
        K_SUM | K_VARIANT => {
            let vt = obj_type(v);
            let mut h = hash::hash_int(vt.tag);
            for i in 0..vt.nparams as usize {
                let (w, ft) = field(v as usize as *const u8, vt, i);
                h = combine(h, hash(ctx, ft, w));
            }
            h
        }
        K_MAP | K_SET => {
            let m = v as usize as *mut Table;
            let map = t.kind == K_MAP;
            let mut hs = Vec::new();
            hash_table::for_each(m, |k, val| {
                hs.push(hash(ctx, t.param(0), k));
                if map {
                    hs.push(hash(ctx, t.param(1), val));
                }
            });
            fold(hs.into_iter())
        }
        _ => hash::hash_int(v as i64),
    }
}

/// # Safety
/// `t` describes `a` and `b`.
#[no_mangle]
pub unsafe extern "C" fn snow_eq(ctx: *mut Ctx, t: *const SnowType, a: Word, b: Word) -> bool {
    eq(ctx, &*t, a, b)
}

/// # Safety
/// `t` describes `a` and `b`.
#[no_mangle]
pub unsafe extern "C" fn snow_cmp(ctx: *mut Ctx, t: *const SnowType, a: Word, b: Word) -> i64 {
    cmp(ctx, &*t, a, b)
}

/// # Safety
/// `t` describes `v`.
#[no_mangle]
pub unsafe extern "C" fn snow_hash(ctx: *mut Ctx, t: *const SnowType, v: Word) -> i64 {
    hash(ctx, &*t, v)
}
