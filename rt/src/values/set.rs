//! `Set<T>`: the C entry points over the insertion-ordered table engine
//! (see `hash_table` for representation and costs).

use crate::base::abi::{Ctx, SnowType, Word};
use crate::gc::store::Table;
use crate::values::hash_table;

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_set_new(ctx: *mut Ctx, set_type: *const SnowType) -> *mut Table {
    hash_table::new(ctx, set_type)
}

/// # Safety
/// `s` is a live set; `x` a word of its element type.
#[no_mangle]
pub unsafe extern "C" fn snow_set_add(ctx: *mut Ctx, s: *mut Table, x: Word) -> *mut Table {
    hash_table::put(ctx, s, x, 0)
}

/// # Safety
/// `s` is a live set.
#[no_mangle]
pub unsafe extern "C" fn snow_set_contains(ctx: *mut Ctx, s: *mut Table, x: Word) -> bool {
    hash_table::lookup(ctx, s, x).is_some()
}

/// # Safety
/// `s` is a live set.
#[no_mangle]
pub unsafe extern "C" fn snow_set_remove(ctx: *mut Ctx, s: *mut Table, x: Word) -> *mut Table {
    hash_table::delete(ctx, s, x)
}

/// # Safety
/// `s` is a live set.
#[no_mangle]
pub unsafe extern "C" fn snow_set_size(s: *mut Table) -> i64 {
    (*s).size
}

/// # Safety
/// `s` is a live set and `0 <= i < size`.
#[no_mangle]
pub unsafe extern "C" fn snow_set_at(s: *mut Table, i: i64) -> Word {
    hash_table::key_of(s, hash_table::entry_at(s, i as usize))
}
