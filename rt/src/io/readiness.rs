//! Waiting for a file descriptor: what networking is built on. A
//! `Registration` enters a descriptor in the reactor's poller; `wait` parks
//! the calling process until the descriptor is readable (or writable) or a
//! deadline passes, and says which. Dropping the registration takes the
//! descriptor out of the poller, then closes it (the registration owns it).
//!
//! The park is `process::park`'s, with the process's `io_ready` flag as its
//! condition: `wait` lowers the flag, names the process the registration's
//! waiter and arms the descriptor; whoever takes the event from the poller
//! (an idle worker waiting on it, a busy worker or the reactor looking into
//! it: `reactor::poll`) raises the waiter's flag and then wakes it
//! (`WAKE_IO`). `park` says why no wake-up is lost, even when the event
//! comes before the process has parked.
//!
//! Arming is one-shot (one event per `wait`) and level-triggered (a
//! descriptor that is ready when armed reports at once). Every arming
//! takes a new event key, so an event of an earlier `wait` (or of a
//! registration since dropped) still on its way through the reactor cannot
//! end a later one. A hang-up or an error counts as ready in both
//! directions: the next read or write reports it. Descriptors should be
//! non-blocking: read or write until the call would block, then wait.
//!
//! One process waits on a registration at a time. A process parked on a
//! descriptor keeps the program alive (the reactor does not count it as
//! blocked forever): the descriptor may become ready from outside.

use super::reactor;
use crate::base::abi::Ctx;
use crate::process::clock;
use crate::process::park::{self, park_for_io, state_of, S_WAIT_IO, WAKE_IO};
use crate::process::pcb::Actor;
use crate::process::pid_table;
use crate::process::primitives::me;
use crate::process::scheduler;
use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What a wait is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interest {
    Readable,
    Writable,
}

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// The descriptor reported the interest (or a hang-up or error).
    Ready,
    /// The deadline passed first.
    TimedOut,
}

/// The reactor's half of a registration.
struct Waiter {
    /// The event key of the current arming.
    key: AtomicUsize,
    /// The process waiting (or about to park), if any.
    process: Mutex<Option<Arc<Actor>>>,
}

impl Waiter {
    fn process(&self) -> MutexGuard<'_, Option<Arc<Actor>>> {
        self.process.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The registrations, by the key of their current arming; part of the
/// reactor.
#[derive(Default)]
pub struct Waiters {
    by_key: Mutex<HashMap<usize, Arc<Waiter>>>,
    next_key: AtomicUsize,
}

impl Waiters {
    fn by_key(&self) -> MutexGuard<'_, HashMap<usize, Arc<Waiter>>> {
        self.by_key.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A key no arming has had (the poller reserves `usize::MAX`).
    fn new_key(&self) -> usize {
        loop {
            let k = self.next_key.fetch_add(1, Ordering::Relaxed);
            if k != usize::MAX {
                return k;
            }
        }
    }

    /// Files `w` under a new key instead of its current one.
    fn rekey(&self, w: &Arc<Waiter>) -> usize {
        let k = self.new_key();
        let mut map = self.by_key();
        map.remove(&w.key.swap(k, Ordering::SeqCst));
        map.insert(k, w.clone());
        k
    }

    /// Ends the waits of the events a look into the poller took, keyed by
    /// arming; `worker` is the calling thread's worker (null off workers),
    /// which then runs the processes it wakes itself.
    pub fn dispatch(&self, key: usize, worker: *mut core::ffi::c_void) {
        // An event of an earlier arming, or of a registration dropped
        // meanwhile, finds no waiter.
        // The condition first, then the wake-up (see `process::park`);
        // raised under the lock `arm` takes a new key under, so an event
        // of the previous arming cannot raise it after `arm` lowered it.
        let waiting = {
            let map = self.by_key();
            let Some(w) = map.get(&key) else {
                return;
            };
            let a = w.process().clone();
            if let Some(a) = &a {
                a.io_ready.store(true, Ordering::SeqCst);
            }
            a
        };
        if let Some(a) = waiting {
            park::wake(&a, None, WAKE_IO, worker);
        }
    }

    /// How many registrations exist.
    pub fn by_key_len(&self) -> usize {
        self.by_key().len()
    }

