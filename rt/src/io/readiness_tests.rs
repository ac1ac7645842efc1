//! The readiness API over Unix socket pairs, in programs run on the test
//! machine (`machine_tests::run_program`). Processes record what they saw
//! in statics; the tests look at them once the program has ended.

use super::*;
use crate::base::abi::{snow_t_Int, Word};
use crate::io::machine_tests::{
    in_ms, parked, recv_int, run_program, run_programs_watched, wait_parked,
};
use crate::process::park::park_for_io;
use crate::process::primitives::{snow_self, snow_send, snow_spawn};
use crate::process::slow_path::snow_slow_path;
use std::io::{ErrorKind, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64};
use std::time::Duration;

/// The socket `fd` without taking it over (its owner closes it).
unsafe fn borrowed(fd: Word) -> ManuallyDrop<UnixStream> {
    ManuallyDrop::new(UnixStream::from_raw_fd(fd as i32))
}

fn read_some(mut s: &UnixStream) -> Vec<u8> {
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf).expect("a ready socket reads");
    buf[..n].to_vec()
}

fn registrations() -> usize {
    reactor::get().waiters().by_key().len()
}

// ------------------------------------------------ readable after a write

static PING_PEER: AtomicI32 = AtomicI32::new(-1);
static PING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Writes to the peer once the main process is parked.
unsafe extern "C" fn ping_writer(ctx: *mut Ctx, main: Word) {
    wait_parked(ctx, main);
    let mut s = borrowed(PING_PEER.load(Ordering::SeqCst) as Word);
    s.write_all(b"ping").expect("write");
}

unsafe extern "C" fn ping_main(ctx: *mut Ctx) {
    let (mine, peer) = UnixStream::pair().expect("socket pair");
    PING_PEER.store(peer.as_raw_fd(), Ordering::SeqCst);
    let before = registrations();
    let reg = Registration::new(mine).expect("register");
    snow_spawn(ctx, ping_writer, &snow_t_Int, snow_self(ctx));
    let r = reg.wait(ctx, Interest::Readable, None).expect("wait");
    let got = read_some(reg.get());
    let during = registrations() - before;
    drop(reg);
    let after = registrations() - before;
    *PING.lock().unwrap() = vec![format!("{r:?} {got:?}; registered {during}, then {after}")];
}

#[test]
fn a_descriptor_is_readable_once_the_peer_writes() {
    assert_eq!(run_program(ping_main), 0);
    // Registered while in use, deregistered when dropped.
    assert_eq!(
        *PING.lock().unwrap(),
        ["Ready [112, 105, 110, 103]; registered 1, then 0"]
    );
}

// ------------------------------------------------ writability

static FULL_PEER: AtomicI32 = AtomicI32::new(-1);
static FULL_BYTES: AtomicU64 = AtomicU64::new(0);
static FULL: Mutex<Vec<Readiness>> = Mutex::new(Vec::new());

/// Reads everything the main process wrote, once it is parked.
unsafe extern "C" fn drainer(ctx: *mut Ctx, main: Word) {
    wait_parked(ctx, main);
    let mut s = borrowed(FULL_PEER.load(Ordering::SeqCst) as Word);
    let mut left = FULL_BYTES.load(Ordering::SeqCst) as usize;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let n = s.read(&mut buf[..left.min(64 * 1024)]).expect("read");
        left -= n;
    }
}

unsafe extern "C" fn full_main(ctx: *mut Ctx) {
    let (mine, peer) = UnixStream::pair().expect("socket pair");
    mine.set_nonblocking(true).expect("non-blocking");
    FULL_PEER.store(peer.as_raw_fd(), Ordering::SeqCst);
    let reg = Registration::new(mine).expect("register");
    let mut seen = Vec::new();
    // A fresh socket has room.
    seen.push(reg.wait(ctx, Interest::Writable, None).expect("wait"));
    let mut written = 0;
    loop {
        match reg.get().write(&[7u8; 4096]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("write: {e}"),
        }
    }
    FULL_BYTES.store(written as u64, Ordering::SeqCst);
    // Full, and nobody reads yet.
    seen.push(reg.wait(ctx, Interest::Writable, in_ms(20)).expect("wait"));
    snow_spawn(ctx, drainer, &snow_t_Int, snow_self(ctx));
    seen.push(reg.wait(ctx, Interest::Writable, None).expect("wait"));
    *FULL.lock().unwrap() = seen;
    drop(peer);
}

#[test]
fn a_full_socket_is_writable_again_once_the_peer_reads() {
    assert_eq!(run_program(full_main), 0);
    assert_eq!(
        *FULL.lock().unwrap(),
        [Readiness::Ready, Readiness::TimedOut, Readiness::Ready]
    );
}

// ------------------------------------------------ deadlines

