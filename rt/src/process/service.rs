//! Services (§4.5) and jobs (§4.7), built on messages of their own classes
//! (requests, replies, job results: a user `receive` never sees them) and
//! monitors (a dead service or job is noticed through its `down` notice).

use super::copy::copy_value;
use super::lifecycle;
use super::mailbox::{MsgClass, SysMsg};
use super::park::{S_WAIT_ANY, S_WAIT_MSG};
use super::pcb::*;
use super::primitives::{find_msg, make_msg, me, take_msg, wait, worker_of};
use super::reason::Reason;
use super::{pid_table, signal};
use crate::base::abi::{closure_code, Ctx, SnowType, Word};
use crate::gc::heap::Heap;
use crate::process::scheduler;
use crate::values::layout;
use core::ffi::c_void;

/// The dispatcher the compiler generates for a service: handles one
/// request against the state and returns the new state.
pub type ServiceFn = unsafe extern "C" fn(*mut Ctx, Word, Word) -> Word;

/// What a new service process starts from.
struct ServiceInit {
    handle: ServiceFn,
    state: Word,
}

/// A job body: a closure `void (*)(ctx, env)` ending with `snow_job_return`.
type JobFn = unsafe extern "C" fn(*mut Ctx, *mut c_void);

/// # Safety
/// `ctx` is the running process; `state` a live value of `state_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_service_start(
    ctx: *mut Ctx,
    handle: ServiceFn,
    state_type: *const SnowType,
    state: Word,
    _request_type: *const SnowType,
) -> u64 {
    let mut heap = Heap::new(scheduler::get().gc_stress);
    let state = copy_value(&mut heap, &*state_type, state);
    let init = Box::into_raw(Box::new(ServiceInit { handle, state }));
    lifecycle::spawn(ctx, service_main, init as usize as Word, heap)
}

/// A service's body: requests one at a time, oldest first.
unsafe extern "C" fn service_main(ctx: *mut Ctx, arg: Word) {
    let init = Box::from_raw(arg as usize as *mut ServiceInit);
    let (handle, mut state) = (init.handle, init.state);
    drop(init);
    let o = me(ctx).owned();
    loop {
        let m = find_msg(ctx, &|m| m.class == MsgClass::Request);
        if m.is_null() {
            wait(ctx, -1, S_WAIT_MSG);
            continue;
        }
        let req = take_msg(ctx, m);
        (*o).reply_to = (req.reference, req.from);
        state = handle(ctx, state, req.word);
        (*o).reply_to = (0, 0);
    }
}

fn exited(pid: u64) -> String {
    format!("service call failed: process <0.{pid}> exited")
}

/// # Safety
/// `ctx` is the running process; `request` a live value of `request_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_service_call(
    ctx: *mut Ctx,
    pid: u64,
    request_type: *const SnowType,
    request: Word,
) -> Word {
    let a = me(ctx);
    if pid == a.pid {
        crate::base::panic::panic_msg(ctx, "service called itself");
    }
    if pid_table::get(pid).is_none() {
        crate::base::panic::panic_msg(ctx, &exited(pid));
    }
    // The monitor's reference doubles as the call's: the reply carries it.
    let r = super::primitives::snow_monitor(ctx, pid);
    let mut m = make_msg(request_type, request);
    m.class = MsgClass::Request;
    m.reference = r;
    m.from = a.pid;
    signal::deliver(pid, m, worker_of(ctx));
    loop {
        let m = find_msg(ctx, &|m| m.class == MsgClass::Reply && m.reference == r);
        if !m.is_null() {
            let reply = take_msg(ctx, m);
            signal::demonitor(a, pid, r);
            return reply.word;
        }
        if take_down(a, r).is_some() {
            crate::base::panic::panic_msg(ctx, &exited(pid));
        }
        wait(ctx, -1, S_WAIT_ANY);
    }
}

/// Removes the `down` notice of monitor `r` from `a`'s system queue.
fn take_down(a: &Actor, r: u64) -> Option<Reason> {
    let mut s = a.lock();
    let i = s
        .sys
        .iter()
        .position(|m| matches!(m, SysMsg::Down { reference, .. } if *reference == r))?;
    match s.sys.remove(i) {
        Some(SysMsg::Down { reason, .. }) => Some(reason),
        _ => None,
    }
}

/// # Safety
/// `ctx` is the running process; `request` a live value of `request_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_service_cast(
    ctx: *mut Ctx,
    pid: u64,
    request_type: *const SnowType,
    request: Word,
) {
    let mut m = make_msg(request_type, request);
    m.class = MsgClass::Request;
    m.from = me(ctx).pid;
    signal::deliver(pid, m, worker_of(ctx));
}

/// # Safety
/// `ctx` is a service process inside its dispatcher; `reply` a live value
/// of `reply_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_service_reply(
    ctx: *mut Ctx,
    reply_type: *const SnowType,
    reply: Word,
) {
    let o = me(ctx).owned();
    let (r, to) = (*o).reply_to;
    if r == 0 {
        return; // a cast: nobody waits
    }
    let mut m = make_msg(reply_type, reply);
    m.class = MsgClass::Reply;
    m.reference = r;
    m.from = me(ctx).pid;
    signal::deliver(to, m, worker_of(ctx));
}

