//! Worker threads: find a runnable process, switch into it, and complete
//! whatever it asked for when it switches back (yield, park, exit).
//!
//! A park is completed here (`park::complete`), after the switch, with the
//! process's registers saved: only then is it safe for another thread to
//! resume it. How that keeps wake-ups from being lost is described once,
//! in `park`.

use super::scheduler::{get, reactor, WorkerSeed};
use crate::base::abi::BUDGET;
use crate::process::lifecycle::{self, snow_ctx_switch};
use crate::process::park::{self, gen_of, pack, S_RUNNABLE, S_RUNNING};
use crate::process::pcb::*;
use core::ffi::c_void;
use core::mem::MaybeUninit;
use crossbeam_deque::{Steal, Worker};
use crossbeam_utils::sync::Parker;
use crossbeam_utils::Backoff;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Look at the injector first every this many dispatches, so work queued
/// by the reactor is not starved by a busy local queue.
const INJECTOR_EVERY: u64 = 61;

/// Consecutive dispatches from the `next` slot before the queue gets a turn.
const NEXT_STREAK: u32 = 32;

/// A worker thread's own state; processes find it through `Owned::worker`.
pub struct Local {
    pub id: usize,
    pub queue: Worker<Arc<Actor>>,
    /// The scheduler loop's saved context while a process runs.
    pub sched_sp: *mut c_void,
    dispatches: u64,
    /// The process most recently woken or spawned by code running here: it
    /// runs next, on this worker (a reply is handled while the data is
    /// still in this core's cache, and a chatty pair stays on one worker).
    /// Other workers cannot steal it; `NEXT_STREAK` bounds how long it can
    /// keep the local queue waiting.
    pub next: Option<Arc<Actor>>,
    streak: u32,
    /// Free process stacks kept by this worker (`stack::alloc`/`release`).
    pub stacks: Vec<usize>,
    /// Wakes minus parks done here and not yet added to the global active
    /// count (see `flush_active`).
    pub active_delta: i64,
    /// The run-queue reference of the process that parked here last: if
    /// code running here wakes it (the reply of a ping-pong pair), `wake`
    /// queues this reference instead of taking a new one, so the exchange
    /// costs no reference-count updates.
    pub last_parked: Option<Arc<Actor>>,
}

/// The stack cache of the worker `w` (a `Local`, or null off workers).
///
/// # Safety
/// `w` is null or the `Local` of the calling thread.
pub unsafe fn stack_cache<'a>(w: *mut c_void) -> Option<&'a mut Vec<usize>> {
    (w as *mut Local).as_mut().map(|l| &mut l.stacks)
}

/// The stack of a worker thread (the scheduler loop; processes run on
/// their own stacks): the size `std::thread` gives by default.
const WORKER_STACK: usize = 2 << 20;

/// Starts one detached thread per worker. They are plain pthreads, not
/// `std::thread`s: std's thread start-up records the guard page through
/// `pthread_getattr_np`, which in a static glibc link pulls in `sscanf` and
/// the float parsers: with std's spawn code, 89 KB of a static hello world
/// on aarch64 (docs/decisions.md).
pub fn spawn_threads(seeds: Vec<WorkerSeed>) {
    for seed in seeds {
        let arg = Box::into_raw(Box::new(seed)).cast::<c_void>();
        // SAFETY: `attr` is initialised before use and destroyed after;
        // `arg` is a leaked box that `start` takes back exactly once (or
        // this function does, when the thread was not created).
        unsafe {
            let mut attr = MaybeUninit::<libc::pthread_attr_t>::uninit();
            let mut rc = libc::pthread_attr_init(attr.as_mut_ptr());
            if rc == 0 {
                rc = libc::pthread_attr_setstacksize(attr.as_mut_ptr(), WORKER_STACK);
                if rc == 0 {
                    rc = libc::pthread_attr_setdetachstate(
                        attr.as_mut_ptr(),
                        libc::PTHREAD_CREATE_DETACHED,
                    );
                }
                let mut thread = MaybeUninit::<libc::pthread_t>::uninit();
                if rc == 0 {
                    rc = libc::pthread_create(thread.as_mut_ptr(), attr.as_ptr(), start, arg);
                }
                libc::pthread_attr_destroy(attr.as_mut_ptr());
            }
            if rc != 0 {
                drop(Box::from_raw(arg.cast::<WorkerSeed>()));
                panic!(
                    "spawning a worker thread: {}",
                    std::io::Error::from_raw_os_error(rc)
                );
            }
        }
    }
}

