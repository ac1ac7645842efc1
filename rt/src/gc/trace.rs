//! Precise tracing of one heap object through the descriptor in its header.

use crate::base::abi::*;
use crate::gc::store::{Store, Table, STORE_PTR};

/// Calls `visit` with every pointer word held by the object at `obj`.
/// Strings, ranges and scalar stores hold none; lists of scalars are not
/// scanned.
///
/// # Safety
/// `obj` is a live, initialised heap object (zeroed fields count as null).
pub unsafe fn trace_object(obj: usize, visit: &mut dyn FnMut(usize)) {
    let t = &*(*(obj as *const Hdr)).ty;
    match t.kind {
        // A queue has a list's layout (see `library::queue`).
        K_LIST | K_QUEUE => {
            let l = obj as *const SnowList;
            let store = (*l).store as usize;
            if store == obj {
                // Items stored inline after the list header.
                if t.nparams > 0 && kind_is_ptr(t.param(0).kind) {
                    for i in 0..(*l).len as usize {
                        visit(*(*l).items.add(i) as usize);
                    }
                }
            } else {
                visit(store);
            }
        }
        K_MAP | K_SET => {
            let m = obj as *const Table;
            visit((*m).keys as usize);
            visit((*m).vals as usize);
            visit((*m).meta as usize);
            visit((*m).index as usize);
        }
        K_TUPLE | K_STRUCT | K_VARIANT | K_CLOSURE => {
            for i in 0..t.nparams as usize {
                let ft = t.param(i);
                if kind_is_ptr(ft.kind) {
                    let p = (obj as *const u8).add(t.offset(i)) as *const usize;
                    visit(p.read_unaligned());
                }
            }
        }
        K_OPAQUE if core::ptr::eq(t, &STORE_PTR) => {
            let s = obj as *const Store;
            for i in Store::window(s) {
                visit(Store::get(s, i) as usize);
            }
        }
        // Strings, ranges, scalar stores: no pointers.
        _ => {}
    }
}

/// True when tracing the object at `obj` visits nothing: strings, ranges,
/// scalar stores and lists of scalars holding their own items.
///
/// # Safety
/// `obj` is a live, initialised heap object.
pub unsafe fn is_leaf(obj: usize) -> bool {
    let t = &*(*(obj as *const Hdr)).ty;
    match t.kind {
        K_STRING | K_RANGE => true,
        K_OPAQUE => !core::ptr::eq(t, &STORE_PTR),
        K_LIST | K_QUEUE => {
            (*(obj as *const SnowList)).store as usize == obj
                && !(t.nparams > 0 && kind_is_ptr(t.param(0).kind))
        }
        _ => false,
    }
}
