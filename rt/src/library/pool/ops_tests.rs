//! A process killed while the pool connects for it (exits do not unwind)
//! gives its reserved slot back.

use super::*;
use crate::base::abi::{snow_t_Int, Word};
use crate::io::machine_tests::{kill_and_wait, run_program, wait_parked, yield_until_or_minute};
use crate::process::primitives::snow_spawn;
use std::net::TcpListener;

/// The pool's size while the checkout waited for the server, and after
/// its process was killed.
static SEEN: Mutex<Option<(usize, usize)>> = Mutex::new(None);

/// Checks a connection out of the pool `h`: parks in the connect, the
/// server never answering.
unsafe extern "C" fn checker(ctx: *mut Ctx, h: Word) {
    let _ = checkout(ctx, h as i64);
}

unsafe extern "C" fn killed_connecting(ctx: *mut Ctx) {
    // Connections land in the backlog; nothing ever answers them.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let url = format!("postgres://u@127.0.0.1:{port}/d?sslmode=disable");
    // A checkout deadline far off: the checker must still be parked when
    // this process, however slow, gets to kill it.
    let h = open(ctx, &url, 0, 1, 60_000).expect("open");
    let pool = table().get(h).expect("the pool");
    let pid = snow_spawn(ctx, checker, &snow_t_Int, h as Word);
    wait_parked(ctx, pid);
    let during = pool.state().total();
    kill_and_wait(ctx, pid);
    // Its resources are dropped just after its pid leaves the table, on a
    // worker a loaded machine may hold up: waited for by time, not by a
    // count of yields. A slot never given back shows as 1 after the wait.
    yield_until_or_minute(ctx, || pool.state().total() == 0);
    *SEEN.lock().unwrap() = Some((during, pool.state().total()));
    close(ctx, h);
}

#[test]
fn a_process_killed_while_connecting_frees_its_slot() {
    assert_eq!(run_program(killed_connecting), 0);
    assert_eq!(*SEEN.lock().unwrap(), Some((1, 0)));
}