extern "C" fn start(arg: *mut c_void) -> *mut c_void {
    // SAFETY: `spawn_threads` passes a leaked `Box<WorkerSeed>`.
    let seed = unsafe { Box::from_raw(arg.cast::<WorkerSeed>()) };
    #[cfg(target_os = "linux")]
    {
        // Named for debuggers and `top -H`; Linux takes at most 15 bytes.
        let mut name = format!("snow-worker-{}", seed.id).into_bytes();
        name.truncate(15);
        name.push(0);
        // SAFETY: `name` is NUL-terminated and outlives the call.
        unsafe { libc::pthread_setname_np(libc::pthread_self(), name.as_ptr().cast()) };
    }
    run(*seed)
}

fn run(seed: WorkerSeed) -> ! {
    let WorkerSeed { id, queue, parker } = seed;
    let mut local = Box::new(Local {
        id,
        queue,
        sched_sp: core::ptr::null_mut(),
        dispatches: 0,
        next: None,
        streak: 0,
        stacks: Vec::with_capacity(super::stack::WORKER_CACHE),
        active_delta: 0,
        last_parked: None,
    });
    loop {
        if let Some(a) = find(&mut local) {
            // SAFETY: `a` came off a run queue, so this thread owns it now.
            unsafe { dispatch(&mut local, a) };
            continue;
        }
        idle(&mut local, &parker);
    }
}

/// Adds the wakes and parks counted here to the global active count. A
/// worker counts locally while it runs processes (no shared cache line per
/// message) and flushes before it goes idle; the reactor only trusts the
/// count once every worker is idle (`Sched::all_idle`). A worker flushes
/// when it starts to idle and again after its last look for work, before
/// it sleeps; in between, all it can hold back is an over-count (see
/// `idle`), so deferring can delay the end of a program but never bring
/// it early.
fn flush_active(local: &mut Local) {
    super::scheduler::add_active(core::mem::take(&mut local.active_delta));
}

fn idle(local: &mut Local, parker: &Parker) {
    flush_active(local);
    let s = get();
    if s.start_spinning() {
        // Look for work a little longer (tens of microseconds) before
        // parking: most work arrives in bursts.
        let backoff = Backoff::new();
        while !backoff.is_completed() {
            if let Some(a) = find(local) {
                s.stop_spinning();
                // SAFETY: as in `run`.
                unsafe { dispatch(local, a) };
                return;
            }
            backoff.snooze();
        }
        s.stop_spinning();
    }
    s.going_idle(local.id);
    if let Some(a) = find(local) {
        s.not_idle(local.id);
        // SAFETY: as in `run`.
        unsafe { dispatch(local, a) };
        return;
    }
    // The looks above may have taken descriptor events whose wake-ups
    // found no park (the process was still running, or its registration
    // was gone): `polled` counted this worker active for them, and only a
    // flush takes that back. Unflushed while the worker sleeps, the count
    // never reaches zero and the program never ends.
    flush_active(local);
    if s.take_poller(local.id) {
        // Work queued before the slot was taken may have woken nobody
        // (`Sched::wake_one` interrupts only a worker it saw in the slot).
        if let Some(a) = find(local) {
            s.leave_poller();
            s.not_idle(local.id);
            // SAFETY: as in `run`.
            unsafe { dispatch(local, a) };
            return;
        }
        let me: *mut Local = local;
        (reactor().poll)(me.cast(), true);
        s.leave_poller();
        s.not_idle(local.id);
        return;
    }
    parker.park();
    s.not_idle(local.id);
}

/// Looks into the descriptor poller when no idle worker waits on it; the
/// processes its events wake are queued here.
fn poll(local: &mut Local) -> Option<Arc<Actor>> {
    if !get().poller_free() {
        return None;
    }
    let me: *mut Local = local;
    if !(reactor().poll)(me.cast(), false) {
        return None;
    }
    local.next.take().or_else(|| local.queue.pop())
}

fn steal_from_injector(local: &Local) -> Option<Arc<Actor>> {
    loop {
        match get().injector.steal_batch_and_pop(&local.queue) {
            Steal::Success(a) => return Some(a),
            Steal::Empty => return None,
            Steal::Retry => continue,
        }
    }
}

