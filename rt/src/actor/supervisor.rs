//! Supervisors (§4.6): the body of a supervisor process. It traps exits,
//! starts its children in order and links them, restarts them by strategy
//! and restart type within the restart intensity, and escalates by exiting.

use super::abi::{me, wait, worker_of};
use super::mailbox::SysMsg;
use super::pcb::*;
use super::protect;
use super::reason::Reason;
use super::{lifecycle, signal, table};
use crate::abi::{Ctx, Hdr, SnowList, SnowStr};

use crate::sched::clock;
use core::ffi::c_void;
use std::collections::VecDeque;

/// One element of the children list: `(String, fn() -> Pid, Int, Int)`.
#[repr(C)]
struct ChildTuple {
    h: Hdr,
    name: *mut SnowStr,
    start: *mut c_void,
    restart: i64,
    shutdown: i64,
}

type StartFn = unsafe extern "C" fn(*mut Ctx, *mut c_void) -> u64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Restart {
    Permanent,
    Transient,
    Temporary,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Strategy {
    OneForOne,
    OneForAll,
    RestForOne,
}

/// Restart a child that exited with `reason`?
pub fn should_restart(r: Restart, reason: &Reason) -> bool {
    match r {
        Restart::Permanent => true,
        Restart::Transient => !reason.is_normal(),
        Restart::Temporary => false,
    }
}

/// The sliding window of restart times (milliseconds).
pub struct Intensity {
    pub max_restarts: i64,
    pub max_ms: i64,
    pub times: VecDeque<i64>,
}

impl Intensity {
    /// Records a restart at `now`; false when it exceeds the limit (the
    /// restarts still inside the window already number `max_restarts`).
    pub fn allow(&mut self, now: i64) -> bool {
        while self.times.front().is_some_and(|&t| now - t >= self.max_ms) {
            self.times.pop_front();
        }
        if self.times.len() as i64 >= self.max_restarts {
            return false;
        }
        self.times.push_back(now);
        true
    }
}

struct Child {
    name: Vec<u8>,
    start: *mut c_void,
    restart: Restart,
    /// Milliseconds, or -1 for brutal_kill.
    shutdown: i64,
    pid: Option<u64>,
}

/// # Safety
/// `ctx` is the running process (the supervisor); `children` a live list
/// of child tuples.
#[no_mangle]
pub unsafe extern "C" fn snow_supervise(
    ctx: *mut Ctx,
    strategy: i64,
    max_restarts: i64,
    max_seconds: i64,
    children: *mut SnowList,
) {
    let a = me(ctx);
    let o = a.owned();
    // The start closures live in this heap: keep them reachable exactly.
    (*o).process.roots.push(children as usize);
    a.lock().trap_exits = true;
    let mut kids: Vec<Child> = crate::list::items(children)
        .iter()
        .map(|&w| {
            let t = &*(w as usize as *const ChildTuple);
            Child {
                name: SnowStr::bytes(t.name).to_vec(),
                start: t.start,
                restart: match t.restart {
                    1 => Restart::Transient,
                    2 => Restart::Temporary,
                    _ => Restart::Permanent,
                },
                shutdown: t.shutdown,
                pid: None,
            }
        })
        .collect();
    let strategy = match strategy {
        1 => Strategy::OneForAll,
        2 => Strategy::RestForOne,
        _ => Strategy::OneForOne,
    };
    let mut intensity = Intensity {
        max_restarts,
        max_ms: max_seconds.saturating_mul(1000),
        times: VecDeque::new(),
    };
    for i in 0..kids.len() {
        start_child(ctx, a, &mut kids, i);
    }
    loop {
        let Some((from, reason)) = next_exit(a) else {
            wait(ctx, -1, S_WAIT_ANY);
            continue;
        };
        let Some(i) = kids.iter().position(|k| k.pid == Some(from)) else {
            // Not a child: a linked parent (or other partner) died. A normal
            // exit of a partner changes nothing.
            if !reason.is_normal() || reason == Reason::Shutdown {
                stop_all(ctx, &mut kids);
                lifecycle::exit_running(a, reason);
            }
            continue;
        };
        kids[i].pid = None;
        if crate::sched::stack::is_ending() {
            // The program is ending (its idle processes are shut down newest
            // first, children before their supervisor): restart nothing.
            stop_all(ctx, &mut kids);
            lifecycle::exit_running(a, Reason::Shutdown);
        }
        if !should_restart(kids[i].restart, &reason) {
            if kids[i].restart == Restart::Temporary {
                kids.remove(i);
            }
            continue;
        }
        if !intensity.allow(clock::now_ms()) {
            stop_all(ctx, &mut kids);
            let msg =
                format!("restart limit exceeded: {max_restarts} restarts in {max_seconds} seconds");
            crash_quietly(a, msg);
        }
        let set: Vec<usize> = match strategy {
            Strategy::OneForOne => vec![i],
            Strategy::OneForAll => (0..kids.len()).collect(),
            Strategy::RestForOne => (i..kids.len()).collect(),
        };
        for &k in set.iter().rev() {
            if k != i {
                stop_child(ctx, &mut kids, k);
            }
        }
        for &k in &set {
            start_child(ctx, a, &mut kids, k);
        }
    }
}

/// Ends the supervisor with `error(msg)`, which reaches its links.
unsafe fn crash_quietly(a: &Actor, msg: String) -> ! {
    lifecycle::exit_running(a, Reason::Error(msg.into_bytes()))
}

/// The oldest exit notice of a linked process.
fn next_exit(a: &Actor) -> Option<(u64, Reason)> {
    let mut s = a.lock();
    while let Some(m) = s.sys.pop_front() {
        if let SysMsg::Exit { from, reason } = m {
            return Some((from, reason));
        }
        // Stale monitor notices (finished calls) are of no interest here.
    }
    None
}

/// Calls child `i`'s start closure (protected: a panic in it is a failed
/// start) and links the new process. A failed start stops the children
/// already running, last first, and ends the supervisor with
/// `error("child NAME failed to start")` (§4.6).
unsafe fn start_child(ctx: *mut Ctx, a: &Actor, kids: &mut [Child], i: usize) {
    let c = kids[i].start;
    // `snow_closure`: the 16-byte header, then the function pointer.
    let f: StartFn =
        core::mem::transmute::<*mut c_void, StartFn>(*((c as *mut u8).add(16) as *mut *mut c_void));
    let started = protect::call(ctx, a, &mut |ctx| f(ctx, c));
    let pid = match started {
        Ok(pid) => pid,
        Err(panic) => {
            let name = String::from_utf8_lossy(&kids[i].name).into_owned();
            crate::io::write_fd(
                2,
                format!(
                    "[snow] child {name} of supervisor <0.{}> failed to start: {}\n",
                    a.pid,
                    String::from_utf8_lossy(&panic)
                )
                .as_bytes(),
            );
            stop_all(ctx, kids);
            crash_quietly(a, format!("child {name} failed to start"));
        }
    };
    if table::get(pid).is_none() && pid != 0 {
        // Exited already: its exit notice will not come through a link.
        let mut s = a.lock();
        s.sys.push_back(SysMsg::Exit {
            from: pid,
            reason: Reason::Normal,
        });
    }
    signal::link(a, pid);
    kids[i].pid = Some(pid);
}

/// Terminates every running child, last declared first.
unsafe fn stop_all(ctx: *mut Ctx, kids: &mut [Child]) {
    for k in (0..kids.len()).rev() {
        stop_child(ctx, kids, k);
    }
}

/// Terminates child `k`: `brutal_kill` at once, else a `shutdown` signal and
/// a kill if it is still alive after its shutdown time. Its exit is not a
/// failure (the notice is consumed here).
unsafe fn stop_child(ctx: *mut Ctx, kids: &mut [Child], k: usize) {
    let Some(pid) = kids[k].pid.take() else {
        return;
    };
    let a = me(ctx);
    let Some(b) = table::get(pid) else {
        drop_exit_of(a, pid);
        return;
    };
    let w = worker_of(ctx);
    if kids[k].shutdown < 0 {
        signal::signal(&b, a.pid, Reason::Killed, true, w);
    } else {
        // Not forced: a child supervisor traps it and stops its own
        // children first.
        signal::signal(&b, a.pid, Reason::Shutdown, false, w);
    }
    drop(b);
    let deadline = clock::now_ms() + kids[k].shutdown.max(0);
    let mut killed = kids[k].shutdown < 0;
    loop {
        if drop_exit_of(a, pid) || table::get(pid).is_none() {
            return;
        }
        if !wait(ctx, if killed { -1 } else { deadline }, S_WAIT_ANY) && !killed {
            if let Some(b) = table::get(pid) {
                signal::signal(&b, a.pid, Reason::Killed, true, w);
            }
            killed = true;
        }
    }
}

/// Removes the exit notice of `pid` if it has arrived.
fn drop_exit_of(a: &Actor, pid: u64) -> bool {
    let mut s = a.lock();
    let before = s.sys.len();
    s.sys
        .retain(|m| !matches!(m, SysMsg::Exit { from, .. } if *from == pid));
    s.sys.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_decisions() {
        let err = Reason::Error(b"boom".to_vec());
        assert!(should_restart(Restart::Permanent, &Reason::Normal));
        assert!(should_restart(Restart::Permanent, &err));
        assert!(!should_restart(Restart::Transient, &Reason::Normal));
        assert!(!should_restart(Restart::Transient, &Reason::Shutdown));
        assert!(should_restart(Restart::Transient, &err));
        assert!(!should_restart(Restart::Temporary, &err));
    }

    #[test]
    fn intensity_window_slides() {
        let mut i = Intensity {
            max_restarts: 3,
            max_ms: 5000,
            times: VecDeque::new(),
        };
        assert!(i.allow(0));
        assert!(i.allow(100));
        assert!(i.allow(200));
        // the fourth restart inside the window exceeds the limit
        assert!(!i.allow(300));
        // once the first restart is 5 s old it no longer counts
        assert!(i.allow(5000));
        let mut none = Intensity {
            max_restarts: 0,
            max_ms: 5000,
            times: VecDeque::new(),
        };
        assert!(!none.allow(0));
    }
}
