//! Page-level memory from the OS. Blocks and large objects are mapped
//! directly so that freeing them really returns memory (bounded-memory rule
//! of chapter 4 §4.10), instead of parking it in malloc's free lists.

use core::ptr;

pub const PAGE: usize = 4096;

pub fn page_round(n: usize) -> usize {
    (n + PAGE - 1) & !(PAGE - 1)
}

/// Maps `size` zeroed bytes aligned to `align` (a power of two, a multiple
/// of the page size), committed at once (`MAP_POPULATE`) when the caller is
/// about to use all of it. Aborts when the OS refuses: running out of
/// memory is not something a Snow program can handle.
pub fn map_aligned(size: usize, align: usize, populate: bool) -> *mut u8 {
    let total = size + align;
    let populate = if populate { libc::MAP_POPULATE } else { 0 };
    // SAFETY: anonymous private mapping; no existing memory is touched.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            total,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANON | populate,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        out_of_memory();
    }
    let start = p as usize;
    let aligned = (start + align - 1) & !(align - 1);
    // Trim the unaligned head and the surplus tail so only `size` stays mapped.
    // SAFETY: both ranges lie inside the mapping made above.
    unsafe {
        if aligned > start {
            libc::munmap(start as *mut _, aligned - start);
        }
        let end = aligned + size;
        let map_end = start + total;
        if map_end > end {
            libc::munmap(end as *mut _, map_end - end);
        }
    }
    aligned as *mut u8
}

const POPULATE_AT: usize = 1 << 20;

/// Maps `len` zeroed bytes (a whole number of pages) for an object of
/// `size <= len` bytes.
pub fn map(size: usize, len: usize) -> *mut u8 {
    // SAFETY: anonymous private mapping.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANON,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        out_of_memory();
    }
    // Big objects (the stores of large maps, sets and lists) are about to
    // be filled: committing their pages in one call avoids a page fault per
    // page (two when a page is read before it is written). Only the object's
    // own pages: the rest of the rounded-up mapping may never be used. An
    // older kernel refuses the advice and the pages fault in as used.
    let used = page_round(size);
    if used >= POPULATE_AT {
        // SAFETY: the range lies inside the mapping made above.
        unsafe { libc::madvise(p, used, libc::MADV_POPULATE_WRITE) };
    }
    p as *mut u8
}

/// # Safety
/// `p`/`len` is a whole mapping made by `map`/`map_aligned` that nothing
/// refers to any more.
pub unsafe fn unmap(p: *mut u8, len: usize) {
    libc::munmap(p as *mut _, len);
}

/// Gives the pages of `p`/`len` back to the OS, keeping the mapping (the
/// pages read as zero when touched again).
///
/// # Safety
/// `p`/`len` is a page-aligned range of a mapping nothing uses.
pub unsafe fn release(p: *mut u8, len: usize) {
    libc::madvise(p as *mut _, len, libc::MADV_DONTNEED);
}

fn out_of_memory() -> ! {
    let msg = b"snow: out of memory\n";
    // SAFETY: writing a static buffer to stderr.
    unsafe {
        libc::write(2, msg.as_ptr() as *const _, msg.len());
        libc::abort();
    }
}
