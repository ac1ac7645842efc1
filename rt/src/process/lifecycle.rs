//! Process start, preemption and exit, as seen from the process itself.
//!
//! A process leaves its stack only through `switch_out`, after recording a
//! `Request` for its worker; the worker completes the request on its own
//! stack (see `worker`; parks: `park`). Exits never unwind: the process
//! records its reason and switches away for good; a terminate block then
//! runs on a fresh context at the top of its first stack segment (the old
//! frames are dead, and every other segment is given back).

use super::park::{gen_of, pack, S_DONE};
use super::pcb::*;
use super::pid_table;
use super::reason::Reason;
use crate::base::abi::{Ctx, Word};
use crate::base::console;
use crate::gc::heap::Heap;
use crate::process::stack::{self, Stack};
use crate::process::{scheduler, worker};
use core::ffi::c_void;
use core::sync::atomic::AtomicUsize;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

extern "C" {
    pub fn snow_ctx_make(
        stack_lo: *mut c_void,
        size: usize,
        entry: unsafe extern "C" fn(*mut c_void),
        arg: *mut c_void,
    ) -> *mut c_void;
    pub fn snow_ctx_switch(from: *mut *mut c_void, to: *mut c_void);
}

/// The value `ctx.stack_limit` takes to request a yield: above every stack
/// address, so the next entry or back-edge check fails.
pub const PREEMPT: usize = usize::MAX;

/// Creates a runnable process (not yet queued) and enters it in the table.
pub fn create(pid: u64, is_main: bool, entry: Entry, heap: Heap, stack: Stack) -> Arc<Actor> {
    let a = Arc::new(Actor::new(pid, is_main, entry, heap, stack));
    // SAFETY: the actor is not shared yet; its stack is ours to prepare.
    unsafe {
        a.bind();
        fresh_context(&a, process_entry);
    }
    pid_table::insert(a.clone());
    let s = scheduler::get();
    s.live.fetch_add(1, Ordering::SeqCst);
    s.active.fetch_add(1, Ordering::SeqCst);
    a
}

/// Starts a process running `entry(ctx, arg)` with the heap `heap`, spawned
/// by the process of `ctx`. While that process is a supervisor running a
/// child's `start`, the new process is linked to it before it can run, so
/// its exit is never missed (see `supervisor::start_child`).
///
/// # Safety
/// `ctx` is the running process; `arg` lives in `heap`.
pub unsafe fn spawn(ctx: *mut Ctx, entry: SpawnEntry, arg: Word, heap: Heap) -> u64 {
    spawn_prepared(ctx, entry, arg, heap, |_| {})
}

/// `spawn`, running `prepare` on the new process before it can run (to
/// hand it resources, say).
///
/// # Safety
/// As `spawn`.
pub unsafe fn spawn_prepared(
    ctx: *mut Ctx,
    entry: SpawnEntry,
    arg: Word,
    heap: Heap,
    prepare: impl FnOnce(&Actor),
) -> u64 {
    let pid = pid_table::next_pid();
    let w = super::primitives::worker_of(ctx);
    let st = stack::alloc(worker::stack_cache(w));
    let a = create(pid, false, Entry::Spawned(entry, arg), heap, st);
    prepare(&a);
    if let Some(me) = actor_of(ctx) {
        if let Some(log) = (*me.owned()).spawn_links.as_mut() {
            log.push(pid);
            super::signal::link(me, pid);
        }
    }
    scheduler::enqueue(a, w);
    pid
}

/// Points the process's saved context at a new frame at the top of its
/// first stack segment.
///
/// # Safety
/// The process is not running and its old frames are no longer needed.
pub unsafe fn fresh_context(a: &Actor, entry: unsafe extern "C" fn(*mut c_void)) {
    let o = a.owned();
    back_to_first(o, false);
    let first = &(*o).stacks.first;
    (*o).sp = snow_ctx_make(
        first.lo as *mut c_void,
        first.top() - first.lo,
        entry,
        a as *const Actor as *mut c_void,
    );
}

/// Drops the frames of a process that is not running: protected calls in
/// progress are abandoned, every extra stack segment is given back (with
/// `trim`, its pages to the OS too), and the limits are the first
/// segment's again.
///
/// # Safety
/// The process `o` belongs to is switched out for good or for a fresh
/// context.
pub unsafe fn back_to_first(o: *mut Owned, trim: bool) {
    (*o).guard = core::ptr::null_mut();
    (*o).stacks.release_all(trim);
    (*o).real_limit = (*o).stacks.limit();
    (*o).ctx.stack_limit = (*o).real_limit as *mut _;
    (*o).process.stack_base = (*o).stacks.top();
}