static LATE: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn late_main(ctx: *mut Ctx) {
    let (mine, mut peer) = UnixStream::pair().expect("socket pair");
    let reg = Registration::new(mine).expect("register");
    let deadline = in_ms(20);
    let first = reg.wait(ctx, Interest::Readable, deadline).expect("wait");
    let not_early = clock::now_ns() >= deadline.unwrap();
    // The registration still works after a wait that timed out.
    peer.write_all(b"late").expect("write");
    let second = reg
        .wait(ctx, Interest::Readable, in_ms(60_000))
        .expect("wait");
    let got = read_some(reg.get());
    *LATE.lock().unwrap() = vec![
        format!("{first:?}, not early: {not_early}"),
        format!("{second:?} {got:?}"),
    ];
}

#[test]
fn a_wait_ends_at_its_deadline_and_the_next_one_still_works() {
    assert_eq!(run_program(late_main), 0);
    assert_eq!(
        *LATE.lock().unwrap(),
        ["TimedOut, not early: true", "Ready [108, 97, 116, 101]"]
    );
}

// ------------------------------------------------ hang-up

static HUP_PEER: AtomicI32 = AtomicI32::new(-1);
static HUP: Mutex<Option<(Readiness, Vec<u8>)>> = Mutex::new(None);

/// Closes the peer once the main process is parked.
unsafe extern "C" fn closer(ctx: *mut Ctx, main: Word) {
    wait_parked(ctx, main);
    drop(UnixStream::from_raw_fd(HUP_PEER.load(Ordering::SeqCst)));
}

unsafe extern "C" fn hup_main(ctx: *mut Ctx) {
    let (mine, peer) = UnixStream::pair().expect("socket pair");
    HUP_PEER.store(peer.into_raw_fd(), Ordering::SeqCst);
    let reg = Registration::new(mine).expect("register");
    snow_spawn(ctx, closer, &snow_t_Int, snow_self(ctx));
    let r = reg.wait(ctx, Interest::Readable, None).expect("wait");
    *HUP.lock().unwrap() = Some((r, read_some(reg.get())));
}

#[test]
fn closing_the_peer_counts_as_readable() {
    assert_eq!(run_program(hup_main), 0);
    // Ready, and the read sees the end of the stream.
    assert_eq!(*HUP.lock().unwrap(), Some((Readiness::Ready, Vec::new())));
}

// ------------------------------------------------ two waiters

static PAIR_FDS: [AtomicI32; 2] = [AtomicI32::new(-1), AtomicI32::new(-1)];
static PAIR_MAIN: AtomicU64 = AtomicU64::new(0);
static PAIR: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Waits on socket `i` (taking it over) and tells the main process what it
/// read.
unsafe extern "C" fn pair_waiter(ctx: *mut Ctx, i: Word) {
    let s = UnixStream::from_raw_fd(PAIR_FDS[i as usize].load(Ordering::SeqCst));
    let reg = Registration::new(s).expect("register");
    let r = reg.wait(ctx, Interest::Readable, None).expect("wait");
    let got = read_some(reg.get());
    PAIR.lock().unwrap().push(format!("{i}: {r:?} {got:?}"));
    snow_send(ctx, PAIR_MAIN.load(Ordering::SeqCst), &snow_t_Int, i);
}

unsafe extern "C" fn pair_main(ctx: *mut Ctx) {
    PAIR_MAIN.store(snow_self(ctx), Ordering::SeqCst);
    let mut peers = Vec::new();
    let mut pids = Vec::new();
    for (i, fd) in PAIR_FDS.iter().enumerate() {
        let (mine, peer) = UnixStream::pair().expect("socket pair");
        fd.store(mine.into_raw_fd(), Ordering::SeqCst);
        peers.push(peer);
        pids.push(snow_spawn(ctx, pair_waiter, &snow_t_Int, i as Word));
    }
    for &p in &pids {
        wait_parked(ctx, p);
    }
    // Only the process on socket 1 wakes; the other stays parked.
    peers[1].write_all(b"one").expect("write");
    let first = recv_int(ctx, -1);
    let other = pid_table::get(pids[0]).map(|a| state_of(a.load_state()));
    PAIR.lock().unwrap().push(format!(
        "got {first:?}; 0 parked: {}",
        other == Some(S_WAIT_IO)
    ));
    peers[0].write_all(b"zero").expect("write");
    let second = recv_int(ctx, -1);
    PAIR.lock().unwrap().push(format!("got {second:?}"));
}

#[test]
fn two_processes_wait_on_their_own_descriptors() {
    assert_eq!(run_program(pair_main), 0);
    assert_eq!(
        *PAIR.lock().unwrap(),
        [
            "1: Ready [111, 110, 101]",
            "got Some(1); 0 parked: true",
            "0: Ready [122, 101, 114, 111]",
            "got Some(0)",
        ]
    );
}

// ------------------------------------------------ readiness before the park

