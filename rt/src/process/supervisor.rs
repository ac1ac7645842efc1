//! Supervisors (§4.6): the body of a supervisor process. It traps exits,
//! starts its children in order and links them, restarts them by strategy
//! and restart type within the restart intensity, and escalates by exiting.

use super::mailbox::SysMsg;
use super::park::S_WAIT_ANY;
use super::pcb::*;
use super::primitives::{find_msg, me, wait, worker_of};
use super::protect;
use super::reason::Reason;
use super::{lifecycle, pid_table, signal};
use crate::base::abi::{closure_code, Ctx, Hdr, SnowList, SnowStr};

use crate::process::clock;
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

/// A running supervisor: its process and its children.
struct Sup<'a> {
    ctx: *mut Ctx,
    a: &'a Actor,
    /// The declaration's name, for reports.
    name: String,
    kids: Vec<Child>,
}

/// # Safety
/// `ctx` is the running process (the supervisor); `children` a live list
/// of child tuples; `name` a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_supervise(
    ctx: *mut Ctx,
    strategy: i64,
    max_restarts: i64,
    max_seconds: i64,
    children: *mut SnowList,
    name: *mut SnowStr,
) {
    let a = me(ctx);
    let o = a.owned();
    // The start closures live in this heap: keep them reachable exactly.
    (*o).process.roots.push(children as usize);
    a.lock().trap_exits = true;
    let kids: Vec<Child> = crate::values::list::items(children)
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
    let mut sup = Sup {
        ctx,
        a,
        name: String::from_utf8_lossy(SnowStr::bytes(name)).into_owned(),
        kids,
    };
    for i in 0..sup.kids.len() {
        sup.start_child(i);
    }
    loop {
        let Some((from, reason)) = next_exit(a) else {
            sup.wait(-1);
            continue;
        };
        let Some(i) = sup.kids.iter().position(|k| k.pid == Some(from)) else {
            // Not a child: a linked partner exited, or a parent supervisor
            // sent `shutdown`. A normal exit changes nothing; otherwise the
            // children stop and the supervisor exits as a linked process
            // that does not trap exits would.
            let reason = match reason {
                Reason::Normal => continue,
                Reason::Shutdown => Reason::Shutdown,
                r => Reason::Linked(from, Box::new(r)),
            };
            sup.stop_all();
            lifecycle::exit_running(a, reason);
        };
        sup.kids[i].pid = None;
        if crate::process::stack::is_ending() {
            // The program is ending (its idle processes are shut down newest
            // first, children before their supervisor): restart nothing.
            sup.stop_all();
            lifecycle::exit_running(a, Reason::Shutdown);
        }
        if !should_restart(sup.kids[i].restart, &reason) {
            if sup.kids[i].restart == Restart::Temporary {
                sup.kids.remove(i);
            }
            continue;
        }
        if !intensity.allow(clock::now_ms()) {
            sup.give_up(format!(
                "restart limit exceeded: {max_restarts} restarts in {max_seconds} seconds"
            ));
        }
        let set: Vec<usize> = match strategy {
            Strategy::OneForOne => vec![i],
            Strategy::OneForAll => (0..sup.kids.len()).collect(),
            Strategy::RestForOne => (i..sup.kids.len()).collect(),
        };
        for &k in set.iter().rev() {
            sup.stop_child(k);
        }
        // A temporary sibling is stopped with the others but never
        // restarted: its spec goes.
        for &k in &set {
            if sup.kids[k].restart != Restart::Temporary {
                sup.start_child(k);
            }
        }
        for &k in set.iter().rev() {
            if sup.kids[k].restart == Restart::Temporary {
                sup.kids.remove(k);
            }
        }
    }
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

/// Removes the exit notice of `pid` if it has arrived.
fn drop_exit_of(a: &Actor, pid: u64) -> bool {
    let mut s = a.lock();
    let before = s.sys.len();
    s.sys
        .retain(|m| !matches!(m, SysMsg::Exit { from, .. } if *from == pid));
    s.sys.len() != before
}

impl Sup<'_> {
    /// Calls child `i`'s start closure (protected: a panic in it is a
    /// failed start) and links the new process. Every process the closure
    /// spawns is linked before it can run, so a child that exits at once
    /// is still seen with its real reason; the others are unlinked again.
    /// A failed start stops the children already running, last first, and
    /// ends the supervisor with `error("child NAME failed to start")`.
    unsafe fn start_child(&mut self, i: usize) {
        let (ctx, a) = (self.ctx, self.a);
        let c = self.kids[i].start;
        let f: StartFn = core::mem::transmute::<*const c_void, StartFn>(closure_code(c));
        let o = a.owned();
        let mut spawned: Vec<u64> = Vec::new();
        (*o).spawn_links = &mut spawned;
        let started = protect::call(ctx, a, &mut |ctx| f(ctx, c));
        (*o).spawn_links = core::ptr::null_mut();
        for &q in &spawned {
            if started != Ok(q) {
                signal::unlink(a, q);
                drop_exit_of(a, q);
            }
        }
        let pid = match started {
            Ok(pid) => pid,
            Err(panic) => {
                let child = String::from_utf8_lossy(&self.kids[i].name).into_owned();
                crate::base::console::write_fd(
                    2,
                    format!(
                        "[snow] child {child} of supervisor {} <0.{}> failed to start: {}\n",
                        self.name,
                        a.pid,
                        String::from_utf8_lossy(&panic)
                    )
                    .as_bytes(),
                );
                self.give_up(format!("child {child} failed to start"));
            }
        };
        if !spawned.contains(&pid) && !signal::link(a, pid) {
            // Already gone (the closure returned a process it did not
            // spawn): its exit reason is lost, `noproc` stands for it.
            a.lock().sys.push_back(SysMsg::Exit {
                from: pid,
                reason: Reason::Custom(b"noproc".to_vec()),
            });
        }
        self.kids[i].pid = Some(pid);
    }

    /// Terminates every running child, last declared first.
    unsafe fn stop_all(&mut self) {
        for k in (0..self.kids.len()).rev() {
            self.stop_child(k);
        }
    }

    /// Terminates child `k`: `brutal_kill` at once, else a `shutdown`
    /// signal and a kill if it is still alive after its shutdown time. Its
    /// exit is not a failure: the notice (every child is linked, so one
    /// always comes) is consumed here.
    unsafe fn stop_child(&mut self, k: usize) {
        let Some(pid) = self.kids[k].pid.take() else {
            return;
        };
        let a = self.a;
        if drop_exit_of(a, pid) {
            return;
        }
        let brutal = self.kids[k].shutdown < 0;
        if let Some(b) = pid_table::get(pid) {
            // Not forced: a child supervisor traps it and stops its own
            // children first.
            let r = if brutal {
                Reason::Killed
            } else {
                Reason::Shutdown
            };
            signal::signal(&b, a.pid, r, brutal, worker_of(self.ctx));
        }
        let mut deadline = if brutal {
            -1
        } else {
            clock::now_ms().saturating_add(self.kids[k].shutdown)
        };
        while !drop_exit_of(a, pid) {
            if !self.wait(deadline) {
                // (The worker is looked up anew: after a wait the process
                // may run on another one.)
                if let Some(b) = pid_table::get(pid) {
                    signal::signal(&b, a.pid, Reason::Killed, true, worker_of(self.ctx));
                }
                deadline = -1;
            }
        }
    }

    /// Waits for a system message (true) or the deadline (false). A
    /// supervisor takes no messages: any that arrive are dropped, or they
    /// would end every wait at once.
    unsafe fn wait(&mut self, deadline_ms: i64) -> bool {
        let ctx = self.ctx;
        loop {
            let m = find_msg(ctx, &|_| true);
            if m.is_null() {
                break;
            }
            (*self.a.owned()).private.unlink(m).recycle();
        }
        wait(ctx, deadline_ms, S_WAIT_ANY)
    }

    /// Stops the children and ends the supervisor with `error(msg)`, which
    /// reaches its links (a parent supervisor applies its own policy). The
    /// exit is reported on stderr like a crash.
    unsafe fn give_up(&mut self, msg: String) -> ! {
        self.stop_all();
        crate::base::console::write_fd(
            2,
            format!(
                "[snow] supervisor {} <0.{}> exited: {msg}\n",
                self.name, self.a.pid
            )
            .as_bytes(),
        );
        lifecycle::exit_running(self.a, Reason::Error(msg.into_bytes()))
    }
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
