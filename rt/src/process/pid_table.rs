//! The pid table (pid -> live process) and the name registry. Pids come
//! from one counter and are never reused; the table is sharded by pid so
//! spawns and sends on different workers rarely meet on a lock.

use super::pcb::Actor;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

const SHARDS: usize = 64;

type Shard = Mutex<BTreeMap<u64, Arc<Actor>>>;

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: Shard = Mutex::new(BTreeMap::new());
static TABLE: [Shard; SHARDS] = [EMPTY; SHARDS];
static NEXT_PID: AtomicU64 = AtomicU64::new(0);
static NAMES: Mutex<BTreeMap<Vec<u8>, u64>> = Mutex::new(BTreeMap::new());

fn shard(pid: u64) -> MutexGuard<'static, BTreeMap<u64, Arc<Actor>>> {
    TABLE[(pid as usize) % SHARDS]
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

pub fn next_pid() -> u64 {
    NEXT_PID.fetch_add(1, Ordering::Relaxed)
}

pub fn insert(a: Arc<Actor>) {
    shard(a.pid).insert(a.pid, a);
}

pub fn remove(pid: u64) -> Option<Arc<Actor>> {
    shard(pid).remove(&pid)
}

pub fn get(pid: u64) -> Option<Arc<Actor>> {
    shard(pid).get(&pid).cloned()
}

/// Recently used pids per thread: a send finds its receiver here without
/// the shard lock, the tree walk and a reference-count round trip. An entry
/// may outlive its process (pids are never reused, and an exited process's
/// closed inbox refuses messages), which keeps at most this many exited
/// processes' small control blocks alive per thread.
const CACHE: usize = 1024;

thread_local! {
    // Filled on first use, on the heap: this may first run on a small
    // process stack.
    // The pid is kept next to the reference: checking it must not touch
    // the process's control block (a cache miss per send in a big ring).
    static RECENT: RefCell<Vec<(u64, Option<Arc<Actor>>)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on the process `pid` if it exists (or recently existed: `f`
/// must cope with a dead process).
pub fn with_actor<R>(pid: u64, f: impl FnOnce(&Arc<Actor>) -> R) -> Option<R> {
    RECENT.with(|c| {
        // A nested call (from inside `f`) uses the table.
        let Ok(mut c) = c.try_borrow_mut() else {
            return get(pid).map(|a| f(&a));
        };
        if c.is_empty() {
            c.resize_with(CACHE, || (0, None));
        }
        let slot = &mut c[(pid as usize) % CACHE];
        if slot.0 != pid || slot.1.is_none() {
            *slot = (pid, Some(get(pid)?));
        }
        slot.1.as_ref().map(f)
    })
}

fn names() -> MutexGuard<'static, BTreeMap<Vec<u8>, u64>> {
    NAMES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers `name` for `a`; false when the name is taken or `a` is exiting.
pub fn register(a: &Actor, name: &[u8]) -> bool {
    let mut shared = a.lock();
    if shared.dead {
        return false;
    }
    let mut n = names();
    if n.contains_key(name) {
        return false;
    }
    n.insert(name.to_vec(), a.pid);
    shared.names.push(name.to_vec());
    true
}

pub fn whereis(name: &[u8]) -> Option<u64> {
    names().get(name).copied()
}

/// Releases names held by an exited process.
pub fn release_names(pid: u64, held: &[Vec<u8>]) {
    let mut n = names();
    for name in held {
        if n.get(name) == Some(&pid) {
            n.remove(name);
        }
    }
}

/// Every live process, newest first.
pub fn all_descending() -> Vec<Arc<Actor>> {
    let mut all = Vec::new();
    for s in &TABLE {
        let s = s.lock().unwrap_or_else(|e| e.into_inner());
        all.extend(s.values().cloned());
    }
    all.sort_unstable_by_key(|a| core::cmp::Reverse(a.pid));
    all
}
