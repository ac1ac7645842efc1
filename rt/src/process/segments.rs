//! A process's stack: a chain of segments (see `process::stack` for the
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
    /// `stack.top()` and `stack.limit()`, kept: entering a spare again is
    /// the hot path of a call that crosses the same boundary in a loop.
    pub top: usize,
    floor: usize,
    /// Its limit: the floor, or higher where the cap ends it.
    pub limit: usize,
    /// `[sp, size]` for `snow_stack_call`: the top of this segment and its
    /// size going in; while this segment is in use, `link[0]` holds the
    /// stack pointer at which the segment below was left.
    pub link: [usize; 2],
}

pub struct Segments {
    pub first: Stack,
    first_limit: usize,
    /// The rest of the chain, once the process has gone beyond its first
    /// segment (boxed: most processes never do, and stay small).
    extra: Option<Box<Extra>>,
}

#[derive(Default)]
struct Extra {
    /// `more[..depth]` are in use; `more[depth]`, if present, is the spare.
    more: Vec<Seg>,
    depth: usize,
    /// Frame bytes of the extra segments in use (above their limits).
    used: usize,
    /// Registered with the reactor's sweep of parked processes
    /// (`process::trim`).
    registered: bool,
}

/// Frame bytes a new segment must offer beyond the frame that asked for it.
pub const MIN_NEED: usize = 8 * 1024;

impl Segments {
    /// A chain of just `first`, whose frames may use at most `cap` bytes.
    pub fn new(first: Stack, cap: usize) -> Segments {
        let first_limit = first.limit().max(first.top().saturating_sub(cap));
        Segments {
            first,
            first_limit,
            extra: None,
        }
    }

    fn extra(&self) -> &Extra {
        static NONE: Extra = Extra {
            more: Vec::new(),
            depth: 0,
            used: 0,
            registered: false,
        };
        self.extra.as_deref().unwrap_or(&NONE)
    }

    /// Extra segments in use.
    pub fn depth(&self) -> usize {
        self.extra().depth
    }

    /// Extra segments held, in use or spare.
    pub fn held(&self) -> usize {
        self.extra().more.len()
    }

    /// Is the process registered with the reactor's sweep?
    pub fn registered(&self) -> bool {
        self.extra().registered
    }

    /// Records whether it is (only while it holds extra segments).
    pub fn set_registered(&mut self, on: bool) {
        if let Some(x) = self.extra.as_deref_mut() {
            x.registered = on;
        }
    }

    /// The limit of the segment in use.
    pub fn limit(&self) -> usize {
        let x = self.extra();
        match x.depth {
            0 => self.first_limit,
            d => x.more[d - 1].limit,
        }
    }

    /// The top of the segment in use.
    pub fn top(&self) -> usize {
        let x = self.extra();
        match x.depth {
            0 => self.first.top(),
            d => x.more[d - 1].top,
        }
    }

    /// The segment in use (for trimming below a parked process's frames).
    pub fn current(&self) -> &Stack {
        let x = self.extra();
        match x.depth {
            0 => &self.first,
            d => &x.more[d - 1].stack,
        }
    }

    /// Would a segment offering `need` frame bytes stay within `cap`?
    pub fn can_grow(&self, need: usize, cap: usize) -> bool {
        self.first.top() - self.first_limit + self.extra().used + need <= cap
    }

    /// Makes a segment with at least `need` frame bytes the one in use:
    /// the spare if it is large enough, else a new one. None when that
    /// would exceed `cap`.
    pub fn enter(&mut self, need: usize, cap: usize) -> Option<&mut Seg> {
        if !self.can_grow(need, cap) {
            return None;
        }
        let remaining = cap - (self.first.top() - self.first_limit) - self.extra().used;
        let x = self.extra.get_or_insert_with(Box::default);
        let d = x.depth;
        if x.more.len() > d && x.more[d].top - x.more[d].floor < need {
            let small = x.more.pop().expect("a spare");
            stack::release(small.stack, None, false);
        }
        if x.more.len() == d {
            let stack = stack::alloc_seg(need);
            let (top, floor) = (stack.top(), stack.limit());
            x.more.push(Seg {
                stack,
                top,
                floor,
                limit: floor,
                link: [0, 0],
            });
        }
        let seg = &mut x.more[d];
        seg.limit = seg.floor.max(seg.top.saturating_sub(remaining));
        seg.link = [seg.top, seg.top - seg.stack.lo];
        x.used += seg.top - seg.limit;
        x.depth += 1;
        Some(seg)
    }

    /// The segment in use was left (its call returned): the one below is in
    /// use again; the left one becomes the spare and an older spare goes
    /// back to the shared cache.
    pub fn leave(&mut self) {
        let Some(x) = self.extra.as_deref_mut() else {
            return;
        };
        let d = x.depth - 1;
        let s = &x.more[d];
        x.used -= s.top - s.limit;
        x.depth = d;
        while x.more.len() > d + 1 {
            let old = x.more.pop().expect("an older spare");
            stack::release(old.stack, None, false);
        }
    }

    /// Leaves segments until `depth` are in use (a protected call ended).
    pub fn leave_to(&mut self, depth: usize) {
        while self.depth() > depth {
            self.leave();
        }
    }

    /// The stack pointer at which the segment below extra segment `i` (0:
    /// the first) was left.
    pub fn left_at(&self, i: usize) -> usize {
        self.extra().more[i].link[0]
    }

    /// Where `link` of the segment in use is (`snow_stack_call` and the
    /// protected-call switch write the old stack pointer through it).
    pub fn link(&mut self) -> *mut [usize; 2] {
        let x = self.extra.as_deref_mut().expect("an extra segment in use");
        &mut x.more[x.depth - 1].link
    }

    /// Gives every extra segment back (the process exits, or starts over
    /// on its first segment): with `trim`, their pages go back to the OS.
    pub fn release_all(&mut self, trim: bool) {
        if let Some(x) = self.extra.take() {
            for s in x.more {
                stack::release(s.stack, None, trim);
            }
        }
    }

    /// Gives the spare back, its pages to the OS (the process stays
    /// parked); with no extra segment left, the chain is just the first.
    pub fn release_spare(&mut self) {
        let Some(x) = self.extra.as_deref_mut() else {
            return;
        };
        if x.more.len() > x.depth {
            let s = x.more.pop().expect("a spare");
            stack::release(s.stack, None, true);
        }
        if x.more.is_empty() {
            self.extra = None;
        }
    }

    /// The stack ranges holding the frames of segments below the one in
    /// use, as (low, high), for the collector.
    pub fn suspended(&self, out: &mut Vec<(usize, usize)>) {
        let x = self.extra();
        for i in 0..x.depth {
            let below_top = match i {
                0 => self.first.top(),
                _ => x.more[i - 1].top,
            };
            out.push((x.more[i].link[0], below_top));
        }
    }
}
