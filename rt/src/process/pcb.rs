//! The process control block.
//!
//! An `Actor` is shared (behind `Arc`) by the pid table, run queues and
//! timers. Its fields fall in three groups:
//!  * atomics other threads use without a lock: the scheduling `state`
//!    (its protocol is `park`'s), the `inbox` of user messages (a lock-free
//!    stack senders push onto), and flags;
//!  * `shared`: system messages, links, monitors, names and a pending exit
//!    signal, under one mutex;
//!  * `owned`: the context, heap, stack, private message queue and
//!    scheduler requests. Only the thread currently running the process, or
//!    the worker handling it right after it switched out, touches them; the
//!    atomic `state` hands them over between threads.

use super::mailbox::{Inbox, MsgQueue, SysMsg};
use super::park::{pack, state_of, S_DONE, S_RUNNABLE};
use super::reason::Reason;
use crate::base::abi::{Ctx, Word, BUDGET};
use crate::gc::heap::Heap;
use crate::gc::process_state::{self, ProcessState};
use crate::process::segments::Segments;
use crate::process::stack::{self, Stack};
use core::cell::UnsafeCell;
use core::ffi::c_void;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

pub type MainEntry = unsafe extern "C" fn(*mut Ctx);
pub type SpawnEntry = unsafe extern "C" fn(*mut Ctx, Word);
pub type TerminateFn = unsafe extern "C" fn(*mut Ctx, Word);

#[derive(Clone, Copy)]
pub enum Entry {
    Main(MainEntry),
    Spawned(SpawnEntry, Word),
}

/// What a process asks of its worker when it switches out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Request {
    Yield,
    /// Park in state `kind` until woken; `deadline` (monotonic ns) arms a
    /// timer that wakes it. See `park`.
    Park {
        kind: u64,
        deadline: Option<u64>,
    },
    /// The process is done (its reason is in `Owned::exit_reason`).
    Exit,
}

pub struct Shared {
    pub sys: VecDeque<SysMsg>,
    pub links: Vec<u64>,
    /// (watching pid, monitor reference)
    pub monitors: Vec<(u64, u64)>,
    pub names: Vec<Vec<u8>>,
    pub pending: Option<Reason>,
    pub trap_exits: bool,
    /// Set at exit, under this lock: later links, messages and monitors are
    /// refused.
    pub dead: bool,
}

/// Declared in C order with the fields every dispatch and message touches
/// first, so that waking a process that ran long ago costs few cache
/// misses (the heap's bookkeeping is large and comes last).
#[repr(C)]
pub struct Owned {
    pub ctx: Ctx,
    /// Saved stack pointer while switched out.
    pub sp: *mut c_void,
    /// Lowest address generated code may use: the limit of the stack
    /// segment in use (the one generated code normally sees; the scheduler
    /// raises `ctx.stack_limit` to request a yield).
    pub real_limit: usize,
    /// The worker running the process (`process::worker::Local`).
    pub worker: *mut c_void,
    pub request: Request,
    /// The terminate block has been started (it runs at most once).
    pub terminate_started: bool,
    /// The entry has been called (a process that never ran still has to
    /// register its terminate block before an exit signal ends it).
    pub started: bool,
    pub private: MsgQueue,
    pub process: ProcessState,
    pub exit_reason: Option<Reason>,
    pub terminate: Option<(TerminateFn, Word)>,
    pub stacks: Segments,
    pub entry: Entry,
    /// A service inside its dispatcher: (call reference, caller); (0, 0)
    /// for a cast or outside a request.
    pub reply_to: (u64, u64),
    /// Jobs this process started and has not awaited to the end.
    pub jobs: Vec<super::service::JobRec>,
    /// A job: the process that started it (its result goes there).
    pub job_creator: u64,
    /// While a supervisor runs a child's `start`: where to list every
    /// process it spawns, linked to it before the new process can run
    /// (the list lives in the supervisor's frame); null otherwise.
    pub spawn_links: *mut Vec<u64>,
    /// The innermost protected call in progress (`protect`), or null.
    pub guard: *mut super::protect::Guard,
    /// What the process owns outside its heap (sockets): dropped when it
    /// exits, however it exits (`resources`).
    pub resources: super::resources::Owned,
}

