//! Statements (§5.5.2, §5.5.3): `execute` and `query` over the extended
//! protocol (a named statement parsed once per connection, see `stmts`;
//! the unnamed portal; text parameters and results; written in one go and
//! ending with Sync), `simple` over the simple
//! protocol for BEGIN/COMMIT/ROLLBACK. Every reply is read through
//! ReadyForQuery, after an error too, so the connection stays usable; the
//! status byte is kept for transactions. A call that cannot read its reply
//! to the end (I/O error, timeout, bytes out of step) marks the connection
//! `broken` (`slot` drops it); COPY is refused with the connection kept in
//! step.

use super::conn::{io_text, Conn};
use super::stmts::{is_ddl, Plan};
use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::{ErrorResponseBody, Message};
use postgres_protocol::message::frontend;
use postgres_protocol::IsNull;

/// A row: column names and values, in the server's column order.
pub use crate::library::row::Row;

/// What a statement gave: the rows (for `query`) and the count.
#[derive(Default)]
pub struct Outcome {
    pub rows: Vec<Row>,
    pub count: i64,
}

/// The field of type `t` of an error.
fn error_field(b: &ErrorResponseBody, t: u8) -> Option<String> {
    let mut f = b.fields();
    while let Ok(Some(field)) = f.next() {
        if field.type_() == t {
            return Some(String::from_utf8_lossy(field.value_bytes()).into_owned());
        }
    }
    None
}

/// The `M` (message) field of an error.
pub fn error_text(b: &ErrorResponseBody) -> String {
    error_field(b, b'M').unwrap_or_else(|| "unknown server error".into())
}

