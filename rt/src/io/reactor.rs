//! The reactor, run by the OS main thread once the workers are started: a
//! `polling::Poller` for readiness and notifications, a timer heap, the
//! preemption monitor and the program's end (§4.3.3).
//!
//! Timers are (deadline, sequence, action): wake process P if it is still
//! in park generation g, or deliver a stored message (`send_after`). Equal
//! deadlines fire in the order they were added.
//!
//! While some process holds extra stack segments, or free ones keep their
//! pages, the reactor also sweeps every `trim::PERIOD` to give back the
//! memory of long-parked processes and long-unused segments.
//!
//! Preemption monitor: every tick it looks at what each worker runs; a
//! process still in the same dispatch as at the previous tick has run for
//! more than a tick, so its `stack_limit` is raised above every address and
//! its next function entry or back-edge yields.

use crate::process::mailbox::Msg;
use crate::process::pcb::*;
use crate::process::reason::Reason;
use crate::process::{clock, pid_table, scheduler, signal, stack, trim, worker};
use core::cmp::Ordering as CmpOrdering;
use polling::{Events, Poller};
use std::collections::{BinaryHeap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The monitor's period while processes run, and so the longest a process
/// runs uninterrupted when its code has no back-edges.
const TICK: Duration = Duration::from_millis(10);

pub enum TimerAction {
    Wake(Arc<Actor>, u64),
    Deliver(u64, Box<Msg>),
}

struct Timer {
    at: u64,
    seq: u64,
    action: TimerAction,
}

impl PartialEq for Timer {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, o: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(o))
    }
}
impl Ord for Timer {
    /// Reversed, so the max-heap pops the earliest deadline.
    fn cmp(&self, o: &Self) -> CmpOrdering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

// SAFETY: messages in timers are owned by the heap and only moved.
unsafe impl Send for Timer {}

pub struct Reactor {
    poller: Poller,
    timers: Mutex<BinaryHeap<Timer>>,
    /// Earliest deadline the reactor is sleeping towards (u64::MAX: none);
    /// adding an earlier timer notifies it.
    next: AtomicU64,
    seq: AtomicU64,
}

impl Reactor {
    pub fn new() -> Reactor {
        Reactor {
            poller: Poller::new().expect("creating the poller"),
            timers: Mutex::new(BinaryHeap::new()),
            next: AtomicU64::new(u64::MAX),
            seq: AtomicU64::new(0),
        }
    }

    fn timers(&self) -> std::sync::MutexGuard<'_, BinaryHeap<Timer>> {
        self.timers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a timer firing at `at` (monotonic ns).
    pub fn add(&self, at: u64, action: TimerAction) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        self.timers().push(Timer { at, seq, action });
        if at < self.next.load(Ordering::SeqCst) {
            self.next.store(at, Ordering::SeqCst);
            self.notify();
        }
    }

    pub fn notify(&self) {
        // A failed notification means the poller is gone: the program is
        // exiting anyway.
        let _ = self.poller.notify();
    }

    /// Fires due timers; returns the next deadline.
    fn fire(&self) -> Option<u64> {
        let now = clock::now_ns();
        let mut due = Vec::new();
        let next = {
            let mut t = self.timers();
            while t.peek().is_some_and(|x| x.at <= now) {
                due.push(t.pop().expect("peeked"));
            }
            t.peek().map(|x| x.at)
        };
        for timer in due {
            match timer.action {
                TimerAction::Wake(a, gen) => {
                    scheduler::wake(&a, Some(gen), worker::TIMER_WAKES, core::ptr::null_mut());
                }
                TimerAction::Deliver(pid, msg) => signal::deliver(pid, msg, core::ptr::null_mut()),
            }
        }
        next
    }

    /// Quiescent: nothing runnable or running and no live timer. Stale
    /// wake-ups (for parks that already ended) are dropped on the way.
    fn quiescent(&self) -> bool {
        let s = scheduler::get();
        if !s.all_idle() || s.active.load(Ordering::SeqCst) != 0 {
            return false;
        }
        let mut t = self.timers();
        t.retain(|x| match &x.action {
            TimerAction::Wake(a, g) => {
                let st = a.load_state();
                gen_of(st) == *g && worker::TIMER_WAKES.contains(&state_of(st))
            }
            TimerAction::Deliver(..) => true,
        });
        t.is_empty() && s.active.load(Ordering::SeqCst) == 0
    }

    /// One step of the end of the program: every remaining process is
    /// blocked forever, so stop them with `shutdown`, newest first. Those
    /// without a terminate block have nothing observable to do and are
    /// signalled together; after one with a terminate block, older ones
    /// wait for the next quiescent moment. Returns false when every live
    /// process was already signalled (all are stuck for good).
    fn shutdown_step(&self, signalled: &mut HashSet<u64>) -> bool {
        stack::program_ending();
        let mut progress = false;
        for a in pid_table::all_descending() {
            if !signalled.insert(a.pid) {
                continue;
            }
            progress = true;
            let hook = a.has_terminate.load(Ordering::SeqCst);
            signal::signal(&a, a.pid, Reason::Shutdown, true, core::ptr::null_mut());
            if hook {
                break;
            }
        }
        progress
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
            let next = self.fire();
            let now = clock::now_ns();
            if now.saturating_sub(last_tick) >= TICK.as_nanos() as u64 {
                last_tick = now;
                self.monitor(&mut last_seen);
                // A long-running program's output (a server's log lines)
                // reaches a pipe within a tick, not only when 64 KiB pile up.
                crate::base::console::flush_stdout();
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
                if !self.shutdown_step(&mut signalled) {
                    return 0;
                }
                continue;
            }
            // Tick only while something runs: with every process parked,
            // only a timer (or a notification) can make one runnable.
            let busy = !s.all_idle() || s.active.load(Ordering::SeqCst) > 0;
            if !busy {
                crate::base::console::flush_stdout();
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
        }
    }

    /// Asks a process that has run for a whole tick (the same dispatch seen
    /// twice) to yield at its next preemption point. The request may land
    /// after the process has stopped; it then costs one spurious yield.
    fn monitor(&self, last_seen: &mut [(u64, u64)]) {
        for (i, w) in scheduler::get().workers.iter().enumerate() {
            let seq = w.current_seq.load(Ordering::Acquire);
            let pid = w.current_pid.load(Ordering::Relaxed);
            if pid != scheduler::NO_PID && last_seen[i] == (pid, seq) {
                if let Some(a) = crate::process::pid_table::get(pid) {
                    crate::process::lifecycle::request_yield(&a);
                }
            }
            last_seen[i] = (pid, seq);
        }
    }
}

impl Default for Reactor {
    fn default() -> Self {
        Reactor::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_pop_earliest_first_and_ties_in_insertion_order() {
        let mut h = BinaryHeap::new();
        let msg = |w| TimerAction::Deliver(0, Msg::new(&crate::base::abi::snow_t_Int, w, None));
        for (at, seq, w) in [(30, 0, 1), (10, 1, 2), (20, 2, 3), (10, 3, 4), (10, 4, 5)] {
            h.push(Timer {
                at,
                seq,
                action: msg(w),
            });
        }
        let mut order = Vec::new();
        while let Some(t) = h.pop() {
            if let TimerAction::Deliver(_, m) = t.action {
                order.push(m.word);
            }
        }
        assert_eq!(order, [2, 4, 5, 3, 1]);
    }
}
