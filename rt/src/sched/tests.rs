//! Unit tests of the scheduler: the whole machine (workers, run queues,
//! parking, timers, quiescence) runs once in this test process, driven by
//! processes written in Rust against the C ABI; plus the pure pieces.

use super::stack::parse_size;
use crate::abi::{Ctx, Word, BUDGET};
use crate::actor::abi::*;
use crate::actor::lifecycle;
use crate::actor::pcb::Entry;
use crate::actor::table;
use crate::entry::snow_slow_path;
use crate::gc::heap::Heap;
use std::sync::atomic::{AtomicU64, Ordering};

static YIELDS: AtomicU64 = AtomicU64::new(0);
static SLEPT: AtomicU64 = AtomicU64::new(0);
static EARLY: AtomicU64 = AtomicU64::new(0);
static ROUND_TRIPS: AtomicU64 = AtomicU64::new(0);
static TIMEOUTS: AtomicU64 = AtomicU64::new(0);

unsafe fn recv_int(ctx: *mut Ctx, deadline: i64) -> Option<i64> {
    let mut w: Word = 0;
    loop {
        let m = snow_recv_next(ctx, core::ptr::null_mut(), &crate::abi::snow_t_Int, &mut w);
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
        snow_send(ctx, peer, &crate::abi::snow_t_Int, n as Word + 1);
    }
}

unsafe extern "C" fn pinger(ctx: *mut Ctx, count: Word) {
    let me = snow_self(ctx);
    let p = snow_spawn(ctx, ponger, &crate::abi::snow_t_Pid, me);
    for i in 0..count as i64 {
        snow_send(ctx, p, &crate::abi::snow_t_Int, i as Word);
        assert_eq!(recv_int(ctx, -1), Some(i + 1));
        ROUND_TRIPS.fetch_add(1, Ordering::Relaxed);
    }
    snow_send(ctx, p, &crate::abi::snow_t_Int, -1i64 as Word);
    // nothing more arrives: `after 20` fires
    if recv_int(ctx, snow_deadline_ms(20)).is_none() {
        TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe extern "C" fn root(ctx: *mut Ctx) {
    for _ in 0..20 {
        snow_spawn(ctx, yielder, &crate::abi::snow_t_Int, 50);
        snow_spawn(ctx, sleeper, &crate::abi::snow_t_Int, 5);
        snow_spawn(ctx, pinger, &crate::abi::snow_t_Int, 100);
    }
}

#[test]
fn scheduler_runs_processes_to_quiescence() {
    let seeds = super::init(2, false);
    let a = lifecycle::create(
        table::next_pid(),
        false,
        Entry::Main(root),
        Heap::new(false),
        super::stack::alloc(None),
    );
    super::enqueue(a, core::ptr::null_mut());
    super::worker::spawn_threads(seeds);
    assert_eq!(super::get().reactor.run(), 0);
    assert_eq!(YIELDS.load(Ordering::SeqCst), 20 * 50);
    assert_eq!(SLEPT.load(Ordering::SeqCst), 20);
    assert_eq!(EARLY.load(Ordering::SeqCst), 0);
    assert_eq!(ROUND_TRIPS.load(Ordering::SeqCst), 20 * 100);
    assert_eq!(TIMEOUTS.load(Ordering::SeqCst), 20);
    assert_eq!(super::get().live.load(Ordering::SeqCst), 0);
    assert_eq!(super::get().active.load(Ordering::SeqCst), 0);
    assert!(table::all_descending().is_empty());
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
