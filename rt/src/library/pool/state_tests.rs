use super::*;

const MS: u64 = 1_000_000;

fn ages() -> Ages {
    Ages {
        idle: 600_000 * MS,
        life: 1_800_000 * MS,
        fresh: 1_000 * MS,
    }
}

fn pool(min: i64, max: i64) -> State<u64> {
    State::new(Limits::clamp(min, max, 5000), ages())
}

/// Process `pid` makes connection `conn` in a free slot.
fn make(s: &mut State<u64>, pid: u64, conn: i64) {
    assert_eq!(s.take(0, pid, true, pid * 100, || pid), Take::Connect);
    assert_eq!(s.connected(conn, 0, Some(conn as u64)), (true, None));
}

/// Checks `conn` in, alive (`usable`) or not, at `now`.
fn back(s: &mut State<u64>, conn: i64, usable: bool, now: u64) -> (bool, Option<u64>) {
    assert!(matches!(s.returning(conn), Checkin::Accept(_)));
    s.returned(conn, usable, now)
}

#[test]
fn arguments_are_clamped() {
    let l = Limits::clamp(-3, 0, 5);
    assert_eq!((l.min, l.max, l.timeout_ns), (0, 1, 100 * MS));
    let l = Limits::clamp(7, 2, 250);
    assert_eq!((l.min, l.max, l.timeout_ns), (7, 7, 250 * MS));
    let l = Limits::clamp(2, 10, 5000);
    assert_eq!((l.min, l.max, l.timeout_ns), (2, 10, 5000 * MS));
}

#[test]
fn idle_connections_go_out_oldest_first_and_checked_unless_fresh() {
    let mut s = pool(0, 3);
    s.add_idle(1, 0);
    s.add_idle(2, 0);
    let now = 2_000 * MS;
    assert_eq!(
        s.take(now, 9, true, 900, || 9),
        Take::Idle {
            conn: 1,
            check: true
        }
    );
    assert_eq!(
        s.take(now, 9, true, 900, || 9),
        Take::Idle {
            conn: 2,
            check: true
        }
    );
    // Given back in the order 2, 1: handed out in that order, unchecked
    // (used just now).
    assert_eq!(back(&mut s, 2, true, now), (true, None));
    assert_eq!(back(&mut s, 1, true, now + MS), (true, None));
    assert_eq!(
        s.take(now + 500 * MS, 9, true, 900, || 9),
        Take::Idle {
            conn: 2,
            check: false
        }
    );
    assert_eq!(
        s.take(now + 1001 * MS, 9, true, 900, || 9),
        Take::Idle {
            conn: 1,
            check: true
        }
    );
}

#[test]
fn slots_are_reserved_up_to_max_then_callers_wait() {
    let mut s = pool(0, 2);
    assert_eq!(s.take(0, 1, true, 100, || 1), Take::Connect);
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Connect);
    assert_eq!(s.total(), 2);
    assert_eq!(s.take(0, 3, true, 300, || 3), Take::Wait);
    assert_eq!(s.take(0, 4, true, 400, || 4), Take::Wait);
    // A failed connection frees its slot and wakes the first waiter,
    // whose turn it is: 4, though first in the queue now, waits for it.
    assert_eq!(s.connect_failed(), Some(3));
    assert_eq!(s.total(), 1);
    assert_eq!(s.connected(10, 0, Some(10)), (true, None));
    assert_eq!(s.take(0, 4, false, 400, || 4), Take::Wait);
    assert_eq!(s.take(0, 3, false, 300, || 3), Take::Connect);
    // A newcomer queues behind 4.
    assert_eq!(s.take(0, 5, true, 500, || 5), Take::Wait);
    assert_eq!(s.connected(11, 0, Some(11)), (true, None));
    assert_eq!(back(&mut s, 10, true, 0), (true, Some(4)));
    assert_eq!(back(&mut s, 11, true, 0), (true, Some(5)));
    // Both woken: 5 comes back first and takes the oldest; a newcomer
    // waits while 4 is on its way, which takes the other.
    assert_eq!(
        s.take(0, 5, false, 500, || 5),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
    assert_eq!(s.take(0, 6, true, 600, || 6), Take::Wait);
    assert_eq!(
        s.take(0, 4, false, 400, || 4),
        Take::Idle {
            conn: 11,
            check: false
        }
    );
}

#[test]
fn a_waiter_that_times_out_leaves_the_queue() {
    let mut s = pool(0, 1);
    make(&mut s, 1, 10);
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Wait);
    s.unwait(2);
    assert_eq!(back(&mut s, 10, true, 0), (true, None));
}

#[test]
fn foreign_and_double_checkins_change_nothing() {
    let mut s = pool(0, 1);
    make(&mut s, 1, 10);
    assert_eq!(s.returning(99), Checkin::Foreign);
    assert!(matches!(s.returning(10), Checkin::Accept(_)));
    // Again while the first checkin rolls back, and after it.
    assert_eq!(s.returning(10), Checkin::Double);
    assert_eq!(s.returned(10, true, 0), (true, None));
    assert_eq!(s.returning(10), Checkin::Double);
    assert_eq!(s.total(), 1);
    assert_eq!(
        s.take(0, 1, true, 100, || 1),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Wait);
}

