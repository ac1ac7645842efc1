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

use crate::base::abi::*;
use crate::gc::heap::Heap;
use crate::gc::store::Table;
use crate::gc::store::{Store, STORE_PTR, STORE_SCALAR};
use core::mem::MaybeUninit;
use std::collections::HashMap;

/// Bytes of a list object before inline items (header, len, items, store).
const LIST_HEADER: usize = core::mem::size_of::<SnowList>();

struct Copier<'h> {
    to: Target<'h>,
    memo: Memo,
    work: Pairs,
}

/// A list of (source, copy) pairs whose first entries live inline: most
/// messages hold a handful of objects, and copying them should not cost
/// heap allocations of its own.
struct Pairs {
    /// The first `len` entries are initialised (left uninitialised so that
    /// starting a copy costs nothing).
    few: [MaybeUninit<(usize, usize)>; MEMO_FEW],
    len: usize,
    more: Vec<(usize, usize)>,
}

impl Default for Pairs {
    fn default() -> Self {
        Pairs {
            few: [const { MaybeUninit::uninit() }; MEMO_FEW],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl Pairs {
    fn push(&mut self, p: (usize, usize)) {
        if self.len < MEMO_FEW {
            self.few[self.len].write(p);
            self.len += 1;
        } else {
            self.more.push(p);
        }
    }

    fn pop(&mut self) -> Option<(usize, usize)> {
        if let Some(p) = self.more.pop() {
            return Some(p);
        }
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: entries below the old `len` were written by `push`.
        Some(unsafe { self.few[self.len].assume_init() })
    }

    fn full(&self) -> bool {
        self.len == MEMO_FEW
    }

    fn find(&self, src: usize) -> Option<usize> {
        self.few[..self.len]
            .iter()
            // SAFETY: as in `pop`.
            .map(|p| unsafe { p.assume_init() })
            .find(|(s, _)| *s == src)
            .map(|(_, d)| d)
    }
}

/// Where copies go: a heap, or a small fixed buffer (a message's inline
/// space) that may turn out too small.
enum Target<'h> {
    Heap(&'h mut Heap),
    Buffer { next: usize, end: usize },
}

impl Target<'_> {
    /// Space for an object of `size` bytes (zeroed in a heap); None when a
    /// buffer is full.
    fn alloc(&mut self, size: usize) -> Option<usize> {
        match self {
            Target::Heap(h) => Some(h.alloc(size) as usize),
            Target::Buffer { next, end } => {
                let at = *next;
                let size = (size + 15) & !15;
                if *end - at < size {
                    return None;
                }
                *next = at + size;
                Some(at)
            }
        }
    }
}

/// Source object → its copy. Most messages hold a handful of objects: a
/// linear scan of a few inline pairs beats hashing them; big graphs switch
/// to a hash map.
#[derive(Default)]
struct Memo {
    few: Pairs,
    /// Made on first use: creating a map reads its hasher seed from
    /// thread-local state, which costs more than copying a small message.
    many: Option<HashMap<usize, usize>>,
}

const MEMO_FEW: usize = 16;

impl Memo {
    fn get(&self, src: usize) -> Option<usize> {
        match &self.many {
            None => self.few.find(src),
            Some(m) => m.get(&src).copied(),
        }
    }

    fn insert(&mut self, src: usize, dst: usize) {
        if self.many.is_none() && !self.few.full() {
            self.few.push((src, dst));
            return;
        }
        let few = &mut self.few;
        let many = self.many.get_or_insert_with(|| {
            let mut m = HashMap::new();
            while let Some((s, d)) = few.pop() {
                m.insert(s, d);
            }
            m
        });
        many.insert(src, dst);
    }
}

/// Copies `w`, a value of type `ty`, into `heap`. Scalars come back
/// unchanged.
///
/// # Safety
/// `w` is a live value of type `ty`; nothing else uses `heap` meanwhile.
pub unsafe fn copy_value(heap: &mut Heap, ty: &SnowType, w: Word) -> Word {
    let Some(copy) = copy_to(Target::Heap(heap), ty, w) else {
        unreachable!("a heap target never runs out of space")
    };
    copy
}

/// Copies `w` into `buf` (16-byte aligned) if it fits; None otherwise.
/// Pointers in the copy point into `buf`, so it must not move while the
/// copy is used. Each object is written whole; only the padding after it
/// keeps whatever `buf` held, and nothing reads padding.
///
/// # Safety
/// `w` is a live value of type `ty`.
pub unsafe fn copy_into(buf: &mut [u128], ty: &SnowType, w: Word) -> Option<Word> {
    let next = buf.as_mut_ptr() as usize;
    let end = next + core::mem::size_of_val(buf);
    copy_to(Target::Buffer { next, end }, ty, w)
}

unsafe fn copy_to(to: Target, ty: &SnowType, w: Word) -> Option<Word> {
    if !kind_is_ptr(ty.kind) || w == 0 {
        return Some(w);
    }
    let mut c = Copier {
        to,
        memo: Memo::default(),
        work: Pairs::default(),
    };
    let r = c.object(w as usize)?;
    while let Some((_, dst)) = c.work.pop() {
        c.fix(dst)?;
    }
    Some(r as Word)
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
    /// None when the target is a buffer and it is full.
    unsafe fn object(&mut self, src: usize) -> Option<usize> {
        if src == 0 || (*(src as *const Hdr)).gc & GC_STATIC != 0 {
            return Some(src);
        }
        if let Some(d) = self.memo.get(src) {
            return Some(d);
        }
        if matches!((*(*(src as *const Hdr)).ty).kind, K_LIST | K_QUEUE) {
            return self.list(src as *const SnowList);
        }
        let size = object_size(src);
        let dst = self.to.alloc(size)?;
        core::ptr::copy_nonoverlapping(src as *const u8, dst as *mut u8, size);
        (*(dst as *mut Hdr)).gc = 0;
        self.memo.insert(src, dst);
        self.work.push((src, dst));
        Some(dst)
    }

    /// The copy of a list carries only what the list can see. A list with
    /// inline items is copied whole. A view shares the copy of its backing
    /// (a store's initialised window, or an inline list) with the other views
    /// of it in the value, unless that backing is not copied yet and the view
    /// sees less than half of it: then the view becomes an inline list of its
    /// own items, so neither spare room nor items dropped by older versions
    /// travel.
    unsafe fn list(&mut self, src: *const SnowList) -> Option<usize> {
        let n = (*src).len as usize;
        let backing = (*src).store as usize;
        if backing != src as usize {
            let (base, window) = backing_window(backing);
            if self.memo.get(backing).is_some() || n * 2 >= window {
                let copy = if (*(*(backing as *const Hdr)).ty).kind == K_OPAQUE {
                    self.store_window(backing)?
                } else {
                    self.object(backing)?
                };
                let dst = self.to.alloc(LIST_HEADER)? as *mut SnowList;
                let offset = (*src).items.offset_from(base) as usize;
                dst.write(SnowList {
                    h: Hdr {
                        ty: (*src).h.ty,
                        gc: 0,
                    },
                    len: n as i64,
                    items: (backing_window(copy).0 as *mut Word).add(offset),
                    store: copy as *mut Hdr,
                });
                self.memo.insert(src as usize, dst as usize);
                return Some(dst as usize);
            }
        }
        let dst = self.to.alloc(LIST_HEADER + n * 8)? as *mut SnowList;
        let items = (dst as *mut u8).add(LIST_HEADER) as *mut Word;
        dst.write(SnowList {
            h: Hdr {
                ty: (*src).h.ty,
                gc: 0,
            },
            len: n as i64,
            items,
            store: dst as *mut Hdr,
        });
        core::ptr::copy_nonoverlapping((*src).items, items, n);
        self.memo.insert(src as usize, dst as usize);
        self.work.push((src as usize, dst as usize));
        Some(dst as usize)
    }

    /// The copy of a list store: its initialised window only, with no spare
    /// room.
    unsafe fn store_window(&mut self, src: usize) -> Option<usize> {
        if let Some(d) = self.memo.get(src) {
            return Some(d);
        }
        let s = src as *const Store;
        let w = Store::window(s);
        let n = w.len();
        let d = self.to.alloc(core::mem::size_of::<Store>() + n * 8)? as *mut Store;
        d.write(Store {
            h: Hdr {
                ty: (*s).h.ty,
                gc: 0,
            },
            cap: n as i64,
            used: n as i64,
            front: 0,
            data: [],
        });
        core::ptr::copy_nonoverlapping((*s).data.as_ptr().add(w.start), Store::data(d), n);
        self.memo.insert(src, d as usize);
        self.work.push((src, d as usize));
        Some(d as usize)
    }

    /// Replaces the pointers copied byte-for-byte into `dst` by pointers to
    /// copies.
    unsafe fn fix(&mut self, dst: usize) -> Option<()> {
        let t = &*(*(dst as *const Hdr)).ty;
        match t.kind {
            // Only a list holding its own items has pointers to fix here; a
            // view's store is fixed as an object of its own.
            K_LIST | K_QUEUE => {
                let d = dst as *mut SnowList;
                if (*d).store as usize == dst && t.nparams > 0 && kind_is_ptr(t.param(0).kind) {
                    for i in 0..(*d).len as usize {
                        let p = (*d).items.add(i);
                        *p = self.object(*p as usize)? as Word;
                    }
                }
            }
            K_MAP | K_SET => {
                let d = dst as *mut Table;
                (*d).keys = self.object((*d).keys as usize)? as *mut Store;
                (*d).vals = self.object((*d).vals as usize)? as *mut Store;
                (*d).meta = self.object((*d).meta as usize)? as *mut Store;
                (*d).index = self.object((*d).index as usize)? as *mut Store;
            }
            K_OPAQUE if core::ptr::eq(t, &STORE_PTR) => {
                let d = dst as *mut Store;
                for i in Store::window(d) {
                    let w = Store::get(d, i);
                    Store::set(d, i, self.object(w as usize)? as Word);
                }
            }
            K_TUPLE | K_STRUCT | K_VARIANT | K_CLOSURE => {
                for i in 0..t.nparams as usize {
                    if kind_is_ptr(t.param(i).kind) {
                        let p = (dst as *mut u8).add(t.offset(i)) as *mut usize;
                        let child = p.read_unaligned();
                        p.write_unaligned(self.object(child)?);
                    }
                }
            }
            _ => {}
        }
        Some(())
    }
}

/// The first word and length of what a view's backing holds: a store's
/// initialised window, or an inline list's items.
unsafe fn backing_window(backing: usize) -> (*const Word, usize) {
    if (*(*(backing as *const Hdr)).ty).kind == K_OPAQUE {
        let s = backing as *const Store;
        let w = Store::window(s);
        ((*s).data.as_ptr().add(w.start), w.len())
    } else {
        let l = backing as *const SnowList;
        ((*l).items as *const Word, (*l).len as usize)
    }
}

/// The size in bytes of the object at `obj` (not a list), header included.
unsafe fn object_size(obj: usize) -> usize {
    let t = &*(*(obj as *const Hdr)).ty;
    match t.kind {
        K_STRING => core::mem::size_of::<SnowStr>() + (*(obj as *const SnowStr)).len as usize,
        K_RANGE => core::mem::size_of::<SnowRange>(),
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
