//! Unit tests of the heap on its own: explicit roots, no process.

use crate::base::abi::*;
use crate::gc::heap::{Heap, BLOCK_SIZE};
use crate::gc::pool;
use crate::gc::testutil::desc;

fn node_desc() -> &'static SnowType {
    // next: any pointer kind (tracing follows the referent's own header),
    // val: Int.
    desc(
        K_STRUCT,
        F_DEBUG,
        c"Node",
        32,
        vec![&snow_t_String, &snow_t_Int],
        vec![16, 24],
        vec![c"next", c"val"],
        0,
    )
}

fn alloc_node(h: &mut Heap, t: &SnowType, next: usize, val: i64) -> usize {
    let o = h.alloc(32);
    // SAFETY: fresh 32-byte object.
    unsafe {
        (*(o as *mut Hdr)).ty = t;
        *(o.add(16) as *mut usize) = next;
        *(o.add(24) as *mut i64) = val;
    }
    o as usize
}

fn range(roots: &[usize]) -> (usize, usize) {
    let lo = roots.as_ptr() as usize;
    (lo, lo + core::mem::size_of_val(roots))
}

fn collect(h: &mut Heap, roots: &[usize]) {
    // SAFETY: the root slice is readable; all objects are test-made.
    unsafe { h.collect(&[range(roots)], &[]) }
}

#[test]
fn chain_is_kept_then_freed() {
    let t = node_desc();
    let mut h = Heap::new(false);
    let mut head = 0;
    for i in 0..10_000 {
        head = alloc_node(&mut h, t, head, i);
    }
    let roots = [head];
    collect(&mut h, &roots);
    assert_eq!(h.live_bytes(), 10_000 * 32);
    let (mut p, mut expect) = (head, 9_999);
    while p != 0 {
        // SAFETY: live nodes.
        unsafe {
            assert_eq!(*((p + 24) as *const i64), expect);
            p = *((p + 16) as *const usize);
        }
        expect -= 1;
    }
    assert_eq!(expect, -1);
    collect(&mut h, &[0]);
    assert_eq!(h.live_bytes(), 0);
    assert_eq!(h.mapped_bytes(), 0);
    assert_eq!(h.find_object(head), None);
}

/// Every pointer-sized slot of a root range is a root: on 32-bit targets a
/// pointer at an address that is 4 mod 8 (the second slot here) was missed.
#[test]
fn cross_every_pointer_slot_is_scanned() {
    let t = node_desc();
    let mut h = Heap::new(false);
    let a = alloc_node(&mut h, t, 0, 1);
    let b = alloc_node(&mut h, t, 0, 2);
    #[repr(align(8))]
    struct Slots([usize; 3]);
    let roots = Slots([0, a, b]);
    collect(&mut h, &roots.0);
    assert_eq!(h.find_object(a), Some(a));
    assert_eq!(h.find_object(b), Some(b));
    assert_eq!(h.live_bytes(), 2 * 32);
}

#[test]
fn interior_and_one_past_end_pointers_keep_objects() {
    let t = node_desc();
    let mut h = Heap::new(false);
    let a = alloc_node(&mut h, t, 0, 1);
    let b = alloc_node(&mut h, t, 0, 2);
    let c = alloc_node(&mut h, t, 0, 3);
    let d = alloc_node(&mut h, t, 0, 4);
    // a: interior pointer; c: one past its end (== start of d's slot is not
    // used: d itself is unrooted and must die unless it is c's successor).
    let roots = [a + 20, c + 32];
    collect(&mut h, &roots);
    assert_eq!(h.find_object(a), Some(a));
    assert_eq!(h.find_object(b), None);
    assert_eq!(h.find_object(c), Some(c));
    // c + 32 may be the start of d's slot; if so d is (conservatively) kept.
    let d_adjacent = d == c + 32;
    assert_eq!(h.find_object(d).is_some(), d_adjacent);
}

