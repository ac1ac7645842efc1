//! A per-process, non-moving mark-sweep heap.
//!
//! Small objects live in size-aligned blocks that each hold one size class;
//! a block header at the start of the block records the slot size, the
//! block's size and an allocation bitmap, so a conservative candidate
//! pointer is validated by finding the block below it in this heap's sorted
//! block list, checking it lies inside, and testing the slot's allocation
//! bit. Blocks grow with their class: the first block of a class is small
//! (`MIN_BLOCK`, more for big slots), each further one twice the last, up to
//! `BLOCK_SIZE`, so a small process (a connection, a fragment) holds a few
//! pages while a big heap still allocates from big blocks. Objects above
//! `MAX_SMALL` bytes are mapped individually and kept in a sorted table.
//!
//! The mark bit lives in each object's header (`hdr.gc` bit 0); statics
//! (`GC_STATIC`) are never marked or swept. A heap is touched only by the
//! thread currently running its process, so nothing here takes a lock.

use super::pool;
use super::trace;
use crate::base::abi::{Hdr, GC_STATIC};

/// The largest block; every block size is a power of two from `MIN_BLOCK`.
pub const BLOCK_SIZE: usize = 32 * 1024;
pub const MIN_BLOCK: usize = 2 * 1024;
/// A block holds at least this many slots (so big classes start bigger).
const MIN_SLOTS: usize = 4;
pub const MAX_SMALL: usize = 4096;
const MARK: u64 = 1;
const MIN_TRIGGER: usize = 256 * 1024;
/// Empty blocks kept for reuse instead of being unmapped at once; avoids
/// mmap churn in allocate-and-drop loops while keeping memory bounded.
const KEEP_FREE_BLOCKS: usize = 8;

const CLASSES: [u32; 27] = [
    32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
    1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
];
const NCLASSES: usize = CLASSES.len();

/// Size class index for every size in 16-byte steps up to MAX_SMALL.
const CLASS_OF: [u8; MAX_SMALL / 16 + 1] = {
    let mut t = [0u8; MAX_SMALL / 16 + 1];
    let mut i = 0;
    let mut c = 0;
    while i < t.len() {
        while (CLASSES[c] as usize) < i * 16 {
            c += 1;
        }
        t[i] = c as u8;
        i += 1;
    }
    t
};

#[repr(C)]
struct Block {
    slot_size: u32,
    nslots: u32,
    nalloc: u32,
    class: u32,
    /// Bitmap word where the next free-slot search starts.
    cursor: u32,
    /// log2 of the block's size in bytes.
    shift: u32,
    /// Allocation bits; bits at or past `nslots` are kept set so the search
    /// never hands them out.
    alloc: [u64; 16],
}

/// Offset of slot 0: the block header rounded up to 16 bytes.
const FIRST: usize = (core::mem::size_of::<Block>() + 15) & !15;

impl Block {
    fn slot_addr(b: *mut Block, i: usize) -> usize {
        // SAFETY (callers): `b` is a live block header.
        unsafe { b as usize + FIRST + i * (*b).slot_size as usize }
    }

    /// The allocation bits of a block with no object: only the bits at or
    /// past `nslots` set.
    fn empty_bitmap(nslots: u32) -> [u64; 16] {
        core::array::from_fn(|i| {
            let first_bit = i as u32 * 64;
            if first_bit >= nslots {
                u64::MAX
            } else if first_bit + 64 > nslots {
                u64::MAX << (nslots - first_bit)
            } else {
                0
            }
        })
    }

    fn size(b: *const Block) -> usize {
        // SAFETY (callers): `b` is a live block header.
        unsafe { 1 << (*b).shift }
    }
}

pub struct Heap {
    /// Addresses of this heap's blocks, sorted, for validating candidates.
    blocks: Vec<usize>,
    /// Large objects: (address, mapped length), sorted by address.
    large: Vec<(usize, usize)>,
    /// Bounds of everything this heap owns, for a cheap first rejection.
    lo: usize,
    hi: usize,
    current: [*mut Block; NCLASSES],
    avail: [Vec<*mut Block>; NCLASSES],
    free_blocks: Vec<*mut Block>,
    /// Blocks held per class: the size of the class's next block (16 bits,
    /// saturating: every process carries these, and past 8 blocks the
    /// count only has to stay big).
    class_blocks: [u16; NCLASSES],
    allocated_since: usize,
    live_after: usize,
    stress: bool,
    mark_stack: Vec<usize>,
    /// Number of completed collections (diagnostics and tests).
    pub collections: u64,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new(false)
    }
}

