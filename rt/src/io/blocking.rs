//! Calls that block (SQLite, name resolution) run off the scheduler's
//! workers, on a pool of OS threads, as the BEAM's dirty schedulers do: a
//! long call then costs a pool thread, never a worker, and the calling
//! process parks meanwhile (`run`). The pool grows while every thread is
//! busy (`Pool`), so calls waiting on each other cannot starve.
//!
//! The park is `process::park`'s, with the process's `io_ready` flag as its
//! condition, as for a descriptor: the job stores its answer, then raises
//! the flag and wakes the process (`readiness::nudge`). No descriptor is
//! involved, so a call costs no socket and no poller update. The job wakes
//! its process only while that still waits (under the lock the waiter
//! stops waiting under), so a late job never ends a later wait.
//!
//! A process waiting here keeps the program alive (`waiting`, read by the
//! reactor's quiescence check): the job will wake it. The count is held
//! by a resource of the process (`process::resources`), so a process
//! killed while it waits stops counting; its job still runs to the end.

use super::readiness::nudge;
use crate::base::abi::Ctx;
use crate::base::panic::panic_msg;
use crate::process::pcb::Actor;
use crate::process::primitives::me;
use crate::process::{clock, park, pid_table, resources};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Threads kept however long they idle: enough that one long call leaves
/// others running, few enough to stay small next to the workers.
pub const CORE: usize = 4;
/// The most threads at once; past that, jobs wait in the queue.
pub const MAX: usize = 64;
/// How long a thread beyond the core waits for a job before it exits.
const IDLE_EXIT: Duration = Duration::from_secs(10);

type Job = Box<dyn FnOnce() + Send>;

/// A pool that grows on demand, as Go adds a thread for each goroutine
/// blocked in a system call: a job that finds every thread busy gets a
/// new one (up to `max`). A fixed pool could starve: a lock holder's
/// COMMIT would wait behind the writers that wait for that very lock,
/// each holding a thread for up to SQLite's busy timeout.
pub struct Pool {
    state: Mutex<State>,
    ready: Condvar,
    core: usize,
    max: usize,
    idle_exit: Duration,
}

struct State {
    queue: VecDeque<Job>,
    /// Threads not running a job: waiting, or about to look at the queue.
    idle: usize,
    /// Threads alive.
    threads: usize,
}

impl Pool {
    pub const fn new(core: usize, max: usize, idle_exit: Duration) -> Pool {
        Pool {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                idle: 0,
                threads: 0,
            }),
            ready: Condvar::new(),
            core,
            max,
            idle_exit,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `job` for a free thread, starting one if more jobs wait than
    /// threads are free; jobs start in submission order. `Err(job)` if the
    /// pool has no thread and none could be started: the caller runs it.
    pub fn submit(&'static self, job: Job) -> Result<(), Job> {
        let mut s = self.state();
        s.queue.push_back(job);
        if s.queue.len() > s.idle && s.threads < self.max {
            // Counted idle from the start: it looks at the queue first.
            s.threads += 1;
            s.idle += 1;
            let started = std::thread::Builder::new()
                .name("snow-blocking".into())
                .spawn(move || self.serve())
                .is_ok();
            if !started {
                s.threads -= 1;
                s.idle -= 1;
                if s.threads == 0 {
                    return Err(s.queue.pop_back().expect("just queued"));
                }
            }
        }
        drop(s);
        self.ready.notify_one();
        Ok(())
    }

    /// A thread's life: run jobs; beyond the core, exit once idle for
    /// `idle_exit`.
    fn serve(&self) {
        let mut s = self.state();
        loop {
            if let Some(job) = s.queue.pop_front() {
                s.idle -= 1;
                drop(s);
                // A panicking job must not take its thread down with it.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                s = self.state();
                s.idle += 1;
                continue;
            }
            let (g, wait) = self
                .ready
                .wait_timeout(s, self.idle_exit)
                .unwrap_or_else(|e| e.into_inner());
            s = g;
            if wait.timed_out() && s.queue.is_empty() && s.threads > self.core {
                s.threads -= 1;
                s.idle -= 1;
                return;
            }
        }
    }

    /// Threads alive.
    pub fn threads(&self) -> usize {
        self.state().threads
    }
}

/// The program's pool; its threads start as jobs come.
pub fn pool() -> &'static Pool {
    static POOL: Pool = Pool::new(CORE, MAX, IDLE_EXIT);
    &POOL
}

/// Processes waiting in `run`.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Some process waits for a job, which will wake it.
pub fn waiting() -> bool {
    WAITING.load(Ordering::SeqCst) > 0
}

/// One call: its answer, and the process to wake when it is there (none
/// once that process stopped waiting).
struct Call<R> {
    answer: Mutex<Option<std::thread::Result<R>>>,
    waiter: Mutex<Option<Arc<Actor>>>,
}

/// A process's wait for a call, owned as its resource: dropped when the
/// wait ends or the process exits.
struct Waiting<R>(Arc<Call<R>>);

impl<R> Drop for Waiting<R> {
    fn drop(&mut self) {
        *self.0.waiter.lock().unwrap_or_else(|e| e.into_inner()) = None;
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `f` on the pool, parking the process of `ctx` until it has
/// finished; `None` if `deadline` (on `process::clock::now_ns`) passes
/// first (`f` then still runs, and its answer is dropped). Runs `f` here
/// if the pool has no thread and cannot start one. A panic in `f` crashes
/// the calling process.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn run<R: Send + 'static>(
    ctx: *mut Ctx,
    deadline: Option<u64>,
    f: impl FnOnce() -> R + Send + 'static,
) -> Option<R> {
    let a = me(ctx);
    let call = Arc::new(Call {
        answer: Mutex::new(None),
        waiter: Mutex::new(pid_table::get(a.pid)),
    });
    WAITING.fetch_add(1, Ordering::SeqCst);
    let wait = resources::own(ctx, Waiting(call.clone()));
    a.io_ready.store(false, Ordering::SeqCst);
    let this = call.clone();
    let job: Job = Box::new(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        *this.answer.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        // Woken under the lock, so the wait cannot end (and a later one
        // begin) between the look and the wake-up.
        if let Some(a) = &*this.waiter.lock().unwrap_or_else(|e| e.into_inner()) {
            nudge(a);
        }
    });
    if let Err(job) = pool().submit(job) {
        // No thread at all: run it here (it wakes this very process,
        // which then finds the answer without parking).
        job();
    }
    let r = loop {
        if let Some(r) = call.answer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            break Some(r);
        }
        if deadline.is_some_and(|d| clock::now_ns() >= d) {
            break None;
        }
        park::park_for_io(a, deadline);
    };
    resources::release(ctx, wait);
    match r {
        Some(Ok(r)) => Some(r),
        // A bug in the runtime's job: the caller crashes, not the program.
        Some(Err(_)) => panic_msg(ctx, "a blocking call panicked"),
        None => None,
    }
}

/// `run` without a deadline.
///
/// # Safety
/// As `run`.
pub unsafe fn run_to_end<R: Send + 'static>(
    ctx: *mut Ctx,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    run(ctx, None, f).expect("no deadline")
}

#[cfg(test)]
#[path = "blocking_tests.rs"]
mod tests;
