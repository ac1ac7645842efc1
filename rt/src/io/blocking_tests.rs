//! The blocking pool, alone and in programs run on the test machine
//! (`machine_tests::run_program`, two workers). Processes record what they
//! saw in statics; the tests look at them once the program has ended.

use super::*;
use crate::base::abi::{snow_t_Int, Word};
use crate::io::machine_tests::{
    in_ms, recv_int, run_program, run_program_then, run_programs_watched, yield_until,
    yield_until_or_minute,
};
use crate::io::readiness::{Interest, Registration};
use crate::process::park::{state_of, S_WAIT_IO};
use crate::process::primitives::{snow_exit, snow_self, snow_send, snow_spawn};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{mpsc, Barrier, OnceLock};
use std::time::Duration;

/// The tests here share the program's pool, and some hold threads on
/// purpose (one blocked job; `CORE` callers meeting at a barrier); each
/// takes this for its whole run, so one does not see another's threads.
fn one_test_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn pool_runs_jobs_beside_a_blocked_one() {
    let _one = one_test_at_a_time();
    let p = pool();
    // One job holds its thread until told to go; another still runs.
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<&str>();
    let d1 = done_tx.clone();
    let submit = |j: Job| assert!(p.submit(j).is_ok());
    submit(Box::new(move || {
        go_rx.recv().unwrap();
        d1.send("blocked").unwrap();
    }));
    submit(Box::new(|| panic!("a job's panic stays in its job")));
    submit(Box::new(move || done_tx.send("free").unwrap()));
    assert_eq!(done_rx.recv().unwrap(), "free");
    go_tx.send(()).unwrap();
    assert_eq!(done_rx.recv().unwrap(), "blocked");
}

// ------------------------------------------------ growing and shrinking

/// A pool of its own for a test (threads need it for ever).
fn own_pool(core: usize, max: usize, idle_exit: Duration) -> &'static Pool {
    Box::leak(Box::new(Pool::new(core, max, idle_exit)))
}

/// `n` jobs that each return only once all `n` have started, then report.
fn meeting(p: &'static Pool, n: usize) -> mpsc::Receiver<()> {
    let meet = Arc::new(Barrier::new(n));
    let (tx, rx) = mpsc::channel();
    for _ in 0..n {
        let (meet, tx) = (meet.clone(), tx.clone());
        assert!(p
            .submit(Box::new(move || {
                meet.wait();
                tx.send(()).unwrap();
            }))
            .is_ok());
    }
    rx
}

/// Waits (bounded, so a bug fails rather than hangs) for all `n` reports.
fn all_met(rx: &mpsc::Receiver<()>, n: usize) -> bool {
    (0..n).all(|_| rx.recv_timeout(Duration::from_secs(60)).is_ok())
}

#[test]
fn the_pool_grows_while_every_thread_is_busy() {
    // Six jobs that wait for each other finish only on six threads.
    let p = own_pool(1, 8, Duration::from_secs(60));
    assert!(all_met(&meeting(p, 6), 6));
    assert_eq!(p.threads(), 6);
}