impl Heap {
    pub fn new(stress: bool) -> Heap {
        Heap {
            blocks: Vec::new(),
            large: Vec::new(),
            lo: usize::MAX,
            hi: 0,
            current: [core::ptr::null_mut(); NCLASSES],
            avail: core::array::from_fn(|_| Vec::new()),
            free_blocks: Vec::new(),
            class_blocks: [0; NCLASSES],
            allocated_since: 0,
            live_after: 0,
            stress,
            mark_stack: Vec::new(),
            collections: 0,
        }
    }

    /// True when an allocation of `size` bytes should first collect: every
    /// time under stress, otherwise once the bytes allocated since the last
    /// collection exceed max(256 KiB, 2 x live bytes after it). A big
    /// object without pointers (a scalar store, a long string) counts only
    /// its header as live: marking it costs no more than a small object,
    /// and letting it defer collections only let small garbage pile up in
    /// fresh memory (a 16 MB list of Ints allowed 32 MB of it).
    pub fn should_collect(&self, size: usize) -> bool {
        self.stress || self.allocated_since + size > MIN_TRIGGER.max(2 * self.live_after)
    }

    /// Bytes found live by the last collection (big pointer-free objects
    /// counting their header only).
    pub fn live_bytes(&self) -> usize {
        self.live_after
    }

    /// Bytes handed out since the last collection (slot sizes and large
    /// mappings); for a heap that never collects, everything it holds.
    pub fn allocated_bytes(&self) -> usize {
        self.allocated_since
    }

    /// Bytes currently mapped for objects (blocks and large objects).
    pub fn mapped_bytes(&self) -> usize {
        let blocks: usize = self
            .blocks
            .iter()
            .map(|&b| Block::size(b as *const Block))
            .sum();
        blocks + self.large.iter().map(|l| l.1).sum::<usize>()
    }

    /// Allocates `size` zeroed bytes (size >= 16, header included) with the
    /// header's gc word cleared. Never collects: the caller decides that.
    pub fn alloc(&mut self, size: usize) -> *mut u8 {
        if size > MAX_SMALL {
            return self.alloc_large(size);
        }
        let c = CLASS_OF[size.div_ceil(16)] as usize;
        let mut b = self.current[c];
        // SAFETY: blocks in `current`/`avail` are live blocks of this heap.
        unsafe {
            if b.is_null() || (*b).nalloc == (*b).nslots {
                b = match self.avail[c].pop() {
                    Some(b) => b,
                    None => self.new_block(c),
                };
                self.current[c] = b;
            }
            let p = Self::take_slot(b);
            let slot = (*b).slot_size as usize;
            core::ptr::write_bytes(p, 0, slot);
            self.allocated_since += slot;
            p
        }
    }

    /// # Safety
    /// `b` is a live block with at least one free slot.
    unsafe fn take_slot(b: *mut Block) -> *mut u8 {
        let words = (*b).nslots.div_ceil(64) as usize;
        let mut w = (*b).cursor as usize;
        loop {
            if w >= words {
                w = 0;
            }
            let bits = (*b).alloc[w];
            if bits != u64::MAX {
                let bit = (!bits).trailing_zeros() as usize;
                (*b).alloc[w] |= 1 << bit;
                (*b).nalloc += 1;
                (*b).cursor = w as u32;
                return Block::slot_addr(b, w * 64 + bit) as *mut u8;
            }
            w += 1;
        }
    }

    /// The size of the next block of `class`: twice the last one's (the
    /// class's first at least `MIN_SLOTS` slots), at most `BLOCK_SIZE`.
    fn next_block_size(&self, class: usize) -> usize {
        let first = (FIRST + MIN_SLOTS * CLASSES[class] as usize)
            .next_power_of_two()
            .max(MIN_BLOCK);
        (first << self.class_blocks[class].min(8)).min(BLOCK_SIZE)
    }

