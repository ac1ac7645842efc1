//! The descriptor poller on its own: one-shot arming, hang-ups, and the
//! interruption of a blocking wait that looks which do not wait leave for
//! the waiting worker.

use super::*;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

fn keys(e: &Epoll, block: bool) -> Vec<usize> {
    let mut got = Vec::new();
    let n = e.wait(block, |k| got.push(k));
    assert_eq!(n, got.len());
    got
}

/// The thread `tid` of this process is asleep (state S in its stat line).
fn sleeping(tid: libc::pid_t) -> bool {
    std::fs::read_to_string(format!("/proc/self/task/{tid}/stat"))
        .ok()
        .and_then(|st| st.rsplit_once(") ").map(|(_, rest)| rest.starts_with('S')))
        .unwrap_or(false)
}

#[test]
fn an_armed_descriptor_reports_once_per_arming() {
    let e = Epoll::new().unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    e.add(a.as_raw_fd(), 7).unwrap();
    b.write_all(b"x").unwrap();
    // Entered, not armed: nothing.
    assert_eq!(keys(&e, false), Vec::<usize>::new());
    e.arm(a.as_raw_fd(), true, 8).unwrap();
    assert_eq!(keys(&e, false), vec![8]);
    // Still readable, but the arming is used up.
    assert_eq!(keys(&e, false), Vec::<usize>::new());
    e.arm(a.as_raw_fd(), true, 9).unwrap();
    assert_eq!(keys(&e, true), vec![9]);
    e.delete(a.as_raw_fd()).unwrap();
}

#[test]
fn writable_and_hang_up_report() {
    let e = Epoll::new().unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    e.add(a.as_raw_fd(), 1).unwrap();
    e.arm(a.as_raw_fd(), false, 2).unwrap();
    assert_eq!(keys(&e, false), vec![2]);
    e.arm(a.as_raw_fd(), true, 3).unwrap();
    assert_eq!(keys(&e, false), Vec::<usize>::new());
    drop(b);
    assert_eq!(keys(&e, false), vec![3]);
}

#[test]
fn an_interruption_ends_one_blocking_wait_and_survives_looks() {
    let e = Arc::new(Epoll::new().unwrap());
    e.interrupt();
    e.interrupt();
    // A look that does not wait leaves the interruption in place...
    assert_eq!(keys(&e, false), Vec::<usize>::new());
    // ...for the blocking wait, which takes it (both calls, once).
    assert_eq!(keys(&e, true), Vec::<usize>::new());
    assert!(!e.interrupted.load(Ordering::SeqCst));
    // A wait already blocked is ended by a later interruption. The
    // channel's limit only keeps a broken poller from hanging the tests.
    let (tx, rx) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    let waiter = {
        let e = e.clone();
        std::thread::spawn(move || {
            // SAFETY: no arguments; cannot fail.
            tid_tx.send(unsafe { libc::gettid() }).unwrap();
            tx.send(keys(&e, true)).unwrap()
        })
    };
    // Interrupted once it sleeps (in the wait, all it has left to do), not
    // after a fixed time a slow machine may not have given it.
    let tid = tid_rx.recv().unwrap();
    let by = std::time::Instant::now() + Duration::from_secs(60);
    while !sleeping(tid) && std::time::Instant::now() < by {
        std::thread::sleep(Duration::from_millis(1));
    }
    e.interrupt();
    let got = rx.recv_timeout(Duration::from_secs(60));
    assert_eq!(got, Ok(Vec::new()));
    waiter.join().unwrap();
}