#[test]
fn threads_beyond_the_core_exit_once_idle() {
    let p = own_pool(2, 8, Duration::from_millis(20));
    assert!(all_met(&meeting(p, 5), 5));
    let by = std::time::Instant::now() + Duration::from_secs(60);
    while p.threads() > 2 && std::time::Instant::now() < by {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(p.threads(), 2);
    // The core still serves, and grows again when needed.
    assert!(all_met(&meeting(p, 3), 3));
}

#[test]
fn past_the_cap_jobs_queue() {
    let p = own_pool(0, 2, Duration::from_secs(60));
    let (started_tx, started) = mpsc::channel::<()>();
    let (go_tx, go) = mpsc::channel::<()>();
    let go = Arc::new(Mutex::new(go));
    for _ in 0..2 {
        let (s, go) = (started_tx.clone(), go.clone());
        assert!(p
            .submit(Box::new(move || {
                s.send(()).unwrap();
                go.lock().unwrap().recv().unwrap();
            }))
            .is_ok());
    }
    let (third_tx, third) = mpsc::channel::<()>();
    assert!(p
        .submit(Box::new(move || third_tx.send(()).unwrap()))
        .is_ok());
    assert!(all_met(&started, 2));
    // Both threads are held: the third job waits, no third thread starts.
    assert_eq!(p.threads(), 2);
    assert!(third.try_recv().is_err());
    go_tx.send(()).unwrap();
    assert!(third.recv_timeout(Duration::from_secs(60)).is_ok());
    go_tx.send(()).unwrap();
}

// ------------------------------------------------ more callers than workers

static MEET: OnceLock<Barrier> = OnceLock::new();
static MET: AtomicU64 = AtomicU64::new(0);

/// Its call returns only once every caller's call has started: on two
/// workers, four callers get there only if none holds its worker.
unsafe extern "C" fn meeter(ctx: *mut Ctx, main: Word) {
    let n = run_to_end(ctx, || {
        MEET.get().expect("set").wait();
        1
    });
    snow_send(ctx, main, &snow_t_Int, n);
}

unsafe extern "C" fn meet_main(ctx: *mut Ctx) {
    for _ in 0..CORE {
        snow_spawn(ctx, meeter, &snow_t_Int, snow_self(ctx));
    }
    for _ in 0..CORE {
        MET.fetch_add(
            recv_int(ctx, -1).expect("an answer") as u64,
            Ordering::SeqCst,
        );
    }
}

#[test]
fn callers_park_and_leave_their_workers_free() {
    let _one = one_test_at_a_time();
    MEET.get_or_init(|| Barrier::new(CORE));
    assert_eq!(run_program(meet_main), 0);
    assert_eq!(MET.load(Ordering::SeqCst), CORE as u64);
}

// ------------------------------------------------ the end of the program

static LATE: Mutex<Option<String>> = Mutex::new(None);

unsafe extern "C" fn late_answer_main(ctx: *mut Ctx) {
    // Every worker idles while the job sleeps: the reactor must wait for it
    // rather than end the program or stop this process as blocked forever.
    let r = run_to_end(ctx, || {
        std::thread::sleep(Duration::from_millis(50));
        "answer".to_string()
    });
    *LATE.lock().unwrap() = Some(r);
}

#[test]
fn a_process_waiting_for_a_call_keeps_the_program_alive() {
    let _one = one_test_at_a_time();
    assert_eq!(run_program_then(late_answer_main, waiting), (0, false));
    assert_eq!(LATE.lock().unwrap().as_deref(), Some("answer"));
}

// ------------------------------------------------ deadlines

static GIVEN_UP: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn deadline_main(ctx: *mut Ctx) {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicBool::new(false));
    let f = finished.clone();
    let r = run(ctx, in_ms(20), move || {
        go_rx.recv().unwrap();
        f.store(true, Ordering::SeqCst);
        7
    });
    let mut seen = vec![format!("{r:?}")];
    // The abandoned call finishes while this process waits on a socket
    // with nothing to read: that wait must still end by its deadline, not
    // by a wake-up meant for the call. Short waits follow each other until
    // the job has finished, so its end falls inside one of them however
    // late its thread runs (a minute at most: a hang detector).
    let (mine, _peer) = UnixStream::pair().expect("socket pair");
    let reg = Registration::new(mine).expect("register");
    go_tx.send(()).unwrap();
    let pending = || false;
    let by = clock::now_ns() + 60_000_000_000;
    let last = loop {
        let w = reg.wait_or(ctx, Interest::Readable, in_ms(100), pending);
        let seen = format!("{w:?} {}", finished.load(Ordering::SeqCst));
        if seen != "Ok(TimedOut) false" || clock::now_ns() >= by {
            break seen;
        }
    };
    seen.push(last);
    *GIVEN_UP.lock().unwrap() = seen;
}

#[test]
fn a_call_past_its_deadline_is_abandoned_and_wakes_nothing_later() {
    let _one = one_test_at_a_time();
    assert_eq!(run_program_then(deadline_main, waiting), (0, false));
    assert_eq!(*GIVEN_UP.lock().unwrap(), ["None", "Ok(TimedOut) true"]);
}

// ------------------------------------------------ killed while waiting

