//! Runtime-internal word arrays ("stores"): the backing arrays of lists and
//! the entry logs and hash indexes of maps and sets. A store is an ordinary
//! heap object so the collector can find and trace it; which of the two
//! descriptors it carries tells whether its words are pointers.
//!
//! The initialised words are `data[front .. used]`. Stores only grow once
//! shared: a newer list/map version may raise `used` or (lists only) lower
//! `front` to claim a free slot, but words inside the window are never
//! rewritten while an older version can still see them. Maps and sets keep
//! `front` at 0.
//!
//! A map or set version (`Table`) is a small object pointing into shared
//! stores; its layout is here because the collector traces it, its engine
//! is `values::hash_table`.

use crate::base::abi::{Ctx, Hdr, SnowType, Word, K_OPAQUE};
use crate::gc;

#[repr(C)]
pub struct Store {
    pub h: Hdr,
    pub cap: i64,
    pub used: i64,
    pub front: i64,
    pub data: [Word; 0],
}

/// A version of a map or set (see `values::hash_table`).
#[repr(C)]
pub struct Table {
    pub h: Hdr,
    /// Live entries in this version.
    pub size: i64,
    /// Length of the log prefix this version sees.
    pub n: i64,
    pub keys: *mut Store,
    /// Values (maps only; null for sets).
    pub vals: *mut Store,
    /// `META` words per entry: prev, origin, last, tomb, hash.
    pub meta: *mut Store,
    /// Two words per slot: hash, entry + 1 (0 = empty slot).
    pub index: *mut Store,
    /// Iteration cursor cache: position, its origin, its live entry.
    pub cur_i: i64,
    pub cur_j: i64,
    pub cur_e: i64,
}

const fn opaque(name: &'static core::ffi::CStr) -> SnowType {
    SnowType::bare(K_OPAQUE, name)
}

/// A store whose used words are pointers to objects (or null).
pub static STORE_PTR: SnowType = opaque(c"store(ptr)");
/// A store of plain words the collector never looks into.
pub static STORE_SCALAR: SnowType = opaque(c"store(scalar)");

impl Store {
    /// Allocates an empty store with room for `cap` words.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn new(ctx: *mut Ctx, cap: usize, pointers: bool) -> *mut Store {
        let ty = if pointers { &STORE_PTR } else { &STORE_SCALAR };
        let size = core::mem::size_of::<Store>() + cap * 8;
        let s = gc::alloc(ctx, ty, size) as *mut Store;
        (*s).cap = cap as i64;
        s
    }

    /// # Safety
    /// `s` is a live store.
    pub unsafe fn data(s: *mut Store) -> *mut Word {
        (*s).data.as_mut_ptr()
    }

    /// # Safety
    /// `s` is a live store.
    pub unsafe fn is_pointers(s: *const Store) -> bool {
        core::ptr::eq((*s).h.ty, &STORE_PTR)
    }

    /// The initialised window `front .. used`.
    ///
    /// # Safety
    /// `s` is a live store.
    pub unsafe fn window(s: *const Store) -> core::ops::Range<usize> {
        (*s).front as usize..(*s).used as usize
    }

    /// # Safety
    /// `s` is a live store and `front <= i < used`.
    pub unsafe fn get(s: *const Store, i: usize) -> Word {
        *(*s).data.as_ptr().add(i)
    }

    /// # Safety
    /// `s` is a live store and `i < cap`.
    pub unsafe fn set(s: *mut Store, i: usize, w: Word) {
        *Store::data(s).add(i) = w;
    }
}
