//! Mailboxes.
//!
//! A message is a heap-allocated node holding its type descriptor, its value
//! word and, for values with heap objects, the *fragment* (a private `Heap`)
//! the sender deep-copied them into (small values: an inline copy in the
//! node). Senders push nodes onto the receiver's `Inbox`, a lock-free stack
//! (one compare-and-swap each), then wake it if it is parked for a message
//! (the protocol is `park`'s). The receiver takes the whole stack in one
//! swap when it scans and appends it, in arrival order, to its private
//! `MsgQueue`, so selective receive walks and unlinks messages without any
//! lock. Taking a message adopts its fragment's blocks into the receiver's
//! heap (or copies a sparse one): one copy per message, and no heap is ever
//! touched by two threads.
//!
//! System messages (exit notices for trapping processes, monitor notices)
//! travel in a separate queue, under the control block's lock, and never
//! reach a user `receive`.

use super::reason::Reason;
use crate::base::abi::{SnowType, Word};
use crate::gc::heap::Heap;
use std::sync::atomic::{AtomicPtr, Ordering};

pub struct Msg {
    pub next: *mut Msg,
    pub prev: *mut Msg,
    pub ty: *const SnowType,
    pub word: Word,
    pub frag: Option<Box<Heap>>,
    /// A small message's copy lives here instead of in a fragment (`word`
    /// then points into it; the box keeps it in place). Separate from the
    /// message so that scalar messages stay small in a long mailbox.
    pub inline: Option<Box<Inline>>,
    /// What the message is: a user message (the only kind `receive` sees),
    /// a service request, a service reply or a job result.
    pub class: MsgClass,
    /// Requests and replies: the call's reference (0 for a cast).
    pub reference: u64,
    /// The sending process (requests: where the reply goes; job results:
    /// the job).
    pub from: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MsgClass {
    User,
    Request,
    Reply,
    JobResult,
}

/// 16-byte units of a message's inline space: a few small objects (a tuple
/// of scalars, a short string, a small variant).
pub const INLINE_WORDS: usize = 8;

pub type Inline = [u128; INLINE_WORDS];

impl Msg {
    pub fn new(ty: *const SnowType, word: Word, frag: Option<Box<Heap>>) -> Box<Msg> {
        let m = Msg {
            next: core::ptr::null_mut(),
            prev: core::ptr::null_mut(),
            ty,
            word,
            frag,
            inline: None,
            class: MsgClass::User,
            reference: 0,
            from: 0,
        };
        match reuse(&SPARE) {
            Some(mut b) => {
                *b = m;
                b
            }
            None => Box::new(m),
        }
    }

    /// Frees a taken message, keeping its box (and inline space) for the
    /// next one sent from this thread: otherwise each send allocates.
    pub fn recycle(mut self: Box<Msg>) {
        self.frag = None;
        if let Some(b) = self.inline.take() {
            keep(&SPARE_INLINE, b, SPARE_KEEP);
        }
        keep(&SPARE, self, SPARE_KEEP);
    }

    /// Inline space (contents arbitrary), recycled when possible.
    pub fn new_inline() -> Box<Inline> {
        reuse(&SPARE_INLINE).unwrap_or_else(|| Box::new([0; INLINE_WORDS]))
    }

    /// Gives back inline space that turned out too small.
    pub fn drop_inline(&mut self) {
        if let Some(b) = self.inline.take() {
            keep(&SPARE_INLINE, b, SPARE_KEEP);
        }
    }
}

const SPARE_KEEP: usize = 256;

/// A per-thread list of boxes kept for reuse (messages, their inline space,
/// message fragments), so the hot paths of `send` and `receive` do not go
/// through the allocator.
pub type Spares<T> = std::thread::LocalKey<core::cell::RefCell<Vec<Box<T>>>>;

/// A box from `list`, if it has one.
pub fn reuse<T>(list: &'static Spares<T>) -> Option<Box<T>> {
    list.with(|s| s.borrow_mut().pop())
}

/// Keeps `b` in `list` unless it already holds `limit` boxes.
pub fn keep<T>(list: &'static Spares<T>, b: Box<T>, limit: usize) {
    list.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < limit {
            s.push(b);
        }
    });
}

thread_local! {
    #[allow(clippy::vec_box)] // the boxes themselves are what is kept
    static SPARE: core::cell::RefCell<Vec<Box<Msg>>> = const { core::cell::RefCell::new(Vec::new()) };
    #[allow(clippy::vec_box)]
    static SPARE_INLINE: core::cell::RefCell<Vec<Box<Inline>>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// Incoming messages: a lock-free stack that senders push onto (one
/// compare-and-swap each) and the receiver empties in one swap, reversing
/// the chain into arrival order. Pushes that succeed are totally ordered,
/// so messages from one sender keep their order. At exit the inbox is
/// closed: later pushes are refused and handed back to the sender.
pub struct Inbox {
    head: AtomicPtr<Msg>,
}

/// The head of a closed inbox (never a real node: nodes are aligned).
fn closed() -> *mut Msg {
    core::ptr::without_provenance_mut(1)
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox {
            head: AtomicPtr::new(core::ptr::null_mut()),
        }
    }
}

