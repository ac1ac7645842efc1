//! The pool's bookkeeping, apart from any I/O so that it can sit under a
//! thread lock held for an instant (§5.10.1 row 10: no I/O under locks):
//! the idle queue, the connections out, the slots reserved for connections
//! being made, and the waiting checkouts. Each step says what the caller
//! must then do outside the lock (check, connect, close, wake).

use std::collections::{HashMap, VecDeque};

/// The clamped arguments of `Pool.open` (§5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub min: usize,
    pub max: usize,
    pub timeout_ns: u64,
}

impl Limits {
    /// `min ≥ 0`, `max ≥ max(1, min)`, `timeout_ms ≥ 100`.
    pub fn clamp(min: i64, max: i64, timeout_ms: i64) -> Limits {
        let min = min.max(0);
        let max = max.max(min.max(1));
        Limits {
            min: min as usize,
            max: max as usize,
            timeout_ns: (timeout_ms.max(100) as u64).saturating_mul(1_000_000),
        }
    }
}

/// The [proposed] ages, in nanoseconds: an idle connection beyond `min`
/// is closed after `idle`, any connection after `life`, and one used less
/// than `fresh` ago is handed out without the `SELECT 1` round trip.
#[derive(Debug, Clone, Copy)]
pub struct Ages {
    pub idle: u64,
    pub life: u64,
    pub fresh: u64,
}

/// An idle connection: its handle, when it was made and last given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idle {
    pub conn: i64,
    pub born: u64,
    pub used: u64,
}

/// A connection out of the pool: when it was made, whether its checkin
/// is under way (its rollback runs outside the lock), and the lease of
/// the checkout that took it (see `abandoned`).
struct Out {
    born: u64,
    returning: bool,
    lease: u64,
}

/// What a checkout does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Take {
    Closed,
    /// The oldest idle connection, now out; `check`: health-check it with
    /// a round trip (it was not used within `fresh`).
    Idle {
        conn: i64,
        check: bool,
    },
    /// A slot is reserved: connect, then `connected` or `connect_failed`.
    Connect,
    /// Every slot is taken: the caller is queued; park and try again.
    Wait,
}

/// What a checkin does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Checkin {
    /// Not a connection out of this pool: ignore it (and log).
    Foreign,
    /// Already back in the pool: ignore it (and log).
    Double,
    /// The pool is closed: close the connection. With its lease.
    Close(u64),
    /// Roll it back if dirty, then `returned`. With its lease.
    Accept(u64),
}

/// The state of one pool; `W` is what wakes a waiting checkout.
pub struct State<W> {
    pub limits: Limits,
    pub ages: Ages,
    closed: bool,
    /// Oldest given back first (FIFO).
    idle: VecDeque<Idle>,
    out: HashMap<i64, Out>,
    /// Slots reserved for connections being made.
    connecting: usize,
    /// Waiting checkouts by process id, first come first.
    waiters: VecDeque<(u64, W)>,
    /// Waiters taken off the queue and woken, not yet back: until they
    /// are, nobody else takes (whatever woke them is theirs).
    woken: Vec<(u64, W)>,
}

impl<W: Clone> State<W> {
    pub fn new(limits: Limits, ages: Ages) -> State<W> {
        State {
            limits,
            ages,
            closed: false,
            idle: VecDeque::new(),
            out: HashMap::new(),
            connecting: 0,
            waiters: VecDeque::new(),
            woken: Vec::new(),
        }
    }

