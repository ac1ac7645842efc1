//! The process primitives of snow.h ("processes" section): spawn, send,
//! selective receive and its wait, links, terminate blocks, names, and the
//! runtime-internal pieces services, supervisors and jobs are built from
//! (exit trapping, monitors, references, system messages). `sleep` and
//! `send_after` are timers: `io::timers`.

use super::copy::{copy_into, copy_value, needs_copy};
use super::lifecycle;
use super::mailbox::{same_type, Msg, MsgClass, SysMsg};
use super::park::{park, S_WAIT_ANY, S_WAIT_MSG};
use super::pcb::*;
use super::reason::Reason;
use super::{pid_table, signal};
use crate::base::abi::{Ctx, SnowStr, SnowType, Word};
use crate::gc::heap::Heap;
use crate::process::{clock, scheduler};
use crate::values::string::new_str;
use core::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};

/// The running process; generated code only calls these from processes.
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn me<'a>(ctx: *mut Ctx) -> &'a Actor {
    match actor_of(ctx) {
        Some(a) => a,
        None => crate::base::panic::panic_msg(ctx, "process operation outside a scheduled process"),
    }
}

/// The worker running the process of `ctx` (null off workers).
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn worker_of(ctx: *mut Ctx) -> *mut c_void {
    actor_of(ctx).map_or(core::ptr::null_mut(), |a| (*a.owned()).worker)
}

/// A message holding a deep copy of `w` (in its own fragment when the value
/// has heap objects).
///
/// # Safety
/// `w` is a live value of type `ty`.
pub unsafe fn make_msg(ty: *const SnowType, w: Word) -> Box<Msg> {
    if needs_copy(&*ty, w) {
        let mut m = Msg::new(ty, 0, None);
        let buf = m.inline.insert(Msg::new_inline());
        match copy_into(&mut buf[..], &*ty, w) {
            Some(copy) => m.word = copy,
            None => {
                m.drop_inline();
                let mut frag = fragments::take();
                m.word = copy_value(&mut frag, &*ty, w);
                m.frag = Some(frag);
            }
        }
        m
    } else {
        Msg::new(ty, w, None)
    }
}

/// Message fragments recycled per worker thread: most messages are small,
/// and a fragment emptied at the receiver is the next message's heap, with
/// its block still mapped, instead of a heap allocation plus a block from
/// the shared pool (and its lock) per message.
mod fragments {
    use crate::gc::heap::Heap;
    use crate::process::mailbox::{keep, reuse};
    use std::cell::RefCell;

    /// Each keeps a 32 KiB block: at most 2 MiB per thread.
    const KEEP: usize = 64;

    thread_local! {
        #[allow(clippy::vec_box)] // the boxes themselves are what is kept
        static FREE: RefCell<Vec<Box<Heap>>> = const { RefCell::new(Vec::new()) };
    }

    pub fn take() -> Box<Heap> {
        reuse(&FREE).unwrap_or_else(|| Box::new(Heap::new(false)))
    }

    /// Keeps `frag` for reuse when it is small, else frees it.
    ///
    /// # Safety
    /// Nothing refers to the fragment's objects any more.
    pub unsafe fn give(mut frag: Box<Heap>) {
        if frag.reset_small() {
            keep(&FREE, frag, KEEP);
        }
    }
}

/// # Safety
/// `ctx` is the running process; `arg` a live value of type `arg_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_spawn(
    ctx: *mut Ctx,
    entry: SpawnEntry,
    arg_type: *const SnowType,
    arg: Word,
) -> u64 {
    let s = scheduler::get();
    let mut heap = Heap::new(s.gc_stress);
    let arg = copy_value(&mut heap, &*arg_type, arg);
    lifecycle::spawn(ctx, entry, arg, heap)
}

/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_self(ctx: *mut Ctx) -> u64 {
    lifecycle::self_pid(ctx)
}

/// # Safety
/// `ctx` is the running process; `msg` a live value of type `msg_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_send(ctx: *mut Ctx, pid: u64, msg_type: *const SnowType, msg: Word) {
    // A message to a process that is gone is dropped without being copied.
    pid_table::with_actor(pid, |a| {
        if !a.is_done() {
            signal::deliver_to(a, make_msg(msg_type, msg), worker_of(ctx));
        }
    });
}

