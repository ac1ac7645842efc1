//! A small pool of OS threads for calls that block (SQLite), so they never
//! hold a scheduler worker. Jobs run in submission order; the threads
//! start on first use and live for the program.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, OnceLock};

/// Threads in the pool: enough that one long query leaves others running,
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

    /// Queues `job` for the next free thread.
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