static RELEASE: AtomicBool = AtomicBool::new(false);
static VICTIM: AtomicU64 = AtomicU64::new(0);
static KILLED: Mutex<Option<(bool, bool)>> = Mutex::new(None);

unsafe extern "C" fn victim(ctx: *mut Ctx, _arg: Word) {
    VICTIM.store(snow_self(ctx), Ordering::SeqCst);
    run_to_end(ctx, || {
        while !RELEASE.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    unreachable!("killed while waiting");
}

unsafe extern "C" fn kill_main(ctx: *mut Ctx) {
    snow_spawn(ctx, victim, &snow_t_Int, 0);
    let parked = || {
        let pid = VICTIM.load(Ordering::SeqCst);
        pid != 0 && pid_table::get(pid).is_some_and(|a| state_of(a.load_state()) == S_WAIT_IO)
    };
    yield_until(ctx, parked);
    let before = waiting();
    snow_exit(ctx, VICTIM.load(Ordering::SeqCst), 2, core::ptr::null_mut());
    yield_until(ctx, || {
        pid_table::get(VICTIM.load(Ordering::SeqCst)).is_none()
    });
    // Its job still runs; the program need not wait for it. The count
    // drops with its resources, just after its pid leaves the table, on a
    // worker a loaded machine may hold up.
    yield_until_or_minute(ctx, || !waiting());
    *KILLED.lock().unwrap() = Some((before, waiting()));
}

#[test]
fn a_process_killed_while_waiting_stops_counting() {
    let _one = one_test_at_a_time();
    assert_eq!(run_program(kill_main), 0);
    RELEASE.store(true, Ordering::SeqCst);
    assert_eq!(*KILLED.lock().unwrap(), Some((true, false)));
}

// ------------------------------------------------ a panicking job

static CRASHER: AtomicU64 = AtomicU64::new(0);
static PAST_PANIC: AtomicBool = AtomicBool::new(false);
static CRASHED: AtomicBool = AtomicBool::new(false);

unsafe extern "C" fn crasher(ctx: *mut Ctx, _arg: Word) {
    CRASHER.store(snow_self(ctx), Ordering::SeqCst);
    run_to_end::<()>(ctx, || panic!("a bug in a job"));
    PAST_PANIC.store(true, Ordering::SeqCst);
}

unsafe extern "C" fn crash_main(ctx: *mut Ctx) {
    snow_spawn(ctx, crasher, &snow_t_Int, 0);
    let gone = || {
        let pid = CRASHER.load(Ordering::SeqCst);
        pid != 0 && pid_table::get(pid).is_none()
    };
    yield_until(ctx, gone);
    CRASHED.store(true, Ordering::SeqCst);
}

#[test]
fn a_panic_in_a_job_crashes_its_caller_only() {
    let _one = one_test_at_a_time();
    assert_eq!(run_program_then(crash_main, waiting), (0, false));
    assert!(CRASHED.load(Ordering::SeqCst));
    assert!(!PAST_PANIC.load(Ordering::SeqCst));
}

// ------------------------------------------------ wake-ups right before the end

/// Programs run, and callers in each.
const ENDINGS: usize = 200;
const CALLERS: u64 = 10;

unsafe extern "C" fn caller(ctx: *mut Ctx, main: Word) {
    let n = run_to_end(ctx, move || main % 3);
    snow_send(ctx, main, &snow_t_Int, n + 1);
}

/// Every caller's last act is a call a pool thread answers; the program
/// ends right after the last of those wake-ups.
unsafe extern "C" fn callers_main(ctx: *mut Ctx) {
    let me = snow_self(ctx);
    for _ in 0..CALLERS {
        snow_spawn(ctx, caller, &snow_t_Int, me);
    }
    let mut sum = 0;
    for _ in 0..CALLERS {
        sum += recv_int(ctx, -1).expect("an answer");
    }
    assert_eq!(sum as u64, CALLERS * (me % 3 + 1));
}

#[test]
fn programs_end_right_after_calls_answered_off_the_workers() {
    let _one = one_test_at_a_time();
    run_programs_watched(ENDINGS, callers_main);
}