/// In C order, hot fields first (see `Owned`).
#[repr(C)]
pub struct Actor {
    pub pid: u64,
    pub is_main: bool,
    pub state: AtomicU64,
    /// User messages and service traffic, pushed without a lock.
    pub inbox: Inbox,
    /// A fast check for `shared.pending` at preemption points.
    pub has_pending: AtomicBool,
    /// A terminate block is set (read by the shutdown sequence).
    pub has_terminate: AtomicBool,
    /// The reactor is giving back stack segments of this parked process: a
    /// worker that is to run it waits (see `process::trim`).
    pub trimming: AtomicBool,
    /// The file descriptor this process waits for is ready: raised by the
    /// reactor, the condition of an `S_WAIT_IO` park (see `park`).
    pub io_ready: AtomicBool,
    /// User messages sent to it are dropped on arrival (a WebSocket
    /// connection between callbacks: nothing would ever receive them).
    pub deaf: AtomicBool,
    owned: UnsafeCell<Owned>,
    pub shared: Mutex<Shared>,
}

// SAFETY: `shared` is behind a mutex; `owned` is handed between threads
// only through the `state` protocol (one thread at a time).
unsafe impl Sync for Actor {}
unsafe impl Send for Actor {}

impl Actor {
    pub fn new(pid: u64, is_main: bool, entry: Entry, heap: Heap, first: Stack) -> Actor {
        let stacks = Segments::new(first, stack::max_size());
        let top = stacks.top();
        let real_limit = stacks.limit();
        Actor {
            pid,
            is_main,
            state: AtomicU64::new(pack(0, S_RUNNABLE)),
            has_pending: AtomicBool::new(false),
            has_terminate: AtomicBool::new(false),
            trimming: AtomicBool::new(false),
            io_ready: AtomicBool::new(false),
            deaf: AtomicBool::new(false),
            inbox: Inbox::default(),
            shared: Mutex::new(Shared {
                sys: VecDeque::new(),
                links: Vec::new(),
                monitors: Vec::new(),
                names: Vec::new(),
                pending: None,
                trap_exits: false,
                dead: false,
            }),
            owned: UnsafeCell::new(Owned {
                ctx: Ctx {
                    budget: BUDGET,
                    stack_limit: real_limit as *mut _,
                    loc: core::ptr::null(),
                    proc_: core::ptr::null_mut(),
                },
                process: ProcessState::with_heap(top, is_main, heap),
                sp: core::ptr::null_mut(),
                stacks,
                real_limit,
                entry,
                request: Request::Yield,
                exit_reason: None,
                terminate: None,
                terminate_started: false,
                started: false,
                spawn_links: core::ptr::null_mut(),
                private: MsgQueue::default(),
                worker: core::ptr::null_mut(),
                reply_to: (0, 0),
                jobs: Vec::new(),
                job_creator: 0,
                guard: core::ptr::null_mut(),
                resources: Default::default(),
            }),
        }
    }

    /// Links the context and process state to each other and to `self`;
    /// called once the actor has its final address.
    ///
    /// # Safety
    /// Nothing else uses the actor yet.
    pub unsafe fn bind(&self) {
        let o = self.owned();
        (*o).ctx.proc_ = &mut (*o).process as *mut ProcessState as *mut c_void;
        (*o).process.owner = self as *const Actor as *const c_void;
    }

    /// The thread-owned part. Callers follow the ownership rule in the
    /// module comment and never keep a reference across a context switch.
    pub fn owned(&self) -> *mut Owned {
        self.owned.get()
    }

    pub fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn load_state(&self) -> u64 {
        self.state.load(Ordering::SeqCst)
    }

    /// The process has exited (its control block may outlive it).
    pub fn is_done(&self) -> bool {
        state_of(self.load_state()) == S_DONE
    }
}

/// The actor of the process running `ctx`, if it is a scheduled process.
///
/// # Safety
/// `ctx` is null or a live context.
pub unsafe fn actor_of<'a>(ctx: *mut Ctx) -> Option<&'a Actor> {
    if ctx.is_null() || (*ctx).proc_.is_null() {
        return None;
    }
    let a = (*process_state::of(ctx)).owner as *const Actor;
    if a.is_null() {
        None
    } else {
        Some(&*a)
    }
}

/// The collector's extra roots (`gc::roots::ExtraRoots`): the stack ranges
/// of the segments a process left suspended below the one in use.
///
/// # Safety
/// `owner` is the `ProcessState::owner` of a scheduled process, running on
/// this thread.
pub unsafe fn suspended_stacks(owner: *const c_void, ranges: &mut Vec<(usize, usize)>) {
    let a = &*(owner as *const Actor);
    (*a.owned()).stacks.suspended(ranges);
}
