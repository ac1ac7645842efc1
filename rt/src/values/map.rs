//! `Map<K, V>`: the C entry points over the insertion-ordered table engine
//! (see `hash_table` for representation and costs).

use crate::base::abi::{Ctx, SnowType, Word, K_BOOL, K_FLOAT, K_INT};
use crate::base::panic::panic_msg;
use crate::gc::store::Table;
use crate::values::hash_table;

/// # Safety
/// `ctx` is the running process's context.
#[no_mangle]
pub unsafe extern "C" fn snow_map_new(ctx: *mut Ctx, map_type: *const SnowType) -> *mut Table {
    hash_table::new(ctx, map_type)
}

/// # Safety
/// `m` is a live map; `k`/`v` are words of its key/value types.
#[no_mangle]
pub unsafe extern "C" fn snow_map_put(
    ctx: *mut Ctx,
    m: *mut Table,
    k: Word,
    v: Word,
) -> *mut Table {
    hash_table::put(ctx, m, k, v)
}

/// # Safety
/// `m` is a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_has(ctx: *mut Ctx, m: *mut Table, k: Word) -> bool {
    hash_table::lookup(ctx, m, k).is_some()
}

/// Absent keys give 0 / 0.0 / false for Int / Float / Bool values (v4.0
/// compatibility, chapter 03 §3.9) and panic otherwise.
///
/// # Safety
/// `m` is a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_get(ctx: *mut Ctx, m: *mut Table, k: Word) -> Word {
    if let Some(e) = hash_table::lookup(ctx, m, k) {
        return hash_table::val_of(m, e);
    }
    match (*(*m).h.ty).param(1).kind {
        // 0.0 is the all-zero bit pattern, as are 0 and false.
        K_INT | K_FLOAT | K_BOOL => 0,
        _ => panic_msg(ctx, "Map.get: key not found"),
    }
}

/// # Safety
/// `m` is a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_delete(ctx: *mut Ctx, m: *mut Table, k: Word) -> *mut Table {
    hash_table::delete(ctx, m, k)
}

/// # Safety
/// `m` is a live map.
#[no_mangle]
pub unsafe extern "C" fn snow_map_size(m: *mut Table) -> i64 {
    (*m).size
}

/// # Safety
/// `m` is a live map and `0 <= i < size`.
#[no_mangle]
pub unsafe extern "C" fn snow_map_key_at(m: *mut Table, i: i64) -> Word {
    hash_table::key_of(m, hash_table::entry_at(m, i as usize))
}

/// # Safety
/// `m` is a live map and `0 <= i < size`.
#[no_mangle]
pub unsafe extern "C" fn snow_map_value_at(m: *mut Table, i: i64) -> Word {
    hash_table::val_of(m, hash_table::entry_at(m, i as usize))
}
