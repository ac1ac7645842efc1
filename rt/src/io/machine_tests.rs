//! Unit tests of the whole machine (workers, run queues, parking, timers,
//! quiescence), driven by processes written in Rust against the C ABI. The
//! machine starts once per test process; `run_program` runs programs on
//! it one at a time, the test thread acting as the reactor's thread. The
//! helpers other runtime tests share live here too (`give_way`,
//! `yield_until`, `yield_until_or_minute`, `wait_parked`, `kill_and_wait`, `in_ms`).

use super::timers::snow_sleep;
use crate::base::abi::{Ctx, Word, BUDGET};
use crate::gc::heap::Heap;
use crate::process::clock::snow_deadline_ms;
use crate::process::lifecycle;
use crate::process::pcb::{Actor, Entry, MainEntry};
use crate::process::primitives::*;
use crate::process::slow_path::snow_slow_path;
use crate::process::stack::{self, parse_size};
use crate::process::{pid_table, scheduler, worker};
use crate::values::recursion::{deeper, IN_EQ};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

/// Runs a program whose main process runs `entry` until it ends (as
/// `snow_main` does, on a machine of two workers started at the first
/// call); returns its exit status.
pub(crate) fn run_program(entry: MainEntry) -> i32 {
    run_program_then(entry, || ()).0
}

/// `run_program`, also returning what `after` finds while no other test's
/// program can run (the machine's global counts are shared by the tests).
pub(crate) fn run_program_then<T>(entry: MainEntry, after: impl FnOnce() -> T) -> (i32, T) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    static START: Once = Once::new();
    let _g = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    START.call_once(|| {
        let seeds = scheduler::init(2, false);
        super::reactor::start();
        worker::spawn_threads(seeds);
    });
    let a = lifecycle::create(
        pid_table::next_pid(),
        false,
        Entry::Main(entry),
        Heap::new(false),
        stack::alloc(None),
    );
    scheduler::enqueue(a, core::ptr::null_mut());
    let status = super::reactor::get().run();
    (status, after())
}

/// Gives up the worker once (a preemption point taken at once).
pub(crate) unsafe fn give_way(ctx: *mut Ctx) {
    (*ctx).budget = -1;
    snow_slow_path(ctx, core::ptr::null());
}

/// Gives up the worker until `done()` holds.
pub(crate) unsafe fn yield_until(ctx: *mut Ctx, done: impl Fn() -> bool) {
    while !done() {
        give_way(ctx);
    }
}

/// Gives up the worker until `done()` holds or a minute has passed; the
/// caller then checks `done()` itself. For what a process's end releases
/// after its pid has left the table (its resources, on the worker that
/// finalizes it, which a loaded machine may not run for a while): a hang
/// detector, not a speed limit.
pub(crate) unsafe fn yield_until_or_minute(ctx: *mut Ctx, done: impl Fn() -> bool) {
    let by = crate::process::clock::now_ns() + 60_000_000_000;
    while !done() && crate::process::clock::now_ns() < by {
        give_way(ctx);
    }
}

/// The process `pid` is parked on a descriptor.
pub(crate) fn parked(pid: u64) -> bool {
    use crate::process::park::{state_of, S_WAIT_IO};
    pid_table::get(pid).is_some_and(|a| state_of(a.load_state()) == S_WAIT_IO)
}

/// Gives up the worker until the process `pid` is parked on a descriptor.
pub(crate) unsafe fn wait_parked(ctx: *mut Ctx, pid: u64) {
    yield_until(ctx, || parked(pid));
}

/// A deadline `ms` milliseconds from now.
pub(crate) fn in_ms(ms: u64) -> Option<u64> {
    Some(crate::process::clock::now_ns() + ms * 1_000_000)
}

/// Kills `pid` and waits for its end.
pub(crate) unsafe fn kill_and_wait(ctx: *mut Ctx, pid: u64) {
    snow_exit(
        ctx,
        pid,
        crate::process::reason::TAG_KILLED,
        core::ptr::null_mut(),
    );
    yield_until(ctx, || pid_table::get(pid).is_none());
}

/// Runs `n` programs of `entry` one after the other, each to exit status
/// 0; aborts the test binary if they have not all ended after two minutes.
/// A hang detector, not a speed limit: such programs end in milliseconds,
/// and one that has not ended by then never will.
pub(crate) fn run_programs_watched(n: usize, entry: MainEntry) {
    let ended = Arc::new(AtomicU64::new(0));
    let watched = ended.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(120));
        let done = watched.load(Ordering::SeqCst);
        if done < n as u64 {
            // Not `eprintln!`: the harness captures that, and the abort
            // would lose it.
            let msg = format!("program {} of {n} never ended\n", done + 1);
            let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
            std::process::abort();
        }
    });
    for _ in 0..n {
        assert_eq!(run_program(entry), 0);
        ended.fetch_add(1, Ordering::SeqCst);
    }
}

