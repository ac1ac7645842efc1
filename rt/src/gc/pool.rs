//! A process-wide pool of free heap blocks shared by all heaps, and one of
//! freed large-object mappings. Message fragments take a block per message
//! and hand it to the receiver, and exiting processes free all of theirs at
//! once: without the pool each of those is an mmap/munmap pair (and a TLB
//! shootdown), which made messages with heap values over 100 times slower
//! than scalar ones. Large objects (big strings and stores) dropped in a
//! loop had the same cost per object, plus a page fault per page.

use super::heap::{BLOCK_SIZE, MIN_BLOCK};
use super::os;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Bytes of free blocks kept committed (32 MiB); beyond this their pages
/// go back to the OS (`MADV_DONTNEED`), so memory stays bounded after a
/// burst. Blocks are never unmapped: unmapping small blocks one by one
/// would split the pool's mappings into as many kernel mappings as there
/// are holes, and ten thousand connections would reach the kernel's limit.
const KEEP: usize = 32 << 20;

/// Block sizes: `MIN_BLOCK << k` for k below this.
const SIZES: usize = (BLOCK_SIZE / MIN_BLOCK).trailing_zeros() as usize + 1;

/// Free blocks by size, committed (`by_size`, holding `bytes`) or with
/// their pages given back (`cold`).
struct Free {
    by_size: [Vec<usize>; SIZES],
    bytes: usize,
    cold: [Vec<usize>; SIZES],
}

static FREE: Mutex<Free> = Mutex::new(Free {
    by_size: [const { Vec::new() }; SIZES],
    bytes: 0,
    cold: [const { Vec::new() }; SIZES],
});

fn free_list() -> std::sync::MutexGuard<'static, Free> {
    FREE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Biggest blocks mapped together when the pool has none: a growing heap
/// then costs one committed mapping per 1 MiB instead of three system
/// calls and eight page faults per block.
const CHUNK: usize = 32;

fn size_index(size: usize) -> usize {
    debug_assert!(size.is_power_of_two() && (MIN_BLOCK..=BLOCK_SIZE).contains(&size));
    (size / MIN_BLOCK).trailing_zeros() as usize
}

/// A `size`-aligned block of `size` bytes (a power of two from `MIN_BLOCK`
/// to `BLOCK_SIZE`). Its contents are arbitrary: the heap initialises its
/// header and zeroes each slot it hands out. Smaller blocks are halves of
/// bigger free ones (they are never merged back: the heaps that use small
/// blocks keep using them).
pub fn take(size: usize) -> *mut u8 {
    let mut free = free_list();
    take_from(&mut free, size_index(size)) as *mut u8
}

fn take_from(free: &mut Free, k: usize) -> usize {
    let size = MIN_BLOCK << k;
    if let Some(b) = free.by_size[k].pop() {
        free.bytes -= size;
        return b;
    }
    if let Some(b) = free.cold[k].pop() {
        return b;
    }
    if k + 1 == SIZES {
        let chunk = os::map_aligned(CHUNK * BLOCK_SIZE, BLOCK_SIZE, true) as usize;
        free.by_size[k].extend((1..CHUNK).map(|i| chunk + i * BLOCK_SIZE));
        free.bytes += (CHUNK - 1) * BLOCK_SIZE;
        return chunk;
    }
    let big = take_from(free, k + 1);
    free.by_size[k].push(big + size);
    free.bytes += size;
    big
}

/// Returns a block nothing refers to any more.
///
/// # Safety
/// `b` came from `take(size)` and is no longer used by any heap.
pub unsafe fn give(b: *mut u8, size: usize) {
    {
        let mut f = free_list();
        if f.bytes + size <= KEEP {
            f.by_size[size_index(size)].push(b as usize);
            f.bytes += size;
            return;
        }
    }
    // madvise works on whole pages: a block smaller than a page shares its
    // page with another block that may be in use, so it keeps its memory.
    if size >= os::PAGE {
        os::release(b, size);
    }
    free_list().cold[size_index(size)].push(b as usize);
}

/// Bytes of freed large-object mappings kept for reuse; beyond this the
/// biggest go back to the OS, so memory stays bounded after a burst.
const KEEP_LARGE: usize = 64 << 20;

/// Kept large mappings by length.
struct Spare {
    by_len: BTreeMap<usize, Vec<usize>>,
    bytes: usize,
}

static LARGE: Mutex<Spare> = Mutex::new(Spare {
    by_len: BTreeMap::new(),
    bytes: 0,
});

thread_local! {
    /// Large mappings this thread made (not reused): for tests, which run
    /// in parallel threads and must not count each other's.
    static LARGE_MAPS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// The number of large-object mappings the OS made for this thread so far.
pub fn large_maps() -> usize {
    LARGE_MAPS.with(|n| n.get())
}

/// Bytes of freed large mappings currently kept for reuse.
pub fn large_kept_bytes() -> usize {
    spare().bytes
}

fn spare() -> std::sync::MutexGuard<'static, Spare> {
    LARGE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The length mapped for a large object of `size` bytes: whole pages, and
/// above 16 pages rounded up to a quarter of the power of two below, so
/// that similar sizes share a length and a freed mapping fits the next
/// object of about its size (at most a quarter of it left unused).
pub fn large_len(size: usize) -> usize {
    let pages = os::page_round(size) / 4096;
    if pages <= 16 {
        return pages * 4096;
    }
    let step = 1usize << (pages.ilog2() - 2);
    pages.next_multiple_of(step) * 4096
}

/// A mapping of `large_len(size)` bytes whose first `size` bytes are zero.
pub fn take_large(size: usize) -> (*mut u8, usize) {
    let len = large_len(size);
    let reused = {
        let mut s = spare();
        let p = s.by_len.get_mut(&len).and_then(|v| v.pop());
        if p.is_some() {
            s.bytes -= len;
            if s.by_len[&len].is_empty() {
                s.by_len.remove(&len);
            }
        }
        p
    };
    match reused {
        Some(p) => {
            // SAFETY: a kept mapping of `len >= size` bytes nothing uses.
            unsafe { core::ptr::write_bytes(p as *mut u8, 0, size) };
            (p as *mut u8, len)
        }
        None => {
            LARGE_MAPS.with(|n| n.set(n.get() + 1));
            (os::map(size, len), len)
        }
    }
}

/// Returns a large-object mapping nothing refers to any more.
///
/// # Safety
/// `p`/`len` came from `take_large` and is no longer used by any heap.
pub unsafe fn give_large(p: *mut u8, len: usize) {
    let mut unmap = Vec::new();
    {
        let mut s = spare();
        // Keep the smaller mappings: they save the most system calls per
        // byte kept.
        while s.bytes + len > KEEP_LARGE {
            let Some((&biggest, _)) = s.by_len.last_key_value() else {
                break;
            };
            if biggest <= len {
                break;
            }
            let v = s.by_len.get_mut(&biggest).expect("present");
            unmap.push((v.pop().expect("non-empty"), biggest));
            if v.is_empty() {
                s.by_len.remove(&biggest);
            }
            s.bytes -= biggest;
        }
        if s.bytes + len <= KEEP_LARGE {
            s.by_len.entry(len).or_default().push(p as usize);
            s.bytes += len;
        } else {
            unmap.push((p as usize, len));
        }
    }
    for (a, l) in unmap {
        os::unmap(a as *mut u8, l);
    }
}