    fn new_block(&mut self, class: usize) -> *mut Block {
        let size = self.next_block_size(class);
        let b = match self
            .free_blocks
            .iter()
            .position(|&b| Block::size(b) == size)
        {
            Some(i) => self.free_blocks.swap_remove(i),
            None => pool::take(size) as *mut Block,
        };
        self.class_blocks[class] = self.class_blocks[class].saturating_add(1);
        let slot = CLASSES[class];
        let nslots = ((size - FIRST) / slot as usize) as u32;
        let alloc = Block::empty_bitmap(nslots);
        // SAFETY: `b` is a fresh or recycled block that nothing references.
        unsafe {
            b.write(Block {
                slot_size: slot,
                nslots,
                nalloc: 0,
                class: class as u32,
                cursor: 0,
                shift: size.trailing_zeros(),
                alloc,
            });
        }
        let addr = b as usize;
        let pos = self.blocks.partition_point(|&a| a < addr);
        self.blocks.insert(pos, addr);
        self.lo = self.lo.min(addr);
        self.hi = self.hi.max(addr + size);
        b
    }

    fn alloc_large(&mut self, size: usize) -> *mut u8 {
        let (p, len) = pool::take_large(size);
        let addr = p as usize;
        let pos = self.large.partition_point(|&(a, _)| a < addr);
        self.large.insert(pos, (addr, len));
        self.lo = self.lo.min(addr);
        self.hi = self.hi.max(addr + len);
        self.allocated_since += len;
        p
    }

    /// Takes over every object of `other` (a message fragment or spawn
    /// argument built by the deep copier): its blocks and large objects join
    /// this heap unchanged, so pointers into them stay valid. The adopted
    /// bytes count towards the next collection. `other` is left empty.
    pub fn adopt(&mut self, other: &mut Heap) {
        for b in other.blocks.drain(..) {
            let pos = self.blocks.partition_point(|&a| a < b);
            self.blocks.insert(pos, b);
            let size = Block::size(b as *const Block);
            self.lo = self.lo.min(b);
            self.hi = self.hi.max(b + size);
            self.allocated_since += size;
            // SAFETY: an adopted block is live.
            let c = unsafe { (*(b as *const Block)).class } as usize;
            self.class_blocks[c] = self.class_blocks[c].saturating_add(1);
        }
        for (a, len) in other.large.drain(..) {
            let pos = self.large.partition_point(|&(x, _)| x < a);
            self.large.insert(pos, (a, len));
            self.lo = self.lo.min(a);
            self.hi = self.hi.max(a + len);
            self.allocated_since += len;
        }
        other.forget_allocation();
    }

    /// Clears the allocation state (current and available blocks, bounds,
    /// counters) of a heap whose blocks were handed elsewhere.
    fn forget_allocation(&mut self) {
        for c in 0..NCLASSES {
            self.current[c] = core::ptr::null_mut();
            self.avail[c].clear();
        }
        self.class_blocks = [0; NCLASSES];
        self.lo = usize::MAX;
        self.hi = 0;
        self.allocated_since = 0;
        self.live_after = 0;
    }

    /// Empties the heap for reuse as a new message fragment, keeping one
    /// block mapped (so the next fragment needs no block from the pool).
    /// False, leaving the heap as it is, when it holds more than that (the
    /// caller then drops it).
    ///
    /// # Safety
    /// Nothing refers to the heap's objects any more.
    pub unsafe fn reset_small(&mut self) -> bool {
        if !self.large.is_empty() || self.blocks.len() + self.free_blocks.len() > 1 {
            return false;
        }
        if let Some(b) = self.blocks.pop() {
            self.free_blocks.push(b as *mut Block);
        }
        self.forget_allocation();
        true
    }