/// First frame of every process: runs its entry, then exits `normal`.
unsafe extern "C" fn process_entry(arg: *mut c_void) {
    let a = &*(arg as *const Actor);
    let o = a.owned();
    let ctx: *mut Ctx = &mut (*o).ctx;
    (*o).started = true;
    match (*o).entry {
        Entry::Main(f) => f(ctx),
        Entry::Spawned(f, w) => f(ctx, w),
    }
    exit_running(a, Reason::Normal)
}

/// First frame of a terminate block's fresh context.
///
/// # Safety
/// Only entered through `fresh_context` with the actor as `arg`.
pub unsafe extern "C" fn terminate_entry(arg: *mut c_void) {
    let a = &*(arg as *const Actor);
    let o = a.owned();
    if let Some((f, env)) = (*o).terminate.take() {
        f(&mut (*o).ctx, env);
    }
    exit_running(a, Reason::Normal)
}

/// Hands control to the worker that runs this process; returns when the
/// process is dispatched again (possibly on another worker).
///
/// # Safety
/// `a` is the process running on this stack and has set its request.
pub unsafe fn switch_out(a: &Actor) {
    let o = a.owned();
    let w = (*o).worker as *mut worker::Local;
    snow_ctx_switch(&mut (*o).sp, (*w).sched_sp);
}

/// Asks `a` to reach its slow path at its next function entry or
/// back-edge, if it is running. Harmless otherwise: every dispatch resets
/// the limit.
pub fn request_yield(a: &Actor) {
    // SAFETY: the context lives as long as the actor; generated code and
    // dispatch read and write the limit as a whole word.
    unsafe {
        let limit = core::ptr::addr_of_mut!((*a.owned()).ctx.stack_limit) as *mut usize;
        core::sync::atomic::AtomicUsize::from_ptr(limit).store(PREEMPT, Ordering::Relaxed);
    }
}

/// Ends the running process. The first recorded reason wins (a panic in a
/// terminate block keeps the original reason), except that a kill of a
/// terminate block that overran its shutdown time is reported as `killed`.
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn exit_running(a: &Actor, reason: Reason) -> ! {
    let o = a.owned();
    if (*o).exit_reason.is_none() || reason == Reason::Killed {
        if reason == Reason::Killed {
            (*o).terminate_started = true;
        }
        (*o).exit_reason = Some(reason);
    }
    (*o).request = Request::Exit;
    switch_out(a);
    // A finished process is never dispatched again.
    std::process::abort()
}

/// Carries out an exit signal that arrived for the running process.
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn check_pending(a: &Actor) {
    if !a.has_pending.load(Ordering::SeqCst) {
        return;
    }
    let r = {
        let mut s = a.lock();
        // A terminate block is not interrupted, except by a kill (a
        // supervisor's shutdown time has run out); other signals are moot
        // for a process already exiting.
        if (*a.owned()).terminate_started && s.pending != Some(Reason::Killed) {
            s.pending = None;
            a.has_pending.store(false, Ordering::SeqCst);
            return;
        }
        a.has_pending.store(false, Ordering::SeqCst);
        s.pending.take()
    };
    if let Some(r) = r {
        exit_running(a, r);
    }
}

/// Gives up the worker for now (time slice spent or yield requested).
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn yield_now(a: &Actor) {
    (*a.owned()).request = Request::Yield;
    switch_out(a);
    check_pending(a);
}

/// Restores the process's limit if the scheduler raised it to request a
/// yield; returns whether it had.
///
/// # Safety
/// `ctx` is the context of the process `o` belongs to, running here.
pub unsafe fn take_yield_request(ctx: *mut Ctx, o: *mut Owned) -> bool {
    let limit = AtomicUsize::from_ptr(core::ptr::addr_of_mut!((*ctx).stack_limit) as *mut usize);
    limit.load(Ordering::Relaxed) == PREEMPT
        && limit
            .compare_exchange(
                PREEMPT,
                (*o).real_limit,
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok()
}

/// Moves the running process's limit from `from` to `to` (entering or
/// leaving a stack segment), unless a yield request raised it: the request
/// stays, and the slow path restores `real_limit`, which the caller has set
/// to `to` first. A plain load and store, not a compare-and-swap (which
/// doubled the cost of a call crossing a segment boundary): a request that
/// lands between the two is lost, and the monitor makes it again at its
/// next tick, as the process is still in the same dispatch.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn move_limit(ctx: *mut Ctx, from: usize, to: usize) {
    let limit = AtomicUsize::from_ptr(core::ptr::addr_of_mut!((*ctx).stack_limit) as *mut usize);
    if limit.load(Ordering::Relaxed) == from {
        limit.store(to, Ordering::Relaxed);
    }
}

/// The slow path of a failed stack check: a pending exit, a yield request
/// or spent budget. Restores the limit, so the caller can tell a short
/// stack by checking again.
///
/// # Safety
/// `ctx` is the context of `a`, running on this stack.
pub unsafe fn slow_path(ctx: *mut Ctx, a: &Actor) {
    check_pending(a);
    if take_yield_request(ctx, a.owned()) || (*ctx).budget < 0 {
        yield_now(a);
    }
}