    /// Every connection the pool counts: idle, out and being made.
    pub fn total(&self) -> usize {
        self.idle.len() + self.out.len() + self.connecting
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Closed with every connection back: the pool can be forgotten.
    pub fn finished(&self) -> bool {
        self.closed && self.out.is_empty() && self.connecting == 0
    }

    /// Enters a connection made at `now` as idle (at open and refill).
    pub fn add_idle(&mut self, conn: i64, now: u64) {
        self.idle.push_back(Idle {
            conn,
            born: now,
            used: now,
        });
    }

    /// The next step of the checkout of process `pid` at `now`, first
    /// come first served: a process behind others in the queue, new
    /// (`first`) while any wait, or any but a woken one while woken ones
    /// are on their way, waits too. A caller that gets `Wait` is
    /// queued as `w`: at the back on its first try, else where it is, or
    /// first in line if a checkin took it off the queue to wake it and it
    /// still found nothing. Any other outcome takes it off the queue. A
    /// connection taken out is under `lease`.
    pub fn take(
        &mut self,
        now: u64,
        pid: u64,
        first: bool,
        lease: u64,
        w: impl FnOnce() -> W,
    ) -> Take {
        let woke = self.woken.iter().position(|(p, _)| *p == pid);
        let was_woken = woke.map(|i| self.woken.swap_remove(i)).is_some();
        let at = self.waiters.iter().position(|(p, _)| *p == pid);
        let behind = !was_woken
            && (!self.woken.is_empty()
                || match at {
                    Some(i) => i > 0,
                    None => first && !self.waiters.is_empty(),
                });
        let step = if behind && !self.closed {
            Take::Wait
        } else {
            self.step(now, lease)
        };
        match (&step, at) {
            (Take::Wait, None) if first => self.waiters.push_back((pid, w())),
            (Take::Wait, None) => self.waiters.push_front((pid, w())),
            (Take::Wait, Some(_)) => {}
            (_, Some(i)) => drop(self.waiters.remove(i)),
            (_, None) => {}
        }
        step
    }

    fn step(&mut self, now: u64, lease: u64) -> Take {
        if self.closed {
            return Take::Closed;
        }
        if let Some(i) = self.idle.pop_front() {
            self.out.insert(
                i.conn,
                Out {
                    born: i.born,
                    returning: false,
                    lease,
                },
            );
            let check = now.saturating_sub(i.used) >= self.ages.fresh;
            return Take::Idle {
                conn: i.conn,
                check,
            };
        }
        if self.total() < self.limits.max {
            self.connecting += 1;
            return Take::Connect;
        }
        Take::Wait
    }

    /// Drops the woken waiters and those at the front of the queue that
    /// `gone` says will never come back (killed while waiting), so that
    /// nobody waits behind them.
    pub fn prune(&mut self, gone: impl Fn(&W) -> bool) {
        self.woken.retain(|(_, w)| !gone(w));
        while self.waiters.front().is_some_and(|(_, w)| gone(w)) {
            self.waiters.pop_front();
        }
    }

    /// The checkout of `pid` gave up (its deadline passed).
    pub fn unwait(&mut self, pid: u64) {
        self.waiters.retain(|(p, _)| *p != pid);
        self.woken.retain(|(p, _)| *p != pid);
    }

    /// A connection out failed its health check and was closed: the
    /// pool shrinks (the checkout that found it goes on, and may connect
    /// in its place).
    pub fn lost(&mut self, conn: i64) {
        self.out.remove(&conn);
    }

    /// A reserved connection was made at `now`: it goes out under the
    /// `lease` of a checkout, or into the idle queue (a refill, `None`).
    /// False if the pool was closed meanwhile: the caller closes it.
    pub fn connected(&mut self, conn: i64, now: u64, lease: Option<u64>) -> (bool, Option<W>) {
        self.connecting -= 1;
        if self.closed {
            return (false, None);
        }
        let Some(lease) = lease else {
            self.add_idle(conn, now);
            return (true, self.wake_one());
        };
        let out = Out {
            born: now,
            returning: false,
            lease,
        };
        self.out.insert(conn, out);
        (true, None)
    }

    /// A reserved connection could not be made: its slot is free again.
    pub fn connect_failed(&mut self) -> Option<W> {
        self.connecting -= 1;
        self.wake_one()
    }

    /// The first step of a checkin of `conn`.
    pub fn returning(&mut self, conn: i64) -> Checkin {
        match self.out.get_mut(&conn) {
            Some(o) if o.returning => Checkin::Double,
            Some(o) if self.closed => {
                let lease = o.lease;
                self.out.remove(&conn);
                Checkin::Close(lease)
            }
            Some(o) => {
                o.returning = true;
                Checkin::Accept(o.lease)
            }
            None if self.idle.iter().any(|i| i.conn == conn) => Checkin::Double,
            None => Checkin::Foreign,
        }
    }

    /// The end of an accepted checkin at `now`: `usable` says the
    /// connection is alive and idle (rolled back if it had to be). Whether
    /// to keep it (else the caller closes it: dead, the pool closed
    /// meanwhile, or past its lifetime), and a waiter to wake.
    pub fn returned(&mut self, conn: i64, usable: bool, now: u64) -> (bool, Option<W>) {
        let Some(o) = self.out.remove(&conn) else {
            return (false, None);
        };
        let keep = usable && !self.closed && now.saturating_sub(o.born) < self.ages.life;
        if keep {
            self.idle.push_back(Idle {
                conn,
                born: o.born,
                used: now,
            });
        }
        (keep, self.wake_one())
    }

    /// The process holding `lease` ended: if the connection is still out
    /// under that lease (not checked in, not being checked in), the pool
    /// forgets it (the caller drops it) and a waiter may take its place.
    pub fn abandoned(&mut self, conn: i64, lease: u64) -> (bool, Option<W>) {
        match self.out.get(&conn) {
            Some(o) if o.lease == lease && !o.returning => {
                self.out.remove(&conn);
                (true, self.wake_one())
            }
            _ => (false, None),
        }
    }

    /// Takes out the idle connections past their lifetime, and those idle
    /// longer than the idle timeout while more than `min` exist: the
    /// caller closes them and wakes the waiters returned.
    pub fn reap(&mut self, now: u64) -> (Vec<i64>, Vec<W>) {
        let mut gone = Vec::new();
        let mut i = 0;
        while i < self.idle.len() {
            let e = self.idle[i];
            let old = now.saturating_sub(e.born) >= self.ages.life;
            let unused = now.saturating_sub(e.used) >= self.ages.idle;
            if old || (unused && self.total() > self.limits.min) {
                self.idle.remove(i);
                gone.push(e.conn);
            } else {
                i += 1;
            }
        }
        let woken = gone.iter().filter_map(|_| self.wake_one()).collect();
        (gone, woken)
    }

    /// Reserves a slot to refill towards `min`, if one is missing.
    pub fn refill_one(&mut self) -> bool {
        let want = !self.closed && self.total() < self.limits.min;
        if want {
            self.connecting += 1;
        }
        want
    }

    /// Closes the pool: the idle connections to close and every waiter
    /// to wake.
    pub fn close(&mut self) -> (Vec<i64>, Vec<W>) {
        self.closed = true;
        self.woken.clear();
        let idle = self.idle.drain(..).map(|i| i.conn).collect();
        let woken = self.waiters.drain(..).map(|(_, w)| w).collect();
        (idle, woken)
    }

    fn wake_one(&mut self) -> Option<W> {
        let (pid, w) = self.waiters.pop_front()?;
        self.woken.push((pid, w.clone()));
        Some(w)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
