//! `Math.*` (chapter 03 §3.14) except abs/min/max, which need a numeric
//! constraint in the checker. Float → Int conversions saturate (NaN → 0),
//! which is what Rust's `as` does.

#[no_mangle]
pub extern "C" fn snow_math_pow(base: f64, exp: f64) -> f64 {
    base.powf(exp)
}

#[no_mangle]
pub extern "C" fn snow_math_sqrt(x: f64) -> f64 {
    x.sqrt()
}

#[no_mangle]
pub extern "C" fn snow_math_floor(x: f64) -> i64 {
    x.floor() as i64
}

#[no_mangle]
pub extern "C" fn snow_math_ceil(x: f64) -> i64 {
    x.ceil() as i64
}

/// Nearest integer, ties away from zero (`f64::round`).
#[no_mangle]
pub extern "C" fn snow_math_round(x: f64) -> i64 {
    x.round() as i64
}

/// `Math.pi`, a constant entry.
#[no_mangle]
pub extern "C" fn snow_math_pi() -> f64 {
    core::f64::consts::PI
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_saturation() {
        assert_eq!(snow_math_round(2.5), 3);
        assert_eq!(snow_math_round(-2.5), -3);
        assert_eq!(snow_math_round(0.5), 1);
        assert_eq!(snow_math_round(3.4), 3);
        assert_eq!(snow_math_floor(-2.3), -3);
        assert_eq!(snow_math_ceil(-2.7), -2);
        assert_eq!(snow_math_floor(f64::NAN), 0);
        assert_eq!(snow_math_ceil(f64::INFINITY), i64::MAX);
        assert_eq!(snow_math_round(-1e300), i64::MIN);
        assert_eq!(snow_math_pow(2.0, 10.0), 1024.0);
        assert!(snow_math_pow(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(snow_math_pow(f64::NAN, 0.0), 1.0);
        assert!(snow_math_sqrt(-1.0).is_nan());
        assert!(snow_math_sqrt(-0.0).is_sign_negative());
        assert_eq!(format!("{}", snow_math_sqrt(2.0)), "1.4142135623730951");
        assert_eq!(format!("{}", snow_math_pi()), "3.141592653589793");
    }
}
