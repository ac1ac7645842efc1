//! The M:N scheduler's shared state: run queues, idle workers, the counters
//! the end of the program is decided on, and the preemption monitor's view
//! of what each worker runs. The worker threads are `worker`; how processes
//! park and wake is `park`.
//!
//! Run queues are crossbeam deques: one FIFO `Worker` per worker thread, a
//! global `Injector` for work queued by non-worker threads, and `Stealer`s
//! so an idle worker takes work from busy ones. Idle workers park and are
//! unparked one at a time when work is queued (none while one spins).
//! One idle worker at a time (the poller slot) waits on the reactor's
//! descriptor poller instead of parking, and is interrupted through it;
//! busy workers look into that poller between dispatches
//! (`ReactorHooks::poll`), so a process woken by its socket usually runs on
//! the thread that saw the event, without a thread switch.
//!
//! Counters for quiescence (§4.3.3): `live` processes and `active` ones
//! (runnable or running). A process that parks or exits decrements
//! `active`; whoever wakes one increments it before queuing it.
//!
//! The reactor (timers, the end of the program) is in the io layer above;
//! it registers `set_reactor` at start-up. `init` in turn registers this
//! layer's functions with the layers below (see `install_hooks`).

use super::lifecycle;
use super::pcb::{self, Actor};
use super::pid_table;
use super::slow_path;
use crate::base::panic;
use crate::gc::roots;
use crate::values::recursion;
use core::ffi::c_void;
use crossbeam_deque::{Injector, Stealer, Worker};
use crossbeam_utils::sync::{Parker, Unparker};
use std::sync::atomic::{fence, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// `WorkerShared::current_pid` of an idle worker.
pub const NO_PID: u64 = u64::MAX;

/// `Sched::poller` when no worker waits on the descriptor poller.
const NO_POLLER: usize = usize::MAX;

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
    /// The idle worker waiting on the descriptor poller (`NO_POLLER`: none).
    poller: AtomicUsize,
    /// Descriptors registered with the reactor: while there are none,
    /// workers do not look into its poller.
    pub fds: AtomicUsize,
    pub active: AtomicI64,
    pub live: AtomicI64,
    pub gc_stress: bool,
}

/// What the scheduler needs of the reactor, which lives in the io layer
/// above: registered by it at start-up (`set_reactor`).
pub struct ReactorHooks {
    /// Wakes the reactor thread to look again for the end of the program
    /// (the active count reached zero, or every worker went idle).
    pub notify: fn(),
    /// Arms a timer that wakes `a` from park generation `gen` at `at`
    /// (monotonic ns; see `park`).
    pub wake_at: fn(at: u64, a: Arc<Actor>, gen: u64),
    /// Takes the ready descriptor events and wakes their processes, queued
    /// on `worker` (a `worker::Local`, or null); with `block`, waits for an
    /// event or an `interrupt` first. Returns whether an event came.
    pub poll: fn(worker: *mut c_void, block: bool) -> bool,
    /// Ends a blocking `poll`.
    pub interrupt: fn(),
}

static REACTOR: OnceLock<ReactorHooks> = OnceLock::new();

/// Registers the reactor (once; later calls are ignored).
pub fn set_reactor(hooks: ReactorHooks) {
    let _ = REACTOR.set(hooks);
}

/// The reactor; processes that park with a deadline run only once it is
/// registered.
pub fn reactor() -> &'static ReactorHooks {
    REACTOR
        .get()
        .expect("the reactor is started before processes run")
}

fn notify_reactor() {
    if let Some(r) = REACTOR.get() {
        (r.notify)();
    }
}

/// Registers this layer's functions with the layers below, which call them
/// without importing this one: the collector's extra stack roots, the end
/// of a process on a panic, and the slow path runtime recursion moves to a
/// new stack segment through.
fn install_hooks() {
    roots::set_extra_roots(pcb::suspended_stacks);
    panic::set_process_hook(lifecycle::on_panic);
    recursion::set_rerun(slow_path::snow_slow_path_rerun);
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
        .unwrap_or_else(super::cpus::available)
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
    install_hooks();
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
        poller: AtomicUsize::new(NO_POLLER),
        fds: AtomicUsize::new(0),
        active: AtomicI64::new(0),
        live: AtomicI64::new(0),
        gc_stress,
    };
    if SCHED.set(s).is_err() {
        panic!("scheduler started twice");
    }
    seeds
}

/// Queues a runnable process: in the calling worker's `next` slot when
/// there is one (`worker` is the `worker::Local` of the running process),
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
        s.wake_one();
    }
}

/// The start of the wake-ups of a look into the descriptor poller by
/// `worker` (null: by the reactor), before the first. A worker counts the
/// processes it wakes locally, so until it flushes, the reactor would not
/// see them in the active count: the worker counts itself active instead
/// (flushed back with its local count). And a worker that waited on the
/// poller is no longer idle, so what it queues wakes other workers.
pub fn polled(worker: *mut c_void, block: bool) {
    if worker.is_null() {
        return;
    }
    // SAFETY: a non-null worker is the `Local` of the calling thread.
    let local = unsafe { &mut *(worker as *mut super::worker::Local) };
    add_active(1);
    local.active_delta -= 1;
    if block {
        get().not_idle(local.id);
    }
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
        notify_reactor();
    }
}

impl Sched {
    /// Wakes an idle worker: a parked one if there is one, else the one
    /// waiting on the descriptor poller.
    fn wake_one(&self) {
        let poller = self.poller.load(Ordering::SeqCst);
        let id = {
            let mut l = self.sleeping.lock().unwrap_or_else(|e| e.into_inner());
            match l.iter().rposition(|&x| x != poller) {
                Some(i) => Some(l.swap_remove(i)),
                None => l.pop(),
            }
        };
        if let Some(id) = id {
            self.nsleeping.fetch_sub(1, Ordering::SeqCst);
            self.workers[id].unparker.unpark();
            // Read again: a worker taking the slot after the first read
            // looks for work after taking it, and finds this.
            if self.poller.load(Ordering::SeqCst) == id {
                (reactor().interrupt)();
            }
        }
    }

    /// Makes worker `id` the one waiting on the descriptor poller, if none
    /// is and some descriptor is registered.
    pub(super) fn take_poller(&self, id: usize) -> bool {
        self.fds.load(Ordering::SeqCst) > 0
            && self
                .poller
                .compare_exchange(NO_POLLER, id, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
    }

    pub(super) fn leave_poller(&self) {
        self.poller.store(NO_POLLER, Ordering::SeqCst);
    }

    /// No worker waits on the descriptor poller, and some descriptor is
    /// registered: events are only seen by looking.
    pub fn poller_free(&self) -> bool {
        self.poller.load(Ordering::SeqCst) == NO_POLLER && self.fds.load(Ordering::SeqCst) > 0
    }

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
            notify_reactor();
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

    /// The preemption monitor, run by the reactor every tick: asks a
    /// process that has run for a whole tick (the same dispatch seen twice;
    /// `last_seen` holds what each worker ran at the previous tick) to yield
    /// at its next preemption point. The request may land after the process
    /// has stopped; it then costs one spurious yield.
    pub fn preempt_long_runs(&self, last_seen: &mut [(u64, u64)]) {
        for (i, w) in self.workers.iter().enumerate() {
            let seq = w.current_seq.load(Ordering::Acquire);
            let pid = w.current_pid.load(Ordering::Relaxed);
            if pid != NO_PID && last_seen[i] == (pid, seq) {
                if let Some(a) = pid_table::get(pid) {
                    lifecycle::request_yield(&a);
                }
            }
            last_seen[i] = (pid, seq);
        }
    }
}
