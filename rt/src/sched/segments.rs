//! A process's stack: a chain of segments (see `sched::stack` for the
//! memory, `snow.h` for how generated code moves to a new segment).
//!
//! The first segment is the process's own for its whole life. Extra
//! segments are entered when a function finds its segment too short and
//! left when it returns; while a newer one is in use, an older one keeps
//! the stack pointer at which it was left, so the collector scans each
//! segment from there to its top. The segment left last stays with the
//! process as a spare, so a call that crosses the same boundary again and
//! again (the "hot split") takes no allocation; an older spare goes back
//! to the shared cache.
//!
//! `SNOW_STACK_SIZE` caps the frames of all segments in use together:
//! the last segment's limit is raised so that the total never exceeds it.

use super::stack::{self, Stack};

/// An extra segment.
pub struct Seg {
    pub stack: Stack,
    /// Its limit (`Stack::limit`, or higher where the cap ends it).
    pub limit: usize,
    /// `[sp, size]` for `snow_stack_call`: the top of this segment and its
    /// size going in; while this segment is in use, `link[0]` holds the
    /// stack pointer at which the segment below was left.
    pub link: [usize; 2],
}

pub struct Segments {
    pub first: Stack,
    first_limit: usize,
    /// `more[..depth]` are in use; `more[depth]`, if present, is the spare.
    more: Vec<Seg>,
    depth: usize,
    /// Frame bytes of the segments in use (above their limits).
    used: usize,
    /// Registered with the reactor's sweep of parked processes
    /// (`sched::trim`) since extra segments were last all given back.
    pub registered: bool,
}

/// Frame bytes a new segment must offer beyond the frame that asked for it.
pub const MIN_NEED: usize = 8 * 1024;

impl Segments {
    /// A chain of just `first`, whose frames may use at most `cap` bytes.
    pub fn new(first: Stack, cap: usize) -> Segments {
        let first_limit = first.limit().max(first.top().saturating_sub(cap));
        let used = first.top() - first_limit;
        Segments {
            first,
            first_limit,
            more: Vec::new(),
            depth: 0,
            used,
            registered: false,
        }
    }

    /// Extra segments in use.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Extra segments held, in use or spare.
    pub fn held(&self) -> usize {
        self.more.len()
    }

    /// The limit of the segment in use.
    pub fn limit(&self) -> usize {
        match self.depth {
            0 => self.first_limit,
            d => self.more[d - 1].limit,
        }
    }

    /// The top of the segment in use.
    pub fn top(&self) -> usize {
        match self.depth {
            0 => self.first.top(),
            d => self.more[d - 1].stack.top(),
        }
    }

    /// The segment in use (for trimming below a parked process's frames).
    pub fn current(&self) -> &Stack {
        match self.depth {
            0 => &self.first,
            d => &self.more[d - 1].stack,
        }
    }

    /// Would a segment offering `need` frame bytes stay within `cap`?
    pub fn can_grow(&self, need: usize, cap: usize) -> bool {
        self.used + need <= cap
    }

    /// Makes a segment with at least `need` frame bytes the one in use:
    /// the spare if it is large enough, else a new one. None when that
    /// would exceed `cap`.
    pub fn enter(&mut self, need: usize, cap: usize) -> Option<&mut Seg> {
        if !self.can_grow(need, cap) {
            return None;
        }
        let d = self.depth;
        if self.more.len() > d && self.more[d].stack.usable() < need {
            let small = self.more.pop().expect("a spare");
            stack::release(small.stack, None, false);
        }
        if self.more.len() == d {
            let stack = stack::alloc_seg(need);
            self.more.push(Seg {
                stack,
                limit: 0,
                link: [0, 0],
            });
        }
        let remaining = cap - self.used;
        let seg = &mut self.more[d];
        let top = seg.stack.top();
        seg.limit = seg.stack.limit().max(top.saturating_sub(remaining));
        seg.link = [top, top - seg.stack.lo];
        self.used += top - seg.limit;
        self.depth += 1;
        Some(seg)
    }

    /// The segment in use was left (its call returned): the one below is in
    /// use again; the left one becomes the spare and an older spare goes
    /// back to the shared cache.
    pub fn leave(&mut self) {
        let d = self.depth - 1;
        let s = &self.more[d];
        self.used -= s.stack.top() - s.limit;
        self.depth = d;
        while self.more.len() > d + 1 {
            let old = self.more.pop().expect("an older spare");
            stack::release(old.stack, None, false);
        }
    }

    /// Leaves segments until `depth` are in use (a protected call ended).
    pub fn leave_to(&mut self, depth: usize) {
        while self.depth > depth {
            self.leave();
        }
    }

    /// The stack pointer at which the segment below extra segment `i` (0:
    /// the first) was left.
    pub fn left_at(&self, i: usize) -> usize {
        self.more[i].link[0]
    }

    /// Where `link` of the segment in use is (`snow_stack_call` and the
    /// protected-call switch write the old stack pointer through it).
    pub fn link(&mut self) -> *mut [usize; 2] {
        &mut self.more[self.depth - 1].link
    }

    /// Gives every extra segment back (the process exits, or starts over
    /// on its first segment): with `trim`, their pages go back to the OS.
    pub fn release_all(&mut self, trim: bool) {
        for s in self.more.drain(..) {
            stack::release(s.stack, None, trim);
        }
        self.depth = 0;
        self.used = self.first.top() - self.first_limit;
    }

    /// Gives the spare back, its pages to the OS (the process stays
    /// parked).
    pub fn release_spare(&mut self) {
        if self.more.len() > self.depth {
            let s = self.more.pop().expect("a spare");
            stack::release(s.stack, None, true);
        }
    }

    /// The stack ranges holding the frames of segments below the one in
    /// use, as (low, high), for the collector.
    pub fn suspended(&self, out: &mut Vec<(usize, usize)>) {
        for i in 0..self.depth {
            let below_top = match i {
                0 => self.first.top(),
                _ => self.more[i - 1].stack.top(),
            };
            out.push((self.more[i].link[0], below_top));
        }
    }
}
