//! Stack memory: the segments process stacks are made of (see
//! `process::segments` for how a process chains them).
//!
//! Every process starts on a small first segment (`FIRST`), carved from
//! large lazily committed mappings (slabs) and recycled through free lists,
//! so a million idle processes cost a few pages each. A process that goes
//! deeper gets extra segments of `SEG` bytes, from slabs of their own, and
//! one of its own mapping when a single frame needs more. There are no
//! guard pages (one mapping per stack would exhaust the kernel's mapping
//! limit long before a million processes); overflow is caught by the
//! software limit check in generated code, which keeps `HEADROOM` bytes
//! below the limit for the runtime calls that follow it (the panic report,
//! a collection, the switch back to the scheduler).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The first segment of every process: small, so idle processes are
/// dense; as deep as stacks were before they grew.
pub const FIRST: usize = 64 * 1024;
/// Extra segments: 64-bit targets have address space to spare, 32-bit ones
/// do not (see docs/decisions.md).
#[cfg(target_pointer_width = "64")]
pub const SEG: usize = 1024 * 1024;
#[cfg(not(target_pointer_width = "64"))]
pub const SEG: usize = 256 * 1024;
/// The default maximum total stack of a process, on every target: segments
/// are mapped only as a process goes deeper, so the cap reserves nothing.
pub const DEFAULT_SIZE: usize = 256 * 1024 * 1024;
const MIN_SIZE: usize = 16 * 1024;
/// Room below the limit for runtime code that runs after a check passed
/// (Rust frames, the standard library's 4 KiB sort buffer, formatting of
/// a panic report, a collection) and for frames up to `cgen::grow`'s
/// BIG_FRAME: never more than a quarter of the segment.
const HEADROOM: usize = 32 * 1024;
pub const PAGE: usize = 4096;
/// Segments mapped at once for a free list.
const SLAB_STACKS: usize = 64;
/// Free first segments kept with their pages committed in the global list;
/// beyond this, freed ones return their pages to the OS first (a process
/// touches one or two pages, so this bounds idle stack memory).
const KEEP_COMMITTED: usize = 4096;
/// Free extra segments kept with their pages committed, at most: a
/// process that goes deep again soon finds them ready (the sweep of the
/// reactor trims those unused for a period). As many as one process at
/// the default stack size can use.
const KEEP_WARM: usize = DEFAULT_SIZE / SEG;
/// Free first segments a worker keeps for itself, so spawns and exits on
/// one worker do not meet on the global lock.
pub const WORKER_CACHE: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    None,
    /// A first segment from the slabs.
    First,
    /// An extra segment from the slabs.
    Seg,
    /// A mapping of its own.
    Own,
}

pub struct Stack {
    pub lo: usize,
    pub size: usize,
    kind: Kind,
}

impl Stack {
    pub const fn none() -> Stack {
        Stack {
            lo: 0,
            size: 0,
            kind: Kind::None,
        }
    }

    /// Where frames start: the segment's end, less a "colour" of up to
    /// 2 KiB (64-byte steps). Segments are carved at a power-of-two stride,
    /// so without it the hot top of every stack maps to the same cache
    /// sets, and switching among a thousand processes misses the cache at
    /// every switch (the ring benchmark spent a third of its time reloading
    /// saved registers). Up to 4 KiB made one idle process in eight touch a
    /// second page (its parked frames crossed the top page's end): 500
    /// bytes more per idle process on average, for no faster ring.
    /// 16-byte aligned.
    pub fn top(&self) -> usize {
        if self.size == 0 {
            return self.lo;
        }
        let index = (self.lo / MIN_SIZE) as u64;
        let colour = (index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as usize * 64;
        self.lo + self.size - colour
    }

    /// The lowest address generated code may reach before the limit check
    /// fails.
    pub fn limit(&self) -> usize {
        self.lo + HEADROOM.min(self.size / 4)
    }

    /// Bytes of frames the segment holds above its limit.
    pub fn usable(&self) -> usize {
        self.top() - self.limit()
    }

    /// Returns the pages below `sp` (less one page: a `ucontext` switch
    /// saves a pointer to its record, and its own frame lies just below
    /// it) to the OS.
    pub fn trim_below(&self, sp: usize) {
        let end = (sp & !(PAGE - 1)).saturating_sub(PAGE);
        if end > self.lo && !ENDING.load(Ordering::Relaxed) {
            // SAFETY: nothing lives below `end`: it is under the running
            // frames and outside every other object.
            unsafe { libc::madvise(self.lo as *mut _, end - self.lo, libc::MADV_DONTNEED) };
        }
    }

    fn trim(&self) {
        trim_range(self.lo, self.size);
    }
}

/// Free first segments (their `lo`).
static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// Free extra segments: with pages still committed, and trimmed.
static SEGS: Mutex<SegCache> = Mutex::new(SegCache {
    warm: Vec::new(),
    cold: Vec::new(),
    sweeps: 0,
});
/// Extra segments in use or cached by processes (for tests and reports).
static SEGS_OUT: AtomicUsize = AtomicUsize::new(0);

struct SegCache {
    /// (lo, the sweep count when it came back), most recent last.
    warm: Vec<(usize, u64)>,
    cold: Vec<usize>,
    sweeps: u64,
}

fn seg_cache() -> std::sync::MutexGuard<'static, SegCache> {
    SEGS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Free extra segments with committed pages are waiting.
pub fn warm_segments() -> bool {
    !seg_cache().warm.is_empty()
}

/// The reactor's periodic sweep: free extra segments that came back before
/// the previous sweep (unused for at least a period) give their pages back.
pub fn sweep_warm() {
    let mut c = seg_cache();
    c.sweeps += 1;
    let old = c.sweeps - 1;
    let (stale, keep): (Vec<_>, Vec<_>) = c.warm.iter().partition(|&&(_, at)| at < old);
    c.warm = keep;
    drop(c);
    for &(lo, _) in &stale {
        trim_range(lo, SEG);
    }
    seg_cache().cold.extend(stale.iter().map(|&(lo, _)| lo));
}

fn trim_range(lo: usize, len: usize) {
    if !ENDING.load(Ordering::Relaxed) {
        // SAFETY: the range is a free segment, which nothing uses.
        unsafe { libc::madvise(lo as *mut _, len, libc::MADV_DONTNEED) };
    }
}

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

/// Parses `SNOW_STACK_SIZE`: bytes, or a number with a `k`/`m`/`g` suffix.
pub fn parse_size(text: &str) -> Option<usize> {
    let t = text.trim();
    let (num, mult) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1024),
        'm' | 'M' => (&t[..t.len() - 1], 1024 * 1024),
        'g' | 'G' => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    let n: usize = num.parse().ok()?;
    let bytes = n.checked_mul(mult)?;
    bytes.max(MIN_SIZE).checked_next_multiple_of(PAGE)
}