static YIELDS: AtomicU64 = AtomicU64::new(0);
static SLEPT: AtomicU64 = AtomicU64::new(0);
static EARLY: AtomicU64 = AtomicU64::new(0);
static ROUND_TRIPS: AtomicU64 = AtomicU64::new(0);
static TIMEOUTS: AtomicU64 = AtomicU64::new(0);
static DEEP_SUMS: AtomicU64 = AtomicU64::new(0);
/// The most extra segments a diver used.
static SEGMENTS: AtomicU64 = AtomicU64::new(0);
/// The processes that went deep, to look at their stacks after they exit.
static DEEP: Mutex<Vec<Arc<Actor>>> = Mutex::new(Vec::new());

pub(super) unsafe fn recv_int(ctx: *mut Ctx, deadline: i64) -> Option<i64> {
    let mut w: Word = 0;
    loop {
        let m = snow_recv_next(
            ctx,
            core::ptr::null_mut(),
            &crate::base::abi::snow_t_Int,
            &mut w,
        );
        if !m.is_null() {
            return Some(snow_recv_take(ctx, m) as i64);
        }
        if !snow_recv_wait(ctx, deadline) {
            return None;
        }
    }
}

/// Spends its budget `n` times: each time the slow path must yield and
/// come back with a fresh budget.
unsafe extern "C" fn yielder(ctx: *mut Ctx, n: Word) {
    for _ in 0..n {
        (*ctx).budget = -1;
        snow_slow_path(ctx, core::ptr::null());
        assert_eq!((*ctx).budget, BUDGET);
        YIELDS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe extern "C" fn sleeper(ctx: *mut Ctx, ms: Word) {
    let t0 = std::time::Instant::now();
    snow_sleep(ctx, ms as i64);
    if t0.elapsed() < std::time::Duration::from_millis(ms) {
        EARLY.fetch_add(1, Ordering::Relaxed);
    }
    SLEPT.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn ponger(ctx: *mut Ctx, peer: Word) {
    while let Some(n) = recv_int(ctx, -1) {
        if n < 0 {
            return;
        }
        snow_send(ctx, peer, &crate::base::abi::snow_t_Int, n as Word + 1);
    }
}

unsafe extern "C" fn pinger(ctx: *mut Ctx, count: Word) {
    let me = snow_self(ctx);
    let p = snow_spawn(ctx, ponger, &crate::base::abi::snow_t_Pid, me);
    for i in 0..count as i64 {
        snow_send(ctx, p, &crate::base::abi::snow_t_Int, i as Word);
        assert_eq!(recv_int(ctx, -1), Some(i + 1));
        ROUND_TRIPS.fetch_add(1, Ordering::Relaxed);
    }
    snow_send(ctx, p, &crate::base::abi::snow_t_Int, -1i64 as Word);
    // nothing more arrives: `after 20` fires
    if recv_int(ctx, snow_deadline_ms(20)).is_none() {
        TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Recurses `n` levels of 1 KiB frames the way runtime code recurses
/// through a value (moving to new stack segments as it goes), runs
/// `bottom` at the deepest level, and sums the levels on the way back.
unsafe fn dive(ctx: *mut Ctx, n: u64, bottom: &mut dyn FnMut()) -> u64 {
    let pad = core::hint::black_box([1u8; 1024]);
    if n == 0 {
        bottom();
        return 0;
    }
    let below = deeper(ctx, &IN_EQ, || dive(ctx, n - 1, bottom));
    below + core::hint::black_box(&pad)[n as usize % 1024] as u64
}

const DEPTH: u64 = 3000;

/// 0: returns from the depth; 1: panics there; 2: parks there until
/// killed.
unsafe extern "C" fn diver(ctx: *mut Ctx, mode: Word) {
    let sum = dive(ctx, DEPTH, &mut || {
        let a = crate::process::pcb::actor_of(ctx).expect("a process");
        SEGMENTS.fetch_max((*a.owned()).stacks.depth() as u64, Ordering::SeqCst);
        match mode {
            1 => crate::base::panic::panic_msg(ctx, "boom at the bottom"),
            2 => {
                snow_send(
                    ctx,
                    ROOT.load(Ordering::SeqCst),
                    &crate::base::abi::snow_t_Int,
                    7,
                );
                recv_int(ctx, -1);
            }
            _ => {}
        }
    });
    DEEP_SUMS.fetch_add(sum, Ordering::Relaxed);
}

static ROOT: AtomicU64 = AtomicU64::new(0);

unsafe extern "C" fn root(ctx: *mut Ctx) {
    ROOT.store(snow_self(ctx), Ordering::SeqCst);
    for _ in 0..20 {
        snow_spawn(ctx, yielder, &crate::base::abi::snow_t_Int, 50);
        snow_spawn(ctx, sleeper, &crate::base::abi::snow_t_Int, 5);
        snow_spawn(ctx, pinger, &crate::base::abi::snow_t_Int, 100);
    }
    for mode in 0..3 {
        let pid = snow_spawn(ctx, diver, &crate::base::abi::snow_t_Int, mode);
        DEEP.lock().unwrap().extend(pid_table::get(pid));
        if mode == 2 {
            // Parked at the bottom: killed there.
            assert_eq!(recv_int(ctx, -1), Some(7));
            snow_exit(ctx, pid, 2, core::ptr::null_mut());
        }
    }
}

#[test]
fn scheduler_runs_processes_to_quiescence() {
    // Its deep processes take stack segments: not while the stack tests
    // look at theirs.
    let _g = crate::process::stack_tests::serial();
    // The machine's counts are shared: read them before another test's
    // program can start.
    let (status, (live, active, pids)) = run_program_then(root, || {
        let s = scheduler::get();
        (
            s.live.load(Ordering::SeqCst),
            s.active.load(Ordering::SeqCst),
            pid_table::all_descending().len(),
        )
    });
    assert_eq!(status, 0);
    assert_eq!((live, active, pids), (0, 0, 0));
    assert_eq!(YIELDS.load(Ordering::SeqCst), 20 * 50);
    assert_eq!(SLEPT.load(Ordering::SeqCst), 20);
    assert_eq!(EARLY.load(Ordering::SeqCst), 0);
    assert_eq!(ROUND_TRIPS.load(Ordering::SeqCst), 20 * 100);
    assert_eq!(TIMEOUTS.load(Ordering::SeqCst), 20);
    // Deep processes that returned, crashed or were killed at depth hold no
    // extra stack segment after exit.
    assert_eq!(DEEP_SUMS.load(Ordering::SeqCst), DEPTH);
    assert!(SEGMENTS.load(Ordering::SeqCst) >= 2);
    let deep = DEEP.lock().unwrap();
    assert_eq!(deep.len(), 3);
    for a in deep.iter() {
        assert!(a.is_done());
        // SAFETY: the process has exited; nothing else touches it.
        assert_eq!(unsafe { (*a.owned()).stacks.held() }, 0);
    }
}

#[test]
fn stack_sizes_parse_with_suffixes_and_a_floor() {
    assert_eq!(parse_size("65536"), Some(65536));
    assert_eq!(parse_size("128k"), Some(128 * 1024));
    assert_eq!(parse_size("1M"), Some(1024 * 1024));
    assert_eq!(parse_size("100"), Some(16 * 1024));
    assert_eq!(parse_size("70000"), Some(73728));
    assert_eq!(parse_size("lots"), None);
    assert_eq!(parse_size(""), None);
}

/// (room below the stack pointer before, inside `with_room`), each less
/// the process's real limit.
static ROOM_SEEN: Mutex<Vec<(isize, isize)>> = Mutex::new(Vec::new());

unsafe extern "C" fn roomy(ctx: *mut Ctx) {
    use crate::values::recursion::{stack_pointer, with_room};
    let a = crate::process::pcb::actor_of(ctx).expect("a process");
    let left = || stack_pointer() as isize - (*a.owned()).real_limit as isize;
    for room in [256 * 1024, 2 * 1024 * 1024] {
        let before = left();
        let inside = with_room(ctx, &IN_EQ, room, left);
        ROOM_SEEN.lock().unwrap().push((before, inside));
    }
}

#[test]
fn with_room_moves_to_a_segment_with_the_room_asked_for() {
    let _g = crate::process::stack_tests::serial();
    assert_eq!(run_program(roomy), 0);
    let seen = ROOM_SEEN.lock().unwrap();
    for (&(before, inside), room) in seen.iter().zip([256 * 1024, 2 * 1024 * 1024]) {
        // A first segment (64 KiB) cannot have it; the new one does.
        assert!(before < room && inside >= room, "{before} {inside} {room}");
    }
    assert_eq!(seen.len(), 2);
}
