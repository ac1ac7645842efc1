//! Giving back the deep pages of parked processes' stacks.
//!
//! A process whose stack went below its `KEEP` mark (`Stack::deep`, set by
//! the slow path) is registered here. Every `PERIOD` the reactor sweeps the
//! list: a process found in the same park (the same state word, park
//! generation included) at two sweeps in a row has been parked for at least
//! a period, and its stack is trimmed below the mark and below its saved
//! stack pointer. Processes leave the list when they exit (their stacks are
//! trimmed when freed) or once trimmed back above the mark.
//!
//! The reactor touches a parked process's stack and limit only while
//! `Actor::trimming` is raised: it raises the flag, then checks that the
//! process is still in the same park; a worker about to run a process
//! first waits for the flag to drop (`wait_for`). All of it sequentially
//! consistent, so either the reactor sees the wake-up's new state and
//! leaves the process alone, or the worker sees the flag and waits.

use crate::actor::pcb::*;
use crate::actor::signal::WAKE_ALL;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the reactor sweeps, and so how long a deep process stays
/// parked (one to two periods) before its deep pages go back to the OS.
pub const PERIOD: Duration = Duration::from_secs(1);

struct Entry {
    a: Arc<Actor>,
    /// The state word at the previous sweep.
    seen: u64,
    /// The park in which the stack was last trimmed (0: none).
    trimmed: u64,
}

/// Processes with deep stacks.
#[derive(Default)]
pub struct DeepList {
    entries: Vec<Entry>,
}

static DEEP: Mutex<DeepList> = Mutex::new(DeepList {
    entries: Vec::new(),
});

fn deep_list() -> std::sync::MutexGuard<'static, DeepList> {
    DEEP.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers the running process `a`, whose stack just went deep.
pub fn register(a: &Actor) {
    if let Some(a) = crate::actor::table::get(a.pid) {
        deep_list().add(a);
    }
}

/// Some process has a deep stack (the reactor then sweeps every period).
pub fn pending() -> bool {
    !deep_list().entries.is_empty()
}

/// The reactor's periodic sweep.
pub fn sweep() {
    deep_list().sweep();
}

/// Waits until the reactor is done with `a`'s stack (see the module
/// comment); called before a worker touches a process it is to run.
pub fn wait_for(a: &Actor) {
    let mut spins = 0u32;
    while a.trimming.load(Ordering::SeqCst) {
        spins += 1;
        if spins < 64 {
            core::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

impl DeepList {
    pub fn add(&mut self, a: Arc<Actor>) {
        self.entries.push(Entry {
            a,
            seen: 0,
            trimmed: 0,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn sweep(&mut self) {
        self.entries.retain_mut(|e| {
            let st = e.a.load_state();
            if state_of(st) == S_DONE {
                return false;
            }
            let parked_long = st == e.seen && st != e.trimmed && WAKE_ALL.contains(&state_of(st));
            e.seen = st;
            if !parked_long {
                return true;
            }
            e.trimmed = st;
            // SAFETY: the process was parked in `st` when looked at.
            unsafe { trim_parked(&e.a, st) }
        });
    }
}

/// Trims the stack of `a` if it is still parked in `st`. Returns whether
/// the stack is still deep (the process parked below its `KEEP` mark, or
/// woke up meanwhile).
///
/// # Safety
/// Called only by the sweep (one thread), on a process that was parked.
unsafe fn trim_parked(a: &Actor, st: u64) -> bool {
    a.trimming.store(true, Ordering::SeqCst);
    let mut deep = true;
    if a.load_state() == st {
        let o = a.owned();
        // A process parked inside a protected call runs on that call's
        // stack; its own is left alone.
        if (*o).guard.is_null() {
            let s = &mut (*o).stack;
            s.trim((*o).sp as usize);
            if !s.deep {
                (*o).real_limit = s.soft_limit();
            }
            deep = s.deep;
        }
    }
    a.trimming.store(false, Ordering::SeqCst);
    deep
}
