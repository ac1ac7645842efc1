//! Lists: immutable views `{len, items, store}` over word arrays.
//!
//! `snow_list_from` puts the items inline after the list header (the list is
//! its own store). Growing lists (builders, appends, prepends,
//! concatenations) use a separate `Store` with spare room at both ends: its
//! initialised window is `front .. used`, and a view that starts exactly at
//! `front` may claim the free words before it, a view that ends exactly at
//! `used` the free words after it, because no other view can see past the
//! window. Claiming moves the watermark, so of several views sharing an end
//! only the first to grow extends in place; the others copy. That makes
//! repeated `append` and `prepend` (`[x] ++ acc`) onto the newest list
//! amortised O(1) while older lists keep their contents.

use crate::base::abi::{
    kind_is_ptr, Ctx, Hdr, SnowList, SnowStr, SnowType, Word, GC_STATIC, K_OPAQUE,
};
use crate::base::panic::panic_msg;
use crate::gc;
use crate::gc::store::Store;

const HEADER: usize = core::mem::size_of::<SnowList>();

/// # Safety
/// `l` is a live list object.
pub unsafe fn items<'a>(l: *const SnowList) -> &'a [Word] {
    if (*l).len == 0 {
        return &[];
    }
    core::slice::from_raw_parts((*l).items, (*l).len as usize)
}

/// The texts of a `List<String>`, copied out of the heap.
///
/// # Safety
/// `l` is a live `List<String>`.
pub unsafe fn strings(l: *const SnowList) -> Vec<String> {
    items(l)
        .iter()
        .map(|&w| crate::values::string::str_of(w as usize as *const SnowStr).to_string())
        .collect()
}

/// The texts of a `List<String>` as `Some`s (the database calls' parameters,
/// none of them NULL).
///
/// # Safety
/// `l` is a live `List<String>`.
pub unsafe fn some_strings(l: *const SnowList) -> Vec<Option<String>> {
    strings(l).into_iter().map(Some).collect()
}

/// The texts of a `List<Option<String>>`, copied out of the heap (`None`
/// stays `None`: a NULL parameter of the database calls).
///
/// # Safety
/// `l` is a live `List<Option<String>>`.
pub unsafe fn opt_strings(l: *const SnowList) -> Vec<Option<String>> {
    use crate::values::layout::{tag, SOME};
    items(l)
        .iter()
        .map(|&w| {
            (tag(w) == SOME).then(|| {
                let at = crate::base::abi::obj_type(w).offset(0);
                let s =
                    ((w as usize as *const u8).add(at) as *const *const SnowStr).read_unaligned();
                crate::values::string::str_of(s).to_string()
            })
        })
        .collect()
}

/// # Safety
/// `list_type` is a List descriptor.
unsafe fn elems_are_ptrs(list_type: *const SnowType) -> bool {
    (*list_type).nparams > 0 && kind_is_ptr((*list_type).param(0).kind)
}

/// A new list of `n` inline items, left zero for the caller to fill.
///
/// # Safety
/// `list_type` is a List (or Queue) descriptor.
unsafe fn new_inline(ctx: *mut Ctx, list_type: *const SnowType, n: usize) -> *mut SnowList {
    let l = gc::alloc(ctx, list_type, HEADER + n * 8) as *mut SnowList;
    (*l).len = n as i64;
    (*l).items = (l as *mut u8).add(HEADER) as *mut Word;
    (*l).store = l as *mut Hdr;
    l
}

