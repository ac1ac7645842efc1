//! Unit tests of stack segments: the first segment and the cap, a process's
//! chain (entering, leaving, the spare, big frames, the ranges the collector
//! scans), and giving memory back (released segments, the sweep of parked
//! processes).

use super::segments::{Segments, MIN_NEED};
use super::stack::{self, Stack, FIRST, PAGE, SEG};
use super::trim::DeepList;
use crate::base::abi::Ctx;
use crate::gc::heap::Heap;
use crate::process::park::{pack, S_DONE, S_WAIT_MSG};
use crate::process::pcb::*;
use std::sync::{Arc, Mutex, MutexGuard};

const CAP: usize = 256 * 1024 * 1024;

/// Tests that take extra segments run one at a time, so a segment they
/// give back is not reused by another test before it is looked at.
pub(crate) fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

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

#[test]
fn first_segments_are_small_and_capped() {
    let s = stack::alloc(None);
    assert_eq!(s.size, FIRST);
    let (lo, top, limit) = (s.lo, s.top(), s.limit());
    assert!(top > lo + FIRST - 4096 && top.is_multiple_of(16));
    assert_eq!(limit, lo + FIRST / 4);
    let chain = Segments::new(s, CAP);
    assert_eq!((chain.limit(), chain.top(), chain.depth()), (limit, top, 0));
    // A stack size below the segment's ends the frames early.
    let mut chain = chain;
    let first = core::mem::replace(&mut chain.first, Stack::none());
    let capped = Segments::new(first, 20 * 1024);
    assert_eq!(capped.limit(), top - 20 * 1024);
    assert!(
        !capped.can_grow(MIN_NEED, 20 * 1024),
        "nothing left for a second segment"
    );
    let mut capped = capped;
    stack::release(
        core::mem::replace(&mut capped.first, Stack::none()),
        None,
        false,
    );
}

#[test]
fn sizes_are_reported_in_binary_units() {
    assert_eq!(stack::show_size(256 * 1024 * 1024), "256 MiB");
    assert_eq!(stack::show_size(96 * 1024), "96 KiB");
    assert_eq!(stack::show_size(1536 * 1024), "1536 KiB");
    assert_eq!(stack::show_size(1000), "1000 bytes");
}

#[test]
fn a_chain_enters_leaves_and_keeps_one_spare() {
    let _g = serial();
    let mut c = Segments::new(stack::alloc(None), CAP);
    let first_top = c.top();
    let a = c.enter(MIN_NEED, CAP).expect("room").stack.lo;
    assert_eq!(c.depth(), 1);
    assert!(c.limit() >= a && c.top() <= a + SEG && c.top() > a + SEG - 4096);
    let b = c.enter(MIN_NEED, CAP).expect("room").stack.lo;
    assert_ne!(a, b);
    assert_eq!((c.depth(), c.held()), (2, 2));
    // Back to `a`; `b` stays as the spare, and is what the next call gets:
    // a call crossing the same boundary again allocates nothing.
    c.leave();
    assert_eq!((c.depth(), c.held()), (1, 2));
    for _ in 0..1000 {
        assert_eq!(c.enter(MIN_NEED, CAP).expect("room").stack.lo, b);
        c.leave();
    }
    // Back on the first segment: `a` is the spare now, `b` went back.
    c.leave();
    assert_eq!((c.depth(), c.held(), c.top()), (0, 1, first_top));
    assert_eq!(c.enter(MIN_NEED, CAP).expect("room").stack.lo, a);
    c.release_all(false);
    assert_eq!((c.depth(), c.held()), (0, 0));
    stack::release(core::mem::replace(&mut c.first, Stack::none()), None, false);
}