/// The next queued message of type `expected` after `after` (NULL: from the
/// oldest), oldest first; stores its value in `*out`. NULL when none.
///
/// # Safety
/// `ctx` is the running process; `after` is NULL or a message returned by
/// this function and not taken since.
#[no_mangle]
pub unsafe extern "C" fn snow_recv_next(
    ctx: *mut Ctx,
    after: *mut c_void,
    expected: *const SnowType,
    out: *mut Word,
) -> *mut c_void {
    let a = me(ctx);
    let q = &mut (*a.owned()).private;
    let mut m = if after.is_null() {
        q.head
    } else {
        (*(after as *mut Msg)).next
    };
    loop {
        while !m.is_null() {
            if (*m).class == MsgClass::User && same_type((*m).ty, expected) {
                *out = (*m).word;
                return m as *mut c_void;
            }
            m = (*m).next;
        }
        let (head, tail) = a.inbox.take_all();
        if head.is_null() {
            return core::ptr::null_mut();
        }
        m = q.append_chain(head, tail);
    }
}

/// Removes `msg` from the mailbox and returns its value, now owned by this
/// process's heap. A fragment that is at least half full is adopted as it
/// is (its objects keep their addresses); a sparser one (a small message in
/// a mostly empty block per size class) is copied into the heap and its
/// blocks go back to the pool, so a process that keeps many small messages
/// does not keep a block per message.
///
/// # Safety
/// `msg` came from `snow_recv_next` of this process and was not taken.
#[no_mangle]
pub unsafe extern "C" fn snow_recv_take(ctx: *mut Ctx, msg: *mut c_void) -> Word {
    let m = take_msg(ctx, msg as *mut Msg);
    let w = m.word;
    m.recycle();
    w
}

/// # Safety
/// `ctx` is the running process; `msg` a message returned by
/// `snow_recv_next` and not taken since.
#[no_mangle]
pub unsafe extern "C" fn snow_recv_drop(ctx: *mut Ctx, msg: *mut c_void) {
    let a = me(ctx);
    (*a.owned()).private.unlink(msg as *mut Msg).recycle();
}

/// Removes `m` from the mailbox; its word is then in this process's heap.
///
/// # Safety
/// `m` is a queued message of the running process.
pub unsafe fn take_msg(ctx: *mut Ctx, m: *mut Msg) -> Box<Msg> {
    let a = me(ctx);
    let o = a.owned();
    let mut m = (*o).private.unlink(m);
    m.word = match m.frag.take() {
        Some(mut frag) if frag.allocated_bytes() * 2 >= frag.mapped_bytes() => {
            (*o).process.heap.adopt(&mut frag);
            m.word
        }
        Some(frag) => {
            let w = copy_value(&mut (*o).process.heap, &*m.ty, m.word);
            fragments::give(frag);
            w
        }
        // An inline copy dies with the message: copy it out.
        None if m.inline.is_some() => copy_value(&mut (*o).process.heap, &*m.ty, m.word),
        None => m.word,
    };
    m
}

/// The oldest queued message (of any type) that `want` accepts, pulling
/// new arrivals into the private queue; null when none.
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn find_msg(ctx: *mut Ctx, want: &dyn Fn(&Msg) -> bool) -> *mut Msg {
    let a = me(ctx);
    let q = &mut (*a.owned()).private;
    let mut m = q.head;
    loop {
        while !m.is_null() {
            if want(&*m) {
                return m;
            }
            m = (*m).next;
        }
        let (head, tail) = a.inbox.take_all();
        if head.is_null() {
            return core::ptr::null_mut();
        }
        m = q.append_chain(head, tail);
    }
}

/// Parks until a message (or, for `S_WAIT_ANY`, a system message) arrives
/// (true) or the deadline passes (false).
///
/// # Safety
/// `ctx` is the running process.
pub unsafe fn wait(ctx: *mut Ctx, deadline_ms: i64, kind: u64) -> bool {
    let a = me(ctx);
    let deadline = (deadline_ms >= 0).then(|| clock::ms_to_ns(deadline_ms));
    loop {
        if deadline.is_some_and(|d| clock::now_ns() >= d) {
            return false;
        }
        park(a, kind, deadline);
        if !a.inbox.is_empty() {
            return true;
        }
        if kind == S_WAIT_ANY && !a.lock().sys.is_empty() {
            return true;
        }
    }
}

/// Parks until a new message arrives (true) or `deadline_ms` on the
/// `snow_now_ms` clock passes (false); -1 waits forever.
///
/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_recv_wait(ctx: *mut Ctx, deadline_ms: i64) -> bool {
    wait(ctx, deadline_ms, S_WAIT_MSG)
}

/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_link(ctx: *mut Ctx, pid: u64) {
    signal::link(me(ctx), pid);
}

/// # Safety
/// `ctx` is the running process; `env` is a value `f` accepts (a closure).
#[no_mangle]
pub unsafe extern "C" fn snow_set_terminate(ctx: *mut Ctx, f: TerminateFn, env: Word) {
    let a = me(ctx);
    let o = a.owned();
    // Setting it again (an actor loop restarting its body) replaces the
    // previous closure and its root.
    if let Some((_, old)) = (*o).terminate.take() {
        let roots = &mut (*o).process.roots;
        if let Some(i) = roots.iter().position(|&r| r == old as usize) {
            roots.swap_remove(i);
        }
    }
    (*o).terminate = Some((f, env));
    // A heap-allocated closure must outlive every collection until it
    // runs (statics need no root; anything else is not a pointer).
    let env_addr = env as usize;
    if (*o).process.heap.find_object(env_addr) == Some(env_addr) {
        (*o).process.roots.push(env_addr);
    }
    a.has_terminate.store(true, Ordering::SeqCst);
}

