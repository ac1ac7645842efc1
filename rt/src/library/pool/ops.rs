//! The pool's operations with their I/O (§5.6): each step is decided in
//! `state` under the pool's thread lock, held for an instant; connecting,
//! health checks, rollbacks and closing run after it is dropped, parking
//! the calling process on the socket. A checkout that must wait queues
//! its process and parks it (never the worker) until a checkin, a close or
//! its deadline, fixed when the checkout began.

use super::state::{Ages, Checkin, Limits, State, Take};
use crate::base::abi::Ctx;
use crate::base::console::write_fd;
use crate::io::readiness::nudge;
use crate::library::handles::Handles;
use crate::library::pg::conn::Conn;
use crate::library::pg::slot;
use crate::library::system::env_ms;
use crate::process::park::park_for_io;
use crate::process::pcb::Actor;
use crate::process::primitives::me;
use crate::process::{clock, pid_table, resources};
use std::io::ErrorKind;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

pub const CLOSED: &str = "pool is closed";
pub const TIMEOUT: &str = "pool checkout timeout";

/// How often a waiting checkout looks again without a wake-up (one lost
/// to a waiter killed after it was woken costs at most this).
const RECHECK_NS: u64 = 100_000_000;

/// What wakes a waiting checkout: its process (`None` only if the pid
/// table lost a running process, when the recheck still finds it work).
type Waiter = Option<Arc<Actor>>;

pub struct Pool {
    url: String,
    state: Mutex<State<Waiter>>,
}

impl Pool {
    fn state(&self) -> MutexGuard<'_, State<Waiter>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn table() -> &'static Handles<Pool> {
    static T: OnceLock<Handles<Pool>> = OnceLock::new();
    T.get_or_init(Handles::default)
}

/// The [proposed] ages; tests shorten them with `SNOW_POOL_IDLE_MS`,
/// `SNOW_POOL_LIFETIME_MS` and `SNOW_POOL_FRESH_MS`.
fn ages() -> Ages {
    Ages {
        idle: env_ms("SNOW_POOL_IDLE_MS", 600_000),
        life: env_ms("SNOW_POOL_LIFETIME_MS", 1_800_000),
        fresh: env_ms("SNOW_POOL_FRESH_MS", 1_000),
    }
}

fn wake(waiters: impl IntoIterator<Item = Waiter>) {
    for w in waiters.into_iter().flatten() {
        nudge(&w);
    }
}

/// A checkout's claim on its connection, owned by the process that
/// checked it out (`resources`): dropped by that process's checkin, or at
/// its end (a crash, a kill, a return) without one, when the pool forgets
/// the connection and closes it, so it cannot leak its place.
struct Lease {
    pool: Arc<Pool>,
    h: i64,
    conn: i64,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let id = self as *const Lease as u64;
        let (gone, w) = self.pool.state().abandoned(self.conn, id);
        wake(w);
        if gone {
            slot::discard(self.conn);
            forget_if_finished(self.h, &self.pool);
        }
    }
}

/// A slot reserved for a connection being made, owned by the process
/// making it (`resources`): a process killed while it connects (exits do
/// not unwind) frees the slot at its end instead of leaking it.
struct Reserved {
    pool: Arc<Pool>,
    settled: bool,
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if !self.settled {
            wake(self.pool.state().connect_failed());
        }
    }
}

/// Connects for a reserved slot; the lock on the pool's state is taken
/// again after the connect, and the reservation is the caller's to settle
/// under it (`connected` or `connect_failed`).
unsafe fn connect_reserved(
    ctx: *mut Ctx,
    pool: &Arc<Pool>,
) -> (Result<i64, String>, MutexGuard<'_, State<Waiter>>) {
    let r = resources::own(
        ctx,
        Reserved {
            pool: pool.clone(),
            settled: false,
        },
    );
    let made = slot::connect(ctx, &pool.url);
    (*r).settled = true;
    resources::release(ctx, r);
    (made, pool.state())
}

unsafe fn close_all(ctx: *mut Ctx, conns: Vec<i64>) {
    for c in conns {
        slot::close(ctx, c);
    }
}

/// `Pool.open`: connects `min` times; on a failure closes the others.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn open(
    ctx: *mut Ctx,
    text: &str,
    min: i64,
    max: i64,
    timeout_ms: i64,
) -> Result<i64, String> {
    let mut s = State::new(Limits::clamp(min, max, timeout_ms), ages());
    let mut made = Vec::new();
    for _ in 0..s.limits.min {
        match slot::connect(ctx, text) {
            Ok(c) => made.push(c),
            Err(e) => {
                close_all(ctx, made);
                return Err(format!("pool open: {e}"));
            }
        }
    }
    let now = clock::now_ns();
    for c in made {
        s.add_idle(c, now);
    }
    Ok(table().insert(Pool {
        url: text.to_string(),
        state: Mutex::new(s),
    }))
}