/// A panic of the process running `ctx` (registered with
/// `base::panic::set_process_hook`): inside a protected call it goes back
/// to the call's caller; a process other than `main` crashes alone.
/// Returns for `main` and for contexts without a scheduled process, whose
/// panic ends the program.
///
/// # Safety
/// `ctx` is a live context, running on this stack.
pub unsafe fn on_panic(ctx: *mut Ctx, msg: &[u8], text: &[u8]) {
    if let Some(a) = actor_of(ctx) {
        super::protect::catch(a, text);
        if !a.is_main {
            crash(a, msg, text);
        }
    }
}

/// A panic in a process other than main: report `text` and end the
/// process (only that process) with the reason `error(msg)`.
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn crash(a: &Actor, msg: &[u8], text: &[u8]) -> ! {
    let o = a.owned();
    let mut line = format!("[snow] process <0.{}> crashed", a.pid).into_bytes();
    if (*o).exit_reason.is_some() {
        // A panic inside the terminate block: reported, otherwise ignored.
        line.extend_from_slice(b" in its terminate block");
    }
    line.extend_from_slice(b": ");
    line.extend_from_slice(text);
    line.push(b'\n');
    console::write_fd(2, &line);
    exit_running(a, Reason::Error(msg.to_vec()))
}

/// Everything after a process's last instruction: runs on its worker's
/// stack. Order (§4.4.4): the terminate block already ran; now exit signals
/// to links and monitors, then release of names, mailbox, heap and stack.
///
/// # Safety
/// `a` has switched out with `Request::Exit` and will never run again.
pub unsafe fn finalize(a: Arc<Actor>, worker: *mut c_void) {
    let o = a.owned();
    let reason = (*o).exit_reason.take().unwrap_or(Reason::Normal);
    let (links, monitors, names) = {
        let mut s = a.lock();
        s.dead = true;
        s.sys.clear();
        (
            std::mem::take(&mut s.links),
            std::mem::take(&mut s.monitors),
            std::mem::take(&mut s.names),
        )
    };
    let st = a.load_state();
    a.state.store(pack(gen_of(st), S_DONE), Ordering::SeqCst);
    pid_table::remove(a.pid);
    pid_table::release_names(a.pid, &names);
    for pid in links {
        if let Some(b) = pid_table::get(pid) {
            super::signal::deliver_exit(&b, a.pid, &reason, worker);
        }
    }
    for (watcher, reference) in monitors {
        if let Some(b) = pid_table::get(watcher) {
            super::signal::deliver_down(&b, reference, a.pid, &reason, worker);
        }
    }
    super::service::kill_jobs(std::mem::take(&mut (*o).jobs), a.pid, worker);
    a.inbox.close();
    (*o).private.clear();
    (*o).process.heap = Heap::new(false);
    (*o).process.roots = Vec::new();
    (*o).terminate = None;
    (*o).resources.clear();
    back_to_first(o, true);
    stack::release(
        std::mem::replace(&mut (*o).stacks.first, Stack::none()),
        worker::stack_cache(worker),
        false,
    );
    if a.is_main && !reason.is_normal() {
        // Before the counters drop: otherwise the reactor could see an
        // empty program and end it with status 0 first.
        console::flush_stdout();
        console::write_fd(
            2,
            format!("panic: main process exited: {reason}\n").as_bytes(),
        );
        std::process::exit(101);
    }
    let s = scheduler::get();
    s.live.fetch_sub(1, Ordering::SeqCst);
    scheduler::dec_active();
}

/// Word-sized helper for the ABI: the pid of the process running `ctx`.
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn self_pid(ctx: *mut Ctx) -> Word {
    actor_of(ctx).map(|a| a.pid).unwrap_or(0)
}

/// One step of the end of the program, taken by the reactor when nothing
/// can run any more: every remaining process is blocked forever, so stop
/// them with `shutdown`, newest first. Those without a terminate block have
/// nothing observable to do and are signalled together; after one with a
/// terminate block, older ones wait for the next quiescent moment. Returns
/// false when every live process was already signalled (all are stuck for
/// good). `signalled` persists between steps.
pub fn shutdown_step(signalled: &mut HashSet<u64>) -> bool {
    stack::program_ending();
    let mut progress = false;
    for a in pid_table::all_descending() {
        if !signalled.insert(a.pid) {
            continue;
        }
        progress = true;
        let hook = a.has_terminate.load(Ordering::SeqCst);
        super::signal::signal(&a, a.pid, Reason::Shutdown, true, core::ptr::null_mut());
        if hook {
            break;
        }
    }
    progress
}