/// A stack size for reports: `1 MiB`, `96 KiB`.
pub fn show_size(n: usize) -> String {
    match n {
        _ if n.is_multiple_of(1024 * 1024) => format!("{} MiB", n / (1024 * 1024)),
        _ if n.is_multiple_of(1024) => format!("{} KiB", n / 1024),
        _ => format!("{n} bytes"),
    }
}

/// The most stack a process may use (`SNOW_STACK_SIZE`): the frames of all
/// its segments together.
pub fn max_size() -> usize {
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
        crate::base::console::write_fd(2, b"snow: out of memory (stacks)\n");
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

/// Carves a slab of `size`-byte segments into `free`, low addresses last,
/// so recently used segments are reused first.
fn refill(free: &mut Vec<usize>, size: usize) {
    let base = map(size * SLAB_STACKS);
    free.extend((0..SLAB_STACKS).rev().map(|i| base + i * size));
}

/// A first segment, from `cache` (a worker's own free list) when it has one.
pub fn alloc(cache: Option<&mut Vec<usize>>) -> Stack {
    if let Some(lo) = cache.and_then(|c| c.pop()) {
        return Stack {
            lo,
            size: FIRST,
            kind: Kind::First,
        };
    }
    let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
    if free.is_empty() {
        refill(&mut free, FIRST);
    }
    let lo = free.pop().expect("slab refill");
    Stack {
        lo,
        size: FIRST,
        kind: Kind::First,
    }
}

/// An extra segment with at least `usable` bytes above its limit.
pub fn alloc_seg(usable: usize) -> Stack {
    SEGS_OUT.fetch_add(1, Ordering::Relaxed);
    let standard = Stack {
        lo: 0,
        size: SEG,
        kind: Kind::Seg,
    };
    if usable > SEG - HEADROOM - PAGE {
        // A frame larger than a segment: a mapping of its own, with room
        // for the colour and the headroom.
        let size = (usable + HEADROOM + PAGE).next_multiple_of(PAGE);
        return Stack {
            lo: map(size),
            size,
            kind: Kind::Own,
        };
    }
    let mut c = seg_cache();
    let lo = match c.warm.pop().map(|(lo, _)| lo).or_else(|| c.cold.pop()) {
        Some(lo) => lo,
        None => {
            refill(&mut c.cold, SEG);
            c.cold.pop().expect("slab refill")
        }
    };
    Stack { lo, ..standard }
}

/// Extra segments taken and not yet released.
pub fn segs_out() -> usize {
    SEGS_OUT.load(Ordering::Relaxed)
}

/// Returns a segment: a first one to `cache` (a worker's own free list)
/// while it has room, an extra one to the shared cache. With `trim` (the
/// process exited or stays parked) an extra segment's pages go back to the
/// OS at once; otherwise at the reactor's next sweep but one, or at once
/// when more than `KEEP_WARM` wait.
pub fn release(s: Stack, cache: Option<&mut Vec<usize>>, trim: bool) {
    match s.kind {
        Kind::None => {}
        Kind::First => {
            if let Some(c) = cache {
                if c.len() < WORKER_CACHE {
                    c.push(s.lo);
                    return;
                }
            }
            let mut free = FREE.lock().unwrap_or_else(|e| e.into_inner());
            if free.len() >= KEEP_COMMITTED {
                s.trim();
            }
            free.push(s.lo);
        }
        Kind::Seg => {
            SEGS_OUT.fetch_sub(1, Ordering::Relaxed);
            let mut c = seg_cache();
            if trim || c.warm.len() >= KEEP_WARM {
                drop(c);
                s.trim();
                seg_cache().cold.push(s.lo);
            } else {
                let at = c.sweeps;
                c.warm.push((s.lo, at));
            }
        }
        Kind::Own => {
            SEGS_OUT.fetch_sub(1, Ordering::Relaxed);
            // SAFETY: a whole mapping made by `alloc_seg`, no longer used.
            unsafe { libc::munmap(s.lo as *mut _, s.size) };
        }
    }
}