#[test]
fn dead_connections_shrink_the_pool_and_refill_reaches_min() {
    let mut s = pool(2, 4);
    s.add_idle(1, 0);
    s.add_idle(2, 0);
    assert_eq!(
        s.take(0, 7, true, 700, || 7),
        Take::Idle {
            conn: 1,
            check: false
        }
    );
    s.lost(1);
    assert_eq!(s.total(), 1);
    assert!(s.refill_one());
    assert!(!s.refill_one());
    assert_eq!(s.connected(3, 0, None), (true, None));
    assert_eq!(s.total(), 2);
    // A rollback that failed: the connection is not kept.
    assert_eq!(
        s.take(0, 7, true, 700, || 7),
        Take::Idle {
            conn: 2,
            check: false
        }
    );
    assert_eq!(back(&mut s, 2, false, 0), (false, None));
    assert_eq!(s.total(), 1);
}

#[test]
fn idle_timeout_keeps_min_and_lifetime_spares_none() {
    let mut s = pool(1, 5);
    s.add_idle(1, 0);
    s.add_idle(2, 0);
    s.add_idle(3, 0);
    let later = ages().idle;
    assert_eq!(s.reap(later - 1).0, Vec::<i64>::new());
    assert_eq!(s.reap(later).0, vec![1, 2]);
    assert_eq!(s.total(), 1);
    assert_eq!(s.reap(ages().life).0, vec![3]);
    assert_eq!(s.total(), 0);
    // A connection given back past its lifetime is not kept either.
    make(&mut s, 1, 4);
    assert!(matches!(s.returning(4), Checkin::Accept(_)));
    assert_eq!(s.returned(4, true, ages().life), (false, None));
}

#[test]
fn close_wakes_every_waiter_and_closes_what_comes_back() {
    let mut s = pool(0, 2);
    s.add_idle(1, 0);
    assert_eq!(
        s.take(0, 1, true, 100, || 1),
        Take::Idle {
            conn: 1,
            check: false
        }
    );
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Connect);
    assert_eq!(s.take(0, 3, true, 300, || 3), Take::Wait);
    assert_eq!(s.take(0, 4, true, 400, || 4), Take::Wait);
    s.add_idle(5, 0);
    let (idle, woken) = s.close();
    assert_eq!((idle, woken), (vec![5], vec![3, 4]));
    assert!(!s.finished());
    assert_eq!(s.take(0, 3, false, 300, || 3), Take::Closed);
    assert_eq!(s.connected(6, 0, Some(6)), (false, None));
    assert_eq!(s.returning(1), Checkin::Close(100));
    assert!(s.finished());
    assert!(!s.refill_one());
}

#[test]
fn newcomers_queue_behind_waiters() {
    let mut s = pool(0, 1);
    make(&mut s, 1, 10);
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Wait);
    assert_eq!(s.take(0, 3, true, 300, || 3), Take::Wait);
    assert_eq!(back(&mut s, 10, true, 0), (true, Some(2)));
    // Process 2 is woken; a newcomer waits behind process 3; 2 takes the
    // connection.
    assert_eq!(s.take(0, 4, true, 400, || 4), Take::Wait);
    assert_eq!(
        s.take(0, 2, false, 200, || 2),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
    assert_eq!(back(&mut s, 10, true, 0), (true, Some(3)));
    assert_eq!(
        s.take(0, 3, false, 300, || 3),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
}

#[test]
fn waiters_that_died_are_pruned_from_the_front() {
    let mut s = pool(0, 1);
    make(&mut s, 1, 10);
    assert_eq!(s.take(0, 2, true, 200, || 2), Take::Wait);
    assert_eq!(s.take(0, 3, true, 300, || 3), Take::Wait);
    assert_eq!(back(&mut s, 10, true, 0), (true, Some(2)));
    s.add_idle(11, 0);
    // Process 2 died after it was woken, 3 while waiting: a newcomer
    // waits for neither.
    s.prune(|w| *w == 2 || *w == 3);
    assert_eq!(
        s.take(0, 4, true, 400, || 4),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
}

#[test]
fn a_connection_abandoned_under_its_lease_is_forgotten() {
    let mut s = pool(0, 1);
    assert_eq!(s.take(0, 1, true, 7, || 1), Take::Connect);
    assert_eq!(s.connected(10, 0, Some(7)), (true, None));
    assert_eq!(s.take(0, 2, true, 8, || 2), Take::Wait);
    // Checked in by another process and out again under lease 9: the end
    // of lease 7's process changes nothing.
    assert_eq!(s.returning(10), Checkin::Accept(7));
    assert_eq!(s.returned(10, true, 0), (true, Some(2)));
    assert_eq!(
        s.take(0, 2, false, 9, || 2),
        Take::Idle {
            conn: 10,
            check: false
        }
    );
    assert_eq!(s.abandoned(10, 7), (false, None));
    assert_eq!(s.total(), 1);
    // The end of lease 9's process frees the place for the next waiter.
    assert_eq!(s.take(0, 3, true, 10, || 3), Take::Wait);
    assert_eq!(s.abandoned(10, 9), (true, Some(3)));
    assert_eq!(s.total(), 0);
    assert_eq!(s.returning(10), Checkin::Foreign);
}