static EARLY: Mutex<Option<(bool, Readiness)>> = Mutex::new(None);

unsafe extern "C" fn early_main(ctx: *mut Ctx) {
    let (mine, mut peer) = UnixStream::pair().expect("socket pair");
    let reg = Registration::new(mine).expect("register");
    let a = me(ctx);
    reg.arm(a, Interest::Readable).expect("arm");
    peer.write_all(b"x").expect("write");
    // The reactor sees the event while this process still runs: it raises
    // the flag, and its wake-up finds no park.
    while !a.io_ready.load(Ordering::SeqCst) {
        (*ctx).budget = -1;
        snow_slow_path(ctx, core::ptr::null());
    }
    // The park must end at once (the worker reads the flag after
    // publishing it), not by its timer (a minute off: a loaded machine
    // cannot make it come first).
    let deadline = in_ms(60_000);
    park_for_io(a, deadline);
    let by_flag = clock::now_ns() < deadline.unwrap();
    let r = reg.park_armed(a, None);
    *EARLY.lock().unwrap() = Some((by_flag, r));
}

#[test]
fn readiness_between_arming_and_parking_is_not_lost() {
    assert_eq!(run_program(early_main), 0);
    assert_eq!(*EARLY.lock().unwrap(), Some((true, Readiness::Ready)));
}

// ------------------------------------------------ the end of the program

static OUTSIDE: Mutex<Option<(Readiness, Vec<u8>)>> = Mutex::new(None);

unsafe extern "C" fn outside_main(ctx: *mut Ctx) {
    let (mine, mut peer) = UnixStream::pair().expect("socket pair");
    let reg = Registration::new(mine).expect("register");
    let me_pid = snow_self(ctx);
    // A thread outside the program writes once this process is parked and
    // every worker is idle: the reactor must keep waiting for it.
    std::thread::spawn(move || {
        while !parked(me_pid) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(50));
        peer.write_all(b"outside").expect("write");
    });
    let r = reg.wait(ctx, Interest::Readable, None).expect("wait");
    *OUTSIDE.lock().unwrap() = Some((r, read_some(reg.get())));
}

#[test]
fn a_process_waiting_for_a_descriptor_keeps_the_program_alive() {
    assert_eq!(run_program(outside_main), 0);
    assert_eq!(
        *OUTSIDE.lock().unwrap(),
        Some((Readiness::Ready, b"outside".to_vec()))
    );
}

// ------------------------------------------------ many exchanges

/// Socket pairs exchanging one byte back and forth, and how many rounds.
const TRADERS: usize = 8;
const ROUNDS: u64 = 2000;

static TRADE_FDS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static TRADE_MAIN: AtomicU64 = AtomicU64::new(0);

/// Reads one byte from `reg`, parking while there is none.
unsafe fn read_byte(ctx: *mut Ctx, reg: &Registration<UnixStream>) -> u8 {
    let mut b = [0u8; 1];
    loop {
        match reg.get().read(&mut b) {
            Ok(1) => return b[0],
            Ok(_) => panic!("the peer hung up"),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                reg.wait(ctx, Interest::Readable, None).expect("wait");
            }
            Err(e) => panic!("read: {e}"),
        }
    }
}

/// Socket `i`: even ones send first, odd ones answer; each reports the sum
/// of the bytes it read.
unsafe extern "C" fn trader(ctx: *mut Ctx, i: Word) {
    let fd = TRADE_FDS.lock().unwrap()[i as usize];
    let s = UnixStream::from_raw_fd(fd);
    s.set_nonblocking(true).expect("non-blocking");
    let reg = Registration::new(s).expect("register");
    let mut sum = 0;
    for round in 0..ROUNDS {
        if i.is_multiple_of(2) {
            reg.get().write_all(&[(round % 200) as u8]).expect("write");
            sum += read_byte(ctx, &reg) as Word;
        } else {
            let b = read_byte(ctx, &reg);
            sum += b as Word;
            reg.get().write_all(&[b + 1]).expect("write");
        }
    }
    snow_send(ctx, TRADE_MAIN.load(Ordering::SeqCst), &snow_t_Int, sum);
}

static TRADED: Mutex<Vec<i64>> = Mutex::new(Vec::new());

unsafe extern "C" fn trade_main(ctx: *mut Ctx) {
    TRADE_MAIN.store(snow_self(ctx), Ordering::SeqCst);
    for _ in 0..TRADERS / 2 {
        let (a, b) = UnixStream::pair().expect("socket pair");
        let mut fds = TRADE_FDS.lock().unwrap();
        fds.push(a.into_raw_fd());
        fds.push(b.into_raw_fd());
    }
    for i in 0..TRADERS {
        snow_spawn(ctx, trader, &snow_t_Int, i as Word);
    }
    let mut sums = Vec::new();
    for _ in 0..TRADERS {
        sums.push(recv_int(ctx, -1).expect("a sum"));
    }
    sums.sort();
    *TRADED.lock().unwrap() = sums;
}

