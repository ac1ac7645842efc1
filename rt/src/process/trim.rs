//! Giving back the stack memory of processes that went deep and then stay
//! parked.
//!
//! A process that takes an extra stack segment (`process::segments`) is
//! registered here. Every `PERIOD` the reactor sweeps the list: a process
//! found in the same park (the same state word, park generation included)
//! at two sweeps in a row has been parked for at least a period; its spare
//! segment goes back to the shared cache with its pages returned to the
//! OS, and when it is parked on an extra segment, so are that segment's
//! pages below its saved stack pointer. Processes leave the list when they
//! exit (their segments are given back at exit) or hold no extra segment.
//! The same sweep returns the pages of free segments that waited in the
//! shared cache since the previous one (`stack::sweep_warm`).
//!
//! The reactor touches a parked process's segments only while
//! `Actor::trimming` is raised: it raises the flag, then checks that the
//! process is still in the same park; a worker about to run a process
//! first waits for the flag to drop (`wait_for`). All of it sequentially
//! consistent, so either the reactor sees the wake-up's new state and
//! leaves the process alone, or the worker sees the flag and waits.

use crate::process::park::{state_of, S_DONE, WAKE_ALL};
use crate::process::pcb::*;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the reactor sweeps, and so how long a deep process stays
/// parked (one to two periods) before its memory goes back to the OS.
pub const PERIOD: Duration = Duration::from_secs(1);

struct Entry {
    a: Arc<Actor>,
    /// The state word at the previous sweep.
    seen: u64,
    /// The park in which the process was last trimmed (0: none).
    trimmed: u64,
}

/// Processes holding extra stack segments.
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

/// Registers the running process `a`, which just took an extra segment.
pub fn register(a: &Actor) {
    if let Some(a) = crate::process::pid_table::get(a.pid) {
        deep_list().add(a);
    }
}

/// Some process holds extra segments, or free ones keep their pages (the
/// reactor then sweeps every period).
pub fn pending() -> bool {
    !deep_list().entries.is_empty() || super::stack::warm_segments()
}

/// The reactor's periodic sweep.
pub fn sweep() {
    deep_list().sweep();
    super::stack::sweep_warm();
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

/// Gives back the spare segment of `a`, and the pages below its frames in
/// the extra segment it is parked on, if it is still parked in `st`.
/// Returns whether it still holds extra segments (or woke up meanwhile).
///
/// # Safety
/// Called only by the sweep (one thread), on a process that was parked.
unsafe fn trim_parked(a: &Actor, st: u64) -> bool {
    a.trimming.store(true, Ordering::SeqCst);
    let mut held = true;
    if a.load_state() == st {
        let s = &mut (*a.owned()).stacks;
        s.release_spare();
        if s.depth() > 0 {
            s.current().trim_below((*a.owned()).sp as usize);
        }
        held = s.held() > 0;
        s.set_registered(held);
    }
    a.trimming.store(false, Ordering::SeqCst);
    held
}
