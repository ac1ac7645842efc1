//! The M:N scheduler: worker threads running processes (`worker`), stack
//! memory (`stack`), the segment chains of process stacks (`segments`) and
//! the return of parked processes' spare segments (`trim`), the reactor with
//! timers, quiescence detection and the preemption monitor on the OS main
//! thread (`reactor`), and the clock.
//!
//! Run queues are crossbeam deques: one FIFO `Worker` per worker thread, a
//! global `Injector` for work queued by non-worker threads, and `Stealer`s
//! so an idle worker takes work from busy ones. Idle workers park and are
//! unparked one at a time when work is queued.
//!
//! Counters for quiescence (§4.3.3): `live` processes and `active` ones
//! (runnable or running). A process that parks or exits decrements
//! `active`; whoever wakes one increments it before queuing it.

use crate::process::pcb::*;
use core::ffi::c_void;
use crossbeam_deque::{Injector, Stealer, Worker};
use crossbeam_utils::sync::{Parker, Unparker};
use std::sync::atomic::{fence, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// `WorkerShared::current_pid` of an idle worker.
pub const NO_PID: u64 = u64::MAX;

pub struct WorkerShared {
    pub unparker: Unparker,
    /// The pid being run (`NO_PID` when none) and the worker's dispatch
    /// counter, read by the preemption monitor. Plain atomics: the monitor
    /// reaches the process through the pid table, which keeps it alive, so
    /// the worker never has to wait for the monitor.
    pub current_pid: AtomicU64,
    pub current_seq: AtomicU64,
}

pub struct Sched {
    pub injector: Injector<Arc<Actor>>,
    pub stealers: Vec<Stealer<Arc<Actor>>>,
    pub workers: Vec<WorkerShared>,
    sleeping: Mutex<Vec<usize>>,
    nsleeping: AtomicUsize,
    /// Workers looking for work before they park; while one spins, queuing
    /// work wakes nobody (the spinner finds it), which saves a futex wake
    /// and a thread switch per message or spawn in bursty programs.
    spinning: AtomicUsize,
    pub active: AtomicI64,
    pub live: AtomicI64,
    pub gc_stress: bool,
    pub reactor: crate::io::reactor::Reactor,
}

static SCHED: OnceLock<Sched> = OnceLock::new();

/// The scheduler; `init` must have run.
pub fn get() -> &'static Sched {
    SCHED.get().expect("scheduler not started")
}

pub fn is_started() -> bool {
    SCHED.get().is_some()
}

/// Number of workers: `SNOW_SCHEDULERS`, else one per core.
pub fn worker_count() -> usize {
    std::env::var("SNOW_SCHEDULERS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(1024)
}

/// Per-thread pieces handed to each worker thread by `init`.
pub struct WorkerSeed {
    pub id: usize,
    pub queue: Worker<Arc<Actor>>,
    pub parker: Parker,
}

/// Creates the scheduler with `n` workers; returns their seeds for
/// `worker::spawn_threads`.
pub fn init(n: usize, gc_stress: bool) -> Vec<WorkerSeed> {
    super::clock::init();
    let mut seeds = Vec::with_capacity(n);
    let mut stealers = Vec::with_capacity(n);
    let mut workers = Vec::with_capacity(n);
    for id in 0..n {
        let queue = Worker::new_fifo();
        stealers.push(queue.stealer());
        let parker = Parker::new();
        workers.push(WorkerShared {
            unparker: parker.unparker().clone(),
            current_pid: AtomicU64::new(NO_PID),
            current_seq: AtomicU64::new(0),
        });
        seeds.push(WorkerSeed { id, queue, parker });
    }
    let s = Sched {
        injector: Injector::new(),
        stealers,
        workers,
        sleeping: Mutex::new(Vec::new()),
        nsleeping: AtomicUsize::new(0),
        spinning: AtomicUsize::new(0),
        active: AtomicI64::new(0),
        live: AtomicI64::new(0),
        gc_stress,
        reactor: crate::io::reactor::Reactor::new(),
    };
    if SCHED.set(s).is_err() {
        panic!("scheduler started twice");
    }
    seeds
}

/// Queues a runnable process: in the calling worker's `next` slot when
/// there is one (`worker` is the `super::worker::Local` of the running process),
/// else on the injector; then, if that made work stealable, wakes an idle
/// worker.
///
/// A process put in the `next` slot wakes nobody: no other worker could
/// take it, and it runs here as soon as the running process parks or
/// spends its budget. (Waking a worker per message made a ping-pong pair
/// pay a futex wake and a sleep for every few messages.)
pub fn enqueue(a: Arc<Actor>, worker: *mut c_void) {
    let s = get();
    if worker.is_null() {
        s.injector.push(a);
    } else {
        // SAFETY: a non-null worker is the `Local` of the calling thread.
        let local = unsafe { &mut *(worker as *mut super::worker::Local) };
        match local.next.replace(a) {
            Some(prev) => local.queue.push(prev),
            None => return,
        }
    }
    fence(Ordering::SeqCst);
    if s.spinning.load(Ordering::SeqCst) == 0 && s.nsleeping.load(Ordering::SeqCst) > 0 {
        let id = s.sleeping.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(id) = id {
            s.nsleeping.fetch_sub(1, Ordering::SeqCst);
            s.workers[id].unparker.unpark();
        }
    }
}

/// Ends a park of `a` whose state is one of `kinds` (and whose park
/// generation is `gen`, when given) with one compare-and-swap; only the
/// winner queues it. Returns whether this call woke it.
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
    let local = unsafe { &mut *(worker as *mut super::worker::Local) };
    local.active_delta += 1;
    let own = local.last_parked.take_if(|p| Arc::ptr_eq(p, a));
    enqueue(own.unwrap_or_else(|| a.clone()), worker);
    true
}

/// One process stopped being runnable; the reactor checks quiescence when
/// the count reaches zero.
pub fn dec_active() {
    add_active(-1);
}

/// `n` more (or, negative, fewer) processes are runnable.
pub fn add_active(n: i64) {
    let s = get();
    if n != 0 && s.active.fetch_add(n, Ordering::SeqCst) == -n {
        s.reactor.notify();
    }
}

impl Sched {
    /// Becomes the spinning worker if there is none yet.
    pub(super) fn start_spinning(&self) -> bool {
        self.spinning
            .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    pub(super) fn stop_spinning(&self) {
        self.spinning.fetch_sub(1, Ordering::SeqCst);
    }

    /// Registers worker `id` as idle (before its final look for work). The
    /// last worker to go idle lets the reactor look for quiescence.
    pub(super) fn going_idle(&self, id: usize) {
        self.sleeping
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
        if self.nsleeping.fetch_add(1, Ordering::SeqCst) + 1 == self.workers.len() {
            self.reactor.notify();
        }
        fence(Ordering::SeqCst);
    }

    /// Every worker is idle (registered asleep): nothing runs, and every
    /// worker has flushed its part of the active count.
    pub fn all_idle(&self) -> bool {
        self.nsleeping.load(Ordering::SeqCst) == self.workers.len()
    }

    /// Takes worker `id` off the idle list if it is still there.
    pub(super) fn not_idle(&self, id: usize) {
        let mut l = self.sleeping.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = l.iter().position(|&x| x == id) {
            l.swap_remove(i);
            self.nsleeping.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
