//! `IO.print`, `IO.println`, `IO.eprintln` (through the buffered stdout of
//! `base::console`), `IO.read_line` (chapter 03 §3.4), `Env.get` (§3.5) and
//! the [proposed] `Env.args` (§3.19).

use super::text;
use crate::base::abi::*;
use crate::base::console;
use crate::values::layout;
use crate::values::string::new_str;
use std::io::BufRead;

/// Milliseconds from the environment variable `var` (`default` when unset
/// or not a number), in nanoseconds: the runtime's tunable timeouts.
pub fn env_ms(var: &str, default: u64) -> u64 {
    let ms = std::env::var(var).ok().and_then(|v| v.parse().ok());
    ms.unwrap_or(default).saturating_mul(1_000_000)
}

/// The text of an invalid-UTF-8 error, as Rust's `read_to_string` words it.
pub const NOT_UTF8: &[u8] = b"stream did not contain valid UTF-8";

/// # Safety
/// `s` is a live string object.
#[no_mangle]
pub unsafe extern "C" fn snow_print(_ctx: *mut Ctx, s: *mut SnowStr) {
    console::print_bytes(&[SnowStr::bytes(s)]);
}

/// # Safety
/// `s` is a live string object.
#[no_mangle]
pub unsafe extern "C" fn snow_println(_ctx: *mut Ctx, s: *mut SnowStr) {
    console::print_bytes(&[SnowStr::bytes(s), b"\n"]);
}

/// # Safety
/// `s` is a live string object.
#[no_mangle]
pub unsafe extern "C" fn snow_eprintln(_ctx: *mut Ctx, s: *mut SnowStr) {
    let b = SnowStr::bytes(s);
    let mut line = Vec::with_capacity(b.len() + 1);
    line.extend_from_slice(b);
    line.push(b'\n');
    console::write_fd(2, &line);
}

/// Reads one line from stdin (through std's shared buffered reader, so
/// consecutive calls never lose buffered bytes).
///
/// # Safety
/// `res` is `Result<String, String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_io_read_line(ctx: *mut Ctx, res: *const SnowType) -> *mut u8 {
    // Prompts printed with `print` must appear before we block (§3.3).
    console::flush_stdout();
    let mut buf = Vec::new();
    let read = std::io::stdin().lock().read_until(b'\n', &mut buf);
    if let Err(e) = read {
        return layout::result(ctx, res, Err(e.to_string().as_bytes()));
    }
    let line = text::strip_line_end(&buf);
    if core::str::from_utf8(line).is_err() {
        return layout::result(ctx, res, Err(NOT_UTF8));
    }
    let s = new_str(ctx, line) as usize as Word;
    layout::result(ctx, res, Ok(s))
}

/// # Safety
/// `opt` is `Option<String>`; `name` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_env_get(
    ctx: *mut Ctx,
    opt: *const SnowType,
    name: *mut SnowStr,
) -> *mut u8 {
    let name = crate::values::string::str_of(name);
    // Names the OS cannot hold are simply unset (std would reject them).
    let value = if name.is_empty() || name.contains(['=', '\0']) {
        None
    } else {
        std::env::var(name).ok()
    };
    match value {
        Some(v) => {
            let s = new_str(ctx, v.as_bytes()) as usize as Word;
            layout::option(ctx, opt, Some(s))
        }
        None => layout::option(ctx, opt, None),
    }
}

/// The program path followed by its arguments; bytes that are not UTF-8
/// become U+FFFD.
///
/// # Safety
/// `list_type` is `List<String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_env_args(ctx: *mut Ctx, list_type: *const SnowType) -> *mut SnowList {
    let args: Vec<String> = crate::library::program::args()
        .iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    layout::list_of_strs(ctx, list_type, args.iter().map(|a| a.as_bytes()))
}

/// `Process.whereis(name) -> Option<Pid>`.
///
/// # Safety
/// `ctx` is the running process, `opt` describes `Option<Pid>`, `name` is a
/// live string.
#[no_mangle]
pub unsafe extern "C" fn snow_process_whereis(
    ctx: *mut Ctx,
    opt: *const SnowType,
    name: *mut SnowStr,
) -> *mut u8 {
    let mut pid = 0u64;
    let found = crate::process::primitives::snow_whereis(ctx, name, &mut pid);
    layout::option(ctx, opt, found.then_some(pid as Word))
}
