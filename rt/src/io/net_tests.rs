//! Sockets owned by processes: a process killed while parked on a read
//! gives its descriptor and its reactor entry back.

use super::*;
use crate::base::abi::{snow_t_Int, Word};
use crate::io::machine_tests::{give_way, kill_and_wait, run_program, wait_parked};
use crate::process::primitives::snow_spawn;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::sync::Mutex;

static SEEN: Mutex<Option<(usize, usize, usize)>> = Mutex::new(None);

fn registrations() -> usize {
    crate::io::reactor::get().waiters().by_key_len()
}

/// Waits for `pid` to park on a descriptor, kills it, waits for its end;
/// the registrations while it was parked.
unsafe fn kill_when_parked(ctx: *mut Ctx, pid: u64) -> usize {
    wait_parked(ctx, pid);
    let during = registrations();
    kill_and_wait(ctx, pid);
    during
}

/// Adopts the socket and reads: parks until killed.
unsafe extern "C" fn reader(ctx: *mut Ctx, fd: Word) {
    let s = Stream::adopt(ctx, TcpStream::from_raw_fd(fd as i32)).expect("adopt");
    let mut buf = [0u8; 8];
    let _ = (*s).read(&mut buf);
    unreachable!("nothing is ever written");
}

unsafe extern "C" fn killed_main(ctx: *mut Ctx) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let mut client = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
    let (server_side, _) = l.accept().expect("accept");
    let before = registrations();
    let pid = snow_spawn(ctx, reader, &snow_t_Int, server_side.into_raw_fd() as Word);
    let during = kill_when_parked(ctx, pid) - before;
    // The peer sees the end of the stream: the descriptor was closed.
    let mut buf = [0u8; 8];
    // (A hang detector only: an open descriptor would never answer.)
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("timeout");
    let eof = client.read(&mut buf).unwrap_or(usize::MAX);
    *SEEN.lock().unwrap() = Some((during, registrations() - before, eof));
}

#[test]
fn a_process_killed_while_reading_closes_its_socket() {
    assert_eq!(run_program(killed_main), 0);
    assert_eq!(*SEEN.lock().unwrap(), Some((1, 0, 0)));
}

static CONNECTED: Mutex<Option<(bool, usize, usize, usize)>> = Mutex::new(None);

/// Connects to the port in `port` and reads: parks until killed.
unsafe extern "C" fn connector(ctx: *mut Ctx, port: Word) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port as u16));
    let s = Stream::connect(ctx, &addr, None).expect("connect");
    let mut buf = [0u8; 8];
    let _ = (*s).read(&mut buf);
    unreachable!("nothing is ever written");
}

unsafe extern "C" fn connect_main(ctx: *mut Ctx) {
    let free = TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = free.local_addr().expect("addr");
    drop(free);
    let refused = Stream::connect(ctx, &closed, None).err().map(|e| e.kind());
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.set_nonblocking(true).expect("nonblocking");
    let before = registrations();
    let port = l.local_addr().expect("addr").port();
    let pid = snow_spawn(ctx, connector, &snow_t_Int, port as Word);
    let mut peer = loop {
        match l.accept() {
            Ok((s, _)) => break s,
            Err(_) => give_way(ctx),
        }
    };
    let during = kill_when_parked(ctx, pid) - before;
    peer.set_nonblocking(false).expect("blocking");
    peer.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("timeout");
    let eof = peer.read(&mut [0u8; 8]).unwrap_or(usize::MAX);
    let refused = refused == Some(std::io::ErrorKind::ConnectionRefused);
    *CONNECTED.lock().unwrap() = Some((refused, during, registrations() - before, eof));
}

#[test]
fn connect_is_refused_or_parks_and_a_kill_closes_the_socket() {
    assert_eq!(run_program(connect_main), 0);
    assert_eq!(*CONNECTED.lock().unwrap(), Some((true, 1, 0, 0)));
}
