//! Unit tests of stack page return: freed deep stacks and the sweep of
//! long-parked processes give back their pages below the `KEEP` mark and
//! keep the top (and a parked process's live frames).

use super::stack::{self, Stack, KEEP};
use super::trim::DeepList;
use crate::abi::Ctx;
use crate::actor::pcb::*;
use crate::gc::heap::Heap;
use std::sync::Arc;

const PAGE: usize = 4096;

fn touch(addr: usize) {
    // SAFETY: callers pass addresses inside a stack mapping they own.
    unsafe { core::ptr::write_volatile(addr as *mut u8, 1) };
}

/// Is the page holding `addr` in memory?
fn resident(addr: usize) -> bool {
    let mut v = [0u8; 1];
    // SAFETY: one page of a live mapping; `v` has room for its entry.
    let r = unsafe {
        libc::mincore(
            (addr & !(PAGE - 1)) as *mut _,
            PAGE,
            v.as_mut_ptr() as *mut _,
        )
    };
    assert_eq!(r, 0);
    v[0] & 1 == 1
}

/// Touches a page near the bottom, one just below the `KEEP` mark and the
/// top page of `s`; returns them.
fn touch_three(s: &Stack) -> [usize; 3] {
    let pages = [s.lo + 2 * PAGE, s.soft_limit() - PAGE, s.top() - 64];
    pages.iter().for_each(|&p| touch(p));
    pages
}

#[test]
fn stacks_are_large_and_limited_at_the_keep_mark() {
    let s = stack::alloc(None);
    assert!(s.size >= KEEP * 4);
    assert_eq!(s.soft_limit(), s.lo + s.size - KEEP);
    assert!(s.limit() < s.soft_limit());
    stack::release(s, None);
}

#[test]
fn sizes_are_reported_in_binary_units() {
    assert_eq!(stack::show_size(8 * 1024 * 1024), "8 MiB");
    assert_eq!(stack::show_size(96 * 1024), "96 KiB");
    assert_eq!(stack::show_size(1536 * 1024), "1536 KiB");
    assert_eq!(stack::show_size(1000), "1000 bytes");
}

#[test]
fn freeing_a_deep_stack_returns_its_pages_below_the_mark() {
    let mut cache = Vec::new();
    let mut s = stack::alloc(Some(&mut cache));
    let lo = s.lo;
    let [bottom, below_mark, top] = touch_three(&s);
    s.deep = true;
    stack::release(s, Some(&mut cache));
    assert_eq!(cache, [lo], "the stack goes to the worker's cache");
    assert!(!resident(bottom) && !resident(below_mark));
    assert!(
        resident(top),
        "the top stays committed for the next process"
    );
    // Reused from the cache: same stack, not deep.
    let s = stack::alloc(Some(&mut cache));
    assert_eq!((s.lo, s.deep), (lo, false));
    stack::release(s, Some(&mut cache));
}

#[test]
fn trimming_keeps_the_frames_above_the_saved_stack_pointer() {
    let mut s = stack::alloc(None);
    let [bottom, below_mark, top] = touch_three(&s);
    let sp = s.lo + s.size / 2;
    let live = [sp, sp - PAGE / 2, sp + 3 * PAGE];
    live.iter().for_each(|&p| touch(p));
    s.deep = true;
    s.trim(sp);
    assert!(!resident(bottom), "far below the saved pointer");
    assert!(
        live.iter().all(|&p| resident(p)),
        "frames near and above it"
    );
    assert!(resident(below_mark) && resident(top));
    assert!(s.deep, "parked below the mark: still deep");
    s.trim(s.top() - 256);
    assert!(!resident(below_mark) && !resident(sp) && resident(top));
    assert!(!s.deep);
    stack::release(s, None);
}

unsafe extern "C" fn never_run(_: *mut Ctx) {}

/// A process parked in a deep stack's top page, with its pages touched.
fn parked_deep_process(gen: u64) -> (Arc<Actor>, [usize; 3]) {
    let a = Arc::new(Actor::new(
        1,
        false,
        Entry::Main(never_run),
        Heap::new(false),
        stack::alloc(None),
    ));
    let o = a.owned();
    // SAFETY: the actor is not shared with any thread.
    let pages = unsafe {
        (*o).stack.deep = true;
        (*o).real_limit = (*o).stack.limit();
        (*o).sp = ((*o).stack.top() - 512) as *mut _;
        touch_three(&(*o).stack)
    };
    a.state
        .store(pack(gen, S_WAIT_MSG), std::sync::atomic::Ordering::SeqCst);
    (a, pages)
}

#[test]
fn the_sweep_trims_processes_parked_since_the_previous_sweep() {
    let (a, [bottom, below_mark, top]) = parked_deep_process(3);
    let mut list = DeepList::default();
    list.add(a.clone());
    list.sweep();
    assert!(resident(bottom), "first sight of the park: not yet");
    list.sweep();
    assert!(!resident(bottom) && !resident(below_mark) && resident(top));
    // SAFETY: the sweep is done with the actor.
    let (limit, soft, deep) = unsafe {
        let o = a.owned();
        ((*o).real_limit, (*o).stack.soft_limit(), (*o).stack.deep)
    };
    assert_eq!(limit, soft, "the limit is the mark again");
    assert!(!deep);
    assert!(list.is_empty(), "no longer deep: off the list");
}

#[test]
fn the_sweep_leaves_processes_that_woke_up_in_between() {
    let (a, [bottom, ..]) = parked_deep_process(3);
    let mut list = DeepList::default();
    list.add(a.clone());
    list.sweep();
    // Woken, run and parked again (a new park generation).
    a.state
        .store(pack(4, S_WAIT_MSG), std::sync::atomic::Ordering::SeqCst);
    list.sweep();
    assert!(resident(bottom));
    assert_eq!(list.len(), 1);
    // Still parked in that park at the next sweep: trimmed.
    list.sweep();
    assert!(!resident(bottom));
    // An exited process leaves the list.
    let (b, [bottom, ..]) = parked_deep_process(1);
    list.add(b.clone());
    b.state
        .store(pack(1, S_DONE), std::sync::atomic::Ordering::SeqCst);
    list.sweep();
    list.sweep();
    assert!(list.is_empty());
    assert!(resident(bottom), "its stack is trimmed when freed instead");
}