    /// Frees every object at once, keeping the blocks for reuse (large
    /// objects go back to the pool).
    ///
    /// # Safety
    /// Nothing will use the heap's objects any more.
    pub unsafe fn clear(&mut self) {
        for c in 0..NCLASSES {
            self.current[c] = core::ptr::null_mut();
            self.avail[c].clear();
        }
        for &addr in &self.blocks {
            let b = addr as *mut Block;
            (*b).alloc = Block::empty_bitmap((*b).nslots);
            (*b).nalloc = 0;
            (*b).cursor = 0;
            self.avail[(*b).class as usize].push(b);
        }
        for (a, len) in self.large.drain(..) {
            pool::give_large(a as *mut u8, len);
        }
        self.live_after = 0;
        self.allocated_since = 0;
    }

    /// Frees every object and gives every block back to the pool.
    ///
    /// # Safety
    /// Nothing will use the heap's objects any more.
    pub unsafe fn release(&mut self) {
        *self = Heap::new(self.stress);
    }

    /// Calls `f` with the start of every allocated object.
    pub fn for_each_object(&self, mut f: impl FnMut(usize)) {
        for &addr in &self.blocks {
            let b = addr as *mut Block;
            // SAFETY: live block of this heap.
            unsafe {
                for i in 0..(*b).nslots as usize {
                    if (*b).alloc[i / 64] & (1 << (i % 64)) != 0 {
                        f(Block::slot_addr(b, i));
                    }
                }
            }
        }
        for &(a, _) in &self.large {
            f(a);
        }
    }

    /// The start of the allocated object containing address `w`, if any.
    pub fn find_object(&self, w: usize) -> Option<usize> {
        if w < self.lo || w >= self.hi {
            return None;
        }
        let i = self.blocks.partition_point(|&a| a <= w);
        let b = if i > 0 { self.blocks[i - 1] } else { 0 };
        if b != 0 && w < b + Block::size(b as *const Block) {
            let blk = b as *mut Block;
            if w < b + FIRST {
                return None;
            }
            // SAFETY: `b` is one of our live blocks.
            unsafe {
                let idx = (w - b - FIRST) / (*blk).slot_size as usize;
                if idx >= (*blk).nslots as usize {
                    return None;
                }
                if (*blk).alloc[idx / 64] & (1 << (idx % 64)) == 0 {
                    return None;
                }
                return Some(Block::slot_addr(blk, idx));
            }
        }
        let i = self.large.partition_point(|&(a, _)| a <= w);
        if i > 0 {
            let (a, len) = self.large[i - 1];
            if w < a + len {
                return Some(a);
            }
        }
        None
    }

    /// Marks an object found through a conservative root word, accepting
    /// interior and one-past-the-end pointers.
    fn mark_conservative(&mut self, w: usize) {
        if let Some(o) = self.find_object(w) {
            self.mark_precise(o);
        }
        // One past the end of an object is the start of the next slot (all
        // sizes are multiples of 16), so retry one byte lower.
        if w & 15 == 0 && w > 0 {
            if let Some(o) = self.find_object(w - 1) {
                self.mark_precise(o);
            }
        }
    }

    /// Marks the object at exactly `w` (a pointer taken from a traced field,
    /// or null, or a static object) and queues it for tracing.
    fn mark_precise(&mut self, w: usize) {
        if w == 0 {
            return;
        }
        let h = w as *mut Hdr;
        // SAFETY: `w` is the start of a live object (precise field or
        // validated candidate), so its header is readable; statics are only
        // read, never written.
        unsafe {
            let gc = (*h).gc;
            if gc & (GC_STATIC | MARK) != 0 {
                return;
            }
            (*h).gc = gc | MARK;
        }
        self.mark_stack.push(w);
    }

