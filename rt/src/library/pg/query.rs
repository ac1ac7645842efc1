//! Statements (§5.5.2, §5.5.3): `execute` and `query` over the extended
//! protocol (unnamed statement and portal, text parameters and results,
//! written in one go and ending with Sync), `simple` over the simple
//! protocol for BEGIN/COMMIT/ROLLBACK. Every reply is read through
//! ReadyForQuery, after an error too, so the connection stays usable; the
//! status byte is kept for transactions.

use super::conn::{io_text, Conn};
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

/// The `M` (message) field of an error.
pub fn error_text(b: &ErrorResponseBody) -> String {
    let mut f = b.fields();
    while let Ok(Some(field)) = f.next() {
        if field.type_() == b'M' {
            return String::from_utf8_lossy(field.value_bytes()).into_owned();
        }
    }
    "unknown server error".into()
}

/// The last number of a CommandComplete tag; 0 when there is none.
pub fn tag_count(tag: &str) -> i64 {
    tag.rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl Conn {
    /// Runs one statement with text parameters (`None` is NULL). `what`
    /// names the call in I/O errors (`execute`, `query`).
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
        let mut out = BytesMut::new();
        let build = |out: &mut BytesMut| -> Result<(), String> {
            frontend::parse("", sql, std::iter::empty(), out).map_err(|e| e.to_string())?;
            frontend::bind(
                "",
                "",
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
                out,
            )
            .map_err(|e| match e {
                frontend::BindError::Conversion(e) => e.to_string(),
                frontend::BindError::Serialization(e) => e.to_string(),
            })?;
            if rows {
                frontend::describe(b'P', "", out).map_err(|e| e.to_string())?;
            }
            frontend::execute("", 0, out).map_err(|e| e.to_string())?;
            frontend::sync(out);
            Ok(())
        };
        build(&mut out)?;
        self.exchange(what, &out)
    }

    /// Runs `sql` over the simple protocol.
    pub fn simple(&mut self, sql: &str) -> Result<Outcome, String> {
        let mut out = BytesMut::new();
        frontend::query(sql, &mut out).map_err(|e| e.to_string())?;
        self.exchange("execute", &out)
    }

    /// Sends `out` and reads the reply through ReadyForQuery.
    fn exchange(&mut self, what: &str, out: &[u8]) -> Result<Outcome, String> {
        self.send(out)
            .map_err(|e| format!("send {what}: {}", io_text(&e)))?;
        self.sock.reply_due();
        let mut names: Vec<String> = Vec::new();
        let mut got = Outcome::default();
        let mut error: Option<String> = None;
        loop {
            // A server that ends the session says why first (`terminating
            // connection due to administrator command`): that is the error.
            let m = match self.next_message() {
                Ok(m) => m,
                Err(e) => return Err(error.unwrap_or(format!("read {what}: {}", io_text(&e)))),
            };
            match m {
                Message::RowDescription(b) => {
                    names = b
                        .fields()
                        .map(|f| Ok(f.name().to_string()))
                        .collect()
                        .map_err(|e| format!("read {what}: {e}"))?;
                }
                Message::DataRow(b) => {
                    let buf = b.buffer();
                    let vals: Vec<Option<std::ops::Range<usize>>> = b
                        .ranges()
                        .collect()
                        .map_err(|e| format!("read {what}: {e}"))?;
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
                    got.count = b.tag().map(tag_count).unwrap_or(0);
                }
                Message::ErrorResponse(b) => {
                    error.get_or_insert_with(|| error_text(&b));
                }
                Message::ReadyForQuery(b) => {
                    self.status = b.status();
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(got),
                    };
                }
                // Parse/Bind completion, NoData, notices, parameter changes,
                // an empty query: nothing to keep.
                _ => {}
            }
        }
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
