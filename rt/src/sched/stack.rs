//! Process stacks: carved from large lazily committed mappings (slabs) and
//! recycled through a free list. There is no guard page per stack (one
//! mapping per stack would exhaust the kernel's mapping limit long before a
//! million processes); overflow is caught by the software limit check in
//! generated code, which keeps `HEADROOM` bytes free for the runtime calls
//! that follow it (the panic report, the switch back to the scheduler).
//!
//! Stacks are large (`DEFAULT_SIZE`) but cost only the pages a process
//! touches. Pages below the top `KEEP` bytes are given back: a process's
//! limit starts at the `KEEP` mark (the soft limit), so the first time it
//! goes deeper the slow path marks its stack `deep` and lowers the limit to
//! the real one; a deep stack is trimmed when it is freed and, by the
//! reactor's sweep (`sched::trim`), when its process stays parked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// Default size of process stacks: 8 MiB of address space on 64-bit
/// targets, like `main`'s (see docs/decisions.md for the choice), less on
/// 32-bit ones, where a million processes could not be addressed anyway.
#[cfg(target_pointer_width = "64")]
pub const DEFAULT_SIZE: usize = 8 * 1024 * 1024;
#[cfg(not(target_pointer_width = "64"))]
pub const DEFAULT_SIZE: usize = 256 * 1024;
const MIN_SIZE: usize = 16 * 1024;
/// Room below the limit for runtime code that runs after a check passed
/// (Rust frames, the standard library's 4 KiB sort buffer, formatting of
/// a panic report, a collection): generous, because it costs only address
/// space; never more than a quarter of the stack.
const HEADROOM: usize = 32 * 1024;
/// The top of every stack that stays committed across reuse and parks: as
/// deep as the whole stack used to be, so processes that fitted in the old
/// 64 KiB stacks never take the slow path to cross it.
pub const KEEP: usize = 64 * 1024;
const PAGE: usize = 4096;
/// Stacks mapped at once for the free list.
const SLAB_STACKS: usize = 64;
/// Free stacks kept with their pages committed in the global list; beyond
/// this, freed stacks return their pages to the OS first (a process touches
/// one or two pages, so this bounds idle stack memory to a few tens of MB).
const KEEP_COMMITTED: usize = 4096;
/// Free stacks a worker keeps for itself, so spawns and exits on one
/// worker do not meet on the global lock.
pub const WORKER_CACHE: usize = 64;

pub struct Stack {
    pub lo: usize,
    pub size: usize,
    pooled: bool,
    /// Used below the `KEEP` mark since it was last trimmed.
    pub deep: bool,
}

impl Stack {
    pub const fn none() -> Stack {
        Stack {
            lo: 0,
            size: 0,
            pooled: false,
            deep: false,
        }
    }

    fn new(lo: usize, size: usize, pooled: bool) -> Stack {
        Stack {
            lo,
            size,
            pooled,
            deep: false,
        }
    }

    /// Where the stack starts: its end, less a per-stack "colour" of up to
    /// 4 KiB (within the first page used anyway). Stacks are carved at a
    /// 64 KiB stride, so without it the hot top of every stack maps to the
    /// same cache sets, and switching among a thousand processes misses
    /// the cache at every switch (the ring benchmark spent a third of its
    /// time reloading saved registers).
    pub fn top(&self) -> usize {
        if self.size == 0 {
            return self.lo;
        }
        let index = (self.lo / MIN_SIZE) as u64;
        let colour = (index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize * 64;
        self.lo + self.size - colour
    }

    /// The lowest address generated code may reach before the limit check
    /// turns into a `stack overflow` panic.
    pub fn limit(&self) -> usize {
        self.lo + HEADROOM.min(self.size / 4)
    }

    /// The limit a process starts with: the `KEEP` mark, or the real limit
    /// on stacks too small to have a part worth giving back.
    pub fn soft_limit(&self) -> usize {
        (self.lo + self.size).saturating_sub(KEEP).max(self.limit())
    }

    /// Returns the pages below the `KEEP` mark and below `sp` (the saved
    /// stack pointer of a parked process, whose frames above it stay) to
    /// the OS. One page below `sp` is kept too: a `ucontext` switch saves a
    /// pointer to its record, and its own frame lies just below it.
    /// Clears `deep` unless `sp` itself is below the mark.
    pub fn trim(&mut self, sp: usize) {
        if !self.deep {
            return;
        }
        let mark = self.soft_limit();
        let end = mark.min((sp & !(PAGE - 1)).saturating_sub(PAGE));
        if end > self.lo && !ENDING.load(Ordering::Relaxed) {
            // SAFETY: nothing lives below `end`: it is under the running
            // frames (or the stack is free) and outside every other object.
            unsafe { libc::madvise(self.lo as *mut _, end - self.lo, libc::MADV_DONTNEED) };
        }
        self.deep = sp < mark;
    }
}

static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// Set once the program is shutting down: returning pages to the OS then
/// only costs time (a TLB shootdown per stack).
static ENDING: AtomicBool = AtomicBool::new(false);

pub fn program_ending() {
    ENDING.store(true, Ordering::SeqCst);
}

/// The program has reached its end (§4.3.3): remaining processes are being
/// shut down.
pub fn is_ending() -> bool {
    ENDING.load(Ordering::SeqCst)
}
static SIZE: OnceLock<usize> = OnceLock::new();

/// Parses `SNOW_STACK_SIZE`: bytes, or a number with a `k`/`m` suffix.
pub fn parse_size(text: &str) -> Option<usize> {
    let t = text.trim();
    let (num, mult) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1024),
        'm' | 'M' => (&t[..t.len() - 1], 1024 * 1024),
        _ => (t, 1),
    };
    let n: usize = num.parse().ok()?;
    let bytes = n.checked_mul(mult)?;
    Some(bytes.max(MIN_SIZE).div_ceil(4096) * 4096)
}