fn find(local: &mut Local) -> Option<Arc<Actor>> {
    if let Some(a) = local.next.take() {
        if local.streak < NEXT_STREAK {
            local.streak += 1;
            return Some(a);
        }
        local.queue.push(a);
    }
    local.streak = 0;
    let s = get();
    if local.dispatches.is_multiple_of(INJECTOR_EVERY) {
        if let Some(a) = steal_from_injector(local) {
            return Some(a);
        }
        if let Some(a) = poll(local) {
            return Some(a);
        }
    }
    if let Some(a) = local.queue.pop() {
        return Some(a);
    }
    if let Some(a) = steal_from_injector(local) {
        return Some(a);
    }
    if let Some(a) = poll(local) {
        return Some(a);
    }
    let n = s.stealers.len();
    for k in 1..n {
        let st = &s.stealers[(local.id + k) % n];
        loop {
            match st.steal_batch_and_pop(&local.queue) {
                Steal::Success(a) => return Some(a),
                Steal::Empty => break,
                Steal::Retry => continue,
            }
        }
    }
    None
}

/// Runs `a` until it switches back, then completes its request.
///
/// The process reaches this worker's `Local` through `Owned::worker` while
/// it runs (to queue processes it wakes and to switch back), so from here on
/// `Local` is only used through a raw pointer, never a live `&mut`.
///
/// # Safety
/// This thread owns `a` (it was taken off a run queue).
unsafe fn dispatch(local: &mut Local, a: Arc<Actor>) {
    super::trim::wait_for(&a);
    let local: *mut Local = local;
    let o = a.owned();
    let me = local as *mut c_void;
    loop {
        let st = a.load_state();
        a.state
            .store(pack(gen_of(st), S_RUNNING), Ordering::Relaxed);
        (*local).dispatches += 1;
        // Reset the limit before looking for a pending exit: a signal that
        // arrives after the look raises it again. (Without a fence the two
        // may still cross; the process then sees the exit at its next
        // budget check or park, which also look for it.)
        (*o).ctx.budget = BUDGET;
        (*o).ctx.stack_limit = (*o).real_limit as *mut _;
        if a.has_pending.load(Ordering::SeqCst) && !(*o).started {
            // A process that never ran registers its terminate block first
            // (the entry's first instructions); its first preemption point,
            // before any of its Snow code, then carries the exit out.
            (*o).ctx.stack_limit = lifecycle::PREEMPT as *mut _;
        } else if a.has_pending.load(Ordering::SeqCst)
            && (*o).exit_reason.is_none()
            && !(*o).terminate_started
        {
            // An exit signal reached a process that is not running: it
            // exits without resuming its old frames.
            let r = {
                let mut sh = a.lock();
                a.has_pending.store(false, Ordering::SeqCst);
                sh.pending.take()
            };
            if let Some(r) = r {
                if r == crate::process::reason::Reason::Killed {
                    (*o).terminate_started = true;
                }
                (*o).exit_reason = Some(r);
                (*o).request = Request::Exit;
            }
        }
        if (*o).exit_reason.is_none() || (*o).request != Request::Exit {
            (*o).worker = me;
            let w = &get().workers[(*local).id];
            w.current_pid.store(a.pid, Ordering::Relaxed);
            w.current_seq.store((*local).dispatches, Ordering::Release);
            snow_ctx_switch(&mut (*local).sched_sp, (*o).sp);
            w.current_pid
                .store(super::scheduler::NO_PID, Ordering::Relaxed);
        }
        match (*o).request {
            Request::Yield => {
                let st = a.load_state();
                a.state
                    .store(pack(gen_of(st), S_RUNNABLE), Ordering::Relaxed);
                (*local).queue.push(a);
                return;
            }
            Request::Park { kind, deadline } => {
                park::complete(local, a, kind, deadline);
                return;
            }
            Request::Exit => {
                if !(*o).terminate_started && (*o).terminate.is_some() {
                    // Run the terminate block now, on a fresh context at the
                    // top of the process's own stack.
                    (*o).terminate_started = true;
                    (*o).request = Request::Yield;
                    lifecycle::fresh_context(&a, lifecycle::terminate_entry);
                    continue;
                }
                lifecycle::finalize(a, me);
                return;
            }
        }
    }
}
