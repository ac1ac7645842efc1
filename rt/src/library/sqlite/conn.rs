//! One SQLite connection over the C API: open with the busy timeout, run
//! the first statement of the text with TEXT parameters, read rows through
//! the value table. Errors are SQLite's own messages or ours (§5.8).

use super::api;
use libsqlite3_sys as ffi;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Contention waits this long before `database is locked` ([proposed]).
pub const BUSY_TIMEOUT_MS: c_int = 5000;

/// The busy timeout: `BUSY_TIMEOUT_MS`, or for tests (which should not
/// wait 5 s to see a locked database) `SNOW_SQLITE_BUSY_TIMEOUT_MS`.
fn busy_timeout_ms() -> c_int {
    static MS: OnceLock<c_int> = OnceLock::new();
    *MS.get_or_init(|| {
        std::env::var("SNOW_SQLITE_BUSY_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|&ms: &c_int| ms >= 0)
            .unwrap_or(BUSY_TIMEOUT_MS)
    })
}

pub use crate::library::row::Row;

fn alive(pid: u64) -> bool {
    crate::process::pid_table::get(pid).is_some_and(|a| !a.is_done())
}

pub struct Conn {
    db: *mut ffi::sqlite3,
    /// Transactions rolled back so far, explicitly or by SQLite itself
    /// after an error (counted by the rollback hook; boxed so its address
    /// stays put while the connection moves).
    rollbacks: Box<AtomicU64>,
    /// The process running `Sqlite.transaction` on this connection, if
    /// any (a transaction opened by `Sqlite.begin` has no owner: another
    /// process may commit it, even after the first one ended).
    owner: Option<u64>,
}

/// The rollback hook: counts into the connection's `rollbacks`.
unsafe extern "C" fn count_rollback(count: *mut c_void) {
    (*(count as *const AtomicU64)).fetch_add(1, Ordering::SeqCst);
}

// The connection is used by one thread at a time (its handle entry holds
// it under a mutex); SQLite itself is built thread-safe.
unsafe impl Send for Conn {}

impl Drop for Conn {
    fn drop(&mut self) {
        // Statements never outlive a call, so none is open here.
        unsafe { (api::get().close)(self.db) };
    }
}

fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Conn {
    /// Opens `path` read-write, creating it if needed (`:memory:` is a
    /// private in-memory database; URI filenames stay off).
    pub fn open(path: &str) -> Result<Conn, String> {
        let c = CString::new(path).map_err(|_| "path contains null byte".to_string())?;
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
        let rc = unsafe { (api::get().open_v2)(c.as_ptr(), &mut db, flags, ptr::null()) };
        // Even a failed open may allocate a handle (to carry the message).
        let conn = Conn {
            db,
            rollbacks: Box::default(),
            owner: None,
        };
        if rc != ffi::SQLITE_OK {
            return Err(conn.error(rc));
        }
        let count = &*conn.rollbacks as *const AtomicU64 as *mut c_void;
        unsafe {
            (api::get().busy_timeout)(db, busy_timeout_ms());
            (api::get().rollback_hook)(db, Some(count_rollback), count);
        }
        Ok(conn)
    }

    /// The message for `rc`: the connection's, else the code's.
    fn error(&self, rc: c_int) -> String {
        let msg = if self.db.is_null() {
            None
        } else {
            text(unsafe { (api::get().errmsg)(self.db) })
        };
        msg.or_else(|| text(unsafe { (api::get().errstr)(rc) }))
            .unwrap_or_else(|| "unknown SQLite error".into())
    }

    /// Prepares the first statement of `sql` (the rest is ignored) and
    /// binds `params` as TEXT (`None` as NULL) to parameters 1, 2, ...;
    /// `None` for text without a statement.
    fn prepare(&self, sql: &str, params: &[Option<String>]) -> Result<Option<Stmt>, String> {
        let c = CString::new(sql).map_err(|_| "SQL contains null byte".to_string())?;
        let params = params
            .iter()
            .map(|p| p.as_deref().map(CString::new).transpose())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| "parameter contains null byte".to_string())?;
        let mut raw = ptr::null_mut();
        let rc =
            unsafe { (api::get().prepare_v2)(self.db, c.as_ptr(), -1, &mut raw, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc));
        }
        if raw.is_null() {
            return Ok(None);
        }
        let stmt = Stmt(raw);
        for (i, p) in params.iter().enumerate() {
            let at = i as c_int + 1;
            let rc = unsafe {
                match p {
                    Some(p) => {
                        (api::get().bind_text)(raw, at, p.as_ptr(), -1, ffi::SQLITE_TRANSIENT())
                    }
                    None => (api::get().bind_null)(raw, at),
                }
            };
            if rc != ffi::SQLITE_OK {
                // A range error leaves the connection's message untouched.
                return Err(text(unsafe { (api::get().errstr)(rc) })
                    .unwrap_or_else(|| "unknown SQLite error".into()));
            }
        }
        Ok(Some(stmt))
    }

    /// Steps the statement to its end, dropping any rows; the number of
    /// rows it changed, 0 for anything but INSERT/UPDATE/DELETE/REPLACE
    /// (DDL would report the count of an earlier statement, so a count
    /// only if the total moved). A statement with RETURNING makes its
    /// changes only as it is stepped, so the counters are read at the end.
    pub fn execute(&self, sql: &str, params: &[Option<String>]) -> Result<i64, String> {
        let Some(stmt) = self.prepare(sql, params)? else {
            return Ok(0);
        };
        let before = unsafe { (api::get().total_changes64)(self.db) };
        loop {
            match unsafe { (api::get().step)(stmt.0) } {
                ffi::SQLITE_ROW => {}
                ffi::SQLITE_DONE => break,
                rc => return Err(self.error(rc)),
            }
        }
        let moved = unsafe { (api::get().total_changes64)(self.db) } != before;
        Ok(if moved {
            unsafe { (api::get().changes64)(self.db) }
        } else {
            0
        })
    }

    /// No transaction is open (SQLite's autocommit mode).
    pub fn autocommit(&self) -> bool {
        unsafe { (api::get().get_autocommit)(self.db) != 0 }
    }

    /// Runs one call, first rolling back a transaction whose owner has
    /// died: exits do not unwind, so a process killed inside
    /// `Sqlite.transaction`'s callback could not end it.
    pub fn call<R>(&mut self, f: impl FnOnce(&mut Conn) -> Result<R, String>) -> Result<R, String> {
        if self.autocommit() {
            self.owner = None;
        } else if self.owner.is_some_and(|p| !alive(p)) {
            let _ = self.execute("ROLLBACK", &[]);
            self.owner = None;
        }
        let r = f(self);
        if self.autocommit() {
            self.owner = None;
        }
        r
    }

    /// BEGIN IMMEDIATE for `Sqlite.transaction` run by process `pid`,
    /// which then owns the transaction until it ends; the rollback count
    /// after it. The write lock is taken here, where a busy database is
    /// waited for: a deferred transaction that read first fails its
    /// write at once with `database is locked` when another connection
    /// is writing (SQLite skips the busy wait where it could deadlock).
    pub fn begin_owned(&mut self, pid: u64) -> Result<u64, String> {
        self.execute("BEGIN IMMEDIATE", &[])?;
        self.owner = Some(pid);
        Ok(self.rollbacks())
    }

    /// How many transactions have been rolled back on this connection.
    pub fn rollbacks(&self) -> u64 {
        self.rollbacks.load(Ordering::SeqCst)
    }

    /// Every row of the statement, as (column name, text) pairs in column
    /// order (a caller building a map lets a later duplicate win).
    pub fn query(&self, sql: &str, params: &[Option<String>]) -> Result<Vec<Row>, String> {
        let Some(stmt) = self.prepare(sql, params)? else {
            return Ok(Vec::new());
        };
        let n = unsafe { (api::get().column_count)(stmt.0) };
        let names: Vec<String> = (0..n)
            .map(|i| text(unsafe { (api::get().column_name)(stmt.0, i) }).unwrap_or_default())
            .collect();
        let mut rows = Vec::new();
        loop {
            match unsafe { (api::get().step)(stmt.0) } {
                ffi::SQLITE_ROW => {}
                ffi::SQLITE_DONE => return Ok(rows),
                rc => return Err(self.error(rc)),
            }
            let row = (0..n)
                .map(|i| (names[i as usize].clone(), unsafe { value(stmt.0, i) }))
                .collect();
            rows.push(row);
        }
    }
}

/// A column's value as text (§5.4 value table): NULL is empty, a BLOB is
/// its bytes up to the first NUL, anything else SQLite's text conversion
/// (which formats REAL as `95.5`, `1.0`).
unsafe fn value(stmt: *mut ffi::sqlite3_stmt, i: c_int) -> String {
    match (api::get().column_type)(stmt, i) {
        ffi::SQLITE_NULL => String::new(),
        ffi::SQLITE_BLOB => {
            let p = (api::get().column_blob)(stmt, i) as *const u8;
            let n = (api::get().column_bytes)(stmt, i) as usize;
            if p.is_null() {
                return String::new();
            }
            let bytes = std::slice::from_raw_parts(p, n);
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(n);
            String::from_utf8_lossy(&bytes[..end]).into_owned()
        }
        _ => {
            let p = (api::get().column_text)(stmt, i);
            let n = (api::get().column_bytes)(stmt, i) as usize;
            if p.is_null() {
                return String::new();
            }
            String::from_utf8_lossy(std::slice::from_raw_parts(p, n)).into_owned()
        }
    }
}

struct Stmt(*mut ffi::sqlite3_stmt);

impl Drop for Stmt {
    fn drop(&mut self) {
        unsafe { (api::get().finalize)(self.0) };
    }
}
