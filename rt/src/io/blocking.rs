//! Calls that block (SQLite, name resolution) run off the scheduler's
//! workers, on a small pool of OS threads, as the BEAM's dirty schedulers
//! do: a long call then costs a pool thread, never a worker, and the
//! calling process parks meanwhile (`run`).
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
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Threads in the pool: enough that one long call leaves others running,
/// few enough to stay small next to the workers.
pub const THREADS: usize = 4;

type Job = Box<dyn FnOnce() + Send>;

pub struct Pool {
    queue: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

impl Pool {
    fn new() -> Pool {
        Pool {
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }
    }

    /// Queues `job` for the next free thread; jobs start in submission
    /// order.
    pub fn submit(&self, job: Job) {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(job);
        self.ready.notify_one();
    }

    fn run(&self) {
        loop {
            let job = {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    match q.pop_front() {
                        Some(j) => break j,
                        None => q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            };
            // A panicking job must not take its thread down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }
}

/// The program's pool and how many threads serve it, started on first
/// use. With none (no thread could be started) callers run jobs
/// themselves.
pub fn pool() -> (&'static Pool, usize) {
    static POOL: OnceLock<Pool> = OnceLock::new();
    static SPAWNED: OnceLock<usize> = OnceLock::new();
    let p: &'static Pool = POOL.get_or_init(Pool::new);
    let n = *SPAWNED.get_or_init(|| {
        (0..THREADS)
            .filter(|i| {
                std::thread::Builder::new()
                    .name(format!("snow-blocking-{i}"))
                    .spawn(move || p.run())
                    .is_ok()
            })
            .count()
    });
    (p, n)
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
/// if the pool has no thread. A panic in `f` crashes the calling process.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn run<R: Send + 'static>(
    ctx: *mut Ctx,
    deadline: Option<u64>,
    f: impl FnOnce() -> R + Send + 'static,
) -> Option<R> {
    let (pool, threads) = pool();
    if threads == 0 {
        return Some(f());
    }
    let a = me(ctx);
    let call = Arc::new(Call {
        answer: Mutex::new(None),
        waiter: Mutex::new(pid_table::get(a.pid)),
    });
    WAITING.fetch_add(1, Ordering::SeqCst);
    let wait = resources::own(ctx, Waiting(call.clone()));
    a.io_ready.store(false, Ordering::SeqCst);
    let job = call.clone();
    pool.submit(Box::new(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        *job.answer.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        // Woken under the lock, so the wait cannot end (and a later one
        // begin) between the look and the wake-up.
        if let Some(a) = &*job.waiter.lock().unwrap_or_else(|e| e.into_inner()) {
            nudge(a);
        }
    }));
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