/// `Pool.checkout` (§5.6, with an absolute deadline).
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn checkout(ctx: *mut Ctx, h: i64) -> Result<i64, String> {
    let pool = table().get(h).ok_or(CLOSED)?;
    let a = me(ctx);
    let arc = pid_table::get(a.pid);
    let deadline = clock::now_ns() + pool.state().limits.timeout_ns;
    let mut first = true;
    loop {
        let now = clock::now_ns();
        let (gone, woken) = pool.state().reap(now);
        wake(woken);
        close_all(ctx, gone);
        // No park between taking a connection and filling in the lease.
        let lease = resources::own(
            ctx,
            Lease {
                pool: pool.clone(),
                h,
                conn: 0,
            },
        );
        let step = {
            let mut s = pool.state();
            s.prune(|w| w.as_ref().is_none_or(|w| w.is_done()));
            let step = s.take(now, a.pid, first, lease as u64, || arc.clone());
            if let Take::Idle { conn, .. } = step {
                (*lease).conn = conn;
            }
            if step == Take::Wait {
                if now >= deadline {
                    s.unwait(a.pid);
                    drop(s);
                    resources::release(ctx, lease);
                    return Err(TIMEOUT.into());
                }
                // Lowered under the lock: a checkin after it raises it
                // again (`nudge`), and the park sees that.
                a.io_ready.store(false, Ordering::SeqCst);
            }
            step
        };
        first = false;
        match step {
            Take::Closed => {
                resources::release(ctx, lease);
                return Err(CLOSED.into());
            }
            Take::Idle { conn, check } => {
                if healthy(ctx, conn, check) {
                    return Ok(conn);
                }
                pool.state().lost(conn);
                resources::release(ctx, lease);
                slot::close(ctx, conn);
            }
            Take::Connect => {
                let (made, mut s) = connect_reserved(ctx, &pool);
                let r = match made {
                    Ok(c) => match s.connected(c, clock::now_ns(), Some(lease as u64)) {
                        (true, _) => {
                            (*lease).conn = c;
                            return Ok(c);
                        }
                        (false, _) => {
                            drop(s);
                            slot::close(ctx, c);
                            Err(CLOSED.into())
                        }
                    },
                    Err(e) => {
                        let w = s.connect_failed();
                        drop(s);
                        wake(w);
                        Err(format!("pool connect: {e}"))
                    }
                };
                resources::release(ctx, lease);
                return r;
            }
            Take::Wait => {
                resources::release(ctx, lease);
                let until = deadline.min(clock::now_ns() + RECHECK_NS);
                while !a.io_ready.load(Ordering::SeqCst) && clock::now_ns() < until {
                    park_for_io(a, Some(until));
                }
            }
        }
    }
}

/// A look at a connection's socket without a round trip: quiet, as an
/// idle connection is, or not (closed by the server, or with bytes
/// nobody asked for: a notice of its end, or the rest of a reply a failed
/// call left, which would put the next call out of step).
fn quiet(c: &Conn) -> bool {
    matches!(c.sock.tcp.0.socket().peek(&mut [0u8; 1]), Err(e) if e.kind() == ErrorKind::WouldBlock)
}

/// The health check: a connection that is not quiet fails it; `SELECT 1`
/// over the simple protocol runs unless `check` is off (the connection
/// was used within the last second).
unsafe fn healthy(ctx: *mut Ctx, conn: i64, check: bool) -> bool {
    slot::with(ctx, conn, |c| match quiet(c) {
        false => Err(String::new()),
        true if !check => Ok(()),
        true => c.simple("SELECT 1").map(|_| ()),
    })
    .is_ok()
}

/// Alive and idle again: a connection that is not quiet fails; a transaction left open
/// (status not `I`) is rolled back.
unsafe fn reset(ctx: *mut Ctx, conn: i64) -> bool {
    slot::with(ctx, conn, |c| match quiet(c) {
        false => Err(String::new()),
        true if c.status != b'I' => c.simple("ROLLBACK").map(|_| ()),
        true => Ok(()),
    })
    .is_ok()
}

fn ignored(why: &str) {
    write_fd(
        2,
        format!("[snow-rt] Pool.checkin: {why}, ignored\n").as_bytes(),
    );
}

/// `Pool.checkin` (§5.6), then the refill towards `min`.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn checkin(ctx: *mut Ctx, h: i64, conn: i64) {
    let Some(pool) = table().get(h) else {
        return ignored("the pool is closed and has all its connections back");
    };
    let step = pool.state().returning(conn);
    match step {
        Checkin::Foreign => ignored("the connection is not from this pool"),
        Checkin::Double => ignored("the connection is already checked in"),
        Checkin::Close(lease) => {
            resources::release(ctx, lease as *mut Lease);
            slot::close(ctx, conn);
        }
        Checkin::Accept(lease) => {
            // Ours if this process checked it out (else its owner's end
            // finds it returned and does nothing).
            resources::release(ctx, lease as *mut Lease);
            let usable = reset(ctx, conn);
            let (keep, w) = pool.state().returned(conn, usable, clock::now_ns());
            wake(w);
            if !keep {
                slot::close(ctx, conn);
            }
            maintain(ctx, &pool);
        }
    }
    forget_if_finished(h, &pool);
}

/// Closes what outlived the idle timeout or the lifetime and connects
/// up to `min` again (a failure is left to a later checkout).
unsafe fn maintain(ctx: *mut Ctx, pool: &Arc<Pool>) {
    let (gone, woken) = pool.state().reap(clock::now_ns());
    wake(woken);
    close_all(ctx, gone);
    while pool.state().refill_one() {
        let (made, mut s) = connect_reserved(ctx, pool);
        match made {
            Ok(c) => {
                let (kept, w) = s.connected(c, clock::now_ns(), None);
                drop(s);
                wake(w);
                if !kept {
                    slot::close(ctx, c);
                }
            }
            Err(_) => {
                let w = s.connect_failed();
                drop(s);
                wake(w);
                return;
            }
        }
    }
}

/// A closed pool with every connection back leaves the table (its handle
/// then reads as closed).
fn forget_if_finished(h: i64, pool: &Pool) {
    if pool.state().finished() {
        table().remove(h);
    }
}

/// `Pool.close` (§5.6): waiters get `pool is closed`, idle connections
/// are closed now and the ones out when they come back.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn close(ctx: *mut Ctx, h: i64) {
    let Some(pool) = table().get(h) else { return };
    let (idle, woken) = pool.state().close();
    wake(woken);
    close_all(ctx, idle);
    forget_if_finished(h, &pool);
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
