//! The command-line driver: arguments, diagnostics rendering, invoking the C
//! compiler, linking the runtime.

pub fn main() -> i32 {
    0
}