#[test]
fn the_cap_bounds_the_frames_of_all_segments() {
    let _g = serial();
    let cap = 3 * 1024 * 1024;
    let mut c = Segments::new(stack::alloc(None), cap);
    let mut frames = c.top() - c.limit();
    let mut sizes = Vec::new();
    while let Some(s) = c.enter(MIN_NEED, cap) {
        sizes.push(s.stack.top() - s.limit);
        frames += s.stack.top() - s.limit;
    }
    assert!(frames <= cap && frames > cap - MIN_NEED, "{frames}");
    // Full segments (equal but for their cache colour), then one cut short
    // by the cap; how many depends on the target's segment size.
    let (last, full) = sizes.split_last().expect("extra segments");
    let most = *full.iter().max().expect("full segments");
    assert!(
        full.len() >= 2 && full.iter().all(|s| most - s <= 4096),
        "{sizes:?}"
    );
    assert!(*last < most - 4096, "{sizes:?}");
    assert_eq!(c.depth(), sizes.len());
    c.leave_to(0);
    assert_eq!(c.held(), 1);
    c.release_all(false);
    stack::release(core::mem::replace(&mut c.first, Stack::none()), None, false);
}

#[test]
fn big_frames_get_a_segment_of_their_own() {
    let _g = serial();
    let mut c = Segments::new(stack::alloc(None), CAP);
    let need = 3 * SEG;
    let s = c.enter(need, CAP).expect("room");
    assert!(s.stack.top() - s.limit >= need);
    assert!(s.stack.size > SEG);
    let lo = s.stack.lo;
    c.leave();
    // A spare too small for the next frame is replaced.
    assert_eq!(c.enter(MIN_NEED, CAP).expect("room").stack.lo, lo);
    c.leave();
    assert_ne!(c.enter(4 * SEG, CAP).expect("room").stack.lo, lo);
    c.release_all(false);
    stack::release(core::mem::replace(&mut c.first, Stack::none()), None, false);
}

#[test]
fn the_collector_scans_every_segment_in_use() {
    let _g = serial();
    let mut c = Segments::new(stack::alloc(None), CAP);
    let first_top = c.top();
    // What `snow_stack_call` records: the stack pointer where the segment
    // below was left.
    let left0 = first_top - 1000;
    c.enter(MIN_NEED, CAP).expect("room");
    unsafe { (*c.link())[0] = left0 };
    let top1 = c.top();
    let left1 = top1 - 5000;
    c.enter(MIN_NEED, CAP).expect("room");
    unsafe { (*c.link())[0] = left1 };
    let mut ranges = Vec::new();
    c.suspended(&mut ranges);
    assert_eq!(ranges, [(left0, first_top), (left1, top1)]);
    assert_eq!(c.left_at(0), left0);
    c.leave();
    let mut ranges = Vec::new();
    c.suspended(&mut ranges);
    assert_eq!(ranges, [(left0, first_top)], "the spare holds no frames");
    c.release_all(false);
    stack::release(core::mem::replace(&mut c.first, Stack::none()), None, false);
}

#[test]
fn exiting_gives_back_every_segment_with_its_pages() {
    let _g = serial();
    let mut c = Segments::new(stack::alloc(None), CAP);
    let mut pages = Vec::new();
    for _ in 0..3 {
        let s = c.enter(MIN_NEED, CAP).expect("room");
        let p = s.stack.top() - 64;
        touch(p);
        pages.push(p);
    }
    c.leave();
    assert_eq!(c.held(), 3);
    c.release_all(true);
    assert_eq!(c.held(), 0);
    assert!(pages.iter().all(|&p| !resident(p)));
    stack::release(core::mem::replace(&mut c.first, Stack::none()), None, false);
}

#[test]
fn free_segments_keep_their_pages_until_two_sweeps_pass() {
    let _g = serial();
    let s = stack::alloc_seg(MIN_NEED);
    let (lo, page) = (s.lo, s.top() - 64);
    touch(page);
    stack::release(s, None, false);
    assert!(stack::warm_segments() && resident(page));
    stack::sweep_warm();
    assert!(resident(page), "came back after the last sweep");
    let again = stack::alloc_seg(MIN_NEED);
    assert_eq!(again.lo, lo, "a warm segment is used first");
    stack::release(again, None, false);
    stack::sweep_warm();
    stack::sweep_warm();
    assert!(!resident(page), "unused for a whole period");
    stack::release(stack::alloc_seg(MIN_NEED), None, true);
}