/// A new list with inline items copied from `src`.
///
/// # Safety
/// `list_type` is a List descriptor; `src` stays readable across the
/// allocation (it must not point into an unrooted heap object).
pub unsafe fn from_slice(ctx: *mut Ctx, list_type: *const SnowType, src: &[Word]) -> *mut SnowList {
    let l = new_inline(ctx, list_type, src.len());
    core::ptr::copy_nonoverlapping(src.as_ptr(), (*l).items, src.len());
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

/// The free words a list may claim in place: before its first item when it
/// starts at its store's `front`, after its last when it ends at `used`.
struct Room {
    store: *mut Store,
    front: usize,
    back: usize,
}

/// # Safety
/// `l` is a live list.
unsafe fn room(l: *const SnowList) -> Room {
    let s = (*l).store;
    // Only separate stores have room; an inline list (the store of itself
    // and of its tails) is full by construction, and a static store (the
    // literal area, shared between threads) is never written.
    if s.is_null() || (*(*s).ty).kind != K_OPAQUE || (*s).gc & GC_STATIC != 0 {
        return Room {
            store: core::ptr::null_mut(),
            front: 0,
            back: 0,
        };
    }
    let s = s as *mut Store;
    let start = (*l).items.offset_from(Store::data(s)) as usize;
    let end = start + (*l).len as usize;
    let at_front = start == (*s).front as usize;
    let at_back = end == (*s).used as usize;
    Room {
        store: s,
        front: if at_front { start } else { 0 },
        back: if at_back {
            ((*s).cap - (*s).used) as usize
        } else {
            0
        },
    }
}

/// Copies `l`'s items into a new store with `front` free words before them
/// and `back` after, and returns it.
unsafe fn copy_to_store(
    ctx: *mut Ctx,
    l: *const SnowList,
    front: usize,
    back: usize,
) -> *mut Store {
    let n = (*l).len as usize;
    let s = Store::new(ctx, front + n + back, elems_are_ptrs((*l).h.ty));
    core::ptr::copy_nonoverlapping((*l).items, Store::data(s).add(front), n);
    (*s).front = front as i64;
    (*s).used = (front + n) as i64;
    s
}

/// Spare room for the growing side of a copy that adds `k` words to `n`:
/// as much again when a short piece is added (an accumulation loop), so the
/// next additions need no copy; only a few words when the piece is at least
/// as long, since the list then at least doubles anyway.
fn spare(n: usize, k: usize) -> usize {
    if k < n {
        n + k
    } else {
        4
    }
}

/// `words ++ l`, in place when `l` starts at its store's front with room.
///
/// # Safety
/// `l` is a live list; `words` stays readable across an allocation.
pub unsafe fn prepend_words(ctx: *mut Ctx, l: *mut SnowList, words: &[Word]) -> *mut SnowList {
    let (n, k) = ((*l).len as usize, words.len());
    if k == 0 {
        return l;
    }
    let r = room(l);
    let s = if r.front >= k {
        r.store
    } else {
        // The other end keeps (up to the list's length) the room it had, so
        // alternating prepends and appends also copy only geometrically.
        copy_to_store(ctx, l, k + spare(n, k), r.back.min(n))
    };
    let at = (*s).front as usize - k;
    core::ptr::copy_nonoverlapping(words.as_ptr(), Store::data(s).add(at), k);
    (*s).front = at as i64;
    view(ctx, (*l).h.ty, s as *mut Hdr, Store::data(s).add(at), n + k)
}

/// `l ++ words`, in place when `l` ends at its store's used end with room.
///
/// # Safety
/// `l` is a live list; `words` stays readable across an allocation.
pub unsafe fn append_words(ctx: *mut Ctx, l: *mut SnowList, words: &[Word]) -> *mut SnowList {
    let (n, k) = ((*l).len as usize, words.len());
    if k == 0 {
        return l;
    }
    let r = room(l);
    let (s, start) = if r.back >= k {
        (r.store, (*l).items)
    } else {
        let s = copy_to_store(ctx, l, r.front.min(n), k + spare(n, k));
        (s, Store::data(s).add((*s).front as usize))
    };
    let used = (*s).used as usize;
    core::ptr::copy_nonoverlapping(words.as_ptr(), Store::data(s).add(used), k);
    (*s).used = (used + k) as i64;
    view(ctx, (*l).h.ty, s as *mut Hdr, start, n + k)
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
    let r = room(b);
    let s = if r.back > 0 {
        r.store
    } else {
        let s = copy_to_store(ctx, b, 0, len.max(4));
        (*b).store = s as *mut Hdr;
        (*b).items = Store::data(s);
        s
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
    append_words(ctx, l, &[item])
}

/// `List.prepend(l, x)`: `[x] ++ l`.
///
/// # Safety
/// `l` is a live list.
#[no_mangle]
pub unsafe extern "C" fn snow_list_prepend(
    ctx: *mut Ctx,
    l: *mut SnowList,
    item: Word,
) -> *mut SnowList {
    prepend_words(ctx, l, &[item])
}

/// # Safety
/// `l` is a live list; `items` holds `n >= 1` words.
#[no_mangle]
pub unsafe extern "C" fn snow_list_prepend_n(
    ctx: *mut Ctx,
    l: *mut SnowList,
    n: i64,
    items: *const Word,
) -> *mut SnowList {
    prepend_words(
        ctx,
        l,
        core::slice::from_raw_parts(items, n.max(0) as usize),
    )
}

/// # Safety
/// `l` is a live list; `items` holds `n >= 1` words.
#[no_mangle]
pub unsafe extern "C" fn snow_list_append_n(
    ctx: *mut Ctx,
    l: *mut SnowList,
    n: i64,
    items: *const Word,
) -> *mut SnowList {
    append_words(
        ctx,
        l,
        core::slice::from_raw_parts(items, n.max(0) as usize),
    )
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
    // Copy the shorter list into the longer one's store when it has room,
    // else into the other's; with no room anywhere, grow the longer list
    // (`[x] ++ acc` and `acc ++ [x]` are accumulation loops).
    let a_grows = room(a).back >= lb;
    let b_grows = room(b).front >= la;
    let prepend = if a_grows && b_grows {
        la <= lb
    } else {
        b_grows || (!a_grows && la < lb)
    };
    if prepend {
        prepend_words(ctx, b, items(a))
    } else {
        append_words(ctx, a, items(b))
    }
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
    let n = (*l).len as usize;
    let out = new_inline(ctx, (*l).h.ty, n);
    // Read the source only after the allocation, which may collect: `l`
    // stays live (used below), and with it the store its items are in.
    let src = items(l);
    let dst = core::slice::from_raw_parts_mut((*out).items, n);
    for (d, s) in dst.iter_mut().zip(src.iter().rev()) {
        *d = *s;
    }
    core::hint::black_box(l);
    out
}
