//! One connection of the fake: startup, authentication, then statements
//! over the simple and extended protocols until Terminate or end of file.

use super::wire::{self, Body};
use super::{auth, error, rows, tag, Reply, Script};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::Mutex;

struct Session<'a> {
    s: TcpStream,
    n: usize,
    script: &'a Script,
    log: &'a Mutex<Vec<String>>,
    /// The transaction status byte: `I`, `T` or `E`.
    status: u8,
    /// Backend messages of the current batch, written at Sync.
    out: Vec<u8>,
    /// Parsed statements by name (`""` is the unnamed one).
    stmts: HashMap<String, String>,
    /// The answer of the bound portal.
    portal: Option<Reply>,
    /// After an error in an extended batch: messages up to Sync are ignored.
    skipping: bool,
    /// The batch's answer is held back (`Reply::Late`) ...
    hold: bool,
    /// ... until the next message arrives.
    held: Option<Vec<u8>>,
    /// `Reply::Silent`: nothing more is answered.
    silent: bool,
}

pub fn serve(s: TcpStream, n: usize, script: &Script, log: &Mutex<Vec<String>>) {
    let mut session = Session {
        s,
        n,
        script,
        log,
        status: b'I',
        out: Vec::new(),
        stmts: HashMap::new(),
        portal: None,
        skipping: false,
        hold: false,
        held: None,
        silent: false,
    };
    let _ = session.run();
    // The fake keeps a clone of the socket (to stop it when dropped), so
    // the session's end shuts it down: a FIN even with client bytes left
    // unread (closing would send a reset), so the client deterministically
    // reads "closed".
    let _ = session.s.shutdown(std::net::Shutdown::Both);
}

/// The answer inside a `Late` one.
fn inner(r: &Reply) -> &Reply {
    match r {
        Reply::Late(r) => inner(r),
        r => r,
    }
}