    /// Some process is parked on a descriptor.
    pub fn any_parked(&self) -> bool {
        self.by_key().values().any(|w| {
            w.process()
                .as_ref()
                .is_some_and(|a| state_of(a.load_state()) == S_WAIT_IO)
        })
    }
}

/// Ends a `wait_or` of `a` (or makes its next one return at once): raises
/// its flag, then wakes it.
pub fn nudge(a: &Arc<Actor>) {
    a.io_ready.store(true, Ordering::SeqCst);
    park::wake(a, None, WAKE_IO, core::ptr::null_mut());
}

/// A file descriptor entered in the reactor's poller, owned until dropped.
pub struct Registration<T: AsFd> {
    io: T,
    waiter: Arc<Waiter>,
}

impl<T: AsFd> Registration<T> {
    /// Enters `io` in the poller (armed for nothing until a `wait`).
    pub fn new(io: T) -> std::io::Result<Registration<T>> {
        let r = reactor::get();
        let k = r.waiters().new_key();
        let waiter = Arc::new(Waiter {
            key: AtomicUsize::new(k),
            process: Mutex::new(None),
        });
        // `Drop` deletes the descriptor from the poller before `io` (which
        // owns it) is dropped.
        r.fds().add(io.as_fd().as_raw_fd(), k)?;
        r.waiters().by_key().insert(k, waiter.clone());
        scheduler::get().fds.fetch_add(1, Ordering::SeqCst);
        Ok(Registration { io, waiter })
    }

    /// The descriptor's owner, for reading and writing.
    pub fn get(&self) -> &T {
        &self.io
    }

    /// Parks the running process of `ctx` until the descriptor is ready for
    /// `interest` or `deadline` (on `process::clock::now_ns`) passes.
    ///
    /// # Safety
    /// `ctx` is the running process's context.
    pub unsafe fn wait(
        &self,
        ctx: *mut Ctx,
        interest: Interest,
        deadline: Option<u64>,
    ) -> std::io::Result<Readiness> {
        let a = me(ctx);
        if let Err(e) = self.arm(a, interest) {
            *self.waiter.process() = None;
            return Err(e);
        }
        Ok(self.park_armed(a, deadline))
    }

    /// `wait`, except that it returns `Ready` at once when `pending()`
    /// holds once the descriptor is armed. Whoever makes `pending()` true
    /// then calls `nudge` on the process: made true before the arming, the
    /// check sees it; after, the nudge ends the park.
    ///
    /// # Safety
    /// As `wait`.
    pub unsafe fn wait_or(
        &self,
        ctx: *mut Ctx,
        interest: Interest,
        deadline: Option<u64>,
        pending: impl Fn() -> bool,
    ) -> std::io::Result<Readiness> {
        let a = me(ctx);
        let armed = self.arm(a, interest);
        if armed.is_err() || pending() {
            *self.waiter.process() = None;
            return armed.map(|_| Readiness::Ready);
        }
        Ok(self.park_armed(a, deadline))
    }

    /// The first half of `wait`: takes a new key (events of the previous
    /// arming no longer reach this registration), lowers `a`'s flag, names
    /// `a` the waiter and arms the descriptor.
    fn arm(&self, a: &Actor, interest: Interest) -> std::io::Result<()> {
        let r = reactor::get();
        let w = &self.waiter;
        let k = r.waiters().rekey(w);
        a.io_ready.store(false, Ordering::SeqCst);
        *w.process() = pid_table::get(a.pid);
        r.fds().arm(
            self.io.as_fd().as_raw_fd(),
            interest == Interest::Readable,
            k,
        )
    }

    /// The second half of `wait`: parks until the flag is raised or the
    /// deadline passes, then stops being the waiter.
    ///
    /// # Safety
    /// `a` is the process running on this stack, armed by `arm`.
    unsafe fn park_armed(&self, a: &Actor, deadline: Option<u64>) -> Readiness {
        let done = loop {
            if a.io_ready.load(Ordering::SeqCst) {
                break Readiness::Ready;
            }
            if deadline.is_some_and(|d| clock::now_ns() >= d) {
                break Readiness::TimedOut;
            }
            park_for_io(a, deadline);
        };
        *self.waiter.process() = None;
        done
    }
}

impl<T: AsFd> Drop for Registration<T> {
    fn drop(&mut self) {
        let r = reactor::get();
        r.waiters()
            .by_key()
            .remove(&self.waiter.key.load(Ordering::SeqCst));
        // Errors mean the descriptor is already gone from the poller.
        let _ = r.fds().delete(self.io.as_fd().as_raw_fd());
        scheduler::get().fds.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
#[path = "readiness_tests.rs"]
mod tests;
