//! Lists: immutable views `{len, items, store}` over word arrays.
//!
//! `snow_list_from` puts the items inline after the list header (the list is
//! its own store). Growing lists (builders, appends, concatenations) use a
//! separate append-only `Store`: a view whose last item is the store's last
//! used word may extend the store in place, because no other view can see
//! words past its own end. That makes repeated `append` onto the newest list
//! amortised O(1) while older lists keep their contents.

use crate::abi::{kind_is_ptr, Ctx, Hdr, SnowList, SnowType, Word};
use crate::gc;
use crate::panic::panic_msg;
use crate::store::Store;

const HEADER: usize = core::mem::size_of::<SnowList>();

/// # Safety
/// `l` is a live list object.
pub unsafe fn items<'a>(l: *const SnowList) -> &'a [Word] {
    if (*l).len == 0 {
        return &[];
    }
    core::slice::from_raw_parts((*l).items, (*l).len as usize)
}

/// # Safety
/// `list_type` is a List descriptor.
unsafe fn elems_are_ptrs(list_type: *const SnowType) -> bool {
    (*list_type).nparams > 0 && kind_is_ptr((*list_type).param(0).kind)
}

/// A new list with inline items copied from `src`.
///
/// # Safety
/// `list_type` is a List descriptor; `src` stays readable across the
/// allocation (it must not point into an unrooted heap object).
pub unsafe fn from_slice(ctx: *mut Ctx, list_type: *const SnowType, src: &[Word]) -> *mut SnowList {
    let l = gc::alloc(ctx, list_type, HEADER + src.len() * 8) as *mut SnowList;
    let inline = (l as *mut u8).add(HEADER) as *mut Word;
    core::ptr::copy_nonoverlapping(src.as_ptr(), inline, src.len());
    (*l).len = src.len() as i64;
    (*l).items = inline;
    (*l).store = l as *mut Hdr;
    l
}

/// A view over `store[start .. start + len]`.
unsafe fn view(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    store: *mut Hdr,
    items: *mut Word,
    len: usize,
) -> *mut SnowList {
    let l = gc::alloc(ctx, list_type, HEADER) as *mut SnowList;
    (*l).len = len as i64;
    (*l).items = items;
    (*l).store = store;
    l
}

/// If `l` ends exactly at the used end of a separate store with room for
/// `extra` more words, returns that store.
unsafe fn extendable(l: *const SnowList, extra: usize) -> Option<*mut Store> {
    let s = (*l).store;
    // Only separate stores grow; an inline list (the store of itself and of
    // its tails) is full by construction.
    if s.is_null() || (*(*s).ty).kind != crate::abi::K_OPAQUE {
        return None;
    }
    let s = s as *mut Store;
    let end = (*l).items.add((*l).len as usize);
    let used_end = Store::data(s).add((*s).used as usize);
    if core::ptr::eq(end, used_end) && (*s).used as usize + extra <= (*s).cap as usize {
        Some(s)
    } else {
        None
    }
}

/// Copies `l`'s items into a new store of capacity `cap` (>= len), marks
/// them used, and returns it.
unsafe fn copy_to_store(ctx: *mut Ctx, l: *const SnowList, cap: usize) -> *mut Store {
    let s = Store::new(ctx, cap, elems_are_ptrs((*l).h.ty));
    let n = (*l).len as usize;
    core::ptr::copy_nonoverlapping((*l).items, Store::data(s), n);
    (*s).used = n as i64;
    s
}

/// # Safety
/// `list_type` is a List descriptor; `items` holds `n` words.
#[no_mangle]
pub unsafe extern "C" fn snow_list_from(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    n: i64,
    items: *const Word,
) -> *mut SnowList {
    let n = n.max(0) as usize;
    let src = if n == 0 {
        &[][..]
    } else {
        core::slice::from_raw_parts(items, n)
    };
    from_slice(ctx, list_type, src)
}

/// # Safety
/// `list_type` is a List descriptor.
#[no_mangle]
pub unsafe extern "C" fn snow_list_builder(
    ctx: *mut Ctx,
    list_type: *const SnowType,
    cap_hint: i64,
) -> *mut SnowList {
    let cap = (cap_hint.max(0) as usize).max(4);
    let s = Store::new(ctx, cap, elems_are_ptrs(list_type));
    view(ctx, list_type, s as *mut Hdr, Store::data(s), 0)
}

