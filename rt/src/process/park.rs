//! Parking and waking: how a process waits, and how whoever ends the wait
//! gets it running again. Every wait in the runtime uses this protocol:
//! `receive` and its `after`, `sleep` (`io::timers`), the runtime's own
//! waits for system messages (services, supervisors, jobs), and waits for a
//! file descriptor (`io::readiness`).
//!
//! The state word. `Actor::state` packs a park generation with the
//! scheduling state (`pack`): runnable, running, done, or parked in one of
//! the `S_WAIT_*` kinds, which say what may end the park (the `WAKE_*`
//! lists). Every park takes a new generation.
//!
//! Parking, the process's side (`park`, `park_until`): the process records
//! `Request::Park` and switches to its worker. Until then it is running,
//! so a wake-up in the meantime finds no park and does nothing: what
//! counts is the condition the waker made true.
//!
//! Parking, the worker's side (`complete`), with the process's registers
//! saved: it publishes the parked state under the new generation, then
//! reads the wake conditions: a pending exit signal and, by kind, messages
//! in the inbox (`S_WAIT_MSG`), those or system messages (`S_WAIT_ANY`,
//! read under the lock they are queued under), or `io_ready` (`S_WAIT_IO`:
//! the reactor raises it when the descriptor waited for is ready).
//! If one holds, the worker takes the process back out of the park itself,
//! unless a waker has done so first. Otherwise a deadline arms a timer in
//! the reactor (`io`) for this generation.
//!
//! Waking (`wake`): the waker first makes its condition true (pushes the
//! message onto the lock-free inbox, queues the system message, records
//! the exit signal, raises `io_ready`), then ends the park with one
//! compare-and-swap from a parked state of the kinds it may end (for a
//! timer: of the generation it was armed for) to runnable. Only the winner
//! queues the process and counts it active.
//!
//! Nothing is lost: the parked state is published before the conditions
//! are read, and a condition is made true before the state is read, all
//! sequentially consistent, so the worker sees the condition or the waker
//! sees the park (if both, one compare-and-swap wins). A stale timer fails
//! on its generation; any other wake-up may end a later park of a kind it
//! may end, so every waiter checks its condition again when `park` returns
//! and parks again if it does not hold (a spurious wake-up costs one
//! dispatch).

use super::lifecycle::{check_pending, switch_out};
use super::pcb::{Actor, Request};
use super::scheduler::{enqueue, get, reactor};
use super::worker::Local;
use core::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub const S_RUNNABLE: u64 = 1;
pub const S_RUNNING: u64 = 2;
/// Parked in `receive`: messages, system messages, timers and exit
/// signals wake it.
pub const S_WAIT_MSG: u64 = 3;
/// Parked in `sleep`: only its timer and exit signals wake it.
pub const S_WAIT_TIMER: u64 = 4;
pub const S_DONE: u64 = 5;
/// Parked waiting for a user or a system message (runtime-internal waits of
/// trapping processes: supervisors, jobs, service calls).
pub const S_WAIT_ANY: u64 = 6;
/// Parked until `Actor::io_ready` is raised (a file descriptor is ready,
/// see `io::readiness`): the reactor, the timer and exit signals wake it.
pub const S_WAIT_IO: u64 = 7;

/// Which parked states a wake-up may end.
pub const WAKE_MSG: &[u64] = &[S_WAIT_MSG, S_WAIT_ANY];
pub const WAKE_SYS: &[u64] = &[S_WAIT_ANY];
pub const WAKE_IO: &[u64] = &[S_WAIT_IO];
pub const WAKE_ALL: &[u64] = &[S_WAIT_MSG, S_WAIT_TIMER, S_WAIT_ANY, S_WAIT_IO];
/// Kinds a timer may wake (any park, if its generation still matches).
pub const TIMER_WAKES: &[u64] = WAKE_ALL;

pub fn pack(gen: u64, state: u64) -> u64 {
    (gen << 8) | state
}
pub fn state_of(s: u64) -> u64 {
    s & 0xff
}
pub fn gen_of(s: u64) -> u64 {
    s >> 8
}

/// Parks until a wake-up of the given kind (or the deadline, monotonic ns).
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn park(a: &Actor, kind: u64, deadline: Option<u64>) {
    (*a.owned()).request = Request::Park { kind, deadline };
    switch_out(a);
    check_pending(a);
}

/// Parks until `a.io_ready` is raised (and the raiser wakes `WAKE_IO`) or
/// the deadline (monotonic ns) passes; returns at once if it is raised
/// already. Like every park it may also return early: callers look at the
/// flag and the clock again.
///
/// # Safety
/// `a` is the process running on this stack.
pub unsafe fn park_for_io(a: &Actor, deadline: Option<u64>) {
    park(a, S_WAIT_IO, deadline);
}

/// The worker's side of a park of `a` (see the module comment): publishes
/// it as parked, unless what it waits for is already there.
///
/// # Safety
/// `local` is this thread's worker, which has just switched out of `a`.
/// Inlined into the worker's dispatch loop, as it was when it lived there.
#[inline(always)]
pub(super) unsafe fn complete(local: *mut Local, a: Arc<Actor>, kind: u64, deadline: Option<u64>) {
    let gen = gen_of(a.load_state()) + 1;
    let parked = pack(gen, kind);
    let sys = (kind == S_WAIT_ANY).then(|| a.lock());
    a.state.store(parked, Ordering::SeqCst);
    let ready = a.has_pending.load(Ordering::SeqCst)
        || match kind {
            S_WAIT_MSG => !a.inbox.is_empty(),
            S_WAIT_ANY => !a.inbox.is_empty() || sys.as_ref().is_some_and(|s| !s.sys.is_empty()),
            S_WAIT_IO => a.io_ready.load(Ordering::SeqCst),
            _ => false,
        };
    drop(sys);
    if ready {
        let back = pack(gen, S_RUNNABLE);
        if a.state
            .compare_exchange(parked, back, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            (*local).queue.push(a);
        } else {
            // A waker won: it queued the process and counted it active.
            (*local).active_delta -= 1;
        }
        return;
    }
    match deadline {
        Some(d) => (reactor().wake_at)(d, a, gen),
        None => (*local).last_parked = Some(a),
    }
    (*local).active_delta -= 1;
}

/// Ends a park of `a` whose state is one of `kinds` (and whose park
/// generation is `gen`, when given) with one compare-and-swap; only the
/// winner queues it. Returns whether this call woke it. `worker` is the
/// calling thread's worker (null off workers).
pub fn wake(a: &Arc<Actor>, gen: Option<u64>, kinds: &[u64], worker: *mut c_void) -> bool {
    let mut cur = a.load_state();
    loop {
        if !kinds.contains(&state_of(cur)) || gen.is_some_and(|g| g != gen_of(cur)) {
            return false;
        }
        let next = pack(gen_of(cur), S_RUNNABLE);
        match a
            .state
            .compare_exchange(cur, next, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => break,
            Err(now) => cur = now,
        }
    }
    if worker.is_null() {
        get().active.fetch_add(1, Ordering::SeqCst);
        enqueue(a.clone(), worker);
        return true;
    }
    // SAFETY: a non-null worker is the `Local` of the calling thread.
    let local = unsafe { &mut *(worker as *mut Local) };
    local.active_delta += 1;
    let own = local.last_parked.take_if(|p| Arc::ptr_eq(p, a));
    enqueue(own.unwrap_or_else(|| a.clone()), worker);
    true
}