/// A stack size for reports: `1 MiB`, `96 KiB`.
pub fn show_size(n: usize) -> String {
    match n {
        _ if n.is_multiple_of(1024 * 1024) => format!("{} MiB", n / (1024 * 1024)),
        _ if n.is_multiple_of(1024) => format!("{} KiB", n / 1024),
        _ => format!("{n} bytes"),
    }
}

/// The stack size of spawned processes.
pub fn default_size() -> usize {
    *SIZE.get_or_init(|| {
        std::env::var("SNOW_STACK_SIZE")
            .ok()
            .and_then(|v| parse_size(&v))
            .unwrap_or(DEFAULT_SIZE)
    })
}

fn map(len: usize) -> usize {
    // SAFETY: a fresh anonymous mapping; MAP_NORESERVE because stacks are
    // mostly never touched beyond their first pages.
    let p = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        crate::io::write_fd(2, b"snow: out of memory (stacks)\n");
        std::process::abort();
    }
    // With transparent huge pages on `always`, the first touch of a stack
    // top would commit a whole 2 MiB page.
    #[cfg(target_os = "linux")]
    {
        // SAFETY: advice on the mapping just made.
        unsafe { libc::madvise(p, len, libc::MADV_NOHUGEPAGE) };
    }
    p as usize
}

/// A stack of the default size, from `cache` (a worker's own free list)
/// when it has one.
pub fn alloc(cache: Option<&mut Vec<usize>>) -> Stack {
    let size = default_size();
    if let Some(lo) = cache.and_then(|c| c.pop()) {
        return Stack::new(lo, size, true);
    }
    let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
    if free.is_empty() {
        let base = map(size * SLAB_STACKS);
        // Hand out low addresses last so recently used stacks are reused first.
        free.extend((0..SLAB_STACKS).rev().map(|i| base + i * size));
    }
    let lo = free.pop().expect("slab refill");
    Stack::new(lo, size, true)
}

/// A stack of its own mapping (the main process gets a large one).
pub fn alloc_dedicated(size: usize) -> Stack {
    Stack::new(map(size), size, false)
}

/// Returns a stack, to `cache` (a worker's own free list) while it has room.
/// A deep stack gives its pages below the `KEEP` mark back first, so a
/// reused stack costs no more than a fresh one.
pub fn release(mut s: Stack, cache: Option<&mut Vec<usize>>) {
    if s.size == 0 {
        return;
    }
    if !s.pooled {
        // SAFETY: a whole mapping made by `alloc_dedicated`, no longer used.
        unsafe { libc::munmap(s.lo as *mut _, s.size) };
        return;
    }
    s.trim(s.lo + s.size);
    if let Some(c) = cache {
        if c.len() < WORKER_CACHE {
            c.push(s.lo);
            return;
        }
    }
    let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
    if free.len() >= KEEP_COMMITTED && !ENDING.load(Ordering::Relaxed) {
        // SAFETY: the stack belongs to no process any more.
        unsafe { libc::madvise(s.lo as *mut _, s.size, libc::MADV_DONTNEED) };
    }
    free.push(s.lo);
}