/// # Safety
/// `b` is a builder made by `snow_list_builder` and not yet observed.
#[no_mangle]
pub unsafe extern "C" fn snow_list_builder_push(ctx: *mut Ctx, b: *mut SnowList, item: Word) {
    let len = (*b).len as usize;
    let s = match extendable(b, 1) {
        Some(s) => s,
        None => {
            let s = copy_to_store(ctx, b, (len * 2).max(4));
            (*b).store = s as *mut Hdr;
            (*b).items = Store::data(s);
            s
        }
    };
    Store::set(s, (*s).used as usize, item);
    (*s).used += 1;
    (*b).len += 1;
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_get(ctx: *mut Ctx, l: *mut SnowList, i: i64) -> Word {
    let len = (*l).len;
    if i < 0 || i >= len {
        panic_msg(
            ctx,
            &format!("List.get: index {i} out of bounds (len {len})"),
        );
    }
    *(*l).items.add(i as usize)
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_tail(ctx: *mut Ctx, l: *mut SnowList) -> *mut SnowList {
    let len = (*l).len as usize;
    if len == 0 {
        panic_msg(ctx, "List.tail: empty list");
    }
    view(ctx, (*l).h.ty, (*l).store, (*l).items.add(1), len - 1)
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_append(
    ctx: *mut Ctx,
    l: *mut SnowList,
    item: Word,
) -> *mut SnowList {
    let len = (*l).len as usize;
    if let Some(s) = extendable(l, 1) {
        Store::set(s, (*s).used as usize, item);
        (*s).used += 1;
        return view(ctx, (*l).h.ty, s as *mut Hdr, (*l).items, len + 1);
    }
    let s = copy_to_store(ctx, l, (len * 2).max(4));
    Store::set(s, len, item);
    (*s).used += 1;
    view(ctx, (*l).h.ty, s as *mut Hdr, Store::data(s), len + 1)
}

/// # Safety
/// `a` and `b` are live lists of the same type.
#[no_mangle]
pub unsafe extern "C" fn snow_list_concat(
    ctx: *mut Ctx,
    a: *mut SnowList,
    b: *mut SnowList,
) -> *mut SnowList {
    let (la, lb) = ((*a).len as usize, (*b).len as usize);
    if lb == 0 {
        return a;
    }
    if la == 0 {
        return b;
    }
    if let Some(s) = extendable(a, lb) {
        let used = (*s).used as usize;
        core::ptr::copy_nonoverlapping((*b).items, Store::data(s).add(used), lb);
        (*s).used += lb as i64;
        return view(ctx, (*a).h.ty, s as *mut Hdr, (*a).items, la + lb);
    }
    // Growing `a` by a short `b` looks like an accumulation loop: leave room
    // to extend in place next time. Otherwise allocate exactly.
    let total = la + lb;
    let cap = if lb < la { total * 2 } else { total };
    let s = copy_to_store(ctx, a, cap);
    core::ptr::copy_nonoverlapping((*b).items, Store::data(s).add(la), lb);
    (*s).used = total as i64;
    view(ctx, (*a).h.ty, s as *mut Hdr, Store::data(s), total)
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_head(ctx: *mut Ctx, l: *mut SnowList) -> Word {
    if (*l).len == 0 {
        panic_msg(ctx, "List.head: empty list");
    }
    *(*l).items
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_last(ctx: *mut Ctx, l: *mut SnowList) -> Word {
    let len = (*l).len as usize;
    if len == 0 {
        panic_msg(ctx, "List.last: empty list");
    }
    *(*l).items.add(len - 1)
}

/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_reverse(ctx: *mut Ctx, l: *mut SnowList) -> *mut SnowList {
    // Copy to the Rust stack first: the source must stay readable across the
    // allocation, and `items` may point into an object only `l` keeps alive.
    let mut v: Vec<Word> = items(l).to_vec();
    v.reverse();
    let out = from_slice(ctx, (*l).h.ty, &v);
    core::hint::black_box(l);
    out
}
