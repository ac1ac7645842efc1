//! The reactor, run by the OS main thread once the workers are started: a
//! `polling::Poller` it sleeps on between timers and is notified through,
//! the poller of the file descriptors processes wait for (`epoll`,
//! `readiness`), the timers (`timers`), and
//! the process layer's periodic work: the preemption
//! monitor, the sweep of stack memory and the end of the program (§4.3.3).
//! `start` creates it and registers it with the scheduler, which arms
//! deadline timers and notifies it through those hooks.
//!
//! Preemption monitor: every tick it looks at what each worker runs; a
//! process still in the same dispatch as at the previous tick has run for
//! more than a tick, so it is asked to yield (`Sched::preempt_long_runs`).
//!
//! While some process holds extra stack segments, or free ones keep their
//! pages, the reactor also sweeps every `trim::PERIOD` to give back the
//! memory of long-parked processes and long-unused segments.
//!
//! Descriptor events are taken by the workers (`poll`): an idle worker
//! waits on the poller instead of sleeping, when no other does, and runs
//! the processes the events wake itself; busy workers look into it between
//! dispatches. The reactor looks at every tick while no worker waits on it,
//! so events are not held up by workers that all run long processes.
//!
//! The end: when nothing is runnable or running, no timer is live and no
//! process waits for a file descriptor or a blocking call (`blocking`), the
//! program is quiescent; it ends if no process is alive, else the
//! remaining (forever blocked) ones are stopped (`lifecycle::shutdown_step`).

use super::epoll::Epoll;
use super::readiness::Waiters;
use super::timers::{TimerAction, Timers};
use crate::base::console;
use crate::process::pcb::Actor;
use crate::process::scheduler::{self, ReactorHooks};
use crate::process::{clock, lifecycle, trim};
use core::ffi::c_void;
use polling::{Events, Poller};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The monitor's period while processes run, and so the longest a process
/// runs uninterrupted when its code has no back-edges.
const TICK: Duration = Duration::from_millis(10);

pub struct Reactor {
    poller: Poller,
    fds: Epoll,
    waiters: Waiters,
    timers: Timers,
    /// Earliest deadline the reactor is sleeping towards (u64::MAX: none);
    /// adding an earlier timer notifies it.
    next: AtomicU64,
}

static REACTOR: OnceLock<Reactor> = OnceLock::new();

/// Creates the reactor (once) and registers it with the scheduler.
pub fn start() -> &'static Reactor {
    let r = REACTOR.get_or_init(|| Reactor {
        poller: Poller::new().expect("creating the poller"),
        fds: Epoll::new().expect("creating the descriptor poller"),
        waiters: Waiters::default(),
        timers: Timers::default(),
        next: AtomicU64::new(u64::MAX),
    });
    scheduler::set_reactor(ReactorHooks {
        notify: || get().notify(),
        wake_at,
        poll,
        interrupt: || get().fds.interrupt(),
    });
    r
}

/// The reactor; `start` must have run.
pub fn get() -> &'static Reactor {
    REACTOR.get().expect("reactor not started")
}

fn wake_at(at: u64, a: Arc<Actor>, gen: u64) {
    get().add_timer(at, TimerAction::Wake(a, gen));
}

/// Takes the descriptor events that are ready (waiting for one, or for an
/// interruption, when `block`) and wakes their processes; `worker` is the
/// calling thread's worker (null off workers), which queues them locally.
/// Returns whether an event came.
fn poll(worker: *mut c_void, block: bool) -> bool {
    let r = get();
    let mut first = true;
    let n = r.fds.wait(block, |key| {
        if first {
            first = false;
            scheduler::polled(worker, block);
        }
        r.waiters.dispatch(key, worker);
    });
    n > 0
}

impl Reactor {
    /// Adds a timer firing at `at` (monotonic ns).
    pub fn add_timer(&self, at: u64, action: TimerAction) {
        self.timers.add(at, action);
        if at < self.next.load(Ordering::SeqCst) {
            self.next.store(at, Ordering::SeqCst);
            self.notify();
        }
    }

    pub(super) fn fds(&self) -> &Epoll {
        &self.fds
    }

    pub(super) fn waiters(&self) -> &Waiters {
        &self.waiters
    }

    pub fn notify(&self) {
        // A failed notification means the poller is gone: the program is
        // exiting anyway.
        let _ = self.poller.notify();
    }

    /// Quiescent: nothing runnable or running, no live timer, and no
    /// process waiting for a file descriptor or a blocking call.
    fn quiescent(&self) -> bool {
        let s = scheduler::get();
        if !s.all_idle() || s.active.load(Ordering::SeqCst) != 0 {
            return false;
        }
        self.timers.none_live()
            && !self.waiters.any_parked()
            && !super::blocking::waiting()
            && s.active.load(Ordering::SeqCst) == 0
    }

    /// Runs until the program ends; returns the exit status.
    pub fn run(&self) -> i32 {
        let s = scheduler::get();
        let mut events = Events::new();
        let mut last_seen = vec![(scheduler::NO_PID, 0u64); s.workers.len()];
        let mut last_tick = clock::now_ns();
        let mut signalled = HashSet::new();
        let mut last_sweep = last_tick;
        loop {
            let next = self.timers.fire(clock::now_ns());
            let now = clock::now_ns();
            if now.saturating_sub(last_tick) >= TICK.as_nanos() as u64 {
                last_tick = now;
                s.preempt_long_runs(&mut last_seen);
                // A long-running program's output (a server's log lines)
                // reaches a pipe within a tick, not only when 64 KiB pile up.
                console::flush_stdout();
            }
            let sweeping = trim::pending();
            if sweeping && now.saturating_sub(last_sweep) >= trim::PERIOD.as_nanos() as u64 {
                last_sweep = now;
                trim::sweep();
            }
            if self.quiescent() {
                if s.live.load(Ordering::SeqCst) == 0 {
                    return 0;
                }
                if !lifecycle::shutdown_step(&mut signalled) {
                    return 0;
                }
                continue;
            }
            // Tick only while something runs: with every process parked,
            // only a timer (or a notification) can make one runnable.
            let busy = !s.all_idle() || s.active.load(Ordering::SeqCst) > 0;
            if !busy {
                console::flush_stdout();
            }
            let mut wait = match (next, busy) {
                (Some(at), true) => Some(Duration::from_nanos(at.saturating_sub(now)).min(TICK)),
                (Some(at), false) => Some(Duration::from_nanos(at.saturating_sub(now))),
                (None, true) => Some(TICK),
                (None, false) => None,
            };
            if sweeping {
                // Stack memory to give back waits for the next sweep.
                let due = (last_sweep + trim::PERIOD.as_nanos() as u64).saturating_sub(now);
                wait = Some(wait.map_or(Duration::from_nanos(due), |w| {
                    w.min(Duration::from_nanos(due))
                }));
            }
            self.next.store(next.unwrap_or(u64::MAX), Ordering::SeqCst);
            events.clear();
            // Errors (EINTR) just end this wait early.
            let _ = self.poller.wait(&mut events, wait);
            if busy && s.poller_free() {
                poll(core::ptr::null_mut(), false);
            }
        }
    }
}