// ------------------------------------------------------------------- jobs

struct JobInit {
    body: Word,
    creator: u64,
}

/// # Safety
/// `ctx` is the running process; `body` a live closure of `closure_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_job_async(
    ctx: *mut Ctx,
    closure_type: *const SnowType,
    body: Word,
) -> u64 {
    let a = me(ctx);
    let mut heap = Heap::new(scheduler::get().gc_stress);
    let body = copy_value(&mut heap, &*closure_type, body);
    let init = Box::into_raw(Box::new(JobInit {
        body,
        creator: a.pid,
    }));
    let pid = lifecycle::spawn(ctx, job_main, init as usize as Word, heap);
    let r = super::primitives::snow_monitor(ctx, pid);
    (*a.owned()).jobs.push(JobRec { pid, monitor: r });
    pid
}

unsafe extern "C" fn job_main(ctx: *mut Ctx, arg: Word) {
    let init = Box::from_raw(arg as usize as *mut JobInit);
    let (body, creator) = (init.body, init.creator);
    drop(init);
    (*me(ctx).owned()).job_creator = creator;
    // The creator may already be gone: then the job has no reason to run.
    if pid_table::get(creator).is_none() {
        return;
    }
    let c = body as usize as *mut c_void;
    let f: JobFn = core::mem::transmute::<*const c_void, JobFn>(closure_code(c));
    f(ctx, c);
}

/// # Safety
/// `ctx` is a job process; `value` a live value of `result_type`.
#[no_mangle]
pub unsafe extern "C" fn snow_job_return(ctx: *mut Ctx, result_type: *const SnowType, value: Word) {
    let a = me(ctx);
    let creator = (*a.owned()).job_creator;
    let mut m = make_msg(result_type, value);
    m.class = MsgClass::JobResult;
    m.from = a.pid;
    signal::deliver(creator, m, worker_of(ctx));
}

/// What `Job.await` reports for a job that ended without a result.
fn why(r: &Reason) -> Vec<u8> {
    match r {
        Reason::Error(m) | Reason::Custom(m) => m.clone(),
        Reason::Killed => b"killed".to_vec(),
        Reason::Shutdown => b"shutdown".to_vec(),
        Reason::Linked(_, inner) => why(inner),
        Reason::Normal => b"no result".to_vec(),
    }
}

/// # Safety
/// `ctx` is the running process; `ret_desc` describes `Result<T, String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_job_await(
    ctx: *mut Ctx,
    ret_desc: *const SnowType,
    job: u64,
    timeout_ms: i64,
) -> Word {
    let a = me(ctx);
    let o = a.owned();
    let Some(i) = (*o).jobs.iter().position(|j| j.pid == job) else {
        return layout::result(ctx, ret_desc, Err(b"no such job")) as usize as Word;
    };
    let r = (&(*o).jobs)[i].monitor;
    let deadline = super::clock::snow_deadline_ms(timeout_ms);
    loop {
        let m = find_msg(ctx, &|m| m.class == MsgClass::JobResult && m.from == job);
        if !m.is_null() {
            let v = take_msg(ctx, m);
            forget_job(a, job);
            return layout::result(ctx, ret_desc, Ok(v.word)) as usize as Word;
        }
        if let Some(reason) = take_down(a, r) {
            // A result sent just before the exit is already queued.
            let m = find_msg(ctx, &|m| m.class == MsgClass::JobResult && m.from == job);
            forget_job(a, job);
            if !m.is_null() {
                let v = take_msg(ctx, m);
                return layout::result(ctx, ret_desc, Ok(v.word)) as usize as Word;
            }
            return layout::result(ctx, ret_desc, Err(&why(&reason))) as usize as Word;
        }
        if !wait(ctx, deadline, S_WAIT_ANY) {
            return layout::result(ctx, ret_desc, Err(b"timeout")) as usize as Word;
        }
    }
}

unsafe fn forget_job(a: &Actor, job: u64) {
    let o = a.owned();
    if let Some(i) = (*o).jobs.iter().position(|j| j.pid == job) {
        let j = (*o).jobs.swap_remove(i);
        signal::demonitor(a, j.pid, j.monitor);
        take_down(a, j.monitor);
    }
}

/// At a creator's exit: its unfinished jobs are killed.
///
/// # Safety
/// Called by `finalize` with the exiting process's owned state.
pub unsafe fn kill_jobs(jobs: Vec<JobRec>, from: u64, worker: *mut c_void) {
    for j in jobs {
        if let Some(b) = pid_table::get(j.pid) {
            signal::signal(&b, from, Reason::Killed, true, worker);
        }
    }
}

/// A job started by this process and not yet awaited to the end.
pub struct JobRec {
    pub pid: u64,
    pub monitor: u64,
}