/// The last number of a CommandComplete tag; 0 when there is none.
pub fn tag_count(tag: &str) -> i64 {
    tag.rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// What a batch's reply said besides its outcome.
struct Reply {
    result: Result<Outcome, String>,
    /// The batch's Parse succeeded.
    parsed: bool,
    /// The SQLSTATE of the first error.
    code: Option<String>,
}

/// SQLSTATEs of a cached statement gone stale: its result type changed
/// under it (`feature_not_supported`, "cached plan must not change result
/// type"), or the server no longer has it (`invalid_sql_statement_name`).
const STALE: [&str; 2] = ["0A000", "26000"];

/// The error of a COPY statement.
pub const COPY: &str = "COPY is not supported";

impl Conn {
    /// Runs one statement with text parameters (`None` is NULL). `what`
    /// names the call in I/O errors (`execute`, `query`). The statement is
    /// parsed once per connection (`stmts`); one that went stale is parsed
    /// again and run once more, when no transaction is open (in one, the
    /// error has aborted it, so it is the caller's).
    pub fn extended(
        &mut self,
        what: &str,
        sql: &str,
        params: &[Option<String>],
        rows: bool,
    ) -> Result<Outcome, String> {
        if sql.contains('\0') {
            return Err("SQL contains null byte".into());
        }
        let (r, stale) = self.run_once(what, sql, params, rows)?;
        match r {
            Err(_) if stale && self.status == b'I' => self.run_once(what, sql, params, rows)?.0,
            r => r,
        }
    }

    /// One batch for `sql`: the result, and whether a cached statement
    /// failed as stale. The outer error is a message that could not be
    /// built.
    fn run_once(
        &mut self,
        what: &str,
        sql: &str,
        params: &[Option<String>],
        rows: bool,
    ) -> Result<(Result<Outcome, String>, bool), String> {
        let plan = self.stmts.plan(sql);
        let mut out = BytesMut::new();
        for name in self.stmts.take_doomed() {
            frontend::close(b'S', &name, &mut out).map_err(|e| e.to_string())?;
        }
        let name = match &plan {
            Plan::Cached(name) => name,
            Plan::Fresh(name) => name,
            Plan::Unnamed => "",
        };
        if !matches!(plan, Plan::Cached(_)) {
            frontend::parse(name, sql, std::iter::empty(), &mut out).map_err(|e| e.to_string())?;
        }
        frontend::bind(
            "",
            name,
            std::iter::empty(),
            params.iter(),
            |p, buf| match p {
                Some(v) => {
                    buf.extend_from_slice(v.as_bytes());
                    Ok(IsNull::No)
                }
                None => Ok(IsNull::Yes),
            },
            std::iter::empty(),
            &mut out,
        )
        .map_err(|e| match e {
            frontend::BindError::Conversion(e) => e.to_string(),
            frontend::BindError::Serialization(e) => e.to_string(),
        })?;
        if rows {
            frontend::describe(b'P', "", &mut out).map_err(|e| e.to_string())?;
        }
        frontend::execute("", 0, &mut out).map_err(|e| e.to_string())?;
        frontend::sync(&mut out);
        let reply = self.exchange(what, &out);
        let mut stale = false;
        match plan {
            Plan::Fresh(name) if reply.parsed => self.stmts.parsed(sql, name),
            Plan::Unnamed if reply.result.is_ok() => self.stmts.ran(sql),
            Plan::Fresh(_) | Plan::Unnamed => {}
            Plan::Cached(_) if reply.result.is_err() => {
                stale = reply.code.as_deref().is_some_and(|c| STALE.contains(&c));
                self.stmts.forget(sql);
            }
            Plan::Cached(_) => {}
        }
        Ok((reply.result, stale))
    }

    /// Runs `sql` over the simple protocol.
    pub fn simple(&mut self, sql: &str) -> Result<Outcome, String> {
        let mut out = BytesMut::new();
        frontend::query(sql, &mut out).map_err(|e| e.to_string())?;
        self.exchange("execute", &out).result
    }

    /// Ends a COPY FROM STDIN the server has started: CopyFail, then Sync.
    fn refuse_copy(&mut self) -> std::io::Result<()> {
        let mut out = BytesMut::new();
        frontend::copy_fail(COPY, &mut out)?;
        frontend::sync(&mut out);
        self.send(&out)?;
        self.sock.reply_due();
        Ok(())
    }

    /// Sends `out` and reads the reply through ReadyForQuery. DDL that
    /// went through drops the prepared statements (`stmts`). The
    /// connection is `broken` from the first byte sent until the
    /// ReadyForQuery: a return before it leaves the protocol out of step.
    fn exchange(&mut self, what: &str, out: &[u8]) -> Reply {
        let mut reply = Reply {
            result: Err(String::new()),
            parsed: false,
            code: None,
        };
        self.broken = true;
        if let Err(e) = self.send(out) {
            self.broken = true;
            reply.result = Err(format!("send {what}: {}", io_text(&e)));
            return reply;
        }
        self.sock.reply_due();
        // The columns, once described (`execute` sends no Describe, and
        // its rows are not kept).
        let mut names: Option<Vec<String>> = None;
        let mut got = Outcome::default();
        let mut error: Option<String> = None;
        let mut ddl = false;
        loop {
            // A server that ends the session says why first (`terminating
            // connection due to administrator command`): that is the error.
            let m = match self.next_message() {
                Ok(m) => m,
                Err(e) => {
                    self.broken = true;
                    reply.result = Err(error.unwrap_or(format!("read {what}: {}", io_text(&e))));
                    return reply;
                }
            };
            match m {
                Message::ParseComplete => reply.parsed = true,
                Message::RowDescription(b) => {
                    let fields = b.fields().map(|f| Ok(f.name().to_string())).collect();
                    match fields {
                        Ok(f) => names = Some(f),
                        Err(e) => {
                            self.broken = true;
                            reply.result = Err(format!("read {what}: {e}"));
                            return reply;
                        }
                    }
                }
                Message::DataRow(b) => {
                    let Some(names) = &names else { continue };
                    let buf = b.buffer();
                    let vals: Vec<Option<std::ops::Range<usize>>> = match b.ranges().collect() {
                        Ok(v) => v,
                        Err(e) => {
                            self.broken = true;
                            reply.result = Err(format!("read {what}: {e}"));
                            return reply;
                        }
                    };
                    // A row that does not fit its description fails the
                    // call; the reply goes on to ReadyForQuery as usual.
                    if vals.len() != names.len() {
                        if error.is_none() {
                            error = Some(format!(
                                "read {what}: a row of width {} for {} columns",
                                vals.len(),
                                names.len()
                            ));
                        }
                        continue;
                    }
                    let row = names
                        .iter()
                        .zip(vals)
                        .map(|(n, r)| {
                            let v = r.map(|r| String::from_utf8_lossy(&buf[r]).into_owned());
                            (n.clone(), v.unwrap_or_default())
                        })
                        .collect();
                    got.rows.push(row);
                }
                Message::CommandComplete(b) => {
                    let tag = b.tag().unwrap_or("");
                    got.count = tag_count(tag);
                    ddl |= is_ddl(tag);
                }
                // COPY is not supported (§5.5.2): a COPY FROM STDIN is
                // refused with CopyFail, and a Sync after it (the server
                // ignored ours while it waited for data); the rows of a
                // COPY TO STDOUT are read and dropped.
                Message::CopyInResponse(_) => {
                    error.get_or_insert_with(|| COPY.into());
                    if let Err(e) = self.refuse_copy() {
                        reply.result = Err(format!("send {what}: {}", io_text(&e)));
                        return reply;
                    }
                }
                Message::CopyOutResponse(_) => {
                    error.get_or_insert_with(|| COPY.into());
                }
                Message::ErrorResponse(b) if error.is_none() => {
                    error = Some(error_text(&b));
                    reply.code = error_field(&b, b'C');
                }
                Message::ReadyForQuery(b) => {
                    self.status = b.status();
                    self.broken = false;
                    if ddl {
                        self.stmts.clear();
                    }
                    reply.result = match error {
                        Some(e) => Err(e),
                        None => Ok(got),
                    };
                    return reply;
                }
                // Bind and Close completion, NoData, notices, parameter
                // changes, an empty query: nothing to keep.
                _ => {}
            }
        }
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
