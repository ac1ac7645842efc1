//! Serialising the calls on a connection that processes share, without
//! holding a thread lock across a park. A process that parked on the
//! socket while holding a `std::sync::Mutex` would block, in `lock`, the
//! worker thread of every other process calling on the connection, and
//! could deadlock the scheduler (the holder may need that very worker to
//! resume). So the mutex here only guards the lock's bookkeeping for an
//! instant; a process that finds the connection taken queues itself and
//! parks as a process (`park_for_io`), and the holder's release wakes the
//! first in the queue (`readiness::nudge`), which then contends again.
//!
//! The lock is re-entrant per process: `Pg.transaction` and
//! `Sqlite.transaction` hold it across their callback, whose own calls on
//! the connection then go through, and other processes wait until the
//! transaction is over. (A SQLite call runs on the blocking pool, so there
//! the lock is held while the process parks for the pool's answer.)
//!
//! A process killed while holding the lock cannot release it (exits do not
//! unwind): waiters re-check every `RECHECK_NS` whether the holder still
//! lives, and the first to find it gone takes the lock over and is told
//! so (`Acquired::Orphaned`).

use crate::base::abi::Ctx;
use crate::io::readiness::nudge;
use crate::process::clock;
use crate::process::park::park_for_io;
use crate::process::pcb::Actor;
use crate::process::pid_table;
use crate::process::primitives::me;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// How often a waiter looks whether the holder died.
const RECHECK_NS: u64 = 100_000_000;

#[derive(Default)]
struct State {
    holder: Option<u64>,
    depth: usize,
    waiters: VecDeque<Arc<Actor>>,
}

/// A lock held by processes, not threads.
#[derive(Default)]
pub struct ProcLock {
    state: Mutex<State>,
}

/// How `acquire` got the lock.
#[derive(Debug, PartialEq, Eq)]
pub enum Acquired {
    Free,
    /// Already held by this process (a call inside a transaction).
    Nested,
    /// Its holder had died holding it.
    Orphaned,
}

impl ProcLock {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock for the running process, parking while another
    /// process holds it.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn acquire(&self, ctx: *mut Ctx) -> Acquired {
        let a = me(ctx);
        loop {
            {
                let mut s = self.state();
                let how = match s.holder {
                    None => Some(Acquired::Free),
                    Some(p) if p == a.pid => Some(Acquired::Nested),
                    Some(p) if pid_table::get(p).is_none() => Some(Acquired::Orphaned),
                    Some(_) => None,
                };
                if let Some(how) = how {
                    if how != Acquired::Nested {
                        s.depth = 0;
                    }
                    s.holder = Some(a.pid);
                    s.depth += 1;
                    s.waiters.retain(|w| w.pid != a.pid);
                    return how;
                }
                // Lowered under the bookkeeping lock: a release after it
                // raises it again (`nudge`), and the park sees that.
                a.io_ready.store(false, Ordering::SeqCst);
                if !s.waiters.iter().any(|w| w.pid == a.pid) {
                    if let Some(arc) = pid_table::get(a.pid) {
                        s.waiters.push_back(arc);
                    }
                }
            }
            let deadline = clock::now_ns() + RECHECK_NS;
            while !a.io_ready.load(Ordering::SeqCst) && clock::now_ns() < deadline {
                park_for_io(a, Some(deadline));
            }
        }
    }

    /// Gives one level of the lock back; the last wakes the first waiter.
    ///
    /// # Safety
    /// `ctx` is the running process's context, the holder.
    pub unsafe fn release(&self, ctx: *mut Ctx) {
        let next = {
            let mut s = self.state();
            if s.holder != Some(me(ctx).pid) {
                return;
            }
            s.depth -= 1;
            if s.depth > 0 {
                return;
            }
            s.holder = None;
            // The first waiter still alive (a killed one stays queued).
            let mut next = None;
            while let Some(w) = s.waiters.pop_front() {
                if pid_table::get(w.pid).is_some() {
                    next = Some(w);
                    break;
                }
            }
            next
        };
        if let Some(w) = next {
            nudge(&w);
        }
    }

    /// Whether the running process holds the lock.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn held_by_me(&self, ctx: *mut Ctx) -> bool {
        self.state().holder == Some(me(ctx).pid)
    }
}