impl Session<'_> {
    fn note(&self, what: String) {
        self.log.lock().unwrap().push(format!("{}: {what}", self.n));
    }

    fn run(&mut self) -> io::Result<()> {
        let mut startup = wire::read_untagged(&mut self.s)?;
        if startup == [4, 210, 22, 47] {
            self.s.write_all(b"N")?;
            startup = wire::read_untagged(&mut self.s)?;
        }
        let mut b = Body(&startup);
        let _version = b.i32();
        let mut params = HashMap::new();
        loop {
            let k = b.cstr();
            if k.is_empty() {
                break;
            }
            params.insert(k, b.cstr());
        }
        let user = params.get("user").cloned().unwrap_or_default();
        let db = params.get("database").cloned().unwrap_or_default();
        self.note(format!("connect {user} to {db}"));
        let (how, pass) = (&self.script.auth, &self.script.password);
        if !auth::authenticate(&mut self.s, how, &user, pass)? {
            return Ok(());
        }
        self.out
            .extend(wire::parameter_status("server_version", "16.0"));
        self.out.extend(wire::msg(b'K', &[0, 0, 0, 7, 0, 0, 0, 9]));
        self.out.extend(wire::ready(b'I'));
        self.sync()?;
        loop {
            let Ok((t, body)) = wire::read_tagged(&mut self.s) else {
                return Ok(());
            };
            if let Some(h) = self.held.take() {
                self.s.write_all(&h)?;
            }
            if self.silent || (self.skipping && t != b'S') {
                continue;
            }
            if !self.message(t, &body)? {
                return Ok(());
            }
        }
    }

    /// Handles one frontend message; `Ok(false)` ends the session.
    fn message(&mut self, t: u8, body: &[u8]) -> io::Result<bool> {
        let mut b = Body(body);
        match t {
            b'Q' => {
                let r = self.statement(&b.cstr(), &[]);
                if !self.answer(r, true)? {
                    return Ok(false);
                }
                self.out.extend(wire::ready(self.status));
                self.sync()?;
            }
            b'P' => {
                let name = b.cstr();
                self.stmts.insert(name, b.cstr());
                self.out.extend(wire::msg(b'1', &[]));
            }
            b'B' => {
                let _portal = b.cstr();
                let name = b.cstr();
                let formats = b.i16() as usize;
                b.bytes(2 * formats);
                let params: Vec<Option<String>> = (0..b.i16())
                    .map(|_| match b.i32() {
                        -1 => None,
                        n => Some(String::from_utf8_lossy(b.bytes(n as usize)).into_owned()),
                    })
                    .collect();
                self.portal = Some(match self.stmts.get(&name).cloned() {
                    Some(sql) => self.statement(&sql, &params),
                    None => error(
                        "26000",
                        &format!("prepared statement \"{name}\" does not exist"),
                    ),
                });
                self.out.extend(wire::msg(b'2', &[]));
            }
            b'D' => match self.portal.as_ref().map(inner) {
                Some(Reply::Rows(cols, _)) => self.out.extend(wire::row_description(cols)),
                Some(Reply::Tag(_) | Reply::Error(..)) => self.out.extend(wire::msg(b'n', &[])),
                _ => {}
            },
            b'E' => {
                if let Some(r) = self.portal.take() {
                    return self.answer(r, false);
                }
            }
            b'S' => {
                self.skipping = false;
                self.out.extend(wire::ready(self.status));
                self.sync()?;
            }
            b'C' => self.out.extend(wire::msg(b'3', &[])),
            b'H' => self.s.write_all(&std::mem::take(&mut self.out))?,
            b'X' => {
                self.note("terminate".into());
                return Ok(false);
            }
            _ => self.out.extend(wire::error("08P01", "unexpected message")),
        }
        Ok(true)
    }

    /// Runs a statement: the script's reply, or the default one, under the
    /// transaction status rules of a server.
    fn statement(&mut self, sql: &str, params: &[Option<String>]) -> Reply {
        if params.is_empty() {
            self.note(sql.into());
        } else {
            let ps: Vec<&str> = params
                .iter()
                .map(|p| p.as_deref().unwrap_or("NULL"))
                .collect();
            self.note(format!("{sql} [{}]", ps.join(", ")));
        }
        let upper = sql.trim_start().to_ascii_uppercase();
        let ends = upper.starts_with("COMMIT") || upper.starts_with("ROLLBACK");
        if self.status == b'E' && !ends {
            let m =
                "current transaction is aborted, commands ignored until end of transaction block";
            return error("25P02", m);
        }
        let r = (self.script.replies)(sql, params).unwrap_or_else(|| match upper.as_str() {
            "BEGIN" => tag("BEGIN"),
            "COMMIT" if self.status == b'E' => tag("ROLLBACK"),
            "COMMIT" => tag("COMMIT"),
            "ROLLBACK" => tag("ROLLBACK"),
            "SELECT 1" => rows(&["?column?"], &[&[Some("1")]]),
            _ => error("42601", &format!("the fake has no reply for: {sql}")),
        });
        self.status = match inner(&r) {
            _ if ends => b'I',
            Reply::Error(..) if self.status == b'T' => b'E',
            Reply::Tag(t) if t == "BEGIN" => b'T',
            _ => self.status,
        };
        r
    }

    /// Adds the answer to the batch; `Ok(false)` once the connection is
    /// to be closed.
    fn answer(&mut self, r: Reply, simple: bool) -> io::Result<bool> {
        match r {
            Reply::Rows(cols, rs) => {
                if simple {
                    self.out.extend(wire::row_description(&cols));
                }
                for r in &rs {
                    self.out.extend(wire::data_row(r));
                }
                let t = format!("SELECT {}", rs.len());
                self.out.extend(wire::command_complete(&t));
            }
            Reply::Tag(t) => self.out.extend(wire::command_complete(&t)),
            Reply::Error(code, m) => {
                self.out.extend(wire::error(&code, &m));
                self.skipping = !simple;
            }
            Reply::Raw(bytes) => {
                self.out.extend(bytes);
                self.s.write_all(&self.out)?;
                return Ok(false);
            }
            Reply::Silent => self.silent = true,
            Reply::Late(r) => {
                self.hold = true;
                return self.answer(*r, simple);
            }
        }
        Ok(true)
    }

    /// Ends a batch: its messages go out, unless held back or silenced.
    fn sync(&mut self) -> io::Result<()> {
        let out = std::mem::take(&mut self.out);
        if self.silent {
            return Ok(());
        }
        if std::mem::take(&mut self.hold) {
            self.held = Some(out);
            return Ok(());
        }
        self.s.write_all(&out)
    }
}
