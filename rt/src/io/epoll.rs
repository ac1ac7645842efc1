//! The poller of file descriptors processes wait for: an epoll instance
//! that idle workers wait on themselves (`scheduler`'s poller slot), busy
//! workers and the reactor look into without waiting, plus an eventfd that
//! interrupts the waiting worker when other work is queued for it.
//!
//! Raw epoll rather than `polling::Poller`, whose every wait also re-arms a
//! timerfd and its notifier (five system calls instead of one) and lets only
//! one thread look at a time.
//!
//! Arming is one-shot: a descriptor reports once per `arm`, to whichever
//! thread looks first. A hang-up or an error always reports.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// The key of the interrupting eventfd (registration keys never take it).
const WAKE_KEY: u64 = u64::MAX;

/// Events taken per look.
const BATCH: usize = 64;

pub struct Epoll {
    ep: OwnedFd,
    wake: OwnedFd,
    /// An interruption is written and not yet read: later ones skip the
    /// write.
    interrupted: AtomicBool,
}

fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

impl Epoll {
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: plain system calls; the descriptors are owned from here on.
        unsafe {
            let ep = OwnedFd::from_raw_fd(check(libc::epoll_create1(libc::EPOLL_CLOEXEC))?);
            let wake = OwnedFd::from_raw_fd(check(libc::eventfd(
                0,
                libc::EFD_CLOEXEC | libc::EFD_NONBLOCK,
            ))?);
            let e = Epoll {
                ep,
                wake,
                interrupted: AtomicBool::new(false),
            };
            // Level-triggered: it stays readable until the waiting worker
            // reads it, whoever else looks meanwhile.
            e.ctl(
                libc::EPOLL_CTL_ADD,
                e.wake.as_raw_fd(),
                libc::EPOLLIN,
                WAKE_KEY,
            )?;
            Ok(e)
        }
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, events: libc::c_int, key: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: events as u32,
            u64: key,
        };
        // SAFETY: `ev` outlives the call.
        check(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut ev) }).map(|_| ())
    }

    /// Enters `fd` under `key`, armed for nothing.
    pub fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, libc::EPOLLONESHOT, key as u64)
    }

    /// Arms `fd` for one event (readable, else writable) under `key`.
    pub fn arm(&self, fd: RawFd, readable: bool, key: usize) -> io::Result<()> {
        let interest = if readable {
            libc::EPOLLIN | libc::EPOLLRDHUP
        } else {
            libc::EPOLLOUT
        };
        self.ctl(
            libc::EPOLL_CTL_MOD,
            fd,
            interest | libc::EPOLLONESHOT,
            key as u64,
        )
    }

    pub fn delete(&self, fd: RawFd) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Ends the current (or next) blocking `wait`.
    pub fn interrupt(&self) {
        if !self.interrupted.swap(true, Ordering::SeqCst) {
            let one = 1u64.to_ne_bytes();
            // SAFETY: writes 8 bytes from a live buffer. A full counter
            // (never, in practice) is readable anyway.
            unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
        }
    }

    /// Takes the ready events (waiting for one or an interruption when
    /// `block`, else not at all) and calls `f` with each key; returns how
    /// many there were.
    pub fn wait(&self, block: bool, mut f: impl FnMut(usize)) -> usize {
        // SAFETY: epoll_event is plain data.
        let mut evs: [libc::epoll_event; BATCH] = unsafe { core::mem::zeroed() };
        // SAFETY: the buffer holds BATCH events.
        let n = unsafe {
            libc::epoll_wait(
                self.ep.as_raw_fd(),
                evs.as_mut_ptr(),
                BATCH as libc::c_int,
                if block { -1 } else { 0 },
            )
        };
        let mut count = 0;
        for ev in evs.iter().take(n.max(0) as usize) {
            let key = ev.u64;
            if key == WAKE_KEY {
                if block {
                    // The flag first: an interruption after it writes again.
                    self.interrupted.store(false, Ordering::SeqCst);
                    let mut buf = [0u8; 8];
                    // SAFETY: reads 8 bytes into a live buffer.
                    unsafe { libc::read(self.wake.as_raw_fd(), buf.as_mut_ptr().cast(), 8) };
                }
                continue;
            }
            count += 1;
            f(key as usize);
        }
        count
    }
}

#[cfg(test)]
#[path = "epoll_tests.rs"]
mod tests;
