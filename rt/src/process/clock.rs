//! The monotonic clock timers and `snow_now_ms` use: nanoseconds since the
//! runtime started.

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