/// # Safety
/// `ctx` is the running process; `name` a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_register(ctx: *mut Ctx, name: *mut SnowStr) -> bool {
    pid_table::register(me(ctx), SnowStr::bytes(name))
}

/// # Safety
/// `name` a live string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn snow_whereis(_ctx: *mut Ctx, name: *mut SnowStr, out: *mut u64) -> bool {
    match pid_table::whereis(SnowStr::bytes(name)) {
        Some(pid) => {
            *out = pid;
            true
        }
        None => false,
    }
}

// ------------------------------------------------ runtime-internal pieces

/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_trap_exits(ctx: *mut Ctx, on: bool) {
    me(ctx).lock().trap_exits = on;
}

/// Sends exit signal `tag` (with `msg` for error/custom; may be NULL) to
/// `pid`. `killed` cannot be trapped.
///
/// # Safety
/// `ctx` is the running process; `msg` NULL or a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_exit(ctx: *mut Ctx, pid: u64, tag: i32, msg: *mut SnowStr) {
    let text = if msg.is_null() {
        &[][..]
    } else {
        SnowStr::bytes(msg)
    };
    let Some(reason) = Reason::from_tag(tag, text) else {
        crate::base::panic::panic_msg(ctx, "snow_exit: invalid exit reason tag")
    };
    let a = me(ctx);
    if pid == a.pid {
        lifecycle::exit_running(a, reason);
    }
    if let Some(b) = pid_table::get(pid) {
        signal::signal(&b, a.pid, reason, false, worker_of(ctx));
    }
}

static REFS: AtomicU64 = AtomicU64::new(1);

/// A reference unique in this program run (never 0).
#[no_mangle]
pub extern "C" fn snow_make_ref(_ctx: *mut Ctx) -> u64 {
    REFS.fetch_add(1, Ordering::Relaxed)
}

/// Monitors `pid`: when it exits (or at once if it is gone) a `down` system
/// message with the returned reference arrives.
///
/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_monitor(ctx: *mut Ctx, pid: u64) -> u64 {
    let a = me(ctx);
    let r = snow_make_ref(ctx);
    if let Some(me_arc) = pid_table::get(a.pid) {
        signal::monitor(&me_arc, pid, r, worker_of(ctx));
    }
    r
}

/// A system message, as `snow_recv_signal` reports it.
#[repr(C)]
pub struct SnowSignal {
    /// 0: exit of a linked process (trapping processes), 1: monitor notice.
    pub kind: u32,
    /// The exit reason's tag.
    pub tag: i32,
    /// The process that exited.
    pub pid: u64,
    /// The monitor reference (kind 1).
    pub reference: u64,
    /// For linked(p, r): p (the message is r's).
    pub origin: u64,
    /// The reason's message (error/custom), else NULL.
    pub message: *mut SnowStr,
}

/// Takes the oldest system message. False when there is none.
///
/// # Safety
/// `ctx` is the running process; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn snow_recv_signal(ctx: *mut Ctx, out: *mut SnowSignal) -> bool {
    let a = me(ctx);
    let Some(m) = a.lock().sys.pop_front() else {
        return false;
    };
    let (kind, pid, reference, reason) = match m {
        SysMsg::Exit { from, reason } => (0, from, 0, reason),
        SysMsg::Down {
            reference,
            pid,
            reason,
        } => (1, pid, reference, reason),
    };
    let origin = match &reason {
        Reason::Linked(p, _) => *p,
        _ => 0,
    };
    let text = reason.message();
    let has_text = match &reason {
        Reason::Linked(_, inner) => matches!(**inner, Reason::Error(_) | Reason::Custom(_)),
        r => matches!(r, Reason::Error(_) | Reason::Custom(_)),
    };
    (*out).kind = kind;
    (*out).tag = reason.tag();
    (*out).pid = pid;
    (*out).reference = reference;
    (*out).origin = origin;
    (*out).message = if has_text {
        new_str(ctx, text)
    } else {
        core::ptr::null_mut()
    };
    true
}

/// Like `snow_recv_wait`, but a system message also ends the wait.
///
/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_signal_wait(ctx: *mut Ctx, deadline_ms: i64) -> bool {
    {
        let s = me(ctx).lock();
        if !s.sys.is_empty() {
            return true;
        }
    }
    wait(ctx, deadline_ms, S_WAIT_ANY)
}