#[test]
fn large_objects_are_tracked_and_unmapped() {
    let mut h = Heap::new(false);
    let big = h.alloc(100_000) as usize;
    // SAFETY: fresh object; a String with no bytes used is fine to trace.
    unsafe { (*(big as *mut Hdr)).ty = &snow_t_String };
    let small = alloc_node(&mut h, node_desc(), big, 7);
    let roots = [small + 8];
    collect(&mut h, &roots);
    assert_eq!(h.find_object(big + 50_000), Some(big));
    assert!(h.mapped_bytes() >= 100_000);
    collect(&mut h, &[big + 99_999]);
    assert_eq!(h.find_object(small), None);
    assert_eq!(h.find_object(big), Some(big));
    collect(&mut h, &[]);
    assert_eq!(h.mapped_bytes(), 0);
}

#[test]
fn garbage_loop_runs_in_bounded_memory() {
    let t = node_desc();
    let mut h = Heap::new(false);
    let mut roots = [0usize; 64];
    let mut peak = 0;
    for i in 0..2_000_000i64 {
        if h.should_collect(32) {
            collect(&mut h, &roots);
        }
        let prev = roots[(i as usize + 63) % 64];
        roots[i as usize % 64] = alloc_node(&mut h, t, if i % 7 == 0 { 0 } else { prev }, i);
        peak = peak.max(h.mapped_bytes());
    }
    assert!(h.collections > 10);
    assert!(peak < 2 * 1024 * 1024, "peak {peak}");
    assert!(peak >= BLOCK_SIZE);
}

#[test]
fn statics_are_never_marked() {
    let t = node_desc();
    // A static node (as the compiler emits them) referenced from the heap.
    let stat = Box::leak(Box::new([0u64; 4]));
    stat[0] = t as *const SnowType as u64;
    stat[1] = GC_STATIC;
    let mut h = Heap::new(false);
    let n = alloc_node(&mut h, t, stat.as_ptr() as usize, 1);
    collect(&mut h, &[n]);
    assert_eq!(stat[1], GC_STATIC);
    assert_eq!(h.find_object(n), Some(n));
}

#[test]
fn large_lengths_round_up_by_at_most_a_quarter() {
    assert_eq!(pool::large_len(4097), 8192);
    assert_eq!(pool::large_len(16 * 4096), 16 * 4096);
    assert_eq!(pool::large_len(17 * 4096), 20 * 4096);
    assert_eq!(pool::large_len(100_000), 28 * 4096);
    for size in (4097..50_000_000).step_by(77_777) {
        let len = pool::large_len(size);
        assert!(len >= size && len.is_multiple_of(4096), "{size}: {len}");
        assert!(len - size < 4096 || len * 4 <= size.next_multiple_of(4096) * 5);
        // Sizes a few percent apart share a length.
        assert!(pool::large_len(size + size / 50) <= len + len / 4 + 4096);
    }
}

/// A big string object of `size` bytes with every byte after the header set.
fn dirty_large(h: &mut Heap, size: usize) -> usize {
    let o = h.alloc(size);
    // SAFETY: fresh object of `size` bytes; a String with no bytes in use.
    unsafe {
        core::ptr::write_bytes(o.add(16), 0xAB, size - 16);
        (*(o as *mut Hdr)).ty = &snow_t_String;
    }
    o as usize
}

#[test]
fn dropped_large_objects_are_reused_zeroed() {
    // An odd size, so other tests running meanwhile do not take its mappings.
    let size = 3_216_111;
    let mut h = Heap::new(false);
    let before = pool::large_maps();
    for _ in 0..50 {
        let o = dirty_large(&mut h, size);
        collect(&mut h, &[o + 100]);
        assert_eq!(h.find_object(o + size - 1), Some(o));
        collect(&mut h, &[]);
        assert_eq!(h.mapped_bytes(), 0);
    }
    assert!(
        pool::large_maps() - before <= 2,
        "mapped on every allocation"
    );
    let o = h.alloc(size);
    // SAFETY: a fresh object of `size` bytes.
    let bytes = unsafe { core::slice::from_raw_parts(o, size) };
    assert!(bytes.iter().all(|&b| b == 0), "a reused mapping is zeroed");
}

