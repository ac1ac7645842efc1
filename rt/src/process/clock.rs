//! The monotonic clock deadlines and timers use: nanoseconds since the
//! runtime started; and its C entries.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

pub fn init() {
    START.get_or_init(Instant::now);
}

pub fn now_ns() -> u64 {
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// Milliseconds, rounded up: a deadline computed as `now_ms() + t` is never
/// earlier than `t` ms from now.
pub fn now_ms() -> i64 {
    now_ns().div_ceil(1_000_000) as i64
}

/// The clock reading (ns) at which a deadline given in ms is reached.
pub fn ms_to_ns(ms: i64) -> u64 {
    (ms.max(0) as u64).saturating_mul(1_000_000)
}

/// Milliseconds on the monotonic clock, rounded up.
#[no_mangle]
pub extern "C" fn snow_now_ms() -> i64 {
    now_ms()
}

/// The deadline of `receive ... after t`: -1 for a negative `t` (no
/// deadline), 0 for `after 0` (already passed: never blocks), else
/// `snow_now_ms() + t`.
#[no_mangle]
pub extern "C" fn snow_deadline_ms(t: i64) -> i64 {
    match t {
        t if t < 0 => -1,
        0 => 0,
        t => now_ms().saturating_add(t),
    }
}