impl Inbox {
    /// Queues `m`; gives it back when the inbox is closed.
    pub fn push(&self, m: Box<Msg>) -> Result<(), Box<Msg>> {
        let m = Box::into_raw(m);
        let mut h = self.head.load(Ordering::Relaxed);
        loop {
            if h == closed() {
                // SAFETY: `m` came from `Box::into_raw` above and was not shared.
                return Err(unsafe { Box::from_raw(m) });
            }
            // SAFETY: `m` is ours until the exchange publishes it.
            unsafe { (*m).next = h };
            match self
                .head
                .compare_exchange_weak(h, m, Ordering::SeqCst, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => h = now,
            }
        }
    }

    /// Nothing queued (or closed). Sequentially consistent: the parking
    /// protocol pairs it with the state word.
    pub fn is_empty(&self) -> bool {
        let h = self.head.load(Ordering::SeqCst);
        h.is_null() || h == closed()
    }

    /// Removes the whole chain; returns (oldest, newest), linked oldest
    /// first through `next`. Only the owning process calls this.
    pub fn take_all(&self) -> (*mut Msg, *mut Msg) {
        if self.head.load(Ordering::Relaxed).is_null() {
            return (core::ptr::null_mut(), core::ptr::null_mut());
        }
        let mut m = self.head.swap(core::ptr::null_mut(), Ordering::Acquire);
        if m == closed() {
            self.head.store(closed(), Ordering::Relaxed);
            return (core::ptr::null_mut(), core::ptr::null_mut());
        }
        let newest = m;
        let mut prev = core::ptr::null_mut();
        while !m.is_null() {
            // SAFETY: the swap made this chain ours.
            unsafe {
                let next = (*m).next;
                (*m).next = prev;
                prev = m;
                m = next;
            }
        }
        (prev, newest)
    }

    /// Refuses later pushes and frees what is queued.
    pub fn close(&self) {
        let m = self.head.swap(closed(), Ordering::AcqRel);
        if m != closed() {
            free_chain(m);
        }
    }
}

fn free_chain(mut m: *mut Msg) {
    while !m.is_null() {
        // SAFETY: every node was made by `Box::into_raw` in `push`.
        let b = unsafe { Box::from_raw(m) };
        m = b.next;
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let m = *self.head.get_mut();
        if m != closed() {
            free_chain(m);
        }
    }
}

/// The receiver's private queue: a doubly linked list, oldest first.
pub struct MsgQueue {
    pub head: *mut Msg,
    pub tail: *mut Msg,
    pub len: usize,
}

impl Default for MsgQueue {
    fn default() -> Self {
        MsgQueue {
            head: core::ptr::null_mut(),
            tail: core::ptr::null_mut(),
            len: 0,
        }
    }
}

impl MsgQueue {
    /// Appends a chain taken from an inbox; returns its first node.
    ///
    /// # Safety
    /// `(head, tail)` is a chain from `Inbox::take_all`.
    pub unsafe fn append_chain(&mut self, head: *mut Msg, tail: *mut Msg) -> *mut Msg {
        if head.is_null() {
            return head;
        }
        let mut prev = self.tail;
        let mut m = head;
        while !m.is_null() {
            (*m).prev = prev;
            prev = m;
            self.len += 1;
            m = (*m).next;
        }
        if self.tail.is_null() {
            self.head = head;
        } else {
            (*self.tail).next = head;
        }
        self.tail = tail;
        head
    }

    /// Unlinks `m` and returns ownership of it.
    ///
    /// # Safety
    /// `m` is a node of this queue.
    pub unsafe fn unlink(&mut self, m: *mut Msg) -> Box<Msg> {
        let (p, n) = ((*m).prev, (*m).next);
        if p.is_null() {
            self.head = n;
        } else {
            (*p).next = n;
        }
        if n.is_null() {
            self.tail = p;
        } else {
            (*n).prev = p;
        }
        self.len -= 1;
        let mut b = Box::from_raw(m);
        b.next = core::ptr::null_mut();
        b.prev = core::ptr::null_mut();
        b
    }

    /// Drops every queued message (at process exit).
    pub fn clear(&mut self) {
        let mut m = self.head;
        while !m.is_null() {
            // SAFETY: nodes of this queue came from `Box::into_raw`.
            let b = unsafe { Box::from_raw(m) };
            m = b.next;
        }
        *self = MsgQueue::default();
    }
}

/// A system message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SysMsg {
    /// A linked process exited (delivered only to trapping processes).
    Exit { from: u64, reason: Reason },
    /// A monitored process exited.
    Down {
        reference: u64,
        pid: u64,
        reason: Reason,
    },
}

/// Message type identity: the same descriptor, or (for descriptors emitted
/// separately for one type, e.g. by two translation units) the same kind,
/// name and parameters.
///
/// # Safety
/// Both descriptors are valid.
pub unsafe fn same_type(a: *const SnowType, b: *const SnowType) -> bool {
    same_type_depth(a, b, 8)
}

unsafe fn same_type_depth(a: *const SnowType, b: *const SnowType, depth: u32) -> bool {
    if core::ptr::eq(a, b) {
        return true;
    }
    if a.is_null() || b.is_null() || depth == 0 {
        return false;
    }
    let (x, y) = (&*a, &*b);
    if x.kind != y.kind || x.nparams != y.nparams || x.name_bytes() != y.name_bytes() {
        return false;
    }
    (0..x.nparams as usize).all(|i| same_type_depth(x.param(i), y.param(i), depth - 1))
}
