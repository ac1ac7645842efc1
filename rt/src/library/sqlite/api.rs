//! The SQLite functions the runtime calls, as a table of pointers handed
//! over by `Sqlite.open`'s C entry point (c-support/snow_sqlite.c). The
//! Rust code never names a SQLite function, so the runtime's own object
//! does not make the linker pull SQLite into every program: only a
//! program that opens a database links the C file, and with it SQLite.

use libsqlite3_sys::{sqlite3, sqlite3_int64, sqlite3_stmt};
use std::ffi::{c_char, c_int, c_void};
use std::sync::OnceLock;

/// Field for field `struct snow_sqlite_api` of c-support/snow_sqlite.c.
#[repr(C)]
pub struct Api {
    pub open_v2:
        unsafe extern "C" fn(*const c_char, *mut *mut sqlite3, c_int, *const c_char) -> c_int,
    pub close: unsafe extern "C" fn(*mut sqlite3) -> c_int,
    pub errmsg: unsafe extern "C" fn(*mut sqlite3) -> *const c_char,
    pub errstr: unsafe extern "C" fn(c_int) -> *const c_char,
    pub busy_timeout: unsafe extern "C" fn(*mut sqlite3, c_int) -> c_int,
    pub rollback_hook: unsafe extern "C" fn(
        *mut sqlite3,
        Option<unsafe extern "C" fn(*mut c_void)>,
        *mut c_void,
    ) -> *mut c_void,
    pub prepare_v2: unsafe extern "C" fn(
        *mut sqlite3,
        *const c_char,
        c_int,
        *mut *mut sqlite3_stmt,
        *mut *const c_char,
    ) -> c_int,
    pub bind_text: unsafe extern "C" fn(
        *mut sqlite3_stmt,
        c_int,
        *const c_char,
        c_int,
        Option<unsafe extern "C" fn(*mut c_void)>,
    ) -> c_int,
    pub step: unsafe extern "C" fn(*mut sqlite3_stmt) -> c_int,
    pub finalize: unsafe extern "C" fn(*mut sqlite3_stmt) -> c_int,
    pub total_changes64: unsafe extern "C" fn(*mut sqlite3) -> sqlite3_int64,
    pub changes64: unsafe extern "C" fn(*mut sqlite3) -> sqlite3_int64,
    pub get_autocommit: unsafe extern "C" fn(*mut sqlite3) -> c_int,
    pub column_count: unsafe extern "C" fn(*mut sqlite3_stmt) -> c_int,
    pub column_name: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> *const c_char,
    pub column_type: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> c_int,
    pub column_blob: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> *const c_void,
    pub column_text: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> *const u8,
    pub column_bytes: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> c_int,
    pub bind_null: unsafe extern "C" fn(*mut sqlite3_stmt, c_int) -> c_int,
}

static API: OnceLock<&'static Api> = OnceLock::new();

/// Takes the table (the same one every time).
///
/// # Safety
/// `api` points to c-support/snow_sqlite.c's table, which lives forever.
pub unsafe fn set(api: *const Api) {
    API.get_or_init(|| &*api);
}

/// The table. Only connections call SQLite, and every connection was
/// made by `Sqlite.open`, which handed the table over first.
pub fn get() -> &'static Api {
    API.get().expect("SQLite is used only after Sqlite.open")
}

#[cfg(test)]
extern "C" {
    /// c-support/snow_sqlite.c's table.
    fn snow_sqlite_api() -> *const Api;
}

/// For unit tests, which open connections without `Sqlite.open`.
#[cfg(test)]
pub fn set_for_tests() {
    // SAFETY: the C file's table lives forever.
    unsafe { set(snow_sqlite_api()) }
}
