//! Messages between processes and exit signals: delivery into mailboxes,
//! links (§4.4.3), monitors and explicit exit signals.

use super::mailbox::{Msg, MsgClass, SysMsg};
use super::park::{self, WAKE_ALL, WAKE_MSG, WAKE_SYS};
use super::pcb::*;
use super::pid_table;
use super::reason::Reason;
use core::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Appends a message to `pid`'s mailbox and wakes it if it waits for one.
/// Messages to processes that have exited (or never existed) are dropped.
pub fn deliver(pid: u64, msg: Box<Msg>, worker: *mut c_void) {
    pid_table::with_actor(pid, |a| deliver_to(a, msg, worker));
}

/// `deliver` to a process already looked up.
pub fn deliver_to(a: &Arc<Actor>, msg: Box<Msg>, worker: *mut c_void) {
    if a.deaf.load(Ordering::SeqCst) && msg.class == MsgClass::User {
        msg.recycle();
        return;
    }
    // A closed inbox (the process exited) refuses the message.
    if a.inbox.push(msg).is_ok() {
        park::wake(a, None, WAKE_MSG, worker);
    }
}

/// Records `reason` as the pending exit of `b` and wakes it from any park.
fn set_pending(b: &Arc<Actor>, s: &mut Shared, reason: Reason) {
    if s.pending.is_none() || reason == Reason::Killed {
        s.pending = Some(reason);
    }
    b.has_pending.store(true, Ordering::SeqCst);
    // If `b` is running, make its next preemption point carry the exit out.
    super::lifecycle::request_yield(b);
}

/// Process `from` exited with `reason` and was linked to `b`.
pub fn deliver_exit(b: &Arc<Actor>, from: u64, reason: &Reason, worker: *mut c_void) {
    let mut s = b.lock();
    // Gone, or the link was removed while `from` was exiting.
    if s.dead || !s.links.contains(&from) {
        return;
    }
    s.links.retain(|&p| p != from);
    if s.trap_exits {
        s.sys.push_back(SysMsg::Exit {
            from,
            reason: reason.clone(),
        });
        drop(s);
        park::wake(b, None, WAKE_SYS, worker);
        // A trapping process parked on a descriptor (a WebSocket
        // connection) looks at its system messages when its wait ends.
        b.io_ready.store(true, Ordering::SeqCst);
        park::wake(b, None, park::WAKE_IO, worker);
    } else if !reason.is_normal() {
        set_pending(b, &mut s, Reason::Linked(from, Box::new(reason.clone())));
        drop(s);
        park::wake(b, None, WAKE_ALL, worker);
    }
}

/// A process `pid` that `b` monitors (with `reference`) exited.
pub fn deliver_down(
    b: &Arc<Actor>,
    reference: u64,
    pid: u64,
    reason: &Reason,
    worker: *mut c_void,
) {
    let mut s = b.lock();
    if s.dead {
        return;
    }
    s.sys.push_back(SysMsg::Down {
        reference,
        pid,
        reason: reason.clone(),
    });
    drop(s);
    park::wake(b, None, WAKE_SYS, worker);
}

/// An exit signal from `from` to `b` (supervisor shutdowns and kills, the
/// end of the program). `killed` and `forced` signals cannot be trapped; a
/// trapping process gets others as a system message; a `normal` signal to a
/// process that does not trap is ignored.
pub fn signal(b: &Arc<Actor>, from: u64, reason: Reason, forced: bool, worker: *mut c_void) {
    let mut s = b.lock();
    if s.dead {
        return;
    }
    if !forced && reason != Reason::Killed && s.trap_exits {
        s.sys.push_back(SysMsg::Exit { from, reason });
        drop(s);
        park::wake(b, None, WAKE_SYS, worker);
    } else if forced || reason != Reason::Normal {
        set_pending(b, &mut s, reason);
        drop(s);
        park::wake(b, None, WAKE_ALL, worker);
    }
}

/// Links `a` and the process `pid` (both directions, idempotent); false
/// when `pid` has exited (or never existed), which does nothing. `a`'s
/// side comes first: once `pid` lists `a`, `a` lists `pid`, so the exit
/// notice of `pid` is never dropped as stale (`deliver_exit`).
pub fn link(a: &Actor, pid: u64) -> bool {
    if pid == a.pid {
        return false;
    }
    let Some(b) = pid_table::get(pid) else {
        return false;
    };
    let fresh = {
        let mut s = a.lock();
        let fresh = !s.links.contains(&pid);
        if fresh {
            s.links.push(pid);
        }
        fresh
    };
    let mut s = b.lock();
    if s.dead {
        drop(s);
        if fresh {
            a.lock().links.retain(|&p| p != pid);
        }
        return false;
    }
    if !s.links.contains(&a.pid) {
        s.links.push(a.pid);
    }
    true
}

/// Removes the link between `a` and `pid`, both sides; an exit notice of
/// `pid` already on its way to `a` is then dropped (`deliver_exit`).
pub fn unlink(a: &Actor, pid: u64) {
    a.lock().links.retain(|&p| p != pid);
    if let Some(b) = pid_table::get(pid) {
        b.lock().links.retain(|&p| p != a.pid);
    }
}

/// `a` starts monitoring `pid` under `reference`; a process that is already
/// gone produces the notice at once (reason `custom("noproc")`).
pub fn monitor(a: &Arc<Actor>, pid: u64, reference: u64, worker: *mut c_void) {
    if let Some(b) = pid_table::get(pid) {
        let mut s = b.lock();
        if !s.dead {
            s.monitors.push((a.pid, reference));
            return;
        }
    }
    deliver_down(
        a,
        reference,
        pid,
        &Reason::Custom(b"noproc".to_vec()),
        worker,
    );
}

/// `a` stops monitoring `pid` under `reference` (a finished service call or
/// awaited job), so long-lived processes do not collect monitors.
pub fn demonitor(a: &Actor, pid: u64, reference: u64) {
    if let Some(b) = pid_table::get(pid) {
        let mut s = b.lock();
        s.monitors.retain(|&(w, r)| !(w == a.pid && r == reference));
    }
}

/// Makes the running process `a` drop the user messages sent to it from
/// now on (`deaf`), or receive them again; going deaf also drops the user
/// messages already queued.
///
/// # Safety
/// `a` is the running process (it alone reads its private queue).
pub unsafe fn set_deaf(a: &Actor, deaf: bool) {
    a.deaf.store(deaf, Ordering::SeqCst);
    if !deaf {
        return;
    }
    let q = &mut (*a.owned()).private;
    let (head, tail) = a.inbox.take_all();
    q.append_chain(head, tail);
    let mut m = q.head;
    while !m.is_null() {
        let next = (*m).next;
        if (*m).class == MsgClass::User {
            q.unlink(m).recycle();
        }
        m = next;
    }
}
