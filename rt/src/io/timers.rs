//! Timers: (deadline, sequence, action) in a heap the reactor fires. An
//! action wakes a process from a park with a deadline, if it is still in
//! that park (its generation; see `process::park`), or delivers a stored
//! message (`send_after`). Equal deadlines fire in the order they were
//! added. Also the C entries built on timers alone: `sleep` and
//! `send_after`, and the clock reading `monotonic_us`.

use super::reactor;
use crate::base::abi::{Ctx, SnowType, Word};
use crate::process::clock;
use crate::process::mailbox::Msg;
use crate::process::park::{self, gen_of, park, state_of, S_WAIT_TIMER, TIMER_WAKES};
use crate::process::pcb::Actor;
use crate::process::primitives::{make_msg, me};
use crate::process::signal;
use core::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

#[derive(Default)]
pub struct Timers {
    heap: Mutex<BinaryHeap<Timer>>,
    seq: AtomicU64,
}

impl Timers {
    fn heap(&self) -> std::sync::MutexGuard<'_, BinaryHeap<Timer>> {
        self.heap.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a timer firing at `at` (monotonic ns).
    pub fn add(&self, at: u64, action: TimerAction) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        self.heap().push(Timer { at, seq, action });
    }

    /// Fires the timers due at `now`; returns the next deadline.
    pub fn fire(&self, now: u64) -> Option<u64> {
        let mut due = Vec::new();
        let next = {
            let mut t = self.heap();
            while t.peek().is_some_and(|x| x.at <= now) {
                due.push(t.pop().expect("peeked"));
            }
            t.peek().map(|x| x.at)
        };
        for timer in due {
            match timer.action {
                TimerAction::Wake(a, gen) => {
                    park::wake(&a, Some(gen), TIMER_WAKES, core::ptr::null_mut());
                }
                TimerAction::Deliver(pid, msg) => signal::deliver(pid, msg, core::ptr::null_mut()),
            }
        }
        next
    }

    /// No timer can make anything happen any more: stale wake-ups (for
    /// parks that already ended) are dropped on the way.
    pub fn none_live(&self) -> bool {
        let mut t = self.heap();
        t.retain(|x| match &x.action {
            TimerAction::Wake(a, g) => {
                let st = a.load_state();
                gen_of(st) == *g && TIMER_WAKES.contains(&state_of(st))
            }
            TimerAction::Deliver(..) => true,
        });
        t.is_empty()
    }
}

/// Timer.monotonic_us: the runtime's monotonic clock, for measuring elapsed
/// time from Snow (a request's duration in a logging middleware).
#[no_mangle]
pub extern "C" fn snow_monotonic_us() -> i64 {
    (clock::now_ns() / 1_000) as i64
}

/// # Safety
/// `ctx` is the running process.
#[no_mangle]
pub unsafe extern "C" fn snow_sleep(ctx: *mut Ctx, ms: i64) {
    if ms <= 0 {
        return;
    }
    let a = me(ctx);
    let deadline = clock::now_ns().saturating_add(clock::ms_to_ns(ms));
    while clock::now_ns() < deadline {
        park(a, S_WAIT_TIMER, Some(deadline));
    }
}

/// # Safety
/// `ctx` is the running process; `msg` a live value of type `msg_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_send_after(
    _ctx: *mut Ctx,
    pid: u64,
    ms: i64,
    msg_type: *const SnowType,
    msg: Word,
) {
    let at = clock::now_ns().saturating_add(clock::ms_to_ns(ms));
    let m = make_msg(msg_type, msg);
    reactor::get().add_timer(at, TimerAction::Deliver(pid, m));
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
