//! Standard output and error. stdout is buffered in the runtime and written
//! in whole calls, so one call's text is never split by another's; it is
//! flushed when the buffer fills, at exit and at panic (and per line when
//! stdout is a terminal, so interactive output appears promptly). stderr is
//! unbuffered.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static OUT_IS_TTY: AtomicBool = AtomicBool::new(false);
const FLUSH_AT: usize = 64 * 1024;

pub fn init() {
    // SAFETY: isatty only inspects the descriptor.
    let tty = unsafe { libc::isatty(1) } == 1;
    OUT_IS_TTY.store(tty, Ordering::Relaxed);
}

/// Writes all of `bytes` to `fd`, retrying on interruption and partial
/// writes. Errors (a closed pipe) drop the output: there is nobody to tell.
pub fn write_fd(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: the pointer/length pair comes from a live slice.
        let n = unsafe { libc::write(fd, bytes.as_ptr() as *const _, bytes.len()) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

fn out_buf() -> std::sync::MutexGuard<'static, Vec<u8>> {
    // A poisoned lock only means another thread died mid-print; the bytes
    // are still a valid buffer.
    OUT.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn print_bytes(parts: &[&[u8]]) {
    let mut out = out_buf();
    for p in parts {
        out.extend_from_slice(p);
    }
    let line_flush = OUT_IS_TTY.load(Ordering::Relaxed) && out.contains(&b'\n');
    if out.len() >= FLUSH_AT || line_flush {
        write_fd(1, &out);
        out.clear();
    }
}

pub fn flush_stdout() {
    let mut out = out_buf();
    if !out.is_empty() {
        write_fd(1, &out);
        out.clear();
    }
}
