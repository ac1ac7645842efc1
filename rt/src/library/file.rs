//! `File.*` (chapter 03 §3.6). Error texts are Rust's `io::Error` Display
//! (`No such file or directory (os error 2)`).

use crate::base::abi::*;
use crate::values::layout;
use crate::values::string::new_str;
use crate::values::string::str_of;
use std::io::Write;

fn unit_result(r: std::io::Result<()>) -> Result<Word, Vec<u8>> {
    r.map(|()| 0).map_err(|e| e.to_string().into_bytes())
}

unsafe fn finish(ctx: *mut Ctx, res: *const SnowType, r: Result<Word, Vec<u8>>) -> *mut u8 {
    match r {
        Ok(w) => layout::result(ctx, res, Ok(w)),
        Err(msg) => layout::result(ctx, res, Err(&msg)),
    }
}

/// # Safety
/// `res` is `Result<String, String>`; `path` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_file_read(
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
) -> *mut u8 {
    let r = match std::fs::read(str_of(path)) {
        Err(e) => Err(e.to_string().into_bytes()),
        Ok(bytes) if core::str::from_utf8(&bytes).is_err() => Err(super::system::NOT_UTF8.to_vec()),
        Ok(bytes) => Ok(new_str(ctx, &bytes) as usize as Word),
    };
    finish(ctx, res, r)
}

/// # Safety
/// `res` is `Result<(), String>`; both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_file_write(
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
    content: *mut SnowStr,
) -> *mut u8 {
    let r = std::fs::write(str_of(path), SnowStr::bytes(content));
    finish(ctx, res, unit_result(r))
}

/// # Safety
/// `res` is `Result<(), String>`; both are live strings.
#[no_mangle]
pub unsafe extern "C" fn snow_file_append(
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
    content: *mut SnowStr,
) -> *mut u8 {
    let r = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(str_of(path))
        .and_then(|mut f| f.write_all(SnowStr::bytes(content)));
    finish(ctx, res, unit_result(r))
}

/// Anything that exists, symlinks followed; `false` when it cannot be told.
///
/// # Safety
/// `path` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_file_exists(path: *mut SnowStr) -> bool {
    std::path::Path::new(str_of(path)).exists()
}

/// Removes a file (not a directory).
///
/// # Safety
/// `res` is `Result<(), String>`; `path` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_file_delete(
    ctx: *mut Ctx,
    res: *const SnowType,
    path: *mut SnowStr,
) -> *mut u8 {
    let r = std::fs::remove_file(str_of(path));
    finish(ctx, res, unit_result(r))
}