#[test]
fn kept_large_mappings_stay_bounded() {
    let mut h = Heap::new(false);
    let objs: Vec<usize> = (0..40)
        .map(|i| dirty_large(&mut h, 4_000_000 + i * 8192))
        .collect();
    assert_eq!(objs.len(), 40);
    collect(&mut h, &[]);
    assert_eq!(h.mapped_bytes(), 0);
    assert!(pool::large_kept_bytes() <= 64 << 20);
    // A heap that dies hands its large objects back the same way.
    let mut h2 = Heap::new(false);
    for i in 0..40 {
        dirty_large(&mut h2, 5_000_000 + i * 8192);
    }
    drop(h2);
    assert!(pool::large_kept_bytes() <= 64 << 20);
}

#[test]
fn big_pointer_free_objects_do_not_defer_collections() {
    let mut h = Heap::new(false);
    let text = dirty_large(&mut h, 8 << 20);
    collect(&mut h, &[text]);
    assert_eq!(h.live_bytes(), 16);
    assert!(
        h.should_collect(512 * 1024),
        "small garbage must not pile up"
    );
    // A store of pointers of the same size is real marking work.
    let ptrs = h.alloc(8 << 20);
    // SAFETY: a fresh, zeroed object: an empty store.
    unsafe { (*(ptrs as *mut Hdr)).ty = &crate::gc::store::STORE_PTR };
    collect(&mut h, &[text, ptrs as usize]);
    assert!(h.live_bytes() >= 8 << 20);
    assert!(!h.should_collect(512 * 1024));
}

#[test]
fn blocks_start_small_and_grow_with_their_class() {
    let t = node_desc();
    let mut h = Heap::new(false);
    alloc_node(&mut h, t, 0, 1);
    // One small block for a process that allocates one object.
    assert_eq!(h.mapped_bytes(), crate::gc::heap::MIN_BLOCK);
    let mut sizes = vec![h.mapped_bytes()];
    let mut nodes = Vec::new();
    while sizes.len() < 8 {
        nodes.push(alloc_node(&mut h, t, 0, 2));
        let m = h.mapped_bytes();
        if m != *sizes.last().unwrap() {
            sizes.push(m);
        }
    }
    // Each new block twice the last, up to the biggest.
    let steps: Vec<usize> = sizes.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(steps[..4], [4096, 8192, 16384, 32768]);
    assert!(steps[4..].iter().all(|&s| s == BLOCK_SIZE));
    // Every object is found in whichever block it lives.
    for &n in &nodes {
        assert_eq!(h.find_object(n + 8), Some(n));
    }
}

#[test]
fn a_cleared_heap_reuses_its_blocks_and_a_released_one_holds_none() {
    let t = node_desc();
    let mut h = Heap::new(false);
    let first: Vec<usize> = (0..500).map(|i| alloc_node(&mut h, t, 0, i)).collect();
    let big = h.alloc(10_000) as usize;
    let mapped = h.mapped_bytes();
    // SAFETY: nothing uses the objects any more.
    unsafe { h.clear() };
    assert_eq!(h.find_object(first[0]), None);
    assert_eq!(h.find_object(big), None);
    let again: Vec<usize> = (0..500).map(|i| alloc_node(&mut h, t, 0, i)).collect();
    assert_eq!(h.mapped_bytes(), mapped - pool::large_len(10_000));
    assert_eq!(h.allocated_bytes(), 500 * 32);
    assert!(again.iter().all(|&n| h.find_object(n) == Some(n)));
    // SAFETY: as above.
    unsafe { h.release() };
    assert_eq!(h.mapped_bytes(), 0);
    assert_eq!(h.find_object(again[0]), None);
}