#[test]
fn trimming_keeps_the_frames_above_the_saved_stack_pointer() {
    let _g = serial();
    let s = stack::alloc_seg(MIN_NEED);
    let (bottom, top) = (s.lo + 2 * PAGE, s.top() - 64);
    let sp = s.lo + s.size / 2;
    let live = [sp, sp - PAGE / 2, sp + 3 * PAGE, top];
    touch(bottom);
    live.iter().for_each(|&p| touch(p));
    s.trim_below(sp);
    assert!(!resident(bottom), "far below the saved pointer");
    assert!(
        live.iter().all(|&p| resident(p)),
        "frames near and above it"
    );
    stack::release(s, None, false);
}

unsafe extern "C" fn never_run(_: *mut Ctx) {}

/// A process parked at generation `gen` after going deep: on an extra
/// segment when `deep`, else back on its first one with a spare. Returns
/// it with a touched page of its spare and one far below its frames.
fn parked_deep_process(gen: u64, deep: bool) -> (Arc<Actor>, [usize; 2]) {
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
        let c = &mut (*o).stacks;
        if deep {
            c.enter(MIN_NEED, CAP).expect("room");
        }
        let s = c.enter(MIN_NEED, CAP).expect("room");
        let spare = s.stack.top() - 64;
        touch(spare);
        c.leave();
        let below = c.current().lo + PAGE;
        if deep {
            touch(below);
        }
        (*o).sp = (c.top() - 512) as *mut _;
        [spare, below]
    };
    a.state
        .store(pack(gen, S_WAIT_MSG), std::sync::atomic::Ordering::SeqCst);
    (a, pages)
}

fn held(a: &Actor) -> usize {
    // SAFETY: the sweep is done with the actor.
    unsafe { (*a.owned()).stacks.held() }
}

#[test]
fn the_sweep_gives_back_memory_of_processes_parked_since_the_previous_sweep() {
    let _g = serial();
    let (a, [spare, below]) = parked_deep_process(3, true);
    let mut list = DeepList::default();
    list.add(a.clone());
    list.sweep();
    assert!(
        resident(spare) && held(&a) == 2,
        "first sight of the park: not yet"
    );
    list.sweep();
    assert!(!resident(spare) && !resident(below));
    assert_eq!(held(&a), 1, "the segment in use stays");
    assert_eq!(list.len(), 1, "still deep: stays on the list");
    // Back on its first segment: once its spare is gone it leaves the list.
    let (b, [spare, _]) = parked_deep_process(5, false);
    list.add(b.clone());
    list.sweep();
    list.sweep();
    assert!(!resident(spare));
    assert_eq!(held(&b), 0);
    assert_eq!(list.len(), 1);
    // SAFETY: as in `held`.
    assert!(!unsafe { (*b.owned()).stacks.registered() });
    for x in [a, b] {
        unsafe { crate::process::lifecycle::back_to_first(x.owned(), false) };
    }
}

#[test]
fn the_sweep_leaves_processes_that_woke_up_in_between() {
    let _g = serial();
    let (a, [spare, ..]) = parked_deep_process(3, false);
    let mut list = DeepList::default();
    list.add(a.clone());
    list.sweep();
    // Woken, run and parked again (a new park generation).
    a.state
        .store(pack(4, S_WAIT_MSG), std::sync::atomic::Ordering::SeqCst);
    list.sweep();
    assert!(resident(spare));
    assert_eq!(list.len(), 1);
    // Still parked in that park at the next sweep: trimmed.
    list.sweep();
    assert!(!resident(spare));
    assert!(list.is_empty());
    // An exited process leaves the list.
    let (b, _) = parked_deep_process(1, false);
    list.add(b.clone());
    b.state
        .store(pack(1, S_DONE), std::sync::atomic::Ordering::SeqCst);
    list.sweep();
    list.sweep();
    assert!(list.is_empty());
    assert_eq!(held(&b), 1, "its segments are given back at exit instead");
    unsafe { crate::process::lifecycle::back_to_first(b.owned(), false) };
}
