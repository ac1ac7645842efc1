//! `Queue<T>` (chapter 03 §3.13): a persistent FIFO with the same object
//! layout as a list (`{len, items, store}`) and a Queue descriptor in its
//! header. `push` is the list's append (amortised O(1) on the newest
//! version: it extends the shared append-only store in place) and `pop`
//! is the list's tail (an O(1) view). When a full store is copied only the
//! live window moves, so popped elements do not accumulate. The collector
//! traces queues exactly like lists.

use crate::base::abi::*;
use crate::base::panic::panic_msg;
use crate::values::layout;
use crate::values::list;

/// # Safety
/// `queue_type` is a `Queue<T>` descriptor.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_new(
    ctx: *mut Ctx,
    queue_type: *const SnowType,
) -> *mut SnowList {
    list::from_slice(ctx, queue_type, &[])
}

/// # Safety
/// `q` is a live queue; `x` a word of its element type.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_push(
    ctx: *mut Ctx,
    q: *mut SnowList,
    x: Word,
) -> *mut SnowList {
    list::snow_list_append(ctx, q, x)
}

/// `(front, rest)`; panics on an empty queue.
///
/// # Safety
/// `tuple_type` is `(T, Queue<T>)`; `q` is a live queue.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_pop(
    ctx: *mut Ctx,
    tuple_type: *const SnowType,
    q: *mut SnowList,
) -> *mut u8 {
    if (*q).len == 0 {
        panic_msg(ctx, "Queue.pop: empty queue");
    }
    let front = *(*q).items;
    let rest = list::snow_list_tail(ctx, q) as usize as Word;
    layout::new_record(ctx, &*tuple_type, &[front, rest]) as usize as *mut u8
}

/// # Safety
/// `q` is a live queue.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_peek(ctx: *mut Ctx, q: *mut SnowList) -> Word {
    if (*q).len == 0 {
        panic_msg(ctx, "Queue.peek: empty queue");
    }
    *(*q).items
}

/// # Safety
/// `q` is a live queue.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_size(q: *mut SnowList) -> i64 {
    (*q).len
}

/// # Safety
/// `q` is a live queue.
#[no_mangle]
pub unsafe extern "C" fn snow_queue_is_empty(q: *mut SnowList) -> bool {
    (*q).len == 0
}