    /// Collects with the given root ranges, scanned conservatively as
    /// pointer-sized, pointer-aligned words (`[lo, hi)` each: every 4-byte
    /// slot on 32-bit targets, where a pointer may sit in either half of an
    /// 8-byte slot), plus exact root pointers.
    ///
    /// # Safety
    /// Each range must be readable memory; every live object must be
    /// reachable from a root word.
    pub unsafe fn collect(&mut self, ranges: &[(usize, usize)], exact: &[usize]) {
        for &(lo, hi) in ranges {
            const WORD: usize = core::mem::size_of::<usize>();
            let mut p = (lo + WORD - 1) & !(WORD - 1);
            while p + WORD <= hi {
                let w = (p as *const usize).read_volatile();
                self.mark_conservative(w);
                p += WORD;
            }
        }
        for &w in exact {
            self.mark_precise(w);
        }
        while let Some(o) = self.mark_stack.pop() {
            let mut children = core::mem::take(&mut self.mark_stack);
            trace::trace_object(o, &mut |c| {
                let h = c as *mut Hdr;
                if c != 0 && (*h).gc & (GC_STATIC | MARK) == 0 {
                    (*h).gc |= MARK;
                    children.push(c);
                }
            });
            self.mark_stack = children;
        }
        self.sweep();
        self.collections += 1;
    }

    fn sweep(&mut self) {
        let mut live = 0usize;
        for c in 0..NCLASSES {
            self.current[c] = core::ptr::null_mut();
            self.avail[c].clear();
        }
        let mut kept = Vec::with_capacity(self.blocks.len());
        let mut released = Vec::new();
        for &addr in &self.blocks {
            let b = addr as *mut Block;
            // SAFETY: live block of this heap; allocated slots hold objects
            // with initialised headers.
            unsafe {
                let nslots = (*b).nslots as usize;
                let slot = (*b).slot_size as usize;
                for w in 0..nslots.div_ceil(64) {
                    let valid = if (w + 1) * 64 <= nslots {
                        u64::MAX
                    } else {
                        (1u64 << (nslots - w * 64)) - 1
                    };
                    let mut bits = (*b).alloc[w] & valid;
                    while bits != 0 {
                        let bit = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        let h = Block::slot_addr(b, w * 64 + bit) as *mut Hdr;
                        if (*h).gc & MARK != 0 {
                            (*h).gc &= !MARK;
                            live += slot;
                        } else {
                            (*b).alloc[w] &= !(1 << bit);
                            (*b).nalloc -= 1;
                        }
                    }
                }
                (*b).cursor = 0;
                if (*b).nalloc == 0 {
                    let c = (*b).class as usize;
                    self.class_blocks[c] = self.class_blocks[c].saturating_sub(1);
                    released.push(b);
                } else {
                    kept.push(addr);
                    if (*b).nalloc < (*b).nslots {
                        self.avail[(*b).class as usize].push(b);
                    }
                }
            }
        }
        self.blocks = kept;
        for b in released {
            if self.free_blocks.len() < KEEP_FREE_BLOCKS {
                self.free_blocks.push(b);
            } else {
                // SAFETY: an empty block nothing points into.
                unsafe { pool::give(b as *mut u8, Block::size(b)) };
            }
        }
        let mut large = Vec::with_capacity(self.large.len());
        for &(a, len) in &self.large {
            let h = a as *mut Hdr;
            // SAFETY: live large object of this heap.
            unsafe {
                if (*h).gc & MARK != 0 {
                    (*h).gc &= !MARK;
                    // See `should_collect`.
                    live += if trace::is_leaf(a) {
                        core::mem::size_of::<Hdr>()
                    } else {
                        len
                    };
                    large.push((a, len));
                } else {
                    pool::give_large(a as *mut u8, len);
                }
            }
        }
        self.large = large;
        self.lo = usize::MAX;
        self.hi = 0;
        if let (Some(&f), Some(&l)) = (self.blocks.first(), self.blocks.last()) {
            self.lo = f;
            self.hi = l + Block::size(l as *const Block);
        }
        if let (Some(&(f, _)), Some(&(l, len))) = (self.large.first(), self.large.last()) {
            self.lo = self.lo.min(f);
            self.hi = self.hi.max(l + len);
        }
        self.live_after = live;
        self.allocated_since = 0;
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        // SAFETY: the heap's process is gone, so nothing refers to its memory.
        unsafe {
            for &b in &self.blocks {
                pool::give(b as *mut u8, Block::size(b as *const Block));
            }
            for &b in &self.free_blocks {
                pool::give(b as *mut u8, Block::size(b));
            }
            for &(a, len) in &self.large {
                pool::give_large(a as *mut u8, len);
            }
        }
    }
}
