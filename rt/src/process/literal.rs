//! The literal area: values frozen once and then shared by every process
//! without copying, as the BEAM shares its literals. A frozen value is a
//! deep copy in a heap of its own whose objects are all marked static:
//! the copier shares statics instead of copying them (so a message or spawn
//! argument holding it carries just the pointer), and collectors neither
//! mark nor sweep them. The area is never freed, so only values made once
//! per program belong here (an HTTP server's router).
//!
//! Statics are read by many threads at once, so nothing may write to them:
//! a list or map version that could grow in place into its store's spare
//! room copies instead when the store is static (`values::list`,
//! `values::hash_table`), and a map's iteration cursor is not cached in a
//! static version.

use super::copy::copy_value;
use crate::base::abi::{Hdr, SnowType, Word, GC_STATIC};
use crate::gc::heap::Heap;

/// The frozen copy of `w`, a value of type `ty` (scalars and statics come
/// back unchanged).
///
/// # Safety
/// `w` is a live value of type `ty`.
pub unsafe fn freeze(ty: &SnowType, w: Word) -> Word {
    let mut heap = Heap::new(false);
    let w = copy_value(&mut heap, ty, w);
    heap.for_each_object(|o| (*(o as *mut Hdr)).gc |= GC_STATIC);
    // Never collected, never freed.
    core::mem::forget(heap);
    w
}
