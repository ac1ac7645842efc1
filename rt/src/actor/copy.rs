//! Deep copies of values crossing process boundaries (messages, spawn
//! arguments, timer messages) into a fresh heap.
//!
//! The copy follows each object's own layout descriptor, exactly as the
//! collector traces it, so it needs no type information beyond the value's
//! top-level descriptor (which says whether the word is a pointer at all).
//! It allocates straight from the target `Heap` (which never collects by
//! itself), runs no user code and uses an explicit work list instead of
//! recursion, so arbitrarily deep values cannot overflow a small process
//! stack. Statics are immutable and global: they are shared, not copied.
//! Sharing inside a value is preserved.

use crate::abi::*;
use crate::gc::heap::Heap;
use crate::store::{Store, STORE_PTR, STORE_SCALAR};
use crate::table::Table;
use std::collections::HashMap;

/// Bytes of a list object before inline items (header, len, items, store).
const LIST_HEADER: usize = core::mem::size_of::<SnowList>();

struct Copier<'h> {
    heap: &'h mut Heap,
    memo: Memo,
    work: Vec<(usize, usize)>,
}

/// Source object → its copy. Most messages hold a handful of objects: a
/// linear scan of a small vector beats hashing them; big graphs switch to
/// a hash map.
#[derive(Default)]
struct Memo {
    few: Vec<(usize, usize)>,
    many: HashMap<usize, usize>,
}

const MEMO_FEW: usize = 16;

impl Memo {
    fn get(&self, src: usize) -> Option<usize> {
        if self.many.is_empty() {
            self.few.iter().find(|(s, _)| *s == src).map(|(_, d)| *d)
        } else {
            self.many.get(&src).copied()
        }
    }

    fn insert(&mut self, src: usize, dst: usize) {
        if self.many.is_empty() && self.few.len() < MEMO_FEW {
            self.few.push((src, dst));
            return;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(src, dst);
    }
}

/// Copies `w`, a value of type `ty`, into `heap`. Scalars come back
/// unchanged.
///
/// # Safety
/// `w` is a live value of type `ty`; nothing else uses `heap` meanwhile.
pub unsafe fn copy_value(heap: &mut Heap, ty: &SnowType, w: Word) -> Word {
    if !kind_is_ptr(ty.kind) || w == 0 {
        return w;
    }
    let mut c = Copier {
        heap,
        memo: Memo::default(),
        work: Vec::new(),
    };
    let r = c.object(w as usize);
    while let Some((src, dst)) = c.work.pop() {
        c.fix(src, dst);
    }
    r as Word
}

/// True when a value of type `ty` needs a fragment (it owns heap objects).
///
/// # Safety
/// `w` is a live value of type `ty`.
pub unsafe fn needs_copy(ty: &SnowType, w: Word) -> bool {
    kind_is_ptr(ty.kind) && w != 0 && (*(w as usize as *const Hdr)).gc & GC_STATIC == 0
}

impl Copier<'_> {
    /// The copy of the object at `src`, allocated and queued for fixing.
    unsafe fn object(&mut self, src: usize) -> usize {
        if src == 0 || (*(src as *const Hdr)).gc & GC_STATIC != 0 {
            return src;
        }
        if let Some(d) = self.memo.get(src) {
            return d;
        }
        let size = object_size(src);
        let dst = self.heap.alloc(size) as usize;
        core::ptr::copy_nonoverlapping(src as *const u8, dst as *mut u8, size);
        (*(dst as *mut Hdr)).gc = 0;
        self.memo.insert(src, dst);
        self.work.push((src, dst));
        dst
    }

    /// Replaces the pointers copied byte-for-byte into `dst` by pointers to
    /// copies.
    unsafe fn fix(&mut self, src: usize, dst: usize) {
        let t = &*(*(dst as *const Hdr)).ty;
        match t.kind {
            K_LIST => {
                let (s, d) = (src as *const SnowList, dst as *mut SnowList);
                let store = (*s).store as usize;
                let offset = (*s).items as usize - store;
                let new_store = if store == src {
                    dst
                } else {
                    self.object(store)
                };
                (*d).store = new_store as *mut Hdr;
                (*d).items = (new_store + offset) as *mut Word;
                if store == src && t.nparams > 0 && kind_is_ptr(t.param(0).kind) {
                    for i in 0..(*s).len as usize {
                        let p = (*d).items.add(i);
                        *p = self.object(*p as usize) as Word;
                    }
                }
            }
            K_MAP | K_SET => {
                let d = dst as *mut Table;
                (*d).keys = self.object((*d).keys as usize) as *mut Store;
                (*d).vals = self.object((*d).vals as usize) as *mut Store;
                (*d).meta = self.object((*d).meta as usize) as *mut Store;
                (*d).index = self.object((*d).index as usize) as *mut Store;
            }
            K_OPAQUE if core::ptr::eq(t, &STORE_PTR) => {
                let d = dst as *mut Store;
                for i in 0..(*d).used as usize {
                    let w = Store::get(d, i);
                    Store::set(d, i, self.object(w as usize) as Word);
                }
            }
            K_TUPLE | K_STRUCT | K_VARIANT | K_CLOSURE => {
                for i in 0..t.nparams as usize {
                    if kind_is_ptr(t.param(i).kind) {
                        let p = (dst as *mut u8).add(t.offset(i)) as *mut usize;
                        let child = p.read_unaligned();
                        p.write_unaligned(self.object(child));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The size in bytes of the object at `obj`, header included.
unsafe fn object_size(obj: usize) -> usize {
    let t = &*(*(obj as *const Hdr)).ty;
    match t.kind {
        K_STRING => core::mem::size_of::<SnowStr>() + (*(obj as *const SnowStr)).len as usize,
        K_RANGE => core::mem::size_of::<SnowRange>(),
        K_LIST => {
            let l = obj as *const SnowList;
            if (*l).store as usize == obj {
                (*l).items as usize - obj + (*l).len as usize * 8
            } else {
                LIST_HEADER
            }
        }
        K_MAP | K_SET => core::mem::size_of::<Table>(),
        K_OPAQUE if core::ptr::eq(t, &STORE_PTR) || core::ptr::eq(t, &STORE_SCALAR) => {
            core::mem::size_of::<Store>() + (*(obj as *const Store)).cap as usize * 8
        }
        K_TUPLE | K_STRUCT | K_VARIANT | K_CLOSURE => (t.size as usize).max(16),
        _ => {
            // A kind without a copyable layout is a compiler/runtime
            // contract violation, not a user error.
            panic!(
                "cannot copy a value of type {}",
                String::from_utf8_lossy(t.name_bytes())
            )
        }
    }
}
