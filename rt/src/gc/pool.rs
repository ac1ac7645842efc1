//! A process-wide pool of free heap blocks shared by all heaps. Message
//! fragments take a block per message and hand it to the receiver, and
//! exiting processes free all of theirs at once: without the pool each of
//! those is an mmap/munmap pair (and a TLB shootdown), which made messages
//! with heap values over 100 times slower than scalar ones.

use super::heap::BLOCK_SIZE;
use super::os;
use std::sync::Mutex;

/// Free blocks kept mapped (32 MiB); beyond this they go back to the OS, so
/// memory stays bounded after a burst.
const KEEP: usize = 1024;

static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn free_list() -> std::sync::MutexGuard<'static, Vec<usize>> {
    FREE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Blocks mapped together when the pool is empty: a growing heap then costs
/// one committed mapping per 1 MiB instead of three system calls and eight
/// page faults per block.
const CHUNK: usize = 32;

/// A block-aligned block of BLOCK_SIZE bytes. Its contents are arbitrary:
/// the heap initialises its header and zeroes each slot it hands out.
pub fn take() -> *mut u8 {
    let mut free = free_list();
    if let Some(b) = free.pop() {
        return b as *mut u8;
    }
    let chunk = os::map_aligned(CHUNK * BLOCK_SIZE, BLOCK_SIZE, true) as usize;
    free.extend((1..CHUNK).map(|i| chunk + i * BLOCK_SIZE));
    chunk as *mut u8
}

/// Returns a block nothing refers to any more.
///
/// # Safety
/// `b` came from `take` and is no longer used by any heap.
pub unsafe fn give(b: *mut u8) {
    {
        let mut f = free_list();
        if f.len() < KEEP {
            f.push(b as usize);
            return;
        }
    }
    os::unmap(b, BLOCK_SIZE);
}