/// Every wake-up arrives while the workers take descriptor events
/// themselves (busy ones between dispatches, an idle one waiting on the
/// poller) and hand processes to each other.
#[test]
fn many_processes_trading_over_sockets_all_finish() {
    assert_eq!(run_program(trade_main), 0);
    // Bytes 0..199 cycle: ten cycles of 0+..+199 = 19900 each.
    let answered = 10 * 19900;
    let asked = answered + ROUNDS as i64;
    let mut want = vec![answered; TRADERS / 2];
    want.extend(vec![asked; TRADERS / 2]);
    assert_eq!(*TRADED.lock().unwrap(), want);
}

// ------------------------------------------------ wait_or and nudge

static NUDGED: AtomicBool = AtomicBool::new(false);
static WAIT_OR: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Makes the main process's condition true once it is parked, then nudges.
unsafe extern "C" fn nudger(ctx: *mut Ctx, main: Word) {
    wait_parked(ctx, main);
    NUDGED.store(true, Ordering::SeqCst);
    nudge(&pid_table::get(main).expect("main is alive"));
}

unsafe extern "C" fn wait_or_main(ctx: *mut Ctx) {
    let (mine, _peer) = UnixStream::pair().expect("socket pair");
    let reg = Registration::new(mine).expect("register");
    let pending = || NUDGED.load(Ordering::SeqCst);
    let mut seen = Vec::new();
    // Nothing happens: the deadline ends the wait.
    let r = reg.wait_or(ctx, Interest::Readable, in_ms(20), pending);
    seen.push(format!("{r:?} {}", pending()));
    // The condition made true while parked: the nudge ends the wait.
    snow_spawn(ctx, nudger, &snow_t_Int, snow_self(ctx));
    let r = reg.wait_or(ctx, Interest::Readable, in_ms(60_000), pending);
    seen.push(format!("{r:?} {}", pending()));
    // Already true: no park at all.
    let r = reg.wait_or(ctx, Interest::Readable, None, pending);
    seen.push(format!("{r:?} {}", pending()));
    *WAIT_OR.lock().unwrap() = seen;
}

#[test]
fn wait_or_ends_on_a_nudge_or_a_condition_already_true() {
    assert_eq!(run_program(wait_or_main), 0);
    assert_eq!(
        *WAIT_OR.lock().unwrap(),
        ["Ok(TimedOut) false", "Ok(Ready) true", "Ok(Ready) true"]
    );
}

// ------------------------------------------------ events that wake nobody

/// Programs run, and rounds of each.
const ENDINGS: usize = 200;
const ENDING_ROUNDS: usize = 4;

/// Exits at once: gives the other worker something to finish, so it is
/// going idle (looking for work) just when the event below comes.
unsafe extern "C" fn brief(_ctx: *mut Ctx, _arg: Word) {}

/// Each round a thread outside the program closes the peer of a fresh
/// registration while this process runs between arming and parking: the
/// worker that takes the event finds no park to end (the raised flag ends
/// the wait instead), often while it is going idle. The program then
/// ends, which it only can if that look was counted back.
unsafe extern "C" fn ending_main(ctx: *mut Ctx) {
    let (tx, rx) = std::sync::mpsc::channel::<(UnixStream, Arc<AtomicBool>)>();
    let closer = std::thread::spawn(move || {
        for (peer, closed) in rx {
            drop(peer);
            closed.store(true, Ordering::SeqCst);
        }
    });
    for _ in 0..ENDING_ROUNDS {
        let (mine, peer) = UnixStream::pair().expect("socket pair");
        let reg = Registration::new(mine).expect("register");
        let closed = Arc::new(AtomicBool::new(false));
        let peer = std::cell::Cell::new(Some(peer));
        let pending = || {
            // The second spawn takes this worker's next slot and leaves
            // the first to be stolen by the other worker.
            snow_spawn(ctx, brief, &snow_t_Int, 0);
            snow_spawn(ctx, brief, &snow_t_Int, 0);
            if let Some(p) = peer.take() {
                tx.send((p, closed.clone())).expect("closer");
            }
            while !closed.load(Ordering::SeqCst) {
                std::hint::spin_loop();
            }
            let until = clock::now_ns() + 50_000;
            while clock::now_ns() < until {
                std::hint::spin_loop();
            }
            false
        };
        let r = reg.wait_or(ctx, Interest::Readable, None, pending);
        assert_eq!(r.expect("wait"), Readiness::Ready);
    }
    drop(tx);
    closer.join().expect("closer");
}

#[test]
fn events_that_wake_nobody_do_not_keep_the_program_alive() {
    run_programs_watched(ENDINGS, ending_main);
}
